"""Protocols as data: validation errors, the contract every protocol file keeps,
and a clinic's own file changing the plan without code changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline import ProtocolError

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL_FILES = sorted(
    [*ROOT.glob("src/care_timeline/**/*.toml"), *ROOT.glob("examples/**/*.toml")]
)
DEFAULT = ct.default_protocol_text()
PROFILES = [
    ct.Profile(),
    ct.Profile(fetuses=2, membranes_ruptured=True),
    ct.Profile(fetuses=1, prior_preterm_birth=True, cerclage_placed_on=date(2026, 11, 2)),
    ct.Profile(
        fetuses=1,
        prior_preterm_birth=False,
        cervical_length_mm=18.0,
        cervical_length_on=date(2026, 12, 1),
    ),
]


def test_there_are_protocol_files() -> None:
    names = {path.name for path in PROTOCOL_FILES}
    assert "cervical_insufficiency.toml" in names


@pytest.mark.parametrize("path", PROTOCOL_FILES, ids=lambda p: p.name)
def test_protocol_contract(path: Path) -> None:
    """What every protocol file in the repo must satisfy."""
    protocol = ct.load_protocol(path)
    ids = [m.id for m in protocol.milestones]
    assert len(ids) == len(set(ids))
    assert protocol.clinician_note.strip()
    assert protocol.warning_signs
    for milestone in protocol.milestones:
        assert milestone.basis.strip(), milestone.id  # every number has its source
        assert milestone.title.strip() and milestone.description.strip()
        assert not milestone.rules[-1].when  # every profile gets an answer
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    for profile in PROFILES:
        plan = ct.plan(dating, profile, protocol=protocol, today=date(2026, 11, 24))
        assert [m.id for m in plan.milestones] != []
        assert sorted(m.id for m in plan.milestones) == sorted(ids)
        starts = [m.start for m in plan.milestones]
        assert starts == sorted(starts)
        for item in plan.milestones:
            assert item.start <= item.end
            assert item.reason and "{" not in item.reason  # placeholders filled


def test_default_protocol_identity() -> None:
    protocol = ct.default_protocol()
    assert (protocol.id, protocol.version) == ("cervical-insufficiency", "1")
    assert [m.id for m in protocol.milestones] == [
        "cervical-change-risk",
        "cerclage-placement",
        "cervical-monitoring",
        "progesterone-injections",
        "vaginal-progesterone",
        "preterm-birth-watch",
        "cerclage-removal",
        "due-date",
    ]
    assert protocol.short_cervix.threshold_mm == 25
    assert protocol.short_cervix.comparison == "less-than"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clinic.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_moved_window_changes_the_plan(tmp_path: Path) -> None:
    text = DEFAULT.replace('start = "12w0d"\nend = "14w6d"', 'start = "13w0d"\nend = "14w6d"')
    assert text != DEFAULT
    protocol = ct.load_protocol(_write(tmp_path, text))
    plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=date(2026, 11, 24)
    )
    item = plan.milestone("cerclage-placement")
    assert (item.start, str(item.start_ga)) == (date(2026, 11, 2), "13w0d")  # day 91
    assert item.end == date(2026, 11, 15)  # unchanged: 14w6d


def test_threshold_comparison_is_data(tmp_path: Path) -> None:
    text = DEFAULT.replace('comparison = "less-than"', 'comparison = "at-most"')
    protocol = ct.load_protocol(_write(tmp_path, text))
    profile = ct.Profile(cervical_length_mm=25.0, prior_preterm_birth=False)
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    today = date(2026, 11, 24)
    at_most = ct.plan(dating, profile, protocol=protocol, today=today)
    less_than = ct.plan(dating, profile, today=today)
    assert at_most.milestone("vaginal-progesterone").applicability == "applies"
    assert less_than.milestone("vaginal-progesterone").applicability == "not-applicable"


BROKEN = [
    # (what is changed, replacement, message fragments)
    (
        'id = "due-date"\nkind = "day"',
        'id = "due-date"\nkind = "day"\ncolour = "red"',
        ["clinic.toml", "milestone 'due-date'", "unknown key 'colour'"],
    ),
    (
        'start = "12w0d"\nend = "14w6d"',
        'start = "12w0d"\nend = "11w0d"',
        ["clinic.toml", "milestone 'cerclage-placement'", "end 11w0d is before start 12w0d"],
    ),
    (
        'id = "preterm-birth-watch"',
        'id = "cervical-change-risk"',
        ["clinic.toml", "'cervical-change-risk' is used twice"],
    ),
    (
        'when = ["membranes-ruptured"]\nresult = "not-applicable"\nreason = "A cerclage is not placed',
        'when = ["twins"]\nresult = "not-applicable"\nreason = "A cerclage is not placed',
        ["milestone 'cerclage-placement'", "rules[1].when[0]", "'twins'", "multiple-fetuses"],
    ),
    (
        "every_days = 14\n",
        "",
        ["milestone 'cervical-monitoring'", "every_days"],
    ),
    (
        'start = "23w0d"',
        'start = "23 weeks"',
        ["milestone 'preterm-birth-watch'", "start", "'23 weeks'", "14w3d"],
    ),
    (
        'reason = "Every pregnancy has a due date."',
        'reason = "Due {due_date}."',
        ["milestone 'due-date'", "{due_date}", "{risk_factors}"],
    ),
    (
        'result = "applies"\nreason = "Every pregnancy has a due date."',
        'when = ["singleton"]\nresult = "applies"\nreason = "Every pregnancy has a due date."',
        ["milestone 'due-date'", "last rule needs no conditions"],
    ),
    (
        'version = "1"',
        "version = 1",
        ["clinic.toml", "version"],
    ),
    (
        'id = "cervical-insufficiency"',
        'id = "cervical-insufficiency',
        ["clinic.toml", "not valid TOML"],
    ),
    (
        'start = "40w0d"',
        'start = "99w0d"',
        ["milestone 'due-date'", "99w0d", "44w6d"],
    ),
    (
        "warning_signs = true",
        'warning_signs = "yes"',
        ["milestone 'cervical-change-risk'", "warning_signs", "'yes'", "boolean"],
    ),
    (
        'id = "due-date"',
        'id = "Due Date"',
        ["milestone 'Due Date'", "text matching"],
    ),
    (
        'language = "en"',
        'language = "en us"',
        ["clinic.toml", "language"],
    ),
    (
        'name = "Second trimester"\nstart = "14w0d"',
        'name = "Second trimester"\nstart = "15w0d"',
        ["clinic.toml", "trimesters[1] starts at 15w0d; expected 14w0d"],
    ),
    (
        'name = "First trimester"\nstart = "0w0d"\nend = "13w6d"',
        'name = "First trimester"\nstart = "0w0d"',
        ["clinic.toml", "trimesters[0] has no end but is not the last"],
    ),
    (
        'category = "birth"',
        'category = "delivery"',
        ["milestone 'due-date'", "category", "'delivery'"],
    ),
]


@pytest.mark.parametrize(("old", "new", "fragments"), BROKEN)
def test_validation_errors_name_file_and_milestone(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    assert old in DEFAULT
    path = _write(tmp_path, DEFAULT.replace(old, new, 1))
    with pytest.raises(ProtocolError) as info:
        ct.load_protocol(path)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="no such file"):
        ct.load_protocol(tmp_path / "nope.toml")


def test_example_clinic_file_moves_the_cerclage_window() -> None:
    """The shipped example of a clinic's own file (ACOG's 13-14 weeks) changes the plan."""
    protocol = ct.load_protocol(ROOT / "examples" / "clinic-protocol.toml")
    plan = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)), protocol=protocol, today=date(2026, 11, 24)
    )
    item = plan.milestone("cerclage-placement")
    # 13w0d = day 91 = 2026-11-02; 14w6d = day 104 = 2026-11-15
    assert (item.start, item.end, str(item.start_ga)) == (
        date(2026, 11, 2),
        date(2026, 11, 15),
        "13w0d",
    )
    assert plan.protocol.id == "example-clinic"
    assert plan.milestone("cervical-change-risk").start == date(2026, 10, 26)  # unchanged
