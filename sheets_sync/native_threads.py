"""Native threads that numpy and pyarrow would start on import, kept from starting.

The night forks its writers after it has imported pandas (``sync/engine.py``,
``rollup_step.import_libraries``), and a thread running at a fork is copied into the
child with none of its state: numpy's OpenBLAS starts a thread pool on import (a thread
per further CPU), and pyarrow's bundled jemalloc a background thread. Neither has work
here (the tool does no linear algebra, and its Arrow memory is the C library's:
``rollup/__init__.py``), and Python 3.12+ warned of them at every fork. Each library
reads its variable once, as it is loaded, so it has to be set before that first import,
wherever it happens.

Until 2026-12-05 ``import sheets_sync`` set both in ``os.environ`` for good: a program
that imported the library kept them in its environment, its own numpy afterwards ran
single-threaded, and every process it started inherited them. Now they are set only for
the imports sheets-sync makes itself (``import_quietly``), and put back as they were;
the command line, which owns its process, keeps them for the whole process
(``for_this_process``), so a ``--notify-cmd`` inherits them as before.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading

#: each variable, and the value that keeps its library's thread from starting
QUIET = {
    "OPENBLAS_NUM_THREADS": "1",  # numpy's OpenBLAS: one thread, the caller's
    "JE_ARROW_MALLOC_CONF": "background_thread:false",  # pyarrow's bundled jemalloc
}
#: what sheets-sync imports that loads them (pandas imports both, openpyxl numpy)
NATIVE = ("numpy", "pyarrow")
_lock = threading.Lock()  # two threads' imports must not put back each other's values


def import_quietly(*names: str) -> None:
    """Import ``names`` (default: numpy and pyarrow) with ``QUIET`` set, each variable
    unless it is set already (a value the user set is kept), and the environment put back
    as it was after. A library imported earlier, by anyone, is left as it was loaded."""
    wanted = [name for name in names or NATIVE if name not in sys.modules]
    if not wanted:
        return
    with _lock:
        added = [key for key in QUIET if key not in os.environ]
        for key in added:
            os.environ[key] = QUIET[key]
        try:
            for name in wanted:
                with contextlib.suppress(ImportError):  # numpy is optional for openpyxl
                    importlib.import_module(name)
        finally:
            for key in added:
                if os.environ.get(key) == QUIET[key]:
                    del os.environ[key]


def for_this_process() -> None:
    """``QUIET`` for the whole process and the processes it starts, each variable unless
    it is set already: the command line's, whose process is the tool's own."""
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)
