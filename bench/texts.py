"""The texts of the bench's distinct-text shape (``Shape(distinct_texts=True)``): every
team writes its own objective titles, key result names, owners, comments and KPI names.

The default shape writes some 20 distinct texts a column across the whole workspace
(``Move metric 2 of objective 3``, five owners), which flatters any cut that gains from
repeated values (interning, dictionary encoding, a cache keyed by text): real teams write
their own. Here each text is composed of parts, and the parts are chosen by a bijection of
the text's slot (team, objective, key result...) over every combination of them, so no two
slots get the same parts: every text is distinct from every other team's and from its
own team's others, up to ``capacity()`` teams (6,400 at the default shape; a team past
it is refused, ``check_capacity``, rather than given another team's texts). A random
number stream of the team's own (seeded by the team, apart from the generator's numbers)
adds figures, a second sentence now and then, so lengths vary as people's do: key results
some 45 to 115 characters, objectives 27 to 91, comments 49 to 193. A third or more of
each kind's texts hold non-ASCII characters (``Zürich``, ``Łukasz Dvořák``, ``東京``,
``k€``, ``–``).
"""

from __future__ import annotations

import math
import random

#: The slot's index times a stride coprime to the number of combinations, modulo that
#: number, is a bijection of the combinations; a stride near this fraction of it changes
#: every part from one slot to the next (a team's roster is not five people of one name).
_GOLDEN = 0.6180339887

FIRST = (
    "Ann", "Bob", "Chen", "Dana", "Eli", "Zoë", "José", "Łukasz", "Søren", "Fatima",
    "Grace", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Nadia", "Oskar", "Priya",
    "Quentin", "Rosa", "Sanjay", "Tomás", "Ugo", "Vera", "Wei", "Xavier", "Yara", "Zeynep",
    "Amélie", "Björn", "Chloé", "Dmitri", "Elif", "François", "Gökhan", "Håkon", "Ingrid",
    "Jürgen", "Kasia", "Liam", "Mei", "Niamh", "Olu", "Pía", "Rahul", "Siobhán", "Thandi",
    "Yusuf",
)  # fmt: skip
LAST = (
    "Müller", "García", "Nguyễn", "Smith", "Okafor", "Dvořák", "Çelik", "Öztürk", "Kowalski",
    "Ødegaard", "Tanaka", "Rossi", "Novak", "Johansson", "Silva", "Fernández", "Kim",
    "Schneider", "Lefèvre", "Petrović", "Haddad", "O'Brien", "Mbeki", "Lindqvist",
    "Papadopoulos", "Ivanova", "Sato", "Moreau", "Costa", "Wójcik", "Brown", "Jensen",
    "Bauer", "Horváth", "Abebe", "Nakamura", "Herrera", "Virtanen", "Patel", "Yılmaz",
    "Dubois", "Kaur", "Larsen", "Mendes", "Byrne", "Zhang", "Rahman", "Fischer", "Sørensen",
    "Walsh",
)  # fmt: skip
INITIALS = "ABCDEFGHJKLMNPRSTVW"

OBJ_VERB = (
    "Grow", "Delight", "Scale", "Harden", "Simplify", "Win back", "Modernise", "Expand",
    "Protect", "Automate", "Reinvent", "Stabilise", "Accelerate", "Unify", "Open up",
    "Professionalise",
)  # fmt: skip
OBJ_THEME = (
    "self-serve revenue", "enterprise renewals", "the onboarding journey",
    "our data platform", "partner-led sales", "the mobile checkout", "support quality",
    "the billing engine", "developer experience", "field operations", "the hiring funnel",
    "customer trust", "the pricing page", "warehouse throughput", "the design system",
    "release safety", "the reseller channel", "invoice accuracy", "search relevance",
    "the analytics stack", "brand awareness", "supplier quality", "the API platform",
    "employee onboarding", "security posture", "the marketplace", "cash collection",
    "content quality", "the returns process", "network reliability",
)  # fmt: skip
OBJ_AUDIENCE = (
    "in DACH", "for SMB customers", "across the Nordics", "in São Paulo", "for Île-de-France",
    "for our top 50 accounts", "in Kraków and Brno", "for first-time buyers",
    "in the 東京 office", "for public-sector clients", "across EMEA", "for the Zürich hub",
    "for new hires", "in North America", "for mobile users", "before the spring launch",
    "for partners", "at Reykjavík", "in the APAC region", "for internal teams",
)  # fmt: skip
OBJ_WHY = (
    "", " so we hit plan", " – our bet for the year", " without adding headcount",
    " while cutting cost", " as promised at the offsite", " (carried over from Q3)",
    " to earn the next round",
)  # fmt: skip

