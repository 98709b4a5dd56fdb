"""The results directory: manifest, per-task Parquet parts written atomically, merged tables.

``results/<experiment>/`` holds ``manifest.json``, a ``parts/`` folder with one folder
per finished (scenario, replication) task, and the merged tidy tables (``kpis.parquet``,
``status.parquet``, ``closures.parquet``, ``finance.parquet``, ``timeseries.parquet``).
A task's files are written to temporary names and renamed; its ``done.json`` marker is
written last, so an interrupted task is simply redone and a finished one never is.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.errors import ResultsError
from acutesim.experiment.journeys import VEHICLES_SCHEMA

TABLES: dict[str, pa.Schema] = {
    "kpis": pa.schema(
        [("scenario", pa.string()), ("replication", pa.int64()), ("kpi", pa.string()),
         ("value", pa.float64()), ("site_id", pa.string())]
    ),
    "status": pa.schema(
        [("scenario", pa.string()), ("replication", pa.int64()), ("site_id", pa.string()),
         ("t_start", pa.float64()), ("t_end", pa.float64()), ("status", pa.string())]
    ),
    "closures": pa.schema(
        [("scenario", pa.string()), ("replication", pa.int64()), ("site_id", pa.string()),
         ("date", pa.string()), ("t_minutes", pa.float64()), ("action", pa.string()),
         ("reason", pa.string())]
    ),
    "vehicles": VEHICLES_SCHEMA,
    "timeseries": pa.schema(
        [("scenario", pa.string()), ("replication", pa.int64()), ("t_days", pa.float64()),
         ("kpi", pa.string()), ("value", pa.float64())]
    ),
}  # fmt: skip
# finance.parquet carries the books' component columns too; this is its shape when a run
# closed no month (a horizon shorter than the first month).
FINANCE_BASE = pa.schema(
    [("scenario", pa.string()), ("replication", pa.int64()), ("organisation", pa.string()),
     ("site_id", pa.string()), ("month", pa.string()), ("revenue_eur", pa.float64()),
     ("cost_eur", pa.float64()), ("margin_eur", pa.float64())]
)  # fmt: skip
SORT_KEYS = {
    "kpis": ["kpi", "site_id"],
    "status": ["site_id", "t_start"],
    "closures": ["t_minutes", "site_id"],
    "timeseries": ["kpi", "t_days"],
    "vehicles": ["vehicle_id", "shift_start_minutes"],
    "finance": ["organisation", "site_id", "month"],
}


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file via a temporary name and an atomic rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def atomic_write_table(table: pa.Table, path: Path) -> None:
    """Write a Parquet file atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


class ResultsStore:
    """Reads and writes one results directory.

    Parameters
    ----------
    out_dir : Path
        The results directory (created when missing).
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.parts = self.out_dir / "parts"

    # -- manifest ------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Path of ``manifest.json``."""
        return self.out_dir / "manifest.json"

    def read_manifest(self) -> dict[str, Any] | None:
        """Return the manifest, or None when the directory holds none."""
        if not self.manifest_path.exists():
            return None
        try:
            return dict(json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except json.JSONDecodeError as exc:
            raise ResultsError(f"{self.manifest_path}: not valid JSON ({exc})") from exc

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(
            self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True, default=str).encode()
        )

    def clear(self) -> None:
        """Remove every result (``--force``)."""
        if self.parts.exists():
            shutil.rmtree(self.parts)
        for name in [*TABLES, "finance", "patients"]:
            (self.out_dir / f"{name}.parquet").unlink(missing_ok=True)
        self.manifest_path.unlink(missing_ok=True)

    # -- parts ---------------------------------------------------------------------------
    def task_dir(self, key: str) -> Path:
        """Folder of one task's parts."""
        return self.parts / key

    def is_done(self, key: str) -> bool:
        """True when the task finished and all its parts are on disk."""
        return (self.task_dir(key) / "done.json").exists()

    def write_task(
        self,
        key: str,
        tables: dict[str, pa.Table],
        meta: dict[str, Any],
        files: dict[str, Path] | None = None,
    ) -> None:
        """Write one task's tables, move in its finished ``files``, then ``done.json`` (last).

        ``files`` maps a name in the task folder to a file the task already wrote
        elsewhere (the streamed ``patients.parquet``); it is renamed into place.
        """
        d = self.task_dir(key)
        if d.exists() and not self.is_done(key):
            shutil.rmtree(d)  # a partial task from an interrupted run: redo it whole
        d.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            atomic_write_table(table, d / f"{name}.parquet")
        for name, src in (files or {}).items():
            os.replace(src, d / name)
        atomic_write_bytes(d / "done.json", json.dumps(meta, sort_keys=True, default=str).encode())

    def task_meta(self, key: str) -> dict[str, Any]:
        """The ``done.json`` of a finished task."""
        return dict(json.loads((self.task_dir(key) / "done.json").read_text(encoding="utf-8")))

    # -- merged tables ---------------------------------------------------------------------
    def merge(self, keys: Iterable[str], scenario_order: list[str]) -> dict[str, int]:
        """Concatenate the parts of ``keys`` into the merged tables, sorted; return row counts."""
        keys = list(keys)
        counts: dict[str, int] = {}
        order = {s: i for i, s in enumerate(scenario_order)}
        for name in [*TABLES, "finance"]:
            frames = [
                pq.read_table(self.task_dir(k) / f"{name}.parquet")
                for k in keys
                if (self.task_dir(k) / f"{name}.parquet").exists()
            ]
            schema = TABLES.get(name, FINANCE_BASE)
            if frames:
                table = pa.concat_tables(frames, promote_options="default")
            else:
                table = schema.empty_table()
            df = table.to_pandas()
            if len(df):
                df["_order"] = df["scenario"].map(order)
                keys_ = ["_order", "replication", *[c for c in SORT_KEYS[name] if c in df.columns]]
                df = df.sort_values(keys_, kind="stable", na_position="first").drop(
                    columns="_order"
                )
                df = df.reset_index(drop=True)
                table = pa.Table.from_pandas(df, schema=table.schema, preserve_index=False)
            atomic_write_table(table, self.out_dir / f"{name}.parquet")
            counts[name] = table.num_rows
        return counts

    def read(self, name: str) -> pd.DataFrame:
        """Read a merged table."""
        path = self.out_dir / f"{name}.parquet"
        if not path.exists():
            raise ResultsError(
                f"{path}: not found; is '{self.out_dir}' a finished results directory "
                "(run 'acutesim run' first)?"
            )
        return pq.read_table(path).to_pandas()
