"""Publishing a chunk of rows on a worker: each row's feed made, compared with the
file already served, and written only when it changed (see :mod:`.publishing`).

A feed's content follows from its row, from what every row of the run shares
(:func:`run_context`) and, for some rows, from the day; a row whose inputs and
file are as the cache recorded, on a day the record covers, is not planned at all
(:mod:`.feed_cache`). Otherwise the calendar is made with the
stamp of the file already there: the same bytes mean the same content, and the
file is left as it is (same bytes, same modification time). A calendar that
changed gets the run's stamp, or one second after the file's when that is later,
so its ``SEQUENCE`` always grows.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from ..errors import CareTimelineError
from ..export import render
from ..fields import today_free_until
from ..files import write_files
from ..plan_model import Plan
from .feed_cache import Cached, code_fingerprint, inputs_digest, unchanged
from .rows import BatchSettings, Entry, RowError, RowOptions, plan_chunk, read_fields, row_error
from .site import FEED_SUFFIX, FeedSite

__all__ = ["FeedItem", "FeedOutcome", "FeedSettings", "publish_chunk", "run_context"]


@dataclass(frozen=True)
class FeedSettings:
    """What every row of one publication shares; sent to the workers with each chunk."""

    batch: BatchSettings
    site: FeedSite
    key: bytes
    context: bytes
    """A digest of what every feed's content follows from besides its row."""


class FeedItem(NamedTuple):
    """A row to publish (or an error found while reading), with its address and what
    the cache recorded for it."""

    entry: Entry
    address: str
    cached: Cached | None


class FeedOutcome(NamedTuple):
    """What became of one row, sent back from a worker."""

    line: int
    id: str
    address: str
    status: str
    """``new``, ``changed`` or ``unchanged``; empty for a bad row."""
    inputs: str
    size: int
    mtime_ns: int
    error: RowError | None
    page: bool = False
    """Its printable page was written (new or changed)."""
    today: date | None = None
    """The day its row was planned for: the run's, or the cache's when not planned."""
    valid_until: date | None = None
    """The last day its calendar stays the same (see :mod:`.feed_cache`)."""
    planned: bool = False
    """Its row was planned in this run (not left as the cache recorded it)."""

    def cache_line(self) -> tuple[str, ...]:
        """Its line of the cache: what its feed was made from, for a good row."""
        assert self.today is not None
        made = Cached(self.inputs, self.size, self.mtime_ns, self.today, self.valid_until)
        return made.line(self.address)


_STAMP = b"\r\nDTSTAMP:"
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


