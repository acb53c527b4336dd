"""sheets-sync: keep a company's OKRs and KPIs in the spreadsheets its people already use.

The library's public API is ``__all__``: a call per CLI command (``run_sync`` is ``sync``,
``validate_workspace`` is ``validate``...), the types they take and return, and the
errors they raise (docs/library.md). Everything else is internal, ``Sync`` (the engine)
above all: it takes no workspace lock, which ``run_sync`` and ``rebuild_rollup`` do.

Each name is imported on first use (``__getattr__``): ``import sheets_sync`` stays cheap,
and a program that only validates never loads the rollup's pandas.

Importing it has no side effect on the process: the variables that keep numpy's and
pyarrow's native threads from starting are set only while sheets-sync imports them
(``native_threads.py``), not in the importing program's environment.
"""

from __future__ import annotations

#: ``typing`` costs the bare import more than the rest of it (mypy takes the name as true);
#: deleted at the end, as it is no name of the API
TYPE_CHECKING = False

#: The one place the version is written (pyproject.toml reads it from here). A literal, not
#: ``importlib.metadata``: that lookup costs ~60 ms of every command's start.
__version__ = "0.1.0"

if TYPE_CHECKING:
    from sheets_sync.config import check_config, load_workspace
    from sheets_sync.domain.models import Finding, Severity, TeamResult
    from sheets_sync.errors import (
        ConfigError,
        ConflictError,
        CredentialsError,
        EncryptedWorkbookError,
        FileLockedError,
        HistoryError,
        Interrupted,
        LayoutError,
        MappingError,
        NotFoundError,
        PermissionDeniedError,
        RemoteError,
        RetryExhaustedError,
        RunLockedError,
        ScratchFileError,
        ServiceDisabledError,
        SheetsSyncError,
        SourceError,
        UnsafeWorkbookError,
        WorkbookError,
        WorkbookOutOfMemoryError,
        WorkbookTooLargeError,
    )
    from sheets_sync.sync.options import SyncOptions
    from sheets_sync.sync.outcome import CellChange, Outcome, TeamError, TeamRun
    from sheets_sync.sync.result import SyncResult
    from sheets_sync.sync.run import (
        export_workspace,
        merge_shards,
        rebuild_rollup,
        run_sync,
        validate_workspace,
    )
    from sheets_sync.template.xlsx import write_template
    from sheets_sync.workspace.demo import create_demo
    from sheets_sync.workspace.init import init_workspace
    from sheets_sync.workspace_spec import Workspace

#: public name -> the module that defines it
_HOMES = {
    **dict.fromkeys(("check_config", "load_workspace"), "sheets_sync.config"),
    "Workspace": "sheets_sync.workspace_spec",
    **dict.fromkeys(
        ("run_sync", "validate_workspace", "rebuild_rollup", "merge_shards", "export_workspace"),
        "sheets_sync.sync.run",
    ),
    "init_workspace": "sheets_sync.workspace.init",
    "create_demo": "sheets_sync.workspace.demo",
    "write_template": "sheets_sync.template.xlsx",
    "SyncOptions": "sheets_sync.sync.options",
    "SyncResult": "sheets_sync.sync.result",
    **dict.fromkeys(("TeamRun", "TeamError", "Outcome", "CellChange"), "sheets_sync.sync.outcome"),
    **dict.fromkeys(("Finding", "Severity", "TeamResult"), "sheets_sync.domain.models"),
    #: every class of the errors module: each is public (docs/library.md)
    **dict.fromkeys(
        (
            "ConfigError",
            "ConflictError",
            "CredentialsError",
            "EncryptedWorkbookError",
            "FileLockedError",
            "HistoryError",
            "Interrupted",
            "LayoutError",
            "MappingError",
            "NotFoundError",
            "PermissionDeniedError",
            "RemoteError",
            "RetryExhaustedError",
            "RunLockedError",
            "ScratchFileError",
            "ServiceDisabledError",
            "SheetsSyncError",
            "SourceError",
            "UnsafeWorkbookError",
            "WorkbookError",
            "WorkbookOutOfMemoryError",
            "WorkbookTooLargeError",
        ),
        "sheets_sync.errors",
    ),
}

__all__ = [
    "CellChange",
    "ConfigError",
    "ConflictError",
    "CredentialsError",
    "EncryptedWorkbookError",
    "FileLockedError",
    "Finding",
    "HistoryError",
    "Interrupted",
    "LayoutError",
    "MappingError",
    "NotFoundError",
    "Outcome",
    "PermissionDeniedError",
    "RemoteError",
    "RetryExhaustedError",
    "RunLockedError",
    "ScratchFileError",
    "ServiceDisabledError",
    "Severity",
    "SheetsSyncError",
    "SourceError",
    "SyncOptions",
    "SyncResult",
    "TeamError",
    "TeamResult",
    "TeamRun",
    "UnsafeWorkbookError",
    "WorkbookError",
    "WorkbookOutOfMemoryError",
    "WorkbookTooLargeError",
    "Workspace",
    "__version__",
    "check_config",
    "create_demo",
    "export_workspace",
    "init_workspace",
    "load_workspace",
    "merge_shards",
    "rebuild_rollup",
    "run_sync",
    "validate_workspace",
    "write_template",
]


if not TYPE_CHECKING:  # a module ``__getattr__`` a type checker saw would pass any name

    def __getattr__(name: str) -> object:
        import importlib  # loaded at start-up by `site` already: no cost to the bare import

        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'sheets_sync' has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        globals()[name] = value  # the next lookup is a plain one
        return value


def __dir__() -> list[str]:
    """The API and the module's dunders: not ``annotations`` or ``_HOMES``, which a
    completion list would offer as if they were part of it."""
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


del TYPE_CHECKING
