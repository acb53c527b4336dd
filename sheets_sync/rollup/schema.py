"""The rollup's column spec: one place that fixes every table's names, order and dtypes.

Finance pivots on these columns every morning, so they change only with a new
``SCHEMA_VERSION`` and a changelog entry in ``docs/rollup.md``. ``conform`` is the single
enforcement point: every table leaves ``build_rollup`` (and ``previous.py``) through it, so
an empty run, a stale row read back from last night's workbook and a fresh row all carry
the same columns and dtypes.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pandas.api.types import is_datetime64_dtype, is_integer_dtype

from sheets_sync.domain.kind_formats import KIND_FORMATS
from sheets_sync.domain.rules import ScoringRules, percent
from sheets_sync.domain.shown import show_pair
from sheets_sync.domain.values import CELL_CHARS, fit_cell, without_lone_surrogates

SCHEMA_VERSION = "1.0"


class Kind(StrEnum):
    """Logical column type; each maps to one pandas dtype (nullable where data can be absent)."""

    TEXT = "text"
    NUMBER = "number"
    COUNT = "count"
    DATE = "date"
    DATETIME = "datetime"
    FLAG = "flag"

    @property
    def dtype(self) -> str:
        return _DTYPES[self]


# Microsecond datetimes: a due date typed as year 9999 still fits (nanoseconds end in 2262).
_DTYPES = {
    Kind.TEXT: "string",
    Kind.NUMBER: "float64",
    Kind.COUNT: "Int64",
    Kind.DATE: "datetime64[us]",
    Kind.DATETIME: "datetime64[us]",
    Kind.FLAG: "boolean",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: str
    unit: str = ""
    excel_format: str | None = None  # None: default for the kind (``number_format``)

    @property
    def dtype(self) -> str:
        return self.kind.dtype

    @property
    def number_format(self) -> str | None:
        """The format the column's values show in, in the workbook and the Google
        rollup: its own, else its kind's (``domain.kind_formats``); None for text and
        flags."""
        return self.excel_format or KIND_FORMATS.get(self.kind)


T, N, C, D, DT, F = Kind.TEXT, Kind.NUMBER, Kind.COUNT, Kind.DATE, Kind.DATETIME, Kind.FLAG
SCORE, PCT = "0.00", "0%"

# Every long table starts with these, so any row can be traced and filtered the same way.
COMMON = (
    Column("Team", T, "Team name as configured in the workspace"),
    Column("Period", T, "OKR period name, e.g. 2025-Q3"),
    Column("As of", D, "Date the data describes (the run's as-of date when it was read)"),
    Column("Source", T, "File path or spreadsheet id the team's data was read from"),
    Column("Stale data", F, "TRUE: the team could not be read tonight; row is its last good data"),
    Column("Last successful read", DT, "When this row's data was last read successfully"),
)

# A column that several tables have means the same in each: one definition, so its
# meaning (the data dictionary's, docs/rollup.md) cannot drift from table to table.
_EXPECTED = Column("Expected", N, "Score a linear plan would have reached by As of", "0..1", SCORE)
_PACE_STATUS = Column("Status", T, "Achieved, On track, At risk, Off track or No data")
_BAND = Column("Band", T, "Score band: green >= 0.7, yellow >= 0.4, else red")
_OWNER = Column("Owner", T, "Person accountable")
_UNIT = Column("Unit", T, "Unit the team gave (%, $, h, ...); % values are fractions")
_COMMENT = Column("Comment", T, "Team's comment, verbatim")

SUMMARY = (
    *COMMON,
    Column("Outcome", T, "Run outcome: ok (read and scored), conflicted, skipped-locked, failed"),
    Column("Error", T, "Why the team could not be read (failed teams only)"),
    Column("Objectives", C, "Number of objectives", "count"),
    Column("Key results", C, "Number of scored key results", "count"),
    Column("Average objective score", N, "Unweighted mean of objective scores", "0..1", SCORE),
    Column("KRs Achieved", C, "Key results with status Achieved", "count"),
    Column("KRs On track", C, "Key results with status On track", "count"),
    Column("KRs At risk", C, "Key results with status At risk", "count"),
    Column("KRs Off track", C, "Key results with status Off track", "count"),
    Column("KRs No data", C, "Key results with no current value", "count"),
    Column("KPIs Green", C, "KPIs at or better than target", "count"),
    Column("KPIs Amber", C, "KPIs inside the amber tolerance band", "count"),
    Column("KPIs Red", C, "KPIs worse than the amber threshold", "count"),
    Column("KPIs No data", C, "KPIs with no actual value or no target", "count"),
    Column("KPIs Stale", C, "KPIs not updated within their frequency", "count"),
    Column(
        "Net confidence", N, "Share of KRs on track/achieved minus share off track", "-1..1", PCT
    ),
    Column("Errors", C, "Error findings (rows that could not be scored, failed reads)", "count"),
    Column("Warnings", C, "Warning findings (scored, but worth a look)", "count"),
)

OBJECTIVES = (
    *COMMON,
    Column("Objective ID", T, "Objective id as typed by the team"),
    Column("Title", T, "Objective title"),
    Column("Objective type", T, "committed (expected to reach 1.0) or aspirational (about 0.7)"),
    Column("Aligns to", T, "Company objective id this objective supports"),
    Column("Score", N, "Weighted mean of its key results' scores", "0..1", SCORE),
    _EXPECTED,
    _PACE_STATUS,
    _BAND,
    Column("KR count", C, "Number of scored key results under it", "count"),
)

KEY_RESULTS = (
    *COMMON,
    Column("Objective ID", T, "Objective the key result belongs to"),
    Column("KR ID", T, "Key result id as typed by the team"),
    Column("Description", T, "Key result text, verbatim"),
    _OWNER,
    Column("KR type", T, "number, at_least, at_most or milestone"),
    Column("Start", N, "Start value of a number KR", "Unit"),
    Column("Target", N, "Target value", "Unit"),
    Column("Current", N, "Current value used for scoring (sheet, or linked KPI)", "Unit"),
    Column(
        "Current from KPI",
        T,
        "Team/KPI ID the current value was taken from, as the KPIs table's Team and KPI ID "
        "spell them, if any",
    ),
    _UNIT,
    Column("Weight", N, "Weight within the objective", "relative", "0.00"),
    Column("Confidence", N, "Team's confidence the KR will be hit", "0..1", PCT),
    Column("Due date", D, "Due date when earlier than the period end"),
    Column("KPI link", T, "KPI reference typed by the team"),
    _COMMENT,
    Column("Progress", N, "(current - start) / (target - start), not capped", "ratio", PCT),
    Column("Score", N, "Progress clamped to 0..1", "0..1", SCORE),
    _EXPECTED,
    _PACE_STATUS,
    _BAND,
)

KPIS = (
    *COMMON,
    Column("KPI ID", T, "KPI id as typed by the team"),
    Column("Name", T, "KPI name"),
    _OWNER,
    Column("Category", T, "leading or lagging"),
    Column(
        "Frequency",
        T,
        "daily, weekly, biweekly, monthly, quarterly, semiannual or yearly update cadence; "
        "blank for a cell in error (the KPI is then judged Stale after a year, the longest "
        "window)",
    ),
    _UNIT,
    Column("Direction", T, "higher, lower (is better) or range"),
    Column("Target", N, "Target value (higher/lower KPIs)", "Unit"),
    Column("Lower", N, "Lower bound of a range KPI", "Unit"),
    Column("Upper", N, "Upper bound of a range KPI", "Unit"),
    Column("Amber threshold", N, "Edge of the amber band as typed (blank: 10% tolerance)", "Unit"),
    Column("Actual", N, "Latest actual value", "Unit"),
    Column("Previous", N, "Previous period's value", "Unit"),
    Column("KPI as of", D, "Date the actual was measured"),
    _COMMENT,
    Column("Status", T, "Green, Amber, Red, No data, or Stale (not updated in time)"),
    Column("Last status", T, "For a Stale KPI: the status its last actual would have"),
    Column("Variance", N, "Actual - target (range: distance outside the range)", "Unit"),
    Column("Variance %", N, "Variance / |target| (range: / range width)", "ratio", PCT),
    Column("Trend", T, "Improving, Worsening or Flat versus Previous"),
)

FINDINGS = (
    *COMMON,
    Column(
        "Severity",
        T,
        "error (a cell to fix: not read, or read but not scorable, e.g. target equal to "
        "start, a duplicate ID, an unknown objective; its row is scored only if its score "
        "does without that cell; or the team not read) or warning",
    ),
    Column("Tab", T, "Tab of the source the finding is about"),
    Column("Cell", T, "Cell or row range to fix, e.g. J7 or 7:7"),
    Column("Row", C, "Row number in the tab", "row"),
    Column("Row ID", T, "Id of the objective, KR or KPI on that row"),
    Column("Message", T, "What is wrong, phrased for the team lead"),
)

COMPANY_OBJECTIVES = (
    Column("Period", T, "OKR period name"),
    Column("As of", D, "The run's as-of date"),
    Column("Company objective ID", T, "Company objective id from the workspace"),
    Column("Title", T, "Company objective title"),
    Column("Weight", N, "Weight from the workspace; Score does not use it", "relative", "0.00"),
    Column("Score", N, "Mean score of aligned team objectives that have a score", "0..1", SCORE),
    _BAND,
    Column("Aligned objectives", C, "Team objectives aligned to it", "count"),
    Column(
        "Teams",
        T,
        "Teams with an aligned objective, comma-separated; a name with a comma, quote, line "
        'break or outer space in "double quotes"',
    ),
    Column("Includes stale data", F, "TRUE: some aligned objectives are last good data"),
)

ALIGNMENT = (
    Column("Level", C, "Outline level: 0 company objective, 1 team objective, 2 key result"),
    Column("Item", T, "Company/team objective title, or key result description"),
    Column("Score", N, "Score of the row's item", "0..1", SCORE),
    Column("Status", T, "Status of the row's item (team objectives and key results)"),
    Column("Band", T, "Score band of the row's item"),
    Column("Team", T, "Team (blank on company rows)"),
    Column("Objective ID", T, "Team objective id"),
    Column("KR ID", T, "Key result id (level 2 only)"),
    Column("Company objective ID", T, "Company objective of the branch (blank: not aligned)"),
    Column("Period", T, "OKR period name"),
    Column("As of", D, "Date the row's data describes"),
    Column("Source", T, "Source of the team's data (blank on company rows)"),
    Column(
        "Stale data",
        F,
        "TRUE: last good data of a team that failed tonight (FALSE on company rows)",
    ),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "summary": SUMMARY,
    "objectives": OBJECTIVES,
    "key_results": KEY_RESULTS,
    "kpis": KPIS,
    "findings": FINDINGS,
    "company_objectives": COMPANY_OBJECTIVES,
    "alignment": ALIGNMENT,
}


# Where each table lives in the workbook (company objectives sit under the Summary team table).
TAB_NAMES = {
    "summary": "Summary",
    "objectives": "Objectives",
    "key_results": "Key results",
    "kpis": "KPIs",
    "findings": "Findings",
    "company_objectives": "Summary",
    "alignment": "Alignment",
}


#: what a meaning says of the default ``scoring.kpi_tolerance`` (docs/rollup.md quotes it)
DEFAULT_TOLERANCE = f"{percent(ScoringRules().kpi_tolerance)} tolerance"


def _bands(rules: ScoringRules) -> str:
    """What the Band columns' meaning says of ``scoring.green`` and ``scoring.yellow``,
    with the digits Excel shows (``show_pair``: a library's 0.2 + 0.4 says 0.6, and a green
    of 0.6000000000000001 over a yellow of 0.6 says both, not "0.6" twice)."""
    green, yellow = show_pair(rules.green, rules.yellow)
    return f"green >= {green}, yellow >= {yellow}"


#: what the Band columns' meaning says of the default thresholds
DEFAULT_BANDS = _bands(ScoringRules())


def meaning(column: Column, rules: ScoringRules) -> str:
    """``column.meaning`` as the data dictionary of a workspace with ``rules`` says it:
    the amber band's tolerance and the score bands' thresholds are the workspace's (it
    said 10% and 0.7 / 0.4 whatever ``scoring`` set); with the default rules, the meaning
    as it is."""
    tolerance = f"{percent(rules.kpi_tolerance)} tolerance"
    return column.meaning.replace(DEFAULT_TOLERANCE, tolerance).replace(
        DEFAULT_BANDS, _bands(rules)
    )


def columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table]]


def dtypes(table: str) -> dict[str, str]:
    return {c.name: c.dtype for c in TABLES[table]}


def empty_frame(table: str) -> pd.DataFrame:
    return conform(pd.DataFrame(), table)


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table's exact columns, in order, with its dtypes; missing columns become empty.

    Extra columns are dropped (a newer previous workbook must not leak unknown columns).
    """
    size = len(frame)
    out: dict[str, pd.Series] = {}
    for col in TABLES[table]:
        raw = frame[col.name] if col.name in frame.columns else pd.Series([None] * size)
        out[col.name] = _cast(raw.reset_index(drop=True), col.kind)
        if col.name in FREE_TEXT:
            out[col.name] = _fit(out[col.name])
    return pd.DataFrame(out, index=pd.RangeIndex(size))


