"""A team file of 65,536 members and more (zip64 end records) written back: the members
the write does not own keep their compressed bytes, and the file opens.

Such a package cannot be written with the plain records (a count of 65,535 or more is
zip64's), so ``rezip`` writes it through ``zipwrite.ZipWriter``; until 2026-12-07 it went
through ``zipfile``, every member inflated and deflated again (bytes changed for members
the sync does not own, ~9 s for 65,600).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import python_calamine

from tests.backends.excel.zipcraft import (
    Member,
    build,
    every,
    records,
    team_members,
    write_back,
)
from tests.support.libreoffice import convert, needs_libreoffice

SHEET = "xl/worksheets/sheet1.xml"
MEMBERS = 65_536  # one past the count an end record holds (0xFFFF means "see zip64")


@pytest.fixture(scope="module")
def package() -> bytes:
    """The plain workbook's members, then 65,536 small ones (some stored, some deflated
    at levels ``zipfile`` does not write), with zip64 end records."""
    filler = [
        Member(
            f"customXml/pad{n:05}.bin".encode(),
            b"pad %d " % n * (1 + n % 7),
            method=zipfile.ZIP_STORED if n % 3 else zipfile.ZIP_DEFLATED,
            level=n % 2 * 9,  # 0 or 9: deflated by another tool than zipfile's level 6
        )
        for n in range(MEMBERS)
    ]
    return build([*team_members(), *filler])


@pytest.fixture(scope="module")
def written(package: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zip64") / "team" / "sales.xlsx"
    path.parent.mkdir()
    path.write_bytes(package)
    write_back(path)
    return path


def test_unchanged_members_keep_their_compressed_bytes(package: bytes, written: Path) -> None:
    out = written.read_bytes()
    before, after = records(package), records(out)
    assert len(before) > MEMBERS
    assert list(after) == list(before)
    assert after[SHEET] != before[SHEET]  # the written tab
    del before[SHEET], after[SHEET]
    assert after == before  # raw bytes, name bytes, method, date, attributes, comment
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None
        assert len(zf.infolist()) == len(records(package))
    assert b"PK\x06\x06" in out[-200:] and b"PK\x06\x07" in out[-100:]  # zip64 end records


def test_it_reads_back_with_the_written_cells(written: Path) -> None:
    """calamine (the reader's) reads the written cells from it."""
    rows = python_calamine.CalamineWorkbook.from_path(str(written)).get_sheet_by_index(0)
    values = rows.to_python()
    assert values[0][0] == "hello"
    assert (values[2][19], values[3][19]) == ("synced", 0.5)


@needs_libreoffice
def test_libreoffice_opens_what_the_zip64_path_writes(tmp_path: Path) -> None:
    """LibreOffice 7.4 opens no zip with zip64 end records (the 65,536-member package
    before the write neither, nor one ``zipfile`` writes; checked 2026-12-07), so it is
    shown ``ZipWriter``'s records, which write every package since 2026-12-07, on a team
    file of a few members (none of them zip64's)."""
    path = tmp_path / "team" / "sales.xlsx"
    path.parent.mkdir()
    src = build(every(team_members(), level=0))  # not zipfile's level: copied, not redone
    path.write_bytes(src)
    write_back(path)
    before, after = records(src), records(path.read_bytes())
    del before[SHEET], after[SHEET]
    assert after == before  # the path was taken: raw copies
    csv = convert(path, "csv", tmp_path / "out").read_text()
    assert csv.splitlines()[0].startswith("hello")
    assert "synced" in csv and "0.5" in csv
