"""``SyncOptions`` from a library caller: an argument the CLI's parsing would refuse is one
``ConfigError`` naming it, before any team is read, never a bare TypeError or ValueError
from deep in the run nor a run of failed teams."""

from __future__ import annotations

import datetime as dt
import enum
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


class _Workers(enum.IntEnum):
    TWO = 2


class _Count(int):
    pass


def test_a_numpy_bool_is_a_flag_and_an_integer_like_is_workers() -> None:
    """Valid values refused since flags and workers were checked: ``dry_run=np.bool_(True)``
    (a pandas column's value), ``workers=np.int64(2)``, an ``IntEnum`` member, an int
    subclass. They are kept as the plain ``bool`` and ``int``."""
    np = pytest.importorskip("numpy")
    options = SyncOptions(dry_run=np.bool_(True), write_back=np.bool_(False), workers=np.int64(2))
    assert options.dry_run is True and options.write_back is False
    assert options.workers == 2 and type(options.workers) is int
    assert SyncOptions(workers=_Workers.TWO).workers == 2
    assert type(SyncOptions(workers=_Count(3)).workers) is int


@pytest.mark.parametrize("value", [1, 0, "true", None, 1.0])
def test_a_flag_is_a_bool_not_a_number_or_text(value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        SyncOptions(dry_run=value)  # type: ignore[arg-type]
    assert str(caught.value) == f"dry_run: must be True or False, not {value!r}"


@pytest.mark.parametrize("value", [2.0, 2.5, "2", False])
def test_workers_that_is_no_whole_number_is_a_config_error(value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        SyncOptions(workers=value)  # type: ignore[arg-type]
    assert str(caught.value) == f"workers: must be a whole number of 1 or more, not {value!r}"
