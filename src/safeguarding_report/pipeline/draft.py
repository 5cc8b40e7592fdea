"""Drafts for review: a notice on every page, and a reference number on every paragraph, table,
table row and chart, so that a reviewer can cite "6.2.3".

A reference number is ``<section>.<subsection>.<position>``: the section's number (or an
appendix's letter), then which subsection of that section the block sits under (0 for the text
before the first one; the subsection's heading is numbered ``<section>.<subsection>``), then
the block's place among the headings, paragraphs, list items, tables and charts of that
subsection. A part's subsections are its headings at the highest level it uses below its
title, whether a notebook's Markdown wrote them (``##`` in one section, ``###`` in another) or
the library did (the independent scrutineer's evaluation and the partners' response); a
heading below that level is a block of its subsection, numbered in its place. A table row
adds its place in the table's body (``6.2.3.4``). So a block keeps its number whatever changes
in other sections and other subsections, and whatever changes after it in its own
subsection, and whether its own words change: it moves only when a block is added or removed
before it in the same subsection, or a subsection or section is added before its own.

The numbers are put into each part's notebook before it is stitched: into the Markdown
cells' headings, paragraphs and list items (markdown-it finds where each starts), and into
the library's HTML outputs (headings, sentences, narratives, tables and charts: HTML the
library wrote from its own fragments, read tag by tag with the standard library's parser and
written back as it was, the numbers added). What each numbered block says (its text, a
table's cells, a chart's data, and the figures it shows, from the outputs' figure records)
goes to ``references.json`` beside the draft, which ``review`` compares between two drafts.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from safeguarding_report.core import provenance
from safeguarding_report.core.store import replacing
from safeguarding_report.pipeline import stitch

REFERENCES_FILE = "references.json"
NOTICE_WORDS = "Draft for review"
SKIPPED_TAGS = stitch.REMOVED_TAGS
_PARSER = MarkdownIt("commonmark").enable("table")  # as nbconvert reads them
_HEADING_MARKER = re.compile(r"^(\s{0,3}#{1,6}[ \t]+)")
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_SUBSECTION = 3  # a section's title is a heading of level 2 in the report: its subsections 3
_LIST_MARKER = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])[ \t]+)")
_VOID = frozenset({"img", "br", "hr", "meta", "input", "wbr", "col", "source", "area"})


@dataclass(frozen=True)
class Notice:
    """What every page of a draft says: that it is a draft, when it was built, from what."""

    built: dt.date
    inputs: str  # the short hash of the inputs (data, params, notebooks)

    @property
    def day(self) -> str:
        """The day it was built, as a reader writes it: '3 December 2026'."""
        return f"{self.built.day} {self.built:%B %Y}"

    @property
    def text(self) -> str:
        """'Draft for review: built 3 December 2026, inputs 1a2b3c4d5e6f'."""
        return f"{NOTICE_WORDS}: built {self.day}, inputs {self.inputs}"

    @property
    def title_line(self) -> str:
        """What the title page says where a final report says when it was published."""
        return f"{NOTICE_WORDS}, built {self.day}"


def notice(inputs_digest: str) -> Notice:
    """The notice of a draft built today (or on ``SOURCE_DATE_EPOCH``'s day, when it is set)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    built = (
        dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        if epoch.isdigit()
        else dt.date.today()
    )
    return Notice(built, inputs_digest[:12])


@dataclass
class Block:
    """One numbered block of a draft, as ``review`` compares it."""

    ref: str  # e.g. "6.2.3"; a table row "6.2.3.4"
    kind: str  # "heading" (a subsection's, or one within it), "paragraph", "note" (a table's
    # or chart's), "table", "row" or "chart"
    part: str  # the part's name: a section key or an appendix's name
    text: str  # a paragraph's words, a table's caption, a chart's title; a row's cells joined
    cells: list[str] = field(default_factory=list)  # a row's cells; a table's column headings
    chart: str = ""  # a chart's slug (charts/<slug>.csv)
    data: list[list[str]] = field(default_factory=list)  # a chart's points: area, period, shown
    figures: list[dict[str, str]] = field(default_factory=list)  # the figures it shows


