"""The HTML report: what readers see, what they never see, and that it stands alone."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from safeguarding_report.core.errors import ExportError
from safeguarding_report.pipeline import export
from safeguarding_report.report import fragments

# A 1x1 PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
    "AAAABJRU5ErkJggg=="
)
TITLE = "Kent & Medway Safeguarding Children Partnership: yearly report, 2021 to 2022"
FIGURES_MIME = "application/vnd.safeguarding-report.figures+json"

TITLE_PAGE = """<div class="title-page">
<p class="title-kicker">Yearly report</p>
<h1>Kent &amp; Medway Safeguarding Children Partnership</h1>
<p class="title-period">1 October 2021 to 30 September 2022</p>
</div>"""
# The stitcher's own contents: each line a link, then an empty slot for the PDF's page number.
CONTENTS = fragments.render(
    "stitch", "contents", [("section-1", "1. Local context"), ("section-2", "2. Performance")]
)
TABLE = (
    '<div class="table-wrap"><table><caption>Table 1: Children looked after</caption>'
    '<thead><tr><th scope="col">Area</th><th scope="col" class="num">2022</th></tr></thead>'
    '<tbody><tr><th scope="row">Kent</th><td class="num">1,234</td></tr></tbody></table></div>'
)
FIGURE = (
    '<figure class="chart"><figcaption>Rates have risen</figcaption>'
    f'<img src="data:image/png;base64,{PNG}" alt="Line chart of rates"></figure>'
)


def shown(
    data: dict[str, object], *, source: str = "show()", tags: tuple[str, ...] = ()
) -> nbformat.NotebookNode:
    """A code cell with one display_data output."""
    cell = new_code_cell(source, metadata={"tags": list(tags)}, execution_count=7)
    cell.outputs = [new_output("display_data", data=data)]
    return cell


def report_notebook() -> nbformat.NotebookNode:
    """A small stitched report: title page, contents, two sections, every kind of output."""
    stream = new_code_cell("print('x')", execution_count=3)
    stream.outputs = [
        new_output("stream", name="stdout", text="STDOUT-MARKER\n"),
        new_output("stream", name="stderr", text="UserWarning: STDERR-MARKER\n"),
    ]
    error = new_code_cell("1 / 0", execution_count=4)
    error.outputs = [
        new_output(
            "error", ename="ZeroDivisionError", evalue="ERROR-MARKER", traceback=["TRACE-MARKER"]
        )
    ]
    plain = new_code_cell("len(x)", execution_count=5)
    plain.outputs = [new_output("execute_result", data={"text/plain": "PLAIN-MARKER"})]
    attached = new_markdown_cell("![Attached chart](attachment:chart.png)")
    attached["attachments"] = {"chart.png": {"image/png": PNG}}
    cells = [
        new_markdown_cell(TITLE_PAGE),
        new_markdown_cell(CONTENTS),
        new_markdown_cell('<h2 id="section-1">1. Local context</h2>\n\nKent is a large county.'),
        new_code_cell("CODE_MARKER = 1  # the parameters", execution_count=1),
        shown(
            {"text/html": TABLE, "text/plain": "TABLE-PLAIN", FIGURES_MIME: [{"v": "FIG-REC"}]},
            source="show(TABLE_CODE_MARKER)",
        ),
        shown({"text/markdown": "The rate was **55** per 10,000.", "text/plain": "x"}),
        shown({"text/html": FIGURE, "text/plain": "FIGURE-PLAIN"}),
        stream,
        error,
        plain,
        shown({FIGURES_MIME: [{"v": "CUSTOM-ONLY-MARKER"}]}),
        new_markdown_cell('<h2 id="section-2">2. Performance</h2>\n\n### Re-referrals\n\nText.'),
        shown({"image/png": PNG, "text/plain": "<Figure size 640x480>"}),
        attached,
        shown({"text/html": "<p>REMOVED-CELL-MARKER</p>"}, tags=("remove-cell",)),
        shown({"text/html": "<p>REMOVED-OUTPUT-MARKER</p>"}, tags=("remove-output",)),
        shown(
            {"text/html": "<p>KEPT-OUTPUT-MARKER</p>"},
            source="REMOVED_INPUT_MARKER",
            tags=("remove-input",),
        ),
        new_markdown_cell("Read more at [GOV.UK](https://www.gov.uk/)."),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["title"] = TITLE
    nb.metadata["language"] = "en-GB"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return nb


@pytest.fixture
def nb() -> nbformat.NotebookNode:
    """The small stitched report notebook."""
    return report_notebook()


@pytest.fixture
def page(nb: nbformat.NotebookNode, tmp_path: Path) -> str:
    """The exported HTML of the small report."""
    return export.to_html(nb, tmp_path / "report.html").read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag with its attributes, the text of <title>, and all CSS on the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.css: list[str] = []
        self.title = ""
        self._in = ""
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if "style" in attributes:
            self.css.append(attributes["style"])
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.css.append(data)
        elif self._in == "title":
            self.title += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.tags
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]


def test_readers_see_narrative_tables_figures_and_markdown_outputs(page: str) -> None:
    assert "Kent is a large county." in page
    assert "<caption>Table 1: Children looked after</caption>" in page
    assert '<td class="num">1,234</td>' in page
    assert "<figcaption>Rates have risen</figcaption>" in page
    assert "The rate was <strong>55</strong> per 10,000." in page
    assert "KEPT-OUTPUT-MARKER" in page


def test_no_code_and_no_prompts(page: str) -> None:
    for marker in ("CODE_MARKER", "TABLE_CODE_MARKER", "print(", "show(", "1 / 0"):
        assert marker not in page
    assert not re.search(r"In(&nbsp;|\s)\[", page)
    assert not re.search(r"Out(&nbsp;|\s)?\[", page)
    assert "input_area" not in page
    assert "highlight" not in page


@pytest.mark.parametrize(
    ("marker", "why"),
    [
        ("REMOVED-CELL-MARKER", "cell tagged remove-cell"),
        ("REMOVED-OUTPUT-MARKER", "output of a cell tagged remove-output"),
        ("REMOVED_INPUT_MARKER", "input of a cell tagged remove-input"),
        ("STDOUT-MARKER", "stdout stream"),
        ("STDERR-MARKER", "stderr stream (warnings)"),
        ("ERROR-MARKER", "error output"),
        ("TRACE-MARKER", "traceback"),
        ("ZeroDivisionError", "error name"),
        ("FIG-REC", "figure records beside a table"),
        ("CUSTOM-ONLY-MARKER", "an output holding only a custom MIME type"),
        ("PLAIN-MARKER", "a plain-text repr"),
        ("TABLE-PLAIN", "the plain-text fallback of a table"),
        ("Figure size", "the plain-text fallback of an image"),
        ("safeguarding-report.figures", "the figure records' MIME type"),
    ],
)
def test_hidden_from_readers(page: str, marker: str, why: str) -> None:
    assert marker not in page, f"{why} reached the page"


def test_code_cells_with_nothing_to_show_leave_no_empty_boxes(page: str) -> None:
    # Title, contents, 2 sections, attachment, link: 6 text cells; outputs: table, markdown,
    # figure, png, kept remove-input output: 5 cells.
    assert page.count('class="cell text-cell"') == 6
    assert page.count("code_cell") == 5


def test_title_and_language(page: str) -> None:
    elements = Elements(page)
    assert elements.title == TITLE
    assert elements.find("html") == [{"lang": "en-GB"}]


@pytest.mark.parametrize(("language", "expected"), [(None, "en-GB"), ("cy", "cy")])
def test_language_defaults_to_british_english(
    nb: nbformat.NotebookNode, tmp_path: Path, language: str | None, expected: str
) -> None:
    if language is None:
        del nb.metadata["language"]
    else:
        nb.metadata["language"] = language
    page = export.to_html(nb, tmp_path / "r.html").read_text(encoding="utf-8")
    assert Elements(page).find("html") == [{"lang": expected}]


def test_raw_html_ids_and_classes_pass_through(page: str) -> None:
    elements = Elements(page)
    assert elements.find("div", class_="title-page")
    assert elements.find("nav", class_="contents")
    assert elements.find("ol", class_="contents-list")
    assert elements.find("p", class_="title-kicker")
    for n in (1, 2):
        assert elements.find("h2", id=f"section-{n}"), f"section-{n} anchor lost"
        assert elements.find("a", href=f"#section-{n}"), f"contents link {n} lost"
        # The page's slot stays empty: only the PDF has pages to number.
        assert elements.find("span", class_="contents-page", **{"data-page-of": f"section-{n}"})
    assert re.findall(r'data-page-of="section-\d">([^<]*)</span>', page) == ["", ""]
    assert elements.find("td", class_="num")
    assert elements.find("figure", class_="chart")


def test_images_are_embedded_as_data_uris(page: str) -> None:
    images = Elements(page).find("img")
    assert len(images) == 3  # the figure, the image/png output, the Markdown attachment
    for image in images:
        assert image["src"].startswith("data:image/png;base64,")
        assert image.get("alt")
    assert any(image["alt"] == "Attached chart" for image in images)


def test_page_requests_nothing_from_anywhere(page: str) -> None:
    elements = Elements(page)
    fetching = {"script", "link", "img", "iframe", "source", "embed", "object", "video", "audio"}
    for tag, attrs in elements.tags:
        assert tag != "script", "the report has no scripts"
        assert tag != "link", "the stylesheet is inlined"
        if tag in fetching:
            for name in ("src", "href", "data", "srcset", "poster"):
                if name in attrs:
                    assert attrs[name].startswith("data:"), f"<{tag} {name}={attrs[name]!r}>"
    css = "\n".join(elements.css)
    assert "@page" in css, "our stylesheet is inlined"
    assert "@import" not in css
    assert "@font-face" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        assert url.startswith(("data:", "#")), url
    for cdn in (
        "mathjax",
        "require.js",
        "cdnjs",
        "unpkg",
        "jsdelivr",
        "jquery",
        "fonts.googleapis",
    ):
        assert cdn not in page.lower()
    # Plain hyperlinks are fine: following them is the reader's choice.
    assert elements.find("a", href="https://www.gov.uk/")


def test_stylesheet_prints_page_numbers_and_a_page_per_section(page: str) -> None:
    css = "\n".join(Elements(page).css)
    assert 'content: "Page " counter(page) " of " counter(pages)' in css
    assert "size: A4" in css
    assert re.search(r"h2\s*\{[^}]*break-before:\s*page", css)


def test_same_notebook_gives_identical_bytes(nb: nbformat.NotebookNode, tmp_path: Path) -> None:
    first = export.to_html(nb, tmp_path / "a.html").read_bytes()
    second = export.to_html(nb, tmp_path / "b.html").read_bytes()
    reread = nbformat.reads(nbformat.writes(nb), as_version=4)
    third = export.to_html(reread, tmp_path / "c.html").read_bytes()
    assert first == second == third


def test_notebook_is_left_unchanged(nb: nbformat.NotebookNode, tmp_path: Path) -> None:
    before = copy.deepcopy(nb)
    export.to_html(nb, tmp_path / "report.html")
    assert nb == before


def test_writes_into_new_folders_and_leaves_no_temporary_files(
    nb: nbformat.NotebookNode, tmp_path: Path
) -> None:
    target = tmp_path / "outputs" / "kent-2022" / "report.html"
    assert export.to_html(nb, target) == target
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def _refused(nb: nbformat.NotebookNode, cell: nbformat.NotebookNode, tmp_path: Path) -> str:
    """The message refusing ``nb`` with ``cell`` added; no page was written."""
    nb.cells.append(cell)
    target = tmp_path / "report.html"
    with pytest.raises(ExportError) as refused:
        export.to_html(nb, target)
    assert not target.exists()
    return str(refused.value)


@pytest.mark.parametrize(
    "snippet",
    [
        '<img src="https://example.org/logo.png" alt="Logo">',
        '<script src="https://cdn.example.org/x.js"></script>',
        "<script>fetch('/x')</script>",
        '<link rel="stylesheet" href="https://fonts.example.org/a.css">',
        '<div style="background: url(https://example.org/bg.png)">x</div>',
        "<style>@import 'https://example.org/a.css';</style>",
        '<iframe src="https://example.org/"></iframe>',
        '<img src="figure.png" alt="A local file, not in the page">',
        f'<img src="data:image/png;base64,{PNG}" alt="" onerror="alert(1)">',
        '<a href="javascript:alert(1)">Click</a>',
        '<a href="JaVa&#09;Script:alert(1)">Entity-encoded tab in the scheme</a>',
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        '<meta http-equiv="refresh" content="0; url=javascript:alert(1)">',
        '<body onload="alert(1)">',
    ],
)
def test_refuses_a_page_that_would_load_anything(
    nb: nbformat.NotebookNode, tmp_path: Path, snippet: str
) -> None:
    refusal = _refused(nb, shown({"text/html": snippet}), tmp_path)
    assert re.search(r"would load or run \d+ thing.*outside the file", refusal)


def test_script_injected_through_data_is_named_in_the_refusal(
    nb: nbformat.NotebookNode, tmp_path: Path
) -> None:
    # An area name from a data file, pasted into HTML without escaping.
    name = 'Kent<img src=x onerror="fetch(1)">'
    refusal = _refused(nb, shown({"text/html": f"<p>{name}</p>"}), tmp_path)
    assert "would load or run 2 thing(s)" in refusal
    assert "onerror= on <img>" in refusal


def test_refuses_an_image_without_alternative_text(
    nb: nbformat.NotebookNode, tmp_path: Path
) -> None:
    refusal = _refused(nb, new_markdown_cell(f'<img src="data:image/png;base64,{PNG}">'), tmp_path)
    assert "1 image(s) in the report have no alternative text" in refusal


def test_an_output_image_without_a_description_says_so(
    nb: nbformat.NotebookNode, tmp_path: Path
) -> None:
    nb.cells.append(shown({"image/png": PNG}))
    page = export.to_html(nb, tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'alt="No description has been provided for this image"' in page


def test_content_security_policy_forbids_scripts_and_requests(page: str) -> None:
    metas = [a for t, a in Elements(page).tags if t == "meta" and "http-equiv" in a]
    assert len(metas) == 1
    assert metas[0]["http-equiv"] == "Content-Security-Policy"
    policy = {
        directive.split()[0]: directive.split()[1:]
        for directive in metas[0]["content"].split(";")
        if directive.strip()
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    head = page.split("<head>", 1)[1]
    assert head.index("Content-Security-Policy") < head.index("<style")


@pytest.mark.parametrize(
    ("snippet", "found"),
    [
        ('<a href="https://www.gov.uk/">GOV.UK</a>', []),
        ('<a href="#section-1">1.</a>', []),
        (f'<img src="data:image/png;base64,{PNG}" alt="">', []),
        (f'<img srcset="data:image/png;base64,{PNG} 1x, big.png 2x" alt="">', ["big.png"]),
        ('<svg><rect style="fill: url(#pattern)"/></svg>', []),
        ('<svg><image href="https://x.org/a.png"/></svg>', ["https://x.org/a.png"]),
        ("<style>p { background: url('a.png') }</style>", ["a.png"]),
        ('<style>@import url("https://x.org/a.css");</style>', ["https://x.org/a.css"]),
        ('<object data="https://x.org/a.pdf"></object>', ["https://x.org/a.pdf"]),
        ('<img src="data:," alt="" onerror="x()">', ["onerror= on <img>"]),
        ('<div ONMOUSEOVER="x()">a</div>', ["onmouseover= on <div>"]),
        ('<a href=" javascript:x()">a</a>', ["javascript: URL in <a href>"]),
        ('<iframe src="javascript:x()"></iframe>', ["javascript: URL in <iframe src>"]),
        ('<form action="vbscript:x"></form>', ["vbscript: URL in <form action>"]),
        ("<p>Type javascript: into nothing; it is only text.</p>", []),
        ('<p class="online">Online</p>', []),
    ],
)
def test_external_references(snippet: str, found: list[str]) -> None:
    assert export.external_references(snippet) == found
