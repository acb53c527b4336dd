"""A library caller who configures no logging gets none of the tool's records on stderr:
the ``sheets_sync`` logger holds a ``logging.NullHandler`` (the logging HOWTO's advice to
libraries; ``sheets_sync/loggers.py``). Until 2026-12-07 logging's ``lastResort`` printed
every WARNING to the caller's stderr as a bare message. A caller who configures logging
gets every record as before, and the command line prints what it printed (tests/cli)."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.support.layering import PACKAGE, parsed

_WARN = (
    "import logging, sheets_sync{setup}\n"
    "from sheets_sync.sync.run import run_sync\n"  # a call's module: its logger made
    "logging.getLogger('sheets_sync.sync').warning('team Sales: a warning')\n"
)


def _stderr(setup: str = "") -> str:
    code = _WARN.format(setup=setup)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stderr


def test_a_caller_who_configures_no_logging_gets_no_warning_on_stderr() -> None:
    assert _stderr() == ""


def test_a_caller_who_configures_logging_gets_the_warning() -> None:
    assert _stderr("; logging.basicConfig()") == "WARNING:sheets_sync.sync:team Sales: a warning\n"


def test_every_logger_is_made_through_loggers() -> None:
    """A module that made its logger with ``logging.getLogger`` would log with no
    NullHandler when imported alone (``cli_support.setup_logging`` replaces it on
    purpose)."""
    allowed = {"loggers.py", "cli_support.py"}
    found = [
        f"{path.relative_to(PACKAGE).as_posix()}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in allowed
        for node in ast.walk(parsed(path))
        if isinstance(node, ast.Attribute) and node.attr == "getLogger"
    ]
    assert found == []
