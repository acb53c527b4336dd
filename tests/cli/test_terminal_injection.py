"""Text from files anyone on the share may save (team names, tab names, cell values, error
texts) never reaches a terminal or a log as control characters: a newline in a cell forged
a ``Sales: ok`` line (and a JSON record), ``\\x1b[2J`` cleared the screen, OSC 52 wrote the
clipboard, U+202E showed a line backwards. Each is shown as its escape, on one line."""

from __future__ import annotations

import importlib
import io
import json
import logging
import shutil
import sys
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from sheets_sync.console import PlainConsole, output_console, print_findings, print_summary
from sheets_sync.domain import celltext
from sheets_sync.domain.models import Finding, Severity, TeamResult
from sheets_sync.logs import JsonFormatter, PlainFormatter, one_line
from sheets_sync.sync.engine import SyncResult
from tests.cli.test_ops_cli import AS_OF, run
from tests.ops.conftest import make

TEAM = "Ops\x1b[2J\x1b]52;c;ZXZpbA==\x07\nSales: ok\r\u202e"
TEAM_SHOWN = "Ops\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07\\nSales: ok\\r\\u202e"
ERROR = "ops.xlsx!OKRs!F7: tab 'x\nINFO sheets_sync: all good' \x1b]8;;http://evil/\x1b\\here"
ERROR_SHOWN = (
    "ops.xlsx!OKRs!F7: tab 'x\\nINFO sheets_sync: all good' \\x1b]8;;http://evil/\\x1b\\here"
)


def test_one_line_escapes_controls_and_bidi() -> None:
    assert one_line("a\tb\nc\rd\x00e\x1bf\x7fg\x9bh\u202ei\u2066j\u2028k") == (
        "a\\tb\\nc\\rd\\x00e\\x1bf\\x7fg\\x9bh\\u202ei\\u2066j\\u2028k"
    )
    assert one_line("Ventas · €1.200 — 北京 😀") == "Ventas · €1.200 — 北京 😀"


def _result() -> SyncResult:
    result = make({"Sales": {"KR1": 50}, TEAM: None})
    sales, ops = result.runs
    finding = Finding(Severity.WARNING, "note\nSales: ok\x1b[31m", "sales.xlsx", "OK\u202eRs", "F7")
    assert isinstance(sales.held, TeamResult)
    sales = replace(sales, held=replace(sales.held, findings=(finding,)))
    return replace(result, runs=(sales, replace(ops, error=ERROR)))


def test_plain_lines_hold_no_control_characters() -> None:
    console = output_console("text")
    console.file = out = io.StringIO()
    print_findings(console, _result().runs)
    lines = out.getvalue().splitlines()
    assert lines == [
        "Sales: warning: sales.xlsx!OK\\u202eRs!F7: note\\nSales: ok\\x1b[31m",
        f"{TEAM_SHOWN}: error: {ERROR_SHOWN}",
    ]


def test_terminal_tables_hold_no_control_characters() -> None:
    out = io.StringIO()
    console = PlainConsole(file=out, force_terminal=True, width=400, color_system=None)
    print_summary(console, _result())
    print_findings(console, _result().runs)
    text = out.getvalue()
    assert not {"\x1b", "\x07", "\r", "\u202e"} & set(text)
    assert TEAM_SHOWN in text and "OK\\u202eRs!F7" in text


def test_json_records_are_one_a_line() -> None:
    console = output_console("json", stderr=True)
    console.file = out = io.StringIO()
    print_findings(console, _result().runs)
    messages = [json.loads(line)["message"] for line in out.getvalue().splitlines()]
    assert messages == [
        "Sales: warning: sales.xlsx!OK\\u202eRs!F7: note\\nSales: ok\\x1b[31m",
        f"{TEAM_SHOWN}: error: {ERROR_SHOWN}",
    ]


def test_plain_log_lines_cannot_be_forged() -> None:
    record = logging.LogRecord("sheets_sync", logging.ERROR, "", 0, "%s", (ERROR,), None)
    line = PlainFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert line == f"ERROR sheets_sync: {ERROR_SHOWN}"


