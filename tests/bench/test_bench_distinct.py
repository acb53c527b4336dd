"""The bench's distinct-text shape: every team's texts its own (bench/texts.py)."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from bench.generate import Shape, write_team
from bench.texts import TeamTexts, capacity
from sheets_sync.mapping.fields import KPI_FIELDS, OKR_FIELDS

OKR_TEXTS = ("objective", "key_result", "owner", "comment")
KPI_TEXTS = ("name", "owner")


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {tab: book.get_sheet_by_name(tab).to_python() for tab in ("OKRs", "KPIs", "Data")}


def _texts(cells: dict[str, list[list[Any]]]) -> set[str]:
    """The team's own texts: the OKR and KPI tabs' text columns, every non-empty cell."""
    found = set()
    for tab, fields, wanted in (("OKRs", OKR_FIELDS, OKR_TEXTS), ("KPIs", KPI_FIELDS, KPI_TEXTS)):
        columns = [i for i, (field, _) in enumerate(fields) if field in wanted]
        found |= {row[i] for row in cells[tab][1:] for i in columns if row[i] != ""}
    return found


def test_the_distinct_shape_is_seeded_and_each_teams_own(tmp_path: Path) -> None:
    distinct = Shape(distinct_texts=True)
    for name, shape in (("a", distinct), ("b", distinct), ("default", Shape())):
        for seed in (0, 1, 2):
            (tmp_path / name).mkdir(exist_ok=True)
            write_team(tmp_path / name / f"{seed}.xlsx", seed=seed, shape=shape)
    one = {seed: _cells(tmp_path / "a" / f"{seed}.xlsx") for seed in (0, 1, 2)}
    # the same seed, the same cells (the files differ only in their creation time)
    assert all(_cells(tmp_path / "b" / f"{seed}.xlsx") == one[seed] for seed in (0, 1, 2))
    texts = {seed: _texts(cells) for seed, cells in one.items()}
    # each team's objectives, KRs, owners, comments and KPI names: none another team's
    assert all(len(t) >= 5 + 20 + 5 + 15 for t in texts.values())
    assert not texts[0] & texts[1] and not texts[0] & texts[2] and not texts[1] & texts[2]
    assert any(not text.isascii() for text in texts[0] | texts[1] | texts[2])
    # beside the default shape: the same numbers, dates, formulas and IDs, texts apart
    for seed in (0, 1, 2):
        default = _cells(tmp_path / "default" / f"{seed}.xlsx")
        assert default["Data"] == one[seed]["Data"]
        for tab, fields, wanted in (
            ("OKRs", OKR_FIELDS, OKR_TEXTS),
            ("KPIs", KPI_FIELDS, KPI_TEXTS),
        ):
            keep = [i for i, (field, _) in enumerate(fields) if field not in wanted]
            assert [[r[i] for i in keep] for r in default[tab]] == [
                [r[i] for i in keep] for r in one[seed][tab]
            ]
        # where the default writes a comment, the distinct shape writes its own
        column = [f for f, _ in OKR_FIELDS].index("comment")
        blank = [[r[column] == "" for r in t["OKRs"]] for t in (default, one[seed])]
        assert blank[0] == blank[1]
    # the default's texts repeat across teams (what the distinct shape is for)
    default_texts = [_texts(_cells(tmp_path / "default" / f"{seed}.xlsx")) for seed in (0, 1)]
    assert default_texts[0] & default_texts[1]


def test_texts_stay_distinct_across_the_benchs_largest_workspace() -> None:
    """Every text of every kind, of 2,000 teams (the bench's largest size), distinct: the
    parts are chosen by a bijection of the slots, not drawn at random."""
    assert capacity() >= 2000
    kinds: dict[str, list[str]] = {"objective": [], "kr": [], "comment": [], "kpi": [], "owner": []}
    for seed in range(2000):
        t = TeamTexts(seed, 5, 4, 15)
        kinds["objective"] += [t.objective(o) for o in range(5)]
        kinds["kr"] += [t.key_result(o, k) for o in range(5) for k in range(4)]
        kinds["comment"] += [t.comment(o, k) for o in range(5) for k in range(4)]
        kinds["kpi"] += [t.kpi_name(k) for k in range(15)]
        kinds["owner"] += t.roster
    for kind, texts in kinds.items():
        assert len(set(texts)) == len(texts), kind
        assert sum(not t.isascii() for t in texts) > len(texts) // 10, kind
    # lengths as people write them, not "Indicator 3"
    median = {kind: statistics.median(len(t) for t in texts) for kind, texts in kinds.items()}
    assert 60 <= median["kr"] <= 110 and 60 <= median["comment"] <= 120
    assert 40 <= median["objective"] <= 90 and 30 <= median["kpi"] <= 70
    assert 10 <= median["owner"] <= 25
    # a team's same slot begins differently from team to team
    assert len({TeamTexts(s, 5, 4, 15).key_result(0, 1).split()[0] for s in range(40)}) > 5
    assert TeamTexts(7, 5, 4, 15).key_result(1, 2) == TeamTexts(7, 5, 4, 15).key_result(1, 2)
