"""Which nights a run may record: a back-dated run, or one dated well ahead, reads
today's sheets, so recording it would put today's values under another night
(``HistoryStore.not_recorded`` asks these)."""

from __future__ import annotations

import datetime as dt

from sheets_sync.domain.lint import AHEAD_DAYS


def back_dated(as_of: dt.date, later: dt.date) -> str:
    """Why a run as of ``as_of``, before the ``later`` night already recorded, records
    nothing: it read the sheets as they are today, so its values are not that night's
    (even for a date with no snapshot yet), and the nights after it must stay as they
    were. A run for the latest recorded date or later records (and replaces) as ever."""
    return (
        f"history not recorded: as of {as_of} is before the latest recorded night "
        f"({later}); a back-dated run reads today's sheets, not that night's values, "
        "so the history is left as it is"
    )


#: How far past this machine's date a run may be dated and still be recorded: a scheduler
#: in another time zone (Airflow dates its night in UTC) may be a day ahead, as far as an
#: As of date may be ahead of the run before the lint calls it a typo (one constant).
AHEAD_OK = dt.timedelta(days=AHEAD_DAYS)


def dated_ahead(as_of: dt.date, today: dt.date) -> str:
    """Why a run dated well after today records nothing: it reads today's sheets, and the
    night it recorded (a mistyped year, say) would make every real night before it a
    back-dated one, recorded never again."""
    return (
        f"history not recorded: as of {as_of} is after today ({today}); a run dated ahead "
        "reads today's sheets, not that night's values, and would leave every night before "
        "it unrecorded"
    )
