"""An .ods is read and scored, never written: ``ExcelBackend.write`` and the dry run's
``write_refusal`` say so before anything else a write would check (a lock file, a
read-only file, the package's own checks), since saving it as .xlsx is what lets a later
night write it. Without LibreOffice: a hand-made package stands for LibreOffice's .ods
(tests/sync/test_ods_team.py runs LibreOffice's own)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellWrite, WorkbookData

ADVICE = (
    "an OpenDocument spreadsheet (.ods) is read, but its cells cannot be written back; "
    "save it as an Excel workbook (.xlsx: LibreOffice File > Save As, Excel 2007-365) "
    "and point the team's source at that file"
)
#: an .ods under an Excel name: the name is no help, a new source is not needed
RENAMED = (
    "is an OpenDocument spreadsheet (.ods), whatever its name: read, but its cells cannot "
    "be written back; save it as an Excel workbook under the same name (LibreOffice File > "
    "Save As, Excel 2007-365)"
)
WRITES = [CellWrite("OKRs", 2, 18, 0.5)]


def _ods(*extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
        for name in extra:
            z.writestr(name, b"\x89PNG\r\n\x1a\n" + name.encode())
    return out.getvalue()


def _team(tmp_path: Path, name: str = "sales.ods", *extra: str) -> tuple[ExcelBackend, Path]:
    path = tmp_path / "teams" / name
    path.parent.mkdir()
    path.write_bytes(_ods(*extra))
    return ExcelBackend(path, backup_dir=tmp_path / "bk"), path


def _read(backend: ExcelBackend) -> WorkbookData:
    """What the reader gives of an .ods (``meta["format"]``), with the file's version."""
    return WorkbookData(
        backend.display_name, ("OKRs",), {}, backend.read_source()[1], {"format": "ods"}
    )


def _locked(path: Path) -> None:
    (path.parent / f".~lock.{path.name}#").write_bytes(b",Bob,pc-12,23.11.2025 08:00,file:///x;")


def _read_only(path: Path) -> None:
    path.chmod(0o444)


def test_the_dry_run_says_an_ods_is_not_written(tmp_path: Path) -> None:
    """Until 2026-12-07 only tests/sync/test_ods_team.py proved it, and only with
    LibreOffice installed."""
    backend, _ = _team(tmp_path)
    refusal = backend.write_refusal(_read(backend))
    assert isinstance(refusal, WorkbookError)
    assert str(refusal) == f"sales.ods: {ADVICE}"
    xlsx = WorkbookData("sales.xlsx", (), {}, "v", {"format": "xlsx"})
    assert backend.write_refusal(xlsx) is None


@pytest.mark.parametrize("made", [_locked, _read_only], ids=["open", "read-only"])
def test_an_ods_open_or_read_only_says_it_is_never_written(
    tmp_path: Path, made: Callable[[Path], None]
) -> None:
    """Until 2026-12-07 an .ods open in LibreOffice (or read-only) was skipped-locked,
    `Close it ... and the next run will update it`: a run that would then fail it."""
    backend, path = _team(tmp_path)
    data = _read(backend)
    made(path)
    before = path.read_bytes()
    refusal = backend.write_refusal(data)
    assert type(refusal) is WorkbookError and str(refusal) == f"sales.ods: {ADVICE}"
    with pytest.raises(WorkbookError) as caught:
        backend.write(data, WRITES)
    assert type(caught.value) is WorkbookError and str(caught.value) == f"sales.ods: {ADVICE}"
    assert path.read_bytes() == before


def test_an_ods_with_twin_picture_names_fails_as_the_dry_run_says(tmp_path: Path) -> None:
    """``Pictures/logo.png`` beside ``Pictures/Logo.png``, two images in ODF: until
    2026-12-07 the dry run said the .ods advice and the night `the zip holds two members
    for one part`, refused by the patch, whose package checks came first."""
    backend, path = _team(tmp_path, "sales.ods", "Pictures/logo.png", "Pictures/Logo.png")
    data = _read(backend)
    refusal = backend.write_refusal(data)
    with pytest.raises(WorkbookError) as caught:
        backend.write(data, WRITES)
    assert str(caught.value) == str(refusal) == f"sales.ods: {ADVICE}"
    assert path.read_bytes() == _ods("Pictures/logo.png", "Pictures/Logo.png")


#: under an .xlsm name, LibreOffice's macro-enabled type: its plain Excel 2007-365 saves
#: an .xlsx under that name (said until a review on 2026-12-07)
MACROS = (
    "is an OpenDocument spreadsheet (.ods), whatever its name: read, but its cells cannot "
    "be written back; save it as an Excel workbook under the same name (LibreOffice File > "
    "Save As, Excel 2007-365 (macro-enabled))"
)


@pytest.mark.parametrize(
    ("name", "said"), [("Sales.xlsx", RENAMED), ("Sales.XLSM", MACROS), ("s.xlsm", MACROS)]
)
def test_an_ods_under_an_excel_name_says_so(tmp_path: Path, name: str, said: str) -> None:
    """Until 2026-12-07 `Sales.xlsx: an OpenDocument spreadsheet (.ods) is read ...`,
    and `point the team's source at that file`, the file it names."""
    backend, _ = _team(tmp_path, name)
    data = _read(backend)
    assert str(backend.write_refusal(data)) == f"{name}: {said}"
    with pytest.raises(WorkbookError) as caught:
        backend.write(data, WRITES)
    assert str(caught.value) == f"{name}: {said}"
