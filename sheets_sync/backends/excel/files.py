"""File-system side of the Excel write path: versions, atomic replace, backups.

The promise is "never lose a team's data": a write either leaves the old file or the new
one on disk (temp file + fsync + ``os.replace`` + directory fsync), never overwrites a file
that changed since we read it (size/mtime, then sha256), and keeps the previous version in
a backup folder. Temp and backup names never end in ``.xlsx`` so folder globs skip them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import math
import os
import re
import stat as stat_mod
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from sheets_sync.atomic import fsync_dir, is_temp_name, remove_stale
from sheets_sync.backends.excel.safety import file_size_limit, refuse_oversized_file
from sheets_sync.errors import ConflictError, SourceError
from sheets_sync.regular_file import (
    ChangedWhileReadError,
    FileTooLargeError,
    read_regular_file,
)
from sheets_sync.sources import is_confined, outside_message

TEMP_SUFFIX = ".sheets-sync-tmp"
BACKUP_SUFFIX = ".bak"
_STALE_TEMP_SECONDS = 3600.0
#: folder -> when this process last swept it for stale temp files (see _remove_stale_temps)
_swept: dict[Path, float] = {}
_VERSION_PREFIX = "xlsx-v1"
#: folder -> {file name: its flat backups, oldest first} (see _flat_backups)
_flat: dict[Path, dict[str, list[str]]] = {}
_FLAT_STAMP = re.compile(r"\.\d{8}T\d{12}Z" + re.escape(BACKUP_SUFFIX) + r"\Z")


def fingerprint(data: bytes, st: os.stat_result) -> str:
    """Opaque version token: size, mtime_ns and sha256 of the exact bytes that were read."""
    digest = hashlib.sha256(data).hexdigest()
    return f"{_VERSION_PREFIX}:{len(data)}:{st.st_mtime_ns}:{digest}"


def content_digest(version: str) -> str:
    """The sha256 (hex) of the bytes a version token was made from."""
    return _parse_version(version)[2]


def _parse_version(version: str) -> tuple[int, int, str]:
    parts = version.split(":")
    if len(parts) != 4 or parts[0] != _VERSION_PREFIX:
        raise ValueError(f"not an Excel file version token: {version!r}")
    return int(parts[1]), int(parts[2]), parts[3]


def read_with_stat(
    path: Path, max_bytes: int | None = None, confine: Sequence[Path] | None = None
) -> tuple[bytes, os.stat_result]:
    """Read a file's bytes and the stat of the same open descriptor (one consistent view).

    Opened without blocking, and refused unless a regular file: a team source that is a
    named pipe held the whole night (and its lock) waiting for a writer. ``max_bytes``:
    the uncompressed size limit; a file that big is refused unread (a 300 MB file was
    read whole, then refused as damaged or too large). ``confine``: the resolved folders
    the file may be in (``sources.confining_folders``), checked on the open file, since
    a name checked when the workspace loaded may be a link out of them by now."""

    def confined(fd: int, st: os.stat_result) -> None:
        _check_confined(path, fd, st, confine or ())

    limit = None if max_bytes is None else file_size_limit(max_bytes)
    try:
        return read_regular_file(path, limit, opened=None if confine is None else confined)
    except FileTooLargeError as exc:
        refuse_oversized_file(exc.size, max_bytes or 0, path.name)
        raise
    except ChangedWhileReadError:
        raise ConflictError("the file changed while it was being read", source=path.name) from None


def _check_confined(path: Path, fd: int, opened: os.stat_result, confine: Sequence[Path]) -> None:
    """Refuse the file opened as ``path`` (``fd``) unless it is inside ``confine``. Where
    the kernel says ``fd`` is, when it can (Linux): the file opened, not what its name
    leads to by now. Else the name resolved, and refused as changed unless that is the
    file opened without following a final link (``lstat``): a name that was a link at
    the open, a file as it resolved and a link again would pass a ``stat``."""
    real = _opened_path(fd)
    if real is not None:
        if not is_confined(real, confine):
            raise SourceError(outside_message(real), source=path.name)
        return
    real = Path(os.path.realpath(path))
    if not is_confined(real, confine):
        raise SourceError(outside_message(real), source=path.name)
    try:
        now = os.lstat(real)
    except OSError:
        now = None
    if now is None or (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
        raise ConflictError("the file changed while it was being read", source=path.name)


def _opened_path(fd: int) -> Path | None:
    """The path the kernel keeps for the open ``fd`` (``/proc/self/fd``, Linux), or None
    where there is none to ask. A file deleted since shows with ` (deleted)` after it,
    still in its folder."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # no /proc mounted
        return None
    return Path(real) if real.startswith("/") else None


