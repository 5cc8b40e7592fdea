"""Benchmark: reports per minute of `safeguarding-report batch`, with 1 and 2 local workers.

Prints figures, not a pass or fail. For each worker count, in a fresh copy of the project
(notebooks and published data; no params and no local records), it builds N authorities'
reports for one year without PDFs (`batch --authorities ... --no-pdf`) cold (empty section
cache), then again with nothing changed. Each run is the whole command: starting the local
Dask cluster, scaffolding, building, the summary and the index.

Memory per worker: during each cold batch, every 50 ms, the memory of each Dask worker
process and every process under it (its forkserver, each build's process, and the checks,
sections and cover report a build forks) is summed,
as an RSS sum (each process's resident set: pages shared after a fork counted in each) and
a PSS sum (proportional set sizes from /proc/<pid>/smaps_rollup: a page shared by n
processes counts 1/n); the peak of the largest worker is printed.

Usage: .venv/bin/python scripts/bench_batch.py [--authorities N] [--year 2024]
(`make bench-batch`). The last line is machine-readable:
n=N cold_1=R cold_2=R scaling=X nochange_1_s=S nochange_2_s=S worker_mib=M worker_pss_mib=P
(R in reports per minute; M and P the largest worker's peak RSS and PSS sums, in MiB)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import descendants, processes, pss  # beside this script

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Unitary authorities, the smallest first, in this order: a batch of N takes the first N.
AUTHORITIES = (
    "E06000017",  # Rutland
    "E09000001",  # City of London
    "E06000053",  # Isles of Scilly
    "E06000001",  # Hartlepool
    "E06000002",  # Middlesbrough
    "E06000003",  # Redcar and Cleveland
    "E06000004",  # Stockton-on-Tees
    "E06000005",  # Darlington
    "E06000046",  # Isle of Wight
    "E06000039",  # Slough
    "E06000006",  # Halton
    "E06000007",  # Warrington
    "E06000008",  # Blackburn with Darwen
    "E06000009",  # Blackpool
    "E06000010",  # Kingston upon Hull, City of
    "E06000011",  # East Riding of Yorkshire
    "E06000012",  # North East Lincolnshire
    "E06000013",  # North Lincolnshire
    "E06000014",  # York
    "E06000015",  # Derby
)


def _project(base: Path) -> Path:
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    (base / "params").mkdir()
    (base / "data" / "local").mkdir(parents=True)
    (base / "data" / "published").symlink_to(ROOT / "data" / "published", target_is_directory=True)
    return base


class WorkerMemory:
    """Samples, every 50 ms, each child of process ``pid`` (a Dask worker) with every process
    under it: the peak of their RSS sum and of their PSS sum, per child."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peaks: dict[int, tuple[int, int]] = {}  # child -> (RSS sum, PSS sum), bytes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> tuple[int, int]:
        """Stop sampling; the largest child's peak RSS sum and peak PSS sum."""
        self._stop.set()
        self._thread.join()
        return (
            max((rss for rss, _ in self.peaks.values()), default=0),
            max((pss for _, pss in self.peaks.values()), default=0),
        )

    def _sample(self) -> None:
        while not self._stop.is_set():
            parents, rss = processes()
            for child in [p for p, parent in parents.items() if parent == self.pid]:
                tree = descendants(parents, child)
                now = (sum(rss.get(p, 0) for p in tree), sum(pss(p) for p in tree))
                peak = self.peaks.get(child, (0, 0))
                self.peaks[child] = (max(peak[0], now[0]), max(peak[1], now[1]))
            time.sleep(0.05)


def _batch(
    root: Path, codes: str, year: int, workers: int, memory: list[tuple[int, int]] | None = None
) -> float:
    """Run one batch; its seconds. With ``memory``, its largest worker's peaks are appended."""
    command = [
        str(BIN / "safeguarding-report"),
        "batch",
        "--authorities",
        codes,
        "--year",
        str(year),
        "--no-pdf",
        "--quiet",
        "--workers",
        str(workers),
        "--root",
        str(root),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = WorkerMemory(process.pid) if memory is not None else None
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    if sampler is not None and memory is not None:
        memory.append(sampler.stop())
    if process.returncode != 0:
        sys.exit(f"batch failed (status {process.returncode}):\n{out}\n{err}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--authorities", type=int, default=6, help=f"how many reports (1 to {len(AUTHORITIES)})"
    )
    parser.add_argument("--year", type=int, default=2024, help="year ending 31 March")
    args = parser.parse_args()
    n = max(1, min(args.authorities, len(AUTHORITIES)))
    codes = ",".join(AUTHORITIES[:n])
    cold: dict[int, float] = {}
    unchanged: dict[int, float] = {}
    memory: dict[int, list[tuple[int, int]]] = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
            root = _project(Path(folder))
            memory[workers] = []
            cold[workers] = _batch(root, codes, args.year, workers, memory[workers])
            unchanged[workers] = _batch(root, codes, args.year, workers)
        print(
            f"{workers} worker(s): {n} reports cold in {cold[workers]:.1f} s "
            f"({60 * n / cold[workers]:.1f} reports/minute); nothing changed: "
            f"{unchanged[workers]:.1f} s"
        )
        rss, pss = memory[workers][0]
        print(
            f"  peak memory of the largest worker (its processes summed): RSS sum "
            f"{rss / 2**20:.0f} MiB, PSS sum {pss / 2**20:.0f} MiB"
        )
    per_minute = {w: 60 * n / s for w, s in cold.items()}
    scaling = per_minute[2] / per_minute[1]
    print(f"scaling from 1 to 2 workers: {scaling:.2f}x")
    print(
        f"n={n} cold_1={per_minute[1]:.2f} cold_2={per_minute[2]:.2f} scaling={scaling:.2f} "
        f"nochange_1_s={unchanged[1]:.1f} nochange_2_s={unchanged[2]:.1f} "
        f"worker_mib={max(m[0][0] for m in memory.values()) / 2**20:.0f} "
        f"worker_pss_mib={max(m[0][1] for m in memory.values()) / 2**20:.0f}"
    )


if __name__ == "__main__":
    main()