KR_VERB = (
    "Raise", "Cut", "Lift", "Bring down", "Double", "Hold", "Reach", "Ship", "Reduce",
    "Increase", "Halve", "Move", "Improve", "Launch", "Grow", "Keep", "Drive", "Lower",
    "Push", "Get",
)  # fmt: skip
KR_METRIC = (
    "weekly active users", "p95 checkout latency", "net revenue retention",
    "first-response time", "trial-to-paid conversion", "churned accounts", "NPS",
    "on-time deliveries", "open P1 bugs", "pipeline coverage", "average deal size",
    "cloud spend per customer", "activation rate", "ticket backlog", "test coverage",
    "unplanned downtime", "signed partners", "qualified leads", "gross margin",
    "days sales outstanding", "repeat purchase rate", "page load time", "CSAT",
    "inventory turns", "time to hire", "offer acceptance rate", "deploys per week",
    "mean time to recovery", "refund rate", "self-serve signups", "renewal rate",
    "cost per lead", "order accuracy", "feature adoption", "docs page views",
    "escalations", "annual recurring revenue", "error budget burn", "seats sold",
    "community members",
)  # fmt: skip
KR_SCOPE = (
    "for the Pro plan", "in Germany", "on Android", "on iOS", "for enterprise tier",
    "in the EU region", "for the café chain pilot", "in München", "for new logos",
    "across all squads", "on the web app", "for München–Wien routes", "for Spanish-speaking users",
    "in the Lyon warehouse", "for returning customers", "on the public API",
    "for the Ørestad site", "in Q4 cohorts", "for annual plans", "in the support portal",
    "for the Gdańsk team", "for partner deals", "in the self-serve funnel",
    "for premium SKUs", "at the Málaga hub",
)  # fmt: skip
KR_DEADLINE = (
    "by end of quarter", "by December 15", "before the code freeze", "by the board meeting",
    "within six weeks", "by mid-November", "before Black Friday", "by the year-end review",
    "this quarter", "by the holiday peak", "by week 50", "before the price change",
)  # fmt: skip
UNITS = ("%", "ms", "k€", "users", "deals", "h", "tickets", "points")

KPI_METRIC = KR_METRIC
KPI_SCOPE = (
    "total", "EU", "US", "APAC", "web", "mobile", "enterprise", "SMB", "partners", "Zürich",
    "São Paulo", "Nordics", "DACH", "東京", "new users", "returning", "paid", "trial",
    "internal", "self-serve", "field", "Kraków", "top accounts", "long tail", "B2B",
)  # fmt: skip
KPI_WINDOW = (
    "7-day", "28-day", "weekly", "monthly", "rolling 90-day", "quarter-to-date", "daily avg.",
    "month-end", "trailing 4-week", "year-to-date", "median", "peak",
)  # fmt: skip
KPI_NOTE = (
    "", " (excl. refunds)", " – finance view", " (sampled)", " per FTE", " vs. plan",
    " (ops dashboard)", " – Ünal's definition",
)  # fmt: skip

COMMENT_OPENER = (
    "Blocked on hiring", "Waiting on legal review", "Vendor slipped again",
    "Data pipeline broke twice", "Scope cut after the offsite", "Budget freeze until January",
    "Depends on the platform team", "Pilot customer paused", "Two engineers on leave",
    "Pricing change pending", "Security review found gaps", "Migration took longer",
    "Sales handover unclear", "Metric definition changed", "Launch moved to week 49",
    "Good progress since the rewrite", "Ahead of plan thanks to the campaign",
    "Flat since the reorg", "Numbers from the Zürich export", "Tracking fixed on 3 Nov",
)  # fmt: skip
COMMENT_DETAIL = (
    "for the backend role", "on the DPA with the Gdańsk vendor", "on the München contract",
    "in the EU region", "since the Q3 incident", "for the café chain pilot",
    "after the new SSO rollout", "around the reseller deal", "with the finance team",
    "on the Android release", "in the São Paulo office", "for the enterprise tier",
    "on the onboarding emails", "with our biggest account", "in the data warehouse",
    "on the pricing page copy", "with the design system", "for the API v2 launch",
    "on the Lyon warehouse move", "with the new support tool", "for the 東京 partner",
    "on invoicing", "in the partner portal", "on the mobile checkout", "with procurement",
    "for the spring campaign", "on the Ørestad site", "with the board deck",
    "on the renewal playbook", "with customer success",
)  # fmt: skip
COMMENT_NEXT = (
    "revisit next week", "escalated to the VP", "will re-forecast Friday",
    "owner to update by the 1:1", "see the RFC", "confidence lowered",
    "asking for two more weeks", "plan B in the doc", "expect a jump in December",
    "keep an eye on it", "syncing with Ana María", "decision at the steering meeting",
    "moving half to next quarter", "Łukasz to confirm numbers", "no action needed",
    "retro scheduled", "will split the KR", "new estimate: mid-December",
    "raised in the all-hands", "waiting for the vendor's fix",
)  # fmt: skip
COMMENT_WHEN = (
    "(Mon)", "(Tue)", "(Wed)", "(Thu)", "(Fri)", "– 2 Nov", "– 9 Nov", "– 16 Nov",
    "– 23 Nov", "– wk 47", "– wk 48", "(update)",
)  # fmt: skip
COMMENT_MORE = (
    " Numbers include the late invoices from October.",
    " The dashboard lags by two days, so take the current value with a grain of salt.",
    " We agreed with product to keep the target and revisit after the launch retro.",
    " Note: the café pilot counts separately; see the team's weekly update for details.",
    " Half of the gap is seasonal, the rest is the onboarding bug fixed last sprint.",
    " Über-ticket for this is OPS-2291.",
)  # fmt: skip


