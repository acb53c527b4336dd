"""The Drive v3 calls gspread makes: create/list/get/delete/copy, export, comments, permissions."""

from __future__ import annotations

import csv
import io
import re
import secrets
from typing import Any

from sheets_sync.emulator.cellvalues import render
from sheets_sync.emulator.errors import ApiError
from sheets_sync.emulator.fields import parse_mask, select
from sheets_sync.emulator.scopes import PER_FILE
from sheets_sync.emulator.state import Spreadsheet, Store

SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
Params = dict[str, list[str]]


def drive_not_found(file_id: str) -> ApiError:
    message = f"File not found: {file_id}."
    return ApiError(
        404,
        message,
        drive_errors=[
            {
                "message": message,
                "domain": "global",
                "reason": "notFound",
                "location": "fileId",
                "locationType": "parameter",
            }
        ],
    )


def file_json(book: Spreadsheet) -> dict[str, Any]:
    return {
        "kind": "drive#file",
        "id": book.spreadsheet_id,
        "name": book.title,
        "mimeType": SPREADSHEET_MIME,
        "createdTime": book.created_time,
        "modifiedTime": book.modified_time,
        # Drive's int64 as JSON gives it, a string ("5" in a recorded files.update reply)
        "version": str(book.version),
    }


def _masked(data: dict[str, Any], params: Params, default: tuple[str, ...]) -> dict[str, Any]:
    fields = ",".join(params.get("fields", []))
    if fields:
        result: dict[str, Any] = select(data, parse_mask(fields))
        return result
    return {k: v for k, v in data.items() if k in default}


def reachable(book: Spreadsheet, email: str | None) -> bool:
    """Shared with the caller and, for a ``drive.file``-only token (``PER_FILE``), created
    by its client: ``owner`` is the email of the token that made it (``spreadsheets.create``,
    ``files.create``, ``files.copy``); a sheet seeded through the test API has none."""
    if not book.can_access(email):
        return False
    return not PER_FILE.get() or (email is not None and book.owner == email)


def lookup(store: Store, file_id: str, email: str | None) -> Spreadsheet:
    book = store.spreadsheets.get(file_id)
    if book is None or not reachable(book, email):
        raise drive_not_found(file_id)
    return book


def create(store: Store, body: dict[str, Any], email: str | None) -> dict[str, Any]:
    mime = body.get("mimeType") or SPREADSHEET_MIME
    if mime != SPREADSHEET_MIME:
        raise ApiError(400, f"The emulator only stores spreadsheets, not {mime}.")
    book = store.create(body.get("name") or "Untitled spreadsheet", owner=email)
    return {k: v for k, v in file_json(book).items() if k in ("kind", "id", "name", "mimeType")}


_Q_TERM = re.compile(r"(\w+)\s*(=|contains)\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')")


def list_files(store: Store, params: Params, email: str | None) -> dict[str, Any]:
    query = params.get("q", [""])[-1]
    books = [b for b in store.spreadsheets.values() if reachable(b, email)]
    for key, op, quoted in _Q_TERM.findall(query):
        value = quoted[1:-1].replace("\\'", "'").replace('\\"', '"')
        if key == "name":
            books = [
                b for b in books if (value in b.title if op == "contains" else b.title == value)
            ]
        elif key == "mimeType" and value != SPREADSHEET_MIME:
            books = []
    books.sort(key=lambda b: b.modified_time, reverse=True)
    files = [file_json(b) for b in books]
    data: dict[str, Any] = {"kind": "drive#fileList", "files": files}
    fields = ",".join(params.get("fields", []))
    if fields:
        result: dict[str, Any] = select(data, parse_mask(fields))
        return result
    short = ("kind", "id", "name", "mimeType")
    return {
        "kind": "drive#fileList",
        "incompleteSearch": False,
        "files": [{k: v for k, v in f.items() if k in short} for f in files],
    }


def get_file(store: Store, file_id: str, params: Params, email: str | None) -> dict[str, Any]:
    return _masked(
        file_json(lookup(store, file_id, email)), params, ("kind", "id", "name", "mimeType")
    )


