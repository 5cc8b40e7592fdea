"""What each local record holds: one pydantic model per template, declared once.

The loader validates every row and front-matter header against these models, and the
reference in ``docs/local-data.md`` is generated from them (``local/docs.py``), so a column,
its type and its allowed values are written down here and nowhere else. A model's docstring
says what the file is for; each field's ``description`` says what goes in the column.

Column names are the field names. A blank cell means "not given": it takes the field's
default, and is an error for a field without one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from safeguarding_report.core import indicators
from safeguarding_report.local.tally import LOCAL_COUNTS

# A code typed by hand into a spreadsheet and used to link files: no spaces, no names.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]*$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN, max_length=40)]
Text = Annotated[str, StringConstraints(min_length=1)]
Count = Annotated[int, Field(ge=0)]


def _iso_date(value: object) -> object:
    # pydantic would also read 20220301 or 1646092800 as a timestamp; a spreadsheet user means
    # neither, so only YYYY-MM-DD text (or a date YAML has already read) is let through.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("it is not a date written YYYY-MM-DD, e.g. 2022-03-31")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_date)]

# "health" is for years before integrated care boards (primary care trusts, clinical
# commissioning groups, NHS trusts); "lay member" for a Board's members from the community.
PartnerKind = Literal[
    "local authority",
    "police",
    "health (ICB)",
    "health",
    "education",
    "other relevant agency",
    "lay member",
]
# In the order the arrangements table lists them. The last two are a Local Safeguarding
# Children Board's (Working Together 2010): the bodies the Children Act 2004, section 13,
# names as Board partners, and the Board's other members.
PartnerRole = Literal[
    "lead safeguarding partner",
    "delegated safeguarding partner",
    "safeguarding partner",
    "relevant agency",
    "Board partner",
    "Board member",
]
Change = Literal["new", "continued", "changed", "closed"]
Progress = Literal["achieved", "good progress", "some progress", "little or no progress"]
ReviewKind = Literal[
    "serious incident notification",
    "rapid review",
    "local child safeguarding practice review",
    "serious case review (legacy)",
]
Decision = Literal[
    "rapid review to follow",
    "local child safeguarding practice review",
    "national review by the Panel",
    "no further review: learning shared by other routes",
    "decision pending",
    "serious case review commissioned (legacy)",
]
Theme = Literal[
    "neglect",
    "domestic abuse",
    "parental mental health",
    "parental substance misuse",
    "physical abuse",
    "sexual abuse",
    "child exploitation",
    "online harm",
    "non-accidental injury to an infant",
    "safer sleeping",
    "self-harm and suicide",
    "children with disabilities",
    "children missing education",
    "information sharing",
    "professional curiosity",
    "voice of the child",
    "escalation and challenge",
    "transition to adult services",
]
ActionStatus = Literal["complete", "in progress", "not started"]
CourseFormat = Literal["e-learning", "virtual", "face to face"]
Agency = Literal[
    "children's social care",
    "early help",
    "police",
    "health: acute hospital",
    "health: community",
    "health: mental health",
    "health: primary care",
    "education: schools",
    "education: early years",
    "education: further education",
    "probation",
    "youth justice",
    "district and borough councils",
    "housing providers",
    "voluntary and community sector",
    "faith organisations",
    "sport and leisure",
    "other",
]
# What an evaluation asks, apart from when it asks it (``EvaluationStage``): a measure asked
# at several stages shows as a change.
EvaluationMeasure = Literal[
    "confidence",
    "knowledge",
    "applied learning",
    "would recommend the course",
]
# When it was asked: before the course, straight after it, or some months later (the
# follow-up, with ``months_later``), in the order a change is read.
EvaluationStage = Literal["before", "after", "follow-up"]
FOLLOW_UP = "follow-up"
EvaluationUnit = Literal["percent", "mean score out of 10"]
AuditKind = Literal["multi-agency", "section 11", "single-agency"]
Reviewed = Literal["cases", "agencies"]
Section11Standard = Literal[
    "line of accountability",
    "senior board lead",
    "listening to children",
    "whistleblowing",
    "escalation",
    "information sharing",
    "designated practitioners",
    "safer recruitment",
    "supervision and training",
    "culture of safety and equality",
    "allegations against staff",
]
Rating = Literal["met", "partially met", "not met"]
LadoMeasure = Literal[
    "contacts received",
    "referrals meeting the harm threshold",
    "outcome: substantiated",
    "outcome: unsubstantiated",
    "outcome: unfounded",
    "outcome: false",
    "outcome: malicious",
    "referrals resolved within one month",
]
PrivateFosteringMeasure = Literal[
    "notifications received",
    "arrangements started",
    "arrangements ended",
    "arrangements open at the end of the period",
    "initial visits within 7 working days",
]

# The kinds of education and childcare agency a partnership counts in its arrangements.
# Academies and free schools are independent schools in law, but are counted apart from the
# fee-charging independent schools; sixth-form colleges are further education colleges.
EducationKind = Literal[
    "maintained schools",
    "academies and multi-academy trusts",
    "independent schools",
    "further education colleges",
    "early years and childcare providers",
    "alternative provision",
    "the local authority's education services",
    "other education or childcare agency",
]
# The yearly safeguarding audit schools and colleges return, by the duty it reports on (the
# Education Act 2002): section 175 binds local authorities and the governing bodies of
# maintained schools and of further education institutions; section 157, through the
# independent school standards, binds the proprietors of independent schools, academies included.
EducationAudit = Literal[
    "section 175: maintained schools",
    "section 175: further education colleges",
    "section 157: independent schools and academies",
]
# Royal assent of the Children's Wellbeing and Schools Act 2026 (c. 21), whose section 2 lets
# the Secretary of State designate childcare or education agencies: none can be designated before.
CWSA_ROYAL_ASSENT = dt.date(2026, 4, 29)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # Columns only the year's end can give, which may be left blank until then (new-year
    # leaves them so): check lists each as to fill in, and a --strict build refuses them.
    to_fill: ClassVar[tuple[str, ...]] = ()

    def left_to_fill(self) -> list[str]:
        """The columns of this row still to fill in (of ``to_fill``)."""
        return [k for k in self.to_fill if getattr(self, k) in (None, "")]


# A narrative's own record that someone checked its counts of people for disclosure
# (report/narratives.py reads the numbers; a --strict build refuses an unchecked small count).
CHECKED = (
    "true once someone has checked that the numbers of children or families the text states, "
    "which no figure of the report gives, identify no one; a --strict build refuses such a "
    "number in the suppression range until then."
)


# -- records (CSV) ---------------------------------------------------------------------------


class KeyMessage(_Row):
    """The report's key messages, in the order they are shown (a few sentences each)."""

    order: int = Field(ge=1, description="Position in the list, from 1.")
    message: Text = Field(description="The message, in one or two plain sentences.")


