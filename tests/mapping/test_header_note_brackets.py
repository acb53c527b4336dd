"""A header's note in full-width brackets (``Target（EUR）``, typed with a CJK input
method) is a note as ``Target (EUR)`` is: the text before it is tried (until 2026-12-07
the header matched nothing, and a required column was missing). The brackets are folded
as NFKC folds them, as full-width ``％`` and ``＃`` are."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sheets_sync.backends.excel.reader import read_workbook
from sheets_sync.mapping.extract import extract
from sheets_sync.mapping.spec import load_mapping
from tests.cli.test_ops_cli import AS_OF, run
from tests.support.flat import HEADERS, flat_book, flat_workspace


def _read(tmp_path: Path, header: str) -> tuple[dict[str, int], list[str]]:
    """The OKRs tab's columns and warnings, its Target headed ``header``, from an .xlsx."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "OKRs"
    ws.append(["Objective ID", "KR ID", "Start", header, "Current"])
    ws.append(["O1", "KR1", 0, 10, 5])
    wb.save(tmp_path / "sales.xlsx")
    data = read_workbook(tmp_path / "sales.xlsx", source="sales.xlsx", tabs=("OKRs",))
    got = extract(data, load_mapping("standard"))
    return dict(got.okrs.layout.columns), [str(f) for f in got.findings if "D1" in f.location]


@pytest.mark.parametrize(
    "header",
    ["Target (EUR)", "Target（EUR）", "Target［EUR］", "Target [EUR]", "Target（ EUR ）"],
)
def test_a_note_in_brackets_of_either_width_is_a_note(tmp_path: Path, header: str) -> None:
    columns, said = _read(tmp_path, header)
    assert columns["target"] == 4
    assert said == [
        f"sales.xlsx!OKRs!D1: reading column {header!r} as Target; name it 'Target' to say "
        "so, or rename it if it is not"
    ]


@pytest.mark.parametrize(
    "header", ["Target【EUR】", "Target〔EUR〕", "Target 【end of Q】", "Target〖EUR〗"]
)
def test_a_note_in_lenticular_or_tortoise_shell_brackets_is_a_note(
    tmp_path: Path, header: str
) -> None:
    """``【】``, white ``〖〗`` and ``〔〕``, which a Japanese or Chinese input method types
    for a note as often as ``（）``, and NFKC leaves as they are: until 2026-12-07 the
    header matched nothing, and the Target column was missing."""
    columns, said = _read(tmp_path, header)
    assert columns["target"] == 4
    assert said == [
        f"sales.xlsx!OKRs!D1: reading column {header!r} as Target; name it 'Target' to say "
        "so, or rename it if it is not"
    ]


def test_a_full_width_percent_note_is_read_as_before(tmp_path: Path) -> None:
    """``Target（％）``: ``Target`` with its full-width ``％`` dropped, as read until
    2026-12-07 (``header_key_before_signs``), said so: unchanged by the fold."""
    columns, said = _read(tmp_path, "Target（％）")
    assert columns["target"] == 4
    assert said[0].startswith(
        "sales.xlsx!OKRs!D1: column 'Target（％）' matches the mapping's target: 'Target' "
        "only with its full-width % or # dropped"
    )


def test_validate_reads_a_column_whose_note_is_in_full_width_brackets(tmp_path: Path) -> None:
    cfg, path = flat_workspace(tmp_path)
    headers = [h if h != "To" else "To（EUR）" for h in HEADERS]
    wb, _ = flat_book(headers, ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, 100, 50])
    wb.save(path)
    _, out, _ = run("validate", "--config", str(cfg), *AS_OF)
    assert "missing column" not in out
    assert (
        "Flat: warning: Flat.xlsx!Tracker!G1: reading column 'To（EUR）' as To; name it "
        "'To' to say so, or rename it if it is not"
    ) in out.splitlines()
