"""The API an app relies on: values that rebuild from their own JSON, a plan that
can be planned again from what an app stored, stored plans checked as they load,
constructors a type checker can see, dates as text everywhere, and the library's
own errors from every way in.

The example pregnancy is due 2027-05-10: day 0 is 2026-08-03, 16w0d is 2026-11-23,
44w6d (day 314) is 2027-06-13. Dates are counted by hand in the comments.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import care_timeline as ct
from _support.strategies import profiles

ROOT = Path(__file__).resolve().parent.parent
V1 = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")
DUE = date(2027, 5, 10)
TODAY = date(2026, 11, 24)  # 16w1d
FACTORS = [factor.id for factor in ct.default_protocol().risk_factors]

ROUND_TRIPS = settings(max_examples=max(1000, settings().max_examples))
"""At least 1,000 examples for each round trip, more if the profile asks for more."""


# -- strategies ---------------------------------------------------------------------

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31))
ages = st.integers(0, 314).map(ct.GestationalAge)  # 0w0d-44w6d


@st.composite
def datings(draw: st.DrawFn) -> ct.Dating:
    """A dating by any of the ways in, each from valid inputs."""
    day = draw(days)
    way = draw(
        st.sampled_from(["due", "lmp", "ga", "conception", "transfer", "crl", "scan", "both"])
    )
    if way == "due":
        return ct.Dating.from_due_date(day)
    if way == "lmp":
        return ct.Dating.from_lmp(day, cycle_length=draw(st.integers(20, 45)))
    if way == "ga":
        return ct.Dating.from_gestational_age(draw(ages), on=day)
    if way == "conception":
        return ct.Dating.from_conception(day)
    if way == "transfer":
        return ct.Dating.from_embryo_transfer(day, embryo_age_days=draw(st.integers(2, 7)))
    if way == "crl":
        return ct.Dating.from_ultrasound(crl_mm=draw(st.floats(10, 84)), scan_date=day)
    if way == "scan":
        return ct.Dating.from_ultrasound(ga=draw(ages), scan_date=day)
    lmp = ct.Dating.from_lmp(day)
    scan_day = day + timedelta(days=draw(st.integers(14, 300)))
    scan = ct.Dating.from_ultrasound(
        ga=draw(st.integers(14, 300).map(ct.GestationalAge)), scan_date=scan_day
    )
    return ct.Dating.reconcile(lmp, scan)


def _events(dating: ct.Dating) -> list[date]:
    return [
        date.fromisoformat(str(dating.inputs[name]))
        for name in ("lmp", "on", "conception", "transfer", "scan_date")
        if name in dating.inputs
    ]


@st.composite
def plans(draw: st.DrawFn) -> ct.Plan:
    """A plan of any dating, profile and protocol, on any today the pregnancy allows:
    not before day 0 or a dating event, not past 44w6d."""
    dating = draw(datings())
    last = dating.date_at("44w6d")
    first = max([*_events(dating), dating.day_zero])
    today = draw(st.dates(first, last))
    protocol = draw(st.sampled_from([ct.default_protocol(), V1]))
    factors = None if protocol is None else [factor.id for factor in protocol.risk_factors]
    profile = draw(profiles(within=(dating.day_zero, today), factors=factors))
    plan_id = draw(st.none() | st.from_regex(r"[A-Za-z0-9/\- ]{0,30}[A-Za-z0-9]", fullmatch=True))
    return ct.plan(dating, profile, protocol=protocol, today=today, plan_id=plan_id)


# -- round trips ----------------------------------------------------------------------


@ROUND_TRIPS
@given(profiles())
def test_a_profile_rebuilds_from_its_json(profile: ct.Profile) -> None:
    assert ct.Profile.model_validate_json(profile.model_dump_json()) == profile
    assert ct.Profile.model_validate(json.loads(profile.model_dump_json())) == profile


@ROUND_TRIPS
@given(datings())
def test_a_dating_rebuilds_from_its_json(dating: ct.Dating) -> None:
    assert ct.Dating.model_validate_json(dating.model_dump_json()) == dating
    assert ct.Dating.model_validate(json.loads(dating.model_dump_json())) == dating


@ROUND_TRIPS
@given(plans())
def test_a_plan_rebuilds_from_its_json_and_plans_again_the_same(plan: ct.Plan) -> None:
    text = plan.model_dump_json()
    assert ct.Plan.model_validate_json(text) == plan
    protocol = V1 if plan.protocol.version == V1.version else None
    assert ct.replan(text, today=plan.today, protocol=protocol) == plan


def test_the_issue_examples_round_trip() -> None:
    profile = ct.Profile(cerclage_placed_on=date(2026, 11, 2), risk_factors=["trauma"])
    assert profile.risk_factors == ("trauma",)  # a list is accepted, kept as a tuple
    assert ct.Profile.model_validate_json(profile.model_dump_json()) == profile


# -- what the plan's JSON records, and planning again from it ------------------------------


def test_the_json_records_the_profile_and_the_dating_inputs() -> None:
    dating = ct.Dating.from_lmp(date(2026, 8, 3), cycle_length=30)
    profile = ct.Profile(fetuses=1, prior_preterm_birth=True, risk_factors=["trauma"])
    data = json.loads(ct.plan(dating, profile, today=TODAY).model_dump_json())
    assert data["dating"]["inputs"] == {"lmp": "2026-08-03", "cycle_length": 30}
    assert data["profile"]["fetuses"] == 1
    assert data["profile"]["prior_preterm_birth"] is True
    assert data["profile"]["risk_factors"] == ["trauma"]
    assert data["profile"]["short_cervix"] is None  # unknown stays unknown


def test_replan_moves_today_and_keeps_the_inputs() -> None:
    profile = ct.Profile(fetuses=1, cerclage_placed_on="2026-11-02")
    first = ct.plan(ct.Dating.from_due_date(DUE), profile, today=TODAY, plan_id="clinic-42/7781")
    stored = first.model_dump_json()
    later = ct.replan(stored, today="2027-01-05")
    # 2027-01-05 is day 155 (Aug 28, Sep 58, Oct 89, Nov 119, Dec 150, +5): 22w1d
    assert str(later.gestational_age_today) == "22w1d"
    assert (later.dating, later.profile, later.plan_id) == (first.dating, profile, "clinic-42/7781")
    assert later.milestone("cerclage-placement").start == date(2026, 11, 2)
    assert later.milestone("cervical-change-risk").timing == "current"  # to 2027-01-10
    assert ct.replan(json.loads(stored), today=TODAY) == first  # a mapping works too
    assert ct.replan(first, today=TODAY) == first


def test_replan_needs_the_protocol_the_plan_was_made_with() -> None:
    stored = ct.plan(ct.Dating.from_due_date(DUE), today=TODAY, protocol=V1).model_dump_json()
    with pytest.raises(ct.PlanError, match=r"^protocol: .*version 1.*not .*version 3"):
        ct.replan(stored, today=TODAY)  # the default is version 3
    assert ct.replan(stored, today=TODAY, protocol=V1).protocol.version == "1"


def test_replan_refuses_a_plan_without_its_profile() -> None:
    data = json.loads(ct.plan(ct.Dating.from_due_date(DUE), today=TODAY).model_dump_json())
    del data["profile"]  # as stored before plans recorded it
    assert ct.Plan.model_validate(data).profile is None  # still loads
    with pytest.raises(ct.PlanError, match=r"^profile: not recorded"):
        ct.replan(data, today=TODAY)


@pytest.mark.parametrize("stored", [42, None, ["a"]])
def test_replan_refuses_what_is_not_a_plan(stored: Any) -> None:
    with pytest.raises(ct.PlanError, match=r"^plan: "):
        ct.replan(stored, today=TODAY)


# -- a stored plan is checked as it loads ---------------------------------------------------

BASE = json.loads(
    ct.plan(ct.Dating.from_due_date(DUE), ct.Profile(fetuses=1), today=TODAY).model_dump_json()
)
# BASE's milestones in order: 0 cervical-change-risk 2026-10-26..2027-01-10 (12w0d-22w6d),
# 1 cerclage-placement 2026-10-26..2026-11-15, 2 cervical-monitoring (series, 14 days)
# 2026-11-23..2027-01-18, ...; trimesters[1] starts 14w0d = day 98 = 2026-11-09.


def _series_index(data: dict[str, Any]) -> int:
    return next(i for i, m in enumerate(data["milestones"]) if m["id"] == "cervical-monitoring")


def _edit(change: Any) -> Any:
    def edited() -> dict[str, Any]:
        data = json.loads(json.dumps(BASE))
        change(data)
        return data

    return edited


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        # a due date three years on, next to 2026 milestones (the issue's example); its
        # input edited with it, or the dating alone contradicts itself
        (
            _edit(
                lambda d: d["dating"].update(
                    due_date="2030-05-10", inputs={"due_date": "2030-05-10"}
                )
            ),
            "gestational_age_today",
        ),
        (_edit(lambda d: d["dating"].update(due_date="2030-05-10")), "dating.due_date"),
        (_edit(lambda d: d.update(gestational_age_today="17w0d")), "gestational_age_today"),
        (_edit(lambda d: d.update(gestational_age_today=None)), "gestational_age_today"),
        (_edit(lambda d: d["milestones"][0].update(start="2026-10-27")), "milestones[0].start_ga"),
        (_edit(lambda d: d["milestones"][0].update(end_ga="23w0d")), "milestones[0].end_ga"),
        (_edit(lambda d: d["milestones"][0].update(end="2026-10-01")), "milestones[0].end"),
        (_edit(lambda d: d["milestones"][0].update(timing="past")), "milestones[0].timing"),
        # a series: one occurrence dropped, one moved, the end past the last occurrence
        (_edit(lambda d: d["milestones"][2]["occurrences"].pop(1)), "milestones[2].occurrences[1]"),
        (
            _edit(lambda d: d["milestones"][2]["occurrences"].__setitem__(1, "2026-12-08")),
            "milestones[2].occurrences[1]",  # 2026-11-23 + 14 is 2026-12-07
        ),
        (
            _edit(lambda d: d["milestones"][2]["occurrences"].pop()),
            "milestones[2].end",  # ends on 2027-01-18, the dropped last occurrence
        ),
        (
            _edit(lambda d: d["milestones"][0].update(occurrences=["2026-10-26"])),
            "milestones[0].occurrences",
        ),
        (_edit(lambda d: d["milestones"][0].update(every_days=7)), "milestones[0].every_days"),
        (_edit(lambda d: d["milestones"].reverse()), "milestones[1].start"),  # out of date order
        (
            _edit(lambda d: d["milestones"][1].update(id=d["milestones"][0]["id"])),
            "milestones[1].id",
        ),
        (_edit(lambda d: d["trimesters"][1].update(start="2026-11-10")), "trimesters[1].start"),
        (_edit(lambda d: d["trimesters"][1].update(end=None)), "trimesters[1].end"),
        (_edit(lambda d: d["profile"].update(fetuses=9)), "profile.fetuses"),
        (_edit(lambda d: d["dating"].update(due_date="2027-13-10")), "dating.due_date"),
    ],
)
def test_an_inconsistent_plan_is_refused_on_load(edit: Any, field: str) -> None:
    data = edit()
    for load in (
        lambda: ct.Plan.model_validate(data),
        lambda: ct.Plan.model_validate_json(json.dumps(data)),
    ):
        with pytest.raises(ct.PlanError) as caught:
            load()
        assert caught.value.field == field, str(caught.value)
        assert str(caught.value).startswith(f"{field}: ")


def test_the_due_date_of_a_day_milestone_is_one_day() -> None:
    data = json.loads(json.dumps(BASE))
    item = next(m for m in data["milestones"] if m["id"] == "due-date")
    item.update(end="2027-05-11", end_ga="40w1d")
    with pytest.raises(ct.PlanError, match=r"\.end: .*a day ends where it starts"):
        ct.Plan.model_validate(data)


# -- typed constructors -------------------------------------------------------------------------


def test_every_profile_field_is_a_fact_with_a_flag_and_a_column() -> None:
    """The profile's fields are the one table of patient facts: each has a Fact, and
    the batch columns and the command line's flags are made from it."""
    from care_timeline.cli._parser import build_parser
    from care_timeline.profile import facts

    table = facts()
    assert list(table) == list(ct.Profile.model_fields)
    columns = [fact.column or name for name, (fact, _) in table.items()]
    assert list(ct.PROFILE_FIELDS) == columns
    plan_help = build_parser(only="plan")._subparsers._group_actions[0].choices["plan"]  # type: ignore[union-attr]
    flags = {flag for action in plan_help._actions for flag in action.option_strings}
    for name, (fact, _) in table.items():
        flag = "--" + (fact.item_flag or fact.flag or (fact.column or name).replace("_", "-"))
        assert flag in flags, flag
        if fact.flag:  # the column's name is a flag too
            assert "--" + (fact.column or name).replace("_", "-") in flags


