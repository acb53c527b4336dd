"""``ExcelBackend``: one team's local .xlsx/.xlsm file behind the ``Backend`` protocol.

``read`` takes the file's bytes once and derives both the data and the version token from
those same bytes, so ``write`` can refuse to overwrite anything but exactly what was read.
``write`` refuses files open in Excel/LibreOffice, patches only the owned cells in memory
and swaps the file atomically with a backup of the previous version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sheets_sync.backends.excel.files import atomic_replace, fingerprint, read_with_stat
from sheets_sync.backends.excel.lockfiles import lock_of
from sheets_sync.backends.excel.patch import patch_xlsx
from sheets_sync.backends.excel.safety import ods_not_written
from sheets_sync.errors import (
    ConfigError,
    ConflictError,
    FileLockedError,
    SheetsSyncError,
    SourceError,
    WorkbookError,
    WorkbookTooLargeError,
)
from sheets_sync.grid import HEADER_FILL_ROWS, CellWrite, WorkbookData
from sheets_sync.regular_file import NotRegularFileError

DEFAULT_BACKUP_DIRNAME = ".sheets-sync-backups"
#: where a file's backups go and where an older layout's went (``Workspace.backup_dirs_for``)
BackupDirs = Callable[[], tuple[Path, Path | None]]


def _not_found(source: str, globbed: bool) -> str:
    """A team file gone: where it was looked for, and what to do. A ``teams_glob`` match
    has no entry to give a new path: it went after the run matched it (renamed, moved or
    deleted meanwhile, its folder unmounted, Excel saving it by a rename)."""
    if globbed:
        return (
            f"file not found ({source}, matched by teams_glob as the run began): renamed,"
            " moved or deleted since, or its folder unreachable; if it is back, or moved"
            " within teams_glob, the next run reads it"
        )
    return (
        f"file not found ({source}): if it was renamed, moved or deleted, put it back, or"
        " give the team its new path (its source in the workspace file)"
    )


class ExcelBackend:
    """A workbook on a local or mounted file system.

    ``backup_dir`` defaults to a hidden ``.sheets-sync-backups`` folder beside the file;
    backups are ``<file>/<file>.<UTC time>.bak`` (a folder per file) so ``*.xlsx`` globs
    never pick them up.
    """

    def __init__(
        self,
        path: Path,
        *,
        display_name: str | None = None,
        backup_dir: Path | None = None,
        keep_backups: int = 5,
        max_uncompressed_bytes: int = 50 * 2**20,
        legacy_backup_dir: Path | None = None,
        confine: Sequence[Path] | None = None,
        backup_dirs: BackupDirs | None = None,
        source: str | None = None,
        globbed: bool = False,
    ) -> None:
        self.path = Path(path)
        self._display_name = display_name or self.path.name
        # the path as the workspace names it (``teams/ops.xlsx``), for a file not found
        self.source = source or str(self.path)
        self.globbed = globbed  # a ``teams_glob`` match: no entry to give a new path
        # ``backup_dirs``, given, stands for ``backup_dir`` and ``legacy_backup_dir`` (flat
        # backups of an older layout): called when they are first needed, as the file is
        # written, so a night that writes nothing resolves no team's file for them (each
        # team's was some 14 ms of a 500-team no-op night's 190 ms read, until 2026-12-07)
        self._backup_dirs = backup_dirs
        self._backups: tuple[Path, Path | None] | None = None
        if backup_dirs is None:
            default = self.path.parent / DEFAULT_BACKUP_DIRNAME
            self._backups = (backup_dir if backup_dir is not None else default, legacy_backup_dir)
        self.keep_backups = keep_backups
        self.written_sha256: str | None = None  # of the bytes the last write() put in place
        # the version token of the file that write left (None: not known): another team of
        # the same workbook, written after it in the same run, expects that version
        self.written_version: str | None = None
        self.max_uncompressed_bytes = max_uncompressed_bytes
        # the resolved folders the file may really be in, checked at each read and write
        # (it may have become a link out of them since the workspace loaded); None: any
        self.confine = None if confine is None else tuple(confine)

    @property
    def display_name(self) -> str:
        return self._display_name

    @property
    def backup_dir(self) -> Path:
        return self._found_backups()[0]

    @property
    def legacy_backup_dir(self) -> Path | None:
        return self._found_backups()[1]

    def _found_backups(self) -> tuple[Path, Path | None]:
        if self._backups is None:
            assert self._backup_dirs is not None
            self._backups, self._backup_dirs = self._backup_dirs(), None
        return self._backups

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (a read parked in the spill, one back from a worker) with its backup
        folders found: their finder is the workspace's, no part of a spill
        (``unpickle.SPILL``); a read is pickled so only when it is to be written."""
        self._found_backups()
        return dict(vars(self))

    def _read_bytes(self) -> tuple[bytes, str]:
        try:
            data, st = read_with_stat(self.path, self.max_uncompressed_bytes, self.confine)
        except WorkbookTooLargeError as exc:
            raise WorkbookTooLargeError(exc.message, source=self.display_name) from None
        except FileNotFoundError:  # until 2026-12-07 "file not found" alone: no folder, no way out
            raise SourceError(
                _not_found(self.source, self.globbed), source=self.display_name
            ) from None
        except IsADirectoryError:
            raise SourceError("is a folder, not a workbook", source=self.display_name) from None
        except PermissionError:
            raise SourceError("permission denied", source=self.display_name) from None
        except NotRegularFileError as exc:  # a folder opens read-only on Linux, no EISDIR
            # the kind as ``regular_file.file_kind`` names it everywhere: "is a named pipe"
            why = (
                "is a folder, not a workbook"
                if exc.kind == "folder"
                else f"is a {exc.kind}, not a file"
            )
            raise SourceError(why, source=self.display_name) from None
        except SourceError as exc:  # a conflict, a link out of ``confine``
            raise type(exc)(exc.message, source=self.display_name) from None
        except OSError as exc:  # a parent that is a file, a name too long, a symlink loop
            why = exc.strerror or type(exc).__name__
            raise SourceError(f"cannot read: {why}", source=self.display_name) from None
        return data, fingerprint(data, st)

    def read(self, tabs: Sequence[str], header_rows: int = HEADER_FILL_ROWS) -> WorkbookData:
        """``header_rows``: how far down the owned header's grey-blue is read (as far as
        the mapping seeks a header: ``mapping.spec.header_rows``)."""
        return self.parse(*self.read_source(), tabs, header_rows)

    def read_source(self) -> tuple[bytes, str]:
        """The file's bytes and their version token, unparsed (the engine's read cache
        parses only bytes it has not seen)."""
        return self._read_bytes()

    def parse(
        self,
        data: bytes,
        version: str,
        tabs: Sequence[str],
        header_rows: int = HEADER_FILL_ROWS,
    ) -> WorkbookData:
        """``tabs`` may be one tab's name as a str (its letters were taken for the tabs,
        and none was found, until 2026-12-07)."""
        from sheets_sync.backends.excel.reader import read_workbook_bytes

        if isinstance(tabs, str):
            tabs = (tabs,)
        wb = read_workbook_bytes(
            data,
            source=self.display_name,
            tabs=tabs,
            max_uncompressed_bytes=self.max_uncompressed_bytes,
            header_rows=header_rows,
        )
        return dataclasses.replace(wb, version=version)

    def _check_lock(self) -> None:
        lock = lock_of(self.path)  # a linked team file: beside its target too
        if lock is not None:
            files = "lock files" if lock.also else "lock file"
            now = time.time()  # one age for the message and the advice built on it
            raise FileLockedError(
                f"the file is {lock.describe(now)}; not written. Close it (or delete the "
                f"{files} if nobody has it open) and the next run will update it",
                source=self.display_name,
                holder=lock.holder,
                lock_days=lock.age_days(now),
                lock_paths=tuple(str(p) for p in lock.paths),
            )

    def write_refusal(self, data: WorkbookData | None = None) -> SourceError | None:
        """The error a write now would raise before reading the file: the
        ``WorkbookError`` of ``data`` read from an .ods, which is never written, or the
        ``FileLockedError`` of a file open in Excel or LibreOffice or read-only; or None:
        ``sync --dry-run`` shows a team the night would leave alone or fail as the night
        would, not as ``ok``."""
        try:
            self._check_ods(data)
            self._check_lock()
            self._check_writable()
        except (WorkbookError, FileLockedError) as exc:
            return exc
        return None

    def _check_ods(self, data: WorkbookData | None) -> None:
        """An .ods is read, never written: said first, before a lock file or a read-only
        file, whose advice (``Close it ... and the next run will update it``) a next run
        would not keep, and before the patch's package checks (two pictures whose names
        differ only in case, legal in ODF, were refused as a zip's twins: until
        2026-12-07, while the dry run said the .ods advice)."""
        if data is not None and data.meta.get("format") == "ods":
            raise WorkbookError(ods_not_written(self.path.name), source=self.display_name)

    def _check_writable(self) -> None:
        """The rename that makes a write atomic needs only the folder's permission: a file
        its team made read-only, or one the sync may not write, was replaced anyway."""
        try:
            st = os.stat(self.path)
        except OSError:
            return  # the read that follows says why
        if not st.st_mode & 0o222:
            why = "the file is read-only"
        elif not os.access(self.path, os.W_OK):
            if _read_only_mount(self.path):
                raise FileLockedError(
                    "the folder is on a read-only file system; not written. Mount it "
                    "writable and the next run will update it",
                    source=self.display_name,
                )
            why = "the sync may not write the file (permission denied)"
        else:
            return
        raise FileLockedError(
            f"{why}; not written. Make it writable and the next run will update it",
            source=self.display_name,
        )

    def _patched(self, current: bytes, writes: Sequence[CellWrite]) -> bytes:
        try:
            limit = self.max_uncompressed_bytes
            return patch_xlsx(current, writes, max_uncompressed_bytes=limit, name=self.path.name)
        except SheetsSyncError as exc:
            exc.source = exc.source or self.display_name
            raise

    def _holds(self, current: bytes, writes: Sequence[CellWrite]) -> bool:
        """The file already has exactly these writes: a patch is byte-identical when run
        twice, so patching it again changes nothing. (Costs a patch; only on a conflict.)"""
        try:
            return self._patched(current, writes) == current
        except SheetsSyncError:
            return False

    def write(self, data: WorkbookData, writes: Sequence[CellWrite]) -> None:
        """Apply ``writes`` iff the file is still the version ``data`` was read from."""
        if not writes:
            return
        if not data.version:
            raise ConfigError(  # a bare ValueError (until 2026-12-07)
                "data: WorkbookData with no version; write() takes what read() returned",
                source=self.display_name,
            )
        self._check_ods(data)
        self._check_lock()
        self._check_writable()
        current, version = self._read_bytes()
        if version != data.version:
            if self._holds(current, writes):
                # written already: by a worker process that died before it said so (its
                # version is what a next team of the same workbook expects)
                self.written_version = version
                return
            raise ConflictError(
                "the file changed since it was read; not overwritten (will retry next run)",
                source=self.display_name,
            )
        patched = self._patched(current, writes)
        self._check_lock()  # someone may have opened it while we patched
        atomic_replace(
            self.path,
            patched,
            expected_version=data.version,
            backup_dir=self.backup_dir,
            keep_backups=self.keep_backups,
            source=self.display_name,
            legacy_backup_dir=self.legacy_backup_dir,
            confine=self.confine,
        )
        self.written_sha256 = hashlib.sha256(patched).hexdigest()
        try:  # a save by someone else since the replace gives a version no file has
            self.written_version = fingerprint(patched, os.stat(self.path))
        except OSError:
            self.written_version = None


def _read_only_mount(path: Path) -> bool:
    """``os.access`` says no on a read-only mount too, where permissions are not why."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): permissions, then
        return False
