"""Where the built-in mappings come from, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.errors import MappingError
from sheets_sync.mapping.spec import BUILTIN_DIR, builtin_mappings, load_mapping, parse_mapping


def test_builtin_mappings_ship_inside_the_package() -> None:
    """A wheel has no top-level ``mappings/``: the package's own link must reach them."""
    top = Path(__file__).resolve().parents[2] / "mappings"
    assert BUILTIN_DIR.is_relative_to(Path(__file__).resolve().parents[2] / "sheets_sync")
    assert sorted(p.name for p in BUILTIN_DIR.glob("*.yaml")) == sorted(
        p.name for p in top.glob("*.yaml")
    )
    assert "standard" in builtin_mappings()


def test_a_misspelt_field_in_a_mapping_is_an_error_not_ignored() -> None:
    """``tagret:`` mapped nothing and the team failed later with "missing column"; unknown
    field names are errors at load, as unknown keys in the workspace file are."""
    text = """name: mine
okrs:
  sheet: [OKRs]
  columns: {tagret: [Goal], bogus: [X]}
  fill_down: [objectiv]
kpis:
  sheet: [KPIs]
  columns: {actuals: [This month]}
"""
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems[0] == (
        "mine.yaml: line 4: okrs.columns: unknown field 'tagret' (did you mean 'target'?)"
    )
    assert caught.value.problems[1].startswith(
        "mine.yaml: line 4: okrs.columns: unknown field 'bogus' (known: objective_id, objective, "
    )
    assert caught.value.problems[2:] == [
        "mine.yaml: line 5: okrs.fill_down: unknown field 'objectiv' (did you mean 'objective'?)",
        "mine.yaml: line 8: kpis.columns: unknown field 'actuals' (did you mean 'actual'?)",
    ]


def test_a_misspelt_field_is_reported_beside_a_misspelt_key() -> None:
    """docs/mappings.md: every problem of a mapping is reported at once. A misspelt key
    (`requried:`) hid a misspelt field (`tagret:`) until it was fixed and the run repeated."""
    text = """name: mine
okrs:
  sheet: [OKRs]
  columns: {tagret: [Goal]}
  blocks: {objective_when_blank: [curent], kr_fields: 3}
kpis:
  sheet: [KPIs]
  requried: false
  fill_down: [nme]
"""
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        "mine.yaml: line 5: okrs.blocks.kr_fields: should hold settings (key: value), not 3; see "
        "docs/mappings.md",
        "mine.yaml: line 8: kpis.requried: unknown key (did you mean 'required'? see "
        "docs/mappings.md)",
        "mine.yaml: line 4: okrs.columns: unknown field 'tagret' (did you mean 'target'?)",
        "mine.yaml: line 5: okrs.blocks.objective_when_blank: unknown field 'curent' "
        "(did you mean 'current'?)",
        "mine.yaml: line 9: kpis.fill_down: unknown field 'nme' (did you mean 'name'?)",
    ]


def test_every_builtin_mapping_loads() -> None:
    for name in builtin_mappings():
        assert load_mapping(name).name == name


def test_a_header_given_to_two_fields_is_an_error() -> None:
    """Only the field listed last got the column, silently: ``comment: [Notes]`` beside
    ``score: [Notes]`` had the sync write scores over the team's Notes; ``score:
    [Comment]`` added a second Comment column for the scores (both until 2026-12-06)."""
    text = """name: mine
okrs:
  sheet: [OKRs]
  columns:
    comment: [Comment, Notes]
    score: [Score, notes]
kpis:
  sheet: [KPIs]
  columns: {status: [Comment]}
"""
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        "mine.yaml: line 4: okrs.columns: header 'notes' is given for both comment and score; a "
        "column is read as one field, so give each field headers of its own",
        "mine.yaml: line 9: kpis.columns: header 'Comment' is given for both status and comment "
        "(the default header of comment); a column is read as one field, so give each "
        "field headers of its own",
    ]


