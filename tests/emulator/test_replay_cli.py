"""``python -m sheets_sync.emulator.replay``: its options, before any cassette is replayed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sheets_sync.emulator.replay import main

USAGE = "usage: python -m sheets_sync.emulator.replay [-h] [CASSETTE_DIR]\n"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_prints_usage_and_replays_nothing(
    flag: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    with pytest.raises(SystemExit) as stop:
        main([flag])
    out, err = capsys.readouterr()
    assert stop.value.code == 0
    assert out.startswith(USAGE)
    assert "CASSETTE_DIR  folder of cassette *.json files" in out
    assert "replay identically" not in out
    assert err == ""


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--bogus"])
    out, err = capsys.readouterr()
    assert stop.value.code == 2
    assert out == ""
    assert err == (
        USAGE + "python -m sheets_sync.emulator.replay: error: unrecognized arguments: --bogus\n"
    )


def test_missing_folder_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    assert capsys.readouterr().err == f"no cassettes at {tmp_path / 'nowhere'}\n"
