"""Two readers at once on the real app over ``tuireader serve ssh``, each writing a note.

The server runs its default command (the real reader) on a library filled as
``tuireader import sample_data/`` does.  Two SSH connections, each with a pty,
open an article at the same time, write a note in the note editor (``m``, text,
``ctrl+s``) and wait for "Saved"; afterwards the library holds both notes, each
owned by the reader its key names (``environment="TUIREADER_USER=…"``).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from termclient import TermSession, connect, open_term

pytestmark = pytest.mark.timeout(240)

CTRL_S = b"\x13"
EDITOR_KEYS = "ctrl+s save"
"""Part of the note editor's status line: on screen exactly while the editor is open."""


def _titles(db_url: str) -> list[str]:
    from tuireader.store.db import Database
    from tuireader.store.queries import ListQuery, list_page

    return [item.title for item in list_page(Database(db_url), ListQuery(), limit=50)]


async def _write_note(session: TermSession, titles: list[str], downs: int, note: str) -> None:
    """In one session: open the article *downs* rows below the top, write *note*, save it."""
    await session.wait_until(
        lambda lines: all(t[:12] in "\n".join(lines) for t in titles),
        "the sample titles listed",
        timeout=90,
    )
    session.send("j" * downs + "\r")
    title = titles[downs]
    # The opened article's title shows in the reader as well as in the list.
    await session.wait_until(
        lambda lines: "\n".join(lines).count(title[:12]) >= 2, f"{title!r} opened", timeout=60
    )
    session.send("m")
    await session.wait_for(EDITOR_KEYS, timeout=60)
    await session.wait_for("Note on", timeout=10)
    session.send(note)
    await session.wait_for(note, timeout=60)  # every key reached the text area
    session.send(CTRL_S)
    await session.wait_for("Saved", timeout=60)
    await session.wait_until(
        lambda lines: EDITOR_KEYS not in "\n".join(lines), "the editor closed", timeout=60
    )


async def _quit(session: TermSession) -> None:
    session.send("q")
    await asyncio.wait_for(session.closed.wait(), 60)


async def test_two_sessions_at_once_each_add_a_note_and_both_are_stored(
    serve: Any, client_key: Any, other_key: Any, authorized_keys: Path, sample_db: str
) -> None:
    from tuireader.store.db import Database
    from tuireader.store.queries import all_notes

    # Two readers, each named by their key's line (the client cannot choose).
    authorized_keys.write_bytes(
        b'environment="TUIREADER_USER=alice" '
        + client_key.export_public_key("openssh")
        + b'environment="TUIREADER_USER=bob" '
        + other_key.export_public_key("openssh")
    )

    titles = _titles(sample_db)
    assert len(titles) >= 5
    before = {n.id for n in all_notes(Database(sample_db))}  # the sample data has notes
    assert before
    notes = ("first reader was here", "second reader agrees")
    handle = await serve(command=None)  # the real reader
    async with (
        await connect(handle.port, client_key) as one,
        await connect(handle.port, other_key) as two,
    ):
        sessions = [await open_term(one, 120, 40), await open_term(two, 120, 40)]
        await asyncio.gather(
            _write_note(sessions[0], titles, 0, notes[0]),
            _write_note(sessions[1], titles, 1, notes[1]),
        )
        await asyncio.gather(*(_quit(s) for s in sessions))
        assert [s.exit_status for s in sessions] == [0, 0]

    # Private notes: read the file itself, not as this test's user would see them.
    con = sqlite3.connect(sample_db.removeprefix("sqlite:///"))
    added = [
        (text, title, owner)
        for note_id, text, title, owner in con.execute(
            "SELECT n.id, n.text, a.title, n.owner FROM note n"
            " JOIN article a ON a.id = n.article_id"
        )
        if note_id not in before
    ]
    con.close()
    assert sorted(added) == sorted([(notes[0], titles[0], "alice"), (notes[1], titles[1], "bob")])
