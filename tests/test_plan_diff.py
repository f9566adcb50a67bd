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


def plan(due: date, profile: ct.Profile | None = None, **options: object) -> ct.Plan:
    return ct.plan(ct.Dating.from_due_date(due), profile, today=TODAY, plan_id="p1", **options)  # type: ignore[arg-type]


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


def test_a_short_cervix_found_changes_applicability_and_says_why() -> None:
    before = plan(date(2027, 5, 10), ct.Profile(fetuses=1, prior_preterm_birth=True))
    after = plan(
        date(2027, 5, 10),
        ct.Profile(
            fetuses=1,
            prior_preterm_birth=True,
            cervical_length_mm=18,
            cervical_length_on=date(2026, 12, 21),
        ),
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
    with pytest.raises(ct.QueryError, match="same patient"):
        ct.diff(plan(date(2027, 5, 10)), other)
    with pytest.raises(ct.QueryError, match="a Plan"):
        ct.diff(plan(date(2027, 5, 10)), "p1")  # type: ignore[arg-type]


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
