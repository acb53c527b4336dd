"""Owned columns a layout lacks are added right of every cell the team filled, formulas
that show blank included: the sync never writes over a team's formula to make room."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from tests.cli.test_ops_cli import AS_OF
from tests.cli.test_ops_cli import run as run_cli
from tests.support.flat import HEADERS, flat_book, flat_workspace

#: E1's two key results, as the tests type them below the headers (row 2 scores 0.5)
KRS = (
    ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50],
    [None, None, "E1.2", "Cut latency", "Lee", 800, 400, 560],
)
NOTED = [*KRS[0], "a long note"]  # the first, with a note in Notes
HELPERS = {"J": '=IF(H{r}>0,"","")', "K": '=""'}  # the team's helper columns, blank-looking


def _as_libreoffice_saves(path: Path) -> None:
    """Give each formula the cached empty string LibreOffice or Excel writes for a blank
    result (``t="str"`` and an empty ``<v>``); openpyxl writes no cached value at all."""
    with zipfile.ZipFile(path) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, body in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                zf.writestr(info, _blank_results(body))
            else:
                zf.writestr(info, body)
    path.write_bytes(out.getvalue())


def _blank_results(sheet: bytes) -> bytes:
    for col in HELPERS:
        for r in (2, 3):
            sheet = sheet.replace(
                f'<c r="{col}{r}">'.encode(), f'<c r="{col}{r}" t="str">'.encode()
            )
    return sheet


@pytest.mark.parametrize("saved_by", ["openpyxl", "an application"])
def test_added_owned_columns_go_right_of_formulas_showing_blank(
    tmp_path: Path, saved_by: str
) -> None:
    """Before: the values trim a formula showing blank, so Score, Expected, Status and
    Sync notes went to J:M over the team's helper formulas in J and K, which were gone
    after the night (2026-12-05)."""
    cfg, path = flat_workspace(tmp_path)
    wb, ws = flat_book(HEADERS, *KRS)
    for col, formula in HELPERS.items():
        for r in (2, 3):
            ws[f"{col}{r}"] = formula.format(r=r)
    wb.save(path)
    if saved_by != "openpyxl":
        _as_libreoffice_saves(path)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK
    sheet = openpyxl.load_workbook(path)["Tracker"]
    for col, formula in HELPERS.items():
        assert [sheet[f"{col}{r}"].value for r in (2, 3)] == [formula.format(r=r) for r in (2, 3)]
    assert [c.value for c in sheet[1]][9:] == [
        None,
        None,
        "Score",
        "Expected",
        "Status",
        "Sync notes",
    ]
    assert sheet["L2"].value == 0.5


def test_added_owned_columns_go_right_of_merged_cells(tmp_path: Path) -> None:
    """A note merged across I3:L3 (its value in I3 only) and a title merged across A1:Z1
    above the header: Score, Expected and Status went to J3:L3, under the merge, where
    no one saw them and no warning said so (before 2026-12-06). They go right of merges
    from the header row down; the title above the header moves nothing."""
    cfg, path = flat_workspace(tmp_path)
    wb, ws = flat_book(["Team goals, Q4"], HEADERS, NOTED, KRS[1])
    ws.merge_cells("A1:Z1")
    ws.merge_cells("I3:L3")
    wb.save(path)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    for ref in ("J2", "K2", "L2", "J3", "K3", "L3", "J4", "K4", "L4"):
        assert f'r="{ref}"' not in sheet, ref  # nothing written under the merge
    tracker = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in tracker[2]][12:16] == ["Score", "Expected", "Status", "Sync notes"]
    assert tracker["M3"].value == 0.5 and tracker["I3"].value == "a long note"


def _sheet_with(path: Path, merge: str, label: tuple[str, str] | None) -> None:
    e2 = ["E2", "Grow", "E2.1", "Sign ups", "Kim", 0, 10, 5]
    wb, ws = flat_book(["Team goals, Q4"], HEADERS, NOTED, KRS[1], [], e2)
    if label is not None:
        ws[label[0]] = label[1]
    ws.merge_cells(merge)
    wb.save(path)


@pytest.mark.parametrize(
    ("merge", "label"),
    [
        ("A5:XFD5", None),  # a band across the sheet between the objectives (Excel: XFD)
        ("I8:Z8", ("I8", "Footer: notes for the whole team")),  # in the Notes column only
    ],
)
def test_a_merge_on_a_row_the_sync_never_writes_moves_no_column(
    tmp_path: Path, merge: str, label: tuple[str, str] | None
) -> None:
    """Before: every merge from the header row down counted, so a blank band merged
    across the sheet failed the team every night (``no room for the columns ... right of
    the last used column XFD; ... delete the stray cells``), and a footer note merged
    across I8:Z8 put the columns at AA, J:Z left empty. Neither row is written."""
    cfg, path = flat_workspace(tmp_path)
    _sheet_with(path, merge, label)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK, run.error
    tracker = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in tracker[2]][9:14] == [
        "Score",
        "Expected",
        "Status",
        "Sync notes",
        None,
    ]
    assert tracker["J3"].value == 0.5 and tracker["J6"].value == 0.5


def test_a_merge_across_a_written_row_to_the_last_column_is_named(tmp_path: Path) -> None:
    """A section title in the Obj column is a row the sync writes (its notes say "KR ID
    is missing"); merged to XFD, the added cells would be under it and there is no room
    right of it. Before: the error blamed stray cells far right; it names the merge."""
    cfg, path = flat_workspace(tmp_path)
    _sheet_with(path, "A5:XFD5", ("A5", "Second half"))
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.FAILED
    assert run.error == (
        "Flat.xlsx!Tracker: no room for the columns Score, Expected, Status, Sync notes: "
        "the merged cells A5:XFD5 reach the last column XFD on a row the sync writes; "
        "unmerge them, or add the columns by hand"
    )


def test_a_footer_merged_across_a_written_row_pushes_the_columns(tmp_path: Path) -> None:
    """A footer typed in the Obj column is a row the sync writes: the added columns go
    right of its merge, so its Status and notes show (not under A8:Z8)."""
    cfg, path = flat_workspace(tmp_path)
    _sheet_with(path, "A8:Z8", ("A8", "Footer"))
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK, run.error
    tracker = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in tracker[2]][26:30] == ["Score", "Expected", "Status", "Sync notes"]
    assert tracker["AC8"].value == "Not scored"


def _hidden_sheet(path: Path, hide: str) -> None:
    """The tracker with helper columns right of the data hidden by hand: J:K hidden
    (``<col hidden="1">``), J of width 0, or every column from J on (a tidy sheet)."""
    wb, ws = flat_book(HEADERS, *KRS)
    if not hide.startswith("width 0"):
        first, last = hide.split(":")
        ws.column_dimensions.group(first, last, hidden=True)
    wb.save(path)
    if hide.startswith("width 0"):  # as Excel saves a column dragged shut (openpyxl drops it)
        with zipfile.ZipFile(path) as zf:
            members = [(i, zf.read(i)) for i in zf.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            # "width 0, hidden 0": a writer's explicit hidden="0", drawn 0 wide by Excel
            shown = b' hidden="0"' if hide.endswith("hidden 0") else b""
            cols = b'<cols><col min="10" max="10"%s width="0" customWidth="1"/></cols>' % shown
            for info, body in members:
                if info.filename == "xl/worksheets/sheet1.xml":
                    zf.writestr(info, body.replace(b"<sheetData>", cols + b"<sheetData>"))
                else:
                    zf.writestr(info, body)


@pytest.mark.parametrize(
    ("hide", "first"), [("J:K", "L"), ("width 0", "K"), ("width 0, hidden 0", "K")]
)
def test_added_owned_columns_go_right_of_hidden_columns(
    tmp_path: Path, hide: str, first: str
) -> None:
    """Before: Score, Expected, Status and Sync notes went to J:M, in the hidden columns
    right of the data, where no one saw them and no warning said so (2026-12-06)."""
    cfg, path = flat_workspace(tmp_path)
    _hidden_sheet(path, hide)
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK, run.error
    tracker = openpyxl.load_workbook(path)["Tracker"]
    col = openpyxl.utils.column_index_from_string(first)
    assert [c.value for c in tracker[1]][col - 1 :] == ["Score", "Expected", "Status", "Sync notes"]
    assert tracker[f"{first}2"].value == 0.5
    assert not [f for f in run.findings if "hidden" in f.message]


def test_added_owned_columns_in_hidden_columns_to_the_last_are_said(tmp_path: Path) -> None:
    """Every column from J to XFD hidden leaves no room right of them: the columns go to
    J:M as before, and a warning names them (before 2026-12-06: none did)."""
    cfg, path = flat_workspace(tmp_path)
    _hidden_sheet(path, "J:XFD")
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (run,) = Sync(load_workspace(cfg)).run(options).runs
    assert run.outcome is Outcome.OK, run.error
    tracker = openpyxl.load_workbook(path)["Tracker"]
    assert [c.value for c in tracker[1]][9:] == ["Score", "Expected", "Status", "Sync notes"]
    said = [f"{f.cell}: {f.message}" for f in run.findings if "hidden" in f.message]
    assert said == [
        "J1: the added columns Score, Expected, Status, Sync notes are in hidden columns "
        "J:M (no room right of them); unhide the columns to see the results"
    ]
    # every later run, and validate, say it again (until 2026-12-06 only that night did)
    (again,) = Sync(load_workspace(cfg)).run(options).runs
    assert [f"{f.cell}: {f.message}" for f in again.findings if "hidden" in f.message] == [
        "J1: the owned columns Score, Expected, Status, Sync notes are in hidden columns "
        "J:M; unhide the columns to see the results"
    ]
    _, out, _ = run_cli("validate", "--config", str(cfg), *AS_OF)
    assert [line for line in out.splitlines() if "hidden" in line] == [
        "Flat: warning: Flat.xlsx!Tracker!J1: the owned columns Score, Expected, Status, "
        "Sync notes are in hidden columns J:M; unhide the columns to see the results"
    ]


def test_owned_columns_hidden_after_a_sync_are_said_every_run(tmp_path: Path) -> None:
    """A sheet synced before 2026-12-06 (or whose columns someone hid since) kept Score,
    Status and Sync notes hidden without a word: one warning for the tab, not per row."""
    cfg, path = flat_workspace(tmp_path)
    _hidden_sheet(path, "P:Q")  # nothing in the way: the columns go to J:M
    options = SyncOptions(as_of=dt.date(2026, 11, 23), rollup=False)
    (first,) = Sync(load_workspace(cfg)).run(options).runs
    assert not [f for f in first.findings if "hidden" in f.message]
    wb = openpyxl.load_workbook(path)
    tracker = wb["Tracker"]
    for letter in ("K", "M"):
        tracker.column_dimensions[letter].hidden = True
    wb.save(path)
    said = (
        "K1: the owned columns Expected, Sync notes are in hidden columns K, M; "
        "unhide the columns to see the results"
    )
    for _ in range(2):
        (night,) = Sync(load_workspace(cfg)).run(options).runs
        assert [f"{f.cell}: {f.message}" for f in night.findings if "hidden" in f.message] == [said]
    _, out, _ = run_cli("validate", "--config", str(cfg), *AS_OF)
    assert [line for line in out.splitlines() if "hidden" in line] == [
        f"Flat: warning: Flat.xlsx!Tracker!{said}"
    ]
