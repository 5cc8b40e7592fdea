"""Section: foreword and summary. The partnership's words, then the year at a glance."""

from __future__ import annotations

import pandas as pd

from safeguarding_report.core import indicators, registry
from safeguarding_report.local.models import KeyMessage
from safeguarding_report.report import bases, changes, fragments, sections, tables, text
from safeguarding_report.report.sections import (
    ENGLAND,
    Context,
    change,
    direction,
    label,
    performance,
    source_line,
)

GLANCE_INDICATORS = registry.get("foreword").headlines


def glance_frame(ctx: Context) -> pd.DataFrame:
    """The headline indicators for the area and England, this year and last (while this
    year's figures are not yet published, the latest two published years: ``_glance_years``)."""
    periods = [ctx.year - 1, ctx.year]
    return pd.concat(
        [ctx.published.series(i, [ctx.la.code, ENGLAND], periods) for i in GLANCE_INDICATORS],
        ignore_index=True,
    )


def at_a_glance(ctx: Context) -> tables.Table:
    """Each headline figure with its change since last year and how it compares with England.

    While the report's own year is not yet published, the latest two published years are
    compared, and the title and a note say so."""
    reported, ctx = ctx, sections.latest_published(ctx)
    frame = glance_frame(ctx)
    rows: list[list[tables.Cell]] = []
    for indicator in GLANCE_INDICATORS:
        mine = frame[(frame["indicator"] == indicator) & (frame["area_code"] == ctx.la.code)]
        eng = frame[(frame["indicator"] == indicator) & (frame["area_code"] == ENGLAND)]
        last = mine[mine["period"] == str(ctx.year - 1)].iloc[0]
        this = mine[mine["period"] == str(ctx.year)].iloc[0]
        england = eng[eng["period"] == str(ctx.year)].iloc[0]
        moved = change(this, last)
        rows.append(
            [
                label(indicator),
                tables.Figure(last),
                tables.Figure(this),
                tables.Figure(moved, signed=True),
                _travel(tables.Figure(moved, signed=True).text()),
                tables.Figure(england),
                _compared(indicator, this, england),
            ]
        )
    return tables.grid(
        f"{ctx.la.name} at a glance, years ending 31 March {ctx.year - 1} and {ctx.year}"
        + _latest(reported, ctx),
        [
            "Measure",
            str(ctx.year - 1),
            str(ctx.year),
            "Change",
            "Direction of travel",
            f"England {ctx.year}",
            "Compared with England",
        ],
        rows,
        source=source_line(ctx, frame),
        notes=[
            "Rates are per 10,000 children aged 0 to 17. 'Similar to' means within 5% of "
            "England's figure; a number of children is not compared with England's. A rise "
            "or fall is not in itself good or bad: the sections that follow explain what "
            "lies behind each figure.",
            *_unpublished(reported),
            *bases.notes(ctx.published, frame),
        ],
    )


def _latest(reported: Context, shown: Context) -> str:
    """', the latest published' after a title's years, when they are not the report's own."""
    return "" if shown.year == reported.year else ", the latest published"


def _unpublished(ctx: Context) -> list[str]:
    """A note, while the comparison year is not yet published, saying which years are shown."""
    year = sections.published_year(ctx)
    if year == ctx.year:
        return []
    return [
        f"The figures for the year ending 31 March {ctx.year} have not yet been published, so "
        f"this table compares {year - 1} and {year}, the latest two published years; the "
        "sections that follow give their trends."
    ]


def _compared(indicator: str, this: pd.Series, england: pd.Series) -> str:
    """'Higher than' England ... for a rate or share; a count is not set against England's."""
    if indicators.get(indicator).unit == "count":
        return "Not compared: a count"
    return direction(this["value"], england["value"]).capitalize() or "Not compared"


def _travel(shown_change: str) -> str:
    """'Up', 'Down' or 'No change' from the change as shown (so rounding is respected)."""
    if shown_change.startswith("["):
        return "Not available"
    if shown_change.startswith("+"):
        return "Up"
    if shown_change.startswith("-"):
        return "Down"
    return "No change"


banner = sections.banner_of("foreword")


def foreword(ctx: Context) -> text.Text:
    """The partnership's foreword, as written, with who signed it."""
    narrative = ctx.records.text("foreword")
    if narrative is None:
        return sections.not_supplied(ctx, "foreword")
    signed = [(s.name, s.role) for s in getattr(narrative.meta, "signed_by", [])]
    return sections.written(narrative, heading_offset=1, signatories=signed)


@sections.needs("key_messages")
def key_messages(ctx: Context) -> text.Text:
    """The year's key messages, in the partnership's order."""
    rows = sorted(ctx.records.rows(KeyMessage), key=lambda r: r.data.order)
    messages = [r.data.message for r in rows]
    html = fragments.render("sections", "key_messages", messages)
    return text.Text(html, [], "\n".join(messages))


def changes_since_last_year(ctx: Context) -> tables.Table:
    """Each headline figure's change since last year beside England's, and whether it moved
    beyond England's change (the rule is in ``changes.py``; the build writes changes.csv).
    While the report's own year is not yet published, the latest two published years."""
    reported, ctx = ctx, sections.latest_published(ctx)
    frame = glance_frame(ctx)
    verdicts = changes.frame(ctx.published, ctx.la.code, ctx.year, GLANCE_INDICATORS)
    rows: list[list[tables.Cell]] = []
    for indicator, verdict in zip(GLANCE_INDICATORS, verdicts.itertuples(), strict=True):
        mine = frame[(frame["indicator"] == indicator) & (frame["area_code"] == ctx.la.code)]
        eng = frame[(frame["indicator"] == indicator) & (frame["area_code"] == ENGLAND)]
        moved = change(
            mine[mine["period"] == str(ctx.year)].iloc[0],
            mine[mine["period"] == str(ctx.year - 1)].iloc[0],
        )
        eng_moved = change(
            eng[eng["period"] == str(ctx.year)].iloc[0],
            eng[eng["period"] == str(ctx.year - 1)].iloc[0],
        )
        rows.append(
            [
                label(indicator),
                tables.Figure(moved, signed=True),
                tables.Figure(eng_moved, signed=True),
                _sentence_case(str(verdict.compared_with_england)),
                {"yes": "Yes", "no": "No"}.get(str(verdict.beyond_england), "Not compared"),
            ]
        )
    return tables.grid(
        f"Changes since last year: {ctx.la.name} and England, years ending 31 March "
        f"{ctx.year - 1} to {ctx.year}" + _latest(reported, ctx),
        [
            "Measure",
            f"Change in {ctx.la.name}",
            "Change in England",
            "Compared with England",
            "Beyond England's change",
        ],
        rows,
        source=source_line(ctx, frame),
        notes=[
            "A change is beyond England's when, as a percentage of last year's figure, it "
            "differs from England's by 5 percentage points or more. The same figures, with "
            "both years, are in changes.csv beside the report.",
            *_unpublished(reported),
        ],
    )


def _sentence_case(words: str) -> str:
    """'rose more than England' -> 'Rose more than England' (England keeps its capital)."""
    return words[:1].upper() + words[1:]


def wider_at_a_glance(ctx: Context) -> tables.Table | tables.Tables | text.Text:
    """The wider picture's headline measures, one per partner, as the performance section
    shows them (``performance.wider_at_a_glance``)."""
    return performance.wider_at_a_glance(ctx)
