"""An .ods count attribute (``table:number-rows-repeated``, ``-columns-repeated``,
``-rows-spanned``, ``-columns-spanned``) read as calamine reads it: leading zeros are
none (an XSD ``positiveInteger`` may have them; calamine reads the file); a repeat past
any count (calamine: ``Cannot detect file format``) is named in the author's words.
``int`` refused 5,000 digits as "the file is damaged: Exceeds the limit (4300 digits)
for integer string conversion ...; use sys.set_int_max_str_digits() to increase the
limit", a padded 1 too (until the fix of ``odsscan.scan_ods``)."""

from __future__ import annotations

import io
import zipfile

import pytest

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.backends.excel.test_ods_uncalculated import _ods

ROWS = (("Objective", "Score"), ("Grow", 0.5), ("Keep", 0.7))
FIRST_ROW = b"<table:table-row>"
NUMBER_CELL = b'<table:table-cell office:value-type="float"'
PAD = b"0" * 5000
HUGE = b"9" * 5000


def _with(old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_ods(*ROWS))) as src, zipfile.ZipFile(out, "w") as book:
        for name in src.namelist():
            data = src.read(name)
            if name == "content.xml":
                assert old in data
                data = data.replace(old, new, 1)
            book.writestr(name, data)
    return out.getvalue()


def _row(attr: bytes) -> bytes:
    return _with(FIRST_ROW, b"<table:table-row " + attr + b">")


def _cell(attr: bytes) -> bytes:
    return _with(NUMBER_CELL, NUMBER_CELL + b" " + attr)


def _column(attr: bytes) -> bytes:
    return _with(FIRST_ROW, b"<table:table-column " + attr + b"/>" + FIRST_ROW)


@pytest.mark.parametrize(
    "data",
    [
        _row(b'table:number-rows-repeated="' + PAD + b'1"'),
        _cell(b'table:number-columns-repeated="' + PAD + b'1"'),
        _cell(b'table:number-rows-spanned="' + PAD + b'1"'),
        _cell(b'table:number-rows-spanned="' + HUGE + b'"'),  # calamine reads it
        _column(b'table:number-columns-repeated="' + PAD + b'2"'),
        _column(b'table:number-columns-repeated="' + HUGE + b'"'),  # calamine reads it
    ],
    ids=["rows-repeated", "columns-repeated", "spanned", "huge-span", "column", "huge-column"],
)
def test_a_padded_or_harmless_count_reads(data: bytes) -> None:
    book = read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == ROWS


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            _row(b'table:number-rows-repeated="' + HUGE + b'"'),
            "table:number-rows-repeated is a number of 5,000 digits, more than any "
            "spreadsheet repeats",
        ),
        (
            _cell(b'table:number-columns-repeated="' + HUGE + b'"'),
            "table:number-columns-repeated is a number of 5,000 digits",
        ),
        (
            _row(b'table:number-rows-repeated="abc"'),
            "table:number-rows-repeated is 'abc', not a count",
        ),
    ],
    ids=["huge-rows", "huge-columns", "no-number"],
)
def test_a_count_past_any_is_named(data: bytes, said: str) -> None:
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("t.ods: the file is damaged: content.xml: " + said), message
    assert "set_int_max_str_digits" not in message and "int()" not in message


@pytest.mark.parametrize(
    "data",
    [
        _cell(b'table:number-rows-spanned="-1"'),
        _cell(b'table:number-rows-spanned="+2"'),
        _cell(b'table:number-columns-spanned="\xd9\xa1"'),  # an Arabic-Indic 1
        _cell(b'table:number-rows-spanned=" 2 "'),
        _column(b'table:number-columns-repeated="-1"'),
    ],
    ids=["span-minus", "span-plus", "span-arabic", "span-spaces", "column-minus"],
)
def test_a_span_or_column_count_calamine_does_not_read_is_no_damage(data: bytes) -> None:
    """calamine reads the file (it reads no span nor column repeat), and so did ``int``:
    a span that is no count is 1, no merge (the first patch refused these as the file's
    damage)."""
    book = read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == ROWS


def test_a_repeat_with_a_plus_reads() -> None:
    """``+2``: calamine (Rust's ``u64``) and the base's ``int`` read it: the header twice."""
    data = _row(b'table:number-rows-repeated="+2"')
    book = read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    assert book.sheets["OKRs"].rows == (ROWS[0], *ROWS)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (
            _row(b'table:number-rows-repeated=" 2 "'),
            "table:number-rows-repeated is ' 2 ', not a count",
        ),
        (
            _cell(b'table:number-columns-repeated="-1"'),
            "table:number-columns-repeated is '-1', not a count",
        ),
        (
            _row(b'table:number-rows-repeated="18446744073709551616"'),  # 2**64
            "table:number-rows-repeated is a number of 20 digits, more than any",
        ),
    ],
    ids=["spaces", "minus", "two-to-the-64"],
)
def test_a_repeat_calamine_cannot_read_is_named(data: bytes, said: str) -> None:
    """calamine says only "Cannot detect file format" of each."""
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    message = str(got.value)
    assert message.startswith("t.ods: the file is damaged: content.xml: " + said), message
    assert "Cannot detect file format" not in message


def test_a_repeat_of_19_digits_is_said_as_it_is() -> None:
    """calamine reads it; the tab is too large by its own size, not ``BEYOND``'s
    (``A1:B1000000000000000002``, a number in no file, from the first patch)."""
    data = _row(b'table:number-rows-repeated="2000000000000000000"')
    with pytest.raises(WorkbookError) as got:
        read_workbook_bytes(data, source="t.ods", tabs=["OKRs"])
    assert "the tab spans A1:B2000000000000000002 (4,000,000,000,000,000,004 cells" in str(
        got.value
    )
