"""Growing a ``ScrollView`` without a layout pass.

``Widget.virtual_size`` is a reactive with ``layout=True``: every change lays out
the whole screen (tens of ms with a footer, three panes and a tree).  The reader
grows piece by piece and the list changes size on every reload, so
:func:`set_virtual_size` only asks for a layout when the scrollbars must appear
or disappear; otherwise it updates the value and the scrollbar and repaints.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget

__all__ = ["set_virtual_size", "style_signature"]


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give *view* the virtual *size*, laying out again only if a scrollbar comes or goes."""
    if view.virtual_size == size:
        return
    region = view.scrollable_content_region
    if not view.is_mounted or region.height <= 0:
        view.virtual_size = size
        return
    vertical = size.height > region.height
    horizontal = size.width > region.width and view.styles.overflow_x != "hidden"
    if vertical != view.show_vertical_scrollbar or horizontal != view.show_horizontal_scrollbar:
        view.virtual_size = size
        return
    view.set_reactive(Widget.virtual_size, size)
    if vertical:
        scrollbar = view.vertical_scrollbar
        scrollbar.window_virtual_size = size.height
        scrollbar.refresh()
    view.scroll_y = view.validate_scroll_y(view.scroll_y)
    view.refresh()


def style_signature(widget: Widget) -> tuple[object, ...] | None:
    """The widget's base style and component styles, to tell a real style change.

    ``notify_style_update`` runs on every focus change as well as on theme
    changes; widgets that cache drawn lines compare this to keep their caches.
    """
    if not widget.is_mounted:
        return None
    try:
        names = sorted(widget.COMPONENT_CLASSES)
        return (widget.rich_style, *(widget.get_component_rich_style(n) for n in names))
    except Exception:  # noqa: BLE001 - no app or screen yet: treat as changed
        return None
