"""IDs as compared: one rule for every place two IDs are matched.

An ID is kept as typed (it is stored, written back and recorded in the history as it
is); only comparisons read it through ``id_key``, the history's series too (one series
per ``id_key``, ``rollup/spellings.py``). Until 2026-12-06 the sheet reader rewrote each
ID in NFKC: a team's full-width ``ＫＲ１`` became ``KR1``, its history series restarted and
last night's alert baseline no longer named it, and an Aligns to ``Ｃ１`` stopped matching
a company objective the configuration spells ``Ｃ１``.
"""

from __future__ import annotations

import unicodedata


def id_key(text: str) -> str:
    """``text`` as two IDs are compared: NFKC (full-width ``Ｏ１`` typed with a CJK input
    method is ``O1``; ``①`` is ``1``, ``Ⅳ`` is ``IV``, a superscript ``²`` is ``2``, a
    no-break space a space), case ignored (``o1`` is ``O1``, as KPI links always read
    them) and spaces around not counted."""
    if text.isascii():  # hot: NFKC leaves ASCII as it is, and casefold lowers it
        return text.lower().strip()
    return unicodedata.normalize("NFKC", text).casefold().strip()
