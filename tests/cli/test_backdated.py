"""A back-dated sync (``--as-of`` before the latest recorded night): its rollup shows no
later night, and the history is left as it is (docs/operations.md, History)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.ops.history import SCHEMA_VERSION
from tests.cli.test_ops_cli import copy_ws, run

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")
D1, D2, D3 = "2026-11-16", "2026-11-20", "2026-11-23"  # D2: no snapshot recorded


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), "--as-of", D3)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"


def _history(ws: Path) -> list[tuple[object, ...]]:
    """Every stored row, with when it was recorded."""
    with closing(sqlite3.connect(ws.parent / ".sheets-sync" / "history.sqlite")) as conn, conn:
        return [
            *conn.execute("SELECT * FROM snapshots ORDER BY as_of, team"),
            *conn.execute("SELECT * FROM kr_snapshots ORDER BY seq"),
            *conn.execute("SELECT * FROM kpi_snapshots ORDER BY seq"),
        ]


def _nights_shown(ws: Path) -> tuple[set[str], list[str]]:
    """The dates of the History tab's rows, and the Trends tab's night columns."""
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    rows = list(book["History"].iter_rows(min_row=2, values_only=True))
    history = {v.date().isoformat() for v in (r[1] for r in rows) if isinstance(v, dt.datetime)}
    trends = [
        str(v)
        for row in book["Trends"].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and v[:3] == "202"
    ]
    book.close()  # read-only: it holds the file open
    return history, sorted(set(trends))


def _set_first_kpi_actual(ws: Path, value: float) -> None:
    """Today's sheet changes: what a back-dated run reads is not that night's value."""
    team = sorted((ws.parent / "teams").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(team)
    sheet = book["KPIs"]
    actual = next(c for c in sheet[1] if c.value == "Actual").column
    sheet.cell(2, actual).value = value
    book.save(team)


def _says_not_recorded(ws: Path, as_of: str, report: Path, said: str) -> None:
    """A sync as of ``as_of`` exits 0 and says why its night is not recorded, in the log
    and the run report's ``history_skipped``."""
    code, _, err = run("sync", "--config", str(ws), "--as-of", as_of, "--report", str(report))
    assert code == 0, err
    assert said in err
    assert json.loads(report.read_text(encoding="utf-8"))["history_skipped"] == said


def test_a_back_dated_rollup_shows_no_later_night(demo: Path, tmp_path: Path) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    for night in (D1, D3):
        assert run("sync", "--config", str(ws), "--as-of", night)[0] == 0
    assert _nights_shown(ws) == ({D1, D3}, [D1, D3])
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    assert _nights_shown(ws) == ({D1}, [D1])  # not D3, after the run's as-of date


@pytest.mark.parametrize("as_of", [D1, D2], ids=["a-recorded-night", "a-night-not-recorded"])
def test_a_back_dated_run_records_nothing_and_says_so(
    demo: Path, tmp_path: Path, as_of: str
) -> None:
    ws = copy_ws(demo, tmp_path / "ws")
    for night in (D1, D3):
        assert run("sync", "--config", str(ws), "--as-of", night)[0] == 0
    stored = _history(ws)
    _set_first_kpi_actual(ws, 123456.0)
    report = tmp_path / "run.json"
    _says_not_recorded(
        ws,
        as_of,
        report,
        f"history not recorded: as of {as_of} is before the latest recorded night ({D3}); "
        "a back-dated run reads today's sheets, not that night's values, so the history "
        "is left as it is",
    )
    assert _history(ws) == stored  # no row replaced, added or re-stamped
    history, trends = _nights_shown(ws)
    assert history == {D1} and trends == [D1]  # not D3, after the run's as-of date
    # a run for the latest night records as ever: replaces that night with today's sheets
    assert run("sync", "--config", str(ws), "--as-of", D3, "--report", str(report))[0] == 0
    assert json.loads(report.read_text(encoding="utf-8"))["history_skipped"] is None
    with closing(sqlite3.connect(ws.parent / ".sheets-sync" / "history.sqlite")) as conn, conn:
        assert conn.execute("SELECT as_of FROM kpi_snapshots WHERE actual = 123456").fetchall() == [
            (D3,)
        ]
    assert _nights_shown(ws) == ({D1, D3}, [D1, D3])