SNIPPET = """\
from datetime import date
import care_timeline as ct

profile = ct.Profile(prior_preterm_birth=True, cerclage_placed_on=date(2026, 11, 2), risk_factors=["trauma"])
dating = ct.Dating.from_lmp("2026-08-03", cycle_length=30)
plan = ct.plan(dating, profile, today="2026-11-24")
later: ct.Plan = ct.replan(plan.model_dump_json(), today=date(2027, 1, 5))
ct.Profile(prior_pretem_birth=True)
ct.Profile(fetuses="two")
ct.Dating.from_lmp("2026-08-03", cycle_lenght=30)
ct.Dating.from_embryo_transfer("2026-08-20", embryo_age=5)
"""
WRONG_LINES = {8, 9, 10, 11}


@pytest.mark.parametrize("plugin", [False, True], ids=["plain mypy", "pydantic plugin"])
def test_mypy_sees_every_field_and_argument(tmp_path: Path, plugin: bool) -> None:
    mypy_version = importlib.metadata.version("mypy")
    (tmp_path / "app.py").write_text(SNIPPET, encoding="utf-8")
    # With the plugin, argument types are checked under its init_typed setting, which older
    # pydantic releases (2.6, the lowest allowed) need: without it they type every one Any.
    plugged = "plugins = pydantic.mypy\n[pydantic-mypy]\ninit_typed = true\n"
    config = "[mypy]\nstrict = true\n" + (plugged if plugin else "")
    (tmp_path / "mypy.ini").write_text(config, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            "mypy.ini",
            "--cache-dir",
            # one cache a mypy release: CI runs this test with two releases side by side
            str(ROOT / ".mypy_cache" / f"api-test-{mypy_version}"),
            "app.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    lines = {
        int(line.split(":")[1])
        for line in done.stdout.splitlines()
        if line.startswith("app.py:") and ": error:" in line
    }
    assert lines == WRONG_LINES, done.stdout


