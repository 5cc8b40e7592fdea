"""Section: next year's priorities, how success will be measured, and the measures promised."""

from __future__ import annotations

from typing import Any

from safeguarding_report.core import indicators
from safeguarding_report.local import Record
from safeguarding_report.local.models import LOCAL_MEASURE, NextPriority, known_measures
from safeguarding_report.local.promises import promises
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, long_date, priorities

banner = sections.banner_of("next_priorities")


def priorities_table(ctx: Context) -> tables.Table | text.Text:
    """Each priority for the coming year, its measure of success in words, its lead and
    deadline."""
    template = sections.csv_template(NextPriority)
    if sections.unsupplied(ctx, template):
        return sections.not_supplied(ctx, template)
    return tables.grid(
        "Priorities for the coming year",
        ["Priority", "How we will know it has been achieved", "Lead", "By"],
        [
            [p.priority, p.success_measure, p.lead, long_date(p.by_when)]
            for p in promises(ctx.records.rows(NextPriority))
        ],
        source=sections.template_file(ctx, template),
    )


def measures_table(ctx: Context) -> tables.Table | text.Text:
    """The measures that will judge each priority next year: the way that counts as progress
    and the target, in the measure's unit."""
    template = sections.csv_template(NextPriority)
    if sections.unsupplied(ctx, template):
        return sections.not_supplied(ctx, template)
    return tables.grid(
        "How each priority will be measured",
        ["Priority", "Measure", "Progress is", "Target"],
        promised_measures(ctx),
        source=sections.template_file(ctx, template),
        notes=[
            "Next year's report judges each priority by these measures, with this year's "
            "latest figures as the baseline."
        ],
    )


def promised_measures(ctx: Context) -> list[list[tables.Cell]]:
    """Each measure promised for next year, as its table's row (priority, measure, which way
    is progress, target); none where next_priorities.csv is not supplied. An unknown measure
    raises the located error ``_measure`` gives."""
    if sections.unsupplied(ctx, sections.csv_template(NextPriority)):
        return []
    return [
        [p.priority, *_measure(ctx, r)]
        for p in promises(ctx.records.rows(NextPriority))
        for r in p.measures
    ]


def _measure(ctx: Context, record: Record[NextPriority]) -> list[tables.Cell]:
    """A promised measure's row: what it is in words (a local measure's own label, else the
    kit's or LAIT's), which way is progress (the row's, else the measure's polarity) and its
    target. A measure neither the kit nor LAIT's data dictionary knows, or a target in another
    unit than the measure's, stops the build naming the line (as in priority_measures.csv)."""
    data = record.data
    if data.measure.startswith(LOCAL_MEASURE):
        return [data.label, str(data.direction or ""), _target(ctx, record, "")]
    spec = known_measures().get(data.measure)
    if spec is not None and spec.id not in indicators.WIDER_INDICATORS:
        way = data.direction or spec.polarity or ""
        return [data.label or spec.label, way, _target(ctx, record, spec.id)]
    indicator = priorities.lait_measure(ctx, record)
    entry = ctx.published.lait_entry(indicator)  # its places, label and polarity are LAIT's
    lait = data.direction or entry.polarity or "not given by LAIT"
    said = data.label or indicators.get(indicator).label
    return [said, lait, _target(ctx, record, indicator)]


def _target(ctx: Context, record: Record[NextPriority], indicator: str) -> tables.Cell:
    """The promised target of ``indicator`` (blank: a local measure), shown and recorded as a
    figure in the measure's unit, citing the line and column it was typed in; [z] (not
    applicable) where none is set."""
    data = record.data
    measure = data.measure
    indicator = indicator or f"local_measure_{data.unit}"
    row: dict[str, Any] = {
        "indicator": indicator,
        "area_code": ctx.la.code,
        "area_name": ctx.partnership or ctx.la.name,
        "area_level": "Partnership",
        "period": f"target by {data.by_when.isoformat()}",
        "breakdown": f"next priority: {data.priority}; measure: {measure}",
        "value": float("nan") if data.target is None else float(data.target),
        "status": "z" if data.target is None else "",
        "source_file": sections.template_file(ctx, "next_priorities"),
        "source_column": "target",
        "source_line": str(record.line),
        "source_area_code": "",
        "derivation": "",  # the target as written (blank: none set), in the line and column cited
    }
    return tables.Figure(row, suffix="%" if data.unit == "percent" else "")
