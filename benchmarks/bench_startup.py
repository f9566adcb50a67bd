"""How long the command line takes to start and answer, as a ratio against the
bare import of what it needs from its dependencies, measured in the same run.

Each command is a fresh interpreter: ``care-timeline plan --due-date ...
--format FORMAT`` (run as the installed script runs it, output to /dev/null),
for the plain-text table and for a calendar.

The baseline of a command is a fresh interpreter that imports, bare, every
module of the package's runtime dependencies (pydantic with its own
dependencies, Babel, icalendar) that the command itself ends up loading, and
nothing of the package. The list is found by running the command once and
reading ``sys.modules``, so the baseline is always what that path really needs
today: for text and for the calendar it is pydantic's model machinery alone
(neither Babel nor icalendar is imported: English text needs no Babel, and the
calendar's writer no icalendar). This is the stricter baseline: leaving a
dependency's module unloaded shortens it too.

The target itself is set against the bare import of the three main runtime
dependencies, ``python -c "import icalendar, pydantic, dateutil"`` (what a
user's own script starts with), for both commands: the calendar path imports
nothing beyond them. ``python -c "import pydantic"`` and ``python -c pass`` are
timed too, to read the others against.

Each round runs every command once, in an order rotated from round to round; a
command's ratio is its time over its baseline's in the same round, and the
figure is the median over ``--rounds`` rounds (at least 9). The package's
bytecode is compiled first, as an install does (pip compiles it; a checkout run
with ``PYTHONDONTWRITEBYTECODE`` would otherwise recompile every module on
every start). Target: at most 1.3x the bare import of the three for both;
both ratios are printed.

Run: ``python benchmarks/bench_startup.py [--rounds N]``. Exit status 1 if a
target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_ics import load

import care_timeline

TARGET = 1.3
MIN_ROUNDS = 9
THREE = "python -c 'import icalendar, pydantic, dateutil'"
"""The baseline the target is set against."""
DEPENDENCIES = (
    "pydantic",
    "pydantic_core",
    "typing_extensions",
    "typing_inspection",
    "annotated_types",
    "babel",
    "icalendar",
    "dateutil",
    "tzdata",
)
"""Top-level names of the runtime dependencies and of what they bring along."""
PLAN = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format"]
SCRIPT = "import sys; from care_timeline.cli import main_exit; sys.exit(main_exit())"
"""What the installed ``care-timeline`` script runs."""
PROBE = """
import sys
from care_timeline.cli import main
main(sys.argv[1:])
names = {names!r}
print(",".join(m for m in sys.modules if m.split(".")[0] in names), file=sys.stderr)
"""


def dependency_modules(argv: list[str]) -> list[str]:
    """The dependencies' modules that a run of the command loads, in load order."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(names=DEPENDENCIES), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    return done.stderr.strip().splitlines()[-1].split(",")


def elapsed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    rounds = max(args.rounds, MIN_ROUNDS)
    compileall.compile_dir(Path(care_timeline.__file__).parent, quiet=1)

    python = sys.executable
    commands: dict[str, list[str]] = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import pydantic'": [python, "-c", "import pydantic"],
        THREE: [python, "-c", "import icalendar, pydantic, dateutil"],
    }
    pairs: dict[str, str] = {}
    for fmt in ("text", "ics"):
        argv = [*PLAN, fmt]
        modules = dependency_modules(argv)
        base = f"baseline for {fmt}: {len(modules)} dependency modules"
        commands[base] = [python, "-c", "import " + ", ".join(modules)]
        name = f"care-timeline plan --format {fmt}"
        commands[name] = [python, "-c", SCRIPT, *argv]
        pairs[name] = base
        tops = sorted({module.split(".")[0] for module in modules})
        print(f"{fmt}: the command loads {len(modules)} modules of {', '.join(tops)}")

    print(
        f"{rounds} interleaved rounds; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores; {load()} before"
    )
    names = list(commands)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(elapsed(commands[name]))

    def ratios(name: str, base: str) -> list[float]:
        return [t / b for t, b in zip(seconds[name], seconds[base], strict=True)]

    print(f"{'command':48} {'ms':>7} {'x the three':>11} {'x own deps':>10}  ratio ranges")
    ok = True
    for name in names:
        ms = statistics.median(seconds[name]) * 1000
        base = pairs.get(name)
        if base is None:
            print(f"{name:48} {ms:7.1f}")
            continue
        target, own = ratios(name, THREE), ratios(name, base)
        ratio = statistics.median(target)
        ok = ok and ratio <= TARGET
        print(
            f"{name:48} {ms:7.1f} {ratio:10.2f}x {statistics.median(own):9.2f}x"
            f"  {min(target):.2f}-{max(target):.2f}, {min(own):.2f}-{max(own):.2f}"
        )
    print(f"target: at most {TARGET}x the three ({THREE})")
    print(f"{load()} after")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
