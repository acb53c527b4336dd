"""One exception hierarchy for everything sheets-sync reports to a user.

Bad input is never a traceback: every problem a user can cause or fix is one of these,
and the CLI maps each class to a message and an exit code in one place (``cli_support.SyncGroup``)::

    SheetsSyncError                   base; str(e) is the user-facing message (exit 1)
    ├── ConfigError                   the workspace YAML is invalid (exit 2); .problems lists all
    │   └── MappingError             a mapping file is invalid (exit 2)
    ├── RunLockedError                another run holds the workspace lock (exit 3)
    ├── HistoryError                  the run history is newer, locked or unreadable (exit 2)
    ├── ScratchFileError              the run's scratch file was changed by something else
    └── SourceError                   one team's source failed; the run goes on (exit 1 at the end)
        ├── WorkbookError             the file is not a readable workbook
        │   ├── EncryptedWorkbookError   password-protected (OLE2 container)
        │   ├── WorkbookTooLargeError    inflates past the configured limit
        │   │   └── WorkbookOutOfMemoryError   the machine's memory ran out reading it
        │   └── UnsafeWorkbookError      entity expansion, DTDs, path tricks
        ├── LayoutError               a required tab or column is missing
        ├── ConflictError             the file changed while we worked; retried next run
        ├── FileLockedError           open in Excel/LibreOffice (lock file beside it), read-only
        └── RemoteError               Google Sheets said no
            ├── NotFoundError            404: missing, or not shared with the service account
            ├── PermissionDeniedError    403: not shared with the service account
            │   └── ServiceDisabledError    403: the API is not enabled in the key's project
            ├── RetryExhaustedError      429/5xx/timeouts past the retry budget
            └── CredentialsError         no usable service-account key: no Google team syncs

Context travels as keyword arguments (``source``, ``tab``, ``cell``) so the message can
name the exact place: ``sales.xlsx!OKRs!J7: target equals start value (100)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sheets_sync.domain.celltext import one_line


def format_location(source: str | None, tab: str | None = None, cell: str | None = None) -> str:
    """``sales.xlsx!OKRs!J7`` style address; missing parts are left out."""
    return "!".join(part for part in (source, tab, cell) if part)


class SheetsSyncError(Exception):
    """Base of every error sheets-sync raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.tab = tab
        self.cell = cell

    @property
    def location(self) -> str:
        return format_location(self.source, self.tab, self.cell)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by its state, not by calling ``__init__`` again with ``args`` (what a
        process pool does with an error its worker raised): a class whose ``__init__``
        needs keyword arguments (``ServiceDisabledError``) failed to unpickle."""
        return _restored, (type(self), self.args, self.__dict__)


def _restored(cls: type[SheetsSyncError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigError(SheetsSyncError):
    """The workspace configuration is invalid; ``problems`` holds every one found, each
    one line with its control characters shown as escapes (``celltext.one_line``): a value,
    key or file name quoted from the file carried them raw into ``--log-format json``,
    ``validate --json`` and the library's callers (until 2026-12-06)."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        problems: Sequence[str] = (),
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(one_line(message), source=source, tab=tab, cell=cell)
        self.problems = [one_line(p) for p in problems]

    def __str__(self) -> str:
        if not self.problems:
            return super().__str__()
        return "\n".join(self.problems)


class MappingError(ConfigError):
    """A mapping file is invalid."""


class RunLockedError(SheetsSyncError):
    """Another sheets-sync run holds the workspace lock."""

    exit_code = 3


class SourceError(SheetsSyncError):
    """One team's source could not be read or written; other teams go on."""


class WorkbookError(SourceError):
    """The file is not a workbook we can read."""


class EncryptedWorkbookError(WorkbookError):
    """Password-protected workbook."""


class WorkbookTooLargeError(WorkbookError):
    """The workbook inflates past the configured size limit."""


class WorkbookOutOfMemoryError(WorkbookTooLargeError):
    """Memory ran out reading the workbook (inflating its parts, scanning or parsing
    them): the machine's memory, not the file's size limit, may be at fault (other reads
    at once), so the next run tries it again. A team's read fails that team; last night's
    company workbook read back for the teams that failed fails the night's rollup (not
    published without their rows, ``rollup/previous.py``). Until 2026-12-07 it was a
    ``WorkbookTooLargeError`` like any other, and that read-back logged it as an
    unreadable workbook and published the rollup without the failed teams' rows."""


class UnsafeWorkbookError(WorkbookError):
    """The workbook's XML or zip layout is an attack or unsafe to parse."""


