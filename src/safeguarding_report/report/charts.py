"""Charts as readers see them, in the Government Analysis Function's own style (``afcharts``).

Every chart has a title that states the finding, a subtitle saying what is measured, the
Analysis Function palette in order, a marker and line style per series (colour is never the
only cue), alt text, the data as a table beside it, a source line, and a CSV of its data
that the build writes to ``outputs/<id>/charts/<slug>.csv`` and links under the chart.

A chart with no published value at all is not drawn: a sentence says which figures are not
available and why. A series with no values gets no line and no legend entry (a comparator the
kit knows is not comparable with the area's has none: ``data/published`` gives it the status
"not comparable", and the data table's note says why). A measure of one period is drawn as
bars, not as a line. Every period of the data table stays on a trend's axis: one with no
figure for any area is marked at its tick ("Not yet published", "Not available"), so the
subtitle, the axis and the table always name the same periods.

Bars whose names are long (a priority's measures) are named in full (``named_bars``): each name
is written out on its own line(s) above its bars, under its group's heading, wrapped to the
chart's width as the renderer measures it; several series (a partnership's areas) are told
apart by colour, hatch and a legend, not in each name.

Axes are read as a reader reads them: value ticks at round steps, each labelled with as many
decimal places as the step needs (a step of 2.5 shows 12.5, not 12); period labels too long to
sit side by side are wrapped at a hyphen or space (then set smaller, then slanted) until no two
overlap, measured with the renderer that draws them.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.style
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator

from safeguarding_report.core import indicators, provenance, shorten
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
    # The drawn figure, for tests that measure it with matplotlib's renderer; not shown.
    figure: Figure | None = field(default=None, repr=False, compare=False)

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
    Benchmarking Data Set's calendar, academic and pooled years). A measure of one period has
    no trend to draw: it is shown as bars, one per area (``compare``).
    """
    indicator = indicators.get(_one(tidy, "indicator"))
    tidy = tables.protect_frame(tidy)  # a bar or point must not show a withheld count
    if all(text.missing(row) for _, row in tidy.iterrows()):
        return _nothing_to_draw(tidy)
    periods = list(dict.fromkeys(tidy["period"].astype(str)))
    if len(periods) == 1:
        return compare(tidy, title=title, source=source, when=when)
    subtitle = f"{indicator.label}, {when or _years(periods)}"
    with matplotlib.style.context(AF_STYLE):
        fig = _figure(4.2)
        ax = fig.subplots()
        summaries = []
        lines = False
        for i, (area, rows) in enumerate(tidy.groupby("area_name", sort=False)):
            summaries.append(_describe(str(area), rows))
            if all(text.missing(row) for _, row in rows.iterrows()):
                continue  # no line, no legend entry: the table and alt text say why
            values = [
                math.nan if text.missing(r) else float(r["value"]) for _, r in rows.iterrows()
            ]
            joined = any(
                not (math.isnan(a) or math.isnan(b)) for a, b in itertools.pairwise(values)
            )
            lines = lines or joined
            ax.plot(
                [periods.index(str(p)) for p in rows["period"]],
                values,
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                # No two neighbouring values: points, and a legend key without a line.
                linestyle=LINESTYLES[i % len(LINESTYLES)] if joined else "none",
                linewidth=2,
                label=str(area),
            )
        _style(ax, indicator)
        # Every period of the table on the axis, drawn or not, in the table's words.
        ax.set_xlim(-0.4, len(periods) - 0.6)
        ax.set_xticks(range(len(periods)), labels=periods)
        empty = _empty_periods(tidy, periods)
        _mark_empty(ax, periods, empty)
        fig.legend(frameon=False, loc="outside right upper", fontsize=10)
        png = _png_apart(fig, {ax.xaxis: _reworded(ax.xaxis, periods), ax.yaxis: _fewer(ax.yaxis)})
    # Without two neighbouring values no segment is drawn: the chart is of points.
    alt = f"{'Line chart' if lines else 'Chart of points'}. {subtitle}. " + " ".join(summaries)
    for words, which in empty.items():
        alt += f" {words.replace(chr(10), ' ')}: {tables.and_(which)}."
    table = _data_table(tidy, indicator.label, source)
    return Chart(_slug("trend", tidy), title, subtitle, alt, png, table, fig)


