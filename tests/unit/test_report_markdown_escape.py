"""report.md prints names as text: markup in a site name is never passed through."""

from __future__ import annotations

from acutesim.report.blocks import Bullets, Paragraph, ReportContent, Section, Table
from acutesim.report.markdown import render_markdown


def test_markup_in_names_is_escaped_in_report_md():
    name = "<script>alert(1)</script> & Zorg"
    content = ReportContent(
        title=f"Report on {name}",
        subtitle="",
        sections=[
            Section(
                "summary",
                "Summary",
                [
                    Paragraph(f"{name} closes."),
                    Bullets([f"{name}: 1 closure"]),
                    Table(header=["site"], rows=[[name]], caption=name),
                ],
            )
        ],
    )
    md = render_markdown(content)
    assert "<script>" not in md
    assert md.count("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Zorg") == 5
