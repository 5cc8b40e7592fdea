"""Section: education and childcare settings in the arrangements.

The education and childcare agencies in the arrangements and whether any has been designated
under section 2 of the Children's Wellbeing and Schools Act 2026, the schools' and colleges'
safeguarding audit returns (Education Act 2002, sections 175 and 157), the designated
safeguarding leads' forum, and education staff's attendances at multi-agency training.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

from safeguarding_report.local import Record
from safeguarding_report.local.models import (
    Agency,
    DslForum,
    EducationReturn,
    EducationSetting,
    TrainingAttendance,
)
from safeguarding_report.report import sections, tables, text
from safeguarding_report.report.sections import Context, Tally, long_date

banner = sections.banner_of("education")
SETTINGS = Tally("education_settings", "education_settings", "settings")
ASKED = Tally("education_returns_asked", "education_returns", "asked")
RECEIVED = Tally("education_returns_received", "education_returns", "received")
FULLY_MET = Tally("education_returns_fully_met", "education_returns", "fully_met")
FORUM_SETTINGS = Tally("dsl_forum_settings", "dsl_forum", "settings_represented")
FORUM_ATTENDEES = Tally("dsl_forum_attendees", "dsl_forum", "attendees")
ATTENDANCES = Tally("training_attendances", "training_attendance", "attendees")
EDUCATION_ATTENDANCES = Tally("education_training_attendances", "training_attendance", "attendees")
# The sectors of training_attendance.csv that are education's, as models.Agency declares them.
EDUCATION_AGENCIES: tuple[str, ...] = tuple(
    a for a in get_args(Agency) if a.startswith("education")
)
ACT = "the Children's Wellbeing and Schools Act 2026"


@sections.needs("education_settings")
def settings_table(ctx: Context) -> tables.Table:
    """Each kind of education or childcare agency: settings, and its place in the arrangements."""
    rows = ctx.records.rows(EducationSetting)
    body: list[list[tables.Cell]] = [
        [
            r.data.kind[:1].upper() + r.data.kind[1:],
            _settings(ctx, r),
            "Yes" if r.data.named_in_arrangements else "No",
            long_date(r.data.designated_on) if r.data.designated_on else "Not designated",
            r.data.notes,
        ]
        for r in rows
    ]
    if len(rows) > 1:
        counted = [r for r in rows if r.data.settings is not None]
        body.append(["Total", SETTINGS.cell(ctx, counted), "", "", ""])
    return tables.grid(
        f"Education and childcare agencies in the arrangements, {ctx.local_period}",
        ["Kind of agency", "Settings", "Named as a relevant agency", "Designated", "Notes"],
        body,
        source=sections.template_file(ctx, "education_settings"),
        notes=[f"Designated: as a childcare or education agency, under section 2 of {ACT}."],
    )


def _settings(ctx: Context, r: Record[EducationSetting]) -> tables.Figure:
    """A kind's number of settings; not applicable ([z]) where the records give no count."""
    breakdown = f"kind: {r.data.kind}"
    if r.data.settings is not None:
        return SETTINGS.cell(ctx, [r], breakdown)
    row = {
        **SETTINGS.row(ctx, [], breakdown),
        "value": float("nan"),
        "status": "z",
        "source_line": str(r.line),
        "derivation": "not applicable: the settings column is blank for this kind",
    }
    return tables.Figure(row)


@sections.needs("education_settings")
def designation(ctx: Context) -> text.Text:
    """Which agencies are designated under section 2 of the 2026 Act, or that none is yet."""
    designated = sorted(
        (day, r.data.kind)
        for r in ctx.records.rows(EducationSetting)
        if (day := r.data.designated_on) is not None
    )
    if not designated:
        return text.say(
            "Section 2 of {act} provides for relevant agencies with functions relating to "
            "childcare or education to be designated, by regulations made by the Secretary of "
            "State, as designated childcare or education agencies, which the arrangements must "
            "then include. No designation had been made in {period}.",
            act=ACT,
            period=ctx.local_period,
        )
    listed = tables.and_([f"{kind} (on {long_date(day)})" for day, kind in designated])
    return text.say(
        "Designated as childcare or education agencies under section 2 of {act}, and so "
        "included in the arrangements: {listed}.",
        act=ACT,
        listed=listed,
    )


def _share(part: Mapping[str, Any], whole: Mapping[str, Any], indicator: str) -> dict[str, Any]:
    """``part`` as a percentage of ``whole`` (two figures from the same rows), citing both."""
    row: dict[str, Any] = {
        **part,
        "indicator": indicator,
        "source_column": f"{part['source_column']}; {whole['source_column']}",
    }
    for side in (part, whole):
        if side["status"]:
            return {**row, "value": float("nan"), "status": side["status"], "derivation": ""}
    if not whole["value"]:
        return {
            **row,
            "value": float("nan"),
            "status": "z",
            "derivation": f"not applicable: {whole['source_column']} is 0",
        }
    return {
        **row,
        "value": 100 * float(part["value"]) / float(whole["value"]),
        "derivation": f"percentage: {part['source_column']} {float(part['value']):.15g} of "
        f"{whole['source_column']} {float(whole['value']):.15g}",
    }


