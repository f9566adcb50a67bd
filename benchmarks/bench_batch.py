"""How fast a batch of a clinic's calendars runs, and whether the main process's
memory stays flat as the patients file grows; each figure a ratio against a
baseline measured in the same run.

    python benchmarks/bench_batch.py                      # 10,000 and 100,000 rows, 9 rounds
    python benchmarks/bench_batch.py --rows 2000 --big-rows 20000 --rounds 9 --format json

Generates a patients CSV of varied rows (every dating method, profiles with
and without risk factors), then runs ``care-timeline batch`` on it in a fresh
process per run, ``--jobs`` workers (default 2), writing ``.ics`` files into a
new folder each time. Each round runs, in an order rotated from round to round:

- the baseline: the icalendar script of ``bench_ics.py`` (icalendar building
  and serialising each calendar from texts worked out beforehand) over
  ``--sample`` patients, in this process: milliseconds per patient;
- the batch of ``--rows`` rows and the batch of ``--big-rows`` rows: wall time
  (process start-up included; the previous run's files are deleted and the
  disk synced before it starts) and peak memory: the main process's
  (``getrusage`` maxrss), the largest worker's, and all of them together
  (their resident sizes added up, sampled every 20 ms).

Reported, each the median over the rounds of that round's ratio:

- a batch's wall time per row against the baseline's time per patient (how a
  row of a whole batch, with reading, planning, writing and syncing files and
  ``--jobs`` workers, compares to icalendar alone making one calendar);
- peak memory at ``--big-rows`` against peak memory at ``--rows``.

Targets: 100,000 rows to .ics in at most 60 s with 2 workers on 2 cores; the
main process's peak memory at 100,000 rows at most 1.2x its peak at 10,000.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import bench_ics
from bench_ics import load

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
TIME_TARGET_S = 60.0
"""For 100,000 rows with 2 workers."""
MEMORY_TARGET = 1.2
MIN_ROUNDS = 9

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


def run_batch(patients: Path, out: Path, fmt: str, jobs: int) -> dict[str, float]:
    """One batch in a fresh process: its wall time and peak memory."""
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
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"the batch failed with exit status {result['code']}")
    result.update(wall=wall, tree_kib=peak)
    return result


def baseline_ms(sample: int) -> Callable[[], float]:
    """The icalendar script of bench_ics.py over ``sample`` patients: ms a patient."""
    prepared = bench_ics.baseline_inputs([p.plan() for p in bench_ics.patients(sample)])

    def run() -> float:
        started = time.perf_counter()
        bench_ics.baseline(prepared)
        return (time.perf_counter() - started) / sample * 1000

    return run


def settle() -> None:
    """Let the disk finish the deletion of a run's files before the next run, so
    that a run does not pay for the previous one's clean-up (deleting 100,000
    files leaves the file system busy for a while after ``rmtree`` returns)."""
    if hasattr(os, "sync"):
        os.sync()
    time.sleep(2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-rows", type=int, default=100_000)
    parser.add_argument("--format", default="ics", choices=("ics", "json", "csv"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=MIN_ROUNDS)
    parser.add_argument("--sample", type=int, default=300, help="patients of the baseline")
    args = parser.parse_args()
    rounds = max(args.rounds, MIN_ROUNDS)

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        files = {args.rows: folder / "small.csv", args.big_rows: folder / "big.csv"}
        for rows, path in files.items():
            write_patients(path, rows)
        base = baseline_ms(args.sample)
        print(
            f"{args.rows} and {args.big_rows} rows to .{args.format}, --jobs {args.jobs}, "
            f"{rounds} interleaved rounds; Python {platform.python_version()}, "
            f"{os.cpu_count()} cores; {load()} before",
            flush=True,
        )
        steps = ["baseline", args.rows, args.big_rows]
        results: dict[object, list[dict[str, float]]] = {step: [] for step in steps}
        for number in range(rounds):
            shift = number % len(steps)
            for step in steps[shift:] + steps[:shift]:
                if step == "baseline":
                    results[step].append({"ms": base()})
                    continue
                assert isinstance(step, int)
                out = folder / f"out-{number}-{step}"
                results[step].append(run_batch(files[step], out, args.format, args.jobs))
                shutil.rmtree(out)  # a round's files go, so the disk does not fill up
                settle()
            print(f"  round {number + 1} done; {load()}", flush=True)

    ok = True
    base_ms = [r["ms"] for r in results["baseline"]]
    print(f"baseline (icalendar script): {statistics.median(base_ms):.3f} ms a patient")
    for rows in (args.rows, args.big_rows):
        runs = results[rows]
        walls = [r["wall"] for r in runs]
        ratios = [wall / rows * 1000 / ms for wall, ms in zip(walls, base_ms, strict=True)]
        wall = statistics.median(walls)
        target = ""
        if rows == 100_000 and args.jobs == 2 and args.format == "ics":
            ok = ok and wall <= TIME_TARGET_S
            target = f" (target at most {TIME_TARGET_S:.0f} s)"
        print(
            f"{rows:>7} rows: {wall:6.1f} s{target}, {rows / wall:5.0f} rows/s; a row "
            f"{statistics.median(ratios):.3f}x the baseline's patient "
            f"(range {min(ratios):.3f}-{max(ratios):.3f}); wall range "
            f"{min(walls):.1f}-{max(walls):.1f} s"
        )
    print(f"peak memory, {args.rows} -> {args.big_rows} rows (median of the rounds' ratios):")
    for key, label in (
        ("main_kib", "main process"),
        ("worker_kib", "largest worker"),
        ("tree_kib", "all processes"),
    ):
        small = [r[key] for r in results[args.rows]]
        big = [r[key] for r in results[args.big_rows]]
        ratios = [b / s for b, s in zip(big, small, strict=True)]
        ratio = statistics.median(ratios)
        target = ""
        if key == "main_kib":
            ok = ok and ratio <= MEMORY_TARGET
            target = f" (target at most {MEMORY_TARGET}x)"
        print(
            f"  {label:15} {statistics.median(small) / 1024:6.1f} MiB -> "
            f"{statistics.median(big) / 1024:6.1f} MiB  {ratio:.2f}x"
            f" (range {min(ratios):.2f}-{max(ratios):.2f}){target}"
        )
    print(f"{load()} after")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
