"""Executed sections -> one notebook: title page, contents, numbered sections.

Each section notebook opens with one level-1 Markdown heading, its title. The stitcher turns
that into a numbered section heading with an anchor the contents links to, moves the section's
other headings one level down, drops the parameters cells (the defaults and the values
papermill injected) and strips the figure records, which only the build reads.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass

import nbformat

from safeguarding_report.core import provenance
from safeguarding_report.report import fragments

REMOVED_TAGS = frozenset({"parameters", "injected-parameters"})
_HEADING = re.compile(r"^(#{1,5})(\s+)(.*)$")


@dataclass(frozen=True)
class Cover:
    """What the title page says."""

    partnership: str
    period: str  # e.g. "1 October 2021 to 30 September 2022"
    published: str  # e.g. "15 December 2022"
    notice: str = ""  # e.g. a warning that some data are illustrative
    kicker: str = "Yearly report"  # what the report is called, e.g. "Annual report"
    # Which framework the report follows, when the period began under another one.
    framework: str = ""
    draft: str = ""  # a draft's words where a final report says when it was published


@dataclass(frozen=True)
class Part:
    """One part of the report: a section or an appendix, as an executed notebook."""

    name: str
    notebook: nbformat.NotebookNode
    appendix: bool = False
    title: str = ""  # overrides the notebook's own level-1 heading (the framework's title)


def stitch(parts: Sequence[Part], cover: Cover) -> nbformat.NotebookNode:
    """One notebook holding the title page, the contents and every part, in order."""
    report: nbformat.NotebookNode = nbformat.v4.new_notebook()
    report.metadata["title"] = f"{cover.partnership}: {cover.kicker.lower()}, {cover.period}"
    report.metadata["language"] = "en-GB"
    kernelspec = next(
        (p.notebook.metadata["kernelspec"] for p in parts if "kernelspec" in p.notebook.metadata),
        None,
    )
    if kernelspec:
        report.metadata["kernelspec"] = copy.deepcopy(kernelspec)
    titles = [section_title(part) for part in parts]
    places = anchors(parts)
    report.cells.append(_cell("title", _title_page(cover)))
    report.cells.append(_cell("contents", _contents(titles, places)))
    for part, title, (anchor, label) in zip(parts, titles, places, strict=True):
        report.cells.extend(_section_cells(part, title, anchor, label))
    return report


def section_title(part: Part) -> str:
    """The part's title: the framework's, else the text of its first level-1 heading."""
    if part.title:
        return part.title
    for cell in part.notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = _HEADING.match(line)
                if match and len(match.group(1)) == 1:
                    return match.group(3).strip()
    raise ValueError(f"section {part.name} has no level-1 Markdown heading to use as its title")


def anchors(parts: Sequence[Part]) -> list[tuple[str, str]]:
    """(anchor id, number label) per part: sections 1, 2, ...; appendices A, B, ..."""
    result, section, appendix = [], 0, 0
    for part in parts:
        if part.appendix:
            letter = chr(ord("A") + appendix)
            appendix += 1
            result.append((f"appendix-{letter.lower()}", f"Appendix {letter}"))
        else:
            section += 1
            result.append((f"section-{section}", str(section)))
    return result


def _section_cells(part: Part, title: str, anchor: str, label: str) -> list[nbformat.NotebookNode]:
    cells = []
    heading_done = False
    for index, original in enumerate(part.notebook.cells):
        tags = set(original.get("metadata", {}).get("tags", []))
        if tags & REMOVED_TAGS:
            continue
        cell = copy.deepcopy(original)
        cell["id"] = f"{anchor}-{index}"
        if cell.cell_type == "markdown":
            cell.source, heading_done = _demote(cell.source, title, anchor, label, heading_done)
        elif cell.cell_type == "code":
            provenance.strip_cell(cell)
        cells.append(cell)
    return cells


def _demote(
    source: str, title: str, anchor: str, label: str, heading_done: bool
) -> tuple[str, bool]:
    lines = []
    for line in source.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1 and not heading_done:
            heading = fragments.render("stitch", "heading", anchor, _numbered(label, title))
            # A blank line after raw HTML lets the narrative below be read as Markdown again.
            lines.extend([heading, ""])
            heading_done = True
        elif match:
            lines.append(f"#{match.group(1)}{match.group(2)}{match.group(3)}")
        else:
            lines.append(line)
    return "\n".join(lines), heading_done


def _numbered(label: str, title: str) -> str:
    return f"{label}. {title}" if label.isdigit() else f"{label}: {title}"


def _title_page(cover: Cover) -> str:
    return fragments.render(
        "stitch",
        "title_page",
        kicker=cover.kicker,
        partnership=cover.partnership,
        period=cover.period,
        published=cover.published,
        notice=cover.notice,
        framework=cover.framework,
        draft=cover.draft,
    )


def _contents(titles: Sequence[str], anchors: Sequence[tuple[str, str]]) -> str:
    entries = [
        (anchor, _numbered(label, title))
        for title, (anchor, label) in zip(titles, anchors, strict=True)
    ]
    return fragments.render("stitch", "contents", entries)


def _cell(name: str, source: str) -> nbformat.NotebookNode:
    cell: nbformat.NotebookNode = nbformat.v4.new_markdown_cell(source)
    cell["id"] = name
    return cell
