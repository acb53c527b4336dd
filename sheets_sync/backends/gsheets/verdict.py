"""A run's verdict on its Google credentials, shared by every team's thread.

Without it, a refused key (``invalid_grant``: a deleted key or service account) was asked
for a token again by each Google team, and a token endpoint that was down made each team
wait out its whole retry budget in turn: N teams, N identical errors and N budgets. Once
Google has refused the credentials, or one team's whole budget went to an unavailable
token endpoint, the run's other Google teams fail at once, each with a short line, and
the reason is logged once. The verdict lives as long as the client: one run
(``factory.start_run`` forgets the clients of earlier runs in a process).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sheets_sync.errors import RemoteError, RetryExhaustedError
from sheets_sync.loggers import get_logger

log = get_logger("sheets_sync.gsheets")
_OAUTH_CODE = re.compile(r"^([a-z_]+):")  # google-auth: "invalid_grant: Invalid JWT ..."


@dataclass(frozen=True)
class _Failed:
    kind: type[RemoteError]
    text: str
    status: int | None = None


class TokenVerdict:
    """Thread-safe; the first verdict wins and is logged, once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failed: _Failed | None = None

    def check(self, source: str) -> None:
        """Raise the verdict for ``source``'s team, when there is one: no token is asked."""
        failed = self._failed
        if failed is not None:
            raise failed.kind(failed.text, source=source, status=failed.status)

    def _decide(self, failed: _Failed) -> bool:
        with self._lock:
            if self._failed is not None:
                return False
            self._failed = failed
            return True

    def refused(self, email: str, origin: str, reason: str, source: str) -> RemoteError:
        """Google said no to the key: this team's error says Google's reason; every later
        team gets the short form, without a token request."""
        match = _OAUTH_CODE.match(reason)
        code = match.group(1) if match else reason[:60]
        failed = _Failed(
            RemoteError, f"Google refused the credentials of {email} ({code}): not synced"
        )
        if not self._decide(failed):
            return failed.kind(failed.text, source=source)
        where = f" from {origin}" if origin else ""
        log.error(
            "Google refused the credentials of %s%s (%s): no Google team is synced in this "
            "run. The key or the service account was deleted or disabled, or this "
            "machine's clock is off: create a new key (docs/google-sheets.md)",
            email,
            where,
            reason[:200],
        )
        return RemoteError(
            f"Google refused the credentials of {email} ({reason[:200]})", source=source
        )

    def unavailable(self, where: str, last: RetryExhaustedError) -> None:
        """One team's whole retry budget went to an unavailable token endpoint: the other
        teams of the run do not wait out a budget each, they fail at once."""
        failed = _Failed(
            RetryExhaustedError,
            f"not synced: {where} was unavailable for a whole retry budget earlier in this "
            "run; will retry next run",
            last.status,
        )
        if self._decide(failed):
            log.error(
                "%s was unavailable for a whole retry budget (%s): the Google teams not "
                "synced yet are not tried again in this run",
                where,
                last.message,
            )
