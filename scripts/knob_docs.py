"""Write acutesim/report/assets/knobs.json from docs/assumptions.md.

The report's method section lists every funding and behaviour knob a scenario set with
its source; the package ships those sources (so an installed acutesim reports them too).
Run after editing a knob table in docs/assumptions.md:

    python scripts/knob_docs.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from acutesim.report.data import KNOB_DOCS_ASSET, read_knob_docs  # noqa: E402

OUT = ROOT / "acutesim" / "report" / "assets" / KNOB_DOCS_ASSET


def render() -> str:
    """The asset's text for the current docs/assumptions.md."""
    docs = read_knob_docs(ROOT / "docs" / "assumptions.md")
    return json.dumps(docs, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    sys.stderr.write(f"wrote {OUT}\n")
