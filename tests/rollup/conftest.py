"""Session fixtures: last night's rollup workbook, tonight's rollup and its workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.rollup import Rollup, build_rollup, write_rollup_xlsx
from tests.rollup.fixtures import context, runs


@pytest.fixture(scope="session")
def previous_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Last night's rollup: all three teams read fine (as of 2025-08-14)."""
    path = tmp_path_factory.mktemp("prev") / "rollup.xlsx"
    night = dt.date(2025, 8, 14)
    ctx = context(night, dt.datetime(2025, 8, 14, 6, 30))
    write_rollup_xlsx(build_rollup(runs(finance_fails=False, as_of=night), ctx), path)
    return path


@pytest.fixture(scope="session")
def rollup(previous_xlsx: Path) -> Rollup:
    return build_rollup(runs(finance_fails=True), context(), previous=previous_xlsx)


@pytest.fixture(scope="session")
def rollup_xlsx(rollup: Rollup, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("out") / "company.xlsx"
    write_rollup_xlsx(rollup, path)
    return path
