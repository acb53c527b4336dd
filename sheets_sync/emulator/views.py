"""Filter views, slicers and charts: stored and echoed in the sheet resource, hiding no
row and drawing nothing.

A filter view filters only for the person looking through it (Google's help: "filter
views ... don't change what others see"), so the grid data stays as it is. A slicer's
filter is shared; whether Google then reports its rows ``hiddenByFilter`` is not
recorded anywhere we could check, so the emulator hides nothing for it either (sheets-sync
reads rows hidden by a filter in any case).
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.fields import apply_update
from sheets_sync.emulator.ranges import grid_sheet
from sheets_sync.emulator.state import Sheet, Spreadsheet

Reply = dict[str, Any] | None


def _new_id() -> int:
    return secrets.randbelow(2_000_000_000) + 1


def add_filter_view(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    view = copy.deepcopy(req.get("filter", {}))
    rng = view.setdefault("range", {})
    sheet = grid_sheet(book, rng.get("sheetId"), "filter.range.sheet_id")
    if not rng.get("sheetId"):
        rng.pop("sheetId", None)
    view["filterViewId"] = int(view.get("filterViewId") or _new_id())
    sheet.extra.setdefault("filterViews", []).append(view)
    return {"addFilterView": {"filter": copy.deepcopy(view)}}


def _find(book: Spreadsheet, key: str, id_field: str, wanted: Any) -> tuple[Sheet, int] | None:
    for sheet in book.sheets:
        for i, item in enumerate(sheet.extra.get(key, [])):
            if str(item.get(id_field)) == str(wanted):
                return sheet, i
    return None


def update_filter_view(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    new = req.get("filter", {})
    found = _find(book, "filterViews", "filterViewId", new.get("filterViewId"))
    if found is None:
        raise bad_request(f"No filter view with id: {new.get('filterViewId')}")
    sheet, i = found
    apply_update(sheet.extra["filterViews"][i], new, req.get("fields", ""))
    return None


def delete_filter_view(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    _remove(book, "filterViews", "filterViewId", req.get("filterId"), "filter view")
    return None


def add_slicer(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """A slicer sits on the sheet of its anchor cell; its data range may be elsewhere."""
    slicer = copy.deepcopy(req.get("slicer", {}))
    anchor = slicer.get("position", {}).get("overlayPosition", {}).get("anchorCell", {})
    sheet = grid_sheet(
        book, anchor.get("sheetId"), "slicer.position.overlay_position.anchor_cell.sheet_id"
    )
    data = slicer.get("spec", {}).get("dataRange", {})
    grid_sheet(book, data.get("sheetId"), "slicer.spec.data_range.sheet_id")
    slicer["slicerId"] = int(slicer.get("slicerId") or _new_id())
    sheet.extra.setdefault("slicers", []).append(slicer)
    return {"addSlicer": {"slicer": copy.deepcopy(slicer)}}


def add_chart(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """AddChartRequest: the chart as given (``spec`` kept, not drawn; Google adds its
    defaults to a spec and leaves out zeros, not modelled), under ``chartId``
    (chosen when unset; one taken by any chart or slicer is a 400), on the sheet of its
    anchor cell. Only a chart over the grid (``overlayPosition``) is kept: one on a sheet
    of its own (``newSheet``, ``sheetId``) is refused as not modelled."""
    chart = copy.deepcopy(req.get("chart", {}))
    overlay = chart.get("position", {}).get("overlayPosition")
    if not isinstance(overlay, dict):
        raise bad_request(
            "A chart on a sheet of its own is not modelled: only one over the grid "
            "(position.overlayPosition)."
        )
    anchor = overlay.get("anchorCell", {})
    sheet = grid_sheet(
        book, anchor.get("sheetId"), "chart.position.overlay_position.anchor_cell.sheet_id"
    )
    wanted = chart.get("chartId")
    if wanted is not None and (
        _find(book, "charts", "chartId", wanted) or _find(book, "slicers", "slicerId", wanted)
    ):
        raise bad_request(f"An object with id {wanted} already exists.")
    chart["chartId"] = int(wanted or _new_id())
    sheet.extra.setdefault("charts", []).append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def update_chart_spec(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """UpdateChartSpecRequest: the chart ``chartId`` takes ``spec`` whole."""
    found = _find(book, "charts", "chartId", req.get("chartId"))
    if found is None:
        raise bad_request(f"No chart with id: {req.get('chartId')}")
    sheet, i = found
    sheet.extra["charts"][i]["spec"] = copy.deepcopy(req.get("spec", {}))
    return None


def delete_embedded_object(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """Deletes a chart or a slicer (the embedded objects the emulator keeps)."""
    wanted = req.get("objectId")
    if _find(book, "charts", "chartId", wanted) is not None:
        _remove(book, "charts", "chartId", wanted, "embedded object")
    else:
        _remove(book, "slicers", "slicerId", wanted, "embedded object")
    return None


def _remove(book: Spreadsheet, kind: str, key: str, wanted: Any, what: str) -> None:
    """Delete the ``kind`` entry whose ``key`` is ``wanted``; an emptied list goes, as
    Google leaves the field out."""
    found = _find(book, kind, key, wanted)
    if found is None:
        raise bad_request(f"No {what} with id: {wanted}")
    sheet, i = found
    del sheet.extra[kind][i]
    if not sheet.extra[kind]:
        del sheet.extra[kind]
