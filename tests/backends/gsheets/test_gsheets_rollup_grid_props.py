"""A rollup tab whose ``gridProperties`` a ``spreadsheets.get`` reply gives as null or
empty (``null``, ``[]``, ``""``, ``0``) counts as 0 rows by 0 columns, and the rollup is
published, as it was before ``shape.tab_size`` read the rollup's grids too: from
2026-12-07 until this test the whole publish was refused ("Summary gridProperties is
null, not an object"). One that is something else (a string, a list of numbers) is still
the rollup's ``RemoteError`` naming it (an AttributeError's text before 2026-12-07)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sheets_sync.backends.gsheets import rollup as gsheets_rollup
from sheets_sync.backends.gsheets.rollup import cell
from sheets_sync.errors import RemoteError


class _Client:
    email = "robot@example.com"

    def __init__(self, grid: Any) -> None:
        self.grid = grid
        self.batches: list[Any] = []

    def get_spreadsheet(self, key: str, params: Any, tally: Any = None, **kw: Any) -> Any:
        tally()
        return {"sheets": [{"properties": {"title": "Summary", "sheetId": 5, **self.grid}}]}

    def batch_update(self, key: str, body: Any, tally: Any = None, **kw: Any) -> Any:
        tally()
        self.batches.append(body)
        return {}


def _publish(grid: Any, monkeypatch: pytest.MonkeyPatch) -> _Client:
    tabs = [("Summary", [[cell("Team"), cell("Score")], [cell("Sales"), cell(0.7)]], 1)]
    monkeypatch.setattr(gsheets_rollup, "rollup_tabs", lambda rollup: tabs)
    workspace: Any = SimpleNamespace(rollup_output="gsheet:KEY")
    rollup: Any = SimpleNamespace(history=None)
    client = _Client(grid)
    gsheets_rollup.write_rollup_gsheet(rollup, workspace, client)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    "grid",
    [{"gridProperties": None}, {"gridProperties": []}, {"gridProperties": ""},
     {"gridProperties": 0}, {"gridProperties": {}}, {}],
    ids=["null", "empty-list", "empty-string", "zero", "empty-object", "left-out"],
)  # fmt: skip
def test_a_null_or_empty_grid_is_0_by_0_and_the_rollup_is_published(
    grid: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _publish(grid, monkeypatch)
    assert len(client.batches) == 1
    requests = client.batches[0]["requests"]
    resize = requests[0]["updateSheetProperties"]["properties"]
    assert resize["sheetId"] == 5 and resize["gridProperties"]["columnCount"] == 2
    assert not any("deleteDimension" in r for r in requests)  # 0x0: nothing past it


@pytest.mark.parametrize(("grid", "said"), [("abc", "a string"), ([1], "a list"), (7, "a number")])
def test_a_grid_of_another_shape_is_the_rollups_remote_error(
    grid: Any, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(RemoteError) as info:
        _publish({"gridProperties": grid}, monkeypatch)
    assert type(info.value) is RemoteError
    assert str(info.value).startswith(
        "gsheet:KEY: rollup: read tabs: Google Sheets answered in an unexpected shape"
    )
    assert str(info.value).endswith(f": Summary gridProperties is {said}, not an object")
