"""The stitcher: title page, working contents, numbered sections, parameters and records gone."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from safeguarding_report.core import provenance
from safeguarding_report.pipeline.stitch import Cover, Part, stitch

COVER = Cover("Testshire Safeguarding Partnership", "1 April 2021 to 31 March 2022", "1 May 2022")


def _section(title: str, value: str) -> nbformat.NotebookNode:
    record = {"indicator": "cla_at_31_march", "shown": value}
    return new_notebook(
        cells=[
            new_markdown_cell(f"# {title}\n\nIntro to {title}."),
            new_code_cell("la_code = 'E1'  # default", metadata={"tags": ["parameters"]}),
            new_code_cell("la_code = 'E2'", metadata={"tags": ["injected-parameters"]}),
            new_markdown_cell("## A subsection"),
            new_code_cell(
                "show()",
                outputs=[
                    new_output(
                        "display_data",
                        data={"text/html": f"<p>{value}</p>", provenance.MIME_TYPE: [record]},
                    )
                ],
            ),
        ]
    )


def _stitched() -> nbformat.NotebookNode:
    return stitch(
        [
            Part("01_context", _section("Local context", "1,777")),
            Part("02_performance", _section("Performance data", "53")),
            Part("sources", new_notebook(cells=[new_markdown_cell("# Sources")]), appendix=True),
        ],
        COVER,
    )


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_title_page_comes_first_with_partnership_period_and_date() -> None:
    nb = _stitched()
    title = nb.cells[0].source
    assert 'class="title-page"' in title
    for words in (COVER.partnership, COVER.period, "Published 1 May 2022"):
        assert words in title
    assert nb.metadata["title"].startswith(COVER.partnership)


def test_contents_links_resolve_to_numbered_headings_in_order() -> None:
    text = _markdown(_stitched())
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', text)
    assert [label for _, label in links] == [
        "1. Local context",
        "2. Performance data",
        "Appendix A: Sources",
    ]
    for anchor, label in links:
        assert f'<h2 id="{anchor}">{label}</h2>' in text


def test_each_contents_entry_ends_in_an_empty_slot_for_its_page() -> None:
    # The PDF printer writes the page into the slot; the web page has no pages to show.
    contents = _stitched().cells[1].source
    entries = re.findall(
        r'<li><a href="#([^"]+)">[^<]+</a> <span class="contents-page" '
        r'data-page-of="([^"]+)"></span></li>',
        contents,
    )
    assert entries == [(a, a) for a in ("section-1", "section-2", "appendix-a")]


def test_names_from_params_and_titles_are_shown_as_text_on_the_title_page_and_contents() -> None:
    cover = Cover("A & B <Partnership>", "2021-22", "1 May 2022", notice="Kent's <b>draft</b>")
    parts = [Part("01_context", _section("Local context", "1"), title='Children "at risk"')]
    title, contents, heading = (c.source for c in stitch(parts, cover).cells[:3])
    assert "<h1>A &amp; B &lt;Partnership&gt;</h1>" in title
    assert '<p class="title-notice">Kent&#x27;s &lt;b&gt;draft&lt;/b&gt;</p>' in title
    assert '<a href="#section-1">1. Children &quot;at risk&quot;</a>' in contents
    assert heading.startswith('<h2 id="section-1">1. Children &quot;at risk&quot;</h2>\n\n')


def test_a_title_page_without_a_notice_keeps_its_empty_line() -> None:
    title = stitch([Part("01_context", _section("Local context", "1"))], COVER).cells[0].source
    assert title.endswith('<p class="title-date">Published 1 May 2022</p>\n\n</div>')


def test_section_subheadings_move_down_one_level() -> None:
    text = _markdown(_stitched())
    assert "### A subsection" in text
    assert "\n# " not in text and not text.startswith("# ")


def test_parameters_cells_are_removed() -> None:
    nb = _stitched()
    sources = [c.source for c in nb.cells]
    assert not any("la_code" in s for s in sources)


def test_figure_records_are_stripped_but_visible_output_kept() -> None:
    nb = _stitched()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert [o.data["text/html"] for o in outputs] == ["<p>1,777</p>", "<p>53</p>"]
    assert all(provenance.MIME_TYPE not in o.data for o in outputs)


def test_cell_ids_are_unique_and_notebook_is_valid() -> None:
    nb = _stitched()
    ids = [c["id"] for c in nb.cells]
    assert len(ids) == len(set(ids))
    nbformat.validate(nb)


def test_records_are_collected_with_their_section() -> None:
    rows = provenance.collect("01_context", _section("Local context", "1,777"))
    assert rows == [{"section": "01_context", "indicator": "cla_at_31_march", "shown": "1,777"}]


def test_the_title_page_names_the_framework_only_when_the_period_began_under_another() -> None:
    said = "This report follows Working Together 2026, which took the place of the guidance"
    parts = [Part("01_context", _section("Local context", "1,777"))]
    assert "title-framework" not in _markdown(stitch(parts, COVER))
    cover = Cover(COVER.partnership, COVER.period, COVER.published, framework=said)
    page = _markdown(stitch(parts, cover))
    assert f'<p class="title-framework">{said}</p>' in page
