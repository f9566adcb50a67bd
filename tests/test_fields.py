"""Patient fields (the batch CSV's columns and the CLI's flags) into a Profile: the
history and stitch-type fields added with protocol version 2."""

from __future__ import annotations

from datetime import date

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