def anchor(ref: str) -> str:
    """The page's id for reference number ``ref``."""
    return "ref-" + ref.replace(".", "-")


def number(parts: Sequence[stitch.Part]) -> tuple[list[stitch.Part], list[Block]]:
    """Each part with its reference numbers in place (copies; ``parts`` are not changed), and
    every numbered block in the report's order."""
    numbered: list[stitch.Part] = []
    blocks: list[Block] = []
    for part, (_, label) in zip(parts, stitch.anchors(parts), strict=True):
        notebook = copy.deepcopy(part.notebook)
        cells = [
            cell
            for cell in notebook.cells
            if not set(cell.get("metadata", {}).get("tags", [])) & SKIPPED_TAGS
        ]
        label = label.removeprefix("Appendix ")
        counter = _Counter(label, part.name, blocks, _subsection_level(cells))
        for cell in cells:
            if cell.cell_type == "markdown":
                cell.source = _number_markdown(cell.source, counter)
            elif cell.cell_type == "code":
                for output in cell.get("outputs", []):
                    data = output.get("data", {})
                    if "text/html" in data:
                        data["text/html"] = _number_html(_text(data["text/html"]), data, counter)
        numbered.append(replace(part, notebook=notebook))
    return numbered, blocks


def write_references(
    blocks: Sequence[Block], parts: Sequence[stitch.Part], draft: Notice, path: Path
) -> None:
    """``references.json``: the draft's notice, its parts and every numbered block."""
    anchors = stitch.anchors(parts)
    facts = {
        "notice": draft.text,
        "built": draft.built.isoformat(),
        "inputs": draft.inputs,
        "parts": [
            {"name": part.name, "anchor": a, "label": label, "title": stitch.section_title(part)}
            for part, (a, label) in zip(parts, anchors, strict=True)
        ],
        "blocks": [asdict(b) for b in blocks],
    }
    with replacing(path) as handle:
        handle.write((json.dumps(facts, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def read_references(path: Path) -> tuple[Notice, list[dict[str, str]], list[Block]]:
    """A draft's ``references.json``: its notice, its parts and its blocks."""
    facts = json.loads(path.read_text(encoding="utf-8"))
    if "built" in facts:
        said = Notice(dt.date.fromisoformat(facts["built"]), facts["inputs"])
    else:  # written before the day and the inputs were kept apart: read from the notice
        found = _NOTICE.fullmatch(facts["notice"])
        if found is None:
            raise ValueError(f"its notice {facts['notice']!r} is not a draft's")
        built = dt.datetime.strptime(found["built"], "%d %B %Y").date()
        said = Notice(built, found["inputs"])
    return said, facts["parts"], [Block(**b) for b in facts["blocks"]]


_NOTICE = re.compile(rf"{NOTICE_WORDS}: built (?P<built>.+), inputs (?P<inputs>[0-9a-f]+)")


# -- numbering -------------------------------------------------------------------------------


class _Counter:
    """Hands out the reference numbers of one part, in order."""

    def __init__(self, label: str, part: str, blocks: list[Block], top: int) -> None:
        self.label, self.part, self.blocks = label, part, blocks
        self.top = top  # the report's heading level of the part's subsections
        self.subsection = self.position = 0

    def heading(self, level: int, text: str) -> Block:
        """A heading at ``level`` in the report: a subsection's at the part's top level,
        else a block of the subsection it is in."""
        if level > self.top:
            return self.next("heading", text)
        self.subsection += 1
        self.position = 0
        block = Block(f"{self.label}.{self.subsection}", "heading", self.part, text)
        self.blocks.append(block)
        return block

    def next(self, kind: str, text: str, **extra: Any) -> Block:
        self.position += 1
        ref = f"{self.label}.{self.subsection}.{self.position}"
        block = Block(ref, kind, self.part, text, **extra)
        self.blocks.append(block)
        return block

    def row(self, table: Block, index: int, cells: list[str]) -> Block:
        block = Block(f"{table.ref}.{index}", "row", self.part, " | ".join(cells), cells=cells)
        self.blocks.append(block)
        return block


def _span(ref: str) -> str:
    return f'<span class="ref" id="{anchor(ref)}">{ref}</span>'


def _subsection_level(cells: Sequence[Any]) -> int:
    """The report's heading level of a part's subsections: the highest level of the headings
    below its title, in its Markdown (one level lower once stitched) and in the library's
    HTML alike (3 when it has none)."""
    levels: list[int] = []
    for cell in cells:
        if cell.cell_type == "markdown":
            levels += [
                int(t.tag[1]) + 1
                for t in _PARSER.parse(cell.source)
                if t.type == "heading_open" and t.level == 0 and t.tag != "h1"
            ]
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                page = output.get("data", {}).get("text/html")
                if page is not None:
                    levels += [int(t.name[1]) for t in _tags(_text(page)) if t.name in _HEADINGS]
    return max(_SUBSECTION, min(levels, default=_SUBSECTION))


def _number_markdown(source: str, counter: _Counter) -> str:
    """A Markdown cell with the number of each paragraph and list item at its start."""
    lines = source.split("\n")
    inserts: dict[int, tuple[int, str]] = {}  # line -> (column, span)
    tokens = _PARSER.parse(source)
    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        first = token.map[0]
        if token.type == "heading_open" and token.level == 0 and token.tag != "h1":
            # The stitch moves a heading one level down (## is the report's h3).
            block = counter.heading(int(token.tag[1]) + 1, _plain(tokens[index + 1 : index + 2]))
            marker = _HEADING_MARKER.match(lines[first])  # None: underlined (setext)
            indent = len(lines[first]) - len(lines[first].lstrip())
            inserts[first] = (len(marker.group(1)) if marker else indent, _span(block.ref))
        elif token.type == "paragraph_open" and token.level == 0:
            block = counter.next("paragraph", _plain(tokens[index + 1 : index + 2]))
            indent = len(lines[first]) - len(lines[first].lstrip())
            inserts[first] = (indent, _span(block.ref))
        elif token.type == "list_item_open" and token.level == 1:
            marker = _LIST_MARKER.match(lines[first])
            if marker is None:
                continue
            block = counter.next("paragraph", _plain(_item(tokens, index)))
            inserts[first] = (len(marker.group(1)), _span(block.ref))
    for line, (column, span) in inserts.items():
        lines[line] = f"{lines[line][:column]}{span} {lines[line][column:]}"
    return "\n".join(lines)


def _plain(inlines: Sequence[Token]) -> str:
    """The words of Markdown inline tokens as a reader sees them (no ``**`` or link
    targets), so that review compares words, not markup."""
    words: list[str] = []
    for inline in inlines:
        for child in inline.children or []:
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append(child.content)  # its alt text
        words.append(" ")
    return " ".join("".join(words).split())


def _item(tokens: Sequence[Token], start: int) -> list[Token]:
    """The inline tokens of the list item that opens at ``tokens[start]``."""
    found = []
    for token in tokens[start + 1 :]:
        if token.type == "list_item_close" and token.level == tokens[start].level:
            break
        if token.type == "inline":
            found.append(token)
    return found


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _number_html(page: str, data: dict[str, Any], counter: _Counter) -> str:
    """A library output's HTML with the number of each paragraph, list item, table, table row
    and chart in it; each numbered block records the output's figures that it shows."""
    numberer = _HtmlNumberer(counter, data.get(provenance.CHART_MIME_TYPE) or {})
    numbered = numberer.run(page)
    _attach_figures(numberer.made, data.get(provenance.MIME_TYPE) or [])
    return numbered


@dataclass(frozen=True)
class _Tag:
    """A start or end tag of a page, where it starts and as it is written there."""

    name: str  # lower case
    end: bool  # an end tag
    attrs: dict[str, str | None]
    start: int
    written: str


class _Tags(HTMLParser):
    """The standard library's parser, noting each tag's place in the page: everything between
    two tags (text, entities, comments) is passed on as it is written."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=False)
        self.page = page
        self.lines = [0]  # where each line starts: the parser gives a tag's line and column
        for line in page.split("\n")[:-1]:
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.found: list[_Tag] = []

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = self.get_starttag_text() or ""
        self.found.append(_Tag(tag, False, dict(attrs), self._here(), written))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <br/> opens only, as <br> does

    def handle_endtag(self, tag: str) -> None:
        start = self._here()
        written = self.page[start : self.page.index(">", start) + 1]
        self.found.append(_Tag(tag, True, {}, start, written))


def _tags(page: str) -> list[_Tag]:
    """The start and end tags of ``page``, in order."""
    parser = _Tags(page)
    parser.feed(page)
    parser.close()
    return parser.found


class _HtmlNumberer:
    """One pass over the tags of an output's HTML, numbering blocks as they open."""

    def __init__(self, counter: _Counter, chart: dict[str, Any]) -> None:
        self.counter, self.chart = counter, chart
        self.made: list[Block] = []
        self.out: list[str] = []
        self.stack: list[str] = []
        self.note: int | None = None  # the depth of a banner (role="note"): not numbered
        self.block: tuple[Block, str, int] | None = None  # an open paragraph or heading
        self.table: Block | None = None
        self.table_span = -1  # where the table's number goes when it has no caption
        self.rows = 0
        self.header: list[str] | None = None
        self.row: list[str] | None = None
        self.row_span = ""  # the open row's number, put into its first cell
        self.words: dict[str, list[str]] = {}  # what each open text collector has read

    def run(self, page: str) -> str:
        position = 0
        for tag in _tags(page):
            text = page[position : tag.start]
            self.out.append(text)
            for collected in self.words.values():
                collected.append(text)
            position = tag.start + len(tag.written)
            if "figcaption" in self.words:  # a chart's title and subtitle are lines apart
                self.words["figcaption"].append(" ")
            if tag.end:
                self._end(tag.name, tag.written)
            else:
                self._start(tag.name, tag.attrs, tag.written)
        self.out.append(page[position:])
        return "".join(self.out)

    def _read(self, name: str) -> str:
        return " ".join(html.unescape("".join(self.words.pop(name, []))).split())

    def _start(self, tag: str, attrs: dict[str, str | None], written: str) -> None:
        depth = len(self.stack)
        if tag not in _VOID:
            self.stack.append(tag)
        if self.note is not None:
            self.out.append(written)
            return
        if tag == "div" and attrs.get("role") == "note":
            self.note = depth
        elif tag == "table" and self.table is None:
            self.table, self.rows = self.counter.next("table", ""), 0
            self.made.append(self.table)
            self.table_span = len(self.out)
            self.out.append("")
        elif self.table is not None:
            self._in_table(tag, written)
            return
        elif tag == "figure":
            slug = str(self.chart.get("slug", ""))
            points = [
                [str(r.get(k, "")) for k in ("area_name", "period", "breakdown", "shown")]
                for r in self.chart.get("rows", [])
            ]
            self.made.append(self.counter.next("chart", "", chart=slug, data=points))
        elif tag == "figcaption" and self.made and self.made[-1].kind == "chart":
            self.out.append(written + _span(self.made[-1].ref) + " ")
            self.words["figcaption"] = []
            return
        elif tag in _HEADINGS and self.block is None and "figure" not in self.stack:
            block = self.counter.heading(max(_SUBSECTION, int(tag[1])), "")
            self.made.append(block)
            self.block = (block, tag, depth)
            self.out.append(written + _span(block.ref) + " ")
            self.words["block"] = []
            return
        elif (
            tag in ("p", "li")
            and self.block is None
            and "figure" not in self.stack
            and self.stack.count("li") <= 1
        ):
            kind = "note" if attrs.get("class") == "table-note" else "paragraph"
            block = self.counter.next(kind, "")
            self.made.append(block)
            self.block = (block, tag, depth)
            self.out.append(written + _span(block.ref) + " ")
            self.words["block"] = []
            return
        self.out.append(written)

    def _in_table(self, tag: str, written: str) -> None:
        self.out.append(written)
        if tag == "thead":
            self.header = []
        elif tag == "tr" and "tbody" in self.stack and self.table is not None:
            self.rows += 1
            self.row, self.row_span = [], f"{self.table.ref}.{self.rows}"
        elif tag in ("th", "td"):
            self.words["cell"] = []
            if self.row is not None and not self.row and self.row_span:
                self.out.append(_span(self.row_span) + " ")
                self.row_span = ""
        elif tag == "caption" and self.table is not None:
            self.words["caption"] = []
            self.out.append(_span(self.table.ref) + " ")
            self.table_span = -1

    def _end(self, tag: str, written: str) -> None:
        while self.stack and self.stack[-1] != tag:
            self.stack.pop()
        if self.stack:
            self.stack.pop()
        depth = len(self.stack)
        self.out.append(written)
        if self.note is not None:
            if tag == "div" and depth == self.note:
                self.note = None
            return
        if self.block is not None and self.block[1:] == (tag, depth):
            self.block[0].text, self.block = self._read("block"), None
        elif self.table is not None:
            if tag in ("th", "td"):
                cell = self._read("cell")
                if self.row is not None:
                    self.row.append(cell)
                elif self.header is not None:
                    self.header.append(cell)
            elif tag == "tr" and self.row is not None:
                self.made.append(self.counter.row(self.table, self.rows, self.row))
                self.row = None
            elif tag == "thead" and self.header is not None:
                self.table.cells, self.header = self.header, None
            elif tag == "caption":
                self.table.text = self._read("caption")
            elif tag == "table":
                if self.table_span >= 0:
                    self.out[self.table_span] = _span(self.table.ref)
                self.table, self.table_span = None, -1
        elif tag == "figcaption" and "figcaption" in self.words:
            self.made[-1].text = self._read("figcaption")


def _attach_figures(made: list[Block], records: list[dict[str, Any]]) -> None:
    """Give each block the figures of its output that it shows.

    A table or a chart shows every figure of its output; a row, those whose shown text is one
    of its cells; a paragraph, those whose shown text is among its words (all of them when it
    is the output's only paragraph); a note, those of the table or chart it is written under
    (it says how their figures were worked out); a heading, none.
    """
    figures = [{k: str(r.get(k, "")) for k in FIGURE_KEYS} for r in records]
    paragraphs = [b for b in made if b.kind == "paragraph"]
    alone = len(paragraphs) == len([b for b in made if b.kind != "heading"]) == 1
    owner: Block | None = None
    for block in made:
        if block.kind == "heading":
            continue
        if block.kind in ("table", "chart"):
            owner = block
        if block.kind in ("table", "chart") or alone:
            block.figures = figures
        elif block.kind == "note":
            block.figures = owner.figures if owner is not None else []
        elif block.kind == "row":
            shown = [f for f in figures if f["shown"] in block.cells]
            named = [f for f in shown if _names(block.cells[0], f)]
            block.figures = named or shown
        else:
            block.figures = [f for f in figures if _says(block.text, f["shown"])]


def _names(heading: str, figure: dict[str, str]) -> bool:
    """Whether a row's heading names the figure's breakdown ('agency: police') or area."""
    heading = heading.casefold()
    what = figure["breakdown"].rpartition(": ")[2].casefold() or figure["area_name"].casefold()
    return bool(what) and (what in heading or heading in what)


def _says(text: str, shown: str) -> bool:
    """Whether ``shown`` stands in ``text`` as a figure of its own (not inside "cpp-2-years",
    "12.5" or "2022")."""
    alone = rf"(?<![\w.,/-]){re.escape(shown)}(?![\w/-]|[.,]\d)"
    return bool(shown) and re.search(alone, text) is not None


# What names a figure and what it shows, as figures.csv has them.
FIGURE_KEYS: tuple[str, ...] = (
    "indicator",
    "area_code",
    "area_name",
    "period",
    "breakdown",
    "shown",
    "status",
    "source_file",
    "source_line",
    "source_column",
    "derivation",
)
