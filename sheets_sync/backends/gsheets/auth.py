"""Service-account credentials for the Sheets API, and keeping secrets out of messages.

The key file comes from ``google.credentials`` (relative to the workspace) or else from
``GOOGLE_APPLICATION_CREDENTIALS``. A service-account key carries no scopes: the token
exchange asks for those listed here. Sync, rollup and demo ask for spreadsheets and
``drive.metadata.readonly`` (the ``version`` of the files shared with the account, for
the concurrent-edit check, ``guard``; no file's content); ``template --google`` asks for
spreadsheets and ``drive.file`` (only files this app created or opened), so it may delete
the spreadsheet it just made. With
``GOOGLE_SHEETS_EMULATOR_HOST`` set, the token exchange goes to the emulator too (real
google-auth, real RS256 JWT, plain HTTP).
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.utils import CryptographyDeprecationWarning
from google.auth import exceptions as auth_exceptions
from google.auth import transport as auth_transport
from google.auth.transport.requests import Request
from google.oauth2 import service_account

from sheets_sync.backends.gsheets.keyfields import field_problem
from sheets_sync.backends.gsheets.retry import RETRYABLE_STATUS, parse_retry_after
from sheets_sync.backends.gsheets.transport import emulator_host
from sheets_sync.errors import CredentialsError
from sheets_sync.regular_file import (
    ChangedWhileReadError,
    FileTooLargeError,
    NotRegularFileError,
    read_regular_file,
)

if TYPE_CHECKING:
    from sheets_sync.workspace_spec import Workspace

#: the spreadsheets, and Drive's metadata of the files shared with the account: the
#: ``version`` a team sheet's write is checked against (``guard``), no file's content
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets", DRIVE_METADATA_SCOPE)
DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file"
#: ``template --google``: the least Drive scope that may delete (or share) a file it created
#: (no sync: not the version's scope)
TEMPLATE_SCOPES = (SCOPES[0], DRIVE_FILE_SCOPE)
#: What a call refused for its scope needs, by the API it went to (Drive: the least scope
#: that may delete or share a file the account made)
SCOPE_NEEDED = {
    "drive": "https://www.googleapis.com/auth/drive.file (or .../auth/drive)",
    "drive version": DRIVE_METADATA_SCOPE,  # files.get of a version (``guard``)
    "sheets": SCOPES[0],
}
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"

_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        "[redacted]",
    ),
    (re.compile(r"ya29\.[\w.\-]+"), "[redacted]"),  # Google access tokens (and the emulator's)
    (re.compile(r"(?i)(bearer\s+)[\w.\-~+/]+=*"), r"\1[redacted]"),
    (
        re.compile(
            r"(?i)((?:assertion|access_token|id_token|refresh_token|private_key)"
            r"[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
        ),
        r"\1[redacted]",
    ),
    (re.compile(r"eyJ[\w\-]+\.[\w\-]+\.[\w\-]+"), "[redacted]"),  # a signed JWT
)


def redact(text: str) -> str:
    """Remove private keys, access tokens and JWTs from text bound for a log or a user."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class TokenUnavailable(auth_exceptions.TransportError):
    """The token endpoint answered a transient status (5xx, 429, 408): worth a retry."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"token endpoint answered {status}")  # type: ignore[no-untyped-call]
        self.status = status
        self.retry_after = retry_after


class TokenPageError(ValueError):
    """The token endpoint answered an error that is not JSON: a proxy's or a portal's page,
    not Google refusing the credentials (google-auth would quote the page as the reason)."""


def _is_json(data: Any) -> bool:
    try:
        json.loads(data)
    except (ValueError, TypeError):
        return False
    return True


class TokenRequest(Request):
    """google-auth's transport for the token exchange, kept inside our retry budget: each
    request has our timeout (google-auth's default is 120 s), and a transient status is
    raised at once instead of being retried by google-auth itself (three tries and
    seconds of sleep that no budget of ours would see). Each exchange has its own, closed
    by ``close`` as it ends (``SheetsClient._ensure_token``): until 2026-12-07 it was left
    to the collector, and a failed exchange's reply, which the error's traceback holds,
    kept its connection to the token endpoint open until a collection."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def close(self) -> None:
        """Close the exchange's connections. Closing the session is not enough: urllib3 2
        drops its pools then without closing them, and a reply still held (a failed
        exchange's, by the error's traceback) holds its pool and the pool its connection."""
        for adapter in self.session.adapters.values():
            pools: Any = getattr(getattr(adapter, "poolmanager", None), "pools", None) or {}
            for key in list(pools.keys()):
                pool = pools.get(key)
                if pool is not None:
                    pool.close()
        self.session.close()

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> auth_transport.Response:
        response: auth_transport.Response = super().__call__(  # type: ignore[no-untyped-call]
            url, method, body, headers, timeout=self.timeout, **kwargs
        )
        if response.status in RETRYABLE_STATUS:
            raise TokenUnavailable(
                response.status, parse_retry_after(response.headers.get("Retry-After"))
            )
        if response.status >= 400 and not _is_json(response.data):
            raise TokenPageError(f"token endpoint answered {response.status} with no JSON")
        return response


def missing_scope(response: Any, error: Mapping[str, Any], creds: Any) -> str:
    """For Google's 403 ``ACCESS_TOKEN_SCOPE_INSUFFICIENT``: which scope the call needed and
    which the token holds, in one line ("" for any other reply). Google's own message
    ("insufficient authentication scopes") names neither."""
    details = error.get("details")
    reasons = (
        [d.get("reason") for d in details if isinstance(d, dict)]
        if isinstance(details, list)
        else []
    )
    if "ACCESS_TOKEN_SCOPE_INSUFFICIENT" not in reasons:
        return ""
    url = str(getattr(getattr(response, "request", None), "url", "") or "")
    method = str(getattr(getattr(response, "request", None), "method", "") or "")
    drive = "drive" if method.upper() != "GET" else "drive version"
    needed = SCOPE_NEEDED[drive if "/drive/" in url else "sheets"]
    held = " ".join(getattr(creds, "scopes", None) or ()) or "no scope"
    return f"the token holds {held}, not {needed}, which this call needs"


def disabled_service(response: Any, error: Mapping[str, Any]) -> tuple[str, str] | None:
    """For Google's 403 of an API not enabled in the key's Cloud project (``ErrorInfo``
    reason ``SERVICE_DISABLED``; Drive's legacy ``errors`` say ``accessNotConfigured``):
    the API's name and where to enable it, else None."""
    details = error.get("details")
    infos = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    legacy = error.get("errors")
    olds = [e for e in legacy if isinstance(e, dict)] if isinstance(legacy, list) else []
    info = next((d for d in infos if d.get("reason") == "SERVICE_DISABLED"), None)
    old = next((e for e in olds if e.get("reason") == "accessNotConfigured"), None)
    if info is None and old is None:
        return None
    meta = info.get("metadata") if info else None
    meta = meta if isinstance(meta, dict) else {}
    url = str(getattr(getattr(response, "request", None), "url", "") or "")
    service = str(meta.get("service") or "")
    drive = "drive" in service if service else "/drive/" in url
    title = str(meta.get("serviceTitle") or ("Google Drive API" if drive else "Google Sheets API"))
    api = "drive.googleapis.com" if drive else "sheets.googleapis.com"
    activation = str(
        meta.get("activationUrl")
        or (old or {}).get("extendedHelp")
        or f"https://console.cloud.google.com/apis/library/{api}"
    )
    return title, redact(activation)


def credentials_file(workspace: Workspace | None) -> Path | None:
    """The configured key file: workspace setting first, then the standard env variable.
    Made absolute but not link-resolved, so messages name it as the user wrote it
    (``/dev/stdin``, not ``/dev/null``), and a link loop is ``read_key``'s one line."""
    if workspace is not None and workspace.google.credentials:
        return workspace.root / workspace.google.credentials
    env = os.environ.get(CREDENTIALS_ENV, "").strip()
    if not env:
        return None
    try:
        return Path(env).expanduser().absolute()
    except RuntimeError:  # ``~nosuchuser/key.json``: no such user (or no home for ``~``)
        home = Path(env).parts[0]
        raise _key_error(env, f"cannot be read (no home folder is known for {home})") from None


#: bytes a key file may have: a service-account key is about 2.3 KB, and a key path that
#: named /dev/zero or a huge file was read without end
MAX_KEY_BYTES = 1024 * 1024
#: what google-auth's service-account loader needs (``private_key`` for the signer), and
#: ``type``: a file without it is not a key Google made
REQUIRED_FIELDS = ("type", "client_email", "private_key", "token_uri")
_NEW_KEY = (
    " (create a key for a service account in the Cloud console and share each sheet with its email)"
)


def _key_error(origin: Path | str, problem: str, hint: str = "") -> CredentialsError:
    """One wording for sync (``short`` per team, the message once a run) and for ``config
    check`` (``problem``, after the file as its configuration names it)."""
    short = f"Google credentials file {origin}: {problem}"
    return CredentialsError(f"{short}{hint}", short=short, problem=problem)


def read_key(path: Path) -> bytes:
    """The key file's bytes, only from a regular file and no more than ``MAX_KEY_BYTES``.
    Opened without blocking and judged by ``fstat`` before any read: opening a FIFO with no
    writer waited forever, and reading /dev/zero never ended, in ``config check`` and sync."""
    try:
        return read_regular_file(path, MAX_KEY_BYTES)[0]
    except FileNotFoundError:
        raise _key_error(path, "file not found") from None
    except NotRegularFileError as exc:
        raise _key_error(path, f"is a {exc.kind}, not a key file") from None
    except FileTooLargeError:
        raise _key_error(path, _too_large()) from None
    except ChangedWhileReadError:
        raise _key_error(path, "cannot be read (it changed while it was read)") from None
    except OSError as exc:
        raise _key_error(path, f"cannot be read ({exc.strerror or type(exc).__name__})") from None


def _too_large() -> str:
    return f"is larger than {MAX_KEY_BYTES:,} bytes, not a key file (a key has a few KB)"


def load_info(path: Path) -> dict[str, Any]:
    """The key file as a dict, judged as sync and ``config check`` both judge it: errors
    name the file and what is wrong in it, never echo its content."""
    try:
        info = json.loads(read_key(path).decode("utf-8"))
    except UnicodeDecodeError:
        raise _key_error(path, "is not a JSON key file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise _key_error(path, f"is not JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:  # "[[[[..." a million deep: json's parser ran out of stack
        raise _key_error(path, "is not a JSON key file (nested too deeply)") from None
    if (found := _info_problem(info)) is not None:
        raise _key_error(path, *found)
    return info  # type: ignore[no-any-return]


def _info_problem(info: Any) -> tuple[str, str] | None:
    """What keeps ``info`` from being a service-account key (the problem, and the hint the
    run's one error adds), or None when every field google-auth needs is there and holds
    what it may be sent with (``field_problem``)."""
    if not isinstance(info, dict):
        return "is not a JSON key file (not an object)", _NEW_KEY
    kind = info.get("type")
    if kind == "authorized_user":  # ``gcloud auth application-default login`` wrote it
        return (
            "is a user's OAuth credentials (type authorized_user), not a service-account key: "
            "create a key for a service account in the Cloud console",
            "",
        )
    if kind not in (None, "", "service_account"):
        shown = repr(kind) if len(repr(kind)) <= 40 else repr(kind)[:37] + "..."
        return (
            f"is a credential of type {shown}, not a service-account key (type service_account)",
            _NEW_KEY,
        )
    missing = [f for f in REQUIRED_FIELDS if not info.get(f)]
    if missing:
        return f"is not a service-account key: missing {', '.join(missing)}", _NEW_KEY
    if (wrong := field_problem(info)) is not None:
        return wrong, "; download a new JSON key"
    return None


class _BudgetedCredentials(service_account.Credentials):
    """Exchanges a token only when ``SheetsClient`` asks (with a ``TokenRequest``, inside an
    attempt's budget and timeout cap). google-auth's ``before_request`` also refreshes by
    itself a token it finds within its refresh threshold (3 min 45 s before expiry) as it
    sends, with its own transport, retries and gspread's full timeout: a token that turned
    stale between our check and the send (a rate-limit wait, a lock) took that way. Such a
    token is sent as it is: Google still accepts it, and one that has truly expired is
    answered 401, which the attempt handles by exchanging through our path. Overriding
    ``refresh``, the public hook every google-auth refresh path calls, covers them all."""

    def refresh(self, request: auth_transport.Request) -> None:
        if self.token is None or isinstance(request, TokenRequest):
            super().refresh(request)  # type: ignore[no-untyped-call]


class _EmulatorCredentials(_BudgetedCredentials):
    """Never asks iamcredentials.googleapis.com for a regional access boundary: under the
    emulator no request may leave 127.0.0.1 (google-auth >= 2.4x looks it up by default)."""

    def _is_regional_access_boundary_lookup_required(self) -> bool:
        return False


def credentials_from_info(
    info: dict[str, Any], origin: str, scopes: tuple[str, ...] = SCOPES
) -> service_account.Credentials:
    """Credentials whose token asks for ``scopes`` (spreadsheets unless a command needs
    more); under the emulator the token goes there too."""
    info = dict(info)
    host = emulator_host()
    if host:
        info["token_uri"] = f"http://{host}/token"
    pem = info.get("private_key")
    if isinstance(pem, str | bytes) and (problem := _pem_problem(pem)) is not None:
        raise _key_error(origin, problem, "; download a new JSON key")
    try:
        kind = _EmulatorCredentials if host else _BudgetedCredentials
        factory = kind.from_service_account_info
        creds: service_account.Credentials = factory(info, scopes=list(scopes))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError, TypeError):
        # every field is there (``load_info``): google-auth failing now is the key itself,
        # and its own message quotes cryptography at length
        found = _info_problem(info) or (_NOT_PEM, "; download a new JSON key")
        raise _key_error(origin, *found) from None
    return creds


_NOT_PEM = "private_key is not a PEM private key google-auth can load"


def _pem_problem(pem: str | bytes) -> str | None:
    """What keeps ``pem`` from signing a token, judged by its type before google-auth sees
    it: google-auth loads any PEM private key (EC, DSA, Ed25519, X25519, X448, DH) and
    failed only as it signed at the token exchange, an X25519, X448 or DH key with an
    AttributeError (a traceback in ``config check``, "internal error" per Google team).
    google-auth loads keys with the same ``cryptography`` call, so what fails here fails
    there. A DH key makes ``cryptography`` warn that FFDH is deprecated: not the user's
    concern, and not printed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            key = load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return _NOT_PEM
    if not isinstance(key, rsa.RSAPrivateKey):
        return "private_key is not an RSA private key (a service-account key is RSA)"
    return None


def load_credentials(
    workspace: Workspace | None, scopes: tuple[str, ...] = SCOPES
) -> service_account.Credentials:
    path = credentials_file(workspace)
    if path is None:
        raise CredentialsError(
            "no Google credentials: set google.credentials in the workspace YAML or "
            f"{CREDENTIALS_ENV} to a service-account key file (see docs/google-sheets.md)",
            short="no Google credentials are configured",
        )
    return credentials_from_info(load_info(path), str(path), scopes)
