"""Pickles a stranger could drop into the state or results folder: each, if loaded by
``pickle``, would create ``marker`` (or change a class the whole run uses)."""

from __future__ import annotations

import os
import pickle
import subprocess
from pathlib import Path
from typing import Any

from sheets_sync.sync.outcome import Outcome


class _Reduce:
    def __init__(self, *reduced: Any) -> None:
        self.reduced = reduced

    def __reduce__(self) -> tuple[Any, ...]:
        return self.reduced


def payloads(marker: Path) -> dict[str, bytes]:
    """Name -> pickle bytes, with the name the refusal gives in its message."""
    touch = f"touch {marker}"
    outcome = b"\x8c\x18sheets_sync.sync.outcome\x94\x8c\x07Outcome\x94\x93\x94"
    return {
        "posix.system": pickle.dumps(_Reduce(os.system, (touch,))),
        "builtins.eval": pickle.dumps(_Reduce(eval, (f"__import__('os').system({touch!r})",))),
        "subprocess.Popen": pickle.dumps(_Reduce(subprocess.Popen, (["touch", str(marker)],))),
        # protocol 0, Python 2 names: pickle maps __builtin__ to builtins; we never do
        "__builtin__.eval": (
            f"c__builtin__\neval\n(V__import__('os').system({touch!r})\ntR.".encode()
        ),
        # getattr, and a dotted name (pickle would walk the attributes of an allowed class)
        "builtins.getattr": b"\x80\x04\x8c\x08builtins\x8c\x07getattr\x93\x94.",
        "sheets_sync.sync.outcome.Outcome.__init_subclass__": (
            b"\x80\x04\x8c\x18sheets_sync.sync.outcome\x8c\x19Outcome.__init_subclass__\x93."
        ),
        # allowed names, hostile state: BUILD on the class, then on a shared enum member
        "changes sheets_sync.sync.outcome.Outcome": (
            b"\x80\x04" + outcome + b"N}\x94\x8c\x06status\x94\x8c\x02ok\x94s\x86\x94b."
        ),
        "changes sheets_sync.sync.outcome.Outcome ": pickle.dumps(
            _Reduce(Outcome, ("failed",), {"_value_": "ok"})
        ),
    }


def assert_untouched(marker: Path) -> None:
    assert not marker.exists()
    assert Outcome.FAILED.status == "failed" and Outcome("failed") is Outcome.FAILED