class Partner(_Row):
    """The safeguarding partners and relevant agencies in the arrangements."""

    partner: Text = Field(description="The organisation's name, e.g. Kent Police.")
    kind: PartnerKind = Field(description="What kind of organisation it is.")
    role: PartnerRole = Field(description="Its place in the arrangements.")
    representative_job_title: Text = Field(
        description="Job title (never the name) of the person who represents it."
    )


class Subgroup(_Row):
    """The partnership's subgroups and what changed in them this year."""

    name: Text = Field(description="The subgroup's name.")
    purpose: Text = Field(description="What it is for, in one sentence.")
    chaired_by: Text = Field(description="The chair's job title and organisation.")
    change: Change = Field(description="What happened to it this year.")
    note: str = Field(default="", description="Why it changed, if it did.")


class Funding(_Row):
    """Each partner's financial contribution to the arrangements in the year."""

    partner: Text = Field(description="A partner named in partners.csv.")
    contribution_pounds: Count = Field(description="Money contributed, in whole pounds.")
    in_kind: str = Field(default="", description="Help given in kind (staff, rooms), if any.")


class Priority(_Row):
    """The year's priorities and how far each got; each has priorities/<id>.md."""

    id: Code = Field(description="Short code, also the name of its Markdown file, e.g. P1.")
    title: Text = Field(description="The priority as published in the business plan.")
    lead: Text = Field(description="Job title and organisation of the lead.")
    status: Progress | None = Field(
        default=None,
        description="How far it got by the end of the period; blank until the year's end "
        "(new-year leaves it so): check lists it to fill in and a --strict build refuses it.",
    )

    to_fill = ("status",)


