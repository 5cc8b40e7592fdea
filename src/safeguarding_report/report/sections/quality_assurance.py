"""Section: quality assurance. Multi-agency and section 11 audits, the LADO, private fostering."""

from __future__ import annotations

from typing import Any

from safeguarding_report.local.models import Audit, Lado, PrivateFostering, Section11
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Banner, Context, local_figure

TEMPLATES: tuple[str, ...] = ("audits", "section11", "lado", "private_fostering")
RATINGS: tuple[str, ...] = ("met", "partially met", "not met")


def banner(ctx: Context) -> Banner:
    """Says when the quality assurance records are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def audits_table(ctx: Context) -> tables.Table | text.Text:
    """Each audit: what it looked at, its main finding and what was done."""
    if sections.unsupplied(ctx, "audits"):
        return sections.not_supplied(ctx, "audits")
    body: list[list[tables.Cell]] = []
    for r in ctx.records.rows(Audit):
        body.append(
            [
                r.data.audit,
                r.data.kind.capitalize(),
                tables.Figure(
                    local_figure(
                        ctx,
                        "audit_reviewed",
                        [r],
                        template="audits",
                        column="reviewed",
                        breakdown=f"audit: {r.data.audit}",
                    ),
                    suffix=f" {r.data.reviewed_unit}",
                ),
                r.data.key_finding,
                r.data.action,
            ]
        )
    return tables.grid(
        f"Audits completed, {ctx.local_period}",
        ["Audit", "Kind", "Reviewed", "Main finding", "What was done"],
        body,
        source=sections.template_file(ctx, "audits"),
    )


def section11_summary(ctx: Context) -> text.Text:
    """How many organisations assessed themselves and how many standards were not met."""
    if sections.unsupplied(ctx, "section11"):
        return sections.not_supplied(ctx, "section11")
    rows = ctx.records.rows(Section11)
    not_met = [r for r in rows if r.data.rating == "not met"]
    organisations = len({r.data.organisation for r in rows})
    return text.say(
        "{organisations} organisations assessed themselves against the section 11 standards. "
        "Across all of them, the number of standards rated not met was {not_met}.",
        organisations=str(organisations),
        not_met=local_figure(ctx, "section11_not_met", not_met, template="section11"),
    )


def section11_table(ctx: Context) -> tables.Table | text.Text:
    """For each standard, how many organisations rated it met, partially met and not met."""
    if sections.unsupplied(ctx, "section11"):
        return sections.not_supplied(ctx, "section11")
    rows = ctx.records.rows(Section11)
    standards = list(dict.fromkeys(r.data.standard for r in rows))
    body: list[list[tables.Cell]] = []
    for standard in standards:
        line: list[tables.Cell] = [standard.capitalize()]
        for rating in RATINGS:
            mine = [r for r in rows if r.data.standard == standard and r.data.rating == rating]
            line.append(
                tables.Figure(
                    local_figure(
                        ctx,
                        "section11_standards",
                        mine,
                        template="section11",
                        breakdown=f"standard: {standard}; rating: {rating}",
                    )
                )
            )
        body.append(line)
    return tables.grid(
        "Section 11 self-assessment: organisations by rating of each standard",
        ["Standard", "Met", "Partially met", "Not met"],
        body,
        source=sections.template_file(ctx, "section11"),
    )


def _measures(
    ctx: Context, template: str, model: Any, indicator: str, caption: str
) -> tables.Table | text.Text:
    if sections.unsupplied(ctx, template):
        return sections.not_supplied(ctx, template)
    body: list[list[tables.Cell]] = [
        [
            r.data.measure.capitalize(),
            tables.Figure(
                local_figure(
                    ctx,
                    indicator,
                    [r],
                    template=template,
                    column="count",
                    breakdown=f"measure: {r.data.measure}",
                )
            ),
        ]
        for r in ctx.records.rows(model)
    ]
    return tables.grid(
        f"{caption}, {ctx.local_period}",
        ["Measure", "Number"],
        body,
        source=sections.template_file(ctx, template),
    )


def lado_table(ctx: Context) -> tables.Table | text.Text:
    """The Local Authority Designated Officer's counts for the period."""
    return _measures(
        ctx, "lado", Lado, "lado_count", "Allegations against adults who work with children"
    )


def private_fostering_table(ctx: Context) -> tables.Table | text.Text:
    """Private fostering notifications and arrangements in the period."""
    return _measures(
        ctx, "private_fostering", PrivateFostering, "private_fostering_count", "Private fostering"
    )
