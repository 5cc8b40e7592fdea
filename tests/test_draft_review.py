"""Drafts for review and ``review OLD NEW``.

A copy of the project builds Kent 2021-22 as a final report, as a draft, and as a final report
again (byte for byte the first); then one narrative paragraph, one count in the records and one
published figure's file are changed and a second draft is built (with its PDF). ``review`` must
list exactly those three changes and what follows from them, on an axe-clean page whose every
link leads to a place in the new draft.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pikepdf
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conftest import axe, describe, pdfua, pdfua_findings, project_copy
from safeguarding_report.cli import main
from safeguarding_report.core.errors import ReportError
from safeguarding_report.core.provenance import FIGURE_COLUMNS
from safeguarding_report.pipeline import draft
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.pipeline.stitch import Part
from safeguarding_report.workflows import review

PARAMS = "params/kent-2022.yaml"
# What a final build must give exactly as a build made without ever using --draft.
FINAL_FILES = ("report.html", "report.ipynb", "figures.csv", "changes.csv", "cover-report.html")
EDITED_NOTEBOOK = "notebooks/06_reviews.ipynb"
OLD_WORDS = "It shows themes and counts only, never a child's details,"
NEW_WORDS = "It shows themes and numbers only, never any detail about a child,"
LADO = ("lado_count", "E10000016", "2021-22", "measure: referrals meeting the harm threshold")
CIN_RATE = ("cin_rate", "E10000016", "2022", "")


@dataclass(frozen=True)
class Drafts:
    """The folders the builds left, copied aside."""

    final: Path  # a final build, in a project that had never built a draft
    old: Path  # the first draft
    final_again: Path  # a final build after the draft
    new: Path  # the draft after the three changes, with its PDF
    published: tuple[str, str, str]  # the published file, line and column changed


def _project(base: Path) -> Project:
    """A copy of the project: notebooks, params and records copied, published files linked
    one by one (the one to change is replaced by a copy)."""
    return Project(project_copy(base, each_file=True))


def _build(project: Project, aside: Path, *, draft: bool, pdf: bool = False) -> Path:
    built = build(
        project.root / PARAMS, project, BuildOptions(make_pdf=pdf, progress=False, draft=draft)
    )
    shutil.copytree(built, aside)
    return aside


def _figure(folder: Path, section: str, identity: tuple[str, ...]) -> dict[str, str]:
    with (folder / "figures.csv").open(encoding="utf-8", newline="") as handle:
        return next(
            row
            for row in csv.DictReader(handle)
            if row["section"] == section and tuple(row[k] for k in review.IDENTITY) == identity
        )


def _change_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (a copy replaces a link to the shipped file)."""
    text = path.read_text(encoding="utf-8")
    path.unlink()
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[line - 1]]))
    row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator=lines[line - 1][len(lines[line - 1].rstrip("\r\n")) :]).writerow(
        row
    )
    lines[line - 1] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")


def _edit_narrative(root: Path) -> None:
    path = root / EDITED_NOTEBOOK
    nb = nbformat.read(path, as_version=4)
    assert OLD_WORDS in nb.cells[0].source
    nb.cells[0].source = nb.cells[0].source.replace(OLD_WORDS, NEW_WORDS)
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> Drafts:
    base = tmp_path_factory.mktemp("drafts")
    project = _project(base / "project")
    final = _build(project, base / "final", draft=False)
    old = _build(project, base / "old", draft=True)
    final_again = _build(project, base / "final-again", draft=False)
    # One narrative paragraph, one count in the records, one published figure's file.
    _edit_narrative(project.root)
    _change_cell(project.root / "data/local/kent-2022/lado.csv", 3, "count", "415")
    shown = _figure(final, "local_context", CIN_RATE)
    assert shown["shown"] == "354.8"
    published = (shown["source_file"], shown["source_line"], shown["source_column"])
    _change_cell(project.root / published[0], int(published[1]), published[2], "361.2")
    new = _build(project, base / "new", draft=True, pdf=True)
    assert main(["review", str(old), str(new)]) == 0
    return Drafts(final, old, final_again, new, published)


