"""The demo company's OKRs and KPIs as plain rows in template column order.

Kept apart from the workbook writer so the Google Sheets demo can push the same rows.
Deliberate mistakes (for ``validate`` to find) are marked ``# MISTAKE``.

The rows are one snapshot, designed for ``DESIGN_DAY`` (2026-11-23, seven weeks into
2026-Q4): synced that day the demo shows exactly its deliberate findings and no stale KPI.
A demo built on another day would show more (weekly KPIs gone stale, the period over), so
``moved_team`` and ``demo_period`` move every date by the same number of days: built and
synced on any day, the demo is in the designed state. No text in the rows names a date, a
month or a year, since text would not move with them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sheets_sync.domain.models import CompanyObjective, Period
from sheets_sync.errors import ConfigError
from sheets_sync.template.spec import TEMPLATE, CellValue
from sheets_sync.workspace.init import quarter_of

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
COMPANY = "Northwind Analytics"
COMPANY_OBJECTIVES = (
    CompanyObjective("C1", "Grow revenue profitably", 2.0),
    CompanyObjective("C2", "Customers love us"),
    CompanyObjective("C3", "Run a reliable, efficient business"),
    CompanyObjective("C4", "Be a great place to work"),
)


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value Excel would show (written as its cached result)."""

    formula: str  # with the leading "=", e.g. "=SUMIFS(Pipeline!C2:C8,...)"
    value: float


DemoValue = CellValue | Formula
DemoRow = tuple[DemoValue, ...]


@dataclass(frozen=True)
class DemoTab:
    """An extra tab (e.g. the Sales pipeline a formula reads), rows from A1."""

    name: str
    rows: tuple[DemoRow, ...]


@dataclass(frozen=True)
class DemoTeam:
    name: str
    mapping: str  # "standard" or "objective-blocks"
    okr_rows: tuple[DemoRow, ...]  # template OKR column order, owned columns None
    kpi_rows: tuple[DemoRow, ...]  # template KPI column order, owned columns None
    extra_tabs: tuple[DemoTab, ...] = ()

    @property
    def filename(self) -> str:
        return f"{self.name}.xlsx"


_OKR_FIELDS = tuple(c.field for c in TEMPLATE.okrs.columns)
_KPI_FIELDS = tuple(c.field for c in TEMPLATE.kpis.columns)
D = dt.date


def kr(oid: str | None, kid: str, text: str, owner: str, **values: DemoValue) -> DemoRow:
    """One OKR row; ``oid`` None leaves the objective cells blank (they fill down)."""
    fields: dict[str, DemoValue] = {"kr_id": kid, "key_result": text, "owner": owner}
    if oid is not None:
        fields["objective_id"] = oid
    unknown = set(values) - set(_OKR_FIELDS)
    assert not unknown, unknown
    fields.update(values)
    return tuple(fields.get(f) for f in _OKR_FIELDS)


def kpi(kid: str, name: str, owner: str, **values: DemoValue) -> DemoRow:
    fields: dict[str, DemoValue] = {"id": kid, "name": name, "owner": owner}
    assert not set(values) - set(_KPI_FIELDS), values
    fields.update(values)
    return tuple(fields.get(f) for f in _KPI_FIELDS)


def _obj(title: str, kind: str, aligns: str) -> dict[str, DemoValue]:
    return {"objective": title, "objective_type": kind, "aligns_to": aligns}


WON = '=SUMIFS(Pipeline!C2:C8,Pipeline!B2:B8,"Won")'
PIPELINE = DemoTab(
    "Pipeline",
    (
        ("Deal", "Stage", "Amount", "Close date"),
        ("Contoso renewal + upsell", "Won", 250000, D(2026, 10, 14)),
        ("Fabrikam analytics suite", "Won", 180000, D(2026, 10, 29)),
        ("Tailspin data platform", "Won", 150000, D(2026, 11, 6)),
        ("Litware pilot", "Won", 120000, D(2026, 11, 12)),
        ("Adatum dashboards", "Won", 80000, D(2026, 11, 19)),
        ("Wingtip enterprise", "Negotiation", 300000, D(2026, 12, 12)),
        ("Proseware expansion", "Proposal", 140000, D(2026, 12, 19)),
    ),
)

