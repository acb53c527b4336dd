"""How a number shows under a number pattern or as General (Google's automatic format),
in the en_US locale: apart from ``cellvalues``, which turns input into cells and shows
dates, so that neither grows past what one reader can hold."""

from __future__ import annotations

import decimal
import math
import operator
import re

#: room for every digit of a double shown to 10 places (General) or as 6 digits
_WIDE = decimal.Context(prec=800, rounding=decimal.ROUND_HALF_UP)


def _room(value: decimal.Decimal, decimals: int) -> decimal.Context:
    """A context with a digit for each one ``value`` shows to ``decimals`` places: a fixed
    800 overflowed on a pattern's 900 places, or 500 on 1e308, and the request failed
    with a 500 (until a review on 2026-12-08)."""
    return decimal.Context(
        prec=max(_WIDE.prec, value.adjusted() + decimals + 3), rounding=decimal.ROUND_HALF_UP
    )


def decimal_of(value: float) -> decimal.Decimal:
    """The double as Google (and Excel) round it for display: its decimal to 15
    significant digits, so 2.675 (2.67499999999999982...) is 2.675 and shows as 2.68; a
    half at the 16th digit away from zero, as LibreOffice rounds it (100000000000002.5 is
    100000000000003; Python's ``.15g`` made it ...002, half to even, until a review on
    2026-12-08)."""
    exact = decimal.Decimal(value)
    if exact.is_zero() or not exact.is_finite():
        return exact
    return exact.quantize(decimal.Decimal(1).scaleb(exact.adjusted() - 14), context=_WIDE)


def general_format(value: float) -> str:
    """A number as General (Google's automatic format) shows it: its 15-significant-digit
    decimal to at most 10 places, a half away from zero (0.1 + 0.2 shows 0.3); one of
    1e15 or more, or below 1e-9 (5.55e-17, 1.5e-10), in scientific form to 6 significant
    digits, as ``_scientific`` writes it. Where these come from: 10 places fits the one
    recorded Google number with many places (0.0009765625, gspread's cassettes); 1e-9 is
    where LibreOffice's General turns scientific (probed in soffice: 1e-9 shows
    0.000000001, 9.9e-10 9.9E-10), so no number loses its digits to the 10 places; 1e15
    (past 15 digits) and the 6 digits are a choice, as Excel shows a default-width
    General cell (1.23457E+15). None is confirmed at Google, and this is neither
    LibreOffice's General (0.00048828125 and 1234567890123456 whole) nor Excel's. Until
    2026-12-08 every digit of 1e308 was shown, and 1e-11 as 0; until a review on
    2026-12-08 5e-11 as 0.0000000001."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    value = float(value)
    if not math.isfinite(value):
        return f"{value}"  # an in-process caller's NaN or infinity, as Python writes it
    if value == 0:
        return "0"
    if not 1e-9 <= abs(value) < 1e15:
        return _scientific(value)
    places = decimal_of(value).quantize(decimal.Decimal("1e-10"), context=_WIDE)
    text = f"{places:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _scientific(value: float) -> str:
    """``value`` as General writes a large or small number: 6 significant digits, a half
    rounded away from zero, no trailing zeros, and a signed exponent of at least two
    digits (1E+308, 1.23457E+15, 5.55112E-17), a choice (see ``general_format``):
    Google's rule is not in its guide or the recorded traffic."""
    number = decimal_of(abs(value))
    exponent = number.adjusted()
    mantissa = number.scaleb(-exponent).quantize(decimal.Decimal("1e-5"), context=_WIDE)
    if mantissa >= 10:  # 9.999995 rounds up to 10.00000
        mantissa, exponent = mantissa.scaleb(-1), exponent + 1
    digits = f"{mantissa:f}".rstrip("0").rstrip(".")
    sign = "-" if value < 0 else ""
    return f"{sign}{digits}E{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def fixed(value: float | decimal.Decimal, decimals: int, thousands: bool = False) -> str:
    """``value`` to ``decimals`` places, a half rounded away from zero as Google rounds it
    (0.5 shows 1, 2.5 shows 3, -2.5 shows -3); Python's ``f"{v:.0f}"`` rounded half to
    even, on the binary double (until 2026-12-08: 0.5 showed 0, 2.675 as 2.67). A NaN or
    infinity shows as Python writes it, as General shows it."""
    if not isinstance(value, decimal.Decimal):  # a float, or an in-process caller's int
        value = float(value)
        if not math.isfinite(value):
            return f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
        value = decimal_of(value)
    rounded = value.quantize(decimal.Decimal(1).scaleb(-decimals), context=_room(value, decimals))
    if rounded.is_zero():  # -0.001 to 2 places: 0.00, as Excel and LibreOffice show it
        rounded = rounded.copy_abs()
    return f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"


