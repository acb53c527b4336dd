"""sheets-sync: keep a company's OKRs and KPIs in the spreadsheets its people already use."""

import os

#: The one place the version is written (pyproject.toml reads it from here). A literal, not
#: ``importlib.metadata``: that lookup costs ~60 ms of every command's start.
__version__ = "0.1.0"

__all__ = ["__version__"]

# pyarrow's bundled jemalloc starts a background thread when pyarrow is imported (pandas
# imports it too), and the night imports them before it forks its writers (sync/engine.py,
# ``_import_rollup``): Python 3.12+ then warns that a multi-threaded process forks. The
# tool's Arrow memory is the C library's (``rollup/__init__.py``), so that thread has
# nothing to do; a value set by the user is kept. It is set here, on the package's import,
# because it only counts before pyarrow's first import; a process that imported pyarrow
# first keeps the thread. Child processes (``--notify-cmd``, LibreOffice) inherit the
# variable, which only Arrow's jemalloc reads.
os.environ.setdefault("JE_ARROW_MALLOC_CONF", "background_thread:false")
# numpy (pandas imports it) starts OpenBLAS's thread pool on import, a thread per further
# CPU, idle at every fork of the writers for the same reason; the tool does no linear
# algebra, so one BLAS thread is all it needs. Same rules: a value set by the user is kept,
# and child processes inherit it (a ``--notify-cmd`` using numpy computes on one thread).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
