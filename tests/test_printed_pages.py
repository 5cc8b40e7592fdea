"""The printed report as a reader turns its pages, for the shipped reports and one `new` starts.

The contents give each section's and appendix's page, the same page the PDF's bookmarks lead
to; no page but the last holds only a line or two (a source line, a signature); a table's
caption is on the page where its rows begin, and its first note on the page where they end.
The pages' words are read with poppler's pdftotext, the places of captions and rows from the
tagged PDF's structure (each tag's marked content names its page).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest

from conftest import project_copy
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("kent-2026", "llr-2024")  # beside the default report, kent-2022
NEW = ("E08000003", 2024)  # a report `safeguarding-report new` starts (Manchester)
REPORTS = ("kent-2022", *SHIPPED, "new")
FEWEST_LINES = 5  # of body text on any page but the last
FOOTER = re.compile(r"Page \d+ of \d+")

pytestmark = [
    pytest.mark.build,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project (records copied, published files linked): `new` adds to it."""
    return Project(project_copy(tmp_path_factory.mktemp("printed")))


@pytest.fixture(scope="module", params=REPORTS)
def report(request: pytest.FixtureRequest, project: Project) -> Path:
    """A built report's folder: a shipped one (built once for the run) or one `new` starts."""
    if request.param != "new":
        shipped: Path = request.getfixturevalue("shipped_report")(request.param)
        return shipped
    params_file = scaffold.new(NEW[0], NEW[1], root=project.root).params
    return build(params_file, project, BuildOptions(progress=False))


def pages_text(pdf_path: Path) -> list[str]:
    """Each page's text as laid out (pdftotext -layout), without the running footer."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    pages = done.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    return [
        "\n".join(line for line in page.splitlines() if not FOOTER.fullmatch(line.strip()))
        for page in pages
    ]


class _Contents(HTMLParser):
    """The HTML report's contents: each entry's words, and its link's target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[tuple[str, str]] = []
        self._inside = False
        self._link: str | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ol" and ("class", "contents-list") in attrs:
            self._inside = True
        elif tag == "a" and self._inside:
            self._link, self._words = dict(attrs).get("href") or "", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self._inside = False
        elif tag == "a" and self._link is not None:
            self.entries.append((" ".join("".join(self._words).split()), self._link))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._words.append(data)


def html_contents(folder: Path) -> list[tuple[str, str]]:
    parser = _Contents()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    return parser.entries


def outline_parts(pdf_path: Path) -> dict[str, int]:
    """Each part's bookmark (the headings below the report's title) and the page it opens."""
    with pikepdf.open(pdf_path) as document:
        numbers = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
        with document.open_outline() as outline:
            found = {}
            for title in outline.root:
                for part in title.children:
                    destination = part.destination
                    assert isinstance(destination, pikepdf.Array), part.title
                    found[part.title] = numbers[destination[0].objgen]
    return found


def test_the_contents_give_each_part_the_page_its_bookmark_opens(report: Path) -> None:
    entries = html_contents(report)
    parts = outline_parts(report / "report.pdf")
    parts.pop("Contents")
    # Every section and appendix, in the contents of the page and the PDF alike.
    assert [title for title, _ in entries] == list(parts)
    pages = pages_text(report / "report.pdf")
    first = min(parts.values())
    contents = " ".join(" ".join(pages[1 : first - 1]).split())
    assert contents.startswith("Contents")
    for title, page in parts.items():
        assert f"{title} {page} " in contents + " ", f"{title} is on page {page}: {contents}"


def test_the_web_page_keeps_its_contents_links_and_shows_no_page_numbers(report: Path) -> None:
    page = (report / "report.html").read_text(encoding="utf-8")
    nav = page.split('<ol class="contents-list">', 1)[1].split("</ol>", 1)[0]
    assert re.findall(r"<span [^>]*data-page-of[^>]*>([^<]*)</span>", nav) == [""] * len(
        html_contents(report)
    )
    for _, link in html_contents(report):
        assert f'id="{link[1:]}"' in page, link


def test_no_page_but_the_last_holds_only_a_line_or_two(report: Path) -> None:
    pages = pages_text(report / "report.pdf")
    with pikepdf.open(report / "report.pdf") as document:
        charts = {n for n, page in enumerate(document.pages) if page.get_images()}
    short = {
        n + 1: lines
        for n, text in enumerate(pages[:-1])
        if n not in charts
        and len(lines := [line.strip() for line in text.splitlines() if line.strip()])
        < FEWEST_LINES
    }
    assert short == {}, f"pages with fewer than {FEWEST_LINES} lines of text: {short}"


def _kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _pages(element: pikepdf.Dictionary, numbers: dict[tuple[int, int], int]) -> list[int]:
    """The pages of the marked content under a structure element, in reading order."""
    found = []
    stack = [element]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        if "/Pg" in node and any(isinstance(kid, int) for kid in items):
            found.append(numbers[node.Pg.objgen])
        stack.extend(reversed([kid for kid in items if isinstance(kid, pikepdf.Dictionary)]))
    return found


def _tables(document: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, pikepdf.Dictionary]]:
    """(table, what follows it in the same group, or the table itself) for each table."""
    stack = [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = _kids(node)
        for index, kid in enumerate(kids):
            if kid.S == "/Table":
                yield kid, kids[index + 1] if index + 1 < len(kids) else kid
        stack.extend(kids)


def _rows(table: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    rows = []
    for kid in _kids(table):
        if kid.S == "/TR":
            rows.append(kid)
        elif kid.S in ("/THead", "/TBody", "/TFoot"):
            rows.extend(row for row in _kids(kid) if row.S == "/TR")
    return rows


def test_a_caption_is_on_the_page_its_table_begins_and_a_note_where_it_ends(
    report: Path,
) -> None:
    parted = []
    with pikepdf.open(report / "report.pdf") as document:
        numbers = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
        tables = list(_tables(document))
        for table, after in tables:
            rows = _rows(table)
            captions = [kid for kid in _kids(table) if kid.S == "/Caption"]
            assert rows and captions, "every table of the report has a caption and rows"
            caption = _pages(captions[0], numbers)
            first, last = _pages(rows[0], numbers), _pages(rows[-1], numbers)
            if len(set(caption)) > 1 or caption[-1] != first[0]:
                parted.append(f"caption on page {sorted(set(caption))}, rows from {first[0]}")
            if after is not table and after.S == "/P" and _pages(after, numbers)[0] != last[-1]:
                parted.append(f"rows end on page {last[-1]}, note on {_pages(after, numbers)[0]}")
    assert len(tables) > 20
    assert parted == []
