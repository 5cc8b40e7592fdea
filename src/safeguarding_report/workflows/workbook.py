"""``workbook``: a report's records as one Excel workbook, ``data/local/<id>/records.xlsx``.

The workbook has a sheet for every record type the report's framework reads (and for any
other type that holds records), each with the rows already held filled in, from the CSV files
or from the workbook itself (made again with the newest declarations). Once the workbook holds
a record type's rows, its CSV file must go: the build reads the workbook instead, and stops
while both hold records of the same type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safeguarding_report.core import framework, params
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import CSV_TEMPLATES
from safeguarding_report.local.workbook import WORKBOOK_FILE, write_workbook


@dataclass(frozen=True)
class Made:
    """What ``make`` wrote, and the CSV files whose records it now also holds."""

    path: Path
    sheets: list[str] = field(default_factory=list)
    from_csv: list[Path] = field(default_factory=list)


def make(params_path: Path, root: Path) -> Made:
    """Write records.xlsx for the report of ``params_path``, filled with the rows it holds."""
    p = params.load(params_path)
    data = root / "data"
    records = LocalRecords.load(data, p.id)
    used = framework.load(p.framework, data).templates()
    held = {name: [r.data for r in records.rows(name)] for name in CSV_TEMPLATES}
    chosen = [t for t in CSV_TEMPLATES.values() if t.name in used or held[t.name]]
    path = write_workbook(records.folder / WORKBOOK_FILE, chosen, held)
    from_csv = [
        records.folder / t.file
        for t in chosen
        if held[t.name] and (records.folder / t.file).is_file()
    ]
    return Made(path, [t.name for t in chosen], from_csv)
