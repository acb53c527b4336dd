"""The LibreOffice tests' helpers (``tests/support/libreoffice.py``) skip a test whose
program is missing, or fail it on CI (``CI=true``): ``soffice`` and poppler's
``pdftoppm`` alike (until a review on 2026-12-07 a missing ``pdftoppm`` beside an
installed ``soffice`` failed the render test with a ``FileNotFoundError``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import libreoffice
from tests.support.scripts import HANG

ROOT = Path(__file__).resolve().parents[1]
RENDER = (
    "tests/backends/excel/test_patch_corpus.py::test_libreoffice_opens_and_renders_status_colours"
)


def _without(program: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``shutil.which`` finds every program but ``program``."""
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == program else which(name))


def _a_test() -> Callable[[], None]:
    """A test function to decorate, new each time (a mark sticks to its function)."""

    def test() -> None: ...

    return test


def _marks(fn: object) -> list[str]:
    return [m.name for m in getattr(fn, "pytestmark", [])]


@pytest.mark.slow
@pytest.mark.parametrize("ci", [False, True], ids=["local", "ci"])
def test_render_test_skips_with_soffice_but_no_pdftoppm(
    ci: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test that renders a page with pdftoppm, run where ``soffice`` is on the PATH
    and ``pdftoppm`` is not: skipped, naming pdftoppm, before LibreOffice is started (the
    ``soffice`` here fails if it is); with ``CI=true`` failed, naming pdftoppm, before
    LibreOffice is started too (until a review on 2026-12-07 ``team_lo``'s conversion
    came first, and the test failed on the soffice here). The child pytest takes none of this run's
    ``PYTEST_ADDOPTS`` or ``PYTEST_PLUGINS`` (until a review on 2026-12-07 it did, and a
    run with ``PYTEST_ADDOPTS="-m 'not libreoffice'"`` deselected the test: exit 5)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-m 'not libreoffice'")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text("#!/bin/sh\necho 'soffice was started' >&2\nexit 1\n")
    fake.chmod(0o755)
    unset = {"CI", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["PATH"] = str(bin_dir)
    if ci:
        env["CI"] = "true"
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", RENDER]
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG, check=False
    )
    out = proc.stdout + proc.stderr
    if ci:
        assert proc.returncode == 1, out
        assert "1 error" in out, out
        assert "pdftoppm (poppler-utils) is required on CI but not installed" in out, out
    else:
        assert proc.returncode == 0, out
        assert "1 skipped" in out, out
        assert "pdftoppm (poppler-utils) is not installed" in out, out
    assert "soffice was started" not in out, out


def test_missing_pdftoppm_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    _without("pdftoppm", monkeypatch)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"pdftoppm \(poppler-utils\) is not"):
        libreoffice.require_pdftoppm()
    assert _marks(libreoffice.needs_pdftoppm(_a_test())) == ["skip"]


@pytest.mark.parametrize(
    ("program", "require"),
    [("pdftoppm", libreoffice.require_pdftoppm), ("soffice", libreoffice.require_soffice)],
)
def test_missing_program_fails_on_ci(
    program: str, require: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(program, monkeypatch)
    monkeypatch.setenv("CI", "true")
    assert callable(require)
    with pytest.raises(pytest.fail.Exception, match=f"{program} .* is required on CI"):
        require()

    assert _marks(libreoffice.needs_pdftoppm(_a_test())) == []
    assert _marks(libreoffice.needs_libreoffice(_a_test())) == ["libreoffice"]
