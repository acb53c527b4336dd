"""The package's loggers, each under ``sheets_sync``, which holds a ``logging.NullHandler``:
a library caller who configures no logging gets none of the tool's records on stderr
(the logging HOWTO's advice to libraries). Without one, logging's ``lastResort`` printed
every WARNING to stderr as a bare message (until 2026-12-07). The command line puts its
own handler in the NullHandler's place (``cli_support.setup_logging``), so what it prints
is as it was. Added on the first import of a module that logs, not by ``import
sheets_sync``, which stays that one module."""

from __future__ import annotations

import logging

PACKAGE = "sheets_sync"

_package = logging.getLogger(PACKAGE)
if not any(isinstance(h, logging.NullHandler) for h in _package.handlers):
    _package.addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` of a name under ``sheets_sync``, the package's
    NullHandler in place before any record is made."""
    return logging.getLogger(name)
