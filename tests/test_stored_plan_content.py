"""A stored plan is untrusted input: whatever a protocol file may not hold, a stored
plan may not hold either (one set of rules, care_timeline.content), its dating inputs
must give its due date, and its size is bounded before it is parsed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

import care_timeline as ct
from care_timeline import _i18n
from care_timeline.plan_model import MAX_PLAN_BYTES

TODAY = date(2026, 11, 24)
DUE = date(2027, 5, 10)  # day 0 is 2026-08-03; TODAY is 16w1d


def stored(dating: ct.Dating | None = None, **options: Any) -> dict[str, Any]:
    made = ct.plan(dating or ct.Dating.from_due_date(DUE), today=TODAY, **options)
    data: dict[str, Any] = json.loads(made.model_dump_json())
    return data


def refused(data: dict[str, Any]) -> ct.PlanError:
    """The error loading ``data`` gives, the same whichever way it is loaded."""
    errors = []
    for load in (
        lambda: ct.Plan.model_validate(data),
        lambda: ct.Plan.model_validate_json(json.dumps(data)),
        lambda: ct.replan(json.dumps(data), today=TODAY),
    ):
        with pytest.raises(ct.PlanError) as caught:
            load()
        errors.append(caught.value)
    assert len({(error.field, str(error)) for error in errors}) == 1, errors
    return errors[0]


def series(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in data["milestones"] if m["kind"] == "series")
    return found


# -- class 1: one set of rules for a protocol file and a stored plan ----------------------


Edit = Callable[[dict[str, Any]], None]

EDITS: list[tuple[str, Edit, str]] = [
    # a language with a line break: it went into the calendar's properties
    (
        "line break",
        lambda d: d["protocol"].update(language="en\nX-INJECTED:1"),
        "protocol.language",
    ),
    # a language that is a path: its catalog was read from outside the package
    ("a path", lambda d: d["protocol"].update(language="../../evil"), "protocol.language"),
    ("no language", lambda d: d["protocol"].update(language="qq"), "protocol.language"),
    # control characters in texts: they reached the calendar and the terminal raw
    ("escape", lambda d: d["milestones"][0].update(title="a\x1b[2Jb"), "milestones[0].title"),
    ("bell", lambda d: d.update(clinician_note="note\x07"), "clinician_note"),
    ("nul", lambda d: d["warning_signs"].__setitem__(0, "x\x00"), "warning_signs[0]"),
    ("blank", lambda d: d["milestones"][1].update(reason="  "), "milestones[1].reason"),
    ("c1", lambda d: d["protocol"].update(title="T\x85"), "protocol.title"),
    ("stage", lambda d: d["trimesters"][0].update(name="first\x1b"), "trimesters[0].name"),
    (
        "a note",
        lambda d: d["milestones"][4]["notes"].append("\x1b]0;x\x07"),
        "milestones[4].notes[1]",
    ),
    # ids that are not a protocol's ids (a FHIR code, a URL part, a file name)
    ("protocol id", lambda d: d["protocol"].update(id="clinic protocol"), "protocol.id"),
    ("version", lambda d: d["protocol"].update(version="3 beta"), "protocol.version"),
    ("milestone id", lambda d: d["milestones"][0].update(id="Due Date"), "milestones[0].id"),
    ("rule key", lambda d: d["milestones"][0].update(reason_key="x y"), "milestones[0].reason_key"),
    ("plan id", lambda d: d.update(plan_id="7781\r\nX"), "plan_id"),
    # a day no gestational age is written for: an error naming no field before
    ("far end", lambda d: d["milestones"][0].update(end="9999-12-31"), "milestones[0].end"),
]


@pytest.mark.parametrize(
    ("edit", "field"), [(e, f) for _, e, f in EDITS], ids=[n for n, *_ in EDITS]
)
def test_what_a_protocol_may_not_hold_a_stored_plan_may_not_hold(edit: Edit, field: str) -> None:
    data = stored(plan_id="7781")
    edit(data)
    error = refused(data)
    assert error.field == field, str(error)
    assert str(error).startswith(f"{field}: ")


def test_a_plan_built_from_unchecked_parts_is_refused_too() -> None:
    # A milestone, stage or protocol made by hand or copied with changes is checked as
    # a stored one is: it reached the calendar and the terminal unchecked before.
    made = ct.plan(ct.Dating.from_due_date(DUE), today=TODAY)
    first = made.milestones[0]
    attempts: list[tuple[str, Callable[[], object]]] = [
        ("title", lambda: first.model_copy(update={"title": "a\x1b[2Jb"})),
        ("title", lambda: ct.Milestone(**{**dict(first), "title": "a\x00"})),
        ("reason", lambda: ct.Milestone.model_construct(**{**dict(first), "reason": " "})),
        ("language", lambda: made.protocol.model_copy(update={"language": "en\nX:1"})),
        ("name", lambda: made.trimesters[0].model_copy(update={"name": "first\x1b"})),
    ]
    for field, attempt in attempts:
        with pytest.raises(ct.PlanError) as caught:
            attempt()
        assert caught.value.field == field


@pytest.mark.parametrize(
    ("toml", "plan_edit"),
    [
        # the same value, refused in the protocol file and in the plan made from it
        (('language = "en"', 'language = "qq"'), lambda d: d["protocol"].update(language="qq")),
        (
            ('title = "Estimated due date"', 'title = "Due\\u001bdate"'),
            lambda d: d["milestones"][-1].update(title="Due\x1bdate"),
        ),
        (
            ('id = "due-date"', 'id = "Due date"'),
            lambda d: d["milestones"][-1].update(id="Due date"),
        ),
    ],
)
def test_the_protocol_file_and_the_plan_refuse_alike(
    toml: tuple[str, str], plan_edit: Edit
) -> None:
    text = ct.default_protocol_text()
    assert toml[0] in text
    with pytest.raises(ct.ProtocolError):
        ct.parse_protocol(text.replace(toml[0], toml[1], 1))
    data = stored()
    plan_edit(data)
    refused(data)


@pytest.mark.parametrize("every_days", [0, -14, 367, 10**30])
def test_a_series_rhythm_is_one_a_protocol_may_have(every_days: int) -> None:
    # 0 or a negative rhythm wrote an invalid RRULE; a huge one raised a bare
    # OverflowError while the occurrences were checked
    data = stored()
    item = series(data)
    item["every_days"] = every_days
    number = data["milestones"].index(item)
    error = refused(data)
    assert error.field == f"milestones[{number}].every_days"


def test_a_language_is_never_a_path_to_a_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language named like a path found a catalog outside the catalogs' folders, and
    its templates were formatted with the plan's values."""
    catalogs = tmp_path / "locale"
    catalogs.mkdir()
    evil = tmp_path / "evil" / "LC_MESSAGES"
    evil.mkdir(parents=True)
    catalog = Catalog(locale="en", domain="care_timeline")
    catalog.add("Due date {date}", "EVIL {date}")
    with (evil / "care_timeline.mo").open("wb") as handle:
        write_mo(handle, catalog)
    monkeypatch.setattr(_i18n, "_LOCALE_DIRS", [catalogs])
    _i18n.language.cache_clear()
    try:
        assert _i18n.language("../evil").gettext("Due date {date}") == "Due date {date}"
        assert not _i18n.has_catalog("../evil")
    finally:
        _i18n.language.cache_clear()


