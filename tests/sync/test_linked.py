"""Which teams a team's KPI links may name, when a held Google team is released, and the
order the next night reads them in."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

from sheets_sync.config import TeamSpec, load_workspace
from sheets_sync.mapping.spec import load_mapping
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.linked import (
    LinkedWrites,
    linked_teams,
    load_links,
    read_order,
    save_links,
)
from sheets_sync.sync.reading import TeamRead
from tests.conftest import CONFIG, write_team
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


def test_links_name_every_team_a_read_names() -> None:
    writes = LinkedWrites(["A", "B", "C"], ["A", "B", "C", "Local"])
    a_in = team([kr(3, "KR1", kpi_link="B/KPI-1"), kr(4, "KR2", kpi_link="Local/KPI-1")], name="A")
    writes.arrived(_read("A"), a_in, linked_teams(a_in))
    writes.arrived(_read("B"), team([kr(3, "KR1")], name="B"))
    writes.arrived(_read("C"), None, frozenset({"a"}))  # a failed read says nothing
    assert writes.links == {"A": ["b", "local"], "B": []}


def test_a_team_is_read_after_the_teams_it_read_last_night() -> None:
    names = ["A", "B", "C", "D"]
    # B reads A, which reads C; D names itself and a team not in the run
    assert read_order(names, {"A": ["c"], "B": ["a"], "D": ["d", "x"]}) == [2, 3, 0, 1]
    assert read_order(names, {}) == [0, 1, 2, 3]
    # teams that read each other keep their order, after the rest
    assert read_order(["A", "B", "C"], {"A": ["b"], "B": ["a"]}) == [2, 0, 1]


def test_links_file_merges_nights_and_forgets_removed_teams(tmp_path: Path) -> None:
    path = tmp_path / "state" / "google-links.json"
    assert load_links(path) == {}
    save_links(path, {"A": ["b"], "Gone": ["a"]}, ["A", "B", "Gone"], load_links(path))
    save_links(path, {"B": ["a"]}, ["A", "B"], load_links(path))  # a --team B night; Gone left
    assert load_links(path) == {"A": ["b"], "B": ["a"]}
    path.write_text("{not json")
    assert load_links(path) == {}  # only an order: a damaged file reads as no links
    blocked = tmp_path / "a-file" / "google-links.json"  # no folder can be made there
    blocked.parent.write_text("")
    save_links(blocked, {"A": ["b"]}, ["A"], {})  # logged: the teams are synced all the same
    assert load_links(blocked) == {}


def test_a_killed_runs_links_temp_file_is_swept_once_an_hour_old(tmp_path: Path) -> None:
    """A run (this version or ef774b1 of 2026-12-04) SIGKILLed between writing the links'
    temp file and renaming it left ``.google-links.json.<random>.tmp`` for good; a night
    whose links did not change (most) wrote nothing, so sweeping only on a write missed it."""
    path = tmp_path / "google-links.json"
    save_links(path, {"A": ["b"]}, ["A"], {})
    stale, young = (tmp_path / f".google-links.json.{n}.tmp" for n in ("k1ll3d0l", "runn1ng0"))
    # a user's copies of a like name, as old: not mkstemp's names, so never ours to delete
    users = [tmp_path / f".google-links.json.{n}.tmp" for n in ("before upgrade", "K1LL3D0L")]
    for temp in (stale, young, *users):
        temp.write_text('{"A": ["b"]}')
    hours_ago = time.time() - 3 * 3600
    for old in (stale, *users):
        os.utime(old, (hours_ago, hours_ago))
    save_links(path, {"A": ["b"]}, ["A"], load_links(path))  # the same links: nothing written
    assert not stale.exists() and young.exists()  # a younger one may be another run's
    assert [u for u in users if not u.exists()] == []
    assert load_links(path) == {"A": ["b"]}


def test_a_team_with_outer_spaces_is_waited_for_by_the_links_naming_it() -> None:
    """``Sales/KPI-1`` reads team " Sales " (``domain.team.linked_kpi``): held until it
    is read, as for any other team; both teams when two differ only by outer spaces."""
    writes = LinkedWrites(["A", " Sales "], ["A", " Sales "])
    a = _read("A")
    a_in = team([kr(3, "KR1", kpi_link="Sales/KPI-1")], name="A")
    sales_in = team([kr(3, "KR1")], name=" Sales ")
    assert writes.arrived(a, a_in, linked_teams(a_in)) == []
    assert writes.arrived(_read(" Sales "), sales_in) == [(a, [sales_in])]
    assert writes.links == {"A": [" sales "], " Sales ": []}
    both = LinkedWrites(["A", "Sales ", " Sales"], ["A", "Sales ", " Sales"])
    assert both.arrived(a, a_in, linked_teams(a_in)) == []
    assert both.arrived(_read("Sales "), None) == []
    assert both.arrived(_read(" Sales"), None) == [(a, [])]


def test_a_night_feeds_a_kr_from_a_team_named_with_outer_spaces(tmp_path: Path) -> None:
    """A full night and a ``--team Ops`` one (which reads " Sales " without writing it)."""
    write_team(tmp_path / "sales.xlsx")  # its KPI-1's actual: 0.048
    link = ["O1", "Grow", "committed", "CO-1", "KR1", "Conversion", "Ann", "number", 0, 0.1]
    write_team(tmp_path / "ops.xlsx", [[*link, None, "%", 1, None, None, "Sales/KPI-1"]], [])
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        CONFIG.replace("teams/sales.xlsx}", "sales.xlsx}").replace(
            "name: Sales,", 'name: " Sales ",'
        )
        + "  - {name: Ops, source: ops.xlsx}\n",
        encoding="utf-8",
    )
    ws = load_workspace(cfg)
    assert [t.name for t in ws.teams] == [" Sales ", "Ops"]
    for teams in ([], ["Ops"]):
        options = SyncOptions(as_of=dt.date(2026, 11, 23), teams=teams, dry_run=True, workers=1)
        runs = {r.team: r.result for r in Sync(ws).run(options).runs}
        ops = runs["Ops"]
        assert ops is not None
        # the team as configured, as the KPIs table names it (until 2026-12-07 as typed)
        fed = [(k.current, k.current_from) for k in ops.key_results]
        assert fed == [(0.048, " Sales /KPI-1")]
