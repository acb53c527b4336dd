"""``limits.max_workbook_mb`` admits a workbook: a limit too small to hold any is refused;
and no count or size of the workspace file is past a billion, where they broke."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from tests.config.test_config import _one_team_head, problems

TOO_SMALL = "must be at least 0.01 (got {}): a smaller limit refuses every workbook"


@pytest.mark.parametrize(
    ("mb", "message"),
    [
        ("1e-300", TOO_SMALL.format("1e-300")),
        ("0.001", TOO_SMALL.format("0.001")),
        ("0.0099", TOO_SMALL.format("0.0099")),
        ("0.009999999", TOO_SMALL.format("0.009999999")),  # was "got 0.01"
        ("0", "must be above 0 (got 0)"),
        ("-1", "must be above 0 (got -1)"),
    ],
)
def test_a_workbook_limit_below_10_kb_is_a_problem_naming_its_key(
    tmp_path: Path, mb: str, message: str
) -> None:
    """Before: ``1e-300`` (or 0.001) loaded, a limit of 0 (or 1,048) bytes, and every team
    failed as too large every night (until 2026-12-06)."""
    found = problems(tmp_path, _one_team_head(tmp_path) + f"limits: {{max_workbook_mb: {mb}}}\n")
    assert found == [f"sheets-sync.yaml: line 5: limits.max_workbook_mb: {message}"]


@pytest.mark.parametrize("mb", [".inf", ".nan"])
def test_a_workbook_limit_not_finite_is_a_problem(tmp_path: Path, mb: str) -> None:
    found = problems(tmp_path, _one_team_head(tmp_path) + f"limits: {{max_workbook_mb: {mb}}}\n")
    assert found == [
        f"sheets-sync.yaml: line 5: limits.max_workbook_mb: should be a finite number, not {mb}"
    ]


def test_the_smallest_workbook_limit_loads(tmp_path: Path) -> None:
    text = _one_team_head(tmp_path) + "limits: {max_workbook_mb: 0.01}\n"
    (tmp_path / "sheets-sync.yaml").write_text(text, encoding="utf-8")
    assert load_workspace(tmp_path / "sheets-sync.yaml").max_workbook_bytes == 10_485


TOO_LARGE = "must be at most 1,000,000,000 (got {})"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("limits.max_workbook_mb", "1e308"),  # OverflowError making it bytes, in config check
        ("history.keep_snapshots", "99999999999999999999"),  # OverflowError in SQLite,
        ("history.prune_after", "99999999999999999999"),  # after the sheets were written
        ("history.keep_snapshots", "1000000001"),
    ],
)
def test_a_count_or_size_past_a_billion_is_a_problem_naming_its_key(
    tmp_path: Path, key: str, value: str
) -> None:
    """Until 2026-12-06 these loaded: ``1e308`` MB ended ``config check`` and every
    command in an OverflowError traceback, and a history count past 2**63 passed the
    check and ended the sync in one after it had written the team sheets."""
    section, name = key.split(".")
    found = problems(tmp_path, _one_team_head(tmp_path) + f"{section}: {{{name}: {value}}}\n")
    assert found == [f"sheets-sync.yaml: line 5: {key}: {TOO_LARGE.format(value)}"]


def test_a_billion_still_loads(tmp_path: Path) -> None:
    text = _one_team_head(tmp_path) + "limits: {max_workbook_mb: 1e9}\n"
    text += "history: {keep_snapshots: 1000000000, prune_after: 1000000000}\n"
    (tmp_path / "sheets-sync.yaml").write_text(text, encoding="utf-8")
    assert load_workspace(tmp_path / "sheets-sync.yaml").keep_snapshots == 1_000_000_000


@pytest.mark.parametrize(
    ("key", "value", "said"),
    [
        ("timeout_seconds", "1e12", "must be at most 3,600 (got 1e12)"),
        ("timeout_seconds", "3601", "must be at most 3,600 (got 3601)"),
        ("max_retry_seconds", "1e12", "must be at most 86,400 (got 1e12)"),
        (
            "concurrency",
            "99999999999999999999",
            "must be at most 1,000,000,000 (got 99999999999999999999)",
        ),
    ],
)
def test_a_google_wait_past_its_range_is_a_problem_naming_its_key(
    tmp_path: Path, key: str, value: str, said: str
) -> None:
    """``timeout_seconds: 1e12`` passed ``config check`` (until 2026-12-06); with
    ``max_retry_seconds: 1e12`` too, every Google team failed at its first request in an
    internal error (OverflowError: timestamp out of range for platform time_t). An hour
    for one request, a day of retries, a billion of a count."""
    found = problems(tmp_path, _one_team_head(tmp_path) + f"google: {{{key}: {value}}}\n")
    assert found == [f"sheets-sync.yaml: line 5: google.{key}: {said}"]


def test_an_hour_of_timeout_and_a_day_of_retries_load(tmp_path: Path) -> None:
    text = _one_team_head(tmp_path) + "google: {timeout_seconds: 3600, max_retry_seconds: 86400}\n"
    (tmp_path / "sheets-sync.yaml").write_text(text, encoding="utf-8")
    google = load_workspace(tmp_path / "sheets-sync.yaml").google
    assert (google.timeout_seconds, google.max_retry_seconds) == (3600, 86400)
