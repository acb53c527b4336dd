"""A part nested deeper than the XML parser reads is a damaged file in the author's
words: until 2026-12-07 libxml2's advice to its programmer reached the team lead
(``Excessive depth in document: 256, use XML_PARSE_HUGE option``). Found by fuzzing the
real-world workbooks."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook_bytes
from sheets_sync.errors import WorkbookError
from tests.conftest import write_team


def _nested(path: Path, part: str, after: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                at = data.index(after) + len(after)
                data = data[:at] + b"<x>" * 1000 + b"</x>" * 1000 + data[at:]
            out.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("part", "after", "said"),
    [
        ("xl/worksheets/sheet1.xml", b"<sheetData>", r"^t\.xlsx!OKRs: the file is damaged: "),
        ("xl/workbook.xml", b"<sheets>", r"^t\.xlsx: the file is damaged: xl/workbook\.xml: "),
    ],
)
def test_a_part_nested_too_deep_is_said_without_the_parsers_option(
    tmp_path: Path, part: str, after: bytes, said: str
) -> None:
    data = _nested(write_team(tmp_path / "t.xlsx"), part, after)
    with pytest.raises(WorkbookError, match=said + "elements nested more than 256 deep") as got:
        read_workbook_bytes(data, source="t.xlsx", tabs=["OKRs"])
    assert "XML_PARSE_HUGE" not in str(got.value)
    assert "<string>" not in str(got.value)  # lxml's name for bytes (until 2026-12-07)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_a_damaged_part_is_said_without_lxmls_name_for_bytes(tmp_path: Path, part: str) -> None:
    """lxml ends each error with ``(<string>, line 1)``, a name of no file of the author's
    and the line said again: left out (found by review 2026-12-07)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(write_team(tmp_path / "t.xlsx")) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, data.replace(b"</", b"<", 1) if info.filename == part else data)
    with pytest.raises(WorkbookError, match=r"damaged.*line \d+, column \d+$") as got:
        read_workbook_bytes(buf.getvalue(), source="t.xlsx", tabs=["OKRs"])
    assert "<string>" not in str(got.value)
