"""Next year's priorities and their measures, made by ``new-year`` from this year's
``next_priorities.csv``: the promise a partnership made is checked the year after without
being typed again.

Each priority becomes a row of ``priorities.csv`` (ids P1, P2 ... in the order promised; its
status left blank until the year's end) and each of its measures a row of
``priority_measures.csv`` whose baseline is this year's latest figure of the measure:

- a measure the kit works out (an indicator, a wider-picture measure, a count from the
  records): the figure this year's published report showed for the area, read from its
  ``figures.csv``. That file is what the partnership published and its readers saw, with the
  source of every figure; working the figure out again could give another (a release revised
  since, a record corrected after publication), and the promise was made against the
  published one. Last year's report must therefore have been built: new-year says so if not;
- a measure of the partnership's own (``local-<name>``): the latest figure of the same measure
  in this year's ``priority_measures.csv``, else left for the partnership to fill in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from safeguarding_report.core import indicators, spreadsheet
from safeguarding_report.core.errors import ReportError
from safeguarding_report.core.params import Params
from safeguarding_report.data import Published
from safeguarding_report.local import LocalRecords, Record, period_label
from safeguarding_report.local.catalogue import CsvTemplate
from safeguarding_report.local.models import (
    LOCAL_MEASURE,
    NextPriority,
    PriorityMeasure,
    known_measures,
)
from safeguarding_report.local.promises import promises
from safeguarding_report.pipeline.plan import Project
from safeguarding_report.report import sections
from safeguarding_report.report.sections import next_priorities

FIGURES = "figures.csv"
Cells = dict[str, str]


@dataclass(frozen=True)
class Made:
    """The rows new-year writes, as CSV cells, and what is left in them for the partnership."""

    rows: dict[str, list[Cells]] = field(
        default_factory=lambda: {"priorities": [], "priority_measures": []}
    )
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Figure:
    period: str
    value: str  # "" where the report withheld it or had none
    line: int  # its line in figures.csv


def made(old: LocalRecords, p: Params, root: Path) -> Made:
    """This year's promises (``old``'s next_priorities.csv) as next year's priorities and
    measures; an empty ``Made`` when there are none. Raises the build's DataError for a wrong
    next_priorities.csv, and ReportError when a baseline cannot be read from this year's
    published figures."""
    if old.is_missing("next_priorities") or not (rows := old.rows(NextPriority)):
        return Made()
    said = promises(rows)
    kit = [r for promise in said for r in promise.measures if not _local(r.data)]
    if any(r.data.measure not in known_measures() for r in kit):
        # A measure of LAIT's data dictionary, or none at all: checked against the dictionary
        # as check and the build check it, so a wrong one is named at its line and column.
        next_priorities.promised_measures(sections.for_report(p, Published(root / "data")))
    figures = _figures(root, p) if kit else {}
    earlier = {} if old.is_missing("priority_measures") else _local_latest(old)
    result = Made()
    for number, promise in enumerate(said, start=1):
        ident = f"P{number}"
        result.rows["priorities"].append(
            {"id": ident, "title": promise.priority, "lead": promise.lead, "status": ""}
        )
        for record in promise.measures:
            row = _measure_row(ident, record, p, figures, earlier, old.source_folder)
            result.rows["priority_measures"].append(row)
            if _local(record.data) and not row["baseline"]:
                result.notes.append(
                    f"{ident} {record.data.measure}: {p.id}'s priority_measures.csv holds no "
                    "latest figure of it: fill in its baseline and source"
                )
    result.notes.append(
        "each priority's status, and each local measure's latest figure, are left blank "
        "until the year's end"
    )
    return result


def _local(row: NextPriority) -> bool:
    return row.measure.startswith(LOCAL_MEASURE)


def _measure_row(
    ident: str,
    record: Record[NextPriority],
    p: Params,
    figures: dict[str, _Figure],
    earlier: dict[str, PriorityMeasure],
    shown: str,
) -> Cells:
    """One row of priority_measures.csv: the promised measure, with this year's latest
    figure as its baseline."""
    data = record.data
    row: Cells = {
        "priority": ident,
        "measure": data.measure,
        "label": data.label,
        "direction": data.direction or "",
        "latest_period": "",
        "latest": "",
        "unit": data.unit or "",
        "target": "" if data.target is None else f"{data.target:g}",
    }
    if _local(data):
        before = earlier.get(data.measure)
        if before is None or before.latest is None:
            period = period_label(p.period_start, p.period_end)
            return {**row, "baseline_period": period, "baseline": "", "source": ""}
        return {
            **row,
            "baseline_period": before.latest_period,
            "baseline": f"{before.latest:g}",
            "source": before.source,
        }
    figure = figures.get(indicators.by_lait_code(data.measure))
    if figure is None:
        raise ReportError(
            f"{record.place}, column 'measure': {p.id}'s published report shows no figure of "
            f"{data.measure} for the area ({_figures_file(p)}), so new-year has no baseline for "
            "it. Expected a measure that report shows (see its figures.csv); name another, or "
            "make it a local-<name> measure whose baseline you give."
        )
    return {
        **row,
        "baseline_period": figure.period,
        "baseline": figure.value,
        "source": f"{p.id}'s published report: {_figures_file(p)}"
        + (f", line {figure.line}" if figure.line else ""),
    }


def _figures_file(p: Params) -> str:
    return f"outputs/{p.id}/{FIGURES}"


def _figures(root: Path, p: Params) -> dict[str, _Figure]:
    """The latest figure of each indicator for the report's whole area in its figures.csv:
    for the latest period the report showed a value of it for the area or, for a
    partnership, for one of its authorities (a percentage is not combined for the whole
    area: its value is then blank, and the report judges each authority's)."""
    path = Project(root).outputs / p.id / FIGURES
    if not path.is_file():
        raise ReportError(
            f"{_figures_file(p)}: not found. new-year takes each promised measure's baseline "
            f"from the figures {p.id}'s report published: build it first (safeguarding-report "
            f"build params/{p.id}.yaml), then run new-year again."
        )
    area = Published(root / "data").area(p.local_authority)
    codes = {area.code, *(a.code for a in area.parts)}
    latest: dict[str, str] = {}  # the latest period with a value, by indicator
    own: dict[tuple[str, str], _Figure] = {}  # the whole area's figure, by indicator and period
    with path.open(encoding="utf-8", newline="") as handle:
        for line, cells in enumerate(csv.DictReader(handle), start=2):
            if cells["area_code"] not in codes or not _whole(cells):
                continue
            indicator, period = cells["indicator"], cells["period"]
            if cells["value"] and period > latest.get(indicator, ""):
                latest[indicator] = period
            if cells["area_code"] == area.code:
                own.setdefault((indicator, period), _Figure(period, cells["value"], line))
    return {
        indicator: own.get((indicator, period), _Figure(period, "", 0))
        for indicator, period in latest.items()
    }


def _whole(cells: Cells) -> bool:
    """Whether a row of figures.csv is a figure of its indicator as published, not of a
    breakdown or a change worked out: a measure of LAIT's data dictionary that only a
    priority measured is shown in the priorities section, under its priority."""
    if cells.get("derivation", "").startswith("change:"):
        return False
    return not cells["breakdown"] or cells["breakdown"].startswith("priority: ")


def _local_latest(old: LocalRecords) -> dict[str, PriorityMeasure]:
    """Each local measure of this year's priority_measures.csv, by name."""
    return {
        r.data.measure: r.data
        for r in old.rows(PriorityMeasure)
        if r.data.measure.startswith(LOCAL_MEASURE)
    }


def write_csv(path: Path, template: CsvTemplate, rows: Sequence[Cells]) -> None:
    """``rows`` as the template's CSV file (in new-year's staging folder)."""
    buffer = io.StringIO()
    writer = spreadsheet.DictWriter(buffer, list(template.columns))
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def models(template: CsvTemplate, rows: Sequence[Cells]) -> list[BaseModel]:
    """``rows`` as the template's records (a blank cell takes the column's default), for the
    workbook."""
    return [template.model.model_validate({k: v for k, v in r.items() if v != ""}) for r in rows]