def _returns(
    ctx: Context, rows: Sequence[Record[EducationReturn]], breakdown: str
) -> dict[str, dict[str, Any]]:
    """The counts and percentages of one audit's returns (or of all of them)."""
    asked = ASKED.row(ctx, rows, breakdown)
    received = RECEIVED.row(ctx, rows, breakdown)
    met = FULLY_MET.row(ctx, rows, breakdown)
    return {
        "asked": asked,
        "received": received,
        "rate": _share(received, asked, "education_return_rate"),
        "met": met,
        "met_pct": _share(met, received, "education_fully_met_pct"),
    }


@sections.needs("education_returns")
def returns_summary(ctx: Context) -> text.Text:
    """How many settings returned the safeguarding audit, and how many met every standard."""
    all_returns = _returns(ctx, ctx.records.rows(EducationReturn), "")
    return text.say(
        "Of the {asked} schools and colleges asked for their safeguarding audit return in "
        "{period}, {received} sent one ({rate:pct}). Of the returns received, {met} showed "
        "every standard met ({met_pct:pct}).",
        period=ctx.local_period,
        **all_returns,
    )


@sections.needs("education_returns")
def returns_table(ctx: Context) -> tables.Table:
    """Each audit's returns: asked, received, the return rate and the share fully met."""
    rows = ctx.records.rows(EducationReturn)

    def line(label: str, figures: Mapping[str, Mapping[str, Any]]) -> list[tables.Cell]:
        return [
            label,
            tables.Figure(figures["asked"]),
            tables.Figure(figures["received"]),
            tables.Figure(figures["rate"], suffix="%"),
            tables.Figure(figures["met"]),
            tables.Figure(figures["met_pct"], suffix="%"),
        ]

    body = [
        line(
            r.data.audit[:1].upper() + r.data.audit[1:],
            _returns(ctx, [r], f"audit: {r.data.audit}"),
        )
        for r in rows
    ]
    if len(rows) > 1:
        body.append(line("Total", _returns(ctx, rows, "")))
    return tables.grid(
        f"Safeguarding audit returns from schools and colleges, {ctx.local_period}",
        ["Audit", "Asked", "Returned", "Return rate", "Every standard met", "Share of returns"],
        body,
        source=sections.template_file(ctx, "education_returns"),
        notes=[
            "Section 175 of the Education Act 2002 applies to maintained schools and further "
            "education colleges; section 157 to independent schools, academies included. "
            "Share of returns: returns showing every standard met, as a percentage of those "
            "received."
        ],
    )


@sections.needs("dsl_forum")
def forum_summary(ctx: Context) -> text.Text:
    """The forum's attendances over the period's meetings."""
    meetings = ctx.records.rows(DslForum)
    return text.say(
        "Designated safeguarding leads from schools, colleges and early years settings made "
        "{attendees} attendances at the forum's meetings in {period}.",
        attendees=FORUM_ATTENDEES.row(ctx, meetings),
        period=ctx.local_period,
    )


def forum_table(ctx: Context) -> tables.Table | text.Text:
    """Each meeting of the designated safeguarding leads' forum: who came and what it covered."""
    return sections.records_table(
        ctx,
        DslForum,
        f"Designated safeguarding leads' forum meetings, {ctx.local_period}",
        ["Meeting", "Settings represented", "Attendees", "Themes"],
        lambda r: [
            long_date(r.data.date),
            FORUM_SETTINGS.cell(ctx, [r], f"meeting: {r.data.date.isoformat()}"),
            FORUM_ATTENDEES.cell(ctx, [r], f"meeting: {r.data.date.isoformat()}"),
            r.data.themes,
        ],
        order=lambda r: r.data.date,
    )


def _education_attendance(ctx: Context) -> list[Record[TrainingAttendance]]:
    return [a for a in ctx.records.rows(TrainingAttendance) if a.data.agency in EDUCATION_AGENCIES]


@sections.needs("training_attendance")
def training_summary(ctx: Context) -> text.Text:
    """Education staff's attendances at multi-agency training, out of all attendances."""
    return text.say(
        "Staff from schools, early years settings and further education made {education} of "
        "the {all} attendances at {owner} multi-agency training in {period}.",
        owner=sections.possessive(ctx.body),
        education=EDUCATION_ATTENDANCES.row(ctx, _education_attendance(ctx)),
        all=ATTENDANCES.row(ctx, ctx.records.rows(TrainingAttendance)),
        period=ctx.local_period,
    )


@sections.needs("training_attendance")
def training_table(ctx: Context) -> tables.Table:
    """Education staff's attendances at multi-agency training, by sector."""
    attendance = _education_attendance(ctx)
    body: list[list[tables.Cell]] = [
        [
            agency.removeprefix("education: ").capitalize(),
            ATTENDANCES.cell(
                ctx, [a for a in attendance if a.data.agency == agency], f"agency: {agency}"
            ),
        ]
        for agency in EDUCATION_AGENCIES
    ]
    body.append(["Total", EDUCATION_ATTENDANCES.cell(ctx, attendance)])
    return tables.grid(
        f"Attendances at multi-agency training by education staff, {ctx.local_period}",
        ["Sector", "Attendances"],
        body,
        source=sections.template_file(ctx, "training_attendance"),
    )
