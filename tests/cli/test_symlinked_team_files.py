"""A team file that is a symbolic link is followed only to a file inside the folder the
workspace lets it be in (``sources.confining_folders``): anyone who may save a file in the
teams folder sent the nightly job's reads and writes to any workbook it could write."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.cli.test_ops_cli import AS_OF, run

DAY = dt.date(2026, 11, 23)


def _ws(demo: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo.parent, tmp_path / "ws")
    return tmp_path / "ws"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _link_finance_out(ws: Path, tmp_path: Path) -> Path:
    """Finance's workbook moved out of the workspace, its name left as a link to it."""
    secret = tmp_path / "elsewhere" / "budget.xlsx"
    secret.parent.mkdir()
    shutil.move(ws / "teams" / "Finance.xlsx", secret)
    (ws / "teams" / "Finance.xlsx").symlink_to(secret)
    return secret


def test_a_link_out_of_the_workspace_fails_its_team_untouched(demo: Path, tmp_path: Path) -> None:
    ws = _ws(demo, tmp_path)
    secret = _link_finance_out(ws, tmp_path)
    (ws / "teams" / "People.xlsx").unlink()
    (ws / "teams" / "People.xlsx").symlink_to("/dev/zero")
    before = _digest(secret)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 1, out + err
    lines = out.splitlines()
    for team, target in (("Finance", secret), ("People", Path("/dev/zero"))):
        assert (
            f"{team}: failed: {team}.xlsx: is a symbolic link to {target}, outside the "
            "workspace folder; not read or written (team files are followed only to files "
            "inside it)"
        ) in lines
    assert _digest(secret) == before
    assert not list((ws / ".sheets-sync" / "backups").glob("outside-the-workspace"))
    assert "Sales: ok, 20 cells changed (1 error in the sheet)" in lines


def test_a_link_inside_the_workspace_is_written_through(demo: Path, tmp_path: Path) -> None:
    ws = _ws(demo, tmp_path)
    real = ws / "archive" / "Finance-2026.xlsx"
    real.parent.mkdir()
    shutil.move(ws / "teams" / "Finance.xlsx", real)
    (ws / "teams" / "Finance.xlsx").symlink_to(Path("..") / "archive" / "Finance-2026.xlsx")
    before = _digest(real)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 0, out + err
    assert "Finance: ok, 26 cells changed (1 error in the sheet)" in out.splitlines()
    assert (ws / "teams" / "Finance.xlsx").is_symlink() and _digest(real) != before


def test_the_folder_a_workspace_names_outside_it(tmp_path: Path) -> None:
    """A folder named outside the workspace (``..``) is the admin's choice: its own links
    are followed, links below it may not lead out of it."""
    root, shared = tmp_path / "ws", tmp_path / "shared"
    (root / "teams").mkdir(parents=True)
    (shared / "finance").mkdir(parents=True)
    (tmp_path / "secret.xlsx").touch()
    for name in ("budget.xlsx", "plan.xlsx", "ops.xlsx"):
        (shared / "finance" / name).touch()
    (shared / "finance" / "link.xlsx").symlink_to(tmp_path / "secret.xlsx")
    (shared / "finance" / "sibling.xlsx").symlink_to("plan.xlsx")
    (root / "teams" / "a.xlsx").symlink_to(shared / "finance" / "ops.xlsx")
    sources = {
        "Budget": "../shared/finance/budget.xlsx",
        "Sibling": "../shared/finance/sibling.xlsx",
        "Link": "../shared/finance/link.xlsx",
        "A": "teams/a.xlsx",
        "Missing": "teams/missing.xlsx",
    }
    (root / "sheets-sync.yaml").write_text(
        "company: A\nperiod: {name: Q, start: 2026-01-01, end: 2026-03-31}\nteams:\n"
        + "".join(f"  - {{name: {n}, source: {s}}}\n" for n, s in sources.items()),
        encoding="utf-8",
    )
    ws = load_workspace(root / "sheets-sync.yaml", files_must_exist=False)
    assert {t.name: t.outside for t in ws.teams} == {
        "Budget": None,
        "Sibling": None,
        "Link": tmp_path / "secret.xlsx",
        "A": shared / "finance" / "ops.xlsx",
        "Missing": None,
    }


