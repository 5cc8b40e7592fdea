"""Section: performance data. Five-year trends against England, region and neighbours."""

from __future__ import annotations

import dataclasses

import pandas as pd
from IPython.display import display

from safeguarding_report.core import indicators
from safeguarding_report.core.indicators import INDICATORS, WIDER, Partner
from safeguarding_report.data.benchmarking import Years
from safeguarding_report.data.published import NEIGHBOURS_LEVEL
from safeguarding_report.report import bases, charts, sections, tables, text
from safeguarding_report.report.sections import (
    ENGLAND,
    Context,
    direction,
    headline,
    label,
    source_line,
)


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
    chart = charts.trend(frame, title=title, source=source_line(ctx, frame))
    return bases.noted(ctx.published, chart, frame)


def how_compared(ctx: Context) -> text.Text:
    """What each chart compares: one authority with its region, neighbours and England; a
    partnership's whole area and each of its authorities with the region(s) and England."""
    if not ctx.la.parts:
        return text.words(
            "Each chart compares the local authority with its region, its statistical "
            "neighbours and England; the table below each chart gives the figures."
        )
    regions = ctx.published.regions_of(ctx.la)
    return text.words(
        "Each chart sets the whole area and each of its local authorities beside "
        f"{'its region' if len(regions) == 1 else 'its regions'} and England; the table below "
        "each chart gives the figures. Each local authority is compared with its own "
        "statistical neighbours in the tables that follow."
    )


def neighbours_table(ctx: Context) -> tables.Table | text.Text | None:
    """The statistical neighbours the comparisons use, closest first, with the model used.

    A partnership of several authorities shows each authority's own neighbours, one table
    each, displayed one by one (so each keeps its own records).
    """
    if ctx.la.parts:
        for la in ctx.la.parts:
            display(_neighbours_of(dataclasses.replace(ctx, la=la)))
        display(each_against_its_neighbours(ctx))
        return None
    return _neighbours_of(ctx)


# The measures each authority of a partnership is set against its own neighbours on.
AGAINST_NEIGHBOURS: tuple[str, ...] = (
    "cin_rate",
    "referrals_rate",
    "rereferrals_pct",
    "s47_rate",
    "cpp_rate",
    "cpp_subsequent_pct",
    "cla_rate",
)


def each_against_its_neighbours(ctx: Context) -> tables.Table:
    """Each authority of a partnership beside the mean of its own statistical neighbours.

    A partnership of several authorities has no one set of neighbours: each authority has its
    own, so each is compared with its own (in the latest published year).
    """
    year = sections.published_year(ctx)
    frames = []
    for la in ctx.authorities:
        for indicator in AGAINST_NEIGHBOURS:
            frame = ctx.published.comparison(indicator, la.code, [year])
            mine = frame[frame["area_code"] == la.code]
            mean = frame[frame["area_level"] == NEIGHBOURS_LEVEL].assign(
                area_name=f"Statistical neighbours of {la.name} (mean)"
            )
            frames += [mine, mean]
    frame = pd.concat(frames, ignore_index=True)
    table = tables.pivot(
        frame,
        rows="indicator",
        columns="area_name",
        caption=f"Each local authority of {ctx.la.name} and its own statistical neighbours, "
        f"year ending 31 March {year}",
        row_labels={i: label(i) for i in AGAINST_NEIGHBOURS},
        corner="Measure",
        source=source_line(ctx, frame),
    )
    return sections.side_by_side(ctx, table)


def _neighbours_of(ctx: Context) -> tables.Table | text.Text:
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
    if not group.neighbours:  # said in words: an empty table would tell a reader nothing
        return text.words(
            f"The DfE's {group.model} list no neighbours for {ctx.la.name}, so no neighbours' "
            "average is shown."
        )
    if group.all_not_close:
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
    """Children looked after, starting and ceasing, UASC and placed from elsewhere, by year.

    For a partnership of several authorities: the whole area and each authority side by side,
    in the comparison year (the trends are in the charts).
    """
    if ctx.la.parts:
        return _by_measure(
            ctx,
            [ctx.published.series(i, ctx.shown_codes, [ctx.year]) for i in LOOKED_AFTER_INDICATORS],
            columns="area_name",
            caption=f"Children looked after by {ctx.la.name} and each of its local "
            f"authorities, year ending 31 March {ctx.year}",
        )
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
    table = tables.pivot(
        frame,
        rows="indicator",
        columns=columns,
        caption=caption,
        row_labels={i: label(i) for i in dict.fromkeys(frame["indicator"])},
        corner="Measure",
        source=source_line(ctx, frame),
    )
    return sections.side_by_side(ctx, bases.noted(ctx.published, table, frame))


