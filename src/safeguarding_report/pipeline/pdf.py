"""The HTML report -> an A4 PDF, printed by headless Chromium.

The page size, margins and page numbers come from the report's own CSS (``@page``), so the PDF
looks like the HTML printed from a browser. Chromium runs with a fresh profile and with every
background network feature switched off: the report is self-contained, and on a machine with
no network Chromium would otherwise wait on connection attempts.

The PDF is tagged (for screen readers), has bookmarks made from the headings, and carries the
page's title and language. The same HTML and date always give the same bytes: Chromium stamps
the time of printing, so the creation and modification dates are set to the date given (the
report's publication date), and the document /ID is made from the file's content (pikepdf).

Chromium cannot count pages for CSS (no ``target-counter()``), so a page that holds
page-number slots (the contents: an empty ``<span data-page-of="section-2">`` after each
entry) is printed twice: once to learn on which page each target lands (the printed PDF's
named destinations, where its bookmarks and links lead), then from a copy of the page with
the numbers written into the slots. The slots have a fixed width, so the numbers move
nothing; should they move a target all the same, the copy is printed once more. The HTML
report keeps its empty slots. A page without slots (the cover report) is printed once.

What Chromium leaves short of PDF/UA-1 is made good here, with pikepdf, so that ``pdfua check``
finds nothing: a ``<figure>`` around a chart is tagged ``/Figure`` with no alternative text
beside the ``<img>``'s own ``/Figure`` that has it, so the wrapper becomes a ``/Div`` (each
chart is then one figure, described once); the running headers and footers the CSS prints
("Page 2 of 60") are drawn outside any tag, so they are marked as pagination artifacts; each
link gets a description (``/Contents``: the link's own text in the page); and XMP metadata
declares PDF/UA-1 with the title, language and dates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pikepdf

from safeguarding_report.core.errors import ExportError, ToolMissing
from safeguarding_report.core.store import replacing

log = logging.getLogger(__name__)

CHROMIUM_ENV = "SAFEGUARDING_REPORT_CHROMIUM"
CHROMIUM_NAMES: tuple[str, ...] = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = (
    "Install it with `sudo apt-get install chromium` on Debian/Ubuntu (or run "
    "`make chromium`), or set SAFEGUARDING_REPORT_CHROMIUM to the path of a Chromium or "
    "Chrome executable; or build the HTML report only with --no-pdf."
)

CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--mute-audio",
    "--hide-scrollbars",
    # Our CSS prints the page numbers; Chromium's own header and footer would add the file
    # path and the date (which would also make the PDF differ between runs).
    "--no-pdf-header-footer",
    "--print-to-pdf-no-header",  # the same, for Chromium older than 120
    # Bookmarks from the headings (h1 to h6), nested as they are; the PDF is tagged anyway.
    "--generate-pdf-document-outline",
    # Lay out and paint everything (fonts, data: images) before printing.
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
)
_STDERR_TAIL_LINES = 20

# An empty element standing for the page number of the element whose id it names. Its
# attributes are as the report's templates write them (stitch.html.j2's contents).
_PAGE_SLOT = re.compile(r'(<span\b[^<>]*\bdata-page-of="([^"<>]+)"[^<>]*>)(</span>)')
# Prints after the first, with page numbers, before giving up on numbers that keep moving.
_NUMBERED_PRINTS = 2


def find_chromium() -> str:
    """Path of a Chromium/Chrome executable.

    ``$SAFEGUARDING_REPORT_CHROMIUM`` if set, else ``chromium``, ``chromium-browser`` or
    ``google-chrome`` on ``PATH``. Raises ``ToolMissing`` saying how to install it.
    """
    configured = os.environ.get(CHROMIUM_ENV, "").strip()
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ToolMissing(
                f"{CHROMIUM_ENV} is set to {configured!r}, which is not an executable program. "
                f"Point it at a Chromium or Chrome executable, or unset it to use chromium from "
                f"PATH. {INSTALL_HINT}"
            )
        return found
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise ToolMissing(
        "Printing the PDF report needs Chromium, and none was found on PATH (looked for "
        f"{', '.join(CHROMIUM_NAMES)}). {INSTALL_HINT}"
    )


def print_pdf(
    html_path: Path, pdf_path: Path, *, date: dt.date, timeout: float = 120, draft: str = ""
) -> Path:
    """Print the HTML report to an A4 PDF with headless Chromium; return pdf_path.

    ``draft`` is a draft's notice ("Draft for review: built ..."): the PDF's metadata then
    says it is a draft (its subject, keywords and XMP description); "" for the final report.

    ``date`` (the publication date) is the PDF's creation and modification date, so that
    the same HTML gives the same bytes. The PDF is written under a temporary name beside
    ``pdf_path`` and renamed when complete, so a half-written PDF never sits at ``pdf_path``.
    A page with a contents is printed twice, to write each part's page into it; ``timeout``
    is for each print. Raises ``ExportError`` when Chromium fails, times out or leaves no
    PDF, and ``ToolMissing`` when there is no Chromium.
    """
    chromium = find_chromium()
    html_path = Path(html_path).resolve()
    if not html_path.is_file():
        raise ExportError(f"{html_path}: no HTML report to print (write it with to_html first).")
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    # Chromium prints beside the target under a temporary name; the finished PDF replaces
    # the target once complete (``store.replacing``).
    printed = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.printed")
    printed.unlink(missing_ok=True)
    # The copy with page numbers sits beside the page, so that its relative links (the
    # charts' CSV files) lead where the page's own do.
    numbered = html_path.with_name(f".{html_path.name}.{os.getpid()}.numbered.html")
    try:
        with tempfile.TemporaryDirectory(prefix="safeguarding-report-chromium-") as profile:

            def print_page(page: Path) -> None:
                printed.unlink(missing_ok=True)
                command = [
                    chromium,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={profile}",
                    f"--crash-dumps-dir={profile}",
                    f"--print-to-pdf={printed}",
                    page.as_uri(),
                ]
                log.debug("Printing %s to PDF with %s", page.name, chromium)
                log.debug("Running %s", command)
                returncode, stderr = _run(command, timeout, html_path)
                _check(returncode, stderr, printed, html_path, chromium)
                log.debug("Chromium said: %s", stderr.strip() or "(nothing)")

            print_page(html_path)
            _number_pages(html_path, numbered, printed, print_page)
        facts, links = _page_facts(html_path)
        _finish(printed, pdf_path, facts, links, date, html_path.parent.as_uri() + "/", draft)
    finally:
        printed.unlink(missing_ok=True)
        numbered.unlink(missing_ok=True)
    log.debug("Wrote %s (%d kB)", pdf_path, pdf_path.stat().st_size // 1024)
    return pdf_path


def _number_pages(
    html_path: Path, numbered: Path, printed: Path, print_page: Callable[[Path], None]
) -> None:
    """Print ``numbered`` (the page with its slots' page numbers filled in) to ``printed``.

    ``printed`` holds the page printed once already; a page without slots is left so. The
    numbers come from that first print and are checked on the next: when a target has moved
    (a number wrapped a line), the copy is printed again with the new numbers. Raises
    ``ExportError`` when they still move after ``_NUMBERED_PRINTS`` prints.
    """
    page = html_path.read_text(encoding="utf-8")
    targets = {match.group(2) for match in _PAGE_SLOT.finditer(page)}
    if not targets:
        return
    pages = _target_pages(printed, targets)
    missing = sorted(targets - pages.keys())
    if missing:
        log.warning(
            "%s: no page found for %s (no element with that id is a link's target); its "
            "page number is left out of the PDF.",
            html_path.name,
            ", ".join(missing),
        )
    for _ in range(_NUMBERED_PRINTS):
        numbered.write_text(_with_page_numbers(page, pages), encoding="utf-8")
        print_page(numbered)
        again = _target_pages(printed, targets)
        if again == pages:
            return
        log.debug("Page numbers moved (%s), printing again", sorted(again.items() - pages.items()))
        pages = again
    raise ExportError(
        f"{html_path}: the page numbers in its contents kept moving after {_NUMBERED_PRINTS + 1} "
        "prints (writing them in moved what they point to). Check the contents' print layout "
        "in style.css: the page number must have a fixed width."
    )


def _with_page_numbers(page: str, pages: dict[str, int]) -> str:
    """``page`` with each page-number slot holding its target's page (empty when unknown)."""

    def fill(match: re.Match[str]) -> str:
        number = pages.get(match.group(2))
        return match.group(0) if number is None else f"{match.group(1)}{number}{match.group(3)}"

    return _PAGE_SLOT.sub(fill, page)


def _target_pages(pdf_path: Path, targets: set[str]) -> dict[str, int]:
    """The page (from 1) on which each of ``targets`` (element ids) lands in a printed PDF.

    Chromium writes a named destination for each element a link leads to, named by its id.
    """
    try:
        with pikepdf.open(pdf_path) as document:
            numbers = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
            found: dict[str, int] = {}
            for name, destination in _destinations(document):
                # A destination is [page /XYZ left top zoom], or a dictionary holding it as /D.
                place = (
                    destination.get("/D")
                    if isinstance(destination, pikepdf.Dictionary)
                    else destination
                )
                if name not in targets or not isinstance(place, pikepdf.Array) or not len(place):
                    continue
                page = place[0]
                if isinstance(page, pikepdf.Dictionary) and page.objgen in numbers:
                    found[name] = numbers[page.objgen]
            return found
    except pikepdf.PdfError as exc:
        raise ExportError(f"{pdf_path}: Chromium's PDF could not be read ({exc}).") from exc


def _destinations(document: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Object]]:
    """(name, destination) of each named destination: the catalogue's /Dests (PDF 1.1, as
    Chromium writes them) and the /Names tree's (PDF 1.2)."""
    dests = document.Root.get("/Dests")
    if isinstance(dests, pikepdf.Dictionary):
        for key, destination in dests.items():
            yield key.removeprefix("/"), destination
    names = document.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        for key, destination in pikepdf.NameTree(names.Dests).items():
            yield key, destination


