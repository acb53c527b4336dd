"""A number the sync would write counts as the cell's (``plan.same_value``) so that no
cell is rewritten every night, whoever stored it: Excel and Google keep the exact value,
LibreOffice rounds it to 15 digits, half up, when it re-saves the file."""

from __future__ import annotations

import random
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.plan import same_value
from sheets_sync.workspace.demo import create_demo
from sheets_sync.workspace.demo_data import DESIGN_DAY
from tests.conftest import write_team
from tests.support.libreoffice import convert, needs_libreoffice
from tests.sync.test_engine import sync


def as_libreoffice(number: float) -> float:
    """What LibreOffice stores of ``number``: its ``repr`` cut to 15 significant digits,
    rounding half up (27/35, 0.7714285714285715, is stored 0.771428571428572)."""
    d = Decimal(repr(number))
    if len(d.as_tuple().digits) <= 15:
        return number
    step = Decimal(1).scaleb(d.adjusted() - 14)
    return float(d.quantize(step, ROUND_HALF_UP))


def test_a_value_libreoffice_stored_is_the_same() -> None:
    """The 15-digit rule (2026-12-06) read LibreOffice's 0.771428571428572 as ...572 and
    the sync's 0.7714285714285715 as ...571 (Python rounds the binary value): the cell
    was rewritten, and re-saved so, every night."""
    assert same_value(0.771428571428572, 27 / 35)
    assert same_value(0.666666666666667, 2 / 3)
    assert same_value(0.6666666666666667, 2 / 3)  # Excel's 17 digits, as long as ours


def test_noise_an_earlier_sync_wrote_is_not_the_same() -> None:
    assert not same_value(-0.000399999999999956, -0.0004)
    assert not same_value(0.30000000000000004, 0.3)
    assert same_value(-0.0004, -0.0004)
    assert not same_value(0.5, 0.5 + 2e-9)  # beyond SAME_WITHIN


def test_no_value_is_rewritten_two_nights_running() -> None:
    """Whatever the sync writes, exactly or as LibreOffice rounds it, is the same the next
    night: the rule can rewrite a cell once, never every night."""
    rng = random.Random(20261206)
    numbers = [a / b for a in range(-60, 61) for b in range(1, 61)]
    numbers += [rng.uniform(-1e6, 1e6) for _ in range(5000)] + [0.1 + 0.2, 1e15 + 0.2]
    numbers += [rng.uniform(-1e18, 1e18) for _ in range(2000)]
    for new in numbers:
        assert same_value(new, new)
        assert same_value(as_libreoffice(new), new), repr(new)


def _lo_resave(team: Path, scratch: Path) -> None:
    shutil.copyfile(convert(team, "xlsx", scratch), team)


@needs_libreoffice
def test_nights_with_libreoffice_resaving_the_team_file_write_nothing(
    workspace: Path, tmp_path: Path
) -> None:
    """27/35 (a KR at 27 of 35): the night after LibreOffice re-saved the file rewrote its
    score, and so every night (until 2026-12-06, the day's earlier rule)."""
    team = workspace.parent / "teams" / "sales.xlsx"
    okr = ["O1", "Grow", "committed", "CO-1", "KR1", "Deals", "Ann", "number", 0, 35, 27]
    write_team(team, okr_rows=[okr])
    assert sync(workspace)[0].outcome is Outcome.OK
    for night in range(2):
        _lo_resave(team, tmp_path / f"lo{night}")
        run = sync(workspace)[0]
        assert (run.outcome, [(c.cell, c.old, c.new) for c in run.changes]) == (
            Outcome.UNCHANGED,
            [],
        )


@needs_libreoffice
def test_the_demo_resaved_by_libreoffice_is_synced_writing_nothing(tmp_path: Path) -> None:
    """The demo synced, each team file re-saved by LibreOffice, synced again: 18 cells
    were rewritten every night until 2026-12-06."""
    cfg = create_demo(tmp_path / "demo", as_of=DESIGN_DAY)
    options = SyncOptions(as_of=DESIGN_DAY, rollup=False)
    Sync(load_workspace(cfg)).run(options)
    teams = sorted((cfg.parent / "teams").glob("*.xlsx"))
    assert teams
    for i, team in enumerate(teams):
        _lo_resave(team, tmp_path / f"lo{i}")
    night = Sync(load_workspace(cfg)).run(options)
    assert [(r.team, c.tab, c.cell, c.old, c.new) for r in night.runs for c in r.changes] == []
    assert all(r.outcome is Outcome.UNCHANGED for r in night.runs), night.runs
