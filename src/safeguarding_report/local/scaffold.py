"""Empty templates for a new report's folder: every file, valid on load, nothing filled in."""

from __future__ import annotations

import logging
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel

from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    TEXT_TEMPLATES,
    WORKBOOK_FILE,
)

log = logging.getLogger(__name__)

TO_BE_WRITTEN = "To be written."


def front_matter(model: type[BaseModel], **values: str) -> str:
    """A front-matter header with every key of ``model``, each with its description."""
    lines = ["---", "draft: true  # set to false when the text is written"]
    for name, field in model.model_fields.items():
        if name == "draft":
            continue
        empty = "[]" if field.default_factory is list else ""
        if isinstance(field.default, bool):
            empty = str(field.default).lower()
        value = values.get(name, empty)
        lines.append(f"{name}: {value}  # {field.description}".replace(":   #", ":  #"))
    return "\n".join([*lines, "---", ""])


def write_empty_templates(
    folder: Path, templates: Collection[str] | None = None, *, workbook: bool = False
) -> list[Path]:
    """Create each template that ``folder`` lacks (header row, or front matter and a
    "To be written" body) and an about.yaml saying the records are the partnership's own.

    ``templates`` limits them to those a report uses (its framework's sections':
    ``registry.templates_of``); without it, every template is written. With ``workbook``, the
    records are one empty workbook (records.xlsx, a sheet per record type) instead of CSV files.
    Existing files are left as they are. Returns the files created.
    """
    folder = Path(folder)
    (folder / PRIORITY_FOLDER).mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {
        ABOUT_FILE: (
            "# Set illustrative: true if these records are examples, not the partnership's own.\n"
            'illustrative: false\nnote: ""\n'
        )
    }

    def used(name: str) -> bool:
        return templates is None or name in templates

    for template in CSV_TEMPLATES.values():
        if used(template.name) and not workbook:
            files[template.file] = ",".join(template.columns) + "\n"
    for text in TEXT_TEMPLATES.values():
        if used(text.name):
            files[text.file] = front_matter(text.model) + f"\n{TO_BE_WRITTEN}\n"
    created = []
    for name, content in files.items():
        path = folder / name
        if path.exists():
            continue
        path.write_text(content, encoding="utf-8")
        created.append(path)
    if workbook and not (folder / WORKBOOK_FILE).exists():
        # Imported only here, as records.py imports the readers (see its docstring).
        from safeguarding_report.local.workbook import write_workbook

        chosen = [t for t in CSV_TEMPLATES.values() if used(t.name)]
        created.append(write_workbook(folder / WORKBOOK_FILE, chosen))
    log.debug("created %d empty templates in %s", len(created), folder)  # new says so
    return created
