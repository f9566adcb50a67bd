"""A plan that ended: ``ended_on`` (and ``ended_because``) in the API, the command line
and batch columns; what is checked, what is kept, and what each export says.

The pregnancy is due 2027-05-10, so day 0 (0w0d) is 2026-08-03 and 44w6d, the last
day a pregnancy is planned for, is due + 34 days = 2027-06-13. 18w3d = +129 =
2026-12-10.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from care_timeline.cli import main

D = date
DUE = D(2027, 5, 10)
DATING = ct.Dating.from_due_date(DUE)
TODAY = D(2026, 12, 20)


def make(today: date = TODAY, **kwargs: Any) -> ct.Plan:
    return ct.plan(DATING, ct.Profile(fetuses=1), today=today, plan_id="p1", **kwargs)


# -- what plan() accepts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ended_on", "today"),
    [
        (D(2026, 8, 3), TODAY),  # day 0
        (D(2026, 12, 10), TODAY),
        (TODAY, TODAY),  # today itself
        ("2026-12-10", TODAY),  # ISO text
        (D(2027, 6, 13), D(2027, 6, 13)),  # 44w6d, on the day
        (D(2027, 5, 2), D(2028, 1, 1)),  # ended in the past; today long after 44w6d
    ],
)
def test_ended_on_from_day_0_to_today(ended_on: date | str, today: date) -> None:
    plan = make(today=today, ended_on=ended_on)
    assert plan.ended_on == date.fromisoformat(str(ended_on))
    assert plan.ended_because == "other"  # the default cause


@pytest.mark.parametrize(
    ("ended_on", "today", "allowed"),
    [
        (D(2026, 8, 2), TODAY, "from the pregnancy's day 0 (2026-08-03) to today (2026-12-20)"),
        (D(2026, 12, 21), TODAY, "to today (2026-12-20)"),  # after today
        (D(2027, 6, 14), D(2028, 1, 1), "to 44w6d (2027-06-13)"),  # after 44w6d
        ("2026-13-01", TODAY, "a real calendar day"),
        ("10/12/2026", TODAY, "an ISO date"),
        (5, TODAY, "an ISO date"),
    ],
)
def test_ended_on_outside_the_pregnancy_is_refused(
    ended_on: Any, today: date, allowed: str
) -> None:
    with pytest.raises(ct.PlanError) as caught:
        make(today=today, ended_on=ended_on)
    assert caught.value.field == "ended_on"
    assert allowed in str(caught.value), str(caught.value)


def test_an_end_before_the_scan_that_dated_the_pregnancy_is_refused() -> None:
    scan = ct.Dating.from_ultrasound(crl_mm=45, scan_date=D(2026, 12, 1))
    with pytest.raises(ct.PlanError) as caught:
        ct.plan(scan, today=TODAY, ended_on=D(2026, 11, 20))
    assert caught.value.field == "ended_on"
    assert str(caught.value) == (
        "ended_on: '2026-11-20' is not valid; expected a day on or after 2026-12-01 "
        "(a scan the pregnancy was dated by)"
    )
    assert ct.plan(scan, today=TODAY, ended_on=D(2026, 12, 1)).ended_on == D(2026, 12, 1)


def test_without_an_end_today_past_44w6d_is_still_refused() -> None:
    with pytest.raises(ct.DatingError) as caught:
        make(today=D(2028, 1, 1))
    assert caught.value.field == "due_date"


@pytest.mark.parametrize("cause", ["birth", "loss", "other"])
def test_each_cause(cause: Any) -> None:
    assert make(ended_on=D(2026, 12, 10), ended_because=cause).ended_because == cause


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"ended_on": D(2026, 12, 10), "ended_because": "death"}, "birth, loss, other"),
        ({"ended_on": D(2026, 12, 10), "ended_because": "Birth"}, "birth, loss, other"),
        ({"ended_on": D(2026, 12, 10), "ended_because": 1}, "birth, loss, other"),
        ({"ended_because": "birth"}, "only with ended_on"),
    ],
)
def test_ended_because_is_checked(kwargs: dict[str, Any], allowed: str) -> None:
    with pytest.raises(ct.PlanError) as caught:
        make(**kwargs)
    assert caught.value.field == "ended_because"
    assert allowed in str(caught.value)


# -- the command line and batch columns --------------------------------------------------------


def test_cli_plans_a_past_pregnancy_that_ended_whatever_its_dating(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 14w3d on 2026-11-24: due 2027-05-22 (280 - 101 = 179 days on), 44w6d is 2027-06-25.
    argv = ["plan", "--ga", "14w3d", "--on", "2026-11-24", "--today", "2028-01-01"]
    code = main([*argv, "--ended-on", "2027-05-02", "--ended-because", "birth", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    stored = json.loads(out)
    assert stored["dating"]["due_date"] == "2027-05-22"
    assert (stored["ended_on"], stored["ended_because"]) == ("2027-05-02", "birth")
    # Without the end, the same today is past 44w6d, named by the flag it comes from.
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("care-timeline: error: --on: "), err


def test_batch_rows_of_past_pregnancies_that_ended() -> None:
    rows = [
        {"id": "ga", "ga": "14w3d", "ga_on": "2026-11-24", "ended_on": "2027-05-02"},
        {"id": "due", "due_date": "2027-05-10", "ended_on": "2027-05-02"},
        {"id": "late", "due_date": "2027-05-10", "ended_on": "2027-06-14"},  # after 44w6d
        {"id": "running", "due_date": "2027-05-10"},  # today is past 44w6d
    ]
    results = list(ct.plan_many(rows, ct.RowOptions(today=D(2028, 1, 1))))
    assert [r.plan.ended_on for r in results[:2]] == [D(2027, 5, 2)] * 2  # type: ignore[union-attr]
    assert [(r.id, r.field) for r in results[2:]] == [  # type: ignore[union-attr]
        ("late", "ended_on"),
        ("running", "due_date"),
    ]


# -- kept: the plan's JSON, and planning it again -------------------------------------------


def test_json_round_trip_keeps_the_end() -> None:
    plan = make(ended_on=D(2026, 12, 10), ended_because="loss")
    stored = json.loads(plan.model_dump_json())
    assert (stored["ended_on"], stored["ended_because"]) == ("2026-12-10", "loss")
    assert ct.Plan.model_validate_json(plan.model_dump_json()) == plan
    running = json.loads(make().model_dump_json())
    assert (running["ended_on"], running["ended_because"]) == (None, None)


@pytest.mark.parametrize(
    "change",
    [
        {"ended_because": None},  # a day without a cause
        {"ended_on": None},  # a cause without a day
        {"ended_because": "death"},
    ],
)
def test_a_stored_end_is_checked_as_it_loads(change: dict[str, Any]) -> None:
    stored = json.loads(make(ended_on=D(2026, 12, 10), ended_because="loss").model_dump_json())
    stored.update(change)
    with pytest.raises(ct.PlanError) as caught:
        ct.Plan.model_validate_json(json.dumps(stored))
    assert caught.value.field == "ended_because"


def test_replan_keeps_the_end() -> None:
    plan = make(ended_on=D(2026, 12, 10), ended_because="birth")
    for later_day in (D(2027, 1, 5), D(2028, 1, 1)):  # the second long after 44w6d
        later = ct.replan(plan.model_dump_json(), today=later_day)
        assert (later.ended_on, later.ended_because, later.today) == (
            D(2026, 12, 10),
            "birth",
            later_day,
        )
    # A today before the end cannot be: the plan had not ended yet.
    with pytest.raises(ct.PlanError) as caught:
        ct.replan(plan, today=D(2026, 12, 1))
    assert caught.value.field == "ended_on"


# -- what each export says -----------------------------------------------------------------

# language, cause, in the text table and the calendar (ISO date), on the page (in words)
SAID = [
    (
        "en",
        "birth",
        "This plan ended on 2026-12-10, when your baby was born.",
        "This plan ended on 10 Dec 2026, when your baby was born.",
    ),
    (
        "en",
        "loss",
        "This plan ended on 2026-12-10, when the pregnancy ended.",
        "This plan ended on 10 Dec 2026, when the pregnancy ended.",
    ),
    ("en", "other", "This plan ended on 2026-12-10.", "This plan ended on 10 Dec 2026."),
    (
        "tr",
        "birth",
        "Bu plan, bebeğinizin doğduğu 2026-12-10 tarihinde sona erdi.",
        "Bu plan, bebeğinizin doğduğu 10 Aralık 2026 tarihinde sona erdi.",
    ),
    (
        "tr",
        "loss",
        "Bu plan, gebeliğin sona erdiği 2026-12-10 tarihinde sona erdi.",
        "Bu plan, gebeliğin sona erdiği 10 Aralık 2026 tarihinde sona erdi.",
    ),
    (
        "tr",
        "other",
        "Bu plan 2026-12-10 tarihinde sona erdi.",
        "Bu plan 10 Aralık 2026 tarihinde sona erdi.",
    ),
]
NO_LONGER = {
    "en": "What was still to come is no longer planned.",
    "tr": "Henüz gelmemiş olanlar artık planlanmıyor.",
}
DUE_DATE_CANCELLED = {
    "en": "SUMMARY;LANGUAGE=en:No longer planned: Estimated due date",
    "tr": "SUMMARY;LANGUAGE=tr:Artık planlanmıyor: Tahmini doğum tarihi",
}


@pytest.mark.parametrize(("language", "cause", "iso", "in_words"), SAID)
def test_text_page_chart_and_calendar_say_the_plan_ended(
    language: str, cause: Any, iso: str, in_words: str
) -> None:
    plan = ct.plan(
        DATING,
        ct.Profile(fetuses=1),
        today=TODAY,
        language=language,
        ended_on=D(2026, 12, 10),
        ended_because=cause,
    )
    assert iso in ct.to_text(plan).splitlines()
    assert f'<p class="ended">{in_words}</p>' in ct.to_html(plan)
    assert f">{in_words}</text>" in ct.to_svg(plan)
    calendar = ct.to_ics(plan, ct.CalendarOptions(timestamp=datetime(2026, 12, 20, 8, tzinfo=UTC)))
    unfolded = calendar.replace(b"\r\n ", b"").decode()
    # What was still to come (the due date, at least) says why it is cancelled.
    assert f"{iso} {NO_LONGER[language]}".replace(",", "\\,") in unfolded
    assert DUE_DATE_CANCELLED[language] in unfolded.splitlines()


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_running_plan_says_nothing_of_an_end(language: str) -> None:
    plan = ct.plan(DATING, ct.Profile(fetuses=1), today=TODAY, language=language)
    for text in (ct.to_text(plan), ct.to_html(plan), ct.to_svg(plan)):
        assert "This plan ended" not in text and "sona erdi" not in text
        assert 'class="ended"' not in text


# -- the command line -------------------------------------------------------------------------

PLAN = ["plan", "--due-date", "2027-05-10", "--fetuses", "1", "--today", "2026-12-20"]


def test_cli_flags_give_the_apis_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([*PLAN, "--ended-on", "2026-12-10", "--ended-because", "loss", "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    plan = ct.Plan.model_validate_json(out)
    assert plan == ct.plan(
        DATING, ct.Profile(fetuses=1), today=TODAY, ended_on=D(2026, 12, 10), ended_because="loss"
    )
    code = main([*PLAN, "--ended-on", "10/12/2026", "--date-order", "dmy"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "This plan ended on 2026-12-10." in out.splitlines()  # the default cause: other


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--ended-on", "2026-12-21"], "--ended-on"),  # after today
        (["--ended-on", "2026-08-02"], "--ended-on"),  # before day 0
        (["--ended-on", "10/12/2026"], "--ended-on"),  # which order?
        (["--ended-on", "2026-12-10", "--ended-because", "death"], "--ended-because"),
        (["--ended-because", "birth"], "--ended-because"),  # no day
    ],
)
@pytest.mark.parametrize("fmt", ["text", "ics", "fhir"])
def test_cli_bad_end_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], extra: list[str], field: str, fmt: str
) -> None:
    code = main([*PLAN, "--format", fmt, *extra])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"care-timeline: error: {field}: "), err


# -- batch columns ----------------------------------------------------------------------------

PATIENTS = """\
id,due_date,fetuses,ended_on,ended_because
runs,2027-05-10,1,,
lost,2027-05-10,1,2026-12-10,LOSS
moved,2027-05-10,1,2026-12-10,
late,2027-05-10,1,2026-12-21,loss
why,2027-05-10,1,2026-12-10,death
no-day,2027-05-10,1,,birth
bad-day,2027-05-10,1,2026-12-32,
"""


def test_batch_columns_and_their_bad_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "patients.csv"
    source.write_text(PATIENTS, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["batch", str(source), "--out", str(out), "--today", "2026-12-20", "--quiet"]
    assert main([*argv, "--format", "json"]) == 1  # bad rows, the good ones written
    ends = {
        name: (stored["ended_on"], stored["ended_because"])
        for name in ("runs", "lost", "moved")
        for stored in [json.loads((out / f"{name}.json").read_text(encoding="utf-8"))]
    }
    assert ends == {
        "runs": (None, None),
        "lost": ("2026-12-10", "loss"),  # any case
        "moved": ("2026-12-10", "other"),  # the default
    }
    # Each file is the single export of the same flags.
    for name, flags in (
        ("lost", ["--ended-on", "2026-12-10", "--ended-because", "loss"]),
        ("moved", ["--ended-on", "2026-12-10"]),
    ):
        assert main([*PLAN, *flags, "--plan-id", name, "--format", "json"]) == 0
        assert capsys.readouterr().out == (out / f"{name}.json").read_text(encoding="utf-8")
    with open(out / "errors.csv", encoding="utf-8", newline="") as file:
        errors = [row[:3] for row in csv.reader(file)][1:]
    assert errors == [
        ["5", "late", "ended_on"],
        ["6", "why", "ended_because"],
        ["7", "no-day", "ended_because"],
        ["8", "bad-day", "ended_on"],
    ]


# -- vector 19: a plan ended by a loss reads as ended in every format --------------------------
# An earlier preterm birth; the pregnancy lost on 22w0d (2027-01-04, day 154); planned on
# 24w0d (2027-01-18). No export may count a week past 22w0d, show a timing of "now" or
# "coming up", or hold the warning signs or the urgent advice meant for an ongoing pregnancy.

LOST_ON = D(2027, 1, 4)  # 22w0d
LOST_TODAY = D(2027, 1, 18)  # 24w0d
END_DAYS = 154
# A gestational age as the exports write it: 24w0d (English, JSON, CSV, FHIR), 24+0 (Turkish
# text a person reads).
GA = (r"\b(\d{1,2})w([0-6])d\b", r"\b(\d{1,2})\+([0-6])\b")
NOW_AND_COMING = {
    "en": ("; now", "; coming up", ", now", ", coming up", '"current"', '"upcoming"'),
    "tr": ("; şimdi", "; yaklaşıyor", ", şimdi", ", yaklaşıyor", '"current"', '"upcoming"'),
}


def _lost(language: str) -> ct.Plan:
    return ct.plan(
        DATING,
        ct.Profile(prior_preterm_birth=True),
        today=LOST_TODAY,
        plan_id="v19",
        language=language,
        ended_on=LOST_ON,
        ended_because="loss",
    )


def _exports(plan: ct.Plan) -> dict[str, str]:
    from _support.tools import needs_fhir_extra

    found = {
        "text": ct.to_text(plan),
        "html": ct.to_html(plan),
        "svg": ct.to_svg(plan),
        "csv": ct.to_csv(plan),
    }
    data = json.loads(ct.to_json(plan))
    for item in data["milestones"]:
        # A milestone's `basis` cites guidelines, whose own weeks it may quote (NICE's
        # "16+0 to 24+0"): a citation, not a week of this pregnancy.
        item.pop("basis")
    found["json"] = json.dumps(data, ensure_ascii=False)
    needs_fhir_extra()
    found["fhir"] = ct.to_fhir(plan).decode()
    return found


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_plan_ended_by_a_loss_counts_no_week_past_its_end(language: str) -> None:
    import re

    plan = _lost(language)
    assert plan.gestational_age_today is None
    assert all(item.end <= LOST_ON for item in plan.milestones)
    assert [gone.id for gone in plan.no_longer_planned] == [
        "preterm-birth-watch",
        "late-preterm-watch",
        "cerclage-removal",
        "due-date",
    ]
    for format, text in _exports(plan).items():
        for pattern in GA:
            for weeks, days in re.findall(pattern, text):
                assert int(weeks) * 7 + int(days) <= END_DAYS, (format, f"{weeks}w{days}d")
        for said in NOW_AND_COMING[language]:
            assert said not in text, (format, said)


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_plan_ended_by_a_loss_has_no_warning_signs(language: str) -> None:
    plan = _lost(language)
    running = ct.plan(
        DATING, ct.Profile(prior_preterm_birth=True), today=LOST_ON, language=language
    )
    assert running.warning_signs and running.urgent_advice  # what the running plan held
    assert (plan.warning_signs, plan.urgent_advice) == ((), None)
    assert not any(item.warning_signs for item in plan.milestones)
    for format, text in _exports(plan).items():
        for sign in (running.urgent_advice, *running.warning_signs):
            assert sign not in text.replace("&#x27;", "'"), (format, sign)
    for text in (ct.to_text(plan), ct.to_html(plan), ct.to_svg(plan)):
        assert "Warning signs" not in text and "Uyarı belirtileri" not in text


@pytest.mark.parametrize("language", ["en", "tr"])
def test_a_plan_ended_by_a_loss_says_so_and_names_what_is_no_longer_planned(
    language: str,
) -> None:
    plan = _lost(language)
    ended = {
        "en": "This plan ended on 2027-01-04, when the pregnancy ended.",
        "tr": "Bu plan, gebeliğin sona erdiği 2027-01-04 tarihinde sona erdi.",
    }[language]
    text = ct.to_text(plan)
    assert ended in text.splitlines()
    heading = {"en": "No longer planned", "tr": "Artık planlanmıyor"}[language]
    after = text.split(f"\n{heading}\n", 1)[1]
    for gone in plan.no_longer_planned:
        assert f"  - {gone.title}  [{gone.id}]" in after
    rows = list(csv.DictReader(ct.to_csv(plan).splitlines()))
    gone_rows = [row for row in rows if row["timing"] == "after-end"]
    assert [row["milestone_id"] for row in gone_rows] == [g.id for g in plan.no_longer_planned]
    assert all(row["start"] == row["start_ga"] == row["end_ga"] == "" for row in gone_rows)
