"""The committee cover report as one self-contained HTML page.

The page is ``templates/cover/cover.html.j2``; each block is a fragment: a paragraph or a
lettered list from ``templates/fragments/cover.html.j2``, a table or a chart as the report's
own. Text from data is escaped as it goes in.
"""

from __future__ import annotations

import markupsafe

from safeguarding_report.core import markup
from safeguarding_report.report import cover, fragments, text


def render(document: cover.CoverDocument) -> str:
    """The cover report's page (text from data is escaped)."""
    numbered = [
        (
            number,
            section,
            [_block(n, b) for n, b in blocks],
            [
                (label, [cover.contact_lines(c) for c in people])
                for label, people in section.contacts
            ],
        )
        for number, section, blocks in document.numbered()
    ]
    return fragments.page(
        "cover", "cover.html.j2", "cover.css", document=document, sections=numbered
    )


def _block(number: str, block: cover.Block) -> markupsafe.Markup:
    if isinstance(block, cover.Paragraph):
        said = fragments.safe(markup.unwrap_paragraph(block.text.html))
        html = fragments.render("cover", "paragraph", number, said, note=block.note)
    elif isinstance(block, cover.Items):
        items = [
            fragments.safe(markup.unwrap_paragraph(i.html)) if isinstance(i, text.Text) else i
            for i in block.items
        ]
        html = fragments.render("cover", "items", items)
    elif isinstance(block, cover.Grid):
        html = block.table.to_html()
    else:
        html = block.chart.to_html()
    return fragments.safe(html)
