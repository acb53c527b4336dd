"""Tabs of one kind under a near name (``KPIs`` and ``KPIs 2026``, ``Copy of OKRs``,
``OKRs (2)``): the mapping's first name the workbook has is read, and the other, an old
copy or the one the team fills now, was passed over without a word (until 2026-12-07).
Said at the tab not read, naming the tab that is; a tab the mapping names is not said
(its list's order says which)."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from sheets_sync.domain.models import Finding, Period, Severity
from sheets_sync.grid import WorkbookData, as_typed, tab_key
from sheets_sync.mapping.spec import TabSpec

_L, _R = r"(?<![^\W_])", r"(?![^\W_])"  # no letter or digit before, after: a word alone
#: what a copy adds to a tab's name: Google's "Copy of" (and as its other languages say
#: it), Excel's "(2)" (not a year, "(2025)": until 2026-12-07 a copy of no period), new,
#: draft, final, a version
_COPY = re.compile(
    rf"{_L}(?:copy of|copie de|kopie von|kopie van|copia de|copia di|cópia de|"
    rf"copy|new|draft|final|v\d+){_R}|の?コピー|\((?!(?:19|20)\d\d\))\d+\)"
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
#: a period: a fiscal year (FY26, FY2026, FY 26, FY-26, Fiscal 2026, Fiscal Year 2026;
#: until 2026-12-07 only FY was, the rest a plain year beside a word) or two (a span:
#: FY 2026-27, FY26/27), a year (2026), a quarter or a half, of a year's last two digits or not
#: (Q4'26, Q4 26, Q4-26, Q4/26, Q4.26, 4Q26, H2'26, 2H26; its year first: 26-Q4, 26Q4,
#: 26/H2; until 2026-12-07 the 26 of these read as a number, of 26Q4 as its own name's)
_YY, _SEP, _YSEP = r"(?:19|20)?\d\d", r"(?:\s?['’]|[\s\-/.])?", r"[\-/.]?"
_PERIOD = re.compile(
    rf"{_L}(?:(?:fy|fiscal(?:\s?year)?)[\s\-'’]?(?P<fy>\d\d\d\d|\d\d)(?:[-/](?P<fy2>\d\d\d\d|\d\d))?"
    rf"|(?P<year>(?:19|20)\d\d)"
    rf"|q(?P<q>[1-4])(?:{_SEP}(?P<qy>\d\d))?|(?P<nq>[1-4])q(?P<nqy>{_YY})"
    rf"|h(?P<h>[12])(?:{_SEP}(?P<hy>\d\d))?|(?P<nh>[12])h(?P<nhy>{_YY})"
    rf"|(?P<yq>\d\d){_YSEP}q(?P<yqq>[1-4])|(?P<yh>\d\d){_YSEP}h(?P<yhh>[12])){_R}"
)
_NO_GROUPS: dict[str, str | None] = dict.fromkeys(_PERIOD.groupindex)
_NUMBER = re.compile(rf"{_L}\d+{_R}")  # KPI 1, KPI 2: tabs numbered, not copies
#: two plain years in a row (2026-27, 2026/27, 2026-2027): a span, read as a fiscal one
#: (``_spans``); years not in a row (2026-12, a month), and a span after FY or Fiscal
#: (Year), are left to ``_PERIOD``
_YEARS = re.compile(
    rf"(?<!fy[\s\-'’])(?<!fiscal[\s\-'’])(?<!fiscal year[\s\-'’])(?<!fiscalyear[\s\-'’])"
    rf"{_L}(?:year )?(?P<a>(?:19|20)\d\d)[-/](?P<b>(?:19|20)?\d\d){_R}"
)
#: how a name's period words are spaced and joined, made one way before they are read
#: (``_fold``): spaces in a row one (``Fiscal  2027``), a span's en dash or spaced dash a
#: dash (``2026–27``, ``2026 - 27``), ``Fiscal Q1 2027`` its ``Q1 FY2027`` (until
#: 2026-12-07 each read as words of the tab's name: no near name, never said)
_SPACES = re.compile(r"\s+")
_DASH = re.compile(r"(?<=\d) ?[\-–/] ?(?=\d)")
_FISCAL_PART = re.compile(rf"{_L}fiscal ({_PART}) ((?:19|20)?\d\d){_R}")


KIND_WORDS = {"okrs": "the key results", "kpis": "the KPIs"}


@dataclass(frozen=True, slots=True)
class _Marks:
    """What a name's ``_PERIOD`` words say, all together: fiscal years (``FY26`` is
    2026; a span's both), years, quarters, halves; the spans (``FY 2026-27``) and the
    fiscal years named alone (``FY27``) apart."""

    fiscal: frozenset[int]
    years: frozenset[int]
    quarters: frozenset[int]
    halves: frozenset[int]
    spans: frozenset[frozenset[int]] = frozenset()
    alone: frozenset[int] = frozenset()


def _year(digits: str) -> int:
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _spans(folded: str) -> tuple[str, list[tuple[int, int]]]:
    """``folded`` without its plain-year spans (``OKRs 2026-27``), and them: a fiscal
    company's way of naming its year (``FY 2026-27`` without the FY), read as such a span
    is (``_marks``), so in a fiscal period it is a fiscal year's and in a calendar one
    both its years must be the dates' (until 2026-12-07 the ``27`` read as a number and
    the tab as numbered: never warned of)."""
    spans: list[tuple[int, int]] = []

    def span(m: re.Match[str]) -> str:
        first, last = int(m["a"]), int(m["b"])
        if len(m["b"]) == 2:  # its century the first's, or the next one's (1999-00)
            last += first - first % 100 + (100 if last < first % 100 else 0)
        if last != first + 1:
            return m[0]
        spans.append((first, last))
        return " "

    return (_YEARS.sub(span, folded), spans) if "/" in folded or "-" in folded else (folded, [])


def _marks(folded: str) -> _Marks:
    """A span (``FY 2026-27``, and ``2026-27``: ``_spans``) says both its fiscal years:
    such a period has both, and a tab so named is a fiscal period's if they are its
    fiscal year's calendar years (``_Reading``). ``Q4'26`` is a quarter and a plain year."""
    return _marks_of(*_spans(folded))


def _marks_of(folded: str, plain: list[tuple[int, int]]) -> _Marks:
    """``_marks`` of a text ``_spans`` has read: its spans taken out, and the years they said."""
    found = [m.groupdict() for m in _PERIOD.finditer(folded)]
    found += [{**_NO_GROUPS, "fy": str(a), "fy2": str(b)} for a, b in plain]

    def said(*groups: str) -> frozenset[str]:
        return frozenset(d for g in found for name in groups if (d := g[name]) is not None)

    return _Marks(
        frozenset(map(_year, said("fy", "fy2"))),
        frozenset(map(_year, said("year", "qy", "nqy", "hy", "nhy", "yq", "yh"))),
        frozenset(map(int, said("q", "nq", "yqq"))),
        frozenset(map(int, said("h", "nh", "yhh"))),
        frozenset(frozenset({_year(g["fy"]), _year(g["fy2"])}) for g in found if g["fy2"]),
        frozenset(_year(g["fy"]) for g in found if g["fy"] and not g["fy2"]),
    )


def _fold(name: str) -> str:
    """A name as its words are read: NFKC, case-folded, spaced and joined one way
    (``_SPACES``, ``_DASH``, ``_FISCAL_PART``), a glued period spaced apart."""
    folded = _SPACES.sub(" ", unicodedata.normalize("NFKC", name).casefold())
    if "–" in folded or " -" in folded or "- " in folded or " /" in folded or "/ " in folded:
        folded = _DASH.sub(lambda m: "/" if "/" in m[0] else "-", folded)
    if "fiscal " in folded:
        folded = _FISCAL_PART.sub(r"\1 fy\2", folded)
    return _GLUED.sub(" ", folded)


@dataclass(frozen=True, slots=True)
class _Tab:
    """A tab's name read once (until 2026-12-07 folded twice, by ``_base`` and again by
    ``_copy_of``): its key without a copy's or a period's words (``FY26 OKRs (2)`` is
    ``okrs``), the periods it says, whether it is kept for the record (``old``,
    ``archive``, ``template``) or numbered (``KPI 1``)."""

    key: str
    marks: _Marks
    kept: bool
    numbered: bool


_NO_MARKS = _Marks(frozenset(), frozenset(), frozenset(), frozenset())

#: names, tab lists and periods read, kept across calls: a pure function of each, and
#: every team's workbook has the same few tab names, mapping and period (until 2026-12-07
#: worked out again for each team, 131 ms of a 500-team first night under cProfile).
#: Bounded: a workspace of 2,000 teams with tabs named each its own way stays small.
_CACHED = 4096
#: the longest tab name kept (``_tab``): a tab's name is not capped on read (30,000
#: characters come through ``read_workbook``), and 4,096 such would hold 430 MB all night
_NAME_CHARS = 100


def _tab(name: str) -> _Tab:
    """``name`` read (``_Tab``), kept across calls if of a tab name's usual length."""
    return _tab_kept(name) if len(name) <= _NAME_CHARS else _read_tab(name)


