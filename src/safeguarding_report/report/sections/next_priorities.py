"""Section: next year's priorities, how success will be measured, and the measures promised."""

from __future__ import annotations

from safeguarding_report.local.models import NextPriority
from safeguarding_report.local.promises import direction, label, promises, target
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
            [p.priority, label(r.data), direction(r.data), target(r.data) or "none set"]
            for p in promises(ctx.records.rows(NextPriority))
            for r in p.measures
        ],
        source=sections.template_file(ctx, template),
        notes=[
            "Next year's report judges each priority by these measures, with this year's "
            "latest figures as the baseline."
        ],
    )
