"""Protocols as data: validation errors, the contract every protocol file keeps,
and a clinic's own file changing the plan without code changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline import ProtocolError

ROOT = Path(__file__).resolve().parents[2]
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
    assert {
        "cervical_insufficiency.toml",
        "who_anc_2016.toml",
        "tr_dob_2014.toml",
        "article-protocol-v1.toml",
        "clinic-protocol.toml",
    } <= names


@pytest.mark.parametrize("path", PROTOCOL_FILES, ids=lambda p: p.name)
def test_protocol_contract(path: Path) -> None:
    """What every protocol file in the repo must satisfy."""
    protocol = ct.load_protocol(path)
    ids = [m.id for m in protocol.milestones]
    assert len(ids) == len(set(ids))
    assert protocol.clinician_note.strip()
    # Warning signs with their source, or none at all (a routine schedule, whose plans get
    # them from the protocol it is composed with); never a milestone flagged without them.
    assert bool(protocol.warning_signs) == (protocol.warning_signs_basis is not None)
    assert protocol.warning_signs or not any(m.warning_signs for m in protocol.milestones)
    assert bool(protocol.trimesters) == (protocol.trimesters_basis is not None)
    for milestone in protocol.milestones:
        assert milestone.basis.strip(), milestone.id  # every number has its source
        assert milestone.title.strip() and milestone.description.strip()
        assert not milestone.rules[-1].when  # every profile gets an answer
        keys = [rule.key for rule in milestone.rules]
        assert len(keys) == len(set(keys)), milestone.id  # each row can be told apart
    limits = protocol.short_cervix
    for text in (limits.progesterone_basis, limits.found_early_basis) if limits is not None else ():
        assert text is None or text.strip()  # a limit that is set has its source
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    for profile in PROFILES:
        plan = ct.plan(dating, profile, protocol=protocol, today=date(2026, 12, 1))  # 17w1d
        assert [m.id for m in plan.milestones] != []
        assert sorted(m.id for m in plan.milestones) == sorted(ids)
        starts = [m.start for m in plan.milestones]
        assert starts == sorted(starts)
        for item in plan.milestones:
            assert item.start <= item.end
            assert item.reason and "{" not in item.reason  # placeholders filled
            rules = protocol.milestone(item.id).rules
            assert item.reason_key in [rule.key for rule in rules]
        assert plan.urgent_advice == protocol.urgent_advice
    if path.is_relative_to(ROOT / "src") and protocol.id != "cervical-insufficiency":
        # A shipped protocol composes with the default one: its ids do not collide with
        # the default's, and a milestone both have (the due date) is the same one.
        default = ct.default_protocol()
        both = ct.plan(dating, protocol=[default, protocol], today=date(2026, 11, 24))
        expected = {m.id for m in default.milestones} | set(ids)
        assert sorted(m.id for m in both.milestones) == sorted(expected)


def test_default_protocol_identity() -> None:
    protocol = ct.default_protocol()
    assert (protocol.id, protocol.version) == ("cervical-insufficiency", "3")
    assert [m.id for m in protocol.milestones] == [
        "cervical-change-risk",
        "cerclage-placement",
        "cervical-monitoring",
        "cerclage-if-cervix-shortens",  # new in version 2
        "progesterone-injections",
        "vaginal-progesterone",
        "preterm-birth-watch",
        "late-preterm-watch",  # new in version 2
        "cerclage-removal",
        "due-date",
    ]
    limits = protocol.short_cervix
    assert (limits.threshold_mm, limits.comparison) == (25, "less-than")
    assert (limits.progesterone_threshold_mm, limits.progesterone_comparison) == (20, "at-most")
    assert str(limits.found_early_before) == "24w1d"  # version 3: found on 24w0d is early
    assert protocol.prior_preterm_birth is not None
    assert str(protocol.prior_preterm_birth.early_before) == "34w0d"
    assert protocol.urgent_advice and "hospital" in protocol.urgent_advice


def test_version_one_is_kept_word_for_word_as_an_example() -> None:
    """The article's rules, as the default was before version 2 (the ids, windows and
    rules the product contract's tables describe)."""
    v1 = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")
    assert (v1.id, v1.version) == ("cervical-insufficiency", "1")
    assert [m.id for m in v1.milestones] == [
        "cervical-change-risk",
        "cerclage-placement",
        "cervical-monitoring",
        "progesterone-injections",
        "vaginal-progesterone",
        "preterm-birth-watch",
        "cerclage-removal",
        "due-date",
    ]
    assert v1.short_cervix.threshold_mm == 25
    assert v1.short_cervix.comparison == "less-than"
    assert v1.short_cervix.progesterone_threshold_mm is None  # v1 has one threshold
    assert v1.urgent_advice is None  # optional: older files load without it
    injections = v1.milestone("progesterone-injections").rules
    assert [(rule.key, rule.result) for rule in injections] == [
        ("multiple-fetuses", "not-applicable"),
        ("prior-preterm-birth", "applies"),  # the article's advice, which version 2 drops
        ("no-prior-preterm-birth", "not-applicable"),
        ("otherwise", "discuss"),
    ]
    header = (ROOT / "examples" / "article-protocol-v1.toml").read_text(encoding="utf-8")
    assert "version 2" in header.split("\nid = ")[0]  # the header says what changed


