"""Fail when a module of the package is longer than the limit (700 lines by default).

A module that grows past a few hundred lines has usually taken on a second job; the
limit keeps each responsibility in a module of its own (issue 11). Lines are counted
as ``wc -l`` counts them (newline characters).

Usage::

    python scripts/check_module_size.py                    # acutesim/, 700 lines
    python scripts/check_module_size.py --limit 600 acutesim

Exit status 0 when every module is within the limit, 1 (with the list, longest first)
when some are not, 2 when the folder does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 700


def count_lines(path: Path) -> int:
    """Newline characters in a file, as ``wc -l`` counts them [lines]."""
    return path.read_bytes().count(b"\n")


def oversized(root: Path, limit: int = MAX_MODULE_LINES) -> list[tuple[Path, int]]:
    """Every ``*.py`` below ``root`` with more than ``limit`` lines, longest first."""
    found = [(p, count_lines(p)) for p in sorted(root.rglob("*.py"))]
    return sorted(((p, n) for p, n in found if n > limit), key=lambda item: (-item[1], item[0]))


def main(argv: list[str] | None = None) -> int:
    """Check the modules below a folder; print the ones over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=PROJECT / "acutesim")
    parser.add_argument("--limit", type=int, default=MAX_MODULE_LINES, help="lines per module")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"check_module_size: {args.root} is not a folder", file=sys.stderr)
        return 2
    over = oversized(args.root, args.limit)
    if not over:
        print(f"check_module_size: every module in {args.root} has at most {args.limit} lines")
        return 0
    print(f"check_module_size: {len(over)} modules over {args.limit} lines:", file=sys.stderr)
    for path, n in over:
        print(f"  {path.relative_to(args.root.parent)}: {n} lines", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
