"""A milestone's Current as teams type it: the words and marks that say done or not
(with emoji variation selectors, trailing punctuation, a mark beside the word), and
everything that does not say it clearly stays an error on the cell."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync.domain.values import DONE_WORDS, NOT_DONE_WORDS, CellValueError, parse_done
from sheets_sync.grid import SheetGrid, WorkbookData
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping


@pytest.mark.parametrize(
    "typed",
    [
        "achieved",
        "Achieved",
        " shipped ",
        "Launched",
        "delivered",
        "released",
        "finished",
        "met",
        "✅",
        "✔\ufe0f",  # ✔️: the check mark with its emoji variation selector
        "☑\ufe0f",
        "Done ✅",
        "✅ Done",
        "✅done",
        "yes ✓",
        "Done!",
        "Done.",
        "done .",
        "Completed\u200b",  # a zero-width space pasted from a chat
    ],
)
def test_done(typed: str) -> None:
    assert parse_done(typed) == 1.0


@pytest.mark.parametrize(
    "typed",
    [
        "not done",
        "Not done ❌",
        "❌",
        "❌\ufe0f",
        "☐",
        "in progress",
        "In-progress",
        "in_progress",
        "pending",
        "no",
        "No.",
        "not yet",
        "Not started",
        "ongoing",
        "WIP",
        "blocked",
        "incomplete",
        "not achieved",
        "Not met",
    ],
)
def test_not_done(typed: str) -> None:
    """In progress is not done: a milestone scores 1 done, else 0 (docs/scoring.md)."""
    assert parse_done(typed) == 0.0


@pytest.mark.parametrize(
    "typed",
    [
        "done?",  # asks
        "done ❌",  # says both
        "✅❌",
        "yes no",
        "closed",  # done, or given up?
        "cancelled",
        "partly",
        "50%",
        "✗",  # a failure to some, a ticked box to others (as x is)
        "✘",
        "☒",
        "❎",
        "...",
        "👍",
    ],
)
def test_what_does_not_say_done_or_not_clearly_is_an_error(typed: str) -> None:
    with pytest.raises(CellValueError, match=r"^a milestone is done \(yes, done, x\) or not"):
        parse_done(typed)


def test_a_milestone_typed_with_a_mark_scores_and_a_crossed_one_names_its_cell() -> None:
    head = ("Objective ID", "Objective", "KR ID", "Key result", "KR type", "Target", "Current")
    rows = (
        head,
        ("O1", "Launch", "KR1", "Ship v2", "milestone", 1, "Shipped ✅"),
        ("O1", "Launch", "KR2", "Docs", "milestone", 1, "in-progress"),
        ("O1", "Launch", "KR3", "Blog", "milestone", 1, "✗"),
    )
    data = WorkbookData("sales.xlsx", ("OKRs",), {"OKRs": SheetGrid("OKRs", rows)})
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    assert [(k.id, k.current) for k in team.key_results] == [("KR1", 1.0), ("KR2", 0.0)]
    assert [str(f) for f in team.findings if f.is_error] == [
        'sales.xlsx!OKRs!G4: a milestone is done (yes, done, x) or not (no), got "✗"'
    ]


@pytest.mark.parametrize("raw", ["\u200b", " \u200b\u2060 ", "n/a\u200b", "\u200b-", "tbd\u00ad"])
def test_zero_width_alone_or_around_an_empty_word_is_no_data(raw: str) -> None:
    """Invisible in the cell: "\u200b" is blank and "n/a\u200b" is "n/a" (was an error)."""
    assert parse_done(raw) is None


def test_scoring_md_lists_every_word_and_mark_that_is_read() -> None:
    """docs/scoring.md's milestone lists are what a team reads: each word and mark read
    is there (🗸 was read and not listed), and the table says the rest are errors."""
    page = (Path(__file__).parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    section = page.split("A milestone's Current is done or not done", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"`([^`]+)`", section))
    assert sorted(DONE_WORDS - listed) == [] and sorted(NOT_DONE_WORDS - listed) == []
    row = next(line for line in page.splitlines() if line.startswith("| `milestone`"))
    assert "else 0" not in row and "error" in row


def test_the_read_me_lists_the_main_done_and_not_done_words() -> None:
    """The template's Read me (Values accepted: Milestones) said only `done / yes / x / 1`
    and `no / open / 0`: a team typing `Completed`, `✓` or `not started` had to guess
    (until 2026-12-07). It names the main words of ``done_words``, each read as it says."""
    from sheets_sync.template.spec import TEMPLATE

    (help_text,) = [text for key, text in TEMPLATE.readme.rows if key == "Milestones"]
    done_part, _, not_part = help_text.partition(" when done; ")
    done = done_part.removeprefix("Current: ").split(" / ")
    not_done = not_part.split(" when not")[0].split(" / ")
    assert all(parse_done(word) == 1.0 for word in done), done
    assert all(parse_done(word) == 0.0 for word in not_done), not_done
    for main in ("done", "yes", "x", "✓", "1", "completed", "achieved", "shipped"):
        assert main in done, main
    for main in ("no", "0", "open", "not started", "in progress", "blocked"):
        assert main in not_done, main
