"""One way to report a failed worker: a notification, and the app keeps running.

Every node that starts store workers (``@work(thread=True, exit_on_error=False)``)
mixes in :class:`ReportWorkerErrors`, whose ``on_worker_state_changed`` turns an
error into a notification.  ``Worker.StateChanged`` does not bubble, so each
such node needs the mixin.
"""

from __future__ import annotations

import logging

from textual.worker import Worker, WorkerState

from tuireader.app.links import notify_plain

__all__ = ["ReportWorkerErrors", "describe_error"]

log = logging.getLogger("tuireader.app")


def describe_error(exc: BaseException | None) -> str:
    """One line for the user: store errors carry their own wording."""
    if exc is None:
        return "unknown error"
    name = type(exc).__name__
    text = " ".join(str(exc).split())
    if name in ("StoreError", "SearchError", "ImportError_"):
        return text or name
    return f"{name}: {text}" if text else name


class ReportWorkerErrors:
    """Mixin for widgets and screens: a worker that fails shows a notification."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Notify when a worker ended with an error."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        log.warning("worker %s failed: %r", event.worker.name, error)
        what = event.worker.group.replace("-", " ")
        notify_plain(
            event.worker.node.app,  # type: ignore[attr-defined]
            describe_error(error),
            title=f"Could not complete: {what}",
            severity="error",
        )
