"""A Google rollup's Trends and History tabs: the Excel workbook's cells, read back through
real gspread from the live emulator and compared with the workbook openpyxl reads; in one
batch and staged; the History tab cut to Google's cell limit; the requests a night takes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import gspread
import openpyxl
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets import staging, trends
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.rollup import load_history
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult

pytestmark = [
    pytest.mark.emulator,
    pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning"),
]

HEAD = ["Objective ID", "Objective", "KR ID", "Key result", "Start", "Target", "Current"]
KPI_HEAD = ["KPI ID", "KPI", "Unit", "Target", "Actual"]
NIGHTS = [dt.date(2026, 2, 13), dt.date(2026, 2, 14), dt.date(2026, 2, 15)]
EPOCH = dt.datetime(1899, 12, 30)


def _okrs(n: int) -> list[list[Any]]:
    rows: list[list[Any]] = [HEAD]
    for i in range(6):
        rows.append([f"O{i // 3 + 1}", f"Objective {i // 3} of team {n}", f"KR{i + 1}",
                     f"Key result {i} of team {n}", 0, 100, 7 * i + n])  # fmt: skip
    return rows


def _kpis(n: int) -> list[list[Any]]:
    return [KPI_HEAD, ["K1", "Churn", "%", 0.05, 0.04 + n / 100], ["K2", "ARR", "USD", 1e6, 9e5]]


@pytest.fixture
def teams(emulator: Emulator) -> list[str]:
    return [
        emulator.create_spreadsheet(
            f"team {n}", {"OKRs": _okrs(n), "KPIs": _kpis(n)}, value_input="RAW"
        )
        for n in range(3)
    ]


def _workspace(tmp_path: Path, info: dict[str, Any], teams: list[str], out: str) -> Path:
    (tmp_path / "sa.json").write_text(json.dumps(info))
    listed = "\n".join(f"  - {{name: T{i}, source: 'gsheet:{k}'}}" for i, k in enumerate(teams))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{listed}\n"
        f"rollup: {{output: '{out}'}}\n"
        'google: {"credentials": "sa.json", "requests_per_minute": 6000, "timeout_seconds": 60}\n'
    )
    return cfg


def _night(cfg: Path, day: dt.date) -> SyncResult:
    ws = load_workspace(cfg)
    clear_clients()
    try:
        history = HistoryStore(default_history_path(ws.state_dir))
        return Sync(ws, history=history).run(SyncOptions(as_of=day, write_back=False))
    finally:
        clear_clients()


def _reader(emulator: Emulator, info: dict[str, Any]) -> gspread.Client:
    scopes = ["https://www.googleapis.com/auth/spreadsheets"]
    creds = Credentials.from_service_account_info(info, scopes=scopes)  # type: ignore[no-untyped-call]
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


def _google(reader: gspread.Client, key: str, tab: str) -> list[list[Any]]:
    """The tab's values as the API gives them: unformatted, dates as serial numbers."""
    ws = reader.open_by_key(key).worksheet(tab)
    values = ws.get(
        value_render_option=gspread.utils.ValueRenderOption.unformatted,
        date_time_render_option=gspread.utils.DateTimeOption.serial_number,
        pad_values=False,
    )
    return [list(r) for r in values]


def _excel(path: Path, tab: str) -> list[list[Any]]:
    """The workbook's tab as rows of values, dates as serials, trailing blanks dropped as
    the API drops them."""
    ws = openpyxl.load_workbook(path)[tab]
    rows: list[list[Any]] = []
    for row in ws.iter_rows(values_only=True):
        values = [
            (v - EPOCH).total_seconds() / 86400 if isinstance(v, dt.datetime) else v for v in row
        ]
        while values and values[-1] is None:
            values.pop()
        rows.append(["" if v is None else v for v in values])
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _formats(emulator: Emulator, key: str, tab: str, row: int) -> list[Any]:
    sheet = next(s for s in emulator.state.spreadsheets[key].sheets if s.title == tab)
    return [
        sheet.cells.get((row, c), {}).get("userEnteredFormat", {}).get("numberFormat")
        for c in range(12)
    ]


def _grids(emulator: Emulator, key: str) -> dict[str, int]:
    """Each tab's cells, as the emulator holds its grid."""
    sizes = {}
    for sheet in emulator.state.spreadsheets[key].sheets:
        grid = sheet.properties["gridProperties"]
        sizes[sheet.title] = grid["rowCount"] * grid["columnCount"]
    return sizes


def _compare(reader: gspread.Client, key: str, book: Path, tab: str) -> list[list[Any]]:
    google, excel = _google(reader, key, tab), _excel(book, tab)
    assert len(google) == len(excel), tab
    for n, (g, x) in enumerate(zip(google, excel, strict=True)):
        assert g == pytest.approx(x), (tab, n)
    return google


