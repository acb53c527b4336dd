"""Routing: maps (method, raw path) to endpoint handlers and names each endpoint for the log."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sheets_sync.emulator import append, batch_update, drive, resource, values
from sheets_sync.emulator.errors import ApiError, not_found
from sheets_sync.emulator.state import Store

Params = dict[str, list[str]]


@dataclass
class Call:
    """One parsed request as handlers see it."""

    store: Store
    email: str | None
    params: Params
    body: dict[str, Any]
    match: re.Match[str]
    raw: bytes = b""

    def arg(self, n: int) -> str:
        return unquote(self.match.group(n))

    def book(self) -> Any:
        return self.store.get(self.arg(1), self.email)


# Handlers return a JSON body, or (content type, bytes) for exports, or None for 204.
Result = dict[str, Any] | tuple[str, bytes] | None
Route = tuple[str, re.Pattern[str], str, Callable[[Call], Result], bool]

_ID = r"([^/:?]+)"
_routes: list[Route] = []


def route(
    method: str, pattern: str, name: str, mutates: bool = False
) -> Callable[[Callable[[Call], Result]], Callable[[Call], Result]]:
    def register(func: Callable[[Call], Result]) -> Callable[[Call], Result]:
        _routes.append((method, re.compile("^" + pattern + "$"), name, func, mutates))
        return func

    return register


def resolve(method: str, path: str) -> tuple[str, Callable[[Call], Result], re.Match[str], bool]:
    for verb, pattern, name, func, mutates in _routes:
        m = pattern.match(path)
        if m and verb == method:
            return name, func, m, mutates
    raise ApiError(404, f"Method not found: {method} {path}")


@route("GET", rf"/v4/spreadsheets/{_ID}", "spreadsheets.get")
def _get(c: Call) -> Result:
    return resource.spreadsheet_resource(c.book(), c.params)


@route("POST", r"/v4/spreadsheets", "spreadsheets.create", mutates=True)
def _create(c: Call) -> Result:
    book = resource.create_from_body(c.store.create, c.body, c.email)
    return resource.spreadsheet_resource(book, {})


@route("POST", rf"/v4/spreadsheets/{_ID}:batchUpdate", "spreadsheets.batchUpdate", mutates=True)
def _batch_update(c: Call) -> Result:
    return batch_update.batch_update(c.book(), c.body)


@route("GET", rf"/v4/spreadsheets/{_ID}/values:batchGet", "values.batchGet")
def _values_batch_get(c: Call) -> Result:
    return values.batch_get(c.book(), c.params)


@route("POST", rf"/v4/spreadsheets/{_ID}/values:batchUpdate", "values.batchUpdate", mutates=True)
def _values_batch_update(c: Call) -> Result:
    return values.batch_update(c.book(), c.body)


@route("POST", rf"/v4/spreadsheets/{_ID}/values:batchClear", "values.batchClear", mutates=True)
def _values_batch_clear(c: Call) -> Result:
    return values.batch_clear(c.book(), c.body)


@route("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):append", "values.append", mutates=True)
def _values_append(c: Call) -> Result:
    return append.append(c.book(), c.arg(2), c.params, c.body)


@route("POST", rf"/v4/spreadsheets/{_ID}/values/(.+):clear", "values.clear", mutates=True)
def _values_clear(c: Call) -> Result:
    return values.clear(c.book(), c.arg(2))


@route("GET", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values.get")
def _values_get(c: Call) -> Result:
    return values.get(c.book(), c.arg(2), c.params)


@route("PUT", rf"/v4/spreadsheets/{_ID}/values/(.+)", "values.update", mutates=True)
def _values_update(c: Call) -> Result:
    return values.update(c.book(), c.arg(2), c.params, c.body)


@route("POST", r"/drive/v3/files", "drive.files.create", mutates=True)
def _drive_create(c: Call) -> Result:
    return drive.create(c.store, c.body, c.email)


@route("GET", r"/drive/v3/files", "drive.files.list")
def _drive_list(c: Call) -> Result:
    return drive.list_files(c.store, c.params, c.email)


@route("GET", rf"/drive/v3/files/{_ID}", "drive.files.get")
def _drive_get(c: Call) -> Result:
    return drive.get_file(c.store, c.arg(1), c.params, c.email)


@route("DELETE", rf"/drive/v3/files/{_ID}", "drive.files.delete", mutates=True)
def _drive_delete(c: Call) -> Result:
    drive.lookup(c.store, c.arg(1), c.email)
    c.store.delete(c.arg(1))
    return None


@route("POST", rf"/drive/v3/files/{_ID}/copy", "drive.files.copy", mutates=True)
def _drive_copy(c: Call) -> Result:
    return drive.copy_file(c.store, c.arg(1), c.body, c.email)


@route("GET", rf"/drive/v3/files/{_ID}/export", "drive.files.export")
def _drive_export(c: Call) -> Result:
    return drive.export(c.store, c.arg(1), c.params, c.email)


@route("PUT", rf"/drive/v2/files/{_ID}", "drive.files.import", mutates=True)
def _drive_import(c: Call) -> Result:
    return drive.import_csv(c.store, c.arg(1), c.raw, c.email)


@route("GET", rf"/drive/v3/files/{_ID}/comments", "drive.comments.list")
def _drive_comments(c: Call) -> Result:
    drive.lookup(c.store, c.arg(1), c.email)
    return {"comments": []}


@route("GET", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.list")
def _drive_permissions(c: Call) -> Result:
    return drive.list_permissions(c.store, c.arg(1), c.email)


@route("POST", rf"/drive/v3/files/{_ID}/permissions", "drive.permissions.create", mutates=True)
def _drive_permission_create(c: Call) -> Result:
    return drive.create_permission(c.store, c.arg(1), c.body, c.email)


@route(
    "DELETE", rf"/drive/v3/files/{_ID}/permissions/{_ID}", "drive.permissions.delete", mutates=True
)
def _drive_permission_delete(c: Call) -> Result:
    drive.lookup(c.store, c.arg(1), c.email)
    return None


@route("GET", r"/v1/projects/-/serviceAccounts/([^/]+)/allowedLocations", "iam.allowedLocations")
def _allowed_locations(c: Call) -> Result:
    """google-auth's regional access boundary lookup; answer "no restriction"."""
    return {"locations": [], "encodedLocations": "0x0"}


def spreadsheet_id_of(path: str) -> str | None:
    # drive/v2: the CSV import (``/upload`` taken off), which a viewer may not run either
    m = re.match(r"^/(?:v4/spreadsheets|drive/v[23]/files)/([^/:?]+)", path)
    return unquote(m.group(1)) if m else None


__all__ = ["Call", "not_found", "resolve", "spreadsheet_id_of"]
