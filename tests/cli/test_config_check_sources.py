"""``config check`` predicts sync for a team file that is no workbook: a listed
``teams/Ops.csv`` (or ``Old.xls``, text inside) or a ``teams_glob`` match holding text
was ``ok``, exit 0, and ``validate`` and ``sync`` refused it (``not an Excel workbook
(.xlsx)``, until 2026-12-07). It is a problem in sync's words, as a missing file is."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, copy_ws, run


def _add_teams(cfg: Path, teams: str) -> None:
    text = cfg.read_text("utf-8").replace("\n# Where the company rollup", teams, 1)
    cfg.write_text(text, encoding="utf-8")


def test_a_team_file_that_is_no_workbook_is_a_config_check_problem(
    demo: Path, tmp_path: Path
) -> None:
    cfg = copy_ws(demo, tmp_path / "ws")
    teams = cfg.parent / "teams"
    (teams / "Ops.csv").write_text("name,target\nrevenue,100\n", encoding="utf-8")
    (teams / "Old.xls").write_text("not a workbook\n", encoding="utf-8")
    (teams / "Empty.xlsx").write_bytes(b"")
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le")
    (teams / "Legacy.xls").write_bytes(ole2)  # Excel 97-2003's own
    shutil.copy(teams / "Sales.xlsx", teams / "Renamed.xls")  # a workbook: sync reads it
    _add_teams(
        cfg,
        "  - {name: Ops, source: teams/Ops.csv}\n"
        "  - {name: Old, source: teams/Old.xls}\n"
        "  - {name: Empty, source: teams/Empty.xlsx}\n"
        "  - {name: Legacy, source: teams/Legacy.xls}\n"
        "  - {name: Renamed, source: teams/Renamed.xls}\n"
        "\n# Where the company rollup",
    )
    code, out, err = run("validate", "--config", str(cfg), *AS_OF, "--team", "Ops",
                         "--team", "Old", "--team", "Empty", "--team", "Legacy")  # fmt: skip
    assert code == 1, out + err
    assert out.splitlines()[:4] == [  # what config check now says beforehand
        "Ops: error: Ops.csv: not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
        "Old: error: Old.xls: not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
        "Empty: error: Empty.xlsx: the file is empty (0 bytes)",
        "Legacy: error: Legacy.xls: legacy .xls (Excel 97-2003) workbook, possibly "
        "password-protected; save it as .xlsx without a password",
    ]
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 47: teams[6].source: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx (teams/Ops.csv)\n"
        "  sheets-sync.yaml: line 48: teams[7].source: not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx (teams/Old.xls)\n"
        "  sheets-sync.yaml: line 49: teams[8].source: the file is empty (0 bytes) "
        "(teams/Empty.xlsx)\n"
        "  sheets-sync.yaml: line 50: teams[9].source: legacy .xls (Excel 97-2003) workbook, "
        "possibly "
        "password-protected; save it as .xlsx without a password (teams/Legacy.xls)\n"
    )


def test_a_glob_match_that_is_no_workbook_is_a_config_check_problem(
    demo: Path, tmp_path: Path
) -> None:
    cfg = copy_ws(demo, tmp_path / "ws")
    more = cfg.parent / "more"
    more.mkdir()
    shutil.copy(cfg.parent / "teams" / "Sales.xlsx", more / "Ops.xlsx")
    (more / "Bad.xlsx").write_text("name,target\n", encoding="utf-8")  # a CSV renamed
    (more / "Notes.csv").write_text("name,target\n", encoding="utf-8")  # no match
    cfg.write_text(cfg.read_text("utf-8") + 'teams_glob: "more/*"\n', encoding="utf-8")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    assert err == (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 62: teams_glob (more/Bad.xlsx): not an Excel workbook (.xlsx)"
        "; open it in Excel and save it as .xlsx\n"
    )
    (more / "Bad.xlsx").unlink()
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert "  Ops: more/Ops.xlsx (mapping standard)" in out.splitlines()
