"""``check``: every input of one report, found or missing, valid or not, without building.

One row per input: the params file, each published file the indicators read (with the years
it holds and, for a new release, which table it is; under the Benchmarking Data Set, each
wider-picture measure with the latest period the report will show), each indicator for the
report's year (the release it is read from, or that the DfE has not published the year yet),
and each of
the partnership's own files that the sections of the report's framework read (to supply, to
update because it is a draft carried over from last year, or valid). A row ``blocks`` when a
build would fail on it; ``strict`` rows (to supply, to update) stop only a ``--strict`` build.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from safeguarding_report.core import framework, params
from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.core.indicators import INDICATORS, LAIT_CODES, WIDER_INDICATORS
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import PUBLISHED, Catalogue
from safeguarding_report.data.schema import NOT_HELD, NOT_YET_PUBLISHED, STATUSES
from safeguarding_report.local import LocalRecords
from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    PRIORITY_TEMPLATE,
    TEXT_TEMPLATES,
)
from safeguarding_report.local.models import Priority
from safeguarding_report.local.read import read_csv, read_narrative
from safeguarding_report.local.word import SUFFIX as WORD_SUFFIX
from safeguarding_report.local.word import read_docx_narrative
from safeguarding_report.local.workbook import (
    WORKBOOK_FILE,
    Sheet,
    open_workbook,
    read_sheet,
    sheet_source,
)

log = logging.getLogger(__name__)

VALID = "valid"
MISSING = "missing"
INVALID = "invalid"
TO_SUPPLY = "to supply"
TO_UPDATE = "to update"
NOT_YET = "not yet published"
CARRIED = "carried over"
NOT_READ = "not read"
NONE_HELD = "none held"


@dataclass(frozen=True)
class Input:
    """One row of the check: an input, its state, the years it holds and what to do."""

    name: str  # a file as shown to the user, or "indicator <id>"
    state: str  # one of the states above
    detail: str = ""  # the first error, where the figure is read from, or what to do
    years: str = ""  # e.g. "2013 to 2025"
    blocks: bool = False  # a build would fail on it
    strict: bool = False  # a --strict build would refuse it


def check(params_path: Path, root: Path) -> list[Input]:
    """Every input of the report ``params_path`` describes, under the project ``root``.

    A params file that does not load raises ``ParamsError``: nothing else can be checked.
    """
    p = params.load(params_path)
    rows = [Input(str(params_path), VALID, f"{p.partnership}, {p.period_label}")]
    data = root / "data"
    published = Published(data)
    try:
        la = published.area(p.local_authority)
    except DataError as exc:
        return [
            *rows,
            Input(f"local_authority {p.local_authority}", INVALID, str(exc), blocks=True),
        ]
    rows += _published_files(published, la.code, p.comparison_year)
    rows += _indicators(published, la.code, p.comparison_year)
    rows += _local(data, p, _last_year(root, p))
    return rows


def _years(years: Sequence[int]) -> str:
    if not years:
        return ""
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]} to {years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(str(y) for y in years)


def _source_entry(data: Path, path: str) -> bool:
    """Whether a SOURCE.md in the file's folder, or one above it, names the file."""
    folder = (data / path).parent
    name = Path(path).name
    while folder != data.parent and folder != folder.parent:
        source = folder / "SOURCE.md"
        if source.is_file() and name in source.read_text(encoding="utf-8", errors="replace"):
            return True
        if folder.name == PUBLISHED:
            return False
        folder = folder.parent
    return False


