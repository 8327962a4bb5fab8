"""Every CLI command, its JSON output, and its one-line errors on bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.importers.files import MAX_FILE_BYTES

SEED_TITLE = "Iraqi Military Is Not Going To Launch Ground Operation Against ISIS In Syria: Report"
CHROME = [
    "2,500 $",
    "Support SouthFront",
    "Click to see the full-size image",
    "Notify of",
    "Newest Most Voted",
    "Inline Feedbacks",
    "View all comments",
    "Would love your thoughts",
]


def run(
    *args: str, env: dict[str, str] | None = None, user: str | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real ``tuireader`` entry point in a subprocess."""
    cmd = [sys.executable, "-m", "tuireader", *args]
    if user is not None:
        cmd = ["setpriv", f"--reuid={user}", "--regid=65534", "--clear-groups", *cmd]
    full_env = {**os.environ, **(env or {}), "COLUMNS": "120"}
    return subprocess.run(
        cmd, capture_output=True, text=True, env=full_env, input=stdin, timeout=120
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_seed_import_show_search(tmp_path: Path, seed_path: Path) -> None:
    db = str(tmp_path / "t.db")
    first = run("--db", db, "import", str(seed_path))
    assert first.returncode == 0, first.stderr
    assert "1 imported, 0 updated, 0 failed" in first.stdout
    shown = json.loads(run("--db", db, "show", "1", "--json").stdout)
    assert shown["title"] == SEED_TITLE
    paragraphs = [p for p in shown["body"].split("\n\n") if p.strip()]
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("The Iraqi Armed Forces are not going")
    assert paragraphs[-1].startswith("At the same time, some Iranian-backed units")
    everything = json.dumps(shown, ensure_ascii=False)
    for chrome in CHROME:
        assert chrome not in everything, chrome
    assert len(shown["comments"]) == 1
    comment = shown["comments"][0]
    assert comment["author"] == "Brother Ma"
    assert comment["text"].startswith("Don’t make me laugh!")
    assert comment["parent_id"] is None
    assert shown["site"] == "SouthFront"
    for key in ("id", "url", "author", "published", "notes", "tags", "read", "starred", "archived"):
        assert key in shown
    # Importing again updates, never duplicates.
    again = run("--db", db, "import", str(seed_path))
    assert "0 imported, 1 updated, 0 failed" in again.stdout
    listed = json.loads(run("--db", db, "list", "--json").stdout)
    assert listed["total"] == 1
    found = json.loads(run("--db", db, "search", "ground operation", "--json").stdout)
    assert [h["article_id"] for h in found] == [1]
    hostile = run("--db", db, "search", 'AND "(')
    assert "Traceback" not in hostile.stderr
    assert hostile.returncode == 0 or hostile.stderr.startswith("error: ")


def test_every_command(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = str(tmp_path / "c.db")
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    out = cli("--db", db, "import", str(sample), "--json")
    assert out.exit_code == 0, out.stderr
    imported = json.loads(out.stdout)
    assert len(imported["imported"]) >= 7 and imported["failed"] == []
    listing = json.loads(cli("--db", db, "list", "--json", "--sort", "title").stdout)
    titles = [a["title"] for a in listing["articles"]]
    assert titles == sorted(titles)
    human = cli("--db", db, "list")
    assert human.exit_code == 0 and "Title" in human.stdout
    assert "[brackets]" in human.stdout  # literal brackets, not markup
    starred = json.loads(cli("--db", db, "list", "--view", "starred", "--json").stdout)
    assert starred["total"] >= 1
    first_id = listing["articles"][0]["id"]
    added = json.loads(
        cli("--db", db, "note", "add", str(first_id), "my [b]note[/b]", "--json").stdout
    )
    shown = json.loads(cli("--db", db, "show", str(first_id), "--json").stdout)
    assert any(n["id"] == added["id"] and n["text"] == "my [b]note[/b]" for n in shown["notes"])
    human_show = cli("--db", db, "show", str(first_id))
    assert "my [b]note[/b]" in human_show.stdout
    hits = json.loads(cli("--db", db, "search", "note in:notes", "--json").stdout)
    assert any(h["note_id"] == added["id"] for h in hits)
    assert cli("--db", db, "search", "zzzzunfindable").stdout.strip() == "no matches"
    backup = tmp_path / "backup.json"
    assert cli("--db", db, "export", "--format", "json", "--out", str(backup)).exit_code == 0
    doc = json.loads(backup.read_text())
    assert doc["format"] == "tuireader-backup" and len(doc["articles"]) == len(imported["imported"])
    refused = cli("--db", db, "export", "--format", "json", "--out", str(backup))
    assert refused.exit_code != 0 and "exists" in refused.stderr
    md_dir = tmp_path / "md"
    assert cli("--db", db, "export", "--format", "markdown", "--out", str(md_dir)).exit_code == 0
    assert len(list(md_dir.glob("*.md"))) == len(imported["imported"])
    path = json.loads(cli("--db", db, "db", "path", "--json").stdout)
    assert path["path"] == db
    check = json.loads(cli("--db", db, "db", "check", "--json").stdout)
    assert check["integrity"] == "ok" and check["articles"] == len(imported["imported"])
    copy = tmp_path / "copy.db"
    assert cli("--db", db, "db", "backup", str(copy)).exit_code == 0
    assert json.loads(cli("--db", str(copy), "list", "--json").stdout)["total"] == listing["total"]
    # A backup restores into an empty library.
    restored = str(tmp_path / "restored.db")
    assert cli("--db", restored, "import", str(backup)).exit_code == 0
    again = json.loads(cli("--db", restored, "show", str(first_id), "--json").stdout)
    assert [n["text"] for n in again["notes"]] == [n["text"] for n in shown["notes"]]


def test_help_everywhere(cli) -> None:  # type: ignore[no-untyped-def]
    for args in (
        [],
        ["import"],
        ["list"],
        ["show"],
        ["search"],
        ["note"],
        ["note", "add"],
        ["export"],
        ["db"],
        ["db", "path"],
        ["db", "check"],
        ["db", "backup"],
    ):
        result = cli(*args, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout, args


def test_bad_files_one_line_errors_and_no_rows(tmp_path: Path) -> None:
    db = str(tmp_path / "bad.db")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert_one_line_error(run("--db", db, "import", str(empty)), "empty file")
    assert_one_line_error(run("--db", db, "import", str(binary)), "binary")
    result = run("--db", db, "import", str(big))
    assert_one_line_error(result, f"the limit is {MAX_FILE_BYTES // 2**20} MB")
    assert_one_line_error(run("--db", db, "import", str(tmp_path / "nope.txt")), "no such file")
    listed = json.loads(run("--db", db, "list", "--json").stdout)
    assert listed["total"] == 0


def test_invalid_utf8_is_replaced_not_rejected(tmp_path: Path, seed_path: Path) -> None:
    db = str(tmp_path / "u.db")
    broken = tmp_path / "broken.txt"
    broken.write_bytes(seed_path.read_bytes().replace(b"Surveillance", b"Surv\xff\xfeillance"))
    result = run("--db", db, "import", str(broken))
    assert result.returncode == 0, result.stderr
    shown = json.loads(run("--db", db, "show", "1", "--json").stdout)
    assert "Surv\ufffd\ufffdillance" in shown["body"]


def test_folder_of_good_and_bad(tmp_path: Path, seed_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / "good.txt")
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "030_unread-pile.json"
    shutil.copy(sample, folder / "good.json")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "bad.json").write_text('{"format": "tuireader-bundle", "articles": [')
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    db = str(tmp_path / "f.db")
    result = run("--db", db, "import", str(folder))
    assert result.returncode == 1
    assert "2 imported, 0 updated, 3 failed" in result.stdout
    failures = [ln for ln in result.stderr.splitlines() if ln.startswith("failed: ")]
    assert len(failures) == 3
    assert {Path(ln.split(": ")[1]).name for ln in failures} == {
        "empty.txt",
        "bad.json",
        "blob.txt",
    }
    assert json.loads(run("--db", db, "list", "--json").stdout)["total"] == 2


def test_bad_db_locations(tmp_path: Path) -> None:
    assert_one_line_error(run("--db", str(tmp_path / "missing" / "x.db"), "list"), "does not exist")
    not_db = tmp_path / "text.db"
    not_db.write_text("just some text, not SQLite\n" * 20)
    before = not_db.read_bytes()
    assert_one_line_error(run("--db", str(not_db), "list"), "not a tuireader library")
    assert not_db.read_bytes() == before
    assert_one_line_error(run("--db", "nonsense://", "list"), "")


@pytest.mark.skipif(os.geteuid() != 0 and not os.access("/", os.W_OK), reason="needs a user switch")
def test_read_only_directory(tmp_path: Path) -> None:
    import tempfile

    # A folder every user can reach (pytest's tmp_path is private to its owner).
    base = Path(tempfile.mkdtemp(prefix="tuireader-ro-", dir="/tmp"))
    base.chmod(0o755)
    ro = base / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv to drop privileges")
        probe = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                "import tuireader.cli",
            ],
            capture_output=True,
            env={**os.environ},
        )
        if probe.returncode != 0:
            pytest.skip("user nobody cannot read this checkout or its Python")
        result = run(
            "--db",
            str(ro / "x.db"),
            "list",
            user="nobody",
            env={"HOME": str(base), "TUIREADER_DATA_DIR": str(base / "d")},
        )
    else:
        result = run("--db", str(ro / "x.db"), "list")
    assert_one_line_error(result, "not writable")
    assert not (ro / "x.db").exists()
    shutil.rmtree(base, ignore_errors=True)


def test_unknown_options_fail_cleanly(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "x.db"), "list", "--sort", "bogus")
    assert_one_line_error(result, "unknown sort")
    result = run("--db", str(tmp_path / "x.db"), "show", "999")
    assert_one_line_error(result, "no article with id 999")
