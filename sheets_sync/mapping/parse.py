"""Turn row records into validated domain objects, one Finding per bad cell.

A key result or KPI row with an error in a cell its score needs (``KR_SCORED``,
``KPI_SCORED``) is left out of the scores; an error in any other cell (a Due date, an
Owner, a Confidence) is said as well, and the row scores with that field blank
(``unread``; until 2026-12-07 any error left the row out). So for an objective
(``OBJECTIVE_SCORED``): an error in its title leaves it untitled. Every finding reaches
the team.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sheets_sync.domain.confidence import parse_confidence
from sheets_sync.domain.date_order import Order, column_evidence, swapped_dates
from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import (
    KPI,
    Category,
    Direction,
    Finding,
    Frequency,
    KeyResult,
    KRType,
    Objective,
    ObjectiveType,
    Origin,
    Severity,
    TeamInput,
)
from sheets_sync.domain.units import is_percent_unit
from sheets_sync.domain.values import (
    EXCEL_EPOCH,
    CellValueError,
    parse_choice,
    parse_current,
    parse_date,
    parse_done,
    parse_number,
    parse_text,
)
from sheets_sync.grid import CellValue
from sheets_sync.mapping.extract import Extract, RowRecord
from sheets_sync.mapping.fields import KR_TYPE_ALIASES, OBJECTIVE_TYPE_ALIASES
from sheets_sync.mapping.objectives import ObjectiveRows, merge_objective, typed_fields
from sheets_sync.mapping.rowreader import RowReader, TabReads, parse_id
from sheets_sync.mapping.vocabulary import FREQUENCY_ALIASES, FREQUENCY_REFUSED
from sheets_sync.mapping.weights import weight_findings

#: a key result's fields its score, pace and objective roll-up need: an error in one of
#: these cells leaves the row out of the scores (docs/scoring.md, "A cell in error"). A
#: Due date is not one: a key result whose Due date is in error is paced to the period's
#: end, as one with none is
KR_SCORED = frozenset({"objective_id", "kr_id", "kr_type", "start", "target", "current", "weight"})
#: a KPI's fields its Green / Amber / Red needs; an error in its As of leaves it never
#: judged Stale, in its Frequency judged against a year, in Previous with no Trend
KPI_SCORED = frozenset({"id", "direction", "target", "lower", "upper", "amber_threshold", "actual"})
#: an objective's: its type sets its key results' pace (an Objective title in error leaves
#: it untitled; an Aligns to it cannot read is a warning, and no link)
OBJECTIVE_SCORED = frozenset({"objective_id", "objective_type"})

DIRECTION_ALIASES = {
    "up": Direction.HIGHER,
    "higher_is_better": Direction.HIGHER,
    "increase": Direction.HIGHER,
    "max": Direction.HIGHER,
    "down": Direction.LOWER,
    "lower_is_better": Direction.LOWER,
    "decrease": Direction.LOWER,
    "min": Direction.LOWER,
    "between": Direction.RANGE,
    "within": Direction.RANGE,
    "band": Direction.RANGE,
}


def _origin(extract_source: str, tab: str, record: RowRecord) -> Origin:
    return Origin(extract_source, tab, record.row, record.cells, record.filled)


def _id_of(record: RowRecord, field: str) -> str | None:
    try:
        return parse_id(record.values.get(field), field)
    except CellValueError:
        return None


def _first_row(record: RowRecord, objectives: dict[str, Objective]) -> bool:
    """The record is its objective's first row (``objectives`` keyed by ``id_key``)."""
    objective_id = _id_of(record, "objective_id")
    return objective_id is None or id_key(objective_id) not in objectives


def parse_objective(
    record: RowRecord,
    source: str,
    tab: str,
    reads: TabReads,
    first: bool = True,
) -> tuple[Objective | None, list[Finding]]:
    """``reads``: the tab's (``TabReads``), shared by its rows' readers, given (until
    2026-12-07 None, each row's its own); ``first``: the objective's first row (its
    Aligns to is said there only)."""
    origin = _origin(source, tab, record)
    # its type noted while the objective is left out (its ID: a key result's row holding
    # one in error filled down says so once, as the key result's)
    noted, row_id = frozenset({"objective_type"} if first else ()), _id_of(record, "objective_id")
    reader = RowReader(
        record, origin, row_id, OBJECTIVE_SCORED, noted, reads=reads, id_field="objective_id"
    )
    obj_id = reader.require("objective_id", "objective ID")
    objective = Objective(
        id=obj_id,
        title=reader.get("objective", parse_text) or "",
        type=reader.get(
            "objective_type",
            parse_choice,
            ObjectiveType,
            OBJECTIVE_TYPE_ALIASES,
            ObjectiveType.COMMITTED,
        )
        or ObjectiveType.COMMITTED,
        aligns_to=reader.link("aligns_to", "Aligns to", said=first),
        origin=origin,
    )
    return (objective if reader.ok else None), reader.findings


