"""Tabs of one kind under a near name (``KPIs`` and ``KPIs 2026``, ``Copy of OKRs``,
``OKRs (2)``): the mapping's first name the workbook has is read, and the other, an old
copy or the one the team fills now, was passed over without a word (until 2026-12-07).
Said at the tab not read, naming the tab that is; a tab the mapping names is not said
(its list's order says which)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

from sheets_sync.domain.models import Finding, Severity
from sheets_sync.grid import WorkbookData, as_typed, tab_key
from sheets_sync.mapping.spec import TabSpec

#: what a copy or a period adds to a tab's name: a number (a year, Excel's ``(2)``), a
#: quarter, a half, a fiscal year, a version, Google's ``Copy of``, old, new, backup...
#: (a word of these alone, not inside another: ``OKR guide`` is no copy of ``OKR``)
_COPY_WORDS = re.compile(
    r"(?<![^\W\d_])(?:q[1-4]|h[12]|fy|v(?=\d)|copy|of|old|new|backup|bak|archive|draft)"
    r"(?![^\W\d_])|\d+"
)

KIND_WORDS = {"okrs": "the key results", "kpis": "the KPIs"}


def _base(name: str) -> str:
    """The name without what a copy or a period adds (``FY26 OKRs (2)`` is ``okrs``)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return tab_key(_COPY_WORDS.sub(" ", folded)) if folded.strip() else ""


def near_tabs(
    data: WorkbookData,
    kind: Literal["okrs", "kpis"],
    spec: TabSpec,
    read: str,
    named: Iterable[str],
) -> list[Finding]:
    """A warning at each tab whose name, without a copy's or a period's words, is one of
    ``spec.sheet``'s while the tab is not ``read`` and not named by the mapping
    (``named``: both kinds' tab lists)."""
    wanted = {tab_key(n) for n in spec.sheet}
    listed = {tab_key(n) for n in named} | {tab_key(read)}
    names = ", ".join(map(as_typed, spec.sheet))
    return [
        Finding(
            Severity.WARNING,
            f"this tab is not read: {KIND_WORDS[kind]} are read from {as_typed(read)}, the "
            f"first of {kind}.sheet ({names}) the workbook has; if the team fills this tab "
            f"now, name it first in {kind}.sheet, or rename or delete the other",
            data.source,
            name,
        )
        for name in data.sheet_names
        if tab_key(name) not in listed and _base(name) in wanted
    ]


TABS_LISTED = 20  # of a workbook's tab names, in "no tab named X (tabs: ...)"


def missing_tab(data: WorkbookData, spec: TabSpec) -> str:
    """``no tab named KPIs or Metrics (tabs: OKRs, KPIs 2026); did you mean KPIs 2026?``:
    the tabs named whose name, without a copy's or a period's words, is one of
    ``spec.sheet``'s (a tab renamed for the year; until 2026-12-07 not pointed at)."""
    have = ", ".join(map(as_typed, data.sheet_names[:TABS_LISTED])) or "none"
    if len(data.sheet_names) > TABS_LISTED:  # a workbook may have 1,024 tabs
        have += f" and {len(data.sheet_names) - TABS_LISTED:,} more"
    wanted = {tab_key(n) for n in spec.sheet}
    near = [as_typed(n) for n in data.sheet_names if _base(n) in wanted][:3]
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return f"no tab named {' or '.join(map(as_typed, spec.sheet))} (tabs: {have}){hint}"