def grouped(value: float, decimals: int) -> str:
    return fixed(value, decimals, thousands=True)


def percent(value: float) -> str:
    """A PERCENT type's en_US default with no pattern: whole percents (0.125 shows 13%)."""
    if not math.isfinite(value):
        return f"{value * 100:.0f}%"
    return f"{fixed(decimal_of(value).scaleb(2), 0)}%"


def format_pattern(value: float, pattern: str) -> str:
    """``value`` under a number ``pattern`` (no date or time element)."""
    tokens, signed = _number_section(pattern, value)
    if tokens is None:
        return general_format(value if signed else abs(value))
    runs = [i for i, t in enumerate(tokens) if _PLACES.match(t)]
    digits = tokens[runs[0]] if runs else ""
    decimals = sum(c in "0#?" for c in digits.partition(".")[2])
    # a negative shown by a section that is not its own (``signed``) has its minus before
    # the whole text, as Google and Excel put it: ``"$"0.00`` and ``\$0.00`` show -5 as
    # -$5.00 (until 2026-12-08 $-5.00, the sign at the digits, but for a pattern starting
    # with ``"$"``, which alone was read as dollars); its own section shows none of it
    sign = "-" if value < 0 and signed else ""
    size = abs(float(value))
    number: float | decimal.Decimal = size
    # a pattern decides, and by its bare ``%`` only: ``0\%``, ``0"%"`` show 1 as "1%" (the
    # guide: ``\`` and quotes make a literal); by ``endswith("%")`` they showed 100% until
    # 2026-12-07, which the reader and Google count as no percentage
    # each ``,`` after the last digit place divides by 1,000, as the guide, Excel and
    # LibreOffice have it (``0.0,,"M"`` shows 1500000 as 1.5M; until a review on
    # 2026-12-08 1,500,000.0M); one between places groups the thousands
    scaled = len(digits) - len(digits.rstrip(","))
    shift = (2 if "%" in tokens else 0) - 3 * scaled
    if shift:
        number = decimal_of(size).scaleb(shift) if math.isfinite(size) else size * 10**shift
    shown = fixed(number, decimals, thousands="," in digits.rstrip(","))
    if math.isfinite(size) and not any(c in "123456789" for c in shown):  # 0.00, 0%: no
        sign = ""  # minus, as Excel and LibreOffice show it (until 2026-12-08 -0.00, -0%)
    if math.isfinite(size):
        shown = _placed(shown, digits)
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i in runs:  # the number, shown once (at the first run of digit places)
            out.append(shown if i == runs[0] else "")
        else:
            out.append(_literal(token))
    return sign + "".join(out)


