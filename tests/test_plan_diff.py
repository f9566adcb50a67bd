"""What changed between two plans: moves in days, applicability, added and removed."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 24)
V1 = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")


def plan(
    due: date, profile: ct.Profile | None = None, today: date = TODAY, **options: object
) -> ct.Plan:
    return ct.plan(ct.Dating.from_due_date(due), profile, today=today, plan_id="p1", **options)  # type: ignore[arg-type]


def test_a_five_day_redating_moves_every_milestone_five_days() -> None:
    changes = ct.diff(plan(date(2027, 5, 10)), plan(date(2027, 5, 15)))
    assert changes.due_date_shift_days == 5
    moved = {
        item.milestone_id: (item.start_shift_days, item.end_shift_days) for item in changes.changed
    }
    # every milestone of version 2 is dated from the due date, so each moves by 5 days
    assert moved == {
        "cervical-change-risk": (5, 5),
        "cerclage-placement": (5, 5),
        "cervical-monitoring": (5, 5),
        "cerclage-if-cervix-shortens": (5, 5),
        "progesterone-injections": (5, 5),
        "vaginal-progesterone": (5, 5),
        "preterm-birth-watch": (5, 5),
        "late-preterm-watch": (5, 5),
        "cerclage-removal": (5, 5),
        "due-date": (5, 5),
    }
    # 12w0d was 2026-10-26 (day 0 2026-08-03), and is 2026-10-31 (day 0 2026-08-08)
    risk = changes.milestone("cervical-change-risk")
    assert (risk.old_start, risk.new_start) == (date(2026, 10, 26), date(2026, 10, 31))
    assert all(
        item.change == "changed" and not item.applicability_changed for item in changes.changed
    )
    text = ct.render_diff(changes, "text").decode()
    assert "Due date moved 5 days later" in text
    assert text.count("Moved 5 days later") == 10
    # The monitoring window began 2026-11-23, today (11-24) inside it; moved to begin on
    # 11-28, it is still ahead: its timing changed, said once ("Now now" read before).
    assert "    Timing: coming up (was now)\n" in text
    assert "Now now" not in text and "Now coming up" not in text


def test_a_short_cervix_found_changes_applicability_and_says_why() -> None:
    # both planned on the day it was measured (a fact is never after today)
    found = date(2026, 12, 21)
    before = plan(date(2027, 5, 10), ct.Profile(fetuses=1, prior_preterm_birth=True), found)
    after = plan(
        date(2027, 5, 10),
        ct.Profile(
            fetuses=1,
            prior_preterm_birth=True,
            cervical_length_mm=18,
            cervical_length_on=found,
        ),
        found,
    )
    changes = ct.diff(before, after)
    progesterone = changes.milestone("vaginal-progesterone")
    assert (progesterone.old_applicability, progesterone.new_applicability) == (
        "discuss",
        "applies",
    )
    # it now starts the day the short cervix was found, 20w0d: 28 days after 16w0d
    assert (progesterone.start_shift_days, progesterone.end_shift_days) == (28, 0)
    assert progesterone.reason == after.milestone("vaginal-progesterone").reason
    assert changes.milestone("due-date").change == "unchanged"
    text = ct.render_diff(changes, "text").decode()
    assert "Now: Applies (was: Discuss with your clinician)." in text
    assert "Moved start 28 days later, end unchanged" in text


def test_added_and_removed_milestones() -> None:
    old = plan(date(2027, 5, 10), protocol=V1)  # version 1: no stitch-if-shortens, no late watch
    new = plan(date(2027, 5, 10))
    changes = ct.diff(old, new)
    added = {item.milestone_id for item in changes.milestones if item.change == "added"}
    assert added == {"cerclage-if-cervix-shortens", "late-preterm-watch"}
    back = ct.diff(new, old)
    removed = [item for item in back.milestones if item.change == "removed"]
    assert {item.milestone_id for item in removed} == added
    assert back.milestones[-2:] == tuple(removed)  # after the new plan's own milestones
    late = next(item for item in removed if item.milestone_id == "late-preterm-watch")
    # 32w0d-36w6d of a pregnancy due 2027-05-10
    assert (late.old_start, late.old_end) == (date(2027, 3, 15), date(2027, 4, 18))


def test_plans_of_two_patients_are_refused() -> None:
    other = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY, plan_id="p2")
    with pytest.raises(ct.QueryError) as raised:
        ct.diff(plan(date(2027, 5, 10)), other)
    assert str(raised.value) == (
        "new: a plan of another pregnancy (plan id 'p2'; the old plan has plan id 'p1'); "
        "expected two plans of one pregnancy, with the same plan id"
    )
    # the issue: without a plan id it said "new: 'plan id None' is not valid"
    anonymous = ct.plan(ct.Dating.from_due_date(date(2027, 5, 10)), today=TODAY)
    with pytest.raises(ct.QueryError, match=r"^new: a plan of another pregnancy \(no plan id;"):
        ct.diff(plan(date(2027, 5, 10)), anonymous)
    with pytest.raises(ct.QueryError, match="a Plan"):
        ct.diff(plan(date(2027, 5, 10)), "p1")  # type: ignore[arg-type]


def test_the_command_line_names_the_file_of_another_patient(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from care_timeline.cli import main

    for name, plan_id in (("a.json", ["--plan-id", "A"]), ("b.json", [])):
        argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", *plan_id]
        assert main([*argv, "-o", str(tmp_path / name)]) == 0
    assert main(["diff", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err == (
        f"care-timeline: error: {tmp_path / 'b.json'}: a plan of another pregnancy (no plan "
        "id; the old plan has plan id 'A'); expected two plans of one pregnancy, with the "
        "same plan id\n"
    )


def test_json_and_csv(tmp_path: Path) -> None:
    changes = ct.diff(plan(date(2027, 5, 10)), plan(date(2027, 5, 8)))
    data = json.loads(ct.render_diff(changes, "json"))
    assert data["due_date_shift_days"] == -2
    assert data["milestones"][0]["start_shift_days"] == -2
    assert data["milestones"][0]["old_start"] == "2026-10-26"
    rows = list(csv.DictReader(io.StringIO(ct.render_diff(changes, "csv").decode(), newline="")))
    assert len(rows) == 10
    assert rows[-1]["milestone_id"] == "due-date" and rows[-1]["start_shift_days"] == "-2"
    assert "2 days earlier" in ct.render_diff(changes, "text").decode()


def test_the_diff_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["plan", "--plan-id", "p1", "--today", "2026-11-24", "--format", "json", "-o"]
    assert main([*base, str(tmp_path / "old.json"), "--due-date", "2027-05-10"]) == 0
    assert main([*base, str(tmp_path / "new.json"), "--due-date", "2027-05-15"]) == 0
    code = main(["diff", str(tmp_path / "old.json"), str(tmp_path / "new.json")])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "Due date moved 5 days later" in out
    (tmp_path / "bad.json").write_text('{"not": "a plan"}', encoding="utf-8")
    assert main(["diff", str(tmp_path / "old.json"), str(tmp_path / "bad.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json" in err


# -- a plan's end ----------------------------------------------------------------------
# Due 2027-05-10, so day 0 is 2026-08-03. Ended 2026-12-10 (18w3d): still all to come then
# are the watch for early labour (23w0d, 2027-01-11), the late watch (32w0d, 2027-03-15),
# the stitch's removal (36w0d, 2027-04-12) and the due date (2027-05-10). The weeks of
# risk (12w0d-22w6d, 2026-10-26 to 2027-01-10) were under way: cut, not cancelled.
DUE = date(2027, 5, 10)
ENDED = date(2026, 12, 10)
CANCELLED_BY_THE_END = ["preterm-birth-watch", "late-preterm-watch", "cerclage-removal", "due-date"]
ENDED_LOSS = "This plan ended on 2026-12-10, when the pregnancy ended."
NO_LONGER_PLANNED = "No longer planned: still to come when the plan ended"
PLANNED_AGAIN = "Planned again: the plan no longer ends before it"


def at(today: date, **options: object) -> ct.Plan:
    """The plan due 2027-05-10 as made on ``today``."""
    return ct.plan(ct.Dating.from_due_date(DUE), today=today, plan_id="p1", **options)  # type: ignore[arg-type]


def changed_lines(text: str) -> dict[str, list[str]]:
    """Each changed milestone's lines under it, by id."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("    ") and line.endswith("]"):
            current = found.setdefault(line.rsplit("[", 1)[1][:-1], [])
        elif line.startswith("    "):
            current.append(line.strip())
    return found


