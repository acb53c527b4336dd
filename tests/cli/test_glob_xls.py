"""A ``Legal.xls`` (Excel 97-2003) in a ``teams_glob`` folder is no team, as an .ods is
not (``test_glob_ods.py``): ``config check``, ``validate`` and ``sync`` say so, naming the
file and what to do. Until 2026-12-07 a team that saved its file in the old format was
left out without a word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sheets_sync.sources import globbed_no_team
from tests.cli.test_ops_cli import AS_OF, copy_ws, run

SAID = (
    "is an Excel 97-2003 workbook (.xls), which is not a team: teams_glob takes .xlsx and "
    ".xlsm files only, as an .xls cannot be read or written; open it in Excel and save it "
    "as an Excel workbook (.xlsx: File > Save As) beside it to make it a team"
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _workspace(demo: Path, tmp_path: Path, pattern: str) -> tuple[Path, Path]:
    cfg = copy_ws(demo, tmp_path / "ws")
    more = cfg.parent / "more"
    more.mkdir()
    shutil.copy(cfg.parent / "teams" / "Sales.xlsx", more / "Ops.xlsx")
    (more / "Legal.XLS").write_bytes(OLE)
    (more / "~$Legal.XLS").write_bytes(b"\x0bAna Ruiz")
    cfg.write_text(cfg.read_text("utf-8") + f'teams_glob: "{pattern}"\n', encoding="utf-8")
    return cfg, more


def test_an_xls_in_the_glob_folder_is_said_by_config_check_validate_and_sync(
    demo: Path, tmp_path: Path
) -> None:
    cfg, _ = _workspace(demo, tmp_path, "more/*")
    warning = f"warning: sheets-sync.yaml: teams_glob ('more/*'): more/Legal.XLS {SAID}"
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [f"  {warning}"]
    code, out, err = run("validate", "--config", str(cfg), *AS_OF, "--team", "Ops")
    assert out.splitlines()[0] == warning, out + err
    code, out, err = run("sync", "--config", str(cfg), *AS_OF, "--team", "Ops", "--dry-run")
    assert out.splitlines()[0] == warning, out + err


def test_a_pattern_of_xlsx_files_says_the_xls_beside_them(demo: Path, tmp_path: Path) -> None:
    cfg, _ = _workspace(demo, tmp_path, "more/*.xlsx")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [
        f"  warning: sheets-sync.yaml: teams_glob ('more/*.xlsx'): more/Legal.XLS {SAID}"
    ]


def test_an_xls_beside_its_xlsx_copy_says_nothing(demo: Path, tmp_path: Path) -> None:
    cfg, more = _workspace(demo, tmp_path, "more/*")
    shutil.copy(more / "Ops.xlsx", more / "legal.xlsx")  # saved as .xlsx: the team
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert "warning" not in out


def test_a_pattern_of_xlsm_files_advises_an_xlsm(demo: Path, tmp_path: Path) -> None:
    """An .xlsx saved beside it would be no team of ``more/*.xlsm`` either: the advice is
    the pattern's workbook (until 2026-12-07 an .xlsx, whatever the pattern)."""
    cfg, _ = _workspace(demo, tmp_path, "more/*.xlsm")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert code == 2, out + err
    said = SAID.replace(
        "an Excel workbook (.xlsx: File > Save As)",
        "an Excel macro-enabled workbook (.xlsm: File > Save As)",
    )
    assert f"teams_glob: 'more/*.xlsm' matches no workbook: more/Legal.XLS {said}" in out + err


def test_a_pattern_of_any_excel_end_finds_the_xls_in_any_case(demo: Path, tmp_path: Path) -> None:
    """``more/*.xl*`` matches ``Legal.xls`` but not ``Legal.XLS`` on a case-sensitive
    disk: the .xls is found with its end in any case, as the docs say (until 2026-12-07
    it was left out without a word)."""
    cfg, _ = _workspace(demo, tmp_path, "more/*.xl*")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [
        f"  warning: sheets-sync.yaml: teams_glob ('more/*.xl*'): more/Legal.XLS {SAID}"
    ]


@pytest.mark.parametrize(
    ("name", "pattern", "advice"),
    [
        ("Legal.xls", "more/*", "an Excel workbook (.xlsx: File > Save As) beside it to"),
        ("Legal.xls", "more/L*.xlsm", "macro-enabled workbook (.xlsm: File > Save As) beside"),
        (
            "Legal.xls",
            "more/*.XLSX",
            "an Excel workbook (.XLSX, in capitals as teams_glob has it: File > Save As)",
        ),
        (
            "Legal.xls",
            "more/*.xls",
            "(.xlsx: File > Save As) beside it, and change teams_glob ('more/*.xls') to match it,"
            " to make it a team",
        ),
        (
            "Support.ods",
            "more/*.xlsm",
            "(.xlsm: LibreOffice File > Save As, Excel 2007-365 (macro-enabled)) beside it to",
        ),
        (
            "Support.ods",
            "more/*.xlsx",
            "workbook (.xlsx: LibreOffice File > Save As, Excel 2007-365) beside it to make it",
        ),
    ],
)
def test_the_advice_is_the_workbook_the_pattern_takes(name: str, pattern: str, advice: str) -> None:
    assert advice in globbed_no_team(Path("more") / name, pattern)