def _stamp_of(data: bytes) -> datetime | None:
    """The ``DTSTAMP`` a feed written by :func:`publish` carries (every event has the
    same), or None for a file without one."""
    at = data.find(_STAMP)
    if at < 0:
        return None
    text = data[at + len(_STAMP) : at + len(_STAMP) + 16].decode("ascii", "replace")
    try:
        return datetime.strptime(text, _STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _calendar(settings: FeedSettings, plan: Plan, path: Path) -> tuple[str, bytes | None, int]:
    """The feed's status, its new bytes (None when the file stays as it is) and the
    modification time of the file it replaces (0 for a new one)."""
    calendar = settings.batch.calendar
    assert calendar is not None and calendar.timestamp is not None
    try:
        with path.open("rb") as handle:
            old, mtime_ns = handle.read(), os.fstat(handle.fileno()).st_mtime_ns
    except FileNotFoundError:
        return "new", render(plan, "ics", calendar), 0
    stamp = _stamp_of(old)
    if stamp is not None:
        if render(plan, "ics", dataclasses.replace(calendar, timestamp=stamp)) == old:
            return "unchanged", None, mtime_ns
        if stamp >= calendar.timestamp:  # SEQUENCE must grow: one second after the file's
            calendar = dataclasses.replace(calendar, timestamp=stamp + timedelta(seconds=1))
    return "changed", render(plan, "ics", calendar), mtime_ns


def _later_second(path: Path, before_ns: int) -> None:
    """Give a rewritten feed a modification time in a later whole second than the
    file it replaced: web servers make ``Last-Modified`` and (nginx) the ``ETag``
    from whole seconds and the size, so a feed rewritten within the same second at
    the same size would otherwise look unchanged to a conditional request."""
    info = os.stat(path)
    second = 10**9
    if info.st_mtime_ns // second <= before_ns // second:
        os.utime(path, ns=(info.st_atime_ns, (before_ns // second + 1) * second))


def _page(settings: FeedSettings, plan: Plan, address: str, path: Path) -> bytes | None:
    """The printable page with the subscription's QR code, or None when the file
    there already has these bytes."""
    calendar = settings.batch.calendar
    assert calendar is not None
    subscribed = dataclasses.replace(calendar, subscribe_url=settings.site.webcal(address))
    data = render(plan, "html", subscribed)
    try:
        return None if path.read_bytes() == data else data
    except FileNotFoundError:
        return data


def publish_chunk(settings: FeedSettings, chunk: list[FeedItem]) -> list[FeedOutcome]:
    """Publish each row of a chunk: rows whose inputs and feed are as the cache
    recorded are left alone; the others are planned, and a feed (and page) that
    changed is written, the chunk's files together. Runs in a worker."""
    folder, pages = settings.site.folder, settings.site.pages
    options = settings.batch.options
    today = options.today
    outcomes: list[FeedOutcome | None] = [None] * len(chunk)
    digests: dict[int, str] = {}
    to_plan: list[int] = []
    for number, item in enumerate(chunk):
        entry = item.entry
        if isinstance(entry, RowError):
            outcomes[number] = FeedOutcome(entry.line, entry.id, "", "", "", 0, 0, entry)
            continue
        row = entry[0]
        digest = inputs_digest(settings.key, settings.context, row.fields, row.problem)
        path = folder / f"{item.address}{FEED_SUFFIX}"
        cached = item.cached
        # Pages show today: a row with one is always planned.
        if (
            pages is None
            and cached is not None
            and cached.inputs == digest
            and cached.covers(today)
            and unchanged(path, cached)
        ):
            outcomes[number] = FeedOutcome(
                row.line,
                row.id,
                item.address,
                "unchanged",
                digest,
                cached.size,
                cached.mtime_ns,
                None,
                today=cached.today,
                valid_until=cached.valid_until,
            )
            continue
        digests[number] = digest
        to_plan.append(number)
    planned = plan_chunk(settings.batch, [chunk[number].entry for number in to_plan])
    files: list[tuple[Path, bytes]] = []
    replaced: list[tuple[Path, int]] = []
    for number, made in zip(to_plan, planned, strict=True):
        item = chunk[number]
        if isinstance(made, RowError):
            outcomes[number] = FeedOutcome(made.line, made.id, item.address, "", "", 0, 0, made)
            continue
        path = folder / f"{item.address}{FEED_SUFFIX}"
        page_path = None if pages is None else pages / _page_name(item.entry)
        try:
            status, data, before_ns = _calendar(settings, made.plan, path)
            page = (
                None if page_path is None else _page(settings, made.plan, item.address, page_path)
            )
        except CareTimelineError as err:  # this row's fault; the others go on
            error = row_error(made.line, made.id, err)
            outcomes[number] = FeedOutcome(made.line, made.id, item.address, "", "", 0, 0, error)
            continue
        if data is not None:
            files.append((path, data))
            if status == "changed":
                replaced.append((path, before_ns))
        if page is not None and page_path is not None:
            files.append((page_path, page))
        outcomes[number] = FeedOutcome(
            made.line,
            made.id,
            item.address,
            status,
            digests[number],
            0,
            0,
            None,
            page is not None,
            today,
            _valid_until(options, item.entry, made.plan),
            planned=True,
        )
    write_files(files)
    for path, before_ns in replaced:
        _later_second(path, before_ns)
    done: list[FeedOutcome] = []
    for outcome in outcomes:
        assert outcome is not None
        if outcome.error is None and not outcome.size:  # written or compared: as it is now
            info = os.stat(folder / f"{outcome.address}{FEED_SUFFIX}")
            outcome = outcome._replace(size=info.st_size, mtime_ns=info.st_mtime_ns)
        done.append(outcome)
    return done


def _valid_until(options: RowOptions, entry: Entry, plan: Plan) -> date | None:
    """The last day a row's calendar stays the same, None when it follows the day (see
    :mod:`.feed_cache`), from the fields as the row was planned from them (a column
    the batch ignores was not read)."""
    assert not isinstance(entry, RowError)
    return today_free_until(read_fields(entry[0], options), plan, options.protocols)


def _page_name(entry: Entry) -> str:
    """The file name of a row's page (as a batch names its files)."""
    assert not isinstance(entry, RowError)
    return entry[1]


_NOT_OPTIONS = frozenset({"today"})
"""Row options the digest leaves out: the day is in each record of the cache, which
says on which days its calendar stays the same (:class:`.feed_cache.Cached`)."""
_NOT_CALENDAR = frozenset({"timestamp", "uid_key"})
"""Calendar options a feed's content does not follow from here: the stamp is kept
from the file or set when the content changes, and the key keys the digest itself."""


def run_context(settings: BatchSettings) -> bytes:
    """What every feed's content follows from besides its row and the day, as one
    digest: the package's code and every field of the rows' options (but the day)
    and of the calendar's (but its stamp and key), whatever fields they have, so a
    new option can never leave a feed unplanned when it changes."""
    calendar, options = settings.calendar, settings.options
    assert calendar is not None
    parts = [code_fingerprint().hex()]
    for value, left_out in ((options, _NOT_OPTIONS), (calendar, _NOT_CALENDAR)):
        parts.extend(
            f"{field.name}={_described(getattr(value, field.name))}"
            for field in dataclasses.fields(value)
            if field.name not in left_out
        )
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).digest()


def _described(value: object) -> str:
    """A value as text that changes whenever it does: a model (a protocol) as its
    whole JSON, a tuple item by item, anything else by its ``repr``."""
    dump = getattr(value, "model_dump_json", None)
    if callable(dump):
        return str(dump())
    if isinstance(value, tuple | list):
        return "[" + ",".join(_described(item) for item in value) + "]"
    return repr(value)
