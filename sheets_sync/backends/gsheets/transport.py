"""Point gspread and google-auth at the local Sheets emulator instead of Google.

The product builds `gspread.Client(auth=creds, http_client=EmulatorHTTPClient)` when
GOOGLE_SHEETS_EMULATOR_HOST is set; gspread 6 constructs the client as
`http_client(auth, session)` and funnels every call (Sheets, Drive, export, CSV import) through
`HTTPClient.request`, so rewriting the URL there covers all endpoints.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, MutableMapping
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.transport.requests import AuthorizedSession, Request
from gspread.http_client import HTTPClient
from gspread.utils import convert_credentials
from requests import Response

EMULATOR_ENV = "GOOGLE_SHEETS_EMULATOR_HOST"
GOOGLE_ORIGINS = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
    "https://iamcredentials.googleapis.com",
)


def emulator_host() -> str | None:
    """The emulator's "host:port" from the environment, or None to talk to Google."""
    host = os.environ.get(EMULATOR_ENV, "").strip()
    return host.removeprefix("http://").rstrip("/") or None


def rewrite_url(url: str, host: str) -> str:
    for origin in GOOGLE_ORIGINS:
        if url.startswith(origin):
            return f"http://{host}{url[len(origin) :]}"
    return url


class _RewritingSession(requests.Session):
    """The session google-auth uses for its own calls (token refresh, and the regional access
    boundary lookup on iamcredentials.googleapis.com that google-auth >= 2.4x starts in the
    background), so those never leave the machine either."""

    def __init__(self, host: Callable[[], str | None]) -> None:
        super().__init__()
        self._host = host

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Response:
        host = self._host()
        if host and isinstance(url, str):
            url = rewrite_url(url, host)
        return super().request(method, url, *args, **kwargs)


class EmulatorHTTPClient(HTTPClient):
    """gspread HTTP client that sends Google API calls to the emulator named by the env var
    (or by the class attribute `host`, for tests that run several emulators)."""

    host: str | None = None

    def __init__(self, auth: Any, session: requests.Session | None = None) -> None:
        if session is None:
            auth = convert_credentials(auth)
            auth_request = Request(_RewritingSession(self._emulator))
            session = AuthorizedSession(auth, auth_request=auth_request)  # type: ignore[no-untyped-call]
        super().__init__(auth, session)
        self.auth = auth

    def _emulator(self) -> str | None:
        return self.host or emulator_host()

    def request(
        self,
        method: str,
        endpoint: str,
        params: Any = None,
        data: bytes | None = None,
        json: Any = None,
        files: Any = None,
        headers: MutableMapping[str, str] | None = None,
    ) -> Response:
        host = self._emulator()
        if host:
            endpoint = rewrite_url(endpoint, host)
        response: Response = super().request(
            method, endpoint, params=params, data=data, json=json, files=files, headers=headers
        )
        return response


def emulator_http_client(host: str) -> type[EmulatorHTTPClient]:
    """A subclass bound to one emulator host, independent of the environment."""
    return type("BoundEmulatorHTTPClient", (EmulatorHTTPClient,), {"host": host})


def fake_service_account_info(
    host: str, email: str = "sheets-sync-test@emulator-project.iam.gserviceaccount.com"
) -> dict[str, Any]:
    """A service-account key dict with a fresh 2048-bit RSA key whose token_uri points at the
    emulator, so google-auth signs and exchanges a real RS256 JWT."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    project = email.split("@")[1].split(".", maxsplit=1)[0]
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(secrets.randbelow(10**21)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": f"http://{host}/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
        "universe_domain": "googleapis.com",
        "created": dt.datetime.now(dt.UTC).isoformat(),
    }