def _published_files(published: Published, la_code: str, year: int) -> list[Input]:
    catalogue: Catalogue = published.catalogue
    read = {m.path for measures in catalogue.measures.values() for m in measures}
    read |= {p for p, spec in catalogue.files.items() if spec.layout in ("neighbours", "bds")}
    release_of = {r.path: r for r in catalogue.recognised}
    rows = []
    for path in sorted(read):
        spec = catalogue.files[path]
        shown = f"{published.data_dir.name}/{path}"
        years = _years(spec.years)
        if not (published.data_dir / path).is_file():
            rows.append(
                Input(shown, MISSING, "copy it back as published (see the SOURCE.md beside it)",
                      years, blocks=True)
            )  # fmt: skip
            continue
        try:
            published.validate_file(path)
        except DataError as exc:
            rows.append(Input(shown, INVALID, str(exc), years, blocks=True))
            continue
        notes = [f"release {spec.release}" if spec.release else ""]
        if path in release_of:
            notes.append(f"recognised as a new release of {release_of[path].release_of}")
            if not _source_entry(published.data_dir, path):
                notes.append("no SOURCE.md names it: add its entry (where it came from)")
        rows.append(Input(shown, VALID, "; ".join(n for n in notes if n), years))
        if path == catalogue.bds:
            rows += _wider_measures(published, la_code, year)
    near = [u for u in catalogue.unrecognised if "not that of a catalogued table" not in u.reason]
    for u in near:
        rows.append(
            Input(f"{published.data_dir.name}/{u.path}", NOT_READ,
                  f"not recognised as a release: {u.reason}")
        )  # fmt: skip
    others = len(catalogue.unrecognised) - len(near)
    if others:
        rows.append(
            Input(f"{others} other file(s) in {published.data_dir.name}/{PUBLISHED}/", NOT_READ,
                  "held for reference: no indicator reads them")
        )  # fmt: skip
    return rows


def _wider_measures(published: Published, la_code: str, year: int) -> list[Input]:
    """Each wider-picture measure (core/wider.yaml): the latest period ending in or before
    the report's year that the report will show, and whether each authority has a figure."""
    authorities = published.area(la_code).parts or (published.area(la_code),)
    rows = []
    for indicator in WIDER_INDICATORS:
        name = f"  wider measure {indicator}"
        years = published.wider_years(indicator, year, 1)
        if not years:
            rows.append(
                Input(name, NONE_HELD, f"no period ending in or before {year}: the report "
                      "names it as holding no figure")
            )  # fmt: skip
            continue
        label = years[0].label
        said = []
        for la in authorities:
            cell = published.bds.cell(LAIT_CODES[indicator], la.code, label)
            status = NOT_HELD if cell is None else cell.status
            shown = f"{cell.value:g}" if cell is not None and not status else "no figure"
            said.append(f"{la.name} {shown}" + (f", {STATUSES[status]}" if status else ""))
        detail = f"latest period {label} (ends in or before {year}): {'; '.join(said)}"
        rows.append(Input(name, VALID, detail, label))
    return rows


def _indicators(published: Published, la_code: str, year: int) -> list[Input]:
    rows = []
    held_any = False
    for indicator in INDICATORS:
        if indicator not in published.catalogue.measures:
            continue  # a local indicator: the partnership's records give it
        name = f"indicator {indicator}"
        try:
            row = published.series(indicator, [la_code], [year]).iloc[0]
            years = _years(published.periods(indicator))
        except DataError as exc:
            rows.append(Input(name, INVALID, str(exc), blocks=True))
            continue
        status = str(row["status"])
        if status == NOT_YET_PUBLISHED:
            rows.append(
                Input(name, NOT_YET, f"no file holds the year ending 31 March {year} yet: the "
                      "DfE publishes it months after; add the release to data/published/ when "
                      "it appears (shown as [x] until then)", years)
            )  # fmt: skip
            continue
        held_any = True
        where = str(row["source_file"])
        if where:
            spec = published.catalogue.files[where.split("/", 1)[1]]
            how = "derived from the count in" if row["derivation"] else "read from"
            detail = f"{year} {how} the {spec.release} release, {where}"
        else:
            detail = f"{year}: {STATUSES.get(status, status)}"
        if status and where:
            detail += f" ({STATUSES.get(status, status)})"
        rows.append(Input(name, VALID, detail, years))
    if held_any:
        return rows
    newest = published.newest_year()
    if year == published.unpublished_year():
        # The build accepts the year after the newest held, with a warning (build._check_year).
        rows.append(
            Input(f"comparison_year {year}", NOT_YET, f"no published file holds the year ending "
                  f"31 March {year} yet (the newest is {newest}): the report builds, with that "
                  "year's figures shown as [x] (not yet published). Add the DfE's releases to "
                  "data/published/ when they appear, and build again.")
        )  # fmt: skip
    else:
        rows.append(
            Input(f"comparison_year {year}", NOT_YET, f"no published file holds the year ending "
                  f"31 March {year} yet: the build would stop. The files hold up to {newest}; "
                  f"a report may compare with {newest + 1} before its figures are published, "
                  "not later. Add that year's DfE releases to data/published/, or build an "
                  "earlier year's report.", blocks=True)
        )  # fmt: skip
    return rows


