"""The emulator's HTTP server (stdlib ``ThreadingHTTPServer``) and Google's JSON framing;
the requests themselves are ``server._Handler``'s (split from ``server``)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from sheets_sync.sync import stops

if TYPE_CHECKING:
    from sheets_sync.emulator.server import Emulator


def dump(data: Any, pretty: bool = True) -> bytes:
    """Google's JSON: indented unless the request asked ``prettyPrint=false``."""
    if not pretty:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def pretty_of(params: dict[str, list[str]]) -> bool:
    """The ``prettyPrint`` system parameter, true unless its (last) value is ``false``."""
    return params.get("prettyPrint", ["true"])[-1].lower() != "false"


def drop_nulls(data: Any) -> Any:
    """JSON null on a message field means "unset" to Google; nulls inside lists stay (values
    matrices use them to skip cells)."""
    if isinstance(data, dict):
        return {k: drop_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [drop_nulls(v) for v in data]
    return data


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: Emulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._open: dict[socket.socket, threading.Thread] = {}
        self._open_lock = threading.Lock()
        self._arrived: dict[socket.socket, threading.Event] = {}

    def process_request(self, request: Any, client_address: Any) -> None:
        """On the accepting thread, before the handler's: the reset generation the
        connection's first request arrived in (``Faults.generation``)."""
        with self._open_lock:
            self._arrived[request] = self.emulator.faults.generation()
        super().process_request(request, client_address)

    def arrival(self, request: Any) -> threading.Event | None:
        with self._open_lock:
            return self._arrived.pop(request, None)

    def service_actions(self) -> None:
        """Each poll of ``serve_forever``: served in the main thread (``sheets-sync
        emulator``), a stop whose exception was dropped in a finalizer is raised here
        (``stops.check``), as the command's Ctrl-C is; it served on until killed. A
        background thread's server (``start``) leaves stops to the main thread."""
        if threading.current_thread() is threading.main_thread():
            stops.check()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._open_lock:
                self._open.pop(request, None)

    def close_connections(self) -> None:
        """End the connections clients keep alive, and their threads: left waiting on
        the next request, each thread outlived the emulator, and a process that then
        forks (a sync's workers) copies it mid-flight."""
        with self._open_lock:
            open_now = list(self._open.items())
        for sock, _thread in open_now:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _sock, thread in open_now:
            thread.join(5)
