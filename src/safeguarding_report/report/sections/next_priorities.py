"""Section: next year's priorities and how success will be measured."""

from __future__ import annotations

from safeguarding_report.local.models import NextPriority
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, long_date

banner = sections.banner_of("next_priorities")


def priorities_table(ctx: Context) -> tables.Table | text.Text:
    """Each priority for the coming year, its measure of success, its lead and deadline."""
    return sections.records_table(
        ctx,
        NextPriority,
        "Priorities for the coming year",
        ["Priority", "How we will know it has been achieved", "Lead", "By"],
        lambda r: [r.data.priority, r.data.success_measure, r.data.lead, long_date(r.data.by_when)],
    )
