"""Patient fields (the batch CSV's columns and the CLI's flags) into a Profile: the
history and stitch-type fields added with protocol version 2."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import care_timeline as ct

PLACED = {"cerclage_placed_on": "2026-11-02"}


@pytest.mark.parametrize(
    ("text", "loss"),
    [
        ("yes", True),
        ("No", False),
        ("1", True),
        ("false", False),
        ("", None),  # empty: unknown, never "no"
        ("  ", None),
    ],
)
def test_prior_second_trimester_loss_is_three_valued(text: str, loss: bool | None) -> None:
    profile = ct.profile_from_fields({"prior_second_trimester_loss": text})
    assert profile.prior_second_trimester_loss is loss


def test_a_missing_column_is_unknown() -> None:
    profile = ct.profile_from_fields({"due_date": "2027-05-10"})
    assert (profile.prior_second_trimester_loss, profile.cerclage_type) == (None, None)


@pytest.mark.parametrize(
    ("text", "stitch"),
    [
        ("transvaginal", "transvaginal"),
        ("transabdominal", "transabdominal"),
        (" TransAbdominal ", "transabdominal"),  # any case, spaces around it
        ("", None),  # unknown
    ],
)
def test_cerclage_type(text: str, stitch: str | None) -> None:
    profile = ct.profile_from_fields({**PLACED, "cerclage_type": text})
    assert profile == ct.Profile(cerclage_placed_on=date(2026, 11, 2), cerclage_type=stitch)


@pytest.mark.parametrize("text", ["purse-string", "vaginal", "abdominal stitch", "yes"])
def test_a_bad_cerclage_type_names_the_field_the_value_and_the_choices(text: str) -> None:
    with pytest.raises(ct.ProfileError) as raised:
        ct.profile_from_fields({**PLACED, "cerclage_type": text})
    assert raised.value.field == "cerclage_type"
    message = str(raised.value)
    assert message.startswith(f"cerclage_type: {text!r} is not valid")
    assert "transvaginal or transabdominal" in message


def test_a_cerclage_type_needs_the_day_of_the_stitch() -> None:
    with pytest.raises(ct.ProfileError, match="cerclage_placed_on") as raised:
        ct.profile_from_fields({"cerclage_type": "transvaginal"})
    assert raised.value.field == "cerclage_type"


def test_the_new_fields_are_columns_and_flags() -> None:
    assert "prior_second_trimester_loss" in ct.PROFILE_FIELDS
    assert "cerclage_type" in ct.PROFILE_FIELDS
    assert set(ct.PROFILE_FIELDS) <= set(ct.FIELDS)


# -- the cervical length, with its unit (issue: 3.5 typed in cm was read as 3.5 mm) ----------


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("22", 22.0),  # a number alone, from 10 up: millimetres
        ("10", 10.0),
        ("22.5", 22.5),
        ("35mm", 35.0),
        (" 35 MM ", 35.0),
        ("3.5cm", 35.0),  # centimetres, converted: 3.5 x 10
        ("2.2 cm", 22.0),  # exactly 22, not 22.000000000000004
        ("0.8cm", 8.0),
        ("8mm", 8.0),  # under 10 with its unit: taken
        ("80mm", 80.0),  # the longest taken
    ],
)
@pytest.mark.parametrize("column", ["cervical_length_mm", "cervical_length"])  # and the old name
def test_a_cervical_length_is_read_with_its_unit(text: str, mm: float, column: str) -> None:
    profile = ct.profile_from_fields({column: text})
    assert profile.cervical_length_mm == mm
    assert ct.Profile(cervical_length_mm=text).cervical_length_mm == mm  # the API reads text too


@pytest.mark.parametrize("text", ["3.5", "9", "9.9", "0.5"])
@pytest.mark.parametrize("column", ["cervical_length_mm", "cervical_length"])
def test_a_short_length_without_its_unit_asks_for_it(text: str, column: str) -> None:
    with pytest.raises(ct.ProfileError) as raised:
        ct.profile_from_fields({column: text})
    assert raised.value.field == column  # the column the user wrote
    assert str(raised.value).startswith(f"{column}: {text!r} is not valid; expected its unit: ")
    assert f"{text}cm" in str(raised.value) and f"{text}mm" in str(raised.value)
    with pytest.raises(ct.ProfileError, match=r"^cervical_length_mm: .* expected its unit"):
        ct.Profile(cervical_length_mm=text)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("35cm", "35cm is 350 mm"),  # millimetres typed with cm behind them
        ("350", "up to 80 mm"),  # 35.0 without its point
        ("0mm", "over 0"),
        ("81", "up to 80 mm"),
    ],
)
def test_a_length_no_cervix_has_is_refused(text: str, said: str) -> None:
    with pytest.raises(ct.ProfileError, match=f"^cervical_length_mm: {text!r} is not valid") as e:
        ct.profile_from_fields({"cervical_length_mm": text})
    assert said in str(e.value)


@pytest.mark.parametrize("text", ["abc", "3,5", "35 inches", "1e2", "inf", "-20", "mm"])
def test_a_length_that_cannot_be_read_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ct.ProfileError, match=r"expected a length with its unit, like 35mm"):
        ct.profile_from_fields({"cervical_length_mm": text})


def test_a_number_a_script_passes_is_in_millimetres() -> None:
    # the field's own unit: a stored plan's 8.0 loads again, and a script's 22 is 22 mm
    assert ct.profile_from_fields({"cervical_length_mm": 8.0}).cervical_length_mm == 8.0
    assert ct.Profile(cervical_length_mm=22).cervical_length_mm == 22.0
    with pytest.raises(ct.ProfileError, match="up to 80 mm"):
        ct.Profile(cervical_length_mm=350)


def test_the_old_and_the_new_column_together_are_refused() -> None:
    with pytest.raises(ct.ProfileError, match="one of cervical_length_mm or cervical_length"):
        ct.profile_from_fields({"cervical_length_mm": "22", "cervical_length": "22"})
    # one of them empty: the other is read
    profile = ct.profile_from_fields({"cervical_length_mm": "", "cervical_length": "22"})
    assert profile.cervical_length_mm == 22.0


# -- yes and no in English and Turkish (issue: evet/hayır were refused) -----------------------


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("evet", True),
        ("EVET", True),
        ("Evet", True),
        ("e", True),
        ("var", True),  # there is: how a Turkish record states a finding
        ("hayır", False),
        ("HAYIR", False),  # Turkish capitals: I is the capital of ı
        ("Hayır", False),
        ("hayir", False),  # without the Turkish letter
        ("HAYİR", False),  # with a dotted capital İ
        ("h", False),
        ("Yok", False),
        ("YES", True),
        ("FALSE", False),
    ],
)
def test_yes_and_no_in_english_and_turkish(text: str, answer: bool) -> None:
    assert ct.profile_from_fields({"prior_preterm_birth": text}).prior_preterm_birth is answer


@pytest.mark.parametrize("text", ["maybe", "evetm", "ha", "hayırlı", "bilinmiyor"])
def test_other_words_are_refused_naming_both_languages(text: str) -> None:
    with pytest.raises(ct.ProfileError) as raised:
        ct.profile_from_fields({"short_cervix": text})
    assert raised.value.field == "short_cervix"
    assert "yes/no" in str(raised.value) and "evet/hayır" in str(raised.value)


def test_a_turkish_batch_reads_evet_and_hayir(tmp_path: Path) -> None:
    from care_timeline.cli import main

    patients = tmp_path / "hastalar.csv"
    patients.write_text(
        "id,due_date,fetuses,prior_preterm_birth,short_cervix\n"
        "a,2027-05-10,1,EVET,hayır\n"
        "b,2027-05-10,1,Hayır,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    argv = ["batch", str(patients), "--out", str(out), "--format", "json", "--quiet"]
    assert main([*argv, "--language", "tr", "--today", "2026-11-24", "--jobs", "1"]) == 0
    a = ct.Plan.model_validate_json((out / "a.json").read_text(encoding="utf-8"))
    b = ct.Plan.model_validate_json((out / "b.json").read_text(encoding="utf-8"))
    assert a.profile == ct.Profile(fetuses=1, prior_preterm_birth=True, short_cervix=False)
    assert b.profile == ct.Profile(fetuses=1, prior_preterm_birth=False)


@pytest.mark.parametrize(
    ("fields", "due"),
    [
        # 14w3d = 101 days on 2026-11-24: day 0 2026-08-15, due 280 days later
        ({"ga": "14w3d"}, date(2027, 5, 22)),
        ({"due_date": "2027-05-10"}, date(2027, 5, 10)),
    ],
)
def test_plan_from_fields_reads_today_as_text_too(fields: dict[str, str], due: date) -> None:
    """``today`` as text, like the fields' own dates (a gestational age on today raised a
    TypeError before)."""
    made = ct.plan_from_fields(fields, today="2026-11-24")
    assert (made.today, made.dating.due_date) == (date(2026, 11, 24), due)
    with pytest.raises(ct.PlanError, match="today: '24/11/2026'"):
        ct.plan_from_fields(fields, today="24/11/2026")
    assert ct.plan_from_fields(fields, today="24/11/2026", date_order="dmy") == made


@pytest.mark.parametrize(
    ("today", "due"),
    [
        # 20w0d on 2026-11-01: day 0 is 140 days earlier, 2026-06-14; due 280 days after it
        ("2026-11-01", date(2027, 3, 21)),
        (date(2026, 11, 1), date(2027, 3, 21)),
    ],
)
def test_dating_from_fields_reads_today_as_text_too(today: str | date, due: date) -> None:
    assert ct.dating_from_fields({"ga": "20w"}, today=today).due_date == due


@pytest.mark.parametrize("today", ["01/11/2026", "", 20261101])
def test_dating_from_fields_refuses_a_today_that_is_not_a_date(today: object) -> None:
    # a bare TypeError before, from comparing a date with text
    with pytest.raises(ct.DatingError) as caught:
        ct.dating_from_fields({"ga": "20w"}, today=today)  # type: ignore[arg-type]
    assert caught.value.field == "today"
