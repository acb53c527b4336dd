"""HTTP plumbing (stdlib ThreadingHTTPServer), auth checks, and the Emulator test API."""

from __future__ import annotations

import gzip
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sheets_sync.emulator import api
from sheets_sync.emulator.auth import TokenError, issue_token
from sheets_sync.emulator.errors import (
    INVALID_AUTH_MESSAGE,
    MISSING_AUTH_MESSAGE,
    ApiError,
    payload_too_large,
    permission_denied,
)
from sheets_sync.emulator.faults import (
    JSON_TYPE,
    Faults,
    LoggedRequest,
    RequestEndedError,
    RequestLog,
)
from sheets_sync.emulator.httpd import Server, drop_nulls, dump, pretty_of
from sheets_sync.emulator.scopes import PER_FILE, check_scopes, per_file_only
from sheets_sync.emulator.state import CALLER, StateFileError, Store
from sheets_sync.regular_file import in_the_way

_INVALID_TOKEN_CHALLENGE = 'Bearer realm="https://accounts.google.com/", error="invalid_token"'


#: changes no spreadsheet of its id though marked ``mutates``: a viewer may run it, as at
#: Google (a copy of a sheet one may read is one's own)
READ = frozenset({"drive.files.copy"})


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server
    wbufsize = -1  # buffer headers and body into one send; avoids delayed-ACK stalls
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self._accepted = self.server.arrival(self.request)

    def _arrival(self) -> threading.Event:
        """The generation this request arrived in: the accept's for the connection's first
        request, the current one for a later one on a kept-alive connection (it may idle
        across tests)."""
        accepted, self._accepted = self._accepted, None
        return accepted or self.server.emulator.faults.generation()

    def _drop(self) -> None:
        """No answer for a request whose test has ended: the connection closes."""
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _wants_gzip(self) -> bool:
        """Google compresses a reply only for a request that accepts gzip and whose
        User-Agent contains ``gzip`` (its APIs' performance guide)."""
        accepts = self.headers.get("Accept-Encoding", "").lower()
        return "gzip" in accepts and "gzip" in self.headers.get("User-Agent", "").lower()

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str,
        headers: dict[str, str] | None = None,
        *,
        compress: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if compress and body:
            body = gzip.compress(body, compresslevel=6)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        for key, val in (headers or {}).items():
            self.send_header(key, val)
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, dump(data), JSON_TYPE, headers)

    def _handle(self, method: str) -> None:
        emu = self.server.emulator
        arrived = self._arrival()
        split = urlsplit(self.path)
        path = split.path
        for prefix in ("/upload",):
            if path.startswith(prefix + "/drive/"):
                path = path[len(prefix) :]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if arrived.is_set():  # accepted before a reset, handled after it
            self._drop()
            return
        if path in ("/token", "/oauth2/v4/token"):
            self._token(raw, arrived)
            return
        params = parse_qs(split.query, keep_blank_values=True)
        pretty = pretty_of(params)
        name, sid, body, result = "unknown", api.spreadsheet_id_of(path), None, None
        headers: dict[str, str] = {}
        try:
            name, func, match, mutates = api.resolve(method, path)
            if len(raw) > emu.faults.max_payload_bytes:  # Google's front end, before auth
                raise payload_too_large(emu.faults.max_payload_bytes)
            email = self._auth(emu)
            canned = emu.faults.canned(sid, name)
            if canned is not None:
                emu.log.record(LoggedRequest(method, self.path, name, canned.status, sid), arrived)
                self._send(canned.status, canned.body, canned.ctype)
                return
            self._scopes(emu, name)
            if emu.faults.before_request is not None:
                emu.faults.before_request(name, sid)
            emu.faults.check(
                sid, write=mutates, sheets=not name.startswith("drive."), arrived=arrived
            )
            body = self._body(raw, split.path)
            CALLER.set(email)
            with emu.state.lock:
                book = emu.state.spreadsheets.get(sid or "")
                if mutates and book is not None and email in book.viewers and name not in READ:
                    raise permission_denied()  # a viewer's write: Google's 403
                result = func(api.Call(emu.state, email, params, body, match, raw))
                if mutates and name not in READ and sid in emu.state.spreadsheets:
                    emu.state.spreadsheets[sid].changed()  # a copy leaves its source as it was
            if mutates:
                emu.persist()
            if result is None:
                status, payload, ctype = 204, b"", "text/html"
            elif isinstance(result, tuple):
                status, payload, ctype = 200, result[1], result[0]
            else:
                status, payload, ctype = 200, dump(result, pretty), JSON_TYPE
        except RequestEndedError:  # a reset ended its latency
            self._drop()
            return
        except ApiError as err:
            payload = dump(err.body(), pretty)
            status, ctype, headers = err.code, JSON_TYPE, err.headers
        except Exception:
            traceback.print_exc(file=sys.stderr)
            status, payload, ctype = (
                500,
                dump(ApiError(500, "Internal error encountered.").body(), pretty),
                JSON_TYPE,
            )
        logged = result if status == 200 and isinstance(result, dict) else None
        compress = self._wants_gzip() and bool(payload)
        if arrived.is_set():
            self._drop()
            return
        entry = LoggedRequest(method, self.path, name, status, sid, body, logged, compress)
        emu.log.record(entry, arrived)
        if emu.faults.after_request is not None:
            emu.faults.after_request(name, sid)
        how = emu.faults.body_break() if payload else None
        if how is not None:
            self._send_broken(status, payload, ctype, how)
            return
        self._send(status, payload, ctype, headers, compress=compress)

    def _send_broken(self, status: int, body: bytes, ctype: str, how: str) -> None:
        """A reply whose body breaks after its headers (``Faults.break_bodies``)."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if how == "gzip":
            data = b"\x1f\x8b\x08\x00" + b"not a deflate stream" * 4  # gzip's magic only
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
        else:  # cut: the connection closes halfway through what Content-Length promised
            data = body[: len(body) // 2]
            self.send_header("Content-Length", str(len(body)))
        # said, as a server that closes does: else the client may send its retry down the
        # closing connection and see a reset instead of this fault (a CI flake)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _token(self, raw: bytes, arrived: threading.Event) -> None:
        emu = self.server.emulator
        if not emu.faults.token_delay(arrived):  # the test that set the hang has ended
            self._drop()
            return
        canned = emu.faults.token_reply
        if canned is not None:
            emu.log.record(LoggedRequest("POST", self.path, "token", canned.status, None), arrived)
            self._send(canned.status, canned.body, canned.ctype)
            return
        try:
            status, data = 200, issue_token(emu.state, raw, emu.faults.token_lifetime_s)
        except TokenError as err:
            status, data = 400, err.body
        emu.log.record(LoggedRequest("POST", self.path, "token", status, None), arrived)
        self._json(status, data)

    def _auth(self, emu: Emulator) -> str | None:
        if not emu.require_auth:
            return None
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            raise ApiError(
                401,
                MISSING_AUTH_MESSAGE,
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )
        token = header[7:].strip()
        email = emu.state.tokens.get(token)
        grant = emu.state.grants.get(token)
        if email is None or (grant is not None and time.time() >= grant.expires_at):
            raise ApiError(
                401,
                INVALID_AUTH_MESSAGE,
                headers={"WWW-Authenticate": _INVALID_TOKEN_CHALLENGE},
            )
        return email

    def _scopes(self, emu: Emulator, endpoint: str) -> None:
        """After a canned reply had its chance: it stands in for all of the API's answer."""
        per_file = False
        if emu.require_auth:
            token = self.headers.get("Authorization", "")[7:].strip()
            grant = emu.state.grants.get(token)
            if grant is not None:
                check_scopes(endpoint, grant.scopes)
                per_file = per_file_only(endpoint, grant.scopes)
        PER_FILE.set(per_file)

    @staticmethod
    def _body(raw: bytes, path: str) -> dict[str, Any]:
        if not raw.strip() or path.startswith("/upload/"):
            return {}
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"Invalid JSON payload received. {exc}") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON payload received. Expected an object.")
        cleaned: dict[str, Any] = drop_nulls(data)
        return cleaned


