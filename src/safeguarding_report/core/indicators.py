"""The indicators the report shows: what each is called and what it measures.

Where each published one is read from, and how rates are derived, is in ``data/catalogue.py``;
how each counted from the partnership's own records is counted, in ``local/counts.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, cast

import yaml

# The decimal places a measure's figures are shown with, unless it declares its own (``dps``):
# people, events and pounds are whole; rates, percentages and ratios have one decimal place,
# as the DfE publishes most of them. Every figure of a measure (the area's, a comparator's, a
# mean, a change) is shown with the same number of places, in tables, charts and sentences.
DPS_BY_UNIT: dict[str, int] = {"count": 0, "pounds": 0, "rate": 1, "percent": 1, "ratio": 1}

# The unit of disclosure: what one of a count's units is. The DfE's and the Government
# Statistical Service's disclosure guidance withhold small counts of people (children, young
# people, families) and of what would identify them (events that each concern one child: a
# referral, a notification, a rapid review, an allegation); they do not withhold counts of
# organisations and their ratings, staff, courses and meetings, money or published documents.
About = Literal[
    "children",  # children and young people
    "families",
    "events",  # events that each concern one child
    "organisations",  # organisations, settings and the ratings they give themselves
    "staff",  # people who work with children: attendances, respondents
    "activities",  # courses, sessions, meetings, audits, recommendations
    "money",
    "documents",  # published documents: a published review is public
]
PROTECTED: frozenset[str] = frozenset({"children", "families", "events"})
# Who a withheld figure protects, as the note under it says.
CONCERNED: dict[str, str] = {
    "children": "the children concerned",
    "families": "the families concerned",
    "events": "the children concerned",
}
# The nouns a narrative counts people by ("three children", "two families"): a count of them
# in the suppression range is read for disclosure (report/narratives.py).
PEOPLE_NOUNS: dict[str, tuple[str, ...]] = {
    "children": (
        "children",
        "child",
        "young people",
        "young person",
        "babies",
        "baby",
        "infants",
        "infant",
        "teenagers",
        "siblings",
        "deaths",
    ),
    "families": ("families", "family"),
}


@dataclass(frozen=True)
class Indicator:
    """One measure, published or counted from local records, named for a board member."""

    id: str
    label: str  # plain English for a board member
    unit: Literal[
        "count", "rate", "percent", "ratio", "pounds"
    ]  # rate = per 10,000 children aged 0 to 17
    description: str  # one sentence: what it measures, from the DfE's definition
    # "higher" = a higher value is better; set only where the direction is agreed (as in the
    # DfE's Local Authority Interactive Tool); None for rates with no agreed direction.
    polarity: Literal["higher", "lower"] | None = None
    # The charts' axis title where the unit's usual words do not fit: a wider-picture rate is
    # per 1,000 live births, per 100,000 aged 10 to 17 ..., not per 10,000 children.
    axis: str = ""
    # Decimal places, where the publisher publishes the measure with other than its unit's
    # (DPS_BY_UNIT): e.g. the DfE publishes looked-after rates as whole numbers. None for a
    # wider-picture measure: LAIT's data dictionary gives its places (``decimals``).
    dps: int | None = None
    # What one of a count's units is (``About``): only counts of children, families and events
    # concerning a child are withheld when small. Published counts are of children unless said.
    about: About = "children"
    # The nouns a narrative states this figure with ("rapid reviews"), longest first where
    # they overlap, and a word the sentence must hold for it to be this figure ("publish").
    nouns: tuple[str, ...] = ()
    said_with: str = ""

    @property
    def protected(self) -> bool:
        """Whether a small count of this measure is withheld (its unit is people or events
        concerning a child)."""
        return self.unit == "count" and self.about in PROTECTED


def _all(*items: Indicator) -> dict[str, Indicator]:
    return {i.id: i for i in items}


INDICATORS: dict[str, Indicator] = _all(
    Indicator(
        "population_0_17",
        "Children aged 0 to 17",
        "count",
        "The ONS mid-year estimate of the number of children aged 0 to 17 living in the area "
        "(period is the mid-year, 30 June).",
    ),
    Indicator(
        "cin_at_31_march",
        "Children in need at 31 March",
        "count",
        "Children assessed as needing help and protection from children's social care whose "
        "episode of need was open on 31 March.",
    ),
    Indicator(
        "cin_rate",
        "Children in need at 31 March, rate per 10,000 children",
        "rate",
        "Children in need at 31 March per 10,000 children aged 0 to 17.",
    ),
    Indicator(
        "referrals",
        "Referrals to children's social care",
        "count",
        "Referrals received by children's social care in the year to 31 March, counting each "
        "referral, not each child.",
        about="events",
    ),
    Indicator(
        "referrals_rate",
        "Referrals, rate per 10,000 children",
        "rate",
        "Referrals in the year to 31 March per 10,000 children aged 0 to 17.",
    ),
    Indicator(
        "rereferrals_pct",
        "Re-referrals within 12 months (%)",
        "percent",
        "Referrals in the year that came within 12 months of a previous referral for the same "
        "child, as a percentage of all referrals.",
        polarity="lower",
    ),
    Indicator(
        "s47_enquiries",
        "Section 47 enquiries",
        "count",
        "Enquiries under section 47 of the Children Act 1989, made when there is reasonable "
        "cause to suspect a child is suffering or likely to suffer significant harm, started in "
        "the year.",
        about="events",
    ),
    Indicator(
        "s47_rate",
        "Section 47 enquiries, rate per 10,000 children",
        "rate",
        "Section 47 enquiries started in the year per 10,000 children aged 0 to 17.",
    ),
    Indicator(
        "icpc",
        "Initial child protection conferences",
        "count",
        "Initial child protection conferences held in the year, where professionals and the "
        "family decide whether the child needs a child protection plan.",
        about="events",
    ),
    Indicator(
        "icpc_rate",
        "Initial child protection conferences, rate per 10,000 children",
        "rate",
        "Initial child protection conferences in the year per 10,000 children aged 0 to 17.",
    ),
    Indicator(
        "cpp_started",
        "Child protection plans started",
        "count",
        "Child protection plans that started in the year to 31 March.",
        about="events",
    ),
    Indicator(
        "cpp_at_31_march",
        "Children on a child protection plan at 31 March",
        "count",
        "Children who were the subject of a child protection plan on 31 March.",
    ),
    Indicator(
        "cpp_rate",
        "Child protection plans at 31 March, rate per 10,000 children",
        "rate",
        "Children on a child protection plan at 31 March per 10,000 children aged 0 to 17.",
    ),
    Indicator(
        "cpp_subsequent_pct",
        "Child protection plans that were a second or subsequent plan (%)",
        "percent",
        "Child protection plans started in the year that were the child's second or later "
        "plan, as a percentage of all plans started.",
        polarity="lower",
    ),
    Indicator(
        "cpp_2_years_or_more",
        "Child protection plans at 31 March lasting two years or more",
        "count",
        "Children on a child protection plan at 31 March whose plan had lasted two years or more.",
    ),
    Indicator(
        "cpp_2_years_or_more_pct",
        "Child protection plans at 31 March lasting two years or more (%)",
        "percent",
        "Child protection plans open at 31 March that had lasted two years or more, as a "
        "percentage of all plans open at 31 March.",
        polarity="lower",
    ),
    Indicator(
        "factor_domestic_abuse_child",
        "Assessments identifying domestic abuse concerning the child",
        "count",
        "Assessments completed in the year to 31 March that identified domestic abuse where the "
        "child is the subject as a factor.",
        about="events",
    ),
    Indicator(
        "factor_domestic_abuse_parent",
        "Assessments identifying domestic abuse concerning a parent or carer",
        "count",
        "Assessments completed in the year to 31 March that identified domestic abuse where a "
        "parent or carer is the subject as a factor.",
        about="events",
    ),
    Indicator(
        "factor_domestic_abuse_other",
        "Assessments identifying domestic abuse concerning another person in the household",
        "count",
        "Assessments completed in the year to 31 March that identified domestic abuse where "
        "another person living in the household is the subject as a factor.",
        about="events",
    ),
    Indicator(
        "factor_mental_health_child",
        "Assessments identifying mental health of the child",
        "count",
        "Assessments completed in the year to 31 March that identified concerns about the child's"
        " mental health as a factor.",
        about="events",
    ),
    Indicator(
        "factor_mental_health_parent",
        "Assessments identifying mental health of a parent or carer",
        "count",
        "Assessments completed in the year to 31 March that identified concerns about a parent's "
        "or carer's mental health as a factor.",
        about="events",
    ),
    Indicator(
        "factor_drug_misuse_child",
        "Assessments identifying drug misuse by the child",
        "count",
        "Assessments completed in the year to 31 March that identified drug misuse by the child "
        "as a factor.",
        about="events",
    ),
    Indicator(
        "factor_drug_misuse_parent",
        "Assessments identifying drug misuse by a parent or carer",
        "count",
        "Assessments completed in the year to 31 March that identified drug misuse by a parent or"
        " carer as a factor.",
        about="events",
    ),
    Indicator(
        "factor_drug_misuse_other",
        "Assessments identifying drug misuse by another person in the household",
        "count",
        "Assessments completed in the year to 31 March that identified drug misuse by another "
        "person living in the household as a factor.",
        about="events",
    ),
    Indicator(
        "factor_alcohol_misuse_child",
        "Assessments identifying alcohol misuse by the child",
        "count",
        "Assessments completed in the year to 31 March that identified alcohol misuse by the "
        "child as a factor.",
        about="events",
    ),
    Indicator(
        "factor_alcohol_misuse_parent",
        "Assessments identifying alcohol misuse by a parent or carer",
        "count",
        "Assessments completed in the year to 31 March that identified alcohol misuse by a parent"
        " or carer as a factor.",
        about="events",
    ),
    Indicator(
        "factor_alcohol_misuse_other",
        "Assessments identifying alcohol misuse by another person in the household",
        "count",
        "Assessments completed in the year to 31 March that identified alcohol misuse by another "
        "person living in the household as a factor.",
        about="events",
    ),
    Indicator(
        "factor_neglect",
        "Assessments identifying neglect",
        "count",
        "Assessments completed in the year to 31 March that identified neglect as a factor.",
        about="events",
    ),
    Indicator(
        "factor_emotional_abuse",
        "Assessments identifying emotional abuse",
        "count",
        "Assessments completed in the year to 31 March that identified emotional abuse as a "
        "factor.",
        about="events",
    ),
    Indicator(
        "factor_physical_abuse_adult_on_child",
        "Assessments identifying physical abuse by an adult",
        "count",
        "Assessments completed in the year to 31 March that identified physical abuse of the "
        "child by an adult as a factor.",
        about="events",
    ),
    Indicator(
        "factor_physical_abuse_child_on_child",
        "Assessments identifying physical abuse by another child",
        "count",
        "Assessments completed in the year to 31 March that identified physical abuse of the "
        "child by another child as a factor.",
        about="events",
    ),
    Indicator(
        "factor_sexual_abuse_adult_on_child",
        "Assessments identifying sexual abuse by an adult",
        "count",
        "Assessments completed in the year to 31 March that identified sexual abuse of the child "
        "by an adult as a factor.",
        about="events",
    ),
    Indicator(
        "factor_sexual_abuse_child_on_child",
        "Assessments identifying sexual abuse by another child",
        "count",
        "Assessments completed in the year to 31 March that identified sexual abuse of the child "
        "by another child as a factor.",
        about="events",
    ),
    Indicator(
        "factor_child_sexual_exploitation",
        "Assessments identifying child sexual exploitation",
        "count",
        "Assessments completed in the year to 31 March that identified child sexual exploitation "
        "as a factor.",
        about="events",
    ),
    Indicator(
        "factor_child_criminal_exploitation",
        "Assessments identifying child criminal exploitation",
        "count",
        "Assessments completed in the year to 31 March that identified child criminal "
        "exploitation as a factor.",
        about="events",
    ),
    Indicator(
        "factor_going_missing",
        "Assessments identifying going missing",
        "count",
        "Assessments completed in the year to 31 March that identified the child going missing as"
        " a factor.",
        about="events",
    ),
    Indicator(
        "factor_self_harm",
        "Assessments identifying self-harm",
        "count",
        "Assessments completed in the year to 31 March that identified self-harm by the child as "
        "a factor.",
        about="events",
    ),
    Indicator(
        "factor_gangs",
        "Assessments identifying gangs",
        "count",
        "Assessments completed in the year to 31 March that identified the child's involvement "
        "with gangs as a factor.",
        about="events",
    ),
    Indicator(
        "factor_trafficking",
        "Assessments identifying trafficking",
        "count",
        "Assessments completed in the year to 31 March that identified trafficking of the child "
        "as a factor.",
        about="events",
    ),
    Indicator(
        "cla_at_31_march",
        "Children looked after at 31 March",
        "count",
        "Children in the care of the local authority on 31 March, excluding those looked after "
        "only under a series of short-term placements.",
    ),
    Indicator(
        "cla_rate",
        "Children looked after at 31 March, rate per 10,000 children",
        "rate",
        "Children looked after at 31 March per 10,000 children aged 0 to 17.",
        dps=0,  # the DfE publishes it as a whole number (rate_per_10000)
    ),
    Indicator(
        "cla_started",
        "Children who started to be looked after",
        "count",
        "Children who started to be looked after during the year to 31 March.",
    ),
    Indicator(
        "cla_ceased",
        "Children who ceased to be looked after",
        "count",
        "Children who ceased to be looked after during the year to 31 March.",
    ),
    Indicator(
        "uasc_at_31_march",
        "Unaccompanied asylum-seeking children looked after at 31 March",
        "count",
        "Children looked after at 31 March who were unaccompanied asylum-seeking children.",
    ),
    Indicator(
        "cla_placed_by_other_las",
        "Children placed in the area by other local authorities",
        "count",
        "Children looked after by other local authorities who were placed within this local "
        "authority's boundary at 31 March.",
    ),
    Indicator(
        "care_leavers_eet_pct",
        "Care leavers aged 19 to 21 in education, employment or training (%)",
        "percent",
        "Care leavers aged 19 to 21 in education, employment or training around their "
        "birthday, as a percentage of all care leavers of that age.",
        polarity="higher",
        dps=0,  # the DfE publishes it as a whole number
    ),
    Indicator(
        "care_leavers_suitable_accommodation_pct",
        "Care leavers aged 19 to 21 in suitable accommodation (%)",
        "percent",
        "Care leavers aged 19 to 21 whose accommodation was considered suitable, as a "
        "percentage of all care leavers of that age.",
        polarity="higher",
        dps=0,  # the DfE publishes it as a whole number
    ),
    Indicator(
        "sw_caseload",
        "Average caseload per children's social worker",
        "ratio",
        "Cases held by case-holding children's social workers at 30 September divided by "
        "their full-time equivalent number.",
        polarity="lower",
    ),
    Indicator(
        "sw_turnover_rate",
        "Social worker turnover rate (%)",
        "percent",
        "Full-time equivalent children's social workers who left in the year to 30 September "
        "as a percentage of those in post at 30 September.",
        polarity="lower",
    ),
    Indicator(
        "sw_vacancy_rate",
        "Social worker vacancy rate (%)",
        "percent",
        "Full-time equivalent vacancies for children's social workers at 30 September as a "
        "percentage of vacancies plus workers in post.",
        polarity="lower",
    ),
    Indicator(
        "sw_agency_rate",
        "Agency social worker rate (%)",
        "percent",
        "Full-time equivalent agency children's social workers at 30 September as a "
        "percentage of agency workers plus workers in post.",
        polarity="lower",
    ),
)


# Counted from the partnership's own records; how each is counted is in ``local/counts.py``.
LOCAL_INDICATORS: dict[str, Indicator] = _all(
    Indicator(
        "lado_contacts",
        "Contacts to the LADO",
        "count",
        "Contacts received by the Local Authority Designated Officer about an adult who "
        "works with children, in the partnership's reporting period.",
        about="events",
        nouns=("contacts to the LADO", "contacts"),
    ),
    Indicator(
        "lado_referrals",
        "LADO referrals meeting the harm threshold",
        "count",
        "Contacts to the LADO that met the threshold for an allegation of harm and were "
        "managed under the allegations procedures.",
        about="events",
        nouns=("allegations", "referrals"),
    ),
    Indicator(
        "lado_substantiated",
        "LADO allegations substantiated",
        "count",
        "Allegations managed by the LADO whose outcome was substantiated.",
        about="events",
        nouns=("allegations", "referrals"),
        said_with="substantiated",
    ),
    Indicator(
        "private_fostering_notifications",
        "Private fostering notifications",
        "count",
        "Notifications to the local authority of a child being privately fostered.",
        about="events",
        nouns=("private fostering notifications", "notifications"),
        said_with="private fostering",
    ),
    Indicator(
        "private_fostering_open",
        "Private fostering arrangements at the end of the period",
        "count",
        "Private fostering arrangements open on the last day of the reporting period.",
        about="children",
        nouns=("private fostering arrangements", "arrangements"),
    ),
    Indicator(
        "training_courses",
        "Multi-agency training courses",
        "count",
        "Multi-agency safeguarding courses the partnership offered in the period.",
        about="activities",
        nouns=("courses",),
    ),
    Indicator(
        "training_sessions",
        "Multi-agency training sessions",
        "count",
        "Sessions of multi-agency safeguarding training run in the period.",
        about="activities",
        nouns=("sessions", "training sessions"),
    ),
    Indicator(
        "training_attendances",
        "Attendances at multi-agency training",
        "count",
        "Attendances at the partnership's multi-agency training, all courses and agencies.",
        about="staff",
        nouns=("attendances",),
    ),
    Indicator(
        "serious_incident_notifications",
        "Serious incident notifications",
        "count",
        "Serious incidents notified to the Child Safeguarding Practice Review Panel.",
        about="events",
        nouns=("serious incident notifications", "serious incidents", "notifications", "incidents"),
    ),
    Indicator(
        "rapid_reviews",
        "Rapid reviews",
        "count",
        "Rapid reviews completed after a serious incident notification.",
        about="events",
        nouns=("rapid reviews",),
    ),
    Indicator(
        "local_practice_reviews",
        "Local child safeguarding practice reviews",
        "count",
        "Local child safeguarding practice reviews under way or completed in the period.",
        about="events",
        nouns=("local child safeguarding practice reviews", "practice reviews"),
    ),
    Indicator(
        "audits_completed",
        "Audits completed",
        "count",
        "Multi-agency, section 11 and single-agency audits completed in the period.",
        about="activities",
        nouns=("multi-agency audits", "audits"),
    ),
    Indicator(
        "section11_not_met",
        "Section 11 standards not met",
        "count",
        "Section 11 standards rated not met, over all organisations that assessed themselves.",
        about="organisations",
        nouns=("standards",),
        said_with="not met",
    ),
    # Counted by the sections by breakdown (per agency, per rating, per measure ...): the
    # section says which rows, and the figure's ``breakdown`` says which part.
    Indicator(
        "funding_contribution",
        "Financial contribution",
        "pounds",
        "Money contributed to the arrangements in the period, in pounds.",
        about="money",
    ),
    Indicator(
        "reviews_published",
        "Reviews published",
        "count",
        "Local child safeguarding practice reviews and legacy serious case reviews "
        "published in the period.",
        about="documents",
        nouns=(
            "local child safeguarding practice reviews",
            "serious case reviews",
            "practice reviews",
            "reviews",
        ),
        said_with="publish",
    ),
    Indicator(
        "review_theme",
        "Cases by theme",
        "count",
        "Cases whose learning concerns the theme, each counted once however many stages "
        "(notification, rapid review, review) it went through.",
        about="events",
    ),
    Indicator(
        "review_theme_stage",
        "Notifications and reviews by theme and stage",
        "count",
        "Notifications, rapid reviews or reviews at one stage whose learning concerns the theme.",
        about="events",
    ),
    Indicator(
        "serious_case_reviews",
        "Serious case reviews (legacy)",
        "count",
        "Serious case reviews begun under the Local Safeguarding Children Boards, before the "
        "partnerships replaced them, recorded in the period's records.",
        about="events",
    ),
    Indicator(
        "recommendations",
        "Recommendations",
        "count",
        "Recommendations from local reviews, by the status of the action taken.",
        about="activities",
    ),
    Indicator(
        "national_reviews_considered",
        "National reviews considered",
        "count",
        "National reviews and reports the partnership considered in the period.",
        about="documents",
    ),
    Indicator(
        "training_evaluation_percent",
        "Course evaluation result (%)",
        "percent",
        "The share of respondents giving the answer the measure counts.",
        about="staff",
    ),
    Indicator(
        "training_evaluation_score",
        "Course evaluation result (mean score out of 10)",
        "ratio",
        "The respondents' mean score out of 10.",
        about="staff",
    ),
    Indicator(
        "training_respondents",
        "Respondents to a course evaluation",
        "count",
        "People who answered the evaluation measure.",
        about="staff",
    ),
    Indicator(
        "training_evaluation_change_percent",
        "Change in a course evaluation result (percentage points)",
        "percent",
        "A percentage at one stage of a course's evaluation minus the stage before it.",
        about="staff",
    ),
    Indicator(
        "training_evaluation_change_score",
        "Change in a course evaluation result (points out of 10)",
        "ratio",
        "A mean score out of 10 at one stage of a course's evaluation minus the stage before it.",
        about="staff",
    ),
    Indicator(
        "workforce_staff",
        "Staff who work with children",
        "count",
        "People an agency employs who work with children, as the partnership's workforce "
        "record gives them.",
        about="staff",
    ),
    Indicator(
        "training_attendance_share",
        "Share of attendances at multi-agency training (%)",
        "percent",
        "An agency's attendances as a percentage of all attendances of the agencies whose "
        "workforce is recorded.",
        about="staff",
    ),
    Indicator(
        "workforce_share",
        "Share of the workforce (%)",
        "percent",
        "An agency's staff as a percentage of the staff of all agencies whose workforce is "
        "recorded.",
        about="staff",
    ),
    Indicator(
        "training_share_gap",
        "Share of attendances minus share of the workforce (percentage points)",
        "percent",
        "An agency's share of attendances minus its share of the workforce: below zero, it "
        "is under-represented at training.",
        about="staff",
    ),
    Indicator(
        "audit_reviewed",
        "Cases reviewed by an audit",
        "count",
        "How many cases (each about a child) an audit reviewed.",
        about="events",
    ),
    Indicator(
        "audit_agencies_reviewed",
        "Agencies reviewed by an audit",
        "count",
        "How many agencies (organisations) an audit reviewed.",
        about="organisations",
    ),
    Indicator(
        "section11_standards",
        "Section 11 standards by rating",
        "count",
        "Section 11 standards given the rating, over all organisations.",
        about="organisations",
    ),
    Indicator(
        "lado_count",
        "LADO activity",
        "count",
        "A count from the Local Authority Designated Officer's work in the period.",
        about="events",
    ),
    Indicator(
        "private_fostering_count",
        "Private fostering",
        "count",
        "A count of private fostering notifications or arrangements in the period.",
        about="events",
    ),
    Indicator(
        "education_settings",
        "Education and childcare settings",
        "count",
        "Settings of one kind of education or childcare agency in the area (schools, colleges, "
        "providers), as the partnership counts them.",
        about="organisations",
    ),
    Indicator(
        "education_returns_asked",
        "Settings asked for a safeguarding audit return",
        "count",
        "Schools or colleges asked for their yearly safeguarding audit return (Education Act "
        "2002, section 175 or 157).",
        about="organisations",
    ),
    Indicator(
        "education_returns_received",
        "Safeguarding audit returns received",
        "count",
        "Safeguarding audit returns received from schools or colleges.",
        about="organisations",
    ),
    Indicator(
        "education_returns_fully_met",
        "Safeguarding audit returns with every standard met",
        "count",
        "Safeguarding audit returns from schools or colleges that showed every standard met.",
        about="organisations",
    ),
    Indicator(
        "education_return_rate",
        "Safeguarding audit return rate (%)",
        "percent",
        "Returns received as a percentage of the settings asked for one.",
        about="organisations",
    ),
    Indicator(
        "education_fully_met_pct",
        "Safeguarding audit returns with every standard met (%)",
        "percent",
        "Returns showing every standard met, as a percentage of the returns received.",
        about="organisations",
    ),
    Indicator(
        "dsl_forum_meetings",
        "Designated safeguarding leads' forum meetings",
        "count",
        "Meetings of the designated safeguarding leads' forum in the period.",
        about="activities",
    ),
    Indicator(
        "dsl_forum_settings",
        "Settings represented at the designated safeguarding leads' forum",
        "count",
        "Settings that sent someone to a meeting of the forum.",
        about="organisations",
    ),
    Indicator(
        "dsl_forum_attendees",
        "Attendees at the designated safeguarding leads' forum",
        "count",
        "People who attended a meeting of the forum.",
        about="staff",
    ),
    Indicator(
        "education_training_attendances",
        "Attendances at multi-agency training by education staff",
        "count",
        "Attendances at the partnership's multi-agency training by staff of schools, early "
        "years settings and further education.",
        about="staff",
    ),
    *(
        Indicator(
            f"local_measure_{unit}",
            f"A measure of the partnership's own ({unit})",
            unit,
            "A priority's measure that the partnership works out itself (a re-audit's result, "
            "a survey's), as given in priority_measures.csv with its source.",
        )
        for unit in ("count", "rate", "percent", "ratio", "pounds")
    ),
    Indicator(
        "priority_measure_movement",
        "Change since the baseline in the direction that counts as progress, % of the baseline",
        "percent",
        "A priority's measure: its change from the baseline as a percentage of the baseline, "
        "positive when it moved the way that counts as progress (report/progress.py).",
    ),
)


@dataclass(frozen=True)
class Partner:
    """One partner's measures in the wider picture (core/wider.yaml)."""

    id: str
    title: str
    measures: tuple[Indicator, ...]
    codes: dict[str, str]  # indicator id -> LAIT's Short Desc
    england_notes: dict[str, str]  # indicator id -> why LAIT's England figure is not comparable
    headlines: tuple[str, ...]  # the measures the foreword shows at a glance


