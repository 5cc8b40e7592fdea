"""Markdown from the partnership's files, rendered safely, and the checks made on load.

Narratives are written by people, in a text editor or copied from a Word document, and end
up in a published report. So raw HTML is never passed through (``<script>`` shows as text),
links go only to ``http``, ``https`` or ``mailto`` addresses, and images are not rendered
(the report must not load anything from the network).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from safeguarding_report.core import markup

ALLOWED_SCHEMES: tuple[str, ...] = ("http://", "https://", "mailto:")


def _allowed(url: str) -> bool:
    return url.strip().lower().startswith(ALLOWED_SCHEMES)


# Rendering is the library's one way (``markup.render``): raw HTML off, safe links, no images.
_MD = markup.PARSER
render_markdown = markup.render
# Finds every link, allowed or not, so that a bad one is reported where it was written.
_ANY_LINK = MarkdownIt("commonmark", {"html": False})
_ANY_LINK.validateLink = lambda url: True  # type: ignore[method-assign]


def headings(text: str, level: int = 2) -> list[str]:
    """The text of each heading of this level, in order."""
    tokens = _MD.parse(text)
    tag = f"h{level}"
    return [
        tokens[i + 1].content.strip()
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == tag
    ]


def _links(tokens: list[Token]) -> list[tuple[int, str]]:
    found = []
    for token in tokens:
        # An inline token knows only its block's first line; count the breaks before a link.
        line = token.map[0] + 1 if token.map else 1
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "link_open":
                found.append((line, str(child.attrs.get("href", ""))))
    return found


def bad_links(text: str) -> list[tuple[int, str]]:
    """(line within ``text``, address) of each link that is not http(s) or mailto."""
    return [(line, url) for line, url in _links(_ANY_LINK.parse(text)) if not _allowed(url)]
