"""sheets-sync: keep a company's OKRs and KPIs in the spreadsheets its people already use.

Importing it has no side effect on the process: the variables that keep numpy's and
pyarrow's native threads from starting are set only while sheets-sync imports them
(``native_threads.py``), not in the importing program's environment.
"""

#: The one place the version is written (pyproject.toml reads it from here). A literal, not
#: ``importlib.metadata``: that lookup costs ~60 ms of every command's start.
__version__ = "0.1.0"

__all__ = ["__version__"]
