"""Narratives written in Word (.docx): kept, refused or carried over as a user would expect."""

from __future__ import annotations

import base64
import copy
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from conftest import last_year_built
from safeguarding_report import cli
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.models import ForewordHeader, ScrutinyHeader
from safeguarding_report.local.word import read_docx_narrative
from safeguarding_report.workflows import inputs

ROOT = Path(__file__).resolve().parents[1]
KENT = "kent-2022"
# A 1x1 transparent PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def contribution(path: Path, rows: list[list[str]], *paragraphs: str) -> docx.Document:
    """A Word document: a front-matter table of ``rows``, then ``paragraphs``."""
    document = docx.Document()
    if rows:
        table = document.add_table(rows=0, cols=max(len(r) for r in rows))
        for cells in rows:
            row = table.add_row()
            for cell, text in zip(row.cells, cells, strict=False):
                cell.text = text
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return document


SIGNED = [
    ["draft", "false"],
    ["signed_by", "Alex Morgan", "Corporate Director, Kent County Council"],
    ["signed_by", "Sam Okafor, Assistant Chief Constable, Kent Police"],
]


def test_the_front_matter_table_gives_the_keys_and_is_not_part_of_the_text(
    tmp_path: Path,
) -> None:
    path = tmp_path / "foreword.docx"
    contribution(path, SIGNED, "This is our report.", "A second paragraph.")
    narrative = read_docx_narrative(path, "foreword.docx", ForewordHeader)
    signed = narrative.meta.signed_by  # type: ignore[attr-defined]
    assert [(s.name, s.role) for s in signed] == [
        ("Alex Morgan", "Corporate Director, Kent County Council"),
        ("Sam Okafor", "Assistant Chief Constable, Kent Police"),
    ]
    assert not narrative.draft
    assert narrative.html == "<p>This is our report.</p>\n<p>A second paragraph.</p>\n"


def test_a_wrong_front_matter_value_names_the_file_the_table_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "scrutiny.docx"
    rows = [["scrutineer", "Jo Bloggs"], ["role", "Scrutineer"], ["date", "30th September"]]
    contribution(path, rows, "What I found.")
    with pytest.raises(DataError, match=r"^scrutiny.docx, the table at the top, key 'date': "
                       r"'30th September' is not allowed"):  # fmt: skip
        read_docx_narrative(path, "scrutiny.docx", ScrutinyHeader)


def test_markdown_and_html_typed_in_word_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "foreword.docx"
    contribution(path, SIGNED, "# Not a heading <script>alert(1)</script> *not emphasis*")
    html = read_docx_narrative(path, "foreword.docx", ForewordHeader).html
    assert html == ("<p># Not a heading &lt;script&gt;alert(1)&lt;/script&gt; *not emphasis*</p>\n")


def _with_body_xml(path: Path, xml: str) -> None:
    document = contribution(path, SIGNED, "Text.")
    document.element.body.insert(1, parse_xml(xml))
    document.save(str(path))


@pytest.mark.parametrize(
    ("xml", "said"),
    [
        (
            f'<w:p {nsdecls("w")}><w:ins w:id="1" w:author="A" w:date="2022-01-01T00:00:00Z">'
            "<w:r><w:t>added</w:t></w:r></w:ins></w:p>",
            "it has tracked changes. Expected plain text, lists, links and tables; accept or "
            "reject every change",
        ),
        (
            f'<w:p {nsdecls("w")}><w:r><w:object w:dxaOrig="1" w:dyaOrig="1"/></w:r></w:p>',
            "it has an embedded object",
        ),
        (
            f'<w:altChunk {nsdecls("w", "r")} r:id="rId99"/>',
            "it has embedded HTML or another document inside it",
        ),
    ],
    ids=["tracked changes", "embedded object", "raw HTML"],
)
def test_what_cannot_be_published_is_refused_with_what_to_do(
    tmp_path: Path, xml: str, said: str
) -> None:
    path = tmp_path / "foreword.docx"
    _with_body_xml(path, xml)
    with pytest.raises(DataError) as caught:
        read_docx_narrative(path, "data/local/x/foreword.docx", ForewordHeader)
    assert str(caught.value).startswith("data/local/x/foreword.docx: the document cannot be used")
    assert said in str(caught.value)