def _last_year(root: Path, p: params.Params) -> str:
    """The id of last year's report for the same authority, if its params file is here."""
    for path in sorted((root / "params").glob("*.yaml")):
        try:
            other = params.load(path)
        except ReportError:
            continue
        if other.local_authority == p.local_authority and other.comparison_year == (
            p.comparison_year - 1
        ):
            return other.id
    return ""


def _local(data: Path, p: params.Params, last_id: str) -> list[Input]:
    folder = data / "local" / p.id
    shown = f"{data.name}/local/{p.id}"
    last = data / "local" / last_id if last_id else None
    # Only the templates the framework's sections read are asked for; a file of another's is
    # still checked when it is there (LocalRecords.load, below).
    used = framework.load(p.framework, data).templates()
    rows: list[Input] = []

    def same_as_last(file: str) -> bool:
        return (
            last is not None
            and (last / file).is_file()
            and (last / file).read_bytes() == (folder / file).read_bytes()
        )

    def missing(file: str) -> Input:
        return Input(
            f"{shown}/{file}", TO_SUPPLY, "not supplied: fill in its template (docs/local-data.md)",
            strict=True,
        )  # fmt: skip

    if not (folder / ABOUT_FILE).is_file():
        rows.append(missing(ABOUT_FILE))
    else:
        rows.append(Input(f"{shown}/{ABOUT_FILE}", VALID, "says whether the records are examples"))
    priorities: list[str] = []
    sheets = _sheets(folder, shown, rows)
    for template in CSV_TEMPLATES.values():
        file = template.file
        if template.name not in used and template.name not in sheets:
            continue
        if template.name in sheets:
            rows.append(_sheet(sheets[template.name], shown))
            if template.name == "priorities" and rows[-1].state == VALID:
                priorities = [
                    str(getattr(r.data, "id", "")) for r in read_sheet(sheets[template.name], shown)
                ]
            if not (folder / file).is_file():
                continue
        if not (folder / file).is_file():
            rows.append(missing(file))
            continue
        try:
            records = read_csv(folder / file, f"{shown}/{file}", template)
        except DataError as exc:
            rows.append(Input(f"{shown}/{file}", INVALID, str(exc), blocks=True))
            continue
        if template.name == "priorities":
            priorities = [str(getattr(r.data, "id", "")) for r in records]  # Priority rows
        if same_as_last(file):
            rows.append(Input(f"{shown}/{file}", CARRIED, f"the same as {last_id}'s: check it "
                              f"still holds ({len(records)} rows)"))  # fmt: skip
        else:
            rows.append(Input(f"{shown}/{file}", VALID, f"{len(records)} rows"))
    texts = [
        (_written_in(folder, t.name), t.model) for t in TEXT_TEMPLATES.values() if t.name in used
    ]
    texts += [
        (_written_in(folder, f"{PRIORITY_FOLDER}/{i}"), PRIORITY_TEMPLATE.model) for i in priorities
    ]
    for file, model in texts:
        rows.append(_narrative(folder, shown, file, model))
    try:
        LocalRecords.load(data, p.id)
    except DataError as exc:
        if not any(str(exc) == r.detail for r in rows):
            rows.append(Input(f"{shown}/", INVALID, str(exc), blocks=True))
    return rows


