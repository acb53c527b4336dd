"""The --state file: a broken one stops the emulator with one clear line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.emulator.cli import emulator_command
from sheets_sync.emulator.state import StateFileError, Store

pytestmark = pytest.mark.emulator


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
