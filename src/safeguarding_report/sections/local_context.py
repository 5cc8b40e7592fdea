"""Section: local context. How many children live in the area and how many need help."""

from __future__ import annotations

import pandas as pd

from safeguarding_report import charts, tables, text
from safeguarding_report.sections import ENGLAND, Context, headline, label, source_line

HEADLINE_INDICATORS: tuple[str, ...] = (
    "population_0_17",
    "cin_at_31_march",
    "cin_rate",
    "cpp_at_31_march",
    "cpp_rate",
    "cla_at_31_march",
    "cla_rate",
    "uasc_at_31_march",
)


def headline_frame(ctx: Context) -> pd.DataFrame:
    """The headline indicators for the local authority and England in the comparison year."""
    return pd.concat(
        [ctx.published.series(i, [ctx.la.code, ENGLAND], [ctx.year]) for i in HEADLINE_INDICATORS],
        ignore_index=True,
    )


def summary(ctx: Context) -> text.Text:
    """A paragraph a board member can quote: the children, and those who needed help."""
    frame = headline_frame(ctx)
    la = _by_indicator(frame[frame["area_code"] == ctx.la.code])
    eng = _by_indicator(frame[frame["area_code"] == ENGLAND])
    uasc = la["uasc_at_31_march"]
    uasc_sentence = (
        "The number of them who were unaccompanied asylum-seeking children is not "
        "published for this year."
        if uasc["status"]
        else "{uasc} of the children looked after were unaccompanied asylum-seeking children."
    )
    return text.say(
        "{la} is home to {pop} children aged 0 to 17. At 31 March {year}, {cin} children were "
        "in need of help and protection, a rate of {cin_rate} per 10,000 children "
        "(England: {eng_cin_rate}). {cpp} children were subject to a child protection plan "
        "and {cla} were looked after, a rate of {cla_rate} per 10,000 (England: "
        "{eng_cla_rate}). " + uasc_sentence,
        la=ctx.la.name,
        year=ctx.year,
        pop=la["population_0_17"],
        cin=la["cin_at_31_march"],
        cin_rate=la["cin_rate"],
        eng_cin_rate=eng["cin_rate"],
        cpp=la["cpp_at_31_march"],
        cla=la["cla_at_31_march"],
        cla_rate=la["cla_rate"],
        eng_cla_rate=eng["cla_rate"],
        uasc=uasc,
    )


def headline_table(ctx: Context) -> tables.Table:
    """The headline indicators, the local authority beside England."""
    frame = headline_frame(ctx)
    return tables.pivot(
        frame,
        rows="indicator",
        columns="area_name",
        caption=f"Children in {ctx.la.name} and England, year ending 31 March {ctx.year}",
        row_labels={i: label(i) for i in HEADLINE_INDICATORS},
        corner="Indicator",
        source=source_line(ctx, frame),
        notes=["Rates are per 10,000 children aged 0 to 17."],
    )


def rate_chart(ctx: Context, indicator: str) -> charts.Chart:
    """One rate for the local authority, its region, its statistical neighbours and England."""
    frame = ctx.published.comparison(indicator, ctx.la.code, [ctx.year])
    title = headline(ctx, indicator, frame)
    return charts.compare(frame, title=title, source=source_line(ctx, frame))


def _by_indicator(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(row["indicator"]): row for _, row in frame.iterrows()}
