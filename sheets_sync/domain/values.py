"""Turn what people type into cells into typed values, or say exactly why not.

Spreadsheets hold numbers typed as text ("45%", "$1,200"), placeholders ("n/a", "-"),
dates as dates, serial numbers or ISO text, and error values. Each parser returns the
typed value (None for empty) or raises ``CellValueError`` with a message for the team lead.
Guessing is worse than asking: "€3.5k" or "1,5" is an error, not a number.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import re
from enum import StrEnum
from typing import TypeVar

from sheets_sync.domain.cellerrors import ERROR_DETAIL_CHARS, error_message
from sheets_sync.domain.celltext import (  # re-exported (__all__): their first home
    CELL_CHARS,
    INVISIBLE,
    fit_cell,
    printable,
    utf16_len,
    without_lone_surrogates,
)
from sheets_sync.domain.date_order import Order, digit_date, loose_hint
from sheets_sync.domain.done_words import (  # re-exported (__all__): their first home
    DONE_WORDS,
    NOT_DONE_WORDS,
    done_or_not,
)
from sheets_sync.domain.shown import show_pair
from sheets_sync.grid import CellError, CellValue

__all__ = [
    "CELL_CHARS",
    "CURRENCY",
    "DONE_WORDS",
    "EMPTY_WORDS",
    "EPOCH_1904",
    "ERROR_DETAIL_CHARS",
    "EXCEL_EPOCH",
    "FIRST_DATE",
    "FIRST_DAY_NUMBER",
    "NOT_DONE_WORDS",
    "QUOTED_CHARS",
    "CellValueError",
    "check_error",
    "describe",
    "fit_cell",
    "is_empty",
    "is_percent_text",
    "not_before_first_date",
    "parse_choice",
    "parse_current",
    "parse_date",
    "parse_done",
    "parse_number",
    "parse_text",
    "printable",
    "show_number",
    "utf16_len",
    "without_lone_surrogates",
]

EMPTY_WORDS = frozenset({"", "n/a", "na", "n.a.", "-", "--", "—", "–", "none", "null", "tbd", "?"})
CURRENCY = "$€£¥₹"
#: Day 0 of serial dates in Excel's 1900 system (as Google Sheets) and its 1904 system
#: (``<workbookPr date1904="1"/>``, Mac workbooks).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)
#: The smallest day number read as a date, in either system (see ``parse_date``).
FIRST_DAY_NUMBER = 61
#: The first date read from a cell however typed: Excel has no day number before 1900
#: (it shows ``####``) and counts January-February 1900 a day late.
FIRST_DATE = dt.date(1900, 3, 1)
#: "1,234.5"; a first group of 0 ("0,125") is a decimal comma, not thousands.
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
#: "1.234" and "1.234.567": dots between groups of three, as Germans write thousands.
_DOT_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")
#: The full-width forms of ASCII a Japanese or Chinese IME types ("１２３．５", "４５％"):
#: only these, not all of NFKC, which read "10²" as 102, "①②" as 12 and "⒈5" as 1.5.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
#: The Unicode minus, and the en and figure dashes Word's autocorrect puts for a minus.
_MINUS = str.maketrans("\u2212\u2013\u2012", "---")
#: Digits with spaces between them; the spaces must group thousands ("1 234 567").
_SPACED_DIGITS = re.compile(r"\d[\d ]*\d")
_SPACE_GROUPS = re.compile(r"\d{1,3}( \d{3})+")
_PLAIN = re.compile(r"^\d+(\.\d*)?$|^\.\d+$")
#: Digits with commas (and dots) only: what a decimal comma may have written ("1.234,5");
#: "Q1, Q2" or "=DATE(2026,1,1)" typed as text is no number at all, not an ambiguous one.
_COMMA_DIGITS = re.compile(r"^[\d.,]*\d[\d.,]*$")
_SUFFIX = re.compile(r"^[\d.,]+\s*[kmb]n?$", re.IGNORECASE)


class CellValueError(ValueError):
    """A cell's content cannot be read as the field's type."""


QUOTED_CHARS = 60


def describe(value: CellValue) -> str:
    """A cell's value as a message quotes it: text in quotes (a long one cut, with its
    length), a date as ISO, a number as Excel shows it, a checkbox TRUE or FALSE."""
    if isinstance(value, str):
        if len(value) > QUOTED_CHARS:  # a message quotes a cell, it does not repeat it
            return f'"{printable(value[:QUOTED_CHARS])}..." ({len(value):,} characters)'
        return f'"{printable(value)}"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    if isinstance(value, float):  # as typed: a 12 in a cell reads 12.0, says 12
        return show_number(value)
    return str(value)


def show_number(number: float) -> str:
    """A number in a message as Excel shows it, 15 significant digits (``:g`` kept 6:
    1,234,567 read 1.23457e+06), whole as an integer; two a message compares go through
    ``shown.show_pair`` (``whole=True``), as alone close ones can read the same."""
    return show_pair(number, number, whole=True)[0]


def is_empty(value: CellValue) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and value.strip().lower() in EMPTY_WORDS


def check_error(value: CellValue) -> None:
    """A cell that shows an error value (``#REF!``) is a ``CellValueError`` saying why."""
    if isinstance(value, CellError):
        raise CellValueError(error_message(value))


def parse_number(value: CellValue) -> float | None:
    """Numbers, "45%", "1,234.5", "$1,200", "(300)"; empty words give None."""
    if value is None or (type(value) is float and math.isfinite(value)):
        return value  # hot: a blank or a number, as the checks below read them
    check_error(value)
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellValueError(f"expected a number, got {describe(value)}")
    if isinstance(value, int | float):
        return _finite(value, value)
    if not isinstance(value, str):
        # A date here is a number shown through a date format (Excel, Google; an .ods date
        # cell likewise): 120 in a date-formatted cell reads 1900-04-29. Say so.
        kind = _TIME_KINDS.get(type(value), "date")
        raise CellValueError(
            f"expected a number, got a {kind} ({describe(value)}); "
            f"the cell is formatted as a {kind}: if you meant a number, format it as one"
        )
    return _parse_number_text(value)


def parse_current(value: CellValue) -> float | None:
    """The current value of a key result that counts (not a milestone). A checkbox there
    (TRUE/FALSE, Google's and Excel's) says done or not, which is what a milestone's
    current is: "expected a number" alone left the team lead at the checkbox."""
    if isinstance(value, bool):
        raise CellValueError(
            f"expected a number, got {describe(value)}; a checkbox says done or not, as a "
            "milestone key result does: set its KR type to milestone"
        )
    return parse_number(value)


#: What a cell shows a number as, by the value its format made of it.
_TIME_KINDS: dict[type, str] = {dt.time: "time", dt.timedelta: "duration"}


def _finite(number: float, typed: CellValue) -> float:
    """``number`` as a float, or the error for what no float holds (a text of 400 digits
    became an infinite target, scored 0 without a word)."""
    try:
        result = float(number)
    except OverflowError:  # an int past a float's range
        result = math.inf
    if not math.isfinite(result):
        raise CellValueError(f"expected a finite number, got {describe(typed)}")
    return result


def is_percent_text(value: CellValue) -> bool:
    """Text that ``parse_number`` reads as a percentage ("45%", "45 ％"), so lint treats
    it as a percent cell: a count of 45 deals typed "45%" read 0.45 without a word."""
    return isinstance(value, str) and _plain_text(value).endswith("%")


def _plain_text(raw: str) -> str:
    # Full-width digits and signs ("１２３．５") become ASCII; the no-break, narrow no-break
    # (French) and thin spaces people group thousands with are spaces to ``split``.
    # Zero-width characters come with text pasted from web pages and chats: invisible in
    # the cell and in the message, so "expected a number, got "45"" was all one saw.
    text = raw.translate(_FULL_WIDTH).translate(INVISIBLE)
    return " ".join(text.split()).translate(_MINUS)


def _parse_number_text(raw: str) -> float | None:
    text = plain = _plain_text(raw)
    if text.startswith("'"):  # the apostrophe that forces text in Excel and Google Sheets
        text = text[1:].strip()
    for digits in _SPACED_DIGITS.findall(text):
        if " " in digits and not _SPACE_GROUPS.fullmatch(digits):
            raise CellValueError(f"expected a number, got {describe(raw)}")
    text = text.replace(" ", "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    # a sign by itself, not ``text[:1] in "+-"``: "" is in every string, and "$", "()"
    # or "'" left nothing here (IndexError, the team's "internal error", until 2026-12-06)
    if text[:1] in ("+", "-"):
        negative ^= text[0] == "-"
        text = text[1:]
    text = text.strip(CURRENCY)
    if text[:1] in ("+", "-"):  # "$-5"
        negative ^= text[0] == "-"
        text = text[1:]
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if _SUFFIX.match(text):
        raise CellValueError(f"{describe(raw)} uses a k/M/bn suffix; type the full number instead")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _DOT_THOUSANDS.match(text):
        raise CellValueError(_dot_thousands(raw, text))
    elif "," in text and _COMMA_DIGITS.match(text):
        raise CellValueError(f"{describe(raw)} is ambiguous (decimal comma?); type it like 1234.5")
    if not _PLAIN.match(text):
        if plain.lower() in EMPTY_WORDS:  # "\u200b" alone, "n/a\u200b": invisible characters
            return None  # pasted with an empty word (each was "expected a number", unseen)
        raise CellValueError(f"expected a number, got {describe(raw)}")
    # a percentage is its decimal value rounded once ("4.4%" is 0.044): 4.4 / 100 rounds
    # twice and gave 0.044000000000000004, which exports and messages showed
    number = _finite(float(text + "e-2" if percent else text), raw)
    return -number if negative else number


def _dot_thousands(raw: str, text: str) -> str:
    """Why "1.234" typed as text is refused: in a European office it is 1234, in the rest
    of the world 1.234, and reading the wrong one is off by a factor of 1,000."""
    if text.count(".") > 1:
        plain = text.replace(".", "")
        return f"{describe(raw)} uses dots as thousands separators; type it like {plain}"
    return (
        f"{describe(raw)} is ambiguous (thousands dot or decimal point?); "
        "type it as a number in a cell not formatted as text"
    )


def parse_date(
    value: CellValue, epoch: dt.date = EXCEL_EPOCH, day_first: Order = None
) -> dt.date | None:
    """Dates, datetimes, serial numbers (days since ``epoch``: ``EPOCH_1904`` in a Mac
    workbook) and text with the month in letters or in year-month-day order. Day and
    month in digits are read when they are a day only one way round (31/03/2026,
    3/31/2026) or the same day both ways (05/05/2026); one that could be either
    (03/04/2026) is refused, as a guess would be a silent wrong date, unless ``day_first``
    gives the order, as the column's other dates show it (``date_order.column_evidence``;
    its ``Mixed`` reads none of those, and names a cell of each order)."""
    check_error(value)
    if is_empty(value) or (isinstance(value, str) and is_empty(value.translate(INVISIBLE))):
        return None  # "\u200b" alone, "n/a\u200b": zero-width characters pasted with it
    return not_before_first_date(_parse_date(value, epoch, day_first))


_DAY_SHAPE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def no_such_day(text: str) -> str | None:
    """Why ``text``, in a date's YYYY-MM-DD shape, is no day (``2026-02-30``): "is no day of
    the calendar". None for a day and for text of another shape (``23/11/2026``: what is
    wrong with it is its shape). One wording for the workspace file and ``--as-of``."""
    text = text.strip()
    if not _DAY_SHAPE.fullmatch(text):
        return None
    year, month, day = map(int, text.split("-"))
    try:
        dt.date(year, month, day)
    except ValueError:
        leap = year >= 1 and month == 2 and day == 29  # 2026-02-29
        return "is no day of the calendar" + (f" ({year} is no leap year)" if leap else "")
    return None


def not_before_first_date(day: dt.date) -> dt.date:
    """``day``, refused before ``FIRST_DATE``: a typo (1850 for 2025) no workbook shows."""
    if day >= FIRST_DATE:
        return day
    late = "Excel shows none before 1900 and January-February 1900 a day late"
    raise CellValueError(f"expected a date on or after {FIRST_DATE}, got {day} ({late})")


def _parse_date(value: CellValue, epoch: dt.date, day_first: Order) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellValueError(f"expected a date, got {describe(value)}")
    if isinstance(value, int | float):
        # One rule in every system: a day number below 61 is no date anyone meant. Excel's
        # 1900 system counts a 29 Feb 1900 that never was (serial 60), so its serials below
        # 61 are a day off; in a Mac workbook they would be January-February 1904. Nor may
        # any epoch (an .ods null date) land a number before 1 March 1900.
        low = max(FIRST_DAY_NUMBER, (FIRST_DATE - epoch).days)
        if not low <= value < (dt.date(9999, 12, 31) - epoch).days + 1:
            raise CellValueError(f"expected a date, got the number {describe(value)}")
        return epoch + dt.timedelta(days=int(value))
    if isinstance(value, str):
        text = value.translate(INVISIBLE).strip()
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y"):
            try:
                return dt.datetime.strptime(text.replace(",", ""), fmt).date()
            except ValueError:
                continue
        if _STAMP.match(text):  # an ISO timestamp pasted as text: its own calendar date
            with contextlib.suppress(ValueError):
                return dt.datetime.fromisoformat(text).date()
        read = digit_date(text, day_first)
        read = loose_hint(text, day_first) if read is None else read
        if isinstance(read, dt.date):
            return read
        raise CellValueError(f"expected a date like 2026-12-31, got {describe(value)}{read or ''}")
    raise CellValueError(f"expected a date, got {describe(value)}")


_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def parse_text(value: CellValue) -> str | None:
    """Any cell as text; numbers keep their digits (12.0 -> "12"); a lone surrogate is
    U+FFFD, the character a UTF-16 decoder shows for it. Not rounded as ``shown`` rounds:
    IDs are read so (distinct 1234567890123456.8 and ...457 would be one)."""
    if isinstance(value, str):  # hot (most cells read as text): a str is no CellError
        text = value.strip()
        if not text.isascii():  # an ASCII text holds no surrogate: not searched for one
            text = without_lone_surrogates(text)
        return fit_cell(text) or None
    check_error(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def parse_done(value: CellValue) -> float | None:
    """A milestone's current: done (1.0), not done (0.0), or no data (None)."""
    check_error(value)
    if isinstance(value, str):  # zero-width characters pasted with it: "\u200b" is blank
        value = value.translate(INVISIBLE)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        if value in (0, 1):
            return float(value)
        raise CellValueError(
            f"a milestone is done (1, yes, x) or not (0, no), got {describe(value)}"
        )
    text = str(value).strip().lower()
    if text in EMPTY_WORDS:
        return None
    done = done_or_not(text)
    if done is None:
        raise CellValueError(
            f"a milestone is done (yes, done, x) or not (no), got {describe(value)}"
        )
    return done


E = TypeVar("E", bound=StrEnum)


def parse_choice(
    value: CellValue,
    enum: type[E],
    aliases: dict[str, E] | None = None,
    default: E | None = None,
    refused: dict[str, str] | None = None,
) -> E | None:
    """One of an enum's values, forgiving case, spaces, dashes, a trailing "." and known
    synonyms; ``refused``: keys that mean two things or none of the choices, each with the
    error's words after the value (why, and what to type)."""
    check_error(value)
    if is_empty(value):
        return default
    key = _choice_key(str(value))
    member: E | None = _choices(enum).get(key)
    if member is not None:
        return member
    if aliases and key in aliases:
        return aliases[key]
    if refused and key in refused:
        raise CellValueError(f"{describe(value)} {refused[key]}")
    allowed = ", ".join(m.value for m in enum)
    raise CellValueError(f"{describe(value)} is not one of: {allowed}")


@functools.lru_cache(maxsize=4096)
def _choice_key(text: str) -> str:
    """ "On Track", "on-track", " ON_TRACK " and "On track." are one key, with any dash
    between words (the non-breaking hyphen and the en dash a word processor puts in
    "Bi-weekly"); cached: a few values repeat in every row of every team."""
    text = text.translate(INVISIBLE)  # "Bi-weekly\u200b" pasted from a chat
    return _CHOICE_JOINS.sub("_", text.strip().rstrip(".").strip().lower())


#: Spaces, hyphens and dashes between the words of a choice: "_" in its key. U+2010 to
#: U+2014 (hyphen, non-breaking hyphen, figure, en and em dash), the minus sign, and the
#: small and full-width hyphen-minus.
_CHOICE_JOINS = re.compile(r"[\s\-\u2010-\u2014\u2212\ufe63\uff0d]+")


@functools.lru_cache(maxsize=64)
def _choices(enum: type[E]) -> dict[str, E]:
    """Each member by its key; the first member wins a key two of them share."""
    found: dict[str, E] = {}
    for member in enum:
        found.setdefault(member.value.replace(" ", "_").lower(), member)
    return found
