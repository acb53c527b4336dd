"""A key whose fields google-auth would send unjudged (``token_uri``, ``client_email``,
``private_key_id``) is refused by ``config check`` and by sync's loader, in one line naming
the key file and the field, before any request: ``token_uri: 5`` or ``file:///etc/passwd``
failed at the exchange as "unreachable (network)", and ``http://`` or a non-Google host
was sent the signed sign-in assertion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.backends.gsheets.auth import load_credentials
from sheets_sync.config import load_workspace
from sheets_sync.errors import CredentialsError
from tests.cli.test_config_check_google_key import GOOD, _check, _workspace

GOOGLE = "(Google's is https://oauth2.googleapis.com/token)"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"token_uri": 5}, "token_uri is a number (5), not a URL"),
        ({"token_uri": ["x"]}, "token_uri is an array (['x']), not a URL"),
        (
            {"token_uri": "file:///etc/passwd"},
            f"token_uri 'file:///etc/passwd' is not an https URL {GOOGLE}",
        ),
        ({"token_uri": "oauth2.googleapis.com/token"},
         f"token_uri 'oauth2.googleapis.com/token' is not an https URL {GOOGLE}"),
        ({"token_uri": "https://[::1/token"}, "token_uri 'https://[::1/token' is not a URL"),
        (
            {"token_uri": "http://oauth2.googleapis.com/token"},
            "token_uri 'http://oauth2.googleapis.com/token' is not https (plain http only to "
            f"127.0.0.1): the signed sign-in would travel in clear {GOOGLE}",
        ),
        (
            {"token_uri": "https://tokens.example.com/token"},
            "token_uri 'https://tokens.example.com/token' is not a Google host: the signed "
            f"sign-in would go to tokens.example.com {GOOGLE}",
        ),
        (
            {"token_uri": "https://googleapis.com.example.com/token"},
            "token_uri 'https://googleapis.com.example.com/token' is not a Google host: the "
            f"signed sign-in would go to googleapis.com.example.com {GOOGLE}",
        ),
        (  # urlsplit's host is Google's; urllib3, which sends it, goes to evil.example
            {"token_uri": "https://evil.example\\@oauth2.googleapis.com/token"},
            "token_uri 'https://evil.example\\\\@oauth2.googleapis.com/token' is not a plain "
            "URL (a backslash, @, space or control character hides which host it names)",
        ),
        (
            {"token_uri": "https://evil.example\\.googleapis.com/token"},
            "token_uri 'https://evil.example\\\\.googleapis.com/token' is not a plain URL (a "
            "backslash, @, space or control character hides which host it names)",
        ),
        (
            {"token_uri": "https://evil.example#@oauth2.googleapis.com/"},
            "token_uri 'https://evil.example#@oauth2.googleapis.com/' is not a plain URL (a "
            "backslash, @, space or control character hides which host it names)",
        ),
        ({"token_uri": ""}, "is not a service-account key: missing token_uri"),
        ({"client_email": 5}, "client_email is a number (5), not an email address"),
        (
            {"client_email": "robot"},
            "client_email 'robot' is not an email address (a service account's is "
            "NAME@PROJECT.iam.gserviceaccount.com)",
        ),
        (
            {"client_email": "a b@p.iam.gserviceaccount.com"},
            "client_email 'a b@p.iam.gserviceaccount.com' is not an email address (a service "
            "account's is NAME@PROJECT.iam.gserviceaccount.com)",
        ),
        (
            {"private_key_id": 5},
            "private_key_id is a number (5), not the key's id (a string)",
        ),
    ],
    ids=["uri-number", "uri-array", "uri-file", "uri-no-scheme", "uri-bad", "uri-http",
         "uri-foreign", "uri-lookalike", "uri-backslash-at", "uri-backslash-host",
         "uri-fragment-at", "uri-empty", "email-number", "email-no-at",
         "email-space", "kid-number"],
)  # fmt: skip
def test_a_field_google_auth_would_send_unjudged_is_refused(
    tmp_path: Path, fields: dict[str, Any], problem: str
) -> None:
    cfg = _workspace(tmp_path, {**GOOD, **fields})
    code, _, err = _check(cfg)
    assert (code, err) == (
        2,
        "error: sheets-sync.yaml: invalid configuration\n"
        f"  sheets-sync.yaml: line 6: google.credentials: sa.json: {problem}\n",
    )
    with pytest.raises(CredentialsError) as failed:  # sync's loader: the same words
        load_credentials(load_workspace(cfg))
    assert failed.value.short == f"Google credentials file {tmp_path / 'sa.json'}: {problem}"


@pytest.mark.parametrize(
    "fields",
    [
        {"token_uri": "https://oauth2.googleapis.com/token"},
        {"token_uri": "https://accounts.google.com/o/oauth2/token"},  # keys made before 2019
        {"token_uri": "https://oauth2-psc.p.googleapis.com/token"},  # Private Service Connect
        {"token_uri": "https://oauth2.example.goog/token", "universe_domain": "example.goog"},
        {"token_uri": "http://127.0.0.1:8765/token"},  # the emulator's keys
        {"token_uri": "http://localhost:8765/token"},
        {"token_uri": "http://[::1]:8765/token"},
        {"private_key_id": None},
    ],
    ids=["google", "google-old", "psc", "universe", "loopback", "localhost", "ipv6", "no-kid"],
)
def test_the_token_uris_google_and_the_emulator_use_pass(
    tmp_path: Path, fields: dict[str, Any]
) -> None:
    key = {k: v for k, v in {**GOOD, **fields}.items() if v is not None}
    code, _, err = _check(_workspace(tmp_path, key))
    assert (code, err) == (0, "")
