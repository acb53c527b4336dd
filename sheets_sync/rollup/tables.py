"""Team runs -> the rollup's DataFrames. Pure: no I/O, no clock, no Excel.

Long tables are built row by row from the domain results; ``summary``, ``totals``
(``summary.py``), ``company_objectives`` and ``alignment`` are then derived from the long
tables, so a failed team's last good rows (read back by ``previous.py``) count everywhere
the same way fresh rows do, always flagged by ``Stale data``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sheets_sync.domain.scoring import band, mean
from sheets_sync.domain.values import CELL_CHARS, utf16_len
from sheets_sync.rollup.digits import shown
from sheets_sync.rollup.nights import History
from sheets_sync.rollup.schema import conform, empty_frame, records_frame, runs_as_formula
from sheets_sync.rollup.summary import summary_table, totals_table
from sheets_sync.sync.outcome import RunContext, TeamRun, storable_run
from sheets_sync.sync.team_rows import (
    BASE,
    FINDING,
    NAMES,
    TeamRows,
    Values,
    base_values,
    rows_for,
)

Row = dict[str, object]
NOT_ALIGNED = "Not aligned to a company objective"


@dataclass(frozen=True)
class StaleData:
    """A failed team's last good rows (from the previous rollup), already conformed."""

    objectives: pd.DataFrame = field(default_factory=lambda: empty_frame("objectives"))
    key_results: pd.DataFrame = field(default_factory=lambda: empty_frame("key_results"))
    kpis: pd.DataFrame = field(default_factory=lambda: empty_frame("kpis"))
    last_successful_read: dt.datetime | None = None

    @property
    def empty(self) -> bool:
        return self.objectives.empty and self.key_results.empty and self.kpis.empty


