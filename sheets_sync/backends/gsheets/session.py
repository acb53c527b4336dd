"""The requests session under gspread's HTTP client: what every reply and every send
passes through before gspread sees it.

What lives here: google-auth's own refresh on a 401 turned off (the client refreshes
within its budget); a response hook that turns error replies gspread cannot read into one
exception we can; an adapter that caps each send's timeout by what is left of the calling
thread's retry budget (``capped``), since gspread's ``HTTPClient`` is shared by every
thread and passes one fixed timeout; and what makes Google's replies small:
``prettyPrint=false`` on every call (``compact_replies``) and a User-Agent that asks for
gzip (``gzip_replies``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import BaseAdapter
from requests.models import PreparedRequest

from sheets_sync import __version__


class OddErrorShapeError(Exception):
    """An error reply gspread's ``APIError`` cannot read: it indexes ``["error"]["code"]``
    outside its own try, so ``{"error": "down"}`` from a proxy was a TypeError; and any
    other JSON it cannot read (a list, ``null``, no ``error``) it marks as not JSON."""

    def __init__(self, response: requests.Response, error: Mapping[str, Any]) -> None:
        super().__init__(response.status_code)
        self.response = response
        self.error = error


def check_error_reply(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    """A ``requests`` response hook on the client's session, so it runs before gspread."""
    if response.ok:
        return
    try:
        body = response.json()
    except ValueError:
        return  # not JSON at all: gspread marks it, _api_error reads the mark
    wrapped = isinstance(body, list) and len(body) == 1
    if wrapped:
        body = body[0]  # Google's front end may wrap the error object in a list
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and "code" in error and not wrapped:
        return  # gspread reads it
    if isinstance(error, dict):
        raise OddErrorShapeError(response, error)
    raise OddErrorShapeError(response, {"message": str(error)} if error is not None else {})


#: This thread's timeout cap for the request in flight (what is left of its retry budget).
_CAP: contextvars.ContextVar[float | None] = contextvars.ContextVar("timeout_cap", default=None)


class _CappedAdapter(BaseAdapter):
    """Wraps a session's adapter: a request sent while ``_CAP`` is set waits at most that
    long. The cap must be per call, and gspread's ``HTTPClient`` (shared by every thread)
    passes one fixed ``timeout`` to the session; the adapter is where each send sees it."""

    def __init__(self, inner: BaseAdapter) -> None:
        super().__init__()
        self.inner = inner

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        cap = _CAP.get()
        timeout = kwargs.get("timeout")
        if cap is not None and (timeout is None or isinstance(timeout, int | float | tuple)):
            parts = timeout if isinstance(timeout, tuple) else (timeout, timeout)
            kwargs["timeout"] = tuple(cap if t is None else min(float(t), cap) for t in parts)
        response: requests.Response = self.inner.send(request, *args, **kwargs)
        return response

    def close(self) -> None:
        self.inner.close()


def no_refresh_on_401(session: requests.Session) -> None:
    """google-auth's ``AuthorizedSession`` refreshes the token by itself on a 401, with
    its own retries (seconds of sleeps) and gspread's full timeout: outside the retry
    budget, and counted as one call. ``SheetsClient`` refreshes in the attempt instead.
    The setting is private (``refresh_status_codes`` of the constructor, which gspread
    does not pass); a google-auth without it keeps its own refresh."""
    if hasattr(session, "_refresh_status_codes"):
        session._refresh_status_codes = ()


def compact_replies(session: requests.Session) -> None:
    """Ask for JSON without indentation: Google pretty-prints a reply unless the request
    has ``prettyPrint=false`` (a system parameter of every Google API), and gspread does
    not add it. A default query parameter of the session, so every Sheets and Drive call
    asks; the token exchange goes through google-auth's own session."""
    if isinstance(session.params, dict):  # a new session's: {}
        session.params["prettyPrint"] = "false"
    else:
        session.params = {"prettyPrint": "false"}


def gzip_replies(session: requests.Session) -> None:
    """Google compresses a reply only when the request accepts gzip (requests says so)
    and its User-Agent contains ``gzip`` (the APIs' performance guide), which neither
    requests' nor gspread's does: a team's grid read then comes uncompressed."""
    agent = str(session.headers.get("User-Agent") or "python-requests")
    if "gzip" not in agent:
        session.headers["User-Agent"] = f"{agent} sheets-sync/{__version__} (gzip)"


def cap_timeouts(session: requests.Session) -> None:
    for prefix, adapter in list(session.adapters.items()):
        if not isinstance(adapter, _CappedAdapter):
            session.mount(prefix, _CappedAdapter(adapter))


@contextmanager
def capped(seconds: float) -> Iterator[None]:
    token = _CAP.set(seconds)
    try:
        yield
    finally:
        _CAP.reset(token)
