"""In-memory spreadsheet model: the single source of truth every endpoint reads and mutates."""

from __future__ import annotations

import contextvars
import copy
import datetime as dt
import json
import secrets
import string
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sheets_sync.atomic import atomic_write_text
from sheets_sync.emulator import defaults
from sheets_sync.emulator.errors import not_found, permission_denied

Cell = dict[str, Any]
CALLER: contextvars.ContextVar[str | None] = contextvars.ContextVar("caller", default=None)
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"


@dataclass(frozen=True)
class Grant:
    """An access token's scopes (the JWT's ``scope`` claim) and when it stops working
    (``time.time()`` seconds), as Google's token introspection would say."""

    scopes: frozenset[str]
    expires_at: float


def now_rfc3339() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def new_file_id() -> str:
    """Google file ids are 44 url-safe characters starting with '1'."""
    return "1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(43))


@dataclass
class Sheet:
    """One tab: properties plus sparse cells keyed by zero-based (row, column)."""

    properties: dict[str, Any]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[dict[str, Any]] = field(default_factory=list)
    row_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    col_meta: dict[int, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # basicFilter, protectedRanges, groups
    #: each cell an array formula fills, to its anchor: as of the last recalculation, not
    #: kept in the state file (``spill.fill`` makes it again); not moved by a row or column
    #: inserted or deleted since (``cell_requests._computed`` sees the cells it moved)
    filled_by: dict[tuple[int, int], tuple[int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def sheet_id(self) -> int:
        return int(self.properties["sheetId"])

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    @property
    def grid(self) -> dict[str, Any]:
        grid: dict[str, Any] = self.properties.setdefault("gridProperties", {})
        return grid

    @property
    def row_count(self) -> int:
        return int(self.grid.get("rowCount", 0))

    @property
    def col_count(self) -> int:
        return int(self.grid.get("columnCount", 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "properties": self.properties,
            "cells": [[r, c, v] for (r, c), v in sorted(self.cells.items())],
            "merges": self.merges,
            "row_meta": {str(k): v for k, v in self.row_meta.items()},
            "col_meta": {str(k): v for k, v in self.col_meta.items()},
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sheet:
        return cls(
            properties=data["properties"],
            cells={(int(r), int(c)): v for r, c, v in data.get("cells", [])},
            merges=data.get("merges", []),
            row_meta={int(k): v for k, v in data.get("row_meta", {}).items()},
            col_meta={int(k): v for k, v in data.get("col_meta", {}).items()},
            extra=data.get("extra", {}),
        )


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    properties: dict[str, Any]
    sheets: list[Sheet] = field(default_factory=list)
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    created_time: str = field(default_factory=now_rfc3339)
    modified_time: str = field(default_factory=now_rfc3339)
    #: Drive's ``version``: one more with every change to the file (``changed``: each
    #: mutating Sheets or Drive call that succeeded), none with a read
    version: int = 1
    owner: str | None = None
    shared_with: list[str] | None = None  # None: every authenticated caller may access it
    #: shared as Viewer or Commenter: may read it, and gets Google's 403 on any write
    viewers: list[str] = field(default_factory=list)
    #: the viewers shared as Commenter (a subset of ``viewers``): the permissions list says so
    commenters: list[str] = field(default_factory=list)
    #: a request of the batch being applied changed the book since the last
    #: recalculation: an array it typed (or unblocked, or changed) fills cells not filled
    #: yet (``cell_requests.copy_paste`` recalculates first); not kept in the state file
    unsettled: bool = field(default=False, compare=False, repr=False)

    @property
    def title(self) -> str:
        return str(self.properties["title"])

    def touch(self) -> None:
        self.modified_time = now_rfc3339()

    def changed(self) -> None:
        """A mutating call succeeded (the server, once a request): Drive's ``version``
        one more, its ``modifiedTime`` now."""
        self.touch()
        self.version += 1

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def sheet_by_title(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def new_sheet_id(self) -> int:
        used = {s.sheet_id for s in self.sheets}
        while True:
            candidate = secrets.randbelow(2_000_000_000) + 1
            if candidate not in used:
                return candidate

    def reindex(self) -> None:
        self.sheets.sort(key=lambda s: int(s.properties["index"]))
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i

    def can_access(self, email: str | None) -> bool:
        if self.shared_with is None:
            return True
        if email is not None and email in self.viewers:
            return True
        return email is not None and (email == self.owner or email in self.shared_with)

    def to_json(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": self.properties,
            "sheets": [s.to_json() for s in self.sheets],
            "namedRanges": self.named_ranges,
            "createdTime": self.created_time,
            "modifiedTime": self.modified_time,
            "version": self.version,
            "owner": self.owner,
            "sharedWith": self.shared_with,
            "viewers": self.viewers,
            "commenters": self.commenters,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spreadsheet:
        return cls(
            spreadsheet_id=data["spreadsheetId"],
            properties=data["properties"],
            sheets=[Sheet.from_json(s) for s in data.get("sheets", [])],
            named_ranges=data.get("namedRanges", []),
            created_time=data.get("createdTime", now_rfc3339()),
            modified_time=data.get("modifiedTime", now_rfc3339()),
            version=int(data.get("version", 1)),
            owner=data.get("owner"),
            shared_with=data.get("sharedWith"),
            viewers=list(data.get("viewers", [])),
            commenters=list(data.get("commenters", [])),
        )


class Store:
    """All spreadsheets and issued tokens; one lock serialises mutations like Google's per-file
    ordering does."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.tokens: dict[str, str] = {}  # access token -> service account email
        #: access token -> what it was minted for; a token missing here (``issue_token``
        #: of the test API) holds every scope and never expires
        self.grants: dict[str, Grant] = {}
        self._save_lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.spreadsheets.clear()
            self.tokens.clear()
            self.grants.clear()

    def create(
        self,
        title: str,
        *,
        owner: str | None = None,
        spreadsheet_id: str | None = None,
        sheet_titles: list[str] | None = None,
    ) -> Spreadsheet:
        with self.lock:
            key = spreadsheet_id or new_file_id()
            book = Spreadsheet(key, defaults.spreadsheet_properties(title), owner=owner)
            for i, name in enumerate(sheet_titles or ["Sheet1"]):
                sid = 0 if i == 0 else book.new_sheet_id()
                book.sheets.append(Sheet(defaults.sheet_properties(sid, name, i)))
            self.spreadsheets[key] = book
            return book

    def get(self, key: str, email: str | None = None) -> Spreadsheet:
        book = self.spreadsheets.get(key)
        if book is None:
            raise not_found()
        if not book.can_access(email):
            raise permission_denied()
        return book

    def delete(self, key: str) -> None:
        with self.lock:
            self.spreadsheets.pop(key, None)

    def copy(self, key: str, title: str, owner: str | None) -> Spreadsheet:
        with self.lock:
            src = self.spreadsheets[key]
            dup = Spreadsheet.from_json(copy.deepcopy(src.to_json()))
            keep_fills(fills_of(src), dup)
            dup.spreadsheet_id = new_file_id()
            dup.properties["title"] = title
            # Google: a copy keeps none of the source's shares (the copy's viewers were
            # the source's, so a viewer's own copy was read-only to it, until 2026-12-06)
            dup.owner, dup.shared_with, dup.viewers, dup.commenters = owner, None, [], []
            dup.created_time = dup.modified_time = now_rfc3339()
            dup.version = 1
            self.spreadsheets[dup.spreadsheet_id] = dup
            return dup

    def save(self, path: Path) -> None:
        """Write the state atomically: a temporary file in the same folder, flushed and synced,
        then renamed over ``path``, so a kill or a full disk mid-save leaves the old file."""
        with self._save_lock:  # saves land in the order their snapshots were taken
            with self.lock:
                data = {"spreadsheets": [b.to_json() for b in self.spreadsheets.values()]}
                text = json.dumps(data)
            atomic_write_text(path, text)

    def load(self, path: Path) -> None:
        """Add the spreadsheets saved in ``path``; all of them or, on StateFileError, none."""
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise StateFileError(path, "is not UTF-8 text") from None
        except OSError as exc:
            raise StateFileError(path, f"cannot be read: {exc.strerror or exc}") from None
        if not text.strip():
            raise StateFileError(path, "is empty")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StateFileError(path, f"is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise StateFileError(path, f"must hold a JSON object, not {_json_kind(data)}")
        raw_books = data.get("spreadsheets", [])
        if not isinstance(raw_books, list):
            raise StateFileError(
                path, f"'spreadsheets' must be an array, not {_json_kind(raw_books)}"
            )
        books: list[Spreadsheet] = []
        for number, raw in enumerate(raw_books, 1):
            try:
                books.append(Spreadsheet.from_json(raw))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                why = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
                raise StateFileError(
                    path, f"spreadsheet {number} is not a saved spreadsheet ({why})"
                ) from None
        from sheets_sync.emulator.formulas import recalc  # it imports this module

        with self.lock:
            for book in books:
                recalc(book)  # what each array fills (Sheet.filled_by) is not saved
                self.spreadsheets[book.spreadsheet_id] = book


Fills = dict[int, dict[tuple[int, int], tuple[int, int]]]  # by sheetId: Sheet.filled_by


def fills_of(book: Spreadsheet) -> Fills:
    return {sheet.sheet_id: dict(sheet.filled_by) for sheet in book.sheets}


def keep_fills(fills: Fills, book: Spreadsheet) -> None:
    """``book``, made from JSON, knows what its arrays fill (``fills``: ``fills_of`` the
    book it was made from; ``Sheet.filled_by`` is no part of the JSON): else its filled
    cells showed no anchor's number format until the next recalculation."""
    for sheet in book.sheets:
        sheet.filled_by = dict(fills.get(sheet.sheet_id, {}))


class StateFileError(ValueError):
    """A --state file the emulator cannot load: the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"state file {path} {problem}")
        self.path = path


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "an object"
