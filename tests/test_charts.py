"""Charts: Analysis Function style, no empty charts, no legend entry for an empty series; ticks
that read their values, period labels that stand apart, every period of the table on the axis.

tests/test_chart_axes.py measures every chart of the shipped reports the same way."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from safeguarding_report.core import provenance
from safeguarding_report.data.schema import TIDY_COLUMNS
from safeguarding_report.report import charts, text

NAMES = {"E10000016": "Kent", "E12000008": "South East", "E92000001": "England"}


def _tidy(rows: list[tuple[str, str, float, str]], indicator: str = "cin_rate") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "indicator": indicator,
                "area_code": code,
                "area_name": NAMES[code],
                "area_level": "Local authority",
                "period": period,
                "value": value,
                "status": status,
                "source_file": "data/published/x.csv",
                "source_column": "rate",
                "derivation": "",
            }
            for code, period, value, status in rows
        ],
        columns=list(TIDY_COLUMNS),
    )


def test_a_chart_with_no_values_is_not_drawn_and_says_why() -> None:
    tidy = _tidy(
        [
            (code, str(year), math.nan, "not collected")
            for code in ("E10000016", "E92000001")
            for year in (2011, 2012)
        ]
    )
    shown = charts.trend(tidy, title="T", source="S")
    assert isinstance(shown, text.Text)
    assert "No chart is shown for years ending 31 March 2011 to 2012" in shown.plain
    # One paragraph, the reason after the sentence that says no chart is shown.
    assert shown.html.startswith("<p>No chart is shown for years ending 31 March 2011 to 2012. ")
    assert shown.html.count("<p>") == 1
    assert "published series does not go back to that year" in shown.plain
    assert "<img" not in shown.html


def test_trend_chart_has_alt_text_table_csv_link_and_chart_data() -> None:
    tidy = _tidy(
        [
            ("E10000016", "2021", 340.0, ""),
            ("E10000016", "2022", 354.8, ""),
            ("E92000001", "2021", math.nan, "x"),
            ("E92000001", "2022", math.nan, "x"),
        ]
    )
    chart = charts.trend(tidy, title="Children in need rose", source="DfE")
    assert isinstance(chart, charts.Chart)
    assert chart.alt.startswith("Line chart. Children in need at 31 March, rate per 10,000")
    assert "England: not drawn, as each of its figures was marked as not available" in chart.alt
    html = chart.to_html()
    assert (
        f'href="charts/{chart.slug}.csv"' in html
        and chart.slug == "trend-cin-rate-e10000016-2021-2022"
    )
    bundle = chart._repr_mimebundle_()
    assert bundle[provenance.CHART_MIME_TYPE]["slug"] == chart.slug
    # The chart's CSV holds what its table shows, England's missing figures as [x].
    shown = [r["shown"] for r in bundle[provenance.CHART_MIME_TYPE]["rows"]]
    assert shown == [cell for row in chart.table.rows for cell in row[1:]]
    assert shown[2:] == ["[x]", "[x]"]
    assert chart.png.startswith(b"\x89PNG")


def test_series_with_no_values_has_no_legend_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    labels: list[str] = []
    real = charts.Figure.legend

    def legend(self: charts.Figure, *args: object, **kwargs: object) -> object:
        labels.extend(self.axes[0].get_legend_handles_labels()[1])
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(charts.Figure, "legend", legend)
    tidy = _tidy(
        [
            ("E10000016", "2021", 1.0, ""),
            ("E10000016", "2022", 2.0, ""),
            ("E92000001", "2021", math.nan, "x"),
            ("E92000001", "2022", math.nan, "x"),
        ]
    )
    charts.trend(tidy, title="T", source="S")
    assert labels == ["Kent"]


def test_charts_use_the_analysis_function_palette_in_order() -> None:
    assert charts.PALETTE == ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")


def test_a_wider_picture_rate_is_titled_on_its_axis_by_its_own_base() -> None:
    from safeguarding_report.core import indicators

    rates = [m for p in indicators.WIDER for m in p.measures if m.unit == "rate"]
    assert {m.id: m.axis for m in rates} == {
        m.id: m.label[m.label.rindex("rate per ") :] for m in rates
    }
    assert indicators.get("infant_mortality").axis == "rate per 1,000 live births"
    assert indicators.get("cin_rate").axis == ""  # the usual words: per 10,000 children


@pytest.mark.parametrize(
    ("step", "places"), [(5.0, 0), (2.5, 1), (0.25, 2), (0.30000000000000004, 1), (1000.0, 0)]
)
def test_a_tick_step_gives_the_decimal_places_its_ticks_need(step: float, places: int) -> None:
    assert charts.decimals_of(step) == places


def test_tick_labels_read_the_values_at_their_ticks() -> None:
    """Child poverty's axis was labelled 0, 2, 5, 8, 10, 12 at ticks 2.5 apart."""
    formatter = charts.StepFormatter()
    formatter.set_locs([0.0, 2.5, 5.0, 7.5, 10.0, 12.5])
    assert [formatter(x) for x in (0.0, 2.5, 12.5)] == ["0.0", "2.5", "12.5"]
    formatter.set_locs([0.0, 500.0, 1000.0, 1500.0])
    assert [formatter(x) for x in (0.0, 1500.0)] == ["0", "1,500"]
    formatter.set_locs([-0.5, 0.0, 0.5])
    assert formatter(-1e-17) == "0.0"  # never "-0.0"