# -- dates as text, everywhere alike ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "due"),
    [
        (lambda d: ct.Dating.from_due_date(d("2027-05-10")), DUE),
        (lambda d: ct.Dating.from_lmp(d("2026-08-03")), DUE),  # + 280
        (lambda d: ct.Dating.from_gestational_age("16w1d", on=d("2026-11-24")), DUE),  # + 167
        (lambda d: ct.Dating.from_conception(d("2026-08-17")), DUE),  # + 266
        (
            lambda d: ct.Dating.from_embryo_transfer(d("2026-08-20"), embryo_age_days=3),
            DUE,
        ),  # + 263
        (lambda d: ct.Dating.from_ultrasound(ga="16w1d", scan_date=d("2026-11-24")), DUE),
    ],
)
def test_dating_takes_a_date_or_iso_text(make: Any, due: date) -> None:
    assert make(date.fromisoformat).due_date == due
    assert make(str).due_date == due
    assert make(date.fromisoformat) == make(str)


@pytest.mark.parametrize(
    ("make", "error", "field"),
    [
        (lambda: ct.Dating.from_due_date("05/10/2027"), ct.DatingError, "due_date"),  # ambiguous
        (lambda: ct.Dating.from_lmp("2026-02-30"), ct.DatingError, "lmp"),
        (
            lambda: ct.Dating.from_ultrasound(ga="10w0d", scan_date="soon"),
            ct.DatingError,
            "scan_date",
        ),
        (
            lambda: ct.Profile(cerclage_placed_on="2026-11-31"),
            ct.ProfileError,
            "cerclage_placed_on",
        ),
        (lambda: ct.plan(ct.Dating.from_due_date(DUE), today="24/11/2026"), ct.PlanError, "today"),
        (lambda: ct.upcoming([], "2026-12-01", "2026-12-32"), ct.QueryError, "end"),
    ],
)
def test_a_date_that_cannot_be_read_is_the_places_own_error(
    make: Any, error: type, field: str
) -> None:
    with pytest.raises(error, match=f"^{field}: ") as caught:
        make()
    assert caught.value.field == field


