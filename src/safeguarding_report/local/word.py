"""A narrative written in Word: a ``.docx`` read into the same Markdown as a ``.md`` file.

Contributions arrive as Word documents. ``read_docx_narrative`` converts one with mammoth
(Word styles to clean HTML: headings, paragraphs, lists, bold and italic, links, tables) and
markdownify (that HTML to Markdown), then checks and renders the Markdown exactly as a ``.md``
narrative is (``read.finish_narrative``), so the report has one way to show text.

What cannot be published safely or faithfully is refused with a message saying what to do:
tracked changes (accept or reject them first), comments (which would be left out), embedded
objects (OLE objects, charts, an embedded HTML or other document), macros and images without
alternative text; each found by Word's namespace, whatever prefix the file binds to it. An
image with alternative text is shown as that text, as images are in Markdown narratives: the
report loads nothing from anywhere. The document is read within the limits of
``core/limits.py`` (checked from its zip directory before any part is parsed), and a damaged
one is refused naming its part, line and column (``read.office_package``).

The front matter (who signed, whether it is a draft) is a small table at the very top of the
document: two columns, a key of the front matter in the first and its value in the second,
one row per key; a list of people (``signed_by``) takes one row per person, the name and the
role in a cell each (or in one cell as "Name, Role"). Everything after the table is the text.
"""

from __future__ import annotations

import logging
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any, get_args, get_origin

import docx
import mammoth
from bs4 import BeautifulSoup, Tag
from markdownify import MarkdownConverter
from pydantic import BaseModel

from safeguarding_report.core import limits, markup
from safeguarding_report.core.errors import DataError
from safeguarding_report.local.describe import strip_optional
from safeguarding_report.local.read import (
    PARSE_ERRORS,
    Narrative,
    finish_narrative,
    office_package,
    parse_part,
    unreadable,
)

log = logging.getLogger(__name__)

KIND = "a Word document (.docx)"
# Word's namespaces, as Word writes them (transitional) and as strict Office Open XML does: an
# element is known by its namespace, whatever prefix a file binds to it.
_WORD = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
         "http://purl.oclc.org/ooxml/wordprocessingml/main")  # fmt: skip
_OFFICE = ("urn:schemas-microsoft-com:office:office",)
_CHART = ("http://schemas.openxmlformats.org/drawingml/2006/chart",
          "http://purl.oclc.org/ooxml/drawingml/chart")  # fmt: skip
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_RELATIONSHIP_TYPES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                       "http://purl.oclc.org/ooxml/officeDocument/relationships/")  # fmt: skip


def _tags(namespaces: tuple[str, ...], *names: str) -> frozenset[str]:
    return frozenset(f"{{{uri}}}{name}" for uri in namespaces for name in names)


_TEXT = _tags(_WORD, "t")
# Word's markup for what the report cannot take, by the words a user knows it by.
_REFUSED: tuple[tuple[frozenset[str], str, str], ...] = (
    (
        _tags(_WORD, "ins", "del", "moveFrom", "moveTo"),
        "it has tracked changes",
        "accept or reject every change (Review > Accept All Changes) and save it again",
    ),
    (
        _tags(_WORD, "altChunk"),
        "it has embedded HTML or another document inside it",
        "paste that content in as ordinary text and save it again",
    ),
    (
        _tags(_WORD, "object", "control") | _tags(_OFFICE, "OLEObject") | _tags(_CHART, "chart"),
        "it has an embedded object (a spreadsheet, chart or other object)",
        "replace the object with text or a table and save it again",
    ),
    (
        _tags(_WORD, "commentReference", "commentRangeStart"),
        "it has comments, which the report would leave out without a word",
        "act on each comment and delete it (Review > Delete All Comments) and save it again",
    ),
)
_REFUSED_BY_TAG = {tag: (what, fix) for tags, what, fix in _REFUSED for tag in tags}


# Character styles that mean emphasis in Word and LibreOffice (mammoth reads direct bold and
# italic by itself; these styles it would drop).
STYLE_MAP = """
r[style-name='Emphasis'] => em
r[style-name='Strong'] => strong
r[style-name='Strong Emphasis'] => strong
"""


class _Markdown(MarkdownConverter):
    """markdownify's converter, with an image given as its alternative text."""

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        alt = str(el.attrs.get("alt", "")).strip()
        return markup.escape(f"[Image: {alt}]")


def _refuse_unsafe(path: Path, source_file: str) -> None:
    """DataError for a document that cannot be read within the limits, is damaged, holds
    macros (``read.office_package``), or whose text (the document and its notes, the parts
    mammoth publishes) holds what cannot be published faithfully or is longer than a
    narrative may be: found by Word's namespace, whatever prefix the file uses."""
    with office_package(path, source_file, KIND) as archive:
        chars = 0
        inside = 0  # how deep the parser is in w:t elements (a text run's characters)

        def start(tag: str, _: dict[str, str]) -> None:
            nonlocal inside
            if tag in _REFUSED_BY_TAG:
                what, fix = _REFUSED_BY_TAG[tag]
                raise DataError(
                    f"{source_file}: the document cannot be used because {what}. "
                    f"Expected plain text, lists, links and tables; {fix}."
                )
            inside += tag in _TEXT

        def end(tag: str) -> None:
            nonlocal inside
            inside -= tag in _TEXT

        most = limits.current().narrative_characters

        def text(data: str) -> None:
            nonlocal chars
            chars += len(data) if inside else 0
            if chars > most:
                raise DataError(
                    f"{source_file}: the text is more than {most:,} characters long. Expected "
                    f"at most that (about {most // 7:,} words), far more than a part of the "
                    "yearly report takes; shorten it, or link to the full document"
                    f"{limits.raise_hint('narrative_characters')}."
                )

        for part in _published_parts(archive, source_file):
            parse_part(archive, part, source_file, KIND, start=start, end=end, text=text)


