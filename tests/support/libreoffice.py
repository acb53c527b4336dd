"""Run LibreOffice headless from tests: one private profile per process, with a timeout.

Tests that need ``soffice`` use ``@needs_libreoffice`` (the ``libreoffice`` marker plus a
skip when it is missing). On CI (``CI=true``) a missing ``soffice`` fails instead of
skipping, so the proof cannot silently disappear. A test that also runs poppler's
``pdftoppm`` adds ``@needs_pdftoppm`` and runs the path ``require_pdftoppm()`` gives: the
same skip, and the same fail on CI.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tests.support.ci import on_ci
from tests.support.scripts import HANG

_F = TypeVar("_F", bound=Callable[..., object])
_LOCK = threading.Lock()


#: the programs these tests run, each with what installs it
SOFFICE = ("soffice", "LibreOffice")
PDFTOPPM = ("pdftoppm", "poppler-utils")


def soffice() -> str | None:
    return shutil.which(SOFFICE[0])


def _require(program: tuple[str, str]) -> str:
    """Path of the program; skip the test without it (fail on CI)."""
    name, package = program
    found = shutil.which(name)
    if found is None:
        if on_ci():
            pytest.fail(f"{name} ({package}) is required on CI but not installed")
        pytest.skip(f"{name} ({package}) is not installed")
    return found


def _skip_without(program: tuple[str, str], fn: _F) -> _F:
    """``fn`` skipped when the program is missing, outside CI (on CI it runs, and
    ``_require`` fails it)."""
    name, package = program
    if shutil.which(name) is None and not on_ci():
        skipped: _F = pytest.mark.skip(reason=f"{name} ({package}) is not installed")(fn)
        return skipped
    return fn


def require_soffice() -> str:
    """Path of soffice; skip the test without it (fail on CI)."""
    return _require(SOFFICE)


def require_pdftoppm() -> str:
    """Path of pdftoppm; skip the test without it (fail on CI)."""
    return _require(PDFTOPPM)


def needs_libreoffice(fn: _F) -> _F:
    """Marker + skip/fail logic for one test."""
    marked: _F = pytest.mark.libreoffice(fn)
    return _skip_without(SOFFICE, marked)


def needs_pdftoppm(fn: _F) -> _F:
    """Skip/fail logic for a test that renders a PDF with pdftoppm (beside
    ``@needs_libreoffice``, which makes the PDF)."""
    return _skip_without(PDFTOPPM, fn)


@functools.cache
def _profile() -> Path:
    """This process's profile: made on first use, removed when the process ends (each
    test run left one of ~0.5 MB in the temp folder)."""
    path = Path(tempfile.mkdtemp(prefix=f"lo-profile-{os.getpid()}-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


#: what LibreOffice writes on stderr when it crashes (its signal handler's report)
CRASHED = "Fatal exception: Signal"
#: the lines of a crash report kept in the warning: the signal and the top of its stack
CRASH_LINES = 12


class LibreOfficeCrashed(UserWarning):
    """LibreOffice crashed on a conversion and was run again (``convert_all``)."""


def _crash_note(srcs: list[Path], fmt: str, proc: subprocess.CompletedProcess[str]) -> str:
    """One line naming the files and the exit code, then the top of LibreOffice's report:
    enough to tell a recurring crash from a new one across CI logs."""
    report = proc.stderr[proc.stderr.index(CRASHED) :].splitlines()[:CRASH_LINES]
    names = ", ".join(src.name for src in srcs)
    head = f"soffice crashed converting {names} to {fmt} (exit {proc.returncode}); ran again"
    return "\n".join([head, *report])


#: How long the pipes of a killed LibreOffice run are read to their end: its group is
#: dead by then, so only a process that left the group could hold them open so long.
DRAIN = 10.0


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _run(
    cmd: list[str], timeout: float, srcs: list[Path], fmt: str
) -> subprocess.CompletedProcess[str]:
    """``cmd`` run to its end in a session of its own; past ``timeout`` its whole process
    group is killed and the test fails saying so.

    ``soffice`` is a script that execs ``oosplash``, which starts ``soffice.bin``: the
    timeout of ``subprocess.run`` killed ``oosplash`` only, and ``soffice.bin`` went on,
    holding the profile every later conversion of this process uses. SIGKILL to the
    group, as ``oosplash`` may hang after a SIGTERM. A run stopped otherwise (Ctrl-C,
    pytest-timeout) is killed so too: in its own session, no Ctrl-C reaches it."""
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            try:
                out, err = proc.communicate(timeout=DRAIN)
            except subprocess.TimeoutExpired:
                proc.wait()
                out, err = "", "(its pipes held open by a process outside its group)"
            names = ", ".join(src.name for src in srcs)
            pytest.fail(
                f"soffice ran past its {timeout:g} s timeout converting {names} to {fmt}; "
                f"its process group was killed. stdout:\n{out}\nstderr:\n{err}"
            )
        except BaseException:
            _kill_group(proc)
            proc.wait()
            raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(
    src: Path, fmt: str, outdir: Path, *, timeout: float = HANG, infilter: str | None = None
) -> Path:
    """``soffice --headless --convert-to fmt`` with a private profile; returns the output.

    ``fmt`` is e.g. ``"xlsx"``, ``"pdf"`` or ``'xlsx:"Calc MS Excel 2007 XML"'``;
    ``infilter`` the import filter with its options (a CSV's: ``"CSV:44,34,76,1,..."``,
    what the import dialog would be set to).
    """
    return convert_all([src], fmt, outdir, timeout=timeout, infilter=infilter)[0]


def convert_all(
    srcs: list[Path],
    fmt: str,
    outdir: Path,
    *,
    timeout: float = HANG,
    infilter: str | None = None,
) -> list[Path]:
    """``convert`` of every file in ``srcs`` in one LibreOffice run (a start costs seconds
    on a loaded machine); each output in order, named by its source's stem."""
    exe = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [
        exe,
        f"-env:UserInstallation={_profile().as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        fmt,
        "--outdir",
        str(outdir),
        *map(str, srcs),
    ]
    with _LOCK:  # one profile cannot serve two soffice processes at once
        proc = _run(cmd, timeout, srcs, fmt)
        if CRASHED in proc.stderr:
            # LibreOffice 7.4 itself crashed (seen once on 2026-12-07, SIGSEGV in
            # ScDocumentImport::setStringCell, on a company workbook it read whole in
            # every other run): it is tried once more; a file that crashes it twice fails.
            # The retry is said in the run's warnings summary: a crash that recurs must
            # show in CI logs, not pass unseen behind the second run.
            warnings.warn(LibreOfficeCrashed(_crash_note(srcs, fmt, proc)), stacklevel=2)
            proc = _run(cmd, timeout, srcs, fmt)
    outs = [outdir / f"{src.stem}.{fmt.split(':', maxsplit=1)[0]}" for src in srcs]
    missing = [out.name for out in outs if not out.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(
            f"soffice failed ({proc.returncode}; no {missing}): {proc.stdout}{proc.stderr}"
        )
    return outs
