"""Conditional format rules (Format > Conditional formatting): add, update (replace or
reorder) and delete, as the API's requests of those names define them, kept in the sheet
resource's ``conditionalFormats`` in their order.

Stored and served only: no rule changes a cell's ``effectiveFormat`` here (Google applies
it to what the cell shows). A rule's ranges move with the grid when rows or columns are
inserted, deleted or moved (``shifting``, ``moving``); a range whose cells were all
deleted goes, and a rule with no range left goes with it.
"""

from __future__ import annotations

import copy
from typing import Any

from sheets_sync.emulator.errors import bad_request
from sheets_sync.emulator.ranges import grid_sheet, sheet_number
from sheets_sync.emulator.state import Sheet, Spreadsheet

KEY = "conditionalFormats"
Reply = dict[str, Any] | None


def _sheet_of(book: Spreadsheet, rule: dict[str, Any]) -> tuple[Sheet, dict[str, Any]]:
    """The rule's sheet (its ranges' one grid) and the rule as stored (sheetId 0 left out,
    as Google leaves out every zero)."""
    ranges = rule.get("ranges")
    if not isinstance(ranges, list) or not ranges:
        raise bad_request("A conditional format rule must have at least one range.")
    ids = {
        sheet_number(r.get("sheetId"), f"rule.ranges[{i}].sheet_id") for i, r in enumerate(ranges)
    }
    if len(ids) != 1:
        raise bad_request("All ranges of a conditional format rule must be on the same grid.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise bad_request("A conditional format rule must have exactly one of booleanRule or "
                          "gradientRule.")  # fmt: skip
    (sheet_id,) = ids
    sheet = grid_sheet(book, sheet_id)
    stored = copy.deepcopy(rule)
    # each range's sheetId the number ("1" was stored and echoed as sent until 2026-12-07)
    stored["ranges"] = [
        {k: v for k, v in r.items() if k != "sheetId"} | ({"sheetId": sheet_id} if sheet_id else {})
        for r in ranges
    ]
    return sheet, stored


def _rules(book: Spreadsheet, sheet_id: Any) -> list[dict[str, Any]]:
    """The rules of the sheet ``sheet_id`` names (null: sheet 0, whose 400 names 0, not
    None as until 2026-12-07)."""
    rules: list[dict[str, Any]] = grid_sheet(book, sheet_id).extra.get(KEY, [])
    return rules


def _at(rules: list[dict[str, Any]], index: int) -> None:
    if not 0 <= index < len(rules):
        raise bad_request(f"No conditional format on sheet at index {index}.")


def add_rule(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """AddConditionalFormatRuleRequest: "Adds a new conditional format rule at the given
    index. All subsequent rules' indexes are incremented." An index past the last rule is
    a 400 (what Google does then is not recorded)."""
    sheet, rule = _sheet_of(book, req.get("rule") or {})
    rules = sheet.extra.setdefault(KEY, [])
    index = int(req.get("index", 0))
    if not 0 <= index <= len(rules):
        if not rules:
            del sheet.extra[KEY]
        raise bad_request(f"Invalid index {index}: the sheet has {len(rules)} conditional formats.")
    rules.insert(index, rule)
    return None


def update_rule(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """UpdateConditionalFormatRuleRequest: ``rule`` replaces the rule at ``index`` (its
    sheet is the rule's ranges'), or ``newIndex`` moves the rule at ``index`` of
    ``sheetId`` there; the reply as UpdateConditionalFormatRuleResponse documents it
    (no ``oldIndex`` when replaced, no ``oldRule`` when moved)."""
    index = int(req.get("index", 0))
    if ("rule" in req) == ("newIndex" in req):
        raise bad_request("Exactly one of rule or newIndex must be set.")
    if "rule" in req:
        sheet, rule = _sheet_of(book, req["rule"] or {})
        rules = sheet.extra.get(KEY, [])
        _at(rules, index)
        old, rules[index] = rules[index], rule
        reply = {"newRule": copy.deepcopy(rule), "oldRule": old, "newIndex": index}
    else:
        rules = _rules(book, req.get("sheetId"))
        _at(rules, index)
        new = int(req["newIndex"])
        _at(rules, new)
        moved = rules.pop(index)
        rules.insert(new, moved)
        reply = {"newRule": copy.deepcopy(moved), "oldIndex": index, "newIndex": new}
    return {"updateConditionalFormatRule": {k: v for k, v in reply.items() if v != 0}}


def delete_rule(book: Spreadsheet, req: dict[str, Any]) -> Reply:
    """DeleteConditionalFormatRuleRequest: the reply holds the rule deleted."""
    sheet = grid_sheet(book, req.get("sheetId"))  # looked up once (twice until 2026-12-07)
    rules: list[dict[str, Any]] = sheet.extra.get(KEY, [])
    index = int(req.get("index", 0))
    _at(rules, index)
    rule = rules.pop(index)
    if not rules:
        sheet.extra.pop(KEY, None)
    return {"deleteConditionalFormatRule": {"rule": rule}}
