"""Section: independent scrutiny. The scrutineer's evaluation and the partners' response."""

from __future__ import annotations

from safeguarding_report.report import fragments, sections, text
from safeguarding_report.report.sections import Context, long_date

banner = sections.banner_of("scrutiny")


def statement(ctx: Context) -> text.Text:
    """The independent scrutineer's evaluation (a Board's: its chair's), in their own words."""
    return _headed(ctx.terms.words.scrutiny_statement, _narrative(ctx, "scrutiny"))


def response(ctx: Context) -> text.Text:
    """The safeguarding partners' (or Board members') response to it."""
    return _headed(ctx.terms.words.scrutiny_response, _narrative(ctx, "scrutiny_response"))


def _headed(heading: str, said: text.Text) -> text.Text:
    """A narrative under its own heading, worded by the framework."""
    html = fragments.render("sections", "headed", heading, fragments.safe(said.html))
    return text.Text(html, said.records, f"{heading}\n{said.plain}")


def _narrative(ctx: Context, name: str) -> text.Text:
    narrative = ctx.records.text(name)
    if narrative is None:
        return sections.not_supplied(ctx, name)
    if narrative.draft:
        said = f"To be written: {sections.template_file(ctx, name)} is still a draft."
        return text.Text(fragments.render("text", "empty", said), [], said)
    meta = narrative.meta
    by = []
    if getattr(meta, "scrutineer", None):
        by.append(f"{meta.scrutineer}, {meta.role}")  # type: ignore[attr-defined]
    by += [f"{s.name}, {s.role}" for s in getattr(meta, "signed_by", [])]
    when = getattr(meta, "date", None)
    sign = "; ".join(by) + (f", {long_date(when)}" if when else "")
    return sections.written(narrative, heading_offset=2, signed=sign)
