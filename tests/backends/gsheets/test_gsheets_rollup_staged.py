"""A Google rollup larger than one request (Google refuses a body past 10 MiB, lowered here
with the batch size): staged in hidden tabs over several batches, published by one; the
real tabs change all at once, keep their sheetIds, and look exactly as the one-batch
rollup makes them. Sync over real gspread and google-auth against the live emulator."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets import staging
from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import emulator_http_client
from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.errors import ApiError
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult

pytestmark = pytest.mark.emulator

HEAD = ["Objective ID", "Objective", "KR ID", "Key result", "Start", "Target", "Current"]
BATCH = 20_000  # bytes a batch may take here (8 MiB in production)
ROLLUP_TABS = ("Summary", "Objectives", "Key results", "Data dictionary")


def _okrs(n: int) -> list[list[Any]]:
    rows: list[list[Any]] = [HEAD]
    for i in range(12):
        rows.append([f"O{i // 3 + 1}", f"Objective {i // 3} of team {n}", f"KR{i + 1}",
                     f"Key result number {i} of team {n}", 0, 100, 7 * i + n])  # fmt: skip
    return rows


def _sync(
    tmp_path: Path, info: dict[str, Any], teams: list[str], out: str, timeout: float = 30
) -> SyncResult:
    (tmp_path / "sa.json").write_text(json.dumps(info))
    listed = "\n".join(f"  - {{name: T{i}, source: 'gsheet:{k}'}}" for i, k in enumerate(teams))
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\n"
        "period: {name: 2026-Q1, start: 2026-01-01, end: 2026-03-31}\n"
        f"teams:\n{listed}\n"
        f"rollup: {{output: 'gsheet:{out}'}}\n"
        f'google: {{"credentials": "sa.json", "requests_per_minute": 6000, '
        f'"timeout_seconds": {timeout}}}\n'
    )
    clear_clients()
    try:
        return Sync(load_workspace(cfg)).run(SyncOptions(as_of=dt.date(2026, 2, 15)))
    finally:
        clear_clients()


def _tabs(emu: Emulator, key: str) -> dict[str, tuple[dict[str, Any], dict[Any, Any]]]:
    """Each tab's properties and cells, as the emulator holds them."""
    book = emu.state.spreadsheets[key]
    return {s.title: (copy.deepcopy(s.properties), copy.deepcopy(s.cells)) for s in book.sheets}


def _batches(emu: Emulator, key: str) -> list[Any]:
    return [
        r
        for r in emu.log.requests
        if r.spreadsheet_id == key and r.endpoint == "spreadsheets.batchUpdate"
    ]


def _timeless(cells: dict[Any, Any]) -> dict[Any, Any]:
    """The cells with the moments of the two runs (generated at, each team's read) masked:
    their formats still count."""
    out = copy.deepcopy(cells)
    for cell in out.values():
        if cell.get("userEnteredFormat", {}).get("numberFormat", {}).get("type") == "DATE_TIME":
            for part in ("userEnteredValue", "effectiveValue", "formattedValue"):
                cell.pop(part, None)
    return out


@pytest.fixture
def teams(emulator: Emulator) -> list[str]:
    return [
        emulator.create_spreadsheet(f"team {n}", {"OKRs": _okrs(n)}, value_input="RAW")
        for n in range(3)
    ]


