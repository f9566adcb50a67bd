"""The file each plan of a batch is written to, the table that finds ids used
twice, and the set of names a batch wrote."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from bisect import bisect_left
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "ERRORS_FILE",
    "MANIFEST_FILE",
    "STALE_FOLDER",
    "Earlier",
    "NameSet",
    "SeenIds",
    "file_name",
    "is_file_name",
]

ERRORS_FILE = "errors.csv"
MANIFEST_FILE = "manifest.csv"
STALE_FOLDER = "stale"
_RESERVED = frozenset(Path(name).stem for name in (ERRORS_FILE, MANIFEST_FILE))

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._~-]*", re.ASCII)
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{kind}{n}" for kind in ("com", "lpt") for n in range(10)]
)


PLAIN_LENGTH = 200
"""The longest a stem written in plain letters gets (a plan id is at most 200
characters; with the hash and the extension, a name stays under 255 bytes)."""
_LETTERS = str.maketrans(
    {
        "ı": "i",  # Turkish dotless i: no decomposition gives it a plain letter
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
    }
)


def _plain_letters(plan_id: str) -> str:
    """The id with its letters written without their accents (``İrem Doğan`` is
    ``Irem Dogan``, ``Émilie`` is ``Emilie``), so a file name still reads as the name;
    what has no plain form stays as it is (and becomes ``_``). A letter may become two
    (``ß``, ``ss``), but the whole is cut at :data:`PLAIN_LENGTH` characters (or the
    id's own length), so a name stays within what file systems take."""
    decomposed = unicodedata.normalize("NFKD", plan_id.translate(_LETTERS))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain[: max(len(plan_id), PLAIN_LENGTH)]


def file_name(plan_id: str, format: str) -> str:
    """The file a plan id's export is written to: ``{id}.{format}`` when the id is
    safe as it is, else the id with its letters written without accents, every other
    character replaced by ``_``, and ``~`` plus a hash of the whole id inserted before
    the first ``.``, so two ids never share a name (the hash is of the id as given,
    so an ASCII id's name is what it always was).

    Unsafe as it is: any character but ``A-Z a-z 0-9 . _ -``, a leading ``.`` or
    ``-``, the batch's own ``errors`` and ``manifest``, and a Windows device name
    before the first dot (``CON``, ``nul.x``, ``LPT9.ics``): Windows reads
    ``CON.anything`` as the device, so the hash goes before the first dot, where
    it makes the name an ordinary one.

    >>> file_name("clinic-42.7781", "ics"), file_name("clinic-42/7781", "ics")
    ('clinic-42.7781.ics', 'clinic-42_7781~466f0795c66a.ics')
    >>> file_name("CON.txt", "ics")
    'CON~09c8cc7edcae.txt.ics'
    >>> file_name("İrem Doğan", "ics")
    'Irem_Dogan~d4d0f693d26b.ics'
    """
    stem = _UNSAFE.sub("_", plan_id if plan_id.isascii() else _plain_letters(plan_id))
    first = stem.split(".")[0].lower()
    if (
        stem != plan_id
        or stem.startswith((".", "-"))  # hidden, or read as an option by shell tools
        or stem.lower() in _RESERVED
        or first in _WINDOWS_DEVICES
    ):
        digest = hashlib.sha256(plan_id.encode("utf-8", "surrogatepass")).hexdigest()
        stem = "_" + stem[1:] if stem.startswith((".", "-")) else stem
        head, dot, rest = stem.partition(".")
        stem = f"{head}~{digest[:12]}{dot}{rest}"
    return f"{stem}.{format}"


def is_file_name(name: str) -> bool:
    """Whether ``name`` could be a plan's file in a batch folder (a plain name, never a
    path, a hidden file or the batch's own files). A file listed in an earlier
    manifest is only ever moved when it is one."""
    return (
        _NAME.fullmatch(name) is not None
        and Path(name).stem.lower() not in _RESERVED
        and name.split(".")[0].lower() not in _WINDOWS_DEVICES
    )


class Earlier(NamedTuple):
    """The row that had an id first: its line, and how its id compares."""

    line: int
    same_text: bool
    """The two ids are the very same text."""
    same_normal: bool
    """The two ids are the same text in Unicode's composed form (NFC): ``José``
    typed with one accented letter and with an ``e`` and a combining accent."""


class SeenIds:
    """Which ids a batch has had, in about 28 bytes each: the one thing that grows
    with the file, so it is kept far smaller than a set of strings would be.

    Like a dict, entries are stored densely in arrays (a 64-bit hash of the key,
    the line, 32-bit hashes of the exact id and of its composed form), and a
    table of slots, at most half full, points into them. Two different keys share
    a 64-bit hash with a chance of about 1 in 10**9 in a file of 100,000 rows;
    the later row is then reported as a duplicate (never silently dropped or
    overwritten).
    """

    def __init__(self) -> None:
        self._slots = array("I", bytes(4 * 1024))  # entry number + 1; 0 is empty
        self._keys = array("Q")
        self._lines = array("I")
        self._exact = array("I")
        self._normal = array("I")

    @staticmethod
    def _hash(text: str) -> int:
        digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "little")

    def _entry(self, wanted: int) -> tuple[int, int]:
        """The slot for a key's hash, and its entry number + 1 (0 when absent)."""
        mask = len(self._slots) - 1
        slot = wanted & mask
        while entry := self._slots[slot]:
            if self._keys[entry - 1] == wanted:
                return slot, entry
            slot = (slot + 1) & mask
        return slot, 0

    def find(self, key: str) -> int | None:
        """The line that had ``key``, or None."""
        _, entry = self._entry(self._hash(key))
        return self._lines[entry - 1] if entry else None

    def same_text(self, key: str, exact: str) -> bool:
        """Whether the row that had ``key`` had the id ``exact``, as it is."""
        _, entry = self._entry(self._hash(key))
        return bool(entry) and self._exact[entry - 1] == self._hash(exact) & 0xFFFFFFFF

    def add(self, key: str, exact: str, line: int, normal: str | None = None) -> Earlier | None:
        """Record ``key`` from ``line``. If it was there before: the earlier line,
        and whether the earlier ``exact`` (and ``normal``) text was the same."""
        wanted = self._hash(key)
        same = self._hash(exact) & 0xFFFFFFFF
        same_normal = self._hash(exact if normal is None else normal) & 0xFFFFFFFF
        slot, entry = self._entry(wanted)
        if entry:
            number = entry - 1
            return Earlier(
                self._lines[number],
                self._exact[number] == same,
                self._normal[number] == same_normal,
            )
        self._keys.append(wanted)
        self._lines.append(min(line, 0xFFFFFFFF))
        self._exact.append(same)
        self._normal.append(same_normal)
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


