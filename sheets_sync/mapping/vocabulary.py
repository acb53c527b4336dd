"""The words teams type for a choice the domain names otherwise: here a KPI's frequency
(``parse_choice`` keys: lower case, spaces and hyphens as "_")."""

from __future__ import annotations

from sheets_sync.domain.models import Frequency

#: Keys as ``parse_choice`` makes them: lower case, spaces and hyphens "_" ("Bi-weekly"
#: is bi_weekly). Not "bimonthly" nor "biannual": each means twice a month (a year) to
#: some, every other month (year) to others, so they stay errors naming the choices.
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
    "month": Frequency.MONTHLY,
    "every_month": Frequency.MONTHLY,
    "quarter": Frequency.QUARTERLY,
    "every_quarter": Frequency.QUARTERLY,
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