def test_every_window_of_version_one_is_kept() -> None:
    """The article's windows stay; version 3 dates no weekly injection (a window without
    doses, not a series)."""
    v1 = ct.load_protocol(ROOT / "examples" / "article-protocol-v1.toml")
    v3 = ct.default_protocol()
    for old in v1.milestones:
        new = v3.milestone(old.id)
        assert (new.start, new.end_ga) == (old.start, old.end_ga), old.id
        if old.id == "progesterone-injections":
            assert (new.kind, new.every_days) == ("window", None)
        else:
            assert (new.kind, new.every_days) == (old.kind, old.every_days), old.id


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
    text = DEFAULT.replace('comparison = "less-than"', 'comparison = "at-most"', 1)
    protocol = ct.load_protocol(_write(tmp_path, text))
    profile = ct.Profile(cervical_length_mm=25.0, prior_preterm_birth=False)
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    today = date(2026, 11, 24)
    at_most = ct.plan(dating, profile, protocol=protocol, today=today).milestone(
        "vaginal-progesterone"
    )
    less_than = ct.plan(dating, profile, today=today).milestone("vaginal-progesterone")
    # 25 mm is short "at most 25" but above the 20 mm progesterone threshold
    assert (at_most.applicability, at_most.reason_key) == (
        "discuss",
        "cervix-between-thresholds+no-prior-preterm-birth",
    )
    # 25 mm is not "less than 25": not short
    assert (less_than.applicability, less_than.reason_key) == (
        "not-applicable",
        "no-short-cervix+no-prior-preterm-birth",
    )


@pytest.mark.parametrize(
    ("threshold", "applicability", "key"),
    [
        ("20", "discuss", "cervix-between-thresholds+no-prior-preterm-birth"),  # 22 > 20
        (
            "22",
            "applies",
            "short-cervix-found-early+cervix-at-most-progesterone-threshold+no-prior-preterm-birth",
        ),  # 22 <= 22
    ],
)
def test_progesterone_threshold_is_data(
    tmp_path: Path, threshold: str, applicability: str, key: str
) -> None:
    text = DEFAULT.replace(
        "progesterone_threshold_mm = 20", f"progesterone_threshold_mm = {threshold}"
    )
    protocol = ct.load_protocol(_write(tmp_path, text))
    profile = ct.Profile(
        fetuses=1,
        prior_preterm_birth=False,
        cervical_length_mm=22.0,
        cervical_length_on=date(2026, 12, 21),  # 20w0d
    )
    item = ct.plan(
        ct.Dating.from_due_date(date(2027, 5, 10)),
        profile,
        protocol=protocol,
        today=date(2026, 12, 21),
    ).milestone("vaginal-progesterone")
    assert (item.applicability, item.reason_key) == (applicability, key)


