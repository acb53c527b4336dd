"""LibreOffice opens every oddly zipped team file the write-back wrote, with its cells,
and real-world workbooks made team files and written back: one of each zip layout.

Each batch is converted to CSV by one LibreOffice run (a start costs seconds; one a file
was 107 s for the real-world files), with the test process's profile
(``tests/support/libreoffice``). A name with backslashes is left out of the crafted
cases: LibreOffice cannot load such a file before the write either (``source file could
not be loaded``). Of the real-world files, the smallest of each zip layout (``layout``:
data descriptors and the UTF-8 flag as LibreOffice writes, Excel's local extras,
XlsxWriter's, stored members, a minimal package): the 22 took 36-48 s at a load of 7-8,
27 s of it ``bigfoot.xlsx`` (``SLOW``), the 6 layouts take a few seconds; every one is
written back without LibreOffice too (``test_patch_corpus``).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from tests.backends.excel.test_zip_attacks import KEPT
from tests.backends.excel.zipcraft import build, team_file, team_members, write_back
from tests.support.libreoffice import convert_all, needs_libreoffice
from tests.support.scripts import HANG
from tests.support.shared import REAL_WORLD, needs_real_world

OPENED = [case for case in KEPT if "backslash" not in case]
#: The real-world files a write-back refuses (test_patch_corpus.REFUSED).
NOT_WRITTEN = {
    "strict_iso_paths.xlsx",
    "pass_protected.xlsx",
    "issue252.xlsx",
    "issue_530.xlsx",
    "billion_laughs.xlsx",
    "inflate_200mb.xlsx",
}
#: Left out: LibreOffice takes 27 s on its 1,033 members (of 36 s for all 22 files). Its
#: layout (plain records: no descriptors, extras, flags) is zipcraft's, the crafted cases'.
SLOW = {"bigfoot.xlsx"}
LAYOUTS = {  # the real-world ones, each opened
    ("descriptor", "utf8"),  # LibreOffice
    ("local extra",),  # Excel
    ("central extra", "local extra"),  # XlsxWriter
    ("stored",),
    ("local extra", "stored"),
    ("descriptor", "minimal"),
}


def layout(data: bytes) -> tuple[str, ...]:
    """What a zip tool left in a package's records: data descriptors, the UTF-8 flag,
    central or local extra fields, stored members; ``minimal`` under 8 members."""
    found = set()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        for info in infos:
            extra = struct.unpack_from("<H", data, info.header_offset + 28)[0]
            marks = {
                "descriptor": info.flag_bits & 0x8,
                "utf8": info.flag_bits & 0x800,
                "central extra": info.extra,
                "local extra": extra,
                "stored": info.compress_type == zipfile.ZIP_STORED,
            }
            found |= {mark for mark, there in marks.items() if there}
    return (*sorted(found), *(["minimal"] if len(infos) < 8 else []))


def as_csv(files: list[Path], tmp_path: Path) -> dict[Path, str]:
    """Each file's first sheet as LibreOffice converts it, in one run."""
    outs = convert_all(files, "csv", tmp_path / "csv")
    return {
        path: csv.read_text(encoding="utf-8", errors="replace")
        for path, csv in zip(files, outs, strict=True)
    }


def _written(tmp_path: Path, name: str, data: bytes) -> Path:
    path = team_file(tmp_path / name, data)
    write_back(path)
    return path.rename(path.parent.parent / f"{name}.xlsx")  # one stem each


@needs_libreoffice
@pytest.mark.timeout(HANG + 60)
def test_libreoffice_opens_each_oddly_zipped_file_written(tmp_path: Path) -> None:
    files = {
        _written(tmp_path, f"case{n}", build(KEPT[case](team_members()), comment=b"note")): case
        for n, case in enumerate(OPENED)
    }
    for path, csv in as_csv(list(files), tmp_path).items():
        rows = csv.splitlines()
        assert rows[0].startswith("hello"), files[path]
        assert rows[2].endswith("synced") and rows[3].endswith("0.5"), files[path]


@needs_libreoffice
@needs_real_world
@pytest.mark.timeout(HANG + 60)
def test_libreoffice_opens_each_real_world_file_written_back(tmp_path: Path) -> None:
    """A workbook of ../shared/real-world-xlsx of each zip layout (Excel, LibreOffice,
    XlsxWriter, odd exporters' zips) made a team file, written back: LibreOffice opens
    it and its first tab shows the written text."""
    sources = sorted(p for p in REAL_WORLD.rglob("*.xls[xm]") if p.name not in NOT_WRITTEN)
    assert len(sources) >= 22
    chosen: dict[tuple[str, ...], Path] = {}
    for source in sorted(sources, key=lambda p: (p.stat().st_size, p)):  # the smallest
        if source.name not in SLOW:
            chosen.setdefault(layout(source.read_bytes()), source)
    assert set(chosen) >= LAYOUTS, sorted(chosen)
    files = {
        _written(tmp_path, f"team{n}", source.read_bytes()): source.name
        for n, source in enumerate(chosen.values())
    }
    for path, csv in as_csv(list(files), tmp_path).items():
        assert "synced" in csv, files[path]
