"""Section: training and its impact. Courses, who attended, and what changed in practice."""

from __future__ import annotations

from typing import Any

import pandas as pd

from safeguarding_report.local import Record
from safeguarding_report.local.models import (
    TrainingAttendance,
    TrainingCourse,
    TrainingEvaluation,
    Workforce,
)
from safeguarding_report.report import charts, evaluation, sections, tables, text, workforce
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


# The measure of a change, by the unit of its results. A change is shown as a signed number
# alone (its unit in the column's heading), as figures.csv keeps it a number a spreadsheet reads.
CHANGES: dict[str, str] = {
    "percent": "training_evaluation_change_percent",
    "mean score out of 10": "training_evaluation_change_score",
}
DIFFERENT_PEOPLE = "not the same people"


def _evaluations(ctx: Context) -> tuple[dict[str, str], list[evaluation.Measured]]:
    """Each course's title by id, and its evaluated measures in the courses' order."""
    courses = ctx.records.rows(TrainingCourse)
    found = evaluation.measured(
        ctx.records.rows(TrainingEvaluation), [c.data.course_id for c in courses]
    )
    return {c.data.course_id: c.data.title for c in courses}, found


def _part(measured: evaluation.Measured, stage: Record[TrainingEvaluation]) -> str:
    """The breakdown a stage's result is recorded under in figures.csv."""
    return (
        f"course: {measured.course_id}; measure: {measured.measure}; "
        f"stage: {evaluation.stage_key(stage)}"
    )


def evaluation_table(ctx: Context) -> tables.Table | text.Text:
    """What course evaluations found: each course's measures stage by stage (before, straight
    after, months later), with how many answered and the change from the stage before."""
    if sections.unsupplied(ctx, "training_evaluation"):
        return sections.not_supplied(ctx, "training_evaluation")
    titles, found = _evaluations(ctx)
    least = tables.reliable_from()
    body: list[list[tables.Cell]] = []
    different = False
    for measured in found:
        changes = {later.line: earlier for earlier, later in evaluation.changes(measured)}
        for stage in measured.stages:
            part = _part(measured, stage)
            result, suffix = RESULTS[stage.data.unit]
            shown = result.row(ctx, [stage], part)
            change: tables.Cell = "[z]"
            asked = evaluation.when(stage)
            earlier = changes.get(stage.line)
            if earlier is not None:
                indicator = CHANGES[stage.data.unit]
                before = RESULTS[earlier.data.unit][0].row(ctx, [earlier], part)
                row = evaluation.change(
                    before,
                    shown,
                    (earlier.data.respondents, stage.data.respondents),
                    indicator=indicator,
                    breakdown=(
                        f"course: {measured.course_id}; measure: {measured.measure}; change: "
                        f"{evaluation.stage_key(earlier)} to {evaluation.stage_key(stage)}"
                    ),
                    reliable_from=least,
                )
                if evaluation.different_people(earlier, stage) and not row["status"]:
                    asked = f"{asked}: {DIFFERENT_PEOPLE}"
                    different = True
                change = tables.Figure(row, signed=True)
            body.append(
                [
                    titles.get(measured.course_id, measured.course_id),
                    measured.measure.capitalize(),
                    asked,
                    RESPONDENTS.cell(ctx, [stage], part),
                    tables.Figure(shown, suffix=suffix),
                    change,
                ]
            )
    notes = [
        "Each change is from the stage before it: in percentage points for a percentage, in "
        "points out of 10 for a mean score. The first stage a measure was asked at has no "
        "change ([z]).",
    ]
    if different:
        notes.append(
            f"Where a stage says '{DIFFERENT_PEOPLE}', different numbers of people answered it "
            "and the stage before: its change is the difference between two groups, not how "
            "the same people's answers changed."
        )
    return tables.grid(
        "What changed: course evaluations before, straight after and months after a course",
        [
            "Course",
            "Measure",
            "When asked",
            "Answered",
            "Result",
            "Change from the stage before (points)",
        ],
        body,
        source=sections.template_file(ctx, "training_evaluation"),
        notes=notes,
    )


