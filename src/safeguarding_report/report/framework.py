"""The statutory frameworks a report can follow, each declared once as data.

A framework (``frameworks/<id>.yaml``) names the guidance, what the report is called, which
sections it has in which order with which titles, and its statutory requirements with the
sections that meet each. Adding a framework adds a declaration, not code: the build runs the
sections it lists and the appendix's checklist is made from its requirements.
"""

from __future__ import annotations

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

from safeguarding_report.errors import ParamsError

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"

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
    sections: tuple[Key, ...] = Field(min_length=1)


class Words(_Strict):
    """Phrases the sections use that differ between frameworks."""

    scrutiny_statement: str = "The independent scrutineer's evaluation"
    scrutiny_response: str = "The partners' response"
    incidents_notified: str = (
        "serious incidents were notified to the Child Safeguarding Practice Review Panel"
    )
    review_kinds: tuple[str, ...] = (
        "serious incident notification",
        "rapid review",
        "local child safeguarding practice review",
        "serious case review (legacy)",
    )


class Framework(_Strict):
    """A statutory framework: the report's name, its sections and its requirements."""

    id: Key
    guidance: str = Field(description="e.g. 'Working Together to Safeguard Children 2018'")
    report_name: str = Field(description="'annual report' or 'yearly report'")
    body: str = Field(description="who publishes it, e.g. 'safeguarding partnership'")
    members: str = Field(description="how the report names its members, e.g. 'Board'")
    sections: tuple[SectionSpec, ...] = Field(min_length=1)
    requirements: tuple[Requirement, ...] = Field(min_length=1)
    words: Words = Field(default_factory=lambda: Words())

    @model_validator(mode="after")
    def _requirements_name_sections(self) -> Framework:
        keys = [s.key for s in self.sections]
        if len(set(keys)) != len(keys):
            raise ValueError(f"a section is listed twice: {keys}")
        for requirement in self.requirements:
            unknown = [k for k in requirement.sections if k not in keys]
            if unknown:
                raise ValueError(
                    f"requirement {requirement.id!r} names sections {unknown} that the framework "
                    f"does not list (it lists {', '.join(keys)})"
                )
        return self

    def title(self, key: str) -> str:
        """The title of a section in this framework."""
        return next(s.title for s in self.sections if s.key == key)


def available() -> list[str]:
    """The ids of every declared framework, e.g. ['wt2010', 'wt2018', 'wt2023']."""
    return sorted(p.stem for p in FRAMEWORKS_DIR.glob("*.yaml"))


@cache
def load(framework_id: str) -> Framework:
    """The declared framework with this id; ParamsError naming the ids that exist."""
    path = FRAMEWORKS_DIR / f"{framework_id}.yaml"
    if framework_id not in available():
        raise ParamsError(
            f"unknown framework {framework_id!r}: expected one of {', '.join(available())}."
        )
    try:
        return Framework.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise ParamsError(f"{path}: the framework declaration is invalid: {exc}") from exc
