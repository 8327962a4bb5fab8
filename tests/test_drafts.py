"""Drafts: unsaved editor text kept atomically on disk, per library."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tuireader.drafts import MAX_DRAFT_CHARS, DraftError, DraftKey, DraftStore


@pytest.fixture
def store(tmp_path):
    return DraftStore(tmp_path / "drafts")


def test_save_load_delete(store):
    key = DraftKey("article", 7)
    assert store.load(key) is None
    store.save(key, "first words", article_id=7)
    draft = store.load(key)
    assert draft is not None
    assert (draft.text, draft.article_id, draft.key) == ("first words", 7, key)
    assert draft.saved.tzinfo is not None
    store.save(key, "first words, more")
    assert store.load(key).text == "first words, more"
    assert store.delete(key) is True
    assert store.load(key) is None
    assert store.delete(key) is False


def test_keys_do_not_collide(store):
    keys = [
        DraftKey("article", 1),
        DraftKey("comment", 1),
        DraftKey("note", 1),
        DraftKey("highlight", 1, 10, 20),
        DraftKey("highlight", 1, 10, 21),
    ]
    for i, key in enumerate(keys):
        store.save(key, f"text {i}")
    assert [store.load(k).text for k in keys] == [f"text {i}" for i in range(len(keys))]
    assert {d.key for d in store.list()} == set(keys)


def test_list_is_newest_first_and_skips_junk(store):
    store.save(DraftKey("note", 1), "old")
    store.save(DraftKey("note", 2), "new")
    (store.directory / "notes.txt").write_text("not a draft")
    (store.directory / "note-3.json").write_text("{broken")
    (store.directory / "note-4.json").write_text(json.dumps({"text": 5}))
    assert [d.text for d in store.list()] == ["new", "old"]


def test_files_are_private_and_leave_no_temporary_files(store):
    path = store.save(DraftKey("comment", 3), "private thought")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert sorted(os.listdir(store.directory)) == ["comment-3.json"]


def test_text_is_made_safe(store):
    store.save(DraftKey("note", 1), "a\x1b]52;c;Zm9v\x07b\r\nc")
    assert store.load(DraftKey("note", 1)).text == "a]52;c;Zm9vb\nc"


def test_a_draft_survives_a_failed_rewrite(store, monkeypatch):
    key = DraftKey("note", 9)
    store.save(key, "kept")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DraftError, match="No space left"):
        store.save(key, "lost")
    monkeypatch.undo()
    assert store.load(key).text == "kept"
    assert sorted(os.listdir(store.directory)) == ["note-9.json"]


def test_too_long_and_bad_keys_are_refused(store):
    with pytest.raises(DraftError, match="too long"):
        store.save(DraftKey("note", 1), "x" * (MAX_DRAFT_CHARS + 1))
    for bad in (
        lambda: DraftKey("notes", 1),  # type: ignore[arg-type]
        lambda: DraftKey("note", -1),
        lambda: DraftKey("highlight", 1),
        lambda: DraftKey("highlight", 1, 5, 5),
        lambda: DraftKey("article", 1, 0, 3),
    ):
        with pytest.raises(ValueError):
            bad()
    assert DraftKey.from_filename("../note-1.json") is None
    assert DraftKey.from_filename("highlight-2-3-9.json") == DraftKey("highlight", 2, 3, 9)


def test_each_library_has_its_own_folder(tmp_path):
    a = DraftStore.for_library("sqlite:////tmp/a.db", base=tmp_path)
    b = DraftStore.for_library("sqlite:////tmp/b.db", base=tmp_path)
    assert a.directory != b.directory
    a.save(DraftKey("note", 1), "only in a")
    assert b.load(DraftKey("note", 1)) is None
    assert a.directory.parent == tmp_path / "drafts"


def test_unwritable_folder_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        target = tmp_path / "file"
        target.write_text("x")
        store = DraftStore(target / "drafts")  # a folder under a file cannot exist
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        store = DraftStore(locked / "drafts")
    with pytest.raises(DraftError, match="cannot keep the draft"):
        store.save(DraftKey("note", 1), "x")
