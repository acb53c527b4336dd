"""Local, stateful emulator of the Google Sheets API v4 (plus OAuth token and a few Drive v3
endpoints) so tests and benchmarks never reach Google."""

from sheets_sync.emulator.faults import Faults, RequestLog
from sheets_sync.emulator.server import Emulator, run_emulator

__all__ = ["Emulator", "Faults", "RequestLog", "run_emulator"]
