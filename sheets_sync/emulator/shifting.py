"""Ranges that move with the grid when rows or columns are inserted or deleted.

In Sheets a protected range, a basic filter, a filter view, a named range, a conditional
format's ranges and a row or column group keep covering the same cells when someone
inserts a column before them or deletes rows inside them, as merges do
(``dimensions._shift_ranges``); a protected range, filter, filter view, group or
conditional format range whose cells were all deleted goes with them; a filter's criteria
and sorts (``sortSpecs``, until a review on 2026-12-07 left on their index) go with their
columns, and go with a deleted one. Before
2026-12-06 the emulator moved only merges: a Score column protected as N:N stayed N:N
after a column was inserted at B, so a sync wrote the protected Score (now O) where Google
refuses it; groups stayed put a little longer (a row inserted above a group left it on
its old rows, so collapsing it at its new place was refused).
"""

from __future__ import annotations

from typing import Any

from sheets_sync.emulator.state import Sheet, Spreadsheet


def range_sides(dimension: str) -> tuple[str, str]:
    """A GridRange's start and end keys along ``dimension`` (``ROWS`` or ``COLUMNS``)."""
    if dimension == "ROWS":
        return "startRowIndex", "endRowIndex"
    return "startColumnIndex", "endColumnIndex"


def shift_index(i: int, start: int, delta: int, end_side: bool) -> int:
    """One bound after inserting ``delta`` at ``start`` (delta > 0) or deleting
    ``-delta`` from ``start`` (an index inside the deleted span lands on ``start``)."""
    if delta > 0:
        return i + delta if (i > start if end_side else i >= start) else i
    gone_end = start - delta
    if i <= start:
        return i
    return i + delta if i >= gone_end else start


def shift_range(rng: dict[str, Any], dimension: str, start: int, delta: int) -> bool:
    """Move a ``GridRange`` in place; False when a deletion took all of it. A missing end
    (an unbounded F:F) stays missing."""
    lo, hi = range_sides(dimension)
    a = int(rng.get(lo, 0))
    new_a = shift_index(a, start, delta, end_side=False)
    if hi in rng:
        new_b = shift_index(int(rng[hi]), start, delta, end_side=True)
        if new_b <= new_a:
            return False
        rng[hi] = new_b
    if lo in rng or new_a:
        rng[lo] = new_a
    return True


def _shift_filter(spec: dict[str, Any], dimension: str, start: int, delta: int) -> bool:
    if not shift_range(spec.setdefault("range", {}), dimension, start, delta):
        return False
    if dimension == "COLUMNS":
        moved: dict[str, Any] = {}
        for col, crit in spec.get("criteria", {}).items():
            if delta < 0 and start <= int(col) < start - delta:
                continue  # the column went
            moved[str(shift_index(int(col), start, delta, end_side=False))] = crit
        if "criteria" in spec:
            spec["criteria"] = moved
        for key, at in (("filterSpecs", "columnIndex"), ("sortSpecs", "dimensionIndex")):
            specs = []
            for s in spec.get(key, []):
                col = int(s.get(at, 0))
                if delta < 0 and start <= col < start - delta:
                    continue  # the column went
                s[at] = shift_index(col, start, delta, end_side=False)
                specs.append(s)
            if key in spec:
                spec[key] = specs
    return True


def _shift_groups(extra: dict[str, Any], dimension: str, start: int, delta: int) -> None:
    """Groups of that dimension grow, shrink and move with it; one whose rows all went goes."""
    key = "rowGroups" if dimension == "ROWS" else "columnGroups"
    if key not in extra:
        return
    kept = []
    for group in extra[key]:
        rng = group["range"]
        a = shift_index(int(rng.get("startIndex", 0)), start, delta, end_side=False)
        b = shift_index(int(rng["endIndex"]), start, delta, end_side=True)
        if b > a:
            rng["startIndex"], rng["endIndex"] = a, b
            kept.append(group)
    if kept:
        extra[key] = kept
    else:
        del extra[key]


def shift_sheet_ranges(
    book: Spreadsheet, sheet: Sheet, dimension: str, start: int, delta: int
) -> None:
    """Move every range of ``sheet`` but its merges; drop those a deletion took whole."""
    extra = sheet.extra
    kept = []
    for prot in extra.get("protectedRanges", []):
        if "range" in prot and not shift_range(prot["range"], dimension, start, delta):
            continue
        prot["unprotectedRanges"] = [
            u for u in prot.get("unprotectedRanges", []) if shift_range(u, dimension, start, delta)
        ]
        if not prot["unprotectedRanges"]:
            del prot["unprotectedRanges"]
        kept.append(prot)
    if kept:
        extra["protectedRanges"] = kept
    else:
        extra.pop("protectedRanges", None)
    if "basicFilter" in extra and not _shift_filter(extra["basicFilter"], dimension, start, delta):
        del extra["basicFilter"]
    if "filterViews" in extra:
        views = [v for v in extra["filterViews"] if _shift_filter(v, dimension, start, delta)]
        if views:
            extra["filterViews"] = views
        else:
            del extra["filterViews"]
    _shift_groups(extra, dimension, start, delta)
    if "conditionalFormats" in extra:
        rules = []
        for rule in extra["conditionalFormats"]:
            rule["ranges"] = [r for r in rule["ranges"] if shift_range(r, dimension, start, delta)]
            if rule["ranges"]:
                rules.append(rule)
        if rules:
            extra["conditionalFormats"] = rules
        else:
            del extra["conditionalFormats"]
    for n in book.named_ranges:  # one whose cells all went is kept as it was (not modelled)
        rng = n.get("range", {})
        if int(rng.get("sheetId", 0)) == sheet.sheet_id:
            moved = dict(rng)
            if shift_range(moved, dimension, start, delta):
                rng.update(moved)