def test_a_known_language_without_a_catalog_still_loads() -> None:
    # German is a language Babel knows; the package has no catalog for it: plain English
    data = stored()
    data["protocol"]["language"] = "de"
    assert ct.Plan.model_validate(data).language == "de"


# -- class 2: the dating's inputs give its due date ------------------------------------


def _dated(dating: ct.Dating) -> dict[str, Any]:
    return stored(dating)


CONTRADICTIONS: list[tuple[str, ct.Dating, Edit, str]] = [
    # LMP 2026-08-03 gives 2027-05-10; an LMP two days later gives 2027-05-12
    (
        "lmp",
        ct.Dating.from_lmp(date(2026, 8, 3)),
        lambda i: i.update(lmp="2026-08-05"),
        "dating.due_date",
    ),
    # a 30-day cycle moves the due date two days: 2027-05-12
    (
        "cycle",
        ct.Dating.from_lmp(date(2026, 8, 3)),
        lambda i: i.update(cycle_length=30),
        "dating.due_date",
    ),
    (
        "nan cycle",
        ct.Dating.from_lmp(date(2026, 8, 3)),
        lambda i: i.update(cycle_length=float("nan")),
        "dating.inputs.cycle_length",
    ),
    # 14w3d on 2026-11-24 gives 2027-05-22; 14w4d gives 2027-05-21
    (
        "ga",
        ct.Dating.from_gestational_age("14w3d", on=TODAY),
        lambda i: i.update(ga="14w4d"),
        "dating.due_date",
    ),
    (
        "on",
        ct.Dating.from_gestational_age("14w3d", on=TODAY),
        lambda i: i.update(on="2026-11-20"),
        "dating.due_date",
    ),
    (
        "conception",
        ct.Dating.from_conception(date(2026, 8, 17)),
        lambda i: i.update(conception="2026-08-18"),
        "dating.due_date",
    ),
    (
        "embryo age",
        ct.Dating.from_embryo_transfer(date(2026, 8, 20), embryo_age_days=3),
        lambda i: i.update(embryo_age=5),
        "dating.due_date",
    ),
    # CRL 45 mm on 2026-10-20 gives 2027-05-10; 50 mm is another age
    (
        "crl",
        ct.Dating.from_ultrasound(crl_mm=45, scan_date=date(2026, 10, 20)),
        lambda i: i.update(crl_mm=50.0),
        "dating.due_date",
    ),
    (
        "scan ga",
        ct.Dating.from_ultrasound(ga="20w1d", scan_date=TODAY),
        lambda i: i.update(scan_ga="20w3d"),
        "dating.due_date",
    ),
    ("missing", ct.Dating.from_due_date(DUE), lambda i: i.clear(), "dating.inputs.due_date"),
    (
        "extra",
        ct.Dating.from_due_date(DUE),
        lambda i: i.update(lmp="2026-08-03"),
        "dating.inputs.lmp",
    ),
    # reconciled (LMP 2026-08-03 and a scan of 10w2d on 2026-10-05: 9 days apart, more
    # than 7, so the scan decides): saying the LMP was chosen contradicts the table
    (
        "chosen",
        ct.Dating.reconcile(
            ct.Dating.from_lmp(date(2026, 8, 3)),
            ct.Dating.from_ultrasound(ga="10w2d", scan_date=date(2026, 10, 5)),
        ),
        lambda i: i.update(chosen="lmp"),
        "dating.inputs.chosen",
    ),
]


