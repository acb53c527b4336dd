"""JSON log lines for log shippers (``--log-format json``), errors that end a command
included (``error_record``)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import traceback
from collections.abc import Sequence
from typing import Any

from sheets_sync.domain.celltext import one_line  # re-exported (__all__): its first home

__all__ = ["JsonFormatter", "PlainFormatter", "error_record", "line_records", "one_line", "record"]

from sheets_sync.domain.shown import shown_numbers

_SKIP = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class PlainFormatter(logging.Formatter):
    """The plain log line (``LEVEL logger: message``) with the message made ``one_line``;
    a traceback (``-v``) keeps its lines, each ``one_line``: its last line quotes the
    error, a cell's or a tab's text in it (``\x1b[2J``, U+202E) was printed raw until
    2026-12-06."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        safe = logging.makeLogRecord(record.__dict__)
        safe.message = one_line(record.message)
        return super().formatMessage(safe)

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        if ei[1] is None:
            return _lines(super().formatException(ei))
        error = traceback.TracebackException(type(ei[1]), ei[1], ei[2])
        _escape_said(error, set())  # what each error says made one line first
        # then each line one line: the frames' and the margins of an exception group's
        return _lines("".join(error.format()).removesuffix("\n"))

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 (logging's name)
        return _lines(super().formatStack(stack_info))


def _escape_said(error: traceback.TracebackException, seen: set[int]) -> None:
    """Make what ``error`` and the errors chained to it or grouped in it say one line
    each, before they are formatted: their message (a cell's, a tab's text; a newline in
    it forged a log line) and each note (``add_note``), printed a line for each of its
    lines (``INFO forged`` until 2026-12-06). Escaped after formatting, the message of an
    exception group's member (printed behind a ``|`` margin) and a group's own (followed
    by ``(2 sub-exceptions)``) were not found, and forged lines under ``-v`` until then."""
    if id(error) in seen:
        return
    seen.add(id(error))
    said = getattr(error, "_str", None)  # the message format_exception_only prints
    if isinstance(said, str):
        setattr(error, "_str", one_line(said))  # noqa: B010 (a private field of 3.11-3.13)
    notes = error.__notes__
    if isinstance(notes, Sequence) and not isinstance(notes, str):
        error.__notes__ = [one_line(note) if isinstance(note, str) else note for note in notes]
    for other in (error.__cause__, error.__context__, *(error.exceptions or ())):
        if other is not None:
            _escape_said(other, seen)


def _lines(text: str) -> str:
    """Each line of ``text`` ``one_line``, the line breaks kept (a traceback's frames)."""
    return "\n".join(map(one_line, text.split("\n")))


class JsonFormatter(PlainFormatter):
    """One JSON object a line. Its texts as ``PlainFormatter`` prints them: the message
    and each text field ``one_line``, the exception escaped (a frame a line): a shipper
    that shows a record's message showed a cell's ``\x1b[2J`` or U+202E as it was, JSON
    escaping being undone by reading it, until 2026-12-06."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": one_line(record.getMessage()),
        }
        # a number with the digits Excel shows (``shown_numbers``), as in the run report
        extras = {k: v for k, v in record.__dict__.items() if k not in _SKIP}
        texts = _texts(shown_numbers(extras))
        assert isinstance(texts, dict)
        payload.update(texts)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


def _texts(value: object) -> object:
    """``value`` with each text in it (in dicts and lists too, a dict's keys too)
    ``one_line``, and anything JSON has no type for as its ``one_line(str())`` (``json``'s
    ``default=str`` printed a path's or an object's text as it was until 2026-12-06)."""
    if isinstance(value, str):
        return one_line(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {one_line(str(k)): _texts(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_texts(v) for v in value]
    return one_line(str(value))


def record(message: str, level: int = logging.INFO, **fields: object) -> str:
    """One JSON log line, shaped as every other record (``JsonFormatter``), for what a
    command prints rather than logs. Fields that are ``None`` are left out."""
    rec = logging.LogRecord("sheets_sync", level, __file__, 0, message, None, None)
    rec.__dict__.update({k: v for k, v in fields.items() if v is not None})
    return JsonFormatter().format(rec)


def line_records(text: str, level: int = logging.INFO) -> str:
    """Each line of ``text`` as its own ``record`` (newline-separated): what a command
    prints under ``--log-format json`` (``cli_support.say``, ``console.JsonLinesConsole``)."""
    return "\n".join(record(line, level) for line in text.splitlines())


def error_record(message: str, **fields: object) -> str:
    """The error that ends a command as one JSON log line (``record``): a shipper that
    parses the log would otherwise drop the one line that says why the run stopped."""
    return record(message, logging.ERROR, **fields)