@dataclass(frozen=True, eq=False)
class Rollup:
    """Every table of the company rollup; columns and dtypes as ``schema.TABLES`` says."""

    context: RunContext
    summary: pd.DataFrame
    objectives: pd.DataFrame
    key_results: pd.DataFrame
    kpis: pd.DataFrame
    findings: pd.DataFrame
    company_objectives: pd.DataFrame
    alignment: pd.DataFrame
    totals: pd.DataFrame  # one row, summary columns: the company as a whole
    history: History | None = None  # past nights, for the History and Trends tabs

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Schema table name -> frame, in schema order (what export writes)."""
        return {
            "summary": self.summary,
            "objectives": self.objectives,
            "key_results": self.key_results,
            "kpis": self.kpis,
            "findings": self.findings,
            "company_objectives": self.company_objectives,
            "alignment": self.alignment,
        }


def _finding_rows(
    run: TeamRun, rows: TeamRows | None, context: RunContext, stale: StaleData | None
) -> list[Values]:
    """The run's error first (a failed read is an error; a note on a read team, such as
    a locked file, a warning), then the findings of its result. A team not read tonight
    has its Summary row's ``Last successful read`` there: its carried rows' (``stale``),
    or blank (until 2026-12-07 tonight's clock, the moment the read failed)."""
    blank = (None,) * (len(FINDING) - len(BASE) - 2)
    found = list(rows.findings) if rows is not None else []
    base = base_values(run.team, run.source, context)
    if not run.scored:
        at = BASE.index("Last successful read")
        last = stale.last_successful_read if stale is not None else None
        base = (*base[:at], last, *base[at + 1 :])
    if run.error:
        severity = "error" if not run.scored else "warning"
        found.insert(0, (*base, severity, *blank, run.error))
    elif not run.scored:
        found.insert(0, (*base, "error", *blank, f"could not be read ({run.outcome})"))
    return found


class _Rows:
    """Rows of one table, made into typed frames a chunk at a time: a night has every KR
    and KPI of every team, and as Python rows (then object columns while they are cast)
    they took several times the size of the typed frame they end up in."""

    CHUNK = 4096

    def __init__(self, table: str) -> None:
        self.table = table
        self.values: list[Values] = []
        self.chunks: list[pd.DataFrame] = []
        self.made = 0  # rows given to ``extend`` so far
        self.carried: list[tuple[int, pd.DataFrame]] = []  # (rows made before it, frame)

    def extend(self, rows: list[Values]) -> None:
        self.values += rows
        self.made += len(rows)
        if len(self.values) >= self.CHUNK:
            self._flush()

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Rows already made (a stale team's, read back from last night's workbook), in
        their place after the rows so far: the teams stay in the Summary's order. Spliced
        in once by ``frame``: flushing and conforming the rows so far per failed team
        made a night of 500 teams, every 2nd failed, take 2.7 times the CPU."""
        if not frame.empty:
            self.carried.append((self.made, frame))

    def _flush(self) -> None:
        raw = records_frame(self.values, list(NAMES[self.table]))
        self.chunks.append(conform(raw, self.table))
        self.values = []

    def frame(self) -> pd.DataFrame:
        """All rows, conformed to the table's schema."""
        if self.values or not self.chunks:
            self._flush()
        chunks, self.chunks = self.chunks, []
        made = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
        carried, self.carried = self.carried, []
        if not carried:
            return made
        frames = [f for _, f in carried]
        stale = conform(frames[0] if len(frames) == 1 else pd.concat(frames), self.table)
        if made.empty:
            return stale
        # row numbers in [made, stale]: each carried frame's rows after the rows made
        # before it, stale frames in the order they came
        order, start, at = [], 0, len(made)
        for before, f in carried:
            order += [np.arange(start, before), np.arange(at, at + len(f))]
            start, at = before, at + len(f)
        order.append(np.arange(start, len(made)))
        both = pd.concat([made, stale], ignore_index=True)
        return both.take(np.concatenate(order)).reset_index(drop=True)


def storable_runs(runs: Sequence[TeamRun]) -> Sequence[TeamRun]:
    """``runs``, a lone surrogate in a run's team, source or error shown as U+FFFD
    (``schema.without_surrogates``): a library caller's TeamRun named after a file name
    that is no UTF-8 (``\\udcc9quipe``) failed the rollup with UnicodeEncodeError, in
    every table a team name is in. The configuration fails such a file's team alone."""
    return [storable_run(run) for run in runs]


def first_listings(runs: Sequence[TeamRun]) -> tuple[list[TeamRun], dict[str, list[TeamRun]]]:
    """Each team's first run, in order, and team -> its later runs. A team listed twice (a
    library caller's runs, or two names ``storable_runs`` makes one; the configuration,
    ``sync --team`` and a shard merge never list one twice) is its first listing in every
    table, as its one Summary row is: its rows, outcome, error and findings. A later
    listing is left out, said by a warning in Findings under its own source, whether it
    read the same file again or another file of that name: its rows or findings beside
    the first's would count the team twice, or findings of rows not in the rollup.
    ``HistoryStore.record`` records the first listing too. (Until 2026-12-07 a team read
    fine twice had its rows twice under a Summary row of its last listing.)"""
    first: dict[str, TeamRun] = {}
    later: dict[str, list[TeamRun]] = {}
    for run in runs:
        if run.team in first:  # by name: the same TeamRun twice is a later listing too
            later.setdefault(run.team, []).append(run)
        else:
            first[run.team] = run
    return list(first.values()), later


def _left_out(run: TeamRun, first: TeamRun, context: RunContext) -> Values:
    """The warning a team's later listing ``run`` leaves in Findings (``first_listings``):
    which listing the rollup has, then this one's outcome, its error last, so a long
    error cut to a cell (``fit_cell``) loses only its own end. Until 2026-12-07 it named
    no first listing and ended "the team's first listing is"."""
    blank = (None,) * (len(FINDING) - len(BASE) - 2)
    said = f"{run.outcome.status}: {run.error}" if run.error else run.outcome.status
    message = (
        "listed more than once: not in the rollup, which has the team's first listing "
        f"({first.source}, {first.outcome.status}); this listing: {said}"
    )
    return (*base_values(run.team, run.source, context), "warning", *blank, message)


def build_tables(
    runs: Sequence[TeamRun], context: RunContext, stale: Mapping[str, StaleData] | None = None
) -> Rollup:
    """All tables; ``stale`` maps a team whose run has no result to its last good rows.
    A run's rows are made from its result here, or were made with it when it is packed.
    ``runs`` as ``storable_runs`` gives them (``build_rollup`` calls it first); a team
    listed twice is its first listing (``first_listings``)."""
    stale = stale or {}
    objectives, key_results = _Rows("objectives"), _Rows("key_results")
    kpis, findings = _Rows("kpis"), _Rows("findings")
    used: dict[str, StaleData] = {}
    runs, later = first_listings(runs)
    for run in runs:
        rows = rows_for(run, context)
        carry = stale.get(run.team) if rows is None else None
        carry = carry if carry is not None and not carry.empty else None
        findings.extend(_finding_rows(run, rows, context, carry))
        findings.extend([_left_out(r, run, context) for r in later.get(run.team, ())])
        if rows is None:
            if run.team in stale and not stale[run.team].empty:
                used[run.team] = carried = stale[run.team]
                objectives.add_frame(carried.objectives)  # in the team's place: until
                key_results.add_frame(carried.key_results)  # 2026-12-06 after every
                kpis.add_frame(carried.kpis)  # team read tonight
            continue
        objectives.extend(rows.objectives)
        key_results.extend(rows.key_results)
        kpis.extend(rows.kpis)

    # The rows first, with the 15 digits Excel shows (``digits.py``), then what is
    # computed from them: the Summary, totals, company objectives and Alignment are the
    # means a pivot of the Objectives and Key results tabs gives. Computed from the exact
    # rows (until 2026-12-07), Engineering's average read 0.508333333333333 where a pivot
    # of its Objectives.Score showed 0.508333333333334.
    obj = shown(objectives.frame(), "objectives")
    krs = shown(key_results.frame(), "key_results")
    kpi = shown(kpis.frame(), "kpis")
    fnd = findings.frame()
    summary = summary_table(runs, context, obj=obj, krs=krs, kpi=kpi, fnd=fnd, used=used)
    company = _company_objectives(context, obj)  # once: the Alignment's heads are its scores
    return Rollup(
        context=context,
        summary=shown(summary, "summary"),
        objectives=obj,
        key_results=krs,
        kpis=kpi,
        findings=fnd,
        company_objectives=shown(company, "company_objectives"),
        alignment=shown(_alignment(context, obj, krs, company), "alignment"),
        totals=shown(totals_table(context, summary, obj, krs), "summary"),
    )


def _company_objectives(context: RunContext, obj: pd.DataFrame) -> pd.DataFrame:
    """Score = mean of aligned team objectives' scores, as ``score_company_objectives``."""
    rows: list[Row] = []
    for company in context.company_objectives:
        aligned = obj[obj["Aligns to"] == company.id]
        scores = aligned["Score"].dropna()
        score = mean(scores)
        rows.append(
            {
                "Period": context.period.name,
                "As of": context.as_of,
                "Company objective ID": company.id,
                "Title": company.title,
                "Weight": company.weight,
                "Score": score,
                "Band": band(score, context.rules).value if score is not None else None,
                "Aligned objectives": len(aligned),
                "Teams": _team_list(list(dict.fromkeys(str(t) for t in aligned["Team"]))),
                "Includes stale data": bool(aligned["Stale data"].fillna(False).any()),
            }
        )
    return conform(pd.DataFrame(rows), "company_objectives")


#: What a name cannot hold unquoted in the ``Teams`` list: a comma splits it, a ``"``
#: opens a quoted field, a CR or LF ends the line.
_QUOTED_FOR = re.compile(r'[,"\r\n]')


def listed_team(name: str) -> str:
    """A team name as the ``Teams`` list holds it: as it is, or in double quotes with its
    quotes doubled (``"Sales, EMEA"``), as a CSV field is, when it holds a comma, a
    ``"``, a CR or LF, or outer whitespace (a CSV split drops or trips over each:
    `` Ops`` came back ``Ops``, a line break raised). Split on ``, `` alone, ``Sales, EMEA,
    Ops`` was three teams; a CSV-aware split (Power Query's ``QuoteStyle.Csv``, Python's
    ``csv.reader(..., skipinitialspace=True)``) gets the names back, and a list of plain
    names is as it always was."""
    if name and name == name.strip() and _QUOTED_FOR.search(name) is None:
        return name
    return '"' + name.replace('"', '""') + '"'


def _team_list(names: list[str]) -> str:
    """``A, B, C``; one that would not fit an Excel cell ends ``, ... and 1,234 more``, a
    whole team name at a time (at 1,500 teams of 33 characters the list ran to 52,000:
    xlsxwriter cut it mid-name, Google refuses a cell past 50,000). Lengths are UTF-16
    code units, as Excel counts them (``values.utf16_len``: an emoji is 2). A list the
    CSV export escapes (its first name starts ``=``) fits a unit less: the escape's
    ``'`` counts too, and cut at its end, the list lost its count or a closing quote."""
    teams = [listed_team(n) for n in names]
    text = ", ".join(teams)
    limit = CELL_CHARS - 1 if runs_as_formula(text) else CELL_CHARS
    if utf16_len(text) <= limit:
        return text
    room = limit - len(f", ... and {len(teams):,} more")
    used, shown = -2, 0
    for name in teams:
        size = utf16_len(name)
        if used + 2 + size > room:
            break
        used += 2 + size
        shown += 1
    if not shown:  # a first name near a cell's length (the workspace refuses a longer one)
        return f"{len(teams):,} teams"
    return ", ".join(teams[:shown]) + f", ... and {len(teams) - shown:,} more"


def _alignment(
    context: RunContext,
    obj: pd.DataFrame,
    krs: pd.DataFrame,
    scored: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Company objective -> team objectives -> key results, as outline rows (Level 0/1/2);
    a company objective's row has its score from ``scored`` (``_company_objectives`` of
    ``obj``, made once by ``build_tables``: until 2026-12-07 made again here, ~9 ms at 500
    teams; made here when not given).

    Built a column at a time from the two frames and put in outline order by a sort: as
    Python rows (a tuple each, every text cell a Python string) it took 0.7-1.2 s and a
    ~25 MB transient at 2,000 teams (bench/notes.md, twelfth pass). A KR sits under each
    objective of its team with its objective ID."""
    companies = context.company_objectives
    position: dict[str, float] = {}
    for i, company in enumerate(companies):  # ids are unique (config); else the first
        position.setdefault(company.id, float(i))
    branch = obj["Aligns to"].map(position).astype("float64")  # NaN: not aligned
    aligned = branch.notna()
    objectives = pd.DataFrame(
        {
            "Level": 1, "Item": obj["Title"], "Score": obj["Score"], "Status": obj["Status"],
            "Band": obj["Band"], "Team": obj["Team"], "Objective ID": obj["Objective ID"],
            "Company objective ID": obj["Aligns to"].where(aligned),
            "Period": obj["Period"], "As of": obj["As of"], "Source": obj["Source"],
            "Stale data": obj["Stale data"].fillna(False),
            _BRANCH: branch.fillna(len(companies)),
            _OBJECTIVE: np.arange(len(obj), dtype="float64"), _KR: -1.0,
        }
    )  # fmt: skip
    under = [c for c in objectives.columns if c not in _KR_OWN]
    key_results = (
        krs[list(KR_FIELDS)]
        .assign(**{_KR: np.arange(len(krs), dtype="float64")})
        .merge(objectives[under], on=["Team", "Objective ID"], how="inner", sort=False)
        .rename(columns={"Description": "Item"})
        .assign(Level=2)
    )
    if scored is None:
        scored = _company_objectives(context, obj)
    scores = scored.set_index("Company objective ID")
    heads: list[dict[str, object]] = [
        {"Company objective ID": c.id, "Item": c.title, "Score": scores.loc[c.id, "Score"],
         "Band": scores.loc[c.id, "Band"], _BRANCH: float(i)}
        for i, c in enumerate(companies)
    ]  # fmt: skip
    if not aligned.all():
        heads.append({"Item": NOT_ALIGNED, _BRANCH: float(len(companies))})
    top = pd.DataFrame(heads, columns=["Company objective ID", "Item", "Score", "Band", _BRANCH])
    # A company row is no team's last good data: FALSE, never blank (a blank read back
    # from the workbook made pandas type the whole column float)
    top = top.assign(Level=0, Period=context.period.name, **{"As of": context.as_of})
    top = top.assign(**{"Stale data": False})
    top = top.assign(**{_OBJECTIVE: -1.0, _KR: -1.0})
    parts = [_outline(p) for p in (top, objectives, key_results)]
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.sort_values([_BRANCH, _OBJECTIVE, _KR], kind="stable", ignore_index=True)
    return rows.drop(columns=[_BRANCH, _OBJECTIVE, _KR])  # the parts were conformed


KR_FIELDS = ("Team", "Objective ID", "KR ID", "Description", "Score", "Status", "Band")
#: Sort keys of the outline: branch (company objective, then "not aligned"), objective, KR.
_BRANCH, _OBJECTIVE, _KR = "_branch", "_objective", "_kr"
#: What a KR row takes from the KR: the rest of it comes from its objective.
_KR_OWN = {"Level", "Item", "Score", "Status", "Band", "KR ID", _KR}


def _outline(part: pd.DataFrame) -> pd.DataFrame:
    """``part`` in the alignment's columns and dtypes (so the parts concatenate without
    going through Python objects), with its sort keys."""
    keys = {k: part[k].to_numpy(dtype="float64") for k in (_BRANCH, _OBJECTIVE, _KR)}
    return conform(part, "alignment").assign(**keys)