# Which way a measure must move to count as progress, in the words of an indicator's polarity.
Direction = Literal["higher", "lower"]
MeasureUnit = Literal["count", "rate", "percent", "ratio", "pounds"]
# A measure the kit cannot work out (a re-audit's result, a survey's) is named with this
# prefix, e.g. local-front-door-reaudit, and its figures are given in the row.
LOCAL_MEASURE = "local-"


def known_measures() -> dict[str, indicators.Indicator]:
    """Every measure a priority may name that the kit works out itself: its indicators, the
    wider picture's by the kit's id or LAIT's code, and the counts from the records."""
    found = {**indicators.INDICATORS, **indicators.WIDER_INDICATORS}
    found |= {code: indicators.WIDER_INDICATORS[i] for i, code in indicators.LAIT_CODES.items()}
    found |= {i: m for i, m in indicators.LOCAL_INDICATORS.items() if i in LOCAL_COUNTS}
    return found


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# The columns that name a measure, declared once for priority_measures.csv and
# next_priorities.csv (the promise of next year's measures), with the checks they share.
MeasureName = Annotated[
    str,
    StringConstraints(min_length=1),
    Field(
        description="The measure: one of the kit's indicators (docs/data.md), a wider-picture "
        "measure by its id (core/wider.yaml), any measure of the Benchmarking Data Set by its "
        "LAIT code (Measure_short in its data dictionary), a count from the records (e.g. "
        "training_attendances), or a local measure named local-<name>."
    ),
]
MeasureLabel = Annotated[
    str, Field(description="What a local measure is, in plain words (required for local-<name>).")
]
MeasureDirection = Annotated[
    Direction | None,
    Field(
        validate_default=True,
        description="Which way is progress: higher or lower; blank takes the measure's "
        "polarity (LAIT's where it has one).",
    ),
]
MeasureUnitColumn = Annotated[
    MeasureUnit | None,
    Field(
        validate_default=True,
        description="The unit of the figures and the target: required with a target or for "
        "a local measure, and must be the measure's own.",
    ),
]
MeasureTarget = Annotated[
    float | None,
    Field(description="The figure that counts as the priority achieved, if any, in the unit."),
]


class _Measure(_Row):
    """A row that names a measure: checked the same way wherever it is named.

    A measure that is none of ``known_measures()`` nor local is taken for one of LAIT's data
    dictionary, which this floor does not read: the report checks it against the dictionary,
    with its polarity and unit, and an unknown one stops the build naming its file, line and
    the closest measures (report/sections/priorities.py).
    """

    @field_validator("direction", check_fields=False)
    @classmethod
    def _direction(cls, value: str | None, info: ValidationInfo) -> str | None:
        spec = known_measures().get(str(info.data.get("measure", "")))
        if value is None and spec is not None:
            wider = spec.id in indicators.WIDER_INDICATORS  # LAIT's polarity, read at build
            if spec.polarity is None and not wider:
                raise ValueError(f"{spec.id} has no agreed polarity: say which way is progress")
        return value

    @field_validator("unit", check_fields=False)
    @classmethod
    def _unit(cls, value: str | None, info: ValidationInfo) -> str | None:
        measure = str(info.data.get("measure", ""))
        if value is not None and measure in known_measures():
            own = known_measures()[measure].unit
            if value != own:
                raise ValueError(
                    f"{measure} is measured as a {own}, so its figures and target must be too "
                    f"(found {value}): give the target as a {own}"
                )
        return value

    @field_validator("target", check_fields=False)
    @classmethod
    def _target(cls, value: float | None, info: ValidationInfo) -> float | None:
        unit = info.data.get("unit")
        if value is not None and unit is None and "unit" not in info.data:
            return value  # the unit's own error is raised first
        if value is not None and unit is None:
            raise ValueError("a target needs its unit: fill in the unit column")
        if value is not None and unit == "percent" and not 0 <= value <= 100:
            raise ValueError(f"{_number(value)} is not a percentage from 0 to 100")
        return value

    @staticmethod
    def _local_blanks(info: ValidationInfo, keys: tuple[str, ...]) -> list[str]:
        """Which of ``keys`` a local measure's row leaves blank (none for another measure)."""
        if not str(info.data.get("measure", "")).startswith(LOCAL_MEASURE):
            return []
        return [k for k in keys if info.data.get(k) in (None, "")]


