"""The run report file: written a team at a time, the same JSON as the whole dict."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sheets_sync.config import load_workspace
from sheets_sync.domain.models import Band, CompanyObjective, CompanyObjectiveResult, Period
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import CellChange, CellChanges, Outcome, RunContext, TeamRun
from sheets_sync.sync.report import run_report, write_run_report
from sheets_sync.workspace.demo import create_demo

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_streamed_report_equals_the_whole_report(tmp_path: Path) -> None:
    ws = load_workspace(create_demo(tmp_path / "ws"))
    result = Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), workers=1))
    assert sum(len(r.changes) for r in result.runs) > 100
    report = run_report(result, with_changes=False)
    report["notifications"] = ["after the teams, as run.py adds it"]
    write_run_report(tmp_path / "runs" / "r.json", report, result.runs)
    whole = run_report(result)
    whole["notifications"] = report["notifications"]
    text = (tmp_path / "runs" / "r.json").read_text(encoding="utf-8")
    assert json.loads(text) == json.loads(json.dumps(whole, default=str))
    assert text.endswith("}\n") and "\n" not in text[:-1]


def test_the_report_shows_numbers_with_the_digits_excel_shows() -> None:
    """A change's values and a company objective's score as JSON numbers of at most 15
    significant digits: 0.6000000000000001 reached the report (and ``jq``) until 2026-12-06."""
    context = RunContext("Acme", PERIOD, dt.date(2026, 11, 15), dt.datetime(2026, 11, 15, 2, 0))
    changes = CellChanges([CellChange("OKRs", "R5", 0.1 + 0.2, 0.2 + 0.4)])
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=changes)
    company = CompanyObjectiveResult(CompanyObjective("C1", "Grow"), 53 / 91, Band.YELLOW, ())
    report = run_report(SyncResult(context, (run,), (company,)))
    assert report["teams"][0]["changes"] == [{"tab": "OKRs", "cell": "R5", "old": 0.3, "new": 0.6}]
    assert report["company_objectives"][0]["score"] == 0.582417582417582
    text = json.dumps(report, default=str)
    assert '"new": 0.6}' in text and '"score": 0.582417582417582,' in text


def test_the_report_keeps_every_digit_of_a_change_whose_sides_would_read_the_same() -> None:
    """123456789.1 -> 123456789.10000001 was ``"old": 123456789.1, "new": 123456789.1``
    until 2026-12-06: a change that says nothing changed."""
    context = RunContext("Acme", PERIOD, dt.date(2026, 11, 15), dt.datetime(2026, 11, 15, 2, 0))
    changes = CellChanges(
        [
            CellChange("OKRs", "C4", 123456789.1, 123456789.10000001),
            CellChange("OKRs", "C5", 0.1 + 0.2, 0.7),
        ]
    )
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=changes)
    report = run_report(SyncResult(context, (run,), ()))
    assert report["teams"][0]["changes"] == [
        {"tab": "OKRs", "cell": "C4", "old": 123456789.1, "new": 123456789.10000001},
        {"tab": "OKRs", "cell": "C5", "old": 0.3, "new": 0.7},
    ]


def test_a_team_listed_twice_is_in_the_report_once_a_listing() -> None:
    """The report lists runs, as ``docs/operations.md`` (Run reports) says: a library
    caller's team listed twice is there twice, each listing counted in ``totals``,
    though the rollup, history and Off-track alerts hold its first listing alone."""
    context = RunContext("Acme", PERIOD, dt.date(2026, 11, 15), dt.datetime(2026, 11, 15, 2, 0))
    read = TeamRun("Sales", "sales.xlsx", Outcome.OK)
    failed = TeamRun("Sales", "sales-old.xlsx", Outcome.FAILED, error="file is gone")
    report = run_report(SyncResult(context, (read, failed), ()))
    teams = [(t["team"], t["source"], t["outcome"], t["error"]) for t in report["teams"]]
    assert teams == [
        ("Sales", "sales.xlsx", "ok", None),
        ("Sales", "sales-old.xlsx", "failed", "file is gone"),
    ]
    assert report["totals"]["teams"] == 2
    assert report["totals"]["outcomes"] == {"ok": 1, "failed": 1}


def test_the_report_shows_the_noise_a_change_cleans() -> None:
    """A cell an earlier sync wrote 0.6000000000000001, now written 0.6: the report said
    ``"old": 0.6, "new": 0.6`` (until 2026-12-07), as the dry run did."""
    context = RunContext("Acme", PERIOD, dt.date(2026, 11, 15), dt.datetime(2026, 11, 15, 2, 0))
    changes = CellChanges([CellChange("OKRs", "R3", 0.2 + 0.4, 0.6)])
    run = TeamRun("Sales", "sales.xlsx", Outcome.OK, changes=changes)
    report = run_report(SyncResult(context, (run,), ()))
    assert report["teams"][0]["changes"] == [
        {"tab": "OKRs", "cell": "R3", "old": 0.6000000000000001, "new": 0.6}
    ]
