"""A value of the wrong shape is one problem at its key, in the file's words: a union's
types each gave a problem at a location no file has (``teams_glob.list[str][0]``), and a
date typed as a number was read as seconds since 1970."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_rules
from sheets_sync.errors import ConfigError
from tests.config.test_config import _one_team_head, problems

PATTERN = "should be a pattern such as 'teams/*.xlsx', or a list of patterns, not "


@pytest.mark.parametrize(
    ("value", "shown"), [("5", "5"), ("[~, a]", "[null, a]"), ("{a: b}", "{a: b}")]
)
def test_teams_glob_of_another_shape_is_one_problem_at_its_key(
    tmp_path: Path, value: str, shown: str
) -> None:
    """Until 2026-12-06: ``teams_glob.str: Input should be a valid string`` and
    ``teams_glob.list[str][0]: Input should be a valid string``."""
    found = problems(tmp_path, _one_team_head(tmp_path) + f"teams_glob: {value}\n")
    assert found == [f"sheets-sync.yaml: line 5: teams_glob: {PATTERN}{shown}"]


def test_a_period_date_typed_as_a_number_asks_for_a_date(tmp_path: Path) -> None:
    """Until 2026-12-06: ``period.start: Datetimes provided to dates should have zero time
    - e.g. be exact dates`` (20261001 read as seconds since 1970)."""
    text = _one_team_head(tmp_path).replace(
        "start: 2026-10-01, end: 2026-12-31", "start: 20261001, end: 2026.5"
    )
    assert problems(tmp_path, text) == [
        "sheets-sync.yaml: line 2: period.start: should be a date written as YYYY-MM-DD "
        "(2026-10-01), not 20261001",
        "sheets-sync.yaml: line 2: period.end: should be a date written as YYYY-MM-DD "
        "(2026-10-01), not 2026.5",
    ]


def test_an_unknown_key_names_the_known_key_nearest_to_it(tmp_path: Path) -> None:
    """Until 2026-12-06 each said only "check the spelling", as one near none still does."""
    text = _one_team_head(tmp_path).replace("source:", "sorce: x, source:")
    text += "scoring: {gren: 0.8}\nhistroy: {}\ngoogle: {xyzzy: 1}\n"
    doc = "see docs/configuration.md)"
    assert problems(tmp_path, text) == [  # in file order (the schema's until 2026-12-07)
        f"sheets-sync.yaml: line 4: teams[0].sorce: unknown key (did you mean 'source'? {doc}",
        f"sheets-sync.yaml: line 5: scoring.gren: unknown key (did you mean 'green'? {doc}",
        f"sheets-sync.yaml: line 6: histroy: unknown key (did you mean 'history'? {doc}",
        f"sheets-sync.yaml: line 7: google.xyzzy: unknown key (check the spelling; {doc}",
    ]


def test_a_value_where_a_list_belongs_says_list(tmp_path: Path) -> None:
    """Pydantic said "Input should be a valid list" (a mapping's "valid tuple", a Python
    type's name) until 2026-12-06."""
    text = "company: A\nperiod: {name: Q, start: 2026-10-01, end: 2026-12-31}\n"
    text += "teams: Sales\ncompany_objectives: ~\n"
    assert problems(tmp_path, text) == [  # in file order (the schema's until 2026-12-07)
        "sheets-sync.yaml: line 3: teams: should be a list (- one item a line, or [a, b]), not "
        "'Sales'",
        "sheets-sync.yaml: line 4: company_objectives: is empty; it should be a list (- one item a "
        "line, or [a, b])",
    ]
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  fill_down: objective\n", encoding="utf-8"
    )
    text = text.replace("teams: Sales\ncompany_objectives: ~\n", "default_mapping: mine\n")
    assert problems(tmp_path, text + "teams_glob: '*.xlsx'\n")[0] == (
        "sheets-sync.yaml: line 3: default_mapping: mine.yaml: line 4: okrs.fill_down: should "
        "be a list (- one "
        "item a line, or [a, b]), not 'objective'"
    )


def test_the_scoring_section_alone_says_its_problems_in_file_order(tmp_path: Path) -> None:
    """``template`` reads ``scoring`` alone (``load_rules``): its problems in file order
    too, not the schema's (``green`` before ``yellow`` until 2026-12-07)."""
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text("scoring:\n  yellow: x\n  gren: 1\n  green: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rules(cfg)
    assert caught.value.problems == [
        "sheets-sync.yaml: line 2: scoring.yellow: should be a number, not 'x'",
        "sheets-sync.yaml: line 3: scoring.gren: unknown key (did you mean 'green'? see "
        "docs/configuration.md)",
        "sheets-sync.yaml: line 4: scoring.green: must be at most 1 (got 2)",
    ]