class PriorityMeasure(_Measure):
    """The measures that show whether each priority made progress: one row per measure.

    A measure the kit works out (one of its indicators, a wider-picture measure by its id, any
    Benchmarking Data Set measure by its LAIT code, a count from the records) needs only its
    baseline period: the report reads both figures. A count from the records, whose baseline
    is last year's records, gives the baseline figure too. A measure of the partnership's own
    (its name begins local-) gives both figures, their periods, its unit, the direction and
    where they come from.
    """

    priority: Code = Field(description="A priority's id in priorities.csv, e.g. P1.")
    measure: MeasureName
    label: MeasureLabel = ""
    direction: MeasureDirection = None
    baseline_period: Text = Field(
        description="The period the baseline is for: a year ending 31 March (2021), LAIT's "
        "label (2020-21) or the local period (2020-21).",
    )
    baseline: float | None = Field(
        default=None,
        description="The baseline figure: required for a count from the records, and for a "
        "local measure (blank while still to fill in); for a published measure the figure "
        "last year's report showed (new-year writes it), the report reading the published file.",
    )
    latest_period: str = Field(
        default="",
        description="The period of the latest figure of a local measure; blank until the "
        "year's end.",
    )
    latest: float | None = Field(
        default=None,
        description="The latest figure of a local measure, blank until the year's end (the "
        "report shows it as not yet published); blank for any other measure.",
    )
    unit: MeasureUnitColumn = None
    target: MeasureTarget = None
    source: str = Field(
        default="",
        validate_default=True,
        description="Where a local measure's or a baseline's figures come from (an audit, a "
        "survey, last year's report).",
    )

    # A local measure's figures, which the partnership may leave blank until it has them.
    to_fill = ("baseline", "latest_period", "latest", "source")

    def left_to_fill(self) -> list[str]:
        """A local measure's figures still to fill in (the kit reads any other measure's)."""
        return super().left_to_fill() if self.measure.startswith(LOCAL_MEASURE) else []

    @field_validator("source")
    @classmethod
    def _local_figures(cls, value: str, info: ValidationInfo) -> str:
        measure = str(info.data.get("measure", ""))
        if not measure.startswith(LOCAL_MEASURE):
            if measure in LOCAL_COUNTS and info.data.get("baseline") is None:
                raise ValueError(
                    f"{measure} is counted from this year's records; its baseline is last "
                    "year's: give it in the baseline column, and here where it comes from"
                )
            return value
        blank = cls._local_blanks(info, ("label", "direction", "unit"))
        if blank:
            raise ValueError(f"a local measure names its {', '.join(blank)}: fill them in")
        return value


class Review(_Row):
    """Serious incident notifications and reviews: themes and dates only, never a child."""

    reference: Code = Field(
        description="Anonymised code for the case (never a name or initials), e.g. KSCMP-21-04."
    )
    kind: ReviewKind = Field(description="What kind of notification or review this row is.")
    notified: Date = Field(description="Date the incident was notified or the review began.")
    decision: Decision = Field(description="What was decided, or where it stands.")
    published: Date | None = Field(
        default=None, description="Date the review was published; blank if not published."
    )
    themes: list[Theme] = Field(default_factory=list, description="Themes the learning concerns.")

    @field_validator("published")
    @classmethod
    def _published_after_notified(
        cls, value: dt.date | None, info: ValidationInfo
    ) -> dt.date | None:
        notified = info.data.get("notified")
        if value is not None and notified is not None and value < notified:
            raise ValueError(f"the date is before the notified date ({notified.isoformat()})")
        return value


