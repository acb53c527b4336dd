"""A team whose mapping did not load still holds its tabs against the other teams of its
workbook: a team reaching the same file by a link, the same path listed twice, the same
``gsheet:`` key. Until 2026-12-06 the same-tab check passed such a team over, so the other
synced INTO its tab (its Status written there) and the rollup counted the goals twice.
Its tabs are the ones its mapping file still names; where they are unknown (a YAML slip,
no such file) the other teams of that workbook fail alone, neither read nor written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sheets_sync import ConfigError, load_workspace
from sheets_sync.mapping.spec import named_tabs
from tests.cli.test_mapping_fails_team import AS_OF, HEAD
from tests.cli.test_ops_cli import run
from tests.conftest import write_team

GOOD = "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
#: still names its tabs (a misspelt key)
MISSPELT = GOOD + "  requried: false\n"
#: names no tab we can read (a YAML slip)
SLIP = "name: mine\nokrs:\n  sheet: [OKRs\n"
UNKNOWN = (
    "not read or written: team 'Sales' of this workbook has a mapping that did not load, "
    "so which tab it reads is unknown"
)


def linked(root: Path, mapping: str) -> tuple[Path, Path]:
    """Sales (mapping ``mine``) and Engineering, whose file is a link to Sales's."""
    write_team(root / "teams" / "Sales.xlsx")
    os.symlink("Sales.xlsx", root / "teams" / "Engineering.xlsx")
    (root / "mappings").mkdir()
    (root / "mappings" / "mine.yaml").write_text(mapping, encoding="utf-8")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - {name: Sales, source: teams/Sales.xlsx, mapping: mine}\n"
        "  - {name: Engineering, source: teams/Engineering.xlsx}\n",
        encoding="utf-8",
    )
    return cfg, root / "teams" / "Sales.xlsx"


@pytest.mark.parametrize("mapping", [MISSPELT, SLIP], ids=["tabs-named", "tabs-unknown"])
def test_a_link_to_a_broken_teams_workbook_is_not_synced_into_it(
    tmp_path: Path, mapping: str
) -> None:
    cfg, book = linked(tmp_path, mapping)
    before = book.read_bytes()
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, out + err
    lines = out.splitlines()
    assert lines[0].startswith(
        "Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: "
    )
    start = f"Engineering: failed: Engineering.xlsx: is a symbolic link to {book}, "
    if mapping is MISSPELT:  # the tab its mapping names: the link check's own words
        assert lines[1] == (
            f"{start}the workbook of team 'Sales'; not read or written (it would read the "
            "same tab, OKRs, and the rollup would count its goals twice)"
        )
    else:
        assert lines[1] == f"{start}the workbook of team 'Sales'; {UNKNOWN}"
    assert lines[2].startswith("2 teams, 2 failed, 0 cells changed in ")
    assert book.read_bytes() == before  # nobody wrote into Sales's workbook


def listed_twice(root: Path, mapping: str, source: str = "teams/sales.xlsx") -> Path:
    write_team(root / "teams" / "sales.xlsx")
    write_team(root / "teams" / "web.xlsx")
    (root / "mappings").mkdir()
    (root / "mappings" / "mine.yaml").write_text(mapping, encoding="utf-8")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - {name: Sales, source: teams/sales.xlsx, mapping: mine}\n"
        f"  - {{name: Ops, source: {source}}}\n"
        "  - {name: Web, source: teams/web.xlsx}\n",
        encoding="utf-8",
    )
    return cfg


def test_the_same_file_listed_twice_is_still_a_clash_when_the_tabs_are_named(
    tmp_path: Path,
) -> None:
    """As with a mapping that loads: a slip in the workspace file, which stops the night."""
    cfg = listed_twice(tmp_path, MISSPELT)
    before = (tmp_path / "teams" / "sales.xlsx").read_bytes()
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 2, out + err
    assert (
        "sheets-sync.yaml: line 5: teams[1].source: team 'Ops' can read the same tab of the same "
        "workbook as team 'Sales' (teams/sales.xlsx, tab OKRs, in both teams' tab lists"
    ) in err
    assert (tmp_path / "teams" / "sales.xlsx").read_bytes() == before


def test_the_same_file_listed_twice_fails_the_other_team_when_the_tabs_are_unknown(
    tmp_path: Path,
) -> None:
    cfg = listed_twice(tmp_path, SLIP)
    before = (tmp_path / "teams" / "sales.xlsx").read_bytes()
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, out + err
    lines = out.splitlines()
    assert lines[0].startswith(
        "Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: "
    )
    assert lines[1] == f"Ops: failed: sales.xlsx: is also the workbook of team 'Sales'; {UNKNOWN}"
    assert lines[2].startswith("Web: ok, 18 cells changed")
    assert (tmp_path / "teams" / "sales.xlsx").read_bytes() == before


