"""Text as a workbook cell holds it: the length Excel and Google count (UTF-16 code
units), a cut that keeps emoji whole, and the characters no workbook stores, shown as
escapes; and text as one harmless line (``one_line``) for every line the tool prints,
here so that the pure modules (``errors``) can use it. For what the tool writes into
cells and notes, reads from them, and says about them."""

from __future__ import annotations

import re
from unicodedata import category

#: The most characters an Excel cell holds, counted as Excel and Google count them, in
#: UTF-16 code units (an emoji such as U+1F680 is 2). A Google cell holds 50,000, so longer
#: text can arrive from Google; the rollup workbook and the sync notes must not pass it on.
CELL_CHARS = 32_767
#: Zero-width characters that come with text pasted from web pages and chats, and the
#: direction marks and isolates that come with a date pasted from Outlook (U+200E, U+200F,
#: U+2066..U+2069), invisible in a cell and in a message: ``str.translate`` by this drops
#: them.
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u2066\u2067\u2068\u2069")
)


def utf16_len(text: str) -> int:
    """``text``'s length as Excel and Google count it: UTF-16 code units, 2 for a character
    past U+FFFF (an emoji), 1 for any other (a lone surrogate too)."""
    if len(text) <= 1:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_utf16(text: str, units: int) -> str:
    """The longest start of ``text`` of at most ``units`` UTF-16 code units; a character
    of 2 units (an emoji) is kept whole or left out, never split into half a pair."""
    head = text[: max(units, 0)]
    over, end = utf16_len(head) - units, len(head)
    while over > 0:  # each character dropped from the end gives back 1 or 2 units
        end -= 1
        over -= 2 if ord(head[end]) > 0xFFFF else 1
    return head[:end]


def fit_cell(text: str, limit: int = CELL_CHARS) -> str:
    """``text``, cut to what an Excel cell holds (the cut marked with "..."), in UTF-16
    code units: a text of 20,000 emoji is 40,000 of them, which Excel and Google refuse."""
    if 2 * len(text) <= limit or utf16_len(text) <= limit:  # every character is 1 or 2
        return text
    return cut_utf16(text, limit - 3) + "..."


#: What an XML 1.0 document cannot hold: control characters (pasted from Word, stored by
#: Excel as ``_x000B_``), lone surrogates and the two non-characters.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with each character a workbook cannot store shown as its escape (``\\x0b``):
    for what the tool writes about a cell (a message, a sync note), which must name the
    character, not drop it or fail to be written."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: repr(m.group())[1:-1], text)


