"""Training's impact: course evaluations read as change, with how many answered, and each
agency's share of attendances beside its share of the workforce."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from conftest import kent_context
from safeguarding_report.core import params, provenance
from safeguarding_report.core.errors import DataError
from safeguarding_report.local import LocalRecords
from safeguarding_report.report import charts, evaluation, tables, text, workforce
from safeguarding_report.report.sections import training
from safeguarding_report.workflows import inputs

SOURCE = "data/local/kent-2022"
HEADER = "course_id,measure,stage,months_later,respondents,unit,value\n"


def records_of(shown: tables.Table | text.Text) -> list[dict[str, object]]:
    return list(shown._repr_mimebundle_()[provenance.MIME_TYPE])


def evaluations(folder: Path, rows: str) -> None:
    (folder / SOURCE / "training_evaluation.csv").write_text(HEADER + rows, encoding="utf-8")


def result(value: float, line: int) -> dict[str, object]:
    return {
        "indicator": "training_evaluation_percent",
        "value": value,
        "status": "",
        "source_file": f"{SOURCE}/training_evaluation.csv",
        "source_line": str(line),
        "breakdown": "",
    }


# -- the change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered", "status"),
    [((203, 203), ""), ((30, 64), ""), ((29, 203), "few answered"), ((203, 12), "few answered")],
)
def test_a_change_is_later_minus_earlier_and_of_low_reliability_below_the_threshold(
    answered: tuple[int, int], status: str
) -> None:
    row = evaluation.change(
        result(41, 2),
        result(87, 3),
        answered,
        indicator="training_evaluation_change_percent",
        breakdown="course: C02; measure: confidence; change: before to after",
        reliable_from=30,
    )
    assert row["value"] == 46 and row["status"] == status
    assert row["source_line"] == "2; 3"
    assert row["derivation"] == (
        f"change: 87 (the later stage) minus 41 (the earlier), answered by {answered[1]:,} "
        f"and {answered[0]:,}"
    )
    shown = tables.Figure(row, signed=True).text()
    assert shown == ("[u]" if status else "+46.0")


def test_a_change_from_a_missing_result_is_missing_too() -> None:
    earlier = {**result(41, 2), "value": math.nan, "status": "not supplied"}
    row = evaluation.change(
        earlier, result(87, 3), (203, 203), indicator="x", breakdown="", reliable_from=30
    )
    assert math.isnan(float(str(row["value"]))) and row["status"] == "not supplied"


def test_stages_are_read_before_after_then_follow_ups_by_months(kent_folder: Path) -> None:
    evaluations(
        kent_folder,
        "C02,confidence,follow-up,6,40,percent,70\n"
        "C02,confidence,after,,203,percent,87\n"
        "C02,confidence,follow-up,3,64,percent,75\n"
        "C02,confidence,before,,203,percent,41\n",
    )
    records = LocalRecords.lazy(kent_folder / "data", "kent-2022")
    (found,) = evaluation.measured(records.rows("training_evaluation"))  # type: ignore[arg-type]
    assert [evaluation.when(s) for s in found.stages] == [
        "Before",
        "Straight after",
        "3 months later",
        "6 months later",
    ]
    assert len(evaluation.changes(found)) == 3


# -- the table -----------------------------------------------------------------------------


def test_the_table_shows_each_stage_with_who_answered_and_the_change(kent_folder: Path) -> None:
    evaluations(
        kent_folder,
        "C02,confidence,before,,203,percent,41\n"
        "C02,confidence,after,,203,percent,87\n"
        "C02,confidence,follow-up,3,64,percent,72\n"
        "C06,knowledge,before,,187,mean score out of 10,5.8\n"
        "C06,knowledge,after,,12,mean score out of 10,8.3\n",
    )
    table = training.evaluation_table(kent_context(kent_folder))
    assert isinstance(table, tables.Table)
    rows = [row[2:] for row in table.rows]
    assert rows == [
        ["Before", "203", "41.0%", "[z]"],
        ["Straight after", "203", "87.0%", "+46.0"],
        ["3 months later: not the same people", "64", "72.0%", "-15.0"],
        ["Before", "187", "5.8 out of 10", "[z]"],
        ["Straight after", "12", "8.3 out of 10", "[u]"],
    ]
    html = table.to_html()
    # [u] is explained once, with the threshold and how it is set; so are different people.
    assert html.count("fewer than 30 people answered") == 1
    assert "reliable_from" in html
    assert "not how the same people" in html and "answers changed" in html
    # Every value reaches figures.csv with its source, the [u] change with its value kept.
    changes = {str(r["breakdown"]): r for r in records_of(table) if "change" in str(r["indicator"])}
    unreliable = changes["course: C06; measure: knowledge; change: before to after"]
    assert unreliable["shown"] == "[u]" and unreliable["status"] == "few answered"
    assert unreliable["value"] == pytest.approx(2.5)
    later = changes["course: C02; measure: confidence; change: after to follow-up at 3 months"]
    assert later["value"] == -15 and later["source_line"] == "3; 4"
    assert later["source_file"] == f"{SOURCE}/training_evaluation.csv"
    respondents = [r for r in records_of(table) if r["indicator"] == "training_respondents"]
    assert [r["shown"] for r in respondents] == ["203", "203", "64", "187", "12"]


def test_the_threshold_is_the_builds(kent_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evaluations(
        kent_folder,
        "C06,knowledge,before,,12,mean score out of 10,5.8\n"
        "C06,knowledge,after,,12,mean score out of 10,8.3\n",
    )
    monkeypatch.setenv(params.RELIABLE_ENV, "10")
    table = training.evaluation_table(kent_context(kent_folder))
    assert isinstance(table, tables.Table)
    assert table.rows[1][-1] == "+2.5"
    monkeypatch.setenv(params.RELIABLE_ENV, "13")
    table = training.evaluation_table(kent_context(kent_folder))
    assert isinstance(table, tables.Table)
    assert table.rows[1][-1] == "[u]" and "fewer than 13 people" in table.to_html()


def test_params_give_the_threshold_with_a_default_of_30(tmp_path: Path) -> None:
    kent = (Path(__file__).resolve().parents[1] / "params/kent-2022.yaml").read_text()
    path = tmp_path / "params" / "kent-2022.yaml"
    path.parent.mkdir()
    (tmp_path / "data").symlink_to(Path(__file__).resolve().parents[1] / "data")
    path.write_text(kent, encoding="utf-8")
    assert params.load(path).section_environment()[params.RELIABLE_ENV] == "30"
    path.write_text(kent + "reliable_from: 50\n", encoding="utf-8")
    assert params.load(path).section_environment()[params.RELIABLE_ENV] == "50"
    path.write_text(kent + "reliable_from: 1\n", encoding="utf-8")
    with pytest.raises(params.ParamsError, match=r"line \d+: key 'reliable_from' must be 2"):
        params.load(path)


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        ("C02,confidence,during,,203,percent,41", "stage", "one of: before, after, follow-up"),
        ("C02,confidence,follow-up,,64,percent,72", "months_later", "a follow-up needs it"),
        ("C02,confidence,after,3,64,percent,72", "months_later", "leave it blank for after"),
    ],
)
def test_a_stage_the_kit_cannot_read_is_a_located_error(
    kent_folder: Path, row: str, column: str, says: str
) -> None:
    evaluations(kent_folder, "C02,confidence,before,,203,percent,41\n" + row + "\n")
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_folder / "data", "kent-2022")
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}/training_evaluation.csv, line 3, column '{column}'")
    assert says in message


def test_the_chart_draws_percentages_asked_at_two_stages_from_enough_answers(
    kent_folder: Path,
) -> None:
    evaluations(
        kent_folder,
        "C02,confidence,before,,203,percent,41\n"
        "C02,confidence,after,,203,percent,87\n"
        "C02,applied learning,follow-up,3,64,percent,72\n"
        "C03,confidence,before,,12,percent,38\n"
        "C03,confidence,after,,12,percent,84\n"
        "C06,knowledge,before,,187,mean score out of 10,5.8\n"
        "C06,knowledge,after,,187,mean score out of 10,8.3\n",
    )
    chart = training.evaluation_chart(kent_context(kent_folder))
    assert isinstance(chart, charts.Chart)
    assert chart.title == "Confidence rose straight after every course that asked before and after"
    assert chart.subtitle == "Course evaluation result (%), before and straight after, 2021-22"
    # Only C02's confidence: C03's from 12 answers, a score and a single stage are not drawn.
    assert chart.table.rows == [["Neglect and the Graded Care Profile 2", "41.0", "87.0"]]
    assert "Not charted, because fewer than 30 people answered" in chart.table.to_html()
    assert chart.alt.startswith("Dot chart. ")
    assert [r["source_line"] for r in records_of(chart.table)] == ["2", "3"]


# -- the workforce ---------------------------------------------------------------------------


def staff_row(agency: str, value: float) -> dict[str, object]:
    return {
        "indicator": "workforce_staff",
        "value": value,
        "status": "",
        "breakdown": f"agency: {agency}",
        "source_file": f"{SOURCE}/workforce.csv",
        "source_line": "2",
    }


def test_shares_are_of_the_agencies_the_workforce_gives() -> None:
    attended = {
        "police": {**staff_row("police", 30), "indicator": "training_attendances"},
        "early help": {**staff_row("early help", 60), "indicator": "training_attendances"},
        "other": {**staff_row("other", 910), "indicator": "training_attendances"},
    }
    staff = {
        "police": staff_row("police", 300),
        "early help": staff_row("early help", 100),
        "probation": staff_row("probation", 100),
    }
    found = workforce.shares(attended, staff)
    assert set(found) == {"police", "early help", "probation"}  # 'other' has no workforce
    assert found["police"].attendances["value"] == pytest.approx(100 * 30 / 90)
    assert found["police"].workforce["value"] == pytest.approx(60)
    assert found["police"].gap["value"] == pytest.approx(100 * 30 / 90 - 60)
    assert found["probation"].attendances["value"] == 0  # staff, but none attended
    assert found["early help"].gap["value"] == pytest.approx(100 * 60 / 90 - 20)
    assert str(found["police"].workforce["derivation"]).startswith("share: 300 of 500 staff")


def test_the_table_puts_the_most_under_represented_first(kent_folder: Path) -> None:
    path = kent_folder / SOURCE / "workforce.csv"
    volunteers = ("faith organisations,", "sport and leisure,", "other,")
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(line for line in lines if not line.startswith(volunteers)) + "\n",
        encoding="utf-8",
    )
    table = training.workforce_table(kent_context(kent_folder))
    assert isinstance(table, tables.Table)
    assert table.header[1:] == [
        "Attendances",
        "Share of attendances",
        "Staff",
        "Share of the workforce",
        "Difference (percentage points)",
    ]
    gaps = [float(row[-1]) for row in table.rows]
    assert gaps == sorted(gaps) and gaps[0] < 0 < gaps[-1]
    assert table.rows[0][:2] == ["Education: schools", "1,815"]
    html = table.to_html()
    assert "has no row for them: faith organisations, sport and leisure and other" in html
    recorded = {str(r["indicator"]) for r in records_of(table)}
    assert {"workforce_staff", "workforce_share", "training_attendance_share"} <= recorded
    gap = next(r for r in records_of(table) if r["indicator"] == "training_share_gap")
    assert str(gap["derivation"]).startswith("difference: ")


def test_without_a_workforce_record_a_sentence_says_so(kent_folder: Path) -> None:
    (kent_folder / SOURCE / "workforce.csv").unlink()
    shown = training.workforce_table(kent_context(kent_folder))
    assert isinstance(shown, text.Text)
    assert "No workforce record (workforce.csv) was supplied" in shown.html


def test_agencies_one_file_lacks_are_located_warnings_naming_the_closest(
    kent_folder: Path,
) -> None:
    path = kent_folder / SOURCE / "workforce.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [r for r in rows if r[0] not in ("health: community", "sport and leisure")]
    kept.append(["sport and leisure", "900", "March 2022", "HR records"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(kept)
    attendance = kent_folder / SOURCE / "training_attendance.csv"
    lines = attendance.read_text(encoding="utf-8").splitlines()
    attendance.write_text(
        "\n".join(line for line in lines if "sport and leisure" not in line) + "\n",
        encoding="utf-8",
    )
    found = workforce.mismatches(LocalRecords.lazy(kent_folder / "data", "kent-2022"))
    said = {f.agency: f for f in found}
    community = said["health: community"]
    assert community.source.startswith(f"{SOURCE}/training_attendance.csv, line ")
    assert "closest it names is 'health: " in community.said
    sport = said["sport and leisure"]
    assert sport.source == f"{SOURCE}/workforce.csv, line {len(kept)}"
    assert "no attendances" in sport.said
    rows_of_check = inputs.check(kent_folder / "params/kent-2022.yaml", kent_folder)
    warned = [r for r in rows_of_check if r.state == inputs.WARNING]
    assert any(r.name == community.source and "health: community" in r.detail for r in warned)
    assert any(r.name.endswith("workforce.csv") and r.state == inputs.VALID for r in rows_of_check)


# -- the built report ------------------------------------------------------------------------


@pytest.mark.build
def test_figures_csv_holds_the_changes_and_shares(default_report: Path) -> None:
    with (default_report / "figures.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    training_rows = [r for r in rows if r["section"] == "training"]
    change = next(
        r
        for r in training_rows
        if r["indicator"] == "training_evaluation_change_percent"
        and r["breakdown"] == "course: C02; measure: confidence; change: before to after"
    )
    assert (change["shown"], change["status"]) == ("+46.0", "")
    assert change["source_file"] == f"{SOURCE}/training_evaluation.csv"
    assert change["source_line"] == "2; 3"
    gaps = [r for r in training_rows if r["indicator"] == "training_share_gap"]
    assert len(gaps) == 18 and all(r["source_file"] == f"{SOURCE}/workforce.csv" for r in gaps)
    html = (default_report / "report.html").read_text(encoding="utf-8")
    assert "share of the workforce, 2021-22" in html
