"""Property defaults copied from real Google responses (see the recorded cassettes)."""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_ROWS = 1000
DEFAULT_COLUMNS = 26


def _rgb(red: float, green: float, blue: float) -> dict[str, Any]:
    return {"rgbColor": {"red": red, "green": green, "blue": blue}}


_DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": _rgb(1, 1, 1),
}

_THEME: dict[str, Any] = {
    "primaryFontFamily": "Arial",
    "themeColors": [
        {"colorType": "TEXT", "color": {"rgbColor": {}}},
        {"colorType": "BACKGROUND", "color": _rgb(1, 1, 1)},
        {"colorType": "ACCENT1", "color": _rgb(0.25882354, 0.52156866, 0.95686275)},
        {"colorType": "ACCENT2", "color": _rgb(0.91764706, 0.2627451, 0.20784314)},
        {"colorType": "ACCENT3", "color": _rgb(0.9843137, 0.7372549, 0.015686275)},
        {"colorType": "ACCENT4", "color": _rgb(0.20392157, 0.65882355, 0.3254902)},
        {"colorType": "ACCENT5", "color": _rgb(1, 0.42745098, 0.003921569)},
        {"colorType": "ACCENT6", "color": _rgb(0.27450982, 0.7411765, 0.7764706)},
        {"colorType": "LINK", "color": _rgb(0.06666667, 0.33333334, 0.8)},
    ],
}


def spreadsheet_properties(title: str) -> dict[str, Any]:
    """Fresh SpreadsheetProperties exactly as Google returns them for a new file."""
    return {
        "title": title,
        "locale": "en_US",
        "autoRecalc": "ON_CHANGE",
        "timeZone": "Etc/GMT",
        "defaultFormat": copy.deepcopy(_DEFAULT_FORMAT),
        "spreadsheetTheme": copy.deepcopy(_THEME),
    }


def sheet_properties(
    sheet_id: int, title: str, index: int, rows: int = DEFAULT_ROWS, cols: int = DEFAULT_COLUMNS
) -> dict[str, Any]:
    return {
        "sheetId": sheet_id,
        "title": title,
        "index": index,
        "sheetType": "GRID",
        "gridProperties": {"rowCount": rows, "columnCount": cols},
    }