@pytest.mark.parametrize(
    ("dating", "edit", "field"),
    [(d, e, f) for _, d, e, f in CONTRADICTIONS],
    ids=[name for name, *_ in CONTRADICTIONS],
)
def test_replan_refuses_a_due_date_its_inputs_contradict(
    dating: ct.Dating, edit: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = _dated(dating)
    edit(data["dating"]["inputs"])
    error = refused(data)
    assert error.field == field, str(error)


def test_the_message_names_the_due_date_the_inputs_give() -> None:
    data = _dated(ct.Dating.from_lmp(date(2026, 8, 3)))
    data["dating"]["inputs"]["lmp"] = "2026-08-05"
    assert str(refused(data)) == (
        "dating.due_date: '2027-05-10' is not valid; expected 2027-05-12, the due date its "
        "inputs give (lmp 2026-08-05, cycle_length 28)"
    )


def test_a_dating_built_by_hand_must_be_one_its_inputs_give() -> None:
    with pytest.raises(ct.DatingError, match=r"^due_date: "):
        ct.Dating(method="due-date", due_date=DUE, inputs={"due_date": "2027-05-11"})
    made = ct.Dating(method="lmp", due_date=DUE, inputs={"lmp": "2026-08-03", "cycle_length": 28})
    assert made == ct.Dating.from_lmp(date(2026, 8, 3))


# -- class 3: a plan's size is bounded before it is parsed ------------------------------


def test_a_plan_of_empty_milestones_is_refused_by_their_number() -> None:
    # 392 KB of empty milestones took seconds and gigabytes to refuse, one error each
    data = stored()
    data["milestones"] = [{}] * 130_000
    text = json.dumps(data)
    assert len(text) > 390_000
    with pytest.raises(ct.PlanError) as caught:
        ct.Plan.model_validate_json(text)
    assert caught.value.field == "milestones"
    assert "at most 200" in str(caught.value)


def test_too_many_dates_in_one_series_or_all() -> None:
    data = stored()
    item = series(data)
    item["occurrences"] = ["2026-11-23"] * 321
    with pytest.raises(
        ct.PlanError, match=r"occurrences: '321 dates' is not valid; expected at most 320"
    ):
        ct.Plan.model_validate(data)


def test_json_longer_than_the_limit_is_refused_before_it_is_parsed() -> None:
    text = " " * MAX_PLAN_BYTES + json.dumps(stored())
    for given in (text, text.encode()):
        with pytest.raises(ct.PlanError) as caught:
            ct.Plan.model_validate_json(given)
        assert caught.value.field == "plan"
        assert "a plan is at most 8 MiB" in str(caught.value)


def test_a_milestone_no_longer_planned_far_ahead_is_refused() -> None:
    # 9999-12-31 loaded, and then the calendar raised an OverflowError.
    data = stored(ended_on=date(2026, 11, 20), ended_because="loss")
    assert data["no_longer_planned"], "the plan that ended has milestones no longer planned"
    data["no_longer_planned"][0]["start"] = "9999-12-31"
    error = refused(data)
    assert error.field == "no_longer_planned[0].start"
    # the last day a gestational age is written for: 999w6d = 6999 days after day 0
    # (2026-08-03), 2045-10-01
    assert "2045-10-01" in str(error)