def _finish(
    printed: Path,
    pdf_path: Path,
    facts: dict[str, str],
    links: dict[str, str],
    date: dt.date,
    folder: str,
    draft: str = "",
) -> None:
    """Fixed dates and /ID, the page's title and language, PDF/UA; written to ``pdf_path``.

    Links to files beside the report (the charts' CSVs) are made relative again: Chromium
    writes them as absolute ``file:`` URLs of the folder the page was printed from. ``links``
    maps each link's target (``#id`` or the URL as written) to its text in the page.
    """
    stamp = f"D:{date:%Y%m%d}000000Z"
    try:
        with pikepdf.open(printed) as document:
            if facts.get("title"):
                document.docinfo["/Title"] = facts["title"]
            document.docinfo["/CreationDate"] = stamp
            document.docinfo["/ModDate"] = stamp
            if draft:
                document.docinfo["/Subject"] = draft
                document.docinfo["/Keywords"] = "draft"
            if facts.get("lang"):
                document.Root.Lang = pikepdf.String(facts["lang"])
            # Viewers show the title, not the file name, in the window (PDF/UA asks for it).
            preferences = document.Root.get("/ViewerPreferences", pikepdf.Dictionary())
            preferences.DisplayDocTitle = True
            document.Root.ViewerPreferences = preferences
            _mend_bookmarks(document, facts)
            _relative_links(document, folder)
            _describe_links(document, links)
            _one_figure_per_chart(document)
            _mark_running_text(document)
            _declare_pdfua(document, facts, date, draft)
            # Opened by Python, so the file gets the umask's mode like every other output.
            with replacing(pdf_path) as handle:
                document.save(handle, deterministic_id=True)
    except pikepdf.PdfError as exc:
        raise ExportError(f"{printed}: Chromium's PDF could not be read ({exc}).") from exc