def _read_tab(name: str) -> _Tab:
    folded = _fold(name)
    if not folded.strip():
        return _Tab("", _NO_MARKS, False, False)
    bare = _COPY.sub(" ", folded)
    bare, plain = _spans(bare)
    marks, bare = _marks_of(bare, plain), _PERIOD.sub(" ", bare)
    return _Tab(tab_key(bare), marks, bool(_KEPT.search(folded)), bool(_NUMBER.search(bare)))


_tab_kept = functools.lru_cache(maxsize=_CACHED)(_read_tab)


_ALL_QUARTERS, _ALL_HALVES = frozenset({1, 2, 3, 4}), frozenset({1, 2})
_Pairs = frozenset[tuple[int, int]]  # (year, quarter) or (year, half)


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading a tab's period words as the period's (``_own``): the fiscal
    years, years, quarters and halves it takes, and what the tab must say for it to apply
    (``year``: a plain year; ``fy``: a fiscal year). A fiscal reading has its fiscal
    year's calendar years (``spanned``): a span a tab names is the period's if its years
    are those and one of them its ``FY`` (``OKRs FY26/27 Q1`` is FY27 Q1's from October,
    and FY26 Q1's from April; until 2026-12-07 both had to be its ``FY``: neither). A
    calendar reading has its dates'
    (year, quarter) and (year, half) pairs too: each year a tab names with each of its
    quarters (halves) one of them, so ``OKRs Q1 2026`` is not of 2026-10-01 to
    2027-03-31 (until 2026-12-07 each word was checked alone: 2026 and Q1 both were)."""

    fiscal: frozenset[int]
    years: frozenset[int]
    quarters: frozenset[int]
    halves: frozenset[int]
    needs: Literal["", "year", "fy"] = ""
    pairs: tuple[_Pairs, _Pairs] | None = None
    spanned: frozenset[int] | None = None

    def takes(self, marks: _Marks) -> bool:
        return (
            (self.needs != "year" or bool(marks.years))
            and (self.needs != "fy" or bool(marks.fiscal))
            and self._fiscal(marks)
            and marks.years <= self.years
            and marks.quarters <= self.quarters
            and marks.halves <= self.halves
            and (self.pairs is None or self._paired(marks, *self.pairs))
        )

    def _fiscal(self, marks: _Marks) -> bool:
        if self.spanned is None:
            return marks.fiscal <= self.fiscal
        spanned = self.spanned
        return marks.alone <= self.fiscal and all(
            span <= spanned and span & self.fiscal for span in marks.spans
        )

    @staticmethod
    def _paired(marks: _Marks, quarters: _Pairs, halves: _Pairs) -> bool:
        years = marks.years | marks.fiscal  # a calendar period's FY26 is 2026
        return all((y, q) in quarters for y in years for q in marks.quarters) and all(
            (y, h) in halves for y in years for h in marks.halves
        )


def _parts(named: _Marks) -> tuple[frozenset[int], frozenset[int]]:
    """The quarters and halves a name says: a quarter's half, a half's quarters too."""
    quarters = named.quarters | {q for h in named.halves for q in (2 * h - 1, 2 * h)}
    return quarters, named.halves | {(q + 1) // 2 for q in named.quarters}  # Q1 is in H1


def _pairs(period: Period, named: _Marks = _NO_MARKS) -> tuple[_Pairs, _Pairs]:
    """The (year, quarter) and (year, half) pairs of ``period``'s dates, and of its name's
    years (``named``) with its name's quarters and halves (a quarter's half, a half's
    quarters; none named: its dates')."""
    first = period.start.year * 12 + period.start.month - 1
    months = [divmod(i, 12) for i in range(first, period.end.year * 12 + period.end.month)]
    quarters = {(y, m // 3 + 1) for y, m in months}
    halves = {(y, m // 6 + 1) for y, m in months}
    its_quarters, its_halves = _parts(named)  # a quarter or a half named says both
    if not its_quarters:
        its_quarters = frozenset(q for _, q in quarters)
        its_halves = frozenset(h for _, h in halves)
    quarters |= {(y, q) for y in named.years for q in its_quarters}
    halves |= {(y, h) for y in named.years for h in its_halves}
    return frozenset(quarters), frozenset(halves)


_Own = tuple[_Reading, ...]  # a tab is the period's if one of them takes all its marks


@functools.lru_cache(maxsize=64)
def _own(period: Period) -> _Own:
    """The readings of a tab's period words as ``period``'s. A period is fiscal if its
    name says a fiscal year (``FY27 Q1``, ``FY2027-Q1``, ``Q1 FY27``) or a quarter or half
    that is none of its dates' calendar ones (``Q1 2027`` from 2026-10-01). A fiscal
    period has two readings: fiscal, of its fiscal year (the name's ``FY``; with none, its
    plain year; with none, its dates' calendar years) as ``FY`` or a plain year, and the
    quarters and halves its name says (a quarter's half, a half's quarters; none said:
    all), a calendar year of its dates beside them if the tab says its ``FY`` too
    (``FY27 Q1 2026``); and calendar, for a tab that names a plain year and no ``FY``:
    that year one of its dates' calendar years, its quarter or half one of theirs in that
    year (``OKRs 2026 Q4`` in FY27 Q1 from October; not ``OKRs Q1 2026`` in FY27 H1).
    ``OKRs Q4`` alone is the fiscal Q4. A period of less than a year whose name's only
    period word is a span (``Winter 2026-27``, December to February) has its dates'
    calendar quarters and halves (until 2026-12-07 all four, so every quarter's tab of
    the span was warned of). Any other period has one reading: the calendar
    years, quarters and halves of its dates, as pairs (a year with a quarter or half), an
    ``FY`` one of those years. Until 2026-12-07 a fiscal period's name's were added to its
    dates' calendar ones, so ``OKRs FY26`` was FY27 Q1's (it began in 2026) and so was
    ``OKRs Q4``; then, for a day, its quarter was always fiscal (``OKRs 2026 Q4`` not
    said) and each mark was checked alone (``OKRs Q1 2026`` said)."""
    named = _marks(_fold(period.name))
    calendar = frozenset(range(period.start.year, period.end.year + 1))
    span = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    months = {(period.start.month - 1 + k) % 12 for k in range(min(span, 11) + 1)}
    quarters = frozenset({m // 3 + 1 for m in months})
    halves = frozenset({m // 6 + 1 for m in months})
    if not named.fiscal and named.quarters <= quarters and named.halves <= halves:
        years = calendar | named.years
        return (_Reading(years, years, quarters, halves, "", _pairs(period, named)),)
    fiscal = named.fiscal or named.years or calendar
    its_quarters, its_halves = _parts(named)
    # its fiscal year's first month: back from its start by the quarters before its first
    first = period.start.year * 12 + period.start.month - 1 - 3 * (min(its_quarters or {1}) - 1)
    spanned = frozenset({first // 12, (first + 11) // 12})
    if span < 11 and named.spans and not (its_quarters or named.alone or named.years):
        its_quarters, its_halves = quarters, halves  # ``Winter 2026-27``: its dates'
    its_quarters, its_halves = its_quarters or _ALL_QUARTERS, its_halves or _ALL_HALVES
    return (
        _Reading(fiscal, fiscal, its_quarters, its_halves, spanned=spanned),
        _Reading(fiscal, fiscal | calendar, its_quarters, its_halves, "fy", spanned=spanned),
        _Reading(frozenset(), calendar, quarters, halves, "year", _pairs(period)),
    )


def _copy_of(tab: _Tab, wanted: Collection[str], own: _Own | None) -> bool:
    """Whether a tab reads as a copy of one of ``wanted`` the team may fill now: its name,
    without a copy's or a period's words, one of them; not one kept for the record
    (``old``, ``archive``, ``backup``, ``template``), nor numbered (``KPI 1``), nor of
    another fiscal year, year, quarter or half than the period's (``own``; any, with no
    period)."""
    if not tab.key or tab.kept or tab.numbered or tab.key not in wanted:
        return False
    return own is None or any(reading.takes(tab.marks) for reading in own)


def _wanted(spec: TabSpec) -> frozenset[str]:
    """The keys of ``spec.sheet``'s names as a tab's are read, without a copy's or a
    period's words: ``Final OKRs`` is ``okrs``, as its ``Copy of Final OKRs`` is (until
    2026-12-07 the list's kept ``final``, ``finalokrs``, and no tab was its copy)."""
    return _wanted_keys(spec.sheet)


@functools.lru_cache(maxsize=256)
def _wanted_keys(sheet: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_tab(n).key or tab_key(n) for n in sheet)


def forget() -> None:
    """Drop what is kept across calls (``_CACHED``): for tests that count the work of one."""
    for cached in (_tab_kept, _own, _wanted_keys):
        cached.cache_clear()


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
    wanted = _wanted(spec)
    listed = {tab_key(n) for n in named} | {tab_key(read)}
    own = _own(period) if period is not None else None
    said = [
        name
        for name in data.sheet_names
        if tab_key(name) not in listed and _copy_of(_tab(name), wanted, own)
    ]
    if not said:  # most workbooks: the list's names not spelled out for nothing
        return []
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
        for name in said
    ]


TABS_LISTED = 20  # of a workbook's tab names, in "no tab named X (tabs: ...)"


def missing_tab(
    data: WorkbookData,
    spec: TabSpec,
    period: Period | None = None,
    kind: Literal["okrs", "kpis"] = "okrs",
) -> str:
    """``no tab named KPIs or Metrics (tabs: OKRs, KPIs 2026); did you mean KPIs 2026?``:
    the tabs named whose name, without a copy's or a period's words, is one of
    ``spec.sheet``'s (a tab renamed for the year; until 2026-12-07 not pointed at); those
    a team may fill now (``_copy_of``: of ``period``, not kept for the record) first, so a
    tab a quarter names ``OKRs Q4`` in Q4 (until 2026-12-07 the first three in tab order,
    ``OKRs 2025``, ``OKRs Q1``, ``OKRs Q2``). Then what to do (``_advice``)."""
    have = ", ".join(map(as_typed, data.sheet_names[:TABS_LISTED])) or "none"
    if len(data.sheet_names) > TABS_LISTED:  # a workbook may have 1,024 tabs
        have += f" and {len(data.sheet_names) - TABS_LISTED:,} more"
    wanted = _wanted(spec)
    own = _own(period) if period is not None else None
    near = [(n, tab) for n in data.sheet_names if (tab := _tab(n)).key in wanted]
    near.sort(key=lambda pair: not _copy_of(pair[1], wanted, own))  # stable: tab order else
    named = [as_typed(n) for n, _ in near[:3]]
    hint = f"; did you mean {' or '.join(named)}?" if named else ""
    said = f"no tab named {' or '.join(map(as_typed, spec.sheet))} (tabs: {have}){hint}"
    ours = named[0] if near and _copy_of(near[0][1], wanted, own) else None
    return said + _advice(spec, kind, ours, hinted=bool(named))


def _advice(
    spec: TabSpec, kind: Literal["okrs", "kpis"], near: str | None, hinted: bool = False
) -> str:
    """What to do of a missing tab (until 2026-12-07 only docs/mappings.md said it, and
    then `give its name in the mapping's okrs.sheet`, no mapping named): rename the tab
    (``near``, the first tab pointed at when it is one the team may fill now, ``_copy_of``:
    `? Rename "Q4 OKRs" to OKRs`), or add its name to the sheet key in the mapping file,
    for a built-in one in a copy of it in the workspace's ``mappings/``, which wins over
    the built-in; a required KPI tab may be missing altogether: add one, or make it
    optional. A tab pointed at that is of another period or kept for the record is not
    named (``hinted``: the words after its "?"): renaming last quarter's ``OKRs Q3`` in Q4
    had the next night write Q4's Expected and Status over Q3's record (until a review on
    2026-12-07)."""
    wanted = as_typed(spec.sheet[0])
    file, builtin = spec.mapping_file
    where = (
        f"a copy of the built-in {file} saved as the workspace's mappings/{file} (it wins "
        "over the built-in)"
        if builtin
        else file or "the mapping"
    )
    if near is not None:
        todo = f" Rename {near} to {wanted}, or add {near} to {kind}.sheet"  # after "?"
    else:
        todo = (
            f"add a tab named {wanted} or rename the one that holds {KIND_WORDS[kind]} to "
            f"{wanted}, or add its name to {kind}.sheet"
            if kind == "kpis"
            else f"rename the tab that holds {KIND_WORDS[kind]} to {wanted}, or add its "
            f"name to {kind}.sheet"
        )  # a sentence of its own after "did you mean ...?"
        todo = f" {todo[0].upper()}{todo[1:]}" if hinted else f"; {todo}"
    optional = f" or set {kind}.required: false" if kind == "kpis" else ""
    return f"{todo}{optional} in {where}"


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
