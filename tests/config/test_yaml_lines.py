"""A problem of the workspace file or of a mapping names the line of the key it is about,
the same way in both (``sheets-sync.yaml: line 4: scoring.green: ...``), as a line of
invalid YAML always was: until 2026-12-07 only the key path (``okrs.header.row``), and the
author counted keys down the file. Rules (docs/configuration.md): the key's line, a list
item's own line; a key left out is named at the settings it is missing from (no line for
the top level, the whole file); a value written under an anchor (``&base``) is named where
it is written, a key beside an alias (``*base``, ``<<: *base``) where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError, MappingError
from sheets_sync.mapping.spec import parse_mapping
from sheets_sync.yamlio import load_yaml_nodes
from sheets_sync.yamlmarks import with_line

HEAD = "company: A\nperiod: {name: Q, start: 2026-10-01, end: 2026-12-31}\n"
CONFIG_DOC = "see docs/configuration.md"
MAPPING_DOC = "see docs/mappings.md"


def _mapping(text: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="m.yaml")
    return caught.value.problems or [str(caught.value)]


def _workspace(tmp_path: Path, text: str | bytes) -> list[str]:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(ConfigError) as caught:
        load_workspace(cfg, files_must_exist=False)
    return caught.value.problems or [str(caught.value)]


HEADER_ROW = "okrs.header.row: should be a whole number, not 'abc'"
GREEN = "scoring.green: should be a number, not 'high'"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  header:\n    serch: 3\n",
            f"line 5: okrs.header.serch: unknown key (did you mean 'search'? {MAPPING_DOC})",
            id="wrong-key-at-depth",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  header:\n    row: abc\n",
            f"line 5: {HEADER_ROW}",
            id="wrong-value-type",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet:\n    - OKRs\n    - [Goals]\n",
            "line 5: okrs.sheet[1]: should be text, not [Goals]",
            id="list-item",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  layout: rows\n  layout: objective_blocks\n",
            "line 5 not valid YAML: the key 'layout' appears twice in one mapping (first on "
            "line 4); the second would silently replace the first",
            id="key-twice",
        ),
        pytest.param(
            "name: m\nokrs: {sheet: [OKRs], header: {row: abc}}\n",
            f"line 2: {HEADER_ROW}",
            id="flow-mapping",
        ),
        pytest.param(
            "name: m\r\nokrs:\r\n  sheet: [OKRs]\r\n  header:\r\n    row: abc\r\n",
            f"line 5: {HEADER_ROW}",
            id="crlf",
        ),
        pytest.param(
            "\ufeffname: m\nokrs:\n  sheet: [OKRs]\n  header:\n    row: abc\n",
            f"line 5: {HEADER_ROW}",
            id="bom",
        ),
        pytest.param("", "is empty; a mapping has name: and okrs: (docs/mappings.md)", id="empty"),
        pytest.param(
            "name: m\nokrs:\n\tsheet: [OKRs]\n",
            "line 3 not valid YAML: found character '\\t' that cannot start any token",
            id="tab-indent",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  header: {}\n  columns:\n    target: [Goal]\n"
            "    objective: 5\n",
            "line 7: okrs.columns.objective: should be a list (- one item a line, or [a, b]), "
            "not 5",
            id="value-under-its-key",
        ),
        pytest.param("okrs:\n  sheet: [OKRs]\n", "name: required", id="top-level-key-left-out"),
    ],
)
def test_a_mapping_problem_names_its_line(text: str, said: str) -> None:
    assert _mapping(text) == [f"m.yaml: {said}"]


def test_a_key_left_out_is_named_at_the_settings_it_is_missing_from(tmp_path: Path) -> None:
    assert _workspace(tmp_path, HEAD + "teams:\n  - {name: S}\n") == [
        "sheets-sync.yaml: line 4: teams[0].source: required"
    ]


def test_an_anchor_is_named_where_it_is_written_a_key_beside_its_alias_where_it_is() -> None:
    """``header: *b`` uses the settings of ``&b``: their bad value is on the anchor's line;
    ``serch`` written beside the merge (``<<: *b``) is on its own."""
    text = "name: m\nbase: &b\n  row: abc\nokrs:\n  sheet: [OKRs]\n  header: *b\n"
    assert _mapping(text.replace("base:", "x-base:")) == [
        f"m.yaml: line 3: {HEADER_ROW}",
        f"m.yaml: line 2: x-base: unknown key (check the spelling; {MAPPING_DOC})",
    ]
    merged = "name: m\nx: &b {row: abc}\nokrs:\n  sheet: [OKRs]\n  header:\n    <<: *b\n"
    assert _mapping(merged + "    serch: 5\n") == [
        f"m.yaml: line 2: {HEADER_ROW}",
        f"m.yaml: line 7: okrs.header.serch: unknown key (did you mean 'search'? {MAPPING_DOC})",
        f"m.yaml: line 2: x: unknown key (check the spelling; {MAPPING_DOC})",
    ]
    # a key of the mapping's own overrides the merged one: its line, not the anchor's
    assert _mapping(merged + "    row: xyz\n") == [
        "m.yaml: line 7: okrs.header.row: should be a whole number, not 'xyz'",
        f"m.yaml: line 2: x: unknown key (check the spelling; {MAPPING_DOC})",
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            HEAD + "teams:\n  - name: S\n    source: s.xlsx\n    mappng: standard\n",
            f"line 6: teams[0].mappng: unknown key (did you mean 'mapping'? {CONFIG_DOC})",
            id="wrong-key-at-depth",
        ),
        pytest.param(
            HEAD + "scoring:\n  green: high\nteams: []\n", f"line 4: {GREEN}", id="wrong-value-type"
        ),
        pytest.param(
            HEAD + "teams:\n  - {name: S, source: s.xlsx}\n  - Ops\n",
            f"line 5: teams[1]: should hold settings (key: value), not 'Ops'; {CONFIG_DOC}",
            id="list-item",
        ),
        pytest.param(
            HEAD + "company: B\nteams: []\n",
            "line 3 not valid YAML: the key 'company' appears twice in one mapping (first on "
            "line 1); the second would silently replace the first",
            id="key-twice",
        ),
        pytest.param(
            "{company: A, period: {name: Q, start: 2026-10-01, end: 2026-12-31}, teams: [], "
            "scoring: {green: high}}\n",
            f"line 1: {GREEN}",
            id="flow-mapping",
        ),
        pytest.param(
            (HEAD + "scoring:\n  green: high\nteams: []\n").replace("\n", "\r\n"),
            f"line 4: {GREEN}",
            id="crlf",
        ),
        pytest.param(
            "\ufeff" + HEAD + "scoring:\n  green: high\nteams: []\n", f"line 4: {GREEN}", id="bom"
        ),
        pytest.param(
            "",
            "is empty; a workspace file has company:, period: and its teams "
            "(docs/configuration.md)",
            id="empty",
        ),
        pytest.param(
            HEAD + "scoring:\n\tgreen: 0.7\n",
            "line 4 not valid YAML: found character '\\t' that cannot start any token",
            id="tab-indent",
        ),
        pytest.param(
            HEAD
            + "teams:\n  - {name: S, source: s.xlsx}\nrollup:\n  output: https://x.example/c\n",
            "line 6: rollup.output: a web address that is no Google Sheet's URL: give the "
            "workbook's local path (a SharePoint or OneDrive file synced to this machine "
            "first), or a Google Sheet's URL, docs.google.com/spreadsheets/d/<key>/edit",
            id="a-check-after-the-schema",
        ),
        pytest.param(
            "period: {name: Q, start: 2026-10-01, end: 2026-12-31}\nteams: []\n",
            "company: required",
            id="top-level-key-left-out",
        ),
    ],
)
def test_a_workspace_problem_names_its_line_as_a_mappings_does(
    tmp_path: Path, text: str, said: str
) -> None:
    assert _workspace(tmp_path, text) == [f"sheets-sync.yaml: {said}"]


def test_anchors_in_the_workspace_file_are_named_as_in_a_mapping(tmp_path: Path) -> None:
    text = HEAD + "teams: []\nx: &d {green: high}\nscoring:\n  <<: *d\n  red: 0.2\n"
    assert _workspace(tmp_path, text) == [  # in file order (the schema's until 2026-12-07)
        f"sheets-sync.yaml: line 4: x: unknown key (check the spelling; {CONFIG_DOC})",
        f"sheets-sync.yaml: line 4: {GREEN}",
        f"sheets-sync.yaml: line 7: scoring.red: unknown key (check the spelling; {CONFIG_DOC})",
    ]


def test_a_check_placed_by_its_key_path_and_only_by_one_the_file_holds() -> None:
    """The checks after the schema say where in their text (``with_line``): a problem that
    begins with no key path of the file is left as it is, never given a wrong line."""
    _, root = load_yaml_nodes("teams_glob: x/*.xlsx\nteams:\n  - {name: S}\n  - {name: T}\n")
    assert [
        with_line("w.yaml", root, problem)
        for problem in (
            "w.yaml: teams[1].name: duplicate team name 'T'",
            "w.yaml: teams_glob (x/a.xlsx): duplicate team name 'a'",
            "w.yaml: teams[7].source: past the list: the list's own line",
            "w.yaml: rollup.output: no such key: unchanged",
            "w.yaml: Sales (s.xlsx): no key path",
            "other.yaml: teams[0].name: another file's",
        )
    ] == [
        "w.yaml: line 4: teams[1].name: duplicate team name 'T'",
        "w.yaml: line 1: teams_glob (x/a.xlsx): duplicate team name 'a'",
        "w.yaml: line 2: teams[7].source: past the list: the list's own line",
        "w.yaml: rollup.output: no such key: unchanged",
        "w.yaml: Sales (s.xlsx): no key path",
        "other.yaml: teams[0].name: another file's",
    ]


KNOWN = (
    "objective_id, objective, objective_type, aligns_to, kr_id, key_result, owner, kr_type, "
    "start, target, current, unit, weight, confidence, due, kpi_link, comment, score, "
    "expected, status, sync_notes"
)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  columns:\n    target: [Goal]\n"
            "    owner: [tagret]\n    tagret: [T]\n",
            ["line 7: okrs.columns: unknown field 'tagret' (did you mean 'target'?)"],
            id="a-column-key-whose-text-is-an-earlier-header",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  layout: objective_blocks\n  blocks:\n"
            "    objective_when_blank: [nme]\n    kr_fields:\n      nme: target\n",
            [
                f"line 6: okrs.blocks.objective_when_blank: unknown field 'nme' (known: {KNOWN})",
                f"line 8: okrs.blocks.kr_fields: unknown field 'nme' (known: {KNOWN})",
            ],
            id="a-renamed-key-after-the-same-name-in-a-list",
        ),
        pytest.param(
            "name: m\nokrs:\n  sheet: [OKRs]\n  layout: objective_blocks\n  blocks:\n"
            "    kr_fields: {\n      kr_id: key_result,\n      owner:\n        nme}\n"
            "    objective_fields:\n      nme: objective\n",
            [  # in file order (until 2026-12-07 the code's: objective_fields first)
                f"line 9: okrs.blocks.kr_fields: unknown field 'nme' (known: {KNOWN})",
                f"line 11: okrs.blocks.objective_fields: unknown field 'nme' (known: {KNOWN})",
            ],
            id="a-pair's-value-on-its-own-line-and-the-same-name-in-another-pair's-key",
        ),
    ],
)
def test_an_unknown_field_is_named_at_its_own_key_or_value_not_an_earlier_same_text(
    text: str, said: list[str]
) -> None:
    """A field name's line is of the place the problem names: a ``columns`` key (never a
    header of the same text in an earlier value), a list's item, the key or the value of
    that one ``kr_fields`` / ``objective_fields`` pair (until the review of 2026-12-07 the
    first key or value of its text anywhere under ``columns`` or ``blocks``)."""
    assert _mapping(text) == [f"m.yaml: {s}" for s in said]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param(
            "name: m\nkpis:\n  sheet: [KPIs]\n  fill_down: [nme]\n  columns: {actuals: [A]}\n"
            "okrs:\n  sheet: [OKRs]\n  fill_down: [objectiv]\n  columns: {tagret: [T]}\n",
            [
                "line 4: kpis.fill_down: unknown field 'nme' (did you mean 'name'?)",
                "line 5: kpis.columns: unknown field 'actuals' (did you mean 'actual'?)",
                "line 8: okrs.fill_down: unknown field 'objectiv' (did you mean 'objective'?)",
                "line 9: okrs.columns: unknown field 'tagret' (did you mean 'target'?)",
            ],
            id="kpis-before-okrs-fill-down-before-columns",
        ),
        pytest.param(
            "name: m\nokrs: {sheet: [OKRs], fill_down: [objectiv], columns: {tagret: [T]}}\n",
            [
                "line 2: okrs.fill_down: unknown field 'objectiv' (did you mean 'objective'?)",
                "line 2: okrs.columns: unknown field 'tagret' (did you mean 'target'?)",
            ],
            id="on-one-line",
        ),
    ],
)
def test_unknown_fields_are_said_in_file_order(text: str, said: list[str]) -> None:
    """Until 2026-12-07 in the code's order, ``okrs`` before ``kpis`` and ``columns``
    before ``fill_down`` wherever the file wrote them; its docstring said file order."""
    assert _mapping(text) == [f"m.yaml: {s}" for s in said]


@pytest.mark.parametrize(
    ("key", "read"),
    [
        ("yes", "true"),
        ("on", "true"),
        ("~", "null"),
        ("null", "null"),
        ("0x1", "1"),
        ("1", "1"),
        ("1.5", "1.5"),
    ],
)
def test_a_key_yaml_reads_as_no_text_is_named_at_its_own_line(
    tmp_path: Path, key: str, read: str
) -> None:
    """The key is found as YAML reads it (``yes`` is true, ``~`` null, ``0x1`` 1), as the
    problem names it: until the review of 2026-12-07 by its text, so ``yes:`` at the top
    level had no line and under ``columns:`` the line of ``columns:``."""
    text = HEAD + "teams:\n  - {name: S, source: 'gsheet:x'}\n" + f"{key}: 3\n"
    assert _workspace(tmp_path, text) == [
        f"sheets-sync.yaml: line 5: (top level): the key {read} should be text"
    ]
    mapping = f"name: m\nokrs:\n  sheet: [OKRs]\n  columns:\n    target: [A]\n    {key}: [B]\n"
    assert _mapping(mapping) == [f"m.yaml: line 6: okrs.columns: the key {read} should be text"]


def test_a_quote_left_open_is_named_where_it_opens(tmp_path: Path) -> None:
    """The end of the file is where PyYAML gives up; the quote's line is where to look.
    Until 2026-12-07 only ``line 5 ... found unexpected end of stream`` was said, from
    a four-line file (found acting as a newcomer: the docs say the line is named)."""
    text = 'company: "Acme\nperiod: {name: Q, start: 2026-10-01, end: 2026-12-31}\nteams: []\n'
    assert _workspace(tmp_path, text) == [
        "sheets-sync.yaml: line 4 not valid YAML: found unexpected end of stream "
        "(while scanning a quoted scalar from line 1)"
    ]