SALES = DemoTeam(
    "Sales",
    "standard",
    (
        kr("O1", "O1.1", "Grow new ARR from $0 to $1,200,000", "Dana Reyes", **_obj(
            "Grow new-business revenue", "committed", "C1"),
           kr_type="number", start=0, target="$1,200,000", current=Formula(WON, 780000),
           unit="$", weight=2, confidence=7, comment="Current = won deals on the Pipeline tab"),
        kr(None, "O1.2", "Raise win rate from 20% to 30%", "Dana Reyes",
           start="20%", target="30%", current="26%", unit="%", confidence="Medium"),
        kr(None, "O1.3", "Grow average deal size from $3,000 to $4,000", "Luis Moreno",
           start="$3,000", target="$4,000", current="€3.5k", unit="$",  # MISTAKE: k suffix
           confidence="High"),
        kr("O2", "O2.1", "Pipeline coverage of at least 3x next quarter's target", "Luis Moreno",
           **_obj("Build a predictable pipeline", "committed", "C1"),
           kr_type="at_least", target=3, current=3.2, unit="x", confidence=8),
        kr(None, "O2.2", "Cut the sales cycle from 60 to 45 days", "Dana Reyes",
           start=60, target=45, current=52, unit="days", confidence=6),
    ),
    (
        kpi("KPI-1", "Qualified pipeline", "Luis Moreno", category="leading",
            frequency="weekly", unit="$", direction="higher", target=3600000,
            actual="$3,400,000", previous="$3,100,000", as_of=D(2026, 11, 20)),
        kpi("KPI-2", "Revenue growth (quarter on quarter)", "Dana Reyes", category="lagging",
            frequency="quarterly", unit="%", direction="higher", target="8%",
            actual="6.5%", previous="5%", as_of=D(2026, 10, 5)),
    ),
    (PIPELINE,),
)  # fmt: skip

MARKETING = DemoTeam(
    "Marketing",
    "objective-blocks",
    (
        kr("O1", "O1.1", "Raise website conversion rate from 2% to 3%", "Tom Berg",
           **_obj("Fill the funnel with the right leads", "committed", "C1"),
           start="2%", target="3%", current="2.6%", unit="%", confidence=7),
        kr(None, "O1.2", "Cut cost per lead from $80 to $50", "Tom Berg",
           start="$80", target="$50", current="$62", unit="$", confidence=6),
        kr(None, "O1.3", "Launch the new pricing page", "Ana Silva",
           kr_type="milestone", current="done", due=D(2026, 11, 15)),
        kr("O2", "O2.1", "Grow media mentions from 10 to 30 a month", "Maria Lopez",
           **_obj("Become the go-to voice in our niche", "aspirational", "C2"),
           start=10, target=30, unit="mentions", kpi_link="M3", confidence="Medium"),
        kr(None, "O2.2", "Newsletter subscribers: at least 5,000", "Ana Silva",
           kr_type="at_least", target="5,000", current=5200, unit="subscribers"),
    ),
    (
        kpi("M1", "Customer acquisition cost (CAC)", "Tom Berg", category="lagging",
            frequency="monthly", unit="$", direction="lower", target=300, amber_threshold=330,
            actual="$320", previous="$350", as_of=D(2026, 11, 15)),
        kpi("M2", "Lead-to-customer conversion rate", "Tom Berg", category="leading",
            frequency="monthly", unit="%", direction="higher", target="4%", actual="4.2%",
            previous="3.9%", as_of=D(2026, 11, 10)),
        kpi("M3", "Media mentions", "Maria Lopez", category="leading", frequency="monthly",
            direction="higher", target=25, actual=19, previous=14, as_of=D(2026, 11, 16)),
        kpi("M4", "Social engagement rate", "Ana Silva", category="leading",
            frequency="weekly", unit="%", direction="range", lower="3%", upper="6%",
            actual="4.4%", previous="4.1%", as_of=D(2026, 11, 20),
            comment="Too high usually means a controversy"),
    ),
)  # fmt: skip

ENGINEERING = DemoTeam(
    "Engineering",
    "standard",
    (
        kr("O1", "O1.1", "Raise uptime from 99.5% to 99.95%", "Sam Okafor",
           **_obj("Run a platform customers can rely on", "committed", "C3"),
           start="99.5%", target="99.95%", unit="%", kpi_link="KPI-1", weight=2, confidence=8),
        kr(None, "O1.2", "Cut p95 API latency from 800 ms to 400 ms", "Lee Chen",
           start=800, target=400, current=560, unit="ms", confidence=7),
        kr(None, "O1.3", "Reduce open sev-2 bugs from 40 to 10", "Kim Park",
           start=40, target=10, current=28, unit="bugs", confidence="50%"),
        kr("O2", "O2.1", "Deploy from once to 10 times a week", "Sam Okafor",
           **_obj("Ship faster with less drama", "aspirational", "C3"),
           start=1, target=10, current=5.5, unit="deploys", confidence=6),
        kr(None, "O2.2", "Migrate billing to the new platform", "Lee Chen",
           kr_type="milestone", current="in progress", due=D(2026, 12, 15)),
        kr(None, "O2.3", "Lower change failure rate from 20% to 10%", "Kim Park",
           start="20%", target="10%", current="14%", unit="%"),
    ),
    (
        kpi("KPI-1", "Uptime (30 days)", "Sam Okafor", category="lagging", frequency="weekly",
            unit="%", direction="higher", target="99.9%", amber_threshold="99.5%",
            actual="99.86%", previous="99.7%", as_of=D(2026, 11, 22)),
        kpi("KPI-2", "Mean time to restore", "Lee Chen", category="lagging",
            frequency="monthly", unit="h", direction="lower", target=2, amber_threshold=4,
            actual=1.5, previous=3, as_of=D(2026, 11, 18)),
        kpi("KPI-3", "API error rate", "Kim Park", category="leading", frequency="weekly",
            unit="%", direction="lower", target="0.5%", actual="0.4%", previous="0.6%",
            as_of=D(2026, 8, 28), comment="Dashboard export broke last quarter"),  # stale
    ),
)  # fmt: skip

