"""Text from data becomes HTML one way: Markdown rendered with raw HTML switched off.

Narrative written by the partnership (forewords, statements, records) and every sentence the
library writes go through ``render``. Raw HTML in the source is shown as text, never passed
through, and links may only be http(s), mailto or in-page anchors. Values put into a
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
    parser.validateLink = lambda url: bool(_SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]
    return parser


_PARSER = _parser()


def render(markdown: str) -> str:
    """Markdown as HTML; raw HTML in ``markdown`` is escaped, unsafe links are not made links."""
    rendered: str = _PARSER.render(markdown)
    return rendered


def render_inline(markdown: str) -> str:
    """Markdown as HTML without the enclosing paragraph, for a sentence inside other markup."""
    rendered: str = _PARSER.renderInline(markdown)
    return rendered


def escape(text: str) -> str:
    """``text`` as Markdown that renders to exactly ``text``: no emphasis, links or tags."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def escape_html(text: str) -> str:
    """``text`` as HTML text, quotes included."""
    return html.escape(text, quote=True)
