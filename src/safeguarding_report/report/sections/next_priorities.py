"""Section: next year's priorities, how success will be measured, and the measures promised."""

from __future__ import annotations

from safeguarding_report.local.models import NextPriority
from safeguarding_report.local.promises import promised, promises
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, long_date

banner = sections.banner_of("next_priorities")


def priorities_table(ctx: Context) -> tables.Table | text.Text:
    """Each priority for the coming year, its measure of success in words and the measures
    (and targets) that will judge it next year, its lead and deadline."""
    template = sections.csv_template(NextPriority)
    if sections.unsupplied(ctx, template):
        return sections.not_supplied(ctx, template)
    return tables.grid(
        "Priorities for the coming year",
        ["Priority", "How we will know it has been achieved, and the measures", "Lead", "By"],
        [
            [
                p.priority,
                f"{p.success_measure} Measured by: "
                + "; ".join(promised(r.data) for r in p.measures)
                + ".",
                p.lead,
                long_date(p.by_when),
            ]
            for p in promises(ctx.records.rows(NextPriority))
        ],
        source=sections.template_file(ctx, template),
        notes=[
            "Next year's report judges each priority by these measures, from this year's "
            "latest figures as the baseline."
        ],
    )
