"""Publishing each patient's calendar as a subscription feed: a folder a web server
serves, one feed per patient at an address nobody can guess, and the links to
send, beside it.

The rows are planned as a batch plans them (:mod:`.rows`, on the batch's worker
processes, in order), into a folder locked for one run at a time. What differs:

- a feed's name is its **address**, a keyed hash of the plan id and the
  address's revision (:func:`~care_timeline.export.feed_address`); the served
  folder holds the feeds and nothing else (:mod:`.site`);
- a feed whose calendar did not change is **not touched**: the new calendar is
  made with the stamp of the file already there and compared byte for byte; when
  equal, the file keeps its bytes and its modification time, so HTTP caches and
  conditional requests hold. A changed calendar gets the run's stamp (or one
  second after the file's, if that is later, so ``SEQUENCE`` always grows) and
  replaces the file atomically. Rows whose inputs did not change, on a day
  their calendar stays the same, are not even planned (:mod:`.feed_cache`);
- ``--revoke ID`` raises the id's revision, recorded in ``revocations.csv``
  before any feed is written; the old address's feed is removed;
- after the run the folder holds exactly the feeds of this run's good rows: the
  feed of a patient no longer in the file, or whose row is now bad, is removed;
- the links file (id, ``https://``, ``webcal://``), ``errors.csv`` and the cache
  are written last, beside each other, outside the served folder.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..calendar_options import CalendarOptions
from ..csv_cells import csv_lines
from ..errors import BatchError
from ..export import feed_address, id_key
from ..fields import FieldValue
from ..files import AtomicFile, sync_folder
from ..safe_text import for_message, for_terminal
from ._pool import parse_jobs, run_each
from .feed_cache import CACHE_COLUMNS, FeedCache
from .feeds import FeedItem, FeedOutcome, FeedSettings, publish_chunk, run_context
from .file_names import NameSet, SeenIds
from .folder import FolderLock, check_not_written, remove_leftovers
from .patients_csv import PatientRow
from .rows import (
    ID_SHOWN,
    BatchSettings,
    RowError,
    RowOptions,
    check_options,
    check_rows,
    entries,
)
from .site import (
    CACHE_FILE,
    FEED_SUFFIX,
    LINKS_COLUMNS,
    FeedSite,
    Revocation,
    check_links,
    check_revoke,
    check_site,
    previous_links,
    read_revocations,
    revision_of,
    write_revocations,
)
from .writer import ERROR_COLUMNS, SUMMARY_ROWS

__all__ = ["PublishReport", "publish"]


@dataclass
class PublishReport:
    """What :func:`publish` did."""

    site: FeedSite
    feeds: int = 0
    """Good rows: feeds now served (each also a line of the links file)."""
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    """Feeds left as they were: same bytes, same modification time."""
    planned: int = 0
    """Good rows planned; the others were left as the cache recorded them."""
    pages: int = 0
    """Printable pages written (new or changed)."""
    bad_rows: int = 0
    removed: int = 0
    """Feeds taken down because their id is no longer in the file or its row is bad."""
    revoked: list[str] = field(default_factory=list)
    """The ids given new addresses (their old addresses no longer served)."""
    unknown_revocations: list[str] = field(default_factory=list)
    """Ids asked to be revoked that no row has."""
    first_errors: list[RowError] = field(default_factory=list)
    """The first :data:`SUMMARY_ROWS` bad rows; ``errors.csv`` lists them all."""
    first_removed: list[str] = field(default_factory=list)
    """The first :data:`SUMMARY_ROWS` feeds removed, each with why."""

    @property
    def written(self) -> int:
        """Feeds written: new ones and changed ones."""
        return self.new + self.changed

    @property
    def links_file(self) -> Path:
        return self.site.links

    @property
    def errors_file(self) -> Path:
        return self.site.beside_links("errors.csv")

    @property
    def ok(self) -> bool:
        """Every row gave a feed, no feed was taken down and every revoked id was found."""
        return not self.bad_rows and not self.removed and not self.unknown_revocations

    def summary(self, prog: str = "care-timeline") -> str:
        """Lines for stderr: the counts, then the revocations and what needs a look."""
        feeds = f"{self.feeds} feed{'s' if self.feeds != 1 else ''}"
        lines = [
            f"{prog}: {feeds} in {for_terminal(str(self.site.folder))} ({self.new} new, "
            f"{self.changed} changed, {self.unchanged} unchanged); links in "
            f"{for_terminal(str(self.links_file))}"
        ]
        if self.pages:
            shown = for_terminal(str(self.site.pages))
            lines.append(f"  {self.pages} page{'s' if self.pages != 1 else ''} written to {shown}")
        lines.extend(
            f"  revoked: {for_terminal(for_message(row_id, limit=ID_SHOWN))} has a new address"
            for row_id in self.revoked
        )
        faults = []
        if self.bad_rows:
            faults.append(f"{self.bad_rows} bad row{'s' if self.bad_rows != 1 else ''}")
        if self.removed:
            faults.append(f"{self.removed} feed{'s' if self.removed != 1 else ''} taken down")
        if self.unknown_revocations:
            count = len(self.unknown_revocations)
            faults.append(f"{count} --revoke id{'s' if count != 1 else ''} found in no row")
        if faults:
            lines.append(
                f"  {' and '.join(faults)}, listed in {for_terminal(str(self.errors_file))}:"
            )
            lines.extend(f"  {error}" for error in self.first_errors)
            if self.bad_rows > len(self.first_errors):
                lines.append(f"  ... and {self.bad_rows - len(self.first_errors)} more bad rows")
            lines.extend(f"  {for_terminal(removed)}" for removed in self.first_removed)
            lines.extend(
                f"  --revoke {for_terminal(for_message(row_id, limit=ID_SHOWN))}: no row has "
                "this id"
                for row_id in self.unknown_revocations
            )
        return "\n".join(lines) + "\n"


class _Run:
    """One publication's bookkeeping: the links file, errors.csv and the cache,
    written row by row as results arrive and appearing under their names only when
    the run is done, the links file last."""

    def __init__(self, settings: FeedSettings, report: PublishReport) -> None:
        self.settings, self.site, self.report = settings, settings.site, report
        self.seen = SeenIds()
        self.served = NameSet()
        self.files: list[AtomicFile] = []
        try:
            self.errors = self._open("errors.csv", ERROR_COLUMNS)
            self.cache = self._open(CACHE_FILE, CACHE_COLUMNS)
            self.links = self._open(self.site.links.name, LINKS_COLUMNS)
        except BaseException:
            self.discard()
            raise

    def _open(self, name: str, header: tuple[str, ...]) -> AtomicFile:
        opened = AtomicFile(self.site.beside_links(name))
        self.files.append(opened)
        opened.write(csv_lines([header]).encode())
        return opened

    def _error(self, line: str, row_id: str, where: str, message: str) -> None:
        self.errors.write(csv_lines([(line, row_id, where, message)]).encode())

    def add(self, outcome: FeedOutcome) -> None:
        report = self.report
        if outcome.error is not None:
            error = outcome.error
            report.bad_rows += 1
            self._error(str(error.line), error.id, error.field, error.message)
            if len(report.first_errors) < SUMMARY_ROWS:
                report.first_errors.append(error)
            return
        report.feeds += 1
        setattr(report, outcome.status, getattr(report, outcome.status) + 1)
        report.pages += outcome.page
        self.served.add(outcome.address)
        https, webcal = self.site.https(outcome.address), self.site.webcal(outcome.address)
        self.links.write(csv_lines([(outcome.id, https, webcal)]).encode())
        report.planned += outcome.planned
        self.cache.write(csv_lines([outcome.cache_line()]).encode())

    def finish(self, revisions: Mapping[str, Revocation], revoked: list[str]) -> None:
        """Take down every feed no good row gave, name each (from the previous links
        file), report the revoked ids no row has, and put the files in place."""
        folder = self.site.folder
        gone: set[str] = set()
        for entry in os.scandir(folder):
            address = entry.name.removesuffix(FEED_SUFFIX)
            if address != entry.name and address not in self.served:
                os.unlink(entry.path)
                gone.add(address)
        sync_folder(folder)
        if gone:
            self._name_removed(gone, revisions)
        for row_id in revoked:
            if self.seen.find(id_key(row_id)) is None:
                self.report.unknown_revocations.append(row_id)
                self._error(
                    "",
                    row_id,
                    "revoke",
                    "revoke: no row has this id; its address was revoked all the same (none "
                    "of its earlier addresses is served), but if it was mistyped, the "
                    "patient meant still has her old address",
                )
        for opened in self.files:  # the links file last: it was opened last
            opened.commit()
        sync_folder(self.site.links.parent)

    def _name_removed(self, gone: set[str], revisions: Mapping[str, Revocation]) -> None:
        """Who each removed feed was, from the previous links file (read before this
        run's replaces it), and why it went."""
        key = self.settings.key
        for link in previous_links(self.site):
            if link.address not in gone:
                continue
            gone.discard(link.address)
            revision = revision_of(revisions, link.id).revision
            if feed_address(link.id, key, revision) != link.address:
                continue  # an address revoked: reported as a revocation, not a fault
            line = self.seen.find(id_key(link.id))
            if line is None:
                why = "no row has this id any more; its feed was removed from the site"
            else:
                why = (
                    f"the row with this id (line {line}) gave no feed; its feed from an "
                    "earlier run was taken down until the row is fixed"
                )
            self.report.removed += 1
            self._error("", link.id, "id", why)
            if len(self.report.first_removed) < SUMMARY_ROWS:
                shown = for_message(link.id, limit=ID_SHOWN)
                self.report.first_removed.append(f"id {shown}: {why}")
        if gone:  # feeds no links file named (a links file lost and restored, say)
            self.report.removed += len(gone)
            count = len(gone)
            why = f"{count} feed{'s' if count != 1 else ''} that no row gives were removed"
            self._error("", "", "site", why)
            self.report.first_removed.append(why)

    def discard(self) -> None:
        for opened in self.files:
            opened.discard()


def _check_calendar(calendar: object) -> CalendarOptions:
    if not isinstance(calendar, CalendarOptions):
        raise BatchError(
            field="calendar",
            value=type(calendar).__name__,
            allowed="a CalendarOptions with the clinic's uid_key",
        )
    if calendar.uid_key is None:
        raise BatchError(
            "uid_key: a publication needs the clinic's key (--uid-key FILE, or "
            "CalendarOptions(uid_key=...)): it makes the addresses, which nobody without "
            "it can guess or trace back to an id",
            field="uid_key",
            value=None,
            allowed="a clinic's key",
        )
    # One "now" for every feed of the run; no calendar-level UID, which vdirsyncer's http
    # storage would take for every event's (see CalendarOptions).
    return dataclasses.replace(calendar.stamped(), calendar_uid=False)


def publish(
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    site: FeedSite,
    options: RowOptions,
    *,
    calendar: CalendarOptions,
    revoke: Iterable[str] = (),
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> PublishReport:
    """Publish each good row's calendar as a subscription feed in ``site.folder``,
    named by its address, and list every patient's addresses in ``site.links``.

    ``site`` (a :class:`FeedSite`) says where: the served folder (feeds only), the
    links file (outside it), the web address, and optionally a folder of printable
    pages. ``options`` plans every row, as in :func:`~care_timeline.write_batch`;
    ``calendar`` is every feed's options and must hold the clinic's ``uid_key``,
    which makes both the events' UIDs and the addresses (its ``timestamp``, or
    now, stamps the feeds that change). ``revoke`` lists ids whose address is
    replaced by a new one (a leaked link); the old one stops being served.

    A feed whose calendar is the same as the file already there is left as it is
    (same bytes, same modification time); one that changed is rewritten
    atomically, with the run's stamp. After the run the folder holds exactly one
    feed per good row: a feed whose id is no longer in ``rows`` or whose row is
    bad is removed, and listed in ``errors.csv`` beside the links file with every
    bad row. ``jobs`` and ``progress`` are as for a batch.

    Every argument is checked before anything is written.
    """
    if not isinstance(site, FeedSite):
        raise BatchError(
            field="site",
            value=type(site).__name__,
            allowed="a FeedSite (ct.FeedSite(folder, links=..., base_url=...))",
        )
    check_rows(rows)
    planning = check_options(options)
    stamped = _check_calendar(calendar)
    key = stamped.uid_key
    assert key is not None
    revoked = check_revoke(revoke)
    workers = parse_jobs(jobs)
    check_not_written(rows, site.written_beside(), "links")
    for folder in (site.folder, site.links.parent, site.pages):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
    batch = BatchSettings(options=planning, out=site.folder, format="ics", calendar=stamped)
    settings = FeedSettings(batch, site, key, run_context(batch))
    report = PublishReport(site=site)
    with FolderLock(site.folder), FolderLock(site.links.parent):
        remove_leftovers(site.links.parent, ("csv",))
        feeds = check_site(site.folder)
        revisions = read_revocations(site)
        changed = check_links(site, key, revisions, feeds)
        for row_id in revoked:
            known = revision_of(revisions, row_id)
            revisions[id_key(row_id)] = Revocation(known.revision + 1, planning.today.isoformat())
            report.revoked.append(row_id)
        if changed or revoked:  # recorded before any feed is written under a new address
            write_revocations(site, revisions)
        cache = FeedCache.load(site.beside_links(CACHE_FILE))
        run = _Run(settings, report)
        try:
            _publish_rows(run, rows, revisions, cache, workers, progress)
            run.finish(revisions, revoked)
        except BaseException:
            run.discard()
            raise
    return report


def _items(
    run: _Run,
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    revisions: Mapping[str, Revocation],
    cache: FeedCache,
) -> Iterator[FeedItem]:
    """Each row with its address and what the cache holds for it."""
    key = run.settings.key
    pages = "html" if run.site.pages is not None else None
    for entry in entries(rows, pages, run.seen):
        if isinstance(entry, RowError):
            yield FeedItem(entry, "", None)
            continue
        row_id = entry[0].id
        revision = revision_of(revisions, row_id).revision
        address = feed_address(row_id, key, revision)
        yield FeedItem(entry, address, cache.get(address))


def _publish_rows(
    run: _Run,
    rows: Iterable[PatientRow | Mapping[str, FieldValue]],
    revisions: Mapping[str, Revocation],
    cache: FeedCache,
    workers: int,
    progress: Callable[[int], None] | None,
) -> None:
    todo = _items(run, rows, revisions, cache)
    run_each(publish_chunk, run.settings, todo, workers, run.add, progress)
