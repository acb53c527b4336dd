"""A mapping that does not load, in each way a night can run: ``--dry-run``,
``--no-write-back``, a full sync, ``export``; each fails the teams that use it (exit 1)
and leaves their workbooks as they were, byte for byte. A team whose last night's read
is in the read cache (under the stand-in mapping's key) is not served from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_mapping_fails_team import AS_OF, BAD, BAD_SAYS, SAME_AS_SALES, workspace
from tests.cli.test_ops_cli import run

GOOD = "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
NEXT = ("--as-of", "2026-11-24")
FAILED = [
    f"Sales: failed: sheets-sync.yaml: line 4: teams[0].mapping: {BAD_SAYS}",
    f"Ops: failed: {SAME_AS_SALES}",
]


def books(root: Path) -> dict[str, bytes]:
    return {t: (root / "teams" / f"{t}.xlsx").read_bytes() for t in ("sales", "ops")}


@pytest.mark.parametrize("mode", [("--dry-run",), ("--no-write-back",), ()], ids=str)
def test_a_night_in_any_mode_leaves_the_broken_teams_files_alone(
    tmp_path: Path, mode: tuple[str, ...]
) -> None:
    cfg = workspace(tmp_path, GOOD)
    code, out, err = run("sync", *AS_OF, "--config", str(cfg))
    assert code == 0, out + err
    (tmp_path / "mappings" / "mine.yaml").write_text(BAD, encoding="utf-8")
    before = books(tmp_path)
    code, out, err = run("sync", *NEXT, *mode, "--config", str(cfg))
    assert code == 1, out + err
    lines = out.splitlines()  # --dry-run lists Web's changes first
    at = lines.index(FAILED[0])
    assert lines[at : at + 2] == FAILED
    assert lines[at + 2].startswith("Web: ok, ")
    assert books(tmp_path) == before


def test_export_fails_the_broken_teams_and_writes_the_tables(tmp_path: Path) -> None:
    cfg = workspace(tmp_path)
    before = books(tmp_path)
    code, out, err = run("export", *AS_OF, "--out", str(tmp_path / "x"), "--config", str(cfg))
    assert code == 1, out + err
    assert err.splitlines() == FAILED
    assert (tmp_path / "x" / "objectives.csv").is_file()
    assert books(tmp_path) == before


def test_last_nights_cached_read_is_not_served_to_a_team_whose_mapping_broke(
    tmp_path: Path,
) -> None:
    """Sales and Ops read with `standard` last night, and their reads are cached; tonight
    they name `mine`, which does not load, whose stand-in is `standard` too: the same cache
    key. Served from the cache, they synced (and wrote) with a mapping not theirs. Two
    workers: the cache is probed apart from the read only where reads go to workers."""
    cfg = workspace(tmp_path, name="standard")
    code, out, err = run("sync", *AS_OF, "--workers", "2", "--config", str(cfg))
    assert code == 0, out + err
    text = cfg.read_text(encoding="utf-8").replace("mapping: standard", "mapping: mine")
    cfg.write_text(text, encoding="utf-8")
    before = books(tmp_path)
    code, out, err = run("sync", *AS_OF, "--workers", "2", "--config", str(cfg))
    assert code == 1, out + err
    assert out.splitlines()[:2] == FAILED
    assert books(tmp_path) == before
