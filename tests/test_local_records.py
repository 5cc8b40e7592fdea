"""Loading a report's own records: the shipped Kent examples, empty templates, missing files,
and counts that travel as tidy rows beside the published ones."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from safeguarding_report.core import framework, registry
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.data.schema import TIDY_COLUMNS
from safeguarding_report.local import (
    LOCAL_COUNTS,
    LOCAL_INDICATORS,
    LocalRecords,
    period_label,
    tidy_row,
    write_empty_templates,
)
from safeguarding_report.local.catalogue import CSV_TEMPLATES, TEXT_TEMPLATES
from safeguarding_report.local.models import TrainingAttendance

ROOT = Path(__file__).parents[1]
KENT = {"area_code": "E10000016", "area_name": "Kent", "period": "2021-22"}
# The templates Kent 2021-22's framework reads: its report asks for no others.
USED = registry.templates_of(s.key for s in framework.load("wt2018").sections)


@pytest.fixture(scope="module")
def kent() -> LocalRecords:
    return LocalRecords.load(ROOT / "data", "kent-2022", USED)


def test_the_kent_examples_load_complete_and_say_they_are_illustrative(kent: LocalRecords) -> None:
    assert kent.missing == []
    assert kent.illustrative
    assert kent.about is not None
    assert "not the partnership's record" in kent.about.note
    read = {p.relative_to(ROOT).as_posix() for p in kent.files_read}
    assert "data/local/kent-2022/about.yaml" in read
    assert "data/local/kent-2022/priorities/P5.md" in read
    used = {f"data/local/kent-2022/{t.file}" for t in CSV_TEMPLATES.values() if t.name in USED}
    assert used <= read
    assert "data/local/kent-2022/education_settings.csv" not in read


def test_a_report_is_asked_only_for_its_framework_s_templates(tmp_path: Path) -> None:
    # wt2018 has no education section: its reports are not asked for the education records.
    assert "education_settings" not in USED and "voice" in USED
    assert "education_settings" in LocalRecords.load(ROOT / "data", "kent-2022").missing
    folder = tmp_path / "data" / "local" / "new-2024"
    created = {p.name for p in write_empty_templates(folder, USED)}
    assert "voice.csv" in created and "education_settings.csv" not in created
    assert LocalRecords.load(tmp_path / "data", "new-2024", USED).missing == ["cover_report"]


def test_kent_narratives_are_written_and_signed(kent: LocalRecords) -> None:
    for name in [*TEXT_TEMPLATES, "priorities/P1", "priorities/P5"]:
        narrative = kent.text(name)
        assert narrative is not None
        assert not narrative.draft
        assert narrative.html.startswith("<")
    foreword = kent.text("foreword")
    assert foreword is not None
    assert len(foreword.meta.model_dump()["signed_by"]) == 3
    assert foreword.source_file == "data/local/kent-2022/foreword.md"


def test_rows_keep_their_model_and_line(kent: LocalRecords) -> None:
    rows = kent.rows(TrainingAttendance)
    assert rows[0].line == 2
    assert rows[0].source_file == "data/local/kent-2022/training_attendance.csv"
    assert isinstance(rows[0].data, TrainingAttendance)
    assert kent.rows("training_attendance") == rows
    assert sum(r.data.attendees for r in rows) > 3000  # a large county: thousands a year


def test_table_has_one_column_per_field_and_the_line(kent: LocalRecords) -> None:
    frame = kent.table("reviews")
    assert list(frame.columns) == [*CSV_TEMPLATES["reviews"].columns, "source_line"]
    assert frame["source_line"].iloc[0] == 2
    assert "; " in frame["themes"].iloc[0]


def test_reviews_hold_codes_and_themes_never_names(kent: LocalRecords) -> None:
    for record in kent.rows("reviews"):
        reference = record.data.model_dump()["reference"]
        assert reference.startswith(("KSCMP-", "KSCB-"))


def test_a_count_is_a_tidy_row_naming_its_file_column_and_line(kent: LocalRecords) -> None:
    row = tidy_row(kent, "lado_contacts", **KENT)
    assert set(TIDY_COLUMNS) <= set(row)
    assert row == {
        "indicator": "lado_contacts",
        "area_code": "E10000016",
        "area_name": "Kent",
        "area_level": "Partnership",
        "period": "2021-22",
        "value": 1624.0,
        "status": "",
        "source_file": "data/local/kent-2022/lado.csv",
        "source_column": "count",
        "source_line": "2",
        "source_area_code": "",
        "derivation": "",
    }


def test_a_sum_over_rows_says_which_lines(kent: LocalRecords) -> None:
    row = tidy_row(kent, "training_attendances", **KENT)
    n = len(kent.rows("training_attendance"))
    assert row["value"] == sum(
        r.data.model_dump()["attendees"] for r in kent.rows("training_attendance")
    )
    assert row["derivation"] == f"sum of {n} rows (lines 2-{n + 1})"
    assert row["source_line"].split("; ") == [str(i) for i in range(2, n + 2)]


def test_a_count_of_rows_names_the_condition(kent: LocalRecords) -> None:
    row = tidy_row(kent, "serious_incident_notifications", **KENT)
    assert row["value"] == 12
    assert row["source_column"] == "kind"
    assert row["derivation"].startswith(
        "count of 12 rows where kind is 'serious incident notification' (lines 2, 4, 6"
    )


def test_local_indicators_are_declared_once_and_do_not_clash() -> None:
    assert set(LOCAL_COUNTS) <= set(LOCAL_INDICATORS)
    assert not set(LOCAL_INDICATORS) & set(INDICATORS)
    for key, count in LOCAL_COUNTS.items():
        columns = CSV_TEMPLATES[count.template].columns
        assert count.column in ("", *columns), key
        assert all(c in columns for c, _ in count.where), key
        assert LOCAL_INDICATORS[key].unit == "count"


def test_period_label() -> None:
    import datetime as dt

    assert period_label(dt.date(2021, 10, 1), dt.date(2022, 9, 30)) == "2021-22"
    assert period_label(dt.date(2022, 1, 1), dt.date(2022, 12, 31)) == "2022"


def test_empty_templates_load_with_nothing_missing(tmp_path: Path) -> None:
    created = write_empty_templates(tmp_path / "data" / "local" / "new-2024")
    assert len(created) == len(CSV_TEMPLATES) + len(TEXT_TEMPLATES) + 1
    records = LocalRecords.load(tmp_path / "data", "new-2024")
    # The committee cover report has no empty form: it is made only once it is written.
    assert records.missing == ["cover_report"]
    assert not records.illustrative
    assert all(records.rows(name) == [] for name in CSV_TEMPLATES)
    scrutiny = records.text("scrutiny")
    assert scrutiny is not None and scrutiny.draft
    assert "To be written." in scrutiny.html
    row = tidy_row(records, "serious_incident_notifications", **KENT)
    assert row["value"] == 0  # an empty list of notifications means none were made
    assert math.isnan(tidy_row(records, "lado_contacts", **KENT)["value"])


def test_empty_templates_never_overwrite(kent_local: Path) -> None:
    before = (kent_local / "lado.csv").read_text()
    assert write_empty_templates(kent_local, USED) == []
    assert (kent_local / "lado.csv").read_text() == before


def test_a_missing_file_is_listed_not_an_error_until_required(kent_local: Path) -> None:
    (kent_local / "lado.csv").unlink()
    (kent_local / "scrutiny.md").unlink()
    records = LocalRecords.load(kent_local.parents[1], "kent-2022", USED)
    assert records.missing == ["lado", "scrutiny"]
    assert records.rows("lado") == []
    assert records.text("scrutiny") is None
    row = tidy_row(records, "lado_contacts", **KENT)
    assert math.isnan(row["value"]) and row["status"] == "not supplied"
    assert "data/local/kent-2022/lado.csv is missing" in row["derivation"]
    records.require("partners")
    with pytest.raises(DataError, match=r"^data/local/kent-2022/scrutiny.md: the file is missing"):
        records.require("scrutiny")
    with pytest.raises(DataError, match=r"write_empty_templates"):
        records.require("lado")


def test_a_missing_folder_leaves_everything_missing(tmp_path: Path) -> None:
    records = LocalRecords.load(tmp_path / "data", "nowhere")
    assert "foreword" in records.missing and "about" in records.missing
    assert not records.illustrative


def test_a_wrong_about_file(kent_local: Path) -> None:
    (kent_local / "about.yaml").write_text("illustrative: perhaps\n")
    with pytest.raises(DataError, match=r"about.yaml, key 'illustrative'.*'perhaps'"):
        LocalRecords.load(kent_local.parents[1], "kent-2022")
