"""Per-journey and per-vehicle tables of a run: the Arrow shape and the streamed merge.

``patients.parquet`` (one row per journey, when a scenario sets ``record_patients``)
can be large, so the per-task files are merged into the results directory batch by
batch, never as one table in memory. ``vehicles.parquet`` holds one row per vehicle and
shift window (busy minutes by activity, on-duty minutes, utilisation).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.atomic import atomic_path
from acutesim.domain.calendar import Calendar
from acutesim.domain.calls import CallLog
from acutesim.domain.region import Region
from acutesim.sim.recorder import PATIENT_COLUMNS, VEHICLE_COLUMNS

PATIENTS_FILE = "patients.parquet"

_PATIENT_STRINGS = {"stream", "route", "arrival_route", "area_id", "site_id", "urgency", "mts",
                    "state", "reason", "vehicle_id", "post_id"}  # fmt: skip
_PATIENT_INTS = {"patient_id", "n_site_transfers"}
# Fixed, so that a batch or task whose column is all null still has the same schema.
PATIENTS_SCHEMA = pa.schema(
    [("scenario", pa.string()), ("replication", pa.int64())]
    + [
        (
            c,
            pa.string()
            if c in _PATIENT_STRINGS
            else pa.int64()
            if c in _PATIENT_INTS
            else pa.bool_()
            if c == "admitted"
            else pa.float64(),
        )
        for c in PATIENT_COLUMNS
    ]
)

VEHICLES_SCHEMA = pa.schema(
    [("scenario", pa.string()), ("replication", pa.int64()), ("date", pa.string()),
     *((c, pa.string() if c in ("vehicle_id", "post_id", "shift") else pa.float64())
       for c in VEHICLE_COLUMNS)]
)  # fmt: skip


def vehicles_table(
    rows: list[tuple[Any, ...]], scenario: str, replication: int, calendar: Calendar
) -> pa.Table:
    """The per-vehicle, per-shift table of one task."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(VEHICLE_COLUMNS)
    data: dict[str, list[Any]] = {
        "scenario": [scenario] * len(rows),
        "replication": [replication] * len(rows),
        "date": [calendar.date(r[2]).isoformat() for r in rows],
    }
    data.update({name: list(c) for name, c in zip(VEHICLE_COLUMNS, cols, strict=True)})
    return pa.table(data, schema=VEHICLES_SCHEMA)


def staged_patients_path(parts: Path, key: str) -> Path:
    """Where a task writes its patients before the store moves them into the task folder."""
    return parts / f".{key}.{PATIENTS_FILE}"


def merge_patients(task_dirs: Iterable[Path], out_dir: Path) -> int:
    """Stream the tasks' ``patients.parquet`` into ``out_dir/patients.parquet``; return rows.

    Tasks are taken in the given order (scenario, then replication); a run without any
    recorded patients leaves no file (and removes a stale one).
    """
    path = out_dir / PATIENTS_FILE
    writer: pq.ParquetWriter | None = None
    n = 0
    with atomic_path(path) as tmp:
        try:
            for d in task_dirs:
                part = d / PATIENTS_FILE
                if not part.exists():
                    continue
                f = pq.ParquetFile(part)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, f.schema_arrow)
                for batch in f.iter_batches():
                    writer.write_batch(batch)
                    n += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
    if writer is None:
        path.unlink(missing_ok=True)
    return n


_CALL_LOGS: dict[tuple[str, str], CallLog] = {}


def call_log_of(path: str, region: Region) -> CallLog:
    """The call log at ``path`` read against ``region`` (once per worker process)."""
    from acutesim.config.calls import read_call_log

    key = (path, region.pack_path)
    if key not in _CALL_LOGS:
        _CALL_LOGS[key] = read_call_log(path, region)
    return _CALL_LOGS[key]
