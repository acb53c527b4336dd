"""A Google rollup too large for one request, written in several and published in one.

Google's front end refuses a request body past 10,485,760 bytes, and a rollup takes some
95 KB a team of 20 key results and 15 KPIs. The rollup must still never be seen half
written (finance's ``IMPORTRANGE`` reads its tabs at any moment), so the cells go first
into hidden staging tabs, a batch of at most ``BATCH_BYTES`` at a time, none of which a
reader of the real tabs sees; then one small batch resizes each real tab, pastes its
staged twin's values and formats over it (``publish``: ranges only, about a kilobyte a tab
whatever the data) and deletes the staging tabs. Google applies that batch all-or-nothing,
and the real tabs keep their sheetIds, so formulas pointing at them keep working. A run that dies
before it leaves only hidden staging tabs, which the next run deletes (by ``PREFIX``).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from sheets_sync.errors import RemoteError

#: Each batch's body stays under this (Google's limit is 10 MiB: room for the rest of
#: the HTTP request and for an estimate that is a few bytes off)
BATCH_BYTES = 8 * 1024 * 1024
#: Staging tabs are named PREFIX + the run's token + the tab's number; no team names a tab
#: so, and a name that starts so is ours to delete
PREFIX = "~sheets-sync staging~"
FIELDS = "userEnteredValue,userEnteredFormat"

Request = dict[str, Any]
Row = list[dict[str, Any]]


@dataclass(frozen=True)
class Placed:
    """A rollup tab where it goes: its sheetId, the request that adds or resizes it, its
    rows and its grid."""

    sheet_id: int
    resize: Request
    rows: list[Row]
    height: int
    width: int


class FormattedRows(list[Row]):
    """A tab's rows whose cells in some columns carry no format of their own: each such
    column takes one, from row ``top`` (0-based) down, in one ``repeatCell``
    (``column_formats``). The History tab's Date, Score and Expected columns: their
    number format was a quarter of the tab's bytes, sent in every cell (until 2026-12-07).
    A blank cell of such a column takes the format too, where it had none: it shows
    nothing either way."""

    def __init__(self, rows: Iterable[Row] = (), formats: dict[int, dict[str, Any]] | None = None,
                 top: int = 1) -> None:  # fmt: skip
        super().__init__(rows)
        self.formats = dict(formats or {})
        self.top = top


def column_formats(sheet_id: int, tab: Placed) -> list[Request]:
    """The ``repeatCell`` requests that give ``tab``'s columns their formats
    (``FormattedRows``) on the tab ``sheet_id``: after its cells' ``updateCells``, whose
    ``FIELDS`` clear a cell's format when it has none."""
    if not isinstance(tab.rows, FormattedRows) or len(tab.rows) <= tab.rows.top:
        return []
    top = tab.rows.top
    return [
        {
            "repeatCell": {
                "range": {
                    "sheetId": sheet_id,
                    "startRowIndex": top,
                    "endRowIndex": len(tab.rows),
                    "startColumnIndex": column,
                    "endColumnIndex": column + 1,
                },
                "cell": {"userEnteredFormat": look},
                "fields": "userEnteredFormat",
            }
        }
        for column, look in tab.rows.formats.items()
    ]


def size(body: Any) -> int:
    """Bytes of ``body`` as the client sends it (requests' ``json=``: ``json.dumps`` with
    its default separators, non-ASCII escaped)."""
    return len(json.dumps(body).encode("utf-8"))


class Wrapped:
    """A tab's rows as an ``updateCells`` sends them (``{"values": row}`` each), each
    made as it is iterated: what ``fits`` sizes (``rollup.each_request``'s ``sizing``).
    The tab's whole list of them, made before ``fits`` sized its first row, held every
    History row's wrapper at once, also for a rollup too big for one batch (until
    2026-12-07: 116 MB traced at 600,000 rows, a staged batch 16 MB). Not JSON: a batch
    sent takes a list."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Request]:
        return ({"values": row} for row in self.rows)


def fits(requests: Iterable[Request], limit: int) -> bool:
    """Whether ``size({"requests": requests}) <= limit``, told a row at a time: sized
    whole, a batch's JSON text and then its bytes are built (a 2,000-team History tab is
    some 150 MB of JSON: 268 MB more peak RSS); so, one row's at a time, and it stops
    once past ``limit``. ``requests`` may be made as they are asked for: none is held
    once sized; an ``updateCells``'s rows may be ``Wrapped``, each made as it is sized."""
    spent = size({"requests": []})
    for n, request in enumerate(requests):
        spent += 2 if n else 0  # ", " before each request but the first
        update = request.get("updateCells")
        if update is None or not update.get("rows"):
            spent += size(request)
        else:
            rows = update["rows"]
            spent += size({"updateCells": {**update, "rows": []}}) + 2 * (len(rows) - 1)
            for row in rows:
                spent += size(row)
                if spent > limit:
                    return False
        if spent > limit:
            return False
    return spent <= limit  # no request: the empty body's own bytes (it said True)


def is_staging(title: str) -> bool:
    return title.startswith(PREFIX)


def new_id(used: set[int]) -> int:
    """A sheetId nobody uses yet (chosen here, so that the same batch can write the tab)."""
    sheet_id = secrets.randbelow(2_000_000_000) + 1
    while sheet_id in used:
        sheet_id = secrets.randbelow(2_000_000_000) + 1
    used.add(sheet_id)
    return sheet_id


def grid(sheet_id: int, height: int, width: int, top: int = 0) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": top,
        "endRowIndex": height,
        "startColumnIndex": 0,
        "endColumnIndex": width,
    }


def delete(sheet_ids: Iterable[int]) -> list[Request]:
    return [{"deleteSheet": {"sheetId": sheet_id}} for sheet_id in sheet_ids]


_EXISTS = re.compile(r"A sheet with id (\d+) already exists")
_GONE = re.compile(r"No grid with id: (\d+)")


def applied_before(message: str, batch: Sequence[Request], chosen: set[int]) -> bool:
    """Whether Google's 400 to a batch sent again (the first attempt timed out) says that
    the first was applied: a tab this batch adds already exists, or one it deletes is gone,
    the tab's id being one of ``chosen``, those this run chose at random (``new_id``). Only
    this run's batch made such a tab or removes it, and Google applies a batch whole, so
    the rest of it is in place too. A dead run's leftover staging tab that is gone says
    nothing: anyone may have deleted it while the first attempt failed unapplied."""
    adds = {int(r["addSheet"]["properties"]["sheetId"]) for r in batch if "addSheet" in r}
    deletes = {int(r["deleteSheet"]["sheetId"]) for r in batch if "deleteSheet" in r}
    exists, gone = _EXISTS.search(message), _GONE.search(message)
    return bool(
        (exists and int(exists[1]) in adds & chosen) or (gone and int(gone[1]) in deletes & chosen)
    )


def chosen_ids(batches: Sequence[Sequence[Request]]) -> set[int]:
    """The tab ids a run chose itself: every tab its batches add (new rollup tabs and its
    staging tabs), never a tab that was there before it."""
    return {
        int(r["addSheet"]["properties"]["sheetId"])
        for batch in batches
        for r in batch
        if "addSheet" in r
    }


class StagedBatches(Sequence[list[Request]]):
    """Every batch of a staged publish, the final one last, each made when asked for
    (``staged_batches``): a batch's requests wrap some 8 MiB of the tabs' rows, and all
    of them made before the first was sent held the whole rollup's wrappers at once
    (until 2026-12-07). Only where each batch cuts the tabs' rows is kept; a batch asked
    for twice is made twice, the same. ``chosen``: the staging tabs' ids (``chosen_ids``)."""

    def __init__(
        self,
        placed: Sequence[Placed],
        stage_ids: Sequence[int],
        first: list[Request],
        cuts: list[list[tuple[int, int, int]]],
    ) -> None:
        self.placed, self.stage_ids = list(placed), list(stage_ids)
        self.first, self.cuts = first, cuts  # cuts: per batch (tab, first row, end row)
        self.chosen = set(stage_ids) | chosen_ids([[tab.resize for tab in placed]])
        self.final: list[Request] = []  # what the caller adds to the final batch

    def __len__(self) -> int:
        return len(self.cuts) + 1

    @overload
    def __getitem__(self, n: int) -> list[Request]: ...
    @overload
    def __getitem__(self, n: slice) -> list[list[Request]]: ...
    def __getitem__(self, n: int | slice) -> list[Request] | list[list[Request]]:
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(len(self)))]
        if n < 0:
            n += len(self)
        if not 0 <= n < len(self):
            raise IndexError(n)
        if n == len(self.cuts):
            return self._final() + self.final
        batch = list(self.first) if n == 0 else []
        for k, top, end in self.cuts[n]:
            tab, stage = self.placed[k], self.stage_ids[k]
            rows = [{"values": row} for row in tab.rows[top:end]]
            batch.append({"updateCells": {"range": grid(stage, end, tab.width, top),
                                          "rows": rows, "fields": FIELDS}})  # fmt: skip
            if end == len(tab.rows):  # its last rows: its columns' formats after them
                batch += column_formats(stage, tab)
        return batch

    def __iter__(self) -> Iterator[list[Request]]:
        return (self[n] for n in range(len(self)))

    def _final(self) -> list[Request]:
        final: list[Request] = []
        for tab, stage in zip(self.placed, self.stage_ids, strict=True):
            final.append(tab.resize)
            final += publish(stage, tab)
        return final + delete(self.stage_ids)


