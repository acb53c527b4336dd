"""What is wrong with the Google key file, for ``config check`` only.

A key file that is ``{}`` (or lacks ``private_key``) loads as configuration; sync only finds
out when a Google team asks for a token, and then fails those teams alone (Excel teams still
sync, which is why the configuration itself must not reject it). ``config check`` loads the
key with the loader sync uses (google-auth's, without any network) and says in one line
what would stop the Google teams, in the words each Google team's line would use. No key
at all is only a note (``missing_key_note``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.backends.gsheets.auth import (
    CREDENTIALS_ENV,
    credentials_file,
    credentials_from_info,
    load_info,
    read_key,
)
from sheets_sync.errors import CredentialsError

if TYPE_CHECKING:
    from sheets_sync.config import Workspace


def credentials_problems(workspace: Workspace) -> list[str]:
    """One line per problem with the key the Google teams (or the rollup) would use: none
    when no Google sheet is configured, or no key is (sync names that itself)."""
    uses_google = workspace.rollup_is_google or any(t.is_google for t in workspace.teams)
    if not uses_google:
        return []
    setting = workspace.google.credentials
    where = "google.credentials" if setting else CREDENTIALS_ENV
    try:
        path = credentials_file(workspace)
    except CredentialsError as exc:  # a path that cannot even be made (``~nosuchuser/...``)
        shown = os.environ.get(CREDENTIALS_ENV, "").strip()
        return [f"{workspace.config_path.name}: {where}: {shown}: {exc.problem}"]
    if path is None or (problem := key_file_problem(path)) is None:
        return []
    return [f"{workspace.config_path.name}: {where}: {setting or path}: {problem}"]


def missing_key_note(workspace: Workspace) -> str | None:
    """Google sheets are configured and no key is, here: a note, not a problem. The nightly
    job may be the only place GOOGLE_APPLICATION_CREDENTIALS is set (a cron line, a systemd
    unit), so a check run by hand must not fail for it; sync itself fails just the Google
    teams then ("no Google credentials are configured")."""
    try:
        if credentials_file(workspace) is not None:
            return None
    except CredentialsError:  # named, though unusable: ``credentials_problems`` says why
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
    """Why sync could not sign in as a service account with this file, or None: judged by
    the loader sync itself uses (``load_info``, ``credentials_from_info``; no network), so
    the check and the night never disagree about a key."""
    try:
        credentials_from_info(load_info(path), str(path))
    except CredentialsError as exc:
        return exc.problem
    return None


def key_path_problem(path: Path) -> str | None:
    """Why ``path`` is no key file to read at all (not found, a folder, a pipe, too large),
    or None; its content is not judged. For ``config check`` of a ``google.credentials``
    setting whether or not a sheet is Google's, in the words each Google team's sync line
    uses (``read_key``'s)."""
    try:
        read_key(path)
    except CredentialsError as exc:
        return exc.problem
    return None
