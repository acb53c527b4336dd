"""A Google team's Status cell recoloured by hand is coloured again (the emulator); a
night with nothing to change stays one read and no write."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.config import load_workspace
from sheets_sync.emulator import Emulator
from sheets_sync.emulator.batch_update import batch_update
from sheets_sync.sync.engine import Sync, SyncOptions
from sheets_sync.sync.outcome import Outcome
from sheets_sync.sync.styles import STATUS_STYLE
from tests.e2e.test_google_sync import (
    AS_OF,
    OKR_COL,
    _col,
    calls,
    fill,
    hex_fill,
    team_sheets,
    workspace,
)

pytestmark = pytest.mark.emulator


def test_a_google_status_cell_recoloured_by_hand_is_coloured_again(
    env: Emulator, tmp_path: Path
) -> None:
    key = env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")
    cfg = workspace(tmp_path, env, [key])
    options = SyncOptions(as_of=AS_OF, rollup=False)
    first = Sync(load_workspace(cfg)).run(options).runs[0]
    assert first.outcome is Outcome.OK and first.result is not None
    kr = first.result.key_results[0]
    assert kr.kr.origin.row is not None
    cell = f"OKRs!{_col(OKR_COL['status'])}{kr.kr.origin.row}"
    want = hex_fill(STATUS_STYLE[kr.status].fill or "")
    assert fill(env, key, cell) == pytest.approx(want)
    env.log.clear()
    assert Sync(load_workspace(cfg)).run(options).runs[0].outcome is Outcome.UNCHANGED
    assert calls(env, key) == ["spreadsheets.get"]

    green = {"green": 0.69, "blue": 0.31}  # painted by hand (Google leaves out a 0 channel)
    with env.state.lock:
        book = env.state.spreadsheets[key]
        sheet_id = next(s.sheet_id for s in book.sheets if s.title == "OKRs")
        row, col = kr.kr.origin.row - 1, OKR_COL["status"] - 1
        area = {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1}
        area |= {"startColumnIndex": col, "endColumnIndex": col + 1}
        paint = {"range": area, "cell": {"userEnteredFormat": {"backgroundColor": green}}}
        batch_update(book, {"requests": [{"repeatCell": paint | {"fields": "userEnteredFormat"}}]})
    assert fill(env, key, cell) == pytest.approx(green)
    night = Sync(load_workspace(cfg)).run(options).runs[0]
    assert night.outcome is Outcome.OK and not night.changes  # a colour: no value changed
    assert fill(env, key, cell) == pytest.approx(want)
    env.log.clear()
    assert Sync(load_workspace(cfg)).run(options).runs[0].outcome is Outcome.UNCHANGED
    assert calls(env, key) == ["spreadsheets.get"]


def test_a_google_status_cell_in_a_theme_colour_is_recoloured_once(
    env: Emulator, tmp_path: Path
) -> None:
    """A Status cell painted a theme colour (``backgroundColorStyle.themeColor`` only, no
    ``backgroundColor``: the read asks for the latter) has no fill the sync knows: it is
    written again once, counted as one recolour and no change, then the night is quiet."""
    key = env.create_spreadsheet("team 0", team_sheets(0), value_input="RAW")
    cfg = workspace(tmp_path, env, [key])
    options = SyncOptions(as_of=AS_OF, rollup=False)
    first = Sync(load_workspace(cfg)).run(options).runs[0]
    assert first.outcome is Outcome.OK and first.result is not None
    kr = first.result.key_results[0]
    assert kr.kr.origin.row is not None
    cell = f"OKRs!{_col(OKR_COL['status'])}{kr.kr.origin.row}"
    want = hex_fill(STATUS_STYLE[kr.status].fill or "")
    with env.state.lock:
        book = env.state.spreadsheets[key]
        sheet_id = next(s.sheet_id for s in book.sheets if s.title == "OKRs")
        row, col = kr.kr.origin.row - 1, OKR_COL["status"] - 1
        area = {"sheetId": sheet_id, "startRowIndex": row, "endRowIndex": row + 1}
        area |= {"startColumnIndex": col, "endColumnIndex": col + 1}
        theme = {"backgroundColorStyle": {"themeColor": "ACCENT6"}}
        paint = {"range": area, "cell": {"userEnteredFormat": theme}}
        batch_update(book, {"requests": [{"repeatCell": paint | {"fields": "userEnteredFormat"}}]})
    assert fill(env, key, cell) == {}  # no backgroundColor: a theme colour only
    assert env.cell_format(key, cell).get("backgroundColorStyle") == theme["backgroundColorStyle"]
    night = Sync(load_workspace(cfg)).run(options).runs[0]
    assert night.outcome is Outcome.OK and not night.changes and night.recoloured == 1
    assert fill(env, key, cell) == pytest.approx(want)
    env.log.clear()
    quiet = Sync(load_workspace(cfg)).run(options).runs[0]
    assert quiet.outcome is Outcome.UNCHANGED and quiet.recoloured == 0
    assert calls(env, key) == ["spreadsheets.get"]
