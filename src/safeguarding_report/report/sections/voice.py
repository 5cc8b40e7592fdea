"""Section: voice of children and families. What they said and what changed as a result."""

from __future__ import annotations

from safeguarding_report.local.models import Voice
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Banner, Context

TEMPLATES: tuple[str, ...] = ("voice",)


def banner(ctx: Context) -> Banner:
    """Says when the records are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def voice_table(ctx: Context) -> tables.Table | text.Text:
    """'You said, we did': each source, what was said, what changed."""
    if sections.unsupplied(ctx, "voice"):
        return sections.not_supplied(ctx, "voice")
    return tables.grid(
        "What children, young people and families told us, and what changed",
        ["Where we heard it", "What they said", "What changed as a result"],
        [
            [r.data.source, r.data.what_was_said, r.data.what_changed]
            for r in ctx.records.rows(Voice)
        ],
        source=sections.template_file(ctx, "voice"),
    )
