"""Publishing subscription feeds: a fresh site, a re-publication that touches
nothing, a re-dating that changes one feed, revocations, removed patients, bad
rows, the links file kept out of the site, and the checks that keep a wrong key
or a wrong folder from doing harm.

Pregnancies here are dated by their due dates; counted by hand, for a due date of
2027-05-10 day 0 is 2026-08-03 and for 2027-05-17 it is 2026-08-10. A feed's
SEQUENCE is the whole seconds from 2020-01-01T00:00:00Z to its stamp:
2026-11-24 is 2519 days later (6 years of 365 days plus 2 leap days, 2020 and
2024, is 2192, plus 327 days from 1 January to 24 November 2026), so
2026-11-24T08:00:00Z gives 2519 * 86400 + 8 * 3600 = 217,670,400.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import care_timeline as ct
from care_timeline.batch import file_name
from care_timeline.batch import folder as batch_folder
from care_timeline.cli import main

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
TODAY = "2026-11-24"
FIRST = datetime(2026, 11, 24, 8, tzinfo=UTC)
LATER = datetime(2026, 11, 25, 8, tzinfo=UTC)
BASE = "https://calendars.example.org/feeds/"
PATIENTS = {
    "7781": "2027-05-10",
    "clinic-42/7782": "2027-06-01",
    "Ana Lima": "2027-04-20",
}
FEED = re.compile(r"[a-z2-7]{32}\.ics")


def write_patients(path: Path, patients: dict[str, str], extra: str = "") -> Path:
    lines = ["id,due_date,fetuses"]
    lines += [f"{row_id},{due},1" for row_id, due in patients.items()]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


class Clinic:
    """A clinic's folder: its patients file, the served site and the links file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.patients = root / "patients.csv"
        self.site_folder = root / "site"
        self.links = root / "private" / "links.csv"
        write_patients(self.patients, PATIENTS)

    def site(self, **changes: object) -> ct.FeedSite:
        given: dict[str, object] = {"links": self.links, "base_url": BASE, **changes}
        return ct.FeedSite(self.site_folder, **given)  # type: ignore[arg-type]

    def publish(
        self,
        stamp: datetime = FIRST,
        *,
        today: str = TODAY,
        key: bytes = KEY,
        revoke: tuple[str, ...] = (),
        jobs: int = 1,
        **calendar: object,
    ) -> ct.PublishReport:
        rows = ct.read_patients(self.patients)
        try:
            return ct.publish(
                rows,
                self.site(),
                ct.RowOptions(today=today),
                calendar=ct.CalendarOptions(timestamp=stamp, uid_key=key, **calendar),  # type: ignore[arg-type]
                revoke=revoke,
                jobs=jobs,
            )
        finally:
            rows.close()

    def feeds(self) -> dict[str, tuple[bytes, int]]:
        """Every file in the site: its bytes and its modification time."""
        return {
            path.name: (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(self.site_folder.iterdir())
        }

    def links_rows(self) -> list[list[str]]:
        with self.links.open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    def address(self, row_id: str) -> str:
        for row in self.links_rows()[1:]:
            if row[0] == row_id:
                return row[1].rsplit("/", 1)[1].removesuffix(".ics")
        raise AssertionError(f"{row_id} not in the links file")

    def errors(self) -> list[list[str]]:
        with (self.links.parent / "errors.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))


@pytest.fixture
def clinic(tmp_path: Path) -> Clinic:
    return Clinic(tmp_path)


def single_export(row_id: str, due: str, stamp: datetime, today: str = TODAY) -> bytes:
    """What `plan ... --format ics` gives the same patient: the feed's expected bytes."""
    plan = ct.plan_from_fields({"due_date": due, "fetuses": "1"}, today=today, plan_id=row_id)
    return ct.to_ics(plan, ct.CalendarOptions(timestamp=stamp, uid_key=KEY, calendar_uid=False))


def test_a_fresh_site_holds_one_feed_per_patient_at_her_address(clinic: Clinic) -> None:
    report = clinic.publish()
    assert (report.feeds, report.new, report.changed, report.unchanged) == (3, 3, 0, 0)
    assert report.ok
    feeds = clinic.feeds()
    assert len(feeds) == 3 and all(FEED.fullmatch(name) for name in feeds)
    rows = clinic.links_rows()
    assert rows[0] == ["id", "https", "webcal"]
    assert [row[0] for row in rows[1:]] == list(PATIENTS)  # the patients file's order
    for row_id, https, webcal in rows[1:]:
        address = ct.export.feed_address(row_id, KEY)
        assert https == f"{BASE}{address}.ics"
        assert webcal == f"webcal://calendars.example.org/feeds/{address}.ics"
        # Each feed is the single export of the same patient, byte for byte.
        assert feeds[f"{address}.ics"][0] == single_export(row_id, PATIENTS[row_id], FIRST)
    # errors.csv, the cache and no revocations beside the links file; nothing else in the site.
    beside = sorted(path.name for path in clinic.links.parent.iterdir())
    assert beside == ["errors.csv", "links.csv", "publish-cache.csv"]
    assert clinic.errors() == [["line", "id", "field", "error"]]


def test_no_file_in_the_site_names_a_patient(clinic: Clinic) -> None:
    clinic.publish()
    # Each id, and each part of one that could tell who she is.
    telling = [*PATIENTS, "7781", "7782", "clinic-42", "Ana", "Lima"]
    for name, (data, _) in clinic.feeds().items():
        for text in telling:
            assert text.lower() not in name and text.encode() not in data, text
    # The addresses are not the ids' plain hashes either: only the key makes them.
    assert clinic.address("7781") != ct.export.feed_address("7781", OTHER_KEY)


def test_a_re_publication_with_no_change_touches_no_file(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before = clinic.feeds()
    report = clinic.publish(LATER)  # a later run: same patients, same day
    assert (report.new, report.changed, report.unchanged) == (0, 0, 3)
    assert clinic.feeds() == before  # same bytes, same modification times
    # Without the cache the calendars are made again and compared: still nothing touched,
    # and the next day too (nothing in these plans depends on the day).
    (clinic.links.parent / "publish-cache.csv").unlink()
    report = clinic.publish(LATER + timedelta(days=1), today="2026-11-25")
    assert (report.changed, report.unchanged) == (0, 3)
    assert clinic.feeds() == before


def test_a_re_dating_rewrites_only_that_feed_with_a_later_stamp(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before = clinic.feeds()
    address = clinic.address("7781")
    write_patients(clinic.patients, {**PATIENTS, "7781": "2027-05-17"})  # a scan re-dated her
    report = clinic.publish(LATER)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 2)
    after = clinic.feeds()
    assert after.keys() == before.keys()
    changed = [name for name in after if after[name] != before[name]]
    assert changed == [f"{address}.ics"]
    data = after[f"{address}.ics"][0]
    assert data == single_export("7781", "2027-05-17", LATER)
    # 2026-11-25T08:00:00Z is one day after FIRST: 217,670,400 + 86,400.
    assert b"SEQUENCE:217756800\r\n" in data and b"DTSTAMP:20261125T080000Z\r\n" in data
    # The due date moved by a week: 40w0d from day 0 2026-08-10.
    assert b"DTSTART;VALUE=DATE:20270517\r\n" in data
    assert clinic.address("7781") == address  # the same address, the same UIDs


def test_a_changed_feed_stamped_earlier_than_its_file_still_moves_forward(clinic: Clinic) -> None:
    clinic.publish(LATER)
    write_patients(clinic.patients, {**PATIENTS, "7781": "2027-05-17"})
    clinic.publish(FIRST)  # a run stamped a day before the file's stamp
    data = (clinic.site_folder / f"{clinic.address('7781')}.ics").read_bytes()
    # One second after the file's: 2026-11-25T08:00:01Z, SEQUENCE 217,756,801.
    assert b"DTSTAMP:20261125T080001Z\r\n" in data and b"SEQUENCE:217756801\r\n" in data


def test_a_change_of_calendar_options_rewrites_every_feed(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    report = clinic.publish(LATER, private=True)
    assert (report.changed, report.unchanged) == (3, 0)
    for data, _ in clinic.feeds().values():
        assert b"CLASS:PRIVATE" in data


def test_a_changed_protocol_is_published_though_every_row_is_as_it_was(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    text = ct.default_protocol_text()
    title = ct.default_protocol().title
    assert title in text
    protocol = ct.parse_protocol(text.replace(title, "Our clinic's cervical care plan", 1))
    rows = ct.read_patients(clinic.patients)
    options = ct.RowOptions(today=TODAY, protocol=protocol)
    calendar = ct.CalendarOptions(timestamp=LATER, uid_key=KEY)
    report = ct.publish(rows, clinic.site(), options, calendar=calendar, jobs=1)
    rows.close()
    # The cache knows the rows, but not this protocol: every feed is made again.
    assert (report.changed, report.unchanged) == (3, 0)
    for data, _ in clinic.feeds().values():
        assert b"X-WR-CALNAME:Our clinic's cervical care plan\r\n" in data


def test_a_feed_changed_by_hand_is_made_again(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    path = clinic.site_folder / f"{clinic.address('7781')}.ics"
    path.write_bytes(path.read_bytes().replace(b"Estimated due date", b"Something else"))
    report = clinic.publish(LATER)
    assert (report.changed, report.unchanged) == (1, 2)
    assert path.read_bytes() == single_export("7781", PATIENTS["7781"], LATER)


def test_workers_publish_the_same_bytes(clinic: Clinic, tmp_path: Path) -> None:
    clinic.publish(FIRST, jobs=2)
    other = Clinic(tmp_path / "other")
    other.publish(FIRST, jobs=1)
    assert [data for data, _ in clinic.feeds().values()] == [
        data for data, _ in other.feeds().values()
    ]


def test_a_revoked_address_is_replaced_and_stays_replaced(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before = clinic.feeds()
    old = clinic.address("7781")
    report = clinic.publish(LATER, revoke=("7781",))
    assert report.revoked == ["7781"] and report.ok
    new = clinic.address("7781")
    assert new != old and new == ct.export.feed_address("7781", KEY, 1)
    after = clinic.feeds()
    assert f"{old}.ics" not in after and f"{new}.ics" in after
    # The others are untouched; her calendar at the new address is the same content.
    for name in after:
        if name != f"{new}.ics":
            assert after[name] == before[name]
    revocations = (clinic.links.parent / "revocations.csv").read_bytes()
    assert revocations == b"id,revision,revoked_on\r\n7781,1,2026-11-24\r\n"
    # The next run keeps the new address; a second revocation gives a third one.
    clinic.publish(LATER + timedelta(days=1))
    assert clinic.address("7781") == new
    clinic.publish(LATER + timedelta(days=2), revoke=("7781",))
    assert clinic.address("7781") == ct.export.feed_address("7781", KEY, 2) != new


def test_a_lost_revocations_file_does_not_bring_a_revoked_address_back(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    old = clinic.address("7781")
    clinic.publish(LATER, revoke=("7781",))
    new = clinic.address("7781")
    (clinic.links.parent / "revocations.csv").unlink()
    clinic.publish(LATER + timedelta(days=1))
    # The links file shows the revision the key gave: it is taken back into the record.
    assert clinic.address("7781") == new
    assert f"{old}.ics" not in clinic.feeds()
    revocations = (clinic.links.parent / "revocations.csv").read_text(encoding="utf-8")
    assert revocations.splitlines()[1].startswith("7781,1,")


def test_revoking_an_id_no_row_has_is_reported(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before = clinic.feeds()
    report = clinic.publish(LATER, revoke=("7718",))  # a typo
    assert report.unknown_revocations == ["7718"] and not report.ok
    assert clinic.feeds() == before
    assert clinic.errors()[1][1:3] == ["7718", "revoke"]


def test_revoking_in_other_letter_case_revokes_her_address(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    old = clinic.address("Ana Lima")
    report = clinic.publish(LATER, revoke=("ANA LIMA", "ana lima"))  # one patient, twice
    assert report.ok and report.unknown_revocations == []
    new = clinic.address("Ana Lima")
    assert new != old and new == ct.export.feed_address("Ana Lima", KEY, 1)
    assert f"{old}.ics" not in clinic.feeds() and f"{new}.ics" in clinic.feeds()
    revocations = (clinic.links.parent / "revocations.csv").read_text(encoding="utf-8")
    assert revocations.splitlines()[1:] == ['"ana lima",1,2026-11-24']


def test_an_id_re_typed_in_other_case_keeps_her_address(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    address = clinic.address("Ana Lima")
    renamed = {("ANA LİMA" if k == "Ana Lima" else k): v for k, v in PATIENTS.items()}
    write_patients(clinic.patients, renamed)
    report = clinic.publish(LATER)
    assert report.ok and report.removed == 0
    assert clinic.address("ANA LİMA") == address
    assert clinic.errors() == [["line", "id", "field", "error"]]


@pytest.mark.parametrize("row_id", ["A;=B", "\uff1dCD", "-x", "x; +1", "@home"])
def test_ids_a_spreadsheet_would_evaluate_are_read_back_from_the_links_file(
    clinic: Clinic, row_id: str
) -> None:
    write_patients(clinic.patients, {f'"{row_id}"' if ";" in row_id else row_id: "2027-05-10"})
    first = clinic.publish(FIRST)
    assert first.ok, clinic.errors()
    address = ct.export.feed_address(row_id, KEY)
    assert list(clinic.feeds()) == [f"{address}.ics"]
    # The links file holds the id made safe for a spreadsheet, and the next run reads it back.
    report = clinic.publish(LATER, revoke=(row_id,))
    assert report.ok, clinic.errors()
    assert list(clinic.feeds()) == [f"{ct.export.feed_address(row_id, KEY, 1)}.ics"]
    again = clinic.publish(LATER + timedelta(days=1))
    assert again.ok and again.unchanged == 1, clinic.errors()


def test_a_removed_patient_s_feed_is_taken_down(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    gone = clinic.address("clinic-42/7782")
    before = clinic.feeds()
    write_patients(clinic.patients, {k: v for k, v in PATIENTS.items() if k != "clinic-42/7782"})
    report = clinic.publish(LATER)
    assert (report.removed, report.unchanged) == (1, 2) and not report.ok
    after = clinic.feeds()
    assert set(after) == set(before) - {f"{gone}.ics"}
    assert all(after[name] == before[name] for name in after)
    assert [row[0] for row in clinic.links_rows()[1:]] == ["7781", "Ana Lima"]
    assert clinic.errors()[1] == [
        "",
        "clinic-42/7782",
        "id",
        "no row has this id any more; its feed was removed from the site",
    ]
    # Back in the file, she is back at the same address.
    write_patients(clinic.patients, PATIENTS)
    clinic.publish(LATER + timedelta(days=1))
    assert clinic.address("clinic-42/7782") == gone


def test_a_bad_row_s_feed_is_taken_down_until_it_is_fixed(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    address = clinic.address("7781")
    write_patients(clinic.patients, {**PATIENTS, "7781": "2027-02-30"})  # a typo
    report = clinic.publish(LATER)
    assert report.bad_rows == 1 and report.removed == 1 and not report.ok
    assert f"{address}.ics" not in clinic.feeds()
    errors = clinic.errors()
    assert errors[1][:3] == ["2", "7781", "due_date"]
    assert errors[2][:3] == ["", "7781", "id"] and "line 2" in errors[2][3]
    write_patients(clinic.patients, PATIENTS)
    clinic.publish(LATER + timedelta(days=1))
    assert clinic.address("7781") == address and f"{address}.ics" in clinic.feeds()


def test_a_plan_that_ended_is_published_ended(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before = clinic.feeds()
    clinic.patients.write_text(
        "id,due_date,fetuses,ended_on,ended_because\n"
        "7781,2027-05-10,1,,\n"
        "clinic-42/7782,2027-06-01,1,,\n"
        "Ana Lima,2027-04-20,1,2026-11-20,loss\n",
        encoding="utf-8",
    )
    report = clinic.publish(LATER)
    assert (report.changed, report.unchanged) == (1, 2)
    name = f"{clinic.address('Ana Lima')}.ics"
    data = clinic.feeds()[name][0]
    assert data != before[name][0]
    assert b"SUMMARY;LANGUAGE=en:No longer planned: Estimated due date" in data
    # Nothing after the end (2026-11-20) is left confirmed.
    for event in data.split(b"BEGIN:VEVENT")[1:]:
        start = re.search(rb"DTSTART;VALUE=DATE:(\d{8})", event)
        assert start is not None
        if start[1] > b"20261120":
            assert b"STATUS:CANCELLED" in event


def test_the_links_file_is_refused_inside_the_site(tmp_path: Path) -> None:
    for links in (tmp_path / "site" / "links.csv", tmp_path / "site" / "sub" / "links.csv"):
        with pytest.raises(ct.BatchError, match=r"links: .* is inside the site"):
            ct.FeedSite(tmp_path / "site", links=links, base_url=BASE)
    with pytest.raises(ct.BatchError, match="pages"):
        ct.FeedSite(
            tmp_path / "site", links=tmp_path / "l.csv", base_url=BASE, pages=tmp_path / "site"
        )
    (tmp_path / "served").symlink_to(tmp_path / "site", target_is_directory=True)
    (tmp_path / "site").mkdir()
    with pytest.raises(ct.BatchError, match="inside the site"):
        ct.FeedSite(tmp_path / "site", links=tmp_path / "served" / "links.csv", base_url=BASE)


@pytest.mark.parametrize(
    "address",
    [
        "http://calendars.example.org/feeds/",  # not over HTTPS
        "ftp://calendars.example.org/",
        "https:///feeds/",  # no host
        "https://user:secret@calendars.example.org/",
        "https://calendars.example.org/feeds/?a=1",
        "https://calendars.example.org/my feeds/",
        "https://calendars.example.org:port/",
    ],
)
def test_a_base_url_a_patient_cannot_use_safely_is_refused(tmp_path: Path, address: str) -> None:
    with pytest.raises(ct.CareTimelineError, match="base_url"):
        ct.FeedSite(tmp_path / "site", links=tmp_path / "links.csv", base_url=address)


def test_a_plain_http_base_url_is_for_this_computer_only(tmp_path: Path) -> None:
    site = ct.FeedSite(tmp_path / "s", links=tmp_path / "l.csv", base_url="http://127.0.0.1:8080")
    assert site.https("a" * 32) == f"http://127.0.0.1:8080/{'a' * 32}.ics"


def test_publishing_needs_the_clinic_s_key(clinic: Clinic) -> None:
    rows = ct.read_patients(clinic.patients)
    with pytest.raises(ct.BatchError, match="uid_key: a publication needs the clinic's key"):
        ct.publish(rows, clinic.site(), ct.RowOptions(today=TODAY), calendar=ct.CalendarOptions())
    rows.close()
    assert not clinic.site_folder.exists()


def test_another_key_is_refused_before_anything_changes(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    before, links = clinic.feeds(), clinic.links.read_bytes()
    with pytest.raises(ct.BatchError, match="were not made with this key"):
        clinic.publish(LATER, key=OTHER_KEY)
    assert clinic.feeds() == before and clinic.links.read_bytes() == links


def test_a_site_with_other_files_in_it_is_refused_and_left_alone(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    (clinic.site_folder / "index.html").write_text("hello", encoding="utf-8")
    before = clinic.feeds()
    with pytest.raises(ct.BatchError, match=r"index.html is not a feed"):
        clinic.publish(LATER)
    assert clinic.feeds() == before


def test_a_site_without_its_links_file_is_refused(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    clinic.links.unlink()
    with pytest.raises(ct.BatchError, match=r"does not exist, but the site .* holds 3 feeds"):
        clinic.publish(LATER)


def test_one_publication_at_a_time(clinic: Clinic) -> None:
    clinic.site_folder.mkdir()
    with (
        batch_folder.FolderLock(clinic.site_folder),
        pytest.raises(ct.BatchError, match="another batch is writing"),
    ):
        clinic.publish()


def test_a_killed_run_s_leftovers_are_removed(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    address = clinic.address("7781")
    leftover = clinic.site_folder / f".{address}.ics.abcd1234.part"
    leftover.write_bytes(b"half")
    clinic.publish(LATER)
    assert not leftover.exists()


def test_pages_show_each_patient_s_subscription(clinic: Clinic) -> None:
    pages = clinic.root / "pages"
    rows = ct.read_patients(clinic.patients)
    options = ct.CalendarOptions(timestamp=FIRST, uid_key=KEY)
    report = ct.publish(
        rows, clinic.site(pages=pages), ct.RowOptions(today=TODAY), calendar=options
    )
    rows.close()
    assert report.pages == 3
    page = (pages / "7781.html").read_text(encoding="utf-8")
    webcal = f"webcal://calendars.example.org/feeds/{clinic.address('7781')}.ics"
    assert f"Address: {webcal}" in page and 'class="qr"' in page
    assert sorted(path.name for path in pages.iterdir()) == sorted(
        file_name(row_id, "html") for row_id in PATIENTS
    )
    mtime = (pages / "7781.html").stat().st_mtime_ns
    rows = ct.read_patients(clinic.patients)
    later = ct.CalendarOptions(timestamp=LATER, uid_key=KEY)
    report = ct.publish(rows, clinic.site(pages=pages), ct.RowOptions(today=TODAY), calendar=later)
    rows.close()
    assert report.pages == 0 and (pages / "7781.html").stat().st_mtime_ns == mtime


# -- the command line ---------------------------------------------------------------


def cli(clinic: Clinic, *flags: str, key_file: Path | None = None) -> int:
    if key_file is None:
        key_file = clinic.root / "clinic.key"
        if not key_file.exists():
            ct.save_uid_key(key_file, KEY)
    argv = ["publish", str(clinic.patients), "--site", str(clinic.site_folder)]
    argv += ["--links", str(clinic.links), "--base-url", BASE, "--today", TODAY]
    return main([*argv, "--uid-key", str(key_file), "--jobs", "1", *flags])


def test_publish_on_the_command_line(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(clinic, "--timestamp", "2026-11-24T08:00:00Z") == 0
    err = capsys.readouterr().err
    assert "3 feeds in" in err and "(3 new, 0 changed, 0 unchanged)" in err
    before = clinic.feeds()
    assert cli(clinic, "--timestamp", "2026-11-25T08:00:00Z", "--quiet") == 0
    assert capsys.readouterr().err == ""
    assert clinic.feeds() == before
    assert cli(clinic, "--revoke", "7781", "--quiet") == 0
    assert "revoked: '7781' has a new address" in capsys.readouterr().err
    write_patients(clinic.patients, {"7781": "2027-05-10"})
    assert cli(clinic, "--quiet") == 1  # two feeds taken down
    err = capsys.readouterr().err
    assert "2 feeds taken down" in err and "no row has this id any more" in err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--links", "{site}/links.csv"), "--links: .* is inside the site"),
        (("--base-url", "http://calendars.example.org/"), "--base-url: 'http://calendars"),
        (("--revoke", " "), "--revoke: ' ' is not valid"),
        (("--jobs", "0"), "--jobs: '0' is not valid"),
        (("--omit", "discuss"), "--omit: 'discuss' is not valid"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], flags: tuple[str, ...], message: str
) -> None:
    given = [flag.replace("{site}", str(clinic.site_folder)) for flag in flags]
    assert cli(clinic, *given) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(message, err), err
    assert not clinic.site_folder.exists() or not any(clinic.site_folder.iterdir())


def test_publish_without_a_key_is_one_line(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARE_TIMELINE_UID_KEY_FILE", raising=False)
    argv = ["publish", str(clinic.patients), "--site", str(clinic.site_folder)]
    assert main([*argv, "--links", str(clinic.links), "--base-url", BASE]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("care-timeline: error: --uid-key:"), err


def test_the_links_file_is_never_the_patients_file(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    before = clinic.patients.read_bytes()
    assert cli(clinic, "--links", str(clinic.patients)) == 2
    assert "links:" in capsys.readouterr().err
    assert clinic.patients.read_bytes() == before


@pytest.mark.parametrize("name", ["errors.csv", "revocations.csv", "publish-cache.csv"])
def test_a_patients_file_beside_the_links_is_never_one_the_run_writes(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    # The clinic's list saved as errors.csv beside the links file was replaced by the
    # run's own errors.csv (in the library too, not only on the command line).
    patients = clinic.links.parent / name
    patients.parent.mkdir(parents=True)
    patients.write_bytes(clinic.patients.read_bytes())
    before = patients.read_bytes()
    clinic.patients = patients
    with pytest.raises(ct.BatchError, match="is the patients file the run reads") as caught:
        clinic.publish()
    assert caught.value.field == "links"
    assert cli(clinic) == 2
    assert f"the run's {name}" in capsys.readouterr().err
    assert patients.read_bytes() == before and not clinic.site_folder.exists()


def test_feeds_keep_their_mode(clinic: Clinic) -> None:
    clinic.publish(FIRST)
    path = clinic.site_folder / f"{clinic.address('7781')}.ics"
    os.chmod(path, 0o640)
    write_patients(clinic.patients, {**PATIENTS, "7781": "2027-05-17"})
    clinic.publish(LATER)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("field", ["site", "links", "pages"])
def test_a_path_with_a_nul_is_the_library_s_error(tmp_path: Path, field: str) -> None:
    # A bare ValueError ("embedded null byte") before.
    given: dict[str, object] = {
        "site": tmp_path / "site",
        "links": tmp_path / "links.csv",
        "pages": tmp_path / "pages",
    }
    given[field] = f"{tmp_path}/x\x00y"
    folder = given.pop("site")
    with pytest.raises(ct.BatchError) as caught:
        ct.FeedSite(folder, base_url=BASE, **given)  # type: ignore[arg-type]
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: ct.export.feed_address(123, KEY), "plan_id"),  # type: ignore[arg-type]
        (lambda: ct.export.feed_address(None, KEY), "plan_id"),  # type: ignore[arg-type]
        (lambda: ct.export.feed_address("7781", KEY, -1), "revision"),
        (lambda: ct.export.id_key(b"ab"), "plan_id"),  # type: ignore[arg-type]
    ],
)
def test_an_address_of_what_is_not_an_id_is_the_library_s_error(
    call: Callable[[], object], field: str
) -> None:
    # A bare TypeError from the case folding before.
    with pytest.raises(ct.ExportError) as caught:
        call()
    assert caught.value.field == field
