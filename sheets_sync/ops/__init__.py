"""Operations building blocks around the nightly sync: history, notifications, shards.

Library code only; the CLI and the engine wire them in. See ``docs/operations.md``.
"""

from __future__ import annotations

from sheets_sync.ops.history import HistoryStore, default_history_path
from sheets_sync.ops.notify import notification, send, turned_off_track
from sheets_sync.ops.shard import load_results, parse_shard, save_results, select, shard_of

__all__ = [
    "HistoryStore",
    "default_history_path",
    "load_results",
    "notification",
    "parse_shard",
    "save_results",
    "select",
    "send",
    "shard_of",
    "turned_off_track",
]