CUSTOMER_SUCCESS = DemoTeam(
    "Customer Success",
    "standard",
    (
        kr("O1", "O1.1", "Cut average first-response time from 40 h to 20 h", "Priya Nair",
           **_obj("Customers love our support", "committed", "C2"),
           start=40, target=20, unit="h", kpi_link="KPI-2", confidence=7),
        kr(None, "O1.2", "Raise NPS from 30 to 45", "Priya Nair",
           start=30, target=45, unit="points", kpi_link="KPI-1", confidence="70%"),
        kr(None, "O1.3", "Publish 40 help-centre articles", "Omar Haddad",
           start=0, target=40, current=26, unit="articles", confidence=8),
        kr("O2", "O2.1", "Cut monthly churn from 3% to 2%", "Omar Haddad",
           **_obj("Keep the customers we have", "committed", "C1"),
           start="3%", target="2%", unit="%", kpi_link="KPI-3", weight=2, confidence=6),
        kr(None, "O2.2", "Keep CSAT at 90% or more", "Priya Nair",
           kr_type="at_least", target="90%", current="92%", unit="%"),
    ),
    (
        kpi("KPI-1", "Net Promoter Score (NPS)", "Priya Nair", category="lagging",
            frequency="quarterly", unit="points", direction="higher", target=40,
            amber_threshold=35, actual=39, previous=34, as_of=D(2026, 11, 1)),
        kpi("KPI-2", "Average first-response time", "Priya Nair", category="leading",
            frequency="weekly", unit="h", direction="lower", target=24, amber_threshold=30,
            actual=28, previous=33, as_of=D(2026, 11, 21)),
        kpi("KPI-3", "Monthly churn", "Omar Haddad", category="lagging", frequency="monthly",
            unit="%", direction="lower", target="2%", amber_threshold="2.5%", actual="2.4%",
            previous="2.7%", as_of=D(2026, 11, 2)),
        kpi("KPI-4", "Tickets resolved per week", "Omar Haddad", category="leading",
            frequency="weekly", unit="tickets", direction="higher", target=400, actual=436,
            previous=410, as_of=D(2026, 11, 20)),
    ),
)  # fmt: skip

FINANCE = DemoTeam(
    "Finance",
    "standard",
    (
        kr("O1", "O1.1", "Cut month-end close from 10 to 5 working days", "Grace Liu",
           **_obj("Close the books faster and cleaner", "committed", "C3"),
           start=10, target=5, current=7, unit="days", confidence=7),
        kr(None, "O1.2", "Keep invoice errors at 1% or less", "Grace Liu",
           kr_type="at_most", target="1%", current="0.8%", unit="%"),
        kr(None, "O1.3", "Automate 80% of expense approvals", "Ben Adler",
           start="80%", target="80%", current="55%", unit="%"),  # MISTAKE: target = start
        kr("O2", "O2.1", "Cut CAC payback from 18 to 12 months", "Ben Adler",
           **_obj("Grow efficiently", "committed", "C1"),
           start=18, target=12, current=15, unit="months", confidence=6),
        kr(None, "O2.2", "Keep monthly churn at 2.5% or less", "Grace Liu",
           kr_type="at_most", target="2.5%", unit="%", kpi_link="Customer Success/KPI-3"),
        kr(None, "O2.3", "Grow gross margin from 62% to 68%", "Ben Adler",
           start="62%", target="68%", current="65%", unit="%", confidence=5),
    ),
    (
        kpi("KPI-1", "Cash runway", "Grace Liu", category="lagging", frequency="monthly",
            unit="months", direction="higher", target=18, actual=21, previous=20,
            as_of=D(2026, 10, 31)),
        kpi("KPI-2", "Days sales outstanding", "Ben Adler", category="leading",
            frequency="monthly", unit="days", direction="lower", target=45, amber_threshold=50,
            actual=48, previous=52, as_of=D(2026, 11, 3)),
        kpi("KPI-3", "Operating expenses vs budget", "Grace Liu", category="lagging",
            frequency="monthly", unit="%", direction="range", lower="95%", upper="102%",
            actual="99%", previous="104%", as_of=D(2026, 11, 3)),
    ),
)  # fmt: skip

