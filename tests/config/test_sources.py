"""Team sources and the rollup's output: paths that are no file, Google keys pasted as
URLs, a rollup output that is no workbook (``sheets_sync/sources.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.sources import glob_base
from tests.config.test_config import problems, write_config

#: an empty zip: config check reads a team file's first bytes (an empty file is no workbook)
A_ZIP = b"PK\x05\x06" + bytes(18)


def test_a_source_that_is_a_pipe_or_a_symlink_loop(tmp_path: Path) -> None:
    """`config check` says what the path is; the commands that read the teams load the
    workspace (the read is then that team's error), where a loop was a traceback."""
    import os

    (tmp_path / "teams").mkdir()
    os.mkfifo(tmp_path / "teams" / "pipe.xlsx")
    (tmp_path / "teams" / "a.xlsx").symlink_to(tmp_path / "teams" / "b.xlsx")
    (tmp_path / "teams" / "b.xlsx").symlink_to(tmp_path / "teams" / "a.xlsx")
    text = (
        "company: A\nperiod: {name: Q, start: 2026-01-01, end: 2026-03-31}\nteams:\n"
        "  - {name: P, source: teams/pipe.xlsx}\n  - {name: L, source: teams/a.xlsx}\n"
    )
    assert problems(tmp_path, text) == [
        "sheets-sync.yaml: line 4: teams[0].source: is a named pipe, not a file (teams/pipe.xlsx)",
        "sheets-sync.yaml: line 5: teams[1].source: file not found (teams/a.xlsx)",
    ]
    ws = load_workspace(write_config(tmp_path, text), files_must_exist=False)
    assert [t.name for t in ws.teams] == ["P", "L"]


def test_a_google_key_is_taken_from_a_pasted_url_or_refused(workspace: Path) -> None:
    """What followed ``gsheet:`` went into the request's URL as it was: a pasted URL read
    as "not found", ``KEY/values/OKRs!A1`` reached another endpoint, spaces were kept."""
    head = workspace.read_text().split("teams:")[0]
    url = "https://docs.google.com/spreadsheets/d/1AbC-x_9/edit#gid=0"
    ws = load_workspace(
        write_config(
            workspace.parent,
            head + f'teams:\n  - {{name: S, source: "gsheet: {url}"}}\n'
            'rollup: {output: "gsheet:  2XyZ "}\n',
        ),
        files_must_exist=False,
    )
    assert (ws.teams[0].source, ws.teams[0].google_key) == ("gsheet:1AbC-x_9", "1AbC-x_9")
    assert ws.rollup_output == "gsheet:2XyZ"
    found = problems(
        workspace.parent,
        head + 'teams:\n  - {name: S, source: "gsheet:KEY/values/OKRs!A1"}\n'
        '  - {name: T, source: "gsheet:KEY?x=1"}\nrollup: {output: "gsheet:"}\n',
    )
    hint = (
        "is not a spreadsheet key (letters, digits, - and _): give the key from the "
        "sheet's URL, docs.google.com/spreadsheets/d/<key>/edit, or the URL"
    )
    assert found == [
        f"sheets-sync.yaml: line 6: teams[0].source: 'KEY/values/OKRs!A1' {hint}",
        f"sheets-sync.yaml: line 7: teams[1].source: 'KEY?x=1' {hint}",
        "sheets-sync.yaml: line 8: rollup.output: gsheet: needs a spreadsheet key",
    ]


def test_a_google_url_as_the_hint_gives_it_or_a_published_link_is_explained(
    workspace: Path,
) -> None:
    """The hint asks for "docs.google.com/spreadsheets/d/<key>/edit", but that form (no
    scheme, as copied from a document or a chat) was refused as not a key; a published
    link's ``d/e/2PACX-...`` read as the key "e" and failed at Google as not found."""
    head = workspace.read_text().split("teams:")[0]
    ws = load_workspace(
        write_config(
            workspace.parent,
            head
            + 'teams:\n  - {name: S, source: "gsheet:docs.google.com/spreadsheets/d/1AbC/edit"}\n'
            '  - {name: T, source: "gsheet:HTTPS://DOCS.GOOGLE.COM/spreadsheets/d/2XyZ/edit"}\n',
        ),
        files_must_exist=False,
    )
    assert [t.google_key for t in ws.teams] == ["1AbC", "2XyZ"]
    published = "https://docs.google.com/spreadsheets/d/e/2PACX-1vQabc/pubhtml"
    found = problems(
        workspace.parent, head + f'teams:\n  - {{name: S, source: "gsheet:{published}"}}\n'
    )
    assert found == [
        "sheets-sync.yaml: line 6: teams[0].source: a published-to-the-web link "
        "(.../spreadsheets/d/e/...) has no spreadsheet key: open the sheet itself and give "
        "its URL, docs.google.com/spreadsheets/d/<key>/edit"
    ]


def test_a_google_url_pasted_without_gsheet_is_a_sheet(workspace: Path) -> None:
    """A sheet's URL pasted from the browser, without ``gsheet:``, was read as a file
    path: "file not found (https://docs.google.com/...)". It names the sheet; so does the
    rollup output, and a published link is explained as after ``gsheet:``."""
    head = workspace.read_text().split("teams:")[0]
    url = "https://docs.google.com/spreadsheets/d/1AbC-x_9/edit#gid=0"
    ws = load_workspace(
        write_config(
            workspace.parent,
            head + f'teams:\n  - {{name: S, source: "{url}"}}\n'
            '  - {name: W, source: "https://docs.google.com/a/acme.com/spreadsheets/d/3W/edit"}\n'
            'rollup: {output: "http://docs.google.com/spreadsheets/d/2XyZ"}\n',
        )
    )
    assert (ws.teams[0].source, ws.teams[0].google_key) == ("gsheet:1AbC-x_9", "1AbC-x_9")
    assert ws.teams[0].path is None
    assert ws.teams[1].google_key == "3W"  # a Google Workspace domain's URL
    assert ws.rollup_output == "gsheet:2XyZ"
    published = "https://docs.google.com/spreadsheets/d/e/2PACX-1vQabc/pubhtml"
    found = problems(workspace.parent, head + f"teams:\n  - {{name: S, source: {published}}}\n")
    assert found == [
        "sheets-sync.yaml: line 6: teams[0].source: a published-to-the-web link "
        "(.../spreadsheets/d/e/...) has no spreadsheet key: open the sheet itself and give "
        "its URL, docs.google.com/spreadsheets/d/<key>/edit"
    ]


@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ("company.csv", "the company workbook is an .xlsx file, not 'company.csv' "
         "(`sheets-sync export` writes CSV or Parquet)"),
        ("teams.xlsx", "is a folder (teams.xlsx)"),
    ],
)  # fmt: skip
def test_a_rollup_output_that_is_no_workbook_file(
    workspace: Path, output: str, problem: str
) -> None:
    """Both passed `config check`: the first got an xlsx named .csv, the second failed
    every night."""
    (workspace.parent / "teams.xlsx").mkdir()
    found = problems(workspace.parent, workspace.read_text() + f"rollup: {{output: {output}}}\n")
    assert found == [f"sheets-sync.yaml: line 7: rollup.output: {problem}"]


