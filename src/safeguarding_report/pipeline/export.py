"""One notebook -> one self-contained HTML report (nbconvert, with our own template).

Readers see the narrative, tables and figures and nothing else: no code, no prompts, no
streams (warnings, logs), no errors, no plain-text reprs and no build-only MIME types such as
the figure records, no raw cells. Cells tagged ``remove-cell`` are dropped, outputs of cells
tagged ``remove-output`` are dropped. The page loads nothing from anywhere and runs nothing:
the stylesheet is inlined, there are no scripts, no event-handler attributes and no
``javascript:`` URLs, and images are data URIs. ``to_html`` checks this on the finished page and
refuses to write a page that would make a request or run code; the page also carries a
Content-Security-Policy that forbids both, should anything slip past. Every image has
alternative text: an output image without a description says so, and any other image without
an ``alt`` attribute stops the build.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from safeguarding_report.core.errors import ExportError
from safeguarding_report.core.store import replacing

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parents[1] / "templates"
TEMPLATE_NAME = "report"

# What a reader may see, best first; anything else in an output bundle is dropped.
SHOWN_MIME_TYPES: tuple[str, ...] = (
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
)
SHOWN_OUTPUT_TYPES = frozenset({"display_data", "execute_result"})

REMOVE_CELL_TAG = "remove-cell"
REMOVE_OUTPUT_TAG = "remove-output"
REMOVE_INPUT_TAG = "remove-input"

# Attributes whose URL the browser fetches by itself when the page loads. Hyperlinks
# (<a href>, <area href>) request nothing until followed, so they are not listed.
_FETCHING_ATTRIBUTES: dict[str, frozenset[str]] = {
    "script": frozenset({"src"}),
    "link": frozenset({"href"}),
    "img": frozenset({"src", "srcset"}),
    "iframe": frozenset({"src"}),
    "frame": frozenset({"src"}),
    "source": frozenset({"src", "srcset"}),
    "video": frozenset({"src", "poster"}),
    "audio": frozenset({"src"}),
    "track": frozenset({"src"}),
    "embed": frozenset({"src"}),
    "object": frozenset({"data"}),
    "input": frozenset({"src"}),
    "image": frozenset({"href", "xlink:href"}),  # SVG
    "use": frozenset({"href", "xlink:href"}),  # SVG
    "feimage": frozenset({"href", "xlink:href"}),  # SVG
    "base": frozenset({"href"}),
    "body": frozenset({"background"}),
    "table": frozenset({"background"}),
    "td": frozenset({"background"}),
    "th": frozenset({"background"}),
}
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*\)""", re.IGNORECASE | re.DOTALL)
_SRCSET_URL = re.compile(r"(?:^|,)\s*([^\s,][^\s]*)")
# ``@import url(...)`` is found by _CSS_URL; this finds the string form, ``@import "a.css"``.
_CSS_IMPORT = re.compile(r"""@import\s+(?P<q>['"])(?P<url>.*?)(?P=q)""", re.IGNORECASE)
# Browsers drop ASCII whitespace and control characters inside a URL's scheme ("java\tscript:").
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEMES: tuple[str, ...] = ("javascript:", "vbscript:")
# A Markdown image, or an <img> element in a Markdown cell's HTML.
_IMAGE = re.compile(r"!\[|<img\b", re.IGNORECASE)


