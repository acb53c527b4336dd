"""Numbers on another scale than the ones beside them: a percentage is stored as a
fraction (a typed 10% is 0.1), a count or a percentage typed plain as a whole number.

Each reading is what the sheet says and scores as documented, so nothing here changes a
number; but a KPI's Amber threshold typed 10% on a count read 0.1 of the count, and a key
result counted 30 to 45 fed from a KPI of 4.2% scored 0.042 against them, both without a
word. These are the warnings that say so, on the cell to look at. Pure, like ``lint``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

from sheets_sync.domain.models import KPI, Direction, KeyResult
from sheets_sync.domain.shown import show_pair
from sheets_sync.domain.units import WHOLE_PERCENT, is_percent_unit
from sheets_sync.domain.values import show_number

Scale = Literal["fraction", "whole"]

#: A KPI's number fields, in the order a message looks for the one to quote.
KPI_NUMBERS = ("target", "lower", "upper", "amber_threshold", "actual", "previous")
_LABELS = {"amber_threshold": "amber threshold"}


def whole_beside(value: float, percents: Iterable[float]) -> bool:
    """Whether a plain number beside percentages (stored as fractions) reads as one typed
    whole: 8 beside 10% meant 8 %, but 1.15 beside 110% is 115 % (a net revenue retention),
    and was told to be typed 1.15%. Above 1 it does beside percentages all under 100 %
    (9 beside 95%: 1 is 100 % there already); beside one of 100 % or more only when not
    near them, above twice the largest (8 beside 0% to 100% scored Achieved without a
    word), or above ``WHOLE_PERCENT``; with none to compare (a row whose unit is %), above
    ``WHOLE_PERCENT`` only."""
    size = abs(value)
    sizes = [abs(p) for p in percents]
    if not sizes:
        return size > WHOLE_PERCENT
    largest = max(sizes)
    return size > 1 and (largest < 1 or size > min(2 * largest, WHOLE_PERCENT))


def _percent(value: float) -> str:
    return f"{hundredfold(value)}%"


def hundredfold(value: float) -> str:
    """``value`` x 100 as ``:g`` shows it: the percentage a percent cell shows. One past any
    float (1e307 in a ``0%`` cell) from its decimal digits, ``1e+309``: it was ``inf``
    (``inf% (stored 1e+307) ...; type the number itself (inf)``, until 2026-12-07), to
    ``:g``'s 6 digits (the largest float's ``1.79769e+310``, not all 17 of them)."""
    times = value * 100
    if math.isfinite(times) or not math.isfinite(value):
        return f"{times:g}"
    return f"{(Decimal(repr(value)) * 100).normalize():.6g}"


def _derived(value: float) -> str:
    """A number the tool worked out (24 + 2.4 is 26.400000000000002): 12 digits."""
    return f"{value:.12g}"


def _percent_fields(item: KPI | KeyResult, fields: Iterable[str]) -> list[str]:
    """The ``fields`` of a row whose cells show a percentage other than 0%: 0 is 0 on
    every scale, so a Start of 0% ("from 0% to 40") or an actual of 0% says nothing of the
    others (until 2026-12-06 each made the row's plain numbers percentages)."""
    return [f for f in fields if f in item.shown_as_percent and getattr(item, f)]


def _percent_amber(kpi: KPI) -> tuple[str, str, str] | None:
    """An Amber threshold typed as a percentage on a KPI whose numbers are not: the cell
    holds the worst value still Amber in the KPI's own unit (docs/scoring.md), so 10% of
    a count of deals read 0.1 deals. A KPI with no unit and a target of 1 or less (a
    rate typed 0.05) may mean its 4%, and is left alone. (Why, the band it gives, what
    to type.)"""
    amber = kpi.amber_threshold
    if amber is None or "amber_threshold" not in kpi.shown_as_percent:
        return None
    if is_percent_unit(kpi.unit) or _percent_fields(kpi, ("target", "lower", "upper", "actual")):
        return None
    if "unit" in kpi.unread:  # its Unit in error: in %, a target of 8 may be 8 % typed whole
        return None
    ranged = kpi.direction is Direction.RANGE
    if amber == 0 and (ranged or kpi.target == 0):
        return None  # 0 wide, or the target itself: what 0% of it would give too
    bounds = [v for v in ((kpi.lower, kpi.upper) if ranged else (kpi.target,)) if v is not None]
    unit = (kpi.unit or "").strip()
    if unit:
        why = f"KPI {kpi.id} is counted in {unit!r}"
    elif any(abs(v) > 1 for v in bounds):
        why = f"the {'range' if ranged else 'target'} of KPI {kpi.id} is in plain numbers"
    else:
        return None
    # the example value is left out where it is past any float (an amber of 1e308 in a
    # 0% cell): "-inf for 1e+310% below the target 100" (until 2026-12-07)
    if ranged and kpi.lower is not None and kpi.upper is not None:
        wide, example = amber * (kpi.upper - kpi.lower), ""
        if math.isfinite(wide):
            lower, upper = show_pair(kpi.lower, kpi.upper, whole=True)
            example = f" ({_derived(wide)} for {_percent(amber)} of {lower} to {upper})"
        hint = f"type how far outside the range is still Amber{example}"
        return why, f"is {show_number(amber)} wide", hint
    hint = "type the worst value still Amber"
    higher = kpi.direction is Direction.HIGHER
    edge = (kpi.target or 0) + (-1 if higher else 1) * abs(kpi.target or 0) * amber
    if kpi.target is not None and not ranged and math.isfinite(edge):
        side = "below" if higher else "above"
        hint += (
            f" ({_derived(edge)} for {_percent(amber)} {side} the target {show_number(kpi.target)})"
        )
    return why, f"ends at {show_number(amber)}", hint


_BLANK = "or leave it blank for the workspace's kpi_tolerance"


def percent_amber_note(kpi: KPI) -> str:
    """What ``validate_kpi`` adds to its error on an Amber threshold typed as a percentage
    (10% below the target 24 of a lower-is-better KPI, above the target -5 of a
    higher-is-better one): "" when it is not one."""
    if mistyped := _percent_amber(kpi):
        assert kpi.amber_threshold is not None
        why, _, hint = mistyped
        return f"; {_percent(kpi.amber_threshold)} is a percentage, but {why}: {hint}, {_BLANK}"
    return ""


def _amber_error(kpi: KPI, amber: float) -> bool:
    """The Amber thresholds ``validate_kpi`` refuses: one cell gets the error, not a
    warning besides (a target of -5 k$ with 10% above it had both)."""
    target = kpi.target
    if kpi.direction is Direction.RANGE:
        return amber < 0
    if target is None:
        return False
    return amber > target if kpi.direction is Direction.HIGHER else amber < target


def _percent_amber_warning(kpi: KPI) -> str | None:
    mistyped = _percent_amber(kpi)
    amber = kpi.amber_threshold
    if mistyped is None or amber is None:
        return None
    if _amber_error(kpi, amber):
        return None  # an error already (``validate_kpi``), which says it
    why, band, hint = mistyped
    return (
        f"Amber threshold {_percent(amber)} (stored {show_number(amber)}) is a percentage, "
        f"but {why}, so its amber band {band}; {hint}, {_BLANK}"
    )


def _plain_beside_percent(kpi: KPI) -> tuple[str, str] | None:
    """The first number of a KPI typed plain above 1 while another is in a percent cell:
    target 10% (stored 0.1) and actual 8 meant 8 %, but read Green, 80 times the target.
    An Amber threshold in a percent cell says so only on a KPI in %: elsewhere it is the
    mistyped cell itself (``_percent_amber``), and beside a target of 24 h or an actual of
    80 with no target it asked for 24% and 80%. A 0% says nothing of the scale (0 is 0 on
    all of them), so it is no percentage to compare with."""
    shown = [
        f for f in KPI_NUMBERS
        if f in kpi.shown_as_percent and getattr(kpi, f)  # not None, not 0
        and (f != "amber_threshold" or is_percent_unit(kpi.unit))
    ]  # fmt: skip
    if not shown:
        return None
    stored = getattr(kpi, shown[0])
    percents = [getattr(kpi, f) for f in shown]
    for field in KPI_NUMBERS:
        value = getattr(kpi, field)
        if (
            field not in kpi.shown_as_percent
            and value is not None
            and whole_beside(value, percents)
        ):
            return field, (
                f"{show_number(value)} is a plain number, but the "
                f"{_LABELS.get(shown[0], shown[0])} of KPI {kpi.id} is {_percent(stored)} "
                f"(stored {show_number(stored)}); type {show_number(value)}% if a percentage "
                "is meant"
            )
    return None


def kpi_scale_warning(kpi: KPI) -> tuple[str, str] | None:
    """(field, message) of a KPI number typed on another scale than the KPI's, or None."""
    if message := _percent_amber_warning(kpi):
        return "amber_threshold", message
    return _plain_beside_percent(kpi)


def _kr_scale(kr: KeyResult, actual: float | None) -> Scale | None:
    """How a key result's Start and Target are typed: as percentages (fractions), as
    plain numbers above 1, or None when they could be either (0 to 1, no unit). In %, 1 to
    1.2 fed 112% is 100 % to 120 %, while 0 to 10 fed 4.2% is 0 % to 10 % typed whole;
    ``actual`` is that KPI's actual when it is a percentage, else None: 2 to 5 in % fed a
    plain 4 was read as 2 % to 5 % beside it, and told to type the 4 as 4%."""
    typed = [(f, v) for f in ("start", "target") if (v := getattr(kr, f)) is not None]
    if _percent_fields(kr, ("start", "target")):
        return "fraction"
    if typed and is_percent_unit(kr.unit):  # a Unit in error read as blank may give %
        return _kr_percent_scale(typed, actual)
    if typed and "unit" in kr.unread:  # its Unit in error, read as blank (no unit): what
        plain = _kr_plain_scale(kr, typed)  # no unit says and % does not is not said
        return plain if plain == _kr_percent_scale(typed, actual) else None
    return _kr_plain_scale(kr, typed)


def _kr_percent_scale(typed: list[tuple[str, float]], actual: float | None) -> Scale:
    """``_kr_scale`` of a key result in %: its Start and Target (``typed``) beside the
    KPI's ``actual`` when that is a percentage, else whole above 1."""
    if actual is not None:
        whole = any(whole_beside(v, (actual,)) for _, v in typed)
    else:
        whole = any(abs(v) > 1 for _, v in typed)
    return "whole" if whole else "fraction"


def _kr_plain_scale(kr: KeyResult, typed: list[tuple[str, float]]) -> Scale | None:
    """``_kr_scale`` of a key result with no unit (nor percent cell above 0%)."""
    # a 0% beside numbers that may be fractions ("from 0% to 0.4", or to 1.5: 150 %, as
    # ``whole_beside`` reads up to twice a percentage of 100 % or more) is the only hint
    # left (fed a plain 35 it lost its warning while a 0% said nothing, 2026-12-06)
    if any(f in kr.shown_as_percent for f, _ in typed) and all(abs(v) <= 2 for _, v in typed):
        return "fraction"
    return "whole" if any(abs(v) > 1 for _, v in typed) else None


def _kpi_scale(kpi: KPI, actual: float) -> Scale | None:
    """How a KPI's actual is typed, or None when it could be either: with only the unit %
    to go by, 1 to 10 may be 112 % (1.12) or 4 % typed whole (a target of 5, an actual
    of 4 was read as 400 %, and a key result of 2 to 5 fed from it told to type 2%, 5%)."""
    if actual == 0:
        return None  # 0 is 0 on every scale, in a percent cell or not
    if "actual" in kpi.shown_as_percent:
        return "fraction"
    percents = [getattr(kpi, f) for f in _percent_fields(kpi, ("target", "lower", "upper"))]
    if percents:
        return "whole" if whole_beside(actual, percents) else "fraction"
    if "unit" in kpi.unread:  # its Unit in error: whole only as both % and none read it
        return "whole" if abs(actual) > WHOLE_PERCENT else None
    if is_percent_unit(kpi.unit):
        if abs(actual) > WHOLE_PERCENT:
            return "whole"
        return None if abs(actual) > 1 else "fraction"
    return "whole" if abs(actual) > 1 else None


def _span(kr: KeyResult) -> str:
    def shown(field: str, value: float) -> str:
        return _percent(value) if field in kr.shown_as_percent else show_number(value)

    if kr.start is not None and kr.target is not None:
        return f"runs from {shown('start', kr.start)} to {shown('target', kr.target)}"
    assert kr.target is not None or kr.start is not None
    field, value = ("target", kr.target) if kr.target is not None else ("start", kr.start)
    assert value is not None
    return f"has the {field} {shown(field, value)}"


def link_scale_warning(kr: KeyResult, kpi: KPI, ref: str, actual: float) -> str | None:
    """A key result fed ``actual`` by KPI ``ref`` on another scale than its own: a
    percentage (0.042) against counts (30 to 45) scores 0, a count (50) against
    percentages (3% to 5%) scores 1, each without a word."""
    theirs = _kpi_scale(kpi, actual)
    mine = _kr_scale(kr, actual if theirs == "fraction" else None)
    if mine is None or theirs is None or mine == theirs:
        return None
    if theirs == "fraction":
        kind = f"is {_percent(actual)} (stored {show_number(actual)})"
        fields = [(f, v) for f in ("start", "target") if (v := getattr(kr, f)) is not None]
        # the ones to retype: 40 of "from 0% to 40" (not 0, 0 % on every scale)
        fields = [(f, v) for f, v in fields if f not in kr.shown_as_percent and v] or fields
        names = " and ".join(f.capitalize() for f, _ in fields)
        typed = ", ".join(f"{show_number(v)}%" for _, v in fields)
        plural = "percentages" if len(fields) > 1 else "a percentage"
        are = "they are" if len(fields) > 1 else "it is"
        fix = f"type its {names} as {plural} ({typed}) if {are}"
    else:
        kind = f"is the plain number {show_number(actual)}"
        fix = f"type the KPI's Actual as a percentage ({show_number(actual)}%) if it is one"
    them = "them" if kr.start is not None and kr.target is not None else "it"
    return (
        f"current value comes from KPI {ref}, whose actual {kind}, but key result {kr.id} "
        f"{_span(kr)}; it is scored as {show_number(actual)} against {them}: {fix}, or link "
        "a KPI on the key result's scale"
    )


__all__ = [
    "KPI_NUMBERS",
    "kpi_scale_warning",
    "link_scale_warning",
    "percent_amber_note",
    "whole_beside",
]
