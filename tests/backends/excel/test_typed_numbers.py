"""Numbers a European team lead types as text, read from a real .xlsx: each is read right or
is an error naming its cell, before and after LibreOffice (German locale) saves the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.domain.models import Period
from sheets_sync.domain.team import evaluate_team
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.parse import build_team_input
from sheets_sync.mapping.spec import load_mapping
from tests.conftest import write_team
from tests.support.libreoffice import convert, needs_libreoffice

PERIOD = Period("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def _kr(kr_id: str, current: object, confidence: object = None, weight: object = 1) -> list[object]:
    row: list[object] = ["O1", "Grow", None, None, kr_id, "x", "Ann", "number", 0, 5000]
    return [*row, current, None, weight, confidence]


ROWS = [
    _kr("KR1", "1.234"),  # 1234 in Germany, 1.234 elsewhere: refused
    _kr("KR2", "1\u202f234,5"),  # French grouping, decimal comma: refused
    _kr("KR3", "1\u202f234", confidence="7/10"),
    _kr("KR4", "'2.500", confidence="hoch"),
    _kr("KR5", "(300)", weight="60%"),
    _kr("KR6", "１２３", weight=None),
]
ERRORS = [
    'sales.xlsx!OKRs!K2: "1.234" is ambiguous (thousands dot or decimal point?); '
    "type it as a number in a cell not formatted as text",
    'sales.xlsx!OKRs!K3: "1\u202f234,5" is ambiguous (decimal comma?); type it like 1234.5',
    'sales.xlsx!OKRs!K5: "\'2.500" is ambiguous (thousands dot or decimal point?); '
    "type it as a number in a cell not formatted as text",
    'sales.xlsx!OKRs!N5: confidence is 0-10, 0-100%, 7/10 or Low/Medium/High, got "hoch"',
]


def _check(path: Path) -> None:
    data = read_workbook(path, source="sales.xlsx", tabs=["OKRs", "KPIs"])
    team = build_team_input("Sales", extract(data, load_mapping("standard")))
    result = evaluate_team(team, period=PERIOD, as_of=dt.date(2026, 11, 15))
    assert sorted(str(f) for f in result.errors) == sorted(ERRORS)
    read = {k.id: (k.current, k.confidence, k.weight) for k in team.key_results}
    assert read == {
        "KR3": (1234.0, pytest.approx(0.7), 1.0),
        "KR5": (-300.0, None, 0.6),
        "KR6": (123.0, None, 1.0),
    }
    # 60% beside a weight of 1 adds up past 100 %: ratios, no warning for the blank
    assert not [f for f in result.warnings if "no weight" in f.message]


def test_text_numbers_from_openpyxl(tmp_path: Path) -> None:
    _check(write_team(tmp_path / "sales.xlsx", ROWS))


@needs_libreoffice
def test_text_numbers_after_a_german_libreoffice_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """LibreOffice in de_DE keeps text cells as text: the same reads, the same errors."""
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    src = write_team(tmp_path / "sales.xlsx", ROWS)
    _check(convert(src, "xlsx", tmp_path / "lo"))
