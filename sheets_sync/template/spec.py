"""The team template as data, so the xlsx and the Google Sheets renderings cannot drift.

Everything a renderer needs is here: tab names, column order (the canonical field order of
``mapping.fields``), widths, number formats, dropdown options (from the domain enums),
which columns the sync job owns, one example row per tab and the Read me text.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from enum import StrEnum

from sheets_sync.domain.models import Category, Direction, Frequency, KRType, ObjectiveType
from sheets_sync.domain.rules import ScoringRules, percent
from sheets_sync.mapping.fields import KPI_FIELDS, KPI_OWNED, OKR_FIELDS, OKR_OWNED

CellValue = str | float | int | dt.date | None

# Colours (RGB hex, no "#"). Status colours match sheets_sync.sync.styles.
OWNED_FILL = "D9E1F2"  # light grey-blue: columns the sync job writes
OWNED_FONT = "1F3864"
HEADER_FILL = "1F3864"  # dark blue header of the columns teams fill in
HEADER_FONT = "FFFFFF"
EXAMPLE_FONT = "808080"  # the example row is grey italic
GREEN, YELLOW, RED, GREY = "C6EFCE", "FFEB9C", "FFC7CE", "D9D9D9"

TEXT = "@"
GENERAL = "General"
DATE = "yyyy-mm-dd"
SCORE = "0.00"
PERCENT = "0%"
OWNED_NOTE = "Written by the sync job: do not type here, your changes are overwritten."
DATA_ROWS = 500  # rows below the header that both renderings format and give dropdowns


@dataclass(frozen=True)
class ColumnSpec:
    """One column: its header, the canonical field it maps to, and how it looks."""

    header: str
    field: str
    width: float
    number_format: str = GENERAL
    options: tuple[str, ...] = ()  # dropdown values; empty = free entry
    owned: bool = False  # written by the sync job
    help: str = ""  # what goes in the column (Read me, header note)


@dataclass(frozen=True)
class TabTemplate:
    name: str
    columns: tuple[ColumnSpec, ...]
    example: tuple[CellValue, ...]  # one value per column, same order; Comment starts "Example"

    def __post_init__(self) -> None:
        if len(self.example) != len(self.columns):
            raise ValueError(f"{self.name}: example row needs one value per column")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def column(self, field: str) -> ColumnSpec:
        return next(c for c in self.columns if c.field == field)


@dataclass(frozen=True)
class ReadMeSpec:
    """Rows of the Read me tab: (heading, text) pairs; an empty text makes a section title."""

    name: str
    rows: tuple[tuple[str, str], ...]
    widths: tuple[float, float] = (28.0, 110.0)


@dataclass(frozen=True)
class TemplateSpec:
    okrs: TabTemplate
    kpis: TabTemplate
    readme: ReadMeSpec

    @property
    def tab_names(self) -> tuple[str, ...]:
        return (self.okrs.name, self.kpis.name, self.readme.name)


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


#: what the Amber threshold's help says of a blank one: the default ``kpi_tolerance``,
#: which ``template_for`` replaces by a workspace's
_TOLERANCE = percent(ScoringRules().kpi_tolerance)

# field -> (width, number format, options, help)
_OKR_LOOK: dict[str, tuple[float, str, tuple[str, ...], str]] = {
    "objective_id": (
        12,
        TEXT,
        (),
        "Short id of the objective, e.g. O1. Repeat it or leave it "
        "blank on the next KR rows (it fills down).",
    ),
    "objective": (36, TEXT, (), "The qualitative objective. Blank on KR rows = same as above."),
    "objective_type": (
        15,
        TEXT,
        _values(ObjectiveType),
        "committed (expected to reach 1.0) or aspirational (0.7 is good).",
    ),
    "aligns_to": (12, TEXT, (), "Id of the company objective this supports, e.g. C1."),
    "kr_id": (10, TEXT, (), "Id of the key result, unique in the sheet, e.g. O1.1."),
    "key_result": (44, TEXT, (), "Specific, measurable outcome: Increase NPS from 30 to 45."),
    "owner": (16, TEXT, (), "Who reports the number."),
    "kr_type": (
        12,
        TEXT,
        _values(KRType),
        "number (start -> target, also decreasing), at_least, at_most, or milestone "
        "(done / not done). Blank = number.",
    ),
    "start": (10, GENERAL, (), "Value at the start of the period (blank for a milestone)."),
    "target": (10, GENERAL, (), "Value to reach by the due date (blank for a milestone)."),
    "current": (10, GENERAL, (), "Latest value. Leave blank when a KPI link feeds it."),
    "unit": (9, TEXT, (), "Unit shown in reports: %, $, h, deals..."),
    "weight": (8, GENERAL, (), "Relative weight in the objective score. Blank = 1."),
    "confidence": (
        11,
        GENERAL,
        (),
        "How likely the KR is hit: 0-10, 70%, 7/10 or Low/Medium/High.",
    ),
    "due": (12, DATE, (), "Due date if earlier than the end of the period."),
    "kpi_link": (22, TEXT, (), "KPI feeding Current: KPI-1 (this team) or Team/KPI-1."),
    "comment": (
        30,
        TEXT,
        (),
        "Anything else. A row whose KR ID or Key result starts with the word Example "
        "(Example:, not Examples) is skipped, and so is one with neither whose comment does.",
    ),
    "score": (8, SCORE, (), "0.0-1.0 grade of the KR (objective: weighted average)."),
    "expected": (10, PERCENT, (), "Progress expected today at a linear pace."),
    "status": (11, TEXT, (), "Achieved / On track / At risk / Off track / No data."),
    "sync_notes": (40, TEXT, (), "Why the row could not be scored, and other remarks."),
}
_KPI_LOOK: dict[str, tuple[float, str, tuple[str, ...], str]] = {
    "id": (10, TEXT, (), "Short id of the KPI, e.g. KPI-1. Key results link to it."),
    "name": (32, TEXT, (), "What is measured: Net Promoter Score, CAC, uptime..."),
    "owner": (16, TEXT, (), "Who reports the number."),
    "category": (11, TEXT, _values(Category), "leading (predicts) or lagging (records)."),
    "frequency": (
        12,
        TEXT,
        _values(Frequency),
        "How often it is updated; older values are reported Stale. Blank = monthly.",
    ),
    "unit": (9, TEXT, (), "Unit shown in reports."),
    "direction": (
        11,
        TEXT,
        _values(Direction),
        "higher or lower is better, or range (stay between Lower and Upper).",
    ),
    "target": (10, GENERAL, (), "Target for higher/lower KPIs."),
    "lower": (9, GENERAL, (), "Lower bound of a range KPI."),
    "upper": (9, GENERAL, (), "Upper bound of a range KPI."),
    "amber_threshold": (
        11,
        GENERAL,
        (),
        "Worst value still amber (target 45, amber 40); range KPI: how far outside "
        f"is still amber. Blank = {_TOLERANCE} of the target (a range KPI: of the range's "
        "width).",
    ),
    "actual": (10, GENERAL, (), "Latest value."),
    "previous": (10, GENERAL, (), "Value of the previous period (for the trend)."),
    "as_of": (12, DATE, (), "Date of the latest value."),
    "comment": (
        30,
        TEXT,
        (),
        "Anything else. A row whose KPI ID or KPI starts with the word Example (Example:, "
        "not Examples) is skipped, and so is one with neither whose comment does.",
    ),
    "status": (11, TEXT, (), "Green / Amber / Red / No data / Stale."),
    "variance": (10, GENERAL, (), "Actual minus target; range KPI: how far outside the range."),
    "trend": (11, TEXT, (), "Improving / Worsening / Flat against Previous."),
    "sync_notes": (40, TEXT, (), "Why the row could not be judged, and other remarks."),
}


def _columns(
    fields: tuple[tuple[str, str], ...],
    look: dict[str, tuple[float, str, tuple[str, ...], str]],
    owned: tuple[str, ...],
) -> tuple[ColumnSpec, ...]:
    out = []
    for field, header in fields:
        width, fmt, options, help_text = look[field]
        out.append(ColumnSpec(header, field, width, fmt, options, field in owned, help_text))
    return tuple(out)


_OKR_EXAMPLE: tuple[CellValue, ...] = (
    "O0", "Example: customers love our support", "committed", "C1", "O0.1",
    "Example: raise NPS from 30 to 45", "Jane Doe", "number", 30, 45, 36, "points", 1, 7,
    dt.date(2026, 12, 31), "", "Example row: overwrite or delete it", None, None, None, None,
)  # fmt: skip
_KPI_EXAMPLE: tuple[CellValue, ...] = (
    "KPI-0", "Example: average first response time", "Jane Doe", "leading", "weekly", "h",
    "lower", 4, None, None, 5, 4.5, 5, dt.date(2026, 11, 20),
    "Example row: overwrite or delete it", None, None, None, None,
)  # fmt: skip

#: The default grade thresholds, which the Read me quotes (a workspace may set others).
_G, _Y = ScoringRules().green, ScoringRules().yellow

_README: tuple[tuple[str, str], ...] = (
    ("Team OKRs and KPIs", ""),
    (
        "What this is",
        "Your team's objectives, key results and KPIs. Every night the sync job "
        "reads them, scores them and writes the shaded columns.",
    ),
    (
        "How to fill it in",
        "OKRs tab: one row per key result. Write the objective on its first "
        "KR row; on the next rows leave Objective ID and Objective blank (or repeat them). "
        "KPIs tab: one row per KPI. Overwrite or delete the grey example rows.",
    ),
    (
        "Adding columns",
        "You may add, move or rename columns of your own, add tabs, charts and "
        "notes: the sync job finds its columns by their header.",
    ),
    ("Colours", ""),
    ("Green (C6EFCE)", f"Status Achieved or On track, KPI Green; Score {_G:g} or more."),
    (
        "Yellow (FFEB9C)",
        "Status At risk (behind pace), KPI Amber (within the amber threshold); "
        f"Score {_Y:g} to {_G:g}.",
    ),
    ("Red (FFC7CE)", f"Status Off track, KPI Red; Score below {_Y:g}."),
    ("Grey (D9D9D9)", "No data or stale: a value is missing or too old to judge."),
    (
        "Score and Status",
        "A Score's colour is its grade, whatever the date; a Status's colour is the pace. "
        f"Early in the quarter a Score of {(_Y + _G) / 2:g} is yellow beside a green On track. "
        "(Grades shown are the defaults; your company may set others.)",
    ),
    (
        "Grey-blue (D9E1F2)",
        "Columns owned by the sync job (OKRs: Score, Expected, Status, "
        "Sync notes; KPIs: Status, Variance, Trend, Sync notes). Do not type there.",
    ),
    ("Values accepted", ""),
    (
        "Numbers",
        "42, 1234.5, 1,234.5, 45% (= 0.45), $1,200, (300) for -300, 1 234 567. "
        "Not accepted as text: 3.5k, 1,5 (decimal comma), 1.234 (thousands or "
        "decimals?) - type the full number in a number cell.",
    ),
    ("Empty", "Blank, n/a, -, tbd, ? all mean no value yet."),
    (
        "Milestones",
        "Current: done / yes / x / ✓ / 1 / completed / achieved / shipped when done; "
        "no / 0 / open / not started / in progress / blocked when not. "
        "Blank is no data; a word that says neither is an error on the cell.",
    ),
    ("Dates", "A date cell, or text like 2026-12-31 or 31 Dec 2026."),
    ("Confidence", "0-10, a percentage (70%), 7/10, or Low / Medium / High."),
    (
        "Decreasing metrics",
        "Start 40, Target 20 (e.g. response time in hours) is scored "
        "correctly: progress = (current - start) / (target - start).",
    ),
    ("Columns: OKRs", ""),
)


def _readme_rows(okrs: TabTemplate, kpis: TabTemplate) -> tuple[tuple[str, str], ...]:
    def describe(tab: TabTemplate) -> list[tuple[str, str]]:
        rows = []
        for col in tab.columns:
            text = col.help
            if col.options:
                text += " Choices: " + ", ".join(col.options) + "."
            if col.owned:
                text = "[sync job] " + text
            rows.append((col.header, text))
        return rows

    return (*_README, *describe(okrs), ("Columns: KPIs", ""), *describe(kpis))


_OKRS = TabTemplate("OKRs", _columns(OKR_FIELDS, _OKR_LOOK, OKR_OWNED), _OKR_EXAMPLE)
_KPIS = TabTemplate("KPIs", _columns(KPI_FIELDS, _KPI_LOOK, KPI_OWNED), _KPI_EXAMPLE)
TEMPLATE = TemplateSpec(_OKRS, _KPIS, ReadMeSpec("Read me", _readme_rows(_OKRS, _KPIS)))


@functools.cache
def template_for(rules: ScoringRules | None = None) -> TemplateSpec:
    """``TEMPLATE`` as a workspace with ``rules`` fills it in: a blank Amber threshold is
    its ``scoring.kpi_tolerance`` of the target (the Read me's Amber threshold row said 10%
    whatever was set; the column has no prompt, having no options). None or the default
    tolerance give ``TEMPLATE`` itself."""
    tolerance = _TOLERANCE if rules is None else percent(rules.kpi_tolerance)
    if tolerance == _TOLERANCE:
        return TEMPLATE
    amber = _KPIS.column("amber_threshold")
    told = f"Blank = {_TOLERANCE} of the "
    assert told in amber.help  # the text replaced below
    helped = replace(amber, help=amber.help.replace(told, f"Blank = {tolerance} of the "))
    kpis = replace(_KPIS, columns=tuple(helped if c is amber else c for c in _KPIS.columns))
    return TemplateSpec(_OKRS, kpis, ReadMeSpec("Read me", _readme_rows(_OKRS, kpis)))
