"""Charts as readers see them, in the Government Analysis Function's own style (``afcharts``).

Every chart has a title that states the finding, a subtitle saying what is measured, the
Analysis Function palette in order, a marker and line style per series (colour is never the
only cue), alt text, the data as a table beside it, a source line, and a CSV of its data
that the build writes to ``outputs/<id>/charts/<slug>.csv`` and links under the chart.

A chart with no published value at all is not drawn: a sentence says which figures are not
available and why. A series with no values gets no line and no legend entry. A trend's year
not yet published stays on the axis, marked so, with no point.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.style
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from safeguarding_report.core import indicators, provenance
from safeguarding_report.data.schema import NOT_YET_PUBLISHED
from safeguarding_report.report import fragments, tables, text

AF_STYLE = "afcharts.afcharts"
PALETTE: tuple[str, ...] = tuple(get_af_colours("categorical", number_of_colours=6))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
LINESTYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))

UNIT_WORDS: dict[str, str] = {
    "count": "number",
    "rate": "rate per 10,000 children aged 0 to 17",
    "percent": "percentage",
    "ratio": "average number",
    "pounds": "pounds",
}


@dataclass
class Chart:
    """A rendered chart with its words, its data table and its CSV."""

    slug: str  # names charts/<slug>.csv; the same data always gives the same slug
    title: str
    subtitle: str
    alt: str
    png: bytes
    table: tables.Table

    def to_html(self) -> str:
        """A <figure> holding the image, its caption, the data table and the CSV link."""
        return fragments.render(
            "charts",
            "chart",
            title=self.title,
            subtitle=self.subtitle,
            png_base64=base64.b64encode(self.png).decode("ascii"),
            alt=self.alt,
            table=fragments.safe(self.table.to_html()),
            slug=self.slug,
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = provenance.bundle(
            {"text/html": self.to_html(), "text/plain": f"{self.title}\n{self.alt}"},
            self.table.records,
        )
        bundle[provenance.CHART_MIME_TYPE] = {"slug": self.slug, "rows": self.table.records}
        return bundle


def trend(tidy: pd.DataFrame, *, title: str, source: str, when: str = "") -> Chart | text.Text:
    """A line chart of one indicator over the periods in ``tidy``, one line per area.

    ``when`` says what the periods are, where they are not years ending 31 March (the
    Benchmarking Data Set's calendar, academic and pooled years).
    """
    indicator = indicators.get(_one(tidy, "indicator"))
    tidy = tables.protect_frame(tidy)  # a bar or point must not show a withheld count
    if all(text.missing(row) for _, row in tidy.iterrows()):
        return _nothing_to_draw(tidy)
    periods = list(dict.fromkeys(tidy["period"].astype(str)))
    subtitle = f"{indicator.label}, {when or _years(periods)}"
    with matplotlib.style.context(AF_STYLE):
        # Figure without pyplot: no global state, no display backend, nothing left open.
        fig = Figure(figsize=(8, 4.2), dpi=150, layout="constrained")
        ax = fig.subplots()
        summaries = []
        for i, (area, rows) in enumerate(tidy.groupby("area_name", sort=False)):
            summaries.append(_describe(str(area), rows))
            if all(text.missing(row) for _, row in rows.iterrows()):
                continue  # no line, no legend entry: the table and alt text say why
            ax.plot(
                rows["period"].astype(str),
                rows["value"].astype(float),
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                linewidth=2,
                label=str(area),
            )
        _style(ax, indicator)
        unpublished = _unpublished(tidy, periods)
        if unpublished:
            _mark_unpublished(ax, periods, unpublished)
        fig.legend(frameon=False, loc="outside right upper", fontsize=10)
        png = _png(fig)
    alt = f"Line chart. {subtitle}. " + " ".join(summaries)
    if unpublished:
        alt += f" Not yet published: {tables.and_(unpublished)}."
    table = _data_table(tidy, indicator.label, source)
    return Chart(_slug("trend", tidy), title, subtitle, alt, png, table)


def compare(
    tidy: pd.DataFrame, *, title: str, source: str, categories: str = "Area"
) -> Chart | text.Text:
    """A bar chart comparing one indicator across areas (or other ``categories``) in a period."""
    indicator = indicators.get(_one(tidy, "indicator"))
    tidy = tables.protect_frame(tidy)  # a bar or point must not show a withheld count
    if all(text.missing(row) for _, row in tidy.iterrows()):
        return _nothing_to_draw(tidy)
    period = _one(tidy, "period")
    subtitle = f"{indicator.label}, {_years([period])}"
    names = [str(n) for n in tidy["area_name"]]
    values = [0.0 if pd.isna(v) else float(v) for v in tidy["value"]]
    labels = [tables.shown_for(row) for _, row in tidy.iterrows()]
    with matplotlib.style.context(AF_STYLE):
        fig = Figure(figsize=(8, 0.6 + 0.55 * len(names)), dpi=150, layout="constrained")
        ax = fig.subplots()
        bars = ax.barh(names[::-1], values[::-1], color=PALETTE[0])
        ax.bar_label(bars, labels=labels[::-1], padding=4, fontsize=10, color="#0b0c0c")
        _style(ax, indicator, axis="x")
        ax.margins(x=0.15)
        png = _png(fig)
    alt = f"Bar chart. {subtitle}. " + "; ".join(
        f"{name}: {label}" for name, label in zip(names, labels, strict=True)
    )
    table = _data_table(tidy, indicator.label, source, corner=categories)
    return Chart(_slug("compare", tidy), title, subtitle, alt + ".", png, table)


def _unpublished(tidy: pd.DataFrame, periods: Sequence[str]) -> list[str]:
    """The periods with no figure for any area because none is published yet."""
    return [
        period
        for period in periods
        if tidy.loc[tidy["period"].astype(str) == period, "status"].eq(NOT_YET_PUBLISHED).all()
    ]


def _mark_unpublished(ax: Any, periods: Sequence[str], unpublished: Sequence[str]) -> None:
    """Keep a year not yet published on the axis, with no point, and say so at its tick.

    Matplotlib would otherwise end the axis at the last year with a point, and the chart
    would not match its subtitle and table, which run to the report's year.
    """
    left, right = ax.get_xlim()
    drawn = max(i for i, p in enumerate(periods) if p not in unpublished)
    ax.set_xlim(left, len(periods) - 1 + (right - drawn))
    for period in unpublished:
        ax.annotate(
            "Not yet\npublished",
            (periods.index(period), 0),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=9,
            color=PALETTE[4],
        )


def _nothing_to_draw(tidy: pd.DataFrame) -> text.Text:
    """No chart: say which figures are not available and why, once per reason and area."""
    first: dict[tuple[str, str], pd.Series] = {}
    for _, row in tidy.iterrows():
        first.setdefault((row["area_name"], row["status"]), row)
    periods = list(dict.fromkeys(tidy["period"].astype(str)))
    lead = f"No chart is shown for {_years(periods)}." if len(periods) > 1 else ""
    return text.not_available(list(first.values()), lead=lead)


def _years(periods: Sequence[str]) -> str:
    if not all(p.isdigit() for p in periods):
        return " to ".join(dict.fromkeys([periods[0], periods[-1]]))
    if len(periods) == 1:
        return f"year ending 31 March {periods[0]}"
    return f"years ending 31 March {periods[0]} to {periods[-1]}"


def _slug(kind: str, tidy: pd.DataFrame) -> str:
    """A file name that identifies the chart's data: kind, indicator, first area, periods."""
    periods = list(dict.fromkeys(tidy["period"].astype(str)))
    parts = [kind, _one(tidy, "indicator"), str(tidy["area_code"].iloc[0]), periods[0]]
    if len(periods) > 1:
        parts.append(periods[-1])
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def _data_table(tidy: pd.DataFrame, label: str, source: str, corner: str = "Area") -> tables.Table:
    """The chart's figures as a table: one row per area, one column per period."""
    return tables.pivot(
        tidy,
        rows="area_name",
        columns="period",
        caption=f"Data for the chart: {label[0].lower()}{label[1:]}",
        corner=corner,
        source=source,
    )


def _describe(area: str, rows: pd.DataFrame) -> str:
    known = [(str(r["period"]), tables.shown_for(r)) for _, r in rows.iterrows() if not r["status"]]
    if not known:
        return f"{area}: no figures available."
    if len(known) == 1:
        return f"{area}: {known[0][1]} in {known[0][0]}."
    (p0, v0), (p1, v1) = known[0], known[-1]
    return f"{area}: {v0} in {p0} and {v1} in {p1}."


def _style(ax: Any, indicator: indicators.Indicator, axis: str = "y") -> None:
    ax.tick_params(labelsize=10)
    ax.grid(axis=axis)
    ax.grid(axis="y" if axis == "x" else "x", visible=False)
    words = indicator.axis or UNIT_WORDS[indicator.unit]
    getattr(ax, f"set_{axis}label")(words[0].upper() + words[1:], fontsize=10)
    fmt = StrMethodFormatter("{x:,.0f}")
    getattr(ax, f"{axis}axis").set_major_formatter(fmt)
    if axis == "y":
        ax.set_ylim(bottom=0)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # No 'Software' text chunk: the same data gives the same bytes on every machine. The
    # constrained layout fits labels and legend in one drawing ("tight" would draw twice).
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _one(tidy: pd.DataFrame, column: str) -> str:
    values = list(dict.fromkeys(tidy[column].astype(str)))
    if len(values) != 1:
        raise ValueError(f"expected one {column} in the chart's data, found {values}")
    return values[0]
