"""new-year: next year's params and local folder, and what check then says of them."""

from __future__ import annotations

import csv
import io
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from conftest import kent_context, last_year_built, project_copy
from safeguarding_report import cli
from safeguarding_report.core import params
from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.local import LocalRecords, refuse_drafts
from safeguarding_report.report.sections import next_priorities
from safeguarding_report.workflows import inputs, newyear, promised

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(kent_folder: Path, default_report: Path) -> Path:
    """Kent 2022's project, with the figures its published report gave (new-year takes each
    promised measure's baseline from them)."""
    return last_year_built(kent_folder, default_report)


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run(project: Path, *argv: str) -> int:
    return cli.main([*argv[:2], *argv[2:], "--root", str(project)])


@pytest.mark.build
def test_new_year_moves_the_period_on_and_carries_the_partnership_over(project: Path) -> None:
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 0
    new = params.load(project / "params/kent-2023.yaml")
    assert new.id == "kent-2023"
    assert new.comparison_year == 2023
    assert (str(new.period_start), str(new.period_end)) == ("2022-10-01", "2023-09-30")
    assert str(new.publication_date) == "2023-12-15"
    assert (new.partnership, new.local_authority, new.framework, new.trend_years) == (
        "Kent Safeguarding Children Multi-agency Partnership", "E10000016", "wt2018", 5,
    )  # fmt: skip


@pytest.mark.build
def test_narratives_are_carried_over_as_drafts_and_still_load(project: Path) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    records = LocalRecords.load(project / "data", "kent-2023")
    foreword = records.text("foreword")
    assert foreword is not None and foreword.draft
    assert "rebuilding after the pandemic" in foreword.markdown  # last year's words, to update
    assert "key_messages" in records.missing and "reviews" in records.missing


