"""The checks a workbook read by pandas passes first: the previous company workbook.

``load_previous`` reads last night's rollup with ``pandas.read_excel`` (calamine), and
people edit that file by hand. calamine allocates a tab's whole rectangle from A1 to its
farthest cell: one stray cell at XFD1048576 asked for 512 GiB and aborted the process
(``memory allocation ... failed``, exit 134: no ``except`` ran, the whole night died,
until 2026-12-07). So the file first passes what a team's file passes
(``safety.inspect_package``: a zip, intact, no bomb, no DTD) and each tab read is
scanned for its extent (``sheetscan``), streaming, before calamine sees a byte.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sheets_sync.backends.excel.reader import _locate_sheets
from sheets_sync.backends.excel.safety import inspect_package, refuse_oversized_file
from sheets_sync.backends.excel.sheetscan import Scan, scan_ods, scan_worksheet
from sheets_sync.errors import WorkbookError, WorkbookTooLargeError
from sheets_sync.grid import a1

#: A company workbook's XML inflated: some 45 MB at 500 teams (bench/notes.md), so a
#: team file's 50 MiB would refuse a large company's own rollup.
MAX_PREVIOUS_BYTES = 1024 * 2**20
#: A rollup tab's rectangle: 10 million cells is some 400,000 rows of 25 columns (20
#: times a 2,000-team company's Key results), ~320 MB of calamine's cells at most.
MAX_PREVIOUS_CELLS = 10_000_000


def check_workbook(
    path: Path,
    *,
    tabs: Collection[str],
    source: str | None = None,
    max_bytes: int = MAX_PREVIOUS_BYTES,
    max_cells: int = MAX_PREVIOUS_CELLS,
) -> None:
    """Raise a ``WorkbookError`` (naming the file, and the tab) unless ``path`` is a safe
    package whose tabs named in ``tabs`` (exact names, as pandas reads them) each span at
    most ``max_cells`` from A1."""
    name = source or str(path)
    try:
        refuse_oversized_file(path.stat().st_size, max_bytes, name)
        data = path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot read the file: {exc.strerror or exc}", source=name) from exc
    package = inspect_package(data, source=name, max_uncompressed_bytes=max_bytes)
    del data
    wanted = set(tabs)
    scans: dict[str, Scan] = {}
    if package.kind == "ods":
        scans = {t: s for t, s in scan_ods(package.parts["content.xml"], name).items()
                 if t in wanted}  # fmt: skip
    else:
        for tab, where in _locate_sheets(package, name)[0].items():
            xml = package.part(where.part) if where.part and tab in wanted else None
            if xml is not None:
                scans[tab] = scan_worksheet(xml, name, tab)
    for tab, scan in scans.items():
        cells = scan.max_row * scan.max_col
        if cells > max_cells:
            raise WorkbookTooLargeError(
                f"the tab spans A1:{a1(scan.max_row, scan.max_col)} ({cells:,} cells, limit "
                f"{max_cells:,}): delete the stray cells far from its table",
                source=name,
                tab=tab,
            )