class NameSet:
    """The file names a batch wrote, 16 bytes each (64-bit hashes of the name as it
    is and in lower case), asked only once the batch is done. A hash shared by two
    names (about 1 in 10**9 at 100,000 rows) would keep an earlier run's file in
    place rather than move it."""

    def __init__(self) -> None:
        self._exact = _Hashes()
        self._lower = _Hashes()

    def add(self, name: str) -> None:
        self._exact.add(name)
        self._lower.add(name.lower())

    def __contains__(self, name: object) -> bool:
        """Whether this very name was written."""
        return isinstance(name, str) and name in self._exact

    def in_other_case(self, name: str) -> bool:
        """Whether a name that differs from ``name`` only in case was written (on a
        file system that ignores case, the two are one file)."""
        return name.lower() in self._lower and name not in self._exact


class _Hashes:
    """64-bit hashes of texts, sorted when first asked."""

    def __init__(self) -> None:
        self._hashes = array("Q")
        self._sorted = True

    def add(self, text: str) -> None:
        self._hashes.append(SeenIds._hash(text))
        self._sorted = False

    def __contains__(self, text: str) -> bool:
        if not self._sorted:
            self._hashes = array("Q", sorted(self._hashes))
            self._sorted = True
        wanted = SeenIds._hash(text)
        index = bisect_left(self._hashes, wanted)
        return index < len(self._hashes) and self._hashes[index] == wanted
