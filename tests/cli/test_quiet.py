"""``-q``: a nightly job's log holds only what needs a look and the summary; ``-qq``
nothing at all on a clean night (cron mails any output)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from sheets_sync.console import print_summary
from tests.cli.test_ops_cli import AS_OF, copy_ws, run
from tests.ops.conftest import make

BROKEN = (
    "Finance: failed: Finance.xlsx: not an Excel workbook (.xlsx)"
    "; open it in Excel and save it as .xlsx"
)


def _seconds(text: str) -> str:
    return re.sub(r" in \d+\.\ds;", " in Xs;", text)


def _broken(demo: Path, dest: Path) -> Path:
    """The demo with one team's workbook that is no workbook: a failed team."""
    cfg = copy_ws(demo, dest)
    (cfg.parent / "teams" / "Finance.xlsx").write_bytes(b"not a workbook")
    return cfg


def _sync(cfg: Path, *flags: str) -> tuple[int, str, str]:
    code, out, err = run(*flags, "sync", "--config", str(cfg), *AS_OF)
    return code, _seconds(out), err


def test_quiet_sync_prints_the_failed_team_and_the_summary(demo: Path, tmp_path: Path) -> None:
    """Before, -q changed only the log level: every team's line was printed as ever."""
    code, out, _ = _sync(_broken(demo, tmp_path / "loud"))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 7 and BROKEN in lines  # a line a team, the summary
    assert lines[-1].startswith("6 teams, 1 failed, 137 cells changed in Xs; rollup written")
    for flags in ("-q", "-qq", "-vqq"):  # a failed night: -qq keeps the summary too
        code, quiet, err = _sync(_broken(demo, tmp_path / flags), flags)
        assert (code, quiet, err) == (1, f"{BROKEN}\n{lines[-1]}\n", ""), flags


def test_double_quiet_prints_nothing_on_a_clean_night(demo: Path, tmp_path: Path) -> None:
    cfg = copy_ws(demo, tmp_path / "ws")
    assert _sync(cfg, "-qq") == (0, "", "")
    assert run("-qq", "rollup", "--config", str(cfg), *AS_OF)[:2] == (0, "")
    assert run("-qq", "config", "check", "--config", str(cfg))[:2] == (0, "")
    code, out, err = run("-q", "export", "--out", str(tmp_path / "out"), "--config", str(cfg))
    assert (code, out, err) == (0, "", "")
    assert len(list((tmp_path / "out").iterdir())) == 7


def test_quiet_validate_keeps_every_finding(demo: Path) -> None:
    """validate's findings are the problems -q keeps; -qq drops only its count line, and
    only when no error was found."""
    code, loud, _ = run("validate", "--config", str(demo), *AS_OF)
    assert code == 1 and loud.endswith("6 teams: 2 errors, 2 warnings\n")
    assert run("-q", "validate", "--config", str(demo), *AS_OF)[:2] == (1, loud)
    assert run("-qq", "validate", "--config", str(demo), *AS_OF)[:2] == (1, loud)


@pytest.mark.parametrize("quiet", [0, 1, 2])
def test_quiet_terminal_table_holds_only_the_teams_to_look_at(quiet: int) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200, color_system=None)
    result = make({"Sales": {"KR1": 50}, "Ops": None})
    print_summary(console, result, quiet=quiet)
    text = out.getvalue()
    assert ("Sales" in text, "Ops" in text, "2 teams, 1 failed" in text) == (not quiet, True, True)
