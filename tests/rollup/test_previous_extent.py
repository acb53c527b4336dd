"""The previous company workbook's checks before calamine read only what calamine reads:
the workbook part, the relationships, the content types and the Objectives, Key results,
KPIs and Summary tabs. The other tabs (History grows every night) are neither inflated nor
counted against the size limit; a tab renamed or deleted loses its table only."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.backends.excel import extent, reader, safety, sheetscan
from sheets_sync.errors import WorkbookError, WorkbookTooLargeError
from sheets_sync.rollup import previous, write_rollup_xlsx
from sheets_sync.rollup.previous import LONG_TABLES, load_previous
from sheets_sync.rollup.schema import TAB_NAMES
from tests.rollup.test_previous_split import odd_rollup

TABS = [*(TAB_NAMES[t] for t in LONG_TABLES), "Summary"]


def check_workbook(
    path: Path, *, tabs: list[str], max_bytes: int = extent.MAX_PREVIOUS_BYTES
) -> list[str]:
    """The workbook at ``path`` read and checked as ``load_previous`` does (``extent``
    kept a ``check_workbook`` of its own for tests alone until 2026-12-07)."""
    data = extent.read_workbook(path, source=str(path), max_bytes=max_bytes)
    return extent.check_package(data, tabs=tabs, source=str(path), max_bytes=max_bytes)


def test_a_large_other_tab_is_not_counted_against_the_limit(tmp_path: Path) -> None:
    """Until 2026-12-07 every part was inflated: at 2,000 teams x 25 nights of History
    the company's own workbook was refused (``would inflate to 1132.9 MiB``)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    book = openpyxl.load_workbook(path)
    notes = book.create_sheet("Notes")
    for row in range(1, 3001):
        notes.cell(row, 1, "x" * 200)
        notes.cell(row, 2, row)
    book.save(path)
    with zipfile.ZipFile(path) as zf:
        sizes = {i.filename: i.file_size for i in zf.infolist()}
    big = max(sizes, key=lambda n: sizes[n])
    assert sizes[big] > sum(sizes.values()) / 2  # the Notes tab: most of the inflated XML
    limit = sum(sizes.values()) - sizes[big] // 2
    assert check_workbook(path, tabs=TABS, max_bytes=limit) == TABS


