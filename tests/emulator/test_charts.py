"""Charts over the grid through real gspread: added (the reply holds the chart with its
id), served in the sheet resource, their spec replaced, copied with a duplicated tab and
deleted; a chart on a sheet of its own is refused as not modelled."""

from __future__ import annotations

from typing import Any

import gspread
import pytest

from sheets_sync.emulator import Emulator

pytestmark = pytest.mark.emulator


def _chart(title: str, sheet_id: int = 0) -> dict[str, Any]:
    def rng(c: int) -> dict[str, int]:
        return {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 3,
                "startColumnIndex": c, "endColumnIndex": c + 1}  # fmt: skip

    domain = {"domain": {"sourceRange": {"sources": [rng(0)]}}}
    series = {"series": {"sourceRange": {"sources": [rng(1)]}}}
    spec = {"title": title, "basicChart": {"chartType": "BAR", "domains": [domain],
                                           "series": [series]}}  # fmt: skip
    anchor = {"sheetId": sheet_id, "rowIndex": 5, "columnIndex": 0}
    return {"spec": spec, "position": {"overlayPosition": {"anchorCell": anchor}}}


def _charts(sh: gspread.Spreadsheet) -> dict[int, list[dict[str, Any]]]:
    got = sh.fetch_sheet_metadata({"fields": "sheets(properties.sheetId,charts)"})
    return {s["properties"].get("sheetId", 0): s.get("charts", []) for s in got["sheets"]}


def test_a_chart_is_kept_updated_copied_with_its_tab_and_deleted(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR", "Score"], ["k1", 0.1], ["k2", 1]]})
    sh = gc.open_by_key(key)
    reply = sh.batch_update({"requests": [{"addChart": {"chart": _chart("Scores")}}]})
    chart = reply["replies"][0]["addChart"]["chart"]
    chart_id = chart.pop("chartId")
    assert isinstance(chart_id, int) and chart == _chart("Scores")
    assert _charts(sh) == {0: [{**_chart("Scores"), "chartId": chart_id}]}
    with pytest.raises(gspread.exceptions.APIError) as taken:
        sh.batch_update(
            {"requests": [{"addChart": {"chart": {**_chart("x"), "chartId": chart_id}}}]}
        )
    assert taken.value.response.status_code == 400
    spec = _chart("Scores by KR")["spec"]
    sh.batch_update({"requests": [{"updateChartSpec": {"chartId": chart_id, "spec": spec}}]})
    sh.batch_update({"requests": [{"duplicateSheet": {"sourceSheetId": 0, "newSheetId": 9}}]})
    charts = _charts(sh)
    assert charts[0] == [{**_chart("Scores by KR"), "chartId": chart_id}]
    (copied,) = charts[9]
    assert copied.pop("chartId") != chart_id
    assert copied == _chart("Scores by KR", 9)
    sh.batch_update({"requests": [{"deleteEmbeddedObject": {"objectId": chart_id}}]})
    assert _charts(sh)[0] == []


def test_a_chart_on_a_sheet_of_its_own_is_refused_as_not_modelled(
    gc: gspread.Client, emulator: Emulator
) -> None:
    key = emulator.create_spreadsheet("t", {"OKRs": [["KR", "Score"]]})
    sh = gc.open_by_key(key)
    chart = {**_chart("Scores"), "position": {"newSheet": True}}
    with pytest.raises(gspread.exceptions.APIError) as info:
        sh.batch_update({"requests": [{"addChart": {"chart": chart}}]})
    assert info.value.response.status_code == 400
    assert "not modelled" in str(info.value)
    assert _charts(sh) == {0: []}
