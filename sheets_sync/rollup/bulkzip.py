"""The company workbook's zip rewritten for the splice (``bulk.BulkCells.splice``): the
members xlsxwriter wrote copied as their compressed bytes, each sheet with bulk rows read
(``zipread``, over a map of the file), filled by the caller and deflated again (ISA-L,
``zipwrite``). Split from ``bulk.py`` (which renders the rows) on 2026-12-07."""

from __future__ import annotations

import mmap
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from sheets_sync.errors import WorkbookError
from sheets_sync.zipread import member_ends, read_member, unnamed
from sheets_sync.zipwrite import DeflatingMember, ZipWriter, shown

#: zlib's level for the spliced sheets if ``isal`` fails to import (``sheets_sync.deflate``):
#: 3, as before ISA-L, not the write-back's 6 (~2x the CPU on the night's critical path).
ZLIB_LEVEL = 3
#: fills member ``index`` (the sheet's bulk rows) from the XML xlsxwriter wrote for it
Fill = Callable[[int, bytes, DeflatingMember], None]


def rewrite(path: Path, tmp: Path, names: Mapping[str, int], fill: Fill) -> None:
    """The zip at ``path`` written to ``tmp``: each member named in ``names`` filled by
    ``fill`` and deflated again (ISA-L, ``zipwrite``), the other members copied as their
    compressed bytes. The long tables are ~46 MB of XML at 500 teams: zlib's level 3 took
    147 ms of CPU for them (3.9 MB), ISA-L takes 31 (4.5 MB), and the night's rollup is on
    its critical path (bench/notes.md, "Thirty-fourth pass (2026-12-07, evening)").
    xlsxwriter's sheets are inflated by ISA-L (``zipread``, over a map of the file):
    3.6 MB at 2,000 teams, 2 ms of CPU (11 by ``ZipFile.read`` until 2026-12-07). A
    sheet that cannot be read is a ``WorkbookError`` naming the file and the member."""
    with (
        zipfile.ZipFile(path) as src,
        path.open("rb") as source,
        mmap.mmap(source.fileno(), 0, access=mmap.ACCESS_READ) as view,
        tmp.open("wb") as target,
    ):
        out = ZipWriter(target, source=str(path))
        ends = member_ends(src)
        for info in src.infolist():
            index = names.get(info.filename)
            if index is None:
                out.copy(source, info)
                continue
            try:
                data = read_member(view, info, ends[info])  # ISA-L (zipread)
            except (zipfile.BadZipFile, EOFError) as exc:  # a bare BadZipFile until 2026-12-07
                raise WorkbookError(
                    f"zip member {shown(info)} cannot be read: {unnamed(exc, info)}",
                    source=str(path),
                ) from None
            with out.deflating(info, ZLIB_LEVEL) as member:
                fill(index, data, member)
            del data  # before the next sheet's rows are rendered
        out.close()
