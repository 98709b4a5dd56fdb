"""The ``acutesim`` command line: run experiments, summarise, report, reach, map, regions.

Each command parses its arguments, calls one public function and formats the result.
Messages and progress go to stderr, so that ``--json`` output on stdout is pure JSON.
Exit codes: 0 success, 1 a failed run, 2 bad input. ``--debug`` shows tracebacks.
Heavy libraries (geopandas, matplotlib, scipy.stats) are imported inside the commands
that need them, so ``acutesim --help`` answers at once.
"""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

_BRACKET = re.compile(r"(?<!\\)\[")


def _escape_help(command: Any) -> None:
    """Escape '[' in help texts, so the rich help renderer shows '[min]' instead of eating it.

    Typer renders help as rich markup, where '[results/<name>]' or '[days]' reads as a
    style tag and vanishes. Escaping here, once per command, covers every option of every
    command, including options added later.
    """
    if getattr(command, "_acutesim_escaped", False):
        return
    command._acutesim_escaped = True
    if command.help:
        command.help = _BRACKET.sub(r"\\[", command.help)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = _BRACKET.sub(r"\\[", text)
    for sub in (getattr(command, "commands", None) or {}).values():  # a group's commands
        _escape_help(sub)


class _Group(TyperGroup):
    """The top-level group: escapes the help of each command it hands out."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _escape_help(command)
        return command


app = typer.Typer(
    name="acutesim",
    cls=_Group,
    help="Simulate regional acute care (SEH, HAP, ambulances), funding regimes and the "
    "45-minute norm.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
region_app = typer.Typer(help="Validate and build region packs.", no_args_is_help=True)
app.add_typer(region_app, name="region")

_state = {"debug": False}


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        from acutesim import __version__

        typer.echo(f"acutesim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks.")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


@app.command()
def run(
    experiment: Annotated[Path, typer.Argument(help="Experiment TOML file.")],
    out: Annotated[
        Path | None, typer.Option(help="Results directory [default: results/<name>].")
    ] = None,
    replications: Annotated[int | None, typer.Option(min=1, help="Override replications.")] = None,
    horizon_days: Annotated[
        float | None, typer.Option(min=1, help="Override horizon [days].")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Local worker processes.")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, or 'local' for a LocalCluster.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Delete what acutesim wrote in --out and start afresh.")
    ] = False,
    report: Annotated[bool, typer.Option(help="Write the HTML report when done.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Run a plan over the task/scenario/memory limits.")
    ] = False,
) -> None:
    """Run every scenario x replication of an experiment and write results/<name>/."""
    from acutesim.experiment.runner import run_experiment

    try:
        result = run_experiment(
            experiment,
            out=out,
            replications=replications,
            horizon_days=horizon_days,
            workers=workers,
            scheduler=scheduler,
            force=force,
            progress=True,
            yes=yes,
            notify=_err,
        )
    except KeyboardInterrupt:
        _err("acutesim: interrupted; finished tasks are kept, run the same command to resume")
        raise typer.Exit(130) from None
    from acutesim.analysis.stats import summarise

    _err(
        f"{result.n_run} task(s) run, {result.n_skipped} already done, "
        f"in {result.wall_seconds:.1f} s; results in {result.out_dir}"
    )
    _print_table(summarise(result.out_dir).to_text_table())
    if report:
        from acutesim.report.html import write_report

        _err(f"report written to {write_report(result.out_dir)}")


@app.command()
def robustness(
    experiment: Annotated[Path, typer.Argument(help="Robustness experiment TOML file.")],
    out: Annotated[
        Path | None, typer.Option(help="Results directory [default: results/<name>].")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = 1,
    force: Annotated[
        bool, typer.Option(help="Start afresh in a folder of another file or version.")
    ] = False,
    report: Annotated[bool, typer.Option(help="Write the report when done.")] = False,
) -> None:
    """Sweep contested knobs over a space-filling design; say how robust each verdict is."""
    from acutesim.experiment.robustness import run_robustness

    try:
        result = run_robustness(experiment, out=out, workers=workers, force=force, progress=_err)
    except KeyboardInterrupt:
        _err("acutesim: interrupted; finished parts are kept, run the same command to resume")
        raise typer.Exit(130) from None
    _err(
        f"{result.n_run} task(s) run, {result.n_skipped} already done, in "
        f"{result.wall_seconds:.1f} s; results in {result.out_dir}"
    )
    _print_robustness(result.out_dir)
    if report:
        from acutesim.report.robustness import write_robustness_report

        _err(f"report written to {write_robustness_report(result.out_dir)}")


def _print_robustness(results_dir: Path) -> None:
    from acutesim.analysis.robustness import robustness_text
    from acutesim.experiment.robustness_results import load_robustness_results
    from acutesim.report.robustness import robustness_content

    manifest, points, runs = load_robustness_results(results_dir)
    _, verdicts = robustness_content(manifest, points, runs)
    n_reps = int(runs["replication"].nunique()) if len(runs) else 0
    _print_table(robustness_text(str(manifest.get("name", "")), verdicts, n_reps))


@app.command()
def summary(
    results_dir: Annotated[Path, typer.Argument(help="A results directory.")],
) -> None:
    """Print the headline, then the KPI table (means, 95% CIs, paired differences)."""
    from acutesim.analysis.headline import headline_text, results_headline
    from acutesim.analysis.stats import summarise
    from acutesim.experiment.robustness_results import read_manifest

    if read_manifest(results_dir) is not None:
        _print_robustness(results_dir)
        return

    result = summarise(results_dir)
    about, heads = results_headline(result, results_dir)
    _print_table(headline_text(heads, about) + "\n\n" + result.to_text_table())


@app.command()
def report(
    results_dir: Annotated[Path, typer.Argument(help="A results directory.")],
    out: Annotated[
        Path | None, typer.Option(help="HTML file to write [default: RESULTS_DIR/report.html].")
    ] = None,
    csv_locale: Annotated[
        str,
        typer.Option(
            help="summary.csv style: 'en' (comma, decimal point) or 'nl' (semicolon, "
            "decimal comma, for Dutch Excel)."
        ),
    ] = "en",
    figure_processes: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Extra processes that draw the charts while this one draws the maps "
            "[default: 1 on a machine with two or more cores, else 0]; the report is the "
            "same either way.",
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report, with report.md, summary.csv and .xlsx beside it."""
    from acutesim.report.command import report_results

    _err(report_results(results_dir, out, csv_locale, figure_processes))


