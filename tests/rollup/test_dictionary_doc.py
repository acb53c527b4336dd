"""The data dictionary in docs/rollup.md is the schema finance reads: every table's
columns, in order, with the kind, dtype, unit and meaning of ``rollup/schema.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sheets_sync.rollup import schema

DOC = (Path(__file__).parents[2] / "docs" / "rollup.md").read_text(encoding="utf-8")
SECTIONS = re.findall(r"^### `(\w+)` \(tab: ([^)]*)\)\n\n(.*?)(?=\n\n|\Z)", DOC, re.M | re.S)


def cells(row: str) -> list[str]:
    """A markdown table row's cells; ``\\|`` is a pipe inside a cell."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


def test_every_table_is_documented() -> None:
    assert sorted(name for name, _, _ in SECTIONS) == sorted(schema.TAB_NAMES)


@pytest.mark.parametrize(("name", "tab", "body"), SECTIONS, ids=[s[0] for s in SECTIONS])
def test_dictionary_matches_the_schema(name: str, tab: str, body: str) -> None:
    assert tab == schema.TAB_NAMES[name]
    documented = [cells(row)[1:] for row in body.splitlines()[2:]]
    columns = [
        [c.name, c.kind.value, f"`{c.dtype}`", c.unit, c.meaning]
        for c in getattr(schema, name.upper())
    ]
    assert documented == columns
