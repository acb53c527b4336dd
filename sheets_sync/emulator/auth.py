"""OAuth token endpoint: accepts the RS256 JWT bearer grant google-auth sends for service
accounts and issues opaque access tokens the other endpoints require."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from sheets_sync.emulator.state import Grant, Store

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class TokenError(Exception):
    """An OAuth error; the body follows RFC 6749 as Google's token endpoint does."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.body = {"error": error, "error_description": description}


def _b64json(segment: str) -> dict[str, Any]:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, json.JSONDecodeError) as exc:
        raise TokenError("invalid_grant", "Invalid JWT: cannot decode.") from exc
    if not isinstance(data, dict):
        raise TokenError("invalid_grant", "Invalid JWT: not an object.")
    return data


def decode_assertion(assertion: str) -> dict[str, Any]:
    """Check structure and claims; the signature itself is not verified (no key registry)."""
    parts = assertion.split(".")
    if len(parts) != 3 or not parts[2]:
        raise TokenError("invalid_grant", "Invalid JWT: Token must be a short-lived token.")
    header, claims = _b64json(parts[0]), _b64json(parts[1])
    if header.get("alg") != "RS256":
        raise TokenError("invalid_grant", "Invalid JWT Signature.")
    for claim in ("iss", "aud", "exp", "iat"):
        if claim not in claims:
            raise TokenError("invalid_grant", f"Invalid JWT: missing claim {claim}.")
    if "scope" not in claims and "target_audience" not in claims:
        raise TokenError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
    if float(claims["exp"]) < time.time():
        raise TokenError(
            "invalid_grant",
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
            "timeframe.",
        )
    return claims


def issue_token(store: Store, raw_body: bytes, lifetime: int = 3600) -> dict[str, Any]:
    """A new opaque token for the assertion's ``iss``, holding the scopes its ``scope``
    claim asks for (space-separated, as google-auth sends them) for ``lifetime`` seconds."""
    form = parse_qs(raw_body.decode("utf-8"))
    if form.get("grant_type", [""])[0] != JWT_GRANT:
        raise TokenError(
            "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", [""])[0]
        )
    claims = decode_assertion(form.get("assertion", [""])[0])
    token = "ya29.emu-" + secrets.token_urlsafe(24)
    scopes = frozenset(str(claims.get("scope", "")).split())
    with store.lock:
        store.tokens[token] = str(claims["iss"])
        store.grants[token] = Grant(scopes, time.time() + lifetime)
    return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}
