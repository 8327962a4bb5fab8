"""The two default themes: a dark one and a light one (any Textual theme works too)."""

from __future__ import annotations

from textual.theme import Theme

from tuireader.app.config import DARK_THEME, LIGHT_THEME

__all__ = ["DARK", "LIGHT", "THEMES"]

DARK = Theme(
    name=DARK_THEME,
    primary="#5E9FD6",
    secondary="#81A1C1",
    accent="#E5A84B",
    foreground="#D8DEE9",
    background="#1B1D23",
    surface="#22252C",
    panel="#2C313A",
    warning="#EBCB8B",
    error="#E06C75",
    success="#98C379",
    dark=True,
    variables={"footer-key-foreground": "#E5A84B"},
)

LIGHT = Theme(
    name=LIGHT_THEME,
    primary="#0A58A3",
    secondary="#3F6E9A",
    accent="#A85100",
    foreground="#22262B",
    background="#FBFAF7",
    surface="#F1EFE9",
    panel="#E2DED4",
    warning="#8A6100",
    error="#B3261E",
    success="#2E7D32",
    dark=False,
    variables={"footer-key-foreground": "#A85100"},
)

THEMES = (DARK, LIGHT)
