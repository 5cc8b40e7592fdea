"""Charts: Analysis Function style, no empty charts, no legend entry for an empty series."""

from __future__ import annotations

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
    assert "England: no figures available." in chart.alt
    html = chart.to_html()
    assert (
        f'href="charts/{chart.slug}.csv"' in html
        and chart.slug == "trend-cin-rate-e10000016-2021-2022"
    )
    bundle = chart._repr_mimebundle_()
    assert bundle[provenance.CHART_MIME_TYPE]["slug"] == chart.slug
    assert [r["shown"] for r in bundle[provenance.CHART_MIME_TYPE]["rows"]] == [
        "340",
        "354.8",
        "[x]",
        "[x]",
    ]
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