def _poison(path: Path, cell: str, xml_text: str) -> None:
    """Put ``xml_text`` (escapes as Excel writes them) into ``cell`` of the OKRs tab."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["OKRs"][cell] = "PLACEHOLDER-7f3a"
    wb.save(path)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info).replace(b"PLACEHOLDER-7f3a", xml_text.encode()))
    shutil.move(tmp, path)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_cli_shows_hostile_names_and_cells_on_one_line(
    demo: Path, tmp_path: Path, log_format: str
) -> None:
    shutil.copytree(demo.parent, tmp_path / "ws")
    cfg = tmp_path / "ws" / "sheets-sync.yaml"
    text = cfg.read_text()
    cfg.write_text(text.replace('name: "People"', r'name: "Peo\e[2Jple\nSales: ok\u202e"'))
    _poison(tmp_path / "ws" / "teams" / "Sales.xlsx", "K3", "12_x001B_[2J&#10;Sales: ok&#13;")
    code, out, err = run("--log-format", log_format, "validate", "--config", str(cfg), *AS_OF)
    lines = out.splitlines()
    if log_format == "json":
        lines = [json.loads(line)["message"] for line in lines]
    assert code == 1 and err == ""
    cell = 'Sales: error: Sales.xlsx!OKRs!K3: expected a number, got "12\\x1b[2J\\nSales: ok"'
    assert cell in lines
    assert (
        "Peo\\x1b[2Jple\\nSales: ok\\u202e: warning: People.xlsx!OKRs!D5: aligns to C9, which "
        "is not a company objective in the workspace"
    ) in lines
    assert not [line for line in lines if line.startswith("Sales: ok")]


def test_one_line_escapes_what_shows_nothing_and_what_no_stream_prints() -> None:
    """U+FEFF, U+FFFE and U+FFFF were escaped in a configuration problem but printed raw
    in the log and on the console (until 2026-12-06): one rule for both. A lone surrogate
    failed to print at all."""
    hidden = "Sales\ufeff|\u200b|\u2060|\ufffe|\uffff|\ufdd0|\U0001fffe|\U0010ffff|\ud800"
    assert one_line(hidden) == (
        "Sales\\ufeff|\\u200b|\\u2060|\\ufffe|\\uffff|\\ufdd0|\\U0001fffe|\\U0010ffff|\\ud800"
    )
    assert one_line(hidden).encode("ascii")  # nothing left that a terminal hides or refuses
    # joiners a name or an emoji needs stay: a family emoji, a Persian name with a ZWNJ
    assert one_line("👨\u200d👩\u200d👧 می\u200cخواهم") == "👨\u200d👩\u200d👧 می\u200cخواهم"


#: the format characters one_line keeps: the joiners, the prepended marks that show a
#: glyph, and the weak direction marks (LRM, RLM, ALM)
SHOWN_FORMAT = (
    "\u200c\u200d\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\U000110bd\U000110cd\u200e\u200f\u061c"
)


def test_one_line_escapes_every_format_character_but_what_text_needs() -> None:
    """A list of some format characters left the soft hyphen and U+2061 raw (``Sales\xad``
    read ``Sales``) until 2026-12-06: every Cf, Cc, Cs, Zl and Zp character and every
    non-character is escaped now, on its own, but the joiners (U+200C, U+200D), the marks
    that show a glyph (U+0600) and the weak direction marks (U+200F)."""
    for point in range(0x110000):
        char = chr(point)
        kind = unicodedata.category(char)
        nonchar = 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE
        if (kind in {"Cf", "Cc", "Cs", "Zl", "Zp"} or nonchar) and char not in SHOWN_FORMAT:
            assert one_line(char) == repr(char)[1:-1], hex(point)
    assert one_line("Sales\u2061|Sales\xad|\u202e|\u2067") == (
        "Sales\\u2061|Sales\\xad|\\u202e|\\u2067"
    )


def test_a_format_character_of_a_later_unicode_is_escaped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The format characters were a list of Unicode 14's (Python 3.11) until 2026-12-06:
    Python 3.12 and 3.13 have U+13439-U+1343F as Cf too, and printed them raw. The class
    is taken from ``unicodedata`` now: a character it calls Cf is escaped."""
    later = "\U00013439"
    real = unicodedata.category
    monkeypatch.setattr(unicodedata, "category", lambda c: "Cf" if c == later else real(c))
    fresh = importlib.reload(celltext)
    try:
        assert fresh.one_line(f"Sales{later}") == "Sales\\U00013439"
    finally:
        monkeypatch.undo()
        importlib.reload(celltext)


