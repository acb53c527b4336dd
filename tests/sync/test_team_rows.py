"""Packed results: a night holds each team's result and rollup rows as pickles, parked in
its spill file, and everything built from them equals what is built from the results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.ops.history import HistoryStore
from sheets_sync.rollup import build_rollup, write_rollup_xlsx
from sheets_sync.sync.engine import SyncResult
from sheets_sync.sync.outcome import TeamRun
from sheets_sync.sync.rollup_state import inputs_fingerprint
from sheets_sync.sync.spill import Parked, Spill
from sheets_sync.sync.team_rows import (
    CLOCK,
    NAMES,
    PackedResult,
    TeamRows,
    Values,
    kept_run,
    rows_digest,
    rows_for,
    team_rows,
)
from tests.rollup.fixtures import context, runs


def packed(run: TeamRun, spill: Spill | None = None) -> TeamRun:
    if run.result is None:
        return run
    made = PackedResult.pack(run, context(), spill, digest=True)
    return dataclasses.replace(run, held=made)


@pytest.mark.parametrize("parked", [False, True])
def test_a_packed_result_unpacks_to_the_result_with_its_rows_and_digest(
    tmp_path: Path, parked: bool
) -> None:
    spill = Spill(tmp_path) if parked else None
    run = runs(finance_fails=True)[0]
    light = packed(run, spill)
    assert light.packed is not None and light.scored
    assert isinstance(light.packed.result, Parked) is parked
    assert light.result == run.result and light == run
    assert light.findings == run.findings and light.aligned == run.aligned != ()
    assert light.packed.digest == rows_digest(rows_for(run, context()))
    assert rows_for(light, context()) == rows_for(run, context())
    kept = kept_run(light)  # as the night's SyncResult holds it: outlives the spill file
    if spill is not None:
        spill.close()
    assert kept.packed is not None and isinstance(kept.packed.result, bytes)
    assert kept.packed.rows is None and kept.packed.digest is None
    assert kept == run and kept.result == run.result and kept.aligned == run.aligned
    assert rows_for(kept, context()) == rows_for(run, context())


def test_the_rows_digest_is_by_value_without_the_clock() -> None:
    run = runs(finance_fails=False)[0]
    assert run.result is not None
    rows = team_rows(run.team, run.source, run.result, context())
    later = context(generated=context().generated_at + dt.timedelta(days=1))
    # another night's clock, and a result whose objects are copies (as from the cache)
    copied = pickle.loads(pickle.dumps(run.result))
    assert rows_digest(team_rows(run.team, run.source, copied, later)) == rows_digest(rows)
    unshared = TeamRows(*([tuple(_copy(v) for v in row) for row in t] for t in _tables(rows)))
    assert rows_digest(unshared) == rows_digest(rows)
    for table in _tables(rows):
        for i, value in enumerate(table[0]):
            if i == CLOCK:
                continue
            for other in _others(value):
                changed = TeamRows(*(list(t) for t in _tables(rows)))
                target = getattr(changed, _name(rows, table))
                target[0] = (*table[0][:i], other, *table[0][i + 1 :])
                assert rows_digest(changed) != rows_digest(rows), (i, value, other)
    assert rows_digest(None) != rows_digest(TeamRows([], [], [], []))


def _tables(rows: TeamRows) -> tuple[list[Values], ...]:
    return (rows.objectives, rows.key_results, rows.kpis, rows.findings)


def _name(rows: TeamRows, table: list[Values]) -> str:
    return next(n for n in NAMES if getattr(rows, n) is table)


def _copy(value: object) -> object:
    return "".join(value) if isinstance(value, str) else value  # equal, not the same object


def _others(value: object) -> list[object]:
    """Values next to ``value`` that a digest must tell from it."""
    if value is None:
        return [0.0, "", False]
    if isinstance(value, bool):
        return [not value, int(value)]
    if isinstance(value, float):
        return [value + 1e-12 * max(1.0, abs(value)), None, str(value)]
    if isinstance(value, int):
        return [value + 1, float(value) + 0.5]
    if isinstance(value, str):
        return [value + " ", None]
    if isinstance(value, dt.date):
        return [value + dt.timedelta(days=1), None]
    raise AssertionError(f"a row holds a {type(value).__name__}")


def test_rows_have_the_columns_their_names_say() -> None:
    run = runs(finance_fails=False)[0]
    assert run.result is not None
    # a team's source is its path in the workspace; its findings name the file only
    rows = team_rows(run.team, f"teams/{run.source}", run.result, context())
    for table, names in NAMES.items():
        assert all(len(row) == len(names) for row in getattr(rows, table)), table
    assert rows.key_results and rows.kpis and rows.findings
    source = NAMES["findings"].index("Source")  # the same in every table: one to join on
    assert {r[source] for table in NAMES for r in getattr(rows, table)} == {f"teams/{run.source}"}
    failed = runs(finance_fails=True)[-1]
    assert failed.result is None and not failed.scored and rows_for(failed, context()) is None


def test_the_rollup_from_packed_runs_equals_the_rollup_from_results(tmp_path: Path) -> None:
    previous_xlsx = tmp_path / "last-night.xlsx"  # Finance's last good rows come from here
    write_rollup_xlsx(build_rollup(runs(finance_fails=False), context()), previous_xlsx)
    plain = runs(finance_fails=True)
    light = [packed(r) for r in plain]
    a = build_rollup(plain, context(), previous=previous_xlsx)
    b = build_rollup(light, context(), previous=previous_xlsx)
    for name, frame in a.tables.items():
        pd.testing.assert_frame_equal(b.tables[name], frame, check_exact=True)
    assert inputs_fingerprint(light, context()) == inputs_fingerprint(plain, context())


def test_history_recorded_from_packed_runs_equals_from_results(tmp_path: Path) -> None:
    plain = runs(finance_fails=True)
    stores = [HistoryStore(tmp_path / name / "history.sqlite") for name in ("a", "b")]
    for store, night in zip(stores, (plain, [packed(r) for r in plain]), strict=True):
        assert store.record(SyncResult(context(), tuple(night), ())) > 0
    a, b = stores
    pd.testing.assert_frame_equal(a.kr_history(3), b.kr_history(3), check_exact=True)
    pd.testing.assert_frame_equal(a.kpi_history(3), b.kpi_history(3), check_exact=True)
    assert set(a.kr_history(3)["team"]) == {"Sales", "Ops"}  # Finance failed: not recorded
