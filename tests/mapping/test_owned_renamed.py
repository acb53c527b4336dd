"""An owned column renamed by hand ("Score" -> "Score (auto)"): the sync takes only a
column headed exactly Score, so it adds one at the end; said now at the renamed header
(until 2026-12-07 without a word, the old column keeping its last scores for whatever
formula read them). A team's own column of another word ("Status comment") is not it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sheets_sync.grid import CellValue, SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.room import unwritten
from sheets_sync.mapping.spec import load_mapping
from tests.support.scripts import HANG

HEAD = ("Objective ID", "KR ID", "Key result", "Target", "Current")


def _findings(*extra: str) -> list[str]:
    head = (*HEAD, *extra, "Expected", "Status", "Sync notes")
    row: tuple[CellValue, ...] = ("O1", "KR1", "Leads", 10, 4, *([0.4] * len(extra)))
    book = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (head, row))})
    got = extract(book, load_mapping("standard"))
    return [str(f) for f in got.findings if "sync's" in f.message]


@pytest.mark.parametrize("typed", ["Score (auto)", "Score %", "score\n(by sync)"])
def test_a_renamed_score_column_is_said_where_it_is(typed: str) -> None:
    shown = typed.strip()
    assert _findings(typed) == [
        f"sales.xlsx!OKRs!F1: {shown!r} is not written by the sync (only 'Score' is); Score is "
        f"added at J1. If {shown!r} was the sync's column, rename it 'Score' and delete J1; if "
        "it is yours, nothing to do."
    ]


def test_a_night_that_writes_nothing_says_the_column_would_be_added() -> None:
    """``unwritten``: a dry run or write-back off adds no Score; other findings untouched."""
    head = (*HEAD, "Score (auto)", "Expected", "Status", "Sync notes")
    row: tuple[CellValue, ...] = ("O1", "KR1", "Leads", 10, 4, 0.4)
    book = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (head, row))})
    findings = extract(book, load_mapping("standard")).findings
    said = [str(f) for f in unwritten(findings) if "sync" in f.message]
    assert said == [
        "sales.xlsx!OKRs!F1: 'Score (auto)' is not written by the sync (only 'Score' is); "
        "Score would be added at J1. If 'Score (auto)' was the sync's column, rename it "
        "'Score' and none is added; if it is yours, nothing to do."
    ]
    others = [f for f in findings if "sync" not in f.message]
    assert [f for f in unwritten(findings) if "sync" not in f.message] == others


def test_a_column_of_another_word_or_a_score_column_there_says_nothing() -> None:
    assert _findings("Scorecard") == []
    assert _findings("Score", "Score (manual)") == []  # the sync's Score is there


@pytest.mark.parametrize(
    "typed",
    [
        "Score (x is added at J1. If y)",
        "Score\nis added at J1. If",
        "Score (Ann's)",
        'Score ("auto" \\ \\1 \\g<0>)',
    ],
)
def test_a_header_holding_the_warnings_own_words_is_quoted_as_typed(typed: str) -> None:
    """``unwritten`` rewrites the warning's own tail, not words of the header it quotes
    (until a review on 2026-12-07 a note "(x is added at J1. If y)" was rewritten)."""
    head = (*HEAD, typed, "Expected", "Status", "Sync notes")
    row: tuple[CellValue, ...] = ("O1", "KR1", "Leads", 10, 4, 0.4)
    book = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", (head, row))})
    findings = extract(book, load_mapping("standard")).findings
    said = [str(f) for f in unwritten(findings) if "sync" in f.message]
    shown = typed.strip()
    assert said == [
        f"sales.xlsx!OKRs!F1: {shown!r} is not written by the sync (only 'Score' is); "
        f"Score would be added at J1. If {shown!r} was the sync's column, rename it "
        "'Score' and none is added; if it is yours, nothing to do."
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "Score (auto (by sync))",
        "Score [(auto)]",
        "Score（auto (x)）",
        "Score〖auto (x)〗",  # header's other note brackets: room kept a bracket list of its own
        "Score【auto【x】】",
    ],
)
def test_a_renamed_score_with_brackets_inside_its_note_is_said(typed: str) -> None:
    """A note holding brackets of its own got no warning (until 2026-12-07): the header
    note pattern takes only a note with none inside."""
    assert _findings(typed) == [
        f"sales.xlsx!OKRs!F1: {typed!r} is not written by the sync (only 'Score' is); Score is "
        f"added at J1. If {typed!r} was the sync's column, rename it 'Score' and delete J1; if "
        "it is yours, nothing to do."
    ]
    assert _findings("Scorecard (a (b))") == []


@pytest.mark.parametrize(
    "typed",
    [
        "Score (H1) vs target (H2)",
        "Score (manual) - see notes (col K)",
        "Score(s) (Q1)",
        "Score [old] / Score [new]",
        "Score (a) b (c)",
        "Score () )",
        "Score (a)) (b)",
    ],
)
def test_a_team_column_whose_first_note_closes_before_its_end_is_not_said(typed: str) -> None:
    """The note is one bracket from the first to the last character: a header whose
    first note closes before its end is a team's own column, warned of every night as a
    renamed Score (until a review on 2026-12-07)."""
    assert _findings(typed) == []


def test_a_header_repeating_the_warnings_words_is_reworded_at_once() -> None:
    """Found by review 2026-12-07: a regex with ``(.*)`` and a back reference reworded the
    warning; a header repeating its words took 3.5 s at 16,000 characters, 37 s at Excel's
    32,767 (each dry run and ``validate``). This one, 100,000 characters, took far longer
    than the hang guard; read part by part it takes milliseconds. In a bounded child."""
    code = (
        "from sheets_sync.domain.models import Finding, Severity\n"
        "from sheets_sync.mapping.room import unwritten\n"
        "unit = \" is not written by the sync (only 'Score' is); \"\n"
        "typed = repr('Score % ' + unit * 2000)\n"
        "said = (f\"{typed} is not written by the sync (only 'Score' is); Score is added at \"\n"
        "        f\"J1. If {typed} was the sync's column, rename it 'Score' and delete J1; if \"\n"
        "        'it is yours, nothing to do.')\n"
        "got = unwritten([Finding(Severity.WARNING, said, 's.xlsx', 'OKRs', 'F1')])[0].message\n"
        "print(got == said.replace('Score is added', 'Score would be added').replace(\n"
        "    \"and delete J1\", 'and none is added'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG, check=True
    )
    assert done.stdout == "True\n"
