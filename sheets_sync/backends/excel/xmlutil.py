"""Small byte-level XML helpers shared by the surgical sheet and styles editors.

We edit worksheet and styles parts as bytes, not as re-serialised trees, so every byte we
do not mean to change (namespaces, ``mc:Ignorable``, extLst, attribute order, quoting)
stays exactly as the application that wrote the file left it.
"""

from __future__ import annotations

import io
import re
import threading
from typing import Any

from lxml import etree

from sheets_sync.errors import UnsafeWorkbookError, WorkbookError

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
#: a name is sought from its first character only (``(?<![\w:.-])``): a run of name
#: characters with no ``=`` after it was scanned again from each of them (quadratic, 9 s
#: for 32,767 in a tag, until a review on 2026-12-07); a match never began inside one
_ATTR_RE = re.compile(rb"""(?<![\w:.-])([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']""")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


#: No entities, DTDs, network or huge trees, in every parse of a workbook's parts: a
#: team file is untrusted input (the attack files in ``../shared/real-world-xlsx``).
_SAFE = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def parser() -> etree.XMLParser:
    """A parser of a part with ``_SAFE``'s settings."""
    return etree.XMLParser(**_SAFE)


def iterparse(xml: bytes, events: tuple[str, ...], tag: tuple[str, ...]) -> Any:
    """``etree.iterparse`` of a part, with ``_SAFE``'s settings."""
    return etree.iterparse(io.BytesIO(xml), events=events, tag=tag, **_SAFE)


