"""How fast a batch runs, and whether its memory stays flat as the file grows.

    python benchmarks/bench_batch.py                       # 10,000 rows to .ics; memory at 100,000
    python benchmarks/bench_batch.py --format json --rows 2000 --big-rows 20000

Generates a patients CSV of varied rows (every dating method, profiles with
and without risk factors), then runs `care-timeline batch` on it in a fresh
process for each measurement:

- rows per second on every core and with one worker (wall time of the run,
  process start-up included; the best of ``--rounds`` runs, the usual way to
  keep a shared machine's noise out of a timing);
- peak memory for ``--rows`` and for ``--big-rows`` rows: the main process's
  peak and the largest worker's (``getrusage`` maxrss), and the peak of all of
  them together (their resident sizes added up, sampled every 20 ms).

Target: 10,000 rows to .ics in at most 20 s on 2 cores; peak memory at
100,000 rows within 1.2x of the peak at 10,000.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLUMNS = (
    "id,due_date,lmp,cycle_length,ga,ga_on,conception,transfer,embryo_age,fetuses,"
    "prior_preterm_birth,short_cervix,short_cervix_on,cervical_length,cervical_length_on,"
    "risk_factors"
)
# One row per dating method and profile; {n} makes each id unique.
TEMPLATES = (
    "p{n},2027-05-10,,,,,,,,1,yes,,,,,trauma;biopsy",
    "p{n},,2026-08-03,30,,,,,,1,no,yes,2026-11-20,,,",
    "p{n},,,,14w3d,2026-11-24,,,,2,,,,,,",
    "p{n},,,,,,2026-09-01,,,,,,,,,weak-cervix",
    "p{n},,,,,,,2026-08-20,5,1,no,,,22,2026-11-20,",
    "p{n},2027-03-01,,,,,,,,,,,,,,infection",
)

# Runs one batch in this fresh process and prints its peak memory as JSON.
RUNNER = """
import json, resource, sys, time
from care_timeline.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
print(json.dumps({"code": code, "seconds": seconds,
    "main_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "worker_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def write_patients(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(COLUMNS + "\n")
        for n in range(rows):
            handle.write(TEMPLATES[n % len(TEMPLATES)].format(n=n) + "\n")


def _tree_rss_kib(root: int) -> int:
    """The resident size of ``root`` and its children, added up (Linux /proc)."""
    total = 0
    pids = [root]
    try:
        children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
        pids.extend(int(pid) for pid in children)
    except OSError:
        pass
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run(patients: Path, out: Path, fmt: str, jobs: int) -> dict[str, float]:
    argv = [
        sys.executable,
        "-c",
        RUNNER,
        "batch",
        str(patients),
        "--out",
        str(out),
        "--format",
        fmt,
        "--jobs",
        str(jobs),
        "--quiet",
        "--today",
        "2026-11-24",
        "--timestamp",
        "2026-11-24T08:00:00Z",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    stdout = process.stdout.read() if process.stdout else ""
    result = json.loads(stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"the batch failed with exit status {result['code']}")
    result.update(wall=wall, tree_kib=peak)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-rows", type=int, default=100_000, help="0: skip the memory run")
    parser.add_argument("--format", default="ics", choices=("ics", "json", "csv"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="timed runs; the best counts")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        small = folder / "small.csv"
        write_patients(small, args.rows)
        print(f"{args.rows} rows to .{args.format}, {os.cpu_count()} cores", flush=True)
        runs = {}
        for jobs in dict.fromkeys([args.jobs, 1]):
            rounds = [
                run(small, folder / f"out-{jobs}", args.format, jobs)
                for _ in range(max(args.rounds, 1))
            ]
            result = min(rounds, key=lambda r: r["wall"])
            runs[jobs] = result
            print(
                f"  --jobs {jobs}: {result['wall']:.1f} s, {args.rows / result['wall']:.0f} rows/s"
                f" (batch alone {result['seconds']:.1f} s)",
                flush=True,
            )
        if not args.big_rows:
            return 0
        big = folder / "big.csv"
        write_patients(big, args.big_rows)
        large = run(big, folder / "out-big", args.format, args.jobs)
        print(
            f"  --jobs {args.jobs}, {args.big_rows} rows: {large['wall']:.1f} s, "
            f"{args.big_rows / large['wall']:.0f} rows/s",
            flush=True,
        )
        base = runs[args.jobs]
        print(f"peak memory (--jobs {args.jobs}), {args.rows} rows -> {args.big_rows} rows:")
        for key, label in (
            ("main_kib", "main process"),
            ("worker_kib", "largest worker"),
            ("tree_kib", "all processes"),
        ):
            ratio = large[key] / base[key]
            print(
                f"  {label:15} {base[key] / 1024:6.1f} MiB -> {large[key] / 1024:6.1f} MiB"
                f"  ({ratio:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
