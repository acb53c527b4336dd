"""A file's problems are put in file order and given their lines from one walk of the
node tree per problem (``yamlmarks.located``): until 2026-12-07 each was walked twice,
once for its place (``by_place``) and again for its line (``placed``). The order and the
lines themselves are ``test_yaml_lines.py``'s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_sync import yamlmarks
from sheets_sync.config import load_rules, load_workspace
from sheets_sync.errors import ConfigError, MappingError
from sheets_sync.mapping.spec import parse_mapping

HEAD = "company: A\nperiod: {name: Q, start: 2026-10-01, end: 2026-12-31}\n"


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Each key path ``yamlmarks.place_of`` walked."""
    seen: list[object] = []
    real = yamlmarks.place_of

    def counted(root: Any, loc: Any, *, value: bool = False) -> Any:
        seen.append(tuple(loc))
        return real(root, loc, value=value)

    monkeypatch.setattr(yamlmarks, "place_of", counted)
    yield seen


def test_a_workspace_problem_is_walked_once(tmp_path: Path, walks: list[object]) -> None:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(HEAD + "scoring: {green: high, amber: low}\nbackups: {keepp: 3}\n")
    with pytest.raises(ConfigError) as caught:
        load_workspace(cfg, files_must_exist=False)
    problems = caught.value.problems
    assert [p.split(":")[1] for p in problems] == [" line 3", " line 3", " line 4"]
    assert len(walks) == len(problems)


def test_the_scoring_problems_are_walked_once(tmp_path: Path, walks: list[object]) -> None:
    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_text(HEAD + "scoring:\n  amber: low\n  green: high\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(cfg)
    problems = caught.value.problems
    assert [p.split(": ")[1:3] for p in problems] == [
        ["line 4", "scoring.amber"],
        ["line 5", "scoring.green"],
    ]
    assert len(walks) == len(problems)


def test_a_mappings_unknown_fields_are_walked_once(walks: list[object]) -> None:
    text = "name: m\nokrs:\n  sheet: [OKRs]\n  fill_down: [zz]\n  columns: {yy: [a]}\n"
    with pytest.raises(MappingError) as caught:
        parse_mapping(text, source="m.yaml")
    problems = caught.value.problems
    assert [p.split(": ")[1] for p in problems] == ["line 4", "line 5"]
    assert len(walks) == len(problems)
