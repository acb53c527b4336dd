"""Leadership's charts: objective score by team with its bands, KR and KPI status mixes.

Charts read the Summary tab's team table, so what they show is exactly what finance
pivots. The score chart also needs the band edges as cells (constant line series); those
sit in a small, visible data block on the Charts tab next to the charts, whose column A
holds the teams' chart labels (a long name cut), the category labels of every chart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from sheets_sync.domain.rules import ScoringRules
from sheets_sync.domain.scoring import band
from sheets_sync.rollup.cellxml import blank
from sheets_sync.rollup.schema import columns

KR_COLOURS = {
    "Achieved": "#00B050",
    "On track": "#92D050",
    "At risk": "#FFC000",
    "Off track": "#FF0000",
    "No data": "#BFBFBF",
}
KPI_COLOURS = {
    "Green": "#00B050",
    "Amber": "#FFC000",
    "Red": "#FF0000",
    "No data": "#BFBFBF",
    "Stale": "#7F7F7F",
}
BAND_COLOURS = {"green": "#00B050", "yellow": "#FFC000", "red": "#FF0000"}
#: A single team's band dashes (``_band_marker``), by their line's colour: dark shades,
#: visible in a column of any band colour, their own included.
MARKER_COLOURS = {BAND_COLOURS["yellow"]: "#7F6000", BAND_COLOURS["green"]: "#00502A"}
MAX_PIXELS = 8000  # a readable cap; Excel draws 500 teams either way
#: Characters of a team's name a chart shows: a longer label took the charts' room (a
#: 200-character name left the score chart's plot a sliver and the status mixes' bars
#: half their width, their other teams' labels dropped).
LABEL_CHARS = 40


def add_charts(
    workbook: Workbook,
    ws: Worksheet,
    styles: Any,
    *,
    summary: pd.DataFrame,
    header_row: int,
    rules: ScoringRules,
) -> None:
    """Data block in A:D of ``ws`` and three charts beside it."""
    n = len(summary)
    last = header_row + max(1, n)
    names = columns("summary")
    bold = styles(bold=True)
    for c, title in enumerate(("Team", "Average objective score", "Yellow from", "Green from")):
        ws.write_string(0, c, title, bold)
    score_fmt = styles(num_format="0.00")
    points = []
    labels = chart_labels([str(team) for team in summary["Team"]])
    for r, (label, score) in enumerate(
        zip(labels, summary["Average objective score"], strict=True), start=1
    ):
        ws.write_string(r, 0, label)
        shown = None if blank(score) else float(score)  # inf too: a blank, as on the Summary
        if shown is not None:  # (until 2026-12-08 a TypeError, and no rollup)
            ws.write_number(r, 1, shown, score_fmt)
        ws.write_number(r, 2, rules.yellow, score_fmt)
        ws.write_number(r, 3, rules.green, score_fmt)
        colour = _band_colour(shown, rules)
        points.append({"fill": {"color": colour}})
    # the labels whole (at most LABEL_CHARS): at 24, two cut names printed alike
    ws.set_column(0, 0, max(24, max(map(len, labels), default=0) + 1))
    ws.set_column(1, 1, 25)  # the header, "Average objective score", was cut at 12
    ws.set_column(2, 3, 12)
    ws.set_landscape()  # printed at full size, page edges cut every chart in pieces
    ws.fit_to_pages(1, 0)
    rows = max(1, n)

    score = workbook.add_chart({"type": "column"})
    score.add_series(
        {
            "name": "Average objective score",
            "categories": ["Charts", 1, 0, rows, 0],
            "values": ["Charts", 1, 1, rows, 1],
            "points": points,
            "gap": 50,
        }
    )
    bands = workbook.add_chart({"type": "line"})
    for col, label, colour in (
        (2, "Yellow band from", BAND_COLOURS["yellow"]),
        (3, "Green band from", BAND_COLOURS["green"]),
    ):
        bands.add_series(
            {
                "name": f"{label} {rules.yellow if col == 2 else rules.green:g}",
                "categories": ["Charts", 1, 0, rows, 0],
                "values": ["Charts", 1, col, rows, col],
                **_band_line(colour, rows),
            }
        )
    score.combine(bands)
    score.set_title({"name": "Objective score by team"})
    score.set_x_axis({"name": "Team"})
    score.set_y_axis(
        {
            "name": "Average objective score",
            "min": 0,
            "max": 1,
            "major_unit": 0.1,
            "num_format": "0.0",
        }
    )
    # no entry for the columns: a blue swatch for columns drawn green, yellow and red;
    # the axis title names them, the legend the band lines
    score.set_legend({"position": "bottom", "delete_series": [0]})
    score.set_size({"width": min(MAX_PIXELS, max(720, 120 + 24 * n)), "height": 360})
    ws.insert_chart(1, 5, score)

    height = min(MAX_PIXELS, max(320, 90 + 20 * n))
    mixes = (
        ("Key result status mix by team", "KRs", KR_COLOURS, 5),
        ("KPI status mix by team", "KPIs", KPI_COLOURS, 17),
    )
    for title, prefix, colours, col in mixes:
        mix = _mix(
            workbook, title, prefix=prefix, colours=colours, names=names,
            header_row=header_row, last=last,
        )  # fmt: skip
        mix.set_size({"width": 720, "height": height})
        ws.insert_chart(20, col, mix)


def chart_label(team: str) -> str:
    """``team`` as the charts label it: cut to ``LABEL_CHARS`` with ``…`` (the Summary
    and the long tabs keep the name whole)."""
    return team if len(team) <= LABEL_CHARS else team[: LABEL_CHARS - 1].rstrip() + "…"


def chart_labels(teams: Sequence[str]) -> list[str]:
    """Each team's ``chart_label``, told apart where two would be alike: two names sharing
    their first 39 characters were one label twice (two bars nobody could name). A cut
    label that clashes keeps the name's last word (``Ventes EMEA et Amérique du
    Nord…(Paris)``); one still alike (or a name repeated) gets `` (2)``, `` (3)``."""
    labels = [chart_label(team) for team in teams]
    clash = Counter(labels)
    labels = [
        _with_tail(team) if clash[label] > 1 and len(team) > LABEL_CHARS else label
        for team, label in zip(teams, labels, strict=True)
    ]
    taken, seen, unique = Counter(labels), set[str](), []
    for label in labels:
        shown, n = label, 1
        while shown in seen or (shown != label and shown in taken):
            n += 1
            suffix = f" ({n})"
            shown = label[: LABEL_CHARS - len(suffix)].rstrip() + suffix
        seen.add(shown)
        unique.append(shown)
    return unique


def _with_tail(team: str) -> str:
    """``team`` cut in the middle: its start, ``…`` and its last word (at most half)."""
    tail = team.rsplit(maxsplit=1)[-1][-(LABEL_CHARS // 2) :] if team.strip() else ""
    return team[: LABEL_CHARS - 1 - len(tail)].rstrip() + "…" + tail


def _band_line(colour: str, rows: int) -> dict[str, Any]:
    """A band's dashed line in its colour, without markers. For a single team, whose line
    of one point draws nothing (the legend named two lines the chart did not show), a
    wide dash at its height across the team's column instead, in a dark shade of the
    band's colour (``MARKER_COLOURS``): the dash for the team's own band lies in a column
    of that colour, and a yellow team's 0.4 dash, drawn yellow, was invisible. Line and
    marker both: LibreOffice draws a marker in its line's colour (fill and border
    ignored), Excel in its fill; the legend's swatch is then the dash the chart shows."""
    if rows > 1:
        return {
            "line": {"color": colour, "width": 2, "dash_type": "dash"},
            "marker": {"type": "none"},
        }
    dark = MARKER_COLOURS[colour]
    return {
        "line": {"color": dark, "width": 2, "dash_type": "dash"},
        "marker": {"type": "dash", "size": 30, "border": {"color": dark}, "fill": {"color": dark}},
    }


def _band_colour(score: float | None, rules: ScoringRules) -> str:
    """The colour of ``score``'s band, as ``domain.scoring.band`` bands it (a score of
    0.39999999999999997 is yellow, as the Band column says; it was drawn red)."""
    return BAND_COLOURS["red" if score is None else band(score, rules).value]


def _mix(
    workbook: Workbook,
    title: str,
    *,
    prefix: str,
    colours: dict[str, str],
    names: list[str],
    header_row: int,
    last: int,
) -> Any:
    """Stacked horizontal bars: one bar per team, one segment per status (Summary counts)."""
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    for status, colour in colours.items():
        col = names.index(f"{prefix} {status}")
        chart.add_series(
            {
                "name": ["Summary", header_row, col],
                "categories": ["Charts", 1, 0, last - header_row, 0],  # the labels
                "values": ["Summary", header_row + 1, col, last, col],
                "fill": {"color": colour},
                "gap": 40,
            }
        )
    chart.set_title({"name": title})
    chart.set_y_axis({"name": "Team", "reverse": True})  # first team on top, as in the Summary
    chart.set_x_axis({"name": "Key results" if prefix == "KRs" else "KPIs", "num_format": "0"})
    chart.set_legend({"position": "bottom"})
    return chart