def test_found_early_limit_is_data(tmp_path: Path) -> None:
    # Moved to 20w0d (2026-12-21), a cervix found short on that day is found late.
    text = DEFAULT.replace('found_early_before = "24w1d"', 'found_early_before = "20w0d"')
    protocol = ct.load_protocol(_write(tmp_path, text))
    profile = ct.Profile(
        fetuses=1, prior_preterm_birth=True, short_cervix=True, short_cervix_on=date(2026, 12, 21)
    )
    dating = ct.Dating.from_due_date(date(2027, 5, 10))
    moved = ct.plan(dating, profile, protocol=protocol, today=date(2026, 12, 21))
    default = ct.plan(dating, profile, today=date(2026, 12, 21))
    assert moved.milestone("vaginal-progesterone").reason_key == "short-cervix-found-late"
    assert default.milestone("vaginal-progesterone").reason_key == (
        "short-cervix-found-early+prior-preterm-birth"
    )


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
        'when = ["membranes-ruptured"]\nresult = "not-applicable"\nreason = "A planned stitch',
        'when = ["twins"]\nresult = "not-applicable"\nreason = "A planned stitch',
        ["milestone 'cerclage-placement'", "rules[1].when[0]", "'twins'", "multiple-fetuses"],
    ),
    (
        'when = ["risk-factor:prior-cerclage"]',
        'when = ["risk-factor:stitch"]',
        ["milestone 'cerclage-placement'", "'risk-factor:stitch'", "risk-factor:prior-cerclage"],
    ),
    (
        'alternative = "vaginal-progesterone"',
        'alternative = "a-pill"',
        ["milestone 'cerclage-if-cervix-shortens'", "'a-pill'", "not another milestone"],
    ),
    (
        'early_before = "34w0d"\nearly_basis',
        "early_basis",
        ["clinic.toml", "prior_preterm_birth.early_before"],
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
        'version = "3"',
        "version = 3",
        ["clinic.toml", "version"],
    ),
    (
        'when = ["transabdominal-cerclage"]\nresult = "not-applicable"',
        'when = ["transabdominal-cerclage"]\nkey = "Stitch Stays"\nresult = "not-applicable"',
        ["milestone 'cerclage-removal'", "rules[1].key", "'Stitch Stays'", "text matching"],
    ),
    (
        'when = ["transabdominal-cerclage"]\nresult = "not-applicable"',
        'when = ["transabdominal-cerclage"]\nkey = "otherwise"\nresult = "not-applicable"',
        ["milestone 'cerclage-removal'", "rules[6] has the key 'otherwise'", "a `key` of its own"],
    ),
    (
        'when = ["multiple-fetuses"]\nresult = "not-applicable"\nreason = "A stitch is not advised when carrying more than one baby, so',
        'when = ["transabdominal-cerclage"]\nresult = "not-applicable"\nreason = "A stitch is not advised when carrying more than one baby, so',
        ["milestone 'cerclage-removal'", "rules[4] has the key 'transabdominal-cerclage'"],
    ),
    (
        "progesterone_threshold_mm = 20",
        "progesterone_threshold_mm = 30",
        ["clinic.toml", "progesterone_threshold_mm 30 is above threshold_mm 25"],
    ),
    (
        'progesterone_threshold_mm = 20\nprogesterone_comparison = "at-most"\nprogesterone_basis',
        'progesterone_comparison = "at-most"\nprogesterone_basis',
        ["clinic.toml", "progesterone_threshold_mm and progesterone_basis go together"],
    ),
    (
        'found_early_before = "24w1d"\nfound_early_basis',
        'found_early_before = "24 weeks"\nfound_early_basis',
        ["clinic.toml", "short_cervix.found_early_before", "'24 weeks'"],
    ),
    (
        'found_early_before = "24w1d"\n',
        "",
        ["clinic.toml", "found_early_before and found_early_basis go together"],
    ),
    (
        'urgent_advice = "Call',
        'urgent_advice = "   "\nold_urgent_advice = "Call',
        ["clinic.toml", "urgent_advice", "blank"],
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


def test_example_clinic_file_is_version_three_with_one_change() -> None:
    clinic = ct.load_protocol(ROOT / "examples" / "clinic-protocol.toml")
    default = ct.default_protocol()
    assert clinic.version == "3"
    assert clinic.prior_preterm_birth == default.prior_preterm_birth
    assert clinic.short_cervix == default.short_cervix
    assert (clinic.warning_signs, clinic.urgent_advice) == (
        default.warning_signs,
        default.urgent_advice,
    )
    for milestone in default.milestones:
        theirs = clinic.milestone(milestone.id)
        if milestone.id == "cerclage-placement":
            assert str(theirs.start) == "13w0d"
            assert theirs.rules == milestone.rules
        else:
            assert theirs == milestone, milestone.id


V1_TEXT = (ROOT / "examples" / "article-protocol-v1.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("condition", "needs"),
    [
        ("short-cervix-found-early", "short_cervix.found_early_before"),
        ("short-cervix-found-late", "short_cervix.found_early_before"),
        ("cervix-at-most-progesterone-threshold", "short_cervix.progesterone_threshold_mm"),
        ("cervix-between-thresholds", "short_cervix.progesterone_threshold_mm"),
    ],
)
def test_a_condition_needs_its_limit_in_the_file(condition: str, needs: str) -> None:
    # Version 1 has neither limit; a rule that uses one of these conditions is refused.
    old = 'when = ["no-short-cervix"]'
    assert old in V1_TEXT
    with pytest.raises(ProtocolError) as info:
        ct.parse_protocol(V1_TEXT.replace(old, f'when = ["{condition}"]', 1), source="clinic.toml")
    message = str(info.value)
    assert "vaginal-progesterone" in message and condition in message and needs in message


def test_rule_keys_default_to_the_conditions_and_may_be_given() -> None:
    text = DEFAULT.replace(
        'when = ["transabdominal-cerclage"]\nresult = "not-applicable"',
        'when = ["transabdominal-cerclage"]\nkey = "stitch-stays"\nresult = "not-applicable"',
    )
    rules = ct.parse_protocol(text).milestone("cerclage-removal").rules
    assert [rule.key for rule in rules] == [
        "transabdominal-cerclage+membranes-ruptured",  # conditions joined with "+"
        "stitch-stays",  # given in the file
        "cerclage-placed+membranes-ruptured",
        "cerclage-placed",
        "multiple-fetuses",
        "membranes-ruptured",
        "otherwise",  # the last rule, without conditions
    ]


def test_a_risk_factor_condition_keys_its_rule_with_a_dash() -> None:
    text = DEFAULT.replace(
        'when = ["risk-factor:prior-cerclage"]\nkey = "prior-cerclage"\n',
        'when = ["risk-factor:prior-cerclage"]\n',
    )
    rules = ct.parse_protocol(text).milestone("cerclage-placement").rules
    assert "risk-factor-prior-cerclage" in [rule.key for rule in rules]
