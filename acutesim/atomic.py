"""Atomic file writes: a file is either absent, the old one, or complete, never half written.

A run can be interrupted at any moment (Ctrl-C, a full disk, a killed worker), and a
resumed run trusts what it finds on disk. So every result file is first written under a
temporary name in the same folder (``.<name>.tmp``) and then renamed onto its final name,
which the operating system does in one step on the same file system. This is the one
home of that rule; every layer uses it (it imports nothing of acutesim).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_SUFFIX = ".tmp"


def temporary_sibling(path: Path) -> Path:
    """The temporary name a file is written under before it is renamed to ``path``.

    ``results/kpis.parquet`` is written as ``results/.kpis.parquet.tmp``: hidden, in the
    same folder (so the rename stays on one file system), and recognisable as a leftover.
    """
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Give a temporary path to write to; rename it onto ``path`` when the block succeeds.

    When the block raises, the temporary file is removed and ``path`` is left as it was.
    When the block wrote nothing at the temporary path, ``path`` is also left as it was.

    Parameters
    ----------
    path : str or Path
        The final file.

    Yields
    ------
    Path
        The temporary file to write (see :func:`temporary_sibling`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt']
    """
    final = Path(path)
    tmp = temporary_sibling(final)
    tmp.unlink(missing_ok=True)  # a leftover of an interrupted write is never renamed
    try:
        yield tmp
        if tmp.exists():
            os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, flushed to disk (fsync) before the rename.

    Parameters
    ----------
    path : str or Path
        The final file.
    data : bytes
        Its whole content.
    """
    with atomic_path(path) as tmp, tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


__all__ = ["TMP_SUFFIX", "atomic_path", "atomic_write_bytes", "temporary_sibling"]