def parse_key_result(
    record: RowRecord,
    source: str,
    tab: str,
    reads: TabReads,
    epoch: dt.date = EXCEL_EPOCH,
    blocks: bool = False,
    day_first: Order = None,
) -> tuple[KeyResult | None, list[Finding]]:
    """``epoch``: day 0 of the workbook's day numbers (``Extract.epoch``); ``blocks``: the
    tab is in objective blocks, where a key result with no objective ID at all is one
    above the first objective row (in another layout, one with no objective column, it
    is ``...!2:2: objective ID is missing``, as it always was); ``day_first``: the order
    of the Due column's digit dates (``date_order.column_evidence``)."""
    origin = _origin(source, tab, record)
    row_id = _id_of(record, "kr_id")
    reader = RowReader(record, origin, row_id, KR_SCORED, reads=reads, id_field="kr_id")
    if "objective_id" in record.values or not blocks:
        at = record.unknown_objective  # its header's cells: formulas with no value
        why = f": its objective's row {at} holds formulas with no value" if at else ""
        objective_id = reader.require("objective_id", "objective ID", why)
    else:  # no objective row above it ("2:2: objective ID is missing" until 2026-12-06)
        objective_id = ""
        reader.findings.append(
            Finding.at(
                origin,
                "kr_id",
                "key result above the first objective row: move it under its objective",
                row_id=reader.row_id,
            )
        )
    kr_id = reader.require("kr_id", "KR ID")
    kr_type = reader.get("kr_type", parse_choice, KRType, KR_TYPE_ALIASES, KRType.NUMBER)
    kr_type = kr_type or KRType.NUMBER
    current_parser = parse_done if kr_type is KRType.MILESTONE else parse_current
    if current_parser is parse_current and record.objective_too:
        current_parser = _current_or_objective
    weight = reader.get("weight", parse_number)
    kr = KeyResult(
        objective_id=objective_id,
        id=kr_id,
        description=reader.get("key_result", parse_text) or "",
        owner=reader.get("owner", parse_text),
        type=kr_type,
        start=reader.get("start", parse_number),
        target=reader.get("target", parse_number),
        current=reader.get("current", current_parser),
        unit=reader.get("unit", parse_text),
        weight=1.0 if weight is None else weight,
        confidence=reader.get("confidence", parse_confidence, record.percent_confidence),
        due=reader.get("due", parse_date, epoch, day_first),
        kpi_link=reader.link("kpi_link", "KPI link"),
        comment=reader.get("comment", parse_text),
        origin=origin,
        shown_as_percent=record.percent,
        unread=frozenset(reader.unread),
    )
    return (_percent_type(record, kr) if reader.ok else None), reader.findings


def _current_or_objective(value: CellValue) -> float | None:
    """``parse_current`` of a row an objective header reads the same as (an unticked
    ``O1a`` under ``O1`` with a Due, ``blocks.objective_too``): its FALSE's error names
    both ways out, as a sub-objective read as a key result was told to be a milestone."""
    try:
        return parse_current(value)
    except CellValueError as exc:
        if not isinstance(value, bool):
            raise
        also = "or, if it is an objective, its Type to committed or aspirational"
        raise CellValueError(f"{exc}, {also}") from None


def _percent_type(record: RowRecord, kr: KeyResult) -> KeyResult:
    """A unit of "%" for a key result of KR type percent (a number KR in %) with no Unit whose
    values show percentages: the count lint told it to type its 40% as 40, and the rollup
    showed 0.4. Plain numbers stay without a unit, as typed, and so does a 0%, 0 on every
    scale: "from 0% to 40" was in %, its 40 "4000 %" (until 2026-12-06)."""
    typed = record.values.get("kr_type")
    if kr.unit or not (isinstance(typed, str) and is_percent_unit(typed)):
        return kr
    if any(getattr(kr, f) for f in record.percent & {"start", "target", "current"}):
        return replace(kr, unit="%")
    return kr