class Recommendation(_Row):
    """Recommendations from local reviews and what was done about each."""

    review: Code = Field(description="A reference in reviews.csv.")
    number: int = Field(ge=1, description="The recommendation's number in the review.")
    recommendation: Text = Field(description="The recommendation, shortened if long.")
    action_taken: Text = Field(description="What the partners did.")
    evidence_of_change: str = Field(
        default="", description="What shows practice changed (audit, survey, data)."
    )
    status: ActionStatus = Field(description="Where the action stands.")


class NationalReview(_Row):
    """National reviews and reports the partnership considered in the year."""

    title: Text = Field(description="The national review's title.")
    year_published: int = Field(ge=2000, le=2100, description="Year it was published.")
    how_considered: Text = Field(description="How the partnership considered and used it.")


class TrainingCourse(_Row):
    """The multi-agency training courses run in the year."""

    course_id: Code = Field(description="Short code used by the attendance file, e.g. C01.")
    title: Text = Field(description="The course's title.")
    format: CourseFormat = Field(description="How it was delivered.")
    sessions: Count = Field(description="Number of sessions run in the period.")


class TrainingAttendance(_Row):
    """How many people from each agency attended each course."""

    course_id: Code = Field(description="A course_id in training_courses.csv.")
    agency: Agency = Field(description="The attendees' sector.")
    attendees: Count = Field(description="Number of attendances in the period.")


class TrainingEvaluation(_Row):
    """What course evaluations measured, before, after and some months on: one row for each
    course, measure and stage, so that the report can show how each measure changed."""

    course_id: Code = Field(description="A course_id in training_courses.csv.")
    measure: EvaluationMeasure = Field(description="What was measured.")
    stage: EvaluationStage = Field(
        description="When it was asked: before the course, straight after it, or at a "
        "follow-up some months later."
    )
    months_later: int | None = Field(
        default=None,
        ge=1,
        le=36,
        validate_default=True,
        description="For a follow-up, how many months after the course it was asked (e.g. "
        "3); blank for before and after.",
    )
    respondents: Count = Field(description="How many people answered at this stage.")
    unit: EvaluationUnit = Field(description="The unit of value.")
    value: float = Field(ge=0, description="The result, in the unit given.")

    @field_validator("months_later")
    @classmethod
    def _months_for_a_follow_up(cls, value: int | None, info: ValidationInfo) -> int | None:
        stage = info.data.get("stage")
        if stage == FOLLOW_UP and value is None:
            raise ValueError(
                "a follow-up needs it: how many months after the course it was asked, e.g. 3"
            )
        if stage is not None and stage != FOLLOW_UP and value is not None:
            raise ValueError(f"only a follow-up is some months later: leave it blank for {stage}")
        return value

    @field_validator("value")
    @classmethod
    def _value_within_unit(cls, value: float, info: ValidationInfo) -> float:
        unit = info.data.get("unit")
        top = 100 if unit == "percent" else 10
        if unit is not None and value > top:
            raise ValueError(f"it is more than {top}, the most a {unit} can be")
        return value


class Workforce(_Row):
    """Optional: how many staff each agency has, so that the report can set each agency's share
    of training attendances beside its share of the workforce."""

    agency: Agency = Field(description="The sector, as training_attendance.csv names it.")
    staff: int = Field(ge=1, description="How many people it employs who work with children.")
    period: Text = Field(description="When the count was taken, e.g. March 2022.")
    source: Text = Field(description="Where the count comes from, e.g. each agency's HR system.")


