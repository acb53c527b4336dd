"""Hypothesis strategies of numbers as teams type them into cells (tests/domain's KPI and
scoring edges)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st


def typable(*numbers: Decimal) -> bool:
    """Each of ``numbers`` has at most 15 significant digits, as a cell keeps."""
    return all(len(n.normalize().as_tuple().digits) <= 15 for n in numbers)


@st.composite
def typed(draw: st.DrawFn, low: int = -6, high: int = 15) -> Decimal:
    """A decimal as a team types it: a whole number of up to 9 digits times 10**low to
    10**high, so from 10**low (one millionth by default) up to just under 10**(high + 9)
    (about 1e24), either sign."""
    digits = draw(st.integers(1, 9))
    number = Decimal(draw(st.integers(1, 10**digits - 1))).scaleb(draw(st.integers(low, high)))
    return -number if draw(st.booleans()) else number