@pytest.mark.build
def test_new_year_prints_what_to_supply_and_check_names_exactly_those(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    said = capsys.readouterr().out
    listed = {line.strip() for line in said.splitlines() if line.startswith("  ")}
    rows = inputs.check(project / "params/kent-2023.yaml", project)
    named = {r.name for r in rows if r.state in (inputs.TO_SUPPLY, inputs.TO_UPDATE)}
    carried = {r.name for r in rows if r.state == inputs.CARRIED}
    assert named == listed - carried - {"data/local/kent-2023/about.yaml"}
    assert "data/local/kent-2023/foreword.md" in named
    assert "data/local/kent-2023/key_messages.csv" in named
    assert not any(r.blocks for r in rows)


@pytest.mark.build
def test_check_strict_fails_until_the_drafts_are_updated(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    new = str(project / "params/kent-2023.yaml")
    assert run(project, "check", new) == 0
    assert run(project, "check", new, "--strict") == 1
    out = capsys.readouterr().out
    # The priorities' new accounts are to supply; their status and measures' figures to update.
    assert "18 to supply, 5 to update" in out


@pytest.mark.build
def test_a_strict_build_refuses_draft_narratives(project: Path) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    with pytest.raises(ReportError, match=r"5 item\(s\) are drafts.*foreword\.md"):
        refuse_drafts(project / "data", "kent-2023", Path("params/kent-2023.yaml"))


@pytest.mark.build
def test_new_year_never_overwrites(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(project, "new-year", str(project / "params/kent-2022.yaml"))
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 1
    assert "kent-2023.yaml: already exists" in capsys.readouterr().err


@pytest.mark.build
def test_new_year_in_a_workbook_and_check_agree_on_what_is_carried_and_to_supply(
    project: Path,
) -> None:
    done = newyear.new_year(project / "params/kent-2022.yaml", project, workbook=True)
    book = "data/local/kent-2023/records.xlsx, sheet "
    rows = inputs.check(project / "params/kent-2023.yaml", project)
    states = {r.name: r.state for r in rows if r.name.startswith(book)}
    assert states[f"{book}'partners'"] == inputs.CARRIED
    assert states[f"{book}'reviews'"] == inputs.TO_SUPPLY  # an empty sheet: still to supply
    assert {n for n, s in states.items() if s == inputs.CARRIED} == {
        c for c in done.carried if c.startswith(book)
    }
    assert {n for n, s in states.items() if s == inputs.TO_SUPPLY} == {
        c for c in done.to_supply if c.startswith(book)
    }


@pytest.mark.build
def test_new_year_refuses_a_narrative_in_markdown_and_in_word_writing_nothing(
    project: Path,
) -> None:
    folder = project / "data/local/kent-2022"
    (folder / "foreword.docx").write_bytes(b"")  # its name is enough: there are two
    with pytest.raises(DataError) as caught:
        newyear.new_year(project / "params/kent-2022.yaml", project)
    with pytest.raises(DataError) as loading:
        LocalRecords.load(project / "data", "kent-2022")
    assert str(caught.value) == str(loading.value)
    assert "foreword is written twice, in foreword.md and in foreword.docx" in str(caught.value)
    assert not (project / "params/kent-2023.yaml").exists()
    assert not (project / "data/local/kent-2023").exists()


# -- new-year writes whole or not at all ------------------------------------------------------


WORD_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = b"application/vnd.ms-word.document.macroEnabled.main+xml"


def _macro_enabled(path: Path) -> None:
    """A Word file saved macro-enabled (.docm), then renamed .docx: its content type says so."""
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "draft", "false"
    document.add_paragraph("The scrutineer's statement.")
    plain = io.BytesIO()
    document.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as renamed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                assert WORD_TYPE in data
                data = data.replace(WORD_TYPE, MACRO_TYPE)
            renamed.writestr(item, data)


@pytest.mark.build
def test_a_word_file_new_year_cannot_carry_over_stops_it_by_name_leaving_nothing(
    project: Path,
) -> None:
    folder = project / "data/local/kent-2022"
    (folder / "scrutiny.md").unlink()
    _macro_enabled(folder / "scrutiny.docx")
    with pytest.raises(DataError) as caught:
        newyear.new_year(project / "params/kent-2022.yaml", project)
    assert str(caught.value).startswith("data/local/kent-2022/scrutiny.docx: the file holds macros")
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022"]
    assert not (project / "params/kent-2023.yaml").exists()
    # Saved again as a plain Word document: new-year runs, with nothing in its way.
    docx.Document().save(str(folder / "scrutiny.docx"))
    done = newyear.new_year(project / "params/kent-2022.yaml", project)
    assert "data/local/kent-2023/scrutiny.docx" in done.to_update
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022", "kent-2023"]


@pytest.mark.build
def test_a_new_year_killed_half_way_leaves_nothing_that_stops_the_next(project: Path) -> None:
    """kill -9 while the narratives are carried over: no kent-2023 folder or params file, only a
    staging folder, which the next new-year removes (its owner gone) before writing its own."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from safeguarding_report.workflows import newyear\n"
        "newyear.as_draft = lambda *args: os.kill(os.getpid(), signal.SIGKILL)\n"
        "root = Path(sys.argv[1])\n"
        "newyear.new_year(root / 'params/kent-2022.yaml', root)\n"
    )
    ended = subprocess.run([sys.executable, "-c", code, str(project)], check=False)
    assert ended.returncode == -signal.SIGKILL
    left = sorted(p.name for p in (project / "data/local").iterdir())
    assert left[0].startswith(".kent-2023.new-year-") and left[1:] == ["kent-2022"]
    assert (project / "data/local" / left[0] / "about.yaml").is_file(), "killed half way"
    assert not (project / "params/kent-2023.yaml").exists()
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 0
    assert sorted(p.name for p in (project / "data/local").iterdir()) == ["kent-2022", "kent-2023"]
    assert LocalRecords.load(project / "data", "kent-2023").drafts()


def test_a_narrative_carried_over_is_checked_for_disclosure_again() -> None:
    """Last year's check was of last year's words: the carried-over draft says it is unchecked."""
    text = "---\ntitle: Foreword\ndisclosure_checked: true\n---\n\nThree children ...\n"
    carried = newyear.as_draft(text, "kent-2022")
    assert "disclosure_checked: false" in carried and "disclosure_checked: true" not in carried
    assert carried.startswith("---\ndraft: true") and carried.endswith("Three children ...\n")


# -- last year's promises become this year's priorities and measures -------------------------


@pytest.mark.build
def test_new_year_makes_last_years_promises_this_years_priorities_and_measures(
    project: Path, default_report: Path
) -> None:
    """Each promised measure's baseline is the latest figure kent-2022's report published."""
    newyear.new_year(project / "params/kent-2022.yaml", project)
    promised = read_rows(project / "data/local/kent-2022/next_priorities.csv")
    priorities = read_rows(project / "data/local/kent-2023/priorities.csv")
    titles = list(dict.fromkeys(r["priority"] for r in promised))
    assert [(p["id"], p["title"], p["status"]) for p in priorities] == [
        (f"P{n}", title, "") for n, title in enumerate(titles, start=1)
    ]
    measures = read_rows(project / "data/local/kent-2023/priority_measures.csv")
    assert [m["measure"] for m in measures] == [r["measure"] for r in promised]
    figures = read_rows(default_report / "figures.csv")
    published = [m for m in measures if not m["measure"].startswith("local-")]
    assert len(published) == 5
    for m in published:
        shown = [
            f
            for f in figures
            if f["indicator"] == m["measure"] and f["area_code"] == "E10000016"
            and not f["breakdown"] and f["value"]
        ]  # fmt: skip
        latest = max(shown, key=lambda f: f["period"])
        assert (m["baseline_period"], m["baseline"]) == (latest["period"], latest["value"])
        assert m["source"].startswith("kent-2022's published report: outputs/kent-2022/figures")
    # A local measure kent-2022 measured: its latest figure is the baseline; a new one is blank.
    by_name = {m["measure"]: m for m in measures}
    carried = by_name["local-transition-plans-by-15"]
    assert (carried["baseline_period"], carried["baseline"], carried["target"]) == (
        "2021-22", "32", "100",
    )  # fmt: skip
    assert by_name["local-front-door-child-voice"]["baseline"] == ""


@pytest.mark.build
def test_the_year_made_from_the_promises_passes_check_which_says_what_is_left(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(project, "new-year", str(project / "params/kent-2022.yaml")) == 0
    said = capsys.readouterr().out
    assert "left for the partnership: P1 local-front-door-child-voice" in said
    rows = inputs.check(project / "params/kent-2023.yaml", project)
    assert not any(r.blocks for r in rows), [r for r in rows if r.blocks]
    left = {r.name: r for r in rows if r.state == inputs.TO_UPDATE}
    status = left["data/local/kent-2023/priorities.csv"]
    assert status.detail.startswith("to fill in at the year's end: line 2: status;")
    figures = left["data/local/kent-2023/priority_measures.csv"].detail
    assert "line 2: baseline, latest_period, latest, source" in figures
    assert "line 4: latest_period, latest;" in figures  # the baseline came from kent-2022
    new = str(project / "params/kent-2023.yaml")
    assert run(project, "check", new, "--strict") == 1


def test_new_year_says_to_build_last_years_report_first(kent_folder: Path) -> None:
    with pytest.raises(ReportError) as caught:
        newyear.new_year(kent_folder / "params/kent-2022.yaml", kent_folder)
    assert str(caught.value).startswith(
        "outputs/kent-2022/figures.csv: not found. new-year takes each promised measure's "
        "baseline from the figures kent-2022's report published: build it first"
    )
    assert not (kent_folder / "data/local/kent-2023").exists()
    assert not (kent_folder / "params/kent-2023.yaml").exists()


def _promise(folder: Path, line: int, **cells: str) -> None:
    """Change cells of one line of next_priorities.csv."""
    path = folder / "data/local/kent-2022/next_priorities.csv"
    rows = read_rows(path)
    rows[line - 2].update(cells)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize(
    ("line", "cells", "said"),
    [
        (
            3,
            {"measure": "rereferals_pct"},
            "line 3, column 'measure': 'rereferals_pct' is not a measure the kit knows. "
            "Closest: rereferrals_pct",
        ),
        (
            10,
            {"unit": "count", "target": "15"},
            "line 10, column 'unit': 'count' is not allowed: cpp_subsequent_pct is measured as a "
            "percent",
        ),
        (7, {"direction": ""}, "line 7, column 'direction'"),
        (
            5,
            {"lead": "Chief Executive, Kent County Council"},
            "line 5, column 'lead': Chief Executive, Kent County Council differs from "
            "Director, Disabled Children and Young People, Kent County Council on line 4",
        ),
    ],
)
def test_a_wrong_promise_stops_check_and_new_year_naming_line_and_column(
    kent_folder: Path, line: int, cells: dict[str, str], said: str
) -> None:
    _promise(kent_folder, line, **cells)
    rows = inputs.check(kent_folder / "params/kent-2022.yaml", kent_folder)
    wrong = [r for r in rows if r.name == "data/local/kent-2022/next_priorities.csv"]
    assert wrong[0].state == inputs.INVALID and wrong[0].blocks
    assert said in wrong[0].detail
    with pytest.raises(DataError) as caught:
        newyear.new_year(kent_folder / "params/kent-2022.yaml", kent_folder)
    assert str(caught.value) == wrong[0].detail
    assert str(caught.value).startswith("data/local/kent-2022/next_priorities.csv, line")


@pytest.mark.build
def test_the_next_priorities_section_shows_each_promised_measure_and_its_target(
    default_report: Path,
) -> None:
    page = (default_report / "report.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    table = page[page.index("<caption>How each priority will be measured") :]
    table = table[: table.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table)]
    rows = [cells[i : i + 4] for i in range(4, len(cells), 4)]
    assert rows[0] == [
        "Embed the child's voice in multi-agency practice",
        "Front-door cases in the re-audit with the child's own words recorded (%), illustrative",
        "higher",
        "80.0%",  # a percentage's places, as every figure of the report shows them
    ]
    assert rows[1] == [
        "Embed the child's voice in multi-agency practice",
        "Re-referrals within 12 months (%)",
        "lower",  # the indicator's polarity
        "[z]",  # no target set
    ]
    assert len(rows) == 9
    assert "Serious incident notifications" in rows[5][1] and rows[5][2] == "lower"


def test_a_partnerships_baseline_is_its_own_figure_for_the_latest_year_shown(
    tmp_path: Path,
) -> None:
    """A percentage is not combined for a partnership's whole area: the baseline period is the
    latest its authorities were shown for, and the whole area's figure is left blank."""
    (tmp_path / "data/local").mkdir(parents=True)
    (tmp_path / "data/published").symlink_to(ROOT / "data/published")
    shutil.copytree(ROOT / "data/local/llr-2024", tmp_path / "data/local/llr-2024")
    (tmp_path / "params").mkdir()
    shutil.copy(ROOT / "params/llr-2024.yaml", tmp_path / "params")
    whole, leicester = "E06000016+E10000018+E06000017", "E06000016"
    rows = [
        ("cpp_subsequent_pct", whole, "2024", ""),
        ("cpp_subsequent_pct", leicester, "2024", "21.0"),
        ("care_leavers_suitable_accommodation_pct", leicester, "2022", "90"),
        ("care_leavers_suitable_accommodation_pct", whole, "2023", ""),
        ("cla_missing", whole, "2024", "9"),
        ("cla_missing", whole, "2023", "8"),
    ]
    figures = tmp_path / "outputs/llr-2024/figures.csv"
    figures.parent.mkdir(parents=True)
    figures.write_text(
        "indicator,area_code,period,breakdown,value\n"
        + "".join(f"{i},{a},{p},,{v}\n" for i, a, p, v in rows),
        encoding="utf-8",
    )
    newyear.new_year(tmp_path / "params/llr-2024.yaml", tmp_path)
    made = read_rows(tmp_path / "data/local/llr-2025/priority_measures.csv")
    baselines = {m["measure"]: (m["baseline_period"], m["baseline"]) for m in made}
    assert baselines["cpp_subsequent_pct"] == ("2024", "")
    assert baselines["care_leavers_suitable_accommodation_pct"] == ("2022", "")
    assert baselines["cla_missing"] == ("2024", "9")
    assert baselines["local-rhi-within-72-hours"] == ("2023-24", "74")  # llr-2024's latest


@pytest.mark.build
@pytest.mark.parametrize(
    "report_id", ["kent-2012", "kent-2022", "kent-2025", "kent-2026", "llr-2024"]
)
def test_every_shipped_reports_promises_can_be_carried_into_its_next_year(
    tmp_path: Path, shipped_report: Callable[[str], Path], report_id: str
) -> None:
    """Each measure a shipped report promises has a baseline its published figures give."""
    project = last_year_built(project_copy(tmp_path), shipped_report(report_id))
    p = params.load(project / f"params/{report_id}.yaml")
    made = promised.made(LocalRecords.lazy(project / "data", report_id), p, project)
    rows = read_rows(project / f"data/local/{report_id}/next_priorities.csv")
    assert [m["measure"] for m in made.rows["priority_measures"]] == [r["measure"] for r in rows]
    assert all(m["baseline_period"] for m in made.rows["priority_measures"])


@pytest.mark.build
def test_a_measure_of_laits_dictionary_is_promised_shown_and_carried_with_its_baseline(
    project: Path, default_report: Path
) -> None:
    """Any measure of the Benchmarking Data Set, by its LAIT code: the section names it as the
    data dictionary does with LAIT's polarity, and new-year takes its baseline from the
    figures kent-2022's report published (its priorities measured it)."""
    path = project / "data/local/kent-2022/next_priorities.csv"
    rows = read_rows(path)
    rows.append({**rows[-1], "measure": "LAC_Pers_Abs", "label": "", "direction": ""})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    shown = next_priorities.promised_measures(kent_context(project))
    assert shown[-1][1:3] == [
        "Children looked after who are classed as persistent absentees (%)",
        "lower",
    ]
    newyear.new_year(project / "params/kent-2022.yaml", project)
    carried = read_rows(project / "data/local/kent-2023/priority_measures.csv")[-1]
    figures = [
        f
        for f in read_rows(default_report / "figures.csv")
        if f["indicator"] == "LAC_Pers_Abs" and f["area_code"] == "E10000016"
        and f["value"] and not f["derivation"].startswith("change:")
    ]  # fmt: skip
    latest = max(figures, key=lambda f: f["period"])
    assert carried["measure"] == "LAC_Pers_Abs"
    assert (carried["baseline_period"], carried["baseline"]) == (latest["period"], latest["value"])