def compare(
    tidy: pd.DataFrame, *, title: str, source: str, categories: str = "Area", when: str = ""
) -> Chart | text.Text:
    """A bar chart comparing one indicator across areas (or other ``categories``) in a period.

    ``when`` says what the period is, where it is not a year ending 31 March.
    """
    indicator = indicators.get(_one(tidy, "indicator"))
    tidy = tables.protect_frame(tidy)  # a bar or point must not show a withheld count
    if all(text.missing(row) for _, row in tidy.iterrows()):
        return _nothing_to_draw(tidy)
    period = _one(tidy, "period")
    subtitle = f"{indicator.label}, {when or _years([period])}"
    names = [str(n) for n in tidy["area_name"]]
    values = [0.0 if text.missing(row) else float(row["value"]) for _, row in tidy.iterrows()]
    labels = [tables.shown_for(row) for _, row in tidy.iterrows()]
    with matplotlib.style.context(AF_STYLE):
        fig = _figure(0.6 + 0.55 * len(names))
        ax = fig.subplots()
        bars = ax.barh(names[::-1], values[::-1], color=PALETTE[0])
        ax.bar_label(bars, labels=labels[::-1], padding=4, fontsize=10, color="#0b0c0c")
        _style(ax, indicator, axis="x")
        ax.margins(x=0.15)
        png = _png_apart(fig, {ax.xaxis: _fewer(ax.xaxis)})
    alt = f"Bar chart. {subtitle}. " + "; ".join(
        f"{name}: {label}" for name, label in zip(names, labels, strict=True)
    )
    table = _data_table(tidy, indicator.label, source, corner=categories)
    return Chart(_slug("compare", tidy), title, subtitle, alt + ".", png, table, fig)


@dataclass(frozen=True)
class Named:
    """Where a bar of ``named_bars`` is listed and what it is called, in full."""

    group: str  # the heading it is listed under, e.g. "P1. Improve the response to neglect"
    name: str  # what it measures, written out in full on its own line(s) above its bar
    series: str = ""  # which of several series (e.g. areas) it is of: colour, hatch, legend


HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "++")  # with colour, per series
LINE = 12 / 72  # inches: one line of 10-point text, the unit the named bars are laid out in
# In lines: a bar's row; the space after a name's bars, before a group, after its heading.
BAR, GAP, HEADING_GAP, HEADING_AFTER = 1.5, 0.6, 0.8, 0.2
TEXT_SIZE = 10


