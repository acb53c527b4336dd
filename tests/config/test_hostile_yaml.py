"""A workspace file written to hurt: every case is one ``ConfigError`` line, quickly, in
bounded memory. A "billion laughs" file hung the run, a value holding itself or a file
nested 5,000 deep was a RecursionError traceback, an 18 MB file took 700 MB and minutes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.yamlio import MAX_BYTES
from tests.support.scripts import HANG


def _laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join([*lines, "company: *a9", ""])


CASES = {
    "tag": (
        'company: !!python/object/apply:os.system ["touch pwned"]\n',
        "line 1 not valid YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    "laughs": (
        _laughs(),
        "line 1 not valid YAML: its aliases expand to more than 1,000,000 values",
    ),
    "itself": ("company: &a [*a]\n", "line 1 not valid YAML: an alias refers to itself"),
    "deep": ("company: " + "[" * 5000 + "]" * 5000 + "\n", "not valid YAML: nested too deeply"),
    # a control character (pasted from a spreadsheet) said '...\\n  in "<unicode string>",
    # position 11', with no line (until 2026-12-06)
    "control": (
        "company: Acme\nperiod: Ac\x01me\n",
        "line 2 not valid YAML: character U+0001 at column 11 is one YAML does not allow; "
        "delete it",
    ),
    # line 1 at column 25 with bare \r line ends (until 2026-12-06): only \n was counted
    "control-cr": (
        "company: Acme\rperiod: Ac\x01me\r",
        "line 2 not valid YAML: character U+0001 at column 11 is one YAML does not allow; "
        "delete it",
    ),
    # a ValueError traceback from PyYAML (Python reads no int of more than 4,300 digits)
    "digits": (
        "company: Acme\nbackups: {keep: " + "9" * 5000 + "}\n",
        "line 2 not valid YAML: a whole number of 5,000 digits; no setting needs more than 4,300",
    ),
    "control-crlf": (
        "company: Acme\r\nname: x\u2028\r\nperiod: Ac\x01me\r\n",
        "line 4 not valid YAML: character U+0001 at column 11 is one YAML does not allow; "
        "delete it",
    ),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("case", CASES)
def test_hostile_yaml_is_one_line(tmp_path: Path, case: str) -> None:
    text, message = CASES[case]
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg)
    assert str(info.value) == f"sheets-sync.yaml: {message}"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


@pytest.mark.timeout(20)
def test_a_huge_workspace_file_is_not_read(tmp_path: Path) -> None:
    cfg = tmp_path / "sheets-sync.yaml"
    with cfg.open("w") as fh:
        fh.write("company: x\nteams:\n")
        fh.truncate(MAX_BYTES + 1)  # sparse: the size is what counts
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg)
    assert str(info.value) == (
        f"{cfg}: cannot read: larger than 4,194,304 bytes, more than any workspace needs"
    )


@pytest.mark.timeout(20)
@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_workspace_file_that_is_no_file(tmp_path: Path, kind: str) -> None:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.mkdir() if kind == "folder" else os.mkfifo(cfg)
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg)
    what = "a folder" if kind == "folder" else "a named pipe"
    assert str(info.value) == f"{cfg}: the workspace configuration is {what}, not a file"


@pytest.mark.parametrize("command", [["config", "check"], ["validate"], ["sync", "--dry-run"]])
def test_a_workspace_file_that_is_a_link_to_itself(tmp_path: Path, command: list[str]) -> None:
    """``--config loop.yaml``, a symbolic link leading to itself, ended every command in a
    RuntimeError traceback (``Symlink loop from ...``, from ``Path.resolve``) until
    2026-12-06."""
    cfg = tmp_path / "loop.yaml"
    cfg.symlink_to(tmp_path / "other.yaml")
    (tmp_path / "other.yaml").symlink_to(cfg)
    run = subprocess.run(
        [sys.executable, "-m", "sheets_sync", *command, "--config", str(cfg)],
        capture_output=True,
        text=True,
        check=False,
        timeout=HANG,
    )
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"error: {cfg}: cannot read: Too many levels of symbolic links\n"
