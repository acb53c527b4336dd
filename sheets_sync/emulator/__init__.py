"""Local, stateful emulator of the Google Sheets API v4 (plus OAuth token and a few Drive v3
endpoints) so tests and benchmarks never reach Google.

The names below load on first use: the CLI registers ``sheets-sync emulator`` on every
start, and the server pulls in gspread and google-auth (~0.25 s) that ``sync`` on Excel
files never needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sheets_sync.emulator.faults import Faults, RequestLog
    from sheets_sync.emulator.server import Emulator, run_emulator

__all__ = ["Emulator", "Faults", "RequestLog", "run_emulator"]
_HOMES = {
    "Faults": "faults",
    "RequestLog": "faults",
    "Emulator": "server",
    "run_emulator": "server",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
