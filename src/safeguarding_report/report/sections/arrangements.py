"""Section: arrangements and governance. Who leads, who takes part, how it is organised, funding."""

from __future__ import annotations

from typing import get_args

from safeguarding_report.local.models import Funding, Partner, PartnerRole, Subgroup
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, Tally

banner = sections.banner_of("arrangements")
# The order models.PartnerRole declares, so a role added there needs nothing here.
ROLE_ORDER = {role: n for n, role in enumerate(get_args(PartnerRole))}
CONTRIBUTION = Tally("funding_contribution", "funding", "contribution_pounds")


def partners_table(ctx: Context) -> tables.Table | text.Text:
    """The safeguarding partners and relevant agencies, with their place in the arrangements."""
    return sections.records_table(
        ctx,
        Partner,
        f"Who takes part in the arrangements of the {ctx.terms.body}",
        ["Organisation", "Kind", "Role in the arrangements", "Represented by"],
        lambda r: [
            r.data.partner,
            r.data.kind,
            r.data.role.capitalize(),
            r.data.representative_job_title,
        ],
        order=lambda r: ROLE_ORDER[r.data.role],
    )


def subgroups_table(ctx: Context) -> tables.Table | text.Text:
    """The subgroups, what each is for, and what changed this year."""
    return sections.records_table(
        ctx,
        Subgroup,
        "Subgroups and what changed in the year",
        ["Subgroup", "Purpose", "Chaired by", "This year", "Why"],
        lambda r: [
            r.data.name,
            r.data.purpose,
            r.data.chaired_by,
            r.data.change.capitalize(),
            r.data.note,
        ],
    )


@sections.needs("funding")
def funding_summary(ctx: Context) -> text.Text:
    """The total the partners contributed."""
    rows = ctx.records.rows(Funding)
    return text.say(
        "Contributions to the arrangements in {period} came to {total} in all, as well as "
        "help in kind.",
        total=CONTRIBUTION.row(ctx, rows),
        period=ctx.local_period,
    )


@sections.needs("funding")
def funding_table(ctx: Context) -> tables.Table:
    """Each partner's financial contribution and help in kind."""
    rows = ctx.records.rows(Funding)
    body: list[list[tables.Cell]] = [
        [
            r.data.partner,
            CONTRIBUTION.cell(ctx, [r], f"partner: {r.data.partner}"),
            r.data.in_kind or "None recorded",
        ]
        for r in rows
    ]
    body.append(["Total", CONTRIBUTION.cell(ctx, rows), ""])
    return tables.grid(
        f"Contributions to the arrangements, {ctx.local_period}",
        ["Partner", "Contribution", "Help in kind"],
        body,
        source=sections.template_file(ctx, "funding"),
    )
