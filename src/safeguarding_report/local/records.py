"""The partnership's own records for one report: ``LocalRecords.load`` reads and checks them all.

Every file in ``data/local/<id>/`` is validated when the records are loaded, before any
section runs. A template with no file is not an error: a new report builds with pages saying
what is still missing (``missing``); a caller that cannot do without a file calls ``require``.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Collection
from pathlib import Path
from typing import Any, TypeVar, overload

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from safeguarding_report.core.errors import DataError
from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    PRIORITY_TEMPLATE,
    TEXT_TEMPLATES,
    YAML_TEMPLATES,
    CsvTemplate,
    headings_for,
)
from safeguarding_report.local.describe import LIST_SEPARATOR
from safeguarding_report.local.markdown import headings
from safeguarding_report.local.models import About, Priority
from safeguarding_report.local.read import (
    Narrative,
    Record,
    read_csv,
    read_narrative,
    read_text,
    read_yaml,
)
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

M = TypeVar("M", bound=BaseModel)
ABOUT = "about"


def _known_files() -> set[str]:
    return (
        {t.file for t in CSV_TEMPLATES.values()}
        | {t.file for t in TEXT_TEMPLATES.values()}
        | {f"{t.name}{WORD_SUFFIX}" for t in TEXT_TEMPLATES.values()}
        | {t.file for t in YAML_TEMPLATES.values()}
        | {ABOUT_FILE, PRIORITY_FOLDER, WORKBOOK_FILE}
    )


def _ignored(path: Path) -> bool:
    # Editors' and spreadsheets' lock and settings files (.~lock.x.csv#, ~$x, .DS_Store).
    return path.name.startswith((".", "~$"))


class LocalRecords:
    """Validated records and narratives from one report's folder under ``data/local/``.

    ``load`` reads and checks every file at once (before a build, and for ``check``);
    ``lazy`` reads each file only when a caller asks for it, so a section depends only on the
    files it uses (the section cache re-runs it only when one of those changes).

    ``templates``, when given, are the templates the report uses (its framework's sections':
    ``registry.templates_of``); ``missing`` lists only those. Any file present is checked.
    """

    def __init__(
        self, data_dir: Path, report_id: str, templates: Collection[str] | None = None
    ) -> None:
        self.folder = Path(data_dir) / "local" / report_id
        self.templates = None if templates is None else frozenset(templates)
        # As shown to the user: relative to the project root, like the published files.
        self.source_folder = f"{Path(data_dir).name}/local/{report_id}"
        self.files_read: list[Path] = []
        self._about: About | None = None
        self._about_read = False
        self._listing: set[str] | None = None
        self._priority_listing: dict[str, Path] | None = None
        self._rows: dict[str, list[Record[BaseModel]]] = {}
        self._texts: dict[str, Narrative | None] = {}
        self._documents: dict[str, BaseModel | None] = {}
        self._sheets: dict[str, Sheet] | None = None
        self._sources: dict[str, str] = {}  # where each CSV template's rows were read

    @classmethod
    def lazy(cls, data_dir: Path, report_id: str) -> LocalRecords:
        """The records, each file read and checked the first time it is asked for."""
        return cls(data_dir, report_id)

    @classmethod
    def load(
        cls, data_dir: Path, report_id: str, templates: Collection[str] | None = None
    ) -> LocalRecords:
        """Read and validate every file for ``report_id``; DataError at the first problem."""
        records = cls(data_dir, report_id, templates)
        if not records.folder.is_dir():
            log.warning("%s does not exist: every local template is missing", records.folder)
        records._names()
        records._load_about()
        for template in CSV_TEMPLATES.values():
            records._csv(template.name)
        records._load_priorities()
        for text in TEXT_TEMPLATES.values():
            records._text(text.name)
        for document in YAML_TEMPLATES.values():
            records._document(document.name)
        return records

    # -- what is there -------------------------------------------------------------------

    def _names(self) -> set[str]:
        """The folder's file names (listed once, and checked against the templates)."""
        if self._listing is None:
            self._listing = set()
            if self.folder.is_dir():
                self._check_names()
                self._listing = {p.name for p in self.folder.iterdir() if not _ignored(p)}
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
        if not self._about_read:
            self._load_about()
        return self._about

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
            self._sheets = {}
            if WORKBOOK_FILE in self._names():
                path = self.folder / WORKBOOK_FILE
                self._sheets = open_workbook(path, self.source_file(WORKBOOK_FILE))
                self.files_read.append(path)
        return self._sheets

    def _text_file(self, name: str) -> str | None:
        """The file a narrative is written in (Markdown or Word); None when there is none."""
        markdown, word = TEXT_TEMPLATES[name].file, f"{name}{WORD_SUFFIX}"
        present = [f for f in (markdown, word) if f in self._names()]
        if len(present) > 1:
            raise DataError(
                f"{self.source_file(word)}: {name} is written twice, in {markdown} and in "
                f"{word}. Expected one of them; remove the other."
            )
        return present[0] if present else None

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
            self._rows[name] = []
            in_csv: list[Record[BaseModel]] = []
            if template.file in self._names():
                path = self.folder / template.file
                in_csv = read_csv(path, self.source_file(template.file), template)
                self.files_read.append(path)
            sheet = self.sheets().get(name)
            in_sheet = read_sheet(sheet, self.source_folder) if sheet is not None else []
            if in_csv and in_sheet:
                raise DataError(
                    f"{sheet_source(self.source_folder, name)}: {name} records are in the "
                    f"workbook and in {self.source_file(template.file)}. Expected them in one "
                    f"place only; remove {template.file} (the workbook reads instead of it) or "
                    "clear the sheet."
                )
            if sheet is not None and (in_sheet or not in_csv):
                self._rows[name] = in_sheet
                self._sources[name] = sheet_source(self.source_folder, name)
            else:
                self._rows[name] = in_csv
            self._check_links(template)
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
            self._load_priorities()
            return self._texts.get(name)
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

    def _document(self, name: str) -> BaseModel | None:
        if name not in self._documents:
            document = YAML_TEMPLATES[name]
            self._documents[name] = None
            if not self.is_missing(name):
                path = self.folder / document.file
                self._documents[name] = read_yaml(
                    path, self.source_file(document.file), document.model
                )
                self.files_read.append(path)
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

    def _check_names(self) -> None:
        if not self.folder.is_dir():
            return
        known = sorted(_known_files())
        for path in sorted(self.folder.iterdir()):
            if _ignored(path) or path.name in known:
                continue
            hint = difflib.get_close_matches(path.name, known, n=1)
            raise DataError(
                f"{self.source_file(path.name)}: this file is not one of the templates"
                + (f" (did you mean {hint[0]}?)" if hint else "")
                + f". Expected only: {', '.join(known)}; rename or remove it."
            )

    def _load_about(self) -> None:
        self._about_read = True
        path = self.folder / ABOUT_FILE
        if self.is_missing(ABOUT):
            return
        source = self.source_file(ABOUT_FILE)
        try:
            loaded = yaml.safe_load(read_text(path, source))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise DataError(
                f"{source}, line {mark.line + 1 if mark else 1}: not valid YAML. Expected "
                "'illustrative: true' or 'illustrative: false' and a 'note: ...' line."
            ) from None
        try:
            self._about = About.model_validate(loaded or {})
        except ValidationError as exc:
            error = exc.errors()[0]
            key = str(error["loc"][0]) if error["loc"] else ""
            raise DataError(
                f"{source}, key {key!r}: {error['msg']} (found {error.get('input')!r}). "
                "Expected 'illustrative: true' or 'illustrative: false' and an optional "
                "'note: ...' line."
            ) from None
        self.files_read.append(path)

    def _check_links(self, template: CsvTemplate) -> None:
        """Every reference from ``template``'s rows names a row of the file it refers to."""
        for link in template.links:
            rows = self._rows.get(template.name, [])
            if not rows:
                continue
            keys = {str(getattr(r.data, link.key)) for r in self._csv(link.template)}
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

    def _priority_files(self) -> dict[str, Path]:
        """The files in priorities/, by name without .md (listed once)."""
        if self._priority_listing is None:
            folder = self.folder / PRIORITY_FOLDER
            self._priority_listing = {}
            if PRIORITY_FOLDER in self._names() and folder.is_dir():
                for path in sorted(folder.iterdir()):
                    if _ignored(path):
                        continue
                    if path.stem in self._priority_listing:
                        raise DataError(
                            f"{self.source_file(f'{PRIORITY_FOLDER}/{path.name}')}: priority "
                            f"{path.stem} is written twice, in "
                            f"{self._priority_listing[path.stem].name} and in {path.name}. "
                            "Expected one file per priority; remove the other."
                        )
                    self._priority_listing[path.stem] = path
        return self._priority_listing

    def _load_priorities(self) -> None:
        if any(k.startswith(f"{PRIORITY_FOLDER}/") for k in self._texts):
            return
        statuses = {r.data.id: r.data.status for r in self.rows(Priority)}
        for stem, path in self._priority_files().items():
            source = self.source_file(f"{PRIORITY_FOLDER}/{path.name}")
            if path.suffix not in (".md", WORD_SUFFIX) or stem not in statuses:
                shown = ", ".join(f"{i}.md" for i in statuses) or "none (priorities.csv is empty)"
                raise DataError(
                    f"{source}: no priority in {self.template_source('priorities')} has this "
                    f"file's name. Expected one file per priority id, named <id>.md (or "
                    f"<id>{WORD_SUFFIX}): {shown}."
                )
            narrative = _read_any_narrative(path, source, PRIORITY_TEMPLATE.model)
            priority = str(getattr(narrative.meta, "priority", ""))
            if priority != stem:
                raise DataError(
                    f"{source}, line 2, key 'priority': {priority!r} does not match the file's "
                    f"name. Expected 'priority: {stem}'."
                )
            if not narrative.draft:
                self._check_headings(narrative, statuses[stem])
            self._texts[f"{PRIORITY_FOLDER}/{stem}"] = narrative
            self.files_read.append(path)
        for stem in statuses:
            self._texts.setdefault(f"{PRIORITY_FOLDER}/{stem}", None)

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


def _read_any_narrative(path: Path, source_file: str, model: type[BaseModel]) -> Narrative:
    """A narrative written in Markdown (.md) or in Word (.docx)."""
    if path.suffix == WORD_SUFFIX:
        return read_docx_narrative(path, source_file, model)
    return read_narrative(path, source_file, model)
