"""Tabs of one kind under a near name (``KPIs`` and ``KPIs 2026``, ``Copy of OKRs``,
``OKRs (2)``): the mapping's first name the workbook has is read, and the other, an old
copy or the one the team fills now, was passed over without a word (until 2026-12-07).
Said at the tab not read, naming the tab that is; a tab the mapping names is not said
(its list's order says which)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

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
#: a fiscal year or quarter glued to its neighbour (FY27Q1, Q1FY27, 2026Q4, FY 27Q1): a
#: space put between, so each is a word alone (until 2026-12-07 none such was read)
_PART = r"(?:q[1-4]|h[12])"  # a quarter or a half
_GLUED = re.compile(
    rf"(?:(?<=fy\d\d|\d\d\d\d)|(?<=fy[\s\-'’]\d\d))(?={_PART}{_R})"
    rf"|(?<=q[1-4]|h[12])(?=fy|(?:19|20)\d\d{_R})"
)
#: a period: a fiscal year (FY26, FY2026, FY 26, FY-26), a year (2026), a quarter, a half
_PERIOD = re.compile(rf"{_L}(?:fy[\s\-'’]?(\d\d\d\d|\d\d)|((?:19|20)\d\d)|q([1-4])|h([12])){_R}")
_NUMBER = re.compile(rf"{_L}\d+{_R}")  # KPI 1, KPI 2: tabs numbered, not copies


KIND_WORDS = {"okrs": "the key results", "kpis": "the KPIs"}


class _Mark(NamedTuple):
    """What one of ``_PERIOD``'s words says: a fiscal year (``FY26`` is 2026), a year, a
    quarter or a half."""

    fiscal: int | None
    year: int | None
    quarter: int | None
    half: int | None


def _marks(folded: str) -> tuple[_Mark, ...]:
    return tuple(
        _Mark(
            (int(fy) if len(fy) == 4 else 2000 + int(fy)) if fy else None,
            int(year) if year else None,
            int(quarter) if quarter else None,
            int(half) if half else None,
        )
        for fy, year, quarter, half in _PERIOD.findall(folded)
    )


def _fold(name: str) -> str:
    """A name as its words are read: NFKC, case-folded, a glued period spaced apart."""
    return _GLUED.sub(" ", unicodedata.normalize("NFKC", name).casefold())


@dataclass(frozen=True, slots=True)
class _Tab:
    """A tab's name read once (until 2026-12-07 folded twice, by ``_base`` and again by
    ``_copy_of``): its key without a copy's or a period's words (``FY26 OKRs (2)`` is
    ``okrs``), the periods it says, whether it is kept for the record (``old``,
    ``archive``, ``template``) or numbered (``KPI 1``)."""

    key: str
    marks: tuple[_Mark, ...]
    kept: bool
    numbered: bool


def _tab(name: str) -> _Tab:
    folded = _fold(name)
    if not folded.strip():
        return _Tab("", (), False, False)
    bare = _COPY.sub(" ", folded)
    marks, bare = _marks(bare), _PERIOD.sub(" ", bare)
    return _Tab(tab_key(bare), marks, bool(_KEPT.search(folded)), bool(_NUMBER.search(bare)))


_ALL_QUARTERS, _ALL_HALVES = frozenset({1, 2, 3, 4}), frozenset({1, 2})


@dataclass(frozen=True, slots=True)
class _Own:
    """The fiscal years, years, quarters and halves a tab may name and still be of the
    period (``_own``)."""

    fiscal: frozenset[int]
    years: frozenset[int]
    quarters: frozenset[int]
    halves: frozenset[int]

    def has(self, mark: _Mark) -> bool:
        return (
            (mark.fiscal is None or mark.fiscal in self.fiscal)
            and (mark.year is None or mark.year in self.years)
            and (mark.quarter is None or mark.quarter in self.quarters)
            and (mark.half is None or mark.half in self.halves)
        )


def _own(period: Period) -> _Own:
    """What of a tab's name is ``period``'s own. A period whose name says a fiscal year
    (``FY27 Q1``, ``FY2027-Q1``, ``Q1 FY27``) is fiscal: its fiscal year is that one
    alone, its quarters and halves those its name says (``Q1``; a quarter's half, a
    half's quarters; none said: all), not its dates' calendar ones (in ``FY27 Q1``, from
    2026-10-01, ``OKRs Q4`` is the fiscal Q4); a plain year may be either: its fiscal
    year's (``2027``) or a calendar year of its dates (``2026``). Any other period's are
    the calendar years, quarters and halves of its dates and those its name says (``Q1
    2027`` from October has Q4 and Q1), an ``FY`` one of those years. Until 2026-12-07 a
    fiscal period's name's were added to its dates' calendar ones, so ``OKRs FY26`` was
    FY27 Q1's (it began in 2026) and so was ``OKRs Q4``."""
    marks = _marks(_fold(period.name))
    calendar = frozenset(range(period.start.year, period.end.year + 1))
    named_years = frozenset(m.year for m in marks if m.year is not None)
    fiscal = frozenset(m.fiscal for m in marks if m.fiscal is not None)
    quarters = frozenset(m.quarter for m in marks if m.quarter is not None)
    halves = frozenset(m.half for m in marks if m.half is not None)
    if fiscal:
        quarters |= {q for h in halves for q in (2 * h - 1, 2 * h)}  # H1 is Q1 and Q2
        halves |= {(q + 1) // 2 for q in quarters}  # Q1 is in H1
        years = calendar | fiscal | named_years
        return _Own(fiscal, years, quarters or _ALL_QUARTERS, halves or _ALL_HALVES)
    span = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    months = {(period.start.month - 1 + k) % 12 for k in range(min(span, 11) + 1)}
    years = calendar | named_years
    return _Own(
        years,
        years,
        frozenset({m // 3 + 1 for m in months}) | quarters,
        frozenset({m // 6 + 1 for m in months}) | halves | {(q + 1) // 2 for q in quarters},
    )


def _copy_of(tab: _Tab, wanted: set[str], own: _Own | None) -> bool:
    """Whether a tab reads as a copy of one of ``wanted`` the team may fill now: its name,
    without a copy's or a period's words, one of them; not one kept for the record
    (``old``, ``archive``, ``backup``, ``template``), nor numbered (``KPI 1``), nor of
    another fiscal year, year, quarter or half than the period's (``own``; any, with no
    period)."""
    if not tab.key or tab.kept or tab.numbered or tab.key not in wanted:
        return False
    return own is None or all(own.has(mark) for mark in tab.marks)


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
    own = _own(period) if period is not None else None
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
        if tab_key(name) not in listed and _copy_of(_tab(name), wanted, own)
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
    own = _own(period) if period is not None else None
    near = [(n, tab) for n in data.sheet_names if (tab := _tab(n)).key in wanted]
    near.sort(key=lambda pair: not _copy_of(pair[1], wanted, own))  # stable: tab order else
    named = [as_typed(n) for n, _ in near[:3]]
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
