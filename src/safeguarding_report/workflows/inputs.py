"""``check``: every input of one report, found or missing, valid or not, without building.

One row per input: the params file, each published file the indicators read (with the years
it holds and, for a new release, which table it is; under the Benchmarking Data Set, each
wider-picture measure with the latest period the report will show), each indicator for the
report's year (the release it is read from, or that the DfE has not published the year yet),
and each of
the partnership's own files that the sections of the report's framework read, as
``LocalRecords.inventory`` finds them (to supply: no file, or a template with no records yet;
to update: a draft, such as one carried over from last year; carried over; valid; or invalid,
with the error the build would stop on). A row ``blocks`` when a build would fail on it;
``strict`` rows (to supply, to update, a reporting period that is not about a year long) stop
only a ``--strict`` build. A ``warning`` row says what the build says as it starts: a period
outside 11 to 13 months, a project's framework file that replaces the kit's. Last, a row for
each number a narrative states that the figures do not bear out (``report/narratives.py``):
one that states a withheld figure blocks; a count of children in the suppression range that
no figure gives, not yet checked for disclosure, is ``strict``; one that disagrees with the
records, or a name given two roles, is a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from safeguarding_report.core import framework, limits, params
from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.core.framework import Framework
from safeguarding_report.core.indicators import INDICATORS, LAIT_CODES, WIDER_INDICATORS
from safeguarding_report.data import Published
from safeguarding_report.data.catalogue import PUBLISHED, Catalogue
from safeguarding_report.data.schema import NOT_HELD, NOT_YET_PUBLISHED, STATUSES
from safeguarding_report.local import Entry, LocalRecords
from safeguarding_report.local.catalogue import ABOUT_FILE
from safeguarding_report.local.models import CoverReport
from safeguarding_report.report import cover, narratives, sections, workforce
from safeguarding_report.report.sections import next_priorities, priorities
from safeguarding_report.report.tables import Suppression

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
WARNING = "warning"
DISCLOSES = "discloses"


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
    rows += _warnings(p, data)
    published = Published(data)
    try:
        la = published.area(p.local_authority, source=str(params_path))
    except DataError as exc:
        return [
            *rows,
            Input(f"local_authority {p.local_authority}", INVALID, str(exc), blocks=True),
        ]
    rows += _published_files(published, la.code, p.comparison_year)
    rows += _indicators(published, la.code, p.comparison_year)
    fw = framework.load(p.framework, data)
    shown = {s.key for s in fw.sections}
    with limits.applied(p.limits):
        rows += _local(data, p, fw, _last_year(root, p))
        rows += _narratives(data, p)
        rows += _workforce(data, p) if "training" in shown else []
        if not any(r.blocks for r in rows):
            # A file the measures find wrong is shown so at its own row.
            found = {r.name: r for r in _measures(p, published, shown)}
            rows = [found.pop(r.name, r) for r in rows] + list(found.values())
    return rows


def _measures(p: params.Params, published: Published, shown: set[str]) -> list[Input]:
    """Each priority's measures, and those promised for next year, worked out as the report
    works them out (for the sections ``shown``): an error the build would stop on, and each
    priority whose declared status the measures contradict."""
    ctx = sections.for_report(p, published)
    rows: list[Input] = []
    if "next_priorities" in shown:
        try:
            next_priorities.promised_measures(ctx)
        except DataError as exc:
            name = str(exc).split(",", 1)[0]  # the file, as its row of the inventory names it
            rows.append(Input(name, INVALID, str(exc), blocks=True))
    if "priorities" not in shown:
        return rows
    try:
        found = priorities.disagreements(ctx)
    except DataError as exc:
        return [*rows, Input("priority_measures", INVALID, str(exc), blocks=True)]
    rows += [
        Input(f"priority {f.priority}", WARNING, priorities.warning(f), strict=not f.explained)
        for f in found
    ]
    written = ctx.records.document(CoverReport)
    if written is not None:
        try:  # the priorities the cover report cites, as the build will cite them
            cover.progress_cited(ctx, written)
        except DataError as exc:
            rows.append(
                Input("cover_report key_activities_progress", INVALID, str(exc), blocks=True)
            )
    return rows


def _warnings(p: params.Params, data: Path) -> list[Input]:
    """What the build warns of in the params: a reporting period not about a year long (which
    a --strict build refuses), a project's framework file that replaces the kit's."""
    rows = []
    if p.period_problem:
        rows.append(
            Input("period_start, period_end", WARNING, f"{p.period_problem} (a --strict build "
                  "refuses it)", f"{p.period_start.year} to {p.period_end.year}", strict=True)
        )  # fmt: skip
    shadowed = framework.shadowed(p.framework, data)
    if shadowed:
        rows.append(Input(f"framework {p.framework}", WARNING, shadowed))
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


def _local(data: Path, p: params.Params, fw: Framework, last_id: str) -> list[Input]:
    """The partnership's own records as ``LocalRecords.inventory`` finds them: each template
    the framework's sections read, and any other file there that a build would stop on."""
    records = LocalRecords(data, p.id, fw.templates())
    previous = LocalRecords.lazy(data, last_id) if last_id else None
    optional = fw.optional_templates()
    shown = [
        e
        for e in records.inventory(previous)
        if e.used or e.state == "invalid" or e.name in optional
    ]
    sheets = sum(1 for e in shown if e.sheet)
    return [_local_row(e, sheets, last_id) for e in shown]