def _axis(measure: dict[str, Any]) -> str:
    """A wider-picture rate's own base, from its label: 'Infant mortality, rate per 1,000 live
    births' -> 'rate per 1,000 live births'."""
    label = str(measure["label"])
    if measure["unit"] != "rate" or ", rate per " not in label:
        return ""
    return label[label.rindex(", rate per ") + 2 :]


def _wider() -> tuple[Partner, ...]:
    """The wider picture's measures, declared once in core/wider.yaml."""
    text = resources.files("safeguarding_report.core").joinpath("wider.yaml").read_text("utf-8")
    partners = []
    for p in cast(dict[str, Any], yaml.safe_load(text))["partners"]:
        measures = tuple(
            Indicator(str(m["id"]), str(m["label"]), m["unit"], str(m["label"]), axis=_axis(m))
            for m in p["measures"]
        )
        codes = {str(m["id"]): str(m["code"]) for m in p["measures"]}
        notes = {str(m["id"]): str(m["england_note"]) for m in p["measures"] if "england_note" in m}
        headlines = tuple(str(m["id"]) for m in p["measures"] if m.get("headline"))
        partners.append(Partner(str(p["id"]), str(p["title"]), measures, codes, notes, headlines))
    return tuple(partners)


# The wider picture (core/wider.yaml): measures of the DfE's Benchmarking Data Set (LAIT),
# by partner. Their polarity is the LAIT data dictionary's (data/benchmarking.py), not set here.
WIDER: tuple[Partner, ...] = _wider()
WIDER_INDICATORS: dict[str, Indicator] = {m.id: m for p in WIDER for m in p.measures}
LAIT_CODES: dict[str, str] = {i: c for p in WIDER for i, c in p.codes.items()}
ENGLAND_NOTES: dict[str, str] = {i: n for p in WIDER for i, n in p.england_notes.items()}
# The few the foreword shows at a glance (headline: true in wider.yaml), in partner order.
WIDER_HEADLINES: tuple[str, ...] = tuple(i for p in WIDER for i in p.headlines)


