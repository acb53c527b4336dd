"""What the fields of a service-account key must hold before sync sends anything with them.

google-auth trusts the key file: it signs a JWT (``iss`` = ``client_email``, ``kid`` =
``private_key_id``) and posts it to whatever ``token_uri`` says. A ``token_uri`` of ``5``
or ``file:///etc/passwd`` failed only at the exchange, as "unreachable (network)"; an
``http://`` or a non-Google host was sent the signed assertion, which Google exchanges for
an access token for about an hour: a leaked sign-in. So the key is judged here, for
``config check`` and sync alike, before any request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
#: hosts a token exchange may use over plain http: the emulator's (and a test's) own
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
#: Google's token hosts: ``oauth2.googleapis.com``, older keys' ``accounts.google.com``,
#: and Private Service Connect names under ``googleapis.com``
_GOOGLE_HOSTS = ("googleapis.com", "accounts.google.com")


def _shown(value: Any) -> str:
    """A field's value for a one-line message: repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _google_host(host: str, universe: Any) -> bool:
    domains = [*_GOOGLE_HOSTS]
    if isinstance(universe, str) and "." in universe.strip("."):
        domains.append(universe.strip(".").lower())  # a key for another Google universe
    return any(host == d or host.endswith("." + d) for d in domains)


def token_uri_problem(uri: Any, universe: Any = None) -> str | None:
    """Why ``uri`` is no token endpoint to send a signed assertion to, or None: an https URL
    of a Google host, or http(s) to this machine (the emulator's keys)."""
    if not isinstance(uri, str):
        return f"token_uri is {_kind(uri)} ({_shown(uri)}), not a URL"
    if any(c in "\\@" or c.isspace() or not c.isprintable() for c in uri):
        # urlsplit and urllib3 (what the exchange is sent with) disagree on where the host
        # of "https://evil.example\\@oauth2.googleapis.com/" ends; no token URL has these
        return (
            f"token_uri {_shown(uri)} is not a plain URL (a backslash, @, space or control "
            "character hides which host it names)"
        )
    try:
        parts = urlsplit(uri)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError for a port that is no number)
        sent_to = (parse_url(uri).host or "").lower().strip("[]")
    except (ValueError, LocationParseError):
        return f"token_uri {_shown(uri)} is not a URL"
    if parts.scheme not in ("http", "https") or not host:
        return f"token_uri {_shown(uri)} is not an https URL (Google's is {GOOGLE_TOKEN_URI})"
    if sent_to != host:  # one more parser difference: judge only a host both agree on
        return f"token_uri {_shown(uri)} is not a plain URL (its host is {sent_to or host!r})"
    if host in LOOPBACK:
        return None
    if parts.scheme != "https":
        return (
            f"token_uri {_shown(uri)} is not https (plain http only to 127.0.0.1): the signed "
            f"sign-in would travel in clear (Google's is {GOOGLE_TOKEN_URI})"
        )
    if not _google_host(host, universe):
        return (
            f"token_uri {_shown(uri)} is not a Google host: the signed sign-in would go to "
            f"{host} (Google's is {GOOGLE_TOKEN_URI})"
        )
    return None


def client_email_problem(email: Any) -> str | None:
    """Why ``email`` cannot name a service account (the JWT's issuer), or None."""
    if not isinstance(email, str):
        return f"client_email is {_kind(email)} ({_shown(email)}), not an email address"
    local, _, domain = email.partition("@")
    if not local or "." not in domain or "@" in domain or any(c.isspace() for c in email):
        return (
            f"client_email {_shown(email)} is not an email address "
            "(a service account's is NAME@PROJECT.iam.gserviceaccount.com)"
        )
    return None


def field_problem(info: dict[str, Any]) -> str | None:
    """The first field google-auth would send unjudged that cannot be right, or None. Only
    fields that are there: a missing one is the caller's ``missing ...`` line."""
    if (found := client_email_problem(info["client_email"])) is not None:
        return found
    kid = info.get("private_key_id")
    if kid is not None and not isinstance(kid, str):
        return f"private_key_id is {_kind(kid)} ({_shown(kid)}), not the key's id (a string)"
    return token_uri_problem(info["token_uri"], info.get("universe_domain"))