def ranks_table(ctx: Context) -> tables.Table | None:
    """Rank and quartile band among all English local authorities, where a direction is agreed.

    While the comparison year's figures are not yet published, no authority can be ranked in
    it: the table ranks the latest published year, and its caption and a note say so. A
    partnership of several authorities shows one table per authority (displayed one by one):
    the DfE ranks authorities, not combinations of them.
    """
    if ctx.la.parts:
        for la in ctx.la.parts:
            display(_ranks_of(dataclasses.replace(ctx, la=la)))
        return None
    return _ranks_of(ctx)


def _ranks_of(ctx: Context) -> tables.Table:
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
    if frames:
        notes += bases.notes(ctx.published, pd.concat(frames, ignore_index=True))
    return tables.grid(
        f"Where {ctx.la.name} stands among English local authorities, {when}",
        ["Measure", ctx.la.name, "Which is better", "Rank (1 = best)", "Quartile band"],
        rows,
        source=source_line(ctx, *frames) if frames else "",
        notes=notes,
    )


# -- the wider picture: the partners' measures from LAIT's Benchmarking Data Set ------------

YEAR_TYPES = {
    "Financial Year": "financial years",
    "Academic Year": "academic years",
    "Calendar Year": "calendar years",
    "Annual (end of Sept)": "years to 30 September",
    "Annual - January": "years, as at January",
    "Annual": "years",
}


def _partner(partner_id: str) -> Partner:
    for partner in WIDER:
        if partner.id == partner_id:
            return partner
    raise KeyError(
        f"unknown partner {partner_id!r}: expected one of {', '.join(p.id for p in WIDER)} "
        "(core/wider.yaml)"
    )


def _when(ctx: Context, indicator: str, years: list[Years]) -> str:
    """The periods of a wider-picture measure in words, labelled as LAIT labels them."""
    kind = YEAR_TYPES.get(ctx.published.lait_entry(indicator).year_type, "years")
    span = " to ".join(dict.fromkeys([years[0].label, years[-1].label]))
    return f"{span} ({kind}, as the Benchmarking Data Set labels them)"


def wider_trend(ctx: Context, indicator: str) -> charts.Chart | text.Text:
    """One wider-picture measure over the trend: the authority, region, neighbours, England.

    The periods are the latest the Benchmarking Data Set holds that end in or before the
    report's year, as many as the report's trend years.
    """
    years = ctx.published.wider_years(indicator, ctx.year, len(ctx.periods))
    spec = indicators.get(indicator)
    if not years:
        return text.words(
            f"{spec.label}: the Benchmarking Data Set holds no figure for a year ending in or "
            f"before {ctx.year}."
        )
    frame = ctx.published.wider(indicator, ctx.la.code, years)
    last = frame[frame["period"] == years[-1].label]
    mine = last.loc[last["area_code"] == ctx.la.code, "value"].iloc[0]
    england = last.loc[last["area_code"] == ENGLAND, "value"].iloc[0]
    word = "" if indicator in indicators.ENGLAND_NOTES else direction(mine, england)
    topic = spec.label.split(", rate per")[0].removesuffix(" (%)").removesuffix(" (£)")
    title = (
        f"{topic}: {ctx.la.name}'s figure was {word} England's in {years[-1].label}"
        if word
        else f"{topic}: {ctx.la.name} and its comparators"
    )
    return charts.trend(
        frame, title=title, source=source_line(ctx, frame), when=_when(ctx, indicator, years)
    )


def wider_table(ctx: Context, partner_id: str) -> tables.Table | tables.Tables | text.Text:
    """A partner's measures in their latest year: the authority, its comparators, and LAIT's
    rank and quartile band among English local authorities, with which direction is better.

    Ranks and bands are LAIT's (data/benchmarking.py): measures with no polarity in LAIT's
    data dictionary are not ranked, and those LAIT does not band are ranked but not banded.
    """
    partner = _partner(partner_id)
    return compared_table(
        ctx,
        [m.id for m in partner.measures],
        caption=f"{partner.title}: {ctx.la.name} compared, latest period held",
        none=f"the {partner.title.lower()} measures",
    )