def test_a_source_of_the_root_folder_is_named() -> None:
    """`source: /` printed "Sales: failed: : is a folder": the root has no file name."""
    from sheets_sync.config import TeamSpec
    from sheets_sync.mapping.spec import load_mapping

    spec = TeamSpec("Sales", "/", "standard", load_mapping("standard"), Path("/"))
    assert spec.display_name == "/"


HEAD = "company: A\nperiod: {name: Q, start: 2026-01-01, end: 2026-03-31}\n"


def test_a_team_file_is_confined_to_the_resolved_folder_the_workspace_names(
    tmp_path: Path,
) -> None:
    """Links above the folder the workspace names (``teams/`` on a mount) are the
    admin's and followed; links below it may not lead out of it, whether the file is
    listed or a ``teams_glob`` match (whose folder is the pattern before its wildcard)."""
    root, mount = tmp_path / "ws", tmp_path / "mnt" / "teams"
    (mount / "emea").mkdir(parents=True)
    root.mkdir()
    (root / "teams").symlink_to(mount, target_is_directory=True)
    (tmp_path / "mnt" / "hr").mkdir()
    for name in ("emea/sales.xlsx", "ops.xlsx"):
        (mount / name).write_bytes(A_ZIP)
    for name in ("hr/pay.xlsx", "old.xlsx"):
        (tmp_path / "mnt" / name).write_bytes(A_ZIP)
    (mount / "apac").symlink_to(tmp_path / "mnt" / "hr", target_is_directory=True)
    (mount / "emea" / "old.xlsx").symlink_to(tmp_path / "mnt" / "old.xlsx")
    (root / "sheets-sync.yaml").write_text(
        HEAD + "teams:\n  - {name: Ops, source: teams/ops.xlsx}\n"
        "  - {name: EMEA, source: teams/emea/sales.xlsx}\n"
        "teams_glob: 'teams/*/*.xlsx'\n",
        encoding="utf-8",
    )
    ws = load_workspace(root / "sheets-sync.yaml", files_must_exist=False)
    outside = {t.source: t.outside for t in ws.teams}
    mnt = tmp_path / "mnt"
    assert outside == {
        "teams/ops.xlsx": None,
        "teams/emea/sales.xlsx": None,
        "teams/apac/pay.xlsx": mnt / "hr" / "pay.xlsx",  # a folder linked out of teams/
        "teams/emea/old.xlsx": mnt / "old.xlsx",
    }
    # a subfolder is confined to teams/ (resolved), not to itself: a link can replace it
    assert {t.confine for t in ws.teams} == {(mount, root)}
    with pytest.raises(ConfigError) as caught:  # config check names them
        load_workspace(root / "sheets-sync.yaml")
    assert caught.value.problems == [
        f"sheets-sync.yaml: line 6: teams_glob ({name}): is a symbolic link to {real}, outside the "
        "workspace folder; not read or written (team files are followed only to files "
        "inside it)"
        for name, real in (
            ("teams/apac/pay.xlsx", mnt / "hr" / "pay.xlsx"),
            ("teams/emea/old.xlsx", mnt / "old.xlsx"),
        )
    ]


