"""The report's whole-string text renderer: same sizes, same ink, one layout per string."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from acutesim.report import fast_text
from acutesim.report.fast_text import TextCanvas, TextRenderer

pytestmark = pytest.mark.skipif(not fast_text.SUPPORTED, reason="matplotlib lacks FT2Font.set_text")

LABEL = "Ziekenhuis Amstelland Amstelveen (amstelland)"


def test_metrics_equal_matplotlibs() -> None:
    prop = FontProperties(size=8)
    ours = TextRenderer(200, 100, 90).get_text_width_height_descent(LABEL, prop, False)
    theirs = RendererAgg(200, 100, 90).get_text_width_height_descent(LABEL, prop, False)
    assert ours == pytest.approx(theirs, abs=1e-9)
    assert ours[0] > 100  # a real width [px], not a cached zero


def _ink(canvas_cls: type[FigureCanvasAgg], rotation: float) -> tuple[int, int, int, int]:
    fig = Figure(figsize=(4.0, 4.0), dpi=90)
    canvas = canvas_cls(fig)
    fig.text(0.5, 0.5, LABEL, fontsize=8, rotation=rotation, ha="center", va="center")
    canvas.draw()
    grey = np.asarray(canvas.buffer_rgba())[:, :, 0]
    rows = np.flatnonzero((grey < 128).any(axis=1))
    cols = np.flatnonzero((grey < 128).any(axis=0))
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


@pytest.mark.parametrize("rotation", [0.0, 90.0])
def test_text_lands_where_matplotlib_draws_it(rotation: float) -> None:
    ours = _ink(TextCanvas, rotation)
    theirs = _ink(FigureCanvasAgg, rotation)
    # glyphs on whole pixels instead of sub-pixel positions: within two pixels per edge
    assert np.abs(np.subtract(ours, theirs)).max() <= 2, (ours, theirs)
    tall = ours[1] - ours[0] > ours[3] - ours[2]
    assert tall == (rotation == 90.0)


def test_each_string_is_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_text._CACHE.clear()
    prop = FontProperties(size=7)
    renderer = TextRenderer(300, 100, 90)
    renderer.get_text_width_height_descent("once (x1)", prop, False)
    renderer.draw_text(renderer.new_gc(), 10, 50, "once (x1)", prop, 0.0)
    assert len(fast_text._CACHE) == 1
    entry = next(iter(fast_text._CACHE.values()))
    assert entry[5] is not None  # the bitmap was kept after drawing
    assert entry[5].any()

    def no_layout(*_a: object, **_k: object) -> None:
        raise AssertionError("laid out again")

    monkeypatch.setattr(fast_text, "get_font", no_layout)
    other = TextRenderer(300, 100, 90)  # another figure, same string: from the cache
    other.draw_text(other.new_gc(), 10, 50, "once (x1)", prop, 0.0)
    assert np.asarray(other.buffer_rgba())[:, :, 0].min() < 128


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_text, "CACHE_MAX", 3)
    fast_text._CACHE.clear()
    renderer = TextRenderer(100, 100, 90)
    for i in range(10):
        renderer.get_text_width_height_descent(f"t{i}", FontProperties(size=8), False)
    assert [k[0] for k in fast_text._CACHE] == ["t7", "t8", "t9"]


def test_math_text_is_drawn_by_matplotlib() -> None:
    fast_text._CACHE.clear()
    renderer = TextRenderer(200, 100, 90)
    w, h, _d = renderer.get_text_width_height_descent(r"$x^2$", FontProperties(size=8), True)
    assert w > 0
    assert h > 0
    assert not fast_text._CACHE  # math text never enters the plain-text cache


@pytest.mark.parametrize("text", [LABEL, "two\nlines", "x"])
def test_text_boxes_equal_matplotlibs(text: str) -> None:
    # the font's line metrics, kept per font and size, give the layout matplotlib makes
    fig = Figure(figsize=(4.0, 3.0), dpi=90)
    artist = fig.text(0.2, 0.5, text, fontsize=9, rotation=30.0)
    theirs = artist.get_window_extent(RendererAgg(360, 270, 90)).bounds
    ours = artist.get_window_extent(TextRenderer(360, 270, 90)).bounds
    assert ours == pytest.approx(theirs, abs=1e-9)
    assert fast_text._font_heights(artist.get_fontproperties(), 90.0) is not None
