"""HTML fragments: text from data is escaped as it goes in, HTML the library made goes in as it
is, and each fragment has the exact shape the report's pages and stylesheet expect. And the
shapes the sections share: a records table or the not-supplied notice, the banner, a tally."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from conftest import kent_context
from safeguarding_report.core import markup, provenance
from safeguarding_report.report import fragments, sections, tables, text
from safeguarding_report.report.sections import Context, Tally, arrangements, load, needs

SOURCE = "data/local/kent-2022"


def test_text_from_data_is_escaped_in_a_table() -> None:
    table = tables.Table(
        caption='<b>Kent\'s</b> "figures" & more',
        header=["Area", "<i>Value</i>"],
        rows=[["<script>alert(1)</script>", "1"]],
        source="x.csv'><img src=x>",
        numeric=False,
    )
    html = table.to_html()
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    # As the standard library escapes text, so every path writes the same bytes.
    assert "&lt;b&gt;Kent&#x27;s&lt;/b&gt; &quot;figures&quot; &amp; more" in html
    assert "Source: x.csv&#x27;&gt;&lt;img src=x&gt;" in html


def test_a_table_is_one_line_with_numbers_right_aligned_and_counts_marked() -> None:
    table = tables.Table(
        caption="Reviews",
        header=["Kind", "Number"],
        rows=[["Rapid reviews", "12"]],
        source="reviews.csv",
        notes=["Counts only."],
        count_cells={(0, 1)},
    )
    assert table.to_html() == (
        '<div class="table-wrap"><table><caption>Reviews</caption><thead><tr>'
        '<th scope="col">Kind</th><th scope="col" class="num">Number</th></tr></thead><tbody>'
        '<tr><th scope="row">Rapid reviews</th><td class="num" data-unit="count">12</td></tr>'
        '</tbody></table><p class="table-note">Counts only.</p>'
        '<p class="source">Source: reviews.csv</p></div>'
    )


def test_sentences_already_rendered_go_into_a_paragraph_as_they_are() -> None:
    said = text.paragraph(text.say("The name is {name}.", name="<b>Kent</b>"), text.say("Done."))
    assert said.html.startswith("<p>") and said.html.endswith("</p>\n")
    assert said.html.count("<p>") == 1
    assert "&lt;b&gt;Kent&lt;/b&gt;" in said.html and "&amp;lt;" not in said.html


def test_a_fragment_missing_a_value_fails_rather_than_printing_nothing() -> None:
    with pytest.raises(jinja2.UndefinedError):
        fragments.render("text", "paragraph")


def test_html_passed_as_safe_is_not_escaped_again() -> None:
    inner = fragments.safe(markup.render("A *b* c"))
    assert fragments.render("text", "paragraph", inner) == "<p><p>A <em>b</em> c</p>\n</p>\n"
    assert fragments.render("text", "paragraph", "<em>") == "<p>&lt;em&gt;</p>\n"


def test_the_cover_reports_paragraphs_and_lettered_lists_have_their_shape_and_escape_data() -> None:
    said = fragments.safe(markup.unwrap_paragraph(text.say("{n} cases.", n="<b>12</b>").html))
    assert fragments.render("cover", "paragraph", "2.1", said) == (
        '<p class="numbered"><span class="number">2.1</span> '
        '<span class="text">&lt;b&gt;12&lt;/b&gt; cases.</span></p>'
    )
    assert fragments.render("cover", "paragraph", "", said, note=True).startswith(
        '<p class="note">'
    )
    assert fragments.render("cover", "items", ['Kent\'s "plan" <i>']) == (
        '<ol class="items" type="a"><li>Kent&#x27;s &quot;plan&quot; &lt;i&gt;</li></ol>'
    )


@pytest.fixture
def kent(kent_folder: Path) -> Context:
    """The Kent 2021-22 context over a copy of its records, to change."""
    return kent_context(kent_folder)


def _records(ctx: Context) -> Path:
    return Path(ctx.published.data_dir) / "local" / "kent-2022"


def test_banner_says_illustrative_and_which_files_are_still_to_be_supplied(kent: Context) -> None:
    folder = _records(kent)
    (folder / "funding.csv").unlink()
    subgroups = folder / "subgroups.csv"
    subgroups.write_text(subgroups.read_text().splitlines()[0] + "\n")  # the header alone
    banner = arrangements.banner(kent)
    note = kent.records.about.note if kent.records.about else ""
    assert banner.html == (
        '<div class="banner banner-illustrative" role="note"><p><strong>Illustrative '
        "example.</strong> The records of the partnership shown in this section are invented "
        "examples, not the partnership's record.</p>"
        f"<p>{markup.escape_html(note)}</p></div>\n"
        '<div class="banner banner-missing" role="note"><p><strong>Records still to be '
        "supplied.</strong> This section is incomplete until these files are filled in (see "
        "docs/local-data.md):</p><ul>"
        f"<li><code>{SOURCE}/funding.csv</code> (no file yet)</li>"
        f"<li><code>{SOURCE}/subgroups.csv</code> (no records in it yet)</li></ul></div>"
    )
    status = banner._repr_mimebundle_()[provenance.SECTION_MIME_TYPE]
    assert status == {
        "content": True,
        "illustrative": [f"{SOURCE}/partners.csv"],
        "missing": [f"{SOURCE}/funding.csv", f"{SOURCE}/subgroups.csv"],
    }


def test_a_records_table_shows_the_notice_until_its_file_has_records(kent: Context) -> None:
    folder = _records(kent)
    subgroups = folder / "subgroups.csv"
    shown = arrangements.subgroups_table(kent)
    assert isinstance(shown, tables.Table)
    assert shown.source == f"{SOURCE}/subgroups.csv"
    assert len(shown.rows) == len(subgroups.read_text().splitlines()) - 1

    subgroups.write_text(subgroups.read_text().splitlines()[0] + "\n")
    kent = load(kent.published.data_dir, kent.la.code, kent.year, 5, report_id="kent-2022")
    notice = arrangements.subgroups_table(kent)
    assert isinstance(notice, text.Text)
    assert notice.html == (
        f'<p class="empty">No records yet: {SOURCE}/subgroups.csv has not been supplied or '
        "holds no records, so this part of the report is empty.</p>\n"
    )


def test_a_part_that_needs_a_missing_file_shows_the_notice(kent: Context) -> None:
    (_records(kent) / "funding.csv").unlink()
    for part in (arrangements.funding_summary, arrangements.funding_table):
        shown = part(kent)
        assert isinstance(shown, text.Text)
        assert f"No records yet: {SOURCE}/funding.csv" in shown.plain
        assert shown.records == []


def test_partners_are_listed_in_the_order_of_their_roles(kent: Context) -> None:
    shown = arrangements.partners_table(kent)
    assert isinstance(shown, tables.Table)
    order = list(arrangements.ROLE_ORDER)
    roles = [order.index(row[2].lower()) for row in shown.rows]
    assert roles == sorted(roles)


def test_a_tally_cites_its_file_and_lines(kent: Context) -> None:
    shown = arrangements.funding_table(kent)
    assert isinstance(shown, tables.Table)
    total = next(r for r in shown.records if not r["breakdown"])
    assert total["source_file"] == f"{SOURCE}/funding.csv"
    assert total["source_column"] == "contribution_pounds"
    assert total["derivation"].startswith("sum of contribution_pounds over ")


@pytest.mark.parametrize(
    ("declare", "says"),
    [
        (lambda: Tally("funding_contribution", "fundng"), "no CSV template 'fundng'"),
        (lambda: Tally("funding_contribution", "funding", "pounds"), "funding has no 'pounds'"),
        (lambda: needs("fundng"), "no template 'fundng'"),
    ],
)
def test_a_misspelt_template_or_column_fails_when_declared(
    declare: Callable[[], object], says: str
) -> None:
    with pytest.raises(ValueError, match=says):
        declare()


def test_a_banner_reads_as_text_in_the_notebook_with_its_entities_decoded() -> None:
    banner = sections.Banner(
        '<div class="banner" role="note"><p><strong>Illustrative example.</strong> Not the '
        "partnership&#x27;s record.</p></div>\n<div><p>Records still to be supplied.</p></div>",
        {},
    )
    plain = banner._repr_mimebundle_()["text/plain"]
    assert plain == (
        "Illustrative example. Not the partnership's record. Records still to be supplied."
    )
