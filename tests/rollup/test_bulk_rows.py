"""``BulkCells.rows``: a table's rows read from a source while the sheet is written (the
History tab, from the history store), and the splice's failure paths and deflating thread."""

from __future__ import annotations

import datetime as dt
import functools
import io
import threading
import time
import weakref
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from xlsxwriter.format import Format

from sheets_sync.rollup import bulk as bulk_module
from sheets_sync.rollup.bulk import BulkCells

ROWS: list[tuple[object, ...]] = [
    ("KR", 45883.0, "Sales", "=SUM(1)", 0.5, True),
    ("KPI", 45884.0, None, "a & b", "done", None),
    ("KR", float("nan"), "", "_x0041_", None, False),
] * 5


def _chunks(rows: list[tuple[object, ...]], size: int) -> Iterator[list[tuple[object, ...]]]:
    yield []  # an empty chunk is no end
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def test_rows_from_a_source_render_as_the_same_columns_would(tmp_path: Path) -> None:
    """``rows`` (the History tab, read from its store while written) gives the XML that
    ``column`` gives for the same values, whatever the source's and the window's chunks."""
    book = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"))
    ws = book.add_worksheet()
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    spec: list[tuple[str, Format | None]] = [
        ("text", None), ("number", date), ("text", None), ("text", None), ("auto", None),
        ("bool", None),
    ]  # fmt: skip
    by_column = BulkCells()
    for c, (kind, fmt) in enumerate(spec):
        by_column.column(ws, 2 + c, 3, [row[c] for row in ROWS], kind, fmt)
    expected = b"".join(by_column._sheets[ws.index].rows(4, 3 + len(ROWS)))
    for size in (1, 4, 100):
        by_row = BulkCells()
        by_row.rows(ws, 3, 2, len(ROWS), spec, functools.partial(_chunks, ROWS, size))
        sheet = by_row._sheets[ws.index]
        assert (sheet.last_row, sheet.last_col, sheet.segments()) == (18, 7, [(4, 18)])
        for window in (1, 7, 2_000):
            assert b"".join(sheet.rows(4, 18, chunk=window)) == expected, (size, window)
    book.close()


@pytest.mark.parametrize("count", [len(ROWS) + 1, len(ROWS) - 1])
def test_rows_must_number_what_was_promised(tmp_path: Path, count: int) -> None:
    """The table around the rows was sized by ``count``: a source with more or fewer rows
    fails the splice, which leaves the file as xlsxwriter wrote it and no temp file."""
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    bulk = BulkCells()
    bulk.rows(ws, 0, 0, count, [("text", None)] * 6, lambda: _chunks(ROWS, 4))
    book.close()
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"{count} promised"):
        bulk.splice(path)
    assert path.read_bytes() == before and sorted(tmp_path.iterdir()) == [path]


