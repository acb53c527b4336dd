"""The words teams type for a choice the domain names otherwise: here a KPI's frequency
(``parse_choice`` keys: lower case, spaces and hyphens as "_")."""

from __future__ import annotations

from sheets_sync.domain.models import Frequency

#: Keys as ``parse_choice`` makes them: lower case, spaces and hyphens "_" ("Bi-weekly"
#: is bi_weekly). Not "bimonthly" nor "biannual": each means twice a month (a year) to
#: some, every other month (year) to others, so they stay errors (``FREQUENCY_REFUSED``).
FREQUENCY_ALIASES = {
    "day": Frequency.DAILY,
    "every_day": Frequency.DAILY,
    "week": Frequency.WEEKLY,
    "every_week": Frequency.WEEKLY,
    "bi_weekly": Frequency.BIWEEKLY,
    "fortnightly": Frequency.BIWEEKLY,
    "fortnight": Frequency.BIWEEKLY,
    "every_2_weeks": Frequency.BIWEEKLY,
    "every_two_weeks": Frequency.BIWEEKLY,
    "every_other_week": Frequency.BIWEEKLY,
    "month": Frequency.MONTHLY,
    "every_month": Frequency.MONTHLY,
    "quarter": Frequency.QUARTERLY,
    "every_quarter": Frequency.QUARTERLY,
    "every_3_months": Frequency.QUARTERLY,
    "every_three_months": Frequency.QUARTERLY,
    "semi_annual": Frequency.SEMIANNUAL,
    "semiannually": Frequency.SEMIANNUAL,
    "semi_annually": Frequency.SEMIANNUAL,
    "half_yearly": Frequency.SEMIANNUAL,
    "halfyearly": Frequency.SEMIANNUAL,
    "half_year": Frequency.SEMIANNUAL,
    "every_6_months": Frequency.SEMIANNUAL,
    "every_six_months": Frequency.SEMIANNUAL,
    "year": Frequency.YEARLY,
    "annual": Frequency.YEARLY,
    "annually": Frequency.YEARLY,
    "every_year": Frequency.YEARLY,
}

_TWO_MONTHS = (
    "is ambiguous (every two months, or twice a month?): "
    "type biweekly for twice a month, monthly or quarterly for every two months"
)
_TWO_YEARS = (
    "is ambiguous (twice a year, or every two years?): "
    "type semiannual for twice a year, yearly for every two years"
)
_NONE = "is no frequency of its own: "
_EVERY_TWO_MONTHS = _NONE + "type monthly or quarterly for every two months"
_TWICE_A_MONTH = _NONE + "type biweekly for twice a month"
#: Frequencies that mean two things, or that fall between the choices, by
#: ``parse_choice`` key: the error's words after the value, why and what to type.
FREQUENCY_REFUSED = {
    **dict.fromkeys(("bimonthly", "bi_monthly"), _TWO_MONTHS),
    **dict.fromkeys(("biannual", "bi_annual", "biannually", "bi_annually"), _TWO_YEARS),
    **dict.fromkeys(("every_two_months", "every_2_months", "every_other_month"), _EVERY_TWO_MONTHS),
    **dict.fromkeys(("twice_a_month", "semi_monthly", "semimonthly"), _TWICE_A_MONTH),
}
