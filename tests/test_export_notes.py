"""Note export: Markdown pages (Obsidian/Logseq) and W3C Web Annotation JSON-LD, with goldens.

Set TUIREADER_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from notes_support import FERRY_TEXT, build_library, run_cli, t

from tuireader.export.notes import (
    ANNO_CONTEXT,
    JSON_NAME,
    article_notes_markdown,
    inert,
    notes_collection,
    write_notes_json,
    write_notes_markdown,
)
from tuireader.store.queries import get_article

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
UPDATE = os.environ.get("TUIREADER_UPDATE_GOLDEN") == "1"
NOW = t(10, 12)


def golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual, f"differs from {path}"


@pytest.fixture
def library(tmp_path):
    lib = build_library(tmp_path / "lib.db")
    yield lib
    lib.close()


def front_matter(page: str) -> dict[str, object]:
    lines = page.splitlines()
    assert lines[0] == "---"
    end = lines.index("---", 1)
    fields: dict[str, object] = {}
    for line in lines[1:end]:
        key, _, value = line.partition(": ")
        fields[key] = value if key == "date" else json.loads(value)
    return fields


def test_markdown_golden(library, tmp_path):
    out = tmp_path / "notes"
    files = write_notes_markdown(library.db, out)
    names = sorted(p.name for p in files)
    assert names == ["The ferry and the flood (2).md", "The ferry and the flood.md", "bashrc.md"]
    assert sorted(p.name for p in out.iterdir()) == names
    for path in files:
        golden(f"notes_md/{path.name}", path.read_text(encoding="utf-8"))


def test_markdown_page_has_front_matter_highlights_notes_and_comment_authors(library):
    page = article_notes_markdown(get_article(library.db, 1))
    assert front_matter(page) == {
        "title": "The ferry and the flood",
        "url": "https://river.example/ferry",
        "site": "River Weekly",
        "author": "Ana Lima",
        "date": "2025-03-01",
        "tags": ["floods", "river-towns"],
    }
    body = page.split("\n---\n", 1)[1]
    assert "> The monks moved the books upstairs, one shelf at a time.\n\n" in body
    assert "Compare with the **library** in chapter 3." in body  # the user's Markdown is kept
    assert body.index("> the river would rise") < body.index("> The monks moved")  # text order
    assert "Ask Ana about the 1931 flood." in body
    assert "On the comment by **Brother Ma** (2025-03-02):" in body
    assert body.count("On the comment by **Brother Ma**") == 1  # two notes, one heading
    # A commenter's name cannot become markup in the reading app.
    assert "**\\[bold\\]Mallory\\[/\\] \\<script\\>**" in body


def test_markdown_marks_an_orphaned_highlight_and_escapes_article_text(library):
    page = article_notes_markdown(get_article(library.db, 2))
    assert "> a sentence that is gone\n\n*This passage is no longer in the article.*" in page
    assert "\\<b\\>special\\</b\\> \\[here\\](javascript:x)" in page
    assert "<b>" not in page


def test_inert_escapes_markdown_and_html():
    assert inert("a [link](x) <img> #tag *em* `code` & {{macro}}") == (
        "a \\[link\\](x) \\<img\\> \\#tag \\*em\\* \\`code\\` \\& \\{\\{macro\\}\\}"
    )


def test_articles_without_notes_are_not_exported(library, tmp_path):
    files = write_notes_markdown(library.db, tmp_path / "out")
    assert not any("No notes here" in p.read_text() for p in files)


def test_json_golden(library):
    doc = notes_collection(library.db, now=NOW)
    golden("notes.jsonld", json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def test_json_is_a_w3c_annotation_collection(library):
    doc = notes_collection(library.db, now=NOW)
    assert doc["@context"] == ANNO_CONTEXT
    assert doc["type"] == "AnnotationCollection"
    items = doc["first"]["items"]
    assert doc["total"] == len(items) == 9
    by_id = {a["id"]: a for a in items}
    assert all(a["type"] == "Annotation" for a in items)
    hl = by_id["urn:tuireader:note:1"]
    assert hl["body"] == {
        "type": "TextualBody",
        "value": "Compare with the **library** in chapter 3.",
        "format": "text/markdown",
        "purpose": "commenting",
    }
    assert hl["target"]["source"] == "https://river.example/ferry"
    quote, position = hl["target"]["selector"]
    assert quote["type"] == "TextQuoteSelector"
    assert position["type"] == "TextPositionSelector"
    assert FERRY_TEXT[position["start"] : position["end"]] == quote["exact"]
    assert FERRY_TEXT[: position["start"]].endswith(quote["prefix"])
    assert FERRY_TEXT[position["end"] :].startswith(quote["suffix"])
    bare = by_id["urn:tuireader:note:2"]
    assert bare["motivation"] == "highlighting" and "body" not in bare
    assert by_id["urn:tuireader:note:3"]["target"] == "https://river.example/ferry"
    on_comment = by_id["urn:tuireader:note:4"]["target"]
    assert on_comment["scope"] == "https://river.example/ferry"
    assert on_comment["source"]["creator"] == {"type": "Person", "name": "Brother Ma"}
    assert on_comment["source"]["id"].endswith(":comment:c1")
    orphan = by_id["urn:tuireader:note:7"]["target"]["selector"]
    assert [s["type"] for s in orphan] == ["TextQuoteSelector"]  # no stale position


def test_refuses_to_overwrite_without_force(library, tmp_path):
    out = tmp_path / "out"
    write_notes_markdown(library.db, out)
    (out / "bashrc.md").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match="The ferry and the flood.md exists"):
        write_notes_markdown(library.db, out)
    assert (out / "bashrc.md").read_text() == "mine"
    write_notes_markdown(library.db, out, force=True)
    assert (out / "bashrc.md").read_text().startswith("---\n")
    write_notes_json(library.db, out, now=NOW)
    with pytest.raises(FileExistsError, match=JSON_NAME):
        write_notes_json(library.db, out, now=NOW)
    assert write_notes_json(library.db, out, force=True, now=NOW) == out / JSON_NAME


def test_a_symlink_out_of_the_folder_is_never_followed(library, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    (out / "bashrc.md").symlink_to(victim)
    with pytest.raises(FileExistsError):
        write_notes_markdown(library.db, out)
    with pytest.raises(ValueError, match="unsafe"):
        write_notes_markdown(library.db, out, force=True)
    assert victim.read_text() == "keep me"


def test_cli_export_notes_markdown_and_json(library, tmp_path):
    db = str(tmp_path / "lib.db")
    out = tmp_path / "cli"
    result = run_cli("--db", db, "export", "notes", "--format", "markdown", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 note files written" in result.output
    assert (out / "The ferry and the flood.md").read_text().startswith("---\ntitle:")
    again = run_cli("--db", db, "export", "notes", "--format", "markdown", "--out", str(out))
    assert again.exit_code == 1
    assert "error:" in again.output and "exists" in again.output and ".md" in again.output
    forced = run_cli(
        "--db", db, "export", "notes", "--format", "markdown", "--out", str(out), "--force"
    )
    assert forced.exit_code == 0, forced.output
    as_json = run_cli("--db", db, "export", "notes", "--format", "json", "--out", str(out))
    assert as_json.exit_code == 0, as_json.output
    doc = json.loads((out / JSON_NAME).read_text())
    assert doc["type"] == "AnnotationCollection" and doc["total"] == 9
    bad = run_cli("--db", db, "export", "notes", "--format", "pdf", "--out", str(out))
    assert bad.exit_code == 1 and "unknown format" in bad.output


def test_cli_export_group_keeps_the_library_backup_and_help(library, tmp_path):
    db = str(tmp_path / "lib.db")
    backup = tmp_path / "backup.json"
    result = run_cli("--db", db, "export", "--format", "json", "--out", str(backup))
    assert result.exit_code == 0, result.output
    doc = json.loads(backup.read_text())
    assert doc["format"] == "tuireader-backup" and len(doc["articles"]) == 4
    refused = run_cli("--db", db, "export", "--format", "json", "--out", str(backup))
    assert refused.exit_code == 1 and "exists" in refused.output
    for args in (("export", "--help"), ("export", "notes", "--help")):
        shown = run_cli(*args)
        assert shown.exit_code == 0 and "Usage:" in shown.output
    assert "notes" in run_cli("export", "--help").output