def parse_kpi(
    record: RowRecord,
    source: str,
    tab: str,
    reads: TabReads,
    epoch: dt.date = EXCEL_EPOCH,
    day_first: Order = None,
) -> tuple[KPI | None, list[Finding]]:
    origin = _origin(source, tab, record)
    reader = RowReader(record, origin, _id_of(record, "id"), KPI_SCORED, reads=reads, id_field="id")
    kpi = KPI(
        id=reader.require("id", "KPI ID"),
        name=reader.get("name", parse_text) or "",
        owner=reader.get("owner", parse_text),
        category=reader.get("category", parse_choice, Category),
        frequency=reader.get(
            "frequency", parse_choice, Frequency, FREQUENCY_ALIASES, None, FREQUENCY_REFUSED
        )
        or Frequency.MONTHLY,
        unit=reader.get("unit", parse_text),
        direction=reader.get(
            "direction", parse_choice, Direction, DIRECTION_ALIASES, Direction.HIGHER
        )
        or Direction.HIGHER,
        target=reader.get("target", parse_number),
        lower=reader.get("lower", parse_number),
        upper=reader.get("upper", parse_number),
        amber_threshold=reader.get("amber_threshold", parse_number),
        actual=reader.get("actual", parse_number),
        previous=reader.get("previous", parse_number),
        as_of=reader.get("as_of", parse_date, epoch, day_first),
        comment=reader.get("comment", parse_text),
        origin=origin,
        shown_as_percent=record.percent,
        unread=frozenset(reader.unread),
    )
    return (kpi if reader.ok else None), reader.findings


def _id_repeated_why(
    kr: KeyResult, key: str, value: CellValue, first_by_key: Mapping[str, KeyResult]
) -> list[Finding]:
    """Why a KR ID repeats one above, beside its "duplicate key result ID" error: typed
    in a number cell (``1.10`` reads 1.1, the tenth key result of objective 1), or
    numbered per objective (``KR1`` under O1 and under O2); until 2026-12-06 only the
    duplicate was said. ``first_by_key``: the first key result of each ``id_key``, ``kr``
    among them (until 2026-12-07 each row searched every row above it, two ``id_key``
    calls a pair: quadratic in a tab's key results). Only read: the caller records.
    ``key``: ``id_key(kr.id)``, made once by the caller (until 2026-12-07 twice a row)."""
    other = first_by_key[key]
    if other is kr:
        return []
    if isinstance(value, float) and not value.is_integer():
        message = (
            f"KR ID {kr.id} is a number, and a number drops its last zeros (1.10 is 1.1): "
            "format the column as plain text and type the IDs again"
        )
    elif id_key(other.objective_id) != id_key(kr.objective_id):
        message = (
            f"KR ID {kr.id} is also a key result of objective {other.objective_id} (row "
            f"{other.origin.row}): KR IDs are the team's, not the objective's; number it "
            f"apart ({kr.objective_id}.{kr.id})"
        )
    else:
        return []
    return [Finding.at(kr.origin, "kr_id", message, severity=Severity.WARNING, row_id=kr.id)]


