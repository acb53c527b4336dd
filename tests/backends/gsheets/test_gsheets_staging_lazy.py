"""A staged publish makes each batch as it goes out (``staging.StagedBatches``): all
of them made before the first was sent held every row's request of the rollup at once
(until 2026-12-07). Where each batch cuts the rows is told once, each row sized once;
the batches are the ones the eager cut made, and the stage-then-swap order holds."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sheets_sync.backends.gsheets import rollup as gsheets_rollup
from sheets_sync.backends.gsheets import staging
from sheets_sync.backends.gsheets.rollup import cell, place_tabs


def _tabs() -> list[tuple[str, list[list[dict[str, Any]]], int]]:
    kr = [[cell(f"team {i} ✓"), cell(i), cell("é" * 40), cell(0.5, "0.00")] for i in range(300)]
    kpi = [[cell(f"KPI {i}"), cell(i * 1.5)] for i in range(200)]
    return [("Key results", kr, 1), ("KPIs", kpi, 1)]


def test_each_batch_is_made_when_asked_for_and_made_the_same_again() -> None:
    placed = place_tabs(_tabs(), {"Key results": 7, "Sheet1": 0})
    batches = staging.staged_batches(placed, [99], {0, 7, 99}, limit=6_000)
    assert len(batches) > 4
    first = [batches[n] for n in range(len(batches))]
    assert [batches[n] for n in range(len(batches))] == first == list(batches)
    assert batches[-1] == first[-1] and batches[1:3] == first[1:3]
    with pytest.raises(IndexError):
        batches[len(batches)]
    assert all(staging.size({"requests": b}) <= 6_000 for b in first)
    written = [r["updateCells"] for b in first[:-1] for r in b if "updateCells" in r]
    got = [row for r in written for row in r["rows"]]
    assert got == [{"values": r} for _, rows, _ in _tabs() for r in rows]
    for update in written:  # each request's range is its rows'
        rng = update["range"]
        assert rng["endRowIndex"] - rng["startRowIndex"] == len(update["rows"])
    kinds = [next(iter(r)) for r in first[-1]]
    assert kinds.count("copyPaste") == 6 and kinds[-2:] == ["deleteSheet", "deleteSheet"]
    # the ids this run chose: its staging tabs and the real tab it adds (KPIs), not 7
    added = {r["addSheet"]["properties"]["sheetId"] for b in first for r in b if "addSheet" in r}
    assert batches.chosen == added and 7 not in added


def test_a_staged_publish_makes_a_batch_only_once_the_one_before_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events: list[tuple[str, int]] = []
    make = staging.StagedBatches.__getitem__

    def made(self: staging.StagedBatches, n: Any) -> Any:
        events.append(("made", n))
        return make(self, n)

    class Client:
        email = "robot@example.com"

        def get_spreadsheet(self, key: str, params: Any, tally: Any = None, **kw: Any) -> Any:
            tally()
            return {"sheets": [{"properties": {"title": "Sheet1", "sheetId": 0}}]}

        def batch_update(self, key: str, body: Any, tally: Any = None, **kw: Any) -> Any:
            tally()
            events.append(("sent", len(events)))
            return {}

    monkeypatch.setattr(staging.StagedBatches, "__getitem__", made)
    monkeypatch.setattr(gsheets_rollup, "rollup_tabs", lambda rollup: _tabs())
    workspace: Any = SimpleNamespace(rollup_output="gsheet:KEY")
    rollup: Any = SimpleNamespace(history=None)
    client: Any = Client()
    calls = gsheets_rollup.write_rollup_gsheet(rollup, workspace, client, batch_bytes=6_000)
    kinds = [kind for kind, _ in events]
    assert calls > 5 and kinds == ["made", "sent"] * (calls - 1)
    assert [n for kind, n in events if kind == "made"] == list(range(calls - 1))


class _Counted(list[list[dict[str, Any]]]):
    """A tab's rows that count how many were taken one by one."""

    taken = 0

    def __iter__(self) -> Any:
        for row in super().__iter__():
            self.taken += 1
            yield row


def test_the_one_batch_check_makes_a_rows_request_as_it_is_sized(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether the rollup fits in one batch is told without the tab's whole list of
    ``{"values": row}`` (``staging.Wrapped``): ``fits`` stops past the limit, and no
    more of a big tab's rows are taken than it sized. Until 2026-12-07 ``each_request``
    made the tab's whole list first (116 MB traced at 600,000 History rows)."""
    big = _Counted([cell(f"row {i}"), cell(i)] for i in range(5_000))
    tabs = [("History", big, 1)]
    seen: list[int] = []
    fits = staging.fits

    def spied(requests: Any, limit: int) -> bool:
        before = big.taken  # the tab's widths were told a row at a time
        ok = fits(requests, limit)
        seen.append(big.taken - before)
        return ok

    class Client:
        email = "robot@example.com"

        def get_spreadsheet(self, key: str, params: Any, tally: Any = None, **kw: Any) -> Any:
            tally()
            return {"sheets": [{"properties": {"title": "Sheet1", "sheetId": 0}}]}

        def batch_update(self, key: str, body: Any, tally: Any = None, **kw: Any) -> Any:
            tally()
            return {}

    monkeypatch.setattr(staging, "fits", spied)
    monkeypatch.setattr(gsheets_rollup, "rollup_tabs", lambda rollup: tabs)
    workspace: Any = SimpleNamespace(rollup_output="gsheet:KEY")
    rollup: Any = SimpleNamespace(history=None)
    client: Any = Client()
    assert gsheets_rollup.write_rollup_gsheet(rollup, workspace, client, batch_bytes=6_000) > 3
    assert len(seen) == 1 and 0 < seen[0] < 500, seen  # some 200 rows sized, not 5,000


def test_the_one_batch_check_sizes_the_batch_as_sent() -> None:
    """``fits`` over ``each_request(sizing=True)`` says what it says of the batch sent
    (``rollup_requests``), at its exact size and a byte under."""
    placed = place_tabs(_tabs(), {"Key results": 7, "Sheet1": 0})
    body = staging.size({"requests": gsheets_rollup.rollup_requests(placed)})
    for limit, ok in ((body, True), (body - 1, False)):
        assert staging.fits(gsheets_rollup.each_request(placed), limit) is ok
        assert staging.fits(gsheets_rollup.each_request(placed, sizing=True), limit) is ok