def test_profile_plan_and_upcoming_take_iso_text() -> None:
    text = ct.Profile(
        short_cervix=True, short_cervix_on="2026-11-20", cerclage_placed_on="2026-11-02"
    )
    dates = ct.Profile(
        short_cervix=True, short_cervix_on=date(2026, 11, 20), cerclage_placed_on=date(2026, 11, 2)
    )
    assert text == dates
    plan = ct.plan(ct.Dating.from_due_date("2027-05-10"), text, today="2026-11-24")
    assert plan == ct.plan(ct.Dating.from_due_date(DUE), dates, today=TODAY)
    found = ct.upcoming([plan], "2026-12-01", "2026-12-31")
    assert found == ct.upcoming([plan], date(2026, 12, 1), date(2026, 12, 31))
    assert found  # fortnightly checks fall on 2026-12-07 and 2026-12-21


# -- the library's own error, once, from every way in --------------------------------------------


@pytest.mark.parametrize(
    ("load", "error", "field"),
    [
        (
            lambda: ct.Dating.model_validate({"method": "lmp", "due_date": "x", "inputs": {}}),
            ct.DatingError,
            "due_date",
        ),
        (
            lambda: ct.Dating.model_validate_json(
                '{"method": "nope", "due_date": "2027-05-10", "inputs": {}}'
            ),
            ct.DatingError,
            "method",
        ),
        (lambda: ct.Dating.model_validate_strings({"method": "lmp"}), ct.DatingError, "due_date"),
        (
            lambda: ct.Dating(method="lmp", due_date=DUE, inputs={}, extra=1),
            ct.DatingError,
            "extra",
        ),
        (lambda: ct.Profile.model_validate({"fetuses": 9}), ct.ProfileError, "fetuses"),
        (
            lambda: ct.Profile.model_validate_json('{"prior_preterm_birth": "yes"}'),
            ct.ProfileError,
            "prior_preterm_birth",
        ),
        (lambda: ct.Profile(prior_pretem_birth=True), ct.ProfileError, "prior_pretem_birth"),  # type: ignore[call-arg]
        (
            lambda: ct.Profile(risk_factors="trauma"),
            ct.ProfileError,
            "risk_factors",
        ),  # one text, not a list
        (lambda: ct.Plan.model_validate({}), ct.PlanError, "protocol"),
        (lambda: ct.Plan.model_validate_json("{not json"), ct.PlanError, None),
        (
            lambda: ct.Plan.model_validate_json(json.dumps({**BASE, "today": "2026-11-31"})),
            ct.PlanError,
            "today",
        ),
    ],
)
def test_loading_raises_the_librarys_error_once(load: Any, error: type, field: str | None) -> None:
    with pytest.raises(error) as caught:
        load()
    assert not isinstance(caught.value, ValidationError)
    assert caught.value.field == field
    if field is not None:
        message = str(caught.value)
        assert field in message and not message.startswith(f"{field}: {field}")
        assert "\n" not in message and "validation error" not in message


