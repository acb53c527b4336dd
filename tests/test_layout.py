"""Every Python file of the project stays short enough to read in one sitting: the house
rule is at most ``MAX_LINES`` lines. A file that grows past it is split by meaning (what
each part holds and may touch), so the new files' names say what they hold."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[1]
MAX_LINES = 500
#: where the rule holds: the package, the tests, the benchmark harness, the scheduling
#: recipes and the checkout's entry script
CHECKED = ("sheets_sync", "tests", "bench", "deploy", "cli.py")


def python_files(root: Path, names: tuple[str, ...] = CHECKED) -> list[Path]:
    """The ``.py`` files of ``names`` under ``root`` (a name may be a file or a folder)."""
    found: list[Path] = []
    for name in names:
        path = root / name
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return found


def too_long(root: Path, names: tuple[str, ...] = CHECKED) -> list[str]:
    """``path: N lines`` of each file over the limit, as an editor numbers them
    (a last line without a newline counts)."""
    out = []
    for path in python_files(root, names):
        count = len(path.read_bytes().splitlines())
        if count > MAX_LINES:
            out.append(f"{path.relative_to(root).as_posix()}: {count} lines")
    return out


def test_no_python_file_is_over_the_limit() -> None:
    over = too_long(ROOT)
    assert over == [], f"over {MAX_LINES} lines, split by meaning: {over}"


def test_the_check_sees_the_project() -> None:
    """A moved folder must not make the rule above pass by checking nothing."""
    files = python_files(ROOT)
    for name in CHECKED:
        assert any(p == ROOT / name or (ROOT / name) in p.parents for p in files), name
    assert ROOT / "sheets_sync" / "config.py" in files


def test_a_long_file_is_named_with_its_count(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "pkg" / "short.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "pkg" / "notes.txt").write_text("x\n" * (MAX_LINES + 1))
    (tmp_path / "run.py").write_text("x = 1\n" * (MAX_LINES + 2))
    assert too_long(tmp_path, ("pkg", "run.py")) == [
        f"pkg/sub/long.py: {MAX_LINES + 1} lines",
        f"run.py: {MAX_LINES + 2} lines",
    ]