def local_name(tag: object) -> str:
    """An element's or attribute's name without its namespace (``{ns}c`` is ``c``); ""
    for a comment's or processing instruction's tag, which is no string."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class Tag:
    """One start tag found in the byte text: where it is and its raw attributes.

    A plain slotted class, not a dataclass: patches create one per row they look at, and
    the attribute text is parsed only on first use (most tags found are never read).
    """

    __slots__ = ("_attrs", "end", "raw", "self_closing", "start")

    def __init__(self, start: int, end: int, raw: bytes, self_closing: bool) -> None:
        self.start = start
        self.end = end  # index just past ``>``
        self.raw = raw
        self.self_closing = self_closing
        self._attrs: tuple[tuple[bytes, bytes], ...] | None = None

    @property
    def attrs(self) -> tuple[tuple[bytes, bytes], ...]:
        if self._attrs is None:
            self._attrs = parse_attrs(self.raw)
        return self._attrs

    def get(self, name: bytes) -> bytes | None:
        return first_attr(self.attrs, name)


def parse_attrs(raw: bytes) -> tuple[tuple[bytes, bytes], ...]:
    # findall gives b"" for the quote style not used, so ``dq or sq`` is the value.
    return tuple([(name, dq or sq) for name, dq, sq in _ATTR_RE.findall(raw)])


#: digits past which a whole number in a part is no index, row or id of any workbook
_DIGITS = 18
#: such a number, read as one past every real one: Python reads no int of more than
#: 4,300 digits, and a ``numFmtId``, ``s`` or row ``r`` of 5,000 was a ValueError
#: traceback (until 2026-12-07)
BEYOND = 10**_DIGITS


def whole(text: bytes | str) -> int | None:
    """``text`` of ASCII digits as a whole number, ``BEYOND`` for one of more than 18
    digits; None for any other text. Leading zeros are no digits of it (an XSD
    ``unsignedInt`` may have them): ``0000000000000000003`` is 3 (it was ``BEYOND``
    until 2026-12-07, a hidden row of that ``r`` refused the tab as too large)."""
    if not text.isascii() or not text.isdigit():
        return None
    if len(text) <= _DIGITS:  # most: int() reads leading zeros as none
        return int(text)
    digits = text.lstrip(b"0") if isinstance(text, bytes) else text.lstrip("0")
    return int(digits or b"0") if len(digits) <= _DIGITS else BEYOND


#: XSD's white space, which an integer's text may have about it (its ``whiteSpace`` is
#: ``collapse``): no other character, not a no-break space (U+00A0), which Python's
#: ``str.strip`` takes too
_XSD_SPACE = " \t\r\n"


def xsd_whole(text: str) -> int | None:
    """An XSD ``unsignedInt``'s text (an attribute's value, as parsed) as ``whole`` reads
    it: XSD's white space about it (``_XSD_SPACE``) and one leading ``+`` left out, leading
    zeros too (``" +0164 "`` is 164); None for any other text, a ``-`` sign among it. Read
    so by ``styles``, ``percent`` and ``workbookparts``, which differed (until 2026-12-07:
    ``percent`` took ``" 10 "`` for no format, ``workbookparts`` ``"1\xa0"`` for 1).
    LibreOffice 7.4 reads a format id alike, but for a no-break space after the
    digits, which it skips; what Excel does with one is unverified."""
    text = text.strip(_XSD_SPACE)
    return whole(text[1:] if text[:1] == "+" else text)


def xsd_whole_attr(raw: bytes) -> int | None:
    """An attribute's raw value (between its quotes) read by ``xsd_whole``: a cell's
    ``s``, an ``<xf>``'s ``fillId``. Bare digits, as Excel writes them, are read without
    decoding (``whole``); ``" 1 "``, ``"+1"`` and ``"&#9;1"`` are 1, as LibreOffice 7.4
    shows them (until a review on 2026-12-07 ``percent`` and ``fills`` read them as none)."""
    return whole(raw) if raw.isdigit() else xsd_whole(xml_attr(raw))


#: characters of a part's text an error quotes; past them, its first ones and its length
QUOTED = 40


def quoted(text: str, most: int = QUOTED) -> str:
    """``text`` as an error quotes it: ``repr``, up to ``most`` characters; a longer one
    by its first ``most`` and its length (a 5,000-character cell reference was quoted
    whole, until 2026-12-07)."""
    if len(text) <= most:
        return repr(text)
    return f"{text[:most]!r}... ({len(text):,} characters)"


#: libxml2's advice to its programmer in a damaged part's error: the file's author saw
#: "Excessive depth in document: 256, use XML_PARSE_HUGE option" (until 2026-12-07)
_TOO_DEEP = re.compile(r"Excessive depth in document: (\d+), use XML_PARSE_HUGE option")


#: what lxml adds to each error of a part parsed from bytes: the name of no file of the
#: author's, and the line again (``..., line 1, column 1117 (<string>, line 1)``, until a
#: review on 2026-12-07)
_STRING_SOURCE = re.compile(r"\s*\(<string>, line \d+\)$")


def xml_damage(exc: Exception) -> str:
    """A damaged part's XML error in the file author's words: elements nested deeper
    than the parser reads are said so, without the parser option; lxml's
    ``(<string>, line 1)`` left out."""
    return _STRING_SOURCE.sub("", _TOO_DEEP.sub(r"elements nested more than \1 deep", str(exc)))


def attr_map(raw: bytes) -> dict[bytes, bytes]:
    """``parse_attrs`` as a dict: an attribute given twice, its last value."""
    return dict(parse_attrs(raw))


#: An element's namespace prefix in a byte regex, when it has one (``<x:c>``, ``<c>``)
PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"


#: A start tag's attributes as one group, each value quoted: a ``>`` in a value (legal XML,
#: ``formatCode="[>=1]0%"``) does not end the tag, as ``[^>]*`` did
TAG_ATTRS = rb"""((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""


def section(xml: bytes, start: re.Pattern[bytes], end: re.Pattern[bytes]) -> bytes | None:
    """What stands between the first ``start`` and the first ``end`` after it (None
    without them), found once each: one regex ``start(.*?)end`` scanned to the end of
    ``xml`` from each ``start`` with no ``end`` after it (quadratic: ``percent``'s
    ``cellXfs``, and ``fills``' until 2026-12-07)."""
    opened = start.search(xml)
    closed = opened and end.search(xml, opened.end())
    if opened is None or closed is None:
        return None
    return xml[opened.end() : closed.start()]


def tag_re(prefix: bytes, local: bytes) -> re.Pattern[bytes]:
    """Start tag ``<p:local ...>`` or ``<p:local .../>``; attribute values may hold ``>``."""
    return re.compile(b"<" + re.escape(prefix + local) + TAG_ATTRS + rb"\s*(/?)>")


def find_tag(
    pattern: re.Pattern[bytes], text: bytes, pos: int = 0, endpos: int | None = None
) -> Tag | None:
    m = pattern.search(text, pos, len(text) if endpos is None else endpos)
    if m is None:
        return None
    return Tag(m.start(), m.end(), m.group(1), m.group(2) == b"/")


def render_tag(
    qname: bytes,
    attrs: tuple[tuple[bytes, bytes], ...] | list[tuple[bytes, bytes]],
    self_closing: bool,
) -> bytes:
    body = b"".join([b" " + k + b'="' + v + b'"' for k, v in attrs])
    return b"<" + qname + body + (b"/>" if self_closing else b">")


def set_attr(attrs: list[tuple[bytes, bytes]], name: bytes, value: bytes | None) -> None:
    """Replace in place (keeping order), append when new, remove when value is None."""
    for i, (key, _) in enumerate(attrs):
        if key == name:
            if value is None:
                del attrs[i]
            else:
                attrs[i] = (key, value)
            return
    if value is not None:
        attrs.append((name, value))


def first_attr(attrs: tuple[tuple[bytes, bytes], ...], name: bytes) -> bytes | None:
    """The value of attribute ``name`` in ``parse_attrs``'s result, or None."""
    for key, value in attrs:
        if key == name:
            return value
    return None


def escape_text(text: str, *, attr: bool = False) -> bytes:
    """XML-escape; ``\\r`` and tabs/newlines in attributes become character references so
    XML parsers' newline normalisation cannot change them."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("\r", "&#13;")
    if attr:
        out = out.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return out.encode("utf-8")


def has_invalid_xml_chars(text: str) -> bool:
    return _INVALID_XML_CHARS.search(text) is not None


def check_xml_bytes(data: bytes, part: str) -> None:
    """Refuse parts we cannot edit as UTF-8 bytes or that declare a DTD (entity tricks)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:8]:
        raise WorkbookError(f"{part} is UTF-16 encoded; only UTF-8 parts can be updated")
    m = _DECL_RE.match(head.removeprefix(b"\xef\xbb\xbf"))
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise WorkbookError(
            f"{part} uses encoding {m.group(1).decode()}; only UTF-8 parts can be updated"
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnsafeWorkbookError(f"{part} declares a DTD or entities; refusing to process it")


_PARSER = parser()


class _NoTree:
    """A parser target without callbacks: libxml2 checks the XML, no tree is built (a
    20k-row sheet: 55 ms, against 250 ms for a tree)."""

    def close(self) -> None:
        return None


_CHECKERS = threading.local()  # one checking parser a thread (lxml locks a shared one)


def is_well_formed(data: bytes) -> bool:
    """Whether ``data`` parses as XML (with the safe parser's settings).

    The parser is made once a thread and reused: libxml2 starts each ``fromstring`` on a
    fresh document (nothing of the last one, its DTD and entities included, is kept), and
    a new parser a call cost ~15 % of the check (the 1,000 sheets a 500-team first night
    edits: ~110 -> ~95 ms of CPU). The check is no weaker: tests/backends/excel/
    test_well_formed_check.py holds it to a fresh parser's answers."""
    parser = getattr(_CHECKERS, "parser", None)
    if parser is None:
        parser = _CHECKERS.parser = etree.XMLParser(**_SAFE, target=_NoTree())
    try:
        etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return True


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse a (small) part safely: no DTDs, no entities, no network."""
    check_xml_bytes(data, part)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise WorkbookError(f"{part} is not well-formed XML: {xml_damage(exc)}") from None


def root_prefix(data: bytes, local: bytes, part: str) -> bytes:
    """The prefix (``b""`` or ``b"x:"``) the root element uses for the main namespace."""
    m = re.search(rb"<(?:([A-Za-z_][\w.-]*):)?" + local + rb"[\s>/]", data)
    if m is None:
        raise WorkbookError(f"{part} has no <{local.decode()}> root element")
    if STRICT_MAIN_NS.encode() in data[: m.end() + 4096]:
        raise WorkbookError(
            f"{part} is Strict Open XML, which cannot be updated; save the "
            "file as 'Excel Workbook (.xlsx)' instead of 'Strict Open XML'"
        )
    return (m.group(1) + b":") if m.group(1) else b""


def worksheet_prefix(sheet_xml: bytes) -> bytes | None:
    """``root_prefix`` of a worksheet part; None where its root is no worksheet: a scan
    for something in the tab finds nothing there (the read refuses such a tab itself)."""
    try:
        return root_prefix(sheet_xml, b"worksheet", "worksheet")
    except WorkbookError:
        return None


def replace_spans(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply non-overlapping (start, end, replacement) edits."""
    out: list[bytes] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise AssertionError("overlapping XML edits")
        out.append(data[pos:start])
        out.append(new)
        pos = end
    out.append(data[pos:])
    return b"".join(out)


_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def cdata_split(text: str) -> list[str]:
    """``text`` cut at its CDATA sections: outside, inside, outside, ... (the inside
    without ``<![CDATA[`` and ``]]>``), by ``<!\\[CDATA\\[(.*?)\\]\\]>``'s split up to the
    last ``]]>``: each start before it has its end before it, and none after it has
    one, so all after it is outside text. That regex on the whole text scanned to the
    end from each start past the last ``]]>``: 32,767 of them (288 KB) took 122 s
    (quadratic, until 2026-12-07), and a search per section (from then) made one Python
    step of each."""
    last = text.rfind("]]>")
    if last < 0:
        return [text]
    parts = _CDATA.split(text[: last + 3])
    parts[-1] += text[last + 3 :]
    return parts


_REFERENCE = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9A-Fa-f]+)|(amp|lt|gt|quot|apos));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
#: OOXML's escape of a character XML cannot hold, or of itself (``_x005F_`` is "_"):
#: Excel stores a carriage return as ``_x000D_``
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _reference(m: re.Match[str]) -> str:
    """One reference's character, or the reference as written when it names none XML
    allows. Leading zeros are dropped before ``int``: they keep a reference valid (calamine
    reads ``&#000037;`` as ``%``, with 5,000 zeros too), and ``int`` refused a decimal one
    past 4,300 digits with a ValueError, the team's "internal error" (until 2026-12-06).
    More digits than U+10FFFF has (7 decimal, 6 hex) are out of range, as written."""
    if m[3]:
        return _NAMED[m[3]]
    digits, base, most = (m[1], 10, 7) if m[1] else (m[2], 16, 6)
    digits = digits.lstrip("0")
    if len(digits) > most:
        return m[0]
    code = int(digits or "0", base)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m[0]


_ATTR_WHITESPACE = re.compile(r"\r\n?|[\n\t]")


def xml_attr(raw: bytes) -> str:
    """An attribute's raw value (between its quotes) as a parser reads it: a literal tab
    or line break is a space, then XML's five named references and numeric ones, as in
    ``xml_text`` (``&#37;`` is ``%``; HTML's ``&percnt;`` is no XML reference, and
    calamine refuses the file that holds one)."""
    text = _ATTR_WHITESPACE.sub(" ", raw.decode("utf-8", "replace"))
    return _REFERENCE.sub(_reference, text) if "&" in text else text


def xml_text(raw: bytes) -> str:
    """An element's raw content as the string a parser and then Excel read: CDATA
    sections as they are, XML's five named references and numeric ones (``&#128;`` is
    U+0080, not the euro sign HTML makes of it; another name is left as written), then
    OOXML's ``_xHHHH_`` escapes (``_x000D_`` is a carriage return)."""
    parts = cdata_split(raw.decode("utf-8", "replace"))  # outside, inside, outside, ...
    text = "".join(p if i % 2 else _REFERENCE.sub(_reference, p) for i, p in enumerate(parts))
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