def test_an_unknown_milestone_is_the_librarys_error() -> None:
    plan = ct.plan(ct.Dating.from_due_date(DUE), today=TODAY)
    with pytest.raises(
        ct.UnknownMilestoneError,
        match=r"^milestone: 'nope' is not valid; expected one of cervical-change-risk",
    ) as caught:
        plan.milestone("nope")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ct.PlanError)


# -- every way of making a value checks it (issue: model_copy planned fetuses=0) -------------


PROFILE = ct.Profile(fetuses=1, short_cervix=True)
DATING = ct.Dating.from_due_date(DUE)


@pytest.mark.parametrize(
    ("make", "error", "field"),
    [
        (lambda: PROFILE.model_copy(update={"fetuses": 0}), ct.ProfileError, "fetuses"),
        (lambda: ct.Profile.model_construct(fetuses=0), ct.ProfileError, "fetuses"),
        (lambda: PROFILE.replace(fetuses=9), ct.ProfileError, "fetuses"),
        # a text that is not a date: was stored as it was, a TypeError in plan()
        (
            lambda: PROFILE.model_copy(update={"cerclage_placed_on": "2 Nov"}),
            ct.ProfileError,
            "cerclage_placed_on",
        ),
        # a fact that contradicts another: the same rule as building one
        (lambda: PROFILE.replace(short_cervix=False, short_cervix_on=TODAY), ct.ProfileError, None),
        (lambda: PROFILE.replace(fetus=2), ct.ProfileError, "fetus"),  # not a field
        (lambda: DATING.model_copy(update={"due_date": "10/05/2027"}), ct.DatingError, "due_date"),
        (lambda: ct.Dating.model_construct(method="lmp"), ct.DatingError, "due_date"),
        (
            lambda: ct.plan(DATING, today=TODAY).model_copy(update={"today": date(2026, 11, 25)}),
            ct.PlanError,
            "gestational_age_today",  # 16w2d on the 25th, not 16w1d
        ),
        (lambda: ct.Plan.model_construct(plan_id="a"), ct.PlanError, "protocol"),
    ],
)
def test_every_way_of_making_a_value_checks_it(make: Any, error: type, field: str | None) -> None:
    with pytest.raises(error) as caught:
        make()
    if field is not None:
        assert caught.value.field == field


