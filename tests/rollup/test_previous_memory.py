"""Last night's company workbook read back when memory runs out: while its parts inflate,
while its tabs are scanned or parsed, while its rows are carried. Each is the night's
rollup failure (not published without the failed teams' rows), in an export's words for
an export, and the error kept does not keep what the read held."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.excel import extent, safety
from sheets_sync.config import load_workspace
from sheets_sync.errors import WorkbookOutOfMemoryError
from sheets_sync.rollup import previous, write_rollup_xlsx
from sheets_sync.rollup.previous import load_previous
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.run import export_workspace
from sheets_sync.workspace.demo import create_demo
from tests.rollup.test_previous_split import odd_rollup

FILLER = 16 * 2**20  # what the read held when memory ran out
NOT_READ_BACK = (
    "last night's rows of the teams that failed (Ops, Sales) could not be read back (out "
    "of memory: other reads at once, or a rollup larger than this machine holds); "
)
NOT_PUBLISHED = (
    "not published without them: the last rollup stays as it is, and the next run reads it again"
)


def _previous(tmp_path: Path) -> Path:
    path = tmp_path / "company.xlsx"
    write_rollup_xlsx(odd_rollup(), path)
    return path


def _run_out_inflating(monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """Memory runs out as the worksheets of ``source`` inflate (the package check)."""
    inflate = safety._inflate

    def inflating(zf: Any, info: Any, budget: int, limit: int, source_: str) -> bytes:
        if source_ == source and "worksheets/sheet" in info.filename:
            raise MemoryError
        return inflate(zf, info, budget, limit, source_)

    monkeypatch.setattr(safety, "_inflate", inflating)


def test_running_out_of_memory_as_its_parts_inflate_is_the_nights_rollup_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Until 2026-12-07 it was logged as an unreadable workbook ("too large to read in the
    memory free") and the rollup went out without the failed teams' rows: lost for good,
    as the next night reads tonight's rollup."""
    path = _previous(tmp_path)
    _run_out_inflating(monkeypatch, str(path))
    with pytest.raises(WorkbookOutOfMemoryError) as caught:
        load_previous(path, ["Sales", "Ops"], None)
    assert caught.value.source == str(path)
    assert caught.value.message == NOT_READ_BACK + NOT_PUBLISHED
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "unreadable" not in caplog.text


def test_a_night_whose_read_back_runs_out_of_memory_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the docs promise (docs/rollup.md), as for a Google rollup: exit 1, last
    night's workbook whole, read again the next night."""
    ws = load_workspace(create_demo(tmp_path / "ws"))
    options = SyncOptions(as_of=dt.date(2026, 11, 23), workers=1)
    assert Sync(ws).run(options).rollup_rewritten
    night_1 = ws.rollup_path.read_bytes()
    (ws.root / "teams" / "Sales.xlsx").write_bytes(b"PK\x03\x04 cut short")
    _run_out_inflating(monkeypatch, str(ws.rollup_path))
    result = Sync(ws).run(options)
    assert result.rollup_error == (
        f"{ws.rollup_output}: the company rollup was not published: last night's rows of the "
        "teams that failed (Sales) could not be read back (out of memory: other reads at "
        f"once, or a rollup larger than this machine holds); {NOT_PUBLISHED}"
    )
    assert not result.rollup_rewritten
    assert ws.rollup_path.read_bytes() == night_1
    monkeypatch.undo()  # memory again: the next night carries Sales's rows
    again = Sync(ws).run(options)
    assert again.rollup_error is None and again.rollup_rewritten


def test_an_export_that_runs_out_of_memory_says_it_exported_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until 2026-12-07 an Excel rollup's said "not published ... the last rollup stays as
    it is" of an export, which publishes nothing (a Google rollup's said it right)."""
    ws = load_workspace(create_demo(tmp_path / "ws"))
    Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), workers=1))
    (ws.root / "teams" / "Sales.xlsx").write_bytes(b"PK\x03\x04 cut short")
    _run_out_inflating(monkeypatch, str(ws.rollup_path))
    with pytest.raises(WorkbookOutOfMemoryError) as caught:
        export_workspace(ws, tmp_path / "exp", "csv", as_of=dt.date(2026, 11, 23))
    said = caught.value.message
    assert "teams that failed (Sales) could not be read back (out of memory" in said
    assert said.endswith("; nothing exported without them: export again once it reads")
    assert "published" not in said
    assert not (tmp_path / "exp").exists() or not list((tmp_path / "exp").iterdir())


