"""`sheets-sync emulator` refuses what it cannot serve with one line and exit 2: a port
out of range, in use or refused, a fault setting out of range (until 2026-12-06 a traceback, a
bare "Address already in use" with exit 1, or a negative latency that failed every
request once it served)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from sheets_sync.cli import cli
from sheets_sync.emulator.cli import emulator_command

pytestmark = pytest.mark.emulator


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something already listens on, so no case here can start serving."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def invoke(args: list[str]) -> list[tuple[int, str, str]]:
    """The exit code, stdout and stderr of both spellings of the command."""
    results = []
    for command, head in ((emulator_command, []), (cli, ["emulator"])):
        result = CliRunner().invoke(command, [*head, *args])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        results.append((result.exit_code, result.stdout, result.stderr))
    return results


def test_a_port_in_use_is_named(taken_port: int) -> None:
    line = (
        f"error: port {taken_port} on 127.0.0.1 is in use (an emulator already running?); "
        "pick another --port, or --port 0 for any free one\n"
    )
    assert invoke(["--port", str(taken_port)]) == [(2, "", line)] * 2


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--port", "99999", "99999 is not in the range 0<=x<=65535."),
        ("--port", "-1", "-1 is not in the range 0<=x<=65535."),
        ("--fail-rate", "2", "2.0 is not in the range 0<=x<=1."),
        ("--latency-ms", "-5", "-5 is not in the range x>=0."),
        ("--rate-limit", "-3", "-3 is not in the range x>=0."),
    ],
)
def test_an_option_out_of_range_is_a_usage_error(
    taken_port: int, option: str, value: str, problem: str
) -> None:
    args = ["--port", str(taken_port), option, value]  # the port taken: never serves
    for code, out, err in invoke(args):
        assert (code, out) == (2, "")
        assert err.endswith(f"\n\nError: Invalid value for '{option}': {problem}\n"), err


def test_a_port_it_may_not_bind_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--port 80`` as a user other than root (EACCES) was a traceback."""
    import errno
    import socketserver

    def refused(self: socketserver.TCPServer) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(socketserver.TCPServer, "server_bind", refused)
    line = "error: cannot listen on port 80 of 127.0.0.1 (Permission denied); pick another --port\n"
    assert invoke(["--port", "80"]) == [(2, "", line)] * 2
