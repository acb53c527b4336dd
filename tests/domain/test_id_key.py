"""IDs are kept as typed and compared through one rule (``ids.id_key``: NFKC, case and
spaces around ignored), on both sides of every comparison: objective of a key result,
duplicates, Aligns to against the configuration's company objectives, KPI links. For a
day (2026-12-06) the sheet's reader rewrote IDs in NFKC instead: an Aligns to ``Ｃ１``
matched no company objective the configuration spells ``Ｃ１``."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_sync.domain.company import score_company_objectives
from sheets_sync.domain.ids import id_key
from sheets_sync.domain.models import (
    KPI,
    CompanyObjective,
    KeyResult,
    Objective,
    Period,
    TeamInput,
    TeamResult,
)
from sheets_sync.domain.team import evaluate_team
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping

PERIOD = Period("Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
AS_OF = dt.date(2026, 11, 15)
HEAD = ("#", "Goal / Key result", "Type", "Aligns to", "Owner", "Baseline", "Goal", "Actual")


def _team(aligns_to: str) -> TeamInput:
    """Read from a sheet, as a night reads it: ``Ｏ１`` aligned to ``aligns_to``."""
    rows = (
        ("Ｏ１", "Build", "committed", aligns_to, "Ana"),
        ("ＫＲ１", "Grow", "number", None, "T", 0, 10, 5),
    )
    data = WorkbookData("m.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", (HEAD, *rows))})
    return build_team_input("M", extract(data, load_mapping("objective-blocks")))


def _evaluate(team: TeamInput, companies: frozenset[str] | None = None) -> TeamResult:
    return evaluate_team(team, period=PERIOD, as_of=AS_OF, company_objective_ids=companies)


@pytest.mark.parametrize(
    ("typed", "text"),
    [("Ｏ１", "o1"), ("O1 ", "o1"), ("①", "1"), ("Ⅳ", "iv"), ("KR²", "kr2"), ("O\u00a01", "o 1")],
)
def test_id_key(typed: str, text: str) -> None:
    assert id_key(typed) == text


def test_ids_are_kept_as_typed() -> None:
    team = _team("Ｃ１")
    assert [(o.id, o.aligns_to) for o in team.objectives] == [("Ｏ１", "Ｃ１")]
    assert [(k.objective_id, k.id) for k in team.key_results] == [("Ｏ１", "ＫＲ１")]


@pytest.mark.parametrize(
    ("typed", "configured"),
    [("Ｃ１", "Ｃ１"), ("C1", "C1"), ("Ｃ１", "C1"), ("c1", "C1"), ("C1", "Ｃ１")],
)
def test_an_aligns_to_names_a_company_objective_as_ids_compare(typed: str, configured: str) -> None:
    """Aligned, the objective reads the configuration's ID: the company's score and the
    rollup (which match it exactly) count it."""
    result = _evaluate(_team(typed), frozenset({configured, "C2"}))
    assert [f.message for f in result.findings if "company objective" in f.message] == []
    assert [o.objective.aligns_to for o in result.objectives] == [configured]
    company = score_company_objectives([CompanyObjective(configured, "Grow")], [result])
    assert [len(c.aligned) for c in company] == [1]


def test_an_aligns_to_naming_no_company_objective_is_said() -> None:
    result = _evaluate(_team("Ｃ３"), frozenset({"C1"}))
    assert [f.message for f in result.findings if "company objective" in f.message] == [
        "aligns to Ｃ３, which is not a company objective in the workspace"
    ]
    assert [o.objective.aligns_to for o in result.objectives] == ["Ｃ３"]


def test_a_key_result_under_a_full_width_objective_id_is_its() -> None:
    """``O1`` on the key result, ``Ｏ１`` on the objective: one objective, scored."""
    team = TeamInput(
        "M",
        "m.xlsx",
        (Objective("Ｏ１", "Build"),),
        (KeyResult("O1", "KR1", start=0, target=10, current=5),),
    )
    result = _evaluate(team)
    assert [len(o.key_results) for o in result.objectives] == [1]
    # its rows name the objective as the objective's row does (the rollup joins on it)
    assert [k.kr.objective_id for k in result.key_results] == ["Ｏ１"]
    assert not [f for f in result.findings if "unknown objective" in f.message]


def test_a_full_width_repeat_of_an_id_is_a_duplicate() -> None:
    team = TeamInput(
        "M",
        "m.xlsx",
        (Objective("O1", "Build"),),
        tuple(KeyResult("O1", i, start=0, target=10, current=5) for i in ("KR1", "ＫＲ１")),
        tuple(KPI(i, target=10, actual=5, as_of=AS_OF) for i in ("KPI-1", "ＫＰＩ-1")),
    )
    result = _evaluate(team)
    assert [f.message for f in result.errors if "duplicate" in f.message] == [
        "duplicate key result ID ＫＲ１",
        "duplicate KPI ID ＫＰＩ-1",
    ]
    assert [k.kr.id for k in result.key_results] == ["KR1"]


def test_a_kpi_link_names_its_kpi_as_ids_compare() -> None:
    kr = KeyResult("O1", "KR1", start=0, target=10, kpi_link="ＫＰＩ-1")
    team = TeamInput(
        "M", "m.xlsx", (Objective("O1", "Build"),), (kr,), (KPI("KPI-1", actual=7, as_of=AS_OF),)
    )
    result = _evaluate(team)
    # named as the KPI's row is (until 2026-12-07 as typed, "M/ＫＰＩ-1")
    assert [(k.current, k.current_from) for k in result.key_results] == [(7, "M/KPI-1")]


def test_objectives_typed_o1_and_o1_in_another_case_are_one() -> None:
    """Said at the second header (its other title ignored), both key results scored
    under the first: two objectives until 2026-12-06."""
    rows = (
        ("O1", "Build", "committed", None, "Ana"),
        ("KR1", "Grow", "number", None, "T", 0, 10, 5),
        ("ｏ１", "Build again", "committed", None, "Ana"),
        ("KR2", "Grow", "number", None, "T", 0, 10, 5),
    )
    data = WorkbookData("m.xlsx", ("Goals",), {"Goals": SheetGrid("Goals", (HEAD, *rows))})
    result = _evaluate(build_team_input("M", extract(data, load_mapping("objective-blocks"))))
    assert [(o.objective.id, len(o.key_results)) for o in result.objectives] == [("O1", 2)]
    assert [k.kr.objective_id for k in result.key_results] == ["O1", "O1"]
    assert [str(f) for f in result.findings if "already has" in f.message] == [
        "m.xlsx!Goals!B4: objective ｏ１ already has title 'Build' (row 2); 'Build again' is "
        "ignored"
    ]