class LayoutError(SourceError):
    """A required tab or column is missing from the team's layout."""


class ConflictError(SourceError):
    """The file changed between read and write; it was not overwritten."""


class FileLockedError(SourceError):
    """The file is open in a spreadsheet application, or read-only; it was not written."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        holder: str | None = None,
        lock_days: int | None = None,
        lock_paths: tuple[str, ...] = (),
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message, source=source, tab=tab, cell=cell)
        self.holder = holder
        #: whole days the refusing lock file is old, as its message says (None: no lock),
        #: and the lock files it names (paths as text: this module does no I/O, not even
        #: pathlib): the stale-lock advice is built from these, not from a second look
        #: that could find another opening
        self.lock_days = lock_days
        self.lock_paths = lock_paths


class RemoteError(SourceError):
    """The Google Sheets API refused a request."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        status: int | None = None,
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message, source=source, tab=tab, cell=cell)
        self.status = status
        #: an earlier attempt of the same write went out and lost its answer (set by the
        #: retry loop): Google may have applied the write this error refused
        self.maybe_applied = False


class NotFoundError(RemoteError):
    """404 from Google: missing, or not shared with the service account."""


class PermissionDeniedError(RemoteError):
    """403 from Google: not shared with the service account."""


class ServiceDisabledError(PermissionDeniedError):
    """403 ``SERVICE_DISABLED`` / ``accessNotConfigured``: the API (Sheets or Drive) is not
    enabled in the service account's Cloud project; ``activation_url`` is where to enable it."""

    def __init__(
        self,
        message: str,
        *,
        service_title: str,
        activation_url: str,
        source: str | None = None,
        status: int | None = None,
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message, source=source, status=status, tab=tab, cell=cell)
        self.service_title = service_title
        self.activation_url = activation_url


class RetryExhaustedError(RemoteError):
    """Quota or server errors outlasted the retry budget."""


class CredentialsError(RemoteError):
    """The Google credentials cannot be used (no key, an unreadable one, not a
    service-account key): every Google team of the run fails for the same reason, so
    ``short`` is what each team's line says, the message once for the whole run.
    ``problem`` is what is wrong with the key file itself (``file not found``, ``is not
    JSON (...)``), without its path: ``config check`` names the file its own way."""

    def __init__(
        self,
        message: str,
        *,
        short: str | None = None,
        problem: str | None = None,
        source: str | None = None,
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(message, source=source, tab=tab, cell=cell)
        self.short = short or message
        self.problem = problem or self.short


class ScratchFileError(SheetsSyncError):
    """A pickle in the run's scratch file (``.sheets-sync/spill/``) is not one sheets-sync
    wrote (``sheets_sync.unpickle`` refused it): something else wrote to the state folder
    while the run lasted. A team's read fails that team; a team's result or rollup rows
    keep the company workbook from being published (exit 1)."""

    def __init__(
        self,
        why: str,
        *,
        source: str | None = None,
        tab: str | None = None,
        cell: str | None = None,
    ) -> None:
        super().__init__(
            "the run's scratch file (.sheets-sync/spill/) was changed by something else "
            f"during the run ({why}); check who can write to the state folder",
            source=source,
            tab=tab,
            cell=cell,
        )


class HistoryError(SheetsSyncError):
    """The run history (``.sheets-sync/history.sqlite``) was written by a newer sheets-sync,
    or could not be read, or changed, while the company workbook's History tab was written
    from it (the workbook is then not published).

    A damaged history is otherwise not an error: it is set aside and a new one started
    (``ops/history.py``), since the history never decides what a team's sheet shows."""

    exit_code = 2


class Interrupted(KeyboardInterrupt):
    """A stop signal ended the command: Ctrl-C (SIGINT), SIGTERM (systemd stop, an
    Airflow task killed), SIGHUP (the terminal closed). Raised in the main thread by the
    CLI's handlers (``cli_support.stop_on_signals``). Not a ``SheetsSyncError``, nor an
    ``Exception`` at all: no ``except Exception`` may turn it into one failed team and go
    on. ``done`` says how far the run got, for the one line the CLI prints; a stopped
    ``run_sync`` also leaves ``runs``, the ``TeamRun`` of each team that finished (the
    CLI prints their lines as a night's), and ``not_synced``, the names of the others."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.done = ""
        self.runs: tuple[Any, ...] = ()  # ``TeamRun``s: errors.py imports no sync module
        self.not_synced: tuple[str, ...] = ()
