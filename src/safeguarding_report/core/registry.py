"""The registry of sections: what each section is, declared once.

One entry a section: its key, the notebook that runs it, the module that holds its functions,
the templates of the partnership's records it reads, and its headline indicators. The build,
the sections' preloading, the cover report and the index read this instead of keeping lists
of their own. Which sections a report has, in which order and under which titles, is the
framework's to say (``core/frameworks/``); every section a framework lists is registered here.

It imports nothing heavy, so that the build can read it before it knows there is work to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MODULES = "safeguarding_report.report.sections"


@dataclass(frozen=True)
class Section:
    """One section of the report, as the kit knows it (its title is the framework's)."""

    key: str  # e.g. "local_context": the framework's section key
    notebook: str  # the notebook that runs it, in the project's notebooks/
    templates: tuple[str, ...] = ()  # the partnership's records it reads (local/catalogue.py)
    # Records it reads when they are there, never asked for: a report without them is complete.
    optional: tuple[str, ...] = ()
    headlines: tuple[str, ...] = ()  # its headline indicators (core/indicators.py)

    @property
    def module(self) -> str:
        """The module that holds its functions, e.g. 'safeguarding_report.report.sections.voice'."""
        return f"{MODULES}.{self.key}"


SECTIONS: tuple[Section, ...] = (
    Section(
        "foreword",
        "01_foreword.ipynb",
        templates=("foreword", "key_messages"),
        # The year at a glance, also changes.csv: this year and last, beside England's change.
        headlines=(
            "cin_rate",
            "referrals_rate",
            "rereferrals_pct",
            "s47_rate",
            "cpp_rate",
            "cla_rate",
            "uasc_at_31_march",
            "care_leavers_eet_pct",
        ),
    ),
    Section(
        "local_context",
        "02_local_context.ipynb",
        headlines=(
            "population_0_17",
            "cin_at_31_march",
            "cin_rate",
            "cpp_at_31_march",
            "cpp_rate",
            "cla_at_31_march",
            "cla_rate",
            "uasc_at_31_march",
        ),
    ),
    Section(
        "arrangements", "03_arrangements.ipynb", templates=("partners", "subgroups", "funding")
    ),
    # Also each priority's narrative, named in priorities.csv.
    Section("priorities", "04_priorities.ipynb", templates=("priorities", "priority_measures")),
    Section("performance", "05_performance.ipynb"),
    Section(
        "reviews", "06_reviews.ipynb", templates=("reviews", "recommendations", "national_reviews")
    ),
    Section(
        "training",
        "07_training.ipynb",
        templates=("training_courses", "training_attendance", "training_evaluation"),
        optional=("workforce",),
    ),
    Section(
        "quality_assurance",
        "08_quality_assurance.ipynb",
        templates=("audits", "section11", "lado", "private_fostering"),
    ),
    Section("voice", "09_voice.ipynb", templates=("voice",)),
    Section("scrutiny", "10_scrutiny.ipynb", templates=("scrutiny", "scrutiny_response")),
    Section("next_priorities", "11_next_priorities.ipynb", templates=("next_priorities",)),
    # Also training_attendance (the training section's), for education staff's attendances.
    Section(
        "education",
        "12_education.ipynb",
        templates=("education_settings", "education_returns", "dsl_forum"),
    ),
)

BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}


def get(key: str) -> Section:
    """The registered section with this key; KeyError naming the keys there are."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"no section {key!r}: the sections are {', '.join(BY_KEY)}") from None


def modules() -> tuple[str, ...]:
    """Every section's module, in the registry's order (what a section's process preloads)."""
    return tuple(section.module for section in SECTIONS)


def templates_of(keys: Iterable[str]) -> frozenset[str]:
    """The templates the sections ``keys`` read (a framework's sections: what its reports use).

    A key the kit has no section for reads none (the build names it as an error).
    """
    return frozenset(t for key in keys if key in BY_KEY for t in BY_KEY[key].templates)


def optional_of(keys: Iterable[str]) -> frozenset[str]:
    """The templates the sections ``keys`` read when they are there (``Section.optional``)."""
    return frozenset(t for key in keys if key in BY_KEY for t in BY_KEY[key].optional)