@pytest.mark.build
def test_a_final_build_after_a_draft_is_the_build_made_without_drafts(drafts: Drafts) -> None:
    for name in FINAL_FILES:
        assert (drafts.final_again / name).read_bytes() == (drafts.final / name).read_bytes(), name
    charts = sorted(p.name for p in (drafts.final / "charts").iterdir())
    assert charts == sorted(p.name for p in (drafts.final_again / "charts").iterdir())
    for name in charts:
        assert (drafts.final_again / "charts" / name).read_bytes() == (
            drafts.final / "charts" / name
        ).read_bytes()
    page = (drafts.final_again / "report.html").read_text(encoding="utf-8")
    assert draft.NOTICE_WORDS not in page and 'class="ref"' not in page
    assert not (drafts.final_again / draft.REFERENCES_FILE).exists()
    assert "draft" not in json.loads((drafts.final_again / "manifest.json").read_text())


@pytest.mark.build
def test_a_draft_says_so_and_numbers_every_paragraph_row_and_chart(drafts: Drafts) -> None:
    page = (drafts.old / "report.html").read_text(encoding="utf-8")
    notice = json.loads((drafts.old / "manifest.json").read_text())["draft"]
    assert re.fullmatch(r"Draft for review: built \d{1,2} \w+ \d{4}, inputs [0-9a-f]{12}", notice)
    assert "<title>Draft for review: " in page and notice in page
    assert f'content: "{notice}"' in page  # at the top of every printed page
    ids = re.findall(r'<span class="ref" id="(ref-[0-9A-D-]+)">', page)
    assert len(ids) == len(set(ids)) > 500
    # The first sentence of "Learning from reviews", its counts table and a row, a chart.
    assert '<span class="ref" id="ref-6-0-1">6.0.1</span> This section reports' in page
    assert '<th scope="row"><span class="ref" id="ref-6-1-2-1">6.1.2.1</span> Serious' in page
    assert re.search(r'<figcaption><span class="ref" id="ref-5-\d+-\d+">', page)
    # A draft's title page says it is one, where the final report says when it was published.
    final = (drafts.final / "report.html").read_text(encoding="utf-8")
    assert '<p class="title-date">Published 15 December 2022</p>' in final
    assert re.search(r'<p class="title-date">Draft for review, built \d{1,2} \w+ \d{4}</p>', page)
    assert "Published 15 December 2022" not in page
    # Every visible heading is numbered: independent scrutiny's headings are written by the
    # library (h3, and the scrutineer's own ## two levels down), not by the notebook's ##.
    for heading in ("The independent scrutineer&#x27;s evaluation", "The partners&#x27; response"):
        assert re.search(
            rf'<h3><span class="ref" id="ref-10-\d">10\.\d</span> {heading}</h3>', page
        )
    assert re.search(r'<h4><span class="ref" id="ref-10-1-\d+">10\.1\.\d+</span> What is', page)
    unnumbered = re.findall(r"<h[3-6]>(?!<span class=\"ref\")(.{0,40})", page)
    assert unnumbered == [], unnumbered
    # Only the edited section's own numbers could move; here none did (the edit kept its place).
    _, _, before = draft.read_references(drafts.old / draft.REFERENCES_FILE)
    _, _, after = draft.read_references(drafts.new / draft.REFERENCES_FILE)
    assert [(b.ref, b.kind, b.part) for b in before] == [(b.ref, b.kind, b.part) for b in after]


@pytest.mark.build
def test_a_draft_pdf_says_draft_on_every_page_and_in_its_metadata(drafts: Drafts) -> None:
    pdf = drafts.new / "report.pdf"
    notice = json.loads((drafts.new / "manifest.json").read_text())["draft"]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) > 40 and all(notice in page for page in pages)
    with pikepdf.open(pdf) as document:
        assert str(document.docinfo["/Title"]).startswith("Draft for review: ")
        assert str(document.docinfo["/Subject"]) == notice
        with document.open_metadata() as meta:
            assert meta["dc:description"] == notice
    report = pdfua(pdf)
    assert report["summary"]["errors"] == 0, pdfua_findings(report)
    assert report["summary"]["warnings"] == 0, pdfua_findings(report)


