"""A team sheet that changed between the sync's read and its write is not written over.

The Sheets API has no conditional write (no revision to send with a ``batchUpdate``), and
its replies carry none. Drive's ``files.get`` gives the file's ``version``: "a
monotonically increasing version number for the file. This reflects every change made to
the file on the server, even those not visible to the user" (Drive v3 reference, File).
The backend of a run that writes (``open_backend``'s ``writes``; a run that writes
nothing asked Drive too until 2026-12-07, and warned of unchecked writes) takes it
before its read (a change during the read counts too) and again
before each attempt of its ``batchUpdate``, once the attempt holds its quota slot
(``client.request``'s ``precheck``; until 2026-12-07 once, before the slot's wait and
the retries, and an edit made during either was written over); a different one makes
the team CONFLICTED, nothing
written, as an Excel file changed since it was read. A team with nothing to write makes
no second call. The teams of a sheet several teams share (a tab each) are read and
written one after another, each read after the one before it was written
(``google_threads.sheet_turns``), so no move of the version is taken for the
run's own (until 2026-12-07 they were read in parallel, and an edit made to one team's
tab while another's write ran was credited to the sync and written over). A team of such
a sheet written out of its turns (it reads a sheet-mate's KPIs, or links a team outside
the run: planned once the reads ended) reads its own tabs again when the run wrote the
sheet since its read, and is checked against the version before that look when they are
as read (``checked``'s ``moved``). What stays: the gap
between the last look and the attempt it precedes (a Drive round trip and the send),
which no API closes; after an attempt whose answer was lost a moved version may be that
attempt's own, so it is said "may have been applied", not sent again, no conflict; and Google
counts changes "not visible to the user" too, which make a team wait a night, never
write over an edit.

Drive calls go to Drive's quota (325,000 quota units a minute per user, 1,000,000 a
project, its limits page in 2026-12; 12,000 queries a minute before), not to the Sheets
API's 60 reads and 60 writes a minute: the client takes no Sheets slot for them (the
look before a write's attempt is made while that attempt holds its write slot); Drive's
quota 403s (``userRateLimitExceeded``) are retried as 429s. They need a Drive scope
(``auth.DRIVE_METADATA_SCOPE``, asked with the sync's token) and the Google Drive API
enabled in the key's project: refused so (403: the API off, the scope lacking, a
Workspace policy), every team is written as before, unchecked, and the run's log says so
once, by its cause. Drive down past its retries (its own: ``check_policy``, not charged
to a write's budget; said once the write went through, ``checked``), another 403 of one
file, Drive's 404 for a sheet the Sheets API reads, any other answer of Drive's (a 400,
a page not JSON): that team's write is unchecked and said so (the sync's job is the
sheet; Drive only guards it); at the look before the read, said only once the read
succeeded (a wrong key fails the read, never written). A token that fails is the Sheets
call's failure too: raised."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sheets_sync.backends.gsheets.auth import DRIVE_METADATA_SCOPE
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.retry import RetryPolicy
from sheets_sync.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RemoteError,
    RetryExhaustedError,
    ServiceDisabledError,
)
from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.gsheets")
#: ``auth.missing_scope``'s words: the token lacks the scope the call needs
SCOPE_LACKING = "which this call needs"
#: Drive's 403 of a Workspace domain's policy (its legacy ``errors`` reason, its message)
POLICY = ("domainPolicy", "The domain administrators have disabled Drive apps")
_lock = threading.Lock()
#: the version check's Drive call's retries (``check_policy``)
CHECK_ATTEMPTS, CHECK_SECONDS = 3, 10.0


def version_now(
    client: SheetsClient,
    key: str,
    source: str,
    tally: Callable[[], None],
    what: str = "check its version",
    notes: list[str] | None = None,
) -> str | None:
    """The file's Drive ``version``, or None unchecked (said in the log): Drive refuses
    it, Drive has no such file, Drive is down past the retries, Drive answers otherwise
    (a 400, a page not JSON: until 2026-12-07 the team failed, blaming Sheets) (the
    sync's job is the sheet; Drive is only its guard). ``notes``: where a look before
    the read puts what it would say of this sheet, said only once the read succeeds
    (``said_unchecked``): a wrong key or an unshared sheet fails the read, never
    written. A failed token (a refusal, a 401) is the Sheets call's too: raised."""
    if client.drive_refused is not None:
        return None
    try:
        policy = check_policy(client.policy)
        body = client.file_version(key, source=source, what=what, tally=tally, policy=policy)
    except PermissionDeniedError as exc:
        if not _refused_for_the_run(client, exc):
            _unchecked(source, f"Google Drive refused its version: {exc}", notes)
        return None
    except NotFoundError as exc:  # Drive's 404 for a sheet the Sheets API reads
        _unchecked(source, f"Google Drive did not give its version: {exc}", notes)
        return None
    except RetryExhaustedError as exc:
        if client.gave_up_on_token(exc):  # the token endpoint down: the Sheets call's too
            raise
        _unchecked(source, f"Google Drive, which gives its version, is down: {exc}", notes)
        return None
    except RemoteError as exc:  # a 400, a page not JSON: Drive's, not the sheet's
        if exc.status is None or exc.status == 401:  # the token refused: the Sheets call's too
            raise
        _unchecked(source, f"Google Drive did not give its version: {exc}", notes)
        return None
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, str | int) or version == "":
        _unchecked(source, f"Google Drive's reply has no version: {version!r}", notes)
        return None
    return str(version)