def test_visible_marks_and_weak_direction_marks_are_kept() -> None:
    """The Arabic number sign (U+0600), end of ayah (U+06DD) and Kaithi's number sign show
    a glyph; LRM, RLM and ALM (U+200E, U+200F, U+061C) stand in real right-to-left names
    and turn no run of text around: all were escaped until 2026-12-06. The overrides and
    isolates still are."""
    kept = "\u0600\u0661\u0662 \u06dd\u0663 \U000110bd1 \u05e9\u05dc\u05d5\u05dd\u200f (2)"
    kept += " \u0645\u061c1 A\u200e"
    assert one_line(kept) == kept
    assert one_line("a\u202eb\u2066c\u2069") == "a\\u202eb\\u2066c\\u2069"


@pytest.mark.parametrize(
    "text",
    [
        "北京 東京 서울 Ελλάδα",
        "مبيعات שיווק",  # right-to-left names: the letters alone order them
        "Cafe\u0301 e\u0308",  # combining marks
        "\u2764\ufe0f 👍🏽 👨\u200d👩\u200d👧 می\u200cخواهم",  # VS16, skin tone, ZWJ, ZWNJ
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland's tags
        "\u0e2a\u0e35\u200b\u0e04\u0e33 \u179f\u17bd\u200b\u179f\u17d2",  # Thai, Khmer
        "\u182e\u1823\u1829\u1820\u180e\u1821",  # Mongolian's vowel separator
    ],
)
def test_one_line_keeps_what_a_script_or_an_emoji_needs(text: str) -> None:
    """A U+200B between Thai, Lao, Khmer or Myanmar letters marks a word break their
    text holds; an emoji flag's tags follow U+1F3F4: kept there, escaped elsewhere."""
    assert one_line(text) == text


def test_what_a_script_needs_is_escaped_elsewhere() -> None:
    assert one_line("Sales\u200b|\u200b\u0e2a|\U000e0067|a\u180e") == (
        "Sales\\u200b|\\u200b\u0e2a|\\U000e0067|a\\u180e"
    )


def test_a_flag_s_tags_are_kept_only_as_a_flag_has_them() -> None:
    """Tag characters after U+1F3F4 were kept whatever they were, without the closing
    U+E007F too (until 2026-12-06): hidden ASCII (``🏴`` then tags spelling ``rm -rf``).
    Kept now: one to eight tag digits or small letters, then U+E007F."""
    tags = "".join(chr(0xE0000 + ord(c)) for c in "rm -rf")
    assert one_line(f"\U0001f3f4{tags}") == "\U0001f3f4" + repr(tags)[1:-1]
    unclosed = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074"
    assert one_line(unclosed) == "\U0001f3f4" + repr(unclosed[1:])[1:-1]
    capitals = "\U0001f3f4\U000e0041\U000e007f"
    assert one_line(capitals) == "\U0001f3f4\\U000e0041\\U000e007f"


def test_a_traceback_quotes_the_error_escaped() -> None:
    try:
        raise ValueError(ERROR)
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, sys.exc_info())
    text = PlainFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert text.startswith("ERROR x: failed\nTraceback (most recent call last):\n")
    assert text.endswith(f"ValueError: {ERROR_SHOWN}")
    assert "\x1b" not in text