def evaluation_chart(ctx: Context) -> charts.Chart | text.Text:
    """A dot chart of each percentage an evaluation asked at two stages or more, stage by
    stage; a sentence where there is none (scores and single stages are in the table)."""
    if sections.unsupplied(ctx, "training_evaluation"):
        return sections.not_supplied(ctx, "training_evaluation")
    titles, evaluated = _evaluations(ctx)
    least = tables.reliable_from()
    charted = [
        m
        for m in evaluated
        if len(m.stages) > 1 and all(s.data.unit == "percent" for s in m.stages)
    ]
    # A line between two dots reads as a change: none from too few answers ([u] in the table).
    found = [m for m in charted if all(s.data.respondents >= least for s in m.stages)]
    few = [titles.get(m.course_id, m.course_id) for m in charted if m not in found]
    if not found:
        return text.words(
            "No percentage was asked at more than one stage of a course, so there is no "
            "change to chart: the table below gives each result."
        )
    measures = list(dict.fromkeys(m.measure for m in found))
    result = RESULTS["percent"][0]
    items = [
        (
            titles.get(m.course_id, m.course_id) + (f" ({m.measure})" if len(measures) > 1 else ""),
            [
                (evaluation.when(stage), result.row(ctx, [stage], _part(m, stage)))
                for stage in m.stages
            ],
        )
        for m in found
    ]
    straight_after = [
        later.data.value - earlier.data.value
        for m in found
        for earlier, later in evaluation.changes(m)
        if (earlier.data.stage, later.data.stage) == ("before", "after")
    ]
    rose = bool(straight_after) and all(change > 0 for change in straight_after)
    what = measures[0].capitalize() if len(measures) == 1 else "Each measure"
    title = (
        f"{what} rose straight after every course that asked before and after"
        if rose
        else "Course evaluations before, straight after and months after a course"
    )
    return charts.stages(
        items,
        title=title,
        source=sections.template_file(ctx, "training_evaluation"),
        categories="Course",
        notes=[
            f"Not charted, because fewer than {least:,} people answered at one of its stages "
            f"(the table below shows it, its change as [u]): {tables.and_(few)}."
        ]
        if few
        else [],
    )


STAFF = Tally("workforce_staff", "workforce", "staff")


def workforce_table(ctx: Context) -> tables.Table | text.Text:
    """Each agency's share of attendances beside its share of the workforce, most
    under-represented first; where the optional workforce record is not supplied, a sentence
    saying what it would show."""
    if sections.unsupplied(ctx, "workforce"):
        return text.words(
            "No workforce record (workforce.csv) was supplied, so attendances cannot be set "
            "beside each agency's share of the workforce."
        )
    attendance = ctx.records.rows(TrainingAttendance)
    staff_rows = ctx.records.rows(Workforce)
    agencies: list[str] = list(dict.fromkeys(r.data.agency for r in staff_rows))
    attended_by: dict[str, dict[str, Any]] = {
        agency: ATTENDANCES.row(
            ctx, [a for a in attendance if a.data.agency == agency], f"agency: {agency}"
        )
        # An agency with staff and no attendances attended none: a figure of its own too.
        for agency in dict.fromkeys([*(a.data.agency for a in attendance), *agencies])
    }
    staff: dict[str, dict[str, Any]] = {
        agency: STAFF.row(
            ctx, [r for r in staff_rows if r.data.agency == agency], f"agency: {agency}"
        )
        for agency in agencies
    }
    found = workforce.shares(attended_by, staff)
    order = sorted(found, key=lambda a: found[a].gap["value"])
    body: list[list[tables.Cell]] = [
        [
            agency.capitalize(),
            tables.Figure(attended_by[agency]),
            tables.Figure(found[agency].attendances, suffix="%"),
            tables.Figure(staff[agency]),
            tables.Figure(found[agency].workforce, suffix="%"),
            tables.Figure(found[agency].gap, signed=True),
        ]
        for agency in order
    ]
    missing = [a for a in attended_by if a not in staff and attended_by[a]["value"]]
    notes = [
        "Both shares are of the agencies the workforce record gives, so each adds up to 100%: "
        "an agency whose share of attendances is below its share of the workforce (a "
        "difference below zero) is under-represented at multi-agency training.",
        "Workforce: "
        + "; ".join(dict.fromkeys(f"{r.data.source}, {r.data.period}" for r in staff_rows))
        + ".",
    ]
    if missing:
        notes.append(
            f"Not shown, because {sections.template_file(ctx, 'workforce')} has no row for "
            f"them: {tables.and_(missing)}."
        )
    return tables.grid(
        f"Attendances by agency beside each agency's share of the workforce, {ctx.local_period}",
        [
            "Agency",
            "Attendances",
            "Share of attendances",
            "Staff",
            "Share of the workforce",
            "Difference (percentage points)",
        ],
        body,
        source=sections.template_file(ctx, "training_attendance")
        + "; "
        + sections.template_file(ctx, "workforce"),
        notes=notes,
    )
