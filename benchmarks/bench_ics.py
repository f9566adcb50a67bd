"""How fast a plan and its calendar and printable page are, each figure a ratio
against a baseline measured in the same run.

The baseline is a hand-written icalendar script: icalendar building and
serialising each patient's calendar from texts and dates worked out beforehand
(read from the export's own calendar model outside the timing). Before anything
is timed, its bytes are checked to equal ``ct.to_ics``'s, so both do the same
work; the script is what a program using icalendar directly would pay for the
same file, without planning anything.

Per patient (``--patients`` varied patients: every profile of the clinic's
mix, due dates over two months):

- plan + ``.ics``: ``ct.plan(...)`` then ``ct.to_ics(plan, ...)``. Target: at
  most 0.25x the baseline.
- plan + the printable page: ``ct.plan(...)`` then ``ct.to_html(plan)``.
  Target: at most 0.5x the baseline.
- for reading the others: ``plan()`` alone, ``.ics`` alone and the page alone
  (plans made beforehand), and the same calendar serialised by icalendar
  itself (``care_timeline.export.ics.render_with_icalendar``, the reference the
  tests hold the fast writer to).

Each round times the baseline and every figure once, over all patients, in an
order rotated from round to round (interleaved: a machine that slows down
mid-run slows every figure alike); a figure's ratio is its time over the
baseline's in the same round, and the figure reported is the median of those
ratios over ``--rounds`` rounds (at least 9), with the median milliseconds per
patient and the spread of the ratios.

Run: ``python benchmarks/bench_ics.py`` (``--patients N --rounds N``). Exit
status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration, vRecur, vText

import care_timeline as ct
from care_timeline.export import ics

STAMP = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
OPTIONS = ct.CalendarOptions(timestamp=STAMP)  # built (and checked) once, as an app would
TODAY = date(2026, 11, 24)
PROFILES = [
    ct.Profile(),
    ct.Profile(fetuses=1, prior_preterm_birth=True),
    ct.Profile(fetuses=1, prior_preterm_birth=False, cervical_length_mm=21),
    ct.Profile(fetuses=2),
    ct.Profile(fetuses=1, cerclage_placed_on=date(2026, 10, 30), risk_factors=("biopsy",)),
]
TARGETS = {"plan + .ics": 0.25, "plan + printable page (HTML)": 0.5}
MIN_ROUNDS = 9


@dataclass(frozen=True)
class Patient:
    dating: ct.Dating
    profile: ct.Profile
    plan_id: str

    def plan(self) -> ct.Plan:
        return ct.plan(self.dating, self.profile, today=TODAY, plan_id=self.plan_id)


def patients(count: int) -> list[Patient]:
    return [
        Patient(
            ct.Dating.from_due_date(date(2027, 3, 1) + timedelta(days=n % 60)),
            PROFILES[n % len(PROFILES)],
            f"clinic-1/{n:05d}",
        )
        for n in range(count)
    ]


# -- the baseline: icalendar alone, every text and date worked out beforehand ----------


@dataclass(frozen=True)
class EventData:
    summary: str
    start: date
    end: date
    uid: str
    rrule: dict[str, object] | None
    description: str
    status: str
    trigger: timedelta | None


@dataclass(frozen=True)
class CalendarData:
    language: str
    note: str
    name: str
    uid: str
    sequence: int
    events: list[EventData]


def _values(component: ics.Component) -> dict[str, object]:
    return {name: value for name, _kind, value, _params in component.props}


def baseline_inputs(plans: list[ct.Plan]) -> list[CalendarData]:
    """What the script needs, read from the export's own model outside the timing."""
    result = []
    for plan in plans:
        model = ics.calendar(plan, OPTIONS)
        top = _values(model)
        events = []
        for event in model.components:
            values = _values(event)
            rule = values.get("RRULE")
            alarms = [_values(alarm) for alarm in event.components]
            events.append(
                EventData(
                    summary=str(values["SUMMARY"]),
                    start=values["DTSTART"],  # type: ignore[arg-type]
                    end=values["DTEND"],  # type: ignore[arg-type]
                    uid=str(values["UID"]),
                    rrule=(
                        None
                        if rule is None
                        else {"FREQ": rule.freq, "UNTIL": rule.until, "INTERVAL": rule.interval}  # type: ignore[attr-defined]
                    ),
                    description=str(values["DESCRIPTION"]),
                    status=str(values["STATUS"]),
                    trigger=alarms[0]["TRIGGER"] if alarms else None,  # type: ignore[arg-type]
                )
            )
        result.append(
            CalendarData(
                language=plan.language,
                note=str(top["DESCRIPTION"]),
                name=str(top["NAME"]),
                uid=str(top["UID"]),
                sequence=ics.sequence_for(STAMP),
                events=events,
            )
        )
    return result


