"""An objective whose key results all failed to parse has them still: the lint counted
only the parsed ones and said "objective E1 has 0 key results; 2 to 5 keep it focused"
beside the errors that said what was wrong (2026-12-06)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_ops_cli import AS_OF, run
from tests.support.flat import HEADERS, flat_book, flat_workspace


def _workspace(root: Path) -> Path:
    """E1's two key results both have a text Target; E2's only one has too."""
    cfg, path = flat_workspace(root)
    wb, _ = flat_book(
        HEADERS,
        ["E1", "Ship it", "E1.1", "Raise uptime", "Sam", 0, "lots", 50],
        [None, None, "E1.2", "Cut latency", "Lee", 0, "less", 40],
        ["E2", "Grow", "E2.1", "Sign ups", "Kim", 0, "many", 5],
    )
    wb.save(path)
    return cfg


def test_key_results_that_failed_count_for_their_objective(tmp_path: Path) -> None:
    _, out, _ = run("validate", "--config", str(_workspace(tmp_path)), *AS_OF)
    assert [line for line in out.splitlines() if line.startswith("Flat: ")] == [
        'Flat: error: Flat.xlsx!Tracker!G2: expected a number, got "lots"',
        'Flat: error: Flat.xlsx!Tracker!G3: expected a number, got "less"',
        "Flat: warning: Flat.xlsx!Tracker!A4: objective E2 has 1 key result; 2 to 5 keep it "
        "focused",
        'Flat: error: Flat.xlsx!Tracker!G4: expected a number, got "many"',
    ]
