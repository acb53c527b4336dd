"""ExcelBackend: read/write round trip, conflicts, locks, backups, error sources."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.base import Backend
from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.errors import ConflictError, FileLockedError, SourceError, WorkbookError
from sheets_sync.grid import CellStyle, CellWrite
from tests.backends.excel.fixtures import GREEN, status_writes
from tests.support.shared import REAL_WORLD, needs_real_world


@pytest.fixture
def team_file(tmp_path: Path, team_lo: bytes) -> Path:
    path = tmp_path / "team" / "sales-okrs.xlsx"
    path.parent.mkdir()
    path.write_bytes(team_lo)
    return path


def _backend(path: Path, **kw: object) -> ExcelBackend:
    return ExcelBackend(path, display_name="sales.xlsx", backup_dir=path.parent.parent / "bk", **kw)  # type: ignore[arg-type]


def test_read_then_write(team_file: Path) -> None:
    backend: Backend = _backend(team_file)
    data = backend.read(["okrs"])
    assert data.version.startswith("xlsx-v1:")
    assert data.source == "sales.xlsx"
    backend.write(data, status_writes())
    ws = openpyxl.load_workbook(team_file)["OKRs"]
    assert ws["I2"].value == "on track" and ws["I2"].fill.fgColor.rgb == "FF" + GREEN
    again = backend.read(["OKRs"])
    assert again.version != data.version
    with pytest.raises(ConflictError):  # the old version is stale now
        backend.write(data, status_writes(rows=range(3, 15)))
    backend.write(again, status_writes())


def test_a_write_run_again_finds_it_done(team_file: Path) -> None:
    """A write whose worker died after the rename is run again from the same read: the
    file already holds exactly those cells, so it is neither a conflict nor rewritten."""
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    _backend(team_file).write(data, status_writes())  # the worker that died
    written, stat = team_file.read_bytes(), os.stat(team_file)
    backend.write(data, status_writes())  # stale version, same cells
    assert team_file.read_bytes() == written
    assert os.stat(team_file).st_mtime_ns == stat.st_mtime_ns
    assert backend.written_sha256 is None  # nothing written here: nothing to cache
    with pytest.raises(ConflictError):  # other cells than the file holds
        backend.write(data, status_writes(rows=range(3, 15)))


def test_empty_writes_touch_nothing(team_file: Path) -> None:
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    before = os.stat(team_file).st_mtime_ns
    backend.write(data, [])
    assert os.stat(team_file).st_mtime_ns == before
    assert not (team_file.parent.parent / "bk").exists()


def test_conflict_leaves_file_untouched(team_file: Path) -> None:
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    wb = openpyxl.load_workbook(team_file)
    wb["OKRs"]["A2"] = "edited by a human"
    wb.save(team_file)
    edited = team_file.read_bytes()
    with pytest.raises(ConflictError) as info:
        backend.write(data, status_writes())
    assert info.value.source == "sales.xlsx"
    assert team_file.read_bytes() == edited


@pytest.mark.parametrize(
    ("lock_name", "content", "holder"),
    [
        (
            "~$sales-okrs.xlsx",
            bytes([5]) + b"Alice".ljust(54, b" ") + b"\x05\x00" + "Alice".encode("utf-16-le"),
            "Alice",
        ),
        (
            ".~lock.sales-okrs.xlsx#",
            b",Bob Smith,pc-12,23.11.2025 08:00,file:///x;",
            "Bob Smith on pc-12",
        ),
    ],
)
def test_locked_file_is_not_written(
    team_file: Path, lock_name: str, content: bytes, holder: str
) -> None:
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    (team_file.parent / lock_name).write_bytes(content)
    before = team_file.read_bytes()
    with pytest.raises(FileLockedError) as info:
        backend.write(data, status_writes())
    assert info.value.holder == holder
    assert holder in str(info.value) and "sales.xlsx" in str(info.value)
    assert team_file.read_bytes() == before


@pytest.mark.parametrize("lock_name", ["~$sales-okrs.xlsx", ".~lock.sales-okrs.xlsx#"])
def test_a_linked_file_open_where_the_link_leads_is_not_written(
    team_file: Path, lock_name: str
) -> None:
    """``teams/Sales.xlsx`` a link to ``team/sales-okrs.xlsx``, which Bob has open: his
    application put its lock file beside the file it opened, not beside the link, and
    the write replaced the file under him."""
    link = team_file.parent.parent / "teams" / "Sales.xlsx"
    link.parent.mkdir()
    link.symlink_to(team_file)
    backend = _backend(link)
    data = backend.read(["OKRs"])
    (team_file.parent / lock_name).write_bytes(b",Bob,pc-12,23.11.2025 08:00,file:///x;")
    before = team_file.read_bytes()
    with pytest.raises(FileLockedError, match="the file is open in ") as info:
        backend.write(data, status_writes())
    assert str(info.value).endswith(
        f" ({lock_name}); not written. Close it (or delete the "
        "lock file if nobody has it open) and the next run will update it"
    )
    assert team_file.read_bytes() == before
    assert link.is_symlink()


def test_backups_keep_previous_versions(team_file: Path) -> None:
    backend = _backend(team_file, keep_backups=2)
    versions = [team_file.read_bytes()]
    for n in range(4):
        data = backend.read(["OKRs"])
        backend.write(data, [CellWrite("OKRs", 2, 9, f"pass {n}", CellStyle(fill=GREEN))])
        versions.append(team_file.read_bytes())
    backups = sorted((team_file.parent.parent / "bk" / team_file.name).iterdir())
    assert [b.read_bytes() for b in backups] == versions[2:4]
    assert all(not b.name.endswith(".xlsx") for b in backups)


def test_default_backup_dir_beside_file(team_file: Path) -> None:
    backend = ExcelBackend(team_file)
    backend.write(backend.read(["OKRs"]), [CellWrite("OKRs", 2, 9, "x")])
    backups = team_file.parent / ".sheets-sync-backups" / team_file.name
    assert len(list(backups.iterdir())) == 1
    assert [p.name for p in team_file.parent.glob("*.xlsx")] == ["sales-okrs.xlsx"]


@needs_real_world
def test_refusal_names_the_source(tmp_path: Path) -> None:
    path = tmp_path / "strict.xlsx"
    path.write_bytes((REAL_WORLD / "tafia__calamine" / "strict_iso_paths.xlsx").read_bytes())
    backend = ExcelBackend(path, display_name="team-strict.xlsx")
    data = backend.read(["Sheet1"])
    with pytest.raises(WorkbookError) as info:
        backend.write(data, [CellWrite(data.sheet_names[0], 1, 1, 1.0)])
    assert str(info.value).startswith("team-strict.xlsx")
    assert "Strict" in str(info.value)


def test_read_returns_reader_data_with_version(team_file: Path) -> None:
    data = _backend(team_file).read(["OKRs", "Summary"])
    assert "OKRs" in data.sheets and data.sheets["OKRs"].value(1, 1) == "Objective"
    raw = team_file.read_bytes()
    assert data.version.split(":")[1] == str(len(raw))
    assert openpyxl.load_workbook(io.BytesIO(raw))


def _pipe(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _device(path: Path) -> Path:
    path.symlink_to("/dev/zero")
    return path


def _loop(path: Path) -> Path:
    (path.parent / "b.xlsx").symlink_to(path)
    path.symlink_to(path.parent / "b.xlsx")
    return path


def _under_a_file(path: Path) -> Path:
    (path.parent / "file.xlsx").write_bytes(b"x")
    return path.parent / "file.xlsx" / "team.xlsx"


def _too_long(path: Path) -> Path:
    return path.parent / ("t" * 300 + ".xlsx")


def _folder(path: Path) -> Path:
    """Linux opens a folder read-only without EISDIR: it was "not a file (a pipe, ...)"."""
    path.mkdir()
    return path


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_pipe, "is a named pipe, not a file"),  # held the night, waiting
        (_device, "is a device, not a file"),  # /dev/zero: a read without end
        (_loop, "cannot read: Too many levels of symbolic links"),
        (_under_a_file, "cannot read: Not a directory"),
        (_too_long, "cannot read: File name too long"),
        (_folder, "is a folder, not a workbook"),
    ],
    ids=["named-pipe", "device", "symlink-loop", "parent-is-a-file", "name-too-long", "folder"],
)
def test_a_path_that_is_no_workbook_file_is_the_teams_error(
    tmp_path: Path, make: object, message: str
) -> None:
    """Not a traceback ("internal error ... please report it"), and never a hang."""
    path = make(tmp_path / "team.xlsx")  # type: ignore[operator]
    with pytest.raises(SourceError) as info:
        _backend(path).read(["OKRs"])
    assert str(info.value) == f"sales.xlsx: {message}"


def test_a_read_only_file_is_not_replaced(team_file: Path) -> None:
    """The rename needs only the folder's permission: a file its team made read-only was
    overwritten anyway. It is now left alone, as a file open in Excel is."""
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    team_file.chmod(0o444)
    before = team_file.read_bytes()
    with pytest.raises(FileLockedError) as info:
        backend.write(data, status_writes())
    assert str(info.value) == (
        "sales.xlsx: the file is read-only; not written. Make it writable and the next run "
        "will update it"
    )
    assert team_file.read_bytes() == before


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_write_keeps_the_files_owner_and_group(team_file: Path) -> None:
    """A team member's 644 file became the sync user's: its owner could not save it."""
    os.chown(team_file, 65534, 65534)
    team_file.chmod(0o640)
    backend = _backend(team_file)
    backend.write(backend.read(["OKRs"]), status_writes())
    st = os.stat(team_file)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (65534, 65534, 0o640)
    assert openpyxl.load_workbook(team_file)["OKRs"]["I2"].value == "on track"


def test_a_file_system_without_owners_still_takes_the_write(
    team_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT and some SMB mounts refuse chown with EINVAL or EOPNOTSUPP, not EPERM."""
    import errno

    def refuse(fd: int, uid: int, gid: int) -> None:
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "fchown", refuse)
    backend = _backend(team_file)
    backend.write(backend.read(["OKRs"]), status_writes())
    assert openpyxl.load_workbook(team_file)["OKRs"]["I2"].value == "on track"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    """A 300 MB file that is no workbook was read whole (356 MB peak) and only then refused
    as damaged: its size alone says it is over the limit."""
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as fh:
        fh.truncate(3 * 2**20)  # sparse: 3 MiB of zeros, no zip
    backend = ExcelBackend(path, display_name="huge.xlsx", max_uncompressed_bytes=2**20)
    with pytest.raises(WorkbookError) as info:
        backend.read(["OKRs"])
    assert str(info.value) == "huge.xlsx: the file is 3.0 MiB, over the size limit (1.0 MiB)"


