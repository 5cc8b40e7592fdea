"""Section: voice of children and families. What they said and what changed as a result."""

from __future__ import annotations

from safeguarding_report.local.models import Voice
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context

banner = sections.banner_of("voice")


def voice_table(ctx: Context) -> tables.Table | text.Text:
    """'You said, we did': each source, what was said, what changed."""
    return sections.records_table(
        ctx,
        Voice,
        "What children, young people and families told us, and what changed",
        ["Where we heard it", "What they said", "What changed as a result"],
        lambda r: [r.data.source, r.data.what_was_said, r.data.what_changed],
    )
