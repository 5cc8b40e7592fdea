"""The partnership's own records for one report: ``LocalRecords.load`` reads and checks them all.

Every file in ``data/local/<id>/`` is validated when the records are loaded, before any
section runs. A template with no file is not an error: a new report builds with pages saying
what is still missing (``missing``); a caller that cannot do without a file calls ``require``.
"""

from __future__ import annotations

import difflib
import logging
from pathlib import Path
from typing import Any, TypeVar, overload

import pandas as pd
import yaml
from pydantic import BaseModel, ValidationError

from safeguarding_report.errors import DataError
from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    PRIORITY_TEMPLATE,
    TEXT_TEMPLATES,
    YAML_TEMPLATES,
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

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
ABOUT = "about"


def _known_files() -> set[str]:
    return (
        {t.file for t in CSV_TEMPLATES.values()}
        | {t.file for t in TEXT_TEMPLATES.values()}
        | {t.file for t in YAML_TEMPLATES.values()}
        | {ABOUT_FILE, PRIORITY_FOLDER}
    )


def _ignored(path: Path) -> bool:
    # Editors' and spreadsheets' lock and settings files (.~lock.x.csv#, ~$x, .DS_Store).
    return path.name.startswith((".", "~$"))


class LocalRecords:
    """Validated records and narratives from one report's folder under ``data/local/``."""

    def __init__(self, data_dir: Path, report_id: str) -> None:
        self.folder = Path(data_dir) / "local" / report_id
        # As shown to the user: relative to the project root, like the published files.
        self.source_folder = f"{Path(data_dir).name}/local/{report_id}"
        self.about: About | None = None
        self.files_read: list[Path] = []
        self.missing: list[str] = []
        self._rows: dict[str, list[Record[BaseModel]]] = {}
        self._texts: dict[str, Narrative] = {}
        self._documents: dict[str, BaseModel] = {}

    @classmethod
    def load(cls, data_dir: Path, report_id: str) -> LocalRecords:
        """Read and validate every file for ``report_id``; DataError at the first problem."""
        records = cls(data_dir, report_id)
        if not records.folder.is_dir():
            log.warning("%s does not exist: every local template is missing", records.folder)
        records._check_names()
        records._load_about()
        for template in CSV_TEMPLATES.values():
            path = records.folder / template.file
            if path.is_file():
                records._rows[template.name] = read_csv(
                    path, records.source_file(template.file), template
                )
                records.files_read.append(path)
            else:
                records.missing.append(template.name)
        records._check_links()
        records._load_priorities()
        for text in TEXT_TEMPLATES.values():
            path = records.folder / text.file
            if path.is_file():
                records._texts[text.name] = read_narrative(
                    path, records.source_file(text.file), text.model
                )
                records.files_read.append(path)
            else:
                records.missing.append(text.name)
        for document in YAML_TEMPLATES.values():
            path = records.folder / document.file
            if path.is_file():
                records._documents[document.name] = read_yaml(
                    path, records.source_file(document.file), document.model
                )
                records.files_read.append(path)
            else:
                records.missing.append(document.name)
        return records

    # -- what callers use ----------------------------------------------------------------

    @property
    def illustrative(self) -> bool:
        """Whether about.yaml says these records are made-up examples (show a banner)."""
        return self.about is not None and self.about.illustrative

    def source_file(self, file: str) -> str:
        """A file of this folder as shown to the user, e.g. data/local/kent-2022/lado.csv."""
        return f"{self.source_folder}/{file}"

    @overload
    def rows(self, template: type[M]) -> list[Record[M]]: ...
    @overload
    def rows(self, template: str) -> list[Record[BaseModel]]: ...
    def rows(self, template: type[M] | str) -> list[Record[M]] | list[Record[BaseModel]]:
        """The validated rows of a CSV template, by name or model; [] when its file is missing."""
        if isinstance(template, str):
            return self._rows.get(self._csv_name(template), [])
        names = [t.name for t in CSV_TEMPLATES.values() if t.model is template]
        if not names:
            raise KeyError(f"{template.__name__} is not the model of a CSV template")
        return self._rows.get(names[0], [])

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
        known = set(TEXT_TEMPLATES) | {
            f"{PRIORITY_FOLDER}/{r.data.id}" for r in self.rows(Priority)
        }
        if name not in known:
            raise KeyError(f"{name!r} is not a narrative of this report; known: {sorted(known)}")
        return self._texts.get(name)

    def document(self, template: type[M]) -> M | None:
        """The validated YAML document whose model is ``template``; None when it is missing."""
        names = [t.name for t in YAML_TEMPLATES.values() if t.model is template]
        if not names:
            raise KeyError(f"{template.__name__} is not the model of a YAML template")
        found = self._documents.get(names[0])
        return found if isinstance(found, template) else None

    def require(self, name: str) -> None:
        """DataError saying which file to write when the template ``name`` has no file."""
        if name not in self.missing:
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
        path = self.folder / ABOUT_FILE
        if not path.is_file():
            self.missing.append(ABOUT)
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
            self.about = About.model_validate(loaded or {})
        except ValidationError as exc:
            error = exc.errors()[0]
            key = str(error["loc"][0]) if error["loc"] else ""
            raise DataError(
                f"{source}, key {key!r}: {error['msg']} (found {error.get('input')!r}). "
                "Expected 'illustrative: true' or 'illustrative: false' and an optional "
                "'note: ...' line."
            ) from None
        self.files_read.append(path)

    def _check_links(self) -> None:
        for template in CSV_TEMPLATES.values():
            for link in template.links:
                rows = self._rows.get(template.name, [])
                if not rows:
                    continue
                target = CSV_TEMPLATES[link.template]
                keys = {str(getattr(r.data, link.key)) for r in self._rows.get(link.template, [])}
                for record in rows:
                    value = str(getattr(record.data, link.column))
                    if value in keys:
                        continue
                    shown = ", ".join(sorted(keys)[:20]) or "none: the file is missing or empty"
                    raise DataError(
                        f"{record.source_file}, line {record.line}, column {link.column!r}: "
                        f"{value!r} is not a {link.key} in {self.source_file(target.file)}. "
                        f"Expected one of: {shown}; add it there or correct this row."
                    )

    def _load_priorities(self) -> None:
        statuses = {r.data.id: r.data.status for r in self.rows(Priority)}
        folder = self.folder / PRIORITY_FOLDER
        files = {}
        if folder.is_dir():
            files = {p.stem: p for p in sorted(folder.iterdir()) if not _ignored(p)}
        for stem, path in files.items():
            source = self.source_file(f"{PRIORITY_FOLDER}/{path.name}")
            if path.suffix != ".md" or stem not in statuses:
                shown = ", ".join(f"{i}.md" for i in statuses) or "none (priorities.csv is empty)"
                raise DataError(
                    f"{source}: no priority in {self.source_file('priorities.csv')} has this "
                    f"file's name. Expected one file per priority id, named <id>.md: {shown}."
                )
            narrative = read_narrative(path, source, PRIORITY_TEMPLATE.model)
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
        self.missing.extend(f"{PRIORITY_FOLDER}/{i}" for i in statuses if i not in files)

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
