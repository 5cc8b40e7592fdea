"""The education section: its records, checked cell by cell, and what it shows from them."""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import kent_context
from safeguarding_report.cli import main
from safeguarding_report.core import framework, provenance, registry
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import LocalRecords
from safeguarding_report.report import tables, text
from safeguarding_report.report.sections import Context, education
from safeguarding_report.workflows import inputs

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "data/local/kent-2022"

SETTINGS = """\
kind,settings,named_in_arrangements,designated_on,notes
maintained schools,262,true,,Through the Education Safeguarding Group.
further education colleges,19,true,,
the local authority's education services,,false,,Part of the council.
"""
RETURNS = """\
audit,asked,received,fully_met,notes
section 175: maintained schools,200,150,120,
section 157: independent schools and academies,400,300,150,
"""
FORUM = """\
date,settings_represented,attendees,themes
2022-06-09,120,150,Online safety
2021-11-11,100,130,Neglect
"""


def write(folder: Path, **files: str) -> None:
    for name, content in files.items():
        (folder / f"{name}.csv").write_text(content, encoding="utf-8")


@pytest.fixture
def kent(kent_folder: Path) -> Context:
    """Kent 2021-22's records (a copy) with small education records beside them."""
    write(
        kent_folder / "data/local/kent-2022",
        education_settings=SETTINGS,
        education_returns=RETURNS,
        dsl_forum=FORUM,
    )
    return kent_context(kent_folder)


def records_of(shown: tables.Table | text.Text) -> list[dict[str, object]]:
    bundle = shown._repr_mimebundle_()
    return list(bundle[provenance.MIME_TYPE])


# -- the records --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "where", "says"),
    [
        (
            "education_returns",
            RETURNS.replace("200,150,120", "200,210,120"),
            "line 2, column 'received'",
            "'210' is not allowed: it is more than asked (200)",
        ),
        (
            "education_returns",
            RETURNS.replace("400,300,150", "400,300,301"),
            "line 3, column 'fully_met'",
            "'301' is not allowed: it is more than received (300)",
        ),
        (
            "education_returns",
            RETURNS.replace("section 157: independent", "section 158: independent"),
            "line 3, column 'audit'",
            "did you mean 'section 157: independent schools and academies'?",
        ),
        (
            "education_settings",
            SETTINGS.replace("262,true,,", "262,true,2025-09-01,"),
            "line 2, column 'designated_on'",
            "before the Children's Wellbeing and Schools Act 2026 received royal assent",
        ),
        (
            "education_settings",
            SETTINGS.replace("19,true", "19,perhaps"),
            "line 3, column 'named_in_arrangements'",
            "Expected true or false",
        ),
        (
            "dsl_forum",
            FORUM.replace("120,150", "120,90"),
            "line 2, column 'attendees'",
            "fewer than settings_represented (120)",
        ),
    ],
)
def test_a_wrong_record_names_file_line_and_column(
    kent_folder: Path, name: str, content: str, where: str, says: str
) -> None:
    write(kent_folder / "data/local/kent-2022", **{name: content})
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_folder / "data", "kent-2022")
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/{name}.csv, {where}: "), message
    assert says in message


def test_the_shipped_examples_load() -> None:
    templates = registry.get("education").templates
    records = LocalRecords.load(ROOT / "data", "kent-2026", templates)
    assert not set(records.missing) & set(templates)
    settings = records.rows("education_settings")
    assert 500 <= sum(r.data.settings or 0 for r in settings[:3]) <= 700
    assert all(r.data.designated_on is None for r in settings)


# -- what the section shows ---------------------------------------------------------------


def test_the_settings_table_counts_each_kind_and_marks_a_service_not_applicable(
    kent: Context,
) -> None:
    table = education.settings_table(kent)
    assert isinstance(table, tables.Table)
    assert [row[:4] for row in table.rows] == [
        ["Maintained schools", "262", "Yes", "Not designated"],
        ["Further education colleges", "19", "Yes", "Not designated"],
        ["The local authority's education services", "[z]", "No", "Not designated"],
        ["Total", "281", "", ""],
    ]
    assert table.rows[2][4] == "Part of the council."
    assert table.source == f"{SOURCE}/education_settings.csv"
    total = records_of(table)[-1]
    assert total["indicator"] == "education_settings"
    assert (total["source_line"], total["shown"]) == ("2; 3", "281")


