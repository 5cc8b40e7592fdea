"""Who comes to training against who works with children: each agency's share of attendances
beside its share of the workforce (the optional ``workforce.csv``), and the difference.

Both shares are of the same agencies, those the workforce record gives, so that they add up to
100% each and an agency whose share of attendances is below its share of staff is one that
is under-represented at training. An agency that attended but has no workforce row, or has a
workforce row but no attendances, is named with the closest name the other file holds
(``mismatches``): a warning of ``check``, and a note of the table.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safeguarding_report.local import LocalRecords, Record
from safeguarding_report.local.models import TrainingAttendance, Workforce

SHARE_OF_ATTENDANCES = "training_attendance_share"
SHARE_OF_WORKFORCE = "workforce_share"
GAP = "training_share_gap"


@dataclass(frozen=True)
class Shares:
    """One agency's tidy rows: its share of attendances, of the workforce, and the gap."""

    attendances: dict[str, Any]
    workforce: dict[str, Any]
    gap: dict[str, Any]


def _share(row: Mapping[str, Any], total: float, indicator: str, of: str) -> dict[str, Any]:
    value = float(row["value"])
    return {
        **row,
        "indicator": indicator,
        "value": value / total * 100,
        "derivation": f"share: {value:.15g} of {total:.15g} {of}, times 100",
    }


def shares(
    attendances: Mapping[str, Mapping[str, Any]], staff: Mapping[str, Mapping[str, Any]]
) -> dict[str, Shares]:
    """Each agency's shares, for the agencies ``staff`` gives (tidy rows by agency; an agency
    with no ``attendances`` row attended none): attendances and staff as a share of those
    agencies' totals, and the first minus the second in percentage points."""
    total_staff = sum(float(row["value"]) for row in staff.values())
    attended = {
        agency: float(attendances[agency]["value"]) if agency in attendances else 0.0
        for agency in staff
    }
    total_attended = sum(attended.values())
    found = {}
    for agency, row in staff.items():
        base = attendances.get(agency) or {
            **row,
            "value": 0.0,
            "source_file": "",
            "source_column": "",
            "source_line": "",
        }
        if total_attended:
            of_attendances = _share(
                base, total_attended, SHARE_OF_ATTENDANCES, "attendances of these agencies"
            )
        else:
            of_attendances = {**base, "indicator": SHARE_OF_ATTENDANCES, "value": float("nan")}
            of_attendances["status"] = "z"
        of_workforce = _share(row, total_staff, SHARE_OF_WORKFORCE, "staff of these agencies")
        gap = {**of_workforce, "indicator": GAP, "derivation": ""}
        if not of_attendances["status"]:
            gap["value"] = of_attendances["value"] - of_workforce["value"]
            gap["derivation"] = (
                f"difference: {of_attendances['value']:.15g} (share of attendances) minus "
                f"{of_workforce['value']:.15g} (share of the workforce)"
            )
        else:
            gap.update(value=float("nan"), status=of_attendances["status"])
        found[agency] = Shares(of_attendances, of_workforce, gap)
    return found


@dataclass(frozen=True)
class Mismatch:
    """An agency one file names and the other lacks: where, and what the other file holds."""

    source: str  # file (or sheet) and line
    agency: str
    said: str


def _closest(agency: str, others: Sequence[str]) -> str:
    # Close only within a sector ("health: ...", "education: ..."): a distant name is no help.
    close = difflib.get_close_matches(agency, others, n=1, cutoff=0.55)
    return f"; the closest it names is '{close[0]}'" if close else ""


def mismatches(records: LocalRecords) -> list[Mismatch]:
    """Each agency that attended training but has no row in workforce.csv, and each the
    workforce record gives that attended none, named at its first line; none while there is
    no workforce record."""
    if records.is_missing("workforce"):
        return []
    staff: dict[str, Record[Workforce]] = {}
    for row in records.rows(Workforce):
        staff.setdefault(row.data.agency, row)
    attended: dict[str, Record[TrainingAttendance]] = {}
    for record in records.rows(TrainingAttendance):
        attended.setdefault(record.data.agency, record)
    workforce_file = records.template_source("workforce")
    attendance_file = records.template_source("training_attendance")
    found = [
        Mismatch(
            record.place,
            agency,
            f"'{agency}' attended training but {workforce_file} has no row for it, so its "
            f"share of the workforce is not shown{_closest(agency, list(staff))}",
        )
        for agency, record in attended.items()
        if agency not in staff
    ]
    found += [
        Mismatch(
            row.place,
            agency,
            f"'{agency}' has staff but no attendances in {attendance_file}: its share of "
            f"attendances is shown as 0%{_closest(agency, list(attended))}",
        )
        for agency, row in staff.items()
        if agency not in attended
    ]
    return found
