"""Protected ranges and sheets: stored, echoed, and enforced on cell writes as Google does.

The caller who adds one becomes its editor; a protection someone else made (seeded through
``protect``) refuses the cell writes of a caller who is neither its editor nor the
spreadsheet's owner with Google's 400, unless it only warns.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from sheets_sync.emulator.errors import ApiError, bad_request
from sheets_sync.emulator.ranges import grid_sheet
from sheets_sync.emulator.state import CALLER, Sheet, Spreadsheet

GridRect = tuple[int, int, int, int]  # rows r0..r1, columns c0..c1, half-open


def add_protected_range(book: Spreadsheet, req: dict[str, Any]) -> dict[str, Any] | None:
    prot = copy.deepcopy(req.get("protectedRange", {}))
    rng = prot.get("range", {})
    # null: sheet 0, its 400 naming 0 (None until 2026-12-07)
    sheet = grid_sheet(book, rng.get("sheetId"), "protected_range.range.sheet_id")
    prot["protectedRangeId"] = prot.get("protectedRangeId") or secrets.randbelow(2_000_000_000)
    if sheet.sheet_id:  # the number, echoed as one ("1" was stored as sent until 2026-12-07)
        rng["sheetId"] = sheet.sheet_id
    else:
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


PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


def _area(book: Spreadsheet, sheet: Sheet, prot: dict[str, Any]) -> GridRect | None:
    """The rectangle a protection covers: its range (unbounded sides: the whole sheet) or
    the range of the named range it is backed by."""
    rng = prot.get("range")
    if rng is None and prot.get("namedRangeId"):
        named = next(
            (n for n in book.named_ranges if n.get("namedRangeId") == prot["namedRangeId"]), None
        )
        rng = named.get("range") if named else None
    if rng is None or int(rng.get("sheetId", 0)) != sheet.sheet_id:
        return None
    return _rect(rng)


def _rect(rng: dict[str, Any]) -> GridRect:
    big = 1 << 40
    return (
        int(rng.get("startRowIndex", 0)),
        int(rng.get("endRowIndex", big)),
        int(rng.get("startColumnIndex", 0)),
        int(rng.get("endColumnIndex", big)),
    )


def may_edit(book: Spreadsheet, prot: dict[str, Any], caller: str | None) -> bool:
    """Google lets the spreadsheet's owner and the range's editors write; a warning-only
    protection warns people in the UI and never stops an API write. No caller: the test
    API (seeding), which stands for the owner."""
    if caller is None or prot.get("warningOnly") or caller == book.owner:
        return True
    return caller in prot.get("editors", {}).get("users", [])


def check_writable(book: Spreadsheet, sheet: Sheet, rect: GridRect) -> None:
    """Google's 400 for a write that touches a cell of a protected range or sheet the caller
    may not edit; the whole batch is refused (the message names no range)."""
    caller = CALLER.get()
    r0, r1, c0, c1 = rect
    for prot in sheet.extra.get("protectedRanges", []):
        area = _area(book, sheet, prot)
        if area is None or may_edit(book, prot, caller):
            continue
        for r in range(max(r0, area[0]), min(r1, area[1])):
            for c in range(max(c0, area[2]), min(c1, area[3])):
                free = any(
                    u0 <= r < u1 and v0 <= c < v1
                    for u0, u1, v0, v1 in (_rect(u) for u in prot.get("unprotectedRanges", []))
                )
                if not free:
                    raise ApiError(400, PROTECTED_MESSAGE)


def protected_out(book: Spreadsheet, prot: dict[str, Any]) -> dict[str, Any]:
    """A protection as the caller sees it: Google leaves ``requestingUserCanEdit`` (false)
    and ``editors`` out for one who may not edit it."""
    out = copy.deepcopy(prot)
    if may_edit(book, prot, CALLER.get()):
        out.setdefault("requestingUserCanEdit", True)
    else:
        out.pop("requestingUserCanEdit", None)
        out.pop("editors", None)
    return out


def protect(
    book: Spreadsheet,
    sheet: Sheet,
    rect: dict[str, int] | None,
    *,
    editors: list[str],
    unprotected: list[dict[str, int]] | None = None,
    warning_only: bool = False,
    description: str = "",
) -> int:
    """Test seeding: a protection someone else made (the service account is no editor
    unless listed), which the API cannot make (its caller always becomes an editor)."""
    rng: dict[str, Any] = {"sheetId": sheet.sheet_id, **(rect or {})}
    if not sheet.sheet_id:
        rng.pop("sheetId")
    prot: dict[str, Any] = {
        "protectedRangeId": secrets.randbelow(2_000_000_000),
        "range": rng,
        "editors": {"users": list(editors)},
    }
    if description:
        prot["description"] = description
    if warning_only:
        prot["warningOnly"] = True
        prot.pop("editors")
    if unprotected:
        prot["unprotectedRanges"] = [{"sheetId": sheet.sheet_id, **u} for u in unprotected]
    sheet.extra.setdefault("protectedRanges", []).append(prot)
    return int(prot["protectedRangeId"])
