"""A calendar's options are one value, checked once where it is built.

Every field refuses what it cannot take with an ``ExportError`` naming the field;
the value so built travels whole (to_ics, render, write_batch, a batch's worker
processes) and nothing checks an option again.
"""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import care_timeline as ct
from care_timeline import calendar_options

T0 = datetime(2026, 11, 24, 8, tzinfo=UTC)
PLAN = ct.plan(ct.Dating.from_due_date("2027-05-10"), today="2026-11-24", plan_id="p-1")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"timestamp": datetime(2026, 11, 24, 8)}, "timestamp"),  # naive: no instant
        ({"timestamp": "2026-11-24T08:00:00Z"}, "timestamp"),  # text: parse it first
        ({"timestamp": datetime(2088, 1, 19, 3, 14, 8, tzinfo=UTC)}, "timestamp"),  # SEQUENCE
        ({"calendar_name": "bell\x07"}, "calendar_name"),  # a control character
        ({"calendar_name": "   "}, "calendar_name"),  # only blanks
        ({"calendar_name": 5}, "calendar_name"),
        ({"reminders": timedelta(days=40)}, "reminders"),  # more than four weeks before
        ({"reminders": timedelta(days=1)}, "reminders"),  # after the first day
        ({"reminders": 15}, "reminders"),
        ({"uid_key": "secret"}, "uid_key"),  # text, not bytes
        ({"uid_key": b"short"}, "uid_key"),  # under 16 bytes
        ({"private": "yes"}, "private"),
        ({"omit": ["discuss"]}, "omit"),  # what applies is always written
        ({"omit": 5}, "omit"),
    ],
)
def test_each_field_is_checked_when_built(given: dict[str, Any], field: str) -> None:
    with pytest.raises(ct.ExportError) as caught:
        ct.CalendarOptions(**given)
    assert caught.value.field == field


def test_the_defaults() -> None:
    options = ct.CalendarOptions()
    assert (options.timestamp, options.calendar_name, options.uid_key) == (None, None, None)
    assert (options.reminders, options.private, options.omit) == (ct.DEFAULT_REMINDER, False, ())


def test_values_are_kept_in_one_form() -> None:
    options = ct.CalendarOptions(
        timestamp=datetime(2026, 11, 24, 9, 0, 0, 500, tzinfo=timezone(timedelta(hours=1))),
        calendar_name="one\r\ntwo",
        uid_key=bytearray(16),
        omit="not-applicable, not-applicable",
    )
    assert options.timestamp == T0 and options.timestamp.tzinfo is UTC
    assert options.calendar_name == "one\ntwo"
    assert options.uid_key == bytes(16) and type(options.uid_key) is bytes
    assert options.omit == ("not-applicable",)


def test_a_frozen_value_that_pickles_and_hides_its_key() -> None:
    options = ct.CalendarOptions(timestamp=T0, uid_key=b"k" * 16, private=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.private = False  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(options)) == options  # as a batch's workers get it
    assert options == ct.CalendarOptions(timestamp=T0, uid_key=b"k" * 16, private=True)
    assert "kkkk" not in repr(options)


def test_stamped_once() -> None:
    options = ct.CalendarOptions(private=True)
    stamped = options.stamped()
    assert stamped.timestamp is not None and stamped.timestamp.microsecond == 0
    assert (stamped.private, options.timestamp) == (True, None)
    assert stamped.stamped() is stamped


def test_exports_take_only_the_value() -> None:
    with pytest.raises(ct.ExportError) as caught:
        ct.to_ics(PLAN, {"timestamp": T0})  # type: ignore[arg-type]
    assert caught.value.field == "options"
    with pytest.raises(TypeError):
        ct.to_ics(PLAN, timestamp=T0)  # type: ignore[call-arg]


def test_nothing_checks_an_option_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    options = ct.CalendarOptions(timestamp=T0, calendar_name="Clinic", reminders=None)
    checks = {"count": 0}

    def counted(name: str) -> str:
        checks["count"] += 1
        return name

    monkeypatch.setattr(calendar_options, "check_calendar_name", counted)
    ct.to_ics(PLAN, options)
    ct.render(PLAN, "ics", options)
    ct.render(PLAN, "html", options)
    rows = [{"id": "a", "due_date": "2027-05-10"}, {"id": "b", "due_date": "2027-06-01"}]
    report = ct.write_batch(
        rows, tmp_path, ct.RowOptions(today="2026-11-24"), format="ics", calendar=options
    )
    assert report.ok and checks["count"] == 0