@pytest.mark.parametrize("mapping", [MISSPELT, SLIP], ids=["tabs-named", "tabs-unknown"])
def test_two_teams_naming_one_google_sheet(tmp_path: Path, mapping: str) -> None:
    """Through the library: no Google account is needed to see the workspace's verdict."""
    key = "gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEFG"
    cfg = listed_twice(tmp_path, mapping, source=key)
    text = cfg.read_text(encoding="utf-8").replace("teams/sales.xlsx, mapping", f"{key}, mapping")
    cfg.write_text(text, encoding="utf-8")
    if mapping is MISSPELT:
        with pytest.raises(ConfigError) as caught:
            load_workspace(cfg, files_must_exist=False)
        assert caught.value.problems == [
            "sheets-sync.yaml: line 5: teams[1].source: team 'Ops' can read the same tab of the "
            "same "
            f"workbook as team 'Sales' ({key}, tab OKRs, in both teams' tab lists: a team "
            "reads the first of its tabs the workbook has); the rollup would count its goals "
            "twice"
        ]
        return
    ops = load_workspace(cfg, files_must_exist=False).teams[1]
    assert ops.linked == f"is also the workbook of team 'Sales'; {UNKNOWN}"


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        (MISSPELT, (("OKRs",), ("KPIs",))),
        ("name: mine\nokrs: {sheet: OKRs, layout: rowz}\n", (("OKRs",), None)),
        ("name: mine\nokrs: {sheet: [OKRs, '']}\n", None),  # a blank name: unknown
        ("name: mine\nokrs: {sheet: [OKRs]}\nkpis: {sheet: 2026}\n", None),
        ("- okrs\n", None),
        (SLIP, None),
    ],
)
def test_the_tabs_a_broken_mapping_still_names(tmp_path: Path, mapping: str, named: object) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(mapping, encoding="utf-8")
    assert named_tabs("mine", tmp_path) == named
    assert named_tabs("nope", tmp_path) is None  # no such mapping


def test_a_mapping_naming_no_file_fails_the_other_teams_of_its_workbook(tmp_path: Path) -> None:
    cfg = listed_twice(tmp_path, GOOD)
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("mapping: mine", "mapping: nope"))
    sales, ops, web = load_workspace(cfg, files_must_exist=False).teams
    assert sales.mapping_error is not None and sales.linked is None
    assert ops.linked == f"is also the workbook of team 'Sales'; {UNKNOWN}"
    assert web.linked is None


def _check_lines(cfg: Path) -> list[list[str]]:
    """``config check``'s and ``validate``'s error lines (each exits 2, prints nothing)."""
    said = []
    for command in (["config", "check"], ["validate", *AS_OF]):
        code, out, err = run(*command, "--config", str(cfg))
        assert (code, out) == (2, ""), err
        said.append(err.splitlines())
    return said


def test_the_set_up_checks_name_the_teams_a_sync_refuses_for_unknown_tabs(
    tmp_path: Path,
) -> None:
    """``config check`` and ``validate`` say what ``sync`` will do with the other teams of
    a workbook whose broken mapping names no tab, in its words (until 2026-12-06 they
    listed the mapping's problems alone, and the night then refused Ops unannounced)."""
    cfg = listed_twice(tmp_path, SLIP)
    for lines in _check_lines(cfg):
        assert lines[0] == "error: sheets-sync.yaml: invalid configuration"
        assert lines[1].startswith("  sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: ")
        assert lines[2:] == [
            "  sheets-sync.yaml: line 5: teams[1].source: is also the workbook of team 'Sales'; "
            f"{UNKNOWN} (teams/sales.xlsx)"
        ]


def test_the_set_up_checks_name_a_link_the_sync_refuses(tmp_path: Path) -> None:
    cfg, book = linked(tmp_path, SLIP)
    for lines in _check_lines(cfg):
        assert lines[1].startswith("  sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: ")
        assert lines[2:] == [
            f"  sheets-sync.yaml: line 5: teams[1].source: is a symbolic link to {book}, the "
            "workbook "
            f"of team 'Sales'; {UNKNOWN} (teams/Engineering.xlsx)"
        ]


