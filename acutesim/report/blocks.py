"""The building blocks of a report: paragraphs, lists, tables, figure slots and sections.

The HTML and Markdown writers print the same blocks, so both say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


# -- content blocks -------------------------------------------------------------------------
@dataclass
class Paragraph:
    """A paragraph of plain text; ``style`` ``about`` or ``headline`` sets it apart."""

    text: str
    style: str = ""


@dataclass
class Bullets:
    """A list of plain-text items, with an optional lead-in."""

    items: list[str]
    lead: str = ""
    style: str = ""


@dataclass
class Table:
    """A table of strings; ``align`` holds ``l`` or ``r`` per column."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    align: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class FigureSlot:
    """A figure the HTML report draws; ``note`` replaces it when it cannot be drawn."""

    key: str
    title: str
    caption: str = ""
    note: str | None = None
    png: bytes | None = None
    wide: bool = True


Block = Paragraph | Bullets | Table | FigureSlot


@dataclass
class Section:
    """A titled part of the report."""

    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ReportContent:
    """Everything the report says, as strings, in order."""

    title: str
    subtitle: str
    sections: list[Section]

    def figures(self) -> list[FigureSlot]:
        """Every figure slot, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, FigureSlot)]