def _placed(shown: str, digits: str) -> str:
    """``shown`` fitted to the pattern's digit places: a ``0`` is a digit always shown, a
    ``?`` a digit or a space, a ``#`` a digit or nothing, as the guide and LibreOffice
    have them. So the accounting zero ``_($* "-"??_)`` shows 0 as `` $-   ``, ``#.00``
    0.5 as ``.50``, ``0000`` 5 as ``0005``, ``0.0#`` 1.5 as ``1.5``; until a review on
    2026-12-08 every place was a ``0`` (`` $-0 ``) and no ``0`` padded (``5``). A grouped
    pattern (``0,000``) is not padded with zeros."""
    places, _, fraction = digits.partition(".")
    places = places.replace(",", "")
    fraction = "".join(c for c in fraction if c in "0#?")
    whole, point, decimals = shown.partition(".")
    if whole == "0" and "0" not in places:
        whole = ""  # no digit of its own: the places alone show it
    missing = places[: max(0, len(places) - sum(c.isdigit() for c in whole))]
    if "," in digits.partition(".")[0] and "0" in missing:
        missing = missing.replace("0", "")
    pad = "".join("0" if c == "0" else " " if c == "?" else "" for c in missing)
    kept = list(decimals)
    for at in range(len(kept) - 1, -1, -1):  # trailing zeros under # or ?, from the end
        if kept[at] != "0" or fraction[at] == "0":
            break
        kept[at] = "" if fraction[at] == "#" else " "
    rest = "".join(kept)
    return pad + whole + (point if rest else "") + rest  # ``#.##``: 1, as LibreOffice


def format_text(text: str, pattern: str | None) -> str:
    """A text value under a pattern: its text section's, ``@`` the text (``0;0;0;"n/a: "@``
    shows "x" as "n/a: x", ``0.0;"T: "@`` as "T: x", ``@`` as "x"), as the guide's
    ``[POSITIVE];[NEGATIVE];[ZERO];[TEXT]`` has it and LibreOffice shows it; with none,
    the text itself (until 2026-12-08 always the text)."""
    sections = _split(pattern or "")
    at = _text_index(sections)
    if at is None:
        return text
    return "".join(text if token == "@" else _literal(token) for token in sections[at])


def _text_index(sections: list[list[str]]) -> int | None:
    """Which section shows text: the first holding ``@`` (the text itself) wherever it
    sits, as LibreOffice and Excel read ``###0.000;"TEXT: "_(@_)`` (the guide's example),
    else a fourth; a section with ``@`` shows no number (until 2026-12-08 it did: -5
    under that pattern showed ``TEXT:  @ ``, and a number under a TEXT ``@`` cell ``@``)."""
    at = next((i for i, part in enumerate(sections) if "@" in part), None)
    return 3 if at is None and len(sections) > 3 else at


def _number_sections(pattern: str) -> list[list[str]]:
    """The sections that show numbers: the first three but the text section; none for
    ``@`` alone, whose numbers show as General shows them."""
    sections = _split(pattern)
    at = _text_index(sections)
    return [part for i, part in enumerate(sections) if i != at][:3]


def _literal(token: str) -> str:
    """What a token other than digit places shows: quoted text, an escaped character, a
    space for ``_x``; nothing for a fill (``*x``), a ``[colour]`` or ``[condition]``."""
    if token[0] == '"':
        return token[1:-1]
    if token[0] == "\\":
        return token[1:]
    if token[0] == "_":
        return " "
    return "" if token[0] in "*[" else token


#: a number pattern's tokens, by Google's guide (developers.google.com/sheets/api/guides/
#: formats): quoted text, a ``\``-escaped character, ``_`` or ``*`` and the character after
#: it, a ``[colour]`` or ``[condition]`` (none nested: a ``[`` with another before its ``]``
#: is one character, as ``numfmt`` splits sections; until 2026-12-07 ``[a[<1]`` was one
#: bracket and ``0[;0%[Red]`` one section), a run of digit places, or one other character
_NUMBER_TOKEN = re.compile(r'"[^"]*"|\\.|[_*].|\[[^\]\[]*\]|\.?[0#?][0#?,.]*|.', re.DOTALL)
_PLACES = re.compile(r"\.?[0#?]")
#: a ``[condition]``, its number read one way only (``\d+\.?\d*`` split a digit run
#: every way it could: a 16,000-digit condition took 5 s, until 2026-12-07)
_CONDITION = re.compile(
    r"\[\s*(<=|>=|<>|<|>|=)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*\]"
)
_HOLDS = {
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
    "<=": operator.le,
    ">=": operator.ge,
    "<>": operator.ne,
}


