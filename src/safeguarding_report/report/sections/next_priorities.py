"""Section: next year's priorities, how success will be measured, and the measures promised."""

from __future__ import annotations

from typing import Any

from safeguarding_report.core import indicators
from safeguarding_report.local import Record
from safeguarding_report.local.models import LOCAL_MEASURE, NextPriority
from safeguarding_report.local.promises import direction, label, promises
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, long_date

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
        [
            [p.priority, label(r.data), direction(r.data), _target(ctx, r)]
            for p in promises(ctx.records.rows(NextPriority))
            for r in p.measures
        ],
        source=sections.template_file(ctx, template),
        notes=[
            "Next year's report judges each priority by these measures, with this year's "
            "latest figures as the baseline."
        ],
    )


def _target(ctx: Context, record: Record[NextPriority]) -> tables.Cell:
    """The promised target, shown and recorded as a figure in the measure's unit, citing the
    line and column it was typed in; [z] (not applicable) where none is set."""
    data = record.data
    measure = data.measure
    if measure.startswith(LOCAL_MEASURE):
        indicator = f"local_measure_{data.unit}"
    else:
        indicator = {c: i for i, c in indicators.LAIT_CODES.items()}.get(measure, measure)
    if indicator in indicators.WIDER_INDICATORS:
        _ = ctx.published.lait_dictionary  # a wider-picture measure's places are LAIT's
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
