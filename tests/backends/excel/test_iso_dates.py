"""ISO 8601 date cells (``t="d"``) read as dates, a zone too: SheetJS with ``cellDates``
writes ``2026-01-05T10:30:00.000Z``, which calamine left as text (until 2026-12-07)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.backends.excel.isodates import iso_dates
from sheets_sync.backends.excel.reader import read_workbook, read_workbook_bytes
from tests.backends.excel.test_reader_error_codes import _team, _with_cell
from tests.support.libreoffice import convert, needs_libreoffice

CASES = [
    ("2026-01-05", dt.date(2026, 1, 5)),  # calamine's own
    ("2026-01-05T10:30:00", dt.datetime(2026, 1, 5, 10, 30)),  # calamine's own
    ("2026-01-05T10:30:00.000Z", dt.datetime(2026, 1, 5, 10, 30)),
    ("2026-01-04T23:00:00.000Z", dt.datetime(2026, 1, 4, 23, 0)),  # UTC, as written
    ("2026-01-05T10:30:00+02:00", dt.datetime(2026, 1, 5, 8, 30)),  # to UTC
    ("2026-01-05Z", dt.date(2026, 1, 5)),
    ("2026-01-05+02:00", dt.datetime(2026, 1, 4, 22, 0)),  # midnight there, UTC here
    ("2026-01-05-05:30", dt.datetime(2026, 1, 5, 5, 30)),
    ("2026-01-05+00:00", dt.date(2026, 1, 5)),  # as 2026-01-05Z; LibreOffice: 46027
    ("2026-01-05-0530", "2026-01-05-0530"),  # LibreOffice keeps it as text (checked)
    ("20260105", "20260105"),  # no ISO date: the text, as LibreOffice keeps it
    ("soon", "soon"),
]


@pytest.mark.parametrize(("text", "read"), CASES)
def test_an_iso_date_cell_reads_as_its_date(text: str, read: object) -> None:
    data = _with_cell(_team(), "K2", f'<c r="K2" t="d"><v>{text}</v></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == read
    assert type(grid.rows[1][10]) is type(read)


def test_text_in_another_cell_is_left_alone() -> None:
    data = _with_cell(_team(), "K2", '<c r="K2" t="inlineStr"><is><t>2026-01-05Z</t></is></c>')
    grid = read_workbook_bytes(data, source="sales.xlsx", tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == "2026-01-05Z"
    assert iso_dates([["2026-01-05Z"]], [(1, 1), (2, 1), (1, 2)]) == [[dt.date(2026, 1, 5)]]
    assert iso_dates([["soon", 5.0]], [(1, 1), (1, 2)]) is None


@needs_libreoffice
def test_libreoffice_reads_the_same_dates(tmp_path: Path) -> None:
    """Checked, not assumed: LibreOffice 7.4 reads each as the same day and time (the
    zone converted to UTC) and keeps text no date as text."""
    data = _team()
    refs = ["K2", "K3"]
    texts = ("2026-01-05T10:30:00.000Z", "2026-01-05T10:30:00+02:00")
    for ref, text in zip(refs, texts, strict=True):
        data = _with_cell(data, ref, f'<c r="{ref}" t="d"><v>{text}</v></c>')
    src = tmp_path / "sales.xlsx"
    src.write_bytes(data)
    grid = read_workbook(convert(src, "xlsx", tmp_path / "lo"), tabs=["OKRs"]).sheets["OKRs"]
    # LibreOffice saves the day number with no date format: 46027.4375 is 2026-01-05 10:30
    assert [grid.rows[r][10] for r in (1, 2)] == [46027.4375, pytest.approx(46027.3541667)]


@needs_libreoffice
def test_libreoffice_reads_a_date_with_a_zone_as_its_midnight_in_utc(tmp_path: Path) -> None:
    """Checked, not assumed: ``2026-01-05+02:00``, a date with a zone and no time, is
    2026-01-04 22:00 to LibreOffice 7.4 (it stayed text here until a review on 2026-12-07)."""
    src = tmp_path / "sales.xlsx"
    src.write_bytes(_with_cell(_team(), "K2", '<c r="K2" t="d"><v>2026-01-05+02:00</v></c>'))
    grid = read_workbook(convert(src, "xlsx", tmp_path / "lo"), tabs=["OKRs"]).sheets["OKRs"]
    assert grid.rows[1][10] == pytest.approx(46026.9166667)  # 2026-01-04 22:00
