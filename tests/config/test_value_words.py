"""A value of the wrong type or out of bounds is said in the file's words, the same way in
the workspace file and a mapping: what it should be and the value as typed. Pydantic's
own ("Input should be a valid string", "greater than or equal to 1") named Python's types
and showed no value (until 2026-12-06)."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from sheets_sync.config_models import WorkspaceModel
from sheets_sync.errors import ConfigError, MappingError
from sheets_sync.mapping.spec import BUILTIN_DIR, parse_mapping
from tests.config.test_config import _one_team_head, problems

#: wrong values for every key: a number, a float, a boolean, words, a list, settings,
#: empty text, nothing, a negative number, a number YAML keeps as text, a date of no day
WRONG = ["42", "4.5", "yes", "abc", "[a, b]", "{a: b}", "''", "~", "-3", "1e12", "2026-02-30"]
#: pydantic's wording, and Python's names, none of which a problem may show
PYDANTIC = ("Input should", "String should", "valid ", "Datetimes", "Keys should", "None")
SECTIONS = [
    name
    for name, field in WorkspaceModel.model_fields.items()
    if isinstance(field.default, BaseModel)
]


def _keys() -> list[tuple[str, str]]:
    """(section, key) of every setting of the workspace file, its lists' items' keys too."""
    keys = [("", name) for name in ("company", "default_mapping", "teams_glob")]
    keys += [("period", name) for name in ("name", "start", "end")]
    keys += [("teams", name) for name in ("name", "source", "mapping")]
    keys += [("company_objectives", name) for name in ("id", "title", "weight")]
    for section in SECTIONS:
        model = type(WorkspaceModel.model_fields[section].default)
        keys += [(section, name) for name in model.model_fields]
    return keys


def _with(text: str, section: str, key: str, value: str) -> str:
    data: dict[str, Any] = yaml.safe_load(text)
    data["company_objectives"] = [{"id": "C1", "title": "Grow"}]
    if section in ("teams", "company_objectives"):
        data[section][0][key] = "@"
    elif section:
        data.setdefault(section, {})[key] = "@"
    else:
        data[key] = "@"
    return yaml.safe_dump(data).replace("'@'", value)


def test_every_key_of_the_workspace_file_says_a_wrong_value_in_its_words(
    tmp_path: Path,
) -> None:
    base = _one_team_head(tmp_path)
    said = []
    for section, key in _keys():
        for value in WRONG:
            with contextlib.suppress(pytest.fail.Exception):  # loaded: a value it takes
                said += problems(tmp_path, _with(base, section, key, value))
    assert len(said) > 300
    assert [line for line in said if any(word in line for word in PYDANTIC)] == []


MAPPING_KEYS = [
    ("name",),
    ("description",),
    ("okrs", "sheet"),
    ("okrs", "required"),
    ("okrs", "header"),
    ("okrs", "header", "row"),
    ("okrs", "header", "search"),
    ("okrs", "columns"),
    ("okrs", "columns", "target"),
    ("okrs", "required_columns"),
    ("okrs", "fill_down"),
    ("okrs", "layout"),
    ("okrs", "blocks"),
    ("okrs", "blocks", "objective_when_blank"),
    ("okrs", "blocks", "kr_fields"),
    ("okrs", "example_prefix"),
    ("kpis",),
]


def test_every_key_of_a_mapping_says_a_wrong_value_in_its_words() -> None:
    base = yaml.safe_load((BUILTIN_DIR / "standard.yaml").read_text(encoding="utf-8"))
    said: list[str] = []
    for path in MAPPING_KEYS:
        for value in [*WRONG, "{5: [a]}", "[[a]]"]:
            data = copy.deepcopy(base)
            part = data
            for name in path[:-1]:
                part = part.setdefault(name, {})
            part[path[-1]] = "@"
            try:
                parse_mapping(yaml.safe_dump(data).replace("'@'", value), source="m.yaml")
            except MappingError as error:
                said += error.problems or [str(error)]
    assert len(said) > 150
    assert [line for line in said if any(word in line for word in PYDANTIC)] == []


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            "company: 42",
            "company: should be text, not 42; put it in quotes if it is meant as text ('42')",
        ),
        (
            "company: yes",
            "company: should be text, not true (YAML reads yes, no, on and "
            "off as true or false); put it in quotes",
        ),
        ("company: ''", "company: is empty"),
        ("company:", "company: is empty; it should be text"),
        ("backups: {keep: abc}", "backups.keep: should be a whole number, not 'abc'"),
        ("backups: {keep: 2.5}", "backups.keep: should be a whole number, not 2.5"),
        (
            "backups: {keep: 1e3}",
            "backups.keep: should be a whole number written in digits, not 1e3",
        ),
        ("backups: {keep: -1}", "backups.keep: must be at least 0 (got -1)"),
        # "written in digits" said of digits (until 2026-12-06)
        ("backups: {keep: '2.5'}", "backups.keep: should be a whole number, not 2.5"),
        # a number typed as text was never cut: a line of 568 characters
        (
            f"backups: {{keep: '{'1' * 500}'}}",
            f"backups.keep: must be at most 1,000,000,000 (got {'1' * 57}...)",
        ),
        ("scoring: {green: high}", "scoring.green: should be a number, not 'high'"),
        # "should be a number" of a count, and of a number too big for a float (until
        # 2026-12-06): a count is a whole number, and a huge one has a bound to say
        ("backups: {keep: true}", "backups.keep: should be a whole number, not true"),
        ("scoring: {green: true}", "scoring.green: should be a number, not true"),
        (
            f"limits: {{max_workbook_mb: 1{'0' * 400}}}",
            f"limits.max_workbook_mb: must be at most 1,000,000,000 (got 1{'0' * 56}...)",
        ),
        (
            f"scoring: {{green: 1{'0' * 400}}}",
            f"scoring.green: must be at most 1 (got 1{'0' * 56}...)",
        ),
        ("scoring: {green: [1]}", "scoring.green: should be a number, not [1]"),
        ("google: {timeout_seconds: 0}", "google.timeout_seconds: must be above 0 (got 0)"),
        ("history: {keep_snapshots: 0}", "history.keep_snapshots: must be at least 1 (got 0)"),
    ],
)
def test_a_wrong_value_says_what_it_should_be_and_what_it_is(
    tmp_path: Path, setting: str, said: str
) -> None:
    text = _one_team_head(tmp_path)
    if setting.startswith("company:"):
        text = text.replace("company: A\n", "")
    assert problems(tmp_path, f"{setting}\n{text}") == [f"sheets-sync.yaml: line 1: {said}"]


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("  required: maybe", "okrs.required: should be true or false, not 'maybe'"),
        ("  layout: blocks", "okrs.layout: should be 'rows' or 'objective_blocks', not 'blocks'"),
        ("  layout:", "okrs.layout: is empty; it should be 'rows' or 'objective_blocks'"),
        ("  header: {row: 0}", "okrs.header.row: must be at least 1 (got 0)"),
        ("  header: {search: 500}", "okrs.header.search: must be at most 200 (got 500)"),
        # no bound (until 2026-12-07): the team failed every night, "missing column ... in
        # header row 10000000000"; a sheet has no row past Excel's last
        (
            "  header: {row: 10000000000}",
            "okrs.header.row: must be at most 1,048,576, Excel's last row (got 10000000000)",
        ),
        # said as a number alone until a review on 2026-12-07
        (
            "  header: {row: 1048577}",
            "okrs.header.row: must be at most 1,048,576, Excel's last row (got 1048577)",
        ),
        ("  header: {5: x}", "okrs.header: the key 5 should be text"),
        ("  columns: {5: [Goal]}", "okrs.columns: the key 5 should be text"),
        # Python's words for the key YAML read (until 2026-12-06): the key None, the key 1
        ("  header: {~: x}", "okrs.header: the key null should be text"),
        ("  header: {yes: x}", "okrs.header: the key true should be text"),
        ("  header: {1.5: x}", "okrs.header: the key 1.5 should be text"),
        # a key of a mapping shown as a list's index (until 2026-12-06): kr_fields[5]
        (
            "  blocks: {kr_fields: {5: [a]}}",
            "okrs.blocks.kr_fields: the key 5 should be text\n"
            "m.yaml: line 4: okrs.blocks.kr_fields.5: should be text, not [a]",
        ),
        (
            "  example_prefix: 7",
            "okrs.example_prefix: should be text, not 7; put it in quotes "
            "if it is meant as text ('7')",
        ),
    ],
)
def test_a_mapping_says_a_wrong_value_as_the_workspace_file_does(setting: str, said: str) -> None:
    with pytest.raises(MappingError) as caught:
        parse_mapping(f"name: m\nokrs:\n  sheet: [OKRs]\n{setting}\n", source="m.yaml")
    assert caught.value.problems == f"m.yaml: line 4: {said}".split("\n")


def test_a_tab_named_by_a_number_is_asked_for_in_quotes() -> None:
    """``sheet: 2026`` said "should be a list ..., not 2026" (until 2026-12-06)."""
    with pytest.raises(MappingError) as caught:
        parse_mapping("name: m\nokrs:\n  sheet: 2026\n", source="m.yaml")
    assert caught.value.problems == [
        "m.yaml: line 3: okrs.sheet: should be a tab name or a list of them, not 2026; put a name "
        "that is a number in quotes ('2026')"
    ]
    assert parse_mapping("name: m\nokrs:\n  sheet: '2026'\n", source="m.yaml").okrs.sheet == (
        "2026",
    )


def test_the_scoring_section_alone_says_it_the_same_way(tmp_path: Path) -> None:
    """``template`` reads ``scoring`` alone (``load_rules``)."""
    from sheets_sync.config import load_rules

    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text("scoring: {green: 2, yellow: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rules(cfg)
    assert caught.value.problems == [
        "sheets-sync.yaml: line 1: scoring.green: must be at most 1 (got 2)",
        "sheets-sync.yaml: line 1: scoring.yellow: should be a number, not 'x'",
    ]


@pytest.mark.parametrize(
    "error",
    [
        PermissionError(13, "Permission denied", "sheets-sync.yaml"),
        OSError(5, "Input/output error"),
    ],
)
def test_a_workspace_file_it_cannot_read_is_named_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    """Until 2026-12-06 the OS error's own words followed: ``sheets-sync.yaml: cannot read:
    [Errno 13] Permission denied: 'sheets-sync.yaml'``, the file named twice, and Python's
    ``[Errno 5]``."""
    from sheets_sync import config

    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text("company: A\n", encoding="utf-8")

    def refuse(path: Path) -> str:
        raise error

    monkeypatch.setattr(config, "read_text", refuse)
    with pytest.raises(ConfigError) as caught:
        config.load_workspace(cfg)
    assert str(caught.value) == f"{cfg}: cannot read: {error.strerror}"


def test_a_blank_company_name_is_a_problem(tmp_path: Path) -> None:
    """``company: "  "`` loaded, and ``config check`` said ``ok:    , period ...``."""
    text = _one_team_head(tmp_path).replace("company: A", "company: '  '")
    assert problems(tmp_path, text) == [
        "sheets-sync.yaml: line 1: company: is blank; give the name reports and the rollup show"
    ]


def test_a_long_unknown_field_or_key_is_cut() -> None:
    """A mapping's ``unknown field '<name>'`` and a key in a value's place showed a long
    name whole (until 2026-12-06), as no value is."""
    name = "z" * 300
    with pytest.raises(MappingError) as caught:
        parse_mapping(
            f"name: m\nokrs:\n  sheet: [OKRs]\n  blocks: {{kr_fields: {{{name}: [a]}}}}\n",
            source="m.yaml",
        )
    assert caught.value.problems, caught.value.problems
    assert len(caught.value.problems) == 2, caught.value.problems
    assert not [p for p in caught.value.problems if name in p], caught.value.problems
    assert "unknown field 'zzzzzzzz" in caught.value.problems[1]


@pytest.mark.parametrize("name", ["''", "'  '"])
def test_a_blank_period_name_is_a_problem(tmp_path: Path, name: str) -> None:
    """``period: {name: ""}`` loaded (until 2026-12-07): ``config check`` said ``ok: A,
    period  (2026-10-01 to ...)``, and the rollup's Period column, which the next night's
    last good rows are found by, was empty."""
    text = _one_team_head(tmp_path).replace("{name: Q,", f"{{name: {name},")
    said = problems(tmp_path, text)
    assert said == [
        "sheets-sync.yaml: line 2: period.name: is empty"
        if name == "''"
        else "sheets-sync.yaml: line 2: period.name: is blank; give the name reports and the "
        "rollup show"
    ]


def test_a_header_row_at_a_sheets_last_row_is_taken() -> None:
    spec = parse_mapping("name: m\nokrs:\n  sheet: [OKRs]\n  header: {row: 1048576}\n", source="m")
    assert spec.okrs.header.row == 1_048_576
