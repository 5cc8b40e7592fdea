"""Every chart of the shipped reports, and of a report `new` starts, read as a reader reads it.

Each report's section notebooks are run in this process, cell by cell, as papermill would run
them (the parameters cell, then the values the build injects), and every chart the sections
draw is kept with its matplotlib figure, which the tests measure with the renderer that drew
it: no two tick labels overlap, each value tick reads the value at its place, a measure of one
period is not a line, and title, subtitle, axis and data table name the same periods.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from matplotlib.axis import Axis
from matplotlib.lines import Line2D
from matplotlib.text import Text

from safeguarding_report.core import params
from safeguarding_report.data import Published
from safeguarding_report.report import charts, sections
from safeguarding_report.report.sections import performance, priorities
from safeguarding_report.workflows import scaffold

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("kent-2022", "kent-2026", "llr-2024")
NEW = ("E08000003", 2024)  # a report `safeguarding-report new` starts (Manchester)
YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,])")


def _run_notebooks(params_file: Path, data_dir: Path) -> list[charts.Chart]:
    """Every chart the report's section notebooks draw, in the order they draw them."""
    drawn: list[charts.Chart] = []

    def kept(make: Callable[..., Any]) -> Callable[..., Any]:
        def draw(*args: Any, **kwargs: Any) -> Any:
            shown = make(*args, **kwargs)
            if isinstance(shown, charts.Chart):
                drawn.append(shown)
            return shown

        return draw

    p = params.load(params_file)
    with pytest.MonkeyPatch.context() as patch:
        # A chart drawn inside another (a one-period trend is drawn as bars) is kept once.
        patch.setattr(charts, "trend", kept(charts.trend))
        patch.setattr(charts, "compare", kept(charts.compare))
        patch.setattr(charts, "named_bars", kept(charts.named_bars))
        patch.setattr(charts, "stages", kept(charts.stages))
        patch.setattr(performance, "display", lambda *shown: None)
        for name, value in p.section_environment().items():
            patch.setenv(name, value)
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            namespace: dict[str, Any] = {}
            for cell in nbformat.read(path, as_version=4).cells:
                if cell.cell_type != "code":
                    continue
                exec(cell.source, namespace)  # the project's own notebooks
                if "parameters" in cell.metadata.get("tags", []):
                    namespace.update(p.notebook_parameters(data_dir))
                    namespace["framework"] = p.framework
    # Each figure is measured where the drawing saved as its PNG left every label.
    return list({id(chart): chart for chart in drawn}.values())


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[charts.Chart]]:
    """The charts of each shipped report and of a new one, by report id."""
    found = {
        report: _run_notebooks(ROOT / "params" / f"{report}.yaml", ROOT / "data")
        for report in SHIPPED
    }
    base = tmp_path_factory.mktemp("new")
    (base / "data").mkdir()
    (base / "data" / "published").symlink_to(ROOT / "data" / "published")
    made = scaffold.new(NEW[0], NEW[1], root=base)
    found[f"new {made.report_id}"] = _run_notebooks(made.params, base / "data")
    return found


def _every(drawn: dict[str, list[charts.Chart]]) -> Iterator[tuple[str, charts.Chart]]:
    for report, made in drawn.items():
        assert made, f"{report}: no chart drawn"
        for chart in made:
            yield f"{report}: {chart.slug}", chart


def _drawn_labels(axis: Axis) -> list[tuple[float, Text]]:
    """The tick labels matplotlib draws on ``axis``: within its limits, with text."""
    axis.get_majorticklabels()
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [
        (float(tick.get_loc()), tick.label1)
        for tick in axis.get_major_ticks()
        if low - slack <= tick.get_loc() <= high + slack
        and tick.label1.get_visible()
        and tick.label1.get_text()
    ]


def _axes(chart: charts.Chart) -> list[Any]:
    assert chart.figure is not None
    return list(chart.figure.axes)


def _periods(chart: charts.Chart) -> list[str]:
    """The periods the chart's data table has a column for."""
    return chart.table.header[1:]


def test_every_report_draws_its_charts(drawn: dict[str, list[charts.Chart]]) -> None:
    # Ten trends, the wider picture's and three comparisons at least, in each report.
    assert {report: len(made) >= 20 for report, made in drawn.items()} == dict.fromkeys(drawn, True)