def _outside_line(team: str, target: Path) -> str:
    return (
        f"{team}.xlsx: is a symbolic link to {target}, outside the workspace folder; not "
        "read or written (team files are followed only to files inside it)"
    )


def _runs(ws: Path) -> dict[str, TeamRun]:
    workspace = load_workspace(ws / "sheets-sync.yaml")
    return {r.team: r for r in Sync(workspace).run(SyncOptions(as_of=DAY, workers=1)).runs}


def test_a_file_swapped_for_a_link_after_the_load_is_neither_read_nor_written(
    demo: Path, tmp_path: Path
) -> None:
    """The check ran only when the workspace loaded: a file swapped for a link out of it
    in the minutes before its team's turn had the outside workbook read and written."""
    ws = _ws(demo, tmp_path)
    workspace = load_workspace(ws / "sheets-sync.yaml")
    secret = tmp_path / "elsewhere" / "hr.xlsx"
    secret.parent.mkdir()
    shutil.move(ws / "teams" / "Sales.xlsx", secret)
    (ws / "teams" / "Sales.xlsx").symlink_to(secret)
    before = _digest(secret)
    runs = {r.team: r for r in Sync(workspace).run(SyncOptions(as_of=DAY, workers=1)).runs}
    assert (runs["Sales"].outcome, runs["Sales"].error) == (
        Outcome.FAILED,
        _outside_line("Sales", secret),
    )
    assert runs["Finance"].outcome is Outcome.OK
    assert _digest(secret) == before


