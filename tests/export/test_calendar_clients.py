"""The calendar in a real calendar program: khal, driven from the command line.

khal keeps imported events by UID (a re-import replaces them, SEQUENCE aside), shows
a cancelled event with ``CANCELLED`` in front, gives each event's status as the file says
(its ``{status}`` field: a tentative one's too) and lists a multi-day event on every day
it covers. So what a patient sees after importing a
re-export can be read back line by line: a milestone that stopped applying is one
cancelled line, not weeks of them (the weekly doses of an earlier version too), a plan
that ended shows nothing still to come as confirmed, and two options are both tentative.

Each test runs khal with a throwaway configuration in its own folder (calendar,
cache and the XDG folders), ISO dates for what it prints and parses, and no
terminal. khal is installed by ``.ci/run``; without it these tests are skipped.

The pregnancy is due 2027-05-10, so day 0 is 2026-08-03; by hand: 16w0d = +112 =
2026-11-23, 18w3d = +129 = 2026-12-10, 20w0d = +140 = 2026-12-21, 23w0d = +161 =
2027-01-11, 24w0d = +168 = 2027-01-18, 32w0d = +224 = 2027-03-15, 36w0d = +252 =
2027-04-12, 40w0d = 2027-05-10.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import care_timeline as ct
from _support.ics import parse
from _support.khal import KHAL, Khal, Line
from care_timeline.cli import main

pytestmark = pytest.mark.skipif(
    KHAL is None, reason="khal is not installed (a real calendar client; .ci/run installs it)"
)

DUE = ct.parse_date("2027-05-10")
PREGNANCY = ("2026-08-03", "2027-06-30")
"""Every day any milestone can fall on."""


@pytest.fixture
def khal(tmp_path: Path) -> Khal:
    return Khal(tmp_path / "khal")


PLAN_ID = "clinic-42/7781"


def export(tmp_path: Path, name: str, today: str, timestamp: str, *flags: str) -> Path:
    """A plan for this pregnancy, exported by the command line."""
    path = tmp_path / f"{name}.ics"
    argv = ["plan", "--due-date", "2027-05-10", "--plan-id", PLAN_ID, "--today", today]
    assert main([*argv, *flags, "--timestamp", timestamp, "--format", "ics", "-o", str(path)]) == 0
    return path


def uids_of(path: Path) -> dict[str, str]:
    """The UID of each milestone: its id for this plan id, whatever the profile, the
    dates or whether it applies. Read from an export of the plan with nothing known
    (with both parsers), matched to the milestones by title."""
    plan = ct.plan(ct.Dating.from_due_date(DUE), today="2026-11-24", plan_id=PLAN_ID)
    default = parse(ct.to_ics(plan)).by_milestone(plan)
    uids = {item_id: str(event["UID"]) for item_id, event in default.items()}
    assert set(parse(path.read_bytes()).uids()) <= set(uids.values())
    return uids


def test_a_milestone_that_stopped_applying_is_one_cancelled_line(
    khal: Khal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # First the default plan: nothing known, vaginal progesterone is to discuss.
    first = export(tmp_path, "first", "2026-11-24", "2026-11-24T08:00:00Z")
    uids = uids_of(first)
    khal.import_file(first)
    # Only the 17-OHPC injections are cancelled: one line, on 16w0d.
    assert [
        (line.uid, line.day) for line in khal.list(*PREGNANCY) if line.status == "CANCELLED"
    ] == [(uids["progesterone-injections"], "2026-11-23")]
    progesterone = uids["vaginal-progesterone"]
    before = [line for line in khal.list(*PREGNANCY) if line.uid == progesterone]
    # A window from 16w0d (2026-11-23) to 36w0d (2027-04-12), listed on each of its
    # 141 days (8 in November, 31, 31, 28, 31, then 12 in April), all confirmed.
    assert len(before) == 141
    assert {line.status for line in before} == {"CONFIRMED"}
    assert (before[0].day, before[-1].day) == ("2026-11-23", "2027-04-12")
    assert before[0].title == "To discuss: Daily vaginal progesterone"

    # A scan finds twins: re-exported a week later, vaginal progesterone does not apply.
    again = export(tmp_path, "twins", "2026-12-01", "2026-12-01T08:00:00Z", "--fetuses", "2")
    assert parse(again.read_bytes()).uids() == parse(first.read_bytes()).uids()  # the same UIDs
    khal.import_file(again)
    after = [line for line in khal.list(*PREGNANCY) if line.uid == progesterone]
    assert after == [
        Line(progesterone, "CANCELLED", "2026-11-23", "Does not apply: Daily vaginal progesterone")
    ]
    # No duplicates: one stored event per milestone, each listed once.
    every = khal.list(*PREGNANCY, once=True)
    assert khal.files() == 10
    assert sorted(line.uid for line in every) == sorted(uids.values())
    # Each milestone that stopped applying is one cancelled line, and so are the 17-OHPC
    # injections, which apply to no one (cancelled in both files); nothing else is
    # cancelled (a stitch if the cervix opens stays to discuss with twins).
    lines = khal.list(*PREGNANCY)
    cancelled = Counter(line.uid for line in lines if line.status == "CANCELLED")
    stopped = (
        "cerclage-placement",
        "vaginal-progesterone",
        "cerclage-removal",
    )
    assert cancelled == Counter(
        {uids[item_id]: 1 for item_id in (*stopped, "progesterone-injections")}
    )
    assert {line.uid for line in lines if line.status == "CONFIRMED"}.isdisjoint(cancelled)
    # Importing the same file again changes nothing.
    khal.import_file(again)
    assert khal.list(*PREGNANCY) == lines
    capsys.readouterr()


def test_an_ended_plan_shows_nothing_to_come_as_confirmed(
    khal: Khal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    running = export(tmp_path, "running", "2026-11-24", "2026-11-24T08:00:00Z")
    uids = uids_of(running)
    khal.import_file(running)
    after_the_end = ("2026-12-11", PREGNANCY[1])
    assert any(line.status == "CONFIRMED" for line in khal.list(*after_the_end))

    # The pregnancy was lost on 2026-12-10; the plan, re-exported ten days later.
    ended = export(
        tmp_path,
        "ended",
        "2026-12-20",
        "2026-12-20T08:00:00Z",
        "--ended-on",
        "2026-12-10",
        "--ended-because",
        "loss",
    )
    assert parse(ended.read_bytes()).uids() == parse(running.read_bytes()).uids()
    khal.import_file(ended)
    lines = khal.list(*after_the_end)
    assert [line for line in lines if line.status != "CANCELLED"] == []
    # What was all still to come: one cancelled day each, on its first day, its title
    # saying so for programs that would show it as any other.
    assert [(line.uid, line.day, line.title) for line in lines] == [
        (
            uids["preterm-birth-watch"],
            "2027-01-11",
            "No longer planned: Watch for signs of early labour",
        ),
        (
            uids["late-preterm-watch"],
            "2027-03-15",
            "No longer planned: Keep watching: birth before 37 weeks is still early",
        ),
        (
            uids["cerclage-removal"],
            "2027-04-12",
            "No longer planned: Usual time to remove a cervical stitch",
        ),
        (uids["due-date"], "2027-05-10", "No longer planned: Estimated due date"),
    ]
    # Up to the end day, what had begun is still there, and confirmed.
    on_the_day = {line.uid: line.status for line in khal.list("2026-12-10", "2026-12-10")}
    assert on_the_day == {
        uids["cervical-change-risk"]: "CONFIRMED",
        uids["cerclage-if-cervix-shortens"]: "CONFIRMED",
        uids["vaginal-progesterone"]: "CONFIRMED",
    }
    scans = [line.day for line in khal.list(*PREGNANCY) if line.uid == uids["cervical-monitoring"]]
    assert scans == ["2026-11-23", "2026-12-07"]  # the scans by the end (Dec 21 came after)
    injections = [
        line for line in khal.list(*PREGNANCY) if line.uid == uids["progesterone-injections"]
    ]
    assert [(line.day, line.status) for line in injections] == [("2026-11-23", "CANCELLED")]
    assert khal.files() == 10  # no duplicates
    capsys.readouterr()


def test_a_first_export_without_what_does_not_apply(
    khal: Khal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = export(
        tmp_path,
        "first",
        "2026-12-01",
        "2026-12-01T08:00:00Z",
        "--fetuses",
        "2",
        "--omit",
        "not-applicable",
    )
    uids = uids_of(first)
    khal.import_file(first)
    lines = khal.list(*PREGNANCY)
    assert {line.status for line in lines} == {"CONFIRMED"}  # nothing cancelled at all
    assert {line.uid for line in lines} == {
        uids[item_id]
        for item_id in (
            "cervical-change-risk",
            "cervical-monitoring",
            "cerclage-if-cervix-shortens",  # to discuss with twins (an opening cervix)
            "preterm-birth-watch",
            "late-preterm-watch",
            "due-date",
        )
    }
    assert khal.files() == 6
    capsys.readouterr()


V2 = Path(__file__).parent.parent / "protocol/data/cervical-insufficiency-v2.toml"
"""The default protocol as version 2 had it: weekly 17-OHPC doses, to discuss after an
earlier preterm birth."""


def test_the_weekly_doses_of_an_earlier_version_become_one_cancelled_line(
    khal: Khal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ("--prior-preterm-birth", "--fetuses", "1")
    old = export(
        tmp_path, "v2", "2026-11-24", "2026-11-24T08:00:00Z", *flags, "--protocol", str(V2)
    )
    uids = uids_of(old)
    khal.import_file(old)
    doses = [line for line in khal.list(*PREGNANCY) if line.uid == uids["progesterone-injections"]]
    # every Monday from 16w0d (2026-11-23) to 36w0d (2027-04-12): 21 doses, to discuss
    assert len(doses) == 21
    assert (doses[0].day, doses[-1].day) == ("2026-11-23", "2027-04-12")
    assert {(line.status, line.title) for line in doses} == {
        ("CONFIRMED", "To discuss: Weekly progesterone injection")
    }
    new = export(tmp_path, "v3", "2026-12-01", "2026-12-01T08:00:00Z", *flags)
    khal.import_file(new)
    after = [line for line in khal.list(*PREGNANCY) if line.uid == uids["progesterone-injections"]]
    assert after == [
        Line(
            uids["progesterone-injections"],
            "CANCELLED",
            "2026-11-23",
            "Does not apply: Weekly progesterone injections (17-OHPC)",
        )
    ]
    assert khal.files() == 10  # replaced, not added
    capsys.readouterr()


def test_two_options_are_both_tentative(
    khal: Khal, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An earlier preterm birth at 30w, a cervix of 18 mm found on 20w0d (2026-12-21): a
    # stitch or vaginal progesterone, a choice of either. Before the scan both were to
    # discuss; after it, neither shows as confirmed: both are tentative, from that day.
    history = ("--prior-preterm-birth-ga", "30w")
    before = export(tmp_path, "before", "2026-11-24", "2026-11-24T08:00:00Z", *history)
    uids = uids_of(before)
    khal.import_file(before)
    scanned = export(
        tmp_path,
        "scanned",
        "2026-12-21",
        "2026-12-21T08:00:00Z",
        *history,
        "--cervical-length",
        "18",
        "--cervical-length-on",
        "2026-12-21",
    )
    khal.import_file(scanned)
    lines = khal.list(*PREGNANCY)
    stitch = [line for line in lines if line.uid == uids["cerclage-if-cervix-shortens"]]
    progesterone = [line for line in lines if line.uid == uids["vaginal-progesterone"]]
    # the stitch: 2026-12-21 to 24w0d (2027-01-18), 29 days; progesterone: to 36w0d
    # (2027-04-12), 11 + 31 + 28 + 31 + 12 = 113 days
    assert (len(stitch), stitch[0].day, stitch[-1].day) == (29, "2026-12-21", "2027-01-18")
    assert (len(progesterone), progesterone[0].day, progesterone[-1].day) == (
        113,
        "2026-12-21",
        "2027-04-12",
    )
    assert {(line.status, line.title) for line in stitch} == {
        ("TENTATIVE", "One of two options: A stitch if the cervix shortens or opens")
    }
    assert {(line.status, line.title) for line in progesterone} == {
        ("TENTATIVE", "One of two options: Daily vaginal progesterone")
    }
    # Nothing else is tentative; the scans stay confirmed.
    assert {line.uid for line in lines if line.status == "TENTATIVE"} == {
        uids["cerclage-if-cervix-shortens"],
        uids["vaginal-progesterone"],
    }
    assert khal.files() == 10
    capsys.readouterr()
