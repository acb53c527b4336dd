"""Derive cell formats for owned cells and append them to ``xl/styles.xml`` surgically.

Each ``CellStyle`` becomes an xf derived from the cell's current xf (borders, alignment,
protection kept); fonts, fills, numFmts and xfs are compared structurally with what the
file already has and reused when identical, so nightly syncs do not grow the file.
New entries are appended at the end of their list (existing indices never move) and the
rest of styles.xml is left byte for byte.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree

from sheets_sync.backends.excel.xmlutil import (
    BEYOND,
    MAIN_NS,
    escape_text,
    find_tag,
    parse_xml,
    render_tag,
    replace_spans,
    root_prefix,
    set_attr,
    tag_re,
    xsd_whole,
)
from sheets_sync.errors import WorkbookError
from sheets_sync.grid import CellStyle

_M = "{" + MAIN_NS + "}"
_SECTION_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_FONT_ORDER = (
    "b",
    "i",
    "strike",
    "condense",
    "extend",
    "outline",
    "shadow",
    "u",
    "vertAlign",
    "sz",
    "color",
    "name",
    "family",
    "charset",
    "scheme",
)
BUILTIN_NUMFMTS = {
    "General": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "0.00E+00": 11,
    "# ?/?": 12,
    "# ??/??": 13,
    "mm-dd-yy": 14,
    "d-mmm-yy": 15,
    "d-mmm": 16,
    "mmm-yy": 17,
    "h:mm AM/PM": 18,
    "h:mm:ss AM/PM": 19,
    "h:mm": 20,
    "h:mm:ss": 21,
    "m/d/yy h:mm": 22,
    "mm:ss": 45,
    "[h]:mm:ss": 46,
    "mmss.0": 47,
    "##0.0E+0": 48,
    "@": 49,
}
_HEX_RE = re.compile(r"^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")


@dataclass(frozen=True)
class Node:
    """A structural copy of a styles element: compared by value, rendered as bytes."""

    tag: str  # local name in the main namespace, or Clark name otherwise
    attrs: tuple[tuple[str, str], ...]  # sorted; names as written (prefix:local)
    children: tuple[Node, ...] = ()
    text: str = ""
    raw: bytes = b""  # an ``extLst``, copied as written (see ``of``)

    @staticmethod
    def of(el: etree._Element) -> Node:
        tag = str(el.tag)
        local = tag[len(_M) :] if tag.startswith(_M) else tag
        if local == "extLst":
            # Other vocabularies live here: an Excel 2024 in-cell checkbox is an xf whose
            # ext holds ``<xfpb:xfComplement>``. Kept whole, with its namespace
            # declarations, so a status format derived from it is still a checkbox (until
            # 2026-12-06 the foreign element failed the team: "styles.xml entry uses a
            # foreign namespace; cannot copy it")
            return Node(local, (), (), "", etree.tostring(el, with_tail=False))
        attrs = []
        for key, value in el.items():  # (cheaper than el.attrib.items(): no proxy)
            name = str(key)
            if name.startswith("{"):
                ns, _, loc = name[1:].partition("}")
                prefix = next((p for p, u in el.nsmap.items() if u == ns and p), None)
                if prefix is None:
                    raise WorkbookError("styles.xml uses an attribute namespace without prefix")
                name = f"{prefix}:{loc}"
            attrs.append((name, str(value)))
        children = tuple(Node.of(c) for c in el if isinstance(c.tag, str))
        return Node(local, tuple(sorted(attrs)), children, (el.text or "").strip())

    def __hash__(self) -> int:  # memoised: nodes are dict keys (interning, render cache)
        h: int | None = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.tag, self.attrs, self.children, self.text, self.raw))
            object.__setattr__(self, "_hash", h)
        return h

    def __getstate__(self) -> dict[str, object]:  # string hashes differ between processes
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def get(self, name: str) -> str | None:
        return dict(self.attrs).get(name)

    def with_attrs(self, **changes: str | None) -> Node:
        values = dict(self.attrs)
        for key, value in changes.items():
            if value is None:
                values.pop(key, None)
            else:
                values[key] = value
        return Node(self.tag, tuple(sorted(values.items())), self.children, self.text, self.raw)

    def render(self, prefix: bytes) -> bytes:
        if self.raw:
            return self.raw
        if self.tag.startswith("{"):
            raise WorkbookError("styles.xml entry uses a foreign namespace; cannot copy it")
        qname = prefix + self.tag.encode()
        attrs = [(k.encode(), escape_text(v, attr=True)) for k, v in self.attrs]
        if not self.children and not self.text:
            return render_tag(qname, attrs, True)
        inner = b"".join(c.render(prefix) for c in self.children) + escape_text(self.text)
        return render_tag(qname, attrs, False) + inner + b"</" + qname + b">"


# Nodes derived from a style, and rendered entries, by value: shared by every workbook a
# sync patches (its teams ask for the same few status formats).


@functools.lru_cache(maxsize=256)
def _fill(color: str) -> Node:
    fg = Node("fgColor", (("rgb", argb(color)),))
    bg = Node("bgColor", (("indexed", "64"),))
    pattern = Node("patternFill", (("patternType", "solid"),), (fg, bg))
    return Node("fill", (), (pattern,))


@functools.lru_cache(maxsize=4096)
def _rendered(node: Node, prefix: bytes) -> bytes:
    return node.render(prefix)


def argb(color: str) -> str:
    m = _HEX_RE.match(color.strip())
    if m is None:
        raise ValueError(f"colour {color!r} is not RGB hex like 'C6EFCE'")
    hexa = m.group(1).upper()
    return hexa if len(hexa) == 8 else "FF" + hexa


@functools.lru_cache(maxsize=16)
def _end_tag(qname: bytes) -> re.Pattern[bytes]:
    return re.compile(b"</" + re.escape(qname) + rb"\s*>")


_SECTIONS = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "cellXfs": "xf"}


def _parse(xml: bytes, part: str) -> tuple[bytes, dict[str, tuple[Node, ...]]]:
    """(root prefix, the lists we extend) of styles.xml. Teams made from one template share
    a styles.xml (or one of a few, once formats are appended), so a sync parses each once."""
    return (_parse_cached if len(xml) <= 64 << 10 else _parse_xml)(xml, part)


def _parse_xml(xml: bytes, part: str) -> tuple[bytes, dict[str, tuple[Node, ...]]]:
    prefix = root_prefix(xml, b"styleSheet", part)
    root = parse_xml(xml, part)
    lists: dict[str, tuple[Node, ...]] = {}
    for name, item in _SECTIONS.items():
        section = root.find(_M + name)
        found_items = section.iterfind(_M + item) if section is not None else ()
        lists[name] = tuple(Node.of(e) for e in found_items)
    return prefix, lists


_parse_cached = functools.lru_cache(maxsize=64)(_parse_xml)


class StyleBook:
    """The lists of styles.xml we may extend, with memoised derivation."""

    def __init__(self, xml: bytes, part: str = "xl/styles.xml") -> None:
        self.xml = xml
        self.part = part
        self.prefix, parsed = _parse(xml, part)
        self.lists: dict[str, list[Node]] = {k: list(v) for k, v in parsed.items()}
        self._index: dict[str, dict[Node, int]] = {}  # first index of each node, lazily
        self.added: dict[str, list[Node]] = {k: [] for k in self.lists}
        self._memo: dict[tuple[int, CellStyle], int] = {}
        if not self.lists["fonts"]:
            self._intern("fonts", Node("font", (), (Node("sz", (("val", "11"),)),)))
        while len(self.lists["fills"]) < 2:  # index 0 = none, 1 = gray125 are reserved
            kind = "none" if not self.lists["fills"] else "gray125"
            self._intern(
                "fills",
                Node("fill", (), (Node("patternFill", (("patternType", kind),)),)),
                reuse=False,
            )
        if not self.lists["cellXfs"]:
            self._intern(
                "cellXfs",
                Node(
                    "xf", (("fillId", "0"), ("fontId", "0"), ("numFmtId", "0"), ("borderId", "0"))
                ),
            )

    def _intern(self, section: str, node: Node, *, reuse: bool = True) -> int:
        """Index of the first equal entry (when ``reuse``), else of ``node`` appended."""
        items = self.lists[section]
        index = self._index.get(section)
        if index is None:
            index = self._index[section] = {}
            for i, existing in enumerate(items):
                index.setdefault(existing, i)
        if reuse:
            found = index.get(node)
            if found is not None:
                return found
        items.append(node)
        index.setdefault(node, len(items) - 1)
        self.added[section].append(node)
        return len(items) - 1

    def _num_fmt(self, code: str) -> int:
        if code in BUILTIN_NUMFMTS:
            return BUILTIN_NUMFMTS[code]
        ids = []
        for fmt in self.lists["numFmts"]:
            # by ``whole``: ``int`` of a padded or 5,000-digit id was a ValueError, the
            # team's internal error on its write (until 2026-12-07); an id that is no
            # number, or past every real one, is neither reused nor counted. Spaces
            # about it and a ``+`` are the XSD's (``int`` read them): ``" 164 "`` is
            # 164, counted (was skipped from 2026-12-07, so a new format took 164 too)
            number = xsd_whole(fmt.get("numFmtId") or "0")
            if number is None or number >= BEYOND:
                continue
            if fmt.get("formatCode") == code:
                return number
            ids.append(number)
        new_id = max([163, *ids]) + 1
        self._intern(
            "numFmts",
            Node("numFmt", (("formatCode", code), ("numFmtId", str(new_id)))),
            reuse=False,
        )
        return new_id

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def _font(base: Node, style: CellStyle) -> Node:
        kids = [c for c in base.children if c.tag not in ("b", "i")]
        if style.bold:
            kids.append(Node("b", ()))
        if style.italic:
            kids.append(Node("i", ()))
        if style.font_color is not None:
            kids = [c for c in kids if c.tag != "color"]
            kids.append(Node("color", (("rgb", argb(style.font_color)),)))
        order = {name: i for i, name in enumerate(_FONT_ORDER)}
        kids.sort(key=lambda n: order.get(n.tag, len(order)))
        return Node(base.tag, base.attrs, tuple(kids), base.text)

    def xf_for(self, base_xf: int, style: CellStyle) -> int:
        """Index in cellXfs of ``base_xf`` restyled with ``style`` (reused when present)."""
        key = (base_xf, style)
        if key in self._memo:
            return self._memo[key]
        xfs = self.lists["cellXfs"]
        base = xfs[base_xf] if 0 <= base_xf < len(xfs) else xfs[0]
        changes: dict[str, str | None] = {}
        # by ``whole`` (a padded ``fontId="000…0"`` of 5,000 digits was a ValueError, the
        # team's internal error, until 2026-12-07), with the XSD's spaces and ``+``; no
        # number, or one past the list: the first font's, and the id rewritten (its
        # stand-in was ``len(fonts)``, the new font's own index: the change was dropped)
        fonts = self.lists["fonts"]
        font_id = xsd_whole(base.get("fontId") or "0")
        known = font_id is not None and font_id < len(fonts)
        font = self._font(fonts[font_id] if known and font_id is not None else fonts[0], style)
        new_font = self._intern("fonts", font)
        if not known or new_font != font_id:
            changes.update(fontId=str(new_font), applyFont="1")
        if style.fill is not None:
            fill = _fill(style.fill)
            changes.update(fillId=str(self._intern("fills", fill)), applyFill="1")
        if style.number_format is not None:
            changes.update(numFmtId=str(self._num_fmt(style.number_format)), applyNumberFormat="1")
        derived = base.with_attrs(**changes)
        result = (
            base_xf
            if derived == base and base_xf < len(xfs)
            else (self._intern("cellXfs", derived))
        )
        self._memo[key] = result
        return result

    def render(self) -> bytes | None:
        """styles.xml with the new entries appended, or None when nothing was added."""
        if not any(self.added.values()):
            return None
        p = self.prefix
        edits: list[tuple[int, int, bytes]] = []
        missing: list[str] = []
        for section, items in self.added.items():
            if not items:
                continue
            total = str(len(self.lists[section])).encode()
            body = b"".join(_rendered(n, p) for n in items)
            tag = find_tag(tag_re(p, section.encode()), self.xml)
            if tag is None:
                missing.append(section)
                continue
            attrs = list(tag.attrs)
            if tag.get(b"count") is not None:
                set_attr(attrs, b"count", total)
            qname = p + section.encode()
            if tag.self_closing:
                edits.append(
                    (
                        tag.start,
                        tag.end,
                        render_tag(qname, attrs, False) + body + b"</" + qname + b">",
                    )
                )
                continue
            # ``</cellXfs >`` is legal XML: a plain find missed it and the splice at -1
            # failed the team with an internal error
            close = _end_tag(qname).search(self.xml, tag.end)
            if close is None:
                raise WorkbookError(f"{self.part} has no closing </{section}>")
            edits.append((tag.start, tag.end, render_tag(qname, attrs, False)))
            edits.append((close.start(), close.start(), body))
        for section in missing:
            at = self._insert_point(section)
            qname = p + section.encode()
            total = str(len(self.lists[section])).encode()
            body = b"".join(_rendered(n, p) for n in self.added[section])
            edits.append(
                (
                    at,
                    at,
                    render_tag(qname, [(b"count", total)], False) + body + b"</" + qname + b">",
                )
            )
        return replace_spans(self.xml, edits)

    def _insert_point(self, section: str) -> int:
        p = self.prefix
        for later in _SECTION_ORDER[_SECTION_ORDER.index(section) + 1 :]:
            tag = find_tag(tag_re(p, later.encode()), self.xml)
            if tag is not None:
                return tag.start
        # the last match: ``</styleSheet >`` (legal) was not found by a plain search
        ends = list(_end_tag(p + b"styleSheet").finditer(self.xml))
        if not ends:
            raise WorkbookError(f"{self.part} has no closing </styleSheet>")
        return ends[-1].start()