def _workforce(data: Path, p: params.Params) -> list[Input]:
    """A warning for each agency that training_attendance.csv and the optional workforce.csv
    do not both name (none while either is invalid: its row above says why)."""
    try:
        found = workforce.mismatches(LocalRecords.lazy(data, p.id))
    except ReportError:
        return []
    return [Input(f.source, WARNING, f.said) for f in found]


def _narratives(data: Path, p: params.Params) -> list[Input]:
    """A row for each finding of the narratives' numbers (none while a record is invalid: its
    row above says why)."""
    try:
        records = LocalRecords.load(data, p.id)
        rule = Suppression(p.suppress_from, p.suppress_to)
        findings = [
            *narratives.read(records, start=p.period_start, end=p.period_end, rule=rule),
            *narratives.roles(records),
        ]
    except ReportError:
        return []
    return [
        Input(
            f"{f.source}, {f.place}",
            DISCLOSES if f.level == "error" else WARNING,
            f"'{f.words}': {f.said}",
            blocks=f.level == "error",
            strict=f.strict,
        )
        for f in findings
    ]


def _local_row(entry: Entry, sheets: int, last_id: str) -> Input:
    """One row of the check for one entry of the inventory."""
    name = entry.source
    narrative = entry.form in ("Markdown", "Word")
    match entry.state:
        case "invalid":
            return Input(name, INVALID, entry.error, blocks=True)
        case "missing":
            what = "write it" if narrative else "fill in its template"
            return Input(name, TO_SUPPLY, f"not supplied: {what} (docs/local-data.md)",
                         strict=True)  # fmt: skip
        case "empty":
            what = "the sheet" if entry.sheet else "its template"
            return Input(name, TO_SUPPLY, f"no records yet: fill in {what} (docs/local-data.md)",
                         strict=True)  # fmt: skip
        case "draft" if entry.left:
            return Input(name, TO_UPDATE, f"to fill in at the year's end: {entry.left}",
                         strict=True)  # fmt: skip
        case "draft":
            return Input(name, TO_UPDATE, "a draft (draft: true): write this year's text, then "
                         "set draft: false", strict=True)  # fmt: skip
    if entry.form == "workbook":
        detail = f"{sheets} sheet(s) of records, listed below; read instead of CSV files"
        return Input(name, VALID, detail)
    if entry.file == ABOUT_FILE:
        return Input(name, VALID, "says whether the records are examples")
    if narrative:
        return Input(name, VALID, "written")
    if entry.unchanged:
        return Input(name, CARRIED, f"the same as {last_id}'s: check it still holds "
                     f"({entry.held} rows)")  # fmt: skip
    return Input(name, VALID, f"{entry.held} rows")


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
    warnings = sum(r.state == WARNING for r in rows)
    if blocking:
        head = f"{blocking} input(s) block the build: correct them and run check again."
    else:
        head = "Nothing blocks the build."
    refused = sum(r.state == WARNING and r.strict for r in rows)
    said = f" {warnings} warning(s): read them above." if warnings else ""
    if refused:
        said += f" A --strict build refuses {refused} of them."
    return (
        f"{head} {supply} to supply, {update} to update (a --strict build refuses until both "
        f"are 0); {later} indicator(s) not yet published.{said}"
    )
