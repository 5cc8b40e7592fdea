"""What one build is of, and whether it has anything to do: known before any stage's module is
imported, so that a build with nothing changed answers in well under a second.

``make`` reads the params and the framework and finds each section's notebook and whether its
last run can be reused; ``up_to_date`` says whether the published report was built from exactly
these inputs. ``Project`` says where a project's inputs and outputs live.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, overload

from safeguarding_report.core import framework, params, registry, store
from safeguarding_report.core.errors import ReportError
from safeguarding_report.core.framework import Framework
from safeguarding_report.pipeline import cache
from safeguarding_report.pipeline.options import BuildOptions

if TYPE_CHECKING:
    from safeguarding_report.pipeline.execute import SectionRun


class _Folder:
    """One folder of a project, ``root/<name>``: each is named once, in ``Project``."""

    def __init__(self, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, project: None, owner: type[Project]) -> _Folder: ...
    @overload
    def __get__(self, project: Project, owner: type[Project]) -> Path: ...
    def __get__(self, project: Project | None, owner: type[Project]) -> Path | _Folder:
        return self if project is None else project.root / self.name


@dataclass(frozen=True)
class Project:
    """Where a project's inputs and outputs live."""

    root: Path
    data = _Folder("data")  # input data: published/ and local/<id>/
    notebooks = _Folder("notebooks")  # the section notebooks, run in file-name order
    cache = _Folder(".cache")  # executed sections, parsed data ... kept between builds
    outputs = _Folder("outputs")  # generated reports, one folder per report id

    def data_files(self, report_id: str) -> list[Path]:
        """The data files report ``report_id`` may read: every file under data/ but the other
        reports' records (``local/<another id>/``) and what its own folder holds that is not a
        record (``store.not_a_record``: lock files, the CSV files ``workbook`` set aside), in
        order."""
        local = self.data / "local"
        return [
            path
            for path in store.data_files(self.data)
            if not path.is_relative_to(local)
            or len(parts := path.relative_to(local).parts) == 1
            or (parts[0] == report_id and not any(map(store.not_a_record, parts[1:])))
        ]

    def sections(self, framework: Framework) -> list[tuple[str, Path]]:
        """(key, notebook) for each of the framework's sections, in its order.

        A section's notebook is the registry's (``notebooks/NN_<key>.ipynb``); an error names
        a section the kit does not have, and any notebook that is missing.
        """
        unknown = [s.key for s in framework.sections if s.key not in registry.BY_KEY]
        if unknown:
            raise ReportError(
                f"framework {framework.id} lists section(s) {', '.join(unknown)} that the kit "
                f"does not have: its sections are {', '.join(registry.BY_KEY)}."
            )
        found = [(s.key, self.notebooks / registry.get(s.key).notebook) for s in framework.sections]
        missing = [key for key, path in found if not path.is_file()]
        if missing:
            raise ReportError(
                f"{self.notebooks}: no notebook for section(s) {', '.join(missing)} of "
                f"framework {framework.id} (expected {registry.get(missing[0]).notebook}). "
                "Run the build from the project's top folder."
            )
        return found


@dataclass(frozen=True)
class Planned:
    """One section and whether its cached run can be reused."""

    key: str  # the framework's section key
    notebook: Path
    cache_key: dict[str, str]
    verdict: cache.Verdict


@dataclass(frozen=True)
class Plan:
    """What one build is of and how it runs: known before any stage's module is imported."""

    params_path: Path
    project: Project
    options: BuildOptions
    p: params.Params
    fw: Framework
    sections: list[Planned]  # in the framework's order
    parameters: dict[str, object]  # the sections' parameters
    env: dict[str, str]  # added to the sections' environment: the disclosure thresholds

    @property
    def target(self) -> Path:
        """The report's published folder, ``outputs/<id>/``."""
        return self.project.outputs / self.p.id

    @cached_property
    def data_files(self) -> list[Path]:
        """Every data file of this report, for the steps that read them outside the sections
        (the cover report, changes.csv, the sources appendix)."""
        return self.project.data_files(self.p.id)

    @cached_property
    def data(self) -> str:
        """The digest of ``data_files``."""
        return store.files_digest(self.project.data, self.data_files)


def make(params_path: Path, project: Project, options: BuildOptions) -> Plan:
    """Read the params and framework; find each section's notebook and whether its last run
    is still good."""
    p = params.load(params_path, data=project.data)
    fw = framework.load(p.framework, project.data)
    framework.say_if_shadowed(p.framework, project.data)
    notebooks = project.sections(fw)
    parameters = p.notebook_parameters(project.data.resolve())
    # The disclosure thresholds reach the sections through their environment, and their key.
    env = p.section_environment()
    sections = []
    for key, notebook in notebooks:
        cache_key = cache.section_key(notebook, {**parameters, **env})
        verdict = (
            cache.Verdict(False, "every section was asked to run (--force)")
            if options.force
            else cache.check(project.cache, p.id, notebook.stem, cache_key, project.root)
        )
        sections.append(Planned(key, notebook, cache_key, verdict))
    return Plan(params_path, project, options, p, fw, sections, parameters, env)


def up_to_date(plan: Plan) -> bool:
    """Whether the published report was built from exactly these inputs, and is all there."""
    key = build_key(plan)
    if not key:
        return False
    try:
        facts = json.loads((plan.target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(facts.get("build_key") == key and (plan.target / "report.html").is_file())


def build_key(plan: Plan, runs: list[SectionRun] | None = None) -> str:
    """One hash of everything the published report was made from, or "" if a section changed.

    Before the sections run it can be known only when every section's cached run is reused;
    after they run, each executed notebook's own key and inputs stand in for it.
    """
    parts = [
        *made_from(plan.params_path, plan.data),
        f"{plan.options.make_pdf} {plan.options.strict}" + (" draft" if plan.options.draft else ""),
    ]
    executed = [run.executed for run in runs] if runs else None
    if executed is None:
        if not all(item.verdict.reuse and item.verdict.cached for item in plan.sections):
            return ""
        executed = [item.verdict.cached for item in plan.sections if item.verdict.cached]
    parts += [store.file_digest(path) for path in executed]
    return cache.build_key(parts)


def made_from(params_path: Path, data: str) -> list[str]:
    """What every step of a report depends on: the library, the params file, the data files
    (``data``: their digest)."""
    return [store.library_digest(), store.file_digest(params_path), f"data {data}"]


def inputs_digest(plan: Plan) -> str:
    """One hash of what the report says is made from: the data, the params and the notebooks
    (a draft shows its start, so that a reviewer can tell two drafts' inputs apart)."""
    return cache.build_key(
        [
            store.file_digest(plan.params_path),
            f"data {plan.data}",
            *(store.file_digest(item.notebook) for item in plan.sections),
        ]
    )
