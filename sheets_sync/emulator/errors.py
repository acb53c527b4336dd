"""Google-shaped error bodies, so clients map failures exactly as they would in production."""

from __future__ import annotations

import json
from typing import Any

STATUS_NAMES: dict[int, str] = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}

NOT_FOUND_MESSAGE = "Requested entity was not found."
PERMISSION_MESSAGE = "The caller does not have permission"
MISSING_AUTH_MESSAGE = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
INVALID_AUTH_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, "
    "login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
QUOTA_MESSAGE = (
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
    "user' of service 'sheets.googleapis.com'."
)
# Google counts writes (batchUpdate, values update/append/clear, create) on their own quota
WRITE_QUOTA_MESSAGE = (
    "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per "
    "user' of service 'sheets.googleapis.com'."
)


class ApiError(Exception):
    """Raised anywhere in a handler; the server turns it into Google's JSON error body."""

    def __init__(
        self,
        code: int,
        message: str,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        drive_errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}
        self.drive_errors = drive_errors  # Drive v3 uses the legacy "errors" list, no status

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.drive_errors is not None:
            err["errors"] = self.drive_errors
            if not self.details:  # Drive's own errors; its front end's add status, details
                return {"error": err}
        err["status"] = STATUS_NAMES.get(self.code, "UNKNOWN")
        if self.details:
            err["details"] = self.details
        return {"error": err}


#: The largest request body Google's front end passes on; past it every API call answers
#: 400 before the Sheets API sees it. Not in the API's docs (they "recommend a 2 MB maximum
#: payload"), but reported word for word by users of batchUpdate and values.update alike
#: (jlolling/talendcomp_tGoogleSheet#1, SCRT-HQ/PSGSuite#62, googleworkspace/dotnet-samples#23).
MAX_PAYLOAD_BYTES = 10_485_760


def payload_too_large(limit: int) -> ApiError:
    """The front end's 400, in its shape: the legacy ``errors`` list beside ``status``."""
    message = f"Request payload size exceeds the limit: {limit} bytes."
    errors = [{"message": message, "domain": "global", "reason": "badRequest"}]
    return _FrontEndError(400, message, drive_errors=errors)


class _FrontEndError(ApiError):
    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        err["errors"] = self.drive_errors
        err["status"] = STATUS_NAMES[self.code]
        return {"error": err}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def invalid_field(field: str, value: Any, proto: str) -> ApiError:
    """Mimics the protobuf JSON-mapping failure Google reports for a wrongly typed field:
    the value as the body's JSON has it (``"x"``, ``true``, ``[1]``; until a review on
    2026-12-07 Python's words, ``True``, ``None``)."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    text = f"Invalid value at '{field}' ({proto}), {shown}"
    violation = {"field": field, "description": text}
    details = [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
    ]
    return ApiError(400, text, details=details)


class FieldError(ApiError):
    """A request's field of the wrong type (``invalid_field``'s 400) where its handler
    reads it: ``field`` is its path inside the request (``sheet_id``,
    ``range.sheet_id``), which ``batch_update`` puts after the request's own
    (``requests[2].delete_sheet.sheet_id``), as Google's JSON parse names it."""

    def __init__(self, field: str, value: Any, proto: str) -> None:
        said = invalid_field(field, value, proto)
        super().__init__(400, said.message, details=said.details)
        self.field, self.value, self.proto = field, value, proto


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_MESSAGE)


def permission_denied() -> ApiError:
    return ApiError(403, PERMISSION_MESSAGE)
