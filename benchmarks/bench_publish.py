"""What a nightly re-publication costs against the first publication of the same
patients file, and whether it writes only the feeds that changed.

    python benchmarks/bench_publish.py                      # 100,000 rows, 3 rounds
    python benchmarks/bench_publish.py --rows 20000 --rounds 3 --jobs 2

Generates a patients CSV of varied rows (the rows of ``bench_batch.py``: every
dating method, a gestational age with its day, profiles with and without risk
factors, every fact with its day) and two copies: in the first, 1% of the rows
(every hundredth) has a new due date; in the second, another 1% (the fiftieth of
every hundred) has one too. Each round, in a new folder, runs ``care-timeline
publish`` in a fresh process (``--jobs`` workers, default 2):

1. **first**: the whole file into an empty site, ``--today`` 2026-11-24;
2. **same day**: the first copy, the same ``--today``, a later ``--timestamp``
   (a second run on the same day);
3. **nightly**: the second copy, ``--today`` one day later (a nightly job: 1% of
   the rows changed since the last run, and a new day).

Each run's wall time includes process start-up; the disk is synced and left to
settle before each. After each run the feeds whose bytes or modification time
changed are counted, and, for the nightly run, the rows planned (the cache's
records of that day: a row left as it was keeps the day it was planned for).
Reported: each run's time, the medians of the rounds' ratios against the first
publication, the feeds written and the rows planned.

Targets: the nightly re-publication at most 0.2x the first, and in both later
runs only the changed feeds written (1% of the rows each) and, in the nightly
one, only the changed rows planned. Exit status 1 if one is missed.
"""

from __future__ import annotations

import argparse
import csv
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
"""Each copy changes one row in a hundred: 1%."""
CHANGES = {0: "2027-05-17", 50: "2027-05-24"}
"""Which row of every hundred a copy changes, and its new due date (a week, or two,
later than any template gives: the row's plan moves)."""
FIRST_DAY, NEXT_DAY = "2026-11-24", "2026-11-25"
RUNNER = """
import json, sys, time
from care_timeline.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - started}))
"""


def write_patients(path: Path, rows: int, changed: tuple[int, ...]) -> None:
    """The patients file, with the rows of ``changed`` (see :data:`CHANGES`) re-dated."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(COLUMNS + "\n")
        for n in range(rows):
            due = CHANGES.get(n % CHANGED_EVERY) if n % CHANGED_EVERY in changed else None
            if due is not None:
                handle.write(f"p{n},{due},,,,,,,,1,,,,,,\n")
            else:
                handle.write(TEMPLATES[n % len(TEMPLATES)].format(n=n) + "\n")


def planned_on(links_folder: Path, today: str) -> int:
    """Rows the last run planned, when it ran with a new ``today``: the cache's records of
    that day (a row left as it was keeps the day it was planned for)."""
    with (links_folder / "publish-cache.csv").open(encoding="ascii", newline="") as handle:
        return sum(1 for line in csv.DictReader(handle) if line["today"] == today)


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
        files = {
            "first": root / "patients.csv",
            "same day": root / "patients-1.csv",
            "nightly": root / "patients-2.csv",
        }
        write_patients(files["first"], args.rows, ())
        write_patients(files["same day"], args.rows, (0,))
        write_patients(files["nightly"], args.rows, (0, 50))
        # Rows that differ from the file the run before was given.
        differ = {
            "same day": len(range(0, args.rows, CHANGED_EVERY)),
            "nightly": len(range(50, args.rows, CHANGED_EVERY)),
        }
        key = root / "clinic.key"
        ct.save_uid_key(key)
        print(
            f"{args.rows} rows ({differ['nightly']} changed in each copy), --jobs {args.jobs}, "
            f"{args.rounds} rounds; Python {platform.python_version()}, {os.cpu_count()} "
            f"cores; {load()} before",
            flush=True,
        )
        runs = (
            ("first", FIRST_DAY, "2026-11-24T08:00:00Z"),
            ("same day", FIRST_DAY, "2026-11-24T20:00:00Z"),
            ("nightly", NEXT_DAY, "2026-11-25T02:00:00Z"),
        )
        times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
        written: dict[str, list[int]] = {"same day": [], "nightly": []}
        planned: list[int] = []
        for number in range(args.rounds):
            folder = root / f"round-{number}"
            before: dict[str, tuple[int, int]] = {}
            for name, today, stamp in runs:
                times[name].append(run_publish(files[name], folder, key, args.jobs, today, stamp))
                after = snapshot(folder / "site")
                if name != "first":
                    written[name].append(
                        sum(1 for feed, seen in after.items() if before.get(feed) != seen)
                    )
                before = after
            planned.append(planned_on(folder / "private", NEXT_DAY))
            subprocess.run(["rm", "-rf", str(folder)], check=True)
            print(f"  round {number + 1} done; {load()}", flush=True)

    ok = True
    first = times["first"]
    print(
        f"first publication: {statistics.median(first):.1f} s (range {min(first):.1f}-{max(first):.1f})"
    )
    for name in ("same day", "nightly"):
        ratios = [t / f for t, f in zip(times[name], first, strict=True)]
        ratio = statistics.median(ratios)
        target = ""
        if name == "nightly":
            ok = ok and ratio <= RATIO_TARGET
            target = f" (target at most {RATIO_TARGET}x)"
        ok = ok and all(count == differ[name] for count in written[name])
        print(
            f"{name:>9}: {statistics.median(times[name]):.1f} s, {ratio:.3f}x the first{target} "
            f"(range {min(ratios):.3f}-{max(ratios):.3f}); feeds written {written[name]} "
            f"(expected {differ[name]} each)"
        )
    ok = ok and all(count == differ["nightly"] for count in planned)
    expected = f"expected {differ['nightly']} each: the changed rows"
    print(f"{'':>9}  nightly rows planned {planned} ({expected})")
    print(f"{load()} after")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