def named_bars(
    tidy: pd.DataFrame,
    named: Sequence[Named],
    *,
    title: str,
    source: str,
    categories: str = "Area",
    when: str = "",
) -> Chart | text.Text:
    """Bars of one indicator in one period, each named in full: listed under its group's
    heading, its name wrapped to the chart's width on its own line(s) above its bar (one bar
    per series, told apart by colour, hatch and a legend, where there are several).

    ``named`` says, for each row of ``tidy`` in order, where its bar goes. The data table
    names each row as ``tidy``'s ``area_name`` does.
    """
    if len(named) != len(tidy):
        raise ValueError(f"named_bars: {len(named)} names for {len(tidy)} rows")
    indicator = indicators.get(_one(tidy, "indicator"))
    tidy = tables.protect_frame(tidy)  # a bar must not show a withheld count
    if all(text.missing(row) for _, row in tidy.iterrows()):
        return _nothing_to_draw(tidy)
    subtitle = f"{indicator.label}, {when or _years([_one(tidy, 'period')])}"
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in tidy.to_dict("records")
    ]
    labels = [tables.shown_for(row) for row in rows]
    series = list(dict.fromkeys(n.series for n in named))
    listed: dict[str, dict[str, list[int]]] = {}  # group -> name -> the rows of its bars
    for i, n in enumerate(named):
        listed.setdefault(n.group, {}).setdefault(n.name, []).append(i)
    with matplotlib.style.context(AF_STYLE):
        fig = _figure(4)
        ax = fig.subplots()
        if len(series) > 1:
            fig.legend(
                handles=[
                    Patch(facecolor=PALETTE[k], hatch=HATCHES[k], edgecolor="white", label=s)
                    for k, s in enumerate(series)
                ],
                loc="outside upper left",
                ncols=2,
                frameon=False,
                fontsize=TEXT_SIZE,
            )
        ax.set_yticks([])
        _style(ax, indicator, axis="x")
        fig.canvas.draw()
        width = ax.get_window_extent().width
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        y = 0.0
        for g, (group, names) in enumerate(listed.items()):
            y += HEADING_GAP if g else 0.0
            y = _lines_at(ax, y, group, width, renderer, bold=True) + HEADING_AFTER
            for name, bars in names.items():
                y = _lines_at(ax, y, name, width, renderer)
                for i in bars:
                    k = series.index(named[i].series)
                    value = 0.0 if text.missing(rows[i]) else float(rows[i]["value"])
                    drawn = ax.barh(
                        [y + BAR / 2], [value], height=BAR * 0.7,
                        color=PALETTE[k], hatch=HATCHES[k], edgecolor="white", linewidth=0,
                    )  # fmt: skip
                    said = labels[i]
                    if len(series) > 1 and not value:  # no colour to show whose it is: said
                        said = f"{said} ({named[i].series})"
                    ax.bar_label(
                        drawn, labels=[said], padding=4, fontsize=TEXT_SIZE, color="#0b0c0c"
                    )
                    y += BAR
                y += GAP
        ax.set_ylim(y, 0)
        ax.margins(x=0.15)
        # The axes as tall as its lines: text in points and bars in lines keep their places.
        fig.canvas.draw()
        tall = ax.get_window_extent().height / fig.dpi
        fig.set_figheight(fig.get_figheight() + y * LINE - tall)
        png = _png_apart(fig, {ax.xaxis: _fewer(ax.xaxis)})
    alt = f"Bar chart. {subtitle}. " + " ".join(
        f"{group}: "
        + "; ".join(
            f"{named[i].name}{', ' + named[i].series if named[i].series else ''}: {labels[i]}"
            for bars in names.values()
            for i in bars
        )
        + "."
        for group, names in listed.items()
    )
    table = _data_table(tidy, indicator.label, source, corner=categories)
    return Chart(_slug("named", tidy), title, subtitle, alt, png, table, fig)


def _lines_at(
    ax: Any, y: float, words: str, width: float, renderer: Any, *, bold: bool = False
) -> float:
    """Write ``words`` from the chart's left edge at ``y`` (in lines, downwards), wrapped to
    ``width`` pixels as the renderer measures them; the ``y`` below them."""
    weight = "bold" if bold else "normal"
    font = FontProperties(size=TEXT_SIZE, weight=weight)
    lines: list[str] = []
    for word in words.split():
        wider = f"{lines[-1]} {word}" if lines else word
        if lines and renderer.get_text_width_height_descent(wider, font, ismath=False)[0] <= width:
            lines[-1] = wider
        else:
            lines.append(word)
    ax.text(
        0, y, "\n".join(lines), transform=ax.get_yaxis_transform(), ha="left", va="top",
        fontsize=TEXT_SIZE, fontweight=weight, color="#0b0c0c", linespacing=1.2,
        # The grid stops behind the words rather than running through them.
        bbox={"facecolor": ax.get_facecolor(), "edgecolor": "none", "pad": 1},
    )  # fmt: skip
    return y + len(lines)


