"""The report's closing appendix: where every figure came from and what the symbols mean."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nbformat

from safeguarding_report.data import Published
from safeguarding_report.tables import SYMBOL_MEANINGS


def sources_notebook(rows: Sequence[dict[str, Any]], published: Published) -> nbformat.NotebookNode:
    """A Markdown-only notebook listing the publications behind ``rows`` and the symbols."""
    files = dict.fromkeys(str(r["source_file"]) for r in rows if r["source_file"])
    by_title: dict[tuple[str, str, str, str], list[str]] = {}
    for f in files:
        s = published.source(f)
        by_title.setdefault((s.publisher, s.title, s.url, s.licence), []).append(f)
    items = []
    for (publisher, title, url, licence), paths in by_title.items():
        names = ", ".join(f"`{p.rsplit('/', 1)[-1]}`" for p in paths)
        link = f"[{title}]({url})" if url else title
        items.append(f"- {publisher}, {link}. {licence}. Files: {names}.")
    symbols = "\n".join(f"- `{s}` {meaning}" for s, meaning in SYMBOL_MEANINGS.items())
    notebook: nbformat.NotebookNode = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                "# Sources and notes\n\n"
                "## Published statistics\n\n"
                "Every figure in this report is taken from the publications below, as published, "
                "or derived from them as stated beside the figure in the file `figures.csv` that "
                "accompanies the report (one row for every number, with the file, column and "
                "period it came from).\n\n" + "\n".join(items)
            ),
            nbformat.v4.new_markdown_cell(
                "## Symbols\n\nTables use the Government Statistical Service symbols:\n\n"
                + symbols
                + "\n\nRates are per 10,000 children aged 0 to 17. Statistical years end on "
                "31 March."
            ),
        ]
    )
    return notebook
