"""Numbers stored with spaces around them (``<c t="n"><v> 5 </v></c>``), read as Excel does.

A value of a number cell is an ``xsd:double``, whose spaces XML Schema collapses: Excel and
LibreOffice (7.4, checked) read ``<v> 5 </v>`` as 5, whether the cell says ``t="n"`` or
no type. calamine refuses the whole tab for a ``t="n"`` one (``Parse float error: invalid
float literal``), so a tool that padded its numbers failed the team (until 2026-12-07).
Only after that refusal is the sheet searched and a trimmed copy read: the usual sheet
costs nothing. Cells with no type are left as they are in that copy: calamine reads them as
the text ``" 5 "`` (which the mapping reads as the number 5 anyway), whatever else the tab
holds (until a review on 2026-12-07 they were trimmed too, so ``<v> 007 </v>`` read 7.0
only beside a padded ``t="n"`` cell).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sheets_sync.backends.excel.safety import normalise_part_name, with_parts
from sheets_sync.backends.excel.xmlutil import (
    TAG_ATTRS,
    parse_attrs,
    replace_spans,
    worksheet_prefix,
)

#: a number as calamine parses it (Rust's ``f64::from_str``), as ``blame.py`` reads one
#: (``\d+(?:\.\d*)?``, not ``\d+\.?\d*``: that split each run of digits each way, and a
#: ``<v>`` of 32,767 digits and a letter took minutes, until a review on 2026-12-07)
_NUMBER = re.compile(
    rb"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)", re.I | re.A
)


@lru_cache(maxsize=8)
def _cell(p: bytes) -> re.Pattern[bytes]:
    """A cell with a body, to its end tag: 1 attributes, 2 body."""
    q = re.escape(p)
    return re.compile(
        b"<" + q + b"c" + TAG_ATTRS + rb"\s*>((?:[^<]|<(?!/?" + q + rb"c[\s/>]))*)</" + q + b"c>"
    )


@lru_cache(maxsize=8)
def _value(p: bytes) -> re.Pattern[bytes]:
    q = re.escape(p)
    return re.compile(b"<" + q + rb"v>([^<]*)</" + q + b"v>")


def trimmed_numbers(sheet_xml: bytes) -> bytes | None:
    """``sheet_xml`` with the spaces around each ``t="n"`` cell's value dropped, or None
    when it has none."""
    p = worksheet_prefix(sheet_xml)
    if p is None:
        return None
    edits: list[tuple[int, int, bytes]] = []
    for cell in _cell(p).finditer(sheet_xml):
        if dict(parse_attrs(cell.group(1))).get(b"t") != b"n":  # untyped: calamine's text
            continue
        for v in _value(p).finditer(sheet_xml, cell.start(2), cell.end(2)):
            text = v.group(1)
            bare = text.strip()
            if bare != text and _NUMBER.fullmatch(bare):
                edits.append((v.start(1), v.end(1), bare))
    return replace_spans(sheet_xml, edits) if edits else None


def with_part(data: bytes, part: str, body: bytes, source: str) -> bytes:
    """The zip ``data`` with its member ``part`` (matched as the reader matches part names)
    holding ``body``."""
    return with_parts(data, {normalise_part_name(part).lower(): body}, source)
