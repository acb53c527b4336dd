"""Company objective IDs in the workspace file compare as a team's Aligns to does
(``ids.id_key``): two that would be one for an Aligns to are a duplicate."""

from __future__ import annotations

from pathlib import Path

from tests.config.test_config import _one_team_head, problems


def test_company_objective_ids_that_compare_alike_are_a_duplicate(tmp_path: Path) -> None:
    base = _one_team_head(tmp_path)
    found = problems(
        tmp_path,
        base + "company_objectives:\n  - {id: C1, title: Grow}\n  - {id: Ｃ１, title: Keep}\n"
        "  - {id: C1, title: Run}\n",
    )
    assert found == [
        "sheets-sync.yaml: line 7: company_objectives[1].id: duplicate id 'Ｃ１' (the same as "
        "'C1')",
        "sheets-sync.yaml: line 8: company_objectives[2].id: duplicate id 'C1'",
    ]
