"""``sheets-sync sync``'s progress bar counts the teams the run syncs: each once, of its
shard; it showed 1/2 for ``--team Sales --team sales`` and never filled."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from rich.console import Console

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import SyncOptions
from sheets_sync.sync.run import run_sync
from sheets_sync.workspace.demo import create_demo

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "ws")


def shown(cfg: Path, teams: Sequence[str], shard: tuple[int, int] | None) -> tuple[int, set[str]]:
    """Teams synced (a dry run) and the ``done/total`` counts the bar showed."""
    out = io.StringIO()
    result = run_sync(
        load_workspace(cfg),
        SyncOptions(as_of=AS_OF, teams=teams, shard=shard, dry_run=True, workers=1),
        console=Console(file=out, force_terminal=True, width=120),
        results_dir=None if shard is None else cfg.parent / "results",  # a dry run saves none
    )
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out.getvalue())
    return len(result.runs), set(re.findall(r"\b\d+/\d+\b", plain))


@pytest.mark.parametrize(
    ("teams", "shard"),
    [(["Sales", "sales"], None), (["Sales", "SALES", "Marketing"], None), ([], (1, 3))],
    ids=["one-team-twice", "two-teams-three-names", "shard"],
)
def test_the_bar_counts_the_teams_synced(
    demo: Path, teams: list[str], shard: tuple[int, int] | None
) -> None:
    synced, counts = shown(demo, teams, shard)
    assert 0 < synced < len(load_workspace(demo).teams)
    assert f"{synced}/{synced}" in counts
    assert all(c.endswith(f"/{synced}") for c in counts), counts


def test_the_bar_shows_a_team_name_as_typed(demo: Path, tmp_path: Path) -> None:
    """The bar read its line as rich markup: a team named ``Sales [/b]`` was a MarkupError
    traceback after Sales.xlsx was written (the night not recorded), and ``:smile:`` an
    emoji."""
    name = "Sales [/b] :smile: [red]x"
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / demo.name
    cfg.write_text(cfg.read_text().replace('name: "Sales"', f'name: "{name}"', 1))
    out = io.StringIO()
    result = run_sync(
        load_workspace(cfg),
        SyncOptions(as_of=AS_OF, teams=(name,), rollup=False, workers=1),
        console=Console(file=out, force_terminal=True, width=200),
    )
    assert [(r.team, r.outcome.status) for r in result.runs] == [(name, "ok")]
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", out.getvalue())
    assert f"{name}: ok" in plain
    assert "\U0001f604" not in plain
