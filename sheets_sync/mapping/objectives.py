"""An objective as a tab's rows give it: merging each row's reading of it into the one
kept (``merge_objective``), and knowing the rows whose reading would change nothing
(``ObjectiveRows``). Pure: parse.py's, split from it (2026-12-07).
"""

from __future__ import annotations

from dataclasses import replace
from enum import Enum

from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import Finding, Objective, Severity
from sheets_sync.domain.values import CellValueError
from sheets_sync.grid import CellError, CellValue
from sheets_sync.mapping.blocks import blank
from sheets_sync.mapping.extract import RowRecord
from sheets_sync.mapping.rowreader import TabReads, parse_id

#: an objective's fields a row may type, by the record's field that holds each
_OBJECTIVE_CELLS = (("title", "objective"), ("type", "objective_type"), ("aligns_to", "aligns_to"))
#: a field as the repeat warning names it: the user's header, not the attribute
#: (``already has aligns_to 'C1'`` until 2026-12-07)
_SAID = {"aligns_to": "Aligns to"}


def typed_fields(record: RowRecord) -> frozenset[str]:
    """The objective's fields the row types (after fill-down): a blank one is no value,
    nor is one the row could not read (its objective is read with that field blank, and
    a later row's value is taken, not warned of as another): a title showing an error, or
    an Aligns to holding a date or a checkbox (which told a later row's C1 ``already has
    Aligns to None (row 2); 'C1' is ignored``, until 2026-12-07)."""
    return frozenset(f for f, name in _OBJECTIVE_CELLS if _reads(name, record.values.get(name)))


def _reads(name: str, value: CellValue) -> bool:
    if blank(value) or isinstance(value, CellError):
        return False
    if name == "aligns_to":
        try:
            parse_id(value, "Aligns to")
        except CellValueError:
            return False
    return True


def merge_objective(
    objectives: dict[str, Objective],
    new: Objective,
    findings: list[Finding],
    typed: frozenset[str],
    known: dict[str, dict[str, int | None]],
) -> None:
    """First row naming an objective defines it; later rows that disagree get a warning.
    ``objectives`` is keyed by ``id_key``: ``Ｏ１`` and ``O1`` are one objective.
    ``typed``: the fields the new row types; ``known``: those typed so far, with the row
    each came from, by key. A field rows above left blank is taken from the first row
    that types it (until 2026-12-07 the first row's blank stood: ``already has title ''
    (row 2); 'Grow' is ignored``), and a row leaving one blank contradicts nothing. A
    warning names the row the kept value came from (until 2026-12-07 the objective's
    first row, though its title came from row 3)."""
    key = id_key(new.id)
    old = objectives.get(key)
    if old is None:
        objectives[key] = new
        known[key] = dict.fromkeys(typed, new.origin.row)
        return
    for field, cell_name in _OBJECTIVE_CELLS:
        if field not in typed:
            continue
        if field not in known[key]:
            old = objectives[key] = replace(old, **{field: getattr(new, field)})
            known[key][field] = new.origin.row
            if (cell := new.origin.cell(cell_name)) is not None:  # said there, not row 2
                cells = {**old.origin.cells, cell_name: cell}  # (until 2026-12-07 row 2)
                old = objectives[key] = replace(old, origin=replace(old.origin, cells=cells))
            continue
        before, after = getattr(old, field), getattr(new, field)
        if field == "aligns_to" and before and after and id_key(before) == id_key(after):
            continue  # an ID: C1 and c1 are one (warned as two until 2026-12-06)
        if after and before != after:
            name = "objective" if field == "title" else field
            if isinstance(before, Enum):  # the type as typed, not Python's repr of it
                before, after = before.value, after.value
            findings.append(
                Finding.at(
                    new.origin,
                    name if name != "type" else "objective_type",
                    f"objective {new.id} already has {_SAID.get(field, field)} {before!r} "
                    f"(row {known[key][field]}); {after!r} is ignored",
                    severity=Severity.WARNING,
                    row_id=new.id,
                )
            )


#: the cells a row's reading of its objective reads (``parse.parse_objective``)
_READ = ("objective_id", "objective", "objective_type", "aligns_to")


class ObjectiveRows:
    """The objective cells of a tab's rows already read and merged without a word, by
    which a later row holding equal cells is passed over: a tab of a key result per row
    repeats its objective's cells (typed, or filled down) on each of its key results
    (10,000 readings a 500-team night, until 2026-12-07, for 2,500 objectives). Passed
    over only where reading it again would say nothing and change nothing: a cell that
    read clean reads clean again from an equal value of its type (its readers look at
    the value; whether it is filled down matters only where it fails), and
    ``merge_objective`` keeps a field once a row typed it, checking later rows against
    it (a row that disagrees holds other cells). Not so, and so never passed over or
    kept: a row that rows below fill from, whose reading records its cells' outcome for
    them (``TabReads``), and cells showing an error (``clean``), which a row holding
    them filled down reads without a word and a row showing them itself says."""

    def __init__(self, reads: TabReads) -> None:
        self._sources = reads.sources
        self._clean: set[tuple[tuple[type, CellValue], ...]] = set()

    def key(self, record: RowRecord) -> tuple[tuple[type, CellValue], ...]:
        """The row's objective cells, each with its type (1, 1.0 and TRUE are apart)."""
        values = record.values
        return tuple((type(v), v) for v in map(values.get, _READ))

    def seen(self, record: RowRecord, key: tuple[tuple[type, CellValue], ...]) -> bool:
        """A row holding cells (``key``) a row read and merged before without a word;
        False for a row that rows below fill from, which is always read. Defensive: no
        test or fuzzed tab tells it apart (review of 2026-12-07). Its reading records
        how its cells read (``TabReads.outcome``, ``ids``), which a row below looks up
        only where a cell filled from it fails to read; from a kept ``key``, read clean,
        an equal value reads clean below too (by the same ``parse_id``, ``parse_text``
        and ``parse_choice``; an Aligns to failing on an objective's later row returns
        unsaid before any look-up). Kept should a row below ever read such a cell
        otherwise than its own row does."""
        return key in self._clean and record.row not in self._sources

    def clean(self, key: tuple[tuple[type, CellValue], ...]) -> None:
        """A row holding ``key`` read its objective and merged it without a word. Not
        kept when a cell shows an error: a row holding one filled down reads without a
        word (said at the cell it is filled from), a row showing it itself says it, and
        errors are equal by code alone (``CellError``): a B4 showing #REF! below a B3
        filled from B2's was passed over unsaid (review of 2026-12-07)."""
        if not any(kind is CellError for kind, _ in key):
            self._clean.add(key)