def test_a_plan_that_ended_says_so_and_which_milestones_its_end_cancelled() -> None:
    running = at(date(2026, 12, 20))
    ended = at(date(2026, 12, 20), ended_on=ENDED, ended_because="loss")
    changes = ct.diff(running, ended)
    assert (changes.old_ended_on, changes.old_ended_because) == (None, None)
    assert (changes.new_ended_on, changes.new_ended_because) == (ENDED, "loss")
    assert changes.end_changed
    assert [item.milestone_id for item in changes.changed] == CANCELLED_BY_THE_END
    for item in changes.changed:
        assert (item.change, item.old_after_end, item.new_after_end) == ("changed", False, True)
        assert item.after_end_changed and not item.moved and not item.applicability_changed
    risk = changes.milestone("cervical-change-risk")  # under way on the day: cut, not cancelled
    assert (risk.change, risk.old_after_end, risk.new_after_end) == ("unchanged", False, False)
    text = ct.render_diff(changes, "text").decode()
    lines = text.splitlines()
    assert lines[1] == ENDED_LOSS  # right under the heading
    assert "Nothing changed." not in text
    assert changed_lines(text) == {item: [NO_LONGER_PLANNED] for item in CANCELLED_BY_THE_END}

    data = json.loads(ct.render_diff(changes, "json"))
    assert (data["old_ended_on"], data["new_ended_on"]) == (None, "2026-12-10")
    assert (data["old_ended_because"], data["new_ended_because"]) == (None, "loss")
    due = data["milestones"][-1]
    assert (due["milestone_id"], due["old_after_end"], due["new_after_end"]) == (
        "due-date",
        False,
        True,
    )
    rows = list(csv.DictReader(io.StringIO(ct.render_diff(changes, "csv").decode(), newline="")))
    cancelled = [row["milestone_id"] for row in rows if row["new_after_end"] == "true"]
    assert cancelled == CANCELLED_BY_THE_END
    assert {row["old_after_end"] for row in rows} == {"false"}


