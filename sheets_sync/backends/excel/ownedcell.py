"""The XML of one owned cell as ``sheetxml`` writes it: its value typed and escaped (text is
always a literal inline string, never the shared-string table), its style index, and what
it keeps of the cell it replaces (other attributes, a cell-level extLst).

Pure: bytes and values in, bytes out; the only state is the memo of escaped texts.
"""

from __future__ import annotations

import math

from sheets_sync.backends.excel.cellscan import Patterns
from sheets_sync.backends.excel.xmlutil import (
    escape_text,
    first_attr,
    has_invalid_xml_chars,
    render_tag,
    set_attr,
)
from sheets_sync.errors import WorkbookError

_ESCAPED: dict[str, bytes] = {}  # cell text that passed the checks -> its escaped bytes
_NUMBER = (int, float)

#: a replaced cell's (attributes, inner XML)
OldCell = tuple[tuple[tuple[bytes, bytes], ...], bytes]


def value_xml(
    pat: Patterns, sheet: str, ref: str, value: str | float | None
) -> tuple[bytes | None, bytes]:
    """(t attribute, inner XML) for a value; strings are always literal inline strings."""
    if value is None:
        return None, b""
    v_open, v_close = pat.v
    if type(value) is float and math.isfinite(value):  # the common case, first
        return None, v_open + repr(value).encode() + v_close
    if isinstance(value, bool):
        return b"b", v_open + (b"1" if value else b"0") + v_close
    if isinstance(value, _NUMBER):
        if isinstance(value, float) and not math.isfinite(value):
            raise WorkbookError(f"{value} cannot be stored in a cell", tab=sheet, cell=ref)
        text = repr(value).encode() if isinstance(value, float) else str(value).encode()
        return None, v_open + text + v_close
    if not isinstance(value, str):  # a TypeError from deep in the escaping (until 2026-12-07)
        raise WorkbookError(
            f"{value!r} is not a cell value (a str, a number, a bool or None)",
            tab=sheet,
            cell=ref,
        )
    is_open, is_close = pat.inline
    plain = type(value) is str  # not a subclass, whose methods could differ
    known = _ESCAPED.get(value) if plain else None
    if known is not None:  # checked and escaped before
        return b"inlineStr", is_open + known + is_close
    if has_invalid_xml_chars(value):
        raise WorkbookError(
            "text holds control characters that a workbook cannot store", tab=sheet, cell=ref
        )
    if len(value) > 32767:
        raise WorkbookError("text longer than Excel's 32,767 characters", tab=sheet, cell=ref)
    text = escape_text(value)
    if plain and len(value) <= 200 and len(_ESCAPED) < 20_000:
        _ESCAPED[value] = text
    return b"inlineStr", is_open + text + is_close


def cell_xml(
    p: bytes,
    pat: Patterns,
    sheet: str,
    ref: str,
    value: str | float | None,
    xf: int,
    old: OldCell | None,
) -> bytes:
    """The new ``<c>`` of cell ``ref`` (namespace prefix ``p``) with style index ``xf``;
    ``old`` is the replaced cell's (attributes, inner XML)."""
    t, inner = value_xml(pat, sheet, ref, value)
    qname = p + b"c"
    if old is None:  # what the general path below gives for no old attributes
        head = (
            b"<"
            + qname
            + b' r="'
            + ref.encode()
            + (b'" s="' + str(xf).encode() if xf else b"")
            + (b'" t="' + t if t is not None else b"")
            + b'"'
        )
        return head + b"/>" if not inner else head + b">" + inner + b"</" + qname + b">"
    old_attrs, old_inner = old
    attrs = dict(old_attrs)
    if len(attrs) == len(old_attrs):  # attribute names are unique in well-formed XML
        attrs[b"r"] = ref.encode()
        if xf or attrs.get(b"s"):
            attrs[b"s"] = str(xf).encode()
        else:
            attrs.pop(b"s", None)
        if t is None:
            attrs.pop(b"t", None)
        else:
            attrs[b"t"] = t
        attrs.pop(b"cm", None)  # cell metadata belongs to the dropped formula/value
        attrs.pop(b"vm", None)
        items: list[tuple[bytes, bytes]] = list(attrs.items())
    else:
        items = list(old_attrs)
        s_old = first_attr(old_attrs, b"s")
        set_attr(items, b"r", ref.encode())
        set_attr(items, b"s", str(xf).encode() if xf or s_old else None)
        set_attr(items, b"t", t)
        set_attr(items, b"cm", None)
        set_attr(items, b"vm", None)
    if old_inner:
        m = pat.ext.search(old_inner)
        if m is not None:  # keep a cell-level extLst
            inner += old_inner[m.start() :]
    if not inner:
        return render_tag(qname, items, True)
    return render_tag(qname, items, False) + inner + b"</" + qname + b">"
