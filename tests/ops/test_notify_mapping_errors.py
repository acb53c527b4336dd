"""A mapping error is told once in the notification's text, as on the console, by one
parser of its form (``outcome.mapping_where``): until 2026-12-07 the notification had a
regex of its own, which took the workspace file's name as anything but a colon, so a
file named ``okrs:q4.yaml`` (a colon is a letter like any on Linux) had its 200 teams'
mapping error told 200 times there, once on the console; and then, for a day, a file
named with ": " (``okrs: q4.yaml``) still was: each ": " is tried now."""

from __future__ import annotations

import pytest

from sheets_sync.ops.notify import notification
from sheets_sync.sync.outcome import mapping_where

PROBLEMS = "mine.yaml: line 4: okrs.layout: should be 'rows' or 'objective_blocks'"


@pytest.mark.parametrize(
    "config", ["sheets-sync.yaml", "okrs:q4.yaml", "okrs: q4.yaml", "a: b: c.yaml"]
)
def test_a_mapping_error_is_told_once_whatever_the_file_is_named(config: str) -> None:
    errors = {
        "Sales": f"{config}: line 4: teams[0].mapping: {PROBLEMS}",
        "Ops": f"{config}: teams[1].mapping: {PROBLEMS}",
    }
    teams = [
        {"team": t, "source": f"{t}.xlsx", "outcome": "failed", "error": e}
        for t, e in errors.items()
    ]
    payload = notification({"company": "Acme", "as_of": "2026-11-23", "teams": teams}, [])
    assert payload is not None
    assert payload["text"].splitlines()[2:] == [
        f"- Sales: {config}: line 4: teams[0].mapping: {PROBLEMS}",
        f"- Ops: {config}: teams[1].mapping: the same mapping error as Sales (above)",
    ]


@pytest.mark.parametrize(
    ("message", "parsed"),
    [
        (f"line 5: teams[1].mapping: {PROBLEMS}", ("line 5: teams[1].mapping", PROBLEMS)),
        (f"teams[12].mapping: {PROBLEMS}", ("teams[12].mapping", PROBLEMS)),
        (f"line 7: default_mapping: {PROBLEMS}", ("line 7: default_mapping", PROBLEMS)),
        (
            "default_mapping: mapping 'nope' not found",
            ("default_mapping", "mapping 'nope' not found"),
        ),
    ],
)
def test_the_one_parser(message: str, parsed: tuple[str, str]) -> None:
    assert mapping_where(message) == parsed


@pytest.mark.parametrize(
    "message",
    ["OKRs!B2: not a number", "line 5: teams[1].source: file not found", "teams[1].mapping"],
)
def test_anything_else_is_no_mapping_error(message: str) -> None:
    """A notification's error has no kind: only the mapping's form folds."""
    assert mapping_where(message) is None