#: Half of a UTF-16 pair: a JSON reply can carry one (``\ud83d``), and no UTF-8 text can
#: hold it (pandas' strings, the history store, the workbook's XML).
_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text``, each lone surrogate shown as U+FFFD, the character a UTF-16 decoder shows
    for it: no UTF-8 text (pandas' strings, the history store, the workbook's XML) holds one."""
    return _SURROGATE.sub("\ufffd", text)


#: Format characters (Cf) that stay as they are: ZWNJ and ZWJ (U+200C, U+200D), which a
#: Persian or Hindi name needs and which join an emoji such as a family; the prepended
#: marks that show a glyph of their own (the Arabic number sign U+0600-U+0605, end of ayah
#: U+06DD, Syriac's abbreviation mark U+070F, the pound and piastre marks U+0890, U+0891,
#: U+08E2, Kaithi's number signs U+110BD, U+110CD); and the weak direction marks LRM, RLM
#: and the Arabic letter mark (U+200E, U+200F, U+061C), which Arabic and Hebrew text holds
#: around digits and Latin words (a name typed in Excel keeps them) and which only set the
#: direction of a neutral next to them: unlike the embeddings, overrides and isolates
#: (U+202A-U+202E, U+2066-U+2069) they cannot turn a run of text around ("Trojan Source").
_FORMAT_KEPT = frozenset(
    "\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\u200e\u200f\u061c"
)


def _format_chars() -> str:
    """The other format characters (Unicode's category Cf), as a regex class body: they
    show nothing where they stand, or steer what is around them (U+202E showed a line
    backwards, as in "Trojan Source"; a soft hyphen or U+2061 made ``Sales\\xad`` read
    ``Sales``). Taken from ``unicodedata`` when imported, so a later Python's Unicode
    counts too (Python 3.12 and 3.13 have Egyptian U+13439-U+1343F as Cf, which a list
    of Unicode 14's missed until 2026-12-06). Planes 0, 1 and the start of 14 only (40
    ms, not 300 for all 17): Unicode puts format characters nowhere else; planes 2 and 3
    are ideographs, 15 and 16 private use. U+200B is in: ``_KEPT`` keeps it where a
    script needs it."""
    found = [
        c
        for block in (range(0x20000), range(0xE0000, 0xE1000))
        for c in block
        if category(chr(c)) == "Cf" and chr(c) not in _FORMAT_KEPT
    ]
    return "".join(f"\\U{c:08x}" for c in found)


_FORMAT = _format_chars()
#: the non-characters: U+FDD0-U+FDEF and the last two of every plane (U+FFFE, U+FFFF, ...)
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000)
)
#: Thai, Lao, Myanmar and Khmer letters: these scripts put no space between words, and a
#: U+200B between two of them marks where a line may break, so text typed in them holds
#: it (escaped, a Thai team name read ``\u0e2a\u0e35\u200b...`` in the log). Elsewhere it
#: is what makes ``Sales\u200b`` read as ``Sales``, and is escaped.
_NO_SPACES = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
#: what of ``_UNSAFE`` stays as it is: an emoji flag's tags (U+1F3F4, then one to eight
#: tag digits or small letters, then the cancel tag U+E007F: the flag of Scotland; tags
#: without it, or other tags, are hidden ASCII and escaped: until 2026-12-06 kept), U+200B
#: between two letters of ``_NO_SPACES``, and Mongolian's vowel separator U+180E between
#: two Mongolian letters, where words hold it
_KEPT = (
    "\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,8}\U000e007f"
    f"|(?<=[{_NO_SPACES}])\u200b(?=[{_NO_SPACES}])"
    "|(?<=[\u1800-\u18af])\u180e(?=[\u1800-\u18af])"
)
#: what must not reach a terminal or a log file as it is: control characters (Cc: a
#: newline forged a log line, ``\x1b[2J`` cleared the screen, OSC 52 wrote the clipboard),
#: the format characters (``_FORMAT``), the line and paragraph separators (Zl, Zp: U+2028,
#: U+2029), the non-characters and lone surrogates (Cs), which no UTF-8 stream can print.
#: The configuration problems (``yamlio``) escaped U+FEFF, U+FFFE, U+FFFF and U+10FFFF
#: while the log and the console printed them (until 2026-12-06): one rule for both; a
#: list of some format characters (U+200B, U+2060, the bidi ones) left the soft hyphen and
#: U+2061-U+2064 raw, until later that day Unicode's category Cf was taken whole.
_CHARS = f"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{_FORMAT}{_NONCHARACTERS}]"
_UNSAFE = re.compile(f"(?P<kept>{_KEPT})|{_CHARS}")
#: a text with none of these is left as it is without trying ``_KEPT`` at each character
#: (``_UNSAFE.search`` took 1.7 times as long on a plain log line)
_ANY_UNSAFE = re.compile(_CHARS)


def one_line(text: str) -> str:
    """``text`` as one harmless line: each character ``_UNSAFE`` matches shown as its
    escape (``\\n``, ``\\x1b``, ``\\u202e``). Team names, tab names, cell values and error
    texts come from files anyone on the share may save."""
    if _ANY_UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group() if match.group("kept") else repr(match.group())[1:-1]


#: a word no shell quoting changes (as ``shlex.quote`` leaves one; shlex is no pure module's)
_SHELL_PLAIN = re.compile(r"[\w@%+=:,./-]+", re.ASCII)


def shell_word(text: str) -> str:
    """``text`` as one word a shell reads back as ``text``, in one harmless line: quoted
    as ``shlex.quote`` does when ``one_line`` leaves it as it is, else in bash's and zsh's
    ``$'...'`` quoting, each character ``one_line`` escapes written as an escape that
    quoting reads back in any locale (``\\n``, ``\\x09``, ``\\xe2\\x80\\xae`` for U+202E,
    as its UTF-8 bytes; an undecodable byte of a file
    name, kept by Python as a lone surrogate, as the byte). A path with a line break
    printed ``'a\\nb/sheets-sync.yaml'``, which names another path (until 2026-12-07)."""
    if _ANY_UNSAFE.search(text) is None:
        if text and _SHELL_PLAIN.fullmatch(text):
            return text
        return "'" + text.replace("'", "'\"'\"'") + "'"
    plain = text.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _UNSAFE.sub(_shell_escaped, plain) + "'"


def _shell_escaped(match: re.Match[str]) -> str:
    if match.group("kept"):
        return match.group()
    return "".join(map(_shell_escape, match.group()))


def _shell_escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x80:
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{code:02x}")
    # as its UTF-8 bytes: bash decodes \\u200b only in a UTF-8 locale (in C, cron's, it
    # stayed text and named another path, until 2026-12-07); \\xHH in any
    return "".join(f"\\x{b:02x}" for b in char.encode("utf-8", "surrogatepass"))
