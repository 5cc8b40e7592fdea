"""Section: local context. How many children live in the area and how many need help."""

from __future__ import annotations

import pandas as pd

from safeguarding_report.core import registry
from safeguarding_report.core.indicators import INDICATORS
from safeguarding_report.report import bases, charts, sections, tables, text
from safeguarding_report.report.sections import ENGLAND, Context, headline, label, source_line

HEADLINE_INDICATORS = registry.get("local_context").headlines


def population_year(ctx: Context) -> int:
    """The mid-year of the child population shown: the comparison year's, or the latest held.

    The ONS publishes mid-year estimates a year after the DfE's statistics for that year, so
    the newest report often has only the mid-year before.
    """
    held = [y for y in ctx.published.periods("population_0_17") if y <= ctx.year]
    return held[-1] if held else ctx.year


def headline_frame(ctx: Context) -> pd.DataFrame:
    """The headline indicators for the local authority and England in the comparison year
    (and each local authority, beside the whole area, for a partnership of several)."""
    return pd.concat(
        [
            ctx.published.series(
                i,
                [*ctx.shown_codes, ENGLAND],
                [population_year(ctx) if i == "population_0_17" else ctx.year],
            )
            for i in HEADLINE_INDICATORS
        ],
        ignore_index=True,
    )


def how_compared(ctx: Context) -> text.Text:
    """What the charts set the area beside: one authority's region, neighbours and England; a
    partnership's whole area and each of its authorities, beside the region(s) and England."""
    said = "Rates per 10,000 children aged 0 to 17 allow areas of different sizes to be compared. "
    if not ctx.la.parts:
        return text.words(
            said + "The charts set the local authority beside its region, the average of its "
            "statistical neighbours (the ten local authorities most like it) and England."
        )
    regions = ctx.published.regions_of(ctx.la)
    return text.words(
        said + "The charts set the whole area and each of its local authorities beside "
        f"{'its region' if len(regions) == 1 else 'its regions'} and England; the performance "
        "section compares each local authority with its own statistical neighbours (the ten "
        "local authorities most like it)."
    )


@sections.or_latest_published
def summary(ctx: Context) -> text.Text:
    """A paragraph a board member can quote: the children, and those who needed help.

    Each sentence stands alone, so a figure that is not available replaces only its own
    sentence with one saying why. While the comparison year's figures are not yet
    published, the paragraph says so and gives the latest published year's.
    """
    frame = headline_frame(ctx)
    la = _by_indicator(frame[frame["area_code"] == ctx.la.code])
    eng = _by_indicator(frame[frame["area_code"] == ENGLAND])
    return text.paragraph(
        text.say(
            "{la} is home to {pop} children aged 0 to 17 (the ONS estimate for mid-{mid}"
            + _rates_divide_by(ctx, frame)
            + ").",
            la=ctx.la.name,
            pop=la["population_0_17"],
            mid=population_year(ctx),
        ),
        _count_and_rate(
            "At 31 March {year}, {count} children were in need of help and protection",
            ", a rate of {rate} per 10,000 children (England: {england})",
            *_at_31_march("cin", la, eng),
            year=ctx.year,
        ),
        text.say(
            "{cpp} children were subject to a child protection plan.",
            cpp=la["cpp_at_31_march"],
        ),
        _count_and_rate(
            "{count} children were looked after",
            ", a rate of {rate} per 10,000 (England: {england})",
            *_at_31_march("cla", la, eng),
        ),
        text.say(
            "{uasc} of the children looked after were unaccompanied asylum-seeking children.",
            uasc=la["uasc_at_31_march"],
        ),
    )


def _rates_divide_by(ctx: Context, frame: pd.DataFrame) -> str:
    """'; rates per 10,000 divide by ... mid-2022', when the children shown are another year's
    than the population the rates shown divide by (the mid-year before theirs)."""
    mid_years = sorted({b.population.mid_year for b in bases.of_rates(ctx.published, frame)})
    if mid_years in ([], [population_year(ctx)]):
        return ""
    return f"; rates per 10,000 divide by the estimate for the year before, mid-{mid_years[0]}"


