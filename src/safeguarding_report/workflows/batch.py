"""Build many reports at once, one report per Dask task, and keep going past a failed one.

``params_for(...)`` lists the params files of a batch: every file of a folder, or one per
authority (scaffolded with ``scaffold.new`` on the way, its local records empty, unless its
params file is already there). ``run(...)`` builds each with the kit's normal ``build.build``
(sections, cache, export, PDF), with the batch's ``BuildOptions`` (strict, force, section
timeout, PDF or not), as one task on a Dask cluster (``one_report.build_one``): by default a
``LocalCluster`` on this machine, or an existing cluster when given its scheduler's address (or
``DASK_SCHEDULER_ADDRESS``). Each worker runs one report at a time, since a build already runs
its sections in parallel. The workers build directly, never through the build server: in a
batch no one waits for a second build of the same report.

A worker starts each build as a process of its own, from a multiprocessing forkserver, so
workers must not be daemonic processes (daemonic processes cannot have children): the local
cluster's workers are started with ``distributed.worker.daemon`` off, and ``dask worker`` needs
``DASK_DISTRIBUTED__WORKER__DAEMON=False``.

On Ctrl-C every future is cancelled, the local cluster is shut down and any staging folder a
stopped build left in ``outputs/`` is removed: published reports stay as they were.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import logging
import os
import re
import shutil
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from safeguarding_report.core import params
from safeguarding_report.core.errors import ReportError
from safeguarding_report.data import Published
from safeguarding_report.data.areas import LOCAL
from safeguarding_report.pipeline.options import BuildOptions
from safeguarding_report.pipeline.publish import STAGING_INFIX
from safeguarding_report.workflows import scaffold
from safeguarding_report.workflows.one_report import (
    BUILT,
    FAILED,
    REUSED,
    Outcome,
    build_one,
    one_line,
)

log = logging.getLogger(__name__)

ALL = "all"
# How long a stopped batch waits for its builds to stop and clean up before it looks.
_SETTLE_SECONDS = 2.0


@dataclass(frozen=True)
class Batch:
    """The params files to build, and the reports that failed before building."""

    params: list[Path]
    failed: list[Outcome]


def params_in(folder: Path) -> Batch:
    """Every ``*.yaml`` params file in ``folder`` (not its subfolders), in name order."""
    if not folder.is_dir():
        raise ReportError(
            f"{folder}: expected a folder of params files (such as params/). Give a folder, "
            "or --authorities with --year."
        )
    found = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not found:
        raise ReportError(f"{folder}: no params files (*.yaml) found there; nothing to build.")
    return Batch(found, [])


def authorities(codes: str, year: int, *, root: Path, framework_id: str | None = None) -> Batch:
    """One params file per authority for ``year``: scaffolded now, or reused if already there.

    ``codes`` is ``"all"`` (every English local authority that existed in that year, as the
    population file says) or a comma-separated list of E-codes or DfE 3-digit codes. An
    authority whose params file cannot be made is a failed report of the batch, with the
    reason; a params file already there is reused as it is (its records may have been filled
    in since), unless its framework differs from ``framework_id``.
    """
    published = Published(root / "data")
    if codes.strip().lower() == ALL:
        wanted = [
            a.code
            for a in published.areas.all()
            if a.level == LOCAL and published.areas.existed(a, year)
        ]
    else:
        wanted = list(dict.fromkeys(c.strip() for c in codes.split(",") if c.strip()))
    if not wanted:
        raise ReportError(
            f"--authorities {codes!r}: no local authority named. Give 'all' or E-codes "
            "separated by commas, such as E06000001,E08000025."
        )
    made: list[Path] = []
    failed: list[Outcome] = []
    for code in wanted:
        try:
            made.append(_params_for(code, year, root, framework_id, published))
        except ReportError as exc:
            known = published.areas.get(code)
            label = f"{known.name} ({known.code})" if known else code
            failed.append(Outcome(label, FAILED, one_line(exc)))
    return Batch(made, failed)


def partnerships(table: Path, year: int, *, root: Path, framework_id: str | None = None) -> Batch:
    """One params file per row of a CSV file of partnerships, as ``authorities`` makes them.

    The file has the columns ``name`` (the partnership's name; empty for the name ``new``
    gives) and ``codes`` (its local authorities' codes, separated by ``+``, spaces or
    commas): one code for a partnership of one authority, several for one that covers several.
    """
    published = Published(root / "data")
    try:
        with table.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            rows = [(line, row) for line, row in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{table}: could not read the CSV file of partnerships ({exc}).") from exc
    missing = [c for c in ("name", "codes") if c not in header]
    if missing:
        raise ReportError(
            f"{table}, line 1: no column {missing[0]!r}. Expected the columns name and codes "
            "(the partnership's name, and its local authorities' codes separated by +)."
        )
    made: list[Path] = []
    failed: list[Outcome] = []
    for line, row in rows:
        codes = re.split(r"[+,;\s]+", (row.get("codes") or "").strip())
        codes = [c for c in codes if c]
        name = (row.get("name") or "").strip()
        label = name or "+".join(codes) or f"{table}, line {line}"
        try:
            if not codes:
                raise ReportError(f"{table}, line {line}: no code in column 'codes'.")
            made.append(
                _params_for("+".join(codes), year, root, framework_id, published, name or None)
            )
        except ReportError as exc:
            failed.append(Outcome(label, FAILED, one_line(exc)))
    return Batch(made, failed)


def _params_for(
    code: str,
    year: int,
    root: Path,
    framework_id: str | None,
    published: Published,
    partnership: str | None = None,
) -> Path:
    area = published.area(code)
    # scaffold names a report <slug of the authority's name>-<year>: the same file next time.
    existing = root / "params" / f"{scaffold.report_id_for(area.name, year)}.yaml"
    if not existing.is_file():
        # Written whole, named as the table names it: a stopped batch leaves no params file
        # half made, nor one with the name new gives.
        made = scaffold.new(
            code, year, root=root, framework_id=framework_id, partnership=partnership
        )
        return made.params
    p = params.load(existing)
    if framework_id and p.framework != framework_id:
        raise ReportError(
            f"{existing}: already exists with framework {p.framework}, not {framework_id}; it "
            "was not changed. Remove it (and its data/local folder) to scaffold it again, or "
            "build without --framework."
        )
    return existing


def default_workers() -> int:
    """Local workers: one per two cores (a build runs its sections on both), at least one."""
    return max(1, (os.cpu_count() or 1) // 2)


def run(
    params_files: Sequence[Path],
    root: Path,
    options: BuildOptions,
    *,
    scheduler: str | None = None,
) -> list[Outcome]:
    """Build every report, one Dask task each; return how each went, in the order given.

    Every report is built with ``options``, but for two that mean the batch's own:
    ``workers`` is how many reports build at once (the ``LocalCluster``'s processes; each
    build then runs its sections on every core of its worker) and ``progress`` is the batch's
    progress bar (the builds show none). ``scheduler`` is an existing cluster's address
    (default ``DASK_SCHEDULER_ADDRESS``, else a local cluster). The project folder ``root``
    must be at the same path on every worker.
    """
    if not params_files:
        return []
    root = root.resolve()
    files = [str(p.resolve()) for p in params_files]
    each = dataclasses.replace(options, workers=None, progress=False)
    outcomes: dict[str, Outcome] = {}
    with _client(scheduler, options.workers) as client:
        from dask.distributed import as_completed

        futures = {
            client.submit(build_one, f, str(root), each, key=f"report-{f}", pure=False): f
            for f in files
        }
        try:
            threads = max(1, sum(client.nthreads().values()))
            with tqdm(total=len(files), unit="report", disable=not options.progress) as bar:
                for future in as_completed(futures):
                    outcome = _result(future, futures[future])
                    outcomes[outcome.params] = outcome
                    failed = sum(1 for o in outcomes.values() if not o.ok)
                    running = min(threads, len(files) - len(outcomes))
                    bar.set_postfix_str(f"running {running}, failed {failed}")
                    if not outcome.ok:
                        bar.write(f"  FAILED {outcome.report}: {outcome.reason}")
                    bar.update(1)
        except BaseException:
            client.cancel(list(futures), force=True)
            raise
    return [outcomes[f] for f in files]


def _result(future: Any, params_path: str) -> Outcome:
    """The task's outcome, or a failed one when its worker died or the task could not run."""
    try:
        outcome: Outcome = future.result()
    except Exception as exc:  # KilledWorker, a worker without the kit, a lost connection
        name = Path(params_path).stem
        return Outcome(name, FAILED, f"the task did not finish: {one_line(exc)}", 0.0, params_path)
    return outcome


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: of the cluster at ``scheduler``, or of a new local cluster."""
    import dask
    from dask.distributed import Client, LocalCluster

    # The scheduler's and workers' own comings and goings are not the reader's business.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    address = scheduler or dask.config.get("scheduler-address", None)
    if address:
        log.info("Sending the reports to the Dask scheduler at %s", address)
        with Client(address) as client:
            yield client
        return
    # Workers start each build as a process of their own: they must be allowed children.
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        _without_ctrl_c(),
    ):
        cluster = LocalCluster(
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    with cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _without_ctrl_c() -> Iterator[None]:
    """Ctrl-C ignored in this process while the block runs, and so in the worker processes it
    starts (an ignored signal stays ignored in a started program): Ctrl-C reaches the whole
    process group, and a worker would stop on it with a traceback of its own, where the batch
    stops its workers itself (``run``). A Ctrl-C in the second or two the cluster takes to
    start is lost: the next one stops the batch. (Blocking it instead does not reach the
    workers: their start unblocks it.)"""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def remove_staging(outputs: Path, report_ids: Sequence[str]) -> list[Path]:
    """Remove the staging folders stopped builds of these reports left; return them."""
    removed = []
    for report_id in report_ids:
        for staged in outputs.glob(f".{report_id}{STAGING_INFIX}*"):
            shutil.rmtree(staged, ignore_errors=True)
            removed.append(staged)
    return removed


def stopped(root: Path, params_files: Sequence[Path]) -> list[Path]:
    """After an interrupted batch: remove what its stopped builds left; return what was removed.

    A stopped build removes its own staging folder as it stops (``one_report``), which may
    take a moment after its worker has gone: wait briefly first, then remove what is left
    (a build killed outright leaves its folder).
    """
    ids = []
    for path in params_files:
        with contextlib.suppress(ReportError):
            ids.append(params.load(path).id)
    time.sleep(_SETTLE_SECONDS)
    return remove_staging(root / "outputs", ids)


def summary(outcomes: Sequence[Outcome]) -> str:
    """One row per report (status, seconds, report, reason), then the counts."""
    rows = [("status", "seconds", "report", "reason")]
    rows += [(o.status, f"{o.seconds:.1f}", o.report, o.reason) for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [
        "  ".join(
            [r[0].ljust(widths[0]), r[1].rjust(widths[1]), r[2].ljust(widths[2]), r[3]]
        ).rstrip()
        for r in rows
    ]
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in (BUILT, REUSED, FAILED)}
    lines.append(
        f"{len(outcomes)} report(s): {counts[BUILT]} built, {counts[REUSED]} reused, "
        f"{counts[FAILED]} failed."
    )
    return "\n".join(lines)