def _pick(index: int, parts: tuple[tuple[str, ...] | str, ...]) -> list[str]:
    """The combination of ``parts`` (one item of each) that slot ``index`` gets: distinct
    slots below the product of their lengths get distinct combinations."""
    total = math.prod(len(p) for p in parts)
    stride = int(total * _GOLDEN)
    while math.gcd(stride, total) != 1:
        stride += 1
    mixed = (index * stride) % total
    digits = []
    for p in parts:
        mixed, digit = divmod(mixed, len(p))
        digits.append(digit)
    # Each digit shifted by the ones after it (a triangular map: still a bijection). An
    # affine map alone gives a part whose length divides a team's slots the same item in
    # every team's same slot (every team's second key result began "Move").
    for i in range(len(digits) - 1):
        digits[i] = (digits[i] + sum(digits[i + 1 :]) * (i + 3)) % len(parts[i])
    return [p[d] for p, d in zip(parts, digits, strict=True)]


OBJECTIVE_PARTS = (OBJ_VERB, OBJ_THEME, OBJ_AUDIENCE, OBJ_WHY)
KR_PARTS = (KR_VERB, KR_METRIC, KR_SCOPE, KR_DEADLINE)
OWNER_PARTS = (FIRST, LAST, INITIALS)
KPI_PARTS = (KPI_METRIC, KPI_SCOPE, KPI_WINDOW, KPI_NOTE)
COMMENT_PARTS = (COMMENT_OPENER, COMMENT_DETAIL, COMMENT_NEXT, COMMENT_WHEN)
ROSTER = 5  # people a team has (the default shape's five owners)


class TeamTexts:
    """One team's texts, by slot; deterministic in ``seed`` (the team's number)."""

    def __init__(self, seed: int, objectives: int, krs_per_objective: int, kpis: int) -> None:
        check_capacity(seed + 1, objectives, krs_per_objective, kpis)
        self.seed, self.krs = seed, krs_per_objective
        self.objectives, self.kpis = objectives, kpis
        self.rnd = random.Random(f"bench-texts:{seed}")
        self.roster = [self._owner(j) for j in range(ROSTER)]

    def _owner(self, j: int) -> str:
        first, last, initial = _pick(self.seed * ROSTER + j, OWNER_PARTS)
        return f"{first} {initial}. {last}"

    def objective(self, o: int) -> str:
        verb, theme, audience, why = _pick(self.seed * self.objectives + o, OBJECTIVE_PARTS)
        return f"{verb} {theme} {audience}{why}"

    def key_result(self, o: int, k: int) -> str:
        slot = (self.seed * self.objectives + o) * self.krs + k
        verb, metric, scope, deadline = _pick(slot, KR_PARTS)
        unit = self.rnd.choice(UNITS)
        a, b = self.rnd.randint(2, 900), self.rnd.randint(2, 900)
        return f"{verb} {metric} {scope} from {a} {unit} to {b} {unit} {deadline}"

    def comment(self, o: int, k: int) -> str:
        slot = (self.seed * self.objectives + o) * self.krs + k
        opener, detail, step, when = _pick(slot, COMMENT_PARTS)
        text = f"{opener} {detail}; {step} {when}"
        if self.rnd.random() < 0.4:
            text += self.rnd.choice(COMMENT_MORE)
        return text

    def kpi_name(self, k: int) -> str:
        metric, scope, window, note = _pick(self.seed * self.kpis + k, KPI_PARTS)
        return f"{metric[0].upper()}{metric[1:]}, {scope}, {window}{note}"


def capacity(objectives: int = 5, krs_per_objective: int = 4, kpis: int = 15) -> int:
    """How many teams get texts distinct from every other team's (each kind's product of
    combinations over its slots a team takes, the least of them)."""
    slots = (
        (OBJECTIVE_PARTS, objectives),
        (KR_PARTS, objectives * krs_per_objective),
        (COMMENT_PARTS, objectives * krs_per_objective),
        (KPI_PARTS, kpis),
        (OWNER_PARTS, ROSTER),
    )
    return min(math.prod(len(p) for p in parts) // per_team for parts, per_team in slots)


def check_capacity(
    teams: int, objectives: int = 5, krs_per_objective: int = 4, kpis: int = 15
) -> None:
    """Refuse ``teams`` teams past ``capacity()``: their texts would repeat other teams'."""
    most = capacity(objectives, krs_per_objective, kpis)
    if teams > most:
        raise ValueError(
            f"the distinct-text shape has texts of their own for {most} teams at most "
            f"(bench/texts.py capacity()), not {teams}: past it they repeat other teams'"
        )
