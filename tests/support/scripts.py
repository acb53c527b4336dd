"""What the stop tests' scripts share. Each runs in a fresh interpreter (``python -c``)
in a session of its own, so a group signal reaches its processes only, from the
repository root, so it can import this module; it answers one JSON object on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: The bound on a child process (a script, a command) that only a hang reaches: a run of
#: a few seconds took over 60 s on a busy CI box (1 core shared by the suite's other
#: process and the box's load), and a timeout then failed a test that was only slow. Below
#: pytest's 300 s (pyproject.toml) for one wait, so a test that waits once says which
#: child hung; one that waits on several in turn sets a pytest timeout of its own.
HANG = 240.0


def run_script(
    code: str, *args: str, timeout: float = HANG, clean: bool = True, last_line: bool = False
) -> dict[str, Any]:
    """The script's answer, once it exited 0. ``clean``: its stderr names no exception.
    ``last_line``: the answer is the last line (what the run printed comes before it)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
        start_new_session=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    if clean:
        assert "Traceback" not in done.stderr and "Exception" not in done.stderr, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1] if last_line else done.stdout))


def main_asleep() -> None:
    """Return once the main thread is seen asleep in a wait: its frame and the place in
    it unchanged over 0.1 s. A signal sent then lands in the wait under test."""
    main = threading.main_thread().ident
    assert main is not None
    while True:
        frame = sys._current_frames()[main]
        place = frame.f_lasti
        time.sleep(0.1)
        if sys._current_frames()[main] is frame and frame.f_lasti == place:
            return
