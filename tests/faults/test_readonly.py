"""A read-only library file or folder: reading works, writing fails with a clear message.

As root the commands run as the unprivileged user ``nobody`` (root ignores
file permissions); as another user the files are simply made read-only.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import cli, write_bundles


def _unprivileged() -> int | None:
    """The uid to run as: ``nobody`` when root, else None (this user)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("running as root and there is no 'nobody' user to drop to")


@pytest.fixture
def world_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="tuireader-ro-"))
    path.chmod(0o755)
    yield path
    for p in path.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path, ignore_errors=True)


def _make_library(folder: Path) -> Path:
    write_bundles(folder / "in", 5)
    path = folder / "lib.db"
    result = cli("--db", str(path), "import", str(folder / "in"))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert not Path(f"{path}-wal").exists()
    return path


def _warm_up(path: Path, folder: Path) -> None:
    """Run the commands once in this process, so every module they need is imported.

    The unprivileged child cannot read the interpreter's files under /root.
    """
    from typer.testing import CliRunner

    from tuireader.cli import app
    from tuireader.cli.common import state

    scratch = folder / "warm.db"
    shutil.copy(path, scratch)
    runner = CliRunner()
    for args in (
        ["list", "--json"],
        ["list"],
        ["search", "comment", "--json"],
        ["show", "1"],
        ["db", "check"],
        ["note", "add", "1", "warm"],
        ["import", str(folder / "in")],
    ):
        state._library = None
        runner.invoke(app, ["--db", str(scratch), *args])
    state._library = None
    scratch.unlink()


def _run(path: Path, uid: int | None, *args: str) -> tuple[int, str, str]:
    """``tuireader --db PATH ARGS`` in a forked child running as *uid*."""
    from tuireader.cli import main
    from tuireader.cli.common import state

    if uid is None:
        result = cli("--db", str(path), *args)
        return result.returncode, result.stdout, result.stderr
    state._library = None
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, run the command, exit
        code = 70
        try:
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            try:
                main(["--db", str(path), *args])
                code = 0
            except SystemExit as done:
                code = done.code if isinstance(done.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - reported through the pipe
            os.write(2, f"child failed: {exc!r}".encode())
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with os.fdopen(out_r) as out, os.fdopen(err_r) as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


@pytest.mark.parametrize("case", ["file", "folder", "both"])
def test_read_only_library(world_dir: Path, case: str) -> None:
    uid = _unprivileged()
    lib_dir = world_dir / "lib"
    lib_dir.mkdir()
    path = _make_library(lib_dir)
    # As root the library is root's: for nobody both are read-only unless opened up.
    if case == "file":
        lib_dir.chmod(0o777)
        path.chmod(0o444)
    elif case == "folder":
        path.chmod(0o666)
        lib_dir.chmod(0o555)
    else:
        path.chmod(0o444)
        lib_dir.chmod(0o555)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    if uid is not None:
        _warm_up(path, lib_dir)

    code, out, err = _run(path, uid, "list", "--json")
    assert code == 0, err
    assert '"total": 5' in out
    code, out, err = _run(path, uid, "search", "comment", "--json")
    assert code == 0 and '"article_id"' in out, err
    code, out, err = _run(path, uid, "show", "1")
    assert code == 0, err
    code, out, err = _run(path, uid, "db", "check")
    assert code == 0 and "integrity: ok" in out, (out, err)

    for args in (["note", "add", "1", "a note"], ["import", str(lib_dir / "in")]):
        code, out, err = _run(path, uid, *args)
        assert code != 0, (args, out)
        assert "read-only" in err, (args, err)
        assert "Traceback" not in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_read_only_folder_without_library(world_dir: Path) -> None:
    uid = _unprivileged()
    folder = world_dir / "empty"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    if uid is not None:
        _warm_up(_make_library(world_dir / "warm"), world_dir / "warm")
    code, _out, err = _run(folder / "new.db", uid, "list")
    assert code != 0
    assert err.startswith("error: cannot create the library"), err
    assert not (folder / "new.db").exists()
