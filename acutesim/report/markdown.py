"""The Markdown twin of the HTML report: the same sections, sentences and tables as text.

``report.md`` is for reading in a repository or pasting into a memo; it carries every
number of ``report.html`` (the figures are only named, with their captions), printed
from the same strings, so the two never disagree.
"""

from __future__ import annotations

import html

from acutesim.report.blocks import Bullets, FigureSlot, Paragraph, ReportContent, Table


def _text(text: str) -> str:
    """Text as Markdown shows it, with ``<``, ``>`` and ``&`` as entities.

    A site called ``<script>`` is then printed, never run, by a Markdown viewer.
    """
    return html.escape(text, quote=False)


def _cell(text: str) -> str:
    return _text(text).replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> list[str]:
    """A Markdown pipe table (with caption and notes) as lines."""
    lines = []
    if table.caption:
        lines += [f"*{_text(table.caption)}*", ""]
    align = table.align or ["l"] * len(table.header)
    lines.append("| " + " | ".join(_cell(h) for h in table.header) + " |")
    lines.append("| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    for note in table.notes:
        lines += ["", _text(note)]
    return lines


def render_markdown(content: ReportContent) -> str:
    """Render the report content as Markdown.

    Parameters
    ----------
    content : ReportContent
        From :func:`acutesim.report.content.build_content`.

    Returns
    -------
    str
        The Markdown text (figures named with their captions, or the note that
        replaces them).
    """
    lines = [f"# {_text(content.title)}", ""]
    if content.subtitle:
        lines += [_text(content.subtitle), ""]
    for section in content.sections:
        lines += [f"## {_text(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                lines += [_text(block.text), ""]
            elif isinstance(block, Bullets):
                if block.lead:
                    lines += [_text(block.lead), ""]
                lines += [f"- {_text(item)}" for item in block.items]
                lines.append("")
            elif isinstance(block, Table):
                lines += [*table_markdown(block), ""]
            elif isinstance(block, FigureSlot):
                lines += [f"**Figure: {_text(block.title)}.**"]
                if block.note:
                    lines += [_text(block.note), ""]
                else:
                    lines += [f"{_text(block.caption)} (in report.html)", ""]
    return "\n".join(lines).rstrip() + "\n"
