"""Calendar UIDs from a plan id: unchanged without a key (calendars keep updating), a
keyed hash with a clinic's key, so a guessed id can no longer be checked against them."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import care_timeline as ct
from _support.ics import parse
from care_timeline.cli import main
from care_timeline.export import _ids
from care_timeline.uid_keys import UID_KEY_ENV

STAMP = datetime(2026, 11, 24, 8, tzinfo=UTC)
TODAY = date(2026, 11, 24)
KEY = bytes(range(32))


def plan_for(plan_id: str | None, due: date = date(2027, 5, 10)) -> ct.Plan:
    return ct.plan(ct.Dating.from_due_date(due), today=TODAY, plan_id=plan_id)


def uids(data: bytes) -> list[str]:
    return parse(data).uids()


def unkeyed(plan_id: str, what: str) -> str:
    """The UID of version 0.1, worked out here from its definition."""
    text = f"care-timeline\x00uid-1\x00plan\x00{plan_id}\x00{what}"
    return hashlib.sha256(text.encode()).hexdigest()[:32] + "@care-timeline"


def keyed(key: bytes, plan_id: str, what: str) -> str:
    text = f"care-timeline\x00uid-keyed-1\x00plan\x00{plan_id}\x00{what}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32] + "@care-timeline"


def test_without_a_key_the_uids_are_those_of_before() -> None:
    plan = plan_for("clinic-42/7781")
    data = ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP))
    assert uids(data) == [
        unkeyed("clinic-42/7781", f"milestone\x00{m.id}") for m in plan.milestones
    ]
    assert f"UID:{unkeyed('clinic-42/7781', 'calendar')}".encode() in data


def test_with_a_key_the_uids_are_keyed_hashes() -> None:
    plan = plan_for("clinic-42/7781")
    data = ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP, uid_key=KEY))
    expected = [keyed(KEY, "clinic-42/7781", f"milestone\x00{m.id}") for m in plan.milestones]
    assert uids(data) == expected
    assert f"UID:{keyed(KEY, 'clinic-42/7781', 'calendar')}".encode() in data
    assert ct.render(plan, "ics", ct.CalendarOptions(timestamp=STAMP, uid_key=KEY)) == data


def test_a_guessed_record_number_is_found_without_a_key_and_not_with_one() -> None:
    """The attack: hash every candidate id and compare with a UID from a calendar."""
    secret_id = "4711"
    plan = plan_for(secret_id)
    first = plan.milestones[0].id

    def brute_force(uid: str) -> str | None:
        for number in range(10_000):  # every 4-digit record number
            if unkeyed(f"{number:04d}", f"milestone\x00{first}") == uid:
                return f"{number:04d}"
        return None

    assert brute_force(uids(ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP)))[0]) == secret_id
    assert (
        brute_force(uids(ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP, uid_key=KEY)))[0])
        is None
    )


def test_the_same_key_keeps_the_uids_across_re_exports() -> None:
    before = uids(ct.to_ics(plan_for("7781"), ct.CalendarOptions(timestamp=STAMP, uid_key=KEY)))
    # re-dated after a scan, exported a week later: the same events, updated in place
    later = datetime(2026, 12, 1, 8, tzinfo=UTC)
    after = uids(
        ct.to_ics(
            plan_for("7781", date(2027, 5, 17)), ct.CalendarOptions(timestamp=later, uid_key=KEY)
        )
    )
    assert before == after
    other_key = uids(
        ct.to_ics(plan_for("7781"), ct.CalendarOptions(timestamp=STAMP, uid_key=bytes(32)))
    )
    assert not set(before) & set(other_key)  # a new key: every UID new


def test_without_a_plan_id_the_key_changes_nothing() -> None:
    plan = plan_for(None)
    assert uids(ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP, uid_key=KEY))) == uids(
        ct.to_ics(plan, ct.CalendarOptions(timestamp=STAMP))
    )


def test_plan_token_for_other_exports() -> None:
    token = _ids.plan_token("7781", KEY)
    text = "care-timeline\x00plan-token-1\x007781"
    assert token == hmac.new(KEY, text.encode(), hashlib.sha256).hexdigest()
    assert _ids.plan_token("7781", None) == hashlib.sha256(text.encode()).hexdigest()
    assert _ids.plan_token("7781", KEY) != _ids.plan_token("7782", KEY)
    # never one of the calendar's UIDs
    assert not any(
        uid.startswith(token[:32])
        for uid in uids(ct.to_ics(plan_for("7781"), ct.CalendarOptions(uid_key=KEY)))
    )


def test_write_batch_with_a_key_writes_the_keyed_export(tmp_path: Path) -> None:
    rows = [{"id": "7781", "due_date": "2027-05-10"}]
    ct.write_batch(
        rows,
        tmp_path / "out",
        ct.RowOptions(today=TODAY),
        format="ics",
        jobs=1,
        calendar=ct.CalendarOptions(timestamp=STAMP, uid_key=KEY),
    )
    expected = ct.to_ics(plan_for("7781"), ct.CalendarOptions(timestamp=STAMP, uid_key=KEY))
    assert (tmp_path / "out" / "7781.ics").read_bytes() == expected


# -- the command line -------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "clinic.key"
    ct.save_uid_key(path, KEY)
    return path


@pytest.fixture
def patients(tmp_path: Path) -> Path:
    path = tmp_path / "patients.csv"
    path.write_text("id,due_date\n7781,2027-05-10\n7782,2027-06-01\n", encoding="utf-8")
    return path


def batch(patients: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "batch",
            str(patients),
            "--out",
            str(out),
            "--today",
            "2026-11-24",
            "--timestamp",
            "2026-11-24T08:00:00Z",
            "--jobs",
            "1",
            *extra,
        ]
    )


NOTE = re.compile(
    r"note: without a key, calendar UIDs and FHIR identifiers are a plain hash of the plan id"
)


def test_batch_without_a_key_says_so_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path
) -> None:
    assert batch(patients, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert len(NOTE.findall(err)) == 1 and "docs/calendars.md" in err
    assert batch(patients, tmp_path / "quiet", "--quiet") == 0
    assert capsys.readouterr().err == ""
    assert batch(patients, tmp_path / "json", "--format", "json") == 0
    assert not NOTE.search(capsys.readouterr().err)  # no UIDs in JSON


def test_batch_with_a_key_file(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    patients: Path,
    key_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert batch(patients, tmp_path / "flag", "--uid-key", str(key_file)) == 0
    assert not NOTE.search(capsys.readouterr().err)
    expected = ct.to_ics(plan_for("7781"), ct.CalendarOptions(timestamp=STAMP, uid_key=KEY))
    assert (tmp_path / "flag" / "7781.ics").read_bytes() == expected
    monkeypatch.setenv("CARE_TIMELINE_UID_KEY_FILE", str(key_file))
    assert UID_KEY_ENV == "CARE_TIMELINE_UID_KEY_FILE"
    assert batch(patients, tmp_path / "env") == 0
    assert not NOTE.search(capsys.readouterr().err)
    assert (tmp_path / "env" / "7781.ics").read_bytes() == expected


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_a_key_file_others_can_read_stops_the_batch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path, key_file: Path
) -> None:
    key_file.chmod(0o644)
    assert batch(patients, tmp_path / "out", "--uid-key", str(key_file)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "others can read or change this key file" in err
    assert not (tmp_path / "out").exists()


def test_plan_with_a_key_and_the_note(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, key_file: Path
) -> None:
    argv = ["plan", "--due-date", "2027-05-10", "--today", "2026-11-24", "--format", "ics"]
    stamp = ["--timestamp", "2026-11-24T08:00:00Z"]
    assert main([*argv, *stamp, "--plan-id", "7781", "--uid-key", str(key_file)]) == 0
    captured = capsys.readouterr()
    assert captured.out.encode() == ct.to_ics(
        plan_for("7781"), ct.CalendarOptions(timestamp=STAMP, uid_key=KEY)
    )
    assert captured.err == ""
    assert main([*argv, *stamp, "--plan-id", "7781"]) == 0
    assert len(NOTE.findall(capsys.readouterr().err)) == 1
    assert main([*argv, *stamp]) == 0  # no plan id: nothing to trace back
    assert capsys.readouterr().err == ""


def test_a_missing_key_file_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, patients: Path
) -> None:
    code = batch(patients, tmp_path / "out", "--uid-key", str(tmp_path / "nope.key"))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "nope.key" in err
