"""A control character in the workspace file (pasted from a terminal, a spreadsheet) is
shown in a configuration problem by one rule, ``logs.one_line``'s (``\\x1b``), wherever
the problem goes: the text and JSON log forms, ``validate --json``, the library. A text
value was quoted raw (escaped only by the plain console, so JSON output and callers got
the raw character), a list or mapping in YAML's own escapes (``\\e``, ``\\xE9`` for é),
and a team's file name raw (until 2026-12-06)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.domain.celltext import one_line
from sheets_sync.yamlio import as_yaml, schema_loc
from tests.config.test_config import _one_team_head, problems

#: C0 and C1 controls, DEL and the bidi/line-separator characters ``one_line`` escapes
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
LONG = "x" * 30 + "\x1b[31m" + "y" * 40  # past the 60 characters a value is cut to


def _workspace(root: Path) -> Path:
    text = _one_team_head(root).replace("teams/s.xlsx", '"teams/s\\e[2J.xlsx"')
    text += 'scoring: {green: "' + LONG.replace("\x1b", "\\e") + '"}\n'
    text += 'teams_glob: ["a\\e]52;c;eA==\\a", 3]\n'
    text += '"k\\e[2Jey": 1\n'
    cfg = root / "sheets-sync.yaml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def test_every_problem_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    found = problems(tmp_path, _workspace(tmp_path).read_text(encoding="utf-8"))
    assert [p for p in found if RAW.search(p)] == []
    assert found == [  # the schema's in file order (its own order until 2026-12-07)
        "sheets-sync.yaml: line 5: scoring.green: should be a number, not "
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\x1b[31myyyyyyyyyyyyyyyyyy...",
        "sheets-sync.yaml: line 6: teams_glob: should be a pattern such as 'teams/*.xlsx', or a "
        "list "
        "of patterns, not ['a\\x1b]52;c;eA==\\x07', 3]",
        "sheets-sync.yaml: line 7: k\\x1b[2Jey: unknown key (check the spelling; see "
        "docs/configuration.md)",
        "sheets-sync.yaml: line 4: teams[0].source: file not found (teams/s\\x1b[2J.xlsx)",
    ]


def test_json_forms_carry_no_raw_control_character(tmp_path: Path) -> None:
    cfg = str(_workspace(tmp_path))
    runner = CliRunner()
    logged = runner.invoke(cli, ["--log-format", "json", "config", "check", "--config", cfg])
    record = json.loads(logged.stderr)
    assert logged.exit_code == 2 and len(record["problems"]) == 4
    document = runner.invoke(cli, ["validate", "--json", "--config", cfg])
    assert len(json.loads(document.stdout)["errors"]) == 3  # its files need not exist
    for said in (*record["problems"], *json.loads(document.stdout)["errors"]):
        assert RAW.search(said) is None, said


def test_a_value_is_shown_by_one_rule_and_cut_as_shown() -> None:
    assert as_yaml("a\x1bb") == "'a\\x1bb'"
    assert as_yaml(["a\x1bb", "é"]) == "[a\\x1bb, é]"  # not ["a\eb", "\xE9"]
    assert as_yaml({"k\n": "\u202ev"}) == "{k\\n: \\u202ev}"
    # counted as shown (60 at most), and never cut through an escape ("\x1" + "...")
    for at in range(50, 60):
        shown = as_yaml("x" * at + "\x1b" * 10)
        assert len(shown) <= 60 and re.fullmatch(r"'x*(\\x1b)*\.\.\.", shown), shown
    assert schema_loc(["scoring", "gr\x1ben"]) == "scoring.gr\\x1ben"


def test_what_yaml_would_double_quote_is_escaped_too(tmp_path: Path) -> None:
    """U+FEFF, a lone surrogate, U+FFFE/U+FFFF and U+10FFFF are no control characters,
    but YAML writes a text holding one in double quotes, which doubled the backslash of
    each escape before it (``["a\\\\x1b[31m\\uFEFF", 3]``). Escaped as ``one_line`` escapes:
    a lone surrogate is no text a terminal can print either."""
    text = _one_team_head(tmp_path) + 'teams_glob: ["a\\e[31m\\uFEFF", 3]\n'
    text += 'scoring: {green: ["g\\uD800\\e"]}\n'
    found = problems(tmp_path, text)
    assert found == [
        "sheets-sync.yaml: line 5: teams_glob: should be a pattern such as 'teams/*.xlsx', or a "
        "list "
        "of patterns, not ['a\\x1b[31m\\ufeff', 3]",
        "sheets-sync.yaml: line 6: scoring.green: should be a number, not [g\\ud800\\x1b]",
    ]
    checked = CliRunner().invoke(
        cli, ["config", "check", "--config", str(tmp_path / "sheets-sync.yaml")]
    )
    assert checked.exit_code == 2, checked.output
    assert "[g\\ud800\\x1b]" in checked.output
    assert as_yaml(["x\ufffe", "\uffff", "\U0010ffff"]) == "[x\\ufffe, \\uffff, \\U0010ffff]"


def test_a_set_and_pairs_are_escaped_as_a_list_is() -> None:
    """``!!set`` reads as a set and ``!!omap``/``!!pairs`` as a list of tuples: their texts
    were left to YAML's escapes (``\\e``)."""
    assert as_yaml({"a\x1b"}) == "!!set {a\\x1b: null}"
    assert as_yaml([("k\x1b", 1)]) == "[[k\\x1b, 1]]"
    assert as_yaml(("k\x1b", "v\ufeff")) == "[k\\x1b, v\\ufeff]"
    for value in ({"k\x1b": None}, frozenset({"k\x1b"})):
        assert "\x1b" not in as_yaml(value) and "\\\\" not in as_yaml(value)


def test_a_cut_never_splits_an_escape_in_either_case() -> None:
    """``\\U0010ffff`` (10 characters) and YAML's upper-case ``\\uFEFF``: a cut through
    one left ``\\U0010f...``."""
    for at in range(45, 60):
        for char in ("\U0010ffff", "\ufeff"):
            shown = as_yaml(["x" * at + char * 6])
            assert len(shown) <= 60 and re.fullmatch(r"\[x*(\\U0010ffff|\\ufeff)*\.\.\.", shown), (
                shown
            )


def test_one_line_escapes_all_yaml_would_double_quote() -> None:
    """``yamlio`` kept a list of its own beside ``one_line``'s until 2026-12-06: now
    ``one_line`` alone, so every character YAML writes only in double quotes must be one
    it escapes (the BMP, and the last two characters of every plane)."""
    emitter = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
    ends = [chr(p + e) for p in range(0x10000, 0x110000, 0x10000) for e in (0xFFFD, 0xFFFE, 0xFFFF)]
    for char in [chr(c) for c in range(0x10000)] + ends:
        if one_line(char) == char:
            assert emitter.analyze_scalar(char).allow_single_quoted, hex(ord(char))
