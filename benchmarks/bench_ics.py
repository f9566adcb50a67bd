"""How fast the calendar export is, against the floor its dependencies set.

Two measurements, each a ratio against a floor:

1. Plan + ``.ics`` per patient: ``ct.plan(...)`` then ``ct.to_ics(plan, ...)``, against
   icalendar alone building and serializing the same calendar from text and dates
   worked out beforehand (the bytes are checked to be identical, so it is the
   same work). Target: at most 1.5x the floor.
2. Start-up: ``python -c "import care_timeline.cli"`` (and a ``--help`` run)
   against a bare interpreter importing what the package uses from its
   dependencies (pydantic's model machinery, argparse, tomllib). Target: at most
   1.6x. icalendar is not imported until a calendar is asked for.

Run: ``python benchmarks/bench_ics.py`` (``--patients N --rounds N`` to change the
work). Each figure is the best of its rounds, the usual way to keep a shared
machine's noise out of a timing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration, vText

import care_timeline as ct
from care_timeline.export import ics

STAMP = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
PROFILES = [
    ct.Profile(),
    ct.Profile(fetuses=1, prior_preterm_birth=True),
    ct.Profile(fetuses=1, prior_preterm_birth=False, cervical_length_mm=21),
    ct.Profile(fetuses=2),
    ct.Profile(fetuses=1, cerclage_placed_on=date(2026, 10, 30), risk_factors=("biopsy",)),
]
PLAN_TARGET = 1.5
STARTUP_TARGET = 1.6
DEPENDENCY_IMPORTS = (
    "import argparse, tomllib; "
    "from pydantic import BaseModel, ConfigDict, Field, ValidationError, "
    "field_validator, model_validator"
)


@dataclass(frozen=True)
class Patient:
    dating: ct.Dating
    profile: ct.Profile
    plan_id: str


def patients(count: int) -> list[Patient]:
    return [
        Patient(
            ct.Dating.from_due_date(date(2027, 3, 1) + timedelta(days=n % 60)),
            PROFILES[n % len(PROFILES)],
            f"clinic-1/{n:05d}",
        )
        for n in range(count)
    ]


def ours(group: list[Patient]) -> list[bytes]:
    return [
        ct.to_ics(
            ct.plan(p.dating, p.profile, today=date(2026, 11, 24), plan_id=p.plan_id),
            timestamp=STAMP,
        )
        for p in group
    ]


# -- the floor: icalendar alone, everything else worked out beforehand ---------------


@dataclass(frozen=True)
class EventData:
    uid: str
    start: date
    end: date
    rrule: dict[str, object] | None
    summary: str
    description: str
    status: str
    trigger: timedelta | None


@dataclass(frozen=True)
class CalendarData:
    name: str
    note: str
    uid: str
    sequence: int
    events: list[EventData]


def floor_inputs(group: list[Patient]) -> list[CalendarData]:
    """The text and dates of every calendar, made outside the timing."""
    result = []
    for p in group:
        plan = ct.plan(p.dating, p.profile, today=date(2026, 11, 24), plan_id=p.plan_id)
        events = []
        for item in plan.milestones:
            series = bool(item.occurrences) and item.every_days is not None
            events.append(
                EventData(
                    uid=ics.event_uid(plan, item.id),
                    start=item.start,
                    end=(item.start if series else item.end) + timedelta(days=1),
                    rrule=(
                        ics._rrule(item.every_days, item.occurrences[-1])
                        if series and item.every_days is not None
                        else None
                    ),
                    summary=ics._SUMMARY_PREFIX[item.applicability] + item.title,
                    description=ics._description(plan, item),
                    status="CONFIRMED" if item.on_timeline else "CANCELLED",
                    trigger=(
                        ct.DEFAULT_REMINDER
                        if item.on_timeline and ics._gets_reminder(item)
                        else None
                    ),
                )
            )
        result.append(
            CalendarData(
                name=plan.protocol.title,
                note=plan.clinician_note,
                uid=ics.plan_uid(plan, "calendar", None),
                sequence=ics.sequence_for(STAMP),
                events=events,
            )
        )
    return result


def floor(calendars: list[CalendarData]) -> list[bytes]:
    out = []
    for data in calendars:
        calendar = Calendar()
        calendar.add("prodid", ics.PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", vText(data.name))
        calendar.add("x-wr-calname", vText(data.name))
        calendar.add("description", data.note)
        calendar.add("x-wr-caldesc", vText(data.note))
        calendar.add("uid", data.uid)
        calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(timedelta(days=1)))
        for item in data.events:
            event = Event()
            event.add("uid", item.uid)
            event.add("dtstamp", STAMP)
            event.add("sequence", data.sequence)
            event.add("dtstart", item.start)
            event.add("dtend", item.end)
            if item.rrule is not None:
                event.add("rrule", item.rrule)
            event.add("summary", item.summary)
            event.add("description", item.description)
            event.add("transp", "TRANSPARENT")
            event.add("status", item.status)
            if item.trigger is not None:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", item.summary)
                alarm.add("trigger", item.trigger, parameters={"RELATED": "START"})
                event.add_component(alarm)
            calendar.add_component(event)
        out.append(calendar.to_ical())
    return out


def best_of(rounds: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def startup(code: str, rounds: int) -> float:
    def run() -> None:
        subprocess.run([sys.executable, "-c", code], check=True)

    return best_of(rounds, run)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    group = patients(args.patients)
    prepared = floor_inputs(group)
    if ours(group) != floor(prepared):
        raise SystemExit("the floor does not produce the same bytes; it is not the same work")
    ours_s = best_of(args.rounds, lambda: ours(group))
    floor_s = best_of(args.rounds, lambda: floor(prepared))
    per = 1000 / args.patients
    plan_ratio = ours_s / floor_s
    print(f"plan + .ics per patient:        {ours_s * per:7.3f} ms")
    print(f"icalendar alone (floor):        {floor_s * per:7.3f} ms")
    print(f"ratio: {plan_ratio:.2f}x (target at most {PLAN_TARGET}x)")

    rounds = max(args.rounds, 9)
    bare = startup("pass", rounds)
    deps = startup(DEPENDENCY_IMPORTS, rounds)
    all_deps = startup("import pydantic.main, icalendar", rounds)
    cli = startup("import care_timeline.cli", rounds)
    help_run = startup(
        "import contextlib, io, care_timeline.cli as c\n"
        "with contextlib.redirect_stdout(io.StringIO()): c.main(['plan', '--help'])",
        rounds,
    )
    startup_ratio = cli / deps
    print(f"python -c pass:                 {bare * 1000:7.1f} ms")
    print(f"importing what it uses of deps: {deps * 1000:7.1f} ms")
    print(f"importing both deps whole:       {all_deps * 1000:7.1f} ms")
    print(f"import care_timeline.cli:       {cli * 1000:7.1f} ms")
    print(f"care-timeline plan --help:      {help_run * 1000:7.1f} ms")
    print(f"ratio: {startup_ratio:.2f}x (target at most {STARTUP_TARGET}x)")
    ok = plan_ratio <= PLAN_TARGET and startup_ratio <= STARTUP_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
