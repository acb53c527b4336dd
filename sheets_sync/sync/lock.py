"""One run at a time per workspace.

An advisory ``flock`` on ``.sheets-sync/run.lock``: the kernel drops it when the holder
dies, so a lock left by a crashed run never blocks the next night. The file records the
holder's pid and start time for the message a second run prints.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path
from types import TracebackType

from sheets_sync.errors import RunLockedError


class RunLock:
    def __init__(self, state_dir: Path, shard: tuple[int, int] | None = None) -> None:
        # shards of one run may share a workspace folder; each holds its own lock
        name = f"run-shard-{shard[0]}-of-{shard[1]}.lock" if shard else "run.lock"
        self.path = state_dir / name
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise RunLockedError(
                f"another sheets-sync run holds the workspace lock "
                f"({holder}); try again when it has finished",
                source=str(self.path),
            ) from None
        os.ftruncate(fd, 0)
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} since {started}".encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