PEOPLE = DemoTeam(
    "People",
    "standard",
    (
        kr("O1", "O1.1", "Make 12 hires for next year's plan", "Rita Gomes",
           **_obj("Hire the team we need next year", "committed", "C4"),
           start=0, target=12, current=7, unit="hires", confidence=7),
        kr(None, "O1.2", "Cut time-to-hire from 45 to 30 days", "Rita Gomes",
           start=45, target=30, unit="days", kpi_link="KPI-5"),  # MISTAKE: no KPI-5
        kr(None, "O1.3", "Offer acceptance rate of at least 85%", "Jon Weiss",
           kr_type="at_least", target="85%", current="88%", unit="%", confidence=8),
        kr("O2", "O2.1", "Raise employee NPS from 10 to 30", "Jon Weiss",
           **_obj("Make this a place people stay", "aspirational", "C9"),  # MISTAKE: no C9
           start=10, target=30, current=18, unit="points", confidence=5),
        kr(None, "O2.2", "Cut regretted attrition from 8% to 5%", "Rita Gomes",
           start="8%", target="5%", current="6.5%", unit="%", confidence=6),
    ),
    (
        kpi("KPI-1", "Open roles", "Rita Gomes", category="leading", frequency="weekly",
            unit="roles", direction="lower", target=5, amber_threshold=8, actual=6, previous=9,
            as_of=D(2026, 11, 20)),
        kpi("KPI-2", "Employee NPS (eNPS)", "Jon Weiss", category="lagging",
            frequency="quarterly", unit="points", direction="higher", target=25, actual=18,
            previous=12, as_of=D(2026, 10, 15)),
        kpi("KPI-3", "Time to hire", "Rita Gomes", category="leading", frequency="monthly",
            unit="days", direction="lower", target=35, actual=38, previous=42,
            as_of=D(2026, 11, 15)),
    ),
)  # fmt: skip

TEAMS = (SALES, MARKETING, ENGINEERING, CUSTOMER_SUCCESS, FINANCE, PEOPLE)

DESIGN_DAY = D(2026, 11, 23)
# Excel's dates start in 1900 and Python's end in 9999; the data spans 87 days before the
# as-of day to 38 after, so these as-of days keep every moved date inside both.
AS_OF_RANGE = (D(1901, 1, 1), D(9998, 12, 31))


def _shift(as_of: dt.date) -> dt.timedelta:
    first, last = AS_OF_RANGE
    if not first <= as_of <= last:
        raise ConfigError(f"the demo can be built as of {first} to {last}, not {as_of}")
    return as_of - DESIGN_DAY


def demo_period(as_of: dt.date = DESIGN_DAY) -> Period:
    """PERIOD moved with the demo to ``as_of``. Its name is the calendar quarter that holds
    its middle day (most of the period lies in it): 2026-Q4 on the design day, 2027-Q1 for
    a demo built on 2027-03-10 (period 2027-01-16 to 2027-04-17). A quarter's name keeps
    the rollup looking like a real company's; the dates in the workspace file are exact."""
    by = _shift(as_of)
    start, end = PERIOD.start + by, PERIOD.end + by
    middle = start + dt.timedelta(days=(end - start).days // 2)
    return Period(quarter_of(middle).name, start, end)


def _moved_rows(rows: tuple[DemoRow, ...], by: dt.timedelta) -> tuple[DemoRow, ...]:
    return tuple(tuple(v + by if isinstance(v, dt.date) else v for v in row) for row in rows)


def moved_team(team: DemoTeam, as_of: dt.date = DESIGN_DAY) -> DemoTeam:
    """``team`` (rows dated for DESIGN_DAY) with every date moved as ``demo_period`` moves
    the period, so every KPI's age, due date and pace on ``as_of`` are as designed."""
    by = _shift(as_of)
    return replace(
        team,
        okr_rows=_moved_rows(team.okr_rows, by),
        kpi_rows=_moved_rows(team.kpi_rows, by),
        extra_tabs=tuple(replace(t, rows=_moved_rows(t.rows, by)) for t in team.extra_tabs),
    )