def get(indicator_id: str) -> Indicator:
    """Any figure's indicator: published, in the wider picture, from the local records, or
    another measure of LAIT's data dictionary (``declare_lait_measures``), by its code."""
    found = (
        INDICATORS.get(indicator_id)
        or WIDER_INDICATORS.get(indicator_id)
        or LOCAL_INDICATORS.get(indicator_id)
        or _LAIT_MEASURES.get(indicator_id)
    )
    if found is None:
        raise KeyError(
            f"unknown indicator {indicator_id!r}: neither published (indicators.INDICATORS), "
            "counted from local records (indicators.LOCAL_INDICATORS) nor a measure of LAIT's "
            "data dictionary (read it first: Published.lait_dictionary)"
        )
    return found


# Every other measure of LAIT's Benchmarking Data Set, by its code (the data dictionary's
# Measure_short), which a priority may name (priority_measures.csv): declared by the
# dictionary's one reader as it reads the file, like their decimal places below. A wider
# picture's measure keeps its own id and label (core/wider.yaml).
_LAIT_MEASURES: dict[str, Indicator] = {}


def lait_unit(axis: str) -> Literal["count", "rate", "percent", "ratio", "pounds"]:
    """The unit of a LAIT measure, from its axis title (the dictionary's y_axis_name): a
    percentage ("% CIN", "Turnover rate"), a rate ("Rate per 10,000"), pounds ("Spend", "Unit
    Cost"), an average or score ("Average Point Score", "Case Load"), else a number."""
    words = axis.strip().lower()
    if words.startswith("rate per"):
        return "rate"
    if words.startswith("%") or words.endswith(" rate"):
        return "percent"
    if words in {"spend", "unit cost"} or "£" in words:
        return "pounds"
    if "score" in words or words.startswith("average") or words == "case load":
        return "ratio"
    return "count"