def _cast(series: pd.Series, kind: Kind) -> pd.Series:
    typed = _typed(series, kind)
    if typed is not None:
        return typed
    if kind is Kind.TEXT:
        return _as_text(series)
    if kind in (Kind.DATE, Kind.DATETIME):
        days = _plain_dates(series)
        if days is not None:
            return days
        # a zone typed by hand (``2026-03-31T00:00:00Z``): the instant in UTC, not a crash;
        # each cell parsed as typed (``format="mixed"``): guessed from the first, a column
        # of ``15/02/2026`` and ``2026-03-01 10:00`` lost the second, with a raw pandas
        # UserWarning on stderr (until 2026-12-07); read as ``previous.moment_of`` reads one
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            moments = pd.to_datetime(
                series.astype(object), errors="coerce", utc=True, format="mixed"
            )
        return moments.dt.tz_localize(None).astype("datetime64[us]")
    if kind is Kind.NUMBER:
        return pd.to_numeric(series.astype(object), errors="coerce").astype("float64")
    if kind is Kind.COUNT:
        return pd.to_numeric(series.astype(object), errors="coerce").round().astype("Int64")
    return series.astype(object).where(series.notna(), None).astype("boolean")


def _plain_dates(series: pd.Series) -> pd.Series | None:
    """An object column of ``datetime.date`` values and None (a fresh row's As of, Due
    date, KPI as of) as midnights, made by NumPy from the dates themselves: what
    ``pd.to_datetime`` gives them, without parsing each as any format; else None. A
    ``datetime`` (a ``date`` subclass: a time, maybe a zone) is not one. Until 2026-12-07
    every date took the parse: 12 ms of a 500-team night."""
    if series.dtype != object:
        return None
    values = series.tolist()
    if not {type(v) for v in values} <= {dt.date, type(None)}:
        return None
    days = np.array([_NO_DAY if v is None else v.toordinal() for v in values], dtype=np.int64)
    micros = np.where(days == _NO_DAY, _NAT, (days - _EPOCH_DAY) * _DAY_MICROS)
    return pd.Series(micros.view("datetime64[us]"), index=series.index, name=series.name)