def test_a_chained_error_in_a_traceback_is_one_line_too() -> None:
    try:
        try:
            raise KeyError("tab\nINFO x: fine")
        except KeyError as inner:
            raise ValueError("row\u202e\nINFO x: ok") from inner
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, sys.exc_info())
    text = PlainFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert "KeyError: 'tab\\nINFO x: fine'" in text
    assert text.endswith("ValueError: row\\u202e\\nINFO x: ok")
    assert not [line for line in text.splitlines() if line.startswith("INFO")]


def test_a_note_of_many_lines_in_a_traceback_is_one_line() -> None:
    """A note (``add_note``) printed a line for each of its lines, unescaped: a note
    holding a cell's text forged a log line (``INFO forged``) until 2026-12-06."""
    try:
        error = ValueError("x")
        error.add_note("row 7\nINFO x: forged\x1b[2J")
        raise error
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, sys.exc_info())
    text = PlainFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert text.endswith("ValueError: x\nrow 7\\nINFO x: forged\\x1b[2J")
    assert not [line for line in text.splitlines() if line.startswith("INFO")]


def test_a_json_record_carries_no_control_character_once_read() -> None:
    """JSON escapes a newline or an ESC, but a shipper that reads the record shows its
    message as it was: a tab name's ``\x1b[2J`` and U+202E reached the screen so until
    2026-12-06. The message, text fields and the exception are escaped as a plain line's."""
    try:
        raise ValueError("cell\x1b[2J\u202e")
    except ValueError:
        info = sys.exc_info()
    record = logging.LogRecord("sheets_sync", 30, "", 0, "tab %s", ("OKRs\u202e\x1b[2J",), info)
    record.__dict__["tab"] = "OKRs\nINFO"
    payload = json.loads(JsonFormatter().format(record))
    assert payload["message"] == "tab OKRs\\u202e\\x1b[2J"
    assert payload["tab"] == "OKRs\\nINFO"
    assert payload["exception"].endswith("ValueError: cell\\x1b[2J\\u202e")
    assert payload["exception"].startswith("Traceback (most recent call last):\n")
    unsafe = {chr(c) for c in range(32)} - {"\n"} | {"\x7f", "\u202e"}
    assert not unsafe & set("".join(map(str, payload.values())))


def test_an_exception_group_s_messages_are_one_line_in_a_traceback() -> None:
    """The messages of an exception group and of its members are printed behind a ``|``
    margin, or before ``(1 sub-exception)``: escaped only as the whole line they were
    expected to be, their newlines forged lines under ``-v`` until 2026-12-06."""
    try:
        raise ExceptionGroup("team\nINFO x: forged", [ValueError("cell\nINFO y: ok\x1b[2J")])
    except ExceptionGroup:
        record = logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, sys.exc_info())
    text = PlainFormatter("%(levelname)s %(name)s: %(message)s").format(record)
    assert "| ExceptionGroup: team\\nINFO x: forged (1 sub-exception)" in text
    assert "| ValueError: cell\\nINFO y: ok\\x1b[2J" in text
    assert not [line for line in text.splitlines() if line.lstrip(" |").startswith("INFO")]


def test_a_json_record_s_extra_keys_and_other_values_are_one_line() -> None:
    """An extra's dict keys, and a value JSON has no type for (a path, printed through
    ``str``), went into the record as they were until 2026-12-06."""
    record = logging.LogRecord("sheets_sync", 30, "", 0, "read", None, None)
    record.__dict__["cells"] = {"F7\x1b[2J": Path("teams/a\u202e.xlsx"), 3: [Path("b\nc")]}
    record.__dict__["file"] = Path("teams/x\nINFO y.xlsx")
    line = JsonFormatter().format(record)
    payload = json.loads(line)
    assert payload["cells"] == {"F7\\x1b[2J": "teams/a\\u202e.xlsx", "3": ["b\\nc"]}
    assert payload["file"] == "teams/x\\nINFO y.xlsx"
    assert "\n" not in line
