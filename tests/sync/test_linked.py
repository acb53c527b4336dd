"""Which teams a team's KPI links may name, and when a held Google team is released."""

from __future__ import annotations

from sheets_sync.config import TeamSpec
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.sync.linked import LinkedWrites, linked_teams
from sheets_sync.sync.reading import TeamRead
from tests.domain.test_team import kr, team


def test_every_part_before_a_slash_is_a_candidate() -> None:
    links = ["KPI-1", "Ops/KPI-2", " Sales / EMEA /KPI-3", None, "/odd"]
    found = linked_teams(team([kr(3 + i, f"KR{i}", kpi_link=x) for i, x in enumerate(links)]))
    assert found == {"ops", "sales", "sales / emea", ""}


def _read(name: str) -> TeamRead:
    mapping = load_mapping("standard", None)
    return TeamRead(TeamSpec(name, f"gsheet:{name}", "standard", mapping))


def test_held_until_the_teams_named_are_read() -> None:
    writes = LinkedWrites(["A", "B", "Sales/EMEA"], ["A", "B", "Sales/EMEA", "Local"])
    a, b, emea = _read("A"), _read("B"), _read("Sales/EMEA")
    a_in = team([kr(3, "KR1", kpi_link="Sales/EMEA/KPI-1")], name="A")
    emea_in = team([kr(3, "KR1")], name="Sales/EMEA")
    assert writes.arrived(a, a_in, linked_teams(a_in)) == []  # "sales" is no team: ignored
    assert writes.arrived(b, None) == []
    assert writes.arrived(emea, emea_in) == [(a, [emea_in])]
    assert writes.arrived(_read("B"), None, frozenset({"local"})) == []  # not Google: not held
    assert writes.arrived(_read("B"), None, frozenset({"nobody"})) == []  # no team: not held


def test_a_failed_read_releases_with_no_input() -> None:
    writes = LinkedWrites(["A", "B"], ["A", "B"])
    a = _read("A")
    a_in = team([kr(3, "KR1", kpi_link="B/KPI-1")], name="A")
    assert writes.arrived(a, a_in, frozenset({"b"})) == []
    assert writes.arrived(_read("B"), None) == [(a, [])]
