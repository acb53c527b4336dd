"""Emulator fixtures: one server for this folder (cheap to reset) and real gspread clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest
from google.oauth2.service_account import Credentials

from sheets_sync.backends.gsheets.transport import emulator_http_client, fake_service_account_info
from sheets_sync.emulator import Emulator, run_emulator

SCOPES = [
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive",
]


@pytest.fixture(scope="package")
def _server() -> Iterator[Emulator]:
    """Stopped after this folder's tests, so no later test forks beside its thread
    (``tests/backends/gsheets/conftest.py``)."""
    with run_emulator() as emu:
        yield emu


@pytest.fixture
def emulator(_server: Emulator) -> Emulator:
    _server.reset()
    return _server


@pytest.fixture(scope="package")
def sa_info(_server: Emulator) -> dict[str, Any]:
    """One RSA key per server: generating 2048-bit keys is the slow part."""
    return fake_service_account_info(_server.host)


@pytest.fixture
def gc(emulator: Emulator, sa_info: dict[str, Any]) -> gspread.Client:
    creds = Credentials.from_service_account_info(sa_info, scopes=SCOPES)  # type: ignore[no-untyped-call]
    return gspread.Client(auth=creds, http_client=emulator_http_client(emulator.host))


@pytest.fixture
def sa_email(sa_info: dict[str, Any]) -> str:
    return str(sa_info["client_email"])
