"""Fixtures for the Excel write-path tests: the team workbook, built once a session; the
write's two zip paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync import zipwrite
from tests.backends.excel.fixtures import build_team_workbook
from tests.support.libreoffice import convert, soffice


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("excel-write-fixtures")


@pytest.fixture(scope="session")
def team_openpyxl(fixture_dir: Path) -> bytes:
    """The team workbook as openpyxl wrote it (no cached formula values)."""
    return build_team_workbook(fixture_dir / "team.xlsx").read_bytes()


@pytest.fixture(scope="session")
def team_lo(fixture_dir: Path, team_openpyxl: bytes) -> bytes:
    """The team workbook after a LibreOffice round trip: real cached formula values.

    Without soffice (outside CI) fall back to the openpyxl file so the non-LibreOffice
    tests still run; LibreOffice-only assertions are marked and skipped separately.
    """
    if soffice() is None:
        return team_openpyxl
    out = convert(fixture_dir / "team.xlsx", "xlsx", fixture_dir / "lo")
    return out.read_bytes()


@pytest.fixture(params=["plain", "zip64"])
def zip_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test run on each of the package write's paths: plain zip records, and zip64's
    (its limit lowered, as for a package of 65,535 members or more)."""
    if request.param == "zip64":
        monkeypatch.setattr(zipwrite, "LIMIT", 1000)
    return str(request.param)
