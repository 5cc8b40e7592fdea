"""Section: performance data. Five-year trends against England, region and neighbours."""

from __future__ import annotations

import pandas as pd

from safeguarding_report.report import charts, sections, tables, text
from safeguarding_report.report.indicators import INDICATORS
from safeguarding_report.report.sections import Context, headline, label, source_line


def trend_chart(ctx: Context, indicator: str) -> charts.Chart | text.Text:
    """The indicator over the trend years for the local authority and its comparators.

    The trend ends at the comparison year even while its figures are not yet published: the
    year stays on the axis with no point, and [x] in the table with a note saying why, so the
    reader sees which year the report is about and that its figures are still to come (and
    the chart's CSV keeps its name once they are added). The title then compares with England
    in the latest published year and says so (``sections.headline``).
    """
    frame = ctx.published.comparison(indicator, ctx.la.code, list(ctx.periods))
    title = headline(ctx, indicator, frame)
    return charts.trend(frame, title=title, source=source_line(ctx, frame))


def neighbours_table(ctx: Context) -> tables.Table:
    """The statistical neighbours the comparisons use, closest first, with the model used."""
    group = ctx.published.neighbour_group(ctx.la.code, ctx.year)
    notes = [
        f"The Department for Education's {group.model} are used for {ctx.year}; neighbours "
        "are listed from the most similar to the least, with the DfE's closeness band."
    ]
    if group.absent:
        names = tables.and_([a.name for a in group.absent])
        notes.append(
            f"Left out because they did not exist in {ctx.year}: {names}. The averages use the "
            "neighbours listed here."
        )
    if not group.neighbours:
        notes.append(
            f"The DfE's {group.model} list no neighbours for {ctx.la.name}, so no neighbours' "
            "average is shown."
        )
    elif group.all_not_close:
        notes.append(
            f"The DfE rates none of {ctx.la.name}'s neighbours as close: comparisons with "
            "their average should be read with great care."
        )
    return tables.Table(
        caption=f"Statistical neighbours of {ctx.la.name} ({len(group.neighbours)})",
        header=["Local authority", "Region", "Closeness"],
        rows=[[n.name, n.region_name, closeness.capitalize()] for n, closeness in group.neighbours],
        source=f"Department for Education, children's services statistical neighbours "
        f"({group.model})",
        notes=notes,
        numeric=False,
    )


LOOKED_AFTER_INDICATORS: tuple[str, ...] = (
    "cla_at_31_march",
    "cla_started",
    "cla_ceased",
    "uasc_at_31_march",
    "cla_placed_by_other_las",
)

WORKFORCE_INDICATORS: tuple[str, ...] = (
    "sw_caseload",
    "sw_turnover_rate",
    "sw_vacancy_rate",
    "sw_agency_rate",
)


def looked_after_table(ctx: Context) -> tables.Table:
    """Children looked after, starting and ceasing, UASC and placed from elsewhere, by year."""
    return _by_measure(
        ctx,
        [
            ctx.published.series(i, [ctx.la.code], list(ctx.periods))
            for i in LOOKED_AFTER_INDICATORS
        ],
        columns="period",
        caption=f"Children looked after by {ctx.la.name}, years ending 31 March "
        f"{ctx.periods[0]} to {ctx.periods[-1]}",
    )


def workforce_table(ctx: Context) -> tables.Table:
    """The social work workforce measures for the area and its comparators."""
    return _by_measure(
        ctx,
        [ctx.published.comparison(i, ctx.la.code, [ctx.year]) for i in WORKFORCE_INDICATORS],
        columns="area_name",
        caption=f"Children's social work workforce, {ctx.la.name} and comparators, "
        f"30 September {ctx.year}",
    )


def _by_measure(
    ctx: Context, frames: list[pd.DataFrame], *, columns: str, caption: str
) -> tables.Table:
    """One row per indicator of ``frames``, labelled in words, one column per ``columns``."""
    frame = pd.concat(frames, ignore_index=True)
    return tables.pivot(
        frame,
        rows="indicator",
        columns=columns,
        caption=caption,
        row_labels={i: label(i) for i in dict.fromkeys(frame["indicator"])},
        corner="Measure",
        source=source_line(ctx, frame),
    )


def ranks_table(ctx: Context) -> tables.Table:
    """Rank and quartile band among all English local authorities, where a direction is agreed.

    While the comparison year's figures are not yet published, no authority can be ranked in
    it: the table ranks the latest published year, and its caption and a note say so.
    """
    year = sections.published_year(ctx)
    rows: list[list[tables.Cell]] = []
    frames = []
    for indicator in INDICATORS.values():
        if indicator.polarity is None:
            continue
        found = ctx.published.rank(indicator.id, ctx.la.code, year)
        if found is None:
            continue
        frames.append(pd.DataFrame([dict(found.row)]))
        rows.append(
            [
                indicator.label,
                tables.Figure(found.row),
                "Higher is better" if indicator.polarity == "higher" else "Lower is better",
                f"{found.rank} of {found.of}" if found.rank else "Not ranked",
                found.quartile or "Not banded",
            ]
        )
    notes = [
        "Quartile bands: A is the best quarter of local authorities with a figure, D the "
        "worst. Measures with no agreed direction (such as the rate of children in need) "
        "are not ranked."
    ]
    when = str(year)
    if year != ctx.year:
        when = f"{year}, the latest published year"
        notes.append(
            f"The figures for the year ending 31 March {ctx.year} have not yet been published, "
            f"so the ranks are those of the year ending 31 March {year}."
        )
    return tables.grid(
        f"Where {ctx.la.name} stands among English local authorities, {when}",
        ["Measure", ctx.la.name, "Which is better", "Rank (1 = best)", "Quartile band"],
        rows,
        source=source_line(ctx, *frames) if frames else "",
        notes=notes,
    )