def test_a_sheet_of_only_rows_reads_back_with_its_extent(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    bulk = BulkCells()
    rows = [("KR", None), ("a & b", "done"), ("KPI", 2.5)]
    bulk.rows(ws, 1, 1, 3, [("text", None), ("auto", None)], lambda: iter([rows]))
    book.close()
    bulk.splice(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.dimensions == "B2:C4"
    assert list(sheet.values)[1:] == [(None, *row) for row in rows]


def test_a_splice_after_a_failed_one_reads_its_rows_anew(tmp_path: Path) -> None:
    """Each splice calls ``chunks()`` again, even when the last one failed before its
    first row: never the exhausted iterator of a failed pass."""
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    calls: list[int] = []

    def chunks() -> Iterator[list[tuple[object, ...]]]:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk gone")
        yield [("a",), ("b",)]

    bulk = BulkCells()
    bulk.rows(ws, 0, 0, 2, [("text", None)], chunks)
    book.close()
    with pytest.raises(OSError, match="disk gone"):
        bulk.splice(path)
    bulk.splice(path)
    assert len(calls) == 2
    assert [r[0] for r in openpyxl.load_workbook(path).active.values] == ["a", "b"]


def _spliced(path: Path, rows: list[tuple[object, ...]], chunk: int) -> dict[str, bytes]:
    """Every member of a workbook whose first sheet holds ``rows`` (and a column beside)."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": dt.datetime(2026, 1, 2, 3, 4, 5)})  # not the clock's
    ws = book.add_worksheet()
    ws.write(0, 0, "head")
    bulk = BulkCells()
    spec: list[tuple[str, Format | None]] = [("text", None), ("number", None), ("auto", None)]
    bulk.rows(ws, 1, 0, len(rows), spec, functools.partial(_chunks, rows, chunk))
    bulk.column(ws, 4, 1, [r[1] for r in rows], "number", None)
    book.close()
    bulk.splice(path)
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def test_a_sheet_deflated_in_a_thread_is_the_same_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet of ``BACKGROUND_CELLS`` or more is deflated in a thread while its rows are
    rendered: the members read back byte for byte as when deflated in line."""
    rows: list[tuple[object, ...]] = [
        (f"t{i} & <{i}>", i / 7, "done" if i % 3 else i) for i in range(9_000)
    ]
    started: list[object] = []

    class Counted(bulk_module._Background):
        def __init__(self, out: IO[bytes], depth: int = 2) -> None:
            started.append(out)
            super().__init__(out, depth)

    monkeypatch.setattr(bulk_module, "_Background", Counted)
    inline = _spliced(tmp_path / "inline.xlsx", rows, 1_000)
    assert started == []  # 36,000 cells: under BACKGROUND_CELLS
    monkeypatch.setattr(bulk_module, "BACKGROUND_CELLS", 1)
    monkeypatch.setattr(bulk_module, "available_cpus", lambda: 2)  # a one-CPU box too
    threaded = _spliced(tmp_path / "threaded.xlsx", rows, 1_000)
    assert len(started) == 1  # the one sheet with bulk cells
    assert threaded == inline
    assert threaded["xl/worksheets/sheet1.xml"].count(b"<row ") == 9_001
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inline.xlsx", "threaded.xlsx"]


def test_a_wide_sheet_is_rendered_a_few_cells_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks hold at most ``CHUNK_CELLS`` cells (a wide tab's 2,000 rows made the steady
    night's peak), at least one row, and the file is the same whatever they hold."""
    rows: list[tuple[object, ...]] = [(f"t{i}", i / 7, i) for i in range(3_000)]
    whole = _spliced(tmp_path / "whole.xlsx", rows, 500)
    windows: list[int] = []
    original = bulk_module._Sheet.rows

    def counted(sheet: bulk_module._Sheet, first: int, last: int, chunk: int) -> Iterator[bytes]:
        windows.append(chunk)
        return original(sheet, first, last, chunk)

    monkeypatch.setattr(bulk_module._Sheet, "rows", counted)
    for cells, window in ((100, 25), (3, 1), (10**9, bulk_module.CHUNK_ROWS)):
        monkeypatch.setattr(bulk_module, "CHUNK_CELLS", cells)
        assert _spliced(tmp_path / f"{cells}.xlsx", rows, 500) == whole
        assert windows.pop() == window  # 4 columns: 3 of rows, 1 beside them


@pytest.mark.parametrize("count", [9_001, 8_999])
def test_a_source_that_fails_a_threaded_sheet_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """The rendering's error ends the deflating thread too: raised, file unchanged."""
    monkeypatch.setattr(bulk_module, "BACKGROUND_CELLS", 1)
    monkeypatch.setattr(bulk_module, "available_cpus", lambda: 2)  # a one-CPU box too
    path = tmp_path / "x.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    bulk = BulkCells()
    rows: list[tuple[object, ...]] = [(f"t{i}",) for i in range(9_000)]
    bulk.rows(ws, 0, 0, count, [("text", None)], functools.partial(_chunks, rows, 500))
    book.close()
    before = path.read_bytes()
    with pytest.raises(ValueError, match=f"{count} promised"):
        bulk.splice(path)
    assert path.read_bytes() == before and sorted(tmp_path.iterdir()) == [path]
    assert not [t for t in threading.enumerate() if t.name == "bulk-deflate"]


class _FailingOut(io.BytesIO):
    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def write(self, data: object) -> int:
        if self.after == 0:
            raise OSError("No space left on device")
        self.after -= 1
        return super().write(cast(bytes, data))


def test_the_deflating_threads_error_reaches_the_writer() -> None:
    """A write that fails in the thread (a full disk) is raised to the renderer: by a later
    ``write``, or on leaving the block, never lost, and nothing waits for ever."""
    for fails_after, writes in ((2, 100), (0, 1)):  # 1 write: raised on leaving
        failing = bulk_module._Background(_FailingOut(fails_after))
        with pytest.raises(OSError, match="No space"), failing as background:
            for _ in range(writes):
                background.write(b"x" * 10)
    target = _FailingOut(5)
    with bulk_module._Background(target) as background:
        for _ in range(5):
            background.write(b"abc")
            background.write(b"")  # nothing to hand over
    assert target.getvalue() == b"abc" * 5


class _Gate(io.BytesIO):
    """Holds its first write until the block it serves is left by an error."""

    background: bulk_module._Background | None = None

    def write(self, data: object) -> int:
        deadline = time.monotonic() + 30  # a bug's wait, not a loaded machine's
        while self.background is not None and not self.background._dropping:
            assert time.monotonic() < deadline, "the block was never left"
            time.sleep(0.001)
        return super().write(cast(bytes, data))


def _wait_for_failure(background: bulk_module._Background) -> None:
    deadline = time.monotonic() + 30  # a bug's wait, not a loaded machine's
    while background._error is None:
        assert time.monotonic() < deadline, "the thread never failed"
        time.sleep(0.001)


def test_a_block_left_by_an_error_drops_its_chunks_and_keeps_both_errors() -> None:
    """The renderer's error is raised; chunks still queued are not deflated (the file is
    thrown away); the thread's own error, if it failed too, is noted on it."""
    gate = _Gate()
    gate.background = bulk_module._Background(gate)
    with pytest.raises(ValueError, match="ended early") as info, gate.background as background:
        for chunk in (b"first", b"second", b"third"):  # the first is held in the thread
            background.write(chunk)
        raise ValueError("bulk rows: 5 promised, the source ended early")
    assert gate.getvalue() == b"first"
    assert not getattr(info.value, "__notes__", [])
    failing = bulk_module._Background(_FailingOut(0))
    with pytest.raises(ValueError, match="ended early") as info, failing as background:
        background.write(b"lost")
        _wait_for_failure(background)
        raise ValueError("bulk rows: 5 promised, the source ended early")
    assert [n for n in info.value.__notes__ if "No space left" in n]


def test_consume_lets_a_sheet_go_before_the_next_is_written(tmp_path: Path) -> None:
    """``splice(consume=True)``: once a sheet is written its columns are no longer held,
    so the sheets after it (the History tab, last and largest) can reuse their memory."""
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    first, second = book.add_worksheet("First"), book.add_worksheet("Second")
    values = np.array([1.5, 2.5, 3.5])
    held = weakref.ref(values)
    alive: list[bool] = []

    def chunks() -> Iterator[list[tuple[object, ...]]]:
        alive.append(held() is not None)
        yield [("x",), ("y",)]

    bulk = BulkCells()
    bulk.column(first, 0, 0, values, "number", None)
    bulk.rows(second, 0, 0, 2, [("text", None)], chunks)
    del values
    book.close()
    bulk.splice(path, consume=True)
    assert alive == [False]
    book_read = openpyxl.load_workbook(path)
    assert [r[0] for r in book_read["First"].values] == [1.5, 2.5, 3.5]
    assert [r[0] for r in book_read["Second"].values] == ["x", "y"]
    with pytest.raises(RuntimeError, match="already spliced"):
        bulk.splice(path)  # consumed: nothing is left to write in


def test_a_consuming_splice_that_failed_is_not_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "failed.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()

    def chunks() -> Iterator[list[tuple[object, ...]]]:
        raise OSError("disk gone")
        yield []

    bulk = BulkCells()
    bulk.rows(ws, 0, 0, 1, [("text", None)], chunks)
    book.close()
    with pytest.raises(OSError, match="disk gone"):
        bulk.splice(path, consume=True)
    with pytest.raises(RuntimeError, match="already spliced"):
        bulk.splice(path)
    assert [p.name for p in tmp_path.iterdir()] == ["failed.xlsx"]  # no .bulk left


def test_without_consume_the_columns_are_held_through_the_splice(tmp_path: Path) -> None:
    path = tmp_path / "kept.xlsx"
    book = xlsxwriter.Workbook(str(path))
    first, second = book.add_worksheet("First"), book.add_worksheet("Second")
    values = np.array([1.5])
    held = weakref.ref(values)
    alive: list[bool] = []

    def chunks() -> Iterator[list[tuple[object, ...]]]:
        alive.append(held() is not None)
        yield [("x",)]

    bulk = BulkCells()
    bulk.column(first, 0, 0, values, "number", None)
    bulk.rows(second, 0, 0, 1, [("text", None)], chunks)
    del values
    book.close()
    bulk.splice(path)
    assert alive == [True]
