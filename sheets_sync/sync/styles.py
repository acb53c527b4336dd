"""How owned cells look: Excel's own Good / Neutral / Bad styles, grey for no data.

The text always carries the status; colour only repeats it.
"""

from __future__ import annotations

import functools

from sheets_sync.domain.models import Band, KPIStatus, Status
from sheets_sync.grid import CellStyle

GOOD = CellStyle(fill="C6EFCE", font_color="006100")
NEUTRAL = CellStyle(fill="FFEB9C", font_color="9C5700")
BAD = CellStyle(fill="FFC7CE", font_color="9C0006")
GREY = CellStyle(fill="D9D9D9", font_color="404040")
OWNED_HEADER = CellStyle(fill="D9E1F2", font_color="1F3864", bold=True)
NOTE = CellStyle(italic=True, font_color="595959")
SCORE_FORMAT = "0.00"
PERCENT_FORMAT = "0%"

STATUS_STYLE = {
    Status.ACHIEVED: GOOD,
    Status.ON_TRACK: GOOD,
    Status.AT_RISK: NEUTRAL,
    Status.OFF_TRACK: BAD,
    Status.NO_DATA: GREY,
}
KPI_STYLE = {
    KPIStatus.GREEN: GOOD,
    KPIStatus.AMBER: NEUTRAL,
    KPIStatus.RED: BAD,
    KPIStatus.NO_DATA: GREY,
    KPIStatus.STALE: GREY,
}
BAND_STYLE = {Band.GREEN: GOOD, Band.YELLOW: NEUTRAL, Band.RED: BAD}


@functools.lru_cache(maxsize=64)  # a few band styles x a few formats
def with_format(style: CellStyle, number_format: str) -> CellStyle:
    """``style`` with ``number_format``: one object per pair, not one per score cell (25 a
    team), so the patch's style cache, keyed by identity (``patch_xlsx``), finds it again,
    and a team's pickled writes hold it once."""
    return CellStyle(style.fill, style.font_color, style.bold, style.italic, number_format)