@pytest.mark.parametrize(
    ("period", "wrapped"),
    [
        ("2015/16-17/18", "2015/16-\n17/18"),
        ("2017-18 (OT)", "2017-18\n(OT)"),
        ("2022", "2022"),
    ],
)
def test_a_long_period_label_wraps_at_a_hyphen_or_space(period: str, wrapped: str) -> None:
    assert charts.wrap(period) == wrapped
    assert charts.unwrap(charts.wrap(period)) == period


def _visible_tick_texts(axis: object) -> list[str]:
    return [label.get_text() for label in charts.shown_tick_labels(axis)]  # type: ignore[arg-type]


def test_pooled_periods_are_wrapped_until_no_two_labels_overlap() -> None:
    periods = ["2015/16-17/18", "2016/17-18/19", "2017/18-19/20", "2018/19-20/21", "2019/20-21/22"]
    tidy = _tidy(
        [(code, p, 30.0 + i, "") for i, p in enumerate(periods) for code in NAMES],
    )
    # A fourth series with a long name: the legend takes the width Kent 2022's chart lost.
    neighbours = tidy[tidy["area_code"] == "E10000016"].assign(
        area_code="SN", area_name="Statistical neighbours (mean)"
    )
    tidy = pd.concat([tidy, neighbours], ignore_index=True)
    chart = charts.trend(tidy, title="T", source="S", when="pooled years")
    assert isinstance(chart, charts.Chart) and chart.figure is not None
    chart.figure.draw_without_rendering()
    (ax,) = chart.figure.axes
    labels = charts.shown_tick_labels(ax.xaxis)
    assert labels[0].get_text() == "2015/16-\n17/18"
    assert [charts.unwrap(t.get_text()) for t in labels] == periods == chart.table.header[1:]
    boxes = [t.get_window_extent() for t in labels]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_a_measure_of_one_period_is_drawn_as_bars() -> None:
    tidy = _tidy(
        [("E10000016", "2022", 15.1, ""), ("E12000008", "2022", 12.2, "")],
    )
    chart = charts.trend(tidy, title="T", source="S", when="2022 (financial years)")
    assert isinstance(chart, charts.Chart) and chart.figure is not None
    assert chart.alt.startswith("Bar chart. Children in need at 31 March")
    assert chart.subtitle.endswith(", 2022 (financial years)")
    (ax,) = chart.figure.axes
    assert not ax.get_lines() and len(ax.patches) == 2


def test_every_period_of_the_table_stays_on_the_axis_marked_when_it_has_no_figure() -> None:
    """LLR 2024: the axis stopped at 2022, its subtitle and table ran to 2024."""
    tidy = _tidy(
        [("E10000016", str(y), 50.0 + y % 10, "") for y in (2020, 2021, 2022)]
        + [("E10000016", str(y), math.nan, "not held") for y in (2023, 2024)]
        + [("E92000001", str(y), math.nan, "not yet published") for y in (2023, 2024)]
        + [("E92000001", str(y), 55.0, "") for y in (2020, 2021, 2022)],
    )
    chart = charts.trend(tidy, title="T", source="S")
    assert isinstance(chart, charts.Chart) and chart.figure is not None
    chart.figure.draw_without_rendering()
    (ax,) = chart.figure.axes
    assert _visible_tick_texts(ax.xaxis) == ["2020", "2021", "2022", "2023", "2024"]
    assert [t.get_text() for t in ax.texts] == [charts.NOT_AVAILABLE] * 2
    assert "years ending 31 March 2020 to 2024" in chart.subtitle
    assert chart.alt.endswith("Not available: 2023 and 2024.")


def test_a_series_with_no_two_neighbouring_values_is_drawn_as_points() -> None:
    tidy = _tidy(
        [
            ("E10000016", "2021", 1.0, ""),
            ("E10000016", "2022", math.nan, "x"),
            ("E10000016", "2023", 3.0, ""),
        ]
    )
    chart = charts.trend(tidy, title="T", source="S")
    assert isinstance(chart, charts.Chart) and chart.figure is not None
    assert chart.alt.startswith("Chart of points.")
    ((line,),) = [ax.get_lines() for ax in chart.figure.axes]
    assert line.get_linestyle() == "None"
