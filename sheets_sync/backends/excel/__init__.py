"""Local Excel workbooks (.xlsx/.xlsm): read with calamine, write by surgical patching.

The write path never re-saves a workbook through a library that models only part of the
format: it patches the owned cells' XML inside the zip, leaves every other part and byte
alone, and replaces the file atomically after checking it did not change since it was
read. See ``docs/write-safety.md``.
"""

from sheets_sync.backends.excel.backend import ExcelBackend
from sheets_sync.backends.excel.files import atomic_replace, fingerprint
from sheets_sync.backends.excel.lockfiles import is_lock_file, lock_holder
from sheets_sync.backends.excel.patch import patch_xlsx

__all__ = [
    "ExcelBackend",
    "atomic_replace",
    "fingerprint",
    "is_lock_file",
    "lock_holder",
    "patch_xlsx",
]