def _at_31_march(
    measure: str, la: dict[str, pd.Series], eng: dict[str, pd.Series]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The count at 31 March, its rate, and England's rate, of ``cin``, ``cla`` ..."""
    return la[f"{measure}_at_31_march"], la[f"{measure}_rate"], eng[f"{measure}_rate"]


def _count_and_rate(
    count_words: str,
    rate_words: str,
    count: tables.Row,
    rate: tables.Row,
    england: tables.Row,
    *,
    year: int | None = None,
) -> text.Text:
    """'{count} children ..., a rate of {rate} (England: {england}).' as far as the figures go.

    A count the publisher gave is never lost because its rate is missing (the 2012 files hold
    the number of children looked after but not the rate): the count's sentence stands, and
    a second says why the rate is not there. A missing count says only why.
    """
    rates = [tables.protect(rate), tables.protect(england)]
    gaps = [r for r in rates if text.missing(r)]
    if not gaps:
        return text.say(
            count_words + rate_words + ".", count=count, rate=rate, england=england, year=year
        )
    counted = text.say(count_words + ".", count=count, year=year)
    if counted.records:
        return text.paragraph(counted, text.not_available(gaps))
    return counted


def headline_table(ctx: Context) -> tables.Table:
    """The headline indicators, the local authority beside England."""
    frame = headline_frame(ctx)
    table = tables.pivot(
        frame,
        rows="indicator",
        columns="area_name",
        caption=f"Children in {ctx.la.name} and England, year ending 31 March {ctx.year}",
        row_labels={
            **{i: label(i) for i in HEADLINE_INDICATORS},
            "population_0_17": f"{label('population_0_17')} (mid-{population_year(ctx)})",
        },
        corner="Indicator",
        source=source_line(ctx, frame),
        notes=[
            "Rates are per 10,000 children aged 0 to 17.",
            *bases.notes(ctx.published, frame, shown=population_year(ctx)),
        ],
    )
    return sections.side_by_side(ctx, table)


def rate_chart(ctx: Context, indicator: str) -> charts.Chart | text.Text:
    """One rate for the local authority, its region, its statistical neighbours and England.

    While the comparison year's figures are not yet published, the chart shows the latest
    published year's, and its title and subtitle name that year: a chart of the comparison
    year would have nothing to draw.
    """
    year = sections.published_year(ctx)
    frame = ctx.published.comparison(indicator, ctx.la.code, [year])
    title = headline(ctx, indicator, frame)
    chart = charts.compare(frame, title=title, source=source_line(ctx, frame))
    return bases.noted(ctx.published, chart, frame)


def _by_indicator(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(row["indicator"]): row for _, row in frame.iterrows()}


def factor_indicators() -> list[str]:
    """The factors identified at the end of assessment that the data layer reads."""
    return [i for i in INDICATORS if i.startswith("factor_")]


def factors_frame(ctx: Context) -> pd.DataFrame:
    """Each factor for the area and England in the comparison year."""
    return pd.concat(
        [
            ctx.published.series(i, [*ctx.shown_codes, ENGLAND], [ctx.year])
            for i in factor_indicators()
        ],
        ignore_index=True,
    )


def factors_table(ctx: Context) -> tables.Table:
    """The factors identified at the end of assessment, most common first, beside England."""
    frame = factors_frame(ctx)
    mine = frame[frame["area_code"] == ctx.la.code]
    order = mine.sort_values("value", ascending=False, na_position="last")["indicator"]
    frame = frame.set_index("indicator").loc[list(order)].reset_index()
    table = tables.pivot(
        frame,
        rows="indicator",
        columns="area_name",
        caption=f"Factors identified at the end of assessment, {ctx.la.name} and England, "
        f"year ending 31 March {ctx.year}",
        row_labels={i: label(i) for i in factor_indicators()},
        corner="Factor",
        source=source_line(ctx, frame),
        notes=["More than one factor can be recorded for each assessment."],
    )
    return sections.side_by_side(ctx, table)


@sections.or_latest_published
def factors_summary(ctx: Context) -> text.Text:
    """The three factors recorded most often in the area (in the latest published year, saying
    so, while the comparison year's figures are not yet published)."""
    frame = factors_frame(ctx)
    mine = frame[frame["area_code"] == ctx.la.code]
    shown = tables.protect_frame(mine)
    counted = shown[shown["status"].eq("") & (shown["value"] > 0)]
    top = counted.sort_values("value", ascending=False).head(3)
    if top.empty:
        if shown["status"].eq("").all():
            said = (
                f"No factor was recorded at the end of assessments in {ctx.year} in the "
                f"published figures for {ctx.la.name}."
            )
            return text.words(said)
        return text.not_available([row for _, row in shown.head(1).iterrows()])
    fields: dict[str, object] = {"year": ctx.year}
    named = []
    for n, (_, row) in enumerate(top.iterrows()):
        fields[f"label{n}"] = factor_words(str(row["indicator"]))
        fields[f"value{n}"] = row
        named.append(f"{{label{n}}} ({{value{n}}})")
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    lead = (
        "The factors recorded most often at the end of assessments in {year} were "
        if len(named) > 1
        else "The only factor shown as recorded at the end of assessments in {year} was "
    )
    sentence = text.say(lead + listed + ".", **fields)
    rivals = _withheld_rivals(ctx, frame, shown, float(top["value"].min()))
    if not rivals:
        return sentence
    caveat = (
        f"The whole area's figure for {tables.and_(rivals)} is not shown, as one of its local "
        "authorities' figures is withheld; the others' alone come to as many, so it may be "
        "among the most frequent."
    )
    return text.paragraph(sentence, text.words(caveat))


def _withheld_rivals(
    ctx: Context, frame: pd.DataFrame, shown: pd.DataFrame, least: float
) -> list[str]:
    """For a partnership of several authorities: the factors whose whole-area figure is
    withheld although the authorities' figures that are shown already reach ``least`` (so
    the factor may be among those recorded most often)."""
    if not ctx.la.parts:
        return []
    parts = tables.protect_frame(frame[frame["area_code"].isin([a.code for a in ctx.la.parts])])
    known = parts[parts["status"].eq("")].groupby("indicator")["value"].sum()
    withheld = shown[shown["status"].ne("")]["indicator"]
    return [factor_words(str(i)) for i in withheld if known.get(i, 0.0) >= least]


def factor_words(indicator: str) -> str:
    """'Assessments identifying neglect' -> 'neglect', as a sentence names the factor."""
    return label(indicator).removeprefix("Assessments identifying ")
