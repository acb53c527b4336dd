"""The LibreOffice tests' helpers (``tests/support/libreoffice.py``) skip a test whose
program is missing, or fail it on CI (``CI=true``): ``soffice`` and poppler's
``pdftoppm`` alike (until a review on 2026-12-07 a missing ``pdftoppm`` beside an
installed ``soffice`` failed the render test with a ``FileNotFoundError``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import libreoffice
from tests.support.scripts import HANG, SETTLE, _outlived

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


def _crashing_soffice(tmp_path: Path, crashes: int) -> Path:
    """A ``soffice`` on the PATH that crashes as LibreOffice 7.4 did (its report on stderr)
    on its first ``crashes`` runs, then converts: writes ``OUTDIR/STEM.FMT``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    runs = tmp_path / "runs"
    fake = bin_dir / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        f'n=$(cat "{runs}" 2>/dev/null || echo 0); echo $((n + 1)) > "{runs}"\n'
        'while [ $# -gt 0 ]; do case "$1" in\n'
        "  --convert-to) fmt=$2; shift ;; --outdir) out=$2; shift ;; -*) ;; *) src=$1 ;;\n"
        "esac; shift; done\n"
        f'if [ "$n" -lt {crashes} ]; then\n'
        "  echo 'Fatal exception: Signal 11' >&2; echo 'Stack:' >&2\n"
        "  echo 'libsclo.so(_ZN16ScDocumentImport13setStringCellERK9ScAddress...)' >&2\n"
        "  exit 1\n"
        "fi\n"
        'name=$(basename "$src"); touch "$out/${name%.*}.$fmt"\n'
    )
    fake.chmod(0o755)
    return runs


@pytest.fixture
def crashing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Path]:
    def make(crashes: int) -> Path:
        runs = _crashing_soffice(tmp_path, crashes)
        monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
        return runs

    return make


def test_a_crash_run_again_is_a_warning(crashing: Callable[[int], Path], tmp_path: Path) -> None:
    """The one retry of a LibreOffice crash was silent (until 2026-12-08): a crash that
    came back night after night passed unseen behind its second run. It is a warning in
    the run's summary now, naming the file and the top of LibreOffice's report."""
    runs = crashing(1)
    with pytest.warns(libreoffice.LibreOfficeCrashed) as seen:
        out = libreoffice.convert(tmp_path / "company.xlsx", "pdf", tmp_path / "out")
    assert out == tmp_path / "out" / "company.pdf" and out.exists()
    assert runs.read_text().strip() == "2"
    (note,) = [str(w.message) for w in seen]
    assert note.splitlines()[0] == (
        "soffice crashed converting company.xlsx to pdf (exit 1); ran again"
    )
    assert "Fatal exception: Signal 11" in note and "setStringCell" in note


def test_a_second_crash_fails_after_its_warning(
    crashing: Callable[[int], Path], tmp_path: Path
) -> None:
    runs = crashing(2)
    with (
        pytest.warns(libreoffice.LibreOfficeCrashed),
        pytest.raises(RuntimeError, match="Fatal exception: Signal 11"),
    ):
        libreoffice.convert(tmp_path / "company.xlsx", "pdf", tmp_path / "out")
    assert runs.read_text().strip() == "2"


def test_no_crash_no_warning(crashing: Callable[[int], Path], tmp_path: Path) -> None:
    runs = crashing(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", libreoffice.LibreOfficeCrashed)
        libreoffice.convert(tmp_path / "company.xlsx", "csv", tmp_path / "out")
    assert runs.read_text().strip() == "1"


def _hanging_soffice(tmp_path: Path) -> tuple[Path, Path]:
    """A ``soffice`` on the PATH that hangs as LibreOffice can: it ignores SIGTERM (as
    ``oosplash`` may hang after one) and starts a child that ignores it too and sleeps
    (``soffice.bin``). Its files: the leader's pid, then the child's once it runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    leader, child = tmp_path / "leader", tmp_path / "child"
    fake = bin_dir / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo $$ > "{leader}"\n'
        "trap '' TERM\n"
        f'sh -c \'echo $$ > "{child}.new" && mv "{child}.new" "{child}"; '
        "exec sleep 600' &\n"
        "wait\n"
    )
    fake.chmod(0o755)
    return leader, child


@pytest.fixture
def hanging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    found = _hanging_soffice(tmp_path)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    return found


def test_a_timeout_kills_the_whole_run(hanging: tuple[Path, Path], tmp_path: Path) -> None:
    """A conversion past its timeout fails the test saying so, and no process of its run
    is left: until 2026-12-08 only the ``soffice`` started was killed (``oosplash``, which
    ``/usr/bin/soffice`` execs), and ``soffice.bin`` went on, holding the profile."""
    leader, child = hanging
    # each timeout longer, until the fake started its child before it (a loaded box can
    # take longer than the shortest to start two shells)
    for timeout in (1.0, 4.0, 16.0, 64.0):
        with pytest.raises(pytest.fail.Exception) as failed:
            libreoffice.convert(tmp_path / "company.xlsx", "pdf", tmp_path / "out", timeout=timeout)
        if child.exists():
            break
    assert child.exists(), "the fake soffice never started its child"
    assert str(failed.value).startswith(
        f"soffice ran past its {timeout:g} s timeout converting company.xlsx to pdf; "
        "its process group was killed."
    ), failed.value
    assert _outlived(int(leader.read_text()), SETTLE) == {}


def test_a_stopped_run_kills_the_whole_run(hanging: tuple[Path, Path], tmp_path: Path) -> None:
    """A conversion stopped as a Ctrl-C stops it leaves no process of its run either (its
    own session gets no Ctrl-C from the terminal), and the stop goes on up."""
    leader, child = hanging
    main = threading.main_thread().ident or 0

    def stop_once_started() -> None:
        deadline = time.monotonic() + HANG
        while not child.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        signal.pthread_kill(main, signal.SIGUSR1)

    def ctrl_c(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGUSR1, ctrl_c)
    try:
        threading.Thread(target=stop_once_started, daemon=True).start()
        with pytest.raises(KeyboardInterrupt):
            libreoffice.convert(tmp_path / "company.xlsx", "pdf", tmp_path / "out")
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert child.exists(), "the fake soffice never started its child"
    assert _outlived(int(leader.read_text()), SETTLE) == {}