def test_with_no_designation_the_act_and_its_regulations_are_explained(kent: Context) -> None:
    said = education.designation(kent)
    assert said.plain == (
        "Section 2 of the Children's Wellbeing and Schools Act 2026 provides for relevant "
        "agencies with functions relating to childcare or education to be designated, by "
        "regulations made by the Secretary of State, as designated childcare or education "
        "agencies, which the arrangements must then include. No designation had been made in "
        "2021-22."
    )


def test_designated_agencies_are_listed_with_their_dates(kent_folder: Path) -> None:
    designated = SETTINGS.replace("19,true,,", "19,true,2027-09-01,").replace(
        "262,true,,", "262,true,2027-04-01,"
    )
    write(kent_folder / "data/local/kent-2022", education_settings=designated)
    ctx = kent_context(kent_folder)
    said = education.designation(ctx)
    assert said.plain == (
        "Designated as childcare or education agencies under section 2 of the Children's "
        "Wellbeing and Schools Act 2026, and so included in the arrangements: maintained "
        "schools (on 1 April 2027) and further education colleges (on 1 September 2027)."
    )
    table = education.settings_table(ctx)
    assert isinstance(table, tables.Table)
    assert table.rows[0][3] == "1 April 2027"


def test_the_returns_give_rates_through_the_presentation_path(kent: Context) -> None:
    table = education.returns_table(kent)
    assert isinstance(table, tables.Table)
    assert table.rows == [
        ["Section 175: maintained schools", "200", "150", "75.0%", "120", "80.0%"],
        ["Section 157: independent schools and academies", "400", "300", "75.0%", "150", "50.0%"],
        ["Total", "600", "450", "75.0%", "270", "60.0%"],
    ]
    rate = next(r for r in records_of(table) if r["indicator"] == "education_return_rate")
    assert rate["source_file"] == f"{SOURCE}/education_returns.csv"
    assert rate["source_line"] == "2"
    assert rate["derivation"] == "percentage: received 150 of asked 200"
    said = education.returns_summary(kent)
    assert said.plain == (
        "Of the 600 schools and colleges asked for their safeguarding audit return in 2021-22, "
        "450 sent one (75.0%). Of the returns received, 270 showed every standard met (60.0%)."
    )
    assert {r["indicator"] for r in said.records} >= {"education_fully_met_pct"}


def test_the_forum_meetings_are_listed_in_date_order(kent: Context) -> None:
    table = education.forum_table(kent)
    assert isinstance(table, tables.Table)
    assert [row[:3] for row in table.rows] == [
        ["11 November 2021", "100", "130"],
        ["9 June 2022", "120", "150"],
    ]
    said = education.forum_summary(kent)
    assert "made 280 attendances at the forum's meetings in 2021-22" in said.plain
    assert said.records[0]["source_line"] == "2; 3"


def test_education_staff_at_training_are_counted_from_the_attendance_lines(
    kent: Context,
) -> None:
    path = ROOT / SOURCE / "training_attendance.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = [n for n, row in enumerate(rows, start=2) if row["agency"].startswith("education")]
    total = sum(int(rows[n - 2]["attendees"]) for n in lines)
    said = education.training_summary(kent)
    count = next(r for r in said.records if r["indicator"] == "education_training_attendances")
    assert count["value"] == total and count["shown"] == f"{total:,}"
    assert count["source_file"] == f"{SOURCE}/training_attendance.csv"
    assert count["source_line"] == "; ".join(str(n) for n in lines)
    assert f"made {total:,} of the" in said.plain
    table = education.training_table(kent)
    assert isinstance(table, tables.Table)
    assert [row[0] for row in table.rows] == [
        "Schools",
        "Early years",
        "Further education",
        "Total",
    ]
    assert table.rows[-1][1] == f"{total:,}"


