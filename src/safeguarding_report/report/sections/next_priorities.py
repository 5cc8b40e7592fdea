"""Section: next year's priorities and how success will be measured."""

from __future__ import annotations

from safeguarding_report.local.models import NextPriority
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Banner, Context, long_date

TEMPLATES: tuple[str, ...] = ("next_priorities",)


def banner(ctx: Context) -> Banner:
    """Says when the records are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def priorities_table(ctx: Context) -> tables.Table | text.Text:
    """Each priority for the coming year, its measure of success, its lead and deadline."""
    if sections.unsupplied(ctx, "next_priorities"):
        return sections.not_supplied(ctx, "next_priorities")
    return tables.grid(
        "Priorities for the coming year",
        ["Priority", "How we will know it has been achieved", "Lead", "By"],
        [
            [r.data.priority, r.data.success_measure, r.data.lead, long_date(r.data.by_when)]
            for r in ctx.records.rows(NextPriority)
        ],
        source=sections.template_file(ctx, "next_priorities"),
    )