def test_an_image_needs_alternative_text_which_is_then_shown_in_its_place(tmp_path: Path) -> None:
    (tmp_path / "pixel.png").write_bytes(PIXEL)
    path = tmp_path / "foreword.docx"
    document = contribution(path, SIGNED, "Before the chart.")
    document.add_picture(str(tmp_path / "pixel.png"))
    document.save(str(path))
    with pytest.raises(DataError, match=r"1 image\(s\) have no alternative text"):
        read_docx_narrative(path, "foreword.docx", ForewordHeader)
    described = copy.deepcopy(document)
    for doc_pr in described.element.body.iter("{*}docPr"):
        doc_pr.set("descr", "Attendance rose each quarter")
    described.save(str(path))
    html = read_docx_narrative(path, "foreword.docx", ForewordHeader).html
    assert "[Image: Attendance rose each quarter]" in html and "<img" not in html


def test_a_narrative_in_markdown_and_in_word_stops_the_load(kent_local: Path) -> None:
    contribution(kent_local / "foreword.docx", SIGNED, "Text.")
    with pytest.raises(DataError, match=r"foreword is written twice, in foreword.md and in "
                       r"foreword.docx"):  # fmt: skip
        LocalRecords.load(kent_local.parents[1], KENT)
    (kent_local / "foreword.md").unlink()
    records = LocalRecords.load(kent_local.parents[1], KENT)
    narrative = records.text("foreword")
    assert narrative is not None and narrative.markdown.strip() == "Text."
    assert records.template_source("foreword") == f"data/local/{KENT}/foreword.docx"


@pytest.mark.parametrize(
    ("name", "rows"), [("foreword", SIGNED), ("priorities/P2", [["priority", "P2"]])]
)
def test_check_and_the_build_refuse_a_narrative_in_markdown_and_in_word_alike(
    kent_folder: Path, capsys: pytest.CaptureFixture[str], name: str, rows: list[list[str]]
) -> None:
    folder = kent_folder / "data/local" / KENT
    contribution(folder / f"{name}.docx", rows, "## What we did", "Text.")
    params_file = kent_folder / f"params/{KENT}.yaml"
    checked = {r.name: r for r in inputs.check(params_file, kent_folder)}
    row = checked[f"data/local/{KENT}/{name}.docx"]
    assert row.state == inputs.INVALID and row.blocks
    assert f"is written twice, in {name}.md and in {name}.docx" in row.detail
    assert "keep the file with this year's text and remove the other" in row.detail
    assert f"data/local/{KENT}/{name}.md" not in checked  # not read as if it were the one
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    argv = ["build", "--params", str(params_file), "--no-pdf", "--quiet"]
    assert cli.main([*argv, "--root", str(kent_folder)]) == 1
    said = capsys.readouterr().err.splitlines()
    assert f"error: {row.detail}" in said
    assert not (kent_folder / "outputs" / KENT).exists()


def test_a_priority_in_word_needs_its_headings_too(kent_local: Path) -> None:
    (kent_local / "priorities/P2.md").unlink()
    contribution(kent_local / "priorities/P2.docx", [["priority", "P2"]], "No headings here.")
    with pytest.raises(DataError, match=r"priorities/P2.docx: the heading\(s\) 'What we did', "
                       r"'Impact', 'Evidence' are missing"):  # fmt: skip
        LocalRecords.load(kent_local.parents[1], KENT)


@pytest.mark.build
def test_new_year_carries_a_word_narrative_over_as_a_draft(
    kent_folder: Path, default_report: Path
) -> None:
    last_year_built(kent_folder, default_report)
    folder = kent_folder / "data/local" / KENT
    (folder / "foreword.md").unlink()
    contribution(folder / "foreword.docx", SIGNED, "Last year's words.")
    assert cli.main(["new-year", str(kent_folder / "params/kent-2022.yaml"),
                     "--root", str(kent_folder)]) == 0  # fmt: skip
    narrative = LocalRecords.load(kent_folder / "data", "kent-2023").text("foreword")
    assert narrative is not None and narrative.draft
    assert narrative.source_file == "data/local/kent-2023/foreword.docx"
    assert narrative.markdown.strip() == "Last year's words."


