"""Charts as readers see them: headline title, subtitle, alt text, the data as a table, a source.

Colour is never the only cue: each series also has its own marker and line style, and is
labelled at its end. Figures are embedded as PNG data URIs, so the report stays one file.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from safeguarding_report import provenance, tables
from safeguarding_report.indicators import INDICATORS

PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
LINESTYLES: tuple[str, ...] = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))  # type: ignore[assignment]

UNIT_WORDS: dict[str, str] = {
    "count": "number of children",
    "rate": "rate per 10,000 children aged 0 to 17",
    "percent": "percentage",
    "ratio": "average number",
}


@dataclass
class Chart:
    """A rendered chart with its words and its data table."""

    title: str
    subtitle: str
    alt: str
    png: bytes
    table: tables.Table

    def to_html(self) -> str:
        """A <figure> holding the image, its caption and the data table."""
        esc = html.escape
        data = base64.b64encode(self.png).decode("ascii")
        return (
            f'<figure class="chart"><figcaption><span class="chart-title">{esc(self.title)}'
            f'</span><span class="chart-subtitle">{esc(self.subtitle)}</span></figcaption>'
            f'<img src="data:image/png;base64,{data}" alt="{esc(self.alt)}">'
            f"</figure>{self.table.to_html()}"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return provenance.bundle(
            {"text/html": self.to_html(), "text/plain": f"{self.title}\n{self.alt}"},
            self.table.records,
        )


def trend(tidy: pd.DataFrame, *, title: str, source: str) -> Chart:
    """A line chart of one indicator over the periods in ``tidy``, one line per area."""
    indicator = INDICATORS[_one(tidy, "indicator")]
    periods = list(dict.fromkeys(tidy["period"].astype(str)))
    subtitle = f"{indicator.label}, years ending 31 March {periods[0]} to {periods[-1]}"
    # Figure without pyplot: no global state, no display backend, nothing left open.
    fig = Figure(figsize=(8, 4.2), dpi=150)
    ax = fig.subplots()
    summaries = []
    for i, (area, rows) in enumerate(tidy.groupby("area_name", sort=False)):
        ax.plot(
            rows["period"].astype(str),
            rows["value"].astype(float),
            color=PALETTE[i % len(PALETTE)],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=2,
            label=str(area),
        )
        summaries.append(_describe(str(area), rows))
    _style(ax, indicator.unit)
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    alt = f"Line chart. {subtitle}. " + " ".join(summaries)
    table = _data_table(tidy, indicator.label, source)
    return Chart(title, subtitle, alt, _png(fig), table)


def compare(tidy: pd.DataFrame, *, title: str, source: str) -> Chart:
    """A bar chart comparing one indicator across areas in one period."""
    indicator = INDICATORS[_one(tidy, "indicator")]
    period = _one(tidy, "period")
    subtitle = f"{indicator.label}, year ending 31 March {period}"
    names = [str(n) for n in tidy["area_name"]]
    values = [0.0 if pd.isna(v) else float(v) for v in tidy["value"]]
    fig = Figure(figsize=(8, 0.6 + 0.55 * len(names)), dpi=150)
    ax = fig.subplots()
    bars = ax.barh(names[::-1], values[::-1], color=PALETTE[0])
    labels = [tables.shown_for(row) for _, row in tidy.iterrows()][::-1]
    ax.bar_label(bars, labels=labels, padding=4, fontsize=10, color="#0b0c0c")
    _style(ax, indicator.unit, axis="x")
    ax.margins(x=0.15)
    alt = f"Bar chart. {subtitle}. " + "; ".join(
        f"{name}: {label}" for name, label in zip(names, labels[::-1], strict=True)
    )
    table = _data_table(tidy, indicator.label, source)
    return Chart(title, subtitle, alt + ".", _png(fig), table)


def _data_table(tidy: pd.DataFrame, label: str, source: str) -> tables.Table:
    """The chart's figures as a table: one row per area, one column per period."""
    return tables.pivot(
        tidy,
        rows="area_name",
        columns="period",
        caption=f"Data for the chart: {label[0].lower()}{label[1:]}",
        corner="Area",
        source=source,
    )


def _describe(area: str, rows: pd.DataFrame) -> str:
    known = [(str(r["period"]), tables.shown_for(r)) for _, r in rows.iterrows() if not r["status"]]
    if not known:
        return f"{area}: no figures published."
    if len(known) == 1:
        return f"{area}: {known[0][1]} in {known[0][0]}."
    (p0, v0), (p1, v1) = known[0], known[-1]
    return f"{area}: {v0} in {p0} and {v1} in {p1}."


def _style(ax: Any, unit: str, axis: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=axis, color="#d9d9d9", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=10, colors="#0b0c0c")
    getattr(ax, f"set_{axis}label")(UNIT_WORDS[unit].capitalize(), fontsize=10)
    fmt = StrMethodFormatter("{x:,.0f}")
    getattr(ax, f"{axis}axis").set_major_formatter(fmt)
    if axis == "y":
        ax.set_ylim(bottom=0)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # No 'Software' text chunk: the same data gives the same bytes on every machine.
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def _one(tidy: pd.DataFrame, column: str) -> str:
    values = list(dict.fromkeys(tidy[column].astype(str)))
    if len(values) != 1:
        raise ValueError(f"expected one {column} in the chart's data, found {values}")
    return values[0]