@pytest.mark.parametrize("batch", [None, 20_000], ids=["one batch", "staged"])
def test_the_google_rollup_has_the_workbooks_trends_and_history(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    batch: int | None,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    if batch:
        monkeypatch.setattr(staging, "BATCH_BYTES", batch)
        emulator.faults.max_payload_bytes = batch
    for day in NIGHTS:
        emulator.log.clear()
        assert _night(cfg, day).rollup_error is None
    sent = [r.endpoint for r in emulator.log.requests if r.spreadsheet_id == out]
    if batch is None:  # the night's two requests, as before it had the tabs
        assert sent == ["spreadsheets.get", "spreadsheets.batchUpdate"]
    else:  # staged: the tab read, batches into the staging tabs, the one that publishes
        assert sent.count("spreadsheets.batchUpdate") >= 3
    book = tmp_path / "company.xlsx"
    xlsx = _workspace(tmp_path, sa_info, teams, str(book))
    assert _night(xlsx, NIGHTS[-1]).rollup_error is None  # the same history, as a workbook
    titles = [w.title for w in _reader(emulator, sa_info).open_by_key(out).worksheets()]
    assert titles[-2:] == ["Trends", "History"] and "Notes" in titles
    assert not any(staging.is_staging(t) for t in titles)
    reader = _reader(emulator, sa_info)
    history = _compare(reader, out, book, "History")
    _compare(reader, out, book, "Trends")
    # as the teams' cells say: 3 nights x 3 teams x (6 KRs + 2 KPIs), KRs first
    assert history[0][:6] == ["Kind", "Date", "Team", "Objective ID", "ID", "Name"]
    assert len(history) == 1 + 3 * 3 * 8
    first = history[1]
    assert first[:5] == ["KR", 46066, "T0", "O1", "KR1"]  # 2026-02-13 as a serial
    assert first[6:8] == [0, 100]
    assert history[-1][:6] == ["KPI", 46068, "T2", "", "K2", "ARR"]
    assert _formats(emulator, out, "History", 1)[1] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert _formats(emulator, out, "History", 1)[8] == {"type": "NUMBER", "pattern": "0.00"}
    churn = next(r for r in _google(reader, out, "Trends") if r[:2] == ["T1", "K1"])
    assert churn[3:6] == pytest.approx([0.05, 0.05, 0.05])


def test_a_history_past_googles_cell_limit_keeps_its_newest_nights(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Notes": [["mine"]]})
    cfg = _workspace(tmp_path, sa_info, teams, f"gsheet:{out}")
    for day in NIGHTS[:2]:
        assert _night(cfg, day).rollup_error is None
    grids = _grids(emulator, out)
    ours = sum(cells for title, cells in grids.items() if title not in ("Notes", "History"))
    history_cells = (2 * 24 + 2) * 12  # two nights of 24 rows, the header, the spare row
    assert grids["History"] == history_cells
    # Notes, the other rollup tabs twice (staged), two nights' History twice, not three
    # (24 x 12 x 2 more); 300 for tonight's tabs, a night wider on Trends
    limit = grids["Notes"] + 2 * ours + 2 * history_cells + 300
    monkeypatch.setattr(trends, "CELL_LIMIT", limit)
    monkeypatch.setattr(staging, "BATCH_BYTES", 20_000)
    emulator.faults.max_payload_bytes = 20_000
    assert _night(cfg, NIGHTS[2]).rollup_error is None
    history = _google(_reader(emulator, sa_info), out, "History")
    assert {r[1] for r in history[1:]} == {46067, 46068}  # the newest two nights, whole
    assert f"gsheet:{out}: the Google rollup's History tab shows 2 of 3 nights" in caplog.text
    assert sum(_grids(emulator, out).values()) <= limit


def test_the_history_tab_gets_the_cells_the_others_leave_twice() -> None:
    """Others' tabs once, ours at the larger of old and new plus new (a staged publish
    holds both), the History tab so too; its spare row counted."""
    tabs: list[trends.Tab] = [("Summary", [[{}] * 4] * 9, 1)]  # 10 x 4 = 40 cells tonight
    grids = {"notes": (100, 10), "summary": (20, 4), "history": (0, 0)}
    # 10,000 - 1,000 - (80 + 40) = 8,880 left: the History tab takes half, 4,440 cells,
    # 370 rows of 12 with the spare row
    assert trends.history_room(tabs, grids, limit=10_000) == 369
    # a History tab of 6,000 cells last night: the new one fits beside it
    grids["history"] = (500, 12)
    assert trends.history_room(tabs, grids, limit=10_000) == (8_880 - 6_000) // 12 - 1
    assert trends.history_room(tabs, {"notes": (1_000, 10)}, limit=10_000) == 0


def test_the_history_tabs_repeated_cells_are_held_once() -> None:
    """A cell repeated down the History tab (its kind, night, team, target) is one object,
    and the Google rollup holds a row in some 1.4 KB, not 6 KB (``trends._Cells``)."""
    from tests.rollup.test_nights import _frames, _random_nights

    history = load_history(_frames(*_random_nights(2)), 12, b"")
    assert history is not None
    rows = trends.history_rows(history, 10_000)
    krs = [r for r in rows[1:] if r[0] == {"userEnteredValue": {"stringValue": "KR"}}]
    assert len(krs) > 2 and all(r[0] is krs[0][0] and r[1] is krs[0][1] for r in krs[1:3])
    kpi = next(r for r in rows if r[0] == {"userEnteredValue": {"stringValue": "KPI"}})
    assert kpi[3] == {} and kpi[8] == {}  # no objective, no score