def to_html(nb: nbformat.NotebookNode, path: Path) -> Path:
    """Write the stitched notebook as one self-contained HTML file; return its path.

    The same notebook always gives the same bytes. Raises ``ExportError`` when the template
    fails, when the page would load anything that is not a data: URI, or when an image has
    no alternative text.
    """
    page = render(nb, name=path.stem)
    finder = _scan(page)
    external = finder.found
    if external:
        shown = ", ".join(external[:5]) + (" ..." if len(external) > 5 else "")
        raise ExportError(
            f"{path}: the report would load or run {len(external)} thing(s) from outside the "
            f"file ({shown}). Embed images as data: URIs (display them through the library's "
            "tables and charts, or attach them to the Markdown cell) and remove scripts, "
            "event-handler attributes (on...=), javascript: links, stylesheet links and CSS "
            "imports from Markdown and HTML outputs; text from data or params must be escaped "
            "before it becomes HTML."
        )
    if finder.without_alt:
        raise ExportError(
            f"{path}: {len(finder.without_alt)} image(s) in the report have no alternative text "
            f"({', '.join(finder.without_alt[:3])}). Give each image a description for readers "
            'who cannot see it: alt="..." on an <img> element, or ![description](...) in Markdown '
            '(alt="" marks an image as decoration).'
        )
    _write_atomically(path, page)
    log.debug("Wrote %s (%d kB)", path, len(page.encode("utf-8")) // 1024)
    return path


def render(nb: nbformat.NotebookNode, *, name: str = "report") -> str:
    """The report page for ``nb`` as a string (what ``to_html`` writes); ``nb`` is not changed."""
    exporter = _exporter()
    # nbconvert embeds a Markdown cell's local images by parsing the cell's HTML again, a
    # tenth of the page's time; only worth it when a cell shows an image.
    exporter.embed_images = any(
        cell.cell_type == "markdown" and _IMAGE.search(cell.source) for cell in nb.cells
    )
    try:
        page, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    except jinja2.TemplateError as exc:
        raise ExportError(
            f"could not render the report with the template in {TEMPLATES / TEMPLATE_NAME}: {exc}"
        ) from exc
    return page if page.endswith("\n") else page + "\n"


def external_references(page: str) -> list[str]:
    """Every URL the page would fetch by itself, and everything in it that could run code.

    Finds URLs that are not a data: URI or a #fragment in fetching attributes (``<img src>``,
    ``<script src>``, ``<link href>``, ...) and in ``url()`` and ``@import`` in ``<style>``
    elements and ``style`` attributes; every ``<script>`` (inline scripts could fetch
    anything), as ``<script>``; every event-handler attribute, as ``onerror= on <img>``; and
    every ``javascript:`` URL in any attribute, as ``javascript: URL in <a href>``. Hyperlinks
    to other pages are not requests.
    """
    return _scan(page).found


def _scan(page: str) -> _ReferenceFinder:
    finder = _ReferenceFinder()
    finder.feed(page)
    finder.close()
    return finder


class _Exporter(HTMLExporter):
    """nbconvert's HTML exporter without its last pass over the page.

    That pass parses the whole page with BeautifulSoup and writes it out again, to add
    ``tabindex`` to JupyterLab's cell elements (this template has none) and a stock alt text to
    images without one, a third of the page's time. This template gives output images their
    alt text itself, and ``to_html`` refuses any other image without one.
    """

    # nbconvert's own methods are untyped; this is the same signature as the method it replaces.
    def from_notebook_node(  # type: ignore[no-untyped-def,override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw
    ) -> tuple[str, dict[str, Any]]:
        # What HTMLExporter.from_notebook_node does before it renders (nbconvert 7).
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        highlight = self.filters.get(
            "highlight_code",
            Highlight2HTML(pygments_lexer=lexer, parent=self),  # type: ignore[no-untyped-call]
        )
        resources = self._init_resources(resources)  # type: ignore[no-untyped-call]
        data_types = WidgetsDataTypeFilter(  # type: ignore[no-untyped-call]
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight)  # type: ignore[no-untyped-call]
        self.register_filter("filter_data_type", data_types)  # type: ignore[no-untyped-call]
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return page, resources


def warm() -> None:
    """Load and compile the page's templates now (the build server does, once for all builds)."""
    render(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Warm")]))


@cache  # one per process: nbconvert's exporters convert one notebook after another
def _exporter() -> HTMLExporter:
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = [REMOVE_CELL_TAG]
    config.TagRemovePreprocessor.remove_all_outputs_tags = [REMOVE_OUTPUT_TAG]
    config.TagRemovePreprocessor.remove_single_output_tags = [REMOVE_OUTPUT_TAG]
    config.TagRemovePreprocessor.remove_input_tags = [REMOVE_INPUT_TAG]
    exporter = _Exporter(  # type: ignore[no-untyped-call]  # nbconvert is untyped here
        config=config,
        optimistic_validation=True,  # the notebook is checked once, not after each preprocessor
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_raw=True,
        exclude_unknown=True,
        exclude_anchor_links=True,
        sanitize_html=False,  # our own Markdown holds raw HTML (title page, anchors) on purpose
    )
    # Registered last, so it runs after the tag removal and sees what is left.
    exporter.register_preprocessor(_reader_outputs)  # type: ignore[no-untyped-call]
    return exporter


def _reader_outputs(
    nb: nbformat.NotebookNode, resources: dict[str, Any]
) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """Keep only what readers see; drop code cells left with nothing to show.

    nbconvert hands preprocessors its own copy of the notebook, so this edits in place.
    """
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if _keep_shown(output)]
            if not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb, resources


def _keep_shown(output: nbformat.NotebookNode) -> bool:
    """Strip an output to the MIME types readers see; whether anything is left."""
    if output.get("output_type") not in SHOWN_OUTPUT_TYPES:
        return False
    data = output.get("data", {})
    for bundle in (data, output.get("metadata", {})):
        for mime in [key for key in bundle if key not in SHOWN_MIME_TYPES]:
            del bundle[mime]
    return bool(data)


def _write_atomically(path: Path, text: str) -> None:
    # A temporary name beside the target, so a half-written page never sits at ``path``.
    try:
        with replacing(path) as handle:
            handle.write(text.encode("utf-8"))
    except OSError as exc:
        raise ExportError(f"{path}: could not write the HTML report: {exc}") from exc


def _local(url: str) -> bool:
    """Whether a URL is inside the page: a data: URI or a #fragment."""
    url = url.strip()
    return url.lower().startswith("data:") or url.startswith("#")


def _css_references(css: str) -> Iterable[str]:
    for match in _CSS_URL.finditer(css):
        yield match.group("url")
    for match in _CSS_IMPORT.finditer(css):
        yield match.group("url")


class _ReferenceFinder(HTMLParser):
    """Collects the URLs a page would fetch on load (see ``external_references``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.without_alt: list[str] = []  # the start of each <img> with no alt attribute
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not any(name == "alt" for name, _ in attrs):
            self.without_alt.append((self.get_starttag_text() or "<img>")[:60])
        fetching = _FETCHING_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            if name.startswith("on"):  # onload, onerror, onclick, ...: all run code
                self.found.append(f"{name}= on <{tag}>")
            if value is None:
                continue
            if _runs_script(value):
                self.found.append(f"{_scheme(value)} URL in <{tag} {name}>")
            elif name in fetching:
                urls = _srcset(value) if name == "srcset" else [value]
                self.found.extend(url for url in urls if not _local(url))
            elif name == "style":
                self._css(value)
        if tag == "script":
            self.found.append("<script>")
        if tag in ("style", "script"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self._css(data)

    def _css(self, css: str) -> None:
        self.found.extend(url for url in _css_references(css) if not _local(url))


def _runs_script(value: str) -> bool:
    """Whether an attribute's value holds a script URL (also inside CSS or a meta refresh)."""
    folded = _IGNORED_IN_URLS.sub("", value).lower()
    return any(scheme in folded for scheme in _SCRIPT_SCHEMES)


def _scheme(value: str) -> str:
    folded = _IGNORED_IN_URLS.sub("", value).lower()
    return next(scheme for scheme in _SCRIPT_SCHEMES if scheme in folded)


def _srcset(value: str) -> list[str]:
    # A candidate's URL runs to the next whitespace (data: URIs hold commas), then descriptors.
    return [url.rstrip(",") for url in _SRCSET_URL.findall(value)]
