"""Moments typed by hand in the previous company workbook: a date-time as text with a time
zone, a Summary moment in General format. The failed team's rows still come back, each
moment the instant it names; a cell nobody foresaw is logged, never fatal."""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from sheets_sync.rollup import previous, write_rollup_xlsx
from sheets_sync.rollup.previous import load_previous, moment_of
from sheets_sync.rollup.schema import Kind, _cast
from tests.rollup.fixtures import PERIOD
from tests.rollup.test_previous_split import odd_rollup


def _edited(path: Path, tab: str, column: str, value: object, *, header_row: int = 1) -> None:
    write_rollup_xlsx(odd_rollup(), path)
    book = openpyxl.load_workbook(path)
    sheet = book[tab]
    header = [c.value for c in sheet[header_row]]
    at = header.index(column) + 1
    for row in range(header_row + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value in (None, "Company total"):
            break
        sheet.cell(row, at).value = value
        sheet.cell(row, at).number_format = "General"
    book.save(path)


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2026-03-31T00:00:00Z", dt.datetime(2026, 3, 31)),
        ("2026-02-15 06:30 +01:00", dt.datetime(2026, 2, 15, 5, 30)),
        # General format: a serial day count; until 2026-12-07 nanoseconds since 1970
        (46023.25, dt.datetime(2026, 1, 1, 6, 0)),
    ],
)
@pytest.mark.parametrize("column", ["Due date", "Last successful read"])
def test_a_moment_typed_with_a_time_zone_is_its_instant_in_utc(
    tmp_path: Path, typed: object, instant: dt.datetime, column: str
) -> None:
    """Until 2026-12-07: TypeError (aware to naive ``astype``) out of ``build_rollup``."""
    path = tmp_path / "company.xlsx"
    _edited(path, "Key results", column, typed)
    got = load_previous(path, ["Sales", "NA"], PERIOD.name)
    assert set(got) == {"Sales", "NA"}
    for stale in got.values():
        assert stale.key_results[column].eq(pd.Timestamp(instant)).all()
        assert str(stale.key_results[column].dtype) == "datetime64[us]"


def _summary_header(path: Path) -> int:
    sheet = openpyxl.load_workbook(path)["Summary"]
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "Team")


@pytest.mark.parametrize(
    ("typed", "instant"),
    [
        ("2026-02-15T06:30:00Z", dt.datetime(2026, 2, 15, 6, 30)),
        ("2026-02-15 06:30:00+01:00", dt.datetime(2026, 2, 15, 5, 30)),
        (46023.25, dt.datetime(2026, 1, 1, 6, 0)),  # General format: a serial day count
    ],
)
def test_the_summary_last_read_as_typed(
    tmp_path: Path, typed: object, instant: dt.datetime
) -> None:
    """Until 2026-12-07 a zone crashed the night and a number was read as nanoseconds
    since 1970 (1970-01-01 00:00:00.000046023)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    header = _summary_header(path)
    _edited(path, "Summary", "Last successful read", typed, header_row=header)
    got = load_previous(path, ["Sales", "NA"], PERIOD.name)
    assert {t: s.last_successful_read for t, s in got.items()} == {"Sales": instant, "NA": instant}


def test_a_cell_nobody_foresaw_is_logged_never_fatal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)

    def broken(*args: object) -> None:
        raise TypeError("Cannot use .astype to convert")

    monkeypatch.setattr(previous, "carry_previous", broken)
    with caplog.at_level(logging.WARNING, logger="sheets_sync.rollup.previous"):
        assert load_previous(path, ["Sales"], PERIOD.name) == {}
    assert [r.getMessage() for r in caplog.records] == [
        f"previous rollup {path}: its rows cannot be carried, no last good data: "
        "TypeError: Cannot use .astype to convert"
    ]


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (None, None),
        (True, None),
        ("not a date", None),
        (46023.5, dt.datetime(2026, 1, 1, 12)),
        (1e300, None),
        (dt.datetime(2026, 1, 1, 6, 30), dt.datetime(2026, 1, 1, 6, 30)),
        (pd.Timestamp("2026-01-01 06:30", tz="Europe/Paris"), dt.datetime(2026, 1, 1, 5, 30)),
        ("03/04/2026", dt.datetime(2026, 3, 4)),  # month first, as pandas reads it
        ("15/02/2026", dt.datetime(2026, 2, 15)),  # unless the first cannot be a month
    ],
)
def test_moment_of(value: object, want: dt.datetime | None) -> None:
    assert moment_of(value) == want


_LOAD = """
import logging, sys
from pathlib import Path
from sheets_sync.rollup.previous import load_previous
logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
print(load_previous(Path(sys.argv[1]), ["Sales"], None))
"""


def _limited() -> None:  # a hang guard on memory, as the reviewer's ``ulimit -v``
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def test_a_stray_cell_far_from_the_table_is_refused_before_calamine(tmp_path: Path) -> None:
    """Cells at A1 and XFD1048576 of Objectives (6 KB of file): until 2026-12-07 calamine
    allocated the 17-billion-cell rectangle (512 GiB) and aborted the process (``memory
    allocation of 549755813888 bytes failed``, exit 134: the night died, no ``except``
    ran); now refused before calamine, logged. In a child process: the abort kills it."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    book = openpyxl.load_workbook(path)
    book["Objectives"]["XFD1048576"] = 1
    book.save(path)
    done = subprocess.run(
        [sys.executable, "-c", _LOAD, str(path)],
        capture_output=True, text=True, timeout=600, preexec_fn=_limited, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        f"previous rollup {path} unreadable, no last good data: Objectives: the tab spans "
        "A1:XFD1048576 (17,179,869,184 cells, limit 10,000,000): delete the stray cells far "
        "from its table",
        "{}",
    ]


def test_a_column_mixing_typed_formats_keeps_each_date_and_warns_nothing() -> None:
    """Until 2026-12-07 pandas guessed the format from the first cell: the second was lost
    (NaT) and a raw ``UserWarning`` (``Parsing dates in %d/%m/%Y format ...``) went to
    stderr."""
    typed = pd.Series(["15/02/2026", "2026-03-01 10:00", "x", "2026-02-15 06:30 +01:00"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _cast(typed.astype(object), Kind.DATETIME)
    assert list(got) == [
        pd.Timestamp("2026-02-15"),
        pd.Timestamp("2026-03-01 10:00"),
        pd.NaT,
        pd.Timestamp("2026-02-15 05:30"),
    ]