def test_a_file_swapped_for_a_link_between_read_and_write_is_not_written(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link to an exact copy (same bytes, same time) passes the version check: only
    where the link leads now keeps the write out of the copy."""
    ws = _ws(demo, tmp_path)
    secret = tmp_path / "elsewhere" / "Sales.xlsx"
    secret.parent.mkdir()
    real_write = ExcelBackend.write
    copied: list[str] = []

    def swap_then_write(self: ExcelBackend, *args: Any) -> None:
        if self.path.name == "Sales.xlsx":  # the team was read; a user swaps the file
            shutil.copy2(self.path, secret)
            copied.append(_digest(secret))
            self.path.unlink()
            self.path.symlink_to(secret)
        real_write(self, *args)

    monkeypatch.setattr(ExcelBackend, "write", swap_then_write)
    runs = _runs(ws)
    assert (runs["Sales"].outcome, runs["Sales"].error) == (
        Outcome.FAILED,
        _outside_line("Sales", secret),
    )
    assert copied == [_digest(secret)]
    assert not list((ws / ".sheets-sync" / "backups").rglob("Sales.xlsx.*.bak"))
    assert runs["Finance"].outcome is Outcome.OK


def test_a_linked_teams_folder_is_followed_not_out_of_it(demo: Path, tmp_path: Path) -> None:
    """``teams/`` linked to a mount (the workspace in git, the files on a share) failed
    every team: a file had to be under the workspace's own folder."""
    ws = _ws(demo, tmp_path)
    mount = tmp_path / "mnt" / "okr-share"
    mount.parent.mkdir()
    shutil.move(ws / "teams", mount)
    (ws / "teams").symlink_to(mount, target_is_directory=True)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 0, out + err
    assert "Sales: ok, 20 cells changed (1 error in the sheet)" in out.splitlines()
    secret = tmp_path / "mnt" / "hr.xlsx"  # beside the teams folder, not in it
    shutil.move(mount / "Finance.xlsx", secret)
    (mount / "Finance.xlsx").symlink_to(secret)
    before = _digest(secret)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 1, out + err
    assert f"Finance: failed: {_outside_line('Finance', secret)}" in out.splitlines()
    assert _digest(secret) == before


def _swap_in(ws: Path, folder: str, outside: Path) -> str:
    """``ws/folder`` replaced by a link to ``outside`` holding its files; the digest of
    Sales.xlsx there."""
    shutil.move(ws / folder, outside)
    (ws / folder).symlink_to(outside, target_is_directory=True)
    return _digest(ws / "teams" / "emea" / "Sales.xlsx")


def _subfolder_workspace(demo: Path, tmp_path: Path) -> Path:
    """The demo with Sales listed in ``teams/emea/``."""
    ws = _ws(demo, tmp_path)
    (ws / "teams" / "emea").mkdir()
    shutil.move(ws / "teams" / "Sales.xlsx", ws / "teams" / "emea" / "Sales.xlsx")
    cfg = ws / "sheets-sync.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace('"teams/Sales.xlsx"', '"teams/emea/Sales.xlsx"'), "utf-8")
    return ws


def test_a_listed_files_subfolder_swapped_for_a_link_out_fails_its_team(
    demo: Path, tmp_path: Path
) -> None:
    """Anyone who can save into ``teams/`` can replace ``teams/emea`` with a link: the
    load resolved the named folder and confined the team there, so the outside
    workbook was read and written."""
    ws = _subfolder_workspace(demo, tmp_path)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 0, out + err  # a real subfolder: synced
    outside = tmp_path / "elsewhere" / "hr"
    outside.parent.mkdir()
    before = _swap_in(ws, "teams/emea", outside)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 1, out + err
    assert f"Sales: failed: {_outside_line('Sales', outside / 'Sales.xlsx')}" in out.splitlines()
    assert _digest(outside / "Sales.xlsx") == before
    assert "Finance: ok, 0 cells changed (1 error in the sheet)" in out.splitlines()


def test_a_linked_teams_folder_with_subfolders_still_syncs(demo: Path, tmp_path: Path) -> None:
    """The admin's ``teams/`` on a mount: a file listed in its subfolder is confined to
    the mount, not failed."""
    ws = _subfolder_workspace(demo, tmp_path)
    mount = tmp_path / "mnt" / "okr-share"
    mount.parent.mkdir()
    before = _swap_in(ws, "teams", mount)
    code, out, err = run("sync", "--config", str(ws / "sheets-sync.yaml"), *AS_OF)
    assert code == 0, out + err
    assert _digest(mount / "emea" / "Sales.xlsx") != before


def test_a_glob_without_a_wildcard_confines_to_its_folder(demo: Path, tmp_path: Path) -> None:
    """``teams_glob: teams/glob.xlsx``, a link to an outside workbook: the whole pattern
    was the glob's folder, so the file was confined to itself and written."""
    ws = _ws(demo, tmp_path)
    secret = tmp_path / "elsewhere" / "budget.xlsx"
    secret.parent.mkdir()
    shutil.move(ws / "teams" / "Finance.xlsx", secret)
    (ws / "teams" / "glob.xlsx").symlink_to(secret)
    cfg = ws / "sheets-sync.yaml"
    text = cfg.read_text(encoding="utf-8").split("teams:")[0]
    cfg.write_text(text + "teams_glob: teams/glob.xlsx\n", encoding="utf-8")
    before = _digest(secret)
    code, out, err = run("sync", "--config", str(cfg), *AS_OF)
    assert code == 1, out + err
    assert f"glob: failed: {_outside_line('glob', secret)}" in out.splitlines()
    assert _digest(secret) == before


def test_config_check_names_a_team_file_linked_out(demo: Path, tmp_path: Path) -> None:
    """It said ``ok`` for a listed file linked out of its folder, which sync then fails."""
    ws = _ws(demo, tmp_path)
    secret = _link_finance_out(ws, tmp_path)
    code, out, err = run("config", "check", "--config", str(ws / "sheets-sync.yaml"))
    assert code == 2, out + err
    assert err.splitlines()[1:] == [
        f"  sheets-sync.yaml: line 42: teams[4].source: {_outside_line('Finance', secret)[14:]} "
        "(teams/Finance.xlsx)"
    ]
