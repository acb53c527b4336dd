"""``sheets-sync demo``: a six-team company workspace that exercises every feature.

Workbooks are written with xlsxwriter because it stores a formula's cached result: the
Sales "new ARR" KR is computed from its Pipeline tab, and a file saved by openpyxl would
carry no value for it until someone opened it in Excel.

The demo is built as of a day (``sheets-sync demo --as-of``, default today): its dates and
period move with that day (``demo_data.moved_team``, ``demo_data.demo_period``), so synced
that day it shows the designed state, whichever day it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sheets_sync.config import DEFAULT_CONFIG
from sheets_sync.domain.models import Period
from sheets_sync.errors import ConfigError
from sheets_sync.sync import stops
from sheets_sync.sync.options import as_of_day, path_arg
from sheets_sync.template.spec import (
    HEADER_FILL,
    HEADER_FONT,
    OWNED_FILL,
    OWNED_FONT,
    TEMPLATE,
    TabTemplate,
)
from sheets_sync.workspace.demo_data import (
    COMPANY,
    COMPANY_OBJECTIVES,
    DESIGN_DAY,
    PERIOD,
    TEAMS,
    DemoRow,
    DemoTab,
    DemoTeam,
    DemoValue,
    Formula,
    demo_period,
    moved_team,
)
from sheets_sync.workspace.init import ensure_gitignore, render_config, teams_folder

__all__ = ["DemoTab", "DemoTeam", "Formula", "create_demo", "demo_teams", "layout_tabs"]

# The objective-blocks layout (mappings/objective-blocks.yaml): header words per field.
GOALS_COLUMNS = (
    ("#", "kr_id"), ("Goal / Key result", "key_result"), ("Type", "kr_type"),
    ("Aligns to", "aligns_to"), ("Owner", "owner"), ("Baseline", "start"), ("Goal", "target"),
    ("Actual", "current"), ("Unit", "unit"), ("Weight", "weight"),
    ("Confidence", "confidence"), ("Due", "due"), ("KPI link", "kpi_link"),
    ("Notes", "comment"), ("Progress", "score"), ("Status", "status"),
    ("Sync notes", "sync_notes"),
)  # fmt: skip
METRICS_COLUMNS = (
    ("Ref", "id"), ("Metric", "name"), ("Owner", "owner"), ("Kind", "category"),
    ("Cadence", "frequency"), ("Unit", "unit"), ("Better when", "direction"), ("Goal", "target"),
    ("Min", "lower"), ("Max", "upper"), ("Amber at", "amber_threshold"),
    ("This period", "actual"), ("Last period", "previous"), ("Updated", "as_of"),
    ("Notes", "comment"), ("Status", "status"), ("Sync notes", "sync_notes"),
)  # fmt: skip
BLOCK_OWNED = frozenset({"Progress", "Status", "Sync notes"})
BETTER_WHEN = {"higher": "up", "lower": "down", "range": "between"}


def demo_teams() -> list[DemoTeam]:
    """The six demo teams as plain data (template column order), dated for the design day:
    ``create_demo(..., as_of=day)`` moves them, so they are moved once (a day given here
    too moved them twice, past the period's end)."""
    return list(TEAMS)


def _as_dict(tab: TabTemplate, row: DemoRow) -> dict[str, DemoValue]:
    return dict(zip((c.field for c in tab.columns), row, strict=True))


def _goals_rows(team: DemoTeam) -> list[DemoRow]:
    """Objective header row before each objective's KR rows; shared id/text/type columns."""
    rows: list[DemoRow] = []
    for raw in team.okr_rows:
        values = _as_dict(TEMPLATE.okrs, raw)
        if values["objective_id"] is not None:
            head = {
                "kr_id": values["objective_id"],
                "key_result": values["objective"],
                "kr_type": values["objective_type"],
                "aligns_to": values["aligns_to"],
            }
            if rows:
                rows.append(())
            rows.append(tuple(head.get(f) for _, f in GOALS_COLUMNS))
        values["aligns_to"] = None
        rows.append(tuple(values.get(f) for _, f in GOALS_COLUMNS))
    return rows


def _metrics_rows(team: DemoTeam) -> list[DemoRow]:
    rows = []
    for raw in team.kpi_rows:
        values = _as_dict(TEMPLATE.kpis, raw)
        values["direction"] = BETTER_WHEN.get(str(values["direction"]), values["direction"])
        rows.append(tuple(values.get(f) for _, f in METRICS_COLUMNS))
    return rows


def layout_tabs(team: DemoTeam, period: Period = PERIOD) -> tuple[DemoTab, ...]:
    """Every tab of the team's workbook as rows from A1, laid out for its mapping."""
    if team.mapping == "objective-blocks":
        title = f"{team.name} - goals {period.name}"
        goals = (
            (title,),
            ("One block per goal: the goal row, then its key results. Updated on Mondays.",),
            (),
            tuple(h for h, _ in GOALS_COLUMNS),
            *_goals_rows(team),
        )
        metrics = (
            (f"{team.name} metrics",),
            (),
            tuple(h for h, _ in METRICS_COLUMNS),
            *_metrics_rows(team),
        )
        return (DemoTab("Goals", goals), DemoTab("Metrics", metrics), *team.extra_tabs)
    okrs = DemoTab(TEMPLATE.okrs.name, (TEMPLATE.okrs.headers, *team.okr_rows))
    kpis = DemoTab(TEMPLATE.kpis.name, (TEMPLATE.kpis.headers, *team.kpi_rows))
    return (okrs, kpis, *team.extra_tabs)


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "font_color": f"#{HEADER_FONT}", "bg_color": f"#{HEADER_FILL}"}
        )
        self.owned_header = book.add_format(
            {"bold": True, "font_color": f"#{OWNED_FONT}", "bg_color": f"#{OWNED_FILL}"}
        )
        self.owned = book.add_format({"bg_color": f"#{OWNED_FILL}"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})