def test_no_two_tick_labels_overlap(drawn: dict[str, list[charts.Chart]]) -> None:
    crowded = []
    for name, chart in _every(drawn):
        for ax in _axes(chart):
            for axis in (ax.xaxis, ax.yaxis):
                boxes = [label.get_window_extent() for _, label in _drawn_labels(axis)]
                crowded += [
                    f"{name} {axis.axis_name}"
                    for a, b in itertools.combinations(boxes, 2)
                    if a.overlaps(b)
                ]
    assert not crowded


def test_every_value_tick_reads_the_value_at_its_place(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    wrong = []
    for name, chart in _every(drawn):
        (ax,) = _axes(chart)
        axis = ax.yaxis if chart.slug.startswith("trend") else ax.xaxis
        ticks = _drawn_labels(axis)
        assert len(ticks) >= 2, name
        for at, label in ticks:
            read = float(label.get_text().replace(",", ""))
            if not math.isclose(read, at, rel_tol=1e-9, abs_tol=1e-9):
                wrong.append(f"{name}: tick at {at} labelled {label.get_text()}")
        # One step, one number of decimal places, for every label of the axis.
        places = {len(label.get_text().partition(".")[2]) for _, label in ticks}
        assert len(places) == 1, name
    assert not wrong


def _joined(line: Line2D) -> bool:
    """Whether the line draws a segment: a line style, and two neighbouring values."""
    ys = [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]
    styled = line.get_linestyle() not in ("None", "none", "", " ")
    return styled and any(not (math.isnan(a) or math.isnan(b)) for a, b in itertools.pairwise(ys))


def test_a_measure_of_one_period_is_not_drawn_as_a_line(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    lonely = []
    for name, chart in _every(drawn):
        (ax,) = _axes(chart)
        for line in ax.get_lines():
            points = [y for y in line.get_ydata() if not math.isnan(float(y))]  # type: ignore[union-attr]
            # A line's style and legend key promise a trend: a series with no two neighbouring
            # values is drawn as points.
            if line.get_linestyle() not in ("None", "none") and not _joined(line):
                lonely.append(f"{name}: {line.get_label()} ({len(points)} points)")
        if chart.slug.startswith("stages"):  # a row of dots per item, joined stage by stage
            assert chart.alt.startswith("Dot chart."), name
            assert all(_joined(line) for line in ax.get_lines()), name
        elif len(_periods(chart)) == 1:
            assert chart.alt.startswith("Bar chart."), name
            assert not ax.get_lines(), name
        elif not any(_joined(line) for line in ax.get_lines()):
            assert chart.alt.startswith("Chart of points."), name
        else:
            assert chart.alt.startswith("Line chart."), name
    assert not lonely
    poverty = [c for c in drawn["kent-2022"] if "child-poverty" in c.slug]
    assert [c.alt.split(".")[0] for c in poverty] == ["Bar chart"]


def test_title_subtitle_axis_and_table_name_the_same_periods(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    for name, chart in _every(drawn):
        periods = _periods(chart)
        (ax,) = _axes(chart)
        if chart.slug.startswith("stages"):  # of one period; the table's columns are stages
            assert all(stage.lower() in chart.subtitle for stage in periods), name
            periods = list(dict.fromkeys(str(r["period"]) for r in chart.table.records))
        if chart.slug.startswith("trend"):
            axis = [charts.unwrap(label.get_text()) for _, label in _drawn_labels(ax.xaxis)]
            assert axis == periods, name
        else:
            assert len(periods) == 1, name  # the bars are of one period, which the table heads
        # The subtitle names the first and last periods; title and subtitle no other year.
        assert periods[0] in chart.subtitle and periods[-1] in chart.subtitle, name
        for words in (chart.title, chart.subtitle):
            for year in YEAR.findall(words):
                assert any(year in period for period in periods), (name, words)


def test_a_period_with_no_figure_stays_on_the_axis_and_says_why(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    """LLR 2024: care leavers' figures for 2023 and 2024 are not in the kit's files."""
    (chart,) = [c for c in drawn["llr-2024"] if c.slug.startswith("trend-care-leavers-eet")]
    (ax,) = _axes(chart)
    assert [label.get_text() for _, label in _drawn_labels(ax.xaxis)][-2:] == ["2023", "2024"]
    said = [t.get_text() for t in ax.texts]
    assert said == [charts.NOT_AVAILABLE] * 2
    assert "years ending 31 March 2020 to 2024" in chart.subtitle
    assert chart.alt.endswith("Not available: 2023 and 2024.")


def test_the_youth_justice_chart_does_not_draw_england(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    """LAIT's England figure for first-time entrants is the sum of the regions' rates: drawn,
    it flattened every other line. It is left out, [x] in the table, its reason said once."""
    for report, made in drawn.items():
        (chart,) = [c for c in made if c.slug.startswith("trend-first-time-entrants")]
        (ax,) = _axes(chart)
        assert "England" not in [line.get_label() for line in ax.get_lines()], report
        legend = [t.get_text() for t in chart.figure.legends[0].get_texts()]  # type: ignore[union-attr]
        assert "England" not in legend and legend, report
        (england,) = [row for row in chart.table.rows if row[0] == "England"]
        assert set(england[1:]) == {"[x]"}, report
        html = chart.to_html()
        assert html.count("the sum of") == 1 and "not comparable" in html, report
        assert "England: not drawn" in chart.alt, report


def test_pooled_period_labels_are_wrapped_not_run_together(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    """Kent 2022's alcohol admissions: five labels such as 2015/16-17/18 ran into each other."""
    (chart,) = [c for c in drawn["kent-2022"] if c.slug.startswith("trend-alcohol-admissions")]
    (ax,) = _axes(chart)
    labels = [label.get_text() for _, label in _drawn_labels(ax.xaxis)]
    assert labels[0] == "2015/16-\n17/18" and all("\n" in label for label in labels)
    assert [charts.unwrap(label) for label in labels] == _periods(chart)


def _written(chart: charts.Chart) -> list[Text]:
    """Every text the chart's figure draws: tick labels, texts written on it, its legend's."""
    assert chart.figure is not None
    found: list[Text] = []
    for ax in _axes(chart):
        found += [label for axis in (ax.xaxis, ax.yaxis) for _, label in _drawn_labels(axis)]
        found += [t for t in ax.texts if t.get_text()]
        found += [ax.xaxis.label, ax.yaxis.label]
    for legend in chart.figure.legends:
        found += legend.get_texts()
    return [t for t in found if t.get_text() and t.get_visible()]


def test_no_text_of_a_chart_runs_off_it_or_over_another(
    drawn: dict[str, list[charts.Chart]],
) -> None:
    cut, crowded = [], []
    for name, chart in _every(drawn):
        assert chart.figure is not None
        page = chart.figure.bbox
        for t in _written(chart):
            box = t.get_window_extent()
            inside = page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1
            if not (inside and page.y0 - 1 <= box.y0 and box.y1 <= page.y1 + 1):
                cut.append(f"{name}: {t.get_text()!r}")
        for ax in _axes(chart):
            boxes = [(t.get_text(), t.get_window_extent()) for t in ax.texts if t.get_text()]
            crowded += [
                f"{name}: {a!r} over {b!r}"
                for (a, ab), (b, bb) in itertools.combinations(boxes, 2)
                if ab.overlaps(bb)
            ]
    assert not cut
    assert not crowded


@pytest.mark.parametrize("report", SHIPPED)
def test_the_priorities_chart_names_every_measure_in_full_under_its_priority(
    drawn: dict[str, list[charts.Chart]], report: str
) -> None:
    """A measure's name was cut at 38 characters, and a partnership's bars read
    'P3: Child..., Leicestershire'; each is now written out whole above its bars, under its
    priority, and a partnership's areas are told apart by a legend."""
    (chart,) = [c for c in drawn[report] if c.slug.startswith("named-priority-measure-movement")]
    p = params.load(ROOT / "params" / f"{report}.yaml")
    ctx = sections.for_report(p, Published(ROOT / "data"))
    measured = priorities.judgements(ctx)
    titles = {r.data.id: r.data.title for r in ctx.records.rows(priorities.Priority)}
    (ax,) = _axes(chart)
    written = [t.get_text().replace("\n", " ") for t in ax.texts]
    expected = []
    for priority, ms in measured.items():
        expected.append(f"{priority}. {titles[priority]}")
        expected += list(dict.fromkeys(m.label for m in ms))
    # In order, in full, each once; nothing else but the bars' values.
    assert [w for w in written if w in expected] == expected
    assert all(w in expected or w[0] in "-[0123456789" for w in written), written
    # One value per measure and area, as in the chart's data table.
    assert len(written) - len(expected) == len(chart.table.rows) == sum(map(len, measured.values()))
    legends = chart.figure.legends  # type: ignore[union-attr]
    if ctx.la.parts:
        (legend,) = legends
        names = [ctx.la.name, *(a.name for a in ctx.la.parts)]
        assert [t.get_text() for t in legend.get_texts()] == names
        # Each bar names no area (the legend does), save one with no colour to show.
        for m in (m for ms in measured.values() for m in ms if m.area):
            assert f"{m.label}, {m.area}: " in chart.alt
    else:
        assert not legends
