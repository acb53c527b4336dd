"""The checks a workbook read by pandas passes first: the previous company workbook.

``load_previous`` reads last night's rollup into memory once (``read_workbook``), checks
those bytes (``check_package``) and hands the same bytes to ``pandas.ExcelFile``
(calamine), and people edit that file by hand. calamine allocates a tab's whole rectangle
from A1 to its farthest cell: one stray cell at XFD1048576 asked for 512 GiB and aborted
the process (``memory allocation ... failed``, exit 134: no ``except`` ran, the whole
night died, until 2026-12-07). So the file first passes what a team's file passes
(``safety.inspect_package``: a zip, intact, no bomb, no DTD) and each tab read is
scanned for its extent (``sheetscan``), streaming, before calamine sees a byte.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from sheets_sync.backends.excel.odsscan import scan_ods
from sheets_sync.backends.excel.safety import (
    Package,
    inspect_package,
    normalise_part_name,
    open_zip,
    refuse_declared,
    refuse_oversized_file,
)
from sheets_sync.backends.excel.sheetscan import Scan, scan_worksheet, too_large_error
from sheets_sync.backends.excel.workbookparts import locate_sheets, main_part
from sheets_sync.errors import WorkbookError, WorkbookTooLargeError

#: A company workbook's XML inflated: some 45 MB at 500 teams (bench/notes.md), so a
#: team file's 50 MiB would refuse a large company's own rollup.
MAX_PREVIOUS_BYTES = 1024 * 2**20
#: A rollup tab's rectangle: 10 million cells is some 400,000 rows of 25 columns (20
#: times a 2,000-team company's Key results), ~320 MB of calamine's cells at most.
MAX_PREVIOUS_CELLS = 10_000_000
#: Read with the tabs: the relationships, and the shared strings and styles calamine
#: reads for any tab (a DTD in the shared strings went unchecked in the filter's first cut).
_WITH_TABS = (".rels", "sharedstrings.xml", "styles.xml")


def read_workbook(path: Path, *, source: str, max_bytes: int = MAX_PREVIOUS_BYTES) -> bytes:
    """The bytes of the workbook at ``path``, once: checked (``check_package``), the same
    bytes go to calamine, so the file is read once and what calamine parses is what was
    checked (until 2026-12-07 the check read the file, then calamine read it twice more:
    a save between them went unchecked)."""
    try:
        refuse_oversized_file(path.stat().st_size, max_bytes, source)
        return path.read_bytes()
    except OSError as exc:
        raise WorkbookError(f"cannot read the file: {exc.strerror or exc}", source=source) from exc


def _with_frame(part: str, frame: Collection[str]) -> Callable[[str], bool]:
    """``inspect_package``'s ``read`` for one tab's step: ``part``, the frame and what
    calamine reads with any tab."""
    return lambda n: n == part or n in frame or n.endswith(_WITH_TABS)


def check_package(
    data: bytes,
    *,
    tabs: Collection[str],
    source: str,
    max_bytes: int = MAX_PREVIOUS_BYTES,
    max_cells: int = MAX_PREVIOUS_CELLS,
) -> list[str]:
    """Raise a ``WorkbookError`` (naming ``source``, and the tab) unless ``data`` (the
    bytes ``read_workbook`` read) is a safe package whose tabs named in ``tabs`` (exact
    names, as pandas reads them) each span at most ``max_cells`` from A1; return those of
    ``tabs`` the workbook has, in order. Each part is inflated once: the relationships,
    then the workbook part they name, then the tabs it names and what calamine reads with
    them, each step keeping what the last inflated (until 2026-12-07 each step inflated
    the relationships and content types again).

    The first error found is raised: the package's (not a zip, damaged, an unsafe name,
    the declared sizes of all those parts over ``max_bytes``), then tab by tab in the
    workbook's order, each tab's inflating (a DTD, damage, past the limit) before its scan
    (malformed XML), then the extent over ``max_cells`` of the first such tab. So a tab
    with malformed XML is reported before a DTD in a tab after it (until 2026-12-07 every
    tab was inflated before any was scanned, and the DTD was reported)."""
    name = source
    # only the parts calamine reads for these tabs: the History tab grows every night
    # (keep_snapshots), and inflating it too refused a 2,000-team company's own rollup
    # (until 2026-12-07)
    frame = {"[content_types].xml", "mimetype", "content.xml"}
    zf = open_zip(data, name)  # its entries listed once, for every step
    package = inspect_package(
        data, source=name, max_uncompressed_bytes=max_bytes,
        read=lambda n: n in frame or n.endswith(".rels"), _zip=zf,
    )  # fmt: skip
    wanted = set(tabs)
    scans: dict[str, Scan] = {}
    if package.kind == "ods":
        scans = {t: s for t, s in scan_ods(package.parts["content.xml"], name).items()
                 if t in wanted}  # fmt: skip
    else:
        main = main_part(package, name)
        frame.add(normalise_part_name(main).lower())
        one: Package | None = None  # a tab's step: its parts, then the tab's XML
        xml: bytes | None = None
        try:
            package = inspect_package(
                data, source=name, max_uncompressed_bytes=max_bytes,
                read=lambda n: n in frame or n.endswith(".rels"),
                _inflated=package.parts, _zip=zf,
            )  # fmt: skip
            sheets = {
                tab: normalise_part_name(where.part).lower()
                for tab, where in locate_sheets(package, name)[0].items()
                if where.part and tab in wanted
            }
            parts = set(sheets.values())
            # the tabs are inflated one a call below, each call counting only its own
            # parts; the limit is on what calamine is handed with them all, so their
            # declared sizes count together first (as when inflated together, until
            # 2026-12-07)
            refuse_declared(
                zf.infolist(),
                lambda n: n in frame or n in parts or n.endswith(_WITH_TABS),
                max_bytes,
                name,
            )
            package = inspect_package(
                data, source=name, max_uncompressed_bytes=max_bytes,
                read=lambda n: n in frame or n.endswith(_WITH_TABS),
                _inflated=package.parts, _zip=zf,
            )  # fmt: skip
            for tab, part in sheets.items():  # one tab inflated at a time, then scanned
                one = inspect_package(
                    data, source=name, max_uncompressed_bytes=max_bytes,
                    read=_with_frame(part, frame), _inflated=package.parts, _zip=zf,
                )  # fmt: skip
                xml, one = one.part(part), None
                if xml is not None:
                    scans[tab] = scan_worksheet(xml, name, tab)
                xml = None
        except WorkbookError:
            # its traceback keeps this frame: not the steps before's parts (until
            # 2026-12-07 memory running out in the tabs' step kept the workbook part's)
            del package
            one = xml = None
            raise
    del package
    for tab, scan in scans.items():
        if (outside := too_large_error(scan, max_cells, name, tab)) is not None:
            raise outside
        if (spans := scan.too_large(max_cells)) is not None:
            raise WorkbookTooLargeError(
                f"{spans}: delete the stray cells far from its table",
                source=name,
                tab=tab,
            )
    return [t for t in tabs if t in scans]
