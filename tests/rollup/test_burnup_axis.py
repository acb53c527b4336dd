"""The Trends tab's burn-up chart on a period's first night: one night on its axis.

A new quarter's first night (and a workspace's first) has one night in the burn-up. Its
date axis was labelled with the year's 1 January in LibreOffice (2025-01-01 for a night
of 2025-08-15): a reader saw the wrong date under the only point."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sheets_sync.rollup import FrameNights, Rollup, load_history, write_rollup_xlsx
from tests.rollup.test_history_tabs import _frames
from tests.support.libreoffice import convert, needs_libreoffice

pytestmark = pytest.mark.filterwarnings("ignore:Sparkline Group extension:UserWarning")


def _book(rollup: Rollup, folder: Path, nights: int) -> Path:
    frames = _frames()
    kept = sorted(frames.kr["date"].unique())[-nights:]
    kr, kpi = frames.kr[frames.kr["date"].isin(kept)], frames.kpi[frames.kpi["date"].isin(kept)]
    source = FrameNights(kr, kpi)
    history = load_history(source, 12, source.identity())
    path = folder / "company.xlsx"
    write_rollup_xlsx(dataclasses.replace(rollup, history=history), path)
    return path


def _burnup_axis(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    (burnup,) = [c for c in charts if "Company burn-up" in c]
    found = re.search(r"<c:(dateAx|catAx)>.*?</c:\1>", burnup, re.S)
    assert found
    return found.group()


def test_one_night_has_a_text_axis_and_more_a_date_axis(rollup: Rollup, tmp_path: Path) -> None:
    one = _burnup_axis(_book(rollup, tmp_path, 1))
    assert one.startswith("<c:catAx>") and '<c:auto val="1"/>' not in one
    (tmp_path / "two").mkdir()
    assert _burnup_axis(_book(rollup, tmp_path / "two", 2)).startswith("<c:dateAx>")


@needs_libreoffice
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_libreoffice_labels_a_single_night_with_its_date(rollup: Rollup, tmp_path: Path) -> None:
    pdf = convert(_book(rollup, tmp_path, 1), "pdf", tmp_path, timeout=120)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    (page,) = [p for p in pages if "Mean KR score" in p]
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", page)
    assert "2025-01-01" not in dates  # the axis's label of 2025-08-15
    assert dates.count("2025-08-15") >= 2  # the burn-up's row and the axis