def test_a_renamed_tab_loses_only_its_own_table(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Until 2026-12-07 ``Worksheet named 'KPIs' not found`` lost every table."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    openpyxl.load_workbook(path).save(path)  # as saved by openpyxl, whole
    whole = load_previous(path, ["Sales"], None)["Sales"]
    book = openpyxl.load_workbook(path)
    book["KPIs"].title = "KPIs old"
    book.save(path)
    assert check_workbook(path, tabs=TABS) == [t for t in TABS if t != "KPIs"]
    with caplog.at_level(logging.WARNING):
        got = load_previous(path, ["Sales"], None)["Sales"]
    assert len(whole.kpis) > 0
    assert got.kpis.empty
    assert list(got.kpis.columns) == list(whole.kpis.columns)
    assert got.objectives.equals(whole.objectives)
    assert got.key_results.equals(whole.key_results)
    assert "has no tab KPIs: no last good data from it" in caplog.text


@pytest.mark.parametrize("where", ["read", "carry"])
def test_running_out_of_memory_is_the_nights_rollup_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Until 2026-12-07 a ``MemoryError`` was logged as any failure and the rollup went
    out without the failed teams' rows: lost for good, the next night reads tonight's."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)

    def boom(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    if where == "read":
        monkeypatch.setattr("pandas.read_excel", boom)
    else:
        monkeypatch.setattr(previous, "carry_previous", boom)
    with pytest.raises(WorkbookTooLargeError) as caught:
        load_previous(path, ["Sales", "Ops"], None)
    assert caught.value.source == str(path)
    assert caught.value.message == (
        "last night's rows of the teams that failed (Ops, Sales) could not be read back (out "
        "of memory: other reads at once, or a rollup larger than this machine holds); not "
        "published without them: the last rollup stays as it is, and the next run reads it "
        "again"
    )
    assert caught.value.__cause__ is None


def test_the_shared_strings_calamine_reads_are_checked_too(tmp_path: Path) -> None:
    """calamine reads the shared strings (and the styles) with the tabs: a DTD there (an
    entity bomb) is refused before calamine sees it. The first cut of the part filter
    (2026-12-07) checked only the workbook, its relationships and the four tabs."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(hostile, "w") as dst:
        names = [i.filename for i in src.infolist()]
        assert "xl/sharedStrings.xml" in names
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                body = body.replace(b"?>", b'?><!DOCTYPE sst [<!ENTITY a "aaaa">]>', 1)
            dst.writestr(info, body)
    assert check_workbook(path, tabs=TABS) == TABS
    with pytest.raises(WorkbookError, match="DTD"):
        check_workbook(hostile, tabs=TABS)


def test_the_workbook_is_read_once_and_each_part_inflated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until 2026-12-07 the check inflated the relationships and content types in each of
    its three steps (the workbook part in two), and the file was read three times: by the
    check, then by calamine for the long tables and again for the Summary."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    inflated: list[str] = []
    inflate = safety._inflate

    def inflating(zf: Any, info: Any, budget: int, limit: int, source: str) -> bytes:
        inflated.append(info.filename)
        return inflate(zf, info, budget, limit, source)

    opened: list[str] = []
    real_open = io.open

    def opening(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(safety, "_inflate", inflating)
    monkeypatch.setattr(io, "open", opening)
    monkeypatch.setattr("builtins.open", opening)
    got = load_previous(path, ["Sales"], None)
    assert len(got["Sales"].key_results) > 0
    assert len(inflated) == len(set(inflated)), sorted(inflated)
    assert "xl/workbook.xml" in inflated
    assert len(opened) == 1, opened


def test_calamine_parses_the_bytes_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook saved over the previous one between the check and calamine (someone's
    edit landing, a stray cell at XFD1048576 in it) is not parsed unchecked: the bytes the
    check passed are the ones read (until 2026-12-07 calamine opened the file again)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    other = tmp_path / "other.xlsx"
    book = openpyxl.load_workbook(path)
    for row in book["Key results"].iter_rows(min_row=2):
        row[0].value = "Nobody"
    book.save(other)
    check = extent.check_package

    def checking(data: bytes, **kwargs: Any) -> list[str]:
        there = check(data, **kwargs)
        other.replace(path)  # saved over it once checked
        return there

    monkeypatch.setattr(extent, "check_package", checking)
    got = load_previous(path, ["Sales"], None)
    assert len(got["Sales"].key_results) > 0


def test_a_tab_is_named_in_words_as_typed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Prose names a tab as it is typed (``grid.as_typed``), as every other message does:
    until 2026-12-07 these lines quoted it as a formula does (``'Key results'``)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    renamed, stray = tmp_path / "renamed.xlsx", tmp_path / "stray.xlsx"
    book = openpyxl.load_workbook(path)
    book["Key results"].title = "KRs old"
    book.save(renamed)
    book = openpyxl.load_workbook(path)
    book["Key results"]["XFD1048576"] = 1
    book.save(stray)
    with caplog.at_level(logging.WARNING):
        load_previous(renamed, ["Sales"], None)
        load_previous(stray, ["Sales"], None)
    assert 'has no tab "Key results": no last good data from it' in caplog.text
    assert 'unreadable, no last good data: "Key results": the tab spans A1:XFD1048576' in (
        caplog.text
    )


def test_the_tabs_are_inflated_and_scanned_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each tab's XML is let go of before the next tab is inflated: the four tabs held at
    once took some 20 MiB at 500 teams (until 2026-12-07); the size limit still counts
    them together (``test_the_tabs_count_together_against_the_limit``)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    steps: list[list[str]] = []
    inspect = safety.inspect_package

    def inspecting(data: bytes, **kw: Any) -> Any:
        package = inspect(data, **kw)
        steps.append(sorted(p for p in package.parts if p.startswith("xl/worksheets/sheet")))
        return package

    scanned: list[str] = []
    scan = sheetscan.scan_worksheet

    def scanning(xml: bytes, source: str, tab: str) -> Any:
        scanned.append(tab)
        return scan(xml, source, tab)

    monkeypatch.setattr(extent, "inspect_package", inspecting)
    monkeypatch.setattr(extent, "scan_worksheet", scanning)
    assert check_workbook(path, tabs=TABS) == TABS
    assert sorted(scanned) == sorted(TABS)
    assert max(len(parts) for parts in steps) == 1, steps


def test_the_tabs_count_together_against_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inflated one at a time, the wanted tabs (with the parts calamine reads beside them)
    are still refused when together they pass the limit, though each tab's step alone
    does not, and before any tab is inflated."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    data = path.read_bytes()
    package = safety.inspect_package(data, source="c", max_uncompressed_bytes=2**30)
    tab_parts = {
        safety.normalise_part_name(where.part).lower()
        for tab, where in reader.locate_sheets(package, "c")[0].items()
        if where.part and tab in TABS
    }
    with zipfile.ZipFile(path) as zf:
        sizes = {safety.normalise_part_name(i.filename).lower(): i.file_size for i in zf.infolist()}
    frame = {"[content_types].xml", "xl/workbook.xml"}  # and what calamine reads with tabs:
    read = {n for n in sizes if n in frame | tab_parts or n.endswith(extent._WITH_TABS)}
    together = sum(sizes[n] for n in read)
    one_step = together - sum(sizes[n] for n in tab_parts) + max(sizes[n] for n in tab_parts)
    assert one_step < together - 1
    inflated: list[str] = []
    inflate = safety._inflate

    def inflating(zf: Any, info: Any, budget: int, limit: int, source: str) -> bytes:
        inflated.append(safety.normalise_part_name(info.filename).lower())
        return inflate(zf, info, budget, limit, source)

    monkeypatch.setattr(safety, "_inflate", inflating)
    with pytest.raises(WorkbookTooLargeError, match="would inflate to"):
        check_workbook(path, tabs=TABS, max_bytes=together - 1)
    assert not tab_parts & set(inflated), inflated
    assert check_workbook(path, tabs=TABS, max_bytes=together) == TABS


def test_the_declared_sizes_are_refused_by_safetys_one_check() -> None:
    """The tabs' declared sizes counted together go through ``safety.refuse_declared``,
    the check (and message) ``inspect_package`` makes: until 2026-12-07 ``extent`` kept a
    copy of both, and imported safety's private ``_mib`` for it."""
    import ast

    tree = ast.parse(Path(extent.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == safety.__name__
        for alias in node.names
    }
    assert "refuse_declared" in imported
    assert not [name for name in imported if name.startswith("_")], imported


def test_a_tab_is_inflated_then_scanned_before_the_next_tab(tmp_path: Path) -> None:
    """The order ``check_package``'s docstring gives: a tab's malformed XML is reported
    before a DTD in a tab after it, a DTD before malformed XML after it, and a tab's
    extent over the limit after every tab was inflated and scanned."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    data = path.read_bytes()
    package = safety.inspect_package(data, source="c", max_uncompressed_bytes=2**30)
    (tab, first), (_, second) = [
        (tab, safety.normalise_part_name(where.part).lower())
        for tab, where in reader.locate_sheets(package, "c")[0].items()
        if where.part and tab in TABS
    ][:2]
    malformed = package.parts[first][:-20]
    dtd = b'<!DOCTYPE x [<!ENTITY a "a">]>' + package.parts[second]
    far = package.parts[first].replace(b"</sheetData>", b'<row r="999999"><c r="XFD999999">'
                                       b"<v>1</v></c></row></sheetData>")  # fmt: skip

    def check(bodies: dict[str, bytes]) -> WorkbookError:
        with pytest.raises(WorkbookError) as caught:
            extent.check_package(safety.with_parts(data, bodies, "c"), tabs=TABS, source="c")
        return caught.value

    damaged = check({first: malformed, second: dtd})
    assert "damaged" in str(damaged) and damaged.tab == tab
    assert "declares a DTD" in str(check({first: dtd, second: malformed}))
    assert "declares a DTD" in str(check({first: far, second: dtd}))
    assert isinstance(check({first: far}), WorkbookTooLargeError)


def test_the_zips_entries_are_listed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One ``zipfile.ZipFile`` (its central directory read once) for every step of the
    check: until 2026-12-07 each step opened the zip again, and the declared sizes' check
    once more (4 + tabs times; 20,000 entries beside 5 tabs: 0.6 s)."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    opened: list[object] = []

    class Counted(zipfile.ZipFile):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            opened.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(zipfile, "ZipFile", Counted)
    assert check_workbook(path, tabs=TABS) == TABS
    assert len(opened) == 1, opened


def test_a_cell_past_the_grid_is_named_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The previous workbook's check logs the error's tab and message, not its cell:
    until a second review on 2026-12-07 the message said only "the cell is outside
    Excel's grid", and the log line named no cell."""
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    book = openpyxl.load_workbook(path)
    book["Summary"]["A2"] = "x"
    book.save(path)
    with zipfile.ZipFile(path) as src:
        sheet = _part_of(src, "Summary")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for info in src.infolist():
                body = src.read(info)
                if info.filename == sheet:
                    far = b'<row r="1048577"><c r="XFD1048577"><v>1</v></c></row></sheetData>'
                    body = body.replace(b"</sheetData>", far, 1)
                z.writestr(info, body)
    path.write_bytes(out.getvalue())
    with caplog.at_level(logging.WARNING):
        assert load_previous(path, ["Sales"], None, name="company.xlsx") == {}
    said = [r.getMessage() for r in caplog.records if "unreadable" in r.getMessage()]
    assert said == [
        "previous rollup company.xlsx unreadable, no last good data: Summary: the file is "
        "damaged: cell XFD1048577 is outside Excel's grid (its last column is XFD, its last "
        "row 1,048,576), and the tab too large to read with it (limit 10,000,000 cells); "
        "open the file in Excel (it offers to repair it) and save it, or restore an earlier "
        "copy"
    ]


def _part_of(book: zipfile.ZipFile, tab: str) -> str:
    """The worksheet part of ``tab``, as openpyxl saved it."""
    names = re.findall(
        rb'<sheet [^>]*name="([^"]*)"[^>]*r:id="([^"]*)"', book.read("xl/workbook.xml")
    )
    rid = dict(names)[tab.encode()]
    rels = book.read("xl/_rels/workbook.xml.rels")
    target = re.search(
        rb'Id="' + rid + rb'"[^>]*Target="([^"]*)"|Target="([^"]*)"[^>]*Id="' + rid + rb'"', rels
    )
    assert target is not None
    part = (target[1] or target[2]).decode()
    return part.lstrip("/") if part.startswith("/xl/") else "xl/" + part