def _words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's words in reading order: (left edge, right edge, word)."""
    found = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" [^>]*>([^<]*)</word>')
    return [
        [(float(x0), float(x1), w) for x0, x1, w in word.findall(page)]
        for page in found.split("<page ")[1:]
    ]


@pytest.mark.build
def test_a_draft_pdf_shows_table_and_row_numbers_in_the_margin(drafts: Drafts) -> None:
    """A row's number stands in the margin, as a paragraph's does: every row heading starts at
    the text's left edge, in line with the column heading above it, not pushed along by it."""
    pages = _words(drafts.new / "report.pdf")
    paragraph, row = re.compile(r"\d+\.\d+\.\d+"), re.compile(r"(\d+|[A-D])(\.\d+){3}")
    after = [
        (page[i][1], page[i + 1][0], ref, kind)
        for page in pages
        for i, (_, _, ref) in enumerate(page[:-1])
        for kind, pattern in (("paragraph", paragraph), ("row", row))
        if pattern.fullmatch(ref)
    ]
    lefts = [left for _, left, _, kind in after if kind == "paragraph"]
    text = max(set(lefts), key=lefts.count)  # where paragraphs start, after their numbers
    rows = [(ref, end, left) for end, left, ref, kind in after if kind == "row"]
    assert len(rows) > 200
    assert all(end < text and abs(left - text) < 0.5 for _, end, left in rows), [
        r for r in rows if abs(r[2] - text) >= 0.5
    ][:5]


@pytest.mark.build
def test_review_lists_exactly_the_three_changes_and_what_follows(drafts: Drafts) -> None:
    found = review.compare(drafts.old, drafts.new)
    # The narrative: the one paragraph edited, words deleted and inserted marked as such.
    (edited,) = found.narrative
    assert (edited.change, edited.place.ref, edited.old_ref) == ("changed", "6.0.1", "6.0.1")
    assert "<del>" in edited.words and "counts" in edited.words.split("<del>")[1]
    assert "<ins>" in edited.words and "numbers" in edited.words.split("<ins>")[1]
    # The figures: the count in the records and the published figure, each from its source.
    sources = {f.identity: f for f in found.sources}
    assert set(sources) == {LADO, CIN_RATE}
    lado, cin_rate = sources[LADO], sources[CIN_RATE]
    assert (lado.before, lado.after) == ("412", "415")
    assert lado.source == "data/local/kent-2022/lado.csv, line 3, column count"
    assert (cin_rate.before, cin_rate.after) == ("354.8", "361.2")
    file, line, column = drafts.published
    assert cin_rate.source == f"{file}, line {line}, column {column}"
    assert cin_rate.in_cover and not lado.in_cover
    # Everything else follows from them: figures worked out from the changed ones, ...
    derived = [f for f in found.figures if f.identity not in sources]
    assert derived and all(f.follows == cin_rate.what for f in derived)
    # ... and the sentences, table rows and charts that show a changed figure, nothing else.
    shown_at = {place for f in found.figures for place in f.places}
    _, _, blocks = draft.read_references(drafts.new / draft.REFERENCES_FILE)
    kinds = {b.ref: b.kind for b in blocks}
    assert all(kinds[place.ref] != "note" for place in shown_at)  # notes show no figure
    changed = {f.what for f in found.figures}
    sentences = [p for s in found.sections for p in s.paragraphs if p is not edited]
    notes = [p for p in sentences if p.note]
    sentences = [p for p in sentences if not p.note]
    assert sentences and all(p.figures and set(p.figures) <= changed for p in sentences)
    # The notes under tables and charts that say which population a rate divides by: the
    # changed children-in-need rate no longer confirms the DfE's population base for 2022.
    assert notes and all("Rates per 10,000 children divide by" in p.words for p in notes)
    assert all("ONS now estimates" in p.words.split("<ins>")[1] for p in notes)
    assert f"{len(notes)} notes under tables and charts changed" in found.follows
    assert all(p.place in shown_at for p in sentences)
    assert any(p.place.ref.startswith("2.") and "354.8" in p.words for p in sentences)
    cells = [(place, text) for s in found.sections for t in s.tables for place, text in t.cells]
    assert cells and all(place in shown_at for place, _ in cells), cells
    assert (lado.places[0], "Referrals meeting the harm threshold, Number: from 412 to 415") in (
        cells
    )
    charts = [c for s in found.sections for c in s.charts]
    assert charts and all(c.place in shown_at for c in charts)
    assert any("Kent, 2022: from 354.8 to 361.2" in c.points for c in charts)
    # The count at the top, in words.
    page = (drafts.new / review.REVIEW_FILE).read_text(encoding="utf-8")
    said = "3 changes: one paragraph rewritten and 2 figures updated"
    assert found.count == said and f"<strong>{said}</strong>" in page
    assert found.follows.startswith("What follows from them: ") and found.follows in page
    assert "(s)" not in page and "->" not in page and "-&gt;" not in page


