"""Section: performance data. Five-year trends against England, region and neighbours."""

from __future__ import annotations

from safeguarding_report import charts, tables
from safeguarding_report.sections import Context, headline, source_line


def trend_chart(ctx: Context, indicator: str) -> charts.Chart:
    """The indicator over the trend years for the local authority and its comparators."""
    frame = ctx.published.comparison(indicator, ctx.la.code, list(ctx.periods))
    title = headline(ctx, indicator, frame)
    return charts.trend(frame, title=title, source=source_line(ctx, frame))


def neighbours_table(ctx: Context) -> tables.Table:
    """The statistical neighbours the comparisons use, closest first."""
    neighbours = ctx.published.neighbours(ctx.la.code, ctx.year)
    return tables.Table(
        caption=f"Statistical neighbours of {ctx.la.name}",
        header=["Local authority", "Region"],
        rows=[[n.name, n.region_name] for n in neighbours],
        source="Department for Education, children's services statistical neighbours",
        notes=["Listed from the most similar local authority to the least."],
        numeric=False,
    )
