"""Every local CSV column rejects a wrong value with a message a spreadsheet user can act on.

Each test damages one cell, one header or one file of a copy of the Kent records; the error
must name the file (relative to the project root), the line, the column, the value found and
what was expected.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES
from safeguarding_report.local.describe import allowed

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "data/local/kent-2022"


def load(folder: Path) -> LocalRecords:
    return LocalRecords.load(folder.parents[1], folder.name)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(folder: Path, template: str, line: int, column: str, value: str) -> None:
    path = folder / f"{template}.csv"
    rows = read_rows(path)
    rows[line - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def _bad_values() -> list[tuple[str, str, str, list[str]]]:
    """(template, column, wrong value, what the message must say) for every checkable column."""
    cases = []
    for template in CSV_TEMPLATES.values():
        for name, field in template.model.model_fields.items():
            annotation = field.annotation
            values = allowed(annotation)
            if values:
                cases.append((template.name, name, "not on the list", list(values)))
            elif annotation is int:
                cases.append((template.name, name, "twelve", ["a whole number"]))
            elif annotation is float:
                cases.append((template.name, name, "high", ["a number"]))
            elif "YYYY-MM-DD" in _expected(template.name, name):
                cases.append((template.name, name, "31/03/2022", ["YYYY-MM-DD"]))
            elif annotation is str and "no spaces" in _expected(template.name, name):
                cases.append((template.name, name, "has a space", ["no spaces"]))
            elif annotation is str and field.is_required():
                cases.append((template.name, name, "", ["the cell is blank", "text"]))
    return cases


def _expected(template: str, column: str) -> str:
    from safeguarding_report.local.describe import expected

    return expected(CSV_TEMPLATES[template].model.model_fields[column])


BAD = _bad_values()


def test_every_template_has_a_checked_column() -> None:
    assert {t for t, *_ in BAD} == set(CSV_TEMPLATES)


@pytest.mark.parametrize(
    ("template", "column", "value", "says"), BAD, ids=[f"{t}.{c}" for t, c, *_ in BAD]
)
def test_a_wrong_cell_names_file_line_column_value_and_what_was_expected(
    kent_local: Path, template: str, column: str, value: str, says: list[str]
) -> None:
    if not (kent_local / f"{template}.csv").is_file():
        # A template Kent 2021-22's framework does not read: a shipped report's file stands in.
        shutil.copy(next(ROOT.glob(f"data/local/*/{template}.csv")), kent_local)
    set_cell(kent_local, template, 2, column, value)
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/{template}.csv, line 2, column {column!r}: ")
    if value:
        assert repr(value) in message
    for text in says:
        assert text in message


def test_a_near_miss_suggests_the_allowed_value(kent_local: Path) -> None:
    set_cell(kent_local, "training_courses", 3, "format", "Face-to-face")
    with pytest.raises(DataError, match=r"did you mean 'face to face'\?") as caught:
        load(kent_local)
    assert "one of: e-learning, virtual, face to face" in str(caught.value)


def test_a_theme_not_on_the_list_is_named_among_several(kent_local: Path) -> None:
    set_cell(kent_local, "reviews", 4, "themes", "neglect; bad parenting ;safer sleeping")
    with pytest.raises(DataError, match=r"line 4, column 'themes': 'bad parenting'"):
        load(kent_local)


@pytest.mark.parametrize(
    ("template", "line", "column", "value", "says"),
    [
        ("reviews", 28, "published", "2019-01-01", "before the notified date (2019-06-12)"),
        ("training_evaluation", 2, "value", "140", "more than 100, the most a percent can be"),
        ("national_reviews", 2, "year_published", "1890", "from 2000 to 2100"),
        ("lado", 2, "count", "-3", "0 or more"),
        ("funding", 2, "contribution_pounds", "£318,500", "a whole number"),
    ],
)
def test_values_out_of_range_are_refused(
    kent_local: Path, template: str, line: int, column: str, value: str, says: str
) -> None:
    set_cell(kent_local, template, line, column, value)
    with pytest.raises(DataError, match=rf"line {line}, column '{column}'") as caught:
        load(kent_local)
    assert says in str(caught.value)


def test_a_repeated_key_names_both_lines(kent_local: Path) -> None:
    path = kent_local / "training_courses.csv"
    rows = read_rows(path)
    write_rows(path, [*rows, rows[3]])
    with pytest.raises(DataError) as caught:
        load(kent_local)
    assert str(caught.value).startswith(f"{SOURCE}/training_courses.csv, line {len(rows) + 1}")
    assert "course_id 'C03' is repeated (first on line 4)" in str(caught.value)


def test_attendance_for_an_unknown_course_lists_the_courses(kent_local: Path) -> None:
    set_cell(kent_local, "training_attendance", 5, "course_id", "C99")
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/training_attendance.csv, line 5, column 'course_id'")
    assert f"'C99' is not a course_id in {SOURCE}/training_courses.csv" in message
    assert "C01, C02" in message


def test_a_link_to_a_missing_file_is_an_error(kent_local: Path) -> None:
    (kent_local / "partners.csv").unlink()
    with pytest.raises(DataError, match=r"funding.csv, line 2, column 'partner'.*partners.csv"):
        load(kent_local)


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda h: [*h, "comments"], "unknown column(s) 'comments'"),
        (lambda h: h[:-1], "missing column(s) attendees"),
        (lambda h: [h[0], h[1], "atendees"], "did you mean 'attendees'?"),
        (lambda h: [h[0], h[1], h[1]], "repeated column(s) agency"),
    ],
)
def test_a_wrong_header_lists_the_expected_columns(
    kent_local: Path, edit: Callable[[list[str]], list[str]], says: str
) -> None:
    path = kent_local / "training_attendance.csv"
    rows = read_rows(path)
    rows[0] = edit(rows[0])
    rows = [rows[0]] + [r[: len(rows[0])] for r in rows[1:]]
    write_rows(path, rows)
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/training_attendance.csv, line 1: ")
    assert says in message
    assert "Expected the columns course_id, agency, attendees" in message


def test_columns_may_come_in_any_order_and_case(kent_local: Path) -> None:
    path = kent_local / "lado.csv"
    rows = read_rows(path)
    write_rows(path, [[r[1], r[0]] for r in rows[:1]] + [[r[1], r[0]] for r in rows[1:]])
    path.write_text(path.read_text().replace("count,measure", "Count , MEASURE"))
    assert load(kent_local).rows("lado")[0].data.model_dump()["count"] == 1624


def test_a_file_that_is_not_utf8_names_the_line(kent_local: Path) -> None:
    path = kent_local / "voice.csv"
    text = path.read_text(encoding="utf-8").replace("Parents said", "Parents\u2019 groups said")
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(DataError) as caught:
        load(kent_local)
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/voice.csv, line 3: the file is not UTF-8")
    assert "CSV UTF-8" in message


def test_a_byte_order_mark_is_fine(kent_local: Path) -> None:
    path = kent_local / "lado.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load(kent_local).rows("lado")) == 8


def test_an_empty_file_shows_the_header_it_needs(kent_local: Path) -> None:
    (kent_local / "lado.csv").write_text("\n")
    with pytest.raises(DataError, match=rf"^{SOURCE}/lado.csv, line 1: the file is empty.*"):
        load(kent_local)


def test_a_row_with_too_many_cells(kent_local: Path) -> None:
    path = kent_local / "lado.csv"
    path.write_text(path.read_text().replace("contacts received,1624", "contacts received,1,624"))
    with pytest.raises(DataError, match=r"lado.csv, line 2: the row has 3 cells"):
        load(kent_local)


def test_blank_rows_are_skipped_and_lines_still_count(kent_local: Path) -> None:
    path = kent_local / "lado.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "", ",", *lines[1:]]) + "\n")
    assert load(kent_local).rows("lado")[0].line == 4


def test_a_misnamed_file_is_refused_with_a_suggestion(kent_local: Path) -> None:
    (kent_local / "training_attendance.csv").rename(kent_local / "training_attendence.csv")
    with pytest.raises(DataError, match=r"did you mean training_attendance.csv\?"):
        load(kent_local)


def test_errors_are_report_errors(kent_local: Path) -> None:
    set_cell(kent_local, "lado", 2, "count", "x")
    with pytest.raises(ReportError):
        load(kent_local)
