"""Every template a report folder may hold: its file, its model, its key and its links.

A CSV template's ``key`` is the columns no two rows may share; a ``Link`` says a column must
hold a key of another template (attendance for a course that exists). Narratives are Markdown
files with a YAML front-matter header; a priority's narrative must have the headings listed.
YAML documents (the committee cover report) hold keys, lists and nested keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pydantic import BaseModel

from safeguarding_report.local import models as m


@dataclass(frozen=True)
class Link:
    """A column whose values must be keys of another template."""

    column: str
    template: str  # the other template's name
    key: str  # the column of the other template that holds the key


@dataclass(frozen=True)
class _Template:
    """One file of a report's folder, named ``<name><SUFFIX>``, whose contents ``model`` checks."""

    SUFFIX: ClassVar[str]
    name: str
    model: type[BaseModel]

    @property
    def file(self) -> str:
        """The file's name inside the report's folder."""
        return f"{self.name}{self.SUFFIX}"


@dataclass(frozen=True)
class CsvTemplate(_Template):
    """One CSV file of records: one row per record, one column per model field."""

    SUFFIX = ".csv"
    key: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # Columns every row sharing the key's first column repeats (a priority's words, say).
    repeats: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The header, in order."""
        return tuple(self.model.model_fields)


@dataclass(frozen=True)
class TextTemplate(_Template):
    """One Markdown narrative: a YAML front-matter header, then the text."""

    SUFFIX = ".md"


@dataclass(frozen=True)
class YamlTemplate(_Template):
    """One YAML document of keys and values (lists and nested keys allowed)."""

    SUFFIX = ".yaml"


def _csv(*items: CsvTemplate) -> dict[str, CsvTemplate]:
    return {t.name: t for t in items}


COURSE = Link("course_id", "training_courses", "course_id")

CSV_TEMPLATES: dict[str, CsvTemplate] = _csv(
    CsvTemplate("key_messages", m.KeyMessage, key=("order",)),
    CsvTemplate("partners", m.Partner, key=("partner",)),
    CsvTemplate("subgroups", m.Subgroup, key=("name",)),
    CsvTemplate(
        "funding",
        m.Funding,
        key=("partner",),
        links=(Link("partner", "partners", "partner"),),
    ),
    CsvTemplate("education_settings", m.EducationSetting, key=("kind",)),
    CsvTemplate("education_returns", m.EducationReturn, key=("audit",)),
    CsvTemplate("dsl_forum", m.DslForum, key=("date",)),
    CsvTemplate("priorities", m.Priority, key=("id",)),
    CsvTemplate(
        "priority_measures",
        m.PriorityMeasure,
        key=("priority", "measure"),
        links=(Link("priority", "priorities", "id"),),
    ),
    CsvTemplate("reviews", m.Review, key=("reference", "kind")),
    CsvTemplate(
        "recommendations",
        m.Recommendation,
        key=("review", "number"),
        links=(Link("review", "reviews", "reference"),),
    ),
    CsvTemplate("national_reviews", m.NationalReview, key=("title",)),
    CsvTemplate("training_courses", m.TrainingCourse, key=("course_id",)),
    CsvTemplate(
        "training_attendance", m.TrainingAttendance, key=("course_id", "agency"), links=(COURSE,)
    ),
    CsvTemplate(
        "training_evaluation",
        m.TrainingEvaluation,
        key=("course_id", "measure", "stage", "months_later"),
        links=(COURSE,),
    ),
    CsvTemplate("workforce", m.Workforce, key=("agency",)),
    CsvTemplate("audits", m.Audit, key=("audit",)),
    CsvTemplate("section11", m.Section11, key=("organisation", "standard")),
    CsvTemplate("lado", m.Lado, key=("measure",)),
    CsvTemplate("private_fostering", m.PrivateFostering, key=("measure",)),
    CsvTemplate("voice", m.Voice),
    CsvTemplate(
        "next_priorities",
        m.NextPriority,
        key=("priority", "measure"),
        repeats=("success_measure", "lead", "by_when"),
    ),
)

TEXT_TEMPLATES: dict[str, TextTemplate] = {
    t.name: t
    for t in (
        TextTemplate("foreword", m.ForewordHeader),
        TextTemplate("scrutiny", m.ScrutinyHeader),
        TextTemplate("scrutiny_response", m.ScrutinyResponseHeader),
    )
}

YAML_TEMPLATES: dict[str, YamlTemplate] = {
    t.name: t for t in (YamlTemplate("cover_report", m.CoverReport),)
}

# One narrative per row of priorities.csv, at priorities/<id>.md.
PRIORITY_FOLDER = "priorities"
PRIORITY_TEMPLATE = TextTemplate(PRIORITY_FOLDER + "/<id>", m.PriorityHeader)
PRIORITY_HEADINGS: tuple[str, ...] = ("What we did", "Impact", "Evidence")
# A priority that made little or no progress must also say why, and what happens next.
STALLED = "little or no progress"
STALLED_HEADINGS: tuple[str, ...] = ("Why", "What happens next")

ABOUT_FILE = "about.yaml"
# A narrative may be a Word document instead of Markdown; the records may be kept in one
# workbook, a sheet per CSV template, instead of the CSV files.
WORD_SUFFIX = ".docx"
WORKBOOK_FILE = "records.xlsx"


def sheet_source(source_folder: str, name: str) -> str:
    """A sheet as shown to the user and cited in figures.csv: the workbook, then the sheet."""
    return f"{source_folder}/{WORKBOOK_FILE}, sheet {name!r}"


def headings_for(status: str) -> tuple[str, ...]:
    """The level-2 headings a priority's narrative must have, given its status."""
    return PRIORITY_HEADINGS + (STALLED_HEADINGS if status == STALLED else ())
