"""A folder the user cannot write in, as root too (tests of ``regular_file.in_the_way``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def read_only(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """``folder`` made 0555; as root, whom ``access`` lets write anywhere, ``os.access``
    says no for it instead (the check is what is tested, not the kernel)."""
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real = os.access

        def no(path: object, mode: int, **kwargs: object) -> bool:
            if Path(os.fsdecode(path)) == folder and mode & os.W_OK:  # type: ignore[arg-type]
                return False
            return real(path, mode, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", no)
