"""``workbook``: a report's records as one Excel workbook, ``data/local/<id>/records.xlsx``.

The workbook has a sheet for every record type the report's framework reads (and for any
other type that holds records), each with the rows already held filled in, from the CSV files
or from the workbook itself (made again with the newest declarations). Once the workbook holds
a record type, its CSV file goes: the build reads the workbook instead, and stops while both
hold records of the same type. So ``make`` moves each CSV file it took in to a dated folder
beside the records (``taken-into-workbook-<date>/``), kept for reference and never read as records.
Where a CSV file and a sheet both hold rows of one type (the clash the build refuses), the CSV
file's rows are taken in and the workbook as it was is moved to that folder too: nothing is lost.
Narratives (Markdown or Word) are not taken in: they stay where they are.

``make`` changes the folder whole or not at all. The new workbook is written first, in a
staging folder beside the records (``data/local/.<id>.workbook-<hex>/``), where a failure leaves
the records as they were; then the workbook it replaces is copied aside, the new one put in its
place in one step, and each CSV file it took in moved aside. Stopped between those steps, the
folder holds the new workbook and CSV files of the same records, which the build refuses by
name and ``make`` run again takes in: no record is ever only in a staging folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from safeguarding_report.core import framework, limits, params, store
from safeguarding_report.core.store import TAKEN_INTO_WORKBOOK
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES, WORKBOOK_FILE
from safeguarding_report.local.workbook import write_workbook
from safeguarding_report.pipeline import publish

STAGING_INFIX = ".workbook-"  # data/local/.<id>.workbook-<hex>/: the new workbook, being written


@dataclass(frozen=True)
class Made:
    """What ``make`` wrote, and where the CSV files it took in went (``moved``: their new
    paths, in ``aside``; none when there was no CSV file of a sheet to take in)."""

    path: Path
    sheets: list[str] = field(default_factory=list)
    moved: list[Path] = field(default_factory=list)
    aside: Path | None = None


def make(params_path: Path, root: Path, today: dt.date | None = None) -> Made:
    """Write records.xlsx for the report of ``params_path``, filled with the rows it holds,
    then move the CSV files it took in to ``taken-into-workbook-<today>/`` beside them."""
    p = params.load(params_path)
    data = root / "data"
    with limits.applied(p.limits):
        records = LocalRecords(data, p.id, csv_over_sheets=True).checked()
    used = framework.load(p.framework, data).templates()
    held = {name: [r.data for r in records.rows(name)] for name in CSV_TEMPLATES}
    chosen = [t for t in CSV_TEMPLATES.values() if t.name in used or held[t.name]]
    workbook = records.folder / WORKBOOK_FILE
    # Every CSV file of a sheet goes, an empty one too: the sheet is now the place to fill in.
    taken = [records.folder / t.file for t in chosen if (records.folder / t.file).is_file()]
    # A workbook that some of them clashed with is kept as it was, beside them.
    clashed = workbook.is_file() and any(
        records.sheets().get(t.name) is not None and records.sheets()[t.name].held
        for t in chosen
        if (records.folder / t.file).is_file() and held[t.name]
    )
    staged = publish.staging_folder(records.folder.parent, records.folder.name, STAGING_INFIX)
    try:
        new = write_workbook(staged / WORKBOOK_FILE, chosen, held)
        if not taken:
            store.put(new, workbook)
            return Made(workbook, [t.name for t in chosen])
        aside = _free_folder(records.folder, f"{TAKEN_INTO_WORKBOOK}{today or dt.date.today()}")
        aside.mkdir()
        if clashed:  # a copy: the workbook stays in place until the new one replaces it
            taken.append(Path(shutil.copy2(workbook, aside / workbook.name)))
        store.put(new, workbook)
        moved = [file if file.parent == aside else file.rename(aside / file.name) for file in taken]
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return Made(workbook, [t.name for t in chosen], moved, aside)


def _free_folder(parent: Path, name: str) -> Path:
    """``parent/name``, or ``name-2``, ``name-3`` ... when it is taken (made again that day)."""
    candidate, number = parent / name, 1
    while candidate.exists():
        number += 1
        candidate = parent / f"{name}-{number}"
    return candidate
