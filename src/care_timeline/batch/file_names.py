"""The file each plan of a batch is written to, and the table that finds ids
used twice."""

from __future__ import annotations

import hashlib
import re
from array import array
from pathlib import Path

__all__ = ["ERRORS_FILE", "SeenIds", "file_name"]

ERRORS_FILE = "errors.csv"

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)]
)


def file_name(plan_id: str, format: str) -> str:
    """The file a plan id's export is written to: ``{id}.{format}`` when the id is
    safe as it is, else the id with every other character replaced by ``_`` and
    ``~`` plus a hash of the whole id appended, so two ids never share a name.

    >>> file_name("clinic-42.7781", "ics"), file_name("clinic-42/7781", "ics")
    ('clinic-42.7781.ics', 'clinic-42_7781~466f0795c66a.ics')
    """
    stem = _UNSAFE.sub("_", plan_id)
    lowered = stem.lower()
    if (
        stem != plan_id
        or stem.startswith((".", "-"))  # hidden, or read as an option by shell tools
        or lowered == Path(ERRORS_FILE).stem
        or lowered.split(".")[0] in _WINDOWS_DEVICES
    ):
        digest = hashlib.sha256(plan_id.encode("utf-8", "surrogatepass")).hexdigest()
        stem = "_" + stem[1:] if stem.startswith((".", "-")) else stem
        stem = f"{stem}~{digest[:12]}"
    return f"{stem}.{format}"


class SeenIds:
    """Which ids a batch has had, in about 24 bytes each: the one thing that grows
    with the file, so it is kept far smaller than a set of strings would be.

    Like a dict, entries are stored densely in arrays (a 64-bit hash of the key,
    the line, a 32-bit hash of the exact id), and a table of slots, at most half
    full, points into them. Two different keys share a 64-bit hash with a chance
    of about 1 in 10**9 in a file of 100,000 rows; the later row is then reported
    as a duplicate (never silently dropped or overwritten).
    """

    def __init__(self) -> None:
        self._slots = array("I", bytes(4 * 1024))  # entry number + 1; 0 is empty
        self._keys = array("Q")
        self._lines = array("I")
        self._exact = array("I")

    @staticmethod
    def _hash(text: str) -> int:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "little")

    def add(self, key: str, exact: str, line: int) -> tuple[int, bool] | None:
        """Record ``key`` from ``line``. If it was there before: the earlier line,
        and whether the earlier ``exact`` text was the same."""
        wanted, same = self._hash(key), self._hash(exact) & 0xFFFFFFFF
        mask = len(self._slots) - 1
        slot = wanted & mask
        while entry := self._slots[slot]:
            if self._keys[entry - 1] == wanted:
                return self._lines[entry - 1], self._exact[entry - 1] == same
            slot = (slot + 1) & mask
        self._keys.append(wanted)
        self._lines.append(min(line, 0xFFFFFFFF))
        self._exact.append(same)
        self._slots[slot] = len(self._keys)
        if len(self._keys) * 2 > len(self._slots):
            self._grow()
        return None

    def _grow(self) -> None:
        self._slots = array("I", bytes(8 * len(self._slots)))
        mask = len(self._slots) - 1
        for number, key in enumerate(self._keys, start=1):
            slot = key & mask
            while self._slots[slot]:
                slot = (slot + 1) & mask
            self._slots[slot] = number
