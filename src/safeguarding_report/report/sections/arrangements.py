"""Section: arrangements and governance. Who leads, who takes part, how it is organised, funding."""

from __future__ import annotations

from typing import get_args

from safeguarding_report.local.models import Funding, Partner, PartnerRole, Subgroup
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Banner, Context, local_figure

TEMPLATES: tuple[str, ...] = ("partners", "subgroups", "funding")


def banner(ctx: Context) -> Banner:
    """Says when the records behind this section are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def partners_table(ctx: Context) -> tables.Table | text.Text:
    """The safeguarding partners and relevant agencies, with their place in the arrangements."""
    if sections.unsupplied(ctx, "partners"):
        return sections.not_supplied(ctx, "partners")
    rows = ctx.records.rows(Partner)
    # The order models.PartnerRole declares, so a role added there needs nothing here.
    order = {role: n for n, role in enumerate(get_args(PartnerRole))}
    rows = sorted(rows, key=lambda r: order[r.data.role])
    return tables.grid(
        f"Who takes part in the arrangements of the {ctx.terms.body}",
        ["Organisation", "Kind", "Role in the arrangements", "Represented by"],
        [
            [r.data.partner, r.data.kind, r.data.role.capitalize(), r.data.representative_job_title]
            for r in rows
        ],
        source=sections.template_file(ctx, "partners"),
    )


def subgroups_table(ctx: Context) -> tables.Table | text.Text:
    """The subgroups, what each is for, and what changed this year."""
    if sections.unsupplied(ctx, "subgroups"):
        return sections.not_supplied(ctx, "subgroups")
    rows = ctx.records.rows(Subgroup)
    return tables.grid(
        "Subgroups and what changed in the year",
        ["Subgroup", "Purpose", "Chaired by", "This year", "Why"],
        [
            [
                r.data.name,
                r.data.purpose,
                r.data.chaired_by,
                r.data.change.capitalize(),
                r.data.note,
            ]
            for r in rows
        ],
        source=sections.template_file(ctx, "subgroups"),
    )


def funding_summary(ctx: Context) -> text.Text:
    """The total the partners contributed."""
    if sections.unsupplied(ctx, "funding"):
        return sections.not_supplied(ctx, "funding")
    rows = ctx.records.rows(Funding)
    total = local_figure(
        ctx, "funding_contribution", rows, template="funding", column="contribution_pounds"
    )
    return text.say(
        "Contributions to the arrangements in {period} came to {total} in all, as well as "
        "help in kind.",
        total=total,
        period=ctx.local_period,
    )


def funding_table(ctx: Context) -> tables.Table | text.Text:
    """Each partner's financial contribution and help in kind."""
    if sections.unsupplied(ctx, "funding"):
        return sections.not_supplied(ctx, "funding")
    rows = ctx.records.rows(Funding)
    body: list[list[tables.Cell]] = [
        [
            r.data.partner,
            tables.Figure(
                local_figure(
                    ctx,
                    "funding_contribution",
                    [r],
                    template="funding",
                    column="contribution_pounds",
                    breakdown=f"partner: {r.data.partner}",
                )
            ),
            r.data.in_kind or "None recorded",
        ]
        for r in rows
    ]
    body.append(
        [
            "Total",
            tables.Figure(
                local_figure(
                    ctx,
                    "funding_contribution",
                    rows,
                    template="funding",
                    column="contribution_pounds",
                )
            ),
            "",
        ]
    )
    return tables.grid(
        f"Contributions to the arrangements, {ctx.local_period}",
        ["Partner", "Contribution", "Help in kind"],
        body,
        source=sections.template_file(ctx, "funding"),
    )
