"""Errors cross process boundaries in a program that runs sheets-sync in a process pool
(``concurrent.futures`` pickles a worker's exception back): each comes back whole, its
class, message and context attributes."""

from __future__ import annotations

import pickle

import pytest

from sheets_sync.errors import (
    ConfigError,
    CredentialsError,
    FileLockedError,
    RemoteError,
    ScratchFileError,
    ServiceDisabledError,
    SheetsSyncError,
)

ERRORS = [
    SheetsSyncError("target equals start value", source="s.xlsx", tab="OKRs", cell="J7"),
    ConfigError("x.yaml: invalid configuration", source="x.yaml", problems=["a", "b"]),
    FileLockedError(
        "open in Excel", source="s.xlsx", holder="ann", lock_days=16, lock_paths=("~$s.xlsx",)
    ),
    RemoteError("refused", source="gsheet:k", status=500, tab="OKRs", cell="A1"),
    ServiceDisabledError(
        "the Sheets API is not enabled",
        service_title="Google Sheets API",
        activation_url="https://console.developers.google.com/apis/api/sheets.googleapis.com",
        source="gsheet:k",
        status=403,
    ),
    CredentialsError("no key", short="no usable key", problem="file not found"),
    ScratchFileError("not a sheets-sync pickle"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_an_error_pickles_whole(error: SheetsSyncError) -> None:
    """A ``ServiceDisabledError`` failed to unpickle: "missing 2 required keyword-only
    arguments: 'service_title' and 'activation_url'"."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert (str(back), back.args, vars(back)) == (str(error), error.args, vars(error))