def _relative_links(document: pikepdf.Pdf, folder: str) -> None:
    """Each link into ``folder`` (a file: URL ending in '/') made relative to the PDF."""
    for page in document.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != "/URI":
                continue
            uri = str(action.get("/URI", ""))
            if uri.startswith(folder):
                action.URI = pikepdf.String(uri.removeprefix(folder))


def _describe_links(document: pikepdf.Pdf, links: dict[str, str]) -> None:
    """Give each link annotation its text in the page as ``/Contents`` (PDF/UA 7.18.5).

    A link to a place in the report names it by ``/Dest`` (the element's id); a link out, or
    to a file beside the report, by its URI. A target the page does not show as a link's
    text (which should not happen) is described by the target itself.
    """
    for page in document.pages:
        for annotation in page.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link" or "/Contents" in annotation:
                continue
            destination = annotation.get("/Dest")
            action = annotation.get("/A")
            if isinstance(destination, pikepdf.Name):
                target = "#" + str(destination)[1:]
                words = links.get(target) or f"Go to {target[1:]}"
            elif action is not None and action.get("/S") == "/URI":
                target = str(action.get("/URI", ""))
                words = links.get(target) or f"Open {target}"
            else:
                continue
            annotation.Contents = pikepdf.String(words)


def _one_figure_per_chart(document: pikepdf.Pdf) -> None:
    """A ``/Figure`` with no alternative text around one that has it becomes a ``/Div``.

    Chromium tags both the ``<figure>`` and its ``<img>`` as figures; the image carries the
    alt text, so the wrapper is a grouping (with its caption), and the chart is announced once.
    """
    root = document.Root.get("/StructTreeRoot")
    if root is None:
        return
    stack = [root]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        children = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        elements = [k for k in children if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        if (
            element.get("/S") == "/Figure"
            and "/Alt" not in element
            and "/ActualText" not in element
            and any(k.get("/S") == "/Figure" and "/Alt" in k for k in elements)
        ):
            element.S = pikepdf.Name.Div
        stack.extend(elements)


_TEXT_OR_PAINT = frozenset({"BT", "Do"})


def _mark_running_text(document: pikepdf.Pdf) -> None:
    """Mark text and images drawn outside any tag as pagination artifacts (PDF/UA 7.1).

    Chromium draws the CSS page-margin boxes (the running header and "Page N of M") outside
    the structure tree; everything else it draws is tagged. Each such text object or image
    is wrapped in ``/Artifact <</Type /Pagination>> BDC … EMC``; a page with none is left
    as it was.
    """
    opening = pikepdf.ContentStreamInstruction(
        [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)],
        pikepdf.Operator("BDC"),
    )
    closing = pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))
    for page in document.pages:
        marked: list[pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage] = []
        depth = 0
        inside_text = changed = False
        for instruction in pikepdf.parse_content_stream(page):
            name = str(instruction.operator)
            if name in ("BDC", "BMC"):
                depth += 1
            elif name == "EMC":
                depth -= 1
            opens = depth == 0 and not inside_text and name in _TEXT_OR_PAINT
            if opens:
                marked.append(opening)
                changed = True
                inside_text = name == "BT"
            marked.append(instruction)
            if (opens and name == "Do") or (inside_text and name == "ET"):
                marked.append(closing)
                inside_text = False
        if changed:
            page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(marked))


