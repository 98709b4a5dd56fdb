"""Render the HTML report of a short quickstart run in headless Chromium and screenshot it.

Skipped where ``chromium`` is not installed. Set ``ACUTESIM_SCREENSHOT_DIR`` to keep the
screenshot (``report.png``) for a look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
QUICKSTART = PROJECT / "experiments" / "quickstart.toml"
WINDOW = (1280, 2000)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]


def _screenshot(html: Path, png: Path, profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            f"file://{html}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_report_renders_in_headless_chromium(tmp_path):
    from PIL import Image

    from acutesim.experiment.runner import run_experiment
    from acutesim.report.html import write_report

    results = tmp_path / "results"
    run_experiment(QUICKSTART, out=results, horizon_days=14, replications=2, workers=1)
    html = write_report(results).resolve()
    png = tmp_path / "report.png"
    done = _screenshot(html, png, tmp_path / "profile")
    assert png.exists(), done.stderr[-2000:]
    assert png.stat().st_size > 50_000  # a blank page of this size is a few kB
    with Image.open(png) as image:
        assert image.size == WINDOW
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 100
    keep = os.environ.get("ACUTESIM_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(keep) / "report.png")
