"""Team names, cell values and errors are printed as they are, never read as rich markup:
"[done]" vanished from a line, and a "[/b]" typed in a sheet was a MarkupError."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from rich.console import Console

from sheets_sync.console import JsonLinesConsole, PlainConsole, print_findings, print_summary
from sheets_sync.domain.models import Finding, Severity, TeamResult
from sheets_sync.sync.engine import SyncResult
from tests.ops.conftest import make

ERROR = "ops.xlsx!OKRs!F7: status [done] is not a status; [/b] is no tag either"


def _result() -> SyncResult:
    result = make({"Sales [EMEA]": {"KR1": 50}, "Ops [/b]": None})
    sales, ops = result.runs
    finding = Finding(Severity.WARNING, "a [red]note[/] as typed", "sales.xlsx", "OKRs", "F7")
    assert isinstance(sales.held, TeamResult)
    sales = replace(sales, held=replace(sales.held, findings=(finding,)))
    return replace(result, runs=(sales, replace(ops, error=ERROR)))


@pytest.mark.parametrize("terminal", [False, True], ids=["lines", "table"])
def test_user_text_is_printed_as_it_is(terminal: bool) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=400, color_system=None)
    print_summary(console, _result())
    print_findings(console, _result().runs)
    text = out.getvalue()
    parts = ("Sales [EMEA]", "Ops [/b]", "status [done] is not", "[/b] is no tag", "[red]note[/]")
    for part in parts:
        assert part in text


def test_json_lines_keep_user_text() -> None:
    console = JsonLinesConsole()
    console.file = io.StringIO()
    print_summary(console, _result())
    messages = [json.loads(line)["message"] for line in console.file.getvalue().splitlines()]
    assert f"Ops [/b]: failed: {ERROR}" in messages


@pytest.mark.parametrize("terminal", [False, True], ids=["lines", "table"])
def test_emoji_codes_are_printed_as_typed(terminal: bool) -> None:
    """``gsheet:abc:`` (a key, then the error's colon) printed as ``gsheet🔤``, and a team
    named ``:smile:`` as the emoji: rich's codes, until 2026-12-06."""
    result = make({":smile: team": {"KR1": 50}, "G": None})
    sales, google = result.runs
    result = replace(result, runs=(sales, replace(google, error="gsheet:abc: no key")))
    out = io.StringIO()
    console = PlainConsole(file=out, force_terminal=terminal, width=400, color_system=None)
    print_summary(console, result)
    print_findings(console, result.runs)
    assert "gsheet:abc: no key" in out.getvalue()
    assert ":smile: team" in out.getvalue()
    json_lines = JsonLinesConsole()
    json_lines.file = io.StringIO()
    print_findings(json_lines, result.runs)
    messages = [json.loads(line)["message"] for line in json_lines.file.getvalue().splitlines()]
    assert "G: error: gsheet:abc: no key" in messages