@region_app.command("validate")
def region_validate(
    region: Annotated[Path, typer.Argument(help="Region pack folder.")],
) -> None:
    """Check a region pack; exit 0 when valid, 2 listing every problem when not."""
    from acutesim.config.load import load_region

    r = load_region(region)
    info = r.describe()
    _err(
        f"region pack '{region}' is valid: {info['population']:,} inhabitants in "
        f"{info['n_areas']} areas, {info['n_seh']} SEHs ({info['n_seh_24_7']} 24/7) at "
        f"{info['n_sites']} sites, {info['n_posts']} ambulance posts, {info['n_haps']} HAPs, "
        f"{info['n_ferries']} ferry links"
    )


_Opt = typer.Option
_RoleColumns = Annotated[list[str] | None, _Opt(help="ROLE=COLUMN (repeatable).")]


@region_app.command("build")
def region_build(
    areas: Annotated[Path, _Opt(help="Population polygons or points (.gpkg, .geojson, .shp).")],
    sites: Annotated[Path, _Opt(help="Hospital list CSV (lon/lat or RD x/y).")],
    posts: Annotated[Path, _Opt(help="Ambulance post CSV.")],
    out: Annotated[Path, _Opt(help="Folder to write the pack to.")],
    population_column: Annotated[str | None, _Opt(help="Areas: population column.")] = None,
    id_column: Annotated[str | None, _Opt(help="Areas: id column.")] = None,
    name_column: Annotated[str | None, _Opt(help="Areas: name column.")] = None,
    roads: Annotated[
        Path | None,
        _Opt(help="Road network to route on: folder with nodes/edges.parquet, or a line layer."),
    ] = None,
    limit_minutes: Annotated[float | None, _Opt(help="Routing distance limit [min].")] = None,
    access_only_class: Annotated[
        list[str] | None, _Opt(help="Road class covered as access, not routed (repeatable).")
    ] = None,
    sites_filter: Annotated[list[str] | None, _Opt(help="Keep rows COLUMN=VALUE.")] = None,
    sites_column: _RoleColumns = None,
    posts_column: _RoleColumns = None,
    posts_availability: Annotated[list[str] | None, _Opt(help="Keep exactly this value.")] = None,
    fixed_link: Annotated[list[str] | None, _Opt(help="Area id of a bridged island.")] = None,
    crossing_minutes: Annotated[float, _Opt(help="Ferry crossing, minutes.")] = 45.0,
    name: Annotated[str | None, _Opt(help="Pack name (default: folder name).")] = None,
    source: Annotated[list[str] | None, _Opt(help="Source line (repeatable).")] = None,
    force: Annotated[bool, _Opt(help="Overwrite an existing pack.")] = False,
) -> None:
    """Build a valid region pack from CBS/RIVM-style files (areas, SEH list, posts)."""
    from acutesim.packs import BuildInputs, build_region_pack

    report = build_region_pack(
        BuildInputs(
            areas=areas,
            sites=sites,
            posts=posts,
            out=out,
            roads=roads,
            limit_minutes=limit_minutes,
            access_only_classes=access_only_class,
            name=name,
            area_id_column=id_column,
            population_column=population_column,
            name_column=name_column,
            site_filters=sites_filter or (),
            site_columns=sites_column or (),
            post_columns=posts_column or (),
            post_availability=posts_availability or (),
            fixed_links=fixed_link or (),
            crossing_minutes=crossing_minutes,
            sources=source or (),
            force=force,
        )
    )
    _err(f"{report.to_text()}\nregion pack '{out}' is valid")


