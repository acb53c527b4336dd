"""A stop whose ``Interrupted`` the CLI's handler raised inside a finalizer: CPython hands
it to ``sys.unraisablehook``, which printed "Exception ignored in: ... Traceback ...
Interrupted: 15" in the user's cron log though the run raises the stop again at its next
check. In this process: the real handler, raised in a real finalizer."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_sync import cli, cli_support
from sheets_sync.errors import Interrupted
from sheets_sync.sync import stops
from tests.cli.test_interrupted_sync import LANDED
from tests.support.scripts import script_run


class _Finalized:
    """Runs ``then`` as it is collected, where a stop's handler may run."""

    def __init__(self, then: Any) -> None:
        self.then = then

    def __del__(self) -> None:
        self.then()


@contextlib.contextmanager
def _library_hook() -> Iterator[list[Any]]:
    """The hook the CLI found (a library caller's): what it was handed. Put in by the
    test's body, not a fixture: pytest 8.0-8.3 put its own hook in around each phase
    and the one before back after it, undoing one a fixture's setup put in."""
    handed: list[Any] = []
    was = sys.unraisablehook
    stops.arrived()
    sys.unraisablehook = handed.append
    try:
        yield handed
    finally:
        sys.unraisablehook = was
        stops.arrived()


def test_a_stop_lost_in_a_finalizer_is_not_printed_and_stays_noted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The run's next check raises it; said at debug level only (``-vv``)."""
    with _library_hook() as before:
        previous = cli_support.keep_stops_lost_in_finalizers()
        assert previous == before.append
        with caplog.at_level(logging.DEBUG, logger="sheets_sync"):
            _Finalized(lambda: cli_support._interrupt(signal.SIGTERM, None))
        assert before == [], "the stop went to the hook that prints it"
        assert LANDED.format("SIGTERM") in caplog.text
        with pytest.raises(Interrupted) as raised:
            stops.check()  # the run's next check raises it
        assert raised.value.signum == signal.SIGTERM


def test_anything_else_in_a_finalizer_goes_to_the_hook_before() -> None:
    """A bug's exception, and an ``Interrupted`` no check would raise again (not noted),
    are printed as ever: swallowed, they were lost unseen."""
    with _library_hook() as before:
        cli_support.keep_stops_lost_in_finalizers()

        def bug() -> None:
            raise ValueError("a bug")

        _Finalized(bug)
        _Finalized(lambda: (_ for _ in ()).throw(Interrupted(signal.SIGINT)))
        assert [type(u.exc_value) for u in before] == [ValueError, Interrupted]


def _main(monkeypatch: pytest.MonkeyPatch, command: Any) -> list[int]:
    """``cli.main`` running ``command`` as its click group, its process left as it was:
    the signals it would die by."""
    died: list[int] = []
    for name in ("for_this_process", "survive_lost_console", "stop_on_signals"):
        monkeypatch.setattr(cli, name, lambda: None)
    monkeypatch.setattr(cli, "stop_at_once_from_now", lambda: None)
    monkeypatch.setattr(cli, "die_by_signal", died.append)
    monkeypatch.setattr(cli, "cli", command)
    cli.main()
    return died


def _dropped(signum: int) -> None:
    """A stop of ``signum`` whose ``Interrupted`` the CLI's handler raised in a finalizer."""
    _Finalized(lambda: cli_support._interrupt(signum, None))


def test_the_cli_puts_the_hook_before_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller running ``cli.main`` in its process keeps its own hook."""
    during: list[Any] = []
    with _library_hook() as before:
        died = _main(monkeypatch, lambda: during.append(sys.unraisablehook))
        assert during and during[0] != before.append, "the CLI's hook was not in"
        assert sys.unraisablehook == before.append
    assert died == []


def test_a_stop_dropped_after_the_last_check_ends_the_process_by_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop dropped where no check follows (as ``rollup`` publishes, or after a sync's
    last check) was printed as a traceback and lost: the command exited 0. Unprinted, it
    would be lost unseen; the command's work is done, and the process dies by it."""
    with _library_hook() as before:
        assert _main(monkeypatch, lambda: _dropped(signal.SIGTERM)) == [signal.SIGTERM]
    assert before == []


def test_a_dropped_stop_the_run_raised_again_is_died_by_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Raised again at the run's check, the stop is the command's (``STOPPED_BY``): its
    line is said and the process dies by it there, not by the dropped one again."""

    def command() -> None:
        _dropped(signal.SIGTERM)
        with pytest.raises(Interrupted):
            stops.check()

    with _library_hook():
        assert _main(monkeypatch, command) == []


def test_a_stop_landing_as_the_hook_says_the_first_is_dropped_too(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capfd: Any
) -> None:
    """Ctrl-C after systemctl's SIGTERM, its handler run as the hook logs the first: it
    escaped the hook ("Exception ignored in sys.unraisablehook", a traceback), and the
    first stop was lost with it: the command exited 0."""

    def second(record: logging.LogRecord) -> bool:
        if "landed in a finalizer" in record.getMessage():
            cli_support._interrupt(signal.SIGINT, None)
        return True

    logger = logging.getLogger("sheets_sync")
    logger.addFilter(second)
    try:
        with _library_hook() as before, caplog.at_level(logging.DEBUG, logger="sheets_sync"):
            died = _main(monkeypatch, lambda: _dropped(signal.SIGTERM))
    finally:
        logger.removeFilter(second)
    assert "Exception ignored" not in capfd.readouterr().err
    assert before == []
    assert died == [signal.SIGTERM]


def test_a_dropped_stop_raised_again_is_not_died_by_for_a_later_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Raised at the run's check and handled there, the dropped stop is done with: a
    later stop the command catches (``emulator`` exits 0 on one) killed the process by
    the dropped one, left noted as dropped."""

    def command() -> None:
        _dropped(signal.SIGTERM)
        with pytest.raises(Interrupted):
            stops.check()
        with pytest.raises(Interrupted):
            cli_support._interrupt(signal.SIGTERM, None)  # raised where it lands: caught

    with _library_hook():
        assert _main(monkeypatch, command) == []


def test_a_second_main_in_the_process_does_not_die_by_the_first_ones_stop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library or a test calling ``cli.main`` twice: the first's dropped stop was the
    second's to die by too."""
    with _library_hook():
        assert _main(monkeypatch, lambda: _dropped(signal.SIGTERM)) == [signal.SIGTERM]
        assert _main(monkeypatch, lambda: None) == []


_AS_CHECKED = """
import os, signal, sys, time
from sheets_sync import cli

setup = cli.setup_logging

class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)  # systemctl stop, KillMode=mixed
        began = time.monotonic()
        while time.monotonic() - began < 5:
            pass

def setup_logging(*args):  # the command has begun
    setup(*args)
    Finalized()  # the garbage collector runs it as the command works

cli.setup_logging = setup_logging
sys.argv = ["sheets-sync", *sys.argv[1:]]
cli.main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals")
def test_a_command_whose_stop_was_dropped_dies_by_it_with_no_traceback(demo: Path) -> None:
    """A real process: ``config check`` makes no check of a stop, and exited 0 with
    "Exception ignored ... Interrupted: 15" in its output."""
    done = script_run(_AS_CHECKED, "-vv", "config", "check", "--config", str(demo))
    assert LANDED.format("SIGTERM") in done.stderr, "the signal did not land in the finalizer"
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr
