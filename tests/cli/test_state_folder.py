"""A state folder (``.sheets-sync/``) sheets-sync cannot write: every command that keeps
state there stops before it does anything, exit 2, one line naming the folder."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from tests.cli.test_ops_cli import AS_OF, copy_ws, run


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _message(state: Path, reason: str) -> str:
    return (
        f"error: {state}: cannot write sheets-sync's state folder ({reason}); nothing was "
        "done. Make the folder writable (or mount it read-write) and run again\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["sync"],
        ["sync", "--dry-run"],
        ["rollup"],
        ["sync", "--shard", "1/2", "--results-dir", "RESULTS"],
        ["rollup", "--from-results", "RESULTS"],
    ],
    ids=["sync", "dry-run", "rollup", "shard", "merge"],
)
def test_a_read_only_state_folder_stops_the_run_before_anything_is_written(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str], command: list[str]
) -> None:
    """Before, the lock could not be made (`run.lock: Read-only file system`, exit 1, as if
    teams had failed); with the lock already there, every team failed ("cannot save") for
    want of its backup, and the rollup too."""
    cfg = copy_ws(demo, tmp_path / "ws")
    results = tmp_path / "results"
    shards = copy_ws(demo, tmp_path / "shards")  # a whole night's results, for the merge
    for shard in ("1/2", "2/2"):
        code, out, err = run(
            "sync", "--shard", shard, "--results-dir", str(results), "--config", str(shards), *AS_OF
        )
        assert code == 0, out + err
    state = load_workspace(cfg).state_dir
    for lock in ("run.lock", "run-shard-1-of-2.lock"):  # left by earlier nights
        (state / lock).touch()
    before = _fingerprint(tmp_path / "ws")
    reason = read_only(state)
    args = [str(results) if a == "RESULTS" else a for a in command]
    code, out, err = run(*args, "--config", str(cfg), *AS_OF)
    assert (code, out, err) == (2, "", _message(state, reason))
    assert _fingerprint(tmp_path / "ws") == before


def test_a_state_folder_that_cannot_be_made_names_it(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """A new workspace in a folder the sync may not write: `.sheets-sync/` cannot be made."""
    cfg = copy_ws(demo, tmp_path / "ws")
    state = load_workspace(cfg).state_dir
    shutil.rmtree(state)
    reason = read_only(cfg.parent)
    code, out, err = run("sync", "--config", str(cfg), *AS_OF)
    assert (code, out, err) == (2, "", _message(state, reason))
    assert not state.exists()


def test_json_log_names_the_state_folder(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    import json

    cfg = copy_ws(demo, tmp_path / "ws")
    state = load_workspace(cfg).state_dir
    reason = read_only(state)
    code, out, err = run("--log-format", "json", "rollup", "--config", str(cfg), *AS_OF)
    record = json.loads(err)
    assert (code, out) == (2, "")
    assert (record["level"], record["source"], record["message"]) == (
        "error",
        str(state),
        f"cannot write sheets-sync's state folder ({reason}); nothing was done. Make the "
        "folder writable (or mount it read-write) and run again",
    )


def test_export_and_validate_need_no_writable_state_folder(
    demo: Path, tmp_path: Path, read_only: Callable[[Path], str]
) -> None:
    """They keep no state: a read-only state folder is no reason to refuse them."""
    cfg = copy_ws(demo, tmp_path / "ws")
    read_only(load_workspace(cfg).state_dir)
    code, out, err = run("export", "--out", str(tmp_path / "out"), "--config", str(cfg), *AS_OF)
    assert code == 0, out + err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        Path(line).name for line in out.splitlines()
    )
    code, out, err = run("validate", "--config", str(cfg), *AS_OF)
    assert code == 1 and out.endswith("6 teams: 2 errors, 2 warnings\n"), out + err


def test_a_file_in_the_state_folders_place_is_named_as_one(demo: Path, tmp_path: Path) -> None:
    """A file named ``.sheets-sync`` (a copy, an editor's save) said "cannot write
    sheets-sync's state folder (File exists) ... Make the folder writable", of a folder
    that is none."""
    ws = copy_ws(demo, tmp_path / "ws")
    state = ws.parent / ".sheets-sync"
    shutil.rmtree(state, ignore_errors=True)
    state.write_text("not a folder\n", encoding="utf-8")
    before = _fingerprint(ws.parent)
    for command in (["sync"], ["rollup"]):
        code, out, err = run(*command, "--config", str(ws), *AS_OF)
        assert (code, out) == (2, "")
        assert err == (
            f"error: {state}: is a file, not sheets-sync's state folder; nothing was done. "
            "Move the file away (the folder is made at the next run) and run again\n"
        )
    assert _fingerprint(ws.parent) == before


def test_a_dangling_link_in_the_state_folders_place_is_named_as_one(
    demo: Path, tmp_path: Path
) -> None:
    """A ``.sheets-sync`` link to a folder that is gone (a share not mounted, a moved
    folder) said "(File exists) ... Make the folder writable", of a folder that is none."""
    ws = copy_ws(demo, tmp_path / "ws")
    state = ws.parent / ".sheets-sync"
    shutil.rmtree(state, ignore_errors=True)
    gone = tmp_path / "share" / "okr-state"
    state.symlink_to(gone)
    before = _fingerprint(ws.parent)
    for command in (["sync"], ["rollup"]):
        code, out, err = run(*command, "--config", str(ws), *AS_OF)
        assert (code, out) == (2, "")
        assert err == (
            f"error: {state}: is a link to {gone}, which does not exist, not sheets-sync's "
            "state folder; nothing was done. Make the folder it points to (or mount its "
            "share), or remove the link (the folder is made at the next run), and run again\n"
        )
    assert _fingerprint(ws.parent) == before
    assert state.is_symlink() and not gone.exists()