def _verify_unchanged(
    path: Path, expected_version: str, source: str, confine: Sequence[Path] | None = None
) -> bytes:
    """Raise ConflictError unless the file on disk is exactly the version we read."""
    size, mtime_ns, digest = _parse_version(expected_version)
    changed = ConflictError(
        "the file changed since it was read; not overwritten (will retry next run)",
        source=source,
    )
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConflictError(
            "the file was moved or deleted since it was read", source=source
        ) from None
    if st.st_size != size or st.st_mtime_ns != mtime_ns:
        raise changed
    try:
        current, _ = read_with_stat(path, confine=confine)
    except SourceError as exc:  # named as the caller names the file, not where it leads
        exc.source = source
        raise
    if hashlib.sha256(current).hexdigest() != digest:
        raise changed
    return current


def _remove_stale_temps(folder: Path) -> None:
    """Best effort: temp files of ours left by a crash more than an hour ago.

    Once a folder an hour per process: a sweep lists the whole folder, and a night writes
    every team file in it (one sweep a write made a night quadratic in the team count).
    """
    now = time.time()
    if now - _swept.get(folder, -math.inf) < _STALE_TEMP_SECONDS:
        return
    _swept[folder] = now
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        ours = (e for e in entries if e.name.startswith(".") and e.name.endswith(TEMP_SUFFIX))
        remove_stale((Path(e.path) for e in ours), _STALE_TEMP_SECONDS)


def backup_name(name: str, when: dt.datetime) -> str:
    """``sales.xlsx`` -> ``sales.xlsx.20250101T120000123456Z.bak`` (sorts by time)."""
    return f"{name}.{when.strftime('%Y%m%dT%H%M%S%fZ')}{BACKUP_SUFFIX}"


#: The most bytes the sync adds to a workbook's file name: a backup's time stamp
#: (``.20250101T120000123456Z.bak``, 27) or a temp file's ``.``, ``.``, mkstemp's 8
#: letters and ``TEMP_SUFFIX`` (26); the lock files' ``~$`` and ``.~lock.#`` are shorter.
NAME_ADDED = max(len(backup_name("", dt.datetime(2000, 1, 1))), len(f"..{'x' * 8}{TEMP_SUFFIX}"))


def write_backup(path: Path, data: bytes, backup_dir: Path) -> Path:
    """Keep ``path`` (whose verified bytes are ``data``) as its newest backup. The older
    ones are pruned by ``atomic_replace`` once the file is replaced, not here: a save by
    the user in between ends the write, and the backups it would have pruned stay.

    A hard link when the file system allows it: the file is about to be replaced by
    rename, so its old inode is the backup and no byte is copied or fsynced again. Where
    links fail (another file system, FAT, some network shares) ``data`` is written out.
    Each file's backups have their own folder (``<backup_dir>/<name>/``), so pruning lists
    only that file's few backups, not every team's.
    """
    name = path.name
    backup_dir = backup_dir / name
    when = dt.datetime.now(dt.UTC)
    target = backup_dir / backup_name(name, when)
    while True:
        try:
            os.link(path, target)
            break
        except FileExistsError:  # two writes in the same microsecond
            when += dt.timedelta(microseconds=1)
            target = backup_dir / backup_name(name, when)
        except FileNotFoundError:
            if backup_dir.is_dir():  # the file itself went away: the caller's re-stat says so
                _copy_backup(data, name, backup_dir, target)
                break
            backup_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            backup_dir.mkdir(parents=True, exist_ok=True)
            _copy_backup(data, name, backup_dir, target)
            break
    fsync_dir(backup_dir)  # the new backup's link is on disk before the file is replaced
    return target


