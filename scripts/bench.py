"""Benchmark: how long a report takes to build, against two plain ways of doing the same work.

Prints figures, not a pass or fail. In one run, on the same notebooks (the default report):

  (a) plain      the sections' library calls in one plain Python process, no kernel, no
                 papermill: each notebook's code cells run in turn and every displayed object
                 is rendered (its tables, charts and sentences made), as a notebook would
  (b) papermill  the papermill command line, then `jupyter nbconvert --to html`, one call per
                 section, one after the other
  (c) cold       the kit's HTML build with an empty cache (`build --no-pdf --force`), in a
                 process of its own: no build server running, as on a fresh machine or in CI
  (d) nochange   `make report NO_PDF=1` again with nothing changed
  (e) onechange  `make report NO_PDF=1` after one section's notebook changed

(d) and (e) are measured twice: with the build server that a build leaves running (what an
analyst gets from the second build on; these go on the last line), and without it
(SAFEGUARDING_REPORT_SERVER=0). For information, (c) is also timed with the server running.

Each is run at least three times, from a fresh copy of the project, with the parsed-data cache
emptied before every cold run (a, b, c), so all three start from the same state.

Memory: the whole process tree of a second cold build (c), after each timed one, is sampled
every 20 ms (the sampling takes CPU from the build, so the timed builds are not sampled), in
two sums. The RSS sum adds each process's resident set: pages a section shares with
the build it was forked from are counted once per process holding them. The PSS sum adds each
process's proportional set size (``/proc/<pid>/smaps_rollup``): a page shared by n processes
counts 1/n in each, so the sum is what the machine pays. The peak of each is printed.

Where the time goes: each section's own time in the cold build (its manifest) beside its time
in the plain process (its cells, timed there), medians of the runs, so that a regression names
its section.

Usage: .venv/bin/python scripts/bench.py [--runs N] [--params params/kent-2022.yaml]
(`make bench`). The last line is machine-readable:
cold/plain=X.XX papermill-cli/cold=Y.YY nochange_s=Z.ZZ onechange_s=W.WW peak_mib=N peak_pss_mib=M
(peak_mib is the RSS sum, peak_pss_mib the PSS sum).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

PLAIN = r"""
import ast, json, sys, time
from pathlib import Path
import yaml
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

def main():
    parameters = yaml.safe_load(Path(sys.argv[2]).read_text())
    seconds = {}
    for path in sys.argv[3:]:
        start = time.perf_counter()
        nb = parameterize_notebook(load_notebook_node(path), parameters)
        namespace = {"__name__": "__section__"}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, path, "exec"), namespace)
            if last is not None:
                shown = eval(compile(ast.Expression(last.value), path, "eval"), namespace)
                render = getattr(shown, "_repr_mimebundle_", None)
                if render is not None:
                    render()
        seconds[Path(path).stem] = time.perf_counter() - start
    Path(sys.argv[1]).write_text(json.dumps(seconds))

if __name__ == "__main__":
    main()
