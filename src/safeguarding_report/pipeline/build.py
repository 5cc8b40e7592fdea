"""The one orchestration, in stages that ``build`` calls in this order:

plan -> (nothing changed: stop) -> check inputs -> run sections -> assemble -> export ->
write outputs -> publish

The plan (``plan.py``) is known before any stage's module is imported; the stages after it are
``stages.py`` up to the sections and ``finish.py`` after them, each importing the modules its
stages use (the second once the sections have run: ``stages.py`` says why). The cover report
and changes.csv are written beside the sections, in a process of their own. A failed or
interrupted build leaves the last good ``outputs/<id>/`` untouched.
"""

from __future__ import annotations

import logging
from pathlib import Path

from safeguarding_report.core import store
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.pipeline.plan import Plan, Project, make, up_to_date

log = logging.getLogger(__name__)

__all__ = ["Project", "build", "build_from"]


@store.remembering()  # each data file is hashed once however many keys it is in
def build(params_path: Path, project: Project, options: BuildOptions) -> Path:
    """Build one report; return its published folder ``outputs/<id>/``.

    A section whose notebook, parameters, library and data files are unchanged since its last
    run is not run again: its executed notebook is reused from the cache (``options.force``
    runs every section). When nothing at all has changed since the published report was
    built, the build stops there. A section running longer than ``options.section_timeout``
    seconds fails.
    """
    plan = make(params_path, project, options)
    if up_to_date(plan):
        log.info("Nothing changed since the last build: %s is up to date.", plan.target)
        return plan.target
    return build_from(plan)


@store.remembering()
def build_from(plan: Plan) -> Path:
    """Build the report ``plan`` is of, up to date or not (``build`` asks first, and so does a
    batch's worker before it hands the plan to a process of its own); its published folder."""
    project, options, params_path = plan.project, plan.options, plan.params_path
    # The stages' modules take seconds to import, so only a build with work to do imports
    # them: first what reads the published files (pandas and the readers), whose checks then
    # run on every core while this process imports the other stages' modules.
    from safeguarding_report.pipeline import validate

    published = validate.published_for(plan.p, project.data, params_path)
    # The checks leave one of the workers' places to this process's imports.
    checks = max(1, options.workers - 1) if options.workers else None
    with validate.checking(published, project.cache / "checked", checks):
        from safeguarding_report.pipeline import stages

        inputs = stages.check_inputs(plan, published)
    with (
        stages.staging(plan) as staged,
        stages.CoverAndChanges(plan, inputs, staged) as cover_and_changes,
    ):
        runs = stages.run_sections(plan, staged, cover_and_changes.running)
        from safeguarding_report.pipeline import finish

        assembled = finish.assemble(plan, inputs, runs)
        finish.export_files(plan, assembled, staged)
        finish.write_outputs(plan, inputs, assembled, cover_and_changes.records(), staged)
        finish.publish_outputs(plan, inputs, staged)
    log.info("Report written to %s", plan.target)
    return plan.target