def build_team_input(team: str, extract: Extract) -> TeamInput:
    findings: list[Finding] = list(extract.findings)
    objectives: dict[str, Objective] = {}
    typed: dict[str, dict[str, int | None]] = {}  # fields some row typed: their rows
    key_results: list[KeyResult] = []
    failed: list[str] = []  # objective IDs of the key result rows left out
    failed_krs: list[tuple[str, str, int]] = []  # those that weigh: TeamInput.failed_krs
    weights: list[tuple[KeyResult, CellValue]] = []
    first_kr: dict[str, KeyResult] = {}  # the first key result of each id_key
    tab = extract.okrs.layout.tab
    spelled: defaultdict[str, Counter[str]] = defaultdict(Counter)  # id_key -> spellings
    day_first, swapped = _date_column(extract.okrs.records, "due", extract.source, tab)
    findings += swapped
    reads = TabReads(extract.okrs.records, extract.okrs.layout.blocks)
    rows = ObjectiveRows(reads)  # each objective's cells read once, not on every KR row
    merged: list[Finding]
    for record in extract.okrs.records:
        if (spelling := _id_of(record, "objective_id")) is not None:
            spelled[id_key(spelling)][spelling] += 1
        if record.kind == "objective":
            if not rows.seen(record, seen := rows.key(record)):
                first = _first_row(record, objectives)
                objective, problems = parse_objective(record, extract.source, tab, reads, first)
                findings += problems
                if objective:
                    merged = []
                    merge_objective(objectives, objective, merged, typed_fields(record), typed)
                    findings += merged
                    # not kept: a header disagreeing with the first (warned at each header
                    # saying it: test_objective_read_once_same). ``problems``: defensive,
                    # no test or fuzzed tab tells it apart (review of 2026-12-07): what a
                    # reading that keeps its objective says is its Aligns to, said on the
                    # objective's first row only (never a later row holding its cells), or
                    # a cell showing an error, which ``rows.clean`` keeps not; kept should
                    # a reading one day say something of a later row too
                    if not problems and not merged:
                        rows.clean(seen)
            continue
        blocks = extract.okrs.layout.blocks
        kr, problems = parse_key_result(
            record, extract.source, tab, reads, extract.epoch, blocks, day_first
        )
        findings += problems
        has_objective = record.values.get("objective_id") is not None
        if has_objective and not rows.seen(record, seen := rows.key(record)):
            first = _first_row(record, objectives)
            objective, obj_problems = parse_objective(record, extract.source, tab, reads, first)
            # said once: the key result's reader names its row by its KR ID (a header's
            # cell in error filled into the key results below is said at it, by
            # ``TabReads``, its type noted on each: ``3:3: its objective's type (C2) is
            # in error``, dropped with every finding at 3:3 until 2026-12-07)
            said = {(p.location, p.message) for p in problems}
            findings += [p for p in obj_problems if (p.location, p.message) not in said]
            if objective:
                # a title it holds filled down (a block's header, merged cells) is said
                # once, at its first row: objective blocks said it on every KR row too
                merged = []
                merge_objective(objectives, objective, merged, typed_fields(record), typed)
                if merged:  # the set only when there is something to check against it
                    told = {f.message for f in findings}
                    findings += [f for f in merged if f.message not in told]
                elif not obj_problems:  # a row holding these cells again: not read again
                    rows.clean(seen)  # ``obj_problems``: defensive, as a header's above
        if kr:
            key = id_key(kr.id)
            first_kr.setdefault(key, kr)
            findings += _id_repeated_why(kr, key, record.values.get("kr_id"), first_kr)
            key_results.append(kr)
            weights.append((kr, record.values.get("weight")))
        elif (objective_id := _id_of(record, "objective_id")) is not None:
            failed.append(objective_id)
            if _weighs(record.values.get("weight")):
                kr_id = _id_of(record, "kr_id") or f"row {record.row}"
                failed_krs.append((objective_id, kr_id, record.row))
    read = {id(f) for key, f in reads.type_notes if key and id_key(key) in objectives}
    findings = [f for f in findings if id(f) not in read]  # its objective read below
    findings += weight_findings(weights)
    kpis: list[KPI] = []
    if extract.kpis is not None:
        kpi_tab = extract.kpis.layout.tab
        kpi_first, swapped = _date_column(extract.kpis.records, "as_of", extract.source, kpi_tab)
        findings += swapped
        kpi_reads = TabReads(extract.kpis.records)
        for record in extract.kpis.records:
            kpi, problems = parse_kpi(
                record, extract.source, kpi_tab, kpi_reads, extract.epoch, kpi_first
            )
            findings += problems
            if kpi:
                kpis.append(kpi)
    return TeamInput(
        team,
        extract.source,
        tuple(_named(o, spelled[key]) for key, o in objectives.items()),
        tuple(key_results),
        tuple(kpis),
        tuple(_dedupe(findings)),
        tuple(failed),
        ((layout.tab, f"{layout.no_start} in header row {layout.header_row}"),)
        if (layout := extract.okrs.layout).no_start
        else (),
        tuple(failed_krs),
    )


def _weighs(value: CellValue) -> bool:
    """A Weight cell that does not read 0: in error, blank (a weight of 1) or above 0."""
    try:
        return parse_number(value) != 0
    except CellValueError:
        return True


def _date_column(
    records: Sequence[RowRecord], field: str, source: str, tab: str
) -> tuple[Order, list[Finding]]:
    """The order of a column's digit dates, naming its cells, and the warning on a date
    cell the text's order says may be the wrong way round (``date_order.swapped_dates``)."""
    values = [r.values.get(field) for r in records]
    if not any(isinstance(v, str) for v in values):  # hot: no text (dates, blanks), so no
        return None, []  # order told and no warning: no cell named (17,500 a 500-team night)
    cells = [(r.cells.get(field), v) for r, v in zip(records, values, strict=True)]
    evidence = column_evidence(cells)
    if (swapped := swapped_dates(evidence, cells)) is None:
        return evidence.order, []
    index, message = swapped
    origin = _origin(source, tab, records[index])
    return evidence.order, [Finding.at(origin, field, message, severity=Severity.WARNING)]


def _named(objective: Objective, spellings: Counter[str]) -> Objective:
    """``objective`` under the spelling most of its rows give its ID, a tie to the first
    in code-point order (``O1`` before ``o1``): not its first row's, which sorting the
    rows of a row-per-KR tab (``O1`` on one, ``o1`` on another) flipped between nights
    (until 2026-12-07). A blank cell filled down counts as the row's."""
    name = min(spellings, key=lambda s: (-spellings[s], s), default=objective.id)
    return objective if name == objective.id else replace(objective, id=name)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for f in findings:
        key = (f.location, f.row_id, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
