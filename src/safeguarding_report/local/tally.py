"""How each count from the partnership's records is counted, declared once by indicator id.

``local/counts.py`` counts them; a priority's measures (``models.PriorityMeasure``) may name
them. What each is (label, unit) is declared with every other indicator, in
``core/indicators.py`` (``LOCAL_INDICATORS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocalCount:
    """How one indicator is counted from one CSV template.

    With ``column`` set, the value is the sum of that column over the rows that match
    ``where``; with ``column`` empty, it is the number of rows that match. With ``dated``, only
    rows whose date in that column falls in the reporting period count (a review published in
    the period).
    """

    template: str
    column: str = ""
    where: tuple[tuple[str, str], ...] = ()
    dated: str = ""


def _measure(template: str, measure: str) -> LocalCount:
    return LocalCount(template, "count", (("measure", measure),))


# How each local indicator (``indicators.LOCAL_INDICATORS``) is counted, by its id.
LOCAL_COUNTS: dict[str, LocalCount] = {
    "lado_contacts": _measure("lado", "contacts received"),
    "lado_referrals": _measure("lado", "referrals meeting the harm threshold"),
    "lado_substantiated": _measure("lado", "outcome: substantiated"),
    "private_fostering_notifications": _measure("private_fostering", "notifications received"),
    "private_fostering_open": _measure(
        "private_fostering", "arrangements open at the end of the period"
    ),
    "training_courses": LocalCount("training_courses"),
    "training_sessions": LocalCount("training_courses", "sessions"),
    "training_attendances": LocalCount("training_attendance", "attendees"),
    "serious_incident_notifications": LocalCount(
        "reviews", where=(("kind", "serious incident notification"),)
    ),
    "rapid_reviews": LocalCount("reviews", where=(("kind", "rapid review"),)),
    "local_practice_reviews": LocalCount(
        "reviews", where=(("kind", "local child safeguarding practice review"),)
    ),
    "reviews_published": LocalCount("reviews", dated="published"),
    "audits_completed": LocalCount("audits"),
    "section11_not_met": LocalCount("section11", where=(("rating", "not met"),)),
}