def test_a_file_on_a_read_only_mount_says_so(
    team_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teams folder mounted read-only read "the sync may not write the file (permission
    denied)": the permissions were fine. (The OS calls stand in for a read-only mount,
    which a test cannot make without root.)"""
    before = team_file.read_bytes()
    backend = _backend(team_file)
    data = backend.read(["OKRs"])

    class ReadOnly:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    monkeypatch.setattr(os, "statvfs", lambda *a: ReadOnly())
    with pytest.raises(FileLockedError) as info:
        backend.write(data, status_writes())
    assert str(info.value) == (
        "sales.xlsx: the folder is on a read-only file system; not written. Mount it "
        "writable and the next run will update it"
    )
    assert team_file.read_bytes() == before


def test_a_patch_that_is_not_well_formed_xml_leaves_the_file(
    team_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last guard before the replace: should the scans misread a damaged sheet again
    (they ended a row at a nested row's ``</row>``), the team keeps its file."""
    from sheets_sync.backends.excel import sheetxml

    real = sheetxml.SheetEditor.apply

    def broken(self: sheetxml.SheetEditor, *args: object) -> sheetxml.SheetPatch:
        done = real(self, *args)  # type: ignore[arg-type]
        return sheetxml.SheetPatch(done.xml.replace(b"</sheetData>", b"</is>", 1), ())

    monkeypatch.setattr(sheetxml.SheetEditor, "apply", broken)
    backend = _backend(team_file)
    data = backend.read(["OKRs"])
    before = team_file.read_bytes()
    with pytest.raises(WorkbookError) as info:
        backend.write(data, status_writes())
    assert str(info.value).startswith("sales.xlsx!OKRs: the worksheet is damaged")
    assert team_file.read_bytes() == before


