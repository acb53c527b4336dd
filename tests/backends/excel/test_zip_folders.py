"""Folder entries (names ending ``/``) in a team file: no part, copied as they are.

Some zip tools write an entry for each folder, and a file merged from two may list
``xl/`` twice. openpyxl, python-calamine and LibreOffice read such a file (checked on
2026-12-08: each shows the tab's cells); the read skips folder entries, but until
2026-12-08 the write-back refused two of one name as "two members for one part" and the
team's cells were never written. Two *file* members for one part are still refused
(``test_safety.py``).
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from pathlib import Path

import openpyxl
import python_calamine

from sheets_sync.backends.excel.safety import with_parts
from tests.backends.excel.test_zip_gaps import _insert, _offsets
from tests.backends.excel.test_zip_prefix import orphan
from tests.backends.excel.zipcraft import Member, build, team_file, team_members, write_back
from tests.support.libreoffice import convert, needs_libreoffice

FOLDER = Member(b"xl/", b"", zipfile.ZIP_STORED, external_attr=0x10, made_by=0x314)


def _two_folders() -> tuple[bytes, bytes]:
    """A team file listing ``xl/`` twice (second and fifth), an orphan's bytes after the
    first: the file and those bytes."""
    members = team_members()
    members = [members[0], FOLDER, *members[1:3], FOLDER, *members[3:]]
    base = build(members)
    blob = orphan()
    return _insert(base, _offsets(base)[2], blob), blob


def _records(data: bytes) -> list[bytes]:
    """Each member's local header, name and compressed bytes, in the directory's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    out = []
    for info in infos:
        at = info.header_offset
        n, e = struct.unpack_from("<2H", data, at + 26)
        out.append(data[at : at + 30 + n + e + info.compress_size])
    return out


def test_two_folder_entries_of_one_name_are_kept_and_the_team_written(tmp_path: Path) -> None:
    src, blob = _two_folders()
    file = team_file(tmp_path, src)
    write_back(file)
    out = file.read_bytes()
    before, after = _records(src), _records(out)
    assert [after[1], after[4]] == [before[1], before[4]]  # both folders, byte for byte
    assert out.count(blob) == 1  # the first folder's gap, once, right after it
    assert out.index(blob) == _offsets(out)[2] - len(blob)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.testzip() is None
        assert [i.filename for i in zf.infolist()].count("xl/") == 2
    values = python_calamine.CalamineWorkbook.from_path(str(file)).get_sheet_by_index(0)
    assert values.to_python()[2][19] == "synced"
    assert openpyxl.load_workbook(file).active["T3"].value == "synced"


@needs_libreoffice
def test_libreoffice_reads_two_folder_entries_before_and_after_a_write(tmp_path: Path) -> None:
    src, _ = _two_folders()
    file = team_file(tmp_path, src)
    assert convert(file, "csv", tmp_path / "before").read_text().startswith("hello")
    write_back(file)
    csv = convert(file, "csv", tmp_path / "after").read_text()
    assert "synced" in csv and csv.startswith("hello")


def test_the_mended_copy_calamine_reads_leaves_folder_entries_out() -> None:
    """``with_parts`` (a tab with error codes or padded numbers) wrote every entry through
    ``zipfile``, which warned ``Duplicate name: 'xl/'`` on stderr, a source line in the
    night's output, until 2026-12-08; the copy is calamine's alone, and a folder is
    nothing to it."""
    src, _ = _two_folders()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        copy = with_parts(src, {"xl/styles.xml": b"<x/>"}, "sales.xlsx")
    with zipfile.ZipFile(io.BytesIO(src)) as before, zipfile.ZipFile(io.BytesIO(copy)) as after:
        files = [i.filename for i in before.infolist() if not i.is_dir()]
        assert [i.filename for i in after.infolist()] == files
        assert after.read("xl/styles.xml") == b"<x/>"