def prune_backups(folder: Path, name: str, keep: int, legacy_dir: Path | None = None) -> None:
    """Best effort: delete all but the newest ``keep`` of ``name``'s backups in its own
    ``folder`` (``keep`` 0: every one). ``legacy_dir``, where backups were kept before
    each file had a folder (``<legacy_dir>/<name>.<stamp>.bak``): those count as the
    file's oldest, so they go first, as the file's own backups take their place.
    The same listing finds the temp copies of ``_copy_backup`` a killed run left there more
    than an hour ago (file-sized, and until 2026-12-06 never deleted: the folder's own
    sweep, ``_remove_stale_temps``, is of the team file's folder)."""
    keep = max(keep, 0)
    try:
        backups, temps = _backups(folder, name)
    except OSError:  # no folder: none of its own
        backups, temps = [], []
    remove_stale((folder / t for t in temps), _STALE_TEMP_SECONDS)
    surplus = max(len(backups) - keep, 0)
    for old in backups[:surplus]:
        with contextlib.suppress(OSError):
            os.unlink(folder / old)
    flat = _flat_backups(legacy_dir).get(name) if legacy_dir is not None else None
    if flat and legacy_dir is not None:
        room = keep - (len(backups) - surplus)
        gone = flat[: max(len(flat) - room, 0)]
        for old in gone:
            with contextlib.suppress(OSError):
                os.unlink(legacy_dir / old)
        del flat[: len(gone)]


def _flat_backups(folder: Path) -> dict[str, list[str]]:
    """The flat backups directly in ``folder``, by file name, oldest first. Listed once a
    process: none are made any more, and the folder also holds the backup folders of the
    files at the workspace's top (one listing a write would be quadratic in the teams)."""
    found = _flat.get(folder)
    if found is None:
        found = {}
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for entry in entries:
                stamp = _FLAT_STAMP.search(entry.name)
                if stamp and stamp.start() and entry.is_file(follow_symlinks=False):
                    found.setdefault(entry.name[: stamp.start()], []).append(entry.name)
        for names in found.values():
            names.sort()
        _flat[folder] = found
    return found


def _backups(folder: Path, name: str) -> tuple[list[str], list[str]]:
    """Names of ``name``'s backups in ``folder``, oldest first (``backup_name`` sorts by
    time), and of ``_copy_backup``'s temp files there (``.<name>.<8 chars>`` and
    ``TEMP_SUFFIX``: mkstemp's names, nothing a user saves). A plain listing: a glob
    compiles a pattern for each team's name, and a night prunes every team's backups
    (0.6 ms a team, most of it compiling)."""
    prefix, suffix = f"{name}.", f"Z{BACKUP_SUFFIX}"
    temp = f".{name}."
    backups: list[str] = []
    temps: list[str] = []
    with os.scandir(folder) as entries:
        for e in entries:
            if e.name.startswith(prefix) and e.name.endswith(suffix):
                if len(e.name) >= len(prefix) + len(suffix):
                    backups.append(e.name)
            elif is_temp_name(e.name, temp, TEMP_SUFFIX) and e.is_file(follow_symlinks=False):
                temps.append(e.name)
    return sorted(backups), temps


