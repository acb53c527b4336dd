"""What a failed Sheets API call says: Google's error reply as one of our errors, and
whether an attempt whose answer was lost may have been applied (split from ``client``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
import urllib3

from sheets_sync.backends.gsheets.auth import disabled_service, missing_scope, redact
from sheets_sync.backends.gsheets.retry import RETRYABLE_STATUS, RetryableError, parse_retry_after
from sheets_sync.errors import (
    NotFoundError,
    PermissionDeniedError,
    RemoteError,
    ServiceDisabledError,
)
from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.gsheets")
NOT_SHARED = "The caller does not have permission"  # Google's 403 for a sheet not shared
#: Google's 400 (FAILED_PRECONDITION) for an .xlsx file kept in Drive: Sheets opens it in
#: its Office mode, with the same kind of URL, but the Sheets API cannot read or write it
OFFICE_FILE = "This operation is not supported for this document"


def one_line(text: str) -> str:
    """Google's or a proxy's text as one line: a message is one line of a run's output."""
    return " ".join(text.split())


def not_json(response: requests.Response, source: str, who: str) -> RemoteError:
    kind = response.headers.get("Content-Type", "no content type").split(";")[0]
    return RemoteError(
        f"{who} answered {response.status_code} with {kind}, not JSON: is a proxy or a "
        "login page in the way?",
        source=source,
        status=response.status_code,
    )


#: the reasons of a 403 that is a quota's (Drive answers its rate limits so, Drive v3
#: "Resolve errors": retry with exponential backoff), not a refusal
RATE_LIMITED = frozenset({"userRateLimitExceeded", "rateLimitExceeded", "RATE_LIMIT_EXCEEDED"})


def service(url: str | None) -> str:
    """The Google service a URL is of, as a failure names it (Drive's calls are the
    version check's: until 2026-12-07 their failures said "Google Sheets")."""
    return "Google Drive" if "/drive/" in (url or "") else "Google Sheets"


def rate_limited(error: Mapping[str, Any]) -> bool:
    """Google's 403 of a rate limit: a reason in the legacy ``errors`` (Drive's) or an
    ``ErrorInfo`` in ``details``. Until 2026-12-07 it was a refusal: one Drive quota
    answer turned the version check off for the whole run."""
    found = []
    for name in ("errors", "details"):
        items = error.get(name)
        if isinstance(items, list):
            found += [str(i.get("reason", "")) for i in items if isinstance(i, dict)]
    return bool(RATE_LIMITED.intersection(found))


def api_error(
    response: requests.Response,
    error: Mapping[str, Any],
    source: str,
    key: str,
    email: str,
    auth: Any,
) -> Exception:
    """A failed call's error of the ``RemoteError`` family (or a retryable one), naming
    the team (``source``), the key where ``source`` does not, and the service account."""
    status = response.status_code
    who = service(response.url)
    if str(error.get("status", "")).startswith("invalid JSON"):  # gspread's mark
        error = {}  # its message is the page itself
        if status not in RETRYABLE_STATUS and status != 404:
            return not_json(response, source, who)
    message = one_line(redact(str(error.get("message") or response.reason or "")))[:300]
    where = "" if key and key in source else f" (key {key})" if key else ""
    if status in RETRYABLE_STATUS or (status == 403 and rate_limited(error)):
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        log.info("%s: %s %s, will retry", source, status, error.get("status", ""))
        return RetryableError(
            " ".join(str(p) for p in (status, error.get("status"), message) if p),
            status=status,
            retry_after=retry_after,
        )
    if status == 404:
        return NotFoundError(
            f"spreadsheet not found or not shared with {email}{where}",
            source=source,
            status=status,
        )
    if status == 403:
        # Google's reason, unless it is the one of a sheet not shared with us; a
        # disabled API, a protected range or a policy also answer 403, and a call that
        # names no sheet (create) has none to share
        lacking = missing_scope(response, error, auth)
        disabled = disabled_service(response, error)
        if lacking:
            text = f"Google refused{where}: {lacking}"
        elif message and (not key or not message.startswith(NOT_SHARED)):
            text = f"Google refused{where}: {message}"
        else:
            text = f"not shared with {email}{where}: share the sheet with it as an editor"
        if disabled and not lacking:
            title, url = disabled
            return ServiceDisabledError(
                text, service_title=title, activation_url=url, source=source, status=status
            )
        return PermissionDeniedError(text, source=source, status=status)
    if status == 401:
        return RemoteError(
            f"Google rejected the credentials of {email} (401)",
            source=source,
            status=status,
        )
    if status == 400 and message.startswith(OFFICE_FILE):
        return RemoteError(
            f"an Excel file kept in Google Drive, not a Google Sheet{where}: the Sheets API "
            f"cannot open it ({message}); open it in Google Sheets, choose File > Save as "
            f"Google Sheets, share the new sheet with {email} as an editor and use "
            "its key",
            source=source,
            status=status,
        )
    return RemoteError(f"{who} API error {status}{where}: {message}", source=source, status=status)


#: What a write that gave up adds when an attempt's answer was lost after it was sent: the
#: line said only "N cells not written", where the sheet could hold them all (an update
#: Google applied, its reply cut; before 2026-12-06). "Had the request" said too much:
#: a connection that drops may have dropped before all of it went out.
MAYBE_APPLIED = (
    "; the request may have reached Google and been applied (the sheet may hold it already)"
)
#: the send itself broke or timed out (a write timeout, a broken pipe): not all of the
#: request went out, so Google cannot have applied it
_UNSENT = (BrokenPipeError, TimeoutError)


def answer_lost(exc: requests.RequestException) -> bool:
    """A read timeout or a connection dropped after the request went out (Google may
    have applied it), not one never made (refused, a connect timeout, no route) nor one
    whose send broke or timed out (urllib3 reads past a reset while sending, so a reset
    may still have come after the send: the words say "may")."""
    if isinstance(exc, requests.ConnectTimeout):
        return False
    if isinstance(exc, requests.Timeout):
        return True
    reason = getattr(exc.args[0], "reason", exc.args[0]) if exc.args else None
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError):
        return True  # the body's read timed out (requests: ConnectionError, not Timeout)
    if not isinstance(reason, urllib3.exceptions.ProtocolError):
        return False
    inner = reason.args[1] if len(reason.args) > 1 else None
    return not isinstance(inner, _UNSENT)
