"""Reading one row's cells into fields, each bad cell a Finding against it (``RowReader``),
and an ID cell as an ID (``parse_id``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sheets_sync.domain.models import Finding, Origin, Severity
from sheets_sync.domain.values import CellValueError, parse_text
from sheets_sync.grid import CellValue, a1
from sheets_sync.mapping.extract import RowRecord

T = TypeVar("T")

#: a filled-down field as its note names it (``RowReader._filled_error``), where its
#: field's name with spaces is not it
_LABELS = {"objective_id": "objective ID", "kr_id": "KR ID", "id": "KPI ID"}


class RowReader:
    """Parses a record's fields, collecting findings against the right cell."""

    def __init__(
        self,
        record: RowRecord,
        origin: Origin,
        row_id: str | None,
        scored: frozenset[str] | None = None,
        noted: bool = True,
    ) -> None:
        """``scored``: the fields an error in which leaves the row out (None: every one);
        an error in another is said, and the field read as blank (``unread``). A field
        filled down from a cell in error (``RowRecord.filled``) is said at that cell, by
        its own row, not here: here, one the score needs is a short note naming it
        (``noted``; False: nothing, as for the objective a key result's row holds)."""
        self.record, self.origin, self.row_id = record, origin, row_id
        self.scored = scored
        self.noted = noted
        self.findings: list[Finding] = []
        self.unread: set[str] = set()
        self._spared: list[Finding] = []  # the errors of the fields in ``unread``
        self._failed = False  # a field the score needs filled down from a cell in error

    def get(self, field: str, parser: Callable[..., T | None], *args: object) -> T | None:
        try:
            return parser(self.record.values.get(field), *args)
        except CellValueError as exc:
            if self.record.filled and self._filled_error(field):
                return None
            finding = Finding.at(self.origin, field, str(exc), row_id=self.row_id)
            self.findings.append(finding)
            if self.scored is not None and field not in self.scored:
                self.unread.add(field)
                self._spared.append(finding)
            return None

    def _filled_error(self, field: str) -> bool:
        """Whether ``field``, which did not read, was filled down (``RowRecord.filled``):
        its cell in error is said at that cell by its own row; a field the score needs
        leaves this row out too, with a note saying why (until 2026-12-07 the error was
        said again at each cell it filled, as if each showed it). A field the score does
        without reads blank here, as on the error's own row."""
        at = next(((r, c) for name, r, c in self.record.filled if name == field), None)
        if at is None:
            return False
        if self.scored is not None and field not in self.scored:
            self.unread.add(field)
            return True
        what = _LABELS.get(field) or field.replace("_", " ")
        message = f"{what} is filled down from {a1(*at)}, which is in error"
        self._failed = True
        if self.noted:
            self.findings.append(Finding.at(self.origin, field, message, row_id=self.row_id))
        return True

    def link(self, field: str, label: str, said: bool = True) -> str | None:
        """An ID naming another row (Aligns to, KPI link): a checkbox or a date there is
        said as in an ID column, as a warning (an unknown ID is one), and the link left
        out; a KPI link typed 1-2 read "2026-01-02" and was said only as "names no KPI".
        ``said``: False for an objective's later rows, which hold it filled down."""
        try:
            return parse_id(self.record.values.get(field), label)
        except CellValueError as exc:
            if not said or any(f == field for f, _, _ in self.record.filled):
                return None  # said by the row it is filled from, or the objective's first
            self.findings.append(
                Finding.at(
                    self.origin, field, str(exc), severity=Severity.WARNING, row_id=self.row_id
                )
            )
            return None

    def require(self, field: str, label: str, why: str = "") -> str:
        """``why``: what the "missing" message adds (``: its objective's row 4 ...``)."""
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
