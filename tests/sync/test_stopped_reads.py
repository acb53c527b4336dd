"""A stop whose exception Python dropped (raised in a finalizer: here the CLI handler's
note alone, ``stops.note``) while teams are read one after another in the run's own
process (``--workers 1``, Google ``concurrency: 1``, whose reads also write): raised
again before the next team, not once every team was read (and each Google one written)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest

from bench.generate import generate_workspace
from sheets_sync.config import load_workspace
from sheets_sync.errors import Interrupted
from sheets_sync.sync import engine, reading, stops
from sheets_sync.sync.engine import Sync


def test_a_stop_lost_in_a_team_read_in_process_is_raised_before_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = load_workspace(generate_workspace(tmp_path / "ws", 4))
    read, teams = reading.read_team, []

    def read_then_lose_a_stop(spec: Any, *args: Any) -> Any:
        teams.append(spec.name)
        stops.note(signal.SIGINT)  # the handler ran in a finalizer: its exception is gone
        return read(spec, *args)

    monkeypatch.setattr(engine, "read_team", read_then_lose_a_stop)
    try:
        with pytest.raises(Interrupted):
            Sync(workspace).read_all(workspace.teams)
    finally:
        stops.arrived()
    assert len(teams) == 1, teams
