"""Generate a workspace of N standard-layout team workbooks (xlsxwriter, deterministic).

Per team (default): 5 objectives x 4 KRs on ``OKRs``, 15 KPIs on ``KPIs``, a ``Data`` tab
that some "Current"/"Actual" cells reference by formula (written with their cached values,
as Excel saves them), date formats, column widths and a frozen header. Owned columns
(Score, Status, ...) have headers but no values, as on the first night.

``Shape(distinct_texts=True)``: the same workbooks (the same numbers, dates and formulas:
the generator's random stream is drawn the same), but every team's objective titles, key
result names, owners, comments and KPI names its own (``bench/texts.py``), where the
default writes some 20 distinct texts a column across all teams.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter

from bench.texts import TeamTexts, check_capacity
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS

PERIOD_START = dt.date(2026, 10, 1)
PERIOD_END = dt.date(2026, 12, 31)
AS_OF = dt.date(2026, 11, 20)
COMPANY_OBJECTIVES = ("CO-1", "CO-2", "CO-3")
OKR_COL = {f: i for i, (f, _) in enumerate(OKR_FIELDS)}
KPI_COL = {f: i for i, (f, _) in enumerate(KPI_FIELDS)}
OWNERS = ("Ann", "Bob", "Chen", "Dana", "Eli")  # the default shape's (KPIs: the first 3)


@dataclass(frozen=True)
class Shape:
    objectives: int = 5
    krs_per_objective: int = 4
    kpis: int = 15
    distinct_texts: bool = False  # every team's texts its own (bench/texts.py)


def team_name(i: int) -> str:
    return f"team-{i:04d}"


def write_team(path: Path, seed: int, shape: Shape = Shape()) -> None:
    rnd = random.Random(seed)
    texts = (
        TeamTexts(seed, shape.objectives, shape.krs_per_objective, shape.kpis)
        if shape.distinct_texts
        else None
    )
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct = wb.add_format({"num_format": "0%"})
    okrs = wb.add_worksheet("OKRs")
    kpis = wb.add_worksheet("KPIs")
    data = wb.add_worksheet("Data")
    data.write_row(0, 0, ["Metric", "Value"], bold)
    data_row = 1

    okrs.write_row(0, 0, [h for _, h in OKR_FIELDS], bold)
    okrs.freeze_panes(1, 0)
    okrs.set_column(0, 0, 12)
    okrs.set_column(1, 1, 34)
    okrs.set_column(5, 5, 40)
    okrs.set_column(14, 14, 12, date)
    row = 1
    for o in range(shape.objectives):
        oid = f"O{o + 1}"
        otype = "aspirational" if o == shape.objectives - 1 else "committed"
        title = f"Objective {o + 1}: {rnd.choice(['Grow', 'Delight', 'Scale', 'Harden'])} "
        title += rnd.choice(["revenue", "customers", "the platform", "operations"])
        if texts is not None:
            title = texts.objective(o)
        for k in range(shape.krs_per_objective):
            c = OKR_COL
            first = k == 0
            okrs.write(row, c["objective_id"], oid)
            if first:  # objective fields filled down (blank below), as people do
                okrs.write(row, c["objective"], title)
                okrs.write(row, c["objective_type"], otype)
                okrs.write(row, c["aligns_to"], COMPANY_OBJECTIVES[o % len(COMPANY_OBJECTIVES)])
            okrs.write(row, c["kr_id"], f"{oid}-KR{k + 1}")
            name = f"Move metric {k + 1} of objective {o + 1}"
            owner = rnd.choice(OWNERS)
            if texts is not None:  # the team's own, the stream drawn as by default
                name, owner = texts.key_result(o, k), texts.roster[OWNERS.index(owner)]
            okrs.write(row, c["key_result"], name)
            okrs.write(row, c["owner"], owner)
            if k == 3 and o % 2 == 0:
                okrs.write(row, c["kr_type"], "milestone")
                okrs.write(row, c["current"], rnd.choice(["done", "no", "no"]))
            else:
                start: float = rnd.choice([0, 10, 50, 100])
                target: float = start + rnd.choice([20, 50, 100, 400])
                current = round(start + (target - start) * rnd.uniform(0.0, 1.1), 1)
                unit = rnd.choice(["k$", "%", "users", "ms", "deals"])
                if unit == "%":  # as Excel stores 10 %: a fraction
                    start, target, current = start / 100, target / 100, round(current / 100, 3)
                okrs.write(row, c["kr_type"], "number")
                okrs.write_number(row, c["start"], start)
                okrs.write_number(row, c["target"], target)
                if k == 1:  # "Current" pulled from the Data tab, cached value included
                    data.write(data_row, 0, f"{oid}-KR{k + 1}")
                    data.write_number(data_row, 1, current)
                    okrs.write_formula(row, c["current"], f"=Data!B{data_row + 1}", None, current)
                    data_row += 1
                else:
                    okrs.write_number(row, c["current"], current)
                okrs.write(row, c["unit"], unit)
            okrs.write_number(row, c["weight"], rnd.choice([1, 1, 2]))
            okrs.write_number(row, c["confidence"], rnd.choice([0.5, 0.7, 0.9]), pct)
            okrs.write_datetime(row, c["due"], dt.datetime.combine(PERIOD_END, dt.time()), date)
            if rnd.random() < 0.3:
                comment = "Blocked on hiring; revisit next week"
                okrs.write(row, c["comment"], texts.comment(o, k) if texts else comment)
            row += 1

    kpis.write_row(0, 0, [h for _, h in KPI_FIELDS], bold)
    kpis.freeze_panes(1, 0)
    kpis.set_column(1, 1, 30)
    kpis.set_column(13, 13, 12, date)
    c = KPI_COL
    for k in range(shape.kpis):
        r = k + 1
        direction = ("higher", "lower", "range")[k % 3]
        target = float(rnd.choice([40, 100, 250, 1000]))
        actual = round(target * rnd.uniform(0.7, 1.3), 1)
        previous = round(target * rnd.uniform(0.7, 1.3), 1)
        kpis.write(r, c["id"], f"KPI-{k + 1}")
        owner = rnd.choice(OWNERS[:3])
        if texts is not None:
            kpis.write(r, c["name"], texts.kpi_name(k))
            kpis.write(r, c["owner"], texts.roster[OWNERS.index(owner)])
        else:
            kpis.write(r, c["name"], f"Indicator {k + 1}")
            kpis.write(r, c["owner"], owner)
        kpis.write(r, c["category"], rnd.choice(["leading", "lagging"]))
        kpis.write(r, c["frequency"], rnd.choice(["weekly", "monthly"]))
        unit = rnd.choice(["%", "h", "k$", "#"])
        digits = 1
        if unit == "%":  # 4 % to 100 %, as Excel stores them: fractions
            target, actual, previous = target / 1000, actual / 1000, previous / 1000
            digits = 4
        kpis.write(r, c["unit"], unit)
        kpis.write(r, c["direction"], direction)
        if direction == "range":
            kpis.write_number(r, c["lower"], round(target * 0.9, digits))
            kpis.write_number(r, c["upper"], round(target * 1.1, digits))
        else:
            kpis.write_number(r, c["target"], target)
        if k % 5 == 2:  # a formula KPI with its cached value
            data.write(data_row, 0, f"KPI-{k + 1}")
            data.write_number(data_row, 1, actual)
            formula = f"=ROUND(Data!B{data_row + 1},{digits})"
            kpis.write_formula(r, c["actual"], formula, None, actual)
            data_row += 1
        else:
            kpis.write_number(r, c["actual"], actual)
        kpis.write_number(r, c["previous"], previous)
        when = AS_OF - dt.timedelta(days=rnd.randint(0, 20))
        kpis.write_datetime(r, c["as_of"], dt.datetime.combine(when, dt.time()), date)
    wb.close()


CONFIG_HEAD = """company: Bench Corp
period: {{name: 2026-Q4, start: {start}, end: {end}}}
company_objectives:
  - {{id: CO-1, title: Grow revenue, weight: 2}}
  - {{id: CO-2, title: Customers love us}}
  - {{id: CO-3, title: Run efficiently}}
teams_glob: "teams/*.xlsx"
rollup: {{output: company.xlsx}}
backups: {{keep: 1}}
"""


def generate_workspace(root: Path, teams: int, shape: Shape = Shape(), first: int = 0) -> Path:
    """Write ``root/sheets-sync.yaml`` and ``root/teams/team-NNNN.xlsx``; return the config.
    From team ``first`` on: a workspace of ``first`` teams so made grows to ``teams`` (each
    team's workbook depends on its number alone). The distinct-text shape refuses more
    teams than it has texts for (``bench/texts.py`` ``capacity()``) before writing any."""
    if shape.distinct_texts:
        check_capacity(teams, shape.objectives, shape.krs_per_objective, shape.kpis)
    folder = root / "teams"
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(first, teams):
        write_team(folder / f"{team_name(i)}.xlsx", seed=i, shape=shape)
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(CONFIG_HEAD.format(start=PERIOD_START, end=PERIOD_END), encoding="utf-8")
    return cfg