def test_a_subfolder_is_confined_to_the_first_folder_under_the_workspace(
    tmp_path: Path,
) -> None:
    """``teams/emea`` swapped for a link to another folder: the load confined a file
    listed in it to ``teams/emea`` resolved, so the outside workbook was read and
    written; a glob's folder alike (``teams/emea/*.xlsx``)."""
    root, other = tmp_path / "ws", tmp_path / "other"
    (root / "teams").mkdir(parents=True)
    other.mkdir()
    (other / "sales.xlsx").touch()
    (root / "teams" / "emea").symlink_to(other, target_is_directory=True)
    text = HEAD + "teams:\n  - {name: S, source: teams/emea/sales.xlsx}\n"
    ws = load_workspace(write_config(root, text), files_must_exist=False)
    assert [(t.outside, t.confine) for t in ws.teams] == [(other / "sales.xlsx", (root,))]
    text = HEAD + "teams_glob: 'teams/emea/*.xlsx'\n"
    ws = load_workspace(write_config(root, text), files_must_exist=False)
    assert [(t.outside, t.confine) for t in ws.teams] == [(other / "sales.xlsx", (root,))]


def test_the_folder_a_glob_names_is_the_pattern_before_its_first_wildcard() -> None:
    assert glob_base("teams/*.xlsx") == Path("teams")
    assert glob_base("teams/emea/s?les.xlsx") == Path("teams/emea")
    assert glob_base("**/*.xlsx") == Path()
    assert glob_base("../shared/[ab]*/x.xlsx") == Path("../shared")
    assert glob_base("teams/glob.xlsx") == Path("teams")  # a folder, never the file
    assert glob_base("sales.xlsx") == Path()


def test_the_workspace_folder_is_resolved_once_when_it_loads(tmp_path: Path) -> None:
    """The folder the teams' files are confined to and the one their backup folders are
    named against are one value, resolved as the load resolves (``resolved_path``):
    ``backup_dirs_for`` resolved it again with ``Path.resolve``, which raises where
    ``resolved_path`` falls back to the path as given."""
    (tmp_path / "real" / "teams").mkdir(parents=True)
    (tmp_path / "real" / "teams" / "ops.xlsx").write_bytes(A_ZIP)
    (tmp_path / "real" / "sheets-sync.yaml").write_text(
        HEAD + "teams:\n  - {name: Ops, source: teams/ops.xlsx}\n", encoding="utf-8"
    )
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    ws = load_workspace(tmp_path / "link" / "sheets-sync.yaml")
    (team,) = ws.teams
    assert ws.root_real == tmp_path / "real"
    assert team.confine == (ws.root_real,)
    assert team.path is not None
    backups = ws.state_dir / "backups"
    assert ws.backup_dirs_for(team.path) == (backups / "teams", backups)
