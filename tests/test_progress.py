"""A priority's measures: the rule of progress on plain values, the template's located errors,
and the report's and check's judgement of every shipped priority."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest

from safeguarding_report import cli
from safeguarding_report.core import params
from safeguarding_report.core.errors import DataError
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.models import PriorityMeasure
from safeguarding_report.report import charts, progress
from safeguarding_report.report.sections import for_report, priorities
from safeguarding_report.workflows import inputs

ROOT = Path(__file__).resolve().parents[1]
MEASURES = "data/local/kent-2022/priority_measures.csv"


@pytest.mark.parametrize(
    ("baseline", "latest", "direction", "target", "published", "expected"),
    [
        (100.0, 106.0, "higher", None, True, progress.MOVED),
        (100.0, 105.0, "higher", None, True, progress.MOVED),  # the band's edge counts
        (100.0, 104.9, "higher", None, True, progress.STILL),
        (100.0, 95.1, "higher", None, True, progress.STILL),
        (100.0, 94.0, "higher", None, True, progress.AGAINST),
        (20.0, 18.0, "lower", None, True, progress.MOVED),
        (20.0, 22.0, "lower", None, True, progress.AGAINST),
        (31.0, 32.0, "higher", 30.0, True, progress.REACHED),  # a target beats the band
        (31.0, 32.0, "higher", 100.0, True, progress.STILL),
        (8.0, 7.5, "lower", 7.5, True, progress.REACHED),
        (math.nan, 32.0, "higher", None, True, progress.NOT_COMPARABLE),
        (31.0, None, "higher", None, True, progress.NOT_COMPARABLE),
        (31.0, None, "higher", None, False, progress.NOT_YET),
        (0.0, 0.0, "higher", None, True, progress.STILL),
        (0.0, 3.0, "higher", None, True, progress.MOVED),
    ],
)
def test_the_rule_on_plain_values(
    baseline: float,
    latest: float | None,
    direction: str,
    target: float | None,
    published: bool,
    expected: str,
) -> None:
    assert (
        progress.judge(baseline, latest, direction, target=target, published=published) == expected
    )


def test_a_priority_shows_progress_when_one_measure_moved_and_disagrees_only_when_compared() -> (
    None
):
    assert progress.shows_progress([progress.STILL, progress.MOVED])
    assert not progress.shows_progress([progress.STILL, progress.NOT_YET])
    assert progress.disagrees("achieved", [progress.STILL, progress.AGAINST])
    assert not progress.disagrees("achieved", [progress.NOT_YET, progress.NOT_COMPARABLE])
    assert progress.disagrees("little or no progress", [progress.MOVED, progress.NOT_YET])
    assert not progress.disagrees("some progress", [progress.STILL])


def test_the_rule_the_report_states_names_the_band_it_uses() -> None:
    assert f"{progress.MARGIN:g}%" in progress.RULE


def _set_row(folder: Path, line: int, **cells: str) -> None:
    path = folder / "priority_measures.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    row = next(csv.reader(io.StringIO(rows[line - 1])))
    for key, value in cells.items():
        row[header.index(key)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    rows[line - 1] = out.getvalue()
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("cells", "column", "says"),
    [
        ({"unit": "rate", "target": "20"}, "unit", "measured as a percent"),
        ({"target": "20"}, "target", "a target needs its unit"),
        ({"measure": "cin_rate"}, "direction", "no agreed polarity"),
    ],
)
def test_a_wrong_measure_stops_the_build_naming_file_line_and_column(
    kent_local: Path, cells: dict[str, str], column: str, says: str
) -> None:
    _set_row(kent_local, 2, **cells)
    with pytest.raises(DataError) as caught:
        LocalRecords.load(kent_local.parents[1], kent_local.name)
    message = str(caught.value)
    assert message.startswith(f"{MEASURES}, line 2, column {column!r}: "), message
    assert says in message


def _context(project: Path, report: str = "kent-2022") -> priorities.Context:
    return for_report(params.load(project / f"params/{report}.yaml"), Published(project / "data"))


@pytest.mark.parametrize(
    ("cells", "column", "says"),
    [
        ({"measure": "cpp_subsequent_pc"}, "measure", "Closest: cpp_subsequent_pct"),
        ({"measure": "CP_conf_15day"}, "measure", "Closest: CP_conf_15days"),
        ({"measure": "CP_conf_15days", "unit": "rate", "target": "90"}, "unit", "as a percent"),
        ({"measure": "CP_conf_15days", "baseline_period": "2009"}, "baseline_period", "2019"),
    ],
)
def test_a_measure_the_data_dictionary_is_needed_for_stops_the_build_where_it_is_named(
    kent_folder: Path, cells: dict[str, str], column: str, says: str
) -> None:
    # Only LAIT's data dictionary knows every measure code, so these are found as the report
    # works the measures out (check and the build), not as the records are read.
    _set_row(kent_folder / "data/local/kent-2022", 2, **cells)
    with pytest.raises(DataError) as caught:
        priorities.disagreements(_context(kent_folder))
    message = str(caught.value)
    assert message.startswith(f"{MEASURES}, line 2, column {column!r}: "), message
    assert says in message


def test_any_measure_of_the_benchmarking_data_set_is_read_by_its_code_from_its_cells() -> None:
    import pyarrow.parquet as pq

    ctx = _context(ROOT)
    measured = [
        m for ms in priorities.judgements(ctx).values() for m in ms
        if m.record.data.measure == "LAC_Pers_Abs"
    ]  # fmt: skip
    assert measured, "kent-2022 measures a priority with a code beyond core/wider.yaml"
    m = measured[0]
    bds = ROOT / "data/published/dfe-lait-bds/bds_long_0.parquet"
    table = pq.read_table(bds, columns=["Short Desc", "Years", "Values", "LA Number"])
    for figure, years in ((m.baseline, "2021"), (m.latest, "2022")):
        row = table.slice(int(figure["source_line"]), 1).to_pylist()[0]
        assert row == {"Short Desc": "LAC_Pers_Abs", "Years": years, "Values": row["Values"],
                       "LA Number": 886.0}  # fmt: skip
        assert float(row["Values"]) == figure["value"]
    assert m.direction == "lower"  # LAIT's polarity
    assert "persistent absentees" in m.label


def test_a_baseline_period_no_file_holds_stops_with_the_periods_held(kent_folder: Path) -> None:
    _set_row(kent_folder / "data/local/kent-2022", 2, baseline_period="2009")
    with pytest.raises(DataError) as caught:
        priorities.disagreements(_context(kent_folder))
    message = str(caught.value)
    assert message.startswith(f"{MEASURES}, line 2, column 'baseline_period': ")
    assert "'2009'" in message and "2013 to" in message


@pytest.mark.parametrize("report", ["kent-2022", "kent-2026", "llr-2024"])
def test_every_shipped_priority_is_measured_and_judged_by_the_rule(report: str) -> None:
    ctx = _context(ROOT, report)
    judged = priorities.judgements(ctx)
    assert judged and all(judged.values()), "every priority has at least one measure"
    for measures in judged.values():
        for m in measures:
            assert m.judgement in progress.JUDGEMENTS
            if m.judgement in progress.COMPARED:
                assert m.judgement == progress.judge(
                    float(m.baseline["value"]),
                    float(m.latest["value"]),
                    m.direction,
                    target=m.record.data.target,
                )
    # A status the figures contradict is shipped only with the partnership's reason.
    assert all(d.explained for d in priorities.disagreements(ctx))
    # The chart names each bar apart: a partnership's published measure has a bar for the whole
    # area and one for each authority, each with the area's name kept whole.
    chart = priorities.progress_chart(ctx)
    assert isinstance(chart, charts.Chart)
    for m in (m for ms in judged.values() for m in ms if m.area):
        assert f", {m.area}: " in chart.alt


def test_a_status_the_figures_contradict_is_warned_of_and_refused_in_strict_mode(
    kent_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # P4 is declared achieved; its measures made to show no progress.
    folder = kent_folder / "data/local/kent-2022"
    _set_row(folder, 12, latest="88", target="")
    _set_row(folder, 12, unit="percent")
    _set_row(folder, 15, direction="higher")  # LAC_Pers_Abs fell: now the wrong way
    args = ["check", str(kent_folder / "params/kent-2022.yaml"), "--root", str(kent_folder)]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "priority P4" in x)
    assert line.startswith(inputs.WARNING)
    assert "declared 'achieved'" in line and "cin_persistent_absence" in line
    assert "local-s175-returns: little or no change" in line
    assert cli.main([*args, "--strict"]) == 1
    capsys.readouterr()
    narrative = folder / "priorities/P4.md"
    narrative.write_text(
        narrative.read_text().replace(
            "priority: P4\n",
            "priority: P4\nmeasures_differ_because: The audit returns came after the year.\n",
        )
    )
    assert cli.main([*args, "--strict"]) == 0
    assert "its narrative says why" in capsys.readouterr().out


def test_a_local_measure_must_say_what_it_is_and_its_figures_are_left_to_fill() -> None:
    """Its label, direction and unit are needed at once; its figures may wait for the year's
    end (check lists them as to fill in, and a --strict build refuses them)."""
    with pytest.raises(ValueError, match="names its label, direction, unit"):
        PriorityMeasure.model_validate(
            {"priority": "P1", "measure": "local-reaudit", "baseline_period": "2021-22"}
        )
    named = PriorityMeasure.model_validate(
        {"priority": "P1", "measure": "local-reaudit", "baseline_period": "2021-22",
         "label": "Re-audit (%)", "direction": "higher", "unit": "percent", "baseline": "40"}
    )  # fmt: skip
    assert named.left_to_fill() == ["latest_period", "latest", "source"]


def test_the_little_progress_list_says_which_priorities_were_declared_so() -> None:
    """Kent 2021-22: every priority moved by its measures, while P5 was declared little or no
    progress; the list says both, so its P5 narrative that follows reads as no contradiction."""
    ctx = _context(ROOT)
    assert {p for p, ms in priorities.judgements(ctx).items()
            if not progress.shows_progress(m.judgement for m in ms)} == set()  # fmt: skip
    said = priorities.little_progress(ctx).plain
    assert "Every priority has at least one measure that moved as intended." in said
    assert "The partnership itself declared little or no progress on P5" in said


@pytest.mark.parametrize("report", ["kent-2022", "llr-2024"])
def test_the_charts_title_counts_the_measures_judged_each_way(report: str) -> None:
    """A bar can lean the right way within the band that counts as similar: the title says
    how many measures each judgement took, and they add up to the bars drawn."""
    ctx = _context(ROOT, report)
    said = [m.judgement for ms in priorities.judgements(ctx).values() for m in ms]
    chart = priorities.progress_chart(ctx)
    assert isinstance(chart, charts.Chart)
    assert chart.title.startswith(f"Of the {len(said)} measures of the priorities, ")
    counted = dict(
        (words.removesuffix(" and").strip(), int(n))
        for n, words in re.findall(r"(\d+) ([a-z ]+?)(?:,| and |$)", chart.title.split(", ", 1)[1])
    )
    assert sum(counted.values()) == len(said)
    assert counted.get("moved as intended", 0) == said.count(progress.MOVED)
    assert counted.get("moved the wrong way", 0) == said.count(progress.AGAINST)