def _declare_pdfua(
    document: pikepdf.Pdf, facts: dict[str, str], date: dt.date, draft: str = ""
) -> None:
    """XMP metadata claiming PDF/UA-1, with the title, language and the fixed dates (and, for
    a draft, its notice as the description)."""
    stamp = f"{date:%Y-%m-%d}T00:00:00Z"
    # pikepdf would otherwise stamp itself and the time of saving into the metadata.
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["pdfuaid:part"] = "1"
        if facts.get("title"):
            meta["dc:title"] = facts["title"]
        if facts.get("lang"):
            meta["dc:language"] = {facts["lang"]}
        meta["xmp:CreateDate"] = stamp
        meta["xmp:ModifyDate"] = stamp
        meta["xmp:MetadataDate"] = stamp
        if draft:
            meta["dc:description"] = draft
            meta["pdf:Keywords"] = "draft"


def _mend_bookmarks(document: pikepdf.Pdf, facts: dict[str, str]) -> None:
    """Put back the spaces Chromium drops from a bookmark where its heading wraps a line."""
    headings = {"".join(text.split()): text for key, text in facts.items() if key[0] == "h"}

    def mend(items: list[pikepdf.OutlineItem]) -> None:
        for item in items:
            heading = headings.get("".join(item.title.split()))
            if heading is not None and heading != item.title:
                item.title = heading
            mend(item.children)

    with document.open_outline() as outline:
        mend(outline.root)


class _PageFacts(HTMLParser):
    """A page's ``<title>`` text, ``<html lang>`` and headings' text (keys h0, h1, ...);
    in ``links``, each link's target (``href``) and its text (the first, for a target
    linked more than once)."""

    _HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts: dict[str, str] = {}
        self._open: str | None = None  # "title" or a heading tag
        self._text: list[str] = []
        self._headings = 0
        self.links: dict[str, str] = {}
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and dict(attrs).get("href"):
            self._href, self._link_text = dict(attrs)["href"], []
        if tag == "img" and self._href is not None:
            self._link_text.append(dict(attrs).get("alt") or "")
        if tag == "html":
            self.facts["lang"] = dict(attrs).get("lang") or ""
        elif self._open is None and (tag == "title" or tag in self._HEADINGS):
            self._open, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            text = " ".join("".join(self._link_text).split())
            if text:
                self.links.setdefault(self._href, text)
            self._href = None
        if tag != self._open:
            return
        text = " ".join("".join(self._text).split())
        if tag == "title":
            self.facts.setdefault("title", text)
        else:
            self.facts[f"h{self._headings}"] = text
            self._headings += 1
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def _page_facts(html_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The page's facts (title, language, headings) and its links' text by target."""
    parser = _PageFacts()
    parser.feed(html_path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser.facts, parser.links


def _run(command: list[str], timeout: float, html_path: Path) -> tuple[int, str]:
    """Run Chromium in its own process group, so a timeout ends its helpers too."""
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.communicate()
            raise ExportError(
                f"{html_path}: Chromium did not finish printing the PDF within {timeout:g} s. "
                "Try again with a longer timeout; if it keeps happening, check that the HTML "
                "opens in a browser."
            ) from None
        finally:
            if process.poll() is None:
                _kill_group(process)
    return process.returncode, stderr


def _kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)


def _check(returncode: int, stderr: str, printed: Path, html_path: Path, chromium: str) -> None:
    size = printed.stat().st_size if printed.exists() else 0
    if returncode == 0 and size > 0 and _starts_like_pdf(printed):
        return
    if returncode != 0:
        problem = f"Chromium ({chromium}) exited with status {returncode}"
    else:
        problem = f"Chromium ({chromium}) did not write a PDF"
    tail = "\n".join(stderr.strip().splitlines()[-_STDERR_TAIL_LINES:]) or "(nothing on stderr)"
    raise ExportError(f"{html_path}: {problem} while printing it. Chromium said:\n{tail}")


def _starts_like_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"
