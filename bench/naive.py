"""What a user would write instead of sheets-sync: openpyxl + pandas, simply and honestly.

Per team: open the workbook twice with openpyxl (once ``data_only=True`` for the cached
values of formula cells, once normally so the save keeps the formulas: a single
``data_only`` load would save the formulas away, a single normal load gives formula text
instead of numbers), compute scores and KPI statuses, write the owned cells with status
colours, save. Then ``pd.concat`` every team's rows and ``to_excel`` one company workbook.
It has no change detection, so a "no-op" night costs the same as a full one.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.styles import PatternFill

from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS

FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "grey": PatternFill("solid", fgColor="D9D9D9"),
}
OKR_HEAD = [h for _, h in OKR_FIELDS]
KPI_HEAD = [h for _, h in KPI_FIELDS]


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    return None


def score_kr(row: dict[str, Any], elapsed: float) -> tuple[float | None, float, str]:
    expected = elapsed * (0.7 if row.get("Objective type") == "aspirational" else 1.0)
    kind = str(row.get("KR type") or "number").lower()
    current = row.get("Current")
    if kind == "milestone":
        score = 1.0 if str(current).strip().lower() in ("done", "yes", "x") else 0.0
    else:
        start, target, cur = _num(row.get("Start")) or 0.0, _num(row.get("Target")), _num(current)
        if target is None or cur is None or target == start:
            return None, expected, "No data"
        score = min(1.0, max(0.0, (cur - start) / (target - start)))
    if score >= 1.0:
        status = "Achieved"
    elif score >= expected - 0.10:
        status = "On track"
    elif score >= expected - 0.25:
        status = "At risk"
    else:
        status = "Off track"
    return score, expected, status


def kpi_status(row: dict[str, Any]) -> tuple[str, float | None, str]:
    actual, prev = _num(row.get("Actual")), _num(row.get("Previous"))
    direction = str(row.get("Direction") or "higher").lower()
    if actual is None:
        return "No data", None, ""
    if direction == "range":
        lo, hi = _num(row.get("Lower")), _num(row.get("Upper"))
        if lo is None or hi is None:
            return "No data", None, ""
        variance = 0.0 if lo <= actual <= hi else (actual - lo if actual < lo else actual - hi)
        ok = variance == 0
        near = abs(variance) <= 0.1 * (hi - lo or 1)
    else:
        target = _num(row.get("Target"))
        if not target:
            return "No data", None, ""
        variance = (actual - target) / abs(target)
        ok = variance >= 0 if direction == "higher" else variance <= 0
        near = abs(variance) <= 0.10
    status = "Green" if ok else "Amber" if near else "Red"
    trend = "" if prev is None else "Flat" if actual == prev else "Up" if actual > prev else "Down"
    return status, variance, trend


def _rows(ws: Any, headers: list[str]) -> list[tuple[int, dict[str, Any]]]:
    it = ws.iter_rows(values_only=True)
    head = [str(h) if h is not None else "" for h in next(it)]
    out = []
    for r, values in enumerate(it, start=2):
        if not any(v is not None for v in values):
            continue
        out.append((r, dict(zip(head, values, strict=False))))
    return out


def sync_team(
    path: Path, as_of: dt.date, start: dt.date, end: dt.date, t: dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    t0 = time.perf_counter()
    values = openpyxl.load_workbook(path, data_only=True)
    t1 = time.perf_counter()
    wb = openpyxl.load_workbook(path)
    t2 = time.perf_counter()
    elapsed = min(1.0, max(0.0, (as_of - start).days / max((end - start).days, 1)))
    team = path.stem
    okr_col = {h: i + 1 for i, h in enumerate(OKR_HEAD)}
    kpi_col = {h: i + 1 for i, h in enumerate(KPI_HEAD)}
    krs, kpis = [], []
    ws = wb["OKRs"]
    objective = None
    for r, row in _rows(values["OKRs"], OKR_HEAD):
        objective = row.get("Objective") or objective
        score, expected, status = score_kr(row, elapsed)
        ws.cell(r, okr_col["Score"], score)
        ws.cell(r, okr_col["Expected"], round(expected, 4))
        cell = ws.cell(r, okr_col["Status"], status)
        cell.fill = FILLS[
            {"Achieved": "green", "On track": "green", "At risk": "amber"}.get(status, "red")
        ]
        krs.append({**row, "Team": team, "Objective": objective, "Score": score,
                    "Expected": expected, "Status": status})  # fmt: skip
    ws = wb["KPIs"]
    for r, row in _rows(values["KPIs"], KPI_HEAD):
        status, variance, trend = kpi_status(row)
        cell = ws.cell(r, kpi_col["Status"], status)
        cell.fill = FILLS[{"Green": "green", "Amber": "amber", "Red": "red"}.get(status, "grey")]
        ws.cell(r, kpi_col["Variance"], variance)
        ws.cell(r, kpi_col["Trend"], trend)
        kpis.append({**row, "Team": team, "Status": status, "Variance": variance})
    t3 = time.perf_counter()
    wb.save(path)
    t4 = time.perf_counter()
    for key, dt_ in (("load_values", t1 - t0), ("load_edit", t2 - t1), ("score_write", t3 - t2),
                     ("save", t4 - t3)):  # fmt: skip
        t[key] = t.get(key, 0.0) + dt_
    return pd.DataFrame(krs), pd.DataFrame(kpis)


def run_naive(
    folder: Path, out: Path, as_of: dt.date, start: dt.date, end: dt.date
) -> dict[str, float]:
    """Sync every ``*.xlsx`` in ``folder`` the naive way; return seconds per phase."""
    timings: dict[str, float] = {}
    kr_frames, kpi_frames = [], []
    for path in sorted(folder.glob("*.xlsx")):
        krs, kpis = sync_team(path, as_of, start, end, timings)
        kr_frames.append(krs)
        kpi_frames.append(kpis)
    t0 = time.perf_counter()
    all_krs = pd.concat(kr_frames, ignore_index=True)
    all_kpis = pd.concat(kpi_frames, ignore_index=True)
    summary = all_krs.groupby("Team", as_index=False).agg(
        score=("Score", "mean"), krs=("KR ID", "count")
    )
    with pd.ExcelWriter(out) as writer:
        summary.to_excel(writer, sheet_name="Summary", index=False)
        all_krs.to_excel(writer, sheet_name="Key results", index=False)
        all_kpis.to_excel(writer, sheet_name="KPIs", index=False)
    timings["rollup"] = time.perf_counter() - t0
    return timings