def declare_lait_measures(measures: Mapping[str, tuple[str, str, str]]) -> None:
    """Record the measures of LAIT's data dictionary, by code: (label, axis title,
    description). Those of the wider picture (core/wider.yaml) keep their declaration."""
    wider = set(LAIT_CODES.values())
    for code, (label, axis, description) in measures.items():
        if code in wider or code in INDICATORS or code in LOCAL_INDICATORS:
            continue
        unit = lait_unit(axis)
        shown_axis = axis.strip()[0].lower() + axis.strip()[1:] if unit == "rate" else ""
        _LAIT_MEASURES[code] = Indicator(code, label, unit, description, axis=shown_axis)


def by_lait_code(measure: str) -> str:
    """The kit's id of a wider-picture measure named by its LAIT code; any other name as it is."""
    return next((i for i, code in LAIT_CODES.items() if code == measure), measure)


def lait_code(indicator_id: str) -> str | None:
    """The LAIT code of a measure of the Benchmarking Data Set (by the kit's id or its own
    code), or None for any other measure."""
    if indicator_id in LAIT_CODES:
        return LAIT_CODES[indicator_id]
    return indicator_id if indicator_id in _LAIT_MEASURES else None


# The wider picture's decimal places, by LAIT code: its data dictionary's ``dps``, declared by
# the dictionary's one reader (data/benchmarking.py) as it reads the file (this floor reads no
# data file), so that a new LAIT release's places are the ones shown, never restated here.
_LAIT_DPS: dict[str, int] = {}


def declare_lait_decimals(dps_by_code: Mapping[str, int]) -> None:
    """Record the decimal places LAIT's data dictionary gives each of its measures."""
    _LAIT_DPS.update(dps_by_code)


def decimals(indicator_id: str) -> int:
    """The decimal places every figure of a measure is shown with: its own declaration, else
    its unit's (DPS_BY_UNIT); a wider-picture measure's are LAIT's data dictionary's."""
    indicator = get(indicator_id)
    code = lait_code(indicator_id)
    if code is None:
        return DPS_BY_UNIT[indicator.unit] if indicator.dps is None else indicator.dps
    if code not in _LAIT_DPS:
        raise LookupError(
            f"the decimal places of {indicator_id!r} ({code}) are LAIT's data dictionary's, and "
            "the dictionary has not been read: read it (Published.lait_dictionary) before "
            "showing a wider-picture figure."
        )
    return _LAIT_DPS[code]
