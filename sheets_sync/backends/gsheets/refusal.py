"""Why Google refused a write to a spreadsheet that was read a moment ago.

Google answers a write 403 "The caller does not have permission" both for a sheet
shared with the service account as Viewer or Commenter and for one unshared from it
since the read (a sheet never shared answers 403 too; 404 only for a key that does not
exist). Only a read tells the two apart: one ``spreadsheets.get`` asking for nothing
but the key, sent only when a write got that 403, so a normal night costs no request
more."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from sheets_sync.backends.gsheets import protection
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.failures import MAYBE_APPLIED
from sheets_sync.errors import LayoutError, NotFoundError, PermissionDeniedError, RemoteError

NO_GRID = re.compile(r"No grid with id: (\d+)")  # Google's 400 for a sheetId that is gone

NOT_SHARED = "not shared with "  # the start of the client's message for that 403
NOTHING_WRITTEN = "nothing written"


def _where(key: str, source: str) -> str:
    return "" if key in source else f"key {key}"


def refused_write(
    client: SheetsClient,
    exc: PermissionDeniedError,
    key: str,
    source: str,
    *,
    outcome: str = NOTHING_WRITTEN,
    tally: Callable[[], None] | None = None,
) -> PermissionDeniedError:
    """The message for a write's 403 "not shared" (any other 403 as it is): shared as a
    viewer when the sheet still reads, unshared after the read when the read is refused
    too, a hedged message naming both when the read fails otherwise. ``outcome`` says
    what the refusal left (``nothing written``; a staged rollup: ``nothing published``),
    unless an earlier attempt's answer was lost: that one may have been applied."""
    if not exc.message.startswith(NOT_SHARED):
        return exc
    if exc.maybe_applied:
        outcome = MAYBE_APPLIED.removeprefix("; ")
    email, where = client.email, _where(key, source)
    try:
        client.get_spreadsheet(
            key,
            {"fields": "spreadsheetId"},
            source=source,
            what="read access after a refused write",
            tally=tally,
            # one attempt: a message's check, not worth a whole retry budget (up to
            # google.max_retry_seconds in an outage, until 2026-12-06); failing, it names both
            policy=replace(client.policy, max_attempts=1),
        )
    except PermissionDeniedError as check:
        if not check.message.startswith(NOT_SHARED):
            text = _either(email, where, outcome)
        else:
            text = (
                f"the spreadsheet was unshared from {email} after the read"
                f"{f' ({where})' if where else ''}: share it with {email} as an editor; "
                f"{outcome}"
            )
    except RemoteError:  # a 404 (deleted meanwhile), an outage: no telling which
        text = _either(email, where, outcome)
    else:
        text = (
            f"{email} may read this sheet but not edit it (shared as a viewer or commenter"
            f"{f'; {where}' if where else ''}): share it with {email} as an editor; {outcome}"
        )
    return PermissionDeniedError(text, source=source, status=exc.status)


def _either(email: str, where: str, outcome: str) -> str:
    return (
        f"{email} may not edit this sheet (shared as a viewer or commenter, or unshared from "
        f"{email} after the read{f'; {where}' if where else ''}): share it with {email} as an "
        f"editor; {outcome}"
    )


def deleted_after_read(
    exc: NotFoundError, key: str, source: str, *, outcome: str = NOTHING_WRITTEN
) -> NotFoundError:
    """A write's 404 for a sheet read a moment ago: Google answers 404 only for a key
    that does not exist (an unshared sheet answers 403), so the sheet was deleted;
    "not found or not shared" read as a wrong key. ``outcome`` as for ``refused_write``."""
    where = _where(key, source)
    return NotFoundError(
        f"the spreadsheet was deleted after the read{f' ({where})' if where else ''}; {outcome}",
        source=source,
        status=exc.status,
    )


def changed_since_read(exc: RemoteError, titles: Mapping[int, str], source: str) -> Exception:
    """Another refusal of a write read a moment ago: a cell protected since the read, a
    tab (``titles`` by their ids) deleted since; else ``exc`` as it is."""
    if exc.status == 400 and protection.GOOGLE_SAYS in exc.message:
        return protection.protected_since_read(exc.message, source, exc.status)
    gone = NO_GRID.search(exc.message) if exc.status == 400 else None
    if gone and int(gone[1]) in titles:
        return LayoutError(
            "the tab was deleted after the read (or deleted and made anew); nothing "
            "written, the next run reads it again",
            source=source,
            tab=titles[int(gone[1])],
        )
    return exc


__all__ = ["changed_since_read", "deleted_after_read", "refused_write"]