class Emulator:
    """A running emulator: `host` is "127.0.0.1:PORT"; state, log and faults are live objects."""

    def __init__(
        self,
        port: int = 0,
        *,
        state_file: Path | None = None,
        require_auth: bool = True,
        verbose: bool = False,
        faults: Faults | None = None,
    ) -> None:
        self.state = Store()
        self.log = RequestLog()
        self.faults = faults or Faults()
        self.state_file = state_file
        self.require_auth = require_auth
        self.verbose = verbose
        # '..' as text, as the atomic save takes it (lnk/.. is not the parent of lnk's target)
        written = Path(os.path.abspath(state_file)) if state_file else None
        try:  # EACCES (/proc/1/cwd/s.json) was taken for the port's: "cannot listen"
            found = written is not None and written.exists()
        except OSError as exc:
            why = f"cannot be looked at ({exc.strerror})"
            raise StateFileError(state_file or Path(), why) from None
        if written and found:
            self.state.load(written)
        elif state_file and written and not (folder := written.parent).is_dir():
            # it listened, each change failed to save, and its stop named a temp file
            there, what = in_the_way(folder) or (folder, "does not exist; make it first")
            raise StateFileError(state_file, f"is in no folder: {there} {what}")
        if state_file and written and (blocked := in_the_way(written.parent, write=True)):
            # a folder the user cannot write in: it listened, each change failed to save
            # (until 2026-12-07), where export and --report ask before any work
            raise StateFileError(state_file, f"cannot be saved: {blocked[0]} {blocked[1]}")
        self._server = Server(("127.0.0.1", port), _Handler)
        self._server.emulator = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    def start(self) -> Emulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._thread = threading.current_thread()
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            if self._thread.name == "sheets-emulator":  # ``start``'s: past serve_forever
                self._thread.join(5)  # it still runs, listed to a count of threads (a flake)
        self._server.close_connections()
        self._server.server_close()
        self.persist()

    def persist(self) -> None:
        if self.state_file:
            self.state.save(self.state_file)

    def reset(self) -> None:
        """Forget all spreadsheets, tokens, faults and logged requests. The faults first:
        that ends the requests that arrived before (``Faults.generation``), so none of
        them is logged after the log is cleared."""
        self.faults.reset()
        self.state.reset()
        self.log.clear()

    # Convenience for tests -------------------------------------------------------------

    def create_spreadsheet(
        self,
        title: str,
        sheets: dict[str, list[list[Any]]] | None = None,
        *,
        owner: str | None = None,
        shared_with: list[str] | None = None,
        value_input: str = "USER_ENTERED",
    ) -> str:
        from sheets_sync.emulator.testing import seed_spreadsheet

        return seed_spreadsheet(self.state, title, sheets, owner, shared_with, value_input)

    def protect(
        self,
        key: str,
        tab: str,
        a1: str | None = None,
        *,
        editors: list[str] | None = None,
        unprotected: tuple[str, ...] = (),
        warning_only: bool = False,
        description: str = "",
    ) -> int:
        """Protect ``tab``'s ``a1`` (the whole tab when None) as its owner would: only
        ``editors`` (default: the owner alone) may write it through the API."""
        from sheets_sync.emulator.testing import seed_protection

        return seed_protection(
            self.state,
            key,
            tab,
            a1,
            list(editors or ["owner@example.com"]),
            list(unprotected),
            warning_only,
            description,
        )

    def issue_token(self, email: str = "tester@emulator.iam.gserviceaccount.com") -> str:
        token = "ya29.emu-direct-" + str(len(self.state.tokens))
        with self.state.lock:
            self.state.tokens[token] = email
        return token

    def values(
        self, key: str, range_text: str, render_option: str = "FORMATTED_VALUE"
    ) -> list[list[Any]]:
        from sheets_sync.emulator.testing import read_values

        return read_values(self.state, key, range_text, render_option)

    def cell(self, key: str, a1: str) -> dict[str, Any]:
        from sheets_sync.emulator.testing import read_cell

        return read_cell(self.state, key, a1)

    def cell_format(self, key: str, a1: str) -> dict[str, Any]:
        fmt: dict[str, Any] = self.cell(key, a1).get("userEnteredFormat", {})
        return fmt


@contextmanager
def run_emulator(
    *,
    port: int = 0,
    state_file: Path | None = None,
    require_auth: bool = True,
    faults: Faults | None = None,
) -> Iterator[Emulator]:
    """Start an emulator on a free port in a background thread; stop it on exit."""
    emu = Emulator(port, state_file=state_file, require_auth=require_auth, faults=faults).start()
    try:
        yield emu
    finally:
        emu.stop()
