"""Section: training and its impact. Courses, who attended, and what changed in practice."""

from __future__ import annotations

import pandas as pd

from safeguarding_report.local.models import TrainingAttendance, TrainingCourse, TrainingEvaluation
from safeguarding_report.report import charts, sections, tables, text
from safeguarding_report.report.sections import Banner, Context, local_figure

TEMPLATES: tuple[str, ...] = ("training_courses", "training_attendance", "training_evaluation")


def banner(ctx: Context) -> Banner:
    """Says when the training records are illustrative or still to be supplied."""
    return sections.banner(ctx, TEMPLATES)


def summary(ctx: Context) -> text.Text:
    """How many courses and sessions ran and how many attended."""
    if sections.unsupplied(ctx, "training_courses"):
        return sections.not_supplied(ctx, "training_courses")
    courses = ctx.records.rows(TrainingCourse)
    attendance = ctx.records.rows(TrainingAttendance)
    return text.say(
        "{body} offered {courses} multi-agency courses in {period}, in {sessions} "
        "sessions and as e-learning, with {attendances} attendances in all.",
        body=ctx.body[:1].upper() + ctx.body[1:],
        period=ctx.local_period,
        courses=local_figure(ctx, "training_courses", courses, template="training_courses"),
        sessions=local_figure(
            ctx, "training_sessions", courses, template="training_courses", column="sessions"
        ),
        attendances=local_figure(
            ctx,
            "training_attendances",
            attendance,
            template="training_attendance",
            column="attendees",
        ),
    )


def courses_table(ctx: Context) -> tables.Table | text.Text:
    """Each course: how it was delivered, how many sessions, how many attended."""
    if sections.unsupplied(ctx, "training_courses"):
        return sections.not_supplied(ctx, "training_courses")
    attendance = ctx.records.rows(TrainingAttendance)
    body: list[list[tables.Cell]] = []
    for course in ctx.records.rows(TrainingCourse):
        mine = [a for a in attendance if a.data.course_id == course.data.course_id]
        body.append(
            [
                course.data.title,
                course.data.format.capitalize(),
                tables.Figure(
                    local_figure(
                        ctx,
                        "training_sessions",
                        [course],
                        template="training_courses",
                        column="sessions",
                        breakdown=f"course: {course.data.course_id}",
                    )
                ),
                tables.Figure(
                    local_figure(
                        ctx,
                        "training_attendances",
                        mine,
                        template="training_attendance",
                        column="attendees",
                        breakdown=f"course: {course.data.course_id}",
                    )
                ),
            ]
        )
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
        local_figure(
            ctx,
            "training_attendances",
            [a for a in attendance if a.data.agency == agency],
            template="training_attendance",
            column="attendees",
            breakdown=f"agency: {agency}",
        )
        for agency in agencies
    ]
    frame = pd.DataFrame(rows).sort_values("value", ascending=False, kind="stable")
    frame["area_name"] = [str(b).removeprefix("agency: ").capitalize() for b in frame["breakdown"]]
    return frame.reset_index(drop=True)


def attendance_chart(ctx: Context) -> charts.Chart | text.Text:
    """A bar chart of attendances by agency."""
    if sections.unsupplied(ctx, "training_attendance") or not ctx.records.rows(TrainingAttendance):
        return sections.not_supplied(ctx, "training_attendance")
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
    if sections.unsupplied(ctx, "training_evaluation"):
        return sections.not_supplied(ctx, "training_evaluation")
    titles = {c.data.course_id: c.data.title for c in ctx.records.rows(TrainingCourse)}
    body: list[list[tables.Cell]] = []
    for r in ctx.records.rows(TrainingEvaluation):
        indicator = (
            "training_evaluation_percent"
            if r.data.unit == "percent"
            else "training_evaluation_score"
        )
        part = f"course: {r.data.course_id}; measure: {r.data.measure}"
        body.append(
            [
                titles.get(r.data.course_id, r.data.course_id),
                r.data.measure.capitalize(),
                tables.Figure(
                    local_figure(
                        ctx,
                        "training_respondents",
                        [r],
                        template="training_evaluation",
                        column="respondents",
                        breakdown=part,
                    )
                ),
                tables.Figure(
                    local_figure(
                        ctx,
                        indicator,
                        [r],
                        template="training_evaluation",
                        column="value",
                        breakdown=part,
                    ),
                    suffix="%" if r.data.unit == "percent" else " out of 10",
                ),
            ]
        )
    return tables.grid(
        "What changed in practice: course evaluations",
        ["Course", "Measure", "Respondents", "Result"],
        body,
        source=sections.template_file(ctx, "training_evaluation"),
        notes=[
            "Confidence and knowledge are measured before and straight after a course; applied "
            "learning is what attendees reported three months later."
        ],
    )
