"""Which OAuth scopes each endpoint needs, and Google's 403 for a token that lacks them.

Google checks the token's scopes before anything else about the request (even whether the
file exists), and answers 403 PERMISSION_DENIED "Request had insufficient authentication
scopes." with an ``ErrorInfo`` of reason ``ACCESS_TOKEN_SCOPE_INSUFFICIENT`` naming the
service and the RPC method, and a ``WWW-Authenticate`` challenge listing what would do.
Drive replies also carry its legacy ``errors`` list. Scope sets follow the Sheets v4 and
Drive v3 reference pages ("Authorization scopes") for each method.

``drive.file`` is per-file access: Drive answers a token whose only fitting scope it is for
the files its client (the key's ``client_email``) created, and 404 ``notFound`` ("File not
found: ID.", as for a file that does not exist) for any other: ``PER_FILE`` tells the Drive
handlers so (``drive.reachable``). The emulator has no file picker, so "opened with the
app" does not arise.
"""

from __future__ import annotations

from contextvars import ContextVar

from sheets_sync.emulator.errors import ApiError

AUTH = "https://www.googleapis.com/auth/"
SHEETS = AUTH + "spreadsheets"
SHEETS_READONLY = AUTH + "spreadsheets.readonly"
DRIVE = AUTH + "drive"
DRIVE_FILE = AUTH + "drive.file"
DRIVE_READONLY = AUTH + "drive.readonly"
DRIVE_METADATA_READONLY = AUTH + "drive.metadata.readonly"

SCOPE_MESSAGE = "Request had insufficient authentication scopes."
SHEETS_WRITE = frozenset({SHEETS, DRIVE, DRIVE_FILE})
SHEETS_READ = SHEETS_WRITE | {SHEETS_READONLY, DRIVE_READONLY}
DRIVE_WRITE = frozenset({DRIVE, DRIVE_FILE})
DRIVE_READ = DRIVE_WRITE | {DRIVE_READONLY}
DRIVE_METADATA = DRIVE_READ | {DRIVE_METADATA_READONLY}

_SHEETS_METHOD = "google.apps.sheets.v4.SpreadsheetsService."
_DRIVE_METHOD = "com.google.apps.drive.v3.Drive"
#: endpoint (as in the request log) -> (scopes any one of which will do, RPC method)
NEEDS: dict[str, tuple[frozenset[str], str]] = {
    "spreadsheets.get": (SHEETS_READ, _SHEETS_METHOD + "GetSpreadsheet"),
    "spreadsheets.create": (SHEETS_WRITE, _SHEETS_METHOD + "CreateSpreadsheet"),
    "spreadsheets.batchUpdate": (SHEETS_WRITE, _SHEETS_METHOD + "BatchUpdateSpreadsheet"),
    "values.get": (SHEETS_READ, _SHEETS_METHOD + "GetValues"),
    "values.batchGet": (SHEETS_READ, _SHEETS_METHOD + "BatchGetValues"),
    "values.update": (SHEETS_WRITE, _SHEETS_METHOD + "UpdateValues"),
    "values.batchUpdate": (SHEETS_WRITE, _SHEETS_METHOD + "BatchUpdateValues"),
    "values.append": (SHEETS_WRITE, _SHEETS_METHOD + "AppendValues"),
    "values.clear": (SHEETS_WRITE, _SHEETS_METHOD + "ClearValues"),
    "values.batchClear": (SHEETS_WRITE, _SHEETS_METHOD + "BatchClearValues"),
    "drive.files.create": (DRIVE_WRITE, _DRIVE_METHOD + "Files.Create"),
    "drive.files.list": (DRIVE_METADATA, _DRIVE_METHOD + "Files.List"),
    "drive.files.get": (DRIVE_METADATA, _DRIVE_METHOD + "Files.Get"),
    "drive.files.delete": (DRIVE_WRITE, _DRIVE_METHOD + "Files.Delete"),
    "drive.files.copy": (DRIVE_WRITE, _DRIVE_METHOD + "Files.Copy"),
    "drive.files.export": (DRIVE_READ, _DRIVE_METHOD + "Files.Export"),
    "drive.files.import": (DRIVE_WRITE, "drive.files.update"),
    "drive.comments.list": (DRIVE_READ, _DRIVE_METHOD + "Comments.List"),
    "drive.permissions.list": (DRIVE_METADATA, _DRIVE_METHOD + "Permissions.List"),
    "drive.permissions.create": (DRIVE_WRITE, _DRIVE_METHOD + "Permissions.Create"),
    "drive.permissions.delete": (DRIVE_WRITE, _DRIVE_METHOD + "Permissions.Delete"),
}


#: the request's token reaches Drive files one by one (``per_file_only``); set by the
#: server for each request, read by the Drive handlers
PER_FILE: ContextVar[bool] = ContextVar("per_file", default=False)


def per_file_only(endpoint: str, scopes: frozenset[str]) -> bool:
    """Whether ``drive.file`` is the only scope in ``scopes`` that ``endpoint`` accepts, so
    the call reaches only files the token's client created (a ``drive`` or
    ``drive.readonly`` scope beside it reaches every file shared with the account)."""
    need = NEEDS.get(endpoint)
    return need is not None and endpoint.startswith("drive.") and scopes & need[0] == {DRIVE_FILE}


def check_scopes(endpoint: str, scopes: frozenset[str]) -> None:
    """Raise Google's 403 when ``scopes`` hold none of those ``endpoint`` accepts; an
    endpoint not listed (google-auth's own lookups) needs none."""
    need = NEEDS.get(endpoint)
    if need is None or scopes & need[0]:
        return
    accepted, method = need
    drive = endpoint.startswith("drive.")
    info = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        "domain": "googleapis.com",
        "metadata": {
            "service": "drive.googleapis.com" if drive else "sheets.googleapis.com",
            "method": method,
        },
    }
    legacy = [
        {
            "message": "Insufficient Permission",
            "domain": "global",
            "reason": "insufficientPermissions",
        }
    ]
    challenge = (
        'Bearer realm="https://accounts.google.com/", error="insufficient_scope", '
        f'scope="{" ".join(sorted(accepted))}"'
    )
    raise ApiError(
        403,
        SCOPE_MESSAGE,
        details=[info],
        headers={"WWW-Authenticate": challenge},
        drive_errors=legacy if drive else None,
    )
