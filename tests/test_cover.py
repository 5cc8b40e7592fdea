"""The committee cover report: three files, the report's own figures, Word a reader can use."""

from __future__ import annotations

import csv
import itertools
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from safeguarding_report.core import framework, indicators, params
from safeguarding_report.core.errors import DataError
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.pipeline import cover
from safeguarding_report.pipeline.build import Project, build
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.report import cover_docx, sections
from safeguarding_report.report.sections import priorities
from safeguarding_report.workflows import inputs

ROOT = Path(__file__).resolve().parents[1]

KENT_2012_PARAMS = """\
id: kent-2012
partnership: Kent Safeguarding Children Board
local_authority: "886"
period_start: 2011-04-01
period_end: 2012-03-31
comparison_year: 2012
trend_years: 5
publication_date: 2012-10-31
framework: wt2010
"""


def _project(tmp_path: Path, report_id: str) -> tuple[Path, Path]:
    """A data folder holding the published files and a copy of one report's local records."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "published").symlink_to(ROOT / "data" / "published", target_is_directory=True)
    local = data / "local" / report_id
    local.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "local" / report_id / "cover_report.yaml", local)
    # The priorities its key activities cite, with their measures.
    for name in ("priorities.csv", "priority_measures.csv"):
        if (ROOT / "data" / "local" / report_id / name).exists():
            shutil.copy(ROOT / "data" / "local" / report_id / name, local)
    # The cover report's illustrative banner follows the folder's about.yaml.
    shutil.copy(ROOT / "data" / "local" / "kent-2022" / "about.yaml", local)
    params_file = ROOT / "params" / f"{report_id}.yaml"
    if report_id == "kent-2012" and not params_file.exists():
        params_file = tmp_path / "kent-2012.yaml"
        params_file.write_text(KENT_2012_PARAMS, encoding="utf-8")
    return data, params_file


def _write(tmp_path: Path, report_id: str, *, make_pdf: bool = False) -> tuple[Path, list[dict]]:
    data, params_file = _project(tmp_path, report_id)
    out = tmp_path / "out"
    out.mkdir()
    rows = cover.write(params.load(params_file), Published(data), out, make_pdf=make_pdf)
    return out, rows


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


@pytest.fixture(scope="module")
def kent_2022(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    return _write(tmp_path_factory.mktemp("cover-2022"), "kent-2022", make_pdf=True)


@pytest.fixture(scope="module")
def kent_2012(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    return _write(tmp_path_factory.mktemp("cover-2012"), "kent-2012", make_pdf=True)


@pytest.fixture(scope="module")
def kent_2026(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    return _write(tmp_path_factory.mktemp("cover-2026"), "kent-2026")


@pytest.mark.parametrize("which", ["kent_2022", "kent_2012"])
def test_each_kent_report_gets_html_a4_pdf_and_word(
    which: str, request: pytest.FixtureRequest
) -> None:
    out, rows = request.getfixturevalue(which)
    for name in (cover.HTML_FILE, cover.PDF_FILE, cover.DOCX_FILE):
        assert (out / name).stat().st_size > 0, name
    info = subprocess.run(
        ["pdfinfo", str(out / cover.PDF_FILE)], capture_output=True, text=True, check=True
    ).stdout
    assert "(A4)" in info
    assert rows and all(r["section"] == "cover" for r in rows)


def test_2012_cover_quotes_the_published_looked_after_figures(kent_2012: tuple) -> None:
    out, rows = kent_2012
    said = "At 31 March 2012, 1,798 children were looked after by Kent, 187 of them"
    placed = "A further 1,163 children looked after by other local authorities were placed in Kent"
    # Figures carry a count marker for the disclosure scan: compare the text readers see.
    html = re.sub(r"<[^>]+>", "", (out / cover.HTML_FILE).read_text(encoding="utf-8"))
    word = _docx_text(out / cover.DOCX_FILE)
    for text in (said, placed):
        assert text in html and text in word
    shown = {r["indicator"]: r["shown"] for r in rows}
    assert shown["cla_at_31_march"] == "1,798"
    assert shown["uasc_at_31_march"] == "187"
    assert shown["cla_placed_by_other_las"] == "1,163"


def test_2012_cover_is_a_boards_under_the_2009_act_and_working_together_2010(
    kent_2012: tuple,
) -> None:
    out, _ = kent_2012
    word = _docx_text(out / cover.DOCX_FILE)
    assert "Apprenticeships, Skills, Children and Learning Act 2009" in word
    assert "Working Together to Safeguard Children 2010" in word
    assert "Independent Chair, Kent Safeguarding Children Board" in word
    assert "County Council is asked to COMMENT on the progress made" in word
    assert "The annual report" in [
        p.text for p in docx.Document(str(out / cover.DOCX_FILE)).paragraphs
    ]


def test_2022_cover_lists_key_activities_and_the_four_working_together_2018_elements(
    kent_2022: tuple,
) -> None:
    out, _ = kent_2022
    document = docx.Document(str(out / cover.DOCX_FILE))
    lettered = [p.text for p in document.paragraphs if _level(p) == "2"]
    wt2018 = framework.load("wt2018")
    elements = [r.text for r in wt2018.requirements if r.id != "publish"]
    assert len(elements) == 4
    assert lettered[:4] == elements
    written = yaml.safe_load(
        (ROOT / "data/local/kent-2022/cover_report.yaml").read_text(encoding="utf-8")
    )
    plain = [" ".join(a.split()) for a in written["key_activities"]]
    assert lettered[4 : 4 + len(plain)] == plain


@pytest.mark.parametrize("report", ["kent-2022", "kent-2026"])
def test_the_cover_cites_a_prioritys_progress_with_the_figures_its_table_shows(
    report: str, request: pytest.FixtureRequest
) -> None:
    """A key activity of key_activities_progress is followed by its priority's judgement and
    its measures' baseline and latest figures, worked out as the priorities section works them
    out: the same figures, shown the same way, with the same records in figures.csv."""
    out, rows = request.getfixturevalue(report.replace("-", "_"))
    written = yaml.safe_load(
        (ROOT / f"data/local/{report}/cover_report.yaml").read_text(encoding="utf-8")
    )
    ctx = sections.for_report(params.load(ROOT / f"params/{report}.yaml"), Published(ROOT / "data"))
    shown = priorities.progress(ctx)  # each priority with its table of measures
    html = (out / cover.HTML_FILE).read_text(encoding="utf-8")
    word = _docx_text(out / cover.DOCX_FILE)
    lettered = [
        p.text for p in docx.Document(str(out / cover.DOCX_FILE)).paragraphs if _level(p) == "2"
    ]
    cited = written["key_activities_progress"]
    assert cited and lettered[-len(cited) :] == [
        next(p for p in lettered if p.startswith(" ".join(c["activity"].split()))) for c in cited
    ]
    for item in cited:
        measured = priorities.measures_of(ctx, item["priority"])
        verdict = priorities.verdict([m.judgement for m in measured])
        assert f"The measures: {verdict}." in shown.html  # the section says the same
        said = f"The measures of priority {item['priority']} ("
        assert said in word and verdict in word and verdict in html
        for m in measured:
            if item.get("measure") and m.record.data.measure != item["measure"]:
                continue
            # The same records as the section's table, under the section "cover".
            for row in (m.baseline, m.latest):
                (in_table,) = [
                    r for r in shown.records
                    if (r["indicator"], r["area_code"], r["period"], r["breakdown"])
                    == (row["indicator"], row["area_code"], row["period"], row["breakdown"])
                ]  # fmt: skip
                assert {**in_table, "section": "cover"} in rows
            first, last = (
                next(r["shown"] for r in rows if r["breakdown"] == row["breakdown"]
                     and r["period"] == row["period"] and r["indicator"] == row["indicator"]
                     and r["area_code"] == row["area_code"])
                for row in (m.baseline, m.latest)
            )  # fmt: skip
            sentence = (
                f"{m.label}: from {first} in {m.baseline['period']} to {last} in "
                f"{m.latest['period']}, {m.judgement}"
            )
            assert sentence in word, sentence
            assert html.count(first) >= 1 and html.count(last) >= 1


def test_a_cited_priority_or_measure_the_records_lack_is_named_with_file_line_and_key(
    kent_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = kent_folder / "data/local/kent-2022/cover_report.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "priority: P4")
    lines[at] = lines[at].replace("P4", "P9")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    p = params.load(kent_folder / "params/kent-2022.yaml")
    out = kent_folder / "out"
    out.mkdir()
    expected = (
        f"cover_report.yaml, line {at + 1}, key 'key_activities_progress[1].priority': 'P9' is "
        "not a priority in priorities.csv; expected one of: P1, P2, P3, P4, P5"
    )
    with pytest.raises(DataError, match=re.escape(expected)):
        cover.write(p, Published(kent_folder / "data"), out, make_pdf=False)
    # check names it too, and a build would stop on it.
    found = inputs.check(kent_folder / "params/kent-2022.yaml", kent_folder)
    (row,) = [r for r in found if r.name.startswith("cover_report")]
    assert row.state == inputs.INVALID and row.blocks and expected in row.detail
    lines[at] = lines[at].replace("P9", "P3")  # a measure of another priority
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace(
        "    priority: P3\n    measure: local-icon-trained",
        "    priority: P3\n    measure: local-s175",
    )
    path.write_text(text, encoding="utf-8")
    wrong = (
        r"key 'key_activities_progress\[0\]\.measure': 'local-s175' is not a measure of "
        r"priority P3 .*expected one of: infant_mortality, injury_admissions_0_14, "
        r"local-icon-trained"
    )
    with pytest.raises(DataError, match=wrong):
        cover.write(p, Published(kent_folder / "data"), out, make_pdf=False)


def _level(paragraph: docx.text.paragraph.Paragraph) -> str | None:
    found = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:ilvl')}")
    return None if found is None else found.get(qn("w:val"))


def test_word_headings_are_headings_and_paragraphs_are_numbered(kent_2022: tuple) -> None:
    out, _ = kent_2022
    document = docx.Document(str(out / cover.DOCX_FILE))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Introduction",
        "The yearly report",
        "Conclusions",
        "Recommendation",
        "Background documents",
        "Contact details",
    ]
    assert all(_level(p) == "0" for p in document.paragraphs if p.style.name == "Heading 1")
    subheadings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert subheadings == ["Report authors", "Relevant director"]
    numbered = [p for p in document.paragraphs if _level(p) == "1"]
    assert len(numbered) >= 12
    assert document.core_properties.title.startswith("Kent Safeguarding Children")


def test_every_picture_in_the_word_file_has_alt_text(kent_2022: tuple) -> None:
    out, _ = kent_2022
    document = docx.Document(str(out / cover.DOCX_FILE))
    pictures = list(document.element.body.iter(qn("wp:docPr")))
    assert len(pictures) == 1  # the looked-after rate against its comparators
    for picture in pictures:
        assert picture.get("descr", "").startswith("Bar chart. Children looked after")
        assert "Kent: 53" in picture.get("descr")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XMLNS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}


def _part(path: Path, name: str) -> ElementTree.Element:
    with zipfile.ZipFile(path) as package:
        return ElementTree.fromstring(package.read(name))


@pytest.mark.parametrize("which", ["kent_2022", "kent_2012"])
def test_word_file_passes_the_checks_word_makes_that_the_file_can_answer(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Word's accessibility checker, as far as the XML says: title, language, headings in
    order, header rows, alt text, and the chart's words and figures as text, not only in it."""
    out, _ = request.getfixturevalue(which)
    path = out / cover.DOCX_FILE
    core = _part(path, "docProps/core.xml")
    assert (core.findtext("dc:title", namespaces=XMLNS) or "").startswith("Kent Safeguarding")
    assert core.findtext("dc:language", namespaces=XMLNS) == "en-GB"
    # The language Word gives the text is the default run properties' (styles.xml).
    styles = _part(path, "word/styles.xml")
    language = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", XMLNS)
    assert language is not None and language.get(f"{W}val") == "en-GB"

    body = _part(path, "word/document.xml").find("w:body", XMLNS)
    assert body is not None
    styles_used = [s.get(f"{W}val", "") for s in body.iterfind("w:p/w:pPr/w:pStyle", XMLNS)]
    levels = [int(s.removeprefix("Heading")) for s in styles_used if s.startswith("Heading")]
    assert levels and levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels

    grids = body.findall("w:tbl", XMLNS)
    assert len(grids) >= 2  # the paper's header and at least one table of figures
    for grid in grids:
        rows = grid.findall("w:tr", XMLNS)
        assert rows[0].find("w:trPr/w:tblHeader", XMLNS) is not None
        assert all(r.find("w:trPr/w:tblHeader", XMLNS) is None for r in rows[1:])
        assert all(c.find("w:tcPr/w:gridSpan", XMLNS) is None for r in rows for c in r)
        caption = grid.find("w:tblPr/w:tblCaption", XMLNS)
        assert caption is not None and caption.get(f"{W}val")

    children = list(body)
    pictures = [i for i, c in enumerate(children) if c.find(".//wp:docPr", XMLNS) is not None]
    assert pictures or which == "kent_2012"  # 2012 has no published rate to chart
    for i in pictures:
        drawing = children[i].find(".//w:drawing", XMLNS)
        assert drawing is not None and drawing.find("wp:inline", XMLNS) is not None
        described = drawing.find(".//wp:docPr", XMLNS)
        assert described is not None and len(described.get("descr", "")) > 40
        # What the chart shows in its image is also text: its title and subtitle just
        # before it, and its figures in the table just after.
        before = ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in children[i - 2 : i]]
        assert all(before), before
        after = [c.tag for c in children[i + 1 : i + 3]]
        assert f"{W}tbl" in after


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (make test installs libreoffice-writer-nogui)",
)
def test_libreoffice_opens_the_word_file_with_its_numbering(
    kent_2022: tuple, tmp_path: Path
) -> None:
    out, _ = kent_2022
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / cover.DOCX_FILE)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    converted = tmp_path / "cover-report.pdf"
    text = subprocess.run(
        ["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "1. Introduction" in text
    assert "1.1" in text and "2.2" in text
    assert "a) Evidence of the impact" in text
    assert "1,777" in text


@pytest.mark.parametrize("which", ["kent_2022", "kent_2026"])
def test_word_tables_have_widths_rows_kept_whole_and_space_around_them(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Columns fixed at widths worked out from their words (filling the page between its
    margins), rows that do not split across pages, the header row kept with the first row
    and its caption with it, and space between a table and the text after it."""
    out, _ = request.getfixturevalue(which)
    body = _part(out / cover.DOCX_FILE, "word/document.xml").find("w:body", XMLNS)
    assert body is not None
    children = list(body)
    between_margins = cover_docx.A4[0] - 2 * cover_docx.MARGIN
    for i, grid in enumerate(children):
        if grid.tag != f"{W}tbl":
            continue
        layout = grid.find("w:tblPr/w:tblLayout", XMLNS)
        assert layout is not None and layout.get(f"{W}type") == "fixed"
        columns = [int(c.get(f"{W}w", "")) for c in grid.iterfind("w:tblGrid/w:gridCol", XMLNS)]
        assert sum(columns) == between_margins
        assert len(set(columns)) > 1  # from the words, not equal shares
        for row in grid.iterfind("w:tr", XMLNS):
            assert row.find("w:trPr/w:cantSplit", XMLNS) is not None
            widths = [int(w.get(f"{W}w", "")) for w in row.iterfind("w:tc/w:tcPr/w:tcW", XMLNS)]
            assert widths == columns
        header = grid.find("w:tr", XMLNS)
        assert header is not None
        assert all(
            p.find("w:pPr/w:keepNext", XMLNS) is not None for p in header.iterfind(".//w:p", XMLNS)
        )
        before, after = children[i - 1], children[i + 1]
        style = before.find("w:pPr/w:pStyle", XMLNS)
        if i > 3:  # the tables of figures; the paper's header follows the title and notice
            assert style is not None and style.get(f"{W}val") == "Caption"
        spacing = after.find("w:pPr/w:spacing", XMLNS)
        style_after = after.find("w:pPr/w:pStyle", XMLNS)
        assert style_after is not None or (
            spacing is not None and int(spacing.get(f"{W}before", "0")) >= 180
        ), "no space after the table"
    caption = docx.Document(str(out / cover.DOCX_FILE)).styles["Caption"].paragraph_format
    assert caption.keep_with_next and caption.space_before


@pytest.mark.parametrize("which", ["kent_2022", "kent_2026"])
def test_word_file_is_set_in_one_family_of_type(which: str, request: pytest.FixtureRequest) -> None:
    """Body, headings, captions and tables in the family the HTML's stack names (no theme
    fonts: the template's are a serif body and sans headings)."""
    out, _ = request.getfixturevalue(which)
    assert cover_docx.FONT in (
        ROOT / "src/safeguarding_report/templates/cover/cover.css"
    ).read_text(encoding="utf-8")
    for part in ("word/styles.xml", "word/document.xml"):
        for fonts in _part(out / cover.DOCX_FILE, part).iter(f"{W}rFonts"):
            assert set(fonts.attrib) == {f"{W}{k}" for k in ("ascii", "hAnsi", "cs", "eastAsia")}
            assert set(fonts.attrib.values()) == {cover_docx.FONT}, part


def _pieces(text: str) -> list[str]:
    """The words of ``text``, each cut after a hyphen (where a line may rightly end)."""
    return re.findall(r"[^\s-]+-?", text)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (make test installs libreoffice-writer-nogui)",
)
@pytest.mark.parametrize("which", ["kent_2022", "kent_2026"])
def test_libreoffice_breaks_no_word_of_a_tables_header_or_row_labels(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Opened in LibreOffice, every word of every table's header row and first column (the
    areas, measures and indicators) is whole on its line: each shows in the printed text as
    often as the file says it ("Measu re", "Engla nd" would not). One family of type."""
    out, _ = request.getfixturevalue(which)
    path = out / cover.DOCX_FILE
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, check=True, timeout=180,
    )  # fmt: skip
    printed = tmp_path / "cover-report.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    document = docx.Document(str(path))
    headed = [c.text for t in document.tables for c in t.rows[0].cells]
    labels = [row.cells[0].text for t in document.tables for row in t.rows[1:]]
    expected = {w for cell in headed + labels for w in _pieces(cell)}
    assert {"Measure", "England", "neighbours", "Kent", "hospital"} <= expected
    in_file, on_page = Counter(_pieces(_docx_text(path))), Counter(_pieces(text))
    broken = sorted(w for w in expected if on_page[w] < in_file[w])
    assert not broken, f"broken across lines: {broken}"
    fonts = subprocess.run(
        ["pdffonts", str(printed)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    # Subset names, e.g. BAAAAA+LiberationSans-Bold: one family, whatever its styles.
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts}
    assert len(families) == 1, families


def test_html_shows_the_numbered_paragraphs_the_notice_and_no_script(kent_2022: tuple) -> None:
    out, _ = kent_2022
    html = (out / cover.HTML_FILE).read_text(encoding="utf-8")
    assert '<span class="number">2.2</span>' in html
    assert "Illustrative example" in html
    assert "Illustrative example" in _docx_text(out / cover.DOCX_FILE)
    assert "<script" not in html and 'alt="Bar chart.' in html
    # The stylesheet as written: its quoted font names and page footer are not escaped.
    assert '"Segoe UI"' in html and 'content: "Page " counter(page)' in html


def test_text_from_data_is_escaped_in_html(tmp_path: Path) -> None:
    data, params_file = _project(tmp_path, "kent-2022")
    path = data / "local/kent-2022/cover_report.yaml"
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    written["summary"] = "<script>alert(1)</script> & <b>bold</b>"
    written["key_activities"] = ["<img src=x onerror=alert(1)>"]
    written["conclusions"] = ["*not emphasis* <i>x</i>"]
    path.write_text(yaml.safe_dump(written), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    cover.write(params.load(params_file), Published(data), out, make_pdf=False)
    html = (out / cover.HTML_FILE).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "*not emphasis* &lt;i&gt;x&lt;/i&gt;" in html
    assert "<script" not in html and "<img src=x" not in html


MISSING = ["from", "to", "meeting_date", "subject", "classification", "electoral_division"]
MISSING += ["summary", "recommendation", "key_activities", "conclusions", "authors", "director"]


@pytest.mark.parametrize("key", MISSING)
def test_each_missing_field_is_named_with_the_file(tmp_path: Path, key: str) -> None:
    data, _ = _project(tmp_path, "kent-2022")
    path = data / "local/kent-2022/cover_report.yaml"
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    del written[key]
    path.write_text(yaml.safe_dump(written, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        LocalRecords.load(data, "kent-2022")
    message = str(caught.value)
    assert message.startswith("data/local/kent-2022/cover_report.yaml, line ")
    assert f"the key '{key}' is missing" in message
    assert "docs/local-data.md" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"meeting_date": "17/01/2023"}, "key 'meeting_date': '17/01/2023' is not allowed"),
        ({"key_activities": []}, "key 'key_activities': [] is not valid"),
        ({"from": [{"name": "A Person"}]}, "the key 'from, item 1, role' is missing"),
        ({"director": {"name": "A", "role": "B", "email": "nobody"}}, "not an email address"),
        ({"background_documents": [{"title": "T", "url": "ftp://x"}]}, "not a web address"),
        ({"chair": "X"}, "the key 'chair' is not one this file has. Expected only: from, to"),
    ],
)
def test_wrong_values_are_named_with_file_line_and_key(
    tmp_path: Path, change: dict, expected: str
) -> None:
    data, _ = _project(tmp_path, "kent-2022")
    path = data / "local/kent-2022/cover_report.yaml"
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    written.update(change)
    path.write_text(yaml.safe_dump(written, sort_keys=False), encoding="utf-8")
    with pytest.raises(DataError, match=r"cover_report\.yaml, line [0-9]+: ") as caught:
        LocalRecords.load(data, "kent-2022")
    assert expected in str(caught.value)


def test_the_line_named_is_the_line_of_the_key(tmp_path: Path) -> None:
    data, _ = _project(tmp_path, "kent-2022")
    path = data / "local/kent-2022/cover_report.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("meeting_date:"))
    lines[at] = "meeting_date: next week"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=f"line {at + 1}: key 'meeting_date'"):
        LocalRecords.load(data, "kent-2022")


def test_no_cover_report_file_means_no_cover_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data, params_file = _project(tmp_path, "kent-2022")
    (data / "local/kent-2022/cover_report.yaml").unlink()
    out = tmp_path / "out"
    out.mkdir()
    assert cover.write(params.load(params_file), Published(data), out, make_pdf=False) == []
    assert list(out.iterdir()) == []
    assert "cover_report.yaml is missing" in caplog.text


@pytest.mark.build
def test_build_writes_the_cover_report_with_the_reports_own_figures(tmp_path: Path) -> None:
    base = tmp_path / "project"
    base.mkdir()
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    (base / "data").symlink_to(ROOT / "data", target_is_directory=True)
    built = build(
        base / "params/kent-2022.yaml", Project(base), BuildOptions(make_pdf=False, progress=False)
    )
    for name in (cover.HTML_FILE, cover.DOCX_FILE):
        assert (built / name).stat().st_size > 0
    with (built / "figures.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    ours = [r for r in rows if r["section"] == "cover"]
    report = {}
    for r in rows:
        if r["section"] != "cover":
            report.setdefault((r["indicator"], r["area_name"], r["period"]), []).append(r)
    assert len(ours) >= 12
    same = ("value", "shown", "source_file", "source_line", "source_column", "derivation")
    for r in ours:
        theirs = report.get((r["indicator"], r["area_name"], r["period"]))
        assert theirs, f"{r['indicator']} {r['area_name']} {r['period']} is not in the report"
        assert any(all(t[k] == r[k] for k in same) for t in theirs), r


def test_the_cover_report_makes_its_context_as_the_sections_do(kent_params: Path) -> None:
    p = params.load(kent_params)
    published = Published(ROOT / "data")
    ctx = sections.for_report(p, published)
    values = p.notebook_parameters(ROOT / "data")
    framework_id = values.pop("framework")  # as the notebooks pass it
    section = sections.load(**values, framework_id=framework_id)
    assert ctx.periods == section.periods == (2018, 2019, 2020, 2021, 2022)
    assert (ctx.la.code, ctx.year, ctx.report_id, ctx.partnership) == (
        section.la.code,
        section.year,
        section.report_id,
        section.partnership,
    )
    assert (ctx.period_start, ctx.period_end) == (p.period_start, p.period_end)
    assert ctx.framework == section.framework and ctx.framework.id == p.framework
    assert ctx.published is published, "the cover's published data is not opened twice"


def test_2022_cover_shows_the_wider_picture_at_a_glance_citing_the_data_set(
    kent_2022: tuple,
) -> None:
    out, rows = kent_2022
    page = (out / cover.HTML_FILE).read_text(encoding="utf-8")
    assert "The wider picture at a glance: Kent compared, latest period held" in page
    cited = [r for r in rows if "dfe-lait-bds/bds_long" in str(r["source_file"])]
    # The wider picture's rows (a key activity's priority may cite a measure from the same set).
    headlines = {r["indicator"] for r in cited if not r["breakdown"].startswith("priority: ")}
    assert headlines == set(indicators.WIDER_HEADLINES)
    assert all(r["section"] == "cover" for r in cited)
    words = _docx_text(out / cover.DOCX_FILE)
    assert "Emergency hospital admissions for injuries, children aged 0 to 14" in words
