"""A TOML reader that refuses absurd nesting instead of overflowing the stack.

``tomllib`` parses nested arrays and inline tables recursively, so a file 5,000 inline
tables deep raises ``RecursionError``. ``loads`` first scans the text for the deepest
bracket nesting (outside strings and comments) and refuses anything deeper than
``MAX_DEPTH``, naming the line; it then checks the parsed tables the same way (dotted
keys nest without brackets).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

# Assumption (docs/assumptions.md, "TOML nesting"): no acutesim file nests deeper than
# about 6 levels; 64 leaves ample room and stays far below Python's recursion limit.
MAX_DEPTH = 64


class TomlTooDeep(tomllib.TOMLDecodeError):
    """The text nests arrays or tables deeper than ``MAX_DEPTH`` (a ``TOMLDecodeError``)."""


def _bracket_depth(text: str) -> tuple[int, int]:
    """Deepest ``[``/``{`` nesting outside strings and comments, and its line number."""
    depth = best = 0
    line = best_line = 1
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c in "\"'":
            triple = text.startswith(c * 3, i)
            end_mark = c * 3 if triple else c
            j = i + len(end_mark)
            while j < n:
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(end_mark, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            line += text.count("\n", i, j)
            i = j + len(end_mark)
            continue
        elif c in "[{":
            depth += 1
            if depth > best:
                best, best_line = depth, line
            if best > MAX_DEPTH:
                return best, best_line
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return best, best_line


def _value_depth(value: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        v, d = stack.pop()
        deepest = max(deepest, d)
        if d > MAX_DEPTH:
            return d
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)
    return deepest


def loads(text: str) -> dict[str, Any]:
    """Parse TOML text; raise ``TomlTooDeep`` beyond ``MAX_DEPTH`` levels of nesting."""
    depth, line = _bracket_depth(text)
    if depth > MAX_DEPTH:
        raise TomlTooDeep(
            f"line {line}: arrays or tables nested more than {MAX_DEPTH} deep; "
            "acutesim files need only a few levels"
        )
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise TomlTooDeep(f"nested more than {MAX_DEPTH} levels deep") from None
    if _value_depth(data) > MAX_DEPTH:
        raise TomlTooDeep(f"tables nested more than {MAX_DEPTH} levels deep (dotted keys)")
    return data


class TomlNotUtf8(tomllib.TOMLDecodeError):
    """The file is not UTF-8 text (a ``TOMLDecodeError``)."""


def load(path: str | Path) -> dict[str, Any]:
    """Read and parse a TOML file (UTF-8); errors as ``loads`` and ``tomllib``."""
    with Path(path).open("rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TomlNotUtf8(
            f"line {line}: byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"
        ) from None
    return loads(text)
