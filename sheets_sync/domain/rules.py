"""The thresholds behind every score and status, in one place (configurable per workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sheets_sync.pickling import fast_pickle

# Comparisons at a threshold count as the better outcome; this absorbs float noise such as
# 0.7 - 0.1 == 0.6000000000000001 so a hand-computed boundary case lands where the docs say.
EPSILON = 1e-9


@fast_pickle
@dataclass(frozen=True, slots=True)
class ScoringRules:
    green: float = 0.7
    yellow: float = 0.4
    on_track_margin: float = 0.10
    at_risk_margin: float = 0.25
    committed_ambition: float = 1.0
    aspirational_ambition: float = 0.7
    kpi_tolerance: float = 0.10
    stale_grace_days: int = 3
    low_confidence: float = 0.4


def percent(fraction: float) -> str:
    """``fraction`` as a percentage for a text ("10%" for 0.1, "2.5%" for 0.025): from its
    shortest repr, so no float noise shows (0.07 * 100 is 7.000000000000001)."""
    return f"{Decimal(repr(float(fraction))).scaleb(2).normalize():f}%"
