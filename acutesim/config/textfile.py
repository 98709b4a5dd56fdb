"""Read the text files of a pack (TOML, CSV) strictly, with located encoding problems.

Pack files come from spreadsheets and editors: an Excel CSV starts with a UTF-8 byte
order mark and may use ';' as its separator, an old tool writes Latin-1, a copy is cut
off half way. This module reads the bytes, refuses an empty file or one that is not
UTF-8 (naming the line and byte), drops a byte order mark, and splits CSV rows with the
standard ``csv`` module, checking that every row has as many fields as the header. It
returns plain strings; the schema turns them into values.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acutesim.config import tomlsafe

BOM = "\ufeff"
# The TOML reader refuses nesting deeper than this (``tomlsafe.MAX_DEPTH``).
MAX_TOML_DEPTH = tomlsafe.MAX_DEPTH


def read_text(path: Path, problems: list[str], *, label: str | None = None) -> str | None:
    """Return the UTF-8 text of a file without a byte order mark, or None after a problem.

    Parameters
    ----------
    path : Path
        The file to read.
    problems : list of str
        Located problems are appended here (file not found, empty, not UTF-8).
    label : str, optional
        How the file is named in messages [default: its file name].
    """
    name = label or path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(f"{name}: file not found at '{path}'")
        return None
    except IsADirectoryError:
        problems.append(f"{name}: '{path}' is a folder, not a file")
        return None
    except OSError as exc:
        problems.append(f"{name}: cannot be read: {exc.strerror or exc}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        excel = " (in Excel: 'CSV UTF-8')" if path.suffix.lower() == ".csv" else ""
        problems.append(
            f"{name} line {line}: not UTF-8 (byte 0x{byte} at offset {exc.start}); save the "
            f"file as UTF-8{excel}"
        )
        return None
    text = text.removeprefix(BOM)
    if not text.strip():
        problems.append(f"{name}: the file is empty")
        return None
    return text


def read_toml(
    path: Path, problems: list[str], *, label: str | None = None
) -> dict[str, Any] | None:
    """Parse a TOML file strictly (UTF-8, BOM dropped, bounded nesting), or None.

    Parameters
    ----------
    path : Path
        The TOML file.
    problems : list of str
        Located problems are appended here.
    label : str, optional
        How the file is named in messages [default: its file name].
    """
    name = label or path.name
    text = read_text(path, problems, label=name)
    if text is None:
        return None
    try:
        return tomlsafe.loads(text)
    except tomlsafe.TomlTooDeep as exc:
        problems.append(f"{name}: {exc}")
    except tomllib.TOMLDecodeError as exc:
        where = str(exc)
        if "end of document" in where:
            n = text.rstrip("\n").count("\n") + 1
            where += f"; line {n} is the last line: is the file truncated?"
        problems.append(f"{name}: not valid TOML: {where}")
    except RecursionError:
        problems.append(f"{name}: nested too deeply to read")
    return None


@dataclass(frozen=True)
class CSVTable:
    """A CSV file as strings: the header and the data rows with their line numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def read_csv_table(path: Path, problems: list[str]) -> CSVTable | None:
    """Read a plain comma-separated file (header first, no comments) as strings, or None.

    Every data row must have as many fields as the header (a truncated or shifted file
    is refused, naming the line). A row index in messages counts data rows from 1, as
    in the rest of acutesim.

    Parameters
    ----------
    path : Path
        The CSV file.
    problems : list of str
        Located problems are appended here.
    """
    name = path.name
    text = read_text(path, problems)
    if text is None:
        return None
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if first.lstrip().startswith("#"):
        problems.append(
            f"{name} line 1: starts with a comment ({first.strip()[:40]!r}); CSV files are "
            "plain: the header is the first line (put notes in README.md or region.toml)"
        )
        return None
    if ";" in first and "," not in first:
        problems.append(
            f"{name} line 1: columns are separated by ';'; acutesim reads comma-separated "
            "files (in Excel: save as 'CSV UTF-8 (comma delimited)')"
        )
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        problems.append(f"{name}: cannot be read as CSV: {exc}")
        return None
    header = tuple(c.strip() for c in records[0])
    if not any(header):
        problems.append(f"{name} line 1: the header is empty")
        return None
    rows: list[tuple[int, dict[str, str]]] = []
    bad = 0
    for i, rec in enumerate(records[1:], start=1):
        if not rec or all(not c.strip() for c in rec):
            continue  # blank line
        if len(rec) != len(header):
            bad += 1
            if bad <= 5:
                problems.append(
                    f"{name} row {i} (line {i + 1}): {len(rec)} fields, the header has "
                    f"{len(header)}; is the file truncated or a value unquoted?"
                )
            continue
        rows.append((i, dict(zip(header, rec, strict=True))))
    if bad > 5:
        problems.append(f"{name}: {bad - 5} more rows with the wrong number of fields")
    if bad:
        return None
    return CSVTable(header=header, rows=tuple(rows))