def stages(
    items: Sequence[tuple[str, Sequence[tuple[str, tables.Row]]]],
    *,
    title: str,
    source: str,
    categories: str,
    notes: Sequence[str] = (),
) -> Chart | text.Text:
    """A dot chart of one measure at several stages: a row per item (a course's measure), a
    dot per stage (its own colour and marker), joined in order so that the line reads as the
    change. ``items`` are (label, [(stage, tidy row) ...]); every row has the same measure."""
    rows = [row for _, shown in items for _, row in shown]
    frame = pd.DataFrame(rows)
    indicator = indicators.get(_one(frame, "indicator"))
    if all(text.missing(row) for row in rows):
        return _nothing_to_draw(frame)
    names = list(dict.fromkeys(stage for _, shown in items for stage, _ in shown))
    period = _one(frame, "period")
    subtitle = f"{indicator.label}, {tables.and_([n.lower() for n in names])}, {period}"
    with matplotlib.style.context(AF_STYLE):
        fig = _figure(0.9 + 0.5 * len(items))
        ax = fig.subplots()
        places = range(len(items))[::-1]  # the first item at the top
        for y, (_, shown) in zip(places, items, strict=True):
            known = [float(r["value"]) for _, r in shown if not text.missing(r)]
            ax.plot(known, [y] * len(known), color=PALETTE[4], linewidth=1.5, zorder=1)
        for i, stage in enumerate(names):
            points = [
                (float(r["value"]), y)
                for y, (_, shown) in zip(places, items, strict=True)
                for s, r in shown
                if s == stage and not text.missing(r)
            ]
            ax.scatter(
                [x for x, _ in points],
                [y for _, y in points],
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                s=60,
                zorder=2,
                label=stage,
            )
        ax.set_yticks(list(places), labels=[textwrap.fill(label, 40) for label, _ in items])
        _style(ax, indicator, axis="x")
        ax.set_xlim(0, 100 if indicator.unit == "percent" else None)
        ax.set_ylim(-0.6, len(items) - 0.4)
        fig.legend(frameon=False, loc="outside upper center", ncols=len(names), fontsize=10)
        png = _png_apart(fig, {ax.xaxis: _fewer(ax.xaxis)})
    said = "; ".join(
        f"{label}: " + ", ".join(f"{stage.lower()} {tables.shown_for(r)}" for stage, r in shown)
        for label, shown in items
    )
    alt = f"Dot chart. {subtitle}. {said}."
    table = tables.grid(
        f"Data for the chart: {indicator.label[0].lower()}{indicator.label[1:]}",
        [categories, *names],
        [[label, *(_at(shown, stage) for stage in names)] for label, shown in items],
        source=source,
        notes=[*notes, *(["[x]: not asked at that stage."] if "[x]" in str(items) else [])],
    )
    return Chart(_slug("stages", frame), title, subtitle, alt, png, table, fig)


def _at(shown: Sequence[tuple[str, tables.Row]], stage: str) -> tables.Cell:
    """The figure of ``stage``, or [x] where the item was not measured then."""
    return next((tables.Figure(r) for s, r in shown if s == stage), "[x]")


# What a period with no figure for any area says at its tick, by why.
NOT_YET = "Not yet\npublished"
NOT_AVAILABLE = "Not\navailable"


def _empty_periods(tidy: pd.DataFrame, periods: Sequence[str]) -> dict[str, list[str]]:
    """The periods with no figure for any area, under what their tick says of them."""
    empty: dict[str, list[str]] = {}
    for period in periods:
        rows = tidy[tidy["period"].astype(str) == period]
        if all(text.missing(row) for _, row in rows.iterrows()):
            words = NOT_YET if rows["status"].eq(NOT_YET_PUBLISHED).all() else NOT_AVAILABLE
            empty.setdefault(words, []).append(period)
    return empty