def check_policy(policy: RetryPolicy) -> RetryPolicy:
    """The version check's own retries: the client's, cut to ``CHECK_ATTEMPTS`` within
    ``CHECK_SECONDS`` (Drive is only the sheet's guard; until 2026-12-07 a Drive down
    took the client's whole 5 attempts / 60 s before each attempt of a write)."""
    return RetryPolicy(
        max_attempts=min(policy.max_attempts, CHECK_ATTEMPTS),
        max_seconds=min(policy.max_seconds, CHECK_SECONDS),
        base_delay=policy.base_delay,
        max_delay=min(policy.max_delay, CHECK_SECONDS / 4),
    )


def _unchecked(source: str, why: str, notes: list[str] | None) -> None:
    if notes is not None:
        notes.append(why)
    else:
        said_unchecked(source, [why])


def said_unchecked(source: str, notes: list[str]) -> None:
    """The warnings of a sheet written without the check, once its read succeeded."""
    for why in notes:
        log.warning(
            "%s: written without the check that it did not change since it was read (%s)",
            source,
            why,
        )


def _refused_for_the_run(client: SheetsClient, exc: PermissionDeniedError) -> bool:
    """Drive's 403 that no sheet's version will pass this run (the Drive API off in the
    key's project, the token lacking the scope, a Workspace policy): the check off for
    the run, said once, worded by its cause. False for another 403 (this sheet's own)."""
    if isinstance(exc, ServiceDisabledError):
        where = f" ({exc.activation_url})" if exc.activation_url else ""
        fix = f"enable the Google Drive API in the service account's project{where}"
    elif SCOPE_LACKING in exc.message:
        fix = f"the token lacks the scope {DRIVE_METADATA_SCOPE}: give it that scope"
    elif any(p in exc.message for p in POLICY):
        fix = "a Google Workspace policy bars the account from Drive: ask its admin"
    else:
        return False
    with _lock:
        first, client.drive_refused = client.drive_refused is None, str(exc)
    if first:
        log.warning(
            "Google sheets are written without the check that they did not change since "
            "they were read: Google Drive refused to give a file's version (%s); %s: until "
            "then an edit made while the sync runs may be written over",
            exc,
            fix,
        )
    return True


def before_read(
    client: SheetsClient,
    key: str,
    source: str,
    tally: Callable[[], None],
    notes: list[str] | None = None,
) -> str | None:
    """The version before a read of ``key`` (counted: a sheet read by two teams is known);
    what it would say of the sheet goes to ``notes`` (``said_unchecked``, after the read)."""
    with _lock:
        client.sheet_reads[key] = client.sheet_reads.get(key, 0) + 1
    # labelled the read's: a token endpoint down fails the team here, as its read
    return version_now(client, key, source, tally, what="read", notes=notes)


