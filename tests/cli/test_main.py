"""The command line, called as main([...]): output, and one-line errors with exit 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.cli import main

PLAN = ["plan", "--today", "2026-11-24"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_issue_example_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format", "json"
    )
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["gestational_age_today"] == "16w1d"
    got = [
        (m["id"], m["start"], m["end"], m["start_ga"], m["applicability"], m["timing"])
        for m in data["milestones"]
    ]
    # day 0 is 2026-08-03; nothing is known about the patient, so every milestone with a
    # decision falls to its last rule (discuss)
    assert got == [
        # 12w0d = day 84, 22w6d = day 160: always applies
        ("cervical-change-risk", "2026-10-26", "2027-01-10", "12w0d", "applies", "current"),
        # 14w6d = day 104; no history recorded
        ("cerclage-placement", "2026-10-26", "2026-11-15", "12w0d", "discuss", "past"),
        # 16w0d = day 112 to 24w0d = day 168; applies only after a preterm birth or loss
        ("cervical-monitoring", "2026-11-23", "2027-01-18", "16w0d", "discuss", "current"),
        # 16w0d to 24w0d = day 168 (version 3); no short cervix recorded
        ("cerclage-if-cervix-shortens", "2026-11-23", "2027-01-18", "16w0d", "discuss", "current"),
        # 36w0d = day 252; weekly injections are never planned (version 3)
        (
            "progesterone-injections",
            "2026-11-23",
            "2027-04-12",
            "16w0d",
            "not-applicable",
            "current",
        ),
        # preterm birth unknown
        ("vaginal-progesterone", "2026-11-23", "2027-04-12", "16w0d", "discuss", "current"),
        # 23w0d = day 161, 31w6d = day 223: always applies
        ("preterm-birth-watch", "2027-01-11", "2027-03-14", "23w0d", "applies", "upcoming"),
        # new in version 2: 32w0d = day 224, 36w6d = day 258: always applies
        ("late-preterm-watch", "2027-03-15", "2027-04-18", "32w0d", "applies", "upcoming"),
        # 37w0d = day 259; no stitch recorded
        ("cerclage-removal", "2027-04-12", "2027-04-19", "36w0d", "discuss", "upcoming"),
        # 40w0d = day 280
        ("due-date", "2027-05-10", "2027-05-10", "40w0d", "applies", "upcoming"),
    ]
    assert all(m["reason"] for m in data["milestones"])


@pytest.mark.parametrize(
    ("dating", "due"),
    [
        (["--due-date", "2027-05-10"], "2027-05-10"),
        (["--lmp", "2026-08-03"], "2027-05-10"),
        (["--lmp", "2026-08-03", "--cycle-length", "30"], "2027-05-12"),
        (["--ga", "16w1d"], "2027-05-10"),  # without --on: on --today (day 113 on Nov 24)
        (["--ga", "14w3d", "--on", "2026-11-24"], "2027-05-22"),
        (["--conception", "2026-08-17"], "2027-05-10"),
        (["--transfer", "2026-08-20", "--embryo-age", "3"], "2027-05-10"),
        (["--due-date", "10/05/2027", "--date-order", "dmy"], "2027-05-10"),
        (["--due-date", "05/10/2027", "--date-order", "mdy"], "2027-05-10"),
    ],
)
def test_every_dating_flag(capsys: pytest.CaptureFixture[str], dating: list[str], due: str) -> None:
    code, out, _ = run(capsys, *PLAN, *dating, "--format", "json")
    assert code == 0
    assert json.loads(out)["dating"]["due_date"] == due


def test_three_valued_flags(capsys: pytest.CaptureFixture[str]) -> None:
    def decided(*flags: str) -> tuple[str, str]:
        code, out, _ = run(
            capsys,
            *PLAN,
            "--due-date",
            "2027-05-10",
            "--format",
            "json",
            "--no-short-cervix",
            *flags,
        )
        assert code == 0
        data = json.loads(out)
        return next(
            (m["applicability"], m["reason_key"])
            for m in data["milestones"]
            if m["id"] == "vaginal-progesterone"
        )

    # vaginal progesterone, the cervix known not to be short, on a preterm birth: yes, no,
    # and the last rule for unknown
    assert decided("--prior-preterm-birth") == ("discuss", "prior-preterm-birth")
    assert decided("--no-prior-preterm-birth") == (
        "not-applicable",
        "no-short-cervix+no-prior-preterm-birth",
    )
    assert decided() == ("discuss", "otherwise")  # neither: unknown


def test_profile_flags_reach_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        *PLAN,
        "--due-date",
        "2027-05-10",
        "--format",
        "json",
        "--fetuses",
        "1",
        "--no-prior-preterm-birth",
        "--cervical-length",
        "22",
        "--cervical-length-on",
        "2026-11-24",
        "--risk-factor",
        "trauma",
        "--risk-factor",
        "biopsy",
        "--cerclage-placed-on",
        "2026-11-02",
        "--no-membranes-ruptured",
        "--plan-id",
        "clinic-42/7781",
    )
    assert code == 0
    data = json.loads(out)
    by_id = {m["id"]: m for m in data["milestones"]}
    assert by_id["vaginal-progesterone"]["start"] == "2026-11-24"  # found then, after 16w0d
    assert by_id["cerclage-placement"]["start"] == "2026-11-02"
    assert data["plan_id"] == "clinic-42/7781"


@pytest.mark.parametrize(
    ("flags", "loss", "stitch"),
    [
        ([], None, None),  # neither form: unknown, never "no"
        (["--prior-second-trimester-loss"], True, None),
        (["--no-prior-second-trimester-loss"], False, None),
        (
            ["--cerclage-placed-on", "2026-11-02", "--cerclage-type", "transabdominal"],
            None,
            "transabdominal",
        ),
        (
            ["--cerclage-placed-on", "2026-11-02", "--cerclage-type", "Transvaginal"],
            None,
            "transvaginal",
        ),
    ],
)
def test_history_and_stitch_type_flags_reach_the_profile(
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    loss: bool | None,
    stitch: str | None,
) -> None:
    code, out, err = run(capsys, *PLAN, "--due-date", "2027-05-10", "--format", "json", *flags)
    assert (code, err) == (0, "")
    profile = ct.Plan.model_validate_json(out).profile
    assert profile is not None
    assert (profile.prior_second_trimester_loss, profile.cerclage_type) == (loss, stitch)


@pytest.mark.parametrize(
    ("flags", "decisions"),
    [
        (  # a mid-pregnancy loss: the planned stitch and the cervical checks apply
            ["--no-prior-preterm-birth", "--prior-second-trimester-loss"],
            {
                "cerclage-placement": ("applies", "prior-second-trimester-loss"),
                "cervical-monitoring": ("applies", "prior-second-trimester-loss"),
            },
        ),
        (  # no loss and no preterm birth: both to discuss, by the last rule
            ["--no-prior-preterm-birth", "--no-prior-second-trimester-loss"],
            {
                "cerclage-placement": ("discuss", "otherwise"),
                "cervical-monitoring": ("discuss", "otherwise"),
            },
        ),
        (  # a stitch through the abdomen stays in: no removal window applies
            ["--cerclage-placed-on", "2026-11-02", "--cerclage-type", "transabdominal"],
            {"cerclage-removal": ("not-applicable", "transabdominal-cerclage")},
        ),
        (  # through the vagina: it comes out at about 36 weeks
            ["--cerclage-placed-on", "2026-11-02", "--cerclage-type", "transvaginal"],
            {"cerclage-removal": ("applies", "cerclage-placed")},
        ),
    ],
)
def test_history_and_stitch_type_flags_decide(
    capsys: pytest.CaptureFixture[str], flags: list[str], decisions: dict[str, tuple[str, str]]
) -> None:
    code, out, _ = run(
        capsys, *PLAN, "--due-date", "2027-05-10", "--fetuses", "1", "--format", "json", *flags
    )
    assert code == 0
    by_id = {m["id"]: (m["applicability"], m["reason_key"]) for m in json.loads(out)["milestones"]}
    assert {key: by_id[key] for key in decisions} == decisions


def test_text_format_is_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *PLAN, "--due-date", "2027-05-10")
    assert code == 0
    assert "2026-10-26 to 2027-01-10 (12w0d to 22w6d)" in out
    assert "16w1d" in out
    assert "For discussion with your clinician" in out


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "plan.json"
    code, out, _ = run(
        capsys, *PLAN, "--due-date", "2027-05-10", "--format", "json", "-o", str(target)
    )
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["dating"]["due_date"] == "2027-05-10"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["--due-date", "2027-13-01"], ["--due-date: ", "2027-13-01", "real calendar day"]),
        (["--due-date", "10/05/2027"], ["--due-date: ", "10/05/2027", "dmy or mdy"]),
        (["--lmp", "2026-08-03", "--cycle-length", "50"], ["--cycle-length: ", "50", "20-45"]),
        (
            ["--lmp", "2026-08-03", "--cycle-length", "x"],
            ["--cycle-length: ", "'x'", "whole number"],
        ),
        (["--ga", "14w9d"], ["--ga: ", "14w9d", "14w3d"]),
        (["--ga", "46w0d"], ["--ga: ", "46w0d", "44w6d"]),
        (["--transfer", "2026-08-20"], ["--embryo-age: missing", "2-7", "with --transfer"]),
        (["--transfer", "2026-08-20", "--embryo-age", "9"], ["--embryo-age: ", "9", "2-7"]),
        # no dating: the flags that date a pregnancy, not the columns
        ([], ["dating: none given", "--due-date, --lmp, --ga, --conception"]),
        (
            ["--lmp", "2026-08-03", "--due-date", "2027-05-10"],
            ["dating: --due-date and --lmp given together; expected one way of dating"],
        ),
        # the issue: it blamed the value 30, not the combination
        (
            ["--due-date", "2027-05-10", "--crl", "30"],
            ["dating: --due-date and --crl given together", "--lmp with a scan"],
        ),
        (
            ["--due-date", "2027-05-10", "--cycle-length", "30"],
            ["--cycle-length: ", "only with --lmp"],
        ),
        (["--due-date", "2027-05-10", "--fetuses", "9"], ["--fetuses: ", "9"]),
        (["--due-date", "2027-05-10", "--fetuses", "two"], ["--fetuses: ", "two"]),
        (
            ["--due-date", "2027-05-10", "--risk-factor", "luck"],
            ["--risk-factor: ", "luck", "trauma"],
        ),
        (
            ["--due-date", "2027-05-10", "--cervical-length", "short"],
            ["--cervical-length: ", "short", "35mm or 3.5cm"],
        ),
        (["--due-date", "2027-05-10", "--today", "tomorrow"], ["--today: ", "tomorrow"]),
        (
            ["--due-date", "2027-05-10", "--protocol", "missing.toml"],
            ["missing.toml", "no such file"],
        ),
        (["--due-date", "2027-05-10", "--format", "pdf"], ["format", "pdf"]),
        (["--due-date", "2027-05-10", "--plan-id", ""], ["--plan-id: "]),
        (["--bogus"], ["--bogus"]),
        (
            ["--due-date", "2027-05-10", "--short-cervix", "--no-short-cervix"],
            ["--no-short-cervix"],
        ),
        (
            ["--due-date", "2027-05-10", "--no-prior-preterm-birth", "--prior-preterm-birth"],
            ["--prior-preterm-birth"],
        ),
        (  # one fact under its two names: the last one silently won before
            ["--due-date", "2027-05-10", "--cervical-length", "35mm", "--cervical-length-mm", "15"],
            ["--cervical-length-mm: '15'", "'35mm'"],
        ),
        (  # named as the flag, not as the protocol's key
            ["--due-date", "2027-05-10", "--language", "xx"],
            ["--language: 'xx'", "en, tr"],
        ),
        (  # the same flag twice with two values
            ["--due-date", "2027-05-10", "--due-date", "2027-05-17"],
            ["--due-date: '2027-05-17'", "'2027-05-10'"],
        ),
        (
            ["--due-date", "2027-05-10", "--today", "2026-11-24", "--today", "2026-11-25"],
            ["--today: '2026-11-25'", "'2026-11-24'"],
        ),
        (
            [
                "--due-date",
                "2027-05-10",
                "--prior-second-trimester-loss",
                "--no-prior-second-trimester-loss",
            ],
            ["--no-prior-second-trimester-loss"],
        ),
        (  # the library's error: the field, the value and the two kinds of stitch
            [
                "--due-date",
                "2027-05-10",
                "--cerclage-placed-on",
                "2026-11-02",
                "--cerclage-type",
                "purse-string",
            ],
            ["--cerclage-type: ", "'purse-string'", "transvaginal or transabdominal"],
        ),
        (  # a type without the day of the stitch would be silently ignored
            ["--due-date", "2027-05-10", "--cerclage-type", "transvaginal"],
            ["--cerclage-type: ", "only with --cerclage-placed-on"],
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], names: list[str]
) -> None:
    today = [] if "--today" in argv else ["--today", "2026-11-24"]
    code, out, err = run(capsys, "plan", *today, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert "Traceback" not in err
    for name in names:
        assert name in err, (name, err)


def test_output_into_a_missing_folder_names_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "plan.txt"
    code, _, err = run(capsys, *PLAN, "--due-date", "2027-05-10", "-o", str(target))
    assert code == 2
    assert str(target) in err and ".part" not in err and err.count("\n") == 1


def test_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--help")
    assert code == 0
    assert "care-timeline plan --due-date 2027-05-10" in out
    assert "--no-prior-preterm-birth" in out
    assert "--no-prior-second-trimester-loss" in out and "--cerclage-type" in out
    words = " ".join(out.split())  # the help is wrapped to the terminal's width
    assert "a previous spontaneous preterm birth" in words
    assert "not one brought forward for a medical reason" in words


def test_protocol_show_prints_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "protocol", "show")
    assert code == 0
    assert out == ct.default_protocol_text()
    assert ct.parse_protocol(out).id == "cervical-insufficiency"


def test_protocol_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.toml"
    good.write_text(ct.default_protocol_text(), encoding="utf-8")
    code, out, _ = run(capsys, "protocol", "validate", str(good))
    assert code == 0 and "valid" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        ct.default_protocol_text().replace('end = "22w6d"', 'end = "2w6d"'), encoding="utf-8"
    )
    code, out, err = run(capsys, "protocol", "validate", str(bad))
    assert code == 2 and out == ""
    assert "bad.toml" in err and "cervical-change-risk" in err and err.count("\n") == 1
    code, _, err = run(capsys, "protocol", "show", str(bad))
    assert code == 2 and "bad.toml" in err


def test_protocol_flag_uses_a_clinic_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic = tmp_path / "clinic.toml"
    clinic.write_text(
        ct.default_protocol_text().replace(
            'start = "12w0d"\nend = "14w6d"', 'start = "13w0d"\nend = "14w6d"'
        ),
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, *PLAN, "--due-date", "2027-05-10", "--protocol", str(clinic), "--format", "json"
    )
    assert code == 0
    placement = next(m for m in json.loads(out)["milestones"] if m["id"] == "cerclage-placement")
    assert (placement["start"], placement["start_ga"]) == ("2026-11-02", "13w0d")


# -- -o FILE picks the format by its extension (issue: text went into mine.ics) -------------

DUE = ["--due-date", "2027-05-10"]


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("mine.ics", b"BEGIN:VCALENDAR\r\n"),
        ("MINE.ICS", b"BEGIN:VCALENDAR\r\n"),  # any case
        ("plan.json", b'{\n  "protocol"'),
        ("plan.csv", b"plan_id,milestone_id,"),
        ("plan.html", b"<!DOCTYPE html>"),
        ("plan.htm", b"<!DOCTYPE html>"),
        ("plan.svg", b'<?xml version="1.0" encoding="UTF-8"?>\n<svg'),
        ("plan.txt", b"Cervical insufficiency care timeline\n"),
        ("plan", b"Cervical insufficiency care timeline\n"),  # no extension: text
        ("plan.pdf", b"Cervical insufficiency care timeline\n"),  # not one of ours: text
    ],
)
def test_the_output_file_extension_picks_the_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, starts: bytes
) -> None:
    code, _, err = run(capsys, *PLAN, *DUE, "-o", str(tmp_path / name))
    assert (code, err) == (0, "")
    assert (tmp_path / name).read_bytes().startswith(starts)


def test_a_json_file_is_fhir_when_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from _support.tools import needs_fhir_extra

    needs_fhir_extra()
    for name, fmt in (("bundle.json", ["--format", "fhir"]), ("bundle.fhir.json", [])):
        code, _, err = run(capsys, *PLAN, *DUE, *fmt, "-o", str(tmp_path / name))
        assert (code, err) == (0, "")
        assert json.loads((tmp_path / name).read_bytes())["resourceType"] == "Bundle"


@pytest.mark.parametrize(
    ("name", "fmt", "fits"),
    [
        ("mine.csv", "ics", "csv"),
        ("mine.ics", "text", "ics"),
        ("mine.json", "html", "json or fhir"),
        ("mine.fhir.json", "json", "fhir"),
    ],
)
def test_a_format_the_file_contradicts_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, fmt: str, fits: str
) -> None:
    code, out, err = run(capsys, *PLAN, *DUE, "--format", fmt, "-o", str(tmp_path / name))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and err.startswith(f"care-timeline: error: --format: {fmt!r}")
    assert name in err and f"expected {fits} for a " in err
    assert not (tmp_path / name).exists()


def test_diff_picks_its_format_from_the_file_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("before.json", "after.json"):
        assert main([*PLAN, *DUE, "--plan-id", "p", "-o", str(tmp_path / name)]) == 0
    argv = ["diff", str(tmp_path / "before.json"), str(tmp_path / "after.json")]
    assert main([*argv, "-o", str(tmp_path / "changes.csv")]) == 0
    assert (tmp_path / "changes.csv").read_bytes().startswith(b"milestone_id,")
    # diff writes no calendar; the file is named even at the end of a long path (values in a
    # message are cut to 80 characters, in the middle)
    deep = tmp_path.joinpath(*["a-folder-with-a-long-name"] * 4)
    assert main([*argv, "-o", str(deep / "changes.ics")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-o" in err and "changes.ics'" in err, err


# -- errors in the user's words (issue: fields named, not the flags typed) -----------------


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["plan", "--duedate", "2027-05-10"],
            "care-timeline: unrecognized arguments: --duedate 2027-05-10; did you mean --due-date?",
        ),
        (
            ["plan", "--due-date", "2027-05-10", "--cervical-lenght", "30mm"],
            "care-timeline: unrecognized arguments: --cervical-lenght 30mm; did you mean "
            "--cervical-length?",
        ),
        (
            ["plan", "--due-date", "2027-05-10", "--twins"],
            "care-timeline: unrecognized arguments: --twins; for --twins, write --fetuses 2",
        ),
        (
            ["pln", "--due-date", "2027-05-10"],
            "care-timeline: argument COMMAND: invalid choice: 'pln' (choose from 'plan', "
            "'batch', 'publish', 'upcoming', 'diff', 'protocol', 'key'); did you mean 'plan'?",
        ),
        (["plan", "--zzz"], "care-timeline: unrecognized arguments: --zzz"),  # nothing close
    ],
)
def test_a_misspelt_flag_or_command_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", line + "\n")


@pytest.mark.parametrize(
    ("argv", "listed"),
    [
        ([], ["plan", "batch", "upcoming", "diff", "protocol", "key"]),
        (["protocol"], ["show", "validate"]),
        (["key"], ["new"]),
    ],
)
def test_no_command_lists_the_commands(
    capsys: pytest.CaptureFixture[str], argv: list[str], listed: list[str]
) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")  # a usage error: a script that runs it bare fails
    assert err.startswith("usage: care-timeline")
    lines = [line.split() for line in err.splitlines()]
    for command in listed:  # each with its one-line help
        assert any(len(words) > 1 and words[0] == command for words in lines), command


def test_a_flag_typed_in_another_form_is_named_as_typed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, *PLAN, "--due-date", "2027-05-10", "--cervical-length-mm", "3.5")
    assert code == 2 and err.startswith("care-timeline: error: --cervical-length-mm: '3.5'")
    # a yes/no fact is named by its flag, and a "no" by its --no- flag
    code, _, err = run(
        capsys,
        *PLAN,
        "--due-date",
        "2027-05-10",
        "--no-short-cervix",
        "--short-cervix-on",
        "2026-11-20",
    )
    assert err == (
        "care-timeline: error: --short-cervix-on: '2026-11-20' is not valid; expected it only "
        "with --short-cervix (the day a short cervix was found)\n"
    )


def test_a_batch_names_its_columns(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "due_date": "2027-05-10", "crl": "30"},
        {"id": "b"},
        {
            "id": "c",
            "due_date": "2027-05-10",
            "short_cervix": "no",
            "short_cervix_on": "2026-11-20",
        },
    ]
    errors = [r for r in ct.plan_many(rows, ct.RowOptions(today="2026-11-24"))]
    assert [(e.id, e.message) for e in errors if isinstance(e, ct.RowError)] == [
        (
            "a",
            "dating: due_date and crl given together; expected one way of dating (lmp with a "
            "scan, crl or scan_ga with scan_date, reconciles the two)",
        ),
        (
            "b",
            "dating: none given; expected one way of dating: due_date, lmp, ga, conception, "
            "transfer, crl, scan_ga",
        ),
        (
            "c",
            "short_cervix_on: '2026-11-20' is not valid; expected it only with short_cervix "
            "yes (the day a short cervix was found)",
        ),
    ]


def test_the_fields_api_names_fields_as_asked() -> None:
    fields = {"due_date": "2027-05-10", "lmp": "2026-08-03"}
    with pytest.raises(ct.DatingError, match=r"^dating: due_date and lmp given together"):
        ct.dating_from_fields(fields, today=date(2026, 11, 24))
    with pytest.raises(ct.DatingError, match=r"^dating: the due date and the LMP given together"):
        ct.dating_from_fields(
            fields, today=date(2026, 11, 24), names={"due_date": "the due date", "lmp": "the LMP"}
        )