def test_a_model_made_unchecked_inside_a_plan_is_checked_with_it() -> None:
    plan = ct.plan(DATING, today=TODAY)
    first = plan.milestones[0]
    # A milestone's copy checks its own fields; what holds across the plan (its weeks
    # follow from its days and the due date), the plan checks.
    odd = first.model_copy(update={"start": "2026-10-27"})
    with pytest.raises(ct.PlanError, match=r"^milestones\[0\]\.start_ga"):
        plan.replace(milestones=(odd, *plan.milestones[1:]))
    with pytest.raises(ct.PlanError, match=r"^start: 'x'"):
        first.model_copy(update={"start": "x"})


def test_replace_changes_a_fact_and_plans_with_it() -> None:
    twins = PROFILE.replace(fetuses=2, cerclage_placed_on="2026-11-02")
    assert (twins.fetuses, twins.short_cervix, twins.cerclage_placed_on) == (
        2,
        True,
        date(2026, 11, 2),
    )
    assert PROFILE.fetuses == 1  # the value itself is frozen
    assert ct.plan(DATING, twins, today=TODAY).profile == twins
    # model_copy with changes is the same check; a copy without changes is the value
    assert PROFILE.model_copy(update={"fetuses": 2, "short_cervix": True}) == PROFILE.replace(
        fetuses=2
    )
    assert PROFILE.model_copy() == PROFILE
