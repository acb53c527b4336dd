"""A key written twice in one YAML mapping is an error naming both lines. PyYAML keeps
the last silently: until 2026-12-06 a second ``teams:`` pasted at the bottom of the
workspace file dropped every team of the first, and `config check` said ok."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sheets_sync.yamlio import load_yaml, not_settings
from tests.cli.test_ops_cli import run
from tests.conftest import write_team

HEAD = "company: Acme\nperiod: {name: 2026-Q4, start: 2026-10-01, end: 2026-12-31}\n"


def test_a_second_teams_section_is_refused(tmp_path: Path) -> None:
    write_team(tmp_path / "sales.xlsx")
    write_team(tmp_path / "ops.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - {name: Sales, source: sales.xlsx}\n"
        "scoring: {green: 0.7}\n"
        "teams:\n  - {name: Ops, source: ops.xlsx}\n",
        encoding="utf-8",
    )
    line = (
        "error: sheets-sync.yaml: line 6 not valid YAML: the key 'teams' appears twice in one "
        "mapping (first on line 3); the second would silently replace the first\n"
    )
    for command in (["config", "check"], ["sync", "--as-of", "2026-11-23"]):
        assert run(*command, "--config", str(cfg)) == (2, "", line)


def test_a_key_twice_in_a_mapping_file_is_refused(tmp_path: Path) -> None:
    write_team(tmp_path / "sales.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    target: [Goal]\n"
        "    current: [Now]\n    target: [Target]\n",
        encoding="utf-8",
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - {name: Sales, source: sales.xlsx, mapping: mine}\n", encoding="utf-8"
    )
    expected = (
        "error: sheets-sync.yaml: invalid configuration\n"
        "  sheets-sync.yaml: line 4: teams[0].mapping: mine.yaml: line 7 not valid YAML: the key "
        "'target' appears twice in one mapping (first on line 5); the second would silently "
        "replace the first\n"
    )
    assert run("config", "check", "--config", str(cfg)) == (2, "", expected)


def test_a_merge_key_may_be_overridden(tmp_path: Path) -> None:
    """``<<: *defaults`` then a key of the defaults again is YAML's override, not a
    duplicate."""
    write_team(tmp_path / "sales.xlsx")
    write_team(tmp_path / "ops.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "teams:\n  - &sales {name: Sales, source: sales.xlsx, mapping: standard}\n"
        "  - {<<: *sales, name: Ops, source: ops.xlsx}\n",
        encoding="utf-8",
    )
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, err) == (0, ""), out


def test_a_value_where_settings_belong_names_no_class(tmp_path: Path) -> None:
    """``rollup: company.xlsx`` (for ``rollup: {output: company.xlsx}``) said "Input should
    be a valid dictionary or instance of RollupModel"; a mapping's ``header: 3`` the same
    of HeaderSpec."""
    write_team(tmp_path / "sales.xlsx")
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_text(
        "name: mine\nokrs:\n  sheet: [OKRs]\n  header: 3\n", encoding="utf-8"
    )
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        "company: Acme\nperiod: 2026-Q4\nrollup: company.xlsx\n"
        f"scoring: [{', '.join(str(i) for i in range(40))}]\n"
        "teams:\n  - {name: Sales, source: sales.xlsx, mapping: mine}\n  - Ops\n",
        encoding="utf-8",
    )
    code, out, err = run("config", "check", "--config", str(cfg))
    assert (code, out) == (2, "")
    see = "; see docs/configuration.md"
    assert err.splitlines() == [  # the schema's in file order (its own until 2026-12-07)
        "error: sheets-sync.yaml: invalid configuration",
        "  sheets-sync.yaml: line 2: period: should hold settings (key: value), not "
        f"'2026-Q4'{see}",
        "  sheets-sync.yaml: line 3: rollup: should hold settings (key: value), not 'company.xlsx'"
        + see,
        "  sheets-sync.yaml: line 4: scoring: should hold settings (key: value), not [0, 1, 2, 3, "
        "4, "
        f"5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16...{see}",
        f"  sheets-sync.yaml: line 7: teams[1]: should hold settings (key: value), not 'Ops'{see}",
        "  sheets-sync.yaml: line 6: teams[0].mapping: mine.yaml: line 4: okrs.header: should hold "
        "settings "
        "(key: value), not 3; see docs/mappings.md",
    ]


def test_a_key_twice_with_the_same_value_is_a_warning(tmp_path: Path) -> None:
    """``company: Acme`` pasted twice loses nothing: it stopped the night (exit 2)."""
    write_team(tmp_path / "sales.xlsx")
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(
        HEAD + "company: Acme\nteams:\n  - {name: Sales, source: sales.xlsx}\n",
        encoding="utf-8",
    )
    code, _, err = run("config", "check", "--config", str(cfg))
    assert code == 0, err
    assert err.count("the key 'company' appears twice") == 1
    assert (
        "sheets-sync.yaml: line 3: the key 'company' appears twice in one mapping (first on "
        "line 1), with the same value; the second is ignored" in err
    )


@pytest.mark.parametrize(
    ("text", "second"),
    [("yes: a\ntrue: b\n", "true"), ("1: a\n01: b\n", "01"), ("~: a\nnull: b\n", "null")],
)
def test_keys_yaml_reads_as_one_are_the_same_key(text: str, second: str) -> None:
    """Compared by their text, they slipped through, and the second replaced the first."""
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        load_yaml(text)
    assert raised.value.problem == (
        f"the key {second!r} appears twice in one mapping (first on line 1); the second "
        "would silently replace the first"
    )


def test_keys_alike_only_in_text_are_two_keys() -> None:
    assert load_yaml("1: a\n'1': b\n") == {1: "a", "1": "b"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (None, "is empty; it should hold settings (key: value); see d.md"),
        (True, "should hold settings (key: value), not true; see d.md"),
        (["a", "b"], "should hold settings (key: value), not [a, b]; see d.md"),
        ("Ops", "should hold settings (key: value), not 'Ops'; see d.md"),
    ],
)
def test_a_value_where_settings_belong_is_shown_as_yaml(value: object, problem: str) -> None:
    """It said "not None", "not True", "not ['a', 'b']": Python's words, not the file's."""
    assert not_settings(value, "d.md") == problem
