"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_ops_cli import AS_OF, run


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, made once a module (tests copy it before they change it)."""
    root = tmp_path_factory.mktemp("demo")
    code, out, err = run("demo", str(root / "ws"), *AS_OF)
    assert code == 0, out + err
    return root / "ws" / "sheets-sync.yaml"
