"""The results directory: lock, manifest, verified per-task parts, an all-or-nothing merge.

``results/<experiment>/`` holds ``manifest.json``, a ``parts/`` folder with one folder
per finished task, and the merged tidy tables (``kpis.parquet``, ``status.parquet``,
``closures.parquet``, ``finance.parquet``, ``timeseries.parquet``), and ``region/``, a
copy of the region pack the run read (:mod:`acutesim.experiment.snapshot`).

- **Lock.** A run holds an exclusive ``flock`` on ``.acutesim.lock`` for its whole life;
  a second run into the same folder is refused with the holder's pid, host and start
  time. The kernel drops the lock when its holder dies, so a resume after ``kill -9``
  takes it over at once.
- **Parts.** A task's files are written to temporary names and renamed; its
  ``done.json`` is written last and records the task key, the task's scenario and
  replication, and every file's row count, size and SHA-256. A part whose files are
  missing, truncated, changed or belong to another task is not done: it runs again.
- **Merge.** The merged tables are first written under temporary names and only renamed
  into place when all of them are written; the manifest, written after that, records
  each table's rows and SHA-256 and ``status = "complete"``. A reader
  (``check_complete``) refuses a folder whose manifest is not complete or whose tables
  do not match it, so a merge cut short (a full disk, a kill) is never read as results.
- **Ownership.** The manifest lists what acutesim wrote (``written``); ``clear``
  (``--force``) deletes only those files, never anything else in the folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import json
import os
import socket
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from acutesim.atomic import atomic_path, atomic_write_bytes
from acutesim.errors import ResultsError
from acutesim.experiment.journeys import VEHICLES_SCHEMA

if TYPE_CHECKING:
    import pandas as pd

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
MERGED = (*TABLES, "finance")
LOCK_NAME = ".acutesim.lock"
DONE = "done.json"
ROW_GROUP_ROWS = 65_536  # rows per Parquet row group of a written table
STORE_FORMAT = 2  # manifest layout; 1 had no table checks, lock or ownership list


def merged_tables() -> tuple[str, ...]:
    """Names of the merged tables (``TABLES`` plus ``finance``)."""
    return (*TABLES, "finance")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_record(path: Path, rows: int | None = None) -> dict[str, Any]:
    """Rows, bytes and SHA-256 of a written file (rows read from a Parquet footer if None)."""
    if rows is None:
        rows = pq.ParquetFile(path).metadata.num_rows
    return {"rows": int(rows), "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write a Parquet file (the one place the store writes Parquet; tests patch it).

    In row groups of at most :data:`ROW_GROUP_ROWS` rows: the writer holds one row
    group's encoded pages until it is flushed, so a national year's vehicle table (about
    580,000 rows) no longer needs all of them at once (peak of the write 48 -> 24 MB).
    """
    pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS)


def atomic_write_table(table: pa.Table, path: Path) -> None:
    """Write a Parquet file atomically."""
    with atomic_path(path) as tmp:
        write_parquet(table, tmp)


