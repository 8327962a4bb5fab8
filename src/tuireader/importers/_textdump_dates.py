"""Date lines in text dumps: "March 3, 2024 at 10:15 am", "3 March 2024", "3 hours ago"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

_MON = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = (
    r"(?:(?:\s*,)?\s*(?:at|@|-|–|·|\|)?\s*(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.\d{1,6})?)?\s*(?P<ap>[ap]\.?\s?m\.?)?)?"
    r"(?:\s*(?P<tz>utc|gmt|z|[+-]\d{2}:?\d{2}))?"
)
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?"
_ABSOLUTE = [
    re.compile(_WEEKDAY + _MON + r"\s+" + _DAY + r",?\s+(?P<y>\d{4})" + _TIME, re.I),
    re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>\d{4})" + _TIME, re.I),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:t|\s+)?" + _TIME, re.I),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日" + _TIME, re.I),
    # No year ("Mar 3", "3 March 10:15"): a date line, but no instant.
    re.compile(_WEEKDAY + _MON + r"\s+" + _DAY + r"(?P<y>)" + _TIME, re.I),
    re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MON + r"(?P<y>)" + _TIME, re.I),
]
_RELATIVE = re.compile(
    r"(?:about\s+|over\s+|almost\s+)?(?:\d+|an?|one)\s*(?:seconds?|secs?|minutes?|mins?|hours?|"
    r"hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|[smhdwy])\.?\s+ago|just now|moments? ago|"
    r"(?:yesterday|today)(?:\s+at\s+\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?)?",
    re.I,
)
_AFFIXES = re.compile(
    r"^(?:(?:posted|published|updated|last updated|written|commented)\s*(?:on|at)?\s*:?\s*|"
    r"on\s+)|\s*(?:[|•·]\s*)?(?:reply|edit|edited|permalink|#|said:?|wrote:?)$",
    re.I,
)
_EDGES = " \t\u00a0\u2022\u00b7|»«›‹>-–—"
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}


def date_line(line: str) -> tuple[bool, datetime | None]:
    """Is *line* a date on its own, and which (aware UTC) instant?

    Absolute dates give a datetime (UTC when no zone is written); relative ones
    ("3 hours ago", "yesterday") are dates whose instant is ``None``.  Prefixes
    such as "Posted on" and a trailing "| Reply" are allowed.
    """
    return (False, None) if len(line) > 80 else _date_line(line)


@lru_cache(maxsize=4096)
def _date_line(line: str) -> tuple[bool, datetime | None]:
    core = line.strip(_EDGES)
    for _ in range(2):
        core = _AFFIXES.sub("", core).strip(" ,")
    if not core:
        return False, None
    if _RELATIVE.fullmatch(core):
        return True, None
    for pattern in _ABSOLUTE:
        m = pattern.fullmatch(core)
        if m:
            return True, _to_datetime(m.groupdict())
    return False, None


def _to_datetime(g: dict[str, str | None]) -> datetime | None:
    """An aware UTC datetime from the groups of a date match (``None`` if not a real date)."""
    try:
        month = int(g["m"]) if g.get("m") else _MONTHS[(g.get("mon") or "")[:3].lower()]
        hour = int(g["h"] or 0)
        ampm = (g["ap"] or "").replace(".", "").replace(" ", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone = (g["tz"] or "").lower()
        tz = UTC
        if zone[:1] in ("+", "-"):
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = timezone(offset if zone[0] == "+" else -offset)
        value = datetime(
            int(g["y"] or 0),
            month,
            int(g["d"] or 0),
            hour,
            int(g["mi"] or 0),
            int(g["s"] or 0),
            tzinfo=tz,
        )
    except (KeyError, ValueError, OverflowError):
        return None
    return value.astimezone(UTC)