@pytest.mark.parametrize(
    ("tabs", "problem"),
    [
        # failed each team with "no tab named " (a kpis one with an internal error)
        (
            "okrs:\n  sheet: []\n",
            "line 3: okrs.sheet: names no tab; give one or more tab names, as ",
        ),
        (
            "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: []\n  required: false\n",
            "line 5: kpis.sheet: names ",
        ),
        ('okrs:\n  sheet: [OKRs, " "]\n', "line 3: okrs.sheet: a tab name is blank"),
        # an internal error (IndexError) for each team
        (
            "okrs:\n  sheet: [OKRs]\n  columns: {target: []}\n",
            "line 4: okrs.columns: target has no ",
        ),
        # matched every cell of no letter or digit as that field's header
        (
            'okrs:\n  sheet: [OKRs]\n  columns: {target: ["-"]}\n',
            "line 4: okrs.columns: target: header '-' has no letter or digit (nor % or #)",
        ),
    ],
)
def test_a_tab_or_field_with_nothing_to_look_for_is_an_error(tabs: str, problem: str) -> None:
    """Until 2026-12-06 these loaded, and each team using them failed at read time."""
    with pytest.raises(MappingError) as caught:
        parse_mapping("name: mine\n" + tabs, source="mine.yaml")
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(f"mine.yaml: {problem}")


@pytest.mark.parametrize("prefix", ['""', '" "'])
def test_a_blank_example_prefix_is_an_error(prefix: str) -> None:
    """``example_prefix: ""`` skipped every row as an example: the team read as 0 rows and
    0 findings, its goals gone from the rollup without a word (until 2026-12-06)."""
    text = f"name: mine\nokrs:\n  sheet: [OKRs]\n  example_prefix: {prefix}\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        "mine.yaml: line 4: okrs.example_prefix: is blank, so every row would be skipped as an "
        "example; give the word example rows start with (the default: example)"
    ]


@pytest.mark.parametrize(("header", "value"), [("row: yes", "true"), ("search: no", "false")])
def test_yes_or_no_for_a_header_row_is_an_error(header: str, value: str) -> None:
    """YAML reads yes/no as booleans, which pydantic took as 1 and 0: ``row: yes`` read the
    header from row 1, ``search: no`` said "greater than or equal to 1" (until 2026-12-06),
    as the workspace file's numbers did until 2026-12-04."""
    text = f"name: mine\nokrs:\n  sheet: [OKRs]\n  header: {{{header}}}\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    key = header.split(":", maxsplit=1)[0]
    assert caught.value.problems == [
        f"mine.yaml: line 4: okrs.header.{key}: should be a whole number, not {value}"
    ]


def test_a_tab_named_for_both_goals_and_kpis_is_an_error() -> None:
    """Their owned columns share headers (Status, Sync notes): the sync wrote a key
    result's status and then a KPI's into one cell, ``OKRs!T2: 'On track'`` and then
    ``OKRs!T2: 'Red'`` (until 2026-12-06)."""
    text = "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [okrs, KPIs]\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        "mine.yaml: line 5: kpis.sheet: okrs is a tab of okrs.sheet too; the key results and the "
        "KPIs are each read from a tab of their own"
    ]


def test_the_tab_named_for_both_is_named_as_typed() -> None:
    """In words, as the team types it in the YAML and on the tab (``grid.as_typed``):
    until 2026-12-07 Python's repr (``"Bob's OKRs"``, ``'OKRs'``), then for a day a
    formula's quoting, ``'Bob''s OKRs'``, a doubled quote the team never types."""
    text = "name: mine\nokrs:\n  sheet: [Bob's OKRs]\nkpis:\n  sheet: [Bob's OKRs]\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        'mine.yaml: line 5: kpis.sheet: "Bob\'s OKRs" is a tab of okrs.sheet too; the key results '
        "and "
        "the KPIs are each read from a tab of their own"
    ]


