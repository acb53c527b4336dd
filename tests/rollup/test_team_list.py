"""A company objective's ``Teams``: the documented recipe gets every name back.

docs/rollup.md promises that ``next(csv.reader([teams], skipinitialspace=True))`` (and
Power Query's ``QuoteStyle.Csv``) splits the list into the team names. Names the first
quoting missed (only a comma or a leading ``"`` was quoted) came back changed or not at
all: `` Ops`` as ``Ops``, `` "q"`` as ``q``, a line break raised ``_csv.Error``.
"""

from __future__ import annotations

import csv

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sheets_sync.domain.values import CELL_CHARS, utf16_len
from sheets_sync.rollup.export import escape_formula
from sheets_sync.rollup.tables import _team_list, listed_team

#: What a team name in sheets-sync.yaml may hold that a CSV split could trip over.
AWKWARD = st.text(
    st.sampled_from(
        [",", '"', " ", "\n", "\r", "\t", "\u00a0", "'", "=", "a", "B", "é", "\U0001f680"]
    ),
    min_size=1,
    max_size=8,
)


def _split(teams: str) -> list[str]:
    """The recipe docs/rollup.md gives."""
    return next(csv.reader([teams], skipinitialspace=True))


@pytest.mark.parametrize(
    "names",
    [
        [" Ops", "Sales"],
        [' "q"', "z"],
        ["A\nB", "C"],
        ["A\r\nB", "C"],
        ["Ops ", "Sales"],
        ['Say "hi"', "x"],
        ["\tTabbed", "x"],
        ["Ops", " "],
        [""],  # a library caller's: alone, it split to no name
    ],
)
def test_the_recipe_gets_awkward_names_back(names: list[str]) -> None:
    assert _split(_team_list(names)) == names


@given(st.lists(AWKWARD, min_size=1, max_size=6, unique=True))
@example([" Ops", "Sales"])
@example(["a\r", '"'])
def test_any_list_of_names_round_trips_through_the_recipe(names: list[str]) -> None:
    assert _split(_team_list(names)) == names


@given(st.text(st.sampled_from("aB-é_&()/.'=+@0"), min_size=1, max_size=12))
def test_a_plain_name_is_listed_as_it_is(name: str) -> None:
    """No comma, quote, line break or outer space: as every list always was."""
    assert listed_team(name) == name


def test_a_list_at_a_cells_length_keeps_room_for_the_exports_quote() -> None:
    """A list of exactly 32,767 units starting ``=`` fit a cell, and the CSV export's
    escape quote then cut it at its end, ``and 1 more`` (or a closing quote) with it."""
    exact = ["=" + "x" * 99, "z" * (CELL_CHARS - 102)]  # 100 + ", " + the rest
    assert utf16_len(", ".join(exact)) == CELL_CHARS
    cut = ["=a", "b" * (CELL_CHARS - 20), "c" * 100]  # a list cut to 32,767 exactly
    for names, listed in (
        (exact, "=" + "x" * 99 + ", ... and 1 more"),
        (cut, "=a, ... and 2 more"),
    ):
        assert _team_list(names) == listed
        assert escape_formula(listed) == "'" + listed  # whole in the export
    plain = ["a" * 99 + ",", "z" * (CELL_CHARS - 104)]  # quoted: no trigger, not cut
    assert utf16_len(_team_list(plain)) == CELL_CHARS
    assert _team_list(plain) == escape_formula(_team_list(plain))
