"""Benchmark: reports per minute of `safeguarding-report batch`, with 1 and 2 local workers.

Prints figures, not a pass or fail. For each worker count, in a fresh copy of the project
(notebooks and published data; no params and no local records), it builds N authorities'
reports for one year without PDFs (`batch --authorities ... --no-pdf`) cold (empty section
cache), then again with nothing changed. Each run is the whole command: starting the local
Dask cluster, scaffolding, building, the summary and the index.

Usage: .venv/bin/python scripts/bench_batch.py [--authorities N] [--year 2024]
(`make bench-batch`). The last line is machine-readable:
n=N cold_1=R cold_2=R scaling=X nochange_1_s=S nochange_2_s=S   (R in reports per minute)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Small unitary authorities, in this order: a batch of N takes the first N.
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
)


def _project(base: Path) -> Path:
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    (base / "params").mkdir()
    (base / "data" / "local").mkdir(parents=True)
    (base / "data" / "published").symlink_to(ROOT / "data" / "published", target_is_directory=True)
    return base


def _batch(root: Path, codes: str, year: int, workers: int) -> float:
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
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"batch failed (status {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=6, help="how many reports (1 to 10)")
    parser.add_argument("--year", type=int, default=2024, help="year ending 31 March")
    args = parser.parse_args()
    n = max(1, min(args.authorities, len(AUTHORITIES)))
    codes = ",".join(AUTHORITIES[:n])
    cold: dict[int, float] = {}
    unchanged: dict[int, float] = {}
    for workers in (1, 2):
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
            root = _project(Path(folder))
            cold[workers] = _batch(root, codes, args.year, workers)
            unchanged[workers] = _batch(root, codes, args.year, workers)
        print(
            f"{workers} worker(s): {n} reports cold in {cold[workers]:.1f} s "
            f"({60 * n / cold[workers]:.1f} reports/minute); nothing changed: "
            f"{unchanged[workers]:.1f} s"
        )
    per_minute = {w: 60 * n / s for w, s in cold.items()}
    scaling = per_minute[2] / per_minute[1]
    print(f"scaling from 1 to 2 workers: {scaling:.2f}x")
    print(
        f"n={n} cold_1={per_minute[1]:.2f} cold_2={per_minute[2]:.2f} scaling={scaling:.2f} "
        f"nochange_1_s={unchanged[1]:.1f} nochange_2_s={unchanged[2]:.1f}"
    )


if __name__ == "__main__":
    main()
