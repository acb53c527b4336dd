"""``rollup --from-results`` with a file a stranger dropped into the folder: one line,
exit 2 (as damaged results), and nothing it names is run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.ops.shard import FORMAT_VERSION, MAGIC
from tests.cli.test_ops_cli import AS_OF, run
from tests.support.hostile import assert_untouched, payloads


@pytest.mark.parametrize("name", ["posix.system", "subprocess.Popen"])
def test_the_merge_refuses_hostile_results(tmp_path: Path, name: str) -> None:
    ws = tmp_path / "ws"
    assert run("demo", str(ws), *AS_OF)[0] == 0
    cfg, results, marker = ws / "sheets-sync.yaml", tmp_path / "results", tmp_path / "marker"
    shard = ("--shard", "1/1", "--results-dir", str(results))
    assert run("sync", "--config", str(cfg), *AS_OF, *shard)[0] == 0
    path = results / "shard-001-of-001.pickle"
    path.write_bytes(MAGIC + f"{FORMAT_VERSION}\n".encode() + payloads(marker)[name])
    code, out, err = run("rollup", "--config", str(cfg), "--from-results", str(results))
    assert (code, out) == (2, "") and err == (
        f"error: {path}: sheets-sync refuses to load these shard results: it names {name}, "
        "which sheets-sync never writes; check who can write to the results folder\n"
    )
    assert_untouched(marker)
