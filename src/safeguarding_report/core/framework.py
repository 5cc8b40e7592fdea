"""The statutory frameworks a report can follow, each declared once, as one YAML file.

A framework (``<id>.yaml``) says everything the kit needs to know about it, and the code names
none of them: the guidance; the day it came into force; what the report is called; who
publishes it (the body in full, how a sentence names it, what follows an area's name in a
partnership's usual name); how its sections word what differs between frameworks, the kinds of
review it has and whether it has rapid reviews; its sections in order with their titles; its
statutory requirements with the sections that meet each; and the statutory basis the committee
cover report quotes. The build runs the sections a framework lists and makes the appendix's
checklist from its requirements, so adding a framework adds a file, not code.

Where frameworks are found: a project may declare its own as ``data/frameworks/<id>.yaml``,
searched before the package's ``core/frameworks/``; a project file with the id of a package
framework replaces it for that project, and the build and ``check`` say so (``shadowed``).
They live under ``data/``, with the report's other inputs, for two reasons: the build keys
what it keeps on the files there (a change to a project's framework rebuilds what it shows),
and the sections, whose parameters name the data folder, find it there. Every function that
looks a framework up takes that folder (``data``); without it, only the package's frameworks
are seen.

``in_force_on`` gives the framework in force on a day: the newest whose ``in_force`` date is on
or before it. ``new`` gives a report the one in force on the last day of its period.

Every reader gets a framework checked whole: its sections are the kit's (``core/registry.py``),
so ``check`` and ``new`` refuse a section the build would, and its file is read within the
limits of YAML documents (``core/limits.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import cache
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from safeguarding_report.core import limits, registry
from safeguarding_report.core.errors import ParamsError

log = logging.getLogger(__name__)

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"  # the package's own frameworks
PROJECT_FOLDER = "frameworks"  # a project's own, under its data folder
_ERRORS_SHOWN = 3  # of a declaration's faults, in its message

Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionSpec(_Strict):
    """One section of the report: the notebook it runs and the title readers see."""

    key: Key = Field(description="the notebook's name without its number, e.g. 'local_context'")
    title: str = Field(min_length=1, description="the section's title in this framework")


class Requirement(_Strict):
    """One statutory requirement and the sections that meet it."""

    id: str = Field(min_length=1)
    text: str = Field(min_length=1, description="the requirement, as worded in the checklist")
    confirmed: bool = Field(
        description="true only when `text` was checked word for word against the guidance; "
        "otherwise the checklist presents it as a paraphrase"
    )
    reference: str = Field(
        default="",
        description="where the requirement comes from (paragraph, or section of an Act), shown "
        "in the checklist; empty when none was checked",
    )
    sections: tuple[Key, ...] = Field(min_length=1)


class Words(_Strict):
    """Phrases the sections use that differ between frameworks."""

    scrutiny_statement: str = Field(
        min_length=1, description="heading of the scrutiny statement, e.g. the independent chair's"
    )
    scrutiny_response: str = Field(min_length=1, description="heading of the members' response")
    incidents_notified: str = Field(
        min_length=1, description="ends 'In 2021-22, 4 ...': to whom serious incidents went"
    )
    review_kinds: tuple[str, ...] = Field(
        min_length=1, description="the kinds of review the reviews section lists, as recorded"
    )


class Statutory(_Strict):
    """The committee cover report's account of the statutory basis for the report."""

    confirmed: bool = Field(description="true only when checked word for word")
    basis: tuple[str, ...] = Field(min_length=1, description="the law and guidance, in order")
    elements: tuple[str, ...] = Field(
        min_length=1, description="ids of the framework's requirements the report must include"
    )
    recipients: str = Field(min_length=1, description="who receives the report, and by when")


class Framework(_Strict):
    """A statutory framework: the report's name, its sections and its requirements."""

    id: Key
    guidance: str = Field(description="e.g. 'Working Together to Safeguard Children 2018'")
    in_force: dt.date = Field(description="the first day a report follows this framework")
    report_name: str = Field(description="'annual report' or 'yearly report'")
    body: str = Field(description="who publishes it, e.g. 'safeguarding partnership'")
    body_in_text: str = Field(
        min_length=1, description="how a sentence names it, e.g. 'the Board', 'the partnership'"
    )
    name_suffix: str = Field(
        min_length=1,
        description="what follows the area's name in a partnership's usual name, e.g. "
        "'Safeguarding Children Partnership'",
    )
    members: str = Field(description="how the report names its members, e.g. 'Board'")
    rapid_reviews: bool = Field(
        description="whether the reviews section reports how many rapid reviews were completed"
    )
    words: Words
    sections: tuple[SectionSpec, ...] = Field(min_length=1)
    requirements: tuple[Requirement, ...] = Field(min_length=1)
    statutory: Statutory
    glossary: dict[str, str] = Field(
        default_factory=dict,
        description="terms this framework brings, added to the report's glossary: term -> meaning",
    )

    @model_validator(mode="after")
    def _requirements_name_sections(self) -> Framework:
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(f"a section is listed twice: {keys}")
        unknown = [k for k in keys if k not in registry.BY_KEY]
        if unknown:
            raise ValueError(
                f"sections lists {', '.join(unknown)}, which the kit has no section for: its "
                f"sections are {', '.join(registry.BY_KEY)}"
            )
        for requirement in self.requirements:
            unknown = [k for k in requirement.sections if k not in keys]
            if unknown:
                raise ValueError(
                    f"requirement {requirement.id!r} names sections {unknown} that the framework "
                    f"does not list (it lists {', '.join(keys)})"
                )
        ids = [r.id for r in self.requirements]
        unknown = [e for e in self.statutory.elements if e not in ids]
        if unknown:
            raise ValueError(
                f"statutory.elements names requirements {unknown} that the framework does not "
                f"list (it lists {', '.join(ids)})"
            )
        return self

    def title(self, key: str) -> str:
        """The title of a section in this framework."""
        return next(s.title for s in self.sections if s.key == key)

    def templates(self) -> frozenset[str]:
        """The templates of the partnership's records its sections read: what its reports use."""
        return registry.templates_of(s.key for s in self.sections)

    def optional_templates(self) -> frozenset[str]:
        """The templates its sections read when they are there, never asked for."""
        return registry.optional_of(s.key for s in self.sections)


