"""The current user, without SQLAlchemy (the app's first page reads it before the store).

:mod:`tuireader.store.users` re-exports these; see it for what a user is.
"""

from __future__ import annotations

import getpass
import os

from tuireader.text import safe_line

__all__ = ["current_user", "PRIMARY_USER_KEY", "MAX_USER_CHARS"]

PRIMARY_USER_KEY = "primary_user"
"""The ``library_meta`` key naming the user whose state is kept in the article columns."""
MAX_USER_CHARS = 200


def current_user() -> str:
    """``TUIREADER_USER`` if set, else the OS user.

    ``serve ssh`` sets it from the key's ``environment=`` option in authorized_keys.
    """
    name = safe_line(os.environ.get("TUIREADER_USER", ""))[:MAX_USER_CHARS]
    if name:
        return name
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        name = ""
    return safe_line(name)[:MAX_USER_CHARS] or f"uid{os.getuid()}"
