"""The --state file: a broken one stops the emulator with one clear line, never a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.emulator.cli import emulator_command
from sheets_sync.emulator.state import StateFileError, Store
from tests.support.access import read_only

pytestmark = pytest.mark.emulator
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"spreadsheets": [{"spreadsheetId": "1ab', "is not valid JSON"),  # cut short
        ("", "is empty"),
        ("[1, 2]", "must hold a JSON object, not an array"),
        ('"text"', "must hold a JSON object, not a string"),
        ('{"spreadsheets": {"a": 1}}', "'spreadsheets' must be an array"),
        ('{"spreadsheets": [{"properties": {}}]}', "spreadsheet 1 is not a saved spreadsheet"),
    ],
)
def test_broken_state_file_is_one_line_exit_2(tmp_path: Path, content: str, problem: str) -> None:
    state = tmp_path / "state.json"
    state.write_text(content, encoding="utf-8")
    for command, args in ((emulator_command, []), (cli, ["emulator"])):
        result = CliRunner().invoke(command, [*args, "--port", "0", "--state", str(state)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert str(state) in lines[0] and problem in lines[0]
        assert lines[0].startswith("error: ")
    assert state.read_text(encoding="utf-8") == content  # left as it was, for a look


def test_a_state_file_in_no_folder_is_refused_before_it_listens(tmp_path: Path) -> None:
    """``--state nowhere/emu.json``: it listened, every change failed to save, and the
    one line, at its stop, named a temporary file (``error: nowhere/.emu.json.x1y2.tmp:
    No such file or directory``; until 2026-12-07)."""
    state = tmp_path / "nowhere" / "emu.json"
    for command, args in ((emulator_command, []), (cli, ["emulator"])):
        result = CliRunner().invoke(command, [*args, "--port", "0", "--state", str(state)])
        assert result.exit_code == 2, result.output
        assert "Sheets API emulator on" not in result.output
        assert result.stderr == (
            f"error: state file {state} is in no folder: {state.parent} does not exist; "
            "make it first\n"
        )


def test_a_state_file_under_a_file_or_a_pipe_says_which(tmp_path: Path) -> None:
    """``--state notes.txt/emu.json`` said ``notes.txt is not a folder`` and a named pipe
    the same; the other "under a file" checks said it their own ways (until 2026-12-07)."""
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    os.mkfifo(tmp_path / "feed")
    for blocker, why in (
        ("notes.txt", "is not a folder"),
        ("feed", "is a named pipe, not a folder"),
    ):
        state = tmp_path / blocker / "sub" / "emu.json"
        result = CliRunner().invoke(emulator_command, ["--port", "0", "--state", str(state)])
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"error: state file {state} is in no folder: {tmp_path / blocker} {why}\n"
        )


@pytest.mark.parametrize("there", [False, True])
def test_a_state_file_in_a_folder_you_cannot_write_in_is_refused_before_it_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, there: bool
) -> None:
    """``--state ro/emu.json``, ``ro`` a folder the user cannot write in: it listened (and
    loaded a file there), and every change failed to save, until 2026-12-07; the other
    writers (``export --out``, ``--report``) asked before any work."""
    folder = tmp_path / "ro"
    folder.mkdir()
    state = folder / "emu.json"
    if there:
        Store().save(state)
    read_only(monkeypatch, folder)

    def listened(self: object) -> None:  # a hang guard: it listened, and never stopped
        raise AssertionError("it listened")

    monkeypatch.setattr("sheets_sync.emulator.server.Emulator.serve_forever", listened)
    try:
        result = CliRunner().invoke(emulator_command, ["--port", "0", "--state", str(state)])
    finally:
        folder.chmod(0o755)
    assert result.exit_code == 2, result.output
    assert "Sheets API emulator on" not in result.output
    assert result.stderr == (
        f"error: state file {state} cannot be saved: {folder} is a folder you cannot write in\n"
    )


def test_a_state_file_that_cannot_be_looked_at_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--state /proc/1/cwd/s.json`` (a folder the user cannot enter): the EACCES of
    looking for the file was taken for the port's (``cannot listen on port 0 ...; pick
    another --port``) until 2026-12-07. Root enters any folder: the stat is made to fail."""
    state = tmp_path / "locked" / "emu.json"
    real = os.stat

    def denied(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if Path(os.fsdecode(path)) == state:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", denied)
    result = CliRunner().invoke(emulator_command, ["--port", "0", "--state", str(state)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: state file {state} cannot be looked at (Permission denied)\n"


def test_store_load_is_all_or_nothing(tmp_path: Path) -> None:
    good = Store()
    good.create("kept")
    state = tmp_path / "state.json"
    good.save(state)
    data = state.read_text(encoding="utf-8")
    state.write_text(data[:-2] + ', {"properties": {}}]}', encoding="utf-8")
    store = Store()
    with pytest.raises(StateFileError, match="spreadsheet 2 is not a saved spreadsheet"):
        store.load(state)
    assert store.spreadsheets == {}


_SAVE_UNDER_A_SIZE_LIMIT = """
import resource, signal, sys
from pathlib import Path
from sheets_sync.emulator.state import Store

path, limit = Path(sys.argv[1]), int(sys.argv[2])
store = Store()
store.load(path)
book = store.create("grown")
book.sheets[0].cells = {(r, 0): {"formattedValue": "x" * 100} for r in range(2000)}
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; a real kill runs no cleanup
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # the kernel kills us mid-write
store.save(path)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="RLIMIT_FSIZE is POSIX")
def test_a_save_killed_midway_leaves_the_old_state(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    store = Store()
    key = store.create("kept").spreadsheet_id
    store.save(state)
    before = state.read_text(encoding="utf-8")
    limit = len(before.encode()) + 4096  # the new state is ~200 KB: the write dies past this
    child = subprocess.run(
        [sys.executable, "-c", _SAVE_UNDER_A_SIZE_LIMIT, str(state), str(limit)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        check=False,
    )
    assert child.returncode == -signal.SIGXFSZ, child.stderr.decode()
    assert state.read_text(encoding="utf-8") == before
    reloaded = Store()
    reloaded.load(state)
    assert list(reloaded.spreadsheets) == [key]


def test_save_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{}", encoding="utf-8")
    store = Store()
    key = store.create("saved").spreadsheet_id
    store.save(state)
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]
    reloaded = Store()
    reloaded.load(state)
    assert list(reloaded.spreadsheets) == [key]