def _write_value(ws: Worksheet, r: int, c: int, value: DemoValue, fmt: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        ws.write_formula(r, c, value.formula, None, value.value)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt.date)
    elif isinstance(value, str):
        ws.write_string(r, c, value)
    else:
        ws.write_number(r, c, value)


def _template_for(name: str) -> TabTemplate | None:
    return {TEMPLATE.okrs.name: TEMPLATE.okrs, TEMPLATE.kpis.name: TEMPLATE.kpis}.get(name)


def _write_tab(book: xlsxwriter.Workbook, tab: DemoTab, fmt: _Formats) -> None:
    ws = book.add_worksheet(tab.name)
    spec = _template_for(tab.name)
    header_row = next(i for i, row in enumerate(tab.rows) if len(row) > 1)
    owned: set[int] = set()
    for c, header in enumerate(tab.rows[header_row]):
        column = next((col for col in spec.columns if col.header == header), None) if spec else None
        is_owned = column.owned if column else header in BLOCK_OWNED
        if is_owned:
            owned.add(c)
        ws.set_column(c, c, column.width if column else max(10, min(40, len(str(header)) + 4)))
        if column and column.options:
            last = header_row + len(tab.rows) + 50
            ws.data_validation(
                header_row + 1,
                c,
                last,
                c,
                {"validate": "list", "source": list(column.options), "error_type": "warning"},
            )
    ws.freeze_panes(header_row + 1, 0)
    for r, row in enumerate(tab.rows):
        if r < header_row:
            if row:
                ws.write_string(r, 0, str(row[0]), fmt.title if r == 0 else None)
            continue
        for c, value in enumerate(row):
            if r == header_row:
                ws.write_string(r, c, str(value), fmt.owned_header if c in owned else fmt.header)
            elif c in owned and value is None:
                ws.write_blank(r, c, None, fmt.owned)
            else:
                _write_value(ws, r, c, value, fmt)


def write_team_workbook(team: DemoTeam, path: Path, period: Period = PERIOD) -> None:
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    created = dt.datetime.combine(period.start, dt.time())
    properties: dict[str, Any] = {"created": created, "author": COMPANY}
    book.set_properties(properties)
    fmt = _Formats(book)
    for tab in layout_tabs(team, period):
        _write_tab(book, tab, fmt)
    book.close()


@stops.ends_here
def create_demo(
    dir: str | PathLike[str],
    teams: Sequence[DemoTeam] | None = None,
    as_of: dt.date | None = DESIGN_DAY,
) -> Path:
    """Write ``dir/sheets-sync.yaml`` and ``dir/teams/*.xlsx``; returns the config path.

    ``teams`` are dated for the design day (``demo_teams()`` or variants of them): their
    dates move with the period to ``as_of``. The default is the design day, the day every
    test syncs as of; ``sheets-sync demo`` passes today. ``as_of=None`` is today, as for
    every call of the library (it was a TypeError), and a datetime is its calendar day.
    ``dir`` may be a string (a library caller's ``"demo-ws"`` was a TypeError)."""
    as_of = dt.date.today() if as_of is None else as_of_day(as_of)
    dir = path_arg(dir, "dir")
    config = dir / DEFAULT_CONFIG
    if config.exists():
        raise ConfigError(f"{config}: already exists; not overwriting it")
    period = demo_period(as_of)
    chosen = [moved_team(t, as_of) for t in (TEAMS if teams is None else teams)]
    teams_folder(dir)
    for team in chosen:
        write_team_workbook(team, dir / "teams" / team.filename, period)
    entries = [(t.name, f"teams/{t.filename}", t.mapping) for t in chosen]
    config.write_text(render_config(COMPANY, period, entries, COMPANY_OBJECTIVES), encoding="utf-8")
    ensure_gitignore(dir)
    return config
