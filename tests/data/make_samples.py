"""Write the sample workbooks of the two alternative mappings (committed next to this file).

Run ``.venv/bin/python tests/data/make_samples.py`` after changing the rows below; the
mapping tests read the committed outputs and hand-computed scores depend on these values.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from sheets_sync.template.xlsx import deterministic_bytes

HERE = Path(__file__).resolve().parent
D = dt.date
Row = list[object]

GOALS_HEADER: Row = [
    "#", "Goal / Key result", "Type", "Aligns to", "Owner", "Baseline", "Goal", "Actual",
    "Unit", "Weight", "Confidence", "Due", "KPI link", "Notes", "Progress", "Status",
    "Sync notes",
]  # fmt: skip
GOALS: list[Row] = [
    ["O1", "Build a brand people talk about", "committed", "C2", "Maria Lopez"],
    ["O1.1", "Grow media mentions from 10 to 30 a month", "number", None, "Maria Lopez",
     10, 30, 22, "mentions", 1, 7, None, None, "PR agency on board since October"],
    ["O1.2", "Raise website conversion rate from 2% to 3%", "number", None, "Tom Berg",
     "2%", "3%", "2.5%", "%", 2, "Medium"],
    ["O1.3", "Launch the new brand site", "milestone", None, "Ana Silva",
     None, None, "done", None, 1, None, D(2026, 11, 15)],
    [],
    ["O2", "Become the go-to voice in our niche", "aspirational", "C1", "Maria Lopez"],
    ["O2.1", "Cut cost per lead from $80 to $50", "number", None, "Tom Berg",
     "$80", "$50", "$65", "$", 1, 6],
    ["O2.2", "Newsletter subscribers at least 5,000", "at_least", None, "Ana Silva",
     None, "5,000", None, "subscribers", 1, 8, None, "M2", "Actual comes from the Metrics tab"],
]  # fmt: skip
METRICS_HEADER: Row = [
    "Ref", "Metric", "Owner", "Kind", "Cadence", "Unit", "Better when", "Goal", "Min", "Max",
    "Amber at", "This period", "Last period", "Updated", "Notes", "Status", "Sync notes",
]  # fmt: skip
METRICS: list[Row] = [
    ["M1", "Customer acquisition cost (CAC)", "Tom Berg", "lagging", "monthly", "$", "down",
     300, None, None, 330, "$320", "$350", D(2026, 11, 15)],
    ["M2", "Newsletter subscribers", "Ana Silva", "leading", "weekly", "subscribers", "up",
     5000, None, None, 4500, 5200, 4900, D(2026, 11, 20)],
    ["M3", "Share of voice", "Maria Lopez", "lagging", "monthly", "%", "between",
     None, "15%", "25%", None, "18%", "16%", D(2026, 11, 2)],
]  # fmt: skip

TRACKER_HEADER: Row = [
    "Obj", "Objective", "Ref", "Key Result", "Lead", "From", "To", "Now", "Unit", "Wt",
    "Conf.", "Deadline", "Notes",
]  # fmt: skip
TRACKER: list[Row] = [
    ["E1", "Ship a platform customers can rely on", "E1.1",
     "Raise uptime from 99.5% to 99.9%", "Sam Okafor", "99.5%", "99.9%", "99.8%", "%", 2,
     "High", D(2026, 12, 31)],
    [None, None, "E1.2", "Cut p95 API latency from 800 ms to 400 ms", "Lee Chen",
     800, 400, 560, "ms", 1, 6],
    [None, None, "E1.3", "Reduce open sev-2 bugs from 40 to 10", "Kim Park",
     40, 10, 31, "bugs", 1, "50%", None, "Bug bash planned for week 48"],
    ["E2", "Make releases boring", "E2.1", "Deploys per week from 1 to 5", "Sam Okafor",
     1, 5, 4, "deploys", 1, "Medium"],
    [None, None, "E2.2", "Lower change failure rate from 20% to 10%", "Lee Chen",
     "20%", "10%", "12%", "%", 1, None, D(2026, 11, 30)],
]  # fmt: skip
TRACKER_MERGES = ("A5:A7", "B5:B7", "A8:A9", "B8:B9")


def _put(ws: Worksheet, first_row: int, rows: list[Row], *, bold: bool = False) -> None:
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if bold:
                cell.font = Font(bold=True)


def objective_blocks() -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Goals"
    ws["A1"] = "Marketing - goals Q4 2026"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Reviewed every Monday by Maria Lopez"
    _put(ws, 4, [GOALS_HEADER], bold=True)
    _put(ws, 5, GOALS)
    for r, row in enumerate(GOALS, start=5):
        if row and row[0] and "." not in str(row[0]):
            for c in range(1, 3):
                ws.cell(row=r, column=c).font = Font(bold=True)
    metrics = wb.create_sheet("Metrics")
    metrics["A1"] = "Marketing metrics"
    _put(metrics, 3, [METRICS_HEADER], bold=True)
    _put(metrics, 4, METRICS)
    return wb


def flat_tracker() -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tracker"
    ws["A1"] = "ENGINEERING OKR TRACKER"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = "Quarter: Q4 2026"
    ws["A3"] = "Last reviewed: 2026-11-16"
    _put(ws, 4, [TRACKER_HEADER], bold=True)
    _put(ws, 5, TRACKER)
    for ref in TRACKER_MERGES:
        ws.merge_cells(ref)
        ws[ref.split(":")[0]].alignment = Alignment(vertical="center", wrap_text=True)
    return wb


def main() -> None:
    (HERE / "objective-blocks.xlsx").write_bytes(deterministic_bytes(objective_blocks()))
    (HERE / "flat-tracker.xlsx").write_bytes(deterministic_bytes(flat_tracker()))


if __name__ == "__main__":
    main()
