"""The experiment report: one self-contained HTML file, with report.md and summary.csv beside it.

A funding-regime comparison is read by people who were not at the keyboard: the report
says which scenarios were compared and what changed, with 95% confidence intervals,
shows where and when SEHs were volgemeld or closed, how long ambulance patients took
against the 45-minute norm, what happened to each organisation's books, and how the
numbers were made. Figures are embedded as base64 PNG and the styles are inline, so the
file opens anywhere without a network. ``report.md`` (the same words and numbers) and
``summary.csv`` (the comparison table, unrounded, for spreadsheets) are written beside it.
"""

from __future__ import annotations

import base64
import html
import io
import re
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acutesim.analysis.stats import Summary, summarise
from acutesim.atomic import atomic_write_bytes
from acutesim.kpi import headline_kpis
from acutesim.report.blocks import Bullets, FigureSlot, Paragraph, ReportContent, Table
from acutesim.report.content import build_content
from acutesim.report.data import ResultsData, load_results
from acutesim.report.exports import (
    check_csv_locale,
    summary_csv,
    summary_sheets,
    write_reach_gpkgs,
    xlsx_bytes,
)
from acutesim.report.markdown import render_markdown
from acutesim.report.sections import EXPLORER_FILE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from acutesim.report.figure_pool import FigurePool

