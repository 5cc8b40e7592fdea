"""Section: learning from reviews. Notifications, rapid reviews, local and legacy reviews, actions.

Themes and counts only, never a child's details: the records hold anonymised references.
"""

from __future__ import annotations

from safeguarding_report.local.models import NationalReview, Recommendation, Review
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, Tally

banner = sections.banner_of("reviews")
KINDS: tuple[tuple[str, str], ...] = (
    ("serious incident notification", "Serious incident notifications"),
    ("rapid review", "Rapid reviews"),
    ("local child safeguarding practice review", "Local child safeguarding practice reviews"),
    ("serious case review (legacy)", "Serious case reviews (legacy)"),
)
# How many of each kind there were.
NUMBER_OF_KIND = {
    kind: Tally(indicator, "reviews")
    for kind, indicator in (
        ("serious incident notification", "serious_incident_notifications"),
        ("rapid review", "rapid_reviews"),
        ("local child safeguarding practice review", "local_practice_reviews"),
        ("serious case review (legacy)", "serious_case_reviews"),
    )
}
PUBLISHED = Tally("reviews_published", "reviews")
# A case (one reference) is counted once by theme, however many stages it went through; the
# stages are counted beside it, each notification or review once.
CASES = Tally("review_theme", "reviews", distinct="reference")
AT_STAGE = Tally("review_theme_stage", "reviews")
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Notifications", ("serious incident notification",)),
    ("Rapid reviews", ("rapid review",)),
    ("Reviews", ("local child safeguarding practice review", "serious case review (legacy)")),
)


def _in_period(ctx: Context, day: object) -> bool:
    return ctx.period_start is None or ctx.period_start <= day <= ctx.period_end  # type: ignore[operator]


@sections.needs("reviews")
def summary(ctx: Context) -> text.Text:
    """How many serious incidents were notified and how many reviews followed."""
    rows = ctx.records.rows(Review)
    notified = [r for r in rows if r.data.kind == KINDS[0][0]]
    rapid = [r for r in rows if r.data.kind == KINDS[1][0]]
    published = [r for r in rows if r.data.published and _in_period(ctx, r.data.published)]
    said = [
        text.say(
            "In {period}, {notified} " + ctx.terms.words.incidents_notified + ".",
            period=ctx.local_period,
            notified=NUMBER_OF_KIND[KINDS[0][0]].row(ctx, notified),
        )
    ]
    if ctx.terms.rapid_reviews:
        said.append(
            text.say(
                "{rapid} rapid reviews were completed.",
                rapid=NUMBER_OF_KIND[KINDS[1][0]].row(ctx, rapid),
            )
        )
    said.append(
        text.say(
            "{published} reviews were published.",
            published=PUBLISHED.row(ctx, published),
        )
    )
    return text.paragraph(*said)


@sections.needs("reviews")
def counts_table(ctx: Context) -> tables.Table:
    """Each kind of notification or review: how many, how many decided, how many published."""
    rows = ctx.records.rows(Review)
    body: list[list[tables.Cell]] = []
    for kind, words in KINDS:
        mine = [r for r in rows if r.data.kind == kind]
        if kind not in ctx.terms.words.review_kinds and not mine:
            continue  # a kind of review the framework does not have, and none recorded
        decided = [r for r in mine if r.data.decision != "decision pending"]
        published = [r for r in mine if r.data.published and _in_period(ctx, r.data.published)]
        number = NUMBER_OF_KIND[kind]
        body.append(
            [
                words,
                number.cell(ctx, mine, f"kind: {kind}"),
                number.cell(ctx, decided, f"kind: {kind}; decided"),
                PUBLISHED.cell(ctx, published, f"kind: {kind}"),
            ]
        )
    return tables.grid(
        f"Notifications and reviews, {ctx.local_period}",
        ["Kind", "Number", "Decided", "Published"],
        body,
        source=sections.template_file(ctx, "reviews"),
        notes=["Counts only: no child is identified in this report."],
    )


@sections.needs("reviews")
def themes_table(ctx: Context) -> tables.Table:
    """Each theme: how many cases it came up in (each case once), and at each stage."""
    rows = ctx.records.rows(Review)
    stages = [
        (words, kinds)
        for words, kinds in STAGES
        if any(k in ctx.terms.words.review_kinds for k in kinds)
        or any(r.data.kind in kinds for r in rows)
    ]
    cases = {
        theme: len({r.data.reference for r in rows if theme in r.data.themes})
        for r in rows
        for theme in r.data.themes
    }
    body: list[list[tables.Cell]] = []
    for theme, _ in sorted(cases.items(), key=lambda kv: (-kv[1], kv[0])):
        about = [r for r in rows if theme in r.data.themes]
        body.append(
            [
                theme.capitalize(),
                CASES.cell(ctx, about, f"theme: {theme}"),
                *(
                    AT_STAGE.cell(
                        ctx,
                        [r for r in about if r.data.kind in kinds],
                        f"theme: {theme}; stage: {words.lower()}",
                    )
                    for words, kinds in stages
                ),
            ]
        )
    return tables.grid(
        "Themes in the notifications and reviews: cases, and each stage",
        ["Theme", "Cases", *(words for words, _ in stages)],
        body,
        source=sections.template_file(ctx, "reviews"),
        notes=[
            "Cases counts each case once, by its reference, however many stages it went "
            "through; the stages count each notification, rapid review and review, so a case "
            "notified, reviewed rapidly and then reviewed is counted once in each. A case can "
            "have more than one theme."
        ],
    )


def tracker_table(ctx: Context) -> tables.Table | text.Text:
    """Each recommendation, the action taken, the evidence of change and where it stands."""
    return sections.records_table(
        ctx,
        Recommendation,
        "From recommendation to action and evidence of change",
        ["Review and recommendation", "Action taken", "Evidence of change", "Status"],
        lambda r: [
            f"{r.data.review} ({r.data.number}): {r.data.recommendation}",
            r.data.action_taken,
            r.data.evidence_of_change or "Not yet evidenced",
            r.data.status.capitalize(),
        ],
    )


def national_table(ctx: Context) -> tables.Table | text.Text:
    """The national reviews the partnership considered and what it did with them."""
    return sections.records_table(
        ctx,
        NationalReview,
        "National reviews considered",
        ["Review", "Published", f"How {ctx.body} used it"],
        lambda r: [r.data.title, str(r.data.year_published), r.data.how_considered],
    )
