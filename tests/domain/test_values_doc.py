"""docs/template.md's "Numbers typed as text" is what a team reads when a cell is refused:
every form its table and its list show is read, or refused, as the page says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync.domain.values import CellValueError, parse_number

PAGE = (Path(__file__).parents[2] / "docs" / "template.md").read_text(encoding="utf-8")
SECTION = PAGE.split("## Numbers typed as text", 1)[1].split("\n## ", 1)[0]
TICKS = re.compile(r"`([^`]+)`")


def _read_as() -> list[tuple[str, float | None]]:
    """(typed, read as) of every table row: one value for all the row's forms, or one each."""
    pairs: list[tuple[str, float | None]] = []
    for line in SECTION.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or not cells[0].startswith("`"):
            continue
        typed = TICKS.findall(cells[0])
        shown = re.sub(r"\(.*?\)", "", cells[1]).replace("\u2212", "-").split(",")
        values = [None if v.strip() == "no value" else float(v) for v in shown]
        pairs += zip(typed, values * len(typed) if len(values) == 1 else values, strict=True)
    return pairs


def _refused() -> list[tuple[str, str]]:
    """(typed, the message shown for the first form) of every bullet of the refused list."""
    refused = SECTION.split("Refused, each as an error", 1)[1].split("\n\n", 2)[1]
    pairs = []
    for bullet in re.split(r"\n- ", refused):
        forms, _, rest = " ".join(bullet.split()).partition(": `")
        message = rest.split("`", 1)[0]
        pairs += [(typed, message) for typed in TICKS.findall(forms)]
    return pairs


READ_AS = _read_as()
REFUSED = _refused()


def test_the_page_shows_its_forms() -> None:
    assert len(READ_AS) >= 20 and len(REFUSED) >= 20


@pytest.mark.parametrize(("typed", "expected"), READ_AS, ids=[t for t, _ in READ_AS])
def test_a_form_the_table_shows_is_read_as_it_says(typed: str, expected: float | None) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize(("typed", "message"), REFUSED, ids=[t for t, _ in REFUSED])
def test_a_refused_form_gets_the_message_the_page_shows(typed: str, message: str) -> None:
    first = re.match(r'"([^"]*)"', message)  # the message quotes the first form typed
    expected = message.replace(f'"{first[1]}"', f'"{typed}"', 1) if first else message
    expected = re.sub(r'got "[^"]*"$', f'got "{typed}"', expected)
    with pytest.raises(CellValueError) as caught:
        parse_number(typed)
    assert str(caught.value) == expected or str(caught.value).endswith(expected)