@pytest.mark.parametrize(
    "columns",
    [
        "key_result: [Key result, KR, Comment]",
        "confidence: [Confidence, Conf]\n    comment: [Comment, Conf]",
        "objective_id: [Objective ID, ID]\n    kr_id: [KR ID, ID]",
    ],
)
def test_a_fallback_header_shared_by_two_read_fields_loads(columns: str) -> None:
    """Mappings list fallback headers a sheet may not have; two fields that are only read
    sharing one overwrite nothing, and the mapping loads as before 2026-12-06 (when the
    check refused it, and so stopped every team)."""
    text = f"name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    {columns}\n"
    assert parse_mapping(text, source="mine.yaml").okrs.columns


def test_a_fallback_kpi_header_shared_by_two_read_fields_loads() -> None:
    text = "name: mine\nokrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
    text += "  columns:\n    id: [KPI ID, KPI]\n"
    spec = parse_mapping(text, source="mine.yaml")
    assert spec.kpis is not None
    assert spec.kpis.columns["id"] == ("KPI ID", "KPI")


@pytest.mark.parametrize("owned", ["Score", "Status"])
def test_a_read_header_shared_with_a_written_field_is_still_an_error(owned: str) -> None:
    """``confidence: [Confidence, Status]``: a team's Status column, its confidence, is
    the owned status's column too, and the sync writes over it."""
    text = (
        f"name: mine\nokrs:\n  sheet: [OKRs]\n  columns:\n    confidence: [Confidence, {owned}]\n"
    )
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        f"mine.yaml: line 4: okrs.columns: header {owned!r} is given for both confidence and "
        f"{owned.lower()} (the default header of {owned.lower()}); a column is read as one "
        "field, so give each field headers of its own"
    ]


@pytest.mark.parametrize(
    "sheets",
    [
        "okrs:\n  sheet: [OKRs, Sheet1]\nkpis:\n  sheet: [KPIs, Sheet1]\n",
        "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs, okrs]\n",
    ],
)
def test_a_fallback_tab_name_in_both_lists_loads(sheets: str) -> None:
    """A workbook with both first tabs reads each kind from its own: refused at load, the
    mapping stopped every team (for a while on 2026-12-06). A workbook where both lists
    meet on one tab fails alone, at read time (``test_header``)."""
    spec = parse_mapping("name: mine\n" + sheets, source="mine.yaml")
    assert spec.kpis is not None


@pytest.mark.parametrize(
    ("tabs", "problem"),
    [
        # two required fields: the team failed "missing column Goal (looked for 'Goal') in
        # header row 1", a row with a Goal column
        (
            "okrs:\n  sheet: [OKRs]\n  columns: {target: [Goal], current: [Goal]}\n",
            "line 4: okrs.columns: target: header 'Goal' is given to current too, which takes the "
            "column (the field listed last does), so target is never read; give target a "
            "header of its own",
        ),
        # a column of IDs headed "Objective": the title's default header took it
        (
            "okrs:\n  sheet: [OKRs]\n  columns: {objective_id: [Objective]}\n",
            "line 4: okrs.columns: objective_id: header 'Objective' is given to objective too (its "
            "default header), which takes the column (the field listed last does), so "
            "objective_id is never read; give objective_id a header of its own",
        ),
        # a KPI tab headed "KPI | Description | Actual", its IDs under KPI
        (
            "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n  columns: {id: [KPI]}\n",
            "line 6: kpis.columns: id: header 'KPI' is given to name too (its default header), "
            "which "
            "takes the column (the field listed last does), so id is never read; give id a "
            "header of its own",
        ),
    ],
)
def test_a_required_field_whose_every_header_another_field_takes_is_an_error(
    tabs: str, problem: str
) -> None:
    """The field listed last (a field not listed: after every listed one) takes a header
    two fields share, so a field with no header of its own never found its column: a
    required one failed the team every night. (One not required reads blank: it is said,
    ``test_spec_said``.)"""
    with pytest.raises(MappingError) as caught:
        parse_mapping("name: mine\n" + tabs, source="mine.yaml")
    assert caught.value.problems == [f"mine.yaml: {problem}"]


