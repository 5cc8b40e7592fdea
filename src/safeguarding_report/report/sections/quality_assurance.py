"""Section: quality assurance. Multi-agency and section 11 audits, the LADO, private fostering."""

from __future__ import annotations

from safeguarding_report.local.models import Audit, Lado, PrivateFostering, Section11
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, Tally

banner = sections.banner_of("quality_assurance")
RATINGS: tuple[str, ...] = ("met", "partially met", "not met")
# Cases reviewed are each about a child, and withheld when few; agencies reviewed are not.
REVIEWED = {
    "cases": Tally("audit_reviewed", "audits", "reviewed"),
    "agencies": Tally("audit_agencies_reviewed", "audits", "reviewed"),
}
NOT_MET = Tally("section11_not_met", "section11")
RATED = Tally("section11_standards", "section11")


def audits_table(ctx: Context) -> tables.Table | text.Text:
    """Each audit: what it looked at, its main finding and what was done."""
    return sections.records_table(
        ctx,
        Audit,
        f"Audits completed, {ctx.local_period}",
        ["Audit", "Kind", "Reviewed", "Main finding", "What was done"],
        lambda r: [
            r.data.audit,
            r.data.kind.capitalize(),
            REVIEWED[r.data.reviewed_unit].cell(
                ctx, [r], f"audit: {r.data.audit}", f" {r.data.reviewed_unit}"
            ),
            r.data.key_finding,
            r.data.action,
        ],
    )


@sections.needs("section11")
def section11_summary(ctx: Context) -> text.Text:
    """How many organisations assessed themselves and how many standards were not met."""
    rows = ctx.records.rows(Section11)
    not_met = [r for r in rows if r.data.rating == "not met"]
    organisations = len({r.data.organisation for r in rows})
    return text.say(
        "{organisations} organisations assessed themselves against the section 11 standards. "
        "Across all of them, the number of standards rated not met was {not_met}.",
        organisations=str(organisations),
        not_met=NOT_MET.row(ctx, not_met),
    )


@sections.needs("section11")
def section11_table(ctx: Context) -> tables.Table:
    """For each standard, how many organisations rated it met, partially met and not met."""
    rows = ctx.records.rows(Section11)
    standards = list(dict.fromkeys(r.data.standard for r in rows))
    body: list[list[tables.Cell]] = [
        [
            standard.capitalize(),
            *(
                RATED.cell(
                    ctx,
                    [r for r in rows if r.data.standard == standard and r.data.rating == rating],
                    f"standard: {standard}; rating: {rating}",
                )
                for rating in RATINGS
            ),
        ]
        for standard in standards
    ]
    return tables.grid(
        "Section 11 self-assessment: organisations by rating of each standard",
        ["Standard", "Met", "Partially met", "Not met"],
        body,
        source=sections.template_file(ctx, "section11"),
    )


def _measures(
    ctx: Context, model: type[Lado] | type[PrivateFostering], indicator: str, caption: str
) -> tables.Table | text.Text:
    """A count per measure, as the LADO and private fostering records hold them."""
    count = Tally(indicator, sections.csv_template(model), "count")
    return sections.records_table(
        ctx,
        model,
        f"{caption}, {ctx.local_period}",
        ["Measure", "Number"],
        lambda r: [
            r.data.measure.capitalize(),
            count.cell(ctx, [r], f"measure: {r.data.measure}"),
        ],
    )


def lado_table(ctx: Context) -> tables.Table | text.Text:
    """The Local Authority Designated Officer's counts for the period."""
    return _measures(ctx, Lado, "lado_count", "Allegations against adults who work with children")


def private_fostering_table(ctx: Context) -> tables.Table | text.Text:
    """Private fostering notifications and arrangements in the period."""
    return _measures(ctx, PrivateFostering, "private_fostering_count", "Private fostering")
