"""Canonical fields of the two input tables, their default headers, and who owns them."""

from __future__ import annotations

import functools
import re
import unicodedata

from sheets_sync.domain.models import KRType, ObjectiveType

# (field, default header) in template order. The sync job owns the last columns.
OKR_FIELDS: tuple[tuple[str, str], ...] = (
    ("objective_id", "Objective ID"),
    ("objective", "Objective"),
    ("objective_type", "Objective type"),
    ("aligns_to", "Aligns to"),
    ("kr_id", "KR ID"),
    ("key_result", "Key result"),
    ("owner", "Owner"),
    ("kr_type", "KR type"),
    ("start", "Start"),
    ("target", "Target"),
    ("current", "Current"),
    ("unit", "Unit"),
    ("weight", "Weight"),
    ("confidence", "Confidence"),
    ("due", "Due date"),
    ("kpi_link", "KPI link"),
    ("comment", "Comment"),
    ("score", "Score"),
    ("expected", "Expected"),
    ("status", "Status"),
    ("sync_notes", "Sync notes"),
)
#: KR type words beyond the enum's own values (the block layout reads them too)
OBJECTIVE_TYPE_ALIASES = {
    "commit": ObjectiveType.COMMITTED,
    "stretch": ObjectiveType.ASPIRATIONAL,
    "moonshot": ObjectiveType.ASPIRATIONAL,
    "aspiration": ObjectiveType.ASPIRATIONAL,
    "ambitious": ObjectiveType.ASPIRATIONAL,
}
KR_TYPE_ALIASES = {
    "percent": KRType.NUMBER,
    "percentage": KRType.NUMBER,
    "currency": KRType.NUMBER,
    "numeric": KRType.NUMBER,
    "metric": KRType.NUMBER,
    "increase": KRType.NUMBER,
    "decrease": KRType.NUMBER,
    "atleast": KRType.AT_LEAST,
    ">=": KRType.AT_LEAST,
    "minimum": KRType.AT_LEAST,
    "atmost": KRType.AT_MOST,
    "<=": KRType.AT_MOST,
    "maximum": KRType.AT_MOST,
    "binary": KRType.MILESTONE,
    "done": KRType.MILESTONE,
    "yes/no": KRType.MILESTONE,
    "boolean": KRType.MILESTONE,
    "task": KRType.MILESTONE,
}
KPI_FIELDS: tuple[tuple[str, str], ...] = (
    ("id", "KPI ID"),
    ("name", "KPI"),
    ("owner", "Owner"),
    ("category", "Category"),
    ("frequency", "Frequency"),
    ("unit", "Unit"),
    ("direction", "Direction"),
    ("target", "Target"),
    ("lower", "Lower"),
    ("upper", "Upper"),
    ("amber_threshold", "Amber threshold"),
    ("actual", "Actual"),
    ("previous", "Previous"),
    ("as_of", "As of"),
    ("comment", "Comment"),
    ("status", "Status"),
    ("variance", "Variance"),
    ("trend", "Trend"),
    ("sync_notes", "Sync notes"),
)
OKR_OWNED = ("score", "expected", "status", "sync_notes")
KPI_OWNED = ("status", "variance", "trend", "sync_notes")
OKR_REQUIRED = ("objective_id", "kr_id", "target", "current")
KPI_REQUIRED = ("id", "actual")
FILL_DOWN_DEFAULT = ("objective_id", "objective", "objective_type", "aligns_to")


#: Spaces and punctuation; letters of any script stay (the ASCII-only rule this replaced
#: made every Cyrillic or CJK header the same empty key).
_NOT_IN_HEADER = re.compile(r"[^\w%#]+|_+")


#: the signs NFKC folds to ``%`` and ``#``, which stay significant: folded before the first
#: strip, which dropped them as punctuation (``KR ＃`` was ``kr``, until 2026-12-07)
_SIGNS = str.maketrans({"\uff05": "%", "\ufe6a": "%", "\uff03": "#", "\ufe5f": "#"})


@functools.lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """NFKC-folded as IDs are (``domain.ids.id_key``): ``Ｔａｒｇｅｔ`` typed with a CJK input
    method is ``target``. Folded after the first strip, so a header matching before still
    does (``Brand™`` is ``brand``, not ``brandtm``); but for ``％`` and ``＃`` (``_SIGNS``),
    folded before it, as ``%`` and ``#`` count."""
    key = _NOT_IN_HEADER.sub("", text.translate(_SIGNS).casefold())
    return _NOT_IN_HEADER.sub("", unicodedata.normalize("NFKC", key).casefold())


def normalise_header(text: object) -> str:
    """Case, spaces and punctuation do not matter: "KR-ID", "kr id" and "KR ID" match; nor
    does full width ("ＫＲ ＩＤ").
    (Cached: every tab of every team normalises the same few dozen headers and aliases.)"""
    return _normalised(str(text))


@functools.lru_cache(maxsize=4096)
def header_key_before_signs(text: str) -> str:
    """A header as ``normalise_header`` read it until 2026-12-07, ``％`` and ``＃`` dropped as
    punctuation (``進捗（％）`` was ``進捗``): a mapping naming that form still finds the
    column, with a warning (``header.header_map``); "" where it is today's key."""
    old = _NOT_IN_HEADER.sub(
        "", unicodedata.normalize("NFKC", _NOT_IN_HEADER.sub("", text.casefold())).casefold()
    )
    return "" if old == _normalised(text) else old
