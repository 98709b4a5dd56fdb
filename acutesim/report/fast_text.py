"""Plain text on report PNGs drawn a whole string at a time, each string laid out once.

matplotlib 3.11's Agg renderer draws text glyph by glyph from Python (a shaped layout,
then one FreeType render and one blit per glyph): 6-7 ms for a 36-character site name
here, against 1.5 ms in 3.10, which rasterised the string in one FreeType call. A
national report draws some 2,000 such strings (80 sites on every per-site chart), so
text was most of the drawing time. :class:`TextCanvas` is the Agg canvas with a
renderer that rasterises plain (not math) text as 3.10 did: the string's glyphs into
one bitmap, blitted once at the rounded pixel position, rotated there when the text is
rotated. Each (string, font, size, dpi, hinting) is laid out once per process: its
extent and its bitmap are kept (:data:`CACHE_MAX` strings), so a tick label drawn on
several charts, or sized by the layout and then drawn, costs one FreeType layout.

The pictures are the same charts, text for text; glyphs sit on whole pixels (as up
to matplotlib 3.10) instead of 3.11's sub-pixel positions. Where the matplotlib at hand
lacks the calls this needs, the renderer draws as matplotlib does.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

CACHE_MAX = 4096  # laid-out strings kept per process (a national report draws ~1,000 distinct)

# (text, font properties' hash, dpi, hinting flags) ->
#   (width, height, descent [px]; bitmap offset x, y [px]; the grey bitmap, or None before drawn)
_Key = tuple[str, int, float, str]
_Entry = tuple[float, float, float, float, float, "np.ndarray | None"]
_CACHE: OrderedDict[_Key, _Entry] = OrderedDict()


def _supported() -> bool:
    """True when this matplotlib has the calls the whole-string path uses."""
    from matplotlib.ft2font import FT2Font

    return all(
        hasattr(FT2Font, name)
        for name in ("set_text", "draw_glyphs_to_bitmap", "get_image", "get_bitmap_offset")
    ) and hasattr(RendererAgg, "_prepare_font")


SUPPORTED = _supported()


def _layout(renderer: RendererAgg, s: str, prop: FontProperties, *, image: bool) -> _Entry:
    """The metrics (and, with ``image``, the bitmap) of plain text ``s``, from the cache."""
    flags = get_hinting_flag()
    # FontProperties compare by their hash (matplotlib's own text-metrics cache does too)
    key = (s, hash(prop), float(renderer.dpi), str(flags))
    entry = _CACHE.get(key)
    if entry is not None and (not image or entry[5] is not None):
        _CACHE.move_to_end(key)
        return entry
    font = get_font(fontManager._find_fonts_by_props(prop))  # the lookup RendererAgg makes
    font.clear()
    font.set_size(prop.get_size_in_points(), renderer.dpi)
    font.set_text(s, 0.0, flags=flags)
    w, h = font.get_width_height()
    d = font.get_descent()
    bitmap = None
    xo = yo = 0.0
    if image:
        font.draw_glyphs_to_bitmap(antialiased=True)
        xo, yo = (v / 64.0 for v in font.get_bitmap_offset())
        bitmap = np.array(font.get_image(), dtype=np.uint8)  # a copy: the font is reused
    entry = (w / 64.0, h / 64.0, d / 64.0, xo, yo, bitmap)
    _CACHE[key] = entry
    if len(_CACHE) > CACHE_MAX:
        _CACHE.popitem(last=False)
    return entry


# (font properties' hash, dpi) -> (ascent, descent, line gap [px]) of the font
_HEIGHTS: dict[tuple[int, float], tuple[float, float, float] | None] = {}


def _font_heights(prop: FontProperties, dpi: float) -> tuple[float, float, float] | None:
    """The font's line metrics as matplotlib 3.11's ``Text._get_layout`` reads them.

    From the OS/2 table, else hhea, scaled to the size and dpi; None (matplotlib then
    measures "lp") when the font has neither. Kept per font and size: ``_get_layout``
    otherwise looks the font and its tables up again for every text it lays out.
    """
    key = (hash(prop), float(dpi))
    if key in _HEIGHTS:
        return _HEIGHTS[key]
    font = get_font(fontManager._find_fonts_by_props(prop))
    found = None
    for table_name, gap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points()
        scale = scale * dpi / 72
        found = (table[ascent_key] * scale, -table[descent_key] * scale, table[gap_key] * scale)
        break
    _HEIGHTS[key] = found
    return found


class TextRenderer(RendererAgg):
    """Agg renderer drawing plain text a string at a time (see the module)."""

    def _get_font_height_metrics(
        self, prop: FontProperties
    ) -> tuple[float | None, float | None, float | None]:
        """(ascent, descent, line gap) [px] for ``Text._get_layout`` (matplotlib >= 3.11)."""
        found = _font_heights(prop, self.dpi)
        return found if found is not None else (None, None, None)

    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        """Width, height and descent of ``s`` [px], as ``RendererAgg`` measures them."""
        if ismath or not SUPPORTED:
            return super().get_text_width_height_descent(s, prop, ismath)
        w, h, d, *_ = _layout(self, s, prop, image=False)
        return w, h, d

    def draw_text(
        self,
        gc: Any,
        x: float,
        y: float,
        s: str,
        prop: FontProperties,
        angle: float,
        ismath: Any = False,
        mtext: Any = None,
    ) -> None:
        """Draw plain text as one bitmap; math text and antialias-off as matplotlib does."""
        if ismath or not SUPPORTED or not gc.get_antialiased():
            super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            return
        _w, _h, d, xo, yo, bitmap = _layout(self, s, prop, image=True)
        if bitmap is None or bitmap.size == 0:
            return
        # the descent is along the text's own vertical, so it turns with the text
        xd = d * math.sin(math.radians(angle))
        yd = d * math.cos(math.radians(angle))
        self._renderer.draw_text_image(
            bitmap, round(x + xo + xd), round(y + yo + yd) + 1, angle, gc
        )


class TextCanvas(FigureCanvasAgg):
    """The Agg canvas with :class:`TextRenderer`."""

    def get_renderer(self) -> RendererAgg:
        """A :class:`TextRenderer` of the figure's size and dpi (reused while they stay)."""
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if getattr(self, "_lastKey", None) != key or not isinstance(
            getattr(self, "renderer", None), TextRenderer
        ):
            self.renderer = TextRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def use_text_canvas(fig: Figure) -> None:
    """Give ``fig`` a :class:`TextCanvas` (before it is saved)."""
    TextCanvas(fig)


__all__ = ["CACHE_MAX", "TextCanvas", "TextRenderer", "use_text_canvas"]