def _published_parts(archive: zipfile.ZipFile, source_file: str) -> list[str]:
    """The parts whose text mammoth publishes: the main document (found as mammoth finds it,
    through the package's relationships) and its footnotes and endnotes."""
    names = set(archive.namelist())
    main = _targets(archive, "_rels/.rels", "", source_file).get("officeDocument", [])
    document = next((p for p in main if p in names), "word/document.xml")
    if document not in names:
        raise DataError(
            f"{source_file}: the file has no document in it (no part {document}). Expected "
            f"{KIND} as Word or LibreOffice saves it; open it there and save it again."
        )
    folder, name = posixpath.split(document)
    related = _targets(
        archive, posixpath.join(folder, "_rels", f"{name}.rels"), folder, source_file
    )
    notes = [
        next((p for p in related.get(kind, []) if p in names), f"word/{kind}.xml")
        for kind in ("footnotes", "endnotes")
    ]
    return [document, *(p for p in notes if p in names)]


def _targets(
    archive: zipfile.ZipFile, rels: str, folder: str, source_file: str
) -> dict[str, list[str]]:
    """A relationships part's targets (as part names) by the kind of relationship."""
    found: dict[str, list[str]] = {}
    if rels not in archive.namelist():
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        kind = attrs.get("Type", "")
        prefix = next((t for t in _RELATIONSHIP_TYPES if kind.startswith(t)), None)
        if tag == _RELATIONSHIP and prefix and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            found.setdefault(kind[len(prefix) :], []).append(posixpath.normpath(part))

    parse_part(archive, rels, source_file, KIND, start=start)
    return found


def _html(path: Path, source_file: str) -> str:
    no_alt: list[str] = []

    def image(picture: Any) -> dict[str, str]:
        alt = (picture.alt_text or "").strip()
        if not alt:
            no_alt.append(picture.content_type or "an image")
        return {"alt": alt}

    try:
        with path.open("rb") as file:
            result = mammoth.convert_to_html(
                file, style_map=STYLE_MAP, convert_image=mammoth.images.img_element(image)
            )
    except PARSE_ERRORS as exc:
        raise unreadable(source_file, KIND, exc) from None
    if no_alt:
        raise DataError(
            f"{source_file}: {len(no_alt)} image(s) have no alternative text. Expected a "
            "description of each image for readers who cannot see it: in Word, right-click "
            "the image > Edit Alt Text (in LibreOffice, Properties > Options > Alternative); "
            "or remove the image."
        )
    return str(result.value)


def _front_matter(soup: BeautifulSoup, model: type[BaseModel], source_file: str) -> dict[str, Any]:
    """The front-matter table at the top, removed from ``soup``; {} when there is none."""
    first = next((c for c in soup.children if isinstance(c, Tag)), None)
    if first is None or first.name != "table":
        return {}
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"])]
        for row in first.find_all("tr")
    ]
    keys = {name: field for name, field in model.model_fields.items()}
    if not rows or not all(r and r[0].strip().lower() in keys for r in rows):
        return {}
    first.decompose()
    meta: dict[str, Any] = {}
    for number, cells in enumerate(rows, start=1):
        key = cells[0].strip().lower()
        values = [c for c in cells[1:] if c]
        annotation = strip_optional(keys[key].annotation)
        if get_origin(annotation) is list:
            item = get_args(annotation)[0]
            meta.setdefault(key, [])
            if isinstance(item, type) and issubclass(item, BaseModel):
                names = list(item.model_fields)
                if len(values) == 1 and len(names) > 1:
                    values = [v.strip() for v in values[0].split(",", len(names) - 1)]
                meta[key].append(dict(zip(names, values, strict=False)))
            else:
                meta[key].extend(values)
        elif key in meta:
            raise DataError(
                f"{source_file}, the table at the top, row {number}: the key {key!r} is given "
                "twice. Expected each key once (only a list such as signed_by takes a row each)."
            )
        else:
            meta[key] = " ".join(values) if values else None
    return {k: v for k, v in meta.items() if v is not None}


def read_docx_narrative(path: Path, source_file: str, model: type[BaseModel]) -> Narrative:
    """One Word narrative: its front-matter table validated by ``model``, the text as Markdown."""
    _refuse_unsafe(path, source_file)
    soup = BeautifulSoup(_html(path, source_file), "html.parser")
    header = _front_matter(soup, model, source_file)
    body = _Markdown(heading_style="ATX", bullets="-", escape_misc=True).convert_soup(soup)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return finish_narrative(
        header,
        body,
        source_file,
        model,
        key_place=lambda key: "the table at the top",
        body_place=lambda line: "the text",
    )


def as_draft(source: Path, target: Path, from_id: str) -> None:
    """Copy a Word narrative to ``target`` with ``draft`` set to true in its front-matter
    table (a table added at the top if it has none), as new-year carries narratives over."""
    document = docx.Document(str(source))
    body = document.element.body
    first = body[0] if len(body) else None
    table = document.tables[0] if document.tables and first is document.tables[0]._tbl else None
    if table is None:
        table = document.add_table(rows=0, cols=2)
        body.insert(0, table._tbl)
    row = next((r for r in table.rows if r.cells[0].text.strip().lower() == "draft"), None)
    if row is None:
        row = table.add_row()
        row.cells[0].text = "draft"
    row.cells[1].text = "true"
    log.debug("carried %s over from %s as a draft", target.name, from_id)
    document.save(str(target))
