"""RowCells: the A1 cell of each field on a row, from one column map shared by the tab."""

from __future__ import annotations

import pickle

from sheets_sync.grid import RowCells


def test_cells_are_made_from_the_shared_columns() -> None:
    columns = {"id": 1, "target": 6, "comment": 28}
    cells = RowCells(columns, 7)
    assert dict(cells) == {"id": "A7", "target": "F7", "comment": "AB7"}
    assert cells == {"id": "A7", "target": "F7", "comment": "AB7"}
    assert "target" in cells and "owner" not in cells and len(cells) == 3
    assert cells.get("owner") is None


def test_pickle_keeps_one_column_map_for_all_rows() -> None:
    columns = {"id": 1, "target": 6}
    rows = [RowCells(columns, r) for r in range(2, 50)]
    back = pickle.loads(pickle.dumps(rows))
    assert [dict(r) for r in back] == [dict(r) for r in rows]
    assert len({id(r.columns) for r in back}) == 1
