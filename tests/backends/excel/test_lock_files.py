"""A team file open in Excel or LibreOffice is read but not written, and the message says
in which application, by whom, and which lock file says so (so that a stale one can be
found and deleted), with its age once it is a day old: neither application's lock file
tells whether the application that made it still runs (docs/write-safety.md). Until
2026-12-06 it said only ``the file is open by Ana Ruiz``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sheets_sync.backends.excel import ExcelBackend
from sheets_sync.backends.excel.lockfiles import Lock, find_lock
from sheets_sync.errors import FileLockedError
from tests.backends.excel.fixtures import status_writes
from tests.backends.excel.test_files_excel import _excel_owner

AFTER = (
    "; not written. Close it (or delete the lock file if nobody has it open) and "
    "the next run will update it"
)


def libreoffice_lock(name: str, user: str, host: str, when: str, profile: str) -> bytes:
    """A ``.~lock.x#`` as LibreOffice writes it (svl ``LockFileCommon``): its user name
    (Tools > Options > User Data, may be empty), the OS user, the host, the time and the
    profile URL, each with ``\\``, ``,`` and ``;`` escaped by ``\\``, joined by ``,``
    and ended by ``;``, in UTF-8, no newline. No process id: nothing in it tells whether
    that LibreOffice still runs."""

    def escaped(field: str) -> str:
        return "".join("\\" + ch if ch in "\\,;" else ch for ch in field)

    return (",".join(escaped(f) for f in (name, user, host, when, profile)) + ";").encode()


@pytest.fixture
def team_file(tmp_path: Path, team_lo: bytes) -> Path:
    path = tmp_path / "team" / "sales.xlsx"
    path.parent.mkdir()
    path.write_bytes(team_lo)
    return path


def _refusal(team_file: Path) -> FileLockedError:
    backend = ExcelBackend(team_file, display_name="sales.xlsx", backup_dir=team_file.parent)
    data = backend.read(["OKRs"])
    before = team_file.read_bytes()
    with pytest.raises(FileLockedError) as info:
        backend.write(data, status_writes())
    assert team_file.read_bytes() == before
    return info.value


@pytest.mark.parametrize(
    ("lock", "raw", "said", "holder"),
    [
        ("~$sales.xlsx", _excel_owner("Ana Ruiz"), "open in Excel by Ana Ruiz", "Ana Ruiz"),
        ("~$sales.xlsx", _excel_owner("Łukasz Żak"), "open in Excel by Łukasz Żak", "Łukasz Żak"),
        (
            ".~lock.sales.xlsx#",
            libreoffice_lock("Ruiz, Ana", "ana", "laptop7", "06.12.2026 18:50", "file:///h/4"),
            "open in LibreOffice by Ruiz, Ana on laptop7",
            "Ruiz, Ana on laptop7",
        ),
        (  # no LibreOffice user name set: the OS user's
            ".~lock.sales.xlsx#",
            libreoffice_lock("", "ana", "laptop7", "06.12.2026 18:50", "file:///h/4"),
            "open in LibreOffice by ana on laptop7",
            "ana on laptop7",
        ),
        ("~$sales.xlsx", b"\x00\xff" * 80, "open in Excel", None),  # garbage: a lock all the same
        ("~$sales.xlsx", b"", "open in Excel", None),  # as Excel is writing it
        (".~lock.sales.xlsx#", b"\xff\xfe,\x80;", "open in LibreOffice", None),
    ],
)
def test_the_refusal_names_the_application_the_holder_and_the_lock_file(
    team_file: Path, lock: str, raw: bytes, said: str, holder: str | None
) -> None:
    (team_file.parent / lock).write_bytes(raw)
    exc = _refusal(team_file)
    assert str(exc) == f"sales.xlsx: the file is {said} ({lock}){AFTER}"
    assert exc.holder == holder
    assert (team_file.parent / lock).read_bytes() == raw  # the lock file is theirs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_lock_file_that_cannot_be_read_still_names_itself(team_file: Path) -> None:
    os.mkfifo(team_file.parent / ".~lock.sales.xlsx#")
    exc = _refusal(team_file)
    assert str(exc) == f"sales.xlsx: the file is open in LibreOffice (.~lock.sales.xlsx#){AFTER}"


def test_a_lock_a_day_old_or_more_says_its_age(team_file: Path) -> None:
    """A lock file left by a crash looks like any other; its age is what lets the team
    tell one from a file open over the weekend (the night still leaves it alone)."""
    lock = team_file.parent / "~$sales.xlsx"
    lock.write_bytes(_excel_owner("Ana Ruiz"))
    three_days = time.time() - 3 * 86400 - 60
    os.utime(lock, (three_days, three_days))
    exc = _refusal(team_file)
    assert str(exc) == (
        f"sales.xlsx: the file is open in Excel by Ana Ruiz (~$sales.xlsx, 3 days old){AFTER}"
    )
    assert exc.lock_days == 3  # the age said, carried for the stale-lock advice


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        (0, "open in Excel by Ana (~$x.xlsx)"),
        (23.9, "open in Excel by Ana (~$x.xlsx)"),
        (24, "open in Excel by Ana (~$x.xlsx, 1 day old)"),
        (49, "open in Excel by Ana (~$x.xlsx, 2 days old)"),
        (-5, "open in Excel by Ana (~$x.xlsx)"),  # a clock ahead on the share: no age
    ],
)
def test_the_age_of_a_lock(hours: float, said: str) -> None:
    now = 1_800_000_000.0
    lock = Lock(Path("/t/~$x.xlsx"), "Excel", "Ana", now - hours * 3600)
    assert lock.describe(now) == said
    unknown = Lock(Path("/t/~$x.xlsx"), "Excel", "Ana", None)  # no mtime: no age
    assert unknown.describe(now) == "open in Excel by Ana (~$x.xlsx)"


def test_with_both_lock_files_libreoffice_s_is_described_and_both_are_named(
    tmp_path: Path,
) -> None:
    """LibreOffice with ``CreateMSOLockFiles`` writes Excel's owner file beside its own:
    its lock carries the host, and deleting only ``~$q3.xlsx`` (all that was named until
    2026-12-06, as ``open in Excel``) left the file locked."""
    target = tmp_path / "q3.xlsx"
    target.write_bytes(b"x")
    assert find_lock(target) is None
    office = tmp_path / ".~lock.q3.xlsx#"
    office.write_bytes(libreoffice_lock("Jo", "jo", "pc", "t", "p"))
    assert find_lock(target) == Lock(office, "LibreOffice", "Jo on pc", os.lstat(office).st_mtime)
    excel = tmp_path / "~$q3.xlsx"
    excel.write_bytes(_excel_owner("Jo"))
    old = time.time() - 5 * 86400
    os.utime(office, (old, old))  # the newer one's age counts: not "5 days old"
    found = find_lock(target)
    assert found == Lock(office, "LibreOffice", "Jo on pc", os.lstat(excel).st_mtime, (excel,))
    assert found.describe() == "open in LibreOffice by Jo on pc (.~lock.q3.xlsx# and ~$q3.xlsx)"
    office.write_bytes(b"\xff\xfe;")  # LibreOffice's names nobody: Excel's name is shown
    found = find_lock(target)
    assert found is not None and (found.application, found.holder) == ("LibreOffice", "Jo")


def test_the_refusal_with_both_lock_files_names_both(team_file: Path) -> None:
    (team_file.parent / "~$sales.xlsx").write_bytes(_excel_owner("Ana Ruiz"))
    (team_file.parent / ".~lock.sales.xlsx#").write_bytes(
        libreoffice_lock("Ana Ruiz", "ana", "laptop7", "06.12.2026 18:50", "file:///h/4")
    )
    exc = _refusal(team_file)
    assert str(exc) == (
        "sales.xlsx: the file is open in LibreOffice by Ana Ruiz on laptop7 "
        "(.~lock.sales.xlsx# and ~$sales.xlsx); not written. Close it (or delete the "
        "lock files if nobody has it open) and the next run will update it"
    )
    assert exc.holder == "Ana Ruiz on laptop7"