@pytest.mark.parametrize(
    ("cause", "said"),
    [
        ("birth", "This plan ended on 2026-12-10, when your baby was born."),
        ("loss", ENDED_LOSS),
        ("other", "This plan ended on 2026-12-10."),
    ],
)
def test_each_cause_in_the_plans_own_words(cause: str, said: str) -> None:
    changes = ct.diff(
        at(date(2026, 12, 20)), at(date(2026, 12, 20), ended_on=ENDED, ended_because=cause)
    )
    assert ct.render_diff(changes, "text").decode().splitlines()[1] == said


def test_an_end_removed_plans_again_what_it_had_cancelled() -> None:
    ended = at(date(2026, 12, 20), ended_on=ENDED, ended_because="loss")
    changes = ct.diff(ended, at(date(2026, 12, 20)))
    assert changes.end_changed and changes.new_ended_on is None
    assert [item.milestone_id for item in changes.changed] == CANCELLED_BY_THE_END
    assert {(item.old_after_end, item.new_after_end) for item in changes.changed} == {(True, False)}
    text = ct.render_diff(changes, "text").decode()
    assert text.splitlines()[1:3] == [
        "This plan no longer has an end: it runs again.",
        f"Before, the plan said: {ENDED_LOSS}",
    ]
    assert changed_lines(text) == {item: [PLANNED_AGAIN] for item in CANCELLED_BY_THE_END}


def test_a_later_end_plans_again_what_came_before_it() -> None:
    # Ended 2027-01-20 (day 0 + 170 = 24w2d) instead: the watch for early labour had
    # begun by then (23w0d, 2027-01-11), the rest was still to come.
    today = date(2027, 2, 1)
    changes = ct.diff(
        at(today, ended_on=ENDED, ended_because="loss"),
        at(today, ended_on=date(2027, 1, 20), ended_because="birth"),
    )
    assert (changes.old_ended_on, changes.new_ended_on) == (ENDED, date(2027, 1, 20))
    assert [item.milestone_id for item in changes.changed] == ["preterm-birth-watch"]
    text = ct.render_diff(changes, "text").decode()
    assert text.splitlines()[1:3] == [
        "This plan ended on 2027-01-20, when your baby was born.",
        f"Before, the plan said: {ENDED_LOSS}",
    ]
    assert changed_lines(text) == {"preterm-birth-watch": [PLANNED_AGAIN]}


