"""Narratives: front matter checked like a CSV row, Markdown rendered without raw HTML, links
only to web or mail addresses, and priorities with the headings a reader expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguarding_report.core import registry
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import LocalRecords, render_markdown

SOURCE = "data/local/kent-2022"


def load(folder: Path) -> LocalRecords:
    return LocalRecords.load(folder.parents[1], folder.name)


def test_script_in_a_narrative_is_shown_as_text(kent_local: Path) -> None:
    path = kent_local / "scrutiny.md"
    path.write_text(path.read_text() + "\n<script>alert('x')</script>\n\nA <b>bold</b> claim.\n")
    narrative = load(kent_local).text("scrutiny")
    assert narrative is not None
    assert "<script" not in narrative.html and "<b>" not in narrative.html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in narrative.html


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("[site](https://www.kscmp.org.uk)", '<a href="https://www.kscmp.org.uk">site</a>'),
        ("[mail](mailto:kscmp@kent.gov.uk)", '<a href="mailto:kscmp@kent.gov.uk">mail</a>'),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("![logo](https://example.org/logo.png)", "!<a href="),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ],
)
def test_render_markdown_allows_only_safe_links(markdown: str, shown: str) -> None:
    html = render_markdown(markdown)
    assert shown in html
    assert "<img" not in html and "javascript:" not in html.replace("[x](javascript:", "")


def test_a_disallowed_link_is_refused_with_its_line(kent_local: Path) -> None:
    path = kent_local / "scrutiny.md"
    lines = path.read_text().splitlines()
    lines.insert(8, "See [the file](file:///C:/reports/secret.docx).")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/scrutiny.md, line 9: the link 'file:///C:/reports")
    assert "http://, https:// or mailto:" in message


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "date: 2022-10-28",
            "date: 28/10/2022",
            "line 5, key 'date': '28/10/2022' is not allowed: it is not a date written YYYY-MM-DD",
        ),
        ("role: Independent Scrutineer", "title: Independent Scrutineer", "key 'title'"),
        ("scrutineer: Jordan Ellis\n", "", "scrutineer must be given unless draft is true"),
        ("role: Independent Scrutineer", "role: Independent: Scrutineer", "line 4: the front"),
    ],
)
def test_wrong_front_matter_names_the_line_and_key(
    kent_local: Path, old: str, new: str, says: str
) -> None:
    path = kent_local / "scrutiny.md"
    path.write_text(path.read_text().replace(old, new))
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/scrutiny.md, line ")
    assert says in message


def test_a_signatory_without_a_role(kent_local: Path) -> None:
    path = kent_local / "foreword.md"
    text = path.read_text()
    path.write_text(text.replace("    role: Assistant Chief Constable, Kent Police\n", ""))
    with pytest.raises(DataError, match=r"line 3, key 'signed_by, item 2, role'"):
        load(kent_local)


def test_a_file_without_front_matter(kent_local: Path) -> None:
    (kent_local / "foreword.md").write_text("Just the text.\n")
    with pytest.raises(DataError, match=r"foreword.md, line 1: the file has no front matter"):
        load(kent_local)


def test_a_stalled_priority_must_say_why_and_what_next(kent_local: Path) -> None:
    path = kent_local / "priorities" / "P5.md"
    path.write_text(path.read_text().replace("## Why", "## Reasons"))
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/priorities/P5.md: the heading(s) 'Why' are missing")
    assert "'little or no progress'" in message


def test_every_priority_needs_what_we_did_impact_and_evidence(kent_local: Path) -> None:
    path = kent_local / "priorities" / "P1.md"
    path.write_text(path.read_text().replace("## Impact", "Impact"))
    with pytest.raises(DataError, match=r"P1.md: the heading\(s\) 'Impact' are missing"):
        load(kent_local)


def test_a_draft_priority_may_lack_headings(kent_local: Path) -> None:
    (kent_local / "priorities" / "P1.md").write_text("---\npriority: P1\ndraft: true\n---\n\nTBC\n")
    narrative = load(kent_local).text("priorities/P1")
    assert narrative is not None and narrative.draft


def test_a_priority_file_for_no_priority(kent_local: Path) -> None:
    (kent_local / "priorities" / "P9.md").write_text("---\npriority: P9\n---\n")
    with pytest.raises(DataError, match=r"priorities/P9.md: no priority in .*P1.md, P2.md"):
        load(kent_local)


def test_a_priority_file_naming_another_priority(kent_local: Path) -> None:
    path = kent_local / "priorities" / "P2.md"
    path.write_text(path.read_text().replace("priority: P2", "priority: P3"))
    with pytest.raises(DataError, match=r"P2.md, line 2, key 'priority': 'P3' does not match"):
        load(kent_local)


def test_a_priority_without_its_file_is_missing(kent_local: Path) -> None:
    (kent_local / "priorities" / "P4.md").unlink()
    records = load(kent_local)
    # Kent 2021-22's framework (wt2018) has no education section, whose records it lacks.
    education = registry.get("education").templates
    assert [m for m in records.missing if m not in education] == ["priorities/P4"]
    assert records.text("priorities/P4") is None