def _copy_backup(data: bytes, name: str, backup_dir: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=backup_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_replace(
    path: Path,
    data: bytes,
    *,
    expected_version: str,
    backup_dir: Path | None,
    keep_backups: int = 5,
    source: str | None = None,
    legacy_backup_dir: Path | None = None,
    confine: Sequence[Path] | None = None,
) -> None:
    """Replace ``path`` with ``data`` iff it is still ``expected_version``.

    Order: temp file beside the target (same file system, so ``os.replace`` is atomic),
    fsync; verify the target is unchanged (size/mtime, then sha256); back up the verified
    bytes; re-stat; ``os.replace``; fsync the folder. A crash at any step leaves either the
    old or the new file under ``path``. ``backup_dir`` None skips the backup, and
    ``keep_backups`` 0 keeps none (the backup is no part of the atomic swap: a user who
    wants no copies of old versions on disk gets none). ``legacy_backup_dir``: the folder
    of flat backups from before each file had its own, pruned under the same ``keep``.
    ``confine``: the resolved folders the file may be in; the link may have changed since
    the read, so where it leads now is checked before anything is written.
    """
    path = Path(os.path.realpath(path))  # replace a symlink's target, keep the link
    source = source or path.name
    if confine is not None and not is_confined(path, confine):
        raise SourceError(outside_message(path), source=source)
    folder = path.parent
    try:
        before = os.stat(path)
        mode = stat_mod.S_IMODE(before.st_mode)
    except FileNotFoundError:
        raise ConflictError(
            "the file was moved or deleted since it was read", source=source
        ) from None
    _remove_stale_temps(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise SourceError(f"cannot write beside the file: {exc.strerror}", source=source) from None
    tmp = Path(tmp_name)
    backup: Path | None = None
    try:
        with os.fdopen(fd, "wb") as fh:
            _keep_xattrs(fh.fileno(), path)  # first: only a file's owner may set its ACL
            _keep_owner(fh.fileno(), before)
            os.fchmod(fh.fileno(), mode)  # after: a chown clears set-id bits
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        current = _verify_unchanged(path, expected_version, source, confine)
        if backup_dir is not None and keep_backups > 0:
            try:
                backup = write_backup(path, current, backup_dir)
            except OSError as exc:  # named: "cannot save" sent people to the team's folder
                raise SourceError(
                    f"cannot keep its backup in {backup_dir / path.name} "
                    f"({exc.strerror or exc}); the file is unchanged",
                    source=source,
                ) from exc
        size, mtime_ns, _ = _parse_version(expected_version)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        if st is None or (st.st_size, st.st_mtime_ns) != (size, mtime_ns):
            raise ConflictError("the file changed while it was being saved", source=source)
        os.replace(tmp, path)
    except BaseException as exc:
        replaced = not os.path.lexists(tmp)  # a signal raised as the rename returned
        with contextlib.suppress(OSError):
            tmp.unlink()
        if backup is not None and not replaced:  # unchanged: a linked backup would follow it
            with contextlib.suppress(OSError):
                backup.unlink()
        if isinstance(exc, OSError):  # a full disk, a read-only folder: not a bug of ours
            why = exc.strerror or str(exc)
            raise SourceError(f"cannot save ({why}); the file is unchanged", source=source) from exc
        raise
    fsync_dir(folder)
    if backup_dir is not None:  # only now: a write that ends in a conflict prunes nothing
        prune_backups(backup_dir / path.name, path.name, keep_backups, legacy_backup_dir)


def _keep_xattrs(fd: int, path: Path) -> None:
    """Copy the file's extended attributes to the new file, as far as this process may:
    its POSIX ACL (``system.posix_acl_access``: on a shared drive, the colleagues allowed
    to open the file), Samba's DOS attributes and Windows ACL, labels. The rename left a
    file without them, and a team member whose access came from the ACL was locked out
    of the team's own workbook after the night."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path)
    except OSError:  # no extended attributes on this file system
        return
    for name in names:
        with contextlib.suppress(OSError):  # e.g. ``trusted.*`` without the privilege
            os.setxattr(fd, name, os.getxattr(path, name))


def _keep_owner(fd: int, before: os.stat_result) -> None:
    """Give the new file the old one's owner and group, as far as this process may: the
    rename made the sync's user its owner, and a team member owning a 644 file could no
    longer save it. Without the right (not root), the group alone, else neither."""
    if not hasattr(os, "fchown"):
        return
    for uid in (before.st_uid, -1):
        try:
            os.fchown(fd, uid, before.st_gid)
            return
        except OSError:  # not allowed, or a file system without owners (FAT, some SMB)
            continue
