"""What ``acutesim report`` does: the report of a results folder, its chart worker first.

The chart worker is started before anything heavy is imported, so its own start-up
(a spawned interpreter importing matplotlib and pandas) overlaps this process's; this
module imports only the pool at the top for that reason. A robustness sweep's report
draws its few charts in this process, so no worker is started for it (the manifest that
tells the two kinds apart is read with json alone, before the pool).
"""

from __future__ import annotations

from pathlib import Path

from acutesim.report.figure_pool import FigurePool, command_figure_workers


def report_results(
    results_dir: Path, out: Path | None, csv_locale: str, figure_processes: int | None
) -> str:
    """Write the report of an experiment run or a robustness sweep; say what was written.

    Parameters
    ----------
    results_dir : Path
        A results folder of ``acutesim run`` or ``acutesim robustness``.
    out : Path, optional
        The HTML file; default ``RESULTS_DIR/report.html``.
    csv_locale : {"en", "nl"}
        The style of ``summary.csv`` (run results only).
    figure_processes : int, optional
        Chart workers; default :func:`~acutesim.report.figure_pool.command_figure_workers`.

    Returns
    -------
    str
        The line that tells the user which files were written.
    """
    from acutesim.experiment.robustness_results import read_manifest  # json alone

    if read_manifest(results_dir) is not None:  # a sweep's report draws in this process
        from acutesim.report.html import companion_paths
        from acutesim.report.robustness import write_robustness_report

        path = write_robustness_report(results_dir, out)
        return f"report written to {path} (and {companion_paths(path)[0].name} beside it)"
    processes = command_figure_workers() if figure_processes is None else figure_processes
    with FigurePool(processes) as pool:  # the chart worker imports while this process does
        import atexit

        from acutesim.gc_tuning import freeze_before_exit
        from acutesim.report.html import companion_paths, write_report

        atexit.register(freeze_before_exit)  # the interpreter's last collections: 0.6 s
        path = write_report(results_dir, out, csv_locale=csv_locale, chart_pool=pool)
    md, csv = companion_paths(path)
    return (
        f"report written to {path} (and {md.name}, {csv.name}, {csv.with_suffix('.xlsx').name} "
        f"beside it; reach/<scenario>.gpkg in {results_dir})"
    )


__all__ = ["report_results"]
