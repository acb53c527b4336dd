"""A company workbook open in Excel or LibreOffice (its lock file beside it) is replaced
all the same, atomically, with a warning naming who has it open: a team file open is left
alone because it holds the team's edits, but the rollup holds nobody's, and skipping it
left finance without the night's numbers (docs/rollup.md). Until 2026-12-06 it was
replaced without a word, and the open copy went on showing the old numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.backends.excel.test_files_excel import _excel_owner
from tests.cli.test_ops_cli import run

WARNING = (
    "WARNING sheets_sync.sync: company.xlsx is open in {who}: tonight's rollup replaced it "
    "all the same; close it and open it again to see tonight's numbers (saving the open "
    "copy would put back the old ones until the next run)\n"
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("lock", "raw", "who"),
    [
        ("~$company.xlsx", _excel_owner("Zoë Müller"), "Excel by Zoë Müller (~$company.xlsx)"),
        (
            ".~lock.company.xlsx#",
            b",Jane Doe,laptop7,23.11.2026 09:00,file:///x;",
            "LibreOffice by Jane Doe on laptop7 (.~lock.company.xlsx#)",
        ),
        ("~$company.xlsx", b"", "Excel (~$company.xlsx)"),
    ],
)
def test_an_open_rollup_is_replaced_and_the_warning_names_who_has_it(
    workspace: Path, lock: str, raw: bytes, who: str
) -> None:
    config = ["--config", str(workspace)]
    code, out, err = run("sync", *config, "--as-of", "2026-11-23")
    assert code == 0, out + err
    company = workspace.parent / "company.xlsx"
    before = _digest(company)
    (workspace.parent / lock).write_bytes(raw)
    code, out, err = run("sync", *config, "--as-of", "2026-11-24")
    assert code == 0, out + err
    assert "rollup written to company.xlsx" in out
    assert WARNING.format(who=who) in err
    assert _digest(company) != before  # tonight's numbers, in the same place
    assert (workspace.parent / lock).read_bytes() == raw  # the lock file is theirs
    code, out, err = run("sync", *config, "--as-of", "2026-11-24")
    assert code == 0 and "rollup unchanged (same content) in company.xlsx" in out
    assert "is open in" not in err  # not replaced: the open copy is tonight's


def test_a_rollup_nobody_has_open_is_replaced_without_a_word(workspace: Path) -> None:
    config = ["--config", str(workspace)]
    assert run("sync", *config, "--as-of", "2026-11-23")[0] == 0
    code, out, err = run("sync", *config, "--as-of", "2026-11-24")
    assert code == 0 and "rollup written to company.xlsx" in out
    assert "is open" not in err


def test_a_lock_beside_the_file_a_linked_rollup_led_to_says_nothing(
    workspace: Path, tmp_path: Path
) -> None:
    """The rename replaces the link itself (docs/write-safety.md): the file it led to is
    never written, so one open there keeps showing what it holds, and no warning is due."""
    config = ["--config", str(workspace)]
    assert run("sync", *config, "--as-of", "2026-11-23")[0] == 0
    company = workspace.parent / "company.xlsx"
    target = tmp_path / "finance" / "real.xlsx"
    target.parent.mkdir()
    company.rename(target)
    company.symlink_to(target)
    before = _digest(target)
    (target.parent / "~$real.xlsx").write_bytes(_excel_owner("Jane Doe"))
    code, out, err = run("sync", *config, "--as-of", "2026-11-24")
    assert code == 0 and "rollup written to company.xlsx" in out
    assert "is open" not in err
    assert not company.is_symlink() and _digest(target) == before


def test_a_stale_lock_on_the_first_night_says_nothing(workspace: Path) -> None:
    """No company workbook yet: nothing was open, nothing was replaced."""
    (workspace.parent / "~$company.xlsx").write_bytes(_excel_owner("Jane Doe"))
    code, out, err = run("sync", "--config", str(workspace), "--as-of", "2026-11-23")
    assert code == 0 and "rollup written to company.xlsx" in out
    assert "is open" not in err
