"""A team whose mapping no longer loads, in a workbook it shares with teams that sync: it
fails before its file is read (no parse, no cached read of the mapping it had), and the
others keep their read cache through the night's writes (``refile.py``) as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.sync import engine
from sheets_sync.sync.engine import Sync, SyncOptions, SyncResult
from sheets_sync.sync.outcome import MAPPING_ERROR, Outcome
from tests.sync.test_shared_cache import (
    NIGHT,
    Parses,
    cached,
    fresh,
    outcomes,
    parses,
    three_teams,
)

__all__ = ["parses"]  # the fixture, imported for the tests here

OPS_SAYS = (
    "line 7: teams[1].mapping: ops.yaml: line 4: okrs.requried: unknown key (did you mean "
    "'required'? see docs/mappings.md)"
)


def night(cfg: Path, as_of: dt.date, workers: int, seen: Parses) -> SyncResult:
    """One night as `sync` loads it: a mapping that does not load fails its teams."""
    seen.clear()
    ws = load_workspace(cfg, files_must_exist=False)
    return Sync(ws).run(SyncOptions(as_of=as_of, workers=workers, rollup=False))


def assert_the_others_hit_a_fresh_parse(cfg: Path) -> None:
    ws = load_workspace(cfg, files_must_exist=False)
    for spec in ws.teams:
        if spec.mapping_error is None and spec.path is not None:
            assert cached(spec, ws) == fresh(spec, ws), spec.name


@pytest.mark.parametrize(("workers", "packed"), [(1, False), (1, True), (2, False)])
def test_a_team_whose_mapping_broke_fails_and_the_others_keep_their_cache(
    tmp_path: Path,
    parses: Parses,
    workers: int,
    packed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if packed:
        monkeypatch.setattr(engine, "PACK_READS_AT", 1)
    cfg = three_teams(tmp_path, more=2 if workers > 1 else 0)
    first = night(cfg, NIGHT, workers, parses)
    assert {o for _, o in outcomes(first)} == {Outcome.OK}
    (tmp_path / "mappings" / "ops.yaml").write_text(
        "name: ops\nokrs:\n  sheet: [Ops OKRs]\n  requried: true\n", encoding="utf-8"
    )
    second = night(cfg, NIGHT + dt.timedelta(days=1), workers, parses)  # pace moved: written
    assert outcomes(second)[:3] == [
        ("Sales", Outcome.OK),
        ("Ops", Outcome.FAILED),
        ("Eng", Outcome.OK),
    ]
    ops = second.runs[1]
    assert ops.error == f"sheets-sync.yaml: {OPS_SAYS}"
    assert ops.error_detail is not None and ops.error_detail.kind == MAPPING_ERROR
    assert parses() == []  # Sales and Eng from the cache; Ops not read at all
    assert_the_others_hit_a_fresh_parse(cfg)
    third = night(cfg, NIGHT + dt.timedelta(days=1), workers, parses)  # a quiet night
    assert [o for _, o in outcomes(third)] == [
        Outcome.UNCHANGED,
        Outcome.FAILED,
        *[Outcome.UNCHANGED] * (len(third.runs) - 2),
    ]
    assert parses() == []
    assert_the_others_hit_a_fresh_parse(cfg)
    # fixed: Ops reads again, with its mapping, and syncs
    (tmp_path / "mappings" / "ops.yaml").write_text(
        "name: ops\nokrs:\n  sheet: [Ops OKRs]\n", encoding="utf-8"
    )
    fourth = night(cfg, NIGHT + dt.timedelta(days=2), workers, parses)
    assert {o for _, o in outcomes(fourth)} == {Outcome.OK}
    ws = load_workspace(cfg)
    assert ws.teams[1].mapping_error is None
