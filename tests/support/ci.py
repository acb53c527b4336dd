"""Whether this run is CI's (``CI=true``, which ``.ci/run`` exports): there a test whose
program or shared material is missing fails instead of skipping, so the proof cannot
silently disappear. One reading of the variable for every such test."""

from __future__ import annotations

import os


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
