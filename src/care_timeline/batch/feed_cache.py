"""What each published feed was made from, so that a re-publication plans only
the patients whose inputs changed, on the same day or a later one.

``publish-cache.csv`` (beside the links file) has a line per feed: its address,
a keyed hash of everything the feed's content follows from but the day (the
row's fields, the protocol, the calendar's options, the package's own code: see
:func:`inputs_digest`), the size and modification time the feed had when that
was recorded, the day (``--today``) its row was planned for, and, when nothing
in its calendar follows the day, the last day its plan stays the same
(``valid_until``; see :func:`care_timeline.fields.today_free_until`: the day of
44w6d, or ``9999-12-31`` for a plan that ended; empty when the calendar follows
the day: a gestational age given without its day, undated broken waters, an
undated short cervix).

A row is left as it is, without being planned again, only when its hash is the
one recorded, its feed is the file recorded (size and modification time), and
the run's day is the day recorded or, for a record with a ``valid_until``, lies
from the day recorded to that day, both included (:meth:`Cached.covers`). Such a
row's line is copied as it was, its day included, so the span never grows past
what was planned. Anything else (an earlier day, a day past the span, a row
whose calendar follows the day on a later day, a changed row, a file touched by
hand, a new version of the package, no cache, a cache of an earlier version's
columns) plans the row and compares its calendar with the file. The cache is
only ever a shortcut: deleting it costs time, never a wrong feed.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
from array import array
from bisect import bisect_left
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

from ..fields import FieldValue

__all__ = ["CACHE_COLUMNS", "Cached", "FeedCache", "code_fingerprint", "inputs_digest"]

CACHE_COLUMNS = ("address", "inputs", "size", "mtime_ns", "today", "valid_until")
_DIGEST_BYTES = 16


class Cached(NamedTuple):
    """A feed as the cache recorded it."""

    inputs: str
    size: int
    mtime_ns: int
    today: date
    """The day its row was planned for."""
    valid_until: date | None
    """The last day its calendar stays the same; None when it follows the day."""

    def covers(self, today: date) -> bool:
        """Whether a row planned as recorded gives the same calendar on ``today``."""
        if today == self.today:
            return True
        return self.valid_until is not None and self.today <= today <= self.valid_until

    def line(self, address: str) -> tuple[str, ...]:
        """The record as the cache file's line for ``address``."""
        until = "" if self.valid_until is None else self.valid_until.isoformat()
        day = self.today.isoformat()
        return address, self.inputs, str(self.size), str(self.mtime_ns), day, until


def inputs_digest(
    key: bytes, context: bytes, fields: Mapping[str, FieldValue], problem: str | None
) -> str:
    """A hex HMAC under the clinic's key of what a row's feed follows from but the
    day: the run's ``context`` (what every row shares) and the row's own fields.
    Keyed, because the fields (a due date, a history) could otherwise be guessed
    back from it."""
    row = repr((sorted((str(name), repr(value)) for name, value in fields.items()), problem))
    data = context + row.encode("utf-8", "surrogatepass")
    return hmac.new(key, data, hashlib.sha256).hexdigest()[: 2 * _DIGEST_BYTES]


def code_fingerprint() -> bytes:
    """A hash of the package's own files (code, protocols, catalogs): a new version,
    or any change to them, makes every feed be planned and compared again."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml", ".mo", ".json") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\x00")
            digest.update(path.read_bytes())
    return digest.digest()


def _slot(address: str) -> int:
    digest = hashlib.blake2b(address.encode("ascii", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class FeedCache:
    """The cache an earlier run wrote, in about 48 bytes a feed (a sorted table of
    64-bit hashes of the addresses beside the records), looked up by address. Two
    addresses sharing a hash (about 1 in 10**9 at 100,000 feeds) would only cost
    a lookup that misses."""

    def __init__(self) -> None:
        self._slots = array("Q")
        self._inputs = bytearray()
        self._sizes = array("Q")
        self._times = array("q")
        # Each record's day and its last day (0: none), as ordinals.
        self._days = array("i")
        self._until = array("i")

    @classmethod
    def load(cls, path: Path) -> FeedCache:
        """The cache in ``path``; an empty one when there is none or it cannot be
        read, or it has other columns (an earlier version's): it is only a shortcut."""
        cache = cls()
        slots, inputs, sizes, times = array("Q"), bytearray(), array("Q"), array("q")
        days, until = array("i"), array("i")
        try:
            with path.open(encoding="ascii", newline="") as handle:
                reader = csv.reader(handle)
                if tuple(next(reader, ())) != CACHE_COLUMNS:
                    return cache
                for address, digest, size, mtime_ns, today, last in reader:
                    slots.append(_slot(address))
                    inputs += bytes.fromhex(digest)
                    sizes.append(int(size))
                    times.append(int(mtime_ns))
                    days.append(date.fromisoformat(today).toordinal())
                    until.append(date.fromisoformat(last).toordinal() if last else 0)
        except (OSError, ValueError, OverflowError, UnicodeDecodeError, csv.Error):
            return cls()  # a size or time out of its array's range among them
        if len(inputs) != _DIGEST_BYTES * len(slots):
            return cls()
        order = sorted(range(len(slots)), key=slots.__getitem__)
        cache._slots = array("Q", (slots[i] for i in order))
        cache._sizes = array("Q", (sizes[i] for i in order))
        cache._times = array("q", (times[i] for i in order))
        cache._days = array("i", (days[i] for i in order))
        cache._until = array("i", (until[i] for i in order))
        cache._inputs = bytearray(
            b"".join(inputs[i * _DIGEST_BYTES : (i + 1) * _DIGEST_BYTES] for i in order)
        )
        return cache

    def __len__(self) -> int:
        return len(self._slots)

    def get(self, address: str) -> Cached | None:
        wanted = _slot(address)
        at = bisect_left(self._slots, wanted)
        if at == len(self._slots) or self._slots[at] != wanted:
            return None
        digest = self._inputs[at * _DIGEST_BYTES : (at + 1) * _DIGEST_BYTES].hex()
        until = self._until[at]
        return Cached(
            digest,
            self._sizes[at],
            self._times[at],
            date.fromordinal(self._days[at]),
            date.fromordinal(until) if until else None,
        )


def unchanged(path: Path, cached: Cached) -> bool:
    """Whether the feed at ``path`` is the file the cache recorded."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    return info.st_size == cached.size and info.st_mtime_ns == cached.mtime_ns
