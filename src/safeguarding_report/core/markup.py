"""Text from data becomes HTML one way: Markdown rendered with raw HTML switched off.

Narrative written by the partnership (forewords, statements, records) and every sentence the
library writes go through ``render``. Raw HTML in the source is shown as text, never passed
through, and links may only be http(s), mailto or in-page anchors, and images are not rendered (the
report must not load anything from the network). Values put into a
library-written sentence go through ``escape`` first, so a name in a data file can never turn
into Markdown or HTML syntax.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_SAFE_LINK = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)
# Every ASCII punctuation character CommonMark lets a backslash escape.
_MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")  # the report loads nothing from anywhere
    parser.enable("table")  # a table written in a narrative (or a Word contribution)
    parser.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return parser


PARSER = _parser()


def render(markdown: str, heading_offset: int = 0) -> str:
    """Markdown as HTML; raw HTML in ``markdown`` is escaped, unsafe links are not made links.

    ``heading_offset`` moves every heading down that many levels (at most to h6), so text
    written with ``##`` headings sits under the report's own section headings.
    """
    tokens = PARSER.parse(markdown)
    if heading_offset:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
    rendered: str = PARSER.renderer.render(tokens, PARSER.options, {})
    return rendered


def escape(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text``: no emphasis, links or tags."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def escape_html(text: str, *, quote: bool = True) -> str:
    """``text`` as HTML text, quotes included unless ``quote`` is false."""
    return html.escape(text, quote=quote)


def unwrap_paragraph(html: str) -> str:
    """``html`` without its ``<p>`` and ``</p>`` when it is one paragraph, to go inside another
    element (several sentences as one paragraph, a numbered paragraph); otherwise as it is."""
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
