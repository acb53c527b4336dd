"""Fixtures of the end-to-end Google tests: one emulator a module, reset for each test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from sheets_sync.backends.gsheets.clients import clear_clients
from sheets_sync.backends.gsheets.transport import EMULATOR_ENV
from sheets_sync.emulator import Emulator, run_emulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with run_emulator() as emu:
        yield emu


@pytest.fixture
def env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """Emulator host in the environment; any lookup of a non-local host fails the test."""
    monkeypatch.setenv(EMULATOR_ENV, emulator.host)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    emulator.reset()
    clear_clients()
    escaped: list[Any] = []
    real = socket.getaddrinfo

    def local_only(host: Any, *args: Any, **kw: Any) -> Any:
        if host not in ("127.0.0.1", "localhost"):
            escaped.append(host)
            raise OSError(f"test tried to reach {host!r}")
        return real(host, *args, **kw)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
    yield emulator
    emulator.reset()
    clear_clients()
    assert escaped == []
