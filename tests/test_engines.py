"""Import, notes, export and the CLI on both engines (a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import json
from pathlib import Path

from tuireader.export.backup import library_document
from tuireader.export.markdown import article_markdown
from tuireader.importing import import_paths
from tuireader.store.library import Library
from tuireader.store.queries import (
    ListQuery,
    count_articles,
    get_article,
    library_counts,
    list_tags,
)
from tuireader.store.search import search

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def _bundles() -> list[Path]:
    return sorted(SAMPLES.glob("*.json"))


def _comparable(doc: dict) -> list[dict]:
    """A backup's articles without ids, and without what a JSON restore does not keep.

    (A note's ``updated`` and ``shared`` are not in the bundle format the restore reads;
    ``tuireader db copy`` is the lossless path, tested in test_copy.py.)
    """
    out = []
    for art in doc["articles"]:
        art = {k: v for k, v in art.items() if k not in ("id", "added")}
        art["comments"] = [
            {k: v for k, v in c.items() if k not in ("id", "parent_id")} for c in art["comments"]
        ]
        art["notes"] = [
            {k: v for k, v in n.items() if k not in ("id", "comment_id", "updated")}
            for n in art["notes"]
        ]
        out.append(art)
    return sorted(out, key=lambda a: (a["title"], a["url"] or ""))


def test_import_notes_export_and_restore(
    any_library: Library, another_db_url: str, tmp_path: Path
) -> None:
    outcome = import_paths(any_library, _bundles())
    assert outcome.failed == [] and len(outcome.imported) >= 7
    db = any_library.db
    total = count_articles(db, ListQuery())
    assert total == len(outcome.imported)
    # The deep discussion keeps its tree.
    deep = max((get_article(db, i) for i in outcome.imported), key=lambda v: len(v.comments))
    assert len(deep.comments) >= 30 and max(c.depth for c in deep.comments) >= 5
    by_id = {c.id: c for c in deep.comments}
    for c in deep.comments:
        if c.parent_id is not None:
            assert by_id[c.parent_id].depth == c.depth - 1
    # Notes: a new one, a highlight and one on a comment; all exported.
    first = outcome.imported[0]
    view = get_article(db, first)
    any_library.add_note(first, "my [b]note[/b]")
    quote = view.text[:12].strip()
    any_library.add_note(first, "a highlight", quote=quote, start=0, end=len(quote), shared=True)
    any_library.add_note(deep.id, "on a comment", comment_id=deep.comments[3].id)
    any_library.add_tags(first, ["later", "émigré"])
    any_library.set_flag(first, "starred", True)
    assert ("émigré", 1) in list_tags(db)
    assert [h.note_id is not None for h in search(db, "highlight in:notes")] == [True]
    md = article_markdown(get_article(db, first))
    assert "my [b]note[/b]" in md and quote in md
    doc = library_document(db)
    assert len(doc["articles"]) == total
    notes = [n for a in doc["articles"] for n in a["notes"]]
    assert {"my [b]note[/b]", "a highlight", "on a comment"} <= {n["text"] for n in notes}
    assert all(n["owner"] for n in notes)
    # The backup restores into a fresh library on the same engine, equal but for ids.
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    restored = Library.open(another_db_url)
    try:
        again = import_paths(restored, [backup])
        assert again.failed == [] and len(again.imported) == total
        assert _comparable(library_document(restored.db)) == _comparable(doc)
        assert library_counts(restored.db) == library_counts(db)
    finally:
        restored.close()


def test_cli_on_either_engine(cli, any_db_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = cli("--db", any_db_url, "import", str(SAMPLES / "030_unread-pile.json"), "--json")
    assert out.exit_code == 0, out.stderr
    ids = json.loads(out.stdout)["imported"]
    listing = json.loads(cli("--db", any_db_url, "list", "--json", "--sort", "title").stdout)
    titles = [a["title"] for a in listing["articles"]]
    assert listing["total"] == len(ids) and titles == sorted(titles)
    added = cli("--db", any_db_url, "note", "add", str(ids[0]), "zebra", "--json")
    added = json.loads(added.stdout)
    shown = json.loads(cli("--db", any_db_url, "show", str(ids[0]), "--json").stdout)
    assert [n["id"] for n in shown["notes"] if n["text"] == "zebra"] == [added["id"]]
    hits = json.loads(cli("--db", any_db_url, "search", "zebra", "--json").stdout)
    assert [(h["article_id"], h["where"]) for h in hits] == [(ids[0], "note")]
    check = json.loads(cli("--db", any_db_url, "db", "check", "--json").stdout)
    assert check["articles"] == len(ids) and check["notes"] >= 1
    out_dir = tmp_path / "md"
    exported = cli("--db", any_db_url, "export", "--format", "markdown", "--out", str(out_dir))
    assert exported.exit_code == 0 and len(list(out_dir.glob("*.md"))) == len(ids)


def test_postgres_urls_use_psycopg_and_missing_drivers_are_one_line(tmp_path: Path) -> None:
    import pytest

    from tuireader.store.db import Database, StoreError

    for url in ("postgresql://me@db.example.org/lib", "postgres://me@db.example.org/lib"):
        assert Database(url).engine.dialect.driver == "psycopg"
    assert Database("postgresql+psycopg://me@h/lib").display_url.startswith("postgresql+psycopg")
    with pytest.raises(StoreError, match="no database driver for mysql"):
        Library.open("mysql://u@h/x")
