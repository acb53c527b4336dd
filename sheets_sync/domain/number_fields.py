"""The number fields of a hand-built key result and KPI (``models.py``), refused as a
``ConfigError`` naming the field when they are no number or not finite: the reader's
numbers are finite floats already (``values._finite``), but a library caller's objects
are built by hand."""

from __future__ import annotations

import math
import numbers
from decimal import Decimal

from sheets_sync.errors import ConfigError

#: a hand-built key result's and KPI's number fields, none of which may be NaN or infinite
KR_NUMBERS = ("start", "target", "current", "weight", "confidence")
KPI_NUMBERS = ("target", "lower", "upper", "amber_threshold", "actual", "previous")


def refuse_not_finite(obj: object, names: tuple[str, ...]) -> None:
    """Refuse a NaN or infinite number field of ``obj`` as a ``ConfigError`` naming it: a
    hand-built key result with a NaN target scored 0.0 with no finding (until 2026-12-07).
    Called when the fields' sum is not finite: one of them is not, or finite ones overflow
    it (then none is refused), or when it could not be made (a text, a ``Decimal``). Any
    real number is looked at (numpy's float32 NaN, a ``Fraction``), and a ``Decimal``
    (no ``numbers.Real``): until 2026-12-07 only a ``float`` was, and a float32 or
    ``Decimal('NaN')`` passed. The reader's numbers are finite already
    (``values._finite``)."""
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, int):  # bool too; one past a float's range is no NaN
            continue
        if isinstance(value, Decimal):
            finite = value.is_finite()
        elif isinstance(value, numbers.Real):
            finite = math.isfinite(value)
        else:
            continue
        if not finite:
            raise ConfigError(f"{type(obj).__name__}.{name}: {value} is not a finite number")


def refuse_not_real(obj: object, names: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Refuse a field of ``names`` that is no real number (None only among ``optional``)
    as a ``ConfigError`` naming it, as a ``type`` that is no member is: scoring does
    arithmetic on them, and a text or None weight (or a ``Decimal``, which does not mix
    with floats) was a bare TypeError from ``evaluate_team`` (until 2026-12-07). So is
    one too large for a float (``10**400``, a huge ``Fraction``): an OverflowError from
    ``evaluate_team`` until 2026-12-07; the value is not shown (its digits are many, past
    4300 a ``ValueError`` to print)."""
    for name in names:
        value = getattr(obj, name)
        if value is None and name in optional:
            continue
        if not isinstance(value, numbers.Real):
            raise ConfigError(
                f"{type(obj).__name__}.{name}: {value!r} is not a number (an int or a float)"
            )
        try:
            float(value)
        except OverflowError:
            raise ConfigError(
                f"{type(obj).__name__}.{name}: a number too large for a float (over 1.8e308)"
            ) from None
