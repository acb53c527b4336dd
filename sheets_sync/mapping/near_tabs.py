"""Tabs of one kind under a near name (``KPIs`` and ``KPIs 2026``, ``Copy of OKRs``,
``OKRs (2)``): the mapping's first name the workbook has is read, and the other, an old
copy or the one the team fills now, was passed over without a word (until 2026-12-07).
Said at the tab not read, naming the tab that is; a tab the mapping names is not said
(its list's order says which)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from sheets_sync.domain.models import Finding, Period, Severity
from sheets_sync.grid import WorkbookData, as_typed, tab_key
from sheets_sync.mapping.spec import TabSpec

_L, _R = r"(?<![^\W_])", r"(?![^\W_])"  # no letter or digit before, after: a word alone
#: what a copy adds to a tab's name: Google's "Copy of" (and as its other languages say
#: it), Excel's "(2)", new, draft, a version
_COPY = re.compile(
    rf"{_L}(?:copy of|copie de|kopie von|kopie van|copia de|copia di|cópia de|"
    rf"copy|new|draft|v\d+){_R}|の?コピー|\(\d+\)"
)
#: what a tab kept for the record says: such a tab is no copy the team fills (not said)
_KEPT = re.compile(rf"{_L}(?:old|archived?|backup|bak|previous|prev|template){_R}")
#: a period: a year (2026, FY26), a quarter, a half
_PERIOD = re.compile(rf"{_L}(?:(fy)(\d\d(?:\d\d)?)|((?:19|20)\d\d)|q([1-4])|h([12])){_R}")
_NUMBER = re.compile(rf"{_L}\d+{_R}")  # KPI 1, KPI 2: tabs numbered, not copies


KIND_WORDS = {"okrs": "the key results", "kpis": "the KPIs"}


def _base(name: str) -> str:
    """The name without what a copy or a period adds (``FY26 OKRs (2)`` is ``okrs``)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return tab_key(_PERIOD.sub(" ", _COPY.sub(" ", folded))) if folded.strip() else ""