def _split(pattern: str) -> list[list[str]]:
    """``pattern``'s tokens, by section (the parts between ``;`` outside literals)."""
    sections: list[list[str]] = [[]]
    for token in _NUMBER_TOKEN.findall(pattern):
        if token == ";":
            sections.append([])
        else:
            sections[-1].append(token)
    return sections


def _number_section(pattern: str, value: float) -> tuple[list[str] | None, bool]:
    """The tokens of the section that shows ``value``, and whether a negative one is shown
    with its minus (``signed``), by the guide's ``[POSITIVE];[NEGATIVE];[ZERO];[TEXT]``:
    one section shows every number, a negative with its minus; a second shows a negative
    with none of its own (``0;(0)`` shows -5 as (5)); a third shows zero (``0;(0);"-"``
    shows 0 as -). A pattern with a ``[condition]`` in its number sections shows each
    number by the first section whose condition it meets, else the first with none after
    those (``section_tokens``), a negative with its minus by the first section alone
    (see below). Until 2026-12-08 zero and negative numbers took the first section, with
    the minus."""
    if value > 0:
        return section_tokens(pattern, value), False
    numbers = _number_sections(pattern)
    if not numbers:
        return None, True
    conditions = [
        next((m for t in part if (m := _CONDITION.fullmatch(t))), None) for part in numbers
    ]
    if any(conditions):
        # the minus as LibreOffice shows it (its SvNumberformat, probed in soffice):
        # only the first section shows one, and not when its condition picks negatives,
        # [<0] or [<=0] (``[<0](0);0`` shows -5 as (5)); a later section none
        # (``[>=0]0;"neg "0``: neg 5); no section: General, without it (``[>5]0``: 3).
        # Until a review on 2026-12-08 every section kept it
        for i, (part, condition) in enumerate(zip(numbers, conditions, strict=True)):
            if condition is None or _HOLDS[condition[1]](value, float(condition[2])):
                return part, i == 0 and not _picks_negatives(conditions)
        return None, False
    if value < 0:
        return (numbers[1], False) if len(numbers) > 1 else (numbers[0], True)
    if value == 0 and len(numbers) > 2:
        return numbers[2], False
    return numbers[0], True  # zero by the first section, or NaN


def _picks_negatives(conditions: list[re.Match[str] | None]) -> bool:
    """Whether the first section's condition is one for negatives, as LibreOffice's
    ``IsFirstSubformatRealNegative`` has it: ``[<0]`` with no second condition or one of
    ``>``, ``=``, ``>=`` 0, or ``[<=0]`` with none or ``>`` 0."""
    first = conditions[0]
    if first is None or float(first[2]) != 0:
        return False
    second = conditions[1] if len(conditions) > 1 else None
    then = "" if second is None else second[1] if float(second[2]) == 0 else "x"
    return then in {"<": ("", ">", "=", ">="), "<=": ("", ">")}.get(first[1], ())


def section_tokens(pattern: str, value: float) -> list[str] | None:
    """The tokens of the section (between ``;``) that shows ``value``. A positive one: the
    first section whose ``[condition]`` it meets, else the first with none after those
    (``0;0%`` shows 1 as 1, ``[>=1]0;0%`` 0.5 as 50%); until 2026-12-07 always the first,
    where the reader judged a ``%`` in any section. Zero and negative values take the
    first here (``_number_section`` chooses theirs). Sections whose every
    ``[condition]`` a positive ``value`` does not meet: ``None``, the number shown as
    ``General`` shows it, as LibreOffice does (``[<1]0%`` shows 1 as 1, 0.5 as 50%; until
    2026-12-07 by that section, 1 as 100%; ``[>5]0.0;[>4]0.00`` 3 as 3, and
    ``[<1]0%;[<2]0.0;[<3]0.00;"t"@`` 5 as 5, until a review on 2026-12-08 by the first
    section, 3.0 and 500%, or the text section, ``t@``)."""
    sections = _number_sections(pattern)
    if not sections:
        return None
    if value > 0:
        for part in sections:
            condition = next((m for t in part if (m := _CONDITION.fullmatch(t))), None)
            if condition is None or _HOLDS[condition[1]](value, float(condition[2])):
                return part
        return None
    return sections[0]
