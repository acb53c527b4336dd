"""A ``Sales.ods`` in a ``teams_glob`` folder is no team (a folder's teams are its .xlsx
and .xlsm files: an .ods's cells cannot be written back, as a team named so is told each
night): ``config check``, ``validate`` and ``sync`` say so, naming the file and what to
do. Until 2026-12-07 it was left out without a word."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, copy_ws, run

SAID = (
    "is an OpenDocument spreadsheet (.ods), which is not a team: teams_glob takes .xlsx and "
    ".xlsm files only, as an .ods's cells cannot be written back; save it as an Excel "
    "workbook (.xlsx: LibreOffice File > Save As, Excel 2007-365) beside it to make it a team"
)


def _workspace(demo: Path, tmp_path: Path, pattern: str) -> tuple[Path, Path]:
    cfg = copy_ws(demo, tmp_path / "ws")
    more = cfg.parent / "more"
    more.mkdir()
    shutil.copy(cfg.parent / "teams" / "Sales.xlsx", more / "Ops.xlsx")
    (more / "Support.ods").write_bytes(b"PK\x03\x04mimetypeapplication/vnd.oasis")
    (more / ".~lock.Support.ods#").write_text("x", encoding="utf-8")
    cfg.write_text(cfg.read_text("utf-8") + f'teams_glob: "{pattern}"\n', encoding="utf-8")
    return cfg, more


def test_an_ods_in_the_glob_folder_is_said_by_config_check_validate_and_sync(
    demo: Path, tmp_path: Path
) -> None:
    cfg, _ = _workspace(demo, tmp_path, "more/*")
    warning = f"warning: sheets-sync.yaml: teams_glob ('more/*'): more/Support.ods {SAID}"
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert f"  {warning}" in out.splitlines()
    code, out, err = run("validate", "--config", str(cfg), *AS_OF, "--team", "Ops")
    assert out.splitlines()[0] == warning, out + err
    code, out, err = run("sync", "--config", str(cfg), *AS_OF, "--team", "Ops", "--dry-run")
    assert out.splitlines()[0] == warning, out + err


def test_a_pattern_of_xlsx_files_says_the_ods_beside_them(demo: Path, tmp_path: Path) -> None:
    cfg, _ = _workspace(demo, tmp_path, "more/*.xlsx")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [
        f"  warning: sheets-sync.yaml: teams_glob ('more/*.xlsx'): more/Support.ods {SAID}"
    ]


def test_an_ods_beside_its_xlsx_copy_says_nothing(demo: Path, tmp_path: Path) -> None:
    cfg, more = _workspace(demo, tmp_path, "more/*")
    shutil.copy(more / "Ops.xlsx", more / "support.xlsx")  # saved as .xlsx: the team
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert "warning" not in out
    assert "  support: more/support.xlsx (mapping standard)" in out.splitlines()


def test_a_folder_of_ods_files_alone_says_why_it_matches_no_workbook(
    demo: Path, tmp_path: Path
) -> None:
    cfg, more = _workspace(demo, tmp_path, "more/*")
    (more / "Ops.xlsx").unlink()
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: teams_glob: 'more/*' matches no workbook: more/Support.ods {SAID}\n"
    )
