"""What a nightly re-publication costs against the first publication of the same
patients file, and whether it writes only the feeds that changed.

    python benchmarks/bench_publish.py                      # 100,000 rows, 3 rounds
    python benchmarks/bench_publish.py --rows 20000 --rounds 3 --jobs 2

Generates a patients CSV of varied rows (the rows of ``bench_batch.py``: every
dating method, profiles with and without risk factors) and a copy in which 1% of
the rows (every hundredth) has a new due date. Each round, in a new folder, runs
``care-timeline publish`` in a fresh process (``--jobs`` workers, default 2):

1. **first**: the whole file into an empty site;
2. **re-publish**: the changed copy, the same ``--today``, a later ``--timestamp``
   (a second run on the same day: the cache of what each feed was made from
   lets the unchanged rows go unplanned);
3. **next day**: the changed copy again, ``--today`` one day later (every row is
   planned again, its calendar made and compared with its feed; none changed).

Each run's wall time includes process start-up; the disk is synced and left to
settle before each. After each run the feeds whose bytes or modification time
changed are counted. Reported: each run's time, the medians of the rounds'
ratios against the first publication, and the feeds written.

Targets: the re-publication at most 0.2x the first, and only the changed feeds
written (1% of the rows, in both later runs: none in the next day's, whose rows
did not change). Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_batch import COLUMNS, TEMPLATES, settle
from bench_ics import load

import care_timeline as ct

RATIO_TARGET = 0.2
CHANGED_EVERY = 100
"""Every hundredth row changes: 1%."""
RUNNER = """
import json, sys, time
from care_timeline.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - started}))
"""


def write_patients(path: Path, rows: int, *, changed: bool) -> int:
    """The patients file; with ``changed``, every hundredth row re-dated. How many rows
    differ from the unchanged file."""
    differ = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(COLUMNS + "\n")
        for n in range(rows):
            if changed and n % CHANGED_EVERY == 0:
                # A due date a week later than any template gives: this row's plan moves.
                handle.write(f"p{n},2027-05-17,,,,,,,,1,,,,,,\n")
                differ += 1
            else:
                handle.write(TEMPLATES[n % len(TEMPLATES)].format(n=n) + "\n")
    return differ


def snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """Each feed's size and modification time."""
    return {
        entry.name: (entry.stat().st_size, entry.stat().st_mtime_ns) for entry in os.scandir(site)
    }


def run_publish(
    patients: Path, folder: Path, key: Path, jobs: int, today: str, stamp: str
) -> float:
    argv = [sys.executable, "-c", RUNNER, "publish", str(patients)]
    argv += ["--site", str(folder / "site"), "--links", str(folder / "private" / "links.csv")]
    argv += ["--base-url", "https://calendars.example.org/feeds/", "--uid-key", str(key)]
    argv += ["--jobs", str(jobs), "--quiet", "--today", today, "--timestamp", stamp]
    settle()
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"publish failed with exit status {result['code']}")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        first_file, changed_file = root / "patients.csv", root / "patients-changed.csv"
        write_patients(first_file, args.rows, changed=False)
        differ = write_patients(changed_file, args.rows, changed=True)
        key = root / "clinic.key"
        ct.save_uid_key(key)
        print(
            f"{args.rows} rows ({differ} changed), --jobs {args.jobs}, {args.rounds} rounds; "
            f"Python {platform.python_version()}, {os.cpu_count()} cores; {load()} before",
            flush=True,
        )
        times: dict[str, list[float]] = {"first": [], "re-publish": [], "next day": []}
        written: dict[str, list[int]] = {"re-publish": [], "next day": []}
        for number in range(args.rounds):
            folder = root / f"round-{number}"
            times["first"].append(
                run_publish(
                    first_file, folder, key, args.jobs, "2026-11-24", "2026-11-24T08:00:00Z"
                )
            )
            site = folder / "site"
            before = snapshot(site)
            runs = (
                ("re-publish", "2026-11-24", "2026-11-24T20:00:00Z"),
                ("next day", "2026-11-25", "2026-11-25T02:00:00Z"),
            )
            for name, today, stamp in runs:
                times[name].append(run_publish(changed_file, folder, key, args.jobs, today, stamp))
                after = snapshot(site)
                written[name].append(
                    sum(1 for feed, seen in after.items() if before.get(feed) != seen)
                )
                before = after
            subprocess.run(["rm", "-rf", str(folder)], check=True)
            print(f"  round {number + 1} done; {load()}", flush=True)

    ok = True
    first = times["first"]
    print(
        f"first publication: {statistics.median(first):.1f} s (range {min(first):.1f}-{max(first):.1f})"
    )
    for name in ("re-publish", "next day"):
        ratios = [t / f for t, f in zip(times[name], first, strict=True)]
        ratio = statistics.median(ratios)
        expected = differ if name == "re-publish" else 0
        target = ""
        if name == "re-publish":
            ok = ok and ratio <= RATIO_TARGET
            target = f" (target at most {RATIO_TARGET}x)"
        ok = ok and all(count == expected for count in written[name])
        print(
            f"{name:>11}: {statistics.median(times[name]):.1f} s, {ratio:.3f}x the first{target} "
            f"(range {min(ratios):.3f}-{max(ratios):.3f}); feeds written {written[name]} "
            f"(expected {expected} each)"
        )
    print(f"{load()} after")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
