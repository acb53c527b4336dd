"""A stop whose ``Interrupted`` the CLI's handler raised inside a finalizer: CPython hands
it to ``sys.unraisablehook``, which printed "Exception ignored in: ... Traceback ...
Interrupted: 15" in the user's cron log though the run raises the stop again at its next
check. In this process: the real handler, raised in a real finalizer."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sheets_sync import cli, cli_support
from sheets_sync.errors import Interrupted
from sheets_sync.sync import stops


class _Finalized:
    """Runs ``then`` as it is collected, where a stop's handler may run."""

    def __init__(self, then: Any) -> None:
        self.then = then

    def __del__(self) -> None:
        self.then()


@pytest.fixture
def before(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The hook the CLI found (a library caller's): what it was handed."""
    handed: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", handed.append)
    stops.arrived()
    yield handed
    stops.arrived()


def test_a_stop_lost_in_a_finalizer_is_not_printed_and_stays_noted(
    before: list[Any], caplog: pytest.LogCaptureFixture
) -> None:
    previous = cli_support.keep_stops_lost_in_finalizers()
    assert previous == before.append
    with caplog.at_level(logging.DEBUG, logger="sheets_sync"):
        _Finalized(lambda: cli_support._interrupt(signal.SIGTERM, None))
    assert before == [], "the stop went to the hook that prints it"
    assert "a stop (SIGTERM) landed in a finalizer; stopping at the next check" in caplog.text
    with pytest.raises(Interrupted) as raised:
        stops.check()  # the run's next check raises it
    assert raised.value.signum == signal.SIGTERM


def test_anything_else_in_a_finalizer_goes_to_the_hook_before(before: list[Any]) -> None:
    """A bug's exception, and an ``Interrupted`` no check would raise again (not noted),
    are printed as ever: swallowed, they were lost unseen."""
    cli_support.keep_stops_lost_in_finalizers()

    def bug() -> None:
        raise ValueError("a bug")

    _Finalized(bug)
    _Finalized(lambda: (_ for _ in ()).throw(Interrupted(signal.SIGINT)))
    assert [type(u.exc_value) for u in before] == [ValueError, Interrupted]


def test_the_cli_puts_the_hook_before_back(
    before: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library caller running ``cli.main`` in its process keeps its own hook."""
    during: list[Any] = []
    for name in ("for_this_process", "survive_lost_console", "stop_on_signals"):
        monkeypatch.setattr(cli, name, lambda: None)
    monkeypatch.setattr(cli, "stop_at_once_from_now", lambda: None)
    monkeypatch.setattr(cli, "cli", lambda: during.append(sys.unraisablehook))
    cli.main()
    assert during and during[0] != before.append, "the CLI's hook was not in"
    assert sys.unraisablehook == before.append
