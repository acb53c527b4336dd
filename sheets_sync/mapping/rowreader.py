"""Reading one row's cells into fields, each bad cell a Finding against it (``RowReader``),
and an ID cell as an ID (``parse_id``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from sheets_sync.domain.models import Finding, Origin, Severity, filled_at
from sheets_sync.domain.values import CellValueError, parse_text
from sheets_sync.grid import CellError, CellValue, a1
from sheets_sync.mapping.extract import RowRecord

T = TypeVar("T")

#: a filled-down field as its note names it (``RowReader._filled_error``), where its
#: field's name with spaces is not it ("kr type is filled down" until 2026-12-07)
_LABELS = {"objective_id": "objective ID", "kr_id": "KR ID", "id": "KPI ID", "kr_type": "KR type"}
#: an objective header's field as a key result under it names it (objective blocks)
_HEADER_LABELS = {"objective_id": "ID", "objective_type": "type"}
#: the fields a row reads as every row does (the objective's, and a choice no other cell
#: of the row changes: a KR type, a KPI's Direction): a value in one that a row cannot
#: read, filled from a cell no row read (a merge's hidden first row), is said at that
#: cell; in another (a Current of Done merged down from a milestone's hidden row) it is
#: each row's own error (until 2026-12-07 said at the hidden cell, and the rows below
#: "filled down from G3, which is in error"; a KR type or Direction typo so merged was
#: said at each row of the merge until 2026-12-07)
_READ_ALIKE = frozenset(
    {"objective_id", "objective", "objective_type", "aligns_to", "kr_type", "direction"}
)


class TabReads:
    """What a tab's readers (``RowReader``) found in the cells the rows below fill down
    from (``RowRecord.filled``), shared by them, rows in order: whether each such cell's
    reading on its own row failed, its error said there (``outcome``, by row and field;
    absent: not read, as an objective's cells on a row with no Objective ID, or a hidden
    merge's first row). A field filled from a cell in error is said once: at that cell by
    its own row, or else by the first row below that reads it (until 2026-12-07 a typo
    there, or a title showing #REF!, on a row with no Objective ID was said nowhere)."""

    def __init__(self, records: Sequence[RowRecord] = (), blocks: bool = False) -> None:
        shared = {id(r.filled): r.filled for r in records if r.filled}  # shared tuples
        sources: dict[int, set[str]] = {}  # the fields rows below fill from each row
        for name, row, _ in (cell for cells in shared.values() for cell in cells):
            sources.setdefault(row, set()).add(name)
        self.sources = {row: frozenset(names) for row, names in sources.items()}
        self.blocks = blocks  # objective blocks: a key result's objective cells its header's
        self.outcome: dict[tuple[int, str], bool] = {}
        #: each source row read so far, with its ID, for the findings said there (a row
        #: not in it, a merge's hidden first row, is no row read: ``RowReader._say_at``)
        self.ids: dict[int, str | None] = {}
        #: the notes of an objective type filled from a cell in error, each with its
        #: objective's ID: none stands if a row below reads that objective after all
        self.type_notes: list[tuple[str | None, Finding]] = []


class RowReader:
    """Parses a record's fields, collecting findings against the right cell."""

    def __init__(
        self,
        record: RowRecord,
        origin: Origin,
        row_id: str | None,
        scored: frozenset[str] | None = None,
        noted: frozenset[str] | None = None,
        *,
        reads: TabReads,
        id_field: str = "",
    ) -> None:
        """``scored``: the fields an error in which leaves the row out (None: every one);
        an error in another is said, and the field read as blank (``unread``). A field
        filled down from a cell in error (``RowRecord.filled``) is said at that cell, once
        (``TabReads``), not here: here, one the score needs is a short note naming it
        (``noted``: the fields so noted, None every one; the objective a key result's row
        holds notes its type, not its ID, which the key result's reader notes: until
        2026-12-07 nothing, and an objective left out for a type typed on a row with no
        Objective ID said only ``points at unknown objective O1`` on its rows).
        ``reads``: the tab's, one for all its rows' readers (until 2026-12-07 a reader
        given none had one of its own, and said a source cell's error again each row).
        ``id_field``: the field ``row_id`` was read from, which ``require`` reads no
        more (until 2026-12-07 each row's ID was read twice)."""
        self.record, self.origin, self.row_id = record, origin, row_id
        self.id_field = id_field
        self.scored = scored
        self.noted = noted
        self.reads = reads
        #: the fields of this row a row below fills from
        self._sources = self.reads.sources.get(record.row, frozenset())
        if self._sources:
            self.reads.ids.setdefault(record.row, row_id)
        self.findings: list[Finding] = []
        self.unread: set[str] = set()
        self._spared: list[Finding] = []  # the errors of the fields in ``unread``
        self._failed = False  # a field the score needs filled down from a cell in error

    def get(self, field: str, parser: Callable[..., T | None], *args: object) -> T | None:
        value = self.record.values.get(field)
        try:
            got = parser(value, *args)
        except CellValueError as exc:
            if self.record.filled and self._filled_error(field, value, str(exc)):
                return None
            finding = Finding.at(self.origin, field, str(exc), row_id=self.row_id)
            self.findings.append(finding)
            if field in self._sources:
                self._read(field, failed=True)
            if self.scored is not None and field not in self.scored:
                self.unread.add(field)
                self._spared.append(finding)
            return None
        if field in self._sources:  # hot: not a call a cell
            self._read(field, failed=False)
        return got

    def _read(self, field: str, failed: bool) -> None:
        """Record the reading of this row's ``field``, a row below filling from it."""
        key = (self.record.row, field)
        self.reads.outcome[key] = failed or self.reads.outcome.get(key, False)

    def _filled_error(
        self, field: str, value: CellValue, message: str, severity: Severity = Severity.ERROR
    ) -> bool:
        """Whether ``field``, which did not read (``message``), was filled down from a
        cell in error (``RowRecord.filled``): one showing an error, or whose own row's
        reading failed (a value another row reads, a Current of Done under a milestone,
        is this row's error: "filled down from G2, which is in error" until 2026-12-07).
        Its error is said at that cell, once (``TabReads``); a field the score needs
        leaves this row out too, with a note saying why (until 2026-12-07 the error was
        said again at each cell it filled, as if each showed it). A field the score does
        without reads blank here, as on the error's own row."""
        at = filled_at(self.record.filled, field)
        if at is None:
            return False
        failed = self.reads.outcome.get((at[0], field))
        if not isinstance(value, CellError) and (
            failed is False or (failed is None and field not in _READ_ALIKE)
        ):  # a value its own row read, or no row (hidden) and a row may: this row's
            return False
        here = False  # said on this row, at its cell above: no note beside it
        if failed is None:
            here = self._say_at(at, field, message, severity)
        if self.scored is not None and field not in self.scored:
            if severity is Severity.ERROR:  # a link's is no field read blank
                self.unread.add(field)
            return True
        self._failed = True
        if (self.noted is None or field in self.noted) and not here:
            note = Finding.at(self.origin, field, self._note(field, a1(*at)), row_id=self.row_id)
            self.findings.append(note)
            if field == "objective_type":
                self.reads.type_notes.append((self.row_id, note))
        return True

    def _say_at(self, at: tuple[int, int], field: str, message: str, severity: Severity) -> bool:
        """Say the error of the cell ``at`` (row, column) field ``field`` was filled from,
        which its own row did not read: on that row, or on this one if that row is no row
        read (a merge's hidden first row: said at A4, and A5, until 2026-12-07). Whether
        this row's."""
        row, col = at
        self.reads.outcome[(row, field)] = True
        mine = row not in self.reads.ids  # read above, if a row read (rows in order)
        row_id = self.row_id if mine else self.reads.ids.get(row)
        origin = self.origin
        finding = Finding(
            severity, message, origin.source, origin.tab, a1(row, col), row_id,
            row=self.record.row if mine else row,
        )  # fmt: skip
        self.findings.append(finding)
        self._spared.append(finding)  # its row's error: this row's fate is the caller's
        return mine

    def _note(self, field: str, cell: str) -> str:
        """Why a row is left out for ``field`` filled from ``cell``, in error."""
        if self.reads.blocks and field in _HEADER_LABELS:  # the team filled nothing
            return f"its objective's {_HEADER_LABELS[field]} ({cell}) is in error"
        what = _LABELS.get(field) or field.replace("_", " ")
        return f"{what} is filled down from {cell}, which is in error"

    def link(self, field: str, label: str, said: bool = True) -> str | None:
        """An ID naming another row (Aligns to, KPI link): a checkbox or a date there is
        said as in an ID column, as a warning (an unknown ID is one), and the link left
        out; a KPI link typed 1-2 read "2026-01-02" and was said only as "names no KPI".
        ``said``: False for an objective's later rows, which hold it filled down."""
        value = self.record.values.get(field)
        try:
            got = parse_id(value, label)
        except CellValueError as exc:
            if field in self._sources:  # not said: the objective's first row says it
                self._read(field, failed=True)
            if not said:
                return None
            if self.record.filled and self._filled_error(field, value, str(exc), Severity.WARNING):
                return None  # said at the cell it is filled from
            self.findings.append(
                Finding.at(
                    self.origin, field, str(exc), severity=Severity.WARNING, row_id=self.row_id
                )
            )
            return None
        if field in self._sources:
            self._read(field, failed=False)
        return got

    def require(self, field: str, label: str, why: str = "") -> str:
        """``why``: what the "missing" message adds (``: its objective's row 4 ...``)."""
        # a source's ID read again (``_read``): defensive, as ``ObjectiveRows.seen``'s
        # sources: ``row_id`` is this cell as ``parse_id`` read it, which reads an equal
        # value filled below clean too, never looking up how it read here (no test or
        # fuzzed tab tells it apart: review of 2026-12-07)
        if field == self.id_field and self.row_id and field not in self._sources:
            return self.row_id  # read as ``row_id`` (``parse_id``), no other way: no error
        said, failed = len(self.findings), self._failed
        value = self.get(field, parse_id, label)
        if value is None and len(self.findings) == said and self._failed == failed:
            # not "missing" after its error, nor after a filled-down one (``_filled_error``)
            self.findings.append(
                Finding.at(self.origin, field, f"{label} is missing{why}", row_id=self.row_id)
            )
        return value or ""

    @property
    def ok(self) -> bool:
        """No error but in a field the score does without."""
        if self._failed or not self.findings:  # most rows: no finding, no set built
            return not self._failed
        spared = {id(f) for f in self._spared}
        return not self._failed and not any(
            f.is_error and id(f) not in spared for f in self.findings
        )


def parse_id(value: CellValue, label: str) -> str | None:
    """An ID cell as text, refusing a checkbox and a date: a KPI ID of TRUE (a checkbox
    pasted down the column) or a date (Google and Excel turn a typed ``1-2`` into 2 Jan)
    became the ID "TRUE" or "2026-01-02" without a word (until 2026-12-06). Kept as
    typed (the history records it so): IDs are compared, and the history's series keyed,
    through ``id_key``."""
    if isinstance(value, str):  # hot: most IDs are typed as text, never a refused kind
        return parse_text(value)
    retype = "format the cell as plain text and type the ID again"
    if isinstance(value, bool):
        shown = "TRUE" if value else "FALSE"
        what, fix = f"a checkbox or TRUE/FALSE value ({shown})", "type the ID in its place"
    elif isinstance(value, dt.date | dt.datetime):
        what = f"a date ({value.isoformat()[:10]})"
        fix = f"a spreadsheet turns a typed 1-2 or 1/2 into a date; {retype}"
    elif isinstance(value, dt.time | dt.timedelta):
        what, fix = f"a time ({value})", retype
    else:
        return parse_text(value)
    raise CellValueError(f"{label} is {what}, not an ID: {fix}")
