"""The partnership's own records for one report: ``LocalRecords.load`` reads and checks them all.

Every file in ``data/local/<id>/`` is validated when the records are loaded, before any
section runs. A template with no file is not an error: a new report builds with pages saying
what is still missing (``missing``); a caller that cannot do without a file calls ``require``.

``inventory`` is the one reading of a report's folder as a whole: for every template the
report uses (and any other with a file there), where it is read from and its state (valid,
invalid with the located error, still to supply, or a draft narrative). ``load`` is that
inventory stopping at its first error, ``check`` prints it, and ``refuse_drafts`` (a strict
build) refuses the drafts it finds.

The readers of Word documents and of the workbook (``word.py``, ``workbook.py``: python-docx,
mammoth, BeautifulSoup and openpyxl, some 13 MiB) are imported only when the folder holds
such a file: every section's process is forked from the build's, and counts in its memory
all that the build's process holds.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from safeguarding_report.core.errors import DataError, ReportError
from safeguarding_report.core.limits import yaml_value
from safeguarding_report.core.shorten import quoted
from safeguarding_report.core.store import not_a_record
from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    PRIORITY_TEMPLATE,
    TEXT_TEMPLATES,
    WORD_SUFFIX,
    WORKBOOK_FILE,
    YAML_TEMPLATES,
    CsvTemplate,
    headings_for,
    sheet_source,
)
from safeguarding_report.local.describe import LIST_SEPARATOR
from safeguarding_report.local.markdown import headings
from safeguarding_report.local.models import About, Priority
from safeguarding_report.local.read import (
    Narrative,
    Record,
    holds_rows,
    read_csv,
    read_narrative,
    read_text,
    read_yaml,
    yaml_line,
)

if TYPE_CHECKING:
    from safeguarding_report.local.workbook import Sheet

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
ABOUT = "about"
NARRATIVE_SUFFIXES = (".md", WORD_SUFFIX)

# What the inventory found of an item: "missing" (no file or sheet) and "empty" (a CSV
# template with no records yet, as a new report's are) are still to supply.
State = Literal["valid", "invalid", "missing", "empty", "draft"]


@dataclass(frozen=True)
class Entry:
    """One item of a report's records as the inventory found it: a template (``lado``,
    ``foreword``, ``priorities/P1``, ``about``), the workbook, or a file that is none of them."""

    name: str  # the template; the file's name for the workbook or a file of no template
    state: State
    file: str  # the file it is (or would be) read from, in the folder: lado.csv, foreword.docx
    sheet: str  # the sheet of records.xlsx it is read from; "" when it is not in the workbook
    source: str  # file (and sheet) as shown: data/local/kent-2022/records.xlsx, sheet 'lado'
    error: str = ""  # the located error, word for word as a build stops with it
    held: int = 0  # how many records a CSV template holds
    used: bool = True  # read by the report (else a file present all the same, and checked)
    unchanged: bool = False  # the same records as the previous report's (``inventory``)
    left: str = ""  # records' cells left blank until the year's end: "line 2: status; ..."

    @property
    def form(self) -> str:
        """How it is written: CSV, Markdown, Word, YAML, workbook, or a workbook sheet."""
        if self.sheet:
            return "workbook sheet"
        suffix = Path(self.file).suffix
        return {".csv": "CSV", ".md": "Markdown", WORD_SUFFIX: "Word", ".yaml": "YAML"}.get(
            suffix, "workbook" if self.file == WORKBOOK_FILE else suffix
        )

    @property
    def to_supply(self) -> bool:
        """Whether it is still to supply: no file, or an empty template."""
        return self.state in ("missing", "empty")


def _known_files() -> set[str]:
    return (
        {t.file for t in CSV_TEMPLATES.values()}
        | {t.file for t in TEXT_TEMPLATES.values()}
        | {f"{t.name}{WORD_SUFFIX}" for t in TEXT_TEMPLATES.values()}
        | {t.file for t in YAML_TEMPLATES.values()}
        | {ABOUT_FILE, PRIORITY_FOLDER, WORKBOOK_FILE}
    )


class LocalRecords:
    """Validated records and narratives from one report's folder under ``data/local/``.

    ``load`` reads and checks every file at once (before a build); ``inventory`` says what
    each is (for ``check``); ``lazy`` reads each file only when a caller asks for it, so a
    section depends only on the files it uses (the section cache re-runs it only when one of
    those changes).

    ``templates``, when given, are the templates the report uses (its framework's sections':
    ``registry.templates_of``); ``missing`` lists only those. Any file present is checked.
    """

    def __init__(
        self,
        data_dir: Path,
        report_id: str,
        templates: Collection[str] | None = None,
        *,
        csv_over_sheets: bool = False,
    ) -> None:
        # ``csv_over_sheets``: where a CSV file and a sheet of the workbook both hold rows of a
        # record type, read the CSV file's instead of refusing both (``workbook`` takes them in).
        self.csv_over_sheets = csv_over_sheets
        self.folder = Path(data_dir) / "local" / report_id
        self.report_id = report_id
        self.templates = None if templates is None else frozenset(templates)
        # As shown to the user: relative to the project root, like the published files.
        self.source_folder = f"{Path(data_dir).name}/local/{report_id}"
        self.files_read: list[Path] = []
        self._about: About | None = None
        self._about_read = False
        self._listing: set[str] | None = None
        self._priority_listing: dict[str, list[Path]] | None = None
        self._rows: dict[str, list[Record[BaseModel]]] = {}
        self._texts: dict[str, Narrative | None] = {}
        self._documents: dict[str, BaseModel | None] = {}
        self._sheets: dict[str, Sheet] | None = None
        self._sources: dict[str, str] = {}  # where each CSV template's rows were read
        self._clashing: list[str] | None = None

    @classmethod
    def lazy(cls, data_dir: Path, report_id: str) -> LocalRecords:
        """The records, each file read and checked the first time it is asked for."""
        return cls(data_dir, report_id)

    @classmethod
    def load(
        cls, data_dir: Path, report_id: str, templates: Collection[str] | None = None
    ) -> LocalRecords:
        """Read and validate every file for ``report_id``; DataError at the first problem."""
        return cls(data_dir, report_id, templates).checked()

    def checked(self) -> LocalRecords:
        """These records, once every file is read and valid; DataError at the first problem."""
        if not self.folder.is_dir():
            log.warning("%s does not exist: every local template is missing", self.folder)
        for entry in self.inventory():
            if entry.state == "invalid":
                raise DataError(entry.error)
        return self

    # -- what is there -------------------------------------------------------------------

    def _names(self) -> set[str]:
        """The folder's file names (listed once; ``inventory`` checks them)."""
        if self._listing is None:
            self._listing = set()
            if self.folder.is_dir():
                self._listing = {p.name for p in self.folder.iterdir() if not not_a_record(p.name)}
        return self._listing

    def is_missing(self, name: str) -> bool:
        """Whether a template (``reviews``, ``about``, ``priorities/P1`` ...) has no file."""
        if name == ABOUT:
            return ABOUT_FILE not in self._names()
        if name.startswith(f"{PRIORITY_FOLDER}/"):
            return name.split("/", 1)[1] not in self._priority_files()
        if name in CSV_TEMPLATES:
            return CSV_TEMPLATES[name].file not in self._names() and name not in self.sheets()
        if name in TEXT_TEMPLATES:
            return self._text_file(name) is None
        if name in YAML_TEMPLATES:
            return YAML_TEMPLATES[name].file not in self._names()
        raise KeyError(f"{name!r} is not a template of the partnership's records")

    def _used(self, name: str) -> bool:
        return self.templates is None or name in self.templates

    @property
    def missing(self) -> list[str]:
        """Every template the report uses with no file, and every priority with no text, in
        template order (the committee cover report's too: it belongs to no section)."""
        names = [ABOUT, *(n for n in CSV_TEMPLATES if self._used(n))]
        missing = [n for n in names if self.is_missing(n)]
        statuses = [r.data.id for r in self.rows(Priority)] if self._used("priorities") else []
        missing += [n for n in TEXT_TEMPLATES if self._used(n) and self.is_missing(n)]
        missing += [n for n in YAML_TEMPLATES if self.is_missing(n)]
        missing += [f"{PRIORITY_FOLDER}/{i}" for i in statuses if i not in self._priority_files()]
        return missing

    @property
    def about(self) -> About | None:
        """about.yaml, read the first time it is asked for; None when there is none."""
        return self._load_about()

    # -- the inventory -------------------------------------------------------------------

    def inventory(self, previous: LocalRecords | None = None) -> list[Entry]:
        """Every template the report uses, and every other with a file here (checked all the
        same), with where it is read from and its state; a file of no template, and the
        workbook, too. An error is its entry's, not raised (``load`` raises the first).

        With ``previous`` (the records of the report before), a CSV template holding the same
        records as there is marked ``unchanged``.
        """
        entries = [self._unknown_entry(file) for file in self._unknown_files()]
        entries.append(self._about_entry())
        entries += self._workbook_entry()
        clashes = self._clashes()
        for name in CSV_TEMPLATES:
            entries += self._records_entry(name, clashes, previous)
        for name in TEXT_TEMPLATES:
            entries += self._narrative_entry(name)
        entries += self._priority_entries()
        for name in YAML_TEMPLATES:
            entries += self._document_entry(name)
        return entries

    def drafts(self) -> list[str]:
        """The narratives still marked ``draft: true``, and the records with cells left to
        fill in at the year's end, as files shown to the user."""
        return [e.source for e in self.inventory() if e.state == "draft"]

    def _entry(
        self,
        name: str,
        state: State,
        file: str,
        sheet: str = "",
        *,
        error: str = "",
        held: int = 0,
        used: bool = True,
        unchanged: bool = False,
        left: str = "",
    ) -> Entry:
        source = sheet_source(self.source_folder, sheet) if sheet else self.source_file(file)
        return Entry(name, state, file, sheet, source, error, held, used, unchanged, left)

    def _unknown_files(self) -> list[str]:
        return sorted(self._names() - _known_files())

    def _unknown_entry(self, file: str) -> Entry:
        known = sorted(_known_files())
        hint = difflib.get_close_matches(file, known, n=1)
        error = (
            f"{self.source_file(file)}: this file is not one of the templates"
            + (f" (did you mean {hint[0]}?)" if hint else "")
            + f". Expected only: {', '.join(known)}; rename or remove it."
        )
        return self._entry(file, "invalid", file, error=error, used=False)

    def _about_entry(self) -> Entry:
        if self.is_missing(ABOUT):
            return self._entry(ABOUT, "missing", ABOUT_FILE)
        try:
            self._load_about()
        except DataError as exc:
            return self._entry(ABOUT, "invalid", ABOUT_FILE, error=str(exc))
        return self._entry(ABOUT, "valid", ABOUT_FILE)

    def _workbook_entry(self) -> list[Entry]:
        if WORKBOOK_FILE not in self._names():
            return []
        try:
            self.sheets()
        except DataError as exc:
            # Said once, here: the templates are then inventoried from their CSV files.
            self._sheets = {}
            return [self._entry(WORKBOOK_FILE, "invalid", WORKBOOK_FILE, error=str(exc))]
        clashes = self._clashes()
        if clashes:
            error = self._clash_error(clashes)
            return [self._entry(WORKBOOK_FILE, "invalid", WORKBOOK_FILE, error=error)]
        return [self._entry(WORKBOOK_FILE, "valid", WORKBOOK_FILE)]

    def _records_entry(
        self, name: str, clashes: list[str], previous: LocalRecords | None
    ) -> list[Entry]:
        template = CSV_TEMPLATES[name]
        used = self._used(name)
        sheet = self.sheets().get(name)
        in_file = template.file in self._names()
        if sheet is None and not in_file:
            return [self._entry(name, "missing", template.file)] if used else []
        # Where the records are read from: the sheet, unless it is empty and the file is not.
        in_sheet = sheet is not None and (
            bool(sheet.held) or not in_file or not holds_rows(self.folder / template.file)
        )
        file, tab = template.file, name if in_sheet else ""
        if name in clashes:
            error = (
                f"{sheet_source(self.source_folder, name)}: its records are also in "
                f"{self.source_file(file)}. Expected them in one place only (see "
                f"{self.source_file(WORKBOOK_FILE)})."
            )
            return [self._entry(name, "invalid", file, tab, error=error, used=used)]
        try:
            rows = self._csv(name)
        except DataError as exc:
            return [self._entry(name, "invalid", file, tab, error=str(exc), used=used)]
        if not rows:
            return [self._entry(name, "empty", file, tab, used=used)]
        unchanged = previous is not None and self._same_records(previous, name)
        left = _left_to_fill(rows)
        state: State = "draft" if left else "valid"
        return [
            self._entry(
                name, state, file, tab, held=len(rows), used=used, unchanged=unchanged, left=left
            )
        ]

    def _same_records(self, previous: LocalRecords, name: str) -> bool:
        try:
            before = previous.rows(name)
        except DataError:
            return False
        return [r.data for r in before] == [r.data for r in self.rows(name)]

    def _narrative_entry(self, name: str) -> list[Entry]:
        used = self._used(name)
        try:
            file = self._text_file(name)
        except DataError as exc:
            word = f"{name}{WORD_SUFFIX}"
            return [self._entry(name, "invalid", word, error=str(exc), used=used)]
        if file is None:
            return [self._entry(name, "missing", TEXT_TEMPLATES[name].file)] if used else []
        try:
            narrative = self._text(name)
        except DataError as exc:
            return [self._entry(name, "invalid", file, error=str(exc), used=used)]
        state: State = "draft" if narrative is not None and narrative.draft else "valid"
        return [self._entry(name, state, file, used=used)]

    def _priority_entries(self) -> list[Entry]:
        """One entry per priority of priorities.csv (its narrative), then one per file in
        priorities/ named after no priority; none while priorities.csv is wrong (its own
        entry says so)."""
        try:
            ids = [str(r.data.id) for r in self.rows(Priority)]
        except DataError:
            return []
        used = self._used("priorities")
        entries = []
        for stem in ids:
            name = f"{PRIORITY_FOLDER}/{stem}"
            paths = self._priority_files().get(stem, [])
            if not paths:
                entries += [self._entry(name, "missing", f"{name}.md")] if used else []
                continue
            # Its narrative; the Word file when it is written twice (as the error names it).
            narratives = [p for p in paths if p.suffix in NARRATIVE_SUFFIXES] or paths
            file = f"{PRIORITY_FOLDER}/{narratives[0].name}"
            try:
                narrative = self._priority_text(stem)
            except DataError as exc:
                entries.append(self._entry(name, "invalid", file, error=str(exc), used=used))
                continue
            state: State = "draft" if narrative is not None and narrative.draft else "valid"
            entries.append(self._entry(name, state, file, used=used))
        files = self._priority_files()
        for path in (p for stem in files if stem not in ids for p in files[stem]):
            file = f"{PRIORITY_FOLDER}/{path.name}"
            try:
                self._check_priority_file(path)
            except DataError as exc:
                entries.append(self._entry(file, "invalid", file, error=str(exc), used=used))
        return entries

    def _document_entry(self, name: str) -> list[Entry]:
        # A YAML document belongs to no section (the committee cover report): listed when
        # it is there, and never still to supply.
        file = YAML_TEMPLATES[name].file
        if self.is_missing(name):
            return []
        try:
            self._document(name)
        except DataError as exc:
            return [self._entry(name, "invalid", file, error=str(exc), used=False)]
        return [self._entry(name, "valid", file, used=False)]

    # -- what callers use ----------------------------------------------------------------

    @property
    def illustrative(self) -> bool:
        """Whether about.yaml says these records are made-up examples (show a banner)."""
        about = self.about
        return about is not None and about.illustrative

    def source_file(self, file: str) -> str:
        """A file of this folder as shown to the user, e.g. data/local/kent-2022/lado.csv."""
        return f"{self.source_folder}/{file}"

    def template_source(self, name: str) -> str:
        """Where a template is read from, as shown to the user and cited in figures.csv: its
        file (data/local/kent-2022/lado.csv, .../foreword.docx) or its workbook sheet
        (data/local/kent-2022/records.xlsx, sheet 'lado')."""
        if name in CSV_TEMPLATES:
            if self.sheets():
                self._csv(name)
            return self._sources.get(name, self.source_file(CSV_TEMPLATES[name].file))
        if name in TEXT_TEMPLATES:
            return self.source_file(self._text_file(name) or TEXT_TEMPLATES[name].file)
        return self.source_file(name)

    def sheets(self) -> dict[str, Sheet]:
        """The record sheets of ``records.xlsx`` (read once); {} when there is no workbook."""
        if self._sheets is None:
            sheets: dict[str, Sheet] = {}
            if WORKBOOK_FILE in self._names():
                from safeguarding_report.local.workbook import open_workbook

                path = self.folder / WORKBOOK_FILE
                sheets = open_workbook(path, self.source_file(WORKBOOK_FILE))
                self.files_read.append(path)
            self._sheets = sheets
        return self._sheets

    def narrative_files(self) -> dict[str, str]:
        """Every narrative the folder holds, by name (``foreword``, ``priorities/P1`` ...), and
        the file it is written in (``foreword.docx``, ``priorities/P1.md``); DataError when one
        is written twice, in Markdown and in Word."""
        files = {n: f for n in TEXT_TEMPLATES if (f := self._text_file(n)) is not None}
        for stem in self._priority_files():
            for path in self._priority_narratives(stem):
                files[f"{PRIORITY_FOLDER}/{stem}"] = f"{PRIORITY_FOLDER}/{path.name}"
        return files

    def _text_file(self, name: str) -> str | None:
        """The file a narrative is written in (Markdown or Word); None when there is none."""
        markdown, word = TEXT_TEMPLATES[name].file, f"{name}{WORD_SUFFIX}"
        present = [f for f in (markdown, word) if f in self._names()]
        if len(present) > 1:
            raise self._written_twice(name, markdown, word)
        return present[0] if present else None

    def _written_twice(self, name: str, markdown: str, word: str) -> DataError:
        """The one error for a narrative given both in Markdown and in Word."""
        return DataError(
            f"{self.source_file(word)}: {name} is written twice, in {markdown} and in {word}. "
            "Expected one of them: keep the file with this year's text and remove the other "
            "(or move it out of the folder)."
        )

    @overload
    def rows(self, template: type[M]) -> list[Record[M]]: ...
    @overload
    def rows(self, template: str) -> list[Record[BaseModel]]: ...
    def rows(self, template: type[M] | str) -> list[Record[M]] | list[Record[BaseModel]]:
        """The validated rows of a CSV template, by name or model; [] when its file is missing."""
        if isinstance(template, str):
            return self._csv(self._csv_name(template))
        names = [t.name for t in CSV_TEMPLATES.values() if t.model is template]
        if not names:
            raise KeyError(f"{template.__name__} is not the model of a CSV template")
        return self._csv(names[0])

    def _csv(self, name: str) -> list[Record[BaseModel]]:
        """A CSV template's rows, read and checked (with the files it refers to) once: from
        its sheet of records.xlsx when the workbook has one, else from its CSV file."""
        if name not in self._rows:
            template = CSV_TEMPLATES[name]
            in_csv: list[Record[BaseModel]] = []
            if template.file in self._names():
                path = self.folder / template.file
                in_csv = read_csv(path, self.source_file(template.file), template)
                self.files_read.append(path)
            sheet = self.sheets().get(name)
            taken_over = bool(in_csv) and self.csv_over_sheets  # the sheet is not read
            in_sheet: list[Record[BaseModel]] = []
            if sheet is not None and not taken_over:
                from safeguarding_report.local.workbook import read_sheet

                in_sheet = read_sheet(sheet)
            if in_csv and in_sheet and not self.csv_over_sheets:
                raise DataError(self._clash_error(self._clashes()))
            rows = in_csv
            if sheet is not None and not in_csv:  # an empty CSV file gives way to the sheet
                rows = in_sheet
                self._sources[name] = sheet_source(self.source_folder, name)
            self._check_links(template, rows)
            _check_repeats(template, rows)
            self._rows[name] = rows
        return self._rows[name]

    def table(self, template: str) -> pd.DataFrame:
        """A CSV template's rows as a DataFrame, one column per field plus ``source_line``."""
        columns = [*CSV_TEMPLATES[self._csv_name(template)].columns, "source_line"]
        rows = []
        for record in self.rows(template):
            row: dict[str, Any] = dict(record.data)
            for name, value in row.items():
                if isinstance(value, list):
                    row[name] = f"{LIST_SEPARATOR} ".join(value)
            rows.append({**row, "source_line": record.line})
        return pd.DataFrame(rows, columns=columns)

    def text(self, name: str) -> Narrative | None:
        """A narrative (``foreword``, ``scrutiny``, ``priorities/<id>`` ...); None if missing."""
        return self._text(name)

    def _text(self, name: str) -> Narrative | None:
        if name in self._texts:
            return self._texts[name]
        if name.startswith(f"{PRIORITY_FOLDER}/"):
            stems = {r.data.id for r in self.rows(Priority)}
            stem = name.split("/", 1)[1]
            if stem not in stems:
                known = sorted({*TEXT_TEMPLATES, *(f"{PRIORITY_FOLDER}/{i}" for i in stems)})
                raise KeyError(f"{name!r} is not a narrative of this report; known: {known}")
            return self._priority_text(stem)
        if name not in TEXT_TEMPLATES:
            known = sorted(
                {*TEXT_TEMPLATES, *(f"{PRIORITY_FOLDER}/{r.data.id}" for r in self.rows(Priority))}
            )
            raise KeyError(f"{name!r} is not a narrative of this report; known: {known}")
        text = TEXT_TEMPLATES[name]
        narrative = None
        file = self._text_file(name)
        if file is not None:
            path = self.folder / file
            narrative = _read_any_narrative(path, self.source_file(file), text.model)
            self.files_read.append(path)
        self._texts[name] = narrative
        return narrative

    def document(self, template: type[M]) -> M | None:
        """The validated YAML document whose model is ``template``; None when it is missing."""
        names = [t.name for t in YAML_TEMPLATES.values() if t.model is template]
        if not names:
            raise KeyError(f"{template.__name__} is not the model of a YAML template")
        found = self._document(names[0])
        return found if isinstance(found, template) else None

    def place_in(self, template: type[BaseModel], loc: tuple[int | str, ...]) -> str:
        """Where the key or item at ``loc`` of the YAML document ``template`` is: 'file, line
        N, key 'a[0].b''."""
        (name,) = [t.file for t in YAML_TEMPLATES.values() if t.model is template]
        source = self.source_file(name)
        line = yaml_line(self.folder / name, source, loc)
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        return f"{source}, line {line}, key {key!r}"

    def _document(self, name: str) -> BaseModel | None:
        if name not in self._documents:
            document = YAML_TEMPLATES[name]
            found = None
            if not self.is_missing(name):
                path = self.folder / document.file
                found = read_yaml(path, self.source_file(document.file), document.model)
                self.files_read.append(path)
            self._documents[name] = found
        return self._documents[name]

    def require(self, name: str) -> None:
        """DataError saying which file to write when the template ``name`` has no file."""
        if not self.is_missing(name):
            return
        file = CSV_TEMPLATES[name].file if name in CSV_TEMPLATES else f"{name}.md"
        if name in YAML_TEMPLATES:
            file = YAML_TEMPLATES[name].file
        if name == ABOUT:
            file = ABOUT_FILE
        raise DataError(
            f"{self.source_file(file)}: the file is missing, and this part of the report needs "
            "it. Expected the template filled in; create the empty templates with "
            "safeguarding_report.local.write_empty_templates and see docs/local-data.md."
        )

    # -- loading -------------------------------------------------------------------------

    @staticmethod
    def _csv_name(name: str) -> str:
        if name not in CSV_TEMPLATES:
            raise KeyError(f"{name!r} is not a CSV template; known: {', '.join(CSV_TEMPLATES)}")
        return name

    def _load_about(self) -> About | None:
        """about.yaml, read and checked once; None when there is none."""
        if not self._about_read:
            self._about = self._read_about()
            self._about_read = True
        return self._about

    def _read_about(self) -> About | None:
        path = self.folder / ABOUT_FILE
        if self.is_missing(ABOUT):
            return None
        source = self.source_file(ABOUT_FILE)
        try:
            loaded = yaml_value(read_text(path, source), source)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise DataError(
                f"{source}, line {mark.line + 1 if mark else 1}: not valid YAML. Expected "
                "'illustrative: true' or 'illustrative: false' and a 'note: ...' line."
            ) from None
        try:
            about = About.model_validate(loaded or {})
        except ValidationError as exc:
            error = exc.errors()[0]
            key = str(error["loc"][0]) if error["loc"] else ""
            raise DataError(
                f"{source}, key {key!r}: {error['msg']} (found {quoted(error.get('input'))}). "
                "Expected 'illustrative: true' or 'illustrative: false' and an optional "
                "'note: ...' line."
            ) from None
        self.files_read.append(path)
        return about

    def _check_links(self, template: CsvTemplate, rows: list[Record[BaseModel]]) -> None:
        """Every reference from ``template``'s rows names a row of the file it refers to."""
        for link in template.links:
            if not rows:
                continue
            try:
                keys = {str(getattr(r.data, link.key)) for r in self._csv(link.template)}
            except DataError:
                continue  # the file referred to is wrong itself: its own error says so
            for record in rows:
                value = str(getattr(record.data, link.column))
                if value in keys:
                    continue
                shown = ", ".join(sorted(keys)[:20]) or "none: the file is missing or empty"
                raise DataError(
                    f"{record.place}, column {link.column!r}: "
                    f"{value!r} is not a {link.key} in {self.template_source(link.template)}. "
                    f"Expected one of: {shown}; add it there or correct this row."
                )

    def _clashes(self) -> list[str]:
        """The record types that a sheet of the workbook and a CSV file both hold rows of
        (found once)."""
        if self._clashing is None and self.csv_over_sheets:
            self._clashing = []
        if self._clashing is None:
            self._clashing = [
                name
                for name, template in CSV_TEMPLATES.items()
                if (sheet := self.sheets().get(name)) is not None
                and sheet.held
                and template.file in self._names()
                and holds_rows(self.folder / template.file)
            ]
        return self._clashing

    def _clash_error(self, names: list[str]) -> str:
        """The one error for records both in the workbook and in CSV files: every pair."""
        pairs = "; ".join(
            f"{sheet_source(self.source_folder, n)} and {self.source_file(CSV_TEMPLATES[n].file)}"
            for n in names
        )
        return (
            f"{self.source_file(WORKBOOK_FILE)}: {len(names)} record type(s) are both in the "
            f"workbook and in CSV files: {pairs}. Expected each in one place only; "
            "`safeguarding-report workbook PARAMS` takes the CSV files into the workbook "
            f"(PARAMS: this report's params file, e.g. params/{self.report_id}.yaml)."
        )

    def _priority_files(self) -> dict[str, list[Path]]:
        """The files in priorities/, by name without its suffix (listed once)."""
        if self._priority_listing is None:
            folder = self.folder / PRIORITY_FOLDER
            listing: dict[str, list[Path]] = {}
            if PRIORITY_FOLDER in self._names() and folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if not not_a_record(path.name):
                        listing.setdefault(path.stem, []).append(path)
            self._priority_listing = listing
        return self._priority_listing

    def _priority_narratives(self, stem: str) -> list[Path]:
        """The narrative of priority ``stem`` (Markdown or Word), as a list: [] when there is
        none; DataError when it is written twice."""
        paths = [p for p in self._priority_files().get(stem, []) if p.suffix in NARRATIVE_SUFFIXES]
        if len(paths) > 1:
            markdown, word = (f"{PRIORITY_FOLDER}/{stem}{s}" for s in NARRATIVE_SUFFIXES)
            raise self._written_twice(f"priority {stem}", markdown, word)
        return paths

    def _check_priority_file(self, path: Path) -> None:
        """A file in priorities/ is the narrative of a priority of priorities.csv."""
        statuses = {r.data.id: r.data.status for r in self.rows(Priority)}
        if path.suffix not in NARRATIVE_SUFFIXES or path.stem not in statuses:
            shown = ", ".join(f"{i}.md" for i in statuses) or "none (priorities.csv is empty)"
            raise DataError(
                f"{self.source_file(f'{PRIORITY_FOLDER}/{path.name}')}: no priority in "
                f"{self.template_source('priorities')} has this file's name. Expected one file "
                f"per priority id, named <id>.md (or <id>{WORD_SUFFIX}): {shown}."
            )

    def _priority_text(self, stem: str) -> Narrative | None:
        """Priority ``stem``'s narrative, read and checked once; None when it has none."""
        name = f"{PRIORITY_FOLDER}/{stem}"
        if name not in self._texts:
            for path in self._priority_files().get(stem, []):
                self._check_priority_file(path)
            narrative = None
            for path in self._priority_narratives(stem):
                source = self.source_file(f"{PRIORITY_FOLDER}/{path.name}")
                narrative = _read_any_narrative(path, source, PRIORITY_TEMPLATE.model)
                priority = str(getattr(narrative.meta, "priority", ""))
                if priority != stem:
                    raise DataError(
                        f"{source}, line 2, key 'priority': {priority!r} does not match the "
                        f"file's name. Expected 'priority: {stem}'."
                    )
                if not narrative.draft:
                    status = next(r.data.status for r in self.rows(Priority) if r.data.id == stem)
                    self._check_headings(narrative, status or "")
                self.files_read.append(path)
            self._texts[name] = narrative
        return self._texts[name]

    @staticmethod
    def _check_headings(narrative: Narrative, status: str) -> None:
        found = headings(narrative.markdown)
        need = headings_for(status)
        absent = [h for h in need if h not in found]
        if absent:
            why = f" (its status is {status!r})" if status == "little or no progress" else ""
            raise DataError(
                f"{narrative.source_file}: the heading(s) {', '.join(repr(h) for h in absent)} "
                f"are missing{why}. Expected level-2 headings ('## ...') "
                f"{', '.join(need)}; or set 'draft: true' in the front matter until it is "
                "written."
            )