def _mark_empty(ax: Any, periods: Sequence[str], empty: dict[str, list[str]]) -> None:
    """Say at the tick of a period with no point why it has none: not yet published, or not
    available (the table's note gives each figure's reason)."""
    for words, which in empty.items():
        for period in which:
            ax.annotate(
                words,
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
    # A partnership's area code joins its authorities' (twenty make 200 characters): a long
    # slug keeps its start and a short hash of the whole, within a file name's length.
    return shorten.file_name(re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-"))


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
        statuses = set(rows["status"].astype(str))
        if len(statuses) == 1 and "" not in statuses:
            return f"{area}: not drawn, as each of its figures {tables.reason(statuses.pop())}."
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
    values = getattr(ax, f"{axis}axis")
    # Round steps; a count is never split (no tick at 2.5 children).
    values.set_major_locator(
        MaxNLocator(nbins="auto", steps=STEPS, integer=indicator.unit == "count")
    )
    values.set_major_formatter(StepFormatter())
    if axis == "y":
        # From zero, with room above the highest point for its whole marker.
        top = float(ax.dataLim.y1) if math.isfinite(ax.dataLim.y1) else 0.0
        ax.set_ylim(0, top * 1.08 if top > 0 else 1)


STEPS: list[float] = [1, 2, 2.5, 5, 10]  # the round steps between ticks, per power of ten


class StepFormatter(Formatter):
    """Tick labels with thousands separators and as many decimal places as the step between
    ticks needs: a step of 2.5 gives 10.0, 12.5, 15.0; a step of 5 gives 10, 15, 20. Each
    label is then exactly the value at its tick."""

    decimals = 0

    def set_locs(self, locs: list[float]) -> None:
        """Work out the decimal places from the step between the ticks about to be labelled."""
        super().set_locs(locs)
        ordered = sorted(float(x) for x in locs)
        steps = [b - a for a, b in itertools.pairwise(ordered) if b > a]
        self.decimals = decimals_of(min(steps)) if steps else 0

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        rounded = round(float(x), self.decimals)
        return f"{rounded + 0.0:,.{self.decimals}f}"  # + 0.0: no "-0"


def decimals_of(step: float) -> int:
    """The decimal places a multiple of ``step`` needs: 5 -> 0, 2.5 -> 1, 0.25 -> 2."""
    for places in range(7):
        scaled = step * 10**places
        if abs(scaled - round(scaled)) <= 1e-6 * max(1.0, scaled):
            return places
    return 6


def _figure(height: float) -> Figure:
    """A figure 8 inches wide on the Agg canvas that prints it, whose renderer measures text.

    Without pyplot: no global state, no display backend, nothing left open.
    """
    fig = Figure(figsize=(8, height), dpi=150, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _png_apart(fig: Figure, loosen: dict[Axis, Iterator[bool]]) -> bytes:
    """The figure as PNG, drawn again with each crowded axis loosened one step more until no
    two of its tick labels overlap, as the renderer that drew them measured them, or no step
    is left. Most charts are drawn once."""
    png = _png(fig)
    while True:
        crowded = [axis for axis in loosen if _overlap(fig, axis)]
        if not any([next(loosen[axis], False) for axis in crowded]):
            return png
        png = _png(fig)


def _overlap(fig: Figure, axis: Axis) -> bool:
    """Whether any two of ``axis``'s tick labels overlap or all but touch, where the last
    drawing of the figure put them."""
    gap = 2 * fig.dpi / 72  # two points apart at least
    # The Agg canvas's renderer: the one that drew them.
    boxes = [label.get_window_extent().padded(gap / 2) for label in shown_tick_labels(axis)]
    return any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def shown_tick_labels(axis: Axis) -> list[Any]:
    """The tick labels ``axis`` draws: its major ticks' within the axis's limits, not empty
    (matplotlib keeps labels for the ticks just beyond them, and does not draw those)."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [
        tick.label1
        for tick in axis.get_major_ticks(len(axis.get_majorticklocs()))
        if low - slack <= tick.get_loc() <= high + slack
        and tick.label1.get_visible()
        and tick.label1.get_text()
    ]


def _fewer(axis: Axis) -> Iterator[bool]:
    """Steps that loosen a value axis: fewer ticks, each still at a round step."""
    locator = axis.get_major_locator()
    if isinstance(locator, MaxNLocator):
        for bins in (7, 5, 4, 3, 2):
            locator.set_params(nbins=bins)
            yield True


def _reworded(axis: Axis, periods: Sequence[str]) -> Iterator[bool]:
    """Steps that loosen a period axis, every period kept as the table names it: wrapped at a
    hyphen or space, then set smaller, then slanted."""
    ticks = list(axis.get_majorticklocs())
    wrapped = [wrap(p) for p in periods]
    for labels, size in ((wrapped, 10), (wrapped, 8)):
        axis.set_ticks(ticks, labels=labels, fontsize=size)
        yield True
    axis.set_ticks(ticks, labels=list(periods), fontsize=8, rotation=45, ha="right")
    yield True


def wrap(period: str) -> str:
    """A period's label on two lines, broken at its middlemost space or hyphen:
    '2015/16-17/18' -> '2015/16-' over '17/18'; '2017-18 (OT)' -> '2017-18' over '(OT)'."""
    breaks = [i for i, c in enumerate(period) if c in " -" and 0 < i < len(period) - 1]
    if not breaks:
        return period
    i = min(breaks, key=lambda b: abs(2 * b - len(period)))
    if period[i] == " ":
        return f"{period[:i]}\n{period[i + 1 :]}"
    return f"{period[: i + 1]}\n{period[i + 1 :]}"


def unwrap(label: str) -> str:
    """A tick label back as the period it names (``wrap`` undone)."""
    return label.replace("-\n", "-").replace("\n", " ")


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