def test_objective_blocks_with_no_field_to_tell_an_objective_row_is_an_error() -> None:
    """``objective_when_blank: []``: every row was an objective row (each is blank in no
    field), so a tab of key results read as objectives with none, ``"number" is not one
    of: committed, aspirational`` on each KR row (until 2026-12-07)."""
    text = (
        "name: mine\nokrs:\n  sheet: [Goals]\n  layout: objective_blocks\n"
        "  blocks: {objective_when_blank: []}\n"
    )
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert caught.value.problems == [
        "mine.yaml: line 5: okrs.blocks.objective_when_blank: names no field, so every row would "
        "be "
        "read as an objective; give the fields an objective row leaves blank, as [start, "
        "target, current]"
    ]


def test_objective_blocks_naming_no_field_is_said_with_the_other_problems() -> None:
    """Checked as the schema was read, ``objective_when_blank: []`` was the only problem
    said, and the author fixed one a load (until 2026-12-07)."""
    text = (
        "name: mine\nokrs:\n  sheet: [Goals]\n  layout: objective_blocks\n"
        "  columns: {target: [Goal], current: [Goal]}\n  blocks: {objective_when_blank: []}\n"
    )
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="mine.yaml")
    assert [p.split(": ")[1:3] for p in caught.value.problems] == [
        ["line 5", "okrs.columns"],
        ["line 6", "okrs.blocks.objective_when_blank"],
    ]


@pytest.mark.parametrize(
    ("tabs", "kind", "said"),
    [
        # the author forgot the layout: each row "objective ID is missing"
        (
            "okrs:\n  sheet: [Goals]\n  blocks: {objective_fields: {kr_id: objective_id}}\n",
            "okrs",
            "okrs.blocks: is read only with layout: objective_blocks (this tab's layout is "
            "rows), so it is not read; add layout: objective_blocks, or remove blocks",
        ),
        # KPIs are never read in blocks: "add layout: objective_blocks" was refused next
        (
            "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n"
            "  blocks: {objective_when_blank: [actual]}\n",
            "kpis",
            "kpis.blocks: is not read (KPIs are read a row each); remove blocks",
        ),
        # KPIs are read a row each
        (
            "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n  layout: objective_blocks\n",
            "kpis",
            "kpis.layout: KPIs are read a row each; objective_blocks is a layout of okrs only, "
            "so it is not read; remove layout",
        ),
        # a key result takes its objective's cells from the objective row, not the row above
        (
            "okrs:\n  sheet: [Goals]\n  layout: objective_blocks\n  fill_down: [owner]\n",
            "okrs",
            "okrs.fill_down: is not read with layout: objective_blocks (a key result takes its "
            "objective's cells from its objective row); remove fill_down",
        ),
        (
            "okrs:\n  sheet: [OKRs]\n  header: {row: 3, search: 10}\n",
            "okrs",
            "okrs.header: gives both row and search; row 3 is used, search is not read",
        ),
        (
            "okrs:\n  sheet: [OKRs]\n  required_columns: [objective_id, kr_id, target, score]\n",
            "okrs",
            "okrs.required_columns: score is written by the sync, not read, yet a sheet "
            "without its column fails as missing it (the sync would add it); leave it out",
        ),
        (
            "okrs:\n  sheet: [OKRs]\n  fill_down: [objective_id, status]\n",
            "okrs",
            "okrs.fill_down: status is written by the sync, not read, so it is not filled "
            "down; leave it out",
        ),
        (
            "okrs:\n  sheet: [OKRs]\nkpis:\n  sheet: [KPIs]\n  required_columns: []\n",
            "kpis",
            "kpis.required_columns: names no field, so the default is used (id, actual); "
            "leave the key out, or name the columns the header row holds",
        ),
    ],
)
def test_a_setting_read_otherwise_loads_and_is_said(tabs: str, kind: str, said: str) -> None:
    """Until 2026-12-07 each was passed over without a word; for that day, refused, and a
    team that had synced cleanly failed every night. It loads; its tab says so."""
    spec = parse_mapping("name: mine\n" + tabs, source="mine.yaml")
    tab = spec.okrs if kind == "okrs" else spec.kpis
    assert tab is not None and tab.said == (f"mine.yaml: {said}",)
    other = spec.kpis if kind == "okrs" else spec.okrs
    assert other is None or other.said == ()


