"""Date-time number format patterns, rendered with Google's documented tokens
(developers.google.com/sheets/api/guides/formats, en_US locale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from sheets_sync.emulator import Emulator
from sheets_sync.emulator.cellvalues import format_number, to_serial

pytestmark = pytest.mark.emulator

# Google's own examples (the guide's "Date and time format examples" table): Tuesday,
# April 5, 2016, 4:08:53.528 PM, and an elapsed time of 3 hours, 13 minutes, 41.255 seconds.
GUIDE_MOMENT = to_serial(dt.datetime(2016, 4, 5, 16, 8, 53)) + 0.528 / 86400
GUIDE_ELAPSED = (3 * 3600 + 13 * 60 + 41.255) / 86400


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("h:mm:ss.00 a/p", "4:08:53.53 p"),
        ('hh:mm A/P".M."', "04:08 P.M."),
        ("yyyy-mm-dd", "2016-04-05"),
        (r"mmmm d \[dddd\]", "April 5 [Tuesday]"),
        ("h PM, ddd mmm dd", "4 PM, Tue Apr 05"),
        ("dddd, m/d/yy at h:mm", "Tuesday, 4/5/16 at 16:08"),
    ],
)
def test_google_guide_examples(pattern: str, expected: str) -> None:
    assert format_number(GUIDE_MOMENT, {"type": "DATE_TIME", "pattern": pattern}) == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("[hh]", "03"), ("[mmmm]", "0193"), ("[ss]", "11621"), ("[h]:mm:ss.000", "3:13:41.255")],
)
def test_google_guide_elapsed_examples(pattern: str, expected: str) -> None:
    assert format_number(GUIDE_ELAPSED, {"type": "TIME", "pattern": pattern}) == expected


# Friday 4 December 2026, 15:07:09
MOMENT = to_serial(dt.datetime(2026, 12, 4, 15, 7, 9))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-mm-dd hh:mm:ss", "2026-12-04 15:07:09"),  # was "2026-12-04 hh:12:09"
        ("yyyy-mm-dd H:mm:ss", "2026-12-04 15:07:09"),  # the pattern USER_ENTERED stores
        ("M/d/yyyy", "12/4/2026"),
        ("yyyy/M/d", "2026/12/4"),
        ("h:mm", "15:07"),  # m right after an hour: minutes
        ("mm:ss", "07:09"),  # m right before seconds: minutes
        ("mm/dd/yy", "12/04/26"),  # otherwise: the month
        ("MM hh", "12 15"),  # M is always the month
        ("h:mm AM/PM", "3:07 PM"),
        ("hh:mm am/pm", "03:07 PM"),  # am/pm is always capitalized
        ("mmmmm", "D"),
        ("yyyy-mm-dd", "2026-12-04"),
    ],
)
def test_date_time_patterns(pattern: str, expected: str) -> None:
    assert format_number(MOMENT, {"type": "DATE_TIME", "pattern": pattern}) == expected


def test_twelve_hour_clock_midnight_and_noon() -> None:
    midnight = to_serial(dt.datetime(2026, 1, 2, 0, 5))
    noon = to_serial(dt.datetime(2026, 1, 2, 12, 5))
    assert format_number(midnight, {"type": "TIME", "pattern": "h:mm AM/PM"}) == "12:05 AM"
    assert format_number(noon, {"type": "TIME", "pattern": "h:mm AM/PM"}) == "12:05 PM"
    assert format_number(midnight, {"type": "TIME", "pattern": "hh:mm"}) == "00:05"


def test_date_time_pattern_through_the_api(emulator: Emulator) -> None:
    key = emulator.create_spreadsheet("t", {"S": [["2026-12-04 10:12:10"]]})
    token = emulator.issue_token()
    body: dict[str, Any] = {
        "requests": [
            {
                "repeatCell": {
                    "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                    "cell": {
                        "userEnteredFormat": {
                            "numberFormat": {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm:ss"}
                        }
                    },
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        ]
    }
    resp = requests.post(
        f"{emulator.url}/v4/spreadsheets/{key}:batchUpdate",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert resp.status_code == 200, resp.text
    assert emulator.values(key, "S!A1") == [["2026-12-04 10:12:10"]]


def test_the_emulators_own_epoch_is_the_products() -> None:
    """The emulator keeps its own day 0 (it imports nothing of the product); the two must
    agree, or dates written by the rollup would read back shifted only in tests."""
    from sheets_sync.domain.values import EXCEL_EPOCH
    from sheets_sync.emulator.cellvalues import EPOCH

    assert dt.datetime.combine(EXCEL_EPOCH, dt.time()) == EPOCH
    assert to_serial(dt.datetime(2026, 11, 15)) == 46341


@pytest.mark.parametrize(
    ("typed", "stored"), [("4.4%", 0.044), ("0.7%", 0.007), ("-12.3%", -0.123), ("45%", 0.45)]
)
def test_a_typed_percentage_is_stored_as_google_stores_it(typed: str, stored: float) -> None:
    """Google stores a typed 4.4% as 0.044, the decimal value rounded once; the emulator
    stored 4.4 / 100, 0.044000000000000004, which no Google sheet holds."""
    from sheets_sync.emulator.cellvalues import parse_user_text

    cell = parse_user_text(typed)
    assert cell is not None
    assert cell["effectiveValue"] == {"numberValue": stored}
    assert cell["userEnteredValue"] == {"numberValue": stored}


def test_a_currency_type_with_no_pattern_shows_its_default() -> None:
    """Google's en_US CURRENCY default is ``$1,000.12``: with no pattern the emulator
    showed 1234.5 as 1234.5 (until 2026-12-07), the dollar lost."""
    assert format_number(1234.5, {"type": "CURRENCY"}) == "$1,234.50"
    assert format_number(-0.5, {"type": "CURRENCY"}) == "-$0.50"


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [("[Red]0%", "150%"), ("[$-409]0.00", "1.50"), ("0.0%;[Red]-0.0%", "150.0%"), ("[Red]0", "2")],
)
def test_a_date_type_with_a_bracket_and_no_date_shows_the_number(pattern: str, shown: str) -> None:
    """A ``[colour]``, ``[condition]`` or ``[$-409]`` under a DATE type is no date element:
    ``_dt_kind`` read any ``[`` as an elapsed time and failed (IndexError, an HTTP 500, until
    2026-12-07) or took ``[Red]``'s d for a day."""
    assert format_number(1.5, {"type": "DATE", "pattern": pattern}) == shown
    assert format_number(1.5, {"type": "DATE", "pattern": "[Red]yyyy-mm-dd"}) == "1899-12-31"


@pytest.mark.parametrize(
    ("pattern", "value", "shown"),
    [("[<1]0%", 1, "1"), ("[<1]0%", 40, "40"), ("[<1]0%", 0.5, "50%"), ("[>1]0%", 1, "1")],
)
def test_a_lone_section_shows_by_its_condition(pattern: str, value: float, shown: str) -> None:
    """A lone section's ``[condition]`` decides, as LibreOffice shows such a code: a value
    that does not meet it is shown as General shows it (until 2026-12-07 by the section,
    1 as 100%, where the reader now reads no percent cell)."""
    assert format_number(value, {"type": "NUMBER", "pattern": pattern}) == shown


@pytest.mark.parametrize(
    ("pattern", "shown"), [("[a[<1]0;0%", "100%"), ("[>1]0[;0%[Red]", "100%"), ("0[;0%", "1")]
)
def test_an_unclosed_bracket_splits_sections_as_the_reader_does(pattern: str, shown: str) -> None:
    """A ``[`` with another before its ``]`` is one character, as ``numfmt`` splits a code:
    ``[a[<1]`` was one bracket (no condition, 1 shown by ``0``) and ``[>1]0[;0%[Red]`` one
    section until 2026-12-07, where the reader judged ``[<1]`` and the ``;``."""
    assert format_number(1, {"type": "NUMBER", "pattern": pattern}) == shown


@pytest.mark.parametrize("value", [1e308, -1e308, 3e6, -700_000])
def test_a_date_past_the_calendar_shows_the_number(value: float) -> None:
    """A serial past year 9999 or before year 1 is shown as General shows the number (a
    documented choice, docs/emulator.md: Google's rendering is not confirmed); it raised
    OverflowError, an HTTP 500, until 2026-12-07."""
    for pattern in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss.000"):
        shown = format_number(value, {"type": "DATE", "pattern": pattern})
        assert float(shown) == value


@pytest.mark.parametrize(
    ("number_format", "shown"),
    [
        ({"type": "CURRENCY", "pattern": '#,##0.00 "EUR"'}, "1,234.50 EUR"),
        ({"type": "CURRENCY", "pattern": '"$"#,##0.00'}, "$1,234.50"),
        ({"type": "CURRENCY", "pattern": "0.0"}, "1234.5"),
        ({"type": "CURRENCY"}, "$1,234.50"),  # no pattern: the type's en_US default
    ],
)
def test_a_currency_type_s_pattern_decides_what_it_shows(
    number_format: dict[str, Any], shown: str
) -> None:
    """Until 2026-12-07 any CURRENCY showed dollars, whatever its pattern."""
    assert format_number(1234.5, number_format) == shown


@pytest.mark.parametrize("kind", ["DATE", "TIME", "DATE_TIME"])
def test_a_nan_in_a_date_cell_shows_as_general_does(kind: str) -> None:
    """NaN (an in-process caller's float) raised ValueError (a 500) until 2026-12-07, as
    a number past year 9999 did not."""
    assert format_number(float("nan"), {"type": kind, "pattern": "yyyy-mm-dd"}) == "nan"
    assert format_number(float("inf"), {"type": kind}) == "inf"