def test_a_back_dated_shard_merge_records_nothing(demo: Path, tmp_path: Path) -> None:
    """The merge records a sharded night (``rollup --from-results``): by the same rule."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D3)[0] == 0
    stored = _history(ws)
    results = tmp_path / "results"
    for k in (1, 2):
        shard = ("--shard", f"{k}/2", "--results-dir", str(results))
        assert run("sync", "--config", str(ws), "--as-of", D1, *shard)[0] == 0
    code, out, err = run("rollup", "--config", str(ws), "--from-results", str(results))
    assert code == 0, out + err
    assert f"history not recorded: as of {D1} is before the latest recorded night ({D3})" in err
    assert _history(ws) == stored
    assert "History" not in openpyxl.load_workbook(ws.parent / "company.xlsx").sheetnames


def _set_every_kr_to_its_start(ws: Path) -> None:
    """Every KR of one team back at its start value: each goes Off track."""
    team = sorted((ws.parent / "teams").glob("*.xlsx"))[0]
    book = openpyxl.load_workbook(team)
    sheet = book["OKRs"]
    header = [c.value for c in sheet[1]]
    start, current = header.index("Start") + 1, header.index("Current") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, start).value is not None:
            sheet.cell(row, current).value = sheet.cell(row, start).value
    book.save(team)


@pytest.mark.parametrize("shard", [False, True], ids=["whole-run", "shard"])
def test_a_back_dated_run_sends_no_off_track_alerts(
    demo: Path, tmp_path: Path, shard: bool
) -> None:
    """It compared today's sheets with the night before its as-of date, so it alerted on
    KRs that later nights had already reported (or that turned after its date). A shard
    records no history, so it must tell a back-dated night by the store (found by
    review)."""
    ws = copy_ws(demo, tmp_path / "ws")
    for night in (D1, D3):
        assert run("sync", "--config", str(ws), "--as-of", night)[0] == 0
    _set_every_kr_to_its_start(ws)
    sent = tmp_path / "notified.json"
    cmd = f"{sys.executable} -c \"import sys; open({str(sent)!r}, 'w').write(sys.stdin.read())\""
    report = tmp_path / "run.json"
    args = ("--notify-cmd", cmd, "--report", str(report))
    sharded = ("--shard", "1/1", "--results-dir", str(tmp_path / "results")) if shard else ()
    assert run("sync", "--config", str(ws), "--as-of", D2, *args, *sharded)[0] == 0
    assert not sent.exists()  # nothing failed, and no alert from a back-dated night
    assert json.loads(report.read_text(encoding="utf-8"))["notifications"] == []
    # the same sheets on the latest night: the KRs that turned are reported
    assert run("sync", "--config", str(ws), "--as-of", D3, *args)[0] == 0
    assert json.loads(sent.read_text(encoding="utf-8"))["turned_off_track"]


def test_a_run_dated_well_ahead_records_nothing(demo: Path, tmp_path: Path) -> None:
    """A mistyped year (`--as-of 2062-11-23`) was recorded, and every real night after it
    counted as back-dated: nothing was recorded again until someone edited the store. A
    day ahead is still recorded (a scheduler in another time zone)."""
    ws = copy_ws(demo, tmp_path / "ws")
    today = dt.date.today()
    ahead = (today + dt.timedelta(days=30)).isoformat()
    report = tmp_path / "run.json"
    code, _, err = run("sync", "--config", str(ws), "--as-of", ahead, "--report", str(report))
    assert code == 0, err
    said = json.loads(report.read_text(encoding="utf-8"))["history_skipped"]
    assert said in err
    assert said in [  # the run's today: the test's, or the next day's past a midnight
        f"history not recorded: as of {ahead} is after today ({day}); a run dated ahead "
        "reads today's sheets, not that night's values, and would leave every night before "
        "it unrecorded"
        for day in (today, dt.date.today())
    ]
    assert _history(ws) == []
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert run("sync", "--config", str(ws), "--as-of", tomorrow)[0] == 0
    assert {row[0] for row in _history(ws) if len(row) == 3} == {tomorrow}


def test_a_history_that_cannot_be_opened_stops_no_team(demo: Path, tmp_path: Path) -> None:
    """It ended the night before any team, exit 2 ("nothing was done"), over what feeds
    only trends and alerts. Now the teams are synced and the workbook goes out without
    its History and Trends tabs; each step that could not use the history says so."""
    ws = copy_ws(demo, tmp_path / "ws")
    (ws.parent / ".sheets-sync" / "history.sqlite").mkdir(parents=True)  # cannot be opened
    code, out, err = run("sync", "--config", str(ws), "--as-of", D3)
    assert code == 0, err
    assert "6 teams, 0 failed" in out + err and "rollup written to company.xlsx" in out + err
    for step in (
        "no Off-track alerts tonight",
        "tonight's snapshot is not recorded",
        "the company workbook goes out without History and Trends",
    ):
        assert f"the run history cannot be used (unable to open database file); {step}" in err
    book = openpyxl.load_workbook(ws.parent / "company.xlsx", read_only=True)
    names = book.sheetnames
    book.close()  # read-only: it holds the file open
    assert "Summary" in names and "History" not in names


def test_a_history_of_a_newer_sheets_sync_says_so_in_the_run_report(
    demo: Path, tmp_path: Path
) -> None:
    """After a downgrade the history is refused every night (schema newer than the code)
    and the night exits 0: the run report's ``history_skipped`` was null, "recorded", so a
    script reading it never learnt that no night was recorded and no alert could go out."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    store = ws.parent / ".sheets-sync" / "history.sqlite"
    with closing(sqlite3.connect(store)) as conn, conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = _history(ws)
    report = tmp_path / "run.json"
    code, _, err = run("sync", "--config", str(ws), "--as-of", D3, "--report", str(report))
    assert code == 0, err
    said = json.loads(report.read_text(encoding="utf-8"))["history_skipped"]
    assert said == (
        f"history not recorded: {store}: history schema 99 is newer than this sheets-sync "
        f"understands ({SCHEMA_VERSION}); upgrade sheets-sync"
    )
    assert f"{said[len('history not recorded: ') :]}; tonight's snapshot is not recorded" in err
    assert _history(ws) == before


def test_a_rerun_of_a_night_does_not_send_its_alerts_again(demo: Path, tmp_path: Path) -> None:
    """It compared with the night before, as the first run had: every KR that turned Off
    track that night was reported again by each rerun (a retried job, a manual run)."""
    ws = copy_ws(demo, tmp_path / "ws")
    assert run("sync", "--config", str(ws), "--as-of", D1)[0] == 0
    _set_every_kr_to_its_start(ws)
    sent = tmp_path / "notified.json"
    cmd = f"{sys.executable} -c \"import sys; open({str(sent)!r}, 'w').write(sys.stdin.read())\""
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert json.loads(sent.read_text(encoding="utf-8"))["turned_off_track"]
    sent.unlink()
    assert run("sync", "--config", str(ws), "--as-of", D3, "--notify-cmd", cmd)[0] == 0
    assert not sent.exists()  # nothing failed, and nothing turned since the first run
