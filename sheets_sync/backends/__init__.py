"""Backends: the only code that touches team files or the Google Sheets API."""

from sheets_sync.backends.base import Backend

__all__ = ["Backend"]