def check(
    client: SheetsClient,
    key: str,
    want: str | None,
    source: str,
    tally: Callable[[], None],
    notes: list[str] | None = None,
) -> str | None:
    """Raise ``ConflictError`` when the file is at another version than ``want`` (the
    read's); the version checked, None unchecked (why: to ``notes`` when given, else
    logged). No move is taken for the run's own: the teams of a sheet several teams share
    are read each after the one before it was written (``google_threads``), and until
    2026-12-07 a version another team's write left (``wrote``, asked after it) was so
    taken, with any edit made during that write in it, written over. A same backend's
    second write is checked against the version its first left (``wrote``)."""
    if want is None:
        return None
    now = version_now(client, key, source, tally, notes=notes)
    if now is None or now == want:
        return now
    raise ConflictError(
        "the spreadsheet changed since it was read (someone edited it while the sync "
        f"ran: Google Drive's version {want}, now {now}); not overwritten, nothing "
        "written (will retry next run; leave the sheet alone while the sync runs to "
        "have it written)",
        source=source,
    )


def wrote(
    client: SheetsClient, key: str, at: str | None, source: str, tally: Callable[[], None]
) -> str | None:
    """After a checked write at version ``at`` of a sheet read more than once: the
    version it left, for a second write of the same backend without a read between (a
    library caller's; a sync's team, written once, never asks: ``checked``'s ``left``),
    one Drive call; none for a sheet one team reads (that second write
    is said unchecked). Never another team's: until 2026-12-07 it was taken for the run's
    own by the other teams of the sheet, an edit made during the write with it. Known
    gap: an edit between the last check and this call is in the version, so that second
    write of this backend may write over it (docs/google-sheets.md)."""
    with _lock:
        shared = client.sheet_reads.get(key, 0) > 1
    if at is None or not shared:
        return None
    return version_now(client, key, source, tally)


def written(client: SheetsClient, key: str) -> int:
    """How many writes of ``key`` the run began (``checked``): those whose check passed
    (until 2026-12-07 a CONFLICTED one too, which sent nothing)."""
    with _lock:
        return client.sheet_writes.get(key, 0)


@contextmanager
def checked(
    client: SheetsClient,
    key: str,
    want: str | None,
    source: str,
    tally: Callable[[], None],
    left: list[str | None] | None = None,
    moved: Callable[[str], str] | None = None,
    seen: int = 0,
) -> Iterator[Callable[[], None]]:
    """The write in the ``with`` block, given the ``check`` to pass to its request as its
    ``precheck`` (run before each attempt, once the attempt has its quota slot); then
    ``wrote``, whose version goes to ``left`` (the same backend's next write's ``want``);
    no ``left``, no ``wrote`` (a sync's team, written once: until 2026-12-07 every write
    of a shared sheet asked Drive once more for a version no write used).
    The writes of one sheet wait for each other here. A check that went unchecked is said
    once the write went through, of the attempt sent last (until 2026-12-07 before the
    send, once an attempt, of a write that may fail).

    ``seen``: the run's writes of the sheet (``written``) when this team read it. When
    the run wrote the sheet since (a team of a shared sheet written out of its sheet's
    turn: one whose KRs read a sheet-mate's KPIs, or a team outside the run, is planned
    once those were read, after its sheet-mates wrote), ``moved(want)`` is asked, under
    this sheet's lock, for the version to check against: the team's own tabs looked at
    again (``GoogleSheetsBackend._moved``), the version before that look when they are
    as read, else ``want`` (the check fails: CONFLICTED). Until 2026-12-07 such a team
    was checked against its read's version, which its sheet-mates' writes had moved:
    CONFLICTED every night, never written, said edited by someone."""
    with _lock:
        lock = client.sheet_locks.setdefault(key, threading.Lock())
    with lock:
        at: list[str | None] = [None]
        notes: list[str] = []
        if want is not None and moved is not None and written(client, key) > seen:
            want = moved(want)

        tried: list[bool] = []

        def precheck() -> None:
            notes.clear()  # the attempt sent is the one its check guards
            at[0] = check(client, key, want, source, tally, notes)
            tried.append(True)  # passed: sent next (until 2026-12-07 a CONFLICTED write too)

        try:
            yield precheck
        finally:  # an attempt that passed its check may have been sent: counted
            if tried:
                with _lock:
                    client.sheet_writes[key] = client.sheet_writes.get(key, 0) + 1
        said_unchecked(source, notes)
        if left is not None:  # a backend that may write again: the version it left
            left[:] = [wrote(client, key, at[0], source, tally)]


__all__ = [
    "before_read",
    "check",
    "checked",
    "said_unchecked",
    "version_now",
    "written",
    "wrote",
]