def _left_to_fill(rows: list[Record[BaseModel]]) -> str:
    """The cells of ``rows`` left blank until the year's end, by line: "line 2: status; ..."."""
    left = []
    for record in rows:
        blank: list[str] = getattr(record.data, "left_to_fill", list)()
        if blank:
            left.append(f"{record.unit} {record.line}: {', '.join(blank)}")
    return "; ".join(left)


def _check_repeats(template: CsvTemplate, rows: list[Record[BaseModel]]) -> None:
    """Rows that share the key's first column give the same value in each repeated column."""
    first: dict[str, Record[BaseModel]] = {}
    group = template.key[0] if template.repeats else ""
    for record in rows:
        shared = str(getattr(record.data, group)) if group else ""
        earlier = first.setdefault(shared, record)
        for column in template.repeats:
            said, before = getattr(record.data, column), getattr(earlier.data, column)
            if said != before:
                raise DataError(
                    f"{record.place}, column {column!r}: {said!s} differs from {before!s} "
                    f"on {earlier.unit} {earlier.line}, for the same {group}. Expected every "
                    f"row of one {group} to give the same {column}; correct one of them."
                )


def _read_any_narrative(path: Path, source_file: str, model: type[BaseModel]) -> Narrative:
    """A narrative written in Markdown (.md) or in Word (.docx)."""
    if path.suffix == WORD_SUFFIX:
        from safeguarding_report.local.word import read_docx_narrative

        return read_docx_narrative(path, source_file, model)
    return read_narrative(path, source_file, model)


def refuse_drafts(data_dir: Path, report_id: str, params_path: Path) -> None:
    """In strict mode a draft narrative, or a record left to fill in, is not content: stop,
    naming each."""
    found = LocalRecords.load(data_dir, report_id).drafts()
    if found:
        raise ReportError(
            f"{params_path}: strict mode: {len(found)} item(s) are drafts still to update: "
            f"{', '.join(found)}. Write this year's text in each narrative and set "
            "'draft: false', fill in the blank cells that `check` lists in each record, or "
            "build without --strict."
        )
