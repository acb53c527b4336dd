"""``load_previous`` splits the previous workbook's tables by team in one pass; each failed
team gets what the team-by-team filter (until 2026-12-07) gave it: the same rows in the
same order, dtypes, moments and warnings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Collection
from pathlib import Path

import pandas as pd
import pytest

from sheets_sync.domain.team import evaluate_team, kpi_index
from sheets_sync.rollup import Rollup, StaleData, build_rollup, write_rollup_xlsx
from sheets_sync.rollup.previous import (
    _TEXT_COLUMNS,
    LONG_TABLES,
    _rows,
    _summary_last_read,
    load_previous,
)
from sheets_sync.rollup.schema import TAB_NAMES, conform
from sheets_sync.sync.outcome import Outcome, TeamRun
from tests.rollup.fixtures import AS_OF, COMPANY, PERIOD, context, finance, ops, sales

ODD = ["NA", "null", "2026.10", "Sales", "sales", "Sales ", "Ops", "1.10", "Finance"]


def _old_load_previous(
    path: Path, teams: Collection[str], period: str | None = None
) -> dict[str, StaleData]:
    """``load_previous`` as it was until 2026-12-07 (one filter of each table per team)."""
    wanted = set(teams)
    frames = pd.read_excel(
        path,
        sheet_name=[TAB_NAMES[t] for t in LONG_TABLES],
        engine="calamine",
        dtype=_TEXT_COLUMNS,
        keep_default_na=False,
        na_values=[""],
    )
    summary = pd.read_excel(
        path,
        sheet_name="Summary",
        header=None,
        engine="calamine",
        converters={0: str},
        keep_default_na=False,
        na_values=[""],
    )
    last_read = _summary_last_read(summary)
    log = logging.getLogger("sheets_sync.rollup.previous")
    tables = {t: _rows(frames[TAB_NAMES[t]], t, wanted) for t in LONG_TABLES}
    found: dict[str, StaleData] = {}
    for team in sorted(wanted):
        parts = {t: tables[t][tables[t]["Team"] == team].reset_index(drop=True) for t in tables}
        if period is not None:
            periods = set(pd.concat([p["Period"] for p in parts.values()]).dropna().astype(str))
            if periods and periods != {period}:
                log.warning(
                    "%s: its last good data in the previous rollup %s is of period %s, not %s: "
                    "not carried into this period's rollup; its rows are missing "
                    "until it reads again",
                    team, path, ", ".join(sorted(periods)), period,
                )  # fmt: skip
                continue
        if all(p.empty for p in parts.values()):
            log.warning(
                "%s: no last good data in the previous rollup %s: its rows are missing "
                "from tonight's rollup until it reads again",
                team,
                path,
            )
            continue
        moments = pd.concat([p["Last successful read"] for p in parts.values()]).dropna()
        latest = last_read.get(team) or (moments.max().to_pydatetime() if len(moments) else None)
        for t, part in parts.items():
            part["Stale data"] = True
            part["Last successful read"] = part["Last successful read"].fillna(latest)
            parts[t] = conform(part, t)
        found[team] = StaleData(
            objectives=parts["objectives"],
            key_results=parts["key_results"],
            kpis=parts["kpis"],
            last_successful_read=latest,
        )
    return found


def _odd_workbook(path: Path) -> None:
    write_rollup_xlsx(odd_rollup(), path)


def odd_rollup() -> Rollup:
    """A real rollup of teams with odd names, then edited as nights leave it:
    a team with KPIs only, a team of another period, rows already stale (no moment of
    their own in one table), teams in the Summary without rows."""
    bases = [sales(), ops(), finance()]
    inputs = [dataclasses.replace(bases[i % 3], team=name) for i, name in enumerate(ODD)]
    index = kpi_index(inputs)
    ids = frozenset(c.id for c in COMPANY)
    runs = []
    for given in inputs:
        result = evaluate_team(
            given, period=PERIOD, as_of=AS_OF, index=index, company_objective_ids=ids
        )
        runs.append(TeamRun(given.team, given.source, Outcome.OK, result))
    rollup = build_rollup(runs, context())
    objectives, key_results, kpis = rollup.objectives, rollup.key_results, rollup.kpis
    objectives = objectives[objectives["Team"] != "Ops"]  # Ops: KPIs only
    key_results = key_results[key_results["Team"] != "Ops"]
    for frame in (objectives, key_results, kpis):  # "1.10": last quarter's rows
        frame.loc[frame["Team"] == "1.10", "Period"] = "2026-Q3"
    key_results.loc[key_results["Team"] == "null", "Last successful read"] = pd.NaT
    stale = kpis["Team"] == "2026.10"  # carried for a week already
    kpis.loc[stale, "Stale data"] = True
    kpis.loc[stale, "Last successful read"] = pd.Timestamp("2026-11-02 06:30")
    return dataclasses.replace(rollup, objectives=objectives, key_results=key_results, kpis=kpis)


@pytest.mark.parametrize("period", [PERIOD.name, None, "2026-Q3"])
def test_each_failed_team_gets_what_the_team_by_team_filter_gave(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, period: str | None
) -> None:
    path = tmp_path / "company.xlsx"
    _odd_workbook(path)
    failed = [*ODD, "Nobody", "sales ", "SALES", "nan", ""]
    with caplog.at_level(logging.WARNING, logger="sheets_sync.rollup.previous"):
        want = _old_load_previous(path, failed, period)
        said = [r.getMessage() for r in caplog.records]
        caplog.clear()
        got = load_previous(path, failed, period)
    assert [r.getMessage() for r in caplog.records] == said
    assert list(got) == list(want)
    if period == PERIOD.name:  # every odd name carried but last quarter's
        assert set(want) == set(ODD) - {"1.10"}
    for team, old in want.items():
        new = got[team]
        assert new.last_successful_read == old.last_successful_read, team
        for table in ("objectives", "key_results", "kpis"):
            pd.testing.assert_frame_equal(getattr(new, table), getattr(old, table), obj=team)
    carried = got.get("2026.10")
    if carried is not None:
        assert carried.kpis["Last successful read"].eq(pd.Timestamp("2026-11-02 06:30")).all()
    ops_rows = got.get("Ops")
    if ops_rows is not None:
        assert ops_rows.objectives.empty and not ops_rows.kpis.empty


def test_one_failed_team_of_many_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "company.xlsx"
    _odd_workbook(path)
    for team in ODD:
        want, got = (
            _old_load_previous(path, [team], PERIOD.name),
            load_previous(path, [team], PERIOD.name),
        )
        assert list(got) == list(want)
        for name, old in want.items():
            for table in ("objectives", "key_results", "kpis"):
                pd.testing.assert_frame_equal(getattr(got[name], table), getattr(old, table))
        assert all(s.last_successful_read is not None for s in got.values())
    summary = load_previous(path, ["Sales "], PERIOD.name)["Sales "]
    assert summary.last_successful_read == dt.datetime(2025, 8, 15, 6, 30)  # the Summary's


def test_a_flag_typed_over_by_hand_is_no_crash(tmp_path: Path) -> None:
    """``yes`` typed in a Stale data cell of the previous workbook, 1E+20 in a KR count:
    the failed team's rows still come back (flagged, as every carried row is; no such
    count); until 2026-12-07 the cast of either column raised TypeError out of
    ``build_rollup`` and the night had no rollup."""
    import openpyxl

    path = tmp_path / "company.xlsx"
    _odd_workbook(path)
    book = openpyxl.load_workbook(path)
    sheet = book["Key results"]
    header = [c.value for c in sheet[1]]
    at = header.index("Stale data") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, at).value = "yes" if row % 2 else "FALSE"
    sheet = book["Objectives"]
    at = [c.value for c in sheet[1]].index("KR count") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, at).value = 1e20 if row % 2 else 2
    book.save(path)
    got = load_previous(path, ["Sales", "NA"], PERIOD.name)
    assert set(got) == {"Sales", "NA"}
    for stale in got.values():
        assert len(stale.key_results) and stale.key_results["Stale data"].all()
        assert str(stale.key_results["Stale data"].dtype) == "boolean"
        counts = stale.objectives["KR count"]
        assert str(counts.dtype) == "Int64" and set(counts.dropna()) <= {2}