def test_one_tab_name_as_a_str_is_that_tab(team_file: Path) -> None:
    """``read("OKRs")`` took the letters for the tabs and silently found none (until
    2026-12-07): a str is one tab's name, as the list of it is."""
    backend = _backend(team_file)
    one, listed = backend.read("OKRs"), backend.read(["OKRs"])
    assert list(one.sheets) == list(listed.sheets) != []
    assert one.sheets == listed.sheets


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (CellWrite("OKRs", 0, 8, 1.0), "sales.xlsx!OKRs!H0: outside the worksheet grid"),
        (
            CellWrite("OKRs", 2, 16_385, 1.0),
            "sales.xlsx!OKRs!XFE2: outside the worksheet grid",
        ),
        (
            CellWrite("OKRs", 2, 8, float("nan")),
            "sales.xlsx!OKRs!H2: nan cannot be stored in a cell",
        ),
        (
            CellWrite("OKRs", 2, 8, float("inf")),
            "sales.xlsx!OKRs!H2: inf cannot be stored in a cell",
        ),
        (
            CellWrite("OKRs", 2, 8, [1]),  # type: ignore[arg-type]
            "sales.xlsx!OKRs!H2: [1] is not a cell value (a str, a number, a bool or None)",
        ),
        (
            CellWrite("OKRs", 2, 8, "a\x01b"),
            "sales.xlsx!OKRs!H2: text holds control characters that a workbook cannot store",
        ),
    ],
)
def test_a_write_a_cell_cannot_hold_is_a_workbook_error_naming_the_cell(
    team_file: Path, write: CellWrite, message: str
) -> None:
    """A cell outside the grid or a NaN was a bare ValueError, a value of another type a
    TypeError (until 2026-12-07); the file is left as it was."""
    backend = _backend(team_file)
    data, before = backend.read(["OKRs"]), team_file.read_bytes()
    with pytest.raises(WorkbookError) as caught:
        backend.write(data, [write])
    assert str(caught.value) == message
    assert team_file.read_bytes() == before


def test_a_write_with_data_of_no_version_is_a_config_error(team_file: Path) -> None:
    """``write()`` of WorkbookData built by hand (no version) was a bare ValueError."""
    import dataclasses

    from sheets_sync.errors import ConfigError

    backend = _backend(team_file)
    data = dataclasses.replace(backend.read(["OKRs"]), version="")
    with pytest.raises(ConfigError) as caught:
        backend.write(data, status_writes())
    assert str(caught.value) == (
        "sales.xlsx: data: WorkbookData with no version; write() takes what read() returned"
    )