@pytest.mark.parametrize("where", ["check", "scan", "parse", "carry"])
def test_the_error_kept_does_not_keep_what_the_read_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The error is kept with its traceback (a library caller's ``except``, a report):
    until 2026-12-07 it chained the ``MemoryError`` (``from None`` still sets
    ``__context__``), whose traceback held the frames of the read: the package check's
    inflated tabs (some 20 MiB at 500 teams), the tables read. ``FILLER`` bytes stand for
    them: in the package check's parts, or a frame of the step that ran out."""
    path = _previous(tmp_path)

    def run_out(*_args: object, **_kwargs: object) -> None:
        held = bytearray(FILLER)  # what the step had read when memory ran out
        raise MemoryError(len(held))

    def no_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    if where == "check":  # the check's inflated parts, in its frames, when the scan ran out
        inspect = safety.inspect_package

        def inspecting(data: bytes, **kwargs: Any) -> safety.Package:
            package = inspect(data, **kwargs)
            return safety.Package(package.kind, {**package.parts, "filler": bytes(FILLER)})

        monkeypatch.setattr(extent, "inspect_package", inspecting)
        monkeypatch.setattr(extent, "scan_worksheet", no_memory)
    elif where == "scan":
        monkeypatch.setattr(extent, "scan_worksheet", run_out)
    elif where == "parse":
        monkeypatch.setattr("pandas.read_excel", run_out)
    else:
        monkeypatch.setattr(previous, "carry_previous", run_out)
    with pytest.raises(WorkbookOutOfMemoryError):  # what it imports, before measuring
        load_previous(path, ["Sales", "Ops"], None)
    error: BaseException | None = None
    tracemalloc.start()
    try:
        try:
            load_previous(path, ["Sales", "Ops"], None)
        except WorkbookOutOfMemoryError as exc:
            error = exc
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert isinstance(error, WorkbookOutOfMemoryError)
    assert error.__context__ is None and error.__cause__ is None
    assert error.__traceback__ is not None  # kept with it, as a caller keeps it
    assert held < FILLER // 4, held  # before: the filler and more


def test_a_google_read_back_out_of_memory_keeps_nothing_of_the_reply() -> None:
    """The same for a Google rollup: the error kept held the reply's grids through the
    chained ``MemoryError`` (until 2026-12-07)."""
    from types import SimpleNamespace
    from typing import cast

    from sheets_sync.backends.gsheets.previous import load_previous_gsheet

    class Client:
        def get_spreadsheet(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            return {"sheets": [{"properties": {"title": "Summary"}}]}

        def batch_get_values(self, key: str, params: dict[str, Any], **kw: Any) -> Any:
            reply = bytearray(FILLER)  # the reply read when memory ran out
            raise MemoryError(len(reply))

    workspace = cast("Any", SimpleNamespace(rollup_output="gsheet:KEY"))
    error: BaseException | None = None
    tracemalloc.start()
    try:
        try:
            load_previous_gsheet(workspace, ["Ops", "Sales"], None, cast("Any", Client()))
        except WorkbookOutOfMemoryError as exc:
            error = exc
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert isinstance(error, WorkbookOutOfMemoryError)
    assert str(error) == f"gsheet:KEY: {NOT_READ_BACK}{NOT_PUBLISHED}"
    assert error.__context__ is None
    assert held < FILLER // 4, held


def test_the_package_check_keeps_none_of_its_earlier_steps_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``check_package`` inflates in steps, each keeping the parts of the one before: memory
    running out in the last (the tabs) left the step before's package in its own frame and
    the package check's ``_inflated``, both in the error's traceback (until 2026-12-07).
    ``FILLER`` bytes stand for the workbook part that step inflated."""
    path = _previous(tmp_path)
    data = extent.read_workbook(path, source="company.xlsx")
    inflate = safety._inflate

    def inflating(zf: Any, info: Any, budget: int, limit: int, source: str) -> bytes:
        if "worksheets/sheet" in info.filename:
            raise MemoryError
        body = inflate(zf, info, budget, limit, source)
        if info.filename == "xl/workbook.xml":  # after its root: still the same workbook
            body += (b"<!--" + b" " * 1017 + b"-->") * (FILLER // 1024)
        return body

    monkeypatch.setattr(safety, "_inflate", inflating)
    error: BaseException | None = None
    tracemalloc.start()
    try:
        try:
            extent.check_package(data, tabs=["Objectives"], source="company.xlsx")
        except WorkbookOutOfMemoryError as exc:
            error = exc
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert isinstance(error, WorkbookOutOfMemoryError)
    assert error.__traceback__ is not None  # kept with it, as a caller keeps it
    assert held < FILLER // 4, held  # before: the filler


@pytest.mark.parametrize("rollup", ["excel", "google"])
def test_the_error_of_a_carry_out_of_memory_keeps_none_of_the_tables_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rollup: str
) -> None:
    """The tables read are gone before the error is made (``previous.carried``): raised
    in a frame that still held them, its traceback kept them for as long as the error
    was kept. ``FILLER`` bytes stand for the tables (20 MiB at 500 teams)."""
    import pandas as pd

    from sheets_sync.backends.gsheets import previous as gprevious

    def tables(*_args: object, **_kwargs: object) -> previous.Tables:
        filler = pd.DataFrame({"Team": ["Sales"], "x": [bytes(FILLER)]})
        return {"Objectives": filler}, pd.DataFrame()

    def no_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(previous, "carry_previous", no_memory)
    if rollup == "excel":
        monkeypatch.setattr(previous, "_read_tabs", tables)
        path = _previous(tmp_path)

        def load() -> object:
            return load_previous(path, ["Sales", "Ops"], None)
    else:
        from types import SimpleNamespace
        from typing import cast

        monkeypatch.setattr(gprevious, "_read_back", tables)
        workspace = cast("Any", SimpleNamespace(rollup_output="gsheet:KEY"))

        def load() -> object:
            return gprevious.load_previous_gsheet(workspace, ["Ops", "Sales"], None)

    error: BaseException | None = None
    tracemalloc.start()
    try:
        try:
            load()
        except WorkbookOutOfMemoryError as exc:
            error = exc
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert isinstance(error, WorkbookOutOfMemoryError)
    assert error.__context__ is None and error.__traceback__ is not None
    assert held < FILLER // 4, held