@region_app.command("route")
def region_route(
    region: Annotated[
        Path, typer.Argument(help="Region pack folder with [travel] model = 'routed'.")
    ],
    roads: Annotated[
        Path | None, _Opt(help="Road network (default: the pack's [travel] network).")
    ] = None,
    force: Annotated[bool, _Opt(help="Rebuild even when nothing changed.")] = False,
) -> None:
    """(Re)build a pack's cached routed travel matrices; reused when nothing changed."""
    from acutesim.packs.route import route_pack

    _err(route_pack(region, roads, force=force).to_text())


@region_app.command("outline")
def region_outline(
    region: Annotated[Path, typer.Argument(help="Region pack folder with polygon areas.")],
) -> None:
    """(Re)make the outline a pack ships for its maps (outline.parquet) from its areas."""
    from acutesim.packs.outline import write_outline

    _err(write_outline(region).to_text())


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


_Minutes = Annotated[float | None, typer.Option(min=0, help="[min]; the pack's value if unset.")]
_Profile = Annotated[
    str, typer.Option(help="Speed profile: ambulance (siren), ambulance_no_siren or car.")
]


@app.command()
def reach(
    region: Annotated[Path, typer.Argument(help="Region pack folder.")],
    closed: Annotated[str, typer.Option(help="Site ids to treat as closed, comma-separated.")] = "",
    norm_minutes: Annotated[float, typer.Option(min=0, help="The norm [min].")] = 45.0,
    service: Annotated[str, typer.Option(help="'seh' (24/7 SEHs) or 'av' (obstetrics).")] = "seh",
    sensitivity: Annotated[bool, typer.Option(help="Also list the gevoelige SEHs.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Write areas/sites/posts (.gpkg, .shp, .geojson or .parquet)."),
    ] = None,
    dispatch_minutes: _Minutes = None,
    on_scene_minutes: _Minutes = None,
    profile: _Profile = "ambulance",
    sweep: Annotated[
        str | None,
        typer.Option(help="KNOB=START:STOP:STEP, e.g. on_scene_minutes=5:25:5: one row per value."),
    ] = None,
) -> None:
    """Population beyond the 45-minute norm by ambulance (RIVM style) and sensitive SEHs."""
    import json

    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.norm import norm_parameters
    from acutesim.geo.reachability import layer_format, parse_sweep, reachability, write_layers
    from acutesim.geo.reachability import sweep as sweep_norm

    if out is not None:
        layer_format(out)  # an unknown suffix is refused before anything is computed
    pack, areas = load_region_with_areas(region)
    params = norm_parameters(
        pack, dispatch_minutes=dispatch_minutes, on_scene_minutes=on_scene_minutes
    )
    if sweep is not None:
        knob, values = parse_sweep(sweep)
        if knob == "norm_minutes" or norm_minutes != 45.0:
            params = norm_parameters(
                pack,
                dispatch_minutes=dispatch_minutes,
                on_scene_minutes=on_scene_minutes,
                norm_minutes=norm_minutes,
            )
        table = sweep_norm(
            pack, knob, values, closed=_ids(closed), service=service, params=params,
            profile=profile,
        )  # fmt: skip
        if json_out:
            typer.echo(json.dumps({"profile": profile, "rows": table.to_dict("records")}))
        else:
            typer.echo(
                f"{'value':>7} {'dispatch':>8} {'on scene':>8} {'beyond norm':>12} {'share':>7} "
                f"{'sensitive':>9}"
            )
            for r in table.itertuples():
                typer.echo(
                    f"{r.value:7g} {r.dispatch_minutes:8g} {r.on_scene_minutes:8g} "
                    f"{r.population_beyond_norm:12,d} {r.share_beyond_norm:7.2%} "
                    f"{r.n_sensitive:9d}"
                )
        return
    result = reachability(
        pack,
        closed=_ids(closed),
        norm_minutes=norm_minutes,
        service=service,
        params=params,
        areas=areas,
        with_sensitivity=sensitivity,
        profile=profile,
    )
    if out is not None:
        files = ", ".join(str(p) for p in write_layers(result, pack, out))
        _err(f"layers areas, sites, posts written to {files}")
    typer.echo(json.dumps(result.to_dict()) if json_out else result.summary_text())