def test_the_set_up_checks_name_the_clash_with_the_tabs_a_broken_mapping_names(
    tmp_path: Path,
) -> None:
    """The same file listed twice stops the night (exit 2) even while Sales's mapping does
    not load; the set-up checks said so only once the mapping was fixed."""
    cfg = listed_twice(tmp_path, MISSPELT)
    for lines in _check_lines(cfg):
        assert lines[1:] == [
            "  sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: line 6: kpis.requried: "
            "unknown "
            "key "
            "(did you mean 'required'? see docs/mappings.md)",
            "  sheets-sync.yaml: line 5: teams[1].source: team 'Ops' can read the same tab of the "
            "same "
            "workbook as team 'Sales' (teams/sales.xlsx, tab OKRs, in both teams' tab lists: "
            "a team reads the first of its tabs the workbook has); the rollup would count its "
            "goals twice",
        ]


def test_validate_names_every_link_a_sync_refuses_once_a_mapping_failed(tmp_path: Path) -> None:
    """Engineering's file is a link to Web's, which sync refuses whatever the mappings.
    Once Sales's mapping failed (exit 2 certain) ``validate`` names it as ``config check``
    does (until 2026-12-06 only when its workbook also held the broken team: the next
    night's first surprise)."""
    write_team(tmp_path / "teams" / "sales.xlsx")
    write_team(tmp_path / "teams" / "web.xlsx")
    os.symlink("web.xlsx", tmp_path / "teams" / "eng.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(SLIP, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - {name: Sales, source: teams/sales.xlsx, mapping: mine}\n"
        "  - {name: Web, source: teams/web.xlsx}\n  - {name: Eng, source: teams/eng.xlsx}\n",
        encoding="utf-8",
    )
    web = tmp_path / "teams" / "web.xlsx"
    for lines in _check_lines(cfg):
        assert lines[1].startswith("  sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: ")
        assert lines[2:] == [
            f"  sheets-sync.yaml: line 6: teams[2].source: is a symbolic link to {web}, the "
            "workbook "
            "of team 'Web'; not read or written (it would read the same tab, OKRs, and the "
            "rollup would count its goals twice) (teams/eng.xlsx)"
        ]
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, out + err
    assert out.splitlines()[2].startswith("Eng: failed: eng.xlsx: is a symbolic link to ")


def globbed(root: Path, mapping: str) -> Path:
    """Teams a, b and c matched by ``glob/*.xlsx`` with the default mapping ``mine``;
    c.xlsx a link to a.xlsx."""
    write_team(root / "glob" / "a.xlsx")
    write_team(root / "glob" / "b.xlsx")
    os.symlink("a.xlsx", root / "glob" / "c.xlsx")
    (root / "mappings").mkdir()
    (root / "mappings" / "mine.yaml").write_text(mapping, encoding="utf-8")
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(HEAD + "default_mapping: mine\nteams_glob: glob/*.xlsx\n", encoding="utf-8")
    return cfg


@pytest.mark.parametrize("mapping", [MISSPELT, SLIP], ids=["tabs-named", "tabs-unknown"])
def test_a_link_whose_own_mapping_failed_is_told_its_mapping_error(
    tmp_path: Path, mapping: str
) -> None:
    """As sync tells c (``the same mapping error as a (above)``), not also that it is a
    link (until 2026-12-06 the set-up checks said the link, sync the mapping)."""
    cfg = globbed(tmp_path, mapping)
    for lines in _check_lines(cfg):
        assert len(lines) == 2 and lines[1].startswith(
            "  sheets-sync.yaml: line 3: default_mapping: "
        )
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 1, out + err
    assert out.splitlines()[2] == (
        "c: failed: sheets-sync.yaml: line 3: default_mapping: the same mapping error as a (above)"
    )


def test_a_broken_default_mapping_no_team_uses_is_no_problem(tmp_path: Path) -> None:
    """The glob matches only the file a listed team owns: no team of the default mapping,
    so the night does not read it (until 2026-12-06 the set-up checks exited 2 for it
    while sync exited 0)."""
    write_team(tmp_path / "glob" / "a.xlsx")
    (tmp_path / "teams").mkdir()
    os.symlink("../glob/a.xlsx", tmp_path / "teams" / "sales.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(SLIP, encoding="utf-8")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "default_mapping: mine\nteams_glob: glob/*.xlsx\n"
        "teams:\n  - {name: Sales, source: teams/sales.xlsx}\n",
        encoding="utf-8",
    )
    # validate exits 1 for the one error in the sheet (write_team), not 2 for the workspace
    for command, exits in (
        (["config", "check"], 0),
        (["validate", *AS_OF], 1),
        (["sync", *AS_OF], 0),
    ):
        code, out, err = run(*command, "--config", str(cfg))
        assert code == exits and "default_mapping" not in out + err, out + err
