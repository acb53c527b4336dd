"""What is wrong with the Google key file, for ``config check`` only.

A key file that is ``{}`` (or lacks ``private_key``) loads as configuration; sync only finds
out when a Google team asks for a token, and then fails those teams alone (Excel teams still
sync, which is why the configuration itself must not reject it). ``config check`` loads the
key with google-auth's own loaders, without any network, and says in one line what would
stop the Google teams. No key at all is only a note (``missing_key_note``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from sheets_sync.backends.gsheets.auth import CREDENTIALS_ENV, credentials_file

if TYPE_CHECKING:
    from sheets_sync.config import Workspace

#: What google-auth's service-account loader needs (``private_key`` for the signer)
REQUIRED = ("type", "client_email", "private_key", "token_uri")
USER_FIELDS = ("client_id", "client_secret", "refresh_token")


def credentials_problems(workspace: Workspace) -> list[str]:
    """One line per problem with the key the Google teams (or the rollup) would use: none
    when no Google sheet is configured, or no key is (sync names that itself)."""
    uses_google = workspace.rollup_is_google or any(t.is_google for t in workspace.teams)
    path = credentials_file(workspace)
    if not uses_google or path is None:
        return []
    setting = workspace.google.credentials
    where = "google.credentials" if setting else CREDENTIALS_ENV
    problem = key_file_problem(path)
    if problem is None:
        return []
    return [f"{workspace.config_path.name}: {where}: {setting or path}: {problem}"]


def missing_key_note(workspace: Workspace) -> str | None:
    """Google sheets are configured and no key is, here: a note, not a problem. The nightly
    job may be the only place GOOGLE_APPLICATION_CREDENTIALS is set (a cron line, a systemd
    unit), so a check run by hand must not fail for it; sync itself fails just the Google
    teams then ("no Google credentials are configured")."""
    if credentials_file(workspace) is not None:
        return None
    teams = sum(1 for t in workspace.teams if t.is_google)
    users = [f"{teams} Google team{'s' if teams != 1 else ''}"] if teams else []
    users += ["the Google rollup sheet"] if workspace.rollup_is_google else []
    if not users:
        return None
    return (
        f"{workspace.config_path.name}: {' and '.join(users)} but no Google key here: "
        f"google.credentials is not set and neither is {CREDENTIALS_ENV} in this environment: "
        f"no Google sheet can be read unless the job that syncs sets {CREDENTIALS_ENV} "
        "(docs/google-sheets.md)"
    )


def key_file_problem(path: Path) -> str | None:
    """Why google-auth could not sign in as a service account with this file, or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    except UnicodeDecodeError:
        return "is not a JSON key file (not UTF-8 text)"
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"is not JSON ({exc.msg} at line {exc.lineno})"
    if not isinstance(info, dict):
        return "is not a JSON key file (not an object)"
    kind = info.get("type")
    if kind == "authorized_user":
        return _authorized_user(info)
    if kind not in (None, "", "service_account"):
        return f"is a {kind!r} credential, not a service-account key (type service_account)"
    missing = [f for f in REQUIRED if not info.get(f)]
    if missing:
        return f"is not a service-account key: missing {', '.join(missing)}"
    return _service_account(info)


def _service_account(info: dict[str, Any]) -> str | None:
    """Every field is there (checked first): google-auth failing now is the key itself
    (its own message quotes cryptography at length, and its field order varies)."""
    try:
        service_account.Credentials.from_service_account_info(info)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, KeyError):
        return "private_key is not a PEM private key google-auth can load"
    return None


def _authorized_user(info: dict[str, Any]) -> str:
    """A user's OAuth client credentials (``gcloud auth application-default login``):
    google-auth may load them, but sheets-sync signs in only as a service account."""
    wrong = "is a user's OAuth credentials (type authorized_user), not a service-account key"
    try:
        user_credentials.Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
    except ValueError:
        missing = [f for f in USER_FIELDS if not info.get(f)]
        return f"{wrong}, and incomplete (missing {', '.join(missing) or 'nothing'})"
    return f"{wrong}: create a key for a service account in the Cloud console"