def compared_table(
    ctx: Context, measures: list[str], *, caption: str, none: str
) -> tables.Table | tables.Tables | text.Text:
    """Wider-picture measures in their latest period held: the authority, its region, its
    neighbours' mean and England, LAIT's rank and band, and which direction is better.

    A partnership's authorities are each ranked: their ranks and bands follow in a table of
    their own, one row per authority and measure, rather than crowding one cell."""
    rows: list[list[tables.Cell]] = []
    ranks: list[list[tables.Cell]] = []
    frames = []
    missing: list[str] = []
    for indicator in measures:
        spec = indicators.get(indicator)
        years = ctx.published.wider_years(indicator, ctx.year, 1)
        if not years:
            missing.append(spec.label)
            continue
        frame = ctx.published.wider(indicator, ctx.la.code, years)
        frames.append(frame)
        entry = ctx.published.lait_entry(indicator)
        better = {"higher": "Higher is better", "lower": "Lower is better"}.get(
            entry.polarity or "", "No agreed direction"
        )
        authorities = _ranked(ctx, indicator, years[0])
        figures = [tables.Figure(row) for _, row in frame.iterrows()]
        if ctx.la.parts:
            rows.append([spec.label, years[0].label, *figures, better])
            ranks += [[spec.label, name, rank, band] for name, rank, band in authorities]
        else:
            ((_, rank, band),) = authorities
            rows.append([spec.label, years[0].label, *figures, better, rank, band])
    if not rows:
        return text.words(
            f"The Benchmarking Data Set holds none of {none} for a year ending in or before "
            f"{ctx.year}."
        )
    notes = [
        "Each measure is shown for the latest period the Department for Education's "
        "Benchmarking Data Set (its Local Authority Interactive Tool, LAIT) holds that ends in "
        f"or before {ctx.year}, labelled as LAIT labels it (OT: outturn; a span such as 2019-21 "
        "pools three years).",
        "Rank and quartile band as LAIT gives them, among English local authorities with a "
        "figure: rank 1 is the best, band A the best quarter and D the worst. Measures with no "
        "agreed direction are not ranked; those LAIT does not band are not banded.",
    ]
    if missing:
        notes.append(f"No figure is held up to {ctx.year} for: {tables.and_(missing)}.")
    names = list(dict.fromkeys(frames[0]["area_name"]))
    ranking = ["Rank (1 = best)", "Quartile band"]
    table = tables.grid(
        caption,
        ["Measure", "Period", *names, "Which is better", *([] if ranks else ranking)],
        rows,
        source=source_line(ctx, *frames),
        notes=notes,
    )
    if not ranks:
        return table
    ranks_table = tables.grid(
        f"{caption.split(':')[0]}: each local authority's rank and quartile band among "
        "English local authorities",
        ["Measure", "Local authority", *ranking],
        ranks,
        source=source_line(ctx, *frames),
    )
    return tables.Tables((sections.side_by_side(ctx, table), ranks_table))


def _ranked(ctx: Context, indicator: str, label: Years) -> list[tuple[str, str, str]]:
    """LAIT's rank and band of each authority (one, or a partnership's each), by name."""
    said = []
    for la in ctx.authorities:
        band = ctx.published.wider_band(indicator, la.code, label)
        ranked = f"{band.rank} of {band.of}" if band is not None else "Not ranked"
        banded = (band.band or "Not banded") if band is not None else "Not banded"
        said.append((la.name, ranked, banded))
    return said


def wider_at_a_glance(ctx: Context) -> tables.Table | tables.Tables | text.Text:
    """The few wider-picture measures that matter most (headline: true in wider.yaml)."""
    return compared_table(
        ctx,
        list(indicators.WIDER_HEADLINES),
        caption=f"The wider picture at a glance: {ctx.la.name} compared, latest period held",
        none="the wider picture's headline measures",
    )


def wider_picture(ctx: Context, partner_id: str) -> None:
    """A partner's part of the wider picture: its table, then each measure's trend chart.

    Displayed one by one, so that each chart keeps its own data table and CSV; the measures
    are those core/wider.yaml gives the partner.
    """
    table = wider_table(ctx, partner_id)
    display(table)
    if isinstance(table, text.Text):
        return  # no measure holds a figure up to the report's year: said once
    for spec in _partner(partner_id).measures:
        display(wider_trend(ctx, spec.id))
