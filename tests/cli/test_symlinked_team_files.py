"""A team file that is a symbolic link is followed only to a file inside the folder the
workspace lets it be in (``sources.link_outside``): anyone who may save a file in the
teams folder sent the nightly job's reads and writes to any workbook it could write."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sheets_sync.sources import link_outside
from tests.cli.test_ops_cli import AS_OF, run


def _ws(demo: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo.parent, tmp_path / "ws")
    return tmp_path / "ws"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_link_out_of_the_workspace_fails_its_team_untouched(demo: Path, tmp_path: Path) -> None:
    ws = _ws(demo, tmp_path)
    secret = tmp_path / "elsewhere" / "budget.xlsx"
    secret.parent.mkdir()
    shutil.move(ws / "teams" / "Finance.xlsx", secret)
    (ws / "teams" / "Finance.xlsx").symlink_to(secret)
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
    root, shared = tmp_path / "ws", tmp_path / "shared"
    (root / "teams").mkdir(parents=True)
    (shared / "finance").mkdir(parents=True)
    (tmp_path / "secret.xlsx").touch()
    (shared / "finance" / "budget.xlsx").touch()
    (shared / "finance" / "link.xlsx").symlink_to(tmp_path / "secret.xlsx")
    (shared / "finance" / "sibling.xlsx").symlink_to("budget.xlsx")
    (root / "teams" / "a.xlsx").symlink_to(shared / "finance" / "budget.xlsx")
    assert link_outside(root / "../shared/finance/budget.xlsx", root) is None
    assert link_outside(root / "../shared/finance/sibling.xlsx", root) is None
    assert link_outside(root / "../shared/finance/link.xlsx", root) == tmp_path / "secret.xlsx"
    assert link_outside(root / "teams/a.xlsx", root) == shared / "finance" / "budget.xlsx"
    assert link_outside(root / "teams/missing.xlsx", root) is None