def test_a_cause_changed_alone_is_a_change() -> None:
    today = date(2026, 12, 20)
    changes = ct.diff(
        at(today, ended_on=ENDED, ended_because="other"),
        at(today, ended_on=ENDED, ended_because="loss"),
    )
    assert changes.end_changed and changes.changed == ()
    assert ct.render_diff(changes, "text").decode().splitlines()[1:4] == [
        ENDED_LOSS,
        "Before, the plan said: This plan ended on 2026-12-10.",
        "",
    ]
    ended = at(today, ended_on=ENDED, ended_because="loss")
    same = ct.diff(ended, ended)
    assert not same.end_changed and same.changed == ()
    assert "Nothing changed." in ct.render_diff(same, "text").decode()


def test_a_milestone_added_after_the_end_says_it_is_no_longer_planned() -> None:
    # Version 1 had no late watch (32w0d-36w6d, from 2027-03-15): added by version 2,
    # in a plan that ended on 2026-12-10. It lay after the end: named, without its days.
    old = at(date(2026, 12, 20), protocol=V1)
    new = at(date(2026, 12, 20), ended_on=ENDED, ended_because="other")
    late = ct.diff(old, new).milestone("late-preterm-watch")
    assert (late.change, late.old_after_end, late.new_after_end) == ("added", None, True)
    text = ct.render_diff(ct.diff(old, new), "text").decode()
    assert changed_lines(text)["late-preterm-watch"] == [NO_LONGER_PLANNED]
    assert "2027-03-15" not in text and "2027-04-18" not in text


def test_the_diff_says_it_ends_in_turkish() -> None:
    def made(**options: object) -> ct.Plan:
        return at(date(2026, 12, 20), language="tr", **options)

    text = ct.render_diff(
        ct.diff(made(), made(ended_on=ENDED, ended_because="birth")), "text"
    ).decode()
    # The Turkish heading takes two lines; the end is said right under it.
    assert text.splitlines()[2] == "Bu plan, bebeğinizin doğduğu 2026-12-10 tarihinde sona erdi."
    assert text.count("Artık planlanmıyor: plan sona erdiğinde henüz gelmemişti") == 4
    back = ct.render_diff(
        ct.diff(made(ended_on=ENDED, ended_because="birth"), made()), "text"
    ).decode()
    assert back.splitlines()[2:4] == [
        "Bu planın artık bir bitiş tarihi yok: plan yeniden sürüyor.",
        "Önceden planda şöyle yazıyordu: Bu plan, bebeğinizin doğduğu 2026-12-10 tarihinde sona "
        "erdi.",
    ]
    assert back.count("Yeniden planlandı: plan artık bundan önce sona ermiyor") == 4


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_diff_is_for_discussion_with_a_clinician(language: str) -> None:
    # The label the plan's own text ends with, in the new plan's language: after a
    # re-dating, and when nothing changed.
    old = plan(date(2027, 5, 10), language=language)
    new = plan(date(2027, 5, 15), language=language)
    start = {"en": "For discussion with your clinician: ", "tr": "Doktorunuzla birlikte"}[language]
    assert new.clinician_note.startswith(start)
    for changes in (ct.diff(old, new), ct.diff(new, new)):
        text = ct.render_diff(changes, "text").decode()
        last = text.rstrip("\n").split("\n\n")[-1]
        assert " ".join(last.splitlines()) == new.clinician_note
        assert last in ct.to_text(new)  # written as the plan's text writes it
        assert json.loads(ct.render_diff(changes, "json"))["clinician_note"] == new.clinician_note
        rows = csv.DictReader(io.StringIO(ct.render_diff(changes, "csv").decode(), newline=""))
        assert {row["clinician_note"] for row in rows} == {new.clinician_note}


def test_the_diff_command_says_the_plan_ended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["plan", "--plan-id", "p1", "--today", "2026-12-20", "--due-date", "2027-05-10"]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert main([*base, "--format", "json", "-o", str(old)]) == 0
    ending = ["--ended-on", "2026-12-10", "--ended-because", "loss"]
    assert main([*base, *ending, "--format", "json", "-o", str(new)]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == ENDED_LOSS
    assert out.count(NO_LONGER_PLANNED) == 4 and "Nothing changed." not in out
