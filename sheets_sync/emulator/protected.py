"""Protected ranges: stored and echoed, never enforced (the emulator has a single editor)."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.state import CALLER, Spreadsheet


def add_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any] | None:
    prot = copy.deepcopy(req.get("protectedRange", {}))
    rng = prot.get("range", {})
    sheet = book.sheet_by_id(int(rng.get("sheetId", 0)))
    if sheet is None:
        raise bad_request(f"No grid with id: {rng.get('sheetId', 0)}")
    prot["protectedRangeId"] = prot.get("protectedRangeId") or secrets.randbelow(2_000_000_000)
    if not rng.get("sheetId"):
        rng.pop("sheetId", None)
    prot["requestingUserCanEdit"] = True
    if prot.get("warningOnly") is False:
        prot.pop("warningOnly")
    prot["editors"] = {}
    reply = copy.deepcopy(prot)
    caller = CALLER.get()
    if caller:  # the creator becomes the sole editor; the reply predates that, as at Google
        prot["editors"] = {"users": [caller]}
    sheet.extra.setdefault("protectedRanges", []).append(prot)
    return {"addProtectedRange": {"protectedRange": reply}}


def delete_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any] | None:
    pid = req.get("protectedRangeId")
    for sheet in book.sheets:
        found = [p for p in sheet.extra.get("protectedRanges", []) if p["protectedRangeId"] == pid]
        if found:
            sheet.extra["protectedRanges"].remove(found[0])
            if not sheet.extra["protectedRanges"]:
                del sheet.extra["protectedRanges"]
            return None
    raise bad_request(f"No protected range with id: {pid}")
