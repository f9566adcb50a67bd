"""A published site, served by a real web server and followed by a real calendar.

- nginx runs the ``server`` block docs/calendars.md gives (on 127.0.0.1, a free
  port, a throwaway certificate made with openssl, the test's site folder):
  feeds are served as text/calendar with the documented cache headers, a
  conditional GET of an unchanged feed answers 304, a revoked address 404;
- vdirsyncer's ``http`` storage syncs a patient's feed into the folder khal
  reads: the due date is listed on its day and moves with a re-dating (the feed
  keeps its UIDs; vdirsyncer replaces the synced event, leaving no copy), and the
  revoked address no longer syncs.

``.ci/run`` installs nginx, openssl and khal (Debian) and vdirsyncer (PyPI, in an
environment of its own named by ``CARE_TIMELINE_VDIRSYNCER``); without one, the
tests that need it are skipped and say why.

Due dates counted by hand: 2027-05-10 is 40w0d from day 0 2026-08-03; re-dated a
week later, 2027-05-17 is 40w0d from 2026-08-10.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import care_timeline as ct
from _support.khal import KHAL, Khal, program_env

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or next(
    (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
)
OPENSSL = shutil.which("openssl")
VDIRSYNCER = os.environ.get("CARE_TIMELINE_VDIRSYNCER") or shutil.which("vdirsyncer")

needs_nginx = pytest.mark.skipif(
    NGINX is None or OPENSSL is None,
    reason="nginx or openssl is not installed (.ci/run installs both)",
)
needs_vdirsyncer = pytest.mark.skipif(
    VDIRSYNCER is None or KHAL is None,
    reason="vdirsyncer or khal is not installed (.ci/run installs khal, and vdirsyncer "
    "into an environment of its own named by CARE_TIMELINE_VDIRSYNCER)",
)

KEY = bytes(range(32))
TODAY = "2026-11-24"
FIRST = datetime(2026, 11, 24, 8, tzinfo=UTC)
PATIENTS = {"7781": "2027-05-10", "7782": "2027-06-01"}


def server_block() -> str:
    """The first ``server { ... }`` of the nginx configuration docs/calendars.md gives."""
    text = (ROOT / "docs" / "calendars.md").read_text(encoding="utf-8")
    found = re.search(r"^```nginx\n(.*?)^```", text, re.S | re.M)
    assert found is not None, "docs/calendars.md has no nginx configuration"
    block = found[1]
    start, depth = block.index("server {"), 0
    for at in range(start, len(block)):
        depth += {"{": 1, "}": -1}.get(block[at], 0)
        if block[at] == "}" and depth == 0:
            return block[start : at + 1]
    raise AssertionError("the server block does not close")


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1, and its key."""
    assert OPENSSL is not None
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    files = ["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2"]
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [OPENSSL, *request, *files, *subject],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Server:
    """nginx serving ``site`` with the documented configuration."""

    def __init__(self, root: Path, site: Path, certificate: tuple[Path, Path]) -> None:
        assert NGINX is not None
        self.port = _free_port()
        self.cert = certificate[0]
        server = server_block()
        server = _replace_once(server, "listen 443 ssl;", f"listen 127.0.0.1:{self.port} ssl;")
        server = _replace_once(
            server, "/etc/letsencrypt/live/calendars.example.org/fullchain.pem", str(certificate[0])
        )
        server = _replace_once(
            server, "/etc/letsencrypt/live/calendars.example.org/privkey.pem", str(certificate[1])
        )
        server = _replace_once(server, "/srv/care-timeline/site/", f"{site}/")
        temp = root / "nginx"
        temp.mkdir()
        # Run as root (CI), the workers would switch to nobody, who cannot read the test's
        # private temporary folders.
        user = "user root;\n" if os.geteuid() == 0 else ""
        paths = "".join(
            f"{kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        config = temp / "nginx.conf"
        config.write_text(
            f"{user}worker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\n"
            f"events {{ worker_connections 64; }}\nhttp {{\n{paths}{server}\n}}\n",
            encoding="utf-8",
        )
        self.log = temp / "error.log"
        self.process = subprocess.Popen(
            [NGINX, "-p", str(temp), "-c", str(config), "-e", str(self.log), "-g", "daemon off;"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                err = self.process.stderr.read() if self.process.stderr else b""
                raise AssertionError(f"nginx stopped: {err.decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.05)
        self.base_url = f"https://127.0.0.1:{self.port}/feeds/"

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
        context = ssl.create_default_context(cafile=str(self.cert))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=context, timeout=30
        )
        try:
            names = {name.replace("_", "-"): value for name, value in headers.items()}
            connection.request("GET", path, headers=names)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


class Clinic:
    def __init__(self, root: Path, base_url: str) -> None:
        self.patients = root / "patients.csv"
        self.site = ct.FeedSite(
            root / "site", links=root / "private" / "links.csv", base_url=base_url
        )
        self.write(PATIENTS)

    def write(self, patients: dict[str, str]) -> None:
        lines = ["id,due_date,fetuses", *(f"{k},{v},1" for k, v in patients.items())]
        self.patients.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def publish(self, stamp: datetime, revoke: tuple[str, ...] = ()) -> ct.PublishReport:
        rows = ct.read_patients(self.patients)
        try:
            calendar = ct.CalendarOptions(timestamp=stamp, uid_key=KEY)
            options = ct.RowOptions(today=TODAY)
            return ct.publish(rows, self.site, options, calendar=calendar, revoke=revoke, jobs=1)
        finally:
            rows.close()

    def link(self, row_id: str) -> str:
        revision = 0
        revocations = self.site.beside_links("revocations.csv")
        if revocations.exists():
            for line in revocations.read_text(encoding="utf-8").splitlines()[1:]:
                if line.split(",")[0] == row_id:
                    revision = int(line.split(",")[1])
        return self.site.https(ct.export.feed_address(row_id, KEY, revision))


@pytest.fixture
def served(tmp_path: Path, certificate: tuple[Path, Path]) -> Iterator[tuple[Server, Clinic]]:
    (tmp_path / "site").mkdir()
    server = Server(tmp_path, tmp_path / "site", certificate)
    try:
        yield server, Clinic(tmp_path, server.base_url)
    finally:
        server.stop()


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@needs_nginx
def test_nginx_serves_feeds_and_an_unchanged_one_answers_304(
    served: tuple[Server, Clinic],
) -> None:
    server, clinic = served
    clinic.publish(FIRST)
    feed = path_of(clinic.link("7781"))
    status, headers, body = server.get(feed)
    assert status == 200
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "private, no-cache"
    assert body == (clinic.site.folder / feed.rsplit("/", 1)[1]).read_bytes()
    etag, modified = headers["ETag"], headers["Last-Modified"]
    other = path_of(clinic.link("7782"))
    other_etag = server.get(other)[1]["ETag"]

    # The nightly run, a day later, with nothing changed: the same ETag, and 304.
    report = clinic.publish(FIRST + timedelta(days=1))
    assert report.unchanged == 2
    assert server.get(feed, If_None_Match=etag)[0] == 304
    assert server.get(feed, If_Modified_Since=modified)[0] == 304

    # A re-dating, even within the same second and at the same size: the conditional
    # GET now gets the new calendar.
    clinic.write({**PATIENTS, "7781": "2027-05-17"})
    clinic.publish(FIRST + timedelta(days=2))
    status, headers, body = server.get(feed, If_None_Match=etag)
    assert status == 200 and headers["ETag"] != etag
    assert b"DTSTART;VALUE=DATE:20270517\r\n" in body
    assert server.get(feed, If_Modified_Since=modified)[0] == 200
    # The other patient's feed did not change: still 304 against its first ETag.
    assert server.get(other, If_None_Match=other_etag)[0] == 304

    # No listing of the folder, nothing outside it.
    assert server.get("/feeds/")[0] in (403, 404)
    assert server.get("/")[0] == 404


@needs_nginx
def test_a_revoked_address_answers_404(served: tuple[Server, Clinic]) -> None:
    server, clinic = served
    clinic.publish(FIRST)
    old = path_of(clinic.link("7781"))
    assert server.get(old)[0] == 200
    clinic.publish(FIRST + timedelta(days=1), revoke=("7781",))
    new = path_of(clinic.link("7781"))
    assert new != old
    assert server.get(old)[0] == 404
    status, _, body = server.get(new)
    assert status == 200 and b"Estimated due date" in body


def vdirsyncer(
    root: Path, url: str, calendar: Path, cert: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """vdirsyncer with a configuration of its own: the feed at ``url`` (its ``http``
    storage, read-only) synced into ``calendar``, the folder khal reads."""
    assert VDIRSYNCER is not None
    config = root / "vdirsyncer.conf"
    config.write_text(
        f'[general]\nstatus_path = "{root}/status/"\n\n'
        '[pair care]\na = "care_feed"\nb = "care_local"\ncollections = null\n'
        'conflict_resolution = "a wins"\n\n'
        f'[storage care_feed]\ntype = "http"\nurl = "{url}"\nverify = "{cert}"\n\n'
        f'[storage care_local]\ntype = "filesystem"\npath = "{calendar}/"\nfileext = ".ics"\n',
        encoding="utf-8",
    )
    return subprocess.run(
        [VDIRSYNCER, "-c", str(config), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=program_env(root),
        timeout=120,
        check=False,
    )


@needs_nginx
@needs_vdirsyncer
def test_a_subscribed_calendar_follows_the_plan(
    served: tuple[Server, Clinic], tmp_path: Path
) -> None:
    server, clinic = served
    khal = Khal(tmp_path / "khal")
    clinic.publish(FIRST)
    url = clinic.link("7781")
    sync_root = tmp_path / "vdirsyncer"
    sync_root.mkdir()

    def sync(address: str) -> subprocess.CompletedProcess[str]:
        return vdirsyncer(sync_root, address, khal.calendar, server.cert, "sync")

    done = vdirsyncer(sync_root, url, khal.calendar, server.cert, "discover")
    assert done.returncode == 0, done.stderr
    done = sync(url)
    assert done.returncode == 0, done.stderr

    def due_dates() -> list[tuple[str, str]]:
        return [
            (line.day, line.uid)
            for line in khal.list("2026-08-01", "2027-07-31", once=True)
            if line.title == "Estimated due date"
        ]

    ((day, synced),) = due_dates()
    assert day == "2027-05-10"
    files = khal.files()
    assert files == 10  # one per milestone of the default protocol
    feed = clinic.site.folder / url.rsplit("/", 1)[1]
    uids = re.findall(rb"\r\nUID:([^\r]+)", feed.read_bytes())
    assert len(uids) == 10

    # A scan re-dates her a week later: published, synced, the event has moved.
    clinic.write({**PATIENTS, "7781": "2027-05-17"})
    clinic.publish(FIRST + timedelta(days=1))
    assert re.findall(rb"\r\nUID:([^\r]+)", feed.read_bytes()) == uids  # the same UIDs
    done = sync(url)
    assert done.returncode == 0, done.stderr
    # Moved, and no copy: one due date, on its new day, and still one file per milestone.
    # (vdirsyncer's http storage gives each event it syncs a UID of its own, a hash of its
    # content, so the synced event's UID changes with it; it replaces the old one.)
    ((day, moved),) = due_dates()
    assert day == "2027-05-17" and moved != synced
    assert khal.files() == files

    # Revoked: the old address no longer syncs; her calendar keeps what it had.
    clinic.publish(FIRST + timedelta(days=2), revoke=("7781",))
    done = sync(url)
    assert done.returncode != 0 and "Not Found" in done.stdout + done.stderr  # the 404
    assert due_dates() == [("2027-05-17", moved)]
    # The new address (set up again, as a patient subscribes again) syncs into the same
    # calendar, still without a copy.
    new = clinic.link("7781")
    assert vdirsyncer(sync_root, new, khal.calendar, server.cert, "discover").returncode == 0
    done = sync(new)
    assert done.returncode == 0, done.stderr
    assert [day for day, _ in due_dates()] == ["2027-05-17"] and khal.files() == files