class Audit(_Row):
    """Audits completed in the year: what was looked at, found and done."""

    audit: Text = Field(description="The audit's name.")
    kind: AuditKind = Field(description="Who took part.")
    completed: Date = Field(description="Date the audit's report was completed.")
    reviewed: Count = Field(description="How many cases or agencies were reviewed.")
    reviewed_unit: Reviewed = Field(description="Whether reviewed counts cases or agencies.")
    key_finding: Text = Field(description="The main finding.")
    action: Text = Field(description="What the partnership did about it.")


class Section11(_Row):
    """Each organisation's section 11 self-assessment, standard by standard."""

    organisation: Text = Field(description="The organisation that assessed itself.")
    standard: Section11Standard = Field(
        description="The section 11 duty (Working Together, chapter 2) assessed."
    )
    rating: Rating = Field(description="The rating agreed after challenge.")


class Lado(_Row):
    """Counts from the Local Authority Designated Officer's (LADO) work in the period."""

    measure: LadoMeasure = Field(description="What is counted.")
    count: Count = Field(description="The count for the period.")


class PrivateFostering(_Row):
    """Counts of private fostering notifications and arrangements in the period."""

    measure: PrivateFosteringMeasure = Field(description="What is counted.")
    count: Count = Field(description="The count for the period.")