def baseline(calendars: list[CalendarData]) -> list[bytes]:
    """icalendar building and serialising each calendar, as a script using it would."""
    out = []
    for data in calendars:
        lang = {"LANGUAGE": data.language}
        calendar = Calendar()
        calendar.add("prodid", ics.PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("name", vText(data.name))
        calendar.add("x-wr-calname", vText(data.name))
        calendar.add("description", data.note, parameters=lang)
        calendar.add("x-wr-caldesc", vText(data.note))
        calendar.add("uid", data.uid)
        calendar.add("refresh-interval", timedelta(days=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(timedelta(days=1)))
        for item in data.events:
            event = Event()
            event.add("summary", item.summary, parameters=lang)
            event.add("dtstart", item.start)
            event.add("dtend", item.end)
            event.add("dtstamp", STAMP)
            event.add("uid", item.uid)
            event.add("sequence", data.sequence)
            if item.rrule is not None:
                event.add("rrule", vRecur(item.rrule))
            event.add("description", item.description, parameters=lang)
            event.add("status", item.status)
            event.add("transp", "TRANSPARENT")
            if item.trigger is not None:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", item.summary, parameters=lang)
                alarm.add("trigger", item.trigger, parameters={"RELATED": "START"})
                event.add_component(alarm)
            calendar.add_component(event)
        out.append(calendar.to_ical())
    return out


# -- the rounds --------------------------------------------------------------------------


def timed(run: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(figures: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Seconds per round for every figure, the order rotated each round."""
    names = list(figures)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for number in range(rounds):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(timed(figures[name]))
    return seconds


def report(seconds: dict[str, list[float]], base: str, count: int) -> dict[str, float]:
    """Print each figure's median ms per patient and its median ratio to ``base``."""
    ratios: dict[str, float] = {}
    print(f"{'figure':44} {'ms/patient':>10} {'x baseline':>10}  ratio range")
    for name, times in seconds.items():
        per_round = [t / b for t, b in zip(times, seconds[base], strict=True)]
        ratio = statistics.median(per_round)
        ratios[name] = ratio
        target = TARGETS.get(name)
        mark = f"  (target at most {target}x)" if target else ""
        print(
            f"{name:44} {statistics.median(times) / count * 1000:10.3f} {ratio:9.3f}x"
            f"  {min(per_round):.3f}-{max(per_round):.3f}{mark}"
        )
    return ratios


def load() -> str:
    try:
        return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    rounds = max(args.rounds, MIN_ROUNDS)

    group = patients(args.patients)
    plans = [p.plan() for p in group]
    prepared = baseline_inputs(plans)
    made = [ct.to_ics(plan, OPTIONS) for plan in plans]
    if made != baseline(prepared):
        raise SystemExit("the baseline does not give ct.to_ics's bytes: it is not the same work")
    if made != [ics.render_with_icalendar(plan, OPTIONS) for plan in plans]:
        raise SystemExit("the fast writer and icalendar disagree")

    figures: dict[str, Callable[[], object]] = {
        "baseline: icalendar script": lambda: baseline(prepared),
        "plan + .ics": lambda: [ct.to_ics(p.plan(), OPTIONS) for p in group],
        "plan + printable page (HTML)": lambda: [ct.to_html(p.plan()) for p in group],
        "plan alone": lambda: [p.plan() for p in group],
        ".ics alone": lambda: [ct.to_ics(plan, OPTIONS) for plan in plans],
        "printable page alone": lambda: [ct.to_html(plan) for plan in plans],
        "plan + .ics written by icalendar (reference)": lambda: [
            ics.render_with_icalendar(p.plan(), OPTIONS) for p in group
        ],
    }
    print(
        f"{args.patients} patients, {rounds} interleaved rounds; Python "
        f"{platform.python_version()}, {os.cpu_count()} cores; {load()} before"
    )
    seconds = measure(figures, rounds)
    ratios = report(seconds, "baseline: icalendar script", args.patients)
    print(f"{load()} after")
    return 0 if all(ratios[name] <= target for name, target in TARGETS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