def test_a_renamed_field_sharing_its_source_header_loads() -> None:
    """In objective blocks ``objective`` is read through ``key_result``'s column on
    objective rows (``objective_fields``): a mapping that lists the header for both
    read the title as before, and is no field never read."""
    text = (
        "name: mine\nokrs:\n  sheet: [Goals]\n  layout: objective_blocks\n  columns:\n"
        "    objective: [Goal / Key result]\n    key_result: [Goal / Key result]\n"
        "  blocks: {objective_fields: {key_result: objective}}\n"
    )
    assert parse_mapping(text, source="mine.yaml").okrs.columns["objective"]


@pytest.mark.parametrize("name", ["", "  "])
def test_a_blank_mapping_name_says_so(name: str) -> None:
    """``mapping: ""`` said "mapping '' not found", a mapping of no name sought."""
    with pytest.raises(MappingError) as caught:
        load_mapping(name)
    assert str(caught.value) == (
        "is blank; give a mapping's name (built-in: flat-tracker, objective-blocks, "
        "standard) or a path to a .yaml file, or leave the key out for standard"
    )


def test_a_mapping_path_to_a_folder_says_so(tmp_path: Path) -> None:
    """``mapping: mappings/mine.yaml`` naming a folder said "not found"."""
    (tmp_path / "mappings" / "mine.yaml").mkdir(parents=True)
    with pytest.raises(MappingError) as caught:
        load_mapping("mappings/mine.yaml", tmp_path)
    assert str(caught.value) == "mappings/mine.yaml: is a folder, not a mapping file"


def test_a_mapping_name_whose_file_is_a_folder_says_so(tmp_path: Path) -> None:
    """``mapping: mine`` with ``mappings/mine.yaml`` a folder said "mapping 'mine' not
    found" (until 2026-12-07), as a path to the folder did."""
    (tmp_path / "mappings" / "mine.yaml").mkdir(parents=True)
    with pytest.raises(MappingError) as caught:
        load_mapping("mine", tmp_path)
    assert str(caught.value) == "mappings/mine.yaml: is a folder, not a mapping file"


def test_a_mapping_path_that_is_a_folder_says_so(tmp_path: Path) -> None:
    """``mapping: mine.yaml`` where ``mine.yaml`` is a folder said ``mapping 'mine.yaml'
    not found (built-in: ...)`` (until 2026-12-07), as if the name were misspelt."""
    (tmp_path / "mine.yaml").mkdir()
    with pytest.raises(MappingError) as caught:
        load_mapping("mine.yaml", tmp_path)
    assert str(caught.value) == "mine.yaml: is a folder, not a mapping file"
    with pytest.raises(MappingError, match=r"^mapping 'gone\.yaml' not found \(built-in: "):
        load_mapping("gone.yaml", tmp_path)


def test_a_mapping_path_without_yaml_says_the_file_it_may_mean(tmp_path: Path) -> None:
    """``mapping: mappings/banner`` is a name (no .yaml), looked up as
    ``mappings/mappings/banner.yaml``: it said only "not found" (until 2026-12-07)."""
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "banner.yaml").write_text("name: banner\n", encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping("mappings/banner", tmp_path)
    assert str(caught.value) == (
        "mapping 'mappings/banner' not found; did you mean mappings/banner.yaml? (built-in: "
        "flat-tracker, objective-blocks, standard)"
    )
    with pytest.raises(MappingError, match=r"^mapping 'mappings/gone' not found \(built-in"):
        load_mapping("mappings/gone", tmp_path)  # no such file: no hint