def copy_file(
    store: Store, file_id: str, body: dict[str, Any], email: str | None
) -> dict[str, Any]:
    src = lookup(store, file_id, email)
    dup = store.copy(file_id, body.get("name") or f"Copy of {src.title}", email)
    return {k: v for k, v in file_json(dup).items() if k in ("kind", "id", "name", "mimeType")}


def export(store: Store, file_id: str, params: Params, email: str | None) -> tuple[str, bytes]:
    book = lookup(store, file_id, email)
    mime = params.get("mimeType", ["text/csv"])[-1]
    if mime not in ("text/csv", "text/tab-separated-values"):
        raise ApiError(400, f"The emulator exports only CSV/TSV, not {mime}.")
    sheet = book.sheets[0]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="," if mime == "text/csv" else "\t", lineterminator="\r\n")
    rows = max((r for r, _ in sheet.cells), default=-1) + 1
    cols = max((c for _, c in sheet.cells), default=-1) + 1
    for r in range(rows):
        writer.writerow(
            [
                render(sheet.cells.get((r, c)), "FORMATTED_VALUE", "SERIAL_NUMBER")
                for c in range(cols)
            ]
        )
    return mime, buf.getvalue().removesuffix("\r\n").encode("utf-8")


def list_permissions(store: Store, file_id: str, email: str | None) -> dict[str, Any]:
    book = lookup(store, file_id, email)
    perms = [_perm(book.owner or "owner@emulator.local", "owner")]
    perms += [_perm(addr, "writer") for addr in book.shared_with or []]
    perms += [_perm(a, "commenter" if a in book.commenters else "reader") for a in book.viewers]
    return {"kind": "drive#permissionList", "permissions": perms}


def _perm(address: str, role: str) -> dict[str, Any]:
    return {
        "kind": "drive#permission",
        "id": str(abs(hash(address)) % 10**20),
        "type": "user",
        "emailAddress": address,
        "role": role,
    }


def create_permission(
    store: Store, file_id: str, body: dict[str, Any], email: str | None
) -> dict[str, Any]:
    book = lookup(store, file_id, email)
    address = body.get("emailAddress") or f"anyone-{secrets.token_hex(4)}"
    role = body.get("role", "reader")
    if address in book.commenters:  # Drive keeps one permission per user: the new one
        book.commenters.remove(address)
    if role in ("reader", "commenter"):  # may read, not edit: a viewer
        if book.shared_with is None:  # an open sheet: every caller may edit it still
            return _perm(address, role)
        if address in book.shared_with:  # an editor made a reader (kept its edit until
            book.shared_with.remove(address)  # 2026-12-06)
        if address not in book.viewers:
            book.viewers.append(address)
        if role == "commenter":
            book.commenters.append(address)
        return _perm(address, role)
    if address in book.viewers:  # a viewer made an editor: its writes go through
        book.viewers.remove(address)
    if book.shared_with is not None and address not in book.shared_with:
        book.shared_with.append(address)
    return _perm(address, role)


def import_csv(store: Store, file_id: str, raw: bytes, email: str | None) -> dict[str, Any]:
    """Drive v2 media upload with convert=true: the CSV replaces every sheet with one tab
    named after the file, values parsed as if typed in (USER_ENTERED)."""
    from sheets_sync.emulator import defaults
    from sheets_sync.emulator.formulas import recalc
    from sheets_sync.emulator.state import Sheet
    from sheets_sync.emulator.values import write_matrix

    book = lookup(store, file_id, email)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    width = max((len(r) for r in rows), default=0)
    props = defaults.sheet_properties(
        book.new_sheet_id(),
        book.title,
        0,
        max(defaults.DEFAULT_ROWS, len(rows)),
        max(defaults.DEFAULT_COLUMNS, width),
    )
    sheet = Sheet(props)
    write_matrix(sheet, 0, 0, [list(r) for r in rows], "USER_ENTERED")
    book.sheets = [sheet]
    book.named_ranges = []
    recalc(book)
    return {
        "kind": "drive#file",
        "id": book.spreadsheet_id,
        "title": book.title,
        "mimeType": SPREADSHEET_MIME,
    }