class ResultsLock:
    """An exclusive lock on a results folder, held until ``release`` or process death.

    Parameters
    ----------
    out_dir : Path
        The results folder (created when missing).
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.path = Path(out_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> ResultsLock:
        """Take the lock or raise ResultsError naming its holder."""
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ResultsError(
                f"{self.path.parent}: cannot be used as a results folder ({exc.strerror or exc})"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_holder(fd)
            os.close(fd)
            raise ResultsError(
                f"{self.path.parent}: in use by another acutesim run ({holder}); wait for it "
                "to finish or stop it, or pass another --out"
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "since": _now(),
            "command": " ".join(sys.argv[:6]),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Drop the lock (the file stays: removing it would race with a new holder)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ResultsLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_holder(out_dir: str | Path) -> str | None:
    """Who holds the lock on ``out_dir`` now (None when no run holds it)."""
    import fcntl

    path = Path(out_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return _read_holder(fd)
    finally:
        os.close(fd)  # also drops a shared lock just taken
    return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def _read_holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace") or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "holder unknown"
    return (
        f"pid {info.get('pid')} of user {info.get('user', '?')} on {info.get('host', '?')}, "
        f"since {info.get('since', '?')}: {info.get('command', '')}".rstrip(": ")
    )


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
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ResultsError(f"{self.manifest_path}: not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise ResultsError(f"{self.manifest_path}: expected a JSON object")
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(
            self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True, default=str).encode()
        )

    def clear(self) -> list[str]:
        """Remove every file acutesim wrote here (``--force``); return what was removed.

        Only the merged tables, the task folders and the manifest listed in the
        manifest's ``written`` are touched, in a task folder only the files its writer
        makes (Parquet parts, ``done.json`` and their temporary names), and in
        ``region/`` only the files of the region snapshot the manifest records. Anything
        else in the folder stays.
        """
        manifest = self.read_manifest_or_none()
        if manifest is None:
            return []
        from acutesim.experiment.snapshot import SNAPSHOT_KEY, remove_snapshot

        removed = remove_snapshot(self.out_dir, manifest.get(SNAPSHOT_KEY))
        for rel in manifest.get("written") or []:
            if not isinstance(rel, str):
                continue
            path = self._own_path(rel)
            if path is None:
                continue
            if rel.startswith("parts/") and path.is_dir():
                removed.extend(self._clear_task_dir(path))
            elif path.is_file():
                path.unlink()
                removed.append(rel)
        with contextlib.suppress(OSError):
            self.parts.rmdir()  # only when empty
        self.manifest_path.unlink(missing_ok=True)
        removed.append("manifest.json")
        return removed

    def read_manifest_or_none(self) -> dict[str, Any] | None:
        """The manifest, or None when it is missing or unreadable."""
        try:
            return self.read_manifest()
        except ResultsError:
            return None

    def _own_path(self, rel: str) -> Path | None:
        """``rel`` inside this folder, or None when it would lead outside or is not ours."""
        from acutesim.experiment.spec import TASK_KEY_PATTERN

        parts = Path(rel).parts
        if ".." in parts or Path(rel).is_absolute():
            return None
        if len(parts) == 1 and parts[0] in {f"{n}.parquet" for n in (*MERGED, "patients")}:
            return self.out_dir / rel
        if len(parts) == 2 and parts[0] == "parts" and TASK_KEY_PATTERN.match(parts[1]):
            return self.out_dir / rel
        return None

    def _clear_task_dir(self, d: Path) -> list[str]:
        removed = []
        for f in d.iterdir():
            own = f.name == DONE or f.suffix == ".parquet" or f.name.endswith(".tmp")
            if own and f.is_file() and not f.is_symlink():
                f.unlink()
                removed.append(str(f.relative_to(self.out_dir)))
        with contextlib.suppress(OSError):
            d.rmdir()
        return removed

    # -- parts ---------------------------------------------------------------------------
    def task_dir(self, key: str) -> Path:
        """Folder of one task's parts."""
        return self.parts / key

    def start_task(self, key: str) -> Path:
        """Empty a task folder of its own earlier files before the task (re)runs."""
        d = self.task_dir(key)
        if d.exists():
            self._clear_task_dir(d)
        d.mkdir(parents=True, exist_ok=True)
        return d

    def is_done(self, key: str, expect: Mapping[str, Any] | None = None) -> bool:
        """True when the task finished and its parts are all there, whole and its own."""
        return self.part_problem(key, expect) is None

    def part_problem(self, key: str, expect: Mapping[str, Any] | None = None) -> str | None:
        """Why a task's part is not usable (None when it is).

        Parameters
        ----------
        key : str
            The task key.
        expect : mapping, optional
            ``scenario``, ``replication`` (and any other ``done.json`` field) the part must
            record.
        """
        d = self.task_dir(key)
        done = d / DONE
        if not done.exists():
            return "not finished" if d.exists() else "not run"
        try:
            meta = json.loads(done.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return f"{DONE} unreadable ({exc})"
        if not isinstance(meta, dict) or meta.get("key") != key:
            other = meta.get("key") if isinstance(meta, dict) else None
            return f"{DONE} belongs to task {other!r}"
        for field, value in (expect or {}).items():
            if meta.get(field) != value:
                return f"{DONE} records {field}={meta.get(field)!r}, expected {value!r}"
        files = meta.get("files")
        if not isinstance(files, dict) or not files:
            return f"{DONE} lists no files (written by an older acutesim)"
        for name, rec in files.items():
            f = d / str(name)
            if Path(str(name)).name != name or not f.is_file():
                return f"{name} is missing"
            if f.stat().st_size != rec.get("bytes"):
                return f"{name} has {f.stat().st_size} bytes, {rec.get('bytes')} were written"
            if file_sha256(f) != rec.get("sha256"):
                return f"{name} is not the file this task wrote (SHA-256 differs)"
        return None

    def write_task(
        self,
        key: str,
        tables: dict[str, pa.Table],
        meta: dict[str, Any],
        extra_files: dict[str, Path] | None = None,
    ) -> None:
        """Write one task's tables, move in its ``extra_files``, then ``done.json`` (last).

        ``done.json`` lists every file of the task with its rows, bytes and SHA-256.
        ``extra_files`` maps a name in the task folder to a file the task already wrote
        elsewhere (the streamed ``patients.parquet``); it is renamed into place.
        ``start_task`` emptied the folder before the task began.
        """
        d = self.task_dir(key)
        d.mkdir(parents=True, exist_ok=True)
        files: dict[str, dict[str, Any]] = {}
        for name, table in tables.items():
            path = d / f"{name}.parquet"
            atomic_write_table(table, path)
            files[path.name] = file_record(path, table.num_rows)
        for name, src in (extra_files or {}).items():
            os.replace(src, d / name)
        for extra in sorted(d.glob("*.parquet")):
            if extra.name not in files:
                files[extra.name] = file_record(extra)
        record = {**meta, "key": key, "files": files}
        atomic_write_bytes(d / DONE, json.dumps(record, sort_keys=True, default=str).encode())

    def task_meta(self, key: str) -> dict[str, Any]:
        """The ``done.json`` of a finished task."""
        return dict(json.loads((self.task_dir(key) / DONE).read_text(encoding="utf-8")))

    # -- merged tables ---------------------------------------------------------------------
    def merge(
        self, tasks: Iterable[Mapping[str, Any]], scenario_order: list[str]
    ) -> dict[str, dict[str, Any]]:
        """Merge the parts of ``tasks`` into the merged tables, all of them or none.

        Parameters
        ----------
        tasks : iterable of mapping
            ``key``, ``scenario`` and ``replication`` of each task to merge.
        scenario_order : list of str
            Scenario names in run order (rows are sorted by it, then by replication).

        Returns
        -------
        dict
            Per table: ``rows``, ``bytes`` and ``sha256`` of the merged file.

        Raises
        ------
        ResultsError
            When a part does not hold what its ``done.json`` says (rows, scenario,
            replication), or a table cannot be written; no merged table is replaced then.
        """
        tasks = list(tasks)
        order = {s: i for i, s in enumerate(scenario_order)}
        staged: dict[str, Path] = {}
        try:
            for name in MERGED:
                table = self._merged_table(name, tasks, order)
                tmp = self.out_dir / f".{name}.parquet.merge.tmp"
                staged[name] = tmp
                write_parquet(table, tmp)
        except BaseException as exc:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
            if isinstance(exc, ResultsError | KeyboardInterrupt):
                raise
            if isinstance(exc, OSError):
                raise ResultsError(
                    f"{self.out_dir}: the final merge failed ({exc}); no merged table was "
                    "replaced and the folder is marked incomplete; free space and run the "
                    "same command again"
                ) from exc
            raise
        for name, tmp in staged.items():
            os.replace(tmp, self.out_dir / f"{name}.parquet")
        return {name: file_record(self.out_dir / f"{name}.parquet") for name in MERGED}

    def _merged_table(
        self, name: str, tasks: list[Mapping[str, Any]], order: Mapping[str, int]
    ) -> pa.Table:
        frames = []
        for t in tasks:
            key = str(t["key"])
            path = self.task_dir(key) / f"{name}.parquet"
            meta = self.task_meta(key)
            rec = (meta.get("files") or {}).get(path.name)
            if rec is None:
                if path.exists():
                    raise ResultsError(f"{path}: not listed in its {DONE}; run again to redo it")
                continue
            try:
                part = pq.read_table(path)
            except (OSError, pa.ArrowException) as exc:
                raise ResultsError(f"{path}: unreadable ({exc}); run again to redo it") from exc
            if part.num_rows != rec.get("rows"):
                raise ResultsError(
                    f"{path}: {part.num_rows} rows, its {DONE} says {rec.get('rows')}; "
                    "run again to redo it"
                )
            if part.num_rows:
                scen = set(part.column("scenario").to_pylist())
                reps = set(part.column("replication").to_pylist())
                if scen != {t["scenario"]} or reps != {t["replication"]}:
                    raise ResultsError(
                        f"{path}: holds scenario(s) {sorted(scen)} replication(s) {sorted(reps)}, "
                        f"expected {t['scenario']!r} replication {t['replication']}; run again "
                        "to redo it"
                    )
            frames.append(part)
        schema = TABLES.get(name, FINANCE_BASE)
        table = pa.concat_tables(frames, promote_options="default") if frames else None
        if table is None:
            return schema.empty_table()
        df = table.to_pandas()
        if len(df):
            df["_order"] = df["scenario"].map(order)
            keys_ = ["_order", "replication", *[c for c in SORT_KEYS[name] if c in df.columns]]
            df = df.sort_values(keys_, kind="stable", na_position="first").drop(columns="_order")
            df = df.reset_index(drop=True)
            table = pa.Table.from_pandas(df, schema=table.schema, preserve_index=False)
        return table

    # -- reading ---------------------------------------------------------------------------
    def check_complete(self) -> dict[str, Any]:
        """Return the manifest of a complete, consistent folder; raise ResultsError if not.

        Complete means: a manifest of this store format with ``status = "complete"``,
        and every merged table present with the rows and SHA-256 the manifest records.
        """
        manifest = self.read_manifest()
        where = str(self.out_dir)
        if manifest is None:
            raise ResultsError(
                f"{where}: no manifest.json; is this a results directory of 'acutesim run'?"
            )
        if manifest.get("store_format") != STORE_FORMAT:
            raise ResultsError(
                f"{where}: written by an acutesim without table checks (store format "
                f"{manifest.get('store_format', 1)}, {STORE_FORMAT} expected); run it again "
                "with --force"
            )
        holder = lock_holder(self.out_dir) if manifest.get("status") != "complete" else None
        if holder is not None:
            raise ResultsError(
                f"{where}: a run is writing these results now ({holder}); wait for it to finish"
            )
        if manifest.get("status") != "complete":
            raise ResultsError(
                f"{where}: INCOMPLETE results (status {manifest.get('status')!r}): a run was "
                "interrupted or its final merge failed, so the tables may mix old and new "
                "results; run the same command again to finish it"
            )
        tables = manifest.get("tables") or {}
        if "kpis" not in tables:
            raise ResultsError(
                f"{self.out_dir / 'kpis.parquet'}: not found in the manifest; the run did not "
                "finish (run it again to resume)"
            )
        for name in MERGED:
            rec = tables.get(name)
            path = self.out_dir / f"{name}.parquet"
            if rec is None:
                if path.exists():
                    raise ResultsError(f"{path}: not recorded in manifest.json; run again")
                continue
            if not path.exists():
                raise ResultsError(f"{path}: missing, but the manifest records it; run again")
            if path.stat().st_size != rec.get("bytes") or file_sha256(path) != rec.get("sha256"):
                raise ResultsError(
                    f"{path}: not the table the manifest records (changed after the run, or "
                    "written by another run); run again with --force"
                )
        return manifest

    def seal(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Record the merged tables now in the folder as complete, and write the manifest.

        For folders assembled outside ``acutesim run`` (tests, imports of other results):
        ``check_complete`` then accepts them as long as the tables stay as they are.
        """
        tables = {
            name: file_record(self.out_dir / f"{name}.parquet")
            for name in MERGED
            if (self.out_dir / f"{name}.parquet").exists()
        }
        sealed = {**manifest, "store_format": STORE_FORMAT, "status": "complete", "tables": tables}
        self.write_manifest(sealed)
        return sealed

    def read(self, name: str) -> pd.DataFrame:
        """Read a merged table."""
        path = self.out_dir / f"{name}.parquet"
        if not path.exists():
            raise ResultsError(
                f"{path}: not found; is '{self.out_dir}' a finished results directory "
                "(run 'acutesim run' first)?"
            )
        try:
            return pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as exc:
            raise ResultsError(f"{path}: unreadable ({exc}); run again") from exc