def staged_batches(
    placed: Sequence[Placed],
    leftovers: Sequence[int],
    used: set[int],
    limit: int = BATCH_BYTES,
    source: str = "",
) -> StagedBatches:
    """Every batch of a staged publish, the final one last, each made as it is asked for
    (``StagedBatches``); where they cut the rows is told here, each row sized once.

    The first adds the hidden staging tabs (then deletes a dead run's); the cells follow in
    ``updateCells`` requests of consecutive rows, cut so that each batch's body stays
    within ``limit``; the last makes every real tab take its staged twin at once.
    """
    token = secrets.token_hex(4)
    stage_ids = [new_id(used) for _ in placed]
    first: list[Request] = []
    for n, (tab, stage) in enumerate(zip(placed, stage_ids, strict=True)):
        props = {
            "sheetId": stage,
            "title": f"{PREFIX}{token}~{n + 1}",
            "hidden": True,
            "gridProperties": {"rowCount": tab.height, "columnCount": tab.width},
        }
        first.append({"addSheet": {"properties": props}})
    # after the adds: a retry of an applied first batch is refused for a tab it adds
    # (``applied_before``), not for a dead run's tab, which says nothing
    first += delete(leftovers)
    cuts: list[list[tuple[int, int, int]]] = [[]]
    filled = bool(first)  # whether the batch being cut holds a request yet
    spent = size({"requests": first})
    for k, (tab, stage) in enumerate(zip(placed, stage_ids, strict=True)):
        top = 0
        # the columns' formats go with the tab's last rows: room kept for them in each cut
        formats = sum(size(r) + 2 for r in column_formats(stage, tab))
        while top < len(tab.rows):
            shell = {"updateCells": {"range": grid(stage, top, tab.width, top), "rows": [],
                                     "fields": FIELDS}}  # fmt: skip
            overhead = size(shell) + 2 + 24  # the separator and the end index's digits
            room = limit - spent - overhead - formats
            end, costs = top, 0
            for row in tab.rows[top:]:
                cost = size({"values": row}) + 2
                if cost > room:
                    break
                room -= cost
                costs += cost
                end += 1
            if end == top:
                if not filled:  # an empty batch had no room for it: no batch has
                    raise RemoteError(
                        f"row {top + 1} of a rollup tab is larger than a request may be "
                        f"({limit:,} bytes)",
                        source=source,
                    )
                cuts.append([])
                filled = False
                spent = size({"requests": []})
                continue
            cuts[-1].append((k, top, end))
            filled = True
            # the request's size as sent, its rows not serialised again: each row's JSON
            # and ", " between them (``costs`` counted ", " after every row)
            empty = {"updateCells": {"range": grid(stage, end, tab.width, top), "rows": [],
                                     "fields": FIELDS}}  # fmt: skip
            spent += size(empty) + costs - 2 + 2 + (formats if end == len(tab.rows) else 0)
            top = end
    if not first and not cuts[0]:
        cuts.pop(0)  # no request in the first batch: no tab to add, nothing to delete
    return StagedBatches(placed, stage_ids, first, cuts)


def publish(stage: int, tab: Placed) -> list[Request]:
    """The pastes that make a real tab take its staged twin as the one batch's
    ``updateCells`` of ``FIELDS`` would: its values and formats, and nothing else of the
    cells (a user's note, dropdown or merge on a rollup cell stays).

    ``PASTE_NORMAL`` would paste whole cells, merges too; ``PASTE_VALUES`` pastes "the
    values ONLY" and ``PASTE_FORMAT`` "the format and data validation only" (the Sheets
    API's PasteType), so the twin first takes the real tab's data validation, which the
    format paste then puts back where it was."""

    def paste(source: int, target: int, kind: str) -> Request:
        return {
            "copyPaste": {
                "source": grid(source, tab.height, tab.width),
                "destination": grid(target, tab.height, tab.width),
                "pasteType": kind,
                "pasteOrientation": "NORMAL",
            }
        }

    return [
        paste(tab.sheet_id, stage, "PASTE_DATA_VALIDATION"),
        paste(stage, tab.sheet_id, "PASTE_VALUES"),
        paste(stage, tab.sheet_id, "PASTE_FORMAT"),
    ]