_NO_DAY, _NAT = -1, np.iinfo(np.int64).min  # no ordinal is -1; NaT's int64
_EPOCH_DAY, _DAY_MICROS = dt.date(1970, 1, 1).toordinal(), 86_400_000_000


#: The text columns cut to what a cell holds: prose, which nobody groups or pivots by.
#: An id or a name (Team, Source, Company objective ID) is never cut here: cut, two could
#: become one. An id read from a team's cell is cut as it is read (``values.fit_cell``),
#: and the workspace refuses a longer team name, period name or company objective id.
FREE_TEXT = frozenset(
    {"Title", "Description", "Comment", "Message", "Error", "Item", "Name", "Teams"}
)


#: OWASP's formula triggers: a CSV field starting with one runs in Excel.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: A trigger after leading whitespace: LibreOffice's "Trim spaces" strips the spaces and
#: runs `` =1+1``. A tab, CR or LF before it is escaped too, whatever an importer trims
#: (LibreOffice reads a CR as LF; a tab or CR alone is OWASP's trigger anyway).
_AFTER_BLANKS = re.compile(r"[ \t\r\n]+[=+\-@]")


def runs_as_formula(text: str) -> bool:
    """Whether the CSV export escapes ``text`` with a leading ``'``
    (``export.escape_formula``). Here, beside the cell's length, so ``tables`` can build
    the ``Teams`` list a unit short for that quote, not have it cut at its end."""
    return text.startswith(FORMULA_TRIGGERS) or _AFTER_BLANKS.match(text) is not None


