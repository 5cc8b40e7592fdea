"""The reference for the local templates, generated from their models: docs/local-data.md.

Regenerate after changing a model: ``python -m safeguarding_report.local.docs`` from the
project's top folder. A test fails while the file is out of date.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

from pydantic import BaseModel

from safeguarding_report.local.catalogue import (
    ABOUT_FILE,
    CSV_TEMPLATES,
    PRIORITY_FOLDER,
    PRIORITY_HEADINGS,
    PRIORITY_TEMPLATE,
    STALLED,
    STALLED_HEADINGS,
    TEXT_TEMPLATES,
    YAML_TEMPLATES,
    CsvTemplate,
    YamlTemplate,
)
from safeguarding_report.local.counts import LOCAL_COUNTS, LOCAL_INDICATORS
from safeguarding_report.local.describe import expected
from safeguarding_report.local.models import About, BackgroundDocument, Contact, Meeting, Person

DOCS_FILE = Path("docs") / "local-data.md"
COMMAND = "python -m safeguarding_report.local.docs"

INTRO = f"""\
# Local data: the partnership's own records

<!-- Generated from src/safeguarding_report/local/models.py by `{COMMAND}`. Do not edit. -->

The report needs records that no public source holds. Each report keeps them in
`data/local/<id>/` (the `id` of its params file): CSV files for records, one row per record,
and Markdown files with a short YAML header ("front matter") for narrative. Every file is
checked when the build starts; a wrong value stops it with a message naming the file, the
line, the column, the value found and what was expected.

- A template with no file is not an error: the report says what is still missing.
  `safeguarding_report.local.write_empty_templates(Path("data/local/<id>"))` creates every
  missing template, empty and valid.
- CSV files: UTF-8 (in Excel, *Save As* "CSV UTF-8 (Comma delimited)"), a header row with
  the columns below in any order, and one row per record. A blank cell means "not given";
  it is an error where the column is required. Values from a list must be written exactly
  as shown; several values in one cell are separated by `;`.
- Markdown files: a first line `---`, the header's `key: value` lines, a line `---`, then
  the text. Raw HTML is shown as text, links must start `http://`, `https://` or `mailto:`,
  and images are not shown. While a text is unwritten, keep `draft: true` in its header.
- Reviews: an anonymised reference and themes only, never a child's name or details.
"""


def _table(model: type[BaseModel], key: tuple[str, ...] = (), kind: str = "column") -> list[str]:
    lines = [f"| {kind} | required | what it holds | expected |", "|---|---|---|---|"]
    written = getattr(model, "needed_when_written", ())
    for name, field in model.model_fields.items():
        required = "yes" if field.is_required() else "no"
        if name in written:
            required = "yes, unless draft is true"
        shown = field.alias or name
        label = f"`{shown}` (key)" if name in key else f"`{shown}`"
        lines.append(f"| {label} | {required} | {field.description} | {expected(field)} |")
    return lines


def _csv_section(template: CsvTemplate) -> list[str]:
    lines = [f"### `{template.file}`", "", str(template.model.__doc__).strip(), ""]
    if template.key:
        lines.append(f"No two rows may share the same {' and '.join(template.key)}.")
    for link in template.links:
        other = CSV_TEMPLATES[link.template].file
        lines.append(f"Each `{link.column}` must be a `{link.key}` in `{other}`.")
    if template.key or template.links:
        lines.append("")
    return [*lines, *_table(template.model, template.key), ""]


def _text_section(file: str, model: type[BaseModel], extra: list[str]) -> list[str]:
    lines = [f"### `{file}`", "", str(model.__doc__).strip(), "", *extra]
    return [*lines, "Front matter:", "", *_table(model, kind="key"), ""]


# The models of nested keys in the YAML documents, documented after the document itself.
NESTED: tuple[type[BaseModel], ...] = (Person, Meeting, BackgroundDocument, Contact)


def _yaml_section(template: YamlTemplate) -> list[str]:
    lines = [f"### `{template.file}`", "", inspect.cleandoc(str(template.model.__doc__)), ""]
    lines += [
        "It has no empty template: without the file the build makes no cover report (and says "
        "so). Dates are written YYYY-MM-DD; a list is written one `- item` per line.",
        "",
        *_table(template.model, kind="key"),
        "",
    ]
    for model in NESTED:
        lines += [f"Each item of {model.__name__}: {str(model.__doc__).strip()}", ""]
        lines += [*_table(model, kind="key"), ""]
    return lines


def _indicators() -> list[str]:
    lines = [
        "## Counts shown as indicators",
        "",
        "These counts are shown with the published indicators, with the local file, column "
        "and line(s) as their source in `figures.csv`.",
        "",
        "| id | label | counted from |",
        "|---|---|---|",
    ]
    for key, indicator in LOCAL_INDICATORS.items():
        count = LOCAL_COUNTS.get(key)
        if count is None:
            lines.append(
                f"| `{key}` | {indicator.label} | by part (agency, rating, measure ...): the "
                "section says which rows, and `figures.csv`'s `breakdown` column which part |"
            )
            continue
        how = f"sum of `{count.column}`" if count.column else "number of rows"
        if count.where:
            how += " where " + " and ".join(f"`{k}` is {v}" for k, v in count.where)
        lines.append(f"| `{key}` | {indicator.label} | `{count.template}.csv`: {how} |")
    return [*lines, ""]


def render_reference() -> str:
    """The whole of docs/local-data.md, from the templates' models."""
    lines = [INTRO, f"## `{ABOUT_FILE}`", "", str(About.__doc__).strip(), ""]
    lines += [*_table(About, kind="key"), "", "## Records (CSV)", ""]
    for template in CSV_TEMPLATES.values():
        lines += _csv_section(template)
    lines += ["## Narratives (Markdown)", ""]
    for text in TEXT_TEMPLATES.values():
        lines += _text_section(text.file, text.model, [])
    needed = ", ".join(f'"{h}"' for h in PRIORITY_HEADINGS)
    stalled = ", ".join(f'"{h}"' for h in STALLED_HEADINGS)
    lines += _text_section(
        f"{PRIORITY_FOLDER}/<id>.md",
        PRIORITY_TEMPLATE.model,
        [
            f"One file per row of `priorities.csv`. The text must have the level-2 headings "
            f"(`## ...`) {needed}; a priority whose status is {STALLED} must also have "
            f"{stalled}.",
            "",
        ],
    )
    lines += ["## Documents (YAML)", ""]
    for document in YAML_TEMPLATES.values():
        lines += _yaml_section(document)
    lines += _indicators()
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Write docs/local-data.md under the current folder (the project's top folder)."""
    DOCS_FILE.write_text(render_reference(), encoding="utf-8")
    sys.stderr.write(f"wrote {DOCS_FILE}\n")


if __name__ == "__main__":
    main()