"""


def project_copy(params: str) -> Path:
    """A fresh copy of the project (data linked, not copied), with no outputs and no cache."""
    base = Path(tempfile.mkdtemp(prefix="safeguarding-bench-"))
    for name in ("notebooks", "params"):
        shutil.copytree(ROOT / name, base / name)
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy2(ROOT / name, base / name)
    (base / "scripts").symlink_to(ROOT / "scripts")
    (base / "data").mkdir()
    for child in (ROOT / "data").iterdir():
        (base / "data" / child.name).symlink_to(child)
    return base


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(
        list(command), cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{result.stderr[-2000:]}")


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


class PeakMemory:
    """Samples the memory of this process's descendants every 20 ms: the peak of the sum of
    their resident sets (``peak``, RSS: shared pages counted in every process holding them)
    and of their proportional set sizes (``peak_pss``, PSS: a page shared by n counts 1/n)."""

    def __init__(self) -> None:
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            parents, rss = processes()
            tree = descendants(parents, me) - {me}  # the benchmark itself is not the build
            self.peak = max(self.peak, sum(rss.get(pid, 0) for pid in tree))
            self.peak_pss = max(self.peak_pss, sum(pss(pid) for pid in tree))
            time.sleep(0.02)


def processes() -> tuple[dict[int, int], dict[int, int]]:
    """Every running process's parent and resident set in bytes, by process id, from /proc."""
    page = os.sysconf("SC_PAGE_SIZE")
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            rss[int(entry.name)] = int(stat[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    return parents, rss


def descendants(parents: dict[int, int], root: int) -> set[int]:
    """``root`` and every process below it, by the ``parents`` of ``processes``."""
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree} - tree
        grew = bool(found)
        tree |= found
    return tree


def pss(pid: int) -> int:
    """A process's proportional set size in bytes (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def params_yaml(project: Path, params: str) -> Path:
    """The parameters papermill injects, as the build passes them, in a YAML file."""
    sys.path.insert(0, str(ROOT / "src"))
    from safeguarding_report.core import params as params_module

    values = params_module.load(project / params).notebook_parameters(project / "data")
    path = project / "bench-parameters.yaml"
    path.write_text(json.dumps(values), encoding="utf-8")  # JSON is YAML
    return path


def params_module_id(project: Path, params: str) -> str:
    """The report's id (its outputs folder's name), from its params file."""
    from safeguarding_report.core import params as params_module

    return params_module.load(project / params).id


def summary(name: str, times: list[float]) -> str:
    return (
        f"  {name:<35} min {min(times):6.2f} s   median {statistics.median(times):6.2f} s   "
        f"max {max(times):6.2f} s   ({len(times)} runs)"
    )


def change_notebook(project: Path, run: str) -> None:
    """Change one section's notebook (a sentence in its first cell), as an analyst would."""
    changed = project / "notebooks/09_voice.ipynb"
    nb = json.loads(changed.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = [*nb["cells"][0]["source"], f"\n\nRun {run}."]
    changed.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--params", default="params/kent-2022.yaml")
    args = parser.parse_args()
    runs = max(3, args.runs)
    project = project_copy(args.params)
    notebooks = sorted(str(p) for p in (project / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    parameters = params_yaml(project, args.params)
    kit = [str(BIN / "safeguarding-report"), "build", "--params", args.params, "--quiet"]
    make = ["make", "-s", "report", f"PARAMS={args.params}", "NO_PDF=1", f"VENV={BIN.parent}"]
    server = [str(BIN / "safeguarding-report"), "server"]
    alone = {**os.environ, "SAFEGUARDING_REPORT_SERVER": "0"}
    served = {**os.environ, "SAFEGUARDING_REPORT_SERVER": "1"}
    cold = [*kit, "--no-pdf", "--force"]
    cache = project / ".cache"
    names = ("plain", "papermill", "cold", "nochange", "onechange")
    names += ("nochange-alone", "onechange-alone", "cold-served", "cold-sampled")
    results: dict[str, list[float]] = {k: [] for k in names}
    peak = peak_pss = 0
    own = 0.0
    sections: dict[str, dict[str, list[float]]] = {"plain": {}, "cold": {}}
    ran: list[str] = []
    print(f"Benchmark of {args.params}: {len(notebooks)} sections, {runs} runs each")
    print(f"  project copy: {project}")
    for i in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        times = project / "plain-seconds.json"
        plain = [str(BIN / "python"), "-c", PLAIN, str(times), str(parameters), *notebooks]
        results["plain"].append(timed(lambda plain=plain: run(plain, project)))
        for name, seconds in json.loads(times.read_text()).items():
            sections["plain"].setdefault(name, []).append(seconds)

        shutil.rmtree(cache, ignore_errors=True)
        out = project / "papermill-out"
        out.mkdir(exist_ok=True)

        def papermill_cli(out: Path = out) -> None:
            for nb in notebooks:
                target = out / Path(nb).name
                run([str(BIN / "papermill"), nb, str(target), "-f", str(parameters),
                     "--no-progress-bar", "--cwd", str(project)], project)  # fmt: skip
                run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(target)], project)

        results["papermill"].append(timed(papermill_cli))

        # Timed alone: sampling the memory of every process of the tree 50 times a second
        # (smaps_rollup walks each one's page tables) takes CPU from the build it measures,
        # and the plain process is timed without it. The memory is sampled in a second cold
        # build of the same state.
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(project / "outputs", ignore_errors=True)
        results["cold"].append(timed(lambda: run(cold, project, alone)))
        report_id = params_module_id(project, args.params)
        manifest = json.loads((project / f"outputs/{report_id}/manifest.json").read_text())
        for name, section in manifest["sections"].items():
            sections["cold"].setdefault(name, []).append(section["seconds"])
        shutil.rmtree(cache, ignore_errors=True)
        with PeakMemory() as memory:
            results["cold-sampled"].append(timed(lambda: run(cold, project, alone)))
        peak, peak_pss = max(peak, memory.peak), max(peak_pss, memory.peak_pss)

        results["nochange-alone"].append(timed(lambda: run(make, project, alone)))
        change_notebook(project, f"{i} alone")
        results["onechange-alone"].append(timed(lambda: run(make, project, alone)))

        run([*server, "start"], project, served)  # what the builds above would have left
        results["nochange"].append(timed(lambda: run(make, project, served)))
        change_notebook(project, f"{i} served")
        results["onechange"].append(timed(lambda: run(make, project, served)))
        manifest = json.loads((project / f"outputs/{report_id}/manifest.json").read_text())
        ran = [name for name, s in manifest["sections"].items() if s["ran"]]
        own = sum(s["seconds"] for s in manifest["sections"].values() if s["ran"])

        shutil.rmtree(cache, ignore_errors=True)
        results["cold-served"].append(timed(lambda: run(cold, project, served)))
        run([*server, "stop"], project, served)
        print(f"  run {i + 1} of {runs} done", flush=True)

    median = {k: statistics.median(v) for k, v in results.items()}
    print()
    for name, label in (
        ("plain", "(a) plain"),
        ("papermill", "(b) papermill"),
        ("cold", "(c) cold"),
        ("nochange", "(d) nochange"),
        ("onechange", "(e) onechange"),
        ("nochange-alone", "(d) without the build server"),
        ("onechange-alone", "(e) without the build server"),
        ("cold-served", "(c) with the build server running"),
        ("cold-sampled", "(c) while its memory is sampled"),
    ):
        print(summary(label, results[name]))
    print(f"  (e) re-ran {', '.join(ran)}: its own time {own:.2f} s")
    print("  peak memory of the build's process tree during (c):")
    print(f"    RSS sum {peak / 2**20:5.0f} MiB  (each process's resident set; shared pages")
    print("                     counted in every process that holds them)")
    print(f"    PSS sum {peak_pss / 2**20:5.0f} MiB  (proportional set sizes: shared pages")
    print("                     divided among their processes; what the machine pays)")
    print()
    print("Each section's own time, medians (s):")
    print(f"  {'section':<24} {'(c) cold':>9} {'(a) plain':>10}")
    for name in sorted(sections["cold"]):
        cold_s = statistics.median(sections["cold"][name])
        plain_s = statistics.median(sections["plain"].get(name, [math.nan]))
        print(f"  {name:<24} {cold_s:9.2f} {plain_s:10.2f}")
    print()
    print("Ratios (medians):")
    print(f"  cold build / plain process   {median['cold'] / median['plain']:.2f}")
    print(f"  papermill CLI / cold build   {median['papermill'] / median['cold']:.2f}")
    shutil.rmtree(project, ignore_errors=True)
    print(
        f"cold/plain={median['cold'] / median['plain']:.2f} "
        f"papermill-cli/cold={median['papermill'] / median['cold']:.2f} "
        f"nochange_s={median['nochange']:.2f} onechange_s={median['onechange']:.2f} "
        f"peak_mib={peak / 2**20:.0f} peak_pss_mib={peak_pss / 2**20:.0f}"
    )


if __name__ == "__main__":
    main()
