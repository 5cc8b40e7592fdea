"""Section: learning from reviews. Notifications, rapid reviews, local and legacy reviews, actions.

Themes and counts only, never a child's details: the records hold anonymised references.
"""

from __future__ import annotations

from collections import Counter

from safeguarding_report.local.models import NationalReview, Recommendation, Review
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Banner, Context, local_figure

TEMPLATES: tuple[str, ...] = ("reviews", "recommendations", "national_reviews")
KINDS: tuple[tuple[str, str], ...] = (
    ("serious incident notification", "Serious incident notifications"),
    ("rapid review", "Rapid reviews"),
    ("local child safeguarding practice review", "Local child safeguarding practice reviews"),
    ("serious case review (legacy)", "Serious case reviews (legacy)"),
)
INDICATOR_OF_KIND = {
    "serious incident notification": "serious_incident_notifications",
    "rapid review": "rapid_reviews",
    "local child safeguarding practice review": "local_practice_reviews",
    "serious case review (legacy)": "reviews_published",
}


def banner(ctx: Context) -> Banner:
    """Says when the review records are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def _in_period(ctx: Context, day: object) -> bool:
    return ctx.period_start is None or ctx.period_start <= day <= ctx.period_end  # type: ignore[operator]


def summary(ctx: Context) -> text.Text:
    """How many serious incidents were notified and how many reviews followed."""
    if sections.unsupplied(ctx, "reviews"):
        return sections.not_supplied(ctx, "reviews")
    rows = ctx.records.rows(Review)
    notified = [r for r in rows if r.data.kind == KINDS[0][0]]
    rapid = [r for r in rows if r.data.kind == KINDS[1][0]]
    published = [r for r in rows if r.data.published and _in_period(ctx, r.data.published)]
    said = [
        text.say(
            "In {period}, {notified} " + ctx.terms.words.incidents_notified + ".",
            period=ctx.local_period,
            notified=local_figure(
                ctx, "serious_incident_notifications", notified, template="reviews"
            ),
        )
    ]
    if ctx.terms.rapid_reviews:
        said.append(
            text.say(
                "{rapid} rapid reviews were completed.",
                rapid=local_figure(ctx, "rapid_reviews", rapid, template="reviews"),
            )
        )
    said.append(
        text.say(
            "{published} reviews were published.",
            published=local_figure(ctx, "reviews_published", published, template="reviews"),
        )
    )
    return text.paragraph(*said)


def counts_table(ctx: Context) -> tables.Table | text.Text:
    """Each kind of notification or review: how many, how many decided, how many published."""
    if sections.unsupplied(ctx, "reviews"):
        return sections.not_supplied(ctx, "reviews")
    rows = ctx.records.rows(Review)
    body: list[list[tables.Cell]] = []
    for kind, words in KINDS:
        mine = [r for r in rows if r.data.kind == kind]
        if kind not in ctx.terms.words.review_kinds and not mine:
            continue  # a kind of review the framework does not have, and none recorded
        decided = [r for r in mine if r.data.decision != "decision pending"]
        published = [r for r in mine if r.data.published and _in_period(ctx, r.data.published)]
        indicator = INDICATOR_OF_KIND[kind]
        body.append(
            [
                words,
                tables.Figure(
                    local_figure(
                        ctx, indicator, mine, template="reviews", breakdown=f"kind: {kind}"
                    )
                ),
                tables.Figure(
                    local_figure(
                        ctx,
                        indicator,
                        decided,
                        template="reviews",
                        breakdown=f"kind: {kind}; decided",
                    )
                ),
                tables.Figure(
                    local_figure(
                        ctx,
                        "reviews_published",
                        published,
                        template="reviews",
                        breakdown=f"kind: {kind}",
                    )
                ),
            ]
        )
    return tables.grid(
        f"Notifications and reviews, {ctx.local_period}",
        ["Kind", "Number", "Decided", "Published"],
        body,
        source=sections.template_file(ctx, "reviews"),
        notes=["Counts only: no child is identified in this report."],
    )


def themes_table(ctx: Context) -> tables.Table | text.Text:
    """How often each theme came up across the notifications and reviews."""
    if sections.unsupplied(ctx, "reviews"):
        return sections.not_supplied(ctx, "reviews")
    rows = ctx.records.rows(Review)
    counts = Counter(theme for r in rows for theme in r.data.themes)
    body: list[list[tables.Cell]] = [
        [
            theme.capitalize(),
            tables.Figure(
                local_figure(
                    ctx,
                    "review_theme",
                    [r for r in rows if theme in r.data.themes],
                    template="reviews",
                    breakdown=f"theme: {theme}",
                )
            ),
        ]
        for theme, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return tables.grid(
        "Themes in the notifications and reviews",
        ["Theme", "Notifications and reviews"],
        body,
        source=sections.template_file(ctx, "reviews"),
        notes=["A notification or review can have more than one theme."],
    )


def tracker_table(ctx: Context) -> tables.Table | text.Text:
    """Each recommendation, the action taken, the evidence of change and where it stands."""
    if sections.unsupplied(ctx, "recommendations"):
        return sections.not_supplied(ctx, "recommendations")
    rows = ctx.records.rows(Recommendation)
    return tables.grid(
        "From recommendation to action and evidence of change",
        ["Review and recommendation", "Action taken", "Evidence of change", "Status"],
        [
            [
                f"{r.data.review} ({r.data.number}): {r.data.recommendation}",
                r.data.action_taken,
                r.data.evidence_of_change or "Not yet evidenced",
                r.data.status.capitalize(),
            ]
            for r in rows
        ],
        source=sections.template_file(ctx, "recommendations"),
    )


def national_table(ctx: Context) -> tables.Table | text.Text:
    """The national reviews the partnership considered and what it did with them."""
    if sections.unsupplied(ctx, "national_reviews"):
        return sections.not_supplied(ctx, "national_reviews")
    rows = ctx.records.rows(NationalReview)
    return tables.grid(
        "National reviews considered",
        ["Review", "Published", f"How {ctx.body} used it"],
        [[r.data.title, str(r.data.year_published), r.data.how_considered] for r in rows],
        source=sections.template_file(ctx, "national_reviews"),
    )