@app.command("map")
def map_(
    region: Annotated[Path, typer.Argument(help="Region pack folder.")],
    out: Annotated[Path, typer.Option(help="Map file to write (.png, .svg or .pdf).")],
    closed: Annotated[str, typer.Option(help="Site ids to treat as closed, comma-separated.")] = "",
    norm_minutes: Annotated[float, typer.Option(min=0, help="The norm [min].")] = 45.0,
    service: Annotated[str, typer.Option(help="'seh' (24/7 SEHs) or 'av' (obstetrics).")] = "seh",
    label: Annotated[
        str,
        typer.Option(
            help="More site ids to label, comma-separated (closed and sensitive SEHs always are)."
        ),
    ] = "",
    dispatch_minutes: _Minutes = None,
    on_scene_minutes: _Minutes = None,
    profile: _Profile = "ambulance",
) -> None:
    """Draw call-to-door minutes per area, the norm, SEHs and posts to a PNG."""
    from acutesim.config.load import load_region_with_areas
    from acutesim.geo.norm import norm_parameters
    from acutesim.geo.reachability import reachability
    from acutesim.report.maps import MAP_FORMATS, write_reachability_map

    if out.suffix.lower().lstrip(".") not in MAP_FORMATS:
        expected = ", ".join(f".{f}" for f in MAP_FORMATS)
        _err(
            f"acutesim: --out {out}: unknown suffix {out.suffix or '(none)'!r}; expected {expected}"
        )
        raise typer.Exit(2)
    pack, areas = load_region_with_areas(region)
    params = norm_parameters(
        pack, dispatch_minutes=dispatch_minutes, on_scene_minutes=on_scene_minutes
    )
    result = reachability(
        pack, closed=_ids(closed), norm_minutes=norm_minutes, service=service, areas=areas,
        params=params, profile=profile, with_sensitivity=True,
    )  # fmt: skip
    path = write_reachability_map(result, pack, out, named=_ids(label))
    _err(f"map written to {path}")


@app.command()
def explore(
    region: Annotated[Path, typer.Argument(help="Region pack folder.")],
    out: Annotated[Path, typer.Option(help="HTML file to write.")],
    service: Annotated[str, typer.Option(help="'seh' (24/7 SEHs) or 'av' (obstetrics).")] = "seh",
) -> None:
    """Write a self-contained page to close SEHs by a click and see the 45-minute norm."""
    from acutesim.config.load import load_region_with_areas
    from acutesim.report.explorer import write_explorer

    pack, areas = load_region_with_areas(region)
    path = write_explorer(pack, out, areas, service=service)
    _err(f"explorer written to {path} ({path.stat().st_size / 1e6:.2f} MB; open it in a browser)")


def _print_table(text: str) -> None:
    typer.echo(text)


# After SIGTERM the run stops its workers and exits; should that take longer than this
# (a blocked worker, a hung scheduler), the process ends itself anyway.
TERMINATE_GRACE_SECONDS = 10.0


def _terminate(signum: int, frame: object) -> None:
    """Treat SIGTERM like Ctrl-C, so a stopped batch shuts its workers down cleanly.

    A second SIGTERM, or the first one not done within ``TERMINATE_GRACE_SECONDS``,
    ends the process at once (exit 143): a SIGTERM always ends the run within seconds.
    """
    import os
    import threading

    if _state.get("terminating"):
        os._exit(128 + signal.SIGTERM)
    _state["terminating"] = True
    timer = threading.Timer(TERMINATE_GRACE_SECONDS, os._exit, args=(128 + signal.SIGTERM,))
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: run the app, turning acutesim errors into messages and exit codes."""
    from acutesim.errors import (
        AcutesimError,
        ConfigError,
        EngineBuildError,
        GeoError,
        ResultsError,
    )

    debug = "--debug" in sys.argv
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app()
    except AcutesimError as exc:
        if debug:
            raise
        _err(f"acutesim: {exc}")
        bad_input = isinstance(exc, ConfigError | GeoError | ResultsError | EngineBuildError)
        sys.exit(2 if bad_input else 1)
    except KeyboardInterrupt:
        _err("acutesim: interrupted; finished tasks are kept, run again to resume")
        sys.exit(130)


if __name__ == "__main__":
    main()
