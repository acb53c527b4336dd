"""The workbook's looks: shared cell formats, number formats by unit, conditional fills.

Split from ``workbook.py`` (which lays the tabs out) so that file has room to grow; the
fills here are what finance sees, not what it pivots: no value depends on them.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheets_sync.domain.rules import EPSILON, ScoringRules
from sheets_sync.domain.units import is_percent_unit
from sheets_sync.rollup.schema import Column

GOOD = {"bg_color": "#C6EFCE", "font_color": "#006100"}
NEUTRAL = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
BAD = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
GREY = {"bg_color": "#D9D9D9", "font_color": "#000000"}
# Status words of KRs, objectives, KPIs, bands and outcomes -> Excel's Good/Neutral/Bad.
STATUS_FILLS = {
    "Achieved": GOOD, "On track": GOOD, "Green": GOOD, "ok": GOOD, "unchanged": GOOD,
    "At risk": NEUTRAL, "Amber": NEUTRAL, "conflicted": NEUTRAL, "skipped-locked": NEUTRAL,
    "Off track": BAD, "Red": BAD, "failed": BAD,
    "No data": GREY, "Stale": GREY,
}  # fmt: skip
BAND_FILLS = (("green", GOOD), ("yellow", NEUTRAL), ("red", BAD))  # score bands, after those
STATUS_COLUMNS = {"Status", "Band", "Last status", "Outcome"}
SCORE_COLUMNS = {"Score", "Average objective score"}
COUNT_FILLS = {
    "KRs Achieved": GOOD, "KRs On track": GOOD, "KRs At risk": NEUTRAL, "KRs Off track": BAD,
    "KRs No data": GREY, "KPIs Green": GOOD, "KPIs Amber": NEUTRAL, "KPIs Red": BAD,
    "KPIs No data": GREY, "KPIs Stale": GREY, "Errors": BAD, "Warnings": NEUTRAL,
}  # fmt: skip
CURRENCIES = {"$": "$", "€": "€", "£": "£", "¥": "¥", "₹": "₹", "USD": "$", "EUR": "€"}
CURRENCIES |= {"GBP": "£", "JPY": "¥", "INR": "₹"}


class Styles:
    """xlsxwriter formats are workbook-global; make each distinct one once."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(props)
        return self._cache[key]


def unit_format(unit: object) -> str:
    """Per-row number format of a value column: % as percent, currency codes as money."""
    if is_percent_unit(unit):  # "%", "percent", "pct", ...
        return "0.0%"
    text = unit.strip() if isinstance(unit, str) else ""
    symbol = CURRENCIES.get(text.upper()) or CURRENCIES.get(text)
    return f'"{symbol}"#,##0.00' if symbol else "General"


def colour(ws: Worksheet, styles: Styles, spec: tuple[Column, ...], first: int, last: int) -> None:
    """Conditional fills: status words, score bands, and counts worth a look."""
    for c, col in enumerate(spec):
        if col.name in STATUS_COLUMNS:
            for word, fill in (*STATUS_FILLS.items(), *BAND_FILLS):
                ws.conditional_format(
                    first,
                    c,
                    last,
                    c,
                    {
                        "type": "cell",
                        "criteria": "==",
                        "value": f'"{word}"',
                        "format": styles(**fill),
                    },
                )
        elif col.name in COUNT_FILLS:
            ws.conditional_format(
                first,
                c,
                last,
                c,
                {
                    "type": "cell",
                    "criteria": ">",
                    "value": 0,
                    "format": styles(**COUNT_FILLS[col.name]),
                },
            )
        elif col.name in {"Stale data", "Includes stale data"}:
            ws.conditional_format(
                first,
                c,
                last,
                c,
                {"type": "cell", "criteria": "==", "value": "TRUE", "format": styles(**GREY)},
            )


def colour_scores(
    ws: Worksheet,
    styles: Styles,
    col: int,
    *,
    first: int,
    last: int,
    green: float,
    yellow: float,
) -> None:
    """Band fills on a score column, rows ``first..last`` (0-based); blanks stay blank.
    Compared as ``domain.scoring.band`` compares (``score + EPSILON >= threshold``), so a
    cell is filled as its row's Band says: 0% -> 10% at 4% scores 0.39999999999999997,
    band yellow, and was filled red."""
    ref = f"{xl_col_to_name(col)}{first + 1}"  # relative: Excel shifts it down the range
    near = f"{ref}+{EPSILON:.0E}"  # 1E-09
    rules = (
        (f"AND(ISNUMBER({ref}),{near}>={green})", GOOD),
        (f"AND(ISNUMBER({ref}),{near}>={yellow},{near}<{green})", NEUTRAL),
        (f"AND(ISNUMBER({ref}),{near}<{yellow})", BAD),
    )
    for formula, fill in rules:
        ws.conditional_format(
            first,
            col,
            last,
            col,
            {"type": "formula", "criteria": "=" + formula, "format": styles(**fill)},
        )


def score_ranges(
    ws: Worksheet,
    styles: Styles,
    rules: ScoringRules,
    *,
    spec: tuple[Column, ...],
    first: int,
    last: int,
) -> None:
    """Band fills on every score column of ``spec``."""
    for c, col in enumerate(spec):
        if col.name in SCORE_COLUMNS:
            colour_scores(
                ws, styles, c, first=first, last=last, green=rules.green, yellow=rules.yellow
            )