PNG_DPI = 90
CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #1a1a1a; margin: 0; background: #fafafa; line-height: 1.45; }
header { background: #08306b; color: white; padding: 1.2em 2em 0.8em; }
header h1 { margin: 0 0 0.2em; font-size: 1.6em; }
header p { margin: 0.2em 0 0.6em; opacity: 0.9; }
nav a { color: #c6dbef; margin-right: 1.2em; text-decoration: none; font-weight: 600; }
main { max-width: 1180px; margin: 0 auto; padding: 0.5em 2em 2em; }
section { background: white; margin: 1.2em 0; padding: 0.6em 1.4em 1em;
          border: 1px solid #e0e0e0; border-radius: 6px; }
h2 { color: #08306b; border-bottom: 2px solid #c6dbef; padding-bottom: 0.2em; }
h3 { margin: 1.2em 0 0.3em; font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0 0.4em; font-size: 0.85em; }
caption { caption-side: top; text-align: left; font-style: italic; padding: 0.3em 0; }
th, td { padding: 0.25em 0.6em; border-bottom: 1px solid #e6e6e6; vertical-align: top; }
th { background: #eef3f9; text-align: left; }
td.r, th.r { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #f7f9fc; }
.tablewrap { overflow-x: auto; }
p.note, p.tnote { color: #555; font-size: 0.85em; margin: 0.2em 0 0.8em; }
p.missing { background: #fff7e6; border-left: 4px solid #e69f00; padding: 0.5em 0.8em; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #444; margin-top: 0.3em; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1em; }
ul.headlines li { margin: 0.25em 0; }
p.about { background: #fff7e6; border-left: 4px solid #e69f00; padding: 0.4em 0.8em;
          margin: 0.5em 0; }
ul.headline { font-size: 1.12em; }
ul.headline li { margin: 0.5em 0; }
p.headline { font-size: 1.12em; }
footer { text-align: center; color: #777; font-size: 0.8em; padding: 1em; }
"""
_URL = re.compile(r"(https?://[^\s<>\"')]+|\bexplorer\.html(?:#[^\s<>\"')]*)?)")


def _text(s: str) -> str:
    """Escape text and turn plain URLs (and the explorer beside the report) into links."""
    out = html.escape(s)
    return _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', out)


# -- figures ----------------------------------------------------------------------------------
def figure_png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """Render a Figure to PNG bytes [dots per inch: ``dpi``]."""
    from acutesim.report.fast_text import use_text_canvas

    use_text_canvas(fig)  # text a string at a time (acutesim.report.fast_text)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _draw(slot: FigureSlot, data: ResultsData) -> Figure | None:
    from acutesim.report import figures as fg

    colours = fg.scenario_colours(data.scenarios)
    names = data.site_names
    key = slot.key
    if key == "differences":
        present = set(data.table["kpi"])
        kpis = [k for k in headline_kpis() if k.name in present]
        if not kpis:
            return None
        n_cols = min(4, len(kpis))
        n_rows = -(-len(kpis) // n_cols)
        n_scen = max(1, len(data.scenarios) - 1)
        fig = fg.new_figure((12.0, n_rows * (0.35 * n_scen + 1.3)))
        axes = fig.subplots(n_rows, n_cols, squeeze=False).ravel()
        for ax, kpi in zip(axes, kpis, strict=False):
            fg.plot_paired_difference(
                data.table, kpi=kpi.name, xlabel=f"difference [{kpi.unit}]", title=kpi.label,
                colours=colours, ax=ax,
            )  # fmt: skip
        for ax in axes[len(kpis) :]:
            ax.set_axis_off()
        return fig
    if key == "status":
        return fg.status_timeline_figure(
            data.status,
            data.scenarios,
            replication=0,
            closures=data.closures,
            site_names=names,
            warmup_days=data.warmup_days,
            start_date=data.start_date,
            events_by_scenario=data.events_by_scenario(),
        )
    if key == "volmelding":
        ax = fg.plot_volmelding_by_site(data.kpis, colours=colours, site_names=names)
        ax.figure.set_size_inches(11.0, 4.0)
        return ax.figure
    if key == "call_to_door":
        fig = fg.new_figure((12.0, 4.2))
        left, right = fig.subplots(1, 2)
        fg.plot_call_to_door_p95_by_site(data.kpis, colours=colours, site_names=names, ax=left)
        fg.plot_call_to_door_over_45_by_site(data.kpis, colours=colours, site_names=names, ax=right)
        return fig
    if key == "call_to_door_ecdf":
        return fg.plot_call_to_door_ecdf(data.patients, colours=colours).figure
    if key == "population":
        events = [e for evs in data.events_by_scenario().values() for e in evs]
        ax = fg.plot_population_beyond_norm(
            data.timeseries,
            colours=colours,
            warmup_days=data.warmup_days,
            start_date=data.start_date,
            events=events,
        )
        ax.figure.set_size_inches(11.0, 4.0)
        return ax.figure
    if key == "finance":
        return fg.finance_figure(data.finance, colours=colours)
    if key.startswith("map:"):
        from acutesim.report.maps import plot_reachability_map

        if data.region is None:
            return None
        ax = fg.new_axes((6.4, 7.0))
        plot_reachability_map(data.reach[key[4:]], data.region, ax=ax)
        return ax.figure
    if key.startswith("diffmap:"):
        scenario = key[8:]
        ax = fg.plot_reachability_difference_map(data.reach[scenario], data.reach[data.baseline])
        return ax.figure
    return None


def draw_figures(content: ReportContent, data: ResultsData) -> None:
    """Draw every figure slot without a note into ``slot.png``; a note where it cannot be."""
    for slot in content.figures():
        if slot.note is not None:
            continue
        try:
            fig = _draw(slot, data)
        except ImportError as exc:
            slot.note = f"This figure needs a module that is not available here ({exc})."
            continue
        if fig is None:
            slot.note = "Nothing to draw."
            continue
        slot.png = figure_png(fig)


# -- HTML -------------------------------------------------------------------------------------
def _table_html(table: Table) -> str:
    align = table.align or ["l"] * len(table.header)
    cls = [' class="r"' if a == "r" else "" for a in align]
    head = "".join(f"<th{c}>{html.escape(h)}</th>" for h, c in zip(table.header, cls, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{c}>{_text(v)}</td>" for v, c in zip(row, cls, strict=True)) + "</tr>"
        for row in table.rows
    )
    caption = f"<caption>{html.escape(table.caption)}</caption>" if table.caption else ""
    notes = "".join(f'<p class="tnote">{html.escape(n)}</p>' for n in table.notes)
    return (
        f'<div class="tablewrap"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>{notes}"
    )


def _figure_html(slot: FigureSlot) -> str:
    title = f"<h3>{html.escape(slot.title)}</h3>"
    if slot.png is None:
        return f'<div class="fig">{title}<p class="missing">{_text(slot.note or "")}</p></div>'
    data = base64.b64encode(slot.png).decode("ascii")
    return (
        f'<figure class="fig">{title}<img alt="{html.escape(slot.title)}" '
        f'src="data:image/png;base64,{data}"><figcaption>{_text(slot.caption)}</figcaption>'
        "</figure>"
    )


def render_html(content: ReportContent, footer: str = "") -> str:
    """Render the report content (with drawn figures) as one self-contained HTML page.

    Parameters
    ----------
    content : ReportContent
        From :func:`acutesim.report.content.build_content`, after :func:`draw_figures`.
    footer : str
        A line for the foot of the page.

    Returns
    -------
    str
        HTML with inline styles and base64 images; it loads nothing from the network.
    """
    nav = "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in content.sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(content.title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{html.escape(content.title)}</h1>",
        f"<p>{_text(content.subtitle)}</p>" if content.subtitle else "",
        f"<nav>{nav}</nav></header><main>",
    ]
    for section in content.sections:
        parts.append(f'<section id="{section.anchor}"><h2>{html.escape(section.title)}</h2>')
        grid: list[str] = []
        for block in section.blocks:
            if isinstance(block, FigureSlot) and not block.wide:
                grid.append(_figure_html(block))
                continue
            if grid:
                parts.append(f'<div class="grid">{"".join(grid)}</div>')
                grid = []
            if isinstance(block, Paragraph):
                cls = f' class="{block.style}"' if block.style else ""
                parts.append(f"<p{cls}>{_text(block.text)}</p>")
            elif isinstance(block, Bullets):
                lead = f"<p>{_text(block.lead)}</p>" if block.lead else ""
                items = "".join(f"<li>{_text(i)}</li>" for i in block.items)
                cls = f"headlines {block.style}".strip()
                parts.append(f'{lead}<ul class="{cls}">{items}</ul>')
            elif isinstance(block, Table):
                parts.append(_table_html(block))
            elif isinstance(block, FigureSlot):
                parts.append(_figure_html(block))
        if grid:
            parts.append(f'<div class="grid">{"".join(grid)}</div>')
        parts.append("</section>")
    parts.append(f"</main><footer>{html.escape(footer)}</footer></body></html>")
    return "\n".join(p for p in parts if p)


# -- files ------------------------------------------------------------------------------------
def companion_paths(out: Path) -> tuple[Path, Path]:
    """The Markdown and CSV files written beside the HTML file ``out``.

    ``report.md`` and ``summary.csv`` for ``report.html``; ``<stem>.md`` and
    ``<stem>-summary.csv`` for any other name, so that two reports in one folder never
    overwrite each other's companions. The workbook is the CSV's name with ``.xlsx``.
    """
    if out.stem == "report":
        return out.with_suffix(".md"), out.with_name("summary.csv")
    return out.with_suffix(".md"), out.with_name(f"{out.stem}-summary.csv")


def write_report(
    results_dir: str | Path,
    out: str | Path | None = None,
    *,
    summary: Summary | None = None,
    csv_locale: str = "en",
    figure_processes: int | None = None,
    chart_pool: FigurePool | None = None,
) -> Path:
    """Write the HTML report of a results directory, with its companions beside it.

    Beside ``report.html``: ``report.md``, ``summary.csv``, ``summary.xlsx`` and, in
    the results directory, ``reach/<scenario>.gpkg`` (docs/formats.md).

    Parameters
    ----------
    results_dir : str or Path
        A directory written by ``acutesim run``.
    out : str or Path, optional
        The HTML file; default ``RESULTS_DIR/report.html``.
    summary : Summary, optional
        The comparison to report (from :func:`~acutesim.analysis.stats.summarise`);
        computed when omitted. The same object feeds the HTML, the Markdown and the CSV.
    csv_locale : {"en", "nl"}
        ``nl`` writes summary.csv with semicolons and decimal commas (Dutch Excel).
    figure_processes : int, optional
        Extra processes that draw the charts meanwhile (default 0: all in this one;
        :mod:`acutesim.report.figure_pool`). The report is the same either way.
    chart_pool : FigurePool, optional
        Chart workers the caller started already (``acutesim report`` starts them
        before its own imports) and ends itself; ``figure_processes`` is then ignored.

    Returns
    -------
    Path
        The HTML file written (the others are written atomically beside it).

    Raises
    ------
    ResultsError
        When ``results_dir`` is not a finished results directory.
    """
    from acutesim.gc_tuning import fewer_collections
    from acutesim.report.figure_pool import FigurePool, figure_workers

    results_dir = Path(results_dir)
    check_csv_locale(csv_locale)  # before the slow part
    out_path = Path(out) if out is not None else results_dir / "report.html"
    md_path, csv_path = companion_paths(out_path)
    with ExitStack() as stack:
        stack.enter_context(fewer_collections())  # ~1 s of collections that free nothing
        if chart_pool is None:  # started now, while we load
            pool = stack.enter_context(FigurePool(figure_workers(figure_processes)))
        else:
            pool = chart_pool
        stack.callback(pool.forget)  # nothing of this report is drawn for the next one
        summary = summary if summary is not None else summarise(results_dir)
        data = load_results(results_dir, summary, on_region=pool.start_charts)
        content = build_content(data)

        # the workbook needs only tables: a started worker writes it, after its chart
        xlsx = pool.elsewhere(xlsx_bytes, summary_sheets(data))

        def companions() -> None:  # written while the chart workers draw
            out_path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(csv_path, summary_csv(data, csv_locale).encode("utf-8"))
            pool.tick()  # an idle worker takes the next chart between the files
            write_reach_gpkgs(data, results_dir / "reach")
            pool.tick()
            if data.region is not None and data.reach:  # the explorer needs the geo modules
                try:
                    from acutesim.report.explorer import write_explorer
                except ImportError:
                    pass
                else:
                    write_explorer(
                        data.region,
                        out_path.with_name(EXPLORER_FILE),
                        data.areas,
                        region_key=data.region_key,  # the page is kept with the region
                    )

        pool.draw([s for s in content.figures() if s.note is None], data, companions)
        atomic_write_bytes(csv_path.with_suffix(".xlsx"), xlsx())
    versions: dict[str, Any] = data.manifest.get("versions") or {}
    footer = (
        f"Written by acutesim {versions.get('acutesim', '')} from the results in "
        f"'{results_dir.name}'. Figures and maps are embedded; the file needs no network."
    )
    atomic_write_bytes(md_path, render_markdown(content).encode("utf-8"))
    atomic_write_bytes(out_path, render_html(content, footer).encode("utf-8"))
    return out_path


__all__ = ["draw_figures", "render_html", "summary_csv", "write_report"]