def _periods(period: Period) -> tuple[set[int], set[int], set[int]]:
    """The years, quarters and halves ``period`` spans: the calendar ones of its dates,
    and those its name says (``FY27 Q1``, ``FY2027-H1``: a fiscal year's own, a quarter's
    half with it; until 2026-12-07 only the calendar ones, so a fiscal period's current
    ``OKRs Q1`` read as another quarter's)."""
    years = set(range(period.start.year, period.end.year + 1))
    span = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    months = {(period.start.month - 1 + k) % 12 for k in range(min(span, 11) + 1)}
    quarters, halves = {m // 3 + 1 for m in months}, {m // 6 + 1 for m in months}
    for mark in _PERIOD.finditer(unicodedata.normalize("NFKC", period.name).casefold()):
        year, quarter, half = _mark(mark)
        years |= {year} if year is not None else set()
        quarters |= {quarter} if quarter is not None else set()
        halves |= {half} if half is not None else set()
        halves |= {(quarter + 1) // 2} if quarter is not None else set()  # Q1 is in H1
    return years, quarters, halves


def _mark(mark: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    """The year (``FY26`` is 2026), quarter and half a ``_PERIOD`` match says."""
    fy, short, year, quarter, half = mark.groups()
    if fy is not None:
        year = short if len(short) == 4 else f"20{short}"
    return (
        int(year) if year is not None else None,
        int(quarter) if quarter else None,
        int(half) if half else None,
    )


def _copy_of(name: str, wanted: set[str], period: Period | None) -> bool:
    """Whether tab ``name`` reads as a copy of one of ``wanted`` the team may fill now:
    its name, without a copy's or a period's words, one of them; not one kept for the
    record (``old``, ``archive``, ``backup``, ``template``), nor numbered (``KPI 1``), nor
    of another year, quarter or half than ``period``'s (any, with no period)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    if not folded.strip() or _KEPT.search(folded):
        return False
    bare = _COPY.sub(" ", folded)
    marks = list(_PERIOD.finditer(bare))
    bare = _PERIOD.sub(" ", bare)
    if _NUMBER.search(bare) or tab_key(bare) not in wanted:
        return False
    if period is None or not marks:
        return True
    years, quarters, halves = _periods(period)
    for mark in marks:
        year, quarter, half = _mark(mark)
        if year is not None and year not in years:
            return False
        if (quarter and quarter not in quarters) or (half and half not in halves):
            return False
    return True


def near_tabs(
    data: WorkbookData,
    kind: Literal["okrs", "kpis"],
    spec: TabSpec,
    read: str,
    named: Iterable[str],
    period: Period | None = None,
) -> list[Finding]:
    """A warning at each tab that reads as a copy of one of ``spec.sheet``'s (``_copy_of``)
    while it is not ``read`` and not named by the mapping (``named``: both kinds' tab
    lists). For a day (2026-12-07) an old, archived, numbered or last year's tab was said
    too."""
    wanted = {tab_key(n) for n in spec.sheet}
    listed = {tab_key(n) for n in named} | {tab_key(read)}
    names = ", ".join(map(as_typed, spec.sheet))
    return [
        Finding(
            Severity.WARNING,
            f"this tab is not read: {KIND_WORDS[kind]} are read from {as_typed(read)}, the "
            f"first of {kind}.sheet ({names}) the workbook has; if the team fills "
            f"{as_typed(name)} now, name it first in {kind}.sheet, or rename or delete "
            f"{as_typed(read)}",
            data.source,
            name,
        )
        for name in data.sheet_names
        if tab_key(name) not in listed and _copy_of(name, wanted, period)
    ]


TABS_LISTED = 20  # of a workbook's tab names, in "no tab named X (tabs: ...)"


def missing_tab(data: WorkbookData, spec: TabSpec, period: Period | None = None) -> str:
    """``no tab named KPIs or Metrics (tabs: OKRs, KPIs 2026); did you mean KPIs 2026?``:
    the tabs named whose name, without a copy's or a period's words, is one of
    ``spec.sheet``'s (a tab renamed for the year; until 2026-12-07 not pointed at); those
    a team may fill now (``_copy_of``: of ``period``, not kept for the record) first, so a
    tab a quarter names ``OKRs Q4`` in Q4 (until 2026-12-07 the first three in tab order,
    ``OKRs 2025``, ``OKRs Q1``, ``OKRs Q2``)."""
    have = ", ".join(map(as_typed, data.sheet_names[:TABS_LISTED])) or "none"
    if len(data.sheet_names) > TABS_LISTED:  # a workbook may have 1,024 tabs
        have += f" and {len(data.sheet_names) - TABS_LISTED:,} more"
    wanted = {tab_key(n) for n in spec.sheet}
    near = [n for n in data.sheet_names if _base(n) in wanted]
    near.sort(key=lambda n: not _copy_of(n, wanted, period))  # stable: tab order else
    named = [as_typed(n) for n in near[:3]]
    hint = f"; did you mean {' or '.join(named)}?" if named else ""
    return f"no tab named {' or '.join(map(as_typed, spec.sheet))} (tabs: {have}){hint}"


def twin_tabs(data: WorkbookData, name: str) -> list[Finding]:
    """A warning when other tabs read as the same name (``OKRs`` and ``OKRs `` with a
    trailing space, ``Key-results`` beside ``Key results``): the first is read and
    written, and the other, an old copy or the one the team now fills, was passed over
    without a word (before 2026-12-06)."""
    twins = [n for n in data.sheet_names if n != name and tab_key(n) == tab_key(name)]
    if not twins:
        return []
    first, others = as_typed(name), " and ".join(map(as_typed, twins))
    return [
        Finding(
            Severity.WARNING,
            f"tabs {first} and {others} read as one name; the first, {first}, is read and "
            "written: rename or delete the other",
            data.source,
            name,
        )
    ]
