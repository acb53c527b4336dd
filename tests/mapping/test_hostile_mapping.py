"""A mapping file in the workspace's ``mappings/`` folder is as open to a careless or
hostile co-worker as the team files: each bad one is one line, quickly. Its YAML error
quoted the file's lines under it (a message of four lines), a value holding itself was a
RecursionError traceback, and a file of any size was read whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.errors import MappingError
from sheets_sync.mapping.spec import load_mapping, parse_mapping


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: [1, 2\n",
            "mine.yaml: line 2 not valid YAML: expected ',' or ']', but got '<stream end>' "
            "(while parsing a flow sequence from line 1)",
        ),
        ("a: &a [*a]\n", "mine.yaml: line 1 not valid YAML: an alias refers to itself"),
        ("a: " + "{b: " * 5000 + "1" + "}" * 5000, "mine.yaml: not valid YAML: nested too deeply"),
    ],
)
def test_bad_mapping_yaml_is_one_line(text: str, message: str) -> None:
    with pytest.raises(MappingError) as info:
        parse_mapping(text, source="mine.yaml")
    assert str(info.value) == message


@pytest.mark.timeout(20)
def test_a_huge_mapping_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    with path.open("w") as fh:
        fh.truncate(4 * 1024 * 1024 + 1)
    with pytest.raises(OSError) as info:
        load_mapping(str(path))
    assert str(info.value) == "larger than 4,194,304 bytes, more than any workspace needs"


def test_a_mapping_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    """A mapping saved in another encoding (Latin-1 from an old editor): one line naming the
    file, as the workspace file gets, not a UnicodeDecodeError traceback."""
    path = tmp_path / "mine.yaml"
    path.write_bytes("extends: default\n# Übersicht\n".encode("latin-1"))
    with pytest.raises(MappingError) as info:
        load_mapping(str(path))
    assert str(info.value) == "mine.yaml: not UTF-8 text (byte 20 is not); save it as UTF-8"


def test_config_check_names_a_mapping_that_is_not_utf8(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from sheets_sync.cli import cli

    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "mine.yaml").write_bytes(b"extends: default\n# \xff\n")
    (tmp_path / "sheets-sync.yaml").write_text(
        "company: Acme\nperiod: {name: Q4, start: 2026-10-01, end: 2026-12-31}\n"
        "teams: [{name: Sales, source: gsheet:abc, mapping: mappings/mine.yaml}]\n"
    )
    cfg = tmp_path / "sheets-sync.yaml"
    result = CliRunner().invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "mine.yaml: not UTF-8 text (byte 20 is not); save it as UTF-8" in result.output


def test_a_workspace_file_that_is_not_utf8_says_it_as_a_mapping_does(tmp_path: Path) -> None:
    from sheets_sync.config import load_workspace
    from sheets_sync.errors import ConfigError

    cfg = tmp_path / "sheets-sync.yaml"
    cfg.write_bytes(b"company: Acme \xe9\n")
    with pytest.raises(ConfigError) as info:
        load_workspace(cfg)
    assert str(info.value) == "sheets-sync.yaml: not UTF-8 text (byte 15 is not); save it as UTF-8"