class EducationSetting(_Row):
    """The education and childcare agencies in the arrangements, one row for each kind."""

    kind: EducationKind = Field(description="What kind of education or childcare agency.")
    settings: Count | None = Field(
        default=None,
        description="How many settings of this kind are in the area (schools, colleges, "
        "providers); blank where a count does not apply, e.g. the local authority's services.",
    )
    named_in_arrangements: bool = Field(
        description="true when the published arrangements name this kind as a relevant agency."
    )
    designated_on: Date | None = Field(
        default=None,
        description="Date it was designated as a childcare or education agency under section 2 "
        "of the Children's Wellbeing and Schools Act 2026 (by regulations); blank until then.",
    )
    notes: str = Field(default="", description="How it takes part, or what is changing.")

    @field_validator("designated_on")
    @classmethod
    def _not_before_the_act(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value < CWSA_ROYAL_ASSENT:
            raise ValueError(
                "it is before the Children's Wellbeing and Schools Act 2026 received royal "
                f"assent ({CWSA_ROYAL_ASSENT.isoformat()}), so nothing could be designated under it"
            )
        return value


class EducationReturn(_Row):
    """The safeguarding audit returns from schools and colleges (Education Act 2002, sections
    175 and 157): settings asked, returns received and returns showing every standard met."""

    audit: EducationAudit = Field(description="The audit, by the duty it reports on.")
    asked: Count = Field(description="How many settings were asked to return it.")
    received: Count = Field(description="How many returns were received.")
    fully_met: Count = Field(description="How many returns showed every standard met.")
    notes: str = Field(default="", description="What the returns showed, or what was done.")

    @field_validator("received")
    @classmethod
    def _received_of_asked(cls, value: int, info: ValidationInfo) -> int:
        asked = info.data.get("asked")
        if asked is not None and value > asked:
            raise ValueError(
                f"it is more than asked ({asked}): a return comes from a setting asked"
            )
        return value

    @field_validator("fully_met")
    @classmethod
    def _met_of_received(cls, value: int, info: ValidationInfo) -> int:
        received = info.data.get("received")
        if received is not None and value > received:
            raise ValueError(f"it is more than received ({received}): only a return can show it")
        return value


class DslForum(_Row):
    """The designated safeguarding leads' forum: each meeting, who came and what it covered."""

    date: Date = Field(description="Date of the meeting.")
    settings_represented: Count = Field(description="How many settings sent someone.")
    attendees: Count = Field(description="How many people attended.")
    themes: Text = Field(description="What the meeting covered, in a few words.")

    @field_validator("attendees")
    @classmethod
    def _one_from_each_setting(cls, value: int, info: ValidationInfo) -> int:
        represented = info.data.get("settings_represented")
        if represented is not None and value < represented:
            raise ValueError(
                f"it is fewer than settings_represented ({represented}): each setting "
                "represented sent at least one person"
            )
        return value


class Voice(_Row):
    """What children, young people and families told the partners, and what changed."""

    source: Text = Field(description="Where it was heard (survey, forum, review), no names.")
    what_was_said: Text = Field(description="What they said, in their words where possible.")
    what_changed: Text = Field(description="What changed as a result.")


class NextPriority(_Measure):
    """The priorities for the coming year, how success will be measured, and the measures
    that will judge it: one row per measure, a priority's words, lead and date the same on
    each of its rows. Next year, new-year makes them that year's priorities.csv and
    priority_measures.csv, each measure's baseline taken from this year's figures."""

    priority: Text = Field(description="The priority.")
    success_measure: Text = Field(description="How success will be measured, in words.")
    lead: Text = Field(description="Job title and organisation of the lead.")
    by_when: Date = Field(description="Date by which it should be achieved.")
    measure: MeasureName
    label: MeasureLabel = ""
    direction: MeasureDirection = None
    unit: MeasureUnitColumn = None
    target: MeasureTarget = None

    @field_validator("unit")
    @classmethod
    def _local_named(cls, value: str | None, info: ValidationInfo) -> str | None:
        local = str(info.data.get("measure", "")).startswith(LOCAL_MEASURE)
        blank = cls._local_blanks(info, ("label", "direction"))
        blank += ["unit"] if local and value is None else []
        if blank:
            raise ValueError(f"a local measure names its {', '.join(blank)}: fill them in")
        return value


# -- narratives (Markdown front matter) ------------------------------------------------------


class Signatory(_Row):
    """One person who signs a narrative."""

    name: Text = Field(description="Their name as it should be printed.")
    role: Text = Field(description="Their job title and organisation.")


class _Narrative(_Row):
    # Keys that must be given once the text is written (not while draft is true).
    needed_when_written: ClassVar[tuple[str, ...]] = ()

    draft: bool = Field(
        default=False,
        description="true while the text is still to be written; the report says so.",
    )
    disclosure_checked: bool = Field(default=False, description=CHECKED)

    @model_validator(mode="after")
    def _written_in_full(self) -> Self:
        blank = [n for n in self.needed_when_written if getattr(self, n) in (None, [])]
        if blank and not self.draft:
            raise ValueError(f"{', '.join(blank)} must be given unless draft is true")
        return self


class ForewordHeader(_Narrative):
    """foreword.md: the foreword, signed by the safeguarding partners' leads."""

    needed_when_written = ("signed_by",)

    signed_by: list[Signatory] = Field(
        default_factory=list, description="Who signs it: a list of {name, role}."
    )


class ScrutinyHeader(_Narrative):
    """scrutiny.md: the independent scrutineer's view of the arrangements."""

    needed_when_written = ("scrutineer", "role", "date")

    scrutineer: str | None = Field(default=None, description="The scrutineer's name.")
    role: str | None = Field(default=None, description="Their role, e.g. Independent Scrutineer.")
    date: Date | None = Field(default=None, description="Date the statement was written.")


class ScrutinyResponseHeader(_Narrative):
    """scrutiny_response.md: the safeguarding partners' response to the scrutineer."""

    needed_when_written = ("signed_by", "date")

    signed_by: list[Signatory] = Field(
        default_factory=list, description="Who signs the response: a list of {name, role}."
    )
    date: Date | None = Field(default=None, description="Date of the response.")


class PriorityHeader(_Narrative):
    """priorities/<id>.md: what was done on one priority and what difference it made."""

    priority: str = Field(description="The priority's id in priorities.csv; the file's name.")
    measures_differ_because: str = Field(
        default="",
        description="Where the declared status and the measures disagree (achieved, but no "
        "measure moved as intended): why, in a sentence the report shows beside both.",
    )


# -- documents (YAML) ------------------------------------------------------------------------


class Person(_Row):
    """Someone the cover report is from: name and job title."""

    name: Text = Field(description="Their name as it should be printed.")
    role: Text = Field(
        description="Their job title, e.g. Corporate Director of Children's Services."
    )


class Contact(_Row):
    """A report author or the relevant director, with how to reach them."""

    name: Text = Field(description="Their name as it should be printed.")
    role: Text = Field(description="Their job title and organisation.")
    telephone: str = Field(default="", description="Telephone number, if given.")
    email: str = Field(default="", description="Email address, if given.")

    @field_validator("email")
    @classmethod
    def _looks_like_email(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError("it is not an email address such as name@example.org")
        return value


class Meeting(_Row):
    """A meeting that considered (or will consider) the report."""

    body: Text = Field(description="Who met, e.g. the partnership's executive board.")
    date: Date = Field(description="Date of the meeting.")


class BackgroundDocument(_Row):
    """A document the cover report lists as background."""

    title: Text = Field(description="The document's title.")
    url: str = Field(default="", description="Where it is published (http or https), if online.")

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not re.match(r"^https?://", value, re.IGNORECASE):
            raise ValueError("it is not a web address starting http:// or https://")
        return value


class ProgressCited(_Row):
    """A key activity followed by its priority's progress, worked out from the measures."""

    activity: Text = Field(description="What was done, one sentence, as a key activity.")
    priority: Code = Field(description="The priority it served: an id in priorities.csv, e.g. P1.")
    measure: str = Field(
        default="",
        description="The measure to cite (priority_measures.csv's measure column, e.g. "
        "local-icon-trained); if not given, each of the priority's measures.",
    )


class CoverReport(_Row):
    """cover_report.yaml: the cover report that takes the yearly report to a committee.

    Its header (from, to, subject, classification, pathway, electoral division, summary and
    recommendation in the council's words), the year's key activities, the conclusions and the
    contacts. The figures in it come from the published data and the priorities' measures, as
    in the report itself.
    """

    from_: list[Person] = Field(
        alias="from",
        min_length=1,
        description="Who the report is from: cabinet member, corporate director and, for a "
        "Board, the independent chair; a list of {name, role}.",
    )
    to: Text = Field(description="The committee or council that receives it.")
    meeting_date: Date = Field(description="Date of the meeting that receives it.")
    subject: Text = Field(description="The subject line, e.g. the report's title and year.")
    classification: Text = Field(description="Its classification, e.g. Unrestricted.")
    past_pathway: list[Meeting] = Field(
        default_factory=list,
        description="Meetings that considered it before, e.g. the executive board; a list of "
        "{body, date}.",
    )
    future_pathway: list[Meeting] = Field(
        default_factory=list,
        description="Meetings that will consider it after this one; a list of {body, date}.",
    )
    electoral_division: Text = Field(description="The electoral divisions concerned, e.g. All.")
    summary: Text = Field(description="One paragraph: what the report is and what it shows.")
    recommendation: Text = Field(
        description="What the meeting is asked to do, in the council's words, e.g. The Cabinet "
        "Committee is asked to CONSIDER the progress made and NOTE the content of the report."
    )
    key_activities: list[Text] = Field(
        min_length=1, description="The year's key activities, one sentence each, in order."
    )
    key_activities_progress: list[ProgressCited] = Field(
        default_factory=list,
        description="Further key activities, each followed by how far its priority got as the "
        "report's priorities section works it out from priority_measures.csv (the judgement, "
        "and each measure's baseline and latest figures); listed after key_activities; a list "
        "of {activity, priority, measure}.",
    )
    conclusions: list[Text] = Field(
        min_length=1, description="The conclusions, one paragraph each, in order."
    )
    background_documents: list[BackgroundDocument] = Field(
        default_factory=list, description="Background documents; a list of {title, url}."
    )
    authors: list[Contact] = Field(
        min_length=1,
        description="The report's authors; a list of {name, role, telephone, email}.",
    )
    director: Contact = Field(description="The relevant director: {name, role, telephone, email}.")
    disclosure_checked: bool = Field(default=False, description=CHECKED)


class About(_Row):
    """about.yaml: whether the folder's records are the partnership's own or illustrative."""

    illustrative: bool = Field(
        description="true when the records are made-up examples; the report shows a banner."
    )
    note: str = Field(default="", description="Shown with the banner: where the records came from.")
