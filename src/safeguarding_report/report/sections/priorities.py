"""Section: priorities. What was done, its impact and evidence; then where progress stalled."""

from __future__ import annotations

from safeguarding_report.core import markup, registry
from safeguarding_report.local.models import Priority
from safeguarding_report.report import fragments, sections, tables, text
from safeguarding_report.report.sections import Banner, Context, possessive

TEMPLATES = registry.get("priorities").templates
STALLED = "little or no progress"


def banner(ctx: Context) -> Banner:
    """Says when the priorities are illustrative or still to be supplied (with their texts)."""
    texts = [f"priorities/{r.data.id}" for r in ctx.records.rows(Priority)]
    missing_texts = [t for t in texts if sections.unsupplied(ctx, t)]
    return sections.banner(ctx, (*TEMPLATES, *missing_texts))


def status_table(ctx: Context) -> tables.Table | text.Text:
    """Each agreed priority, its lead and how far it got."""
    return sections.records_table(
        ctx,
        Priority,
        f"The {possessive(ctx.terms.members)} priorities for {ctx.local_period} and the "
        "progress made",
        ["Priority", "Lead", "Progress by the end of the period"],
        lambda r: [f"{r.data.id}. {r.data.title}", r.data.lead, r.data.status.capitalize()],
    )


def progress(ctx: Context) -> text.Text:
    """Each priority that made progress: what was done, its impact and the evidence."""
    return _narratives(ctx, stalled=False)


def little_progress(ctx: Context) -> text.Text:
    """The priorities with little or no evidence of progress: why, and what happens next."""
    said = _narratives(ctx, stalled=True)
    if said.html:
        return said
    none = (
        "No priority was judged to have made little or no progress in the period."
        if not sections.unsupplied(ctx, "priorities")
        else ""
    )
    return text.words(none) if none else said


def _narratives(ctx: Context, *, stalled: bool) -> text.Text:
    if sections.unsupplied(ctx, "priorities"):
        return sections.not_supplied(ctx, "priorities")
    parts, plain = [], []
    for record in ctx.records.rows(Priority):
        if (record.data.status == STALLED) != stalled:
            continue
        heading = f"{record.data.id}. {record.data.title}"
        narrative = ctx.records.text(f"priorities/{record.data.id}")
        if narrative is None or narrative.draft:
            file = (
                narrative.source_file
                if narrative is not None
                else sections.template_file(ctx, f"priorities/{record.data.id}.md")
            )
            account = fragments.render("sections", "unwritten", file)
        else:
            account = markup.render(narrative.markdown, heading_offset=2)
        parts.append(
            fragments.render(
                "sections",
                "priority",
                heading=heading,
                status=record.data.status,
                lead=record.data.lead,
                account=fragments.safe(account),
            )
        )
        plain.append(heading)
    return text.Text("\n".join(parts) + ("\n" if parts else ""), [], "\n".join(plain))
