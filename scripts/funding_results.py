"""Regenerate docs/funding-results.md from the shipped robustness sweep.

Runs (or resumes) ``acutesim robustness experiments/funding-robustness.toml`` into
``results/funding-robustness``, writes its report and copies the report's Markdown to
``docs/funding-results.md`` with a line that says how it was made.

    python scripts/funding_results.py [--workers 2]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "funding-robustness.toml"
OUT = ROOT / "results" / "funding-robustness"
DOC = ROOT / "docs" / "funding-results.md"
MADE_BY = (
    "Made by `python scripts/funding_results.py`: `acutesim robustness "
    "experiments/funding-robustness.toml`, then `acutesim report results/funding-robustness` "
    "(this is its report.md); do not edit by hand.\n\n"
)


def main() -> int:
    """Run the sweep, write its report and copy the Markdown into docs/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "acutesim.cli"]
    run = [*cli, "robustness", str(EXPERIMENT), "--out", str(OUT), "--workers", str(args.workers)]
    for cmd in (run, [*cli, "report", str(OUT)]):
        code = subprocess.call(cmd, cwd=ROOT)
        if code:
            return code
    text = (OUT / "report.md").read_text(encoding="utf-8")
    title, _, rest = text.partition("\n\n")
    DOC.write_text(f"{title}\n\n{MADE_BY}{rest}", encoding="utf-8")
    sys.stderr.write(f"wrote {DOC}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
