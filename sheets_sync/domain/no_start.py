"""A key-result tab with no Start column: each number key result failed alone, ``start
value is missing`` on every row (until 2026-12-07), though the fix is one column. They
are still left out of the scores, and said once, at the tab, naming the headers the
mapping looked for (``TeamInput.no_start``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sheets_sync.domain.models import Finding, KeyResult, KRType, Severity

#: the key results a tab-level error names; the others are counted
_KRS_NAMED = 5


def no_start_column(kr: KeyResult) -> bool:
    """A number key result with no start, read from a tab with no Start column (its
    origin names the cells of the tab's columns, none for start; a key result built by
    hand names none, and says its missing start at its row)."""
    cells = kr.origin.cells
    return kr.type is KRType.NUMBER and kr.start is None and bool(cells) and "start" not in cells


def no_start_finding(krs: Sequence[KeyResult], column: str) -> Finding:
    """The one error at the tab of ``krs`` (each ``no_start_column``); ``column``: the
    field as the mapping names it, with the headers it looked for and its header row
    (``TeamInput.no_start``), else ``Start``."""
    ids = ", ".join(kr.id for kr in krs[:_KRS_NAMED])
    if len(krs) > _KRS_NAMED:
        ids += f" and {len(krs) - _KRS_NAMED:,} more"
    many = len(krs) > 1
    them = f"{len(krs):,} key results ({ids})" if many else f"key result {ids}"
    message = (
        f"missing column {column}: a number key result is scored from its start "
        f"value to its target, so {them} {'are' if many else 'is'} not scored; add the "
        f"column (type 0 where a metric starts at zero), or give {'them' if many else 'it'} "
        "another KR type (at least, at most, milestone)"
    )
    origin = krs[0].origin
    return Finding(Severity.ERROR, message, origin.source, origin.tab)


def said_once(
    startless: Sequence[KeyResult], looked_for: Mapping[str | None, str]
) -> list[Finding]:
    """The error at each tab of ``startless``; ``looked_for``: of each tab, the column as
    the mapping names it (``TeamInput.no_start``)."""
    by_tab: dict[tuple[str, str | None], list[KeyResult]] = {}
    for kr in startless:
        by_tab.setdefault((kr.origin.source, kr.origin.tab), []).append(kr)
    return [no_start_finding(krs, looked_for.get(tab, "Start")) for (_, tab), krs in by_tab.items()]
