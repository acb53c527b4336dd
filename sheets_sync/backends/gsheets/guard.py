"""A team sheet that changed between the sync's read and its write is not written over.

The Sheets API has no conditional write (no revision to send with a ``batchUpdate``), and
its replies carry none. Drive's ``files.get`` gives the file's ``version``: "a
monotonically increasing version number for the file. This reflects every change made to
the file on the server, even those not visible to the user" (Drive v3 reference, File).
The backend takes it before its read (a change during the read counts too) and again
before each attempt of its ``batchUpdate``, once the attempt holds its quota slot
(``client.request``'s ``precheck``; until 2026-12-07 once, before the slot's wait and
the retries, and an edit made during either was written over); a different one makes
the team CONFLICTED, nothing
written, as an Excel file changed since it was read. A team with nothing to write makes
no second call. Teams of one sheet (a tab each) are read and written in parallel: a
version moved by this client's own write of another tab (``wrote``: the version it left,
one Drive call more, for a sheet read more than once) is no edit. What stays: the gap
between the last look and the attempt it precedes (a Drive round trip and the send),
which no API closes; after an attempt whose answer was lost a moved version may be that
attempt's own, so it is said "may have been applied", not sent again, no conflict; and Google
counts changes "not visible to the user" too, which make a team wait a night, never
write over an edit.

Drive calls go to Drive's quota (12,000 a minute per user), not to the Sheets API's 60
reads and 60 writes a minute: the client takes no Sheets slot for them. They need a Drive
scope (``auth.DRIVE_METADATA_SCOPE``, asked with the sync's token) and the Google Drive
API enabled in the key's project: refused (403), every team is written as before,
unchecked, and the run's log says so once; Drive's 404 for a sheet the Sheets API reads
leaves that team's write unchecked and says so for it. Any other failure (the token, the
network, Drive down past the retries) is the read's or the write's, as a Sheets call's:
the team fails that night, nothing written."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.errors import ConflictError, NotFoundError, PermissionDeniedError
from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.gsheets")
_lock = threading.Lock()


def version_now(
    client: SheetsClient,
    key: str,
    source: str,
    tally: Callable[[], None],
    what: str = "check its version",
) -> str | None:
    """The file's Drive ``version``, or None when Drive refuses it (said in the log).
    Any other failure (the token, the network, Drive down past the retries: the Sheets
    call beside it would meet them too) is the read's or the write's, ``what``."""
    if client.drive_refused is not None:
        return None
    try:
        body = client.file_version(key, source=source, what=what, tally=tally)
    except PermissionDeniedError as exc:  # the Drive API off in the project, a scope lacking
        with _lock:
            first, client.drive_refused = client.drive_refused is None, str(exc)
        if first:
            where = getattr(exc, "activation_url", None)
            log.warning(
                "Google sheets are written without the check that they did not change "
                "since they were read: Google Drive refused to give a file's version "
                "(%s); enable the Google Drive API in the service account's project%s: "
                "until then an edit made while the sync runs may be written over",
                exc,
                f" ({where})" if where else "",
            )
        return None
    except NotFoundError as exc:  # Drive's 404 for a sheet the Sheets API reads
        log.warning(
            "%s: written without the check that it did not change since it was read "
            "(Google Drive did not give its version: %s)",
            source,
            exc,
        )
        return None
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int) or version == "":
        log.warning(
            "%s: written without the check that it did not change since it was read "
            "(Google Drive's reply has no version: %r)",
            source,
            version,
        )
        return None
    return str(version)


def before_read(
    client: SheetsClient, key: str, source: str, tally: Callable[[], None]
) -> str | None:
    """The version before a read of ``key`` (counted: a sheet read by two teams is known)."""
    with _lock:
        client.sheet_reads[key] = client.sheet_reads.get(key, 0) + 1
    return version_now(client, key, source, tally, "read")


def check(
    client: SheetsClient,
    key: str,
    want: str | None,
    source: str,
    tally: Callable[[], None],
    what: str = "check its version",
) -> str | None:
    """Raise ``ConflictError`` when the file is at another version than ``want`` (the
    read's) and not only by this client's own writes since (the teams of one sheet, a
    tab each, are read and written in parallel); the version checked, None unchecked."""
    if want is None:
        return None
    now = version_now(client, key, source, tally, what)
    if now is None:
        return None
    with _lock:
        ours = dict(client.own_writes.get(key, {}))
    at, seen = want, set()
    while at != now and at in ours and at not in seen:
        seen.add(at)
        at = ours[at]
    if at != now:
        raise ConflictError(
            "the spreadsheet changed since it was read (someone edited it while the sync "
            f"ran: Google Drive's version {want}, now {now}); not overwritten, nothing "
            "written (will retry next run; leave the sheet alone while the sync runs to "
            "have it written)",
            source=source,
        )
    return now


def wrote(
    client: SheetsClient, key: str, at: str | None, source: str, tally: Callable[[], None]
) -> None:
    """After a checked write at version ``at`` of a sheet read more than once: the
    version it left, so another team's check of that sheet does not take this write for
    someone's edit (one Drive call; none for a sheet one team reads)."""
    with _lock:
        shared = client.sheet_reads.get(key, 0) > 1
    if at is None or not shared:
        return
    after = version_now(client, key, source, tally)
    if after is not None:
        with _lock:
            client.own_writes.setdefault(key, {})[at] = after


@contextmanager
def checked(
    client: SheetsClient,
    key: str,
    want: str | None,
    source: str,
    tally: Callable[[], None],
    what: str,
) -> Iterator[Callable[[], None]]:
    """The write in the ``with`` block, given the ``check`` to pass to its request as its
    ``precheck`` (run before each attempt, once the attempt has its quota slot); then
    ``wrote``. The writes of one sheet wait for each other here, each from its check to
    the version it left, so one team's check does not see another's write whose version
    is not known yet."""
    with _lock:
        lock = client.sheet_locks.setdefault(key, threading.Lock())
    with lock:
        at: list[str | None] = [None]

        def precheck() -> None:
            at[0] = check(client, key, want, source, tally, what)

        yield precheck
        wrote(client, key, at[0], source, tally)


__all__ = ["before_read", "check", "checked", "version_now", "wrote"]