def test_empty_templates_give_the_banner_and_the_notices(kent_folder: Path) -> None:
    folder = kent_folder / "data/local/kent-2022"
    header = {n: c.splitlines()[0] + "\n" for n, c in (("education_settings", SETTINGS),)}
    write(folder, **header)  # the header alone, as `new` writes it; the other two are missing
    ctx = kent_context(kent_folder)
    banner = education.banner(ctx)
    assert "Records still to be supplied." in banner.html
    for name in registry.get("education").templates:
        assert f"<code>{SOURCE}/{name}.csv</code>" in banner.html
    status = banner._repr_mimebundle_()[provenance.SECTION_MIME_TYPE]
    assert status["content"] is False and status["illustrative"] == []
    for part in (
        education.settings_table,
        education.designation,
        education.returns_summary,
        education.returns_table,
        education.forum_summary,
        education.forum_table,
    ):
        shown = part(ctx)
        assert isinstance(shown, text.Text), part.__name__
        assert shown.plain.startswith(f"No records yet: {SOURCE}/"), part.__name__
        assert shown.records == []


# -- in a report: a framework that lists the section ----------------------------------------


@pytest.fixture
def with_education(kent_folder: Path) -> Path:
    """Kent 2021-22 under a framework of its project's: wt2018 with the education section."""
    declared = yaml.safe_load((framework.FRAMEWORKS_DIR / "wt2018.yaml").read_text())
    sections = declared["sections"]
    at = next(n for n, s in enumerate(sections) if s["key"] == "arrangements") + 1
    sections.insert(at, {"key": "education", "title": TITLE})
    declared.update(id="with_education", sections=sections)
    path = kent_folder / "data" / framework.PROJECT_FOLDER / "with_education.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(declared, sort_keys=False), encoding="utf-8")
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    params = kent_folder / "params/kent-2022.yaml"
    params.write_text(params.read_text().replace("framework: wt2018", "framework: with_education"))
    return kent_folder


TITLE = "Education and childcare settings in the arrangements"


def test_check_asks_for_the_education_records_only_where_the_framework_lists_them(
    with_education: Path, kent_folder: Path
) -> None:
    rows = inputs.check(with_education / "params/kent-2022.yaml", with_education)
    to_supply = {r.name for r in rows if r.state == inputs.TO_SUPPLY}
    assert to_supply == {
        f"data/local/kent-2022/{name}.csv" for name in registry.get("education").templates
    }
    shutil.copy(ROOT / "params/kent-2022.yaml", kent_folder / "params")  # wt2018 again
    rows = inputs.check(kent_folder / "params/kent-2022.yaml", kent_folder)
    assert not [r for r in rows if r.state == inputs.TO_SUPPLY]


@pytest.mark.build
def test_a_report_whose_framework_lists_the_section_shows_it_with_its_banner(
    with_education: Path,
) -> None:
    argv = ["build", "--params", str(with_education / "params/kent-2022.yaml")]
    assert main([*argv, "--root", str(with_education), "--no-pdf", "--quiet"]) == 0
    out = with_education / "outputs/kent-2022"
    page = (out / "report.html").read_text(encoding="utf-8")
    seen = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert TITLE in seen
    assert seen.index("Arrangements") < seen.index(TITLE) < seen.index("Learning from")
    assert "Records still to be supplied." in seen
    for name in registry.get("education").templates:
        assert f"{SOURCE}/{name}.csv (no file yet)" in seen
    assert "No records yet: data/local/kent-2022/education_returns.csv" in seen
    with (out / "figures.csv").open(encoding="utf-8", newline="") as handle:
        figures = list(csv.DictReader(handle))
    education_staff = [f for f in figures if f["indicator"] == "education_training_attendances"]
    assert education_staff and all(
        f["source_file"] == f"{SOURCE}/training_attendance.csv" and f["source_line"]
        for f in education_staff
    )
