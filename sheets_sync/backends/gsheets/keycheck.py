"""What is wrong with the Google key file, for ``config check`` only.

A key file that is ``{}`` (or lacks ``private_key``) loads as configuration; sync only finds
out when a Google team asks for a token, and then fails those teams alone (Excel teams still
sync, which is why the configuration itself must not reject it). ``config check`` loads the
key with the loader sync uses (google-auth's, without any network) and says in one line
what would stop the Google teams, in the words each Google team's line would use. No key
at all is a problem too (``_missing_key_problem``): the check exists to say whether tonight's
sync can work, and without a key no Google team can.
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
    from sheets_sync.workspace_spec import Workspace


def credentials_problems(workspace: Workspace) -> list[str]:
    """One line per problem with the key the Google teams (or the rollup) would use: none
    when no Google sheet is configured."""
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
    if path is None:
        return [_missing_key_problem(workspace)]
    if (problem := key_file_problem(path)) is None:
        return []
    return [f"{workspace.config_path.name}: {where}: {setting or path}: {problem}"]


def _users(workspace: Workspace) -> str:
    """What in the workspace needs a Google key: "3 Google teams and the Google rollup sheet"."""
    teams = sum(1 for t in workspace.teams if t.is_google)
    users = [f"{teams} Google team{'s' if teams != 1 else ''}"] if teams else []
    users += ["the Google rollup sheet"] if workspace.rollup_is_google else []
    return " and ".join(users)


def _missing_key_problem(workspace: Workspace) -> str:
    """Google sheets are configured and no key is, here: sync would fail every Google team
    ("no Google credentials are configured"), so the check fails (exit 2). Until 2026-12-05
    it was a note with exit 0, since the nightly job may be the only place the variable is
    set (a cron line, a systemd unit): the line says to check with that job's variable."""
    return (
        f"{workspace.config_path.name}: google.credentials: not set, and neither is "
        f"{CREDENTIALS_ENV} in this environment: {_users(workspace)} cannot be read (set "
        f"google.credentials, or run config check with the {CREDENTIALS_ENV} the nightly "
        "job sets; docs/google-sheets.md)"
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