# -- Word's markup found by its namespace, and a damaged document named ---------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize("element", ["ins", "del", "moveFrom", "moveTo"])
@pytest.mark.parametrize(
    "bound",
    [f'xmlns:w="{W}"', f'xmlns:ww="{W}"', f'xmlns="{W}"'],
    ids=["w", "another prefix", "default namespace"],
)
def test_a_tracked_change_is_found_whatever_prefix_word_is_bound_to(
    tmp_path: Path, element: str, bound: str
) -> None:
    prefix = bound.split("=")[0].partition(":")[2]
    p = f"{prefix}:" if prefix else ""
    xml = (f'<{p}p {bound}><{p}{element} {p}id="9" {p}author="A" {p}date="2022-01-01T00:00:00Z">'
           f"<{p}r><{p}t>Added, never accepted.</{p}t></{p}r></{p}{element}></{p}p>")  # fmt: skip
    path = tmp_path / "foreword.docx"
    _with_body_xml(path, xml)
    with pytest.raises(DataError, match=r"^foreword.docx: the document cannot be used because "
                       r"it has tracked changes"):  # fmt: skip
        read_docx_narrative(path, "foreword.docx", ForewordHeader)


def test_a_prefix_named_w_for_another_namespace_is_not_word(tmp_path: Path) -> None:
    """Known by namespace, not by prefix: ``w:ins`` of another vocabulary is no tracked change
    (and, unknown to Word, its text is not published)."""
    path = tmp_path / "foreword.docx"
    _with_body_xml(path, f'<w:p {nsdecls("w")}><w:r><w:t>Kept.</w:t></w:r>'
                   '<x:ins xmlns:x="urn:example:not-word"/></w:p>')  # fmt: skip
    assert "Kept." in read_docx_narrative(path, "foreword.docx", ForewordHeader).markdown


def test_comments_are_refused_as_they_would_be_left_out(tmp_path: Path) -> None:
    path = tmp_path / "foreword.docx"
    _with_body_xml(path, f'<w:p {nsdecls("w")}><w:commentRangeStart w:id="0"/><w:r><w:t>Text'
                   '</w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/>'
                   "</w:r></w:p>")  # fmt: skip
    with pytest.raises(DataError, match=r"because it has comments, which the report would leave "
                       r"out without a word.*Delete All Comments"):  # fmt: skip
        read_docx_narrative(path, "foreword.docx", ForewordHeader)


def _rewritten(
    path: Path, name: str, data: bytes | None, added: dict[str, bytes] | None = None
) -> None:
    """The .docx at ``path`` with part ``name`` replaced (or left out: None), parts added."""
    with zipfile.ZipFile(path) as old:
        parts = {n: old.read(n) for n in old.namelist()}
    if data is None:
        del parts[name]
    else:
        parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for part, content in {**parts, **(added or {})}.items():
            new.writestr(part, content)


def test_a_document_cut_short_names_the_part_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "foreword.docx"
    contribution(path, SIGNED, "Text.")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    _rewritten(path, "word/document.xml", xml[: len(xml) // 2])
    with pytest.raises(DataError) as caught:
        read_docx_narrative(path, "foreword.docx", ForewordHeader)
    message = str(caught.value)
    assert re.match(r"foreword.docx, part word/document.xml, line \d+, column \d+: the file is "
                    r"damaged or is not a Word document \(.docx\) \(", message)  # fmt: skip
    assert "fault in the kit" not in message


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (
            lambda p: p.write_bytes(b"Not a zip archive."),
            "foreword.docx: the file is not a Word "
            "document (.docx) that can be read (File is not a zip file)",
        ),
        (
            lambda p: _rewritten(p, "word/document.xml", None),
            "foreword.docx: the file has no document in it (no part word/document.xml)",
        ),
        (
            lambda p: _rewritten(p, "word/styles.xml", b"<w:styles"),
            "foreword.docx, part word/styles.xml, line 1, column 1: the file is damaged",
        ),
        (
            lambda p: _rewritten(p, "word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
            "foreword.docx: the file holds macros (word/vbaProject.bin)",
        ),
    ],
    ids=["not a zip archive", "no document part", "styles cut short", "macros"],
)
def test_a_damaged_document_is_refused_naming_what_is_wrong(
    tmp_path: Path, damage: Any, said: str
) -> None:
    path = tmp_path / "foreword.docx"
    contribution(path, SIGNED, "Text.")
    damage(path)
    with pytest.raises(DataError) as caught:
        read_docx_narrative(path, "foreword.docx", ForewordHeader)
    assert str(caught.value).startswith(said), str(caught.value)


def test_a_text_longer_than_a_narrative_may_be_is_refused_before_it_is_converted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "foreword.docx"
    contribution(path, SIGNED, *["Word " * 10_000] * 5)  # 250,000 characters
    with pytest.raises(DataError, match=r"^foreword.docx: the text is more than 200,000 "
                       r"characters long"):  # fmt: skip
        read_docx_narrative(path, "foreword.docx", ForewordHeader)
