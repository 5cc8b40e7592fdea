"""Section: training and its impact. Courses, who attended, and what changed in practice."""

from __future__ import annotations

import pandas as pd

from safeguarding_report.local import Record
from safeguarding_report.local.models import TrainingAttendance, TrainingCourse, TrainingEvaluation
from safeguarding_report.report import charts, sections, tables, text
from safeguarding_report.report.sections import Context, Tally

banner = sections.banner_of("training")
COURSES = Tally("training_courses", "training_courses")
SESSIONS = Tally("training_sessions", "training_courses", "sessions")
ATTENDANCES = Tally("training_attendances", "training_attendance", "attendees")
RESPONDENTS = Tally("training_respondents", "training_evaluation", "respondents")
# An evaluation's result by its unit, and what follows the number.
RESULTS: dict[str, tuple[Tally, str]] = {
    "percent": (Tally("training_evaluation_percent", "training_evaluation", "value"), "%"),
    "mean score out of 10": (
        Tally("training_evaluation_score", "training_evaluation", "value"),
        " out of 10",
    ),
}


@sections.needs("training_courses")
def summary(ctx: Context) -> text.Text:
    """How many courses and sessions ran and how many attended."""
    courses = ctx.records.rows(TrainingCourse)
    attendance = ctx.records.rows(TrainingAttendance)
    return text.say(
        "{body} offered {courses} multi-agency courses in {period}, in {sessions} "
        "sessions and as e-learning, with {attendances} attendances in all.",
        body=ctx.body[:1].upper() + ctx.body[1:],
        period=ctx.local_period,
        courses=COURSES.row(ctx, courses),
        sessions=SESSIONS.row(ctx, courses),
        attendances=ATTENDANCES.row(ctx, attendance),
    )


@sections.needs("training_courses")
def courses_table(ctx: Context) -> tables.Table:
    """Each course: how it was delivered, how many sessions, how many attended."""
    attendance = ctx.records.rows(TrainingAttendance)
    body: list[list[tables.Cell]] = [
        [
            course.data.title,
            course.data.format.capitalize(),
            SESSIONS.cell(ctx, [course], f"course: {course.data.course_id}"),
            ATTENDANCES.cell(
                ctx,
                [a for a in attendance if a.data.course_id == course.data.course_id],
                f"course: {course.data.course_id}",
            ),
        ]
        for course in ctx.records.rows(TrainingCourse)
    ]
    return tables.grid(
        f"Multi-agency courses, {ctx.local_period}",
        ["Course", "Format", "Sessions", "Attendances"],
        body,
        source=sections.template_file(ctx, "training_courses")
        + "; "
        + sections.template_file(ctx, "training_attendance"),
    )


def attendance_frame(ctx: Context) -> pd.DataFrame:
    """Attendances by agency, largest first, as tidy rows."""
    attendance = ctx.records.rows(TrainingAttendance)
    agencies = sorted({a.data.agency for a in attendance})
    rows = [
        ATTENDANCES.row(
            ctx, [a for a in attendance if a.data.agency == agency], f"agency: {agency}"
        )
        for agency in agencies
    ]
    frame = pd.DataFrame(rows).sort_values("value", ascending=False, kind="stable")
    frame["area_name"] = [str(b).removeprefix("agency: ").capitalize() for b in frame["breakdown"]]
    return frame.reset_index(drop=True)


@sections.needs("training_attendance")
def attendance_chart(ctx: Context) -> charts.Chart | text.Text:
    """A bar chart of attendances by agency."""
    frame = attendance_frame(ctx)
    top = frame.iloc[0]
    return charts.compare(
        frame,
        title=f"{top['area_name']} made the most use of multi-agency training",
        source=sections.template_file(ctx, "training_attendance"),
        categories="Agency",
    )


def evaluation_table(ctx: Context) -> tables.Table | text.Text:
    """What course evaluations found, before, after and at follow-up."""
    titles = {c.data.course_id: c.data.title for c in ctx.records.rows(TrainingCourse)}

    def row(r: Record[TrainingEvaluation]) -> list[tables.Cell]:
        part = f"course: {r.data.course_id}; measure: {r.data.measure}"
        result, suffix = RESULTS[r.data.unit]
        return [
            titles.get(r.data.course_id, r.data.course_id),
            r.data.measure.capitalize(),
            RESPONDENTS.cell(ctx, [r], part),
            result.cell(ctx, [r], part, suffix),
        ]

    return sections.records_table(
        ctx,
        TrainingEvaluation,
        "What changed in practice: course evaluations",
        ["Course", "Measure", "Respondents", "Result"],
        row,
        notes=[
            "Confidence and knowledge are measured before and straight after a course; applied "
            "learning is what attendees reported three months later."
        ],
    )