def folders(data: Path | None = None) -> list[Path]:
    """Where frameworks are looked for, in order: the project's (under ``data``), the package's."""
    return ([data / PROJECT_FOLDER] if data is not None else []) + [FRAMEWORKS_DIR]


def available(data: Path | None = None) -> list[str]:
    """The ids of every framework a report may follow: the package's, and the project's when
    ``data`` (its data folder) is given."""
    return sorted({path.stem for folder in folders(data) for path in folder.glob("*.yaml")})


def find(framework_id: str, data: Path | None = None) -> Path:
    """The file that declares a framework; ParamsError naming the ids that exist."""
    for folder in folders(data):
        path = folder / f"{framework_id}.yaml"
        if path.is_file():
            return path
    raise ParamsError(
        f"unknown framework {framework_id!r}: expected one of {', '.join(available(data))}."
    )


def load(framework_id: str, data: Path | None = None) -> Framework:
    """The framework with this id, the project's (under ``data``) before the package's."""
    path = find(framework_id, data)
    if path.parent == FRAMEWORKS_DIR:
        return _packaged(path)
    # A project's file is read each time it is asked for: a section then reads it, so that its
    # record of the files it read, and with it its cache, includes it.
    return read(path)


@cache
def _packaged(path: Path) -> Framework:
    return read(path)


def shadowed(framework_id: str, data: Path | None) -> str:
    """What a project's framework file replaces, when it has the id of one of the kit's: a
    sentence naming both files (for the build's log and ``check``); "" otherwise."""
    kit = FRAMEWORKS_DIR / f"{framework_id}.yaml"
    if data is None or not kit.is_file():
        return ""
    project = data / PROJECT_FOLDER / kit.name
    if not project.is_file():
        return ""
    return (
        f"{project} declares the framework {framework_id}, which the kit declares too (its "
        f"core/frameworks/{kit.name}): this project's reports follow the project's file, not the "
        "kit's. Give the "
        "project's framework an id of its own (its file's name and its id) to follow it beside "
        "the kit's, or remove the file to follow the kit's."
    )


def say_if_shadowed(framework_id: str, data: Path | None) -> None:
    """Log a warning when the project's file replaces the kit's framework (``shadowed``)."""
    said = shadowed(framework_id, data)
    if said:
        log.warning("%s", said)


def read(path: Path) -> Framework:
    """The framework a file declares; ParamsError naming the file and what is wrong."""
    try:
        limits.check_yaml_file(path, str(path), ParamsError)
        declared = limits.yaml_value(path.read_text(encoding="utf-8"), str(path), error=ParamsError)
        framework = Framework.model_validate(declared)
    except ValidationError as exc:
        errors = exc.errors()
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'the file'}: "
            f"{error.get('ctx', {}).get('error', error['msg'])}"
            for error in errors[:_ERRORS_SHOWN]
        ) + (f"; and {len(errors) - _ERRORS_SHOWN} more" if len(errors) > _ERRORS_SHOWN else "")
        raise ParamsError(
            f"{path}: the framework declaration is invalid: {problems}. Compare it with a "
            f"framework of the package ({FRAMEWORKS_DIR})."
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParamsError(
            f"{path}{where}: the framework declaration is not valid YAML ({problem})."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ParamsError(f"{path}: the framework declaration could not be read: {exc}") from exc
    if framework.id != path.stem:
        raise ParamsError(
            f"{path}: declares the framework {framework.id!r}, but a framework's file is named "
            f"after its id: rename the file {framework.id}.yaml or set id: {path.stem}."
        )
    return framework


def in_force_on(day: dt.date, data: Path | None = None) -> Framework:
    """The framework in force on ``day``: the newest whose ``in_force`` is on or before it."""
    frameworks = [load(framework_id, data) for framework_id in available(data)]
    started = [fw for fw in frameworks if fw.in_force <= day]
    if not started:
        first = min(frameworks, key=lambda fw: fw.in_force)
        raise ParamsError(
            f"no framework was in force on {day.isoformat()}: the earliest, {first.id}, came "
            f"into force on {first.in_force.isoformat()}. Give the framework to follow."
        )
    return max(started, key=lambda fw: fw.in_force)
