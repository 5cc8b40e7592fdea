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
from safeguarding_report.local.models import (
    About,
    BackgroundDocument,
    Contact,
    Meeting,
    Person,
    ProgressCited,
)

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

## Two ways to supply them: plain files, or a workbook and Word documents

The records can be kept as the CSV and Markdown files below, or in the tools the agencies
already use: one Excel workbook for the records and Word documents for the narratives. Each
record type is in one place only.

**The records workbook, `records.xlsx`.** `safeguarding-report workbook params/<id>.yaml`
writes `data/local/<id>/records.xlsx` from the same declarations as the CSV templates: an
*About* sheet saying what every column holds, then one sheet per record type, named as its CSV
file without `.csv` (`reviews`, `lado` ...). Each sheet's header row is frozen and styled, each
header cell's comment says what the column holds and expects, a column with allowed values
has a drop-down list of them, whole numbers and dates are checked as they are typed, and the
rows already held (in CSV files or in the workbook) are filled in. `safeguarding-report new
--workbook` and `new-year --workbook` start a folder with a workbook instead of CSV files
(`new-year` also does when last year's records were in one).

![A sheet of the records workbook: the reviews sheet, its header styled and frozen, one row
per notification or review](records-workbook.png)

- When `records.xlsx` is there, its sheets are read instead of the CSV files. A record type
  must not be in both: if a sheet and a CSV file both hold rows, the build stops and names
  them; remove the CSV file (`workbook` lists the files it copied) or clear the sheet. A
  sheet may be left out, and a CSV file then still supplies that record type.
- Every check a CSV file gets applies to its sheet, and an error names the workbook, the
  sheet, the row, the column and what was expected, e.g. `data/local/kent-2022/records.xlsx,
  sheet 'reviews', row 5, column 'kind': 'rapid reveiw' is not valid (did you mean 'rapid
  review'?). Expected one of: ...`. `safeguarding-report check` lists each sheet and its state.
- Values are read as a spreadsheet user means them: numbers typed as numbers, dates as dates
  or as text (`2022-03-31` or `31/03/2022`), TRUE and FALSE, spaces around a value and empty
  rows at the end. A formula counts as the value the spreadsheet saved with it; a workbook
  saved by a program that does not calculate (so no value is saved) is refused until it is
  opened and saved in Excel or LibreOffice.
- `figures.csv` cites the sheet and its rows: source `data/local/<id>/records.xlsx, sheet
  'lado'`, lines `2; 3` are the sheet's rows 2 and 3.

**Narratives in Word.** Any narrative (`foreword`, `scrutiny`, `scrutiny_response`, each
`priorities/<id>`) may be a `.docx` instead of a `.md` file, with the same name (never both).
It is converted to the same Markdown as a `.md` file is written in, and checked the same way.

- Kept: headings (Word's *Heading 1*, *Heading 2* ... styles; a priority's required headings
  are *Heading 2*), paragraphs, bulleted and numbered lists, bold and italic, links (http,
  https or mailto), and tables.
- Refused, with a message saying what to do: tracked changes (accept or reject them first),
  embedded objects (spreadsheets, charts, an embedded HTML or other document), and images
  without alternative text. An image with alternative text is shown as that text. Text that
  looks like HTML or Markdown is shown as typed.
- The front matter is a table at the very top of the document: a key in the first column and
  its value in the second, one row per key, e.g. `draft` | `false`, or `scrutineer` | `Jo
  Bloggs`, `date` | `2022-09-30`. A list of people takes one row each: `signed_by` | name |
  role (or `signed_by` | `Name, Role`). A priority's table has a row `priority` | its id.
  Everything after the table is the text; a document without such a table has no front matter.
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
    lines = [f"### `{template.file}`", "", inspect.cleandoc(str(template.model.__doc__)), ""]
    if template.key:
        lines.append(f"No two rows may share the same {' and '.join(template.key)}.")
    if template.repeats:
        repeated = ", ".join(f"`{c}`" for c in template.repeats)
        lines.append(f"Rows of the same {template.key[0]} give the same {repeated}.")
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
NESTED: tuple[type[BaseModel], ...] = (Person, Meeting, BackgroundDocument, Contact, ProgressCited)


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