@pytest.fixture
def small_batches(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Google's limit and the batch size lowered together: every batch must fit."""
    monkeypatch.setattr(staging, "BATCH_BYTES", BATCH)
    emulator.faults.max_payload_bytes = BATCH


def _reader(emulator: Emulator, info: dict[str, Any]) -> gspread.Client:
    scopes = ["https://www.googleapis.com/auth/spreadsheets"]
    creds = Credentials.from_service_account_info(info, scopes=scopes)  # type: ignore[no-untyped-call]
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


def test_a_staged_rollup_publishes_what_one_batch_publishes(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = emulator.create_spreadsheet("one batch", {"Summary": [["old"]], "Notes": [["x"]]})
    many = emulator.create_spreadsheet("staged", {"Summary": [["old"]], "Notes": [["x"]]})
    summary_id = emulator.state.spreadsheets[many].sheets[0].sheet_id
    assert _sync(tmp_path, sa_info, teams, one).rollup_error is None
    assert len(_batches(emulator, one)) == 1
    monkeypatch.setattr(staging, "BATCH_BYTES", BATCH)
    emulator.faults.max_payload_bytes = BATCH
    emulator.log.clear()
    result = _sync(tmp_path, sa_info, teams, many)
    assert result.rollup_error is None
    sent = _batches(emulator, many)
    assert len(sent) >= 4 and all(r.status == 200 for r in sent)
    final = sent[-1].body["requests"]
    assert all(staging.size(r) < 400 for r in final)  # ranges only, whatever the data
    assert {next(iter(r)) for r in final} == {"updateSheetProperties", "addSheet",
                                               "copyPaste", "deleteSheet"}  # fmt: skip
    a, b = _tabs(emulator, one), _tabs(emulator, many)
    assert list(a) == list(b)  # same tabs, same order, no staging tab left
    assert b["Summary"][0]["sheetId"] == summary_id  # the real tab kept its id
    for title in a:
        props_a, cells_a = a[title]
        props_b, cells_b = b[title]
        assert props_a["gridProperties"] == props_b["gridProperties"], title
        assert _timeless(cells_a) == _timeless(cells_b), title
    assert emulator.values(many, "Key results!A1:B1") == [["Team", "Period"]]


def test_a_failed_middle_batch_leaves_the_real_tabs_and_the_next_run_cleans_up(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    small_batches: None,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]], "Notes": [["x"]]})
    before = _tabs(emulator, out)
    calls = [0]

    def fail_second(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            calls[0] += 1
            if calls[0] == 2:
                raise ApiError(400, "Invalid requests[0].updateCells: injected")

    emulator.faults.before_request = fail_second
    result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error is not None and "injected" in str(result.rollup_error)
    after = _tabs(emulator, out)
    left = [t for t in after if staging.is_staging(t)]
    assert left and all(after[t][0].get("hidden") for t in left)  # only hidden tabs added
    assert {t: after[t] for t in after if t not in left} == before  # the real tabs untouched
    emulator.faults.before_request = None
    emulator.log.clear()
    assert _sync(tmp_path, sa_info, teams, out).rollup_error is None
    first = _batches(emulator, out)[0].body["requests"]
    dead = {after[t][0]["sheetId"] for t in left}
    assert dead <= {r["deleteSheet"]["sheetId"] for r in first if "deleteSheet" in r}
    titles = list(_tabs(emulator, out))
    assert not [t for t in titles if staging.is_staging(t)]
    assert titles[:2] == ["Summary", "Notes"] and "Key results" in titles


def test_a_reader_between_the_batches_sees_the_old_rollup(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    small_batches: None,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]], "Notes": [["x"]]})
    sheet = _reader(emulator, sa_info).open_by_key(out)
    seen: list[Any] = []

    def read(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            seen.append(sheet.worksheet("Summary").get_all_values())

    emulator.faults.before_request = read
    assert _sync(tmp_path, sa_info, teams, out).rollup_error is None
    emulator.faults.before_request = None
    assert len(seen) >= 4 and all(s == [["old"]] for s in seen)  # before every batch
    assert sheet.worksheet("Summary").acell("A1").value == "Company"  # after the last


def test_a_protected_tab_still_refuses_before_any_staged_batch(
    emulator: Emulator,
    sa_info: dict[str, Any],
    tmp_path: Path,
    teams: list[str],
    small_batches: None,
) -> None:
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    emulator.protect(out, "Summary", None, description="CFO only")
    result = _sync(tmp_path, sa_info, teams, out)
    assert "protected tab Summary" in str(result.rollup_error)
    assert _batches(emulator, out) == []
    assert list(_tabs(emulator, out)) == ["Summary"]


def test_every_staged_batch_fits_and_only_the_last_touches_the_real_tabs() -> None:
    from sheets_sync.backends.gsheets.rollup import cell, place_tabs

    rows = [[cell(f"team {i}"), cell(i), cell("é" * 40)] for i in range(400)]
    placed = place_tabs([("Key results", rows, 1)], {"Key results": 7, "Sheet1": 0})
    batches = staging.staged_batches(placed, [99], {0, 7, 99}, limit=10_000)
    assert len(batches) > 3
    assert all(staging.size({"requests": b}) <= 10_000 for b in batches)
    kinds = [next(iter(r)) for r in batches[0] if "updateCells" not in r]
    assert kinds == ["addSheet", "deleteSheet"]  # this run's tab first, then the dead run's
    assert batches[0][1] == {"deleteSheet": {"sheetId": 99}}
    for batch in batches[:-1]:
        for request in batch:
            ((kind, body),) = request.items()
            target = body.get("range", body.get("properties", {})).get("sheetId")
            assert target not in (7, 0), kind
    written = [r for b in batches[:-1] for r in b if "updateCells" in r]
    got = [row for r in written for row in r["updateCells"]["rows"]]
    assert got == [{"values": r} for r in rows]


def test_a_tab_protected_between_the_batches_is_named_and_the_real_tabs_stay(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    small_batches: None,
) -> None:  # fmt: skip
    """The staged batches take a few seconds more than one: someone who protects a rollup
    tab meanwhile makes Google refuse the final batch, which says so as a team's write does."""
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    calls = [0]

    def protect_before_last(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            calls[0] += 1
            if calls[0] == 3:
                emulator.protect(out, "Summary", "A1", description="CFO only")

    emulator.faults.before_request = protect_before_last
    result = _sync(tmp_path, sa_info, teams, out)
    assert str(result.rollup_error).startswith(
        f"gsheet:{out}: the company rollup was not published: Google refused the write: a "
        "cell it writes was protected after the read, and the account may not edit it (You "
        "are trying to edit a protected cell"
    )
    assert emulator.values(out, "Summary!A1:B2") == [["old"]]


def test_a_403_after_a_staged_batch_says_nothing_published_not_nothing_written(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    small_batches: None,
) -> None:  # fmt: skip
    """Made a viewer of the rollup sheet after its first batch: the staging tabs that batch
    wrote stay (hidden), and "nothing written" denied them (before 2026-12-06)."""
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    email, calls = sa_info["client_email"], [0]

    def demote_before_second(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            calls[0] += 1
            if calls[0] == 2:
                emulator.state.spreadsheets[out].shared_with = []
                emulator.state.spreadsheets[out].viewers.append(email)

    emulator.faults.before_request = demote_before_second
    result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: {email} may read this sheet but "
        f"not edit it (shared as a viewer or commenter): share it with {email} as an editor; "
        "nothing published: the rollup tabs are as they were, and the hidden staging tabs "
        "written so far stay until a run that may edit the sheet deletes them"
    )
    after = _tabs(emulator, out)
    assert [t for t in after if staging.is_staging(t)]  # what the first batch wrote stays
    assert after["Summary"][1][(0, 0)]["effectiveValue"] == {"stringValue": "old"}


def test_a_rollup_sheet_deleted_after_a_staged_batch_says_deleted(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    small_batches: None,
) -> None:  # fmt: skip
    """Deleted after the first staged batch: the 404 said "not found or not shared" (a
    wrong key; until 2026-12-06), and the staging tabs went with the sheet, so the line
    says nothing published without promising they stay."""
    out = emulator.create_spreadsheet("rollup", {"Summary": [["old"]]})
    calls = [0]

    def delete_before_second(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            calls[0] += 1
            if calls[0] == 2:
                emulator.state.delete(out)

    emulator.faults.before_request = delete_before_second
    result = _sync(tmp_path, sa_info, teams, out)
    assert result.rollup_error == (
        f"gsheet:{out}: the company rollup was not published: the spreadsheet was deleted "
        "after the read; nothing published"
    )


@pytest.mark.parametrize("which", ["first", "last", "first, a dead run's tab to delete"])
def test_a_batch_applied_by_an_attempt_that_timed_out_is_not_a_failure(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    small_batches: None, which: str, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Google applied the batch but its answer came after the client's timeout: the
    retry is refused (the staging tabs the first batch adds already exist; those the last
    one deletes are gone), which says that the batch is in place: the run goes on. The
    first batch adds its tabs before it deletes a dead run's, so that its retry is refused
    for a tab of this run's (a dead run's tab gone says nothing)."""
    count = emulator.create_spreadsheet("count", {"Summary": [["old"]]})
    assert _sync(tmp_path, sa_info, teams, count).rollup_error is None
    total = len(_batches(emulator, count))
    target = total if which == "last" else 1
    tabs: dict[str, Any] = {"Summary": [["old"]]}
    if "dead run" in which:
        tabs[f"{staging.PREFIX}dead~1"] = [["x"]]
    out = emulator.create_spreadsheet("rollup", tabs)
    # the ``target``-th batch, not call: under load another batch timed out too, its retry
    # a call, and the late one was the batch before the last (its retry a 200, not refused).
    # Each handler's logged entry is noted in its thread, for ``late_answer``
    handled = threading.local()
    record = emulator.log.record
    bodies: list[Any] = []  # of the batches, in order, each once
    late: list[Any] = []
    retried = threading.Event()

    def noted(entry: Any, arrived: Any = None) -> None:
        handled.entry = entry
        record(entry, arrived)
        if late and entry is not late[0] and entry.body == late[0].body:
            retried.set()  # the client timed out and retried: the late answer may go

    def late_answer(endpoint: str, sid: str | None) -> None:
        entry = handled.entry
        if sid != out or endpoint != "spreadsheets.batchUpdate" or entry.body in bodies:
            return
        bodies.append(entry.body)
        if len(bodies) == target:  # applied and logged; answered once the client retried
            late.append(entry)
            retried.wait(60)  # only a retry never sent waits this out

    monkeypatch.setattr(emulator.log, "record", noted)
    emulator.faults.after_request = late_answer
    # 5 s: on a loaded machine another request must not time out as well (it did at 2 s);
    # the late answer waits for the retry, not a fixed sleep past the timeout
    result = _sync(tmp_path, sa_info, teams, out, timeout=5)
    emulator.faults.after_request = None
    assert result.rollup_error is None
    assert late and retried.is_set()
    batches = _batches(emulator, out)
    at = next(i for i, r in enumerate(batches) if r is late[0])
    assert late[0].status == 200
    retries = [r for r in batches[at + 1 :] if r.body == late[0].body]
    assert [r.status for r in retries] == [400]  # the retry, refused, was the sign
    applied = [r.body for r in batches if r.status == 200]
    # any other refusal is also a retry of a batch in place (one more timeout under load)
    assert all(r.body in applied for r in batches if r.status != 200)
    titles = list(_tabs(emulator, out))
    assert not [t for t in titles if staging.is_staging(t)] and "Key results" in titles
    assert emulator.values(out, "Summary!A1") == [["Company"]]


def _decorate(reader: gspread.Client, key: str) -> None:
    """What a finance user adds to a published Summary: a note, a dropdown, a merge."""
    summary = reader.open_by_key(key).worksheet("Summary")
    rows: Any = [{"values": [{"note": "finance: checked"}]}]
    summary.spreadsheet.batch_update({"requests": [
        {"updateCells": {"range": {**_a1(summary.id, 0, 0)}, "rows": rows, "fields": "note"}},
        {"setDataValidation": {"range": _a1(summary.id, 0, 1),
                               "rule": {"condition": {"type": "NOT_BLANK"}}}},
        {"mergeCells": {"range": {**_a1(summary.id, 0, 2), "endRowIndex": 2,
                                  "endColumnIndex": 4}, "mergeType": "MERGE_ALL"}},
    ]})  # fmt: skip


def _a1(sheet_id: int, row: int, col: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1,
            "startColumnIndex": col, "endColumnIndex": col + 1}  # fmt: skip


def _kept(emu: Emulator, key: str) -> tuple[Any, Any, Any]:
    sheet = next(s for s in emu.state.spreadsheets[key].sheets if s.title == "Summary")
    cells = sheet.cells
    return cells[(0, 0)].get("note"), cells[(0, 1)].get("dataValidation"), sheet.merges


def test_a_staged_publish_keeps_a_users_note_validation_and_merge_as_one_batch_does(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """One batch writes only the values and formats of the rollup's cells (``updateCells``
    of ``staging.FIELDS``); the staged publish must leave the rest of each cell as it does.
    Before, it pasted the staged twin whole (``PASTE_NORMAL``): the note and the dropdown
    were gone."""
    one = emulator.create_spreadsheet("one batch", {"Summary": [["old"]]})
    many = emulator.create_spreadsheet("staged", {"Summary": [["old"]]})
    reader = _reader(emulator, sa_info)
    for key in (one, many):
        assert _sync(tmp_path, sa_info, teams, key).rollup_error is None
        _decorate(reader, key)
    assert _sync(tmp_path, sa_info, teams, one).rollup_error is None
    monkeypatch.setattr(staging, "BATCH_BYTES", BATCH)
    emulator.faults.max_payload_bytes = BATCH
    emulator.log.clear()
    assert _sync(tmp_path, sa_info, teams, many).rollup_error is None
    assert len(_batches(emulator, many)) >= 3  # staged
    merge = {"startRowIndex": 0, "endRowIndex": 2, "startColumnIndex": 2, "endColumnIndex": 4}
    kept = ("finance: checked", {"condition": {"type": "NOT_BLANK"}}, [merge])
    assert _kept(emulator, one) == kept
    assert _kept(emulator, many) == kept
    a, b = _tabs(emulator, one), _tabs(emulator, many)
    assert _timeless(a["Summary"][1]) == _timeless(b["Summary"][1])
    assert emulator.values(many, "Summary!A1:B1") == [["Company", "Acme"]]


@pytest.mark.parametrize("staged", [False, True])
def test_a_dead_runs_tab_gone_on_a_retry_is_no_sign_the_first_attempt_was_applied(
    emulator: Emulator, sa_info: dict[str, Any], tmp_path: Path, teams: list[str],
    monkeypatch: pytest.MonkeyPatch, staged: bool,
) -> None:  # fmt: skip
    """The first attempt fails unapplied (503) while someone else deletes the leftover
    staging tab of a dead run; the retry is refused for that tab (``No grid with id``).
    That tab was not this run's: the rollup is not published, and the night says so.
    Before, the run took the refusal for a sign that the first attempt was applied and
    reported the rollup published while the real tabs kept yesterday's data."""
    if staged:
        monkeypatch.setattr(staging, "BATCH_BYTES", BATCH)
        emulator.faults.max_payload_bytes = BATCH
    out = emulator.create_spreadsheet(
        "rollup", {"Summary": [["old"]], f"{staging.PREFIX}dead~1": [["x"]]}
    )
    book = emulator.state.spreadsheets[out]
    calls = [0]

    def tidy_then_fail(endpoint: str, sid: str | None) -> None:
        if sid == out and endpoint == "spreadsheets.batchUpdate":
            calls[0] += 1
            if calls[0] == 1:
                book.sheets[:] = [s for s in book.sheets if not staging.is_staging(s.title)]
                raise ApiError(503, "The service is currently unavailable.")

    emulator.faults.before_request = tidy_then_fail
    result = _sync(tmp_path, sa_info, teams, out)
    emulator.faults.before_request = None
    assert "No grid with id" in str(result.rollup_error)
    assert emulator.values(out, "Summary!A1:B2") == [["old"]]