def _fit(text: pd.Series) -> pd.Series:
    """Text longer than an Excel cell holds cut as ``values.fit_cell`` cuts it (an error
    or a title from the workspace can be longer; a team's cells are cut as they are read):
    Excel "repaired" a workbook with a longer cell, and Google refuses one past 50,000.
    Cut here, the workbook, the export and a Google rollup hold the same value. Lengths
    are UTF-16 code units, as Excel counts them: only a text past half the limit in
    characters can be past it in units, and so in UTF-8 bytes, which Arrow knows
    without reading the text (``_all_short``)."""
    if _all_short(text):
        return text
    long = (text.str.len() > CELL_CHARS // 2).fillna(False)
    if not long.any():
        return text
    return text.where(~long, text[long].map(fit_cell)).astype("string")


def _all_short(text: pd.Series) -> bool:
    """Whether every text of an Arrow text column is at most half a cell's limit in
    UTF-8 bytes (so in characters): its lengths from the array's offsets, where
    ``str.len`` counts each text's characters, ~0.2 ms a column of a 4,096-row chunk,
    most of ``_fit``'s CPU on a night when no text is that long (every night)."""
    if not (isinstance(text.dtype, pd.StringDtype) and text.dtype.storage == "pyarrow"):
        return False
    longest = pc.max(pc.binary_length(text.array.__arrow_array__())).as_py()
    return longest is None or longest <= CELL_CHARS // 2


def _as_text(series: pd.Series) -> pd.Series:
    """``series`` as pandas strings; non-text (an id typed as 7) becomes "7". A lone
    surrogate is U+FFFD (``without_surrogates``)."""
    try:
        return series.astype("string")
    except UnicodeEncodeError:
        return series.map(without_surrogates, na_action="ignore").astype("string")


def without_surrogates(value: object) -> object:
    """``value``, a text's lone surrogates shown as U+FFFD, as a team's cell reads
    (``values.parse_text``): pandas' strings are UTF-8, which holds none, so a library
    caller's TeamInput or TeamRun (a team named after a file name that is no UTF-8,
    ``\\udcc9quipe``) failed the rollup with UnicodeEncodeError. Used only once a cast
    has failed, so the text of every other rollup is not scanned twice."""
    return without_lone_surrogates(value) if isinstance(value, str) else value


def records_frame(rows: list[tuple[object, ...]], names: list[str]) -> pd.DataFrame:
    """``pd.DataFrame.from_records``, whose text columns are pandas' UTF-8 strings
    already: a row with a lone surrogate is cleaned (``without_surrogates``) and the
    frame made again."""
    try:
        return pd.DataFrame.from_records(rows, columns=names)
    except UnicodeEncodeError:
        clean = [tuple(without_surrogates(v) for v in row) for row in rows]
        return pd.DataFrame.from_records(clean, columns=names)


def _typed(series: pd.Series, kind: Kind) -> pd.Series | None:
    """A column already of its kind's dtype, cast without a trip through Python objects
    (what ``_cast`` gives it too, from a copy of every value, except that a count past
    2**53 keeps its exact value); else None."""
    dtype = series.dtype
    if kind is Kind.TEXT and dtype == pd.StringDtype():  # what astype("string") gives now
        return series
    if kind is Kind.NUMBER and dtype == "float64":
        return series
    if kind in (Kind.DATE, Kind.DATETIME) and is_datetime64_dtype(dtype):
        return series.astype("datetime64[us]")
    if kind is Kind.COUNT and is_integer_dtype(dtype):
        return series.astype("Int64")
    if kind is Kind.FLAG and dtype == "boolean":
        return series
    if kind is Kind.FLAG and dtype == np.bool_:  # no blank to keep: as the cast gives it
        return series.astype("boolean")
    return None
