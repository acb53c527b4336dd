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
        "  sheets-sync.yaml: line 62: teams_glob: 'more/*' matches no workbook: "
        f"more/Support.ods {SAID}\n"
    )


def test_an_ods_in_upper_case_beside_a_pattern_of_xlsx_files_is_said(
    demo: Path, tmp_path: Path
) -> None:
    """``Support.ODS`` beside ``more/*.xlsx``: the .ods swap matches its end in any case
    (until 2026-12-07 only ``.ods``, so it went without a word)."""
    cfg, more = _workspace(demo, tmp_path, "more/*.xlsx")
    (more / "Support.ods").rename(more / "Support.ODS")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [
        f"  warning: sheets-sync.yaml: teams_glob ('more/*.xlsx'): more/Support.ODS {SAID}"
    ]


def test_an_ods_two_patterns_match_is_said_once(demo: Path, tmp_path: Path) -> None:
    cfg, _ = _workspace(demo, tmp_path, "more/*.xlsx")
    text = cfg.read_text("utf-8").replace(
        'teams_glob: "more/*.xlsx"', 'teams_glob: ["more/*.xlsx", "more/*"]'
    )
    cfg.write_text(text, encoding="utf-8")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert [x for x in out.splitlines() if "warning" in x] == [
        f"  warning: sheets-sync.yaml: teams_glob ('more/*.xlsx'): more/Support.ods {SAID}"
    ]


def test_an_ods_listed_as_a_team_is_not_said_by_the_glob(demo: Path, tmp_path: Path) -> None:
    """Listed in ``teams:``, the .ods is a team (read, not written: its own warning at
    sync); the glob over its folder says nothing of it (until 2026-12-07: 'which is not a
    team')."""
    from tests.sync.test_ods_team import _ods

    cfg, more = _workspace(demo, tmp_path, "more/*")
    (more / "Support.ods").write_bytes(_ods())
    text = cfg.read_text("utf-8")
    assert "\nteams:\n" in text
    text = text.replace(
        "\nteams:\n", "\nteams:\n  - name: Support\n    source: more/Support.ods\n", 1
    )
    cfg.write_text(text, encoding="utf-8")
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out + err
    assert "which is not a team" not in out
    assert "  Support: more/Support.ods (mapping standard)" in out.splitlines()


def test_validate_json_holds_the_workspace_warnings(demo: Path, tmp_path: Path) -> None:
    """``validate --json``: the .ods warning is in ``warnings`` (until 2026-12-07 the JSON
    dropped it)."""
    import json

    cfg, _ = _workspace(demo, tmp_path, "more/*")
    code, out, err = run("validate", "--config", str(cfg), *AS_OF, "--team", "Ops", "--json")
    assert (code, err) == (1, ""), out + err  # Ops, a copy of Sales, has its errors
    payload = json.loads(out)
    assert payload["warnings"] == [
        f"sheets-sync.yaml: teams_glob ('more/*'): more/Support.ods {SAID}"
    ]
    assert list(payload) == ["teams", "ok", "warnings"]