@pytest.mark.build
def test_the_review_page_is_accessible_has_no_script_and_links_into_the_new_draft(
    drafts: Drafts,
) -> None:
    page_path = drafts.new / review.REVIEW_FILE
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert '<del><span class="visually-hidden">[deleted: </span>' in page
    assert '<ins><span class="visually-hidden">[inserted: </span>' in page
    targets = set(re.findall(r'href="report\.html#([^"]+)"', page))
    report = (drafts.new / "report.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', report))
    assert targets and targets <= ids, targets - ids
    violations = axe(page_path)
    assert violations == [], describe(violations)


def test_strict_refuses_draft_in_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(ReportError, match="--strict and --draft cannot be used together"):
        BuildOptions(strict=True, draft=True)
    assert main(["build", "--strict", "--draft", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--strict and --draft cannot be used together" in err[0]


def test_review_of_a_folder_that_is_not_a_draft_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"not a draft for review\. Build each version"):
        review.compare(tmp_path, tmp_path)


def _section(*markdown: str, html: str = "") -> Part:
    cells = [new_markdown_cell(m) for m in markdown]
    if html:
        cell = new_code_cell("section.table(ctx)")
        cell.outputs = [
            nbformat.v4.new_output("execute_result", {"text/html": html, "text/plain": ""})
        ]
        cells.append(cell)
    return Part("reviews", new_notebook(cells=cells))


def test_reference_numbers_stay_put_when_text_elsewhere_changes() -> None:
    table = (
        '<div class="table-wrap"><table><caption>Counts</caption><thead><tr><th scope="col">'
        'Kind</th><th scope="col">Number</th></tr></thead><tbody><tr><th scope="row">A</th>'
        '<td>12</td></tr><tr><th scope="row">B</th><td>7</td></tr></tbody></table></div>'
    )
    before = _section(
        "# Reviews\n\nThe opening.",
        "## First\n\nOne.\n\nTwo.\n\n- a listed point\n- another",
        "## Second\n\nThree.",
        html=table,
    )
    after = _section(
        "# Reviews\n\nThe opening, rewritten at length.\n\nA new paragraph.",
        "## First\n\nOne.\n\nA paragraph added here.\n\nTwo.\n\n- a listed point\n- another",
        "## Second\n\nThree, reworded.",
        html=table,
    )
    _, old = draft.number([before])
    numbered, new = draft.number([after])
    refs = {b.text: b.ref for b in old}
    moved = {b.text: b.ref for b in new}
    # Another subsection's blocks keep their numbers whatever changed elsewhere; in its own
    # subsection a block moves only when one is added before it.
    assert refs["One."] == moved["One."] == "1.1.1"
    assert (refs["Two."], moved["Two."]) == ("1.1.2", "1.1.3")
    assert refs["Counts"] == moved["Counts"] == "1.2.2"
    assert [b.ref for b in new if b.kind == "row"] == ["1.2.2.1", "1.2.2.2"]
    assert moved["a listed point"] == "1.1.4"
    source = "\n".join(c.source for c in numbered[0].notebook.cells)
    assert '<span class="ref" id="ref-1-1-1">1.1.1</span> One.' in source
    assert '- <span class="ref" id="ref-1-1-4">1.1.4</span> a listed point' in source
    assert "ref-" not in "".join(c.source for c in after.notebook.cells)  # parts not changed
    # A subsection's heading carries the subsection's number.
    assert [(b.ref, b.text) for b in new if b.kind == "heading"] == [
        ("1.1", "First"),
        ("1.2", "Second"),
    ]
    assert '## <span class="ref" id="ref-1-1">1.1</span> First' in source


def test_numbering_html_adds_the_numbers_and_leaves_every_other_byte_as_written() -> None:
    page = (
        '<div class="banner" role="note"><p>Not numbered.</p></div>\n'
        "<!-- a comment --><p>Kent &amp; Medway&#x27;s <b>12</b><br/>cases</p>\n"
        '<div class="table-wrap"><table><thead><tr><th scope="col">Kind</th></tr></thead>'
        '<tbody><tr><td>A &lt;b&gt;</td></tr></tbody></table><p class="table-note">How.</p></div>'
    )
    numbered, blocks = draft.number([_section("# Reviews", html=page)])
    shown = numbered[0].notebook.cells[-1].outputs[0].data["text/html"]
    assert re.sub(r'<span class="ref" id="[^"]+">[0-9.]+</span> ?', "", shown) == page
    assert [(b.ref, b.kind, b.text) for b in blocks] == [
        ("1.0.1", "paragraph", "Kent & Medway's 12cases"),
        ("1.0.2", "table", ""),
        ("1.0.2.1", "row", "A <b>"),
        ("1.0.3", "note", "How."),
    ]


def test_review_pairs_each_changed_paragraph_with_its_new_words(tmp_path: Path) -> None:
    before = _section("# Reviews\n\nThe opening of the section, as it was written.\n\nTwo.")
    after = _section(
        "# Reviews\n\nA paragraph added first.\n\n"
        "The opening of the section, as it was rewritten.\n\nTwo."
    )
    for name, part in (("old", before), ("new", after)):
        folder = tmp_path / name
        folder.mkdir()
        parts, blocks = draft.number([part])
        draft.write_references(blocks, parts, draft.notice("0" * 64), folder / "references.json")
        (folder / "figures.csv").write_text(",".join(FIGURE_COLUMNS) + "\n", encoding="utf-8")
    found = review.compare(tmp_path / "old", tmp_path / "new")
    assert [(p.change, p.place.ref, p.old_ref) for p in found.narrative] == [
        ("added", "1.0.1", ""),
        ("changed", "1.0.2", "1.0.1"),
    ]
    assert "<del>" in found.narrative[1].words and "rewritten" in found.narrative[1].words
    assert found.figures == []


def test_word_diff_marks_words_inserted_and_deleted_and_escapes_them() -> None:
    marked = review.word_diff("counts <b> only", "numbers <b> only")
    assert marked.startswith("<del>") and "&lt;b&gt; only" in marked
    assert "counts" in marked.split("</del>")[0] and "numbers" in marked.split("<ins>")[1]


@pytest.mark.parametrize("name", ["build", "batch"])
def test_build_and_batch_take_draft(name: str) -> None:
    from safeguarding_report import cli

    assert cli._build_options(cli._parser().parse_args([name, "--draft"])) == BuildOptions(
        draft=True
    )


def test_a_paragraphs_words_are_compared_as_read_not_as_markdown() -> None:
    part = _section(
        "# Reviews\n\nThe **panel** met [monthly](https://example.org) and `twice` more.",
        "## First\n\n- a *listed*\n  point over two lines\n- another",
    )
    _, blocks = draft.number([part])
    texts = [b.text for b in blocks if b.kind == "paragraph"]
    assert texts == [
        "The panel met monthly and twice more.",
        "a listed point over two lines",
        "another",
    ]


def test_a_figure_read_from_the_workbook_is_cited_by_sheet_and_row(tmp_path: Path) -> None:
    part = _section("# Reviews\n\nThe opening.")
    for name, count in (("old", "412"), ("new", "415")):
        folder = tmp_path / name
        folder.mkdir()
        parts, blocks = draft.number([part])
        draft.write_references(blocks, parts, draft.notice("0" * 64), folder / "references.json")
        row = {k: "" for k in FIGURE_COLUMNS} | {
            "section": "quality_assurance",
            "indicator": "lado_count",
            "area_name": "Kent",
            "period": "2021-22",
            "breakdown": "measure: referrals meeting the harm threshold",
            "value": count,
            "shown": count,
            "source_file": "data/local/kent-2022/records.xlsx, sheet 'lado'",
            "source_line": "3",
            "source_column": "count",
        }
        with (folder / "figures.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, FIGURE_COLUMNS)
            writer.writeheader()
            writer.writerow(row)
    (change,) = review.compare(tmp_path / "old", tmp_path / "new").figures
    assert (change.before, change.after) == ("412", "415")
    assert change.source == "data/local/kent-2022/records.xlsx, sheet 'lado', row 3, column count"


def test_every_visible_heading_is_numbered_whatever_its_level_or_writer() -> None:
    # A section whose notebook uses ### for its subsections numbers them as one using ##.
    _, blocks = draft.number([_section("# Reviews\n\nOpening.", "### First\n\nOne.", "### Second")])
    assert [(b.ref, b.kind, b.text) for b in blocks] == [
        ("1.0.1", "paragraph", "Opening."),
        ("1.1", "heading", "First"),
        ("1.1.1", "paragraph", "One."),
        ("1.2", "heading", "Second"),
    ]
    # Headings the library writes (h3, and a narrative's ## two levels down as h4): the h3s
    # are the subsections, an h4 is a block of its subsection, numbered in its place.
    statement = (
        "<h3>The evaluation</h3>\n<p>I watched.</p><h4>What is working</h4><ul><li>Schools."
        "</li></ul>\n<h3>The response</h3>\n<p>We accept.</p>"
    )
    numbered, blocks = draft.number([_section("# Scrutiny\n\nOpening.", html=statement)])
    assert [(b.ref, b.kind, b.text) for b in blocks] == [
        ("1.0.1", "paragraph", "Opening."),
        ("1.1", "heading", "The evaluation"),
        ("1.1.1", "paragraph", "I watched."),
        ("1.1.2", "heading", "What is working"),
        ("1.1.3", "paragraph", "Schools."),
        ("1.2", "heading", "The response"),
        ("1.2.1", "paragraph", "We accept."),
    ]
    shown = numbered[0].notebook.cells[-1].outputs[0].data["text/html"]
    assert '<h3><span class="ref" id="ref-1-1">1.1</span> The evaluation</h3>' in shown
    assert '<h4><span class="ref" id="ref-1-1-2">1.1.2</span> What is working</h4>' in shown
    # Markdown ## and a library's h3 are the same level once stitched; Markdown ### below it.
    _, blocks = draft.number(
        [_section("# Mixed", "## Written\n\n### Within\n\nText.", html="<h3>Shown</h3>")]
    )
    assert [(b.ref, b.text) for b in blocks if b.kind == "heading"] == [
        ("1.1", "Written"),
        ("1.1.1", "Within"),
        ("1.2", "Shown"),
    ]


def _drafts(tmp_path: Path, texts: tuple[str, str], counts: tuple[str, str]) -> None:
    """Two drafts of one small section, in ``tmp_path/old`` and ``tmp_path/new``: the section's
    text and one count in the records, as given, built on two days from different inputs."""
    days = (dt.date(2026, 12, 3), dt.date(2026, 12, 10))
    for name, text, count, day, digest in zip(
        ("old", "new"), texts, counts, days, ("a" * 12, "b" * 12), strict=True
    ):
        folder = tmp_path / name
        folder.mkdir()
        parts, blocks = draft.number([_section(text)])
        draft.write_references(blocks, parts, draft.Notice(day, digest), folder / "references.json")
        row = {k: "" for k in FIGURE_COLUMNS} | {
            "section": "quality_assurance",
            "indicator": "lado_count",
            "area_name": "Kent",
            "period": "2021-22",
            "breakdown": "measure: contacts received",
            "value": count,
            "shown": count,
            "source_file": "data/local/kent-2022/lado.csv",
            "source_line": "2",
            "source_column": "count",
        }
        with (folder / "figures.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, FIGURE_COLUMNS)
            writer.writeheader()
            writer.writerow(row)


def test_the_review_page_counts_in_words_and_keeps_files_and_hashes_for_analysts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _drafts(
        tmp_path,
        (
            "# Reviews\n\nThe panel met monthly.\n\nIt read every review.",
            "# Reviews\n\nThe panel met every month.\n\nIt read every one of the reviews.",
        ),
        ("1,624", "1,702"),
    )
    assert main(["review", str(tmp_path / "old"), str(tmp_path / "new")]) == 0
    printed = capsys.readouterr().out.splitlines()
    said = "3 changes: 2 paragraphs rewritten and one figure updated"
    assert printed[0].startswith(f"{said}. ")
    page = (tmp_path / "new" / review.REVIEW_FILE).read_text(encoding="utf-8")
    assert f"<strong>{said}</strong>" in page
    assert "(s)" not in page and "-&gt;" not in page and "->" not in page
    assert "between the draft built on 3 December 2026 and the one built on 10 December" in page
    # The hashes and the file a figure is read from are there for analysts, out of the way.
    hashes = re.search(r'<p class="details">([^<]*)</p>', page)
    assert hashes and "a" * 12 in hashes[1] and "b" * 12 in hashes[1]
    assert page.count("a" * 12) == 1
    row = re.search(
        r"<tr>\s*<th scope=\"row\">LADO activity, contacts received, Kent.*?</tr>", page, re.S
    )
    assert row and 'class="num">1,624</td>' in row[0] and 'class="num">1,702</td>' in row[0]
    # The last column: where it is read from.
    source = '<td class="analysts">data/local/kent-2022/lado.csv, line 2, column count</td>'
    assert row[0].endswith(f"{source}\n</tr>")


@pytest.mark.parametrize(
    ("paragraphs", "counts", "said"),
    [
        (
            ("The panel met.", "The panel met often."),
            ("12", "12"),
            "One change: one paragraph rewritten",
        ),
        (
            ("One.", "One.\n\nA second, quite new and different."),
            ("12", "13"),
            "2 changes: one paragraph added and one figure updated",
        ),
        (("One.", "One."), ("12", "12"), "No changes"),
        (
            (
                "The panel met.\n\nIt read them.",
                "The panel met often.\n\nIt read them all.\n\nNew.",
            ),
            ("12", "12"),
            "3 changes: 2 paragraphs rewritten and one added",
        ),
    ],
)
def test_the_count_says_each_kind_of_change_in_words(
    tmp_path: Path, paragraphs: tuple[str, str], counts: tuple[str, str], said: str
) -> None:
    _drafts(tmp_path, (f"# Reviews\n\n{paragraphs[0]}", f"# Reviews\n\n{paragraphs[1]}"), counts)
    found = review.compare(tmp_path / "old", tmp_path / "new")
    assert found.count == said
    assert found.summary.startswith(said + ".")


def test_a_draft_numbered_before_its_notice_was_kept_in_parts_is_still_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / draft.REFERENCES_FILE
    notice = draft.Notice(dt.date(2026, 12, 3), "0123456789ab")
    draft.write_references([], [], notice, path)
    facts = json.loads(path.read_text(encoding="utf-8"))
    del facts["built"], facts["inputs"]  # as drafts built before this kit wrote them
    path.write_text(json.dumps(facts), encoding="utf-8")
    assert draft.read_references(path)[0] == notice


def test_two_drafts_rewritten_throughout_are_compared_in_time_that_grows_with_their_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every paragraph rewritten: each old paragraph is looked for among a few new ones, not
    all of them, so 1,000 paragraphs cost at most 1,000 x LOOK_AHEAD comparisons (all of them
    would be half a million), and every paragraph is still listed as removed or added."""
    n = 1_000
    olds = [f"Paragraph {i} as the partnership first wrote it about its work." for i in range(n)]
    news = [f"Entirely new words, number {i}, replace everything else there." for i in range(n)]
    _drafts(tmp_path, ("# Reviews\n\n" + "\n\n".join(olds), "# Reviews\n\n" + "\n\n".join(news)),
            ("7", "7"))  # fmt: skip
    compared = 0
    set_seq1 = difflib.SequenceMatcher.set_seq1

    def counting(self: difflib.SequenceMatcher[str], a: Sequence[str]) -> None:
        nonlocal compared
        compared += 1
        set_seq1(self, a)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq1", counting)
    found = review.compare(tmp_path / "old", tmp_path / "new")
    assert compared <= 2 * n * review.LOOK_AHEAD
    changes = [p.change for p in found.narrative]
    assert changes.count("removed") == n and changes.count("added") == n
