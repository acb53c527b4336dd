"""``SyncOptions`` from a library caller: an argument the CLI's parsing would refuse is one
``ConfigError`` naming it, before any team is read, never a bare TypeError or ValueError
from deep in the run nor a run of failed teams."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.errors import ConfigError
from sheets_sync.sync.engine import Sync, SyncOptions


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2026-11-23"}, "as_of: '2026-11-23' is not a date (give a datetime.date)"),
        ({"teams": "Sales"}, "teams: a list of team names, not one name: teams=['Sales']"),
        ({"workers": 0}, "workers: must be a whole number of 1 or more, not 0"),
        ({"workers": -2}, "workers: must be a whole number of 1 or more, not -2"),
        ({"workers": "2"}, "workers: must be a whole number of 1 or more, not '2'"),
        ({"shard": (0, 2)}, "shard: the shard number must be between 1 and 2, not 0"),
        ({"shard": (3, 2)}, "shard: the shard number must be between 1 and 2, not 3"),
        ({"shard": (1, 0)}, "shard: the shard count must be at least 1, not 0"),
        ({"shard": "2/4"}, "shard: must be a pair (k, n) such as (2, 4), not '2/4'"),
    ],
)
def test_a_bad_option_is_a_config_error(
    workspace: Path, kwargs: dict[str, object], message: str
) -> None:
    ws = load_workspace(workspace)
    before = sorted(p.name for p in workspace.parent.rglob("*"))
    with pytest.raises(ConfigError) as caught:
        Sync(ws).run(SyncOptions(**kwargs))  # type: ignore[arg-type]
    assert str(caught.value) == message
    assert sorted(p.name for p in workspace.parent.rglob("*")) == before  # nothing done


def test_good_options_pass() -> None:
    options = SyncOptions(as_of=dt.date(2026, 11, 23), teams=["Sales"], workers=1, shard=(2, 4))
    assert options.workers == 1 and options.shard == (2, 4)


@pytest.mark.parametrize("flag", ["dry_run", "write_back", "rollup", "read_cache"])
def test_a_flag_that_is_no_bool_is_a_config_error(workspace: Path, flag: str) -> None:
    """``write_back="false"`` (text from an environment variable) was true: the run wrote
    the team sheets it was told not to."""
    ws = load_workspace(workspace)
    before = {p: p.read_bytes() for p in workspace.parent.rglob("*.xlsx")}
    with pytest.raises(ConfigError) as caught:
        Sync(ws).run(SyncOptions(as_of=dt.date(2026, 11, 23), **{flag: "false"}))  # type: ignore[arg-type]
    assert str(caught.value) == f"{flag}: must be True or False, not 'false'"
    assert {p: p.read_bytes() for p in workspace.parent.rglob("*.xlsx")} == before


def test_workers_true_is_no_number_of_workers() -> None:
    """``workers=True`` (a bool is an int) passed for one worker."""
    with pytest.raises(ConfigError) as caught:
        SyncOptions(workers=True)
    assert str(caught.value) == "workers: must be a whole number of 1 or more, not True"