def _sheets(folder: Path, shown: str, rows: list[Input]) -> dict[str, Sheet]:
    """The record sheets of the folder's workbook, with a row saying what it holds."""
    path = folder / WORKBOOK_FILE
    if not path.is_file():
        return {}
    try:
        sheets = open_workbook(path, f"{shown}/{WORKBOOK_FILE}")
    except DataError as exc:
        rows.append(Input(f"{shown}/{WORKBOOK_FILE}", INVALID, str(exc), blocks=True))
        return {}
    detail = f"{len(sheets)} sheet(s) of records, listed below; read instead of CSV files"
    rows.append(Input(f"{shown}/{WORKBOOK_FILE}", VALID, detail))
    return sheets


def _sheet(sheet: Sheet, shown: str) -> Input:
    """One sheet of the workbook: valid with its rows, or the first error."""
    name = sheet_source(shown, sheet.name)
    try:
        records = read_sheet(sheet, shown)
    except DataError as exc:
        return Input(name, INVALID, str(exc), blocks=True)
    return Input(name, VALID, f"{len(records)} rows")


def _written_in(folder: Path, name: str) -> str:
    """A narrative's file: the Word document when there is one, else the Markdown file."""
    word = f"{name}{WORD_SUFFIX}"
    return word if (folder / word).is_file() else f"{name}.md"


def _narrative(folder: Path, shown: str, file: str, model: type[BaseModel]) -> Input:
    if not (folder / file).is_file():
        return Input(f"{shown}/{file}", TO_SUPPLY,
                     "not supplied: write it (docs/local-data.md)", strict=True)  # fmt: skip
    try:
        if file.endswith(WORD_SUFFIX):
            narrative = read_docx_narrative(folder / file, f"{shown}/{file}", model)
        else:
            narrative = read_narrative(folder / file, f"{shown}/{file}", model)
    except DataError as exc:
        return Input(f"{shown}/{file}", INVALID, str(exc), blocks=True)
    if narrative.draft:
        return Input(f"{shown}/{file}", TO_UPDATE, "a draft (draft: true): write this year's "
                     "text, then set draft: false", strict=True)  # fmt: skip
    return Input(f"{shown}/{file}", VALID, "written")


def drafts(data_dir: Path, report_id: str) -> list[str]:
    """The report's narratives still marked ``draft: true``, as files shown to the user."""
    records = LocalRecords.load(data_dir, report_id)
    names = list(TEXT_TEMPLATES) + [
        f"{PRIORITY_FOLDER}/{r.data.id}" for r in records.rows(Priority)
    ]
    found = []
    for name in names:
        narrative = records.text(name)
        if narrative is not None and narrative.draft:
            found.append(narrative.source_file)
    return found


def refuse_drafts(data_dir: Path, report_id: str, params_path: Path) -> None:
    """In strict mode a draft narrative is not content: stop, naming each draft."""
    found = drafts(data_dir, report_id)
    if found:
        raise ReportError(
            f"{params_path}: strict mode: {len(found)} narrative(s) are drafts still to update: "
            f"{', '.join(found)}. Write this year's text in each and set 'draft: false', or "
            "build without --strict."
        )


def format_table(rows: Sequence[Input]) -> str:
    """The rows as one plain-text table: state, years, input, detail."""
    header = ("state", "years", "input", "detail")
    cells = [(r.state, r.years, r.name, r.detail) for r in rows]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(3)]
    lines = []
    for c in [header, *cells]:
        lines.append("  ".join(c[i].ljust(widths[i]) for i in range(3)) + "  " + c[3])
    return "\n".join(line.rstrip() for line in lines)


def summary(rows: Sequence[Input]) -> str:
    """One line: how many inputs block a build, and how many are to supply or to update."""
    blocking = sum(r.blocks for r in rows)
    supply = sum(r.state == TO_SUPPLY for r in rows)
    update = sum(r.state == TO_UPDATE for r in rows)
    later = sum(r.state == NOT_YET and r.name.startswith("indicator ") for r in rows)
    if blocking:
        head = f"{blocking} input(s) block the build: correct them and run check again."
    else:
        head = "Nothing blocks the build."
    return (
        f"{head} {supply} to supply, {update} to update (a --strict build refuses until both "
        f"are 0); {later} indicator(s) not yet published."
    )
