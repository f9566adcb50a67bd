"""A published site of subscription feeds, and what is kept beside its links file.

- :class:`FeedSite` says where things go: the served folder (feeds only), the
  links file (outside it), the web address the folder is served at, and an
  optional folder of printable pages (outside it too);
- the served folder holds one file per patient, named by her address
  (:func:`~care_timeline.export.feed_address`) and nothing else:
  :func:`check_site` refuses a folder holding anything that is not a feed, so a
  wrong ``--site`` is never emptied of someone's files, and removes what a
  killed run left;
- beside the links file: ``errors.csv``, ``revocations.csv`` (each revoked id
  and its address's revision: the state that makes a revocation last) and
  ``publish-cache.csv`` (what each feed was made from: a cache, safe to delete);
- :func:`previous_links` reads the links file an earlier run wrote, which
  :mod:`.publishing` holds against the key and the revocations before anything
  is written.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..calendar_options import check_web_address
from ..csv_cells import csv_lines, unneutralise
from ..errors import BatchError
from ..export import feed_address, id_key
from ..files import write_atomic
from ..safe_text import control_character, for_terminal
from .file_names import ERRORS_FILE
from .folder import LOCK_FILE

__all__ = [
    "CACHE_FILE",
    "HEALING_REVISIONS",
    "FEED_SUFFIX",
    "LINKS_COLUMNS",
    "REVOCATIONS_FILE",
    "FeedSite",
    "LinkRow",
    "Revocation",
    "check_links",
    "check_revoke",
    "check_site",
    "is_feed_name",
    "previous_links",
    "read_revocations",
    "revision_of",
    "write_revocations",
]

FEED_SUFFIX = ".ics"
LINKS_COLUMNS = ("id", "https", "webcal")
REVOCATIONS_FILE = "revocations.csv"
REVOCATIONS_COLUMNS = ("id", "revision", "revoked_on")
CACHE_FILE = "publish-cache.csv"
HEALING_REVISIONS = 64
"""How many revisions past the one ``revocations.csv`` records a previous links
file's address is looked for under (a revocations file restored from an old copy)."""
_CHECKED_FIRST = 50
"""Rows of the previous links file read before a key that matches none is refused."""
_BESIDE_LINKS = (ERRORS_FILE, REVOCATIONS_FILE, CACHE_FILE)
_FEED = re.compile(r"[a-z2-7]{32}\.ics")
_FEED_PART = re.compile(r"\.[a-z2-7]{32}\.ics\.[a-z0-9_]{8}\.part")
"""A feed's temporary file (see ``files._temporary``)."""


def is_feed_name(name: str) -> bool:
    """Whether ``name`` is a feed's file name: 32 of ``a-z 2-7``, then ``.ics``."""
    return _FEED.fullmatch(name) is not None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True, init=False)
class FeedSite:
    """Where a publication goes, checked once when built (a fault is a
    :class:`~care_timeline.BatchError` or :class:`~care_timeline.ExportError`
    naming the field).

    ``folder`` is the folder a web server serves: it gets one calendar per
    patient and nothing else. ``links`` is the CSV file that lists each
    patient's addresses (id, ``https://``, ``webcal://``) for the clinic to
    send; it must lie outside ``folder``, and ``errors.csv``,
    ``revocations.csv`` and ``publish-cache.csv`` go beside it. ``base_url`` is
    the ``https://`` address ``folder`` is served at (``http://`` only for
    ``localhost``, to try a site out); a ``/`` is added at its end if missing.
    ``pages`` (optional, outside ``folder``) gets each patient's printable page
    with her subscription's QR code.

    >>> site = FeedSite("site", links="links.csv", base_url="https://calendars.example.org/feeds")
    >>> site.base_url
    'https://calendars.example.org/feeds/'
    """

    folder: Path
    links: Path
    base_url: str
    pages: Path | None

    def __init__(
        self,
        folder: str | os.PathLike[str],
        *,
        links: str | os.PathLike[str],
        base_url: str,
        pages: str | os.PathLike[str] | None = None,
    ) -> None:
        served = _folder(folder, "site")
        given = Path(os.path.abspath(_path(links, "links")))
        listed = Path(os.path.realpath(given.parent)) / given.name
        address = check_web_address(base_url, field="base_url")
        if any(mark in address for mark in "?#"):
            raise BatchError(
                field="base_url",
                value=base_url,
                allowed="the address of the served folder, without a query (?) or fragment (#)",
            )
        if _inside(listed, served):
            raise BatchError(
                f"links: {for_terminal(str(links))} is inside the site "
                f"{for_terminal(str(folder))}; the links file names every patient and must "
                "never be served: expected a file outside the site folder",
                field="links",
                value=str(links),
                allowed="a file outside the site folder",
            )
        if listed.name in _BESIDE_LINKS:
            raise BatchError(
                field="links",
                value=str(links),
                allowed="a file name other than " + ", ".join(_BESIDE_LINKS),
            )
        printed = None if pages is None else _folder(pages, "pages")
        if printed is not None and (_inside(printed, served) or _inside(served, printed)):
            raise BatchError(
                f"pages: {for_terminal(str(pages))} and the site {for_terminal(str(folder))} "
                "overlap; the pages name every patient and must never be served: expected a "
                "folder outside the site folder",
                field="pages",
                value=str(pages),
                allowed="a folder outside the site folder",
            )
        object.__setattr__(self, "folder", served)
        object.__setattr__(self, "links", listed)
        object.__setattr__(self, "base_url", address if address.endswith("/") else address + "/")
        object.__setattr__(self, "pages", printed)

    def https(self, address: str) -> str:
        """The web address of the feed named ``address``."""
        return f"{self.base_url}{address}{FEED_SUFFIX}"

    def webcal(self, address: str) -> str:
        """The same with ``webcal://``, which asks a calendar program to subscribe."""
        return "webcal://" + self.https(address).split("://", 1)[1]

    def beside_links(self, name: str) -> Path:
        return self.links.parent / name

    def written_beside(self) -> dict[str, Path]:
        """The files a run writes outside the site, by what each is."""
        return {"links file": self.links} | {
            name: self.beside_links(name) for name in _BESIDE_LINKS
        }


def _path(value: object, field: str) -> str:
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        raise BatchError(field=field, value=repr(value), allowed="a path")
    text = os.fsdecode(os.fspath(value))
    if "\x00" in text:  # no system takes it; os.path would raise a bare ValueError
        raise BatchError(field=field, value=repr(text), allowed="a path without a NUL character")
    return text


def _folder(value: object, field: str) -> Path:
    """An absolute path, the folder itself where it is a link (a link's target is
    what a server serves)."""
    return Path(os.path.realpath(_path(value, field)))


def check_site(folder: Path) -> int:
    """How many feeds ``folder`` holds, after removing the temporary files of feeds a
    killed run left. Anything else in it is refused with a :class:`BatchError`: the
    served folder holds feeds only, and a folder with other files in it is not one
    (a wrong ``--site``, whose files a publication would otherwise remove)."""
    feeds = 0
    for entry in os.scandir(folder):
        name = entry.name
        if _FEED.fullmatch(name) and entry.is_file(follow_symlinks=False):
            feeds += 1
        elif _FEED_PART.fullmatch(name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
        elif name == LOCK_FILE and sys.platform == "win32":  # pragma: no cover - Windows
            continue
        else:
            raise BatchError(
                f"site: {for_terminal(os.path.join(folder, name))} is not a feed; the site "
                "folder holds nothing but the feeds a publication writes (no index, no other "
                "files, no folders): choose an empty folder, or move it out",
                field="site",
                value=name,
                allowed="a folder holding only feeds",
            )
    return feeds


class LinkRow(NamedTuple):
    """A row of an earlier run's links file."""

    line: int
    id: str
    address: str
    """The feed's name without ``.ics``, as its ``https`` cell ends."""


def previous_links(site: FeedSite) -> Iterator[LinkRow]:
    """The rows of the links file an earlier run wrote, one at a time; nothing when
    there is none. A file that is not one (another header, an address that is not a
    feed's) is refused with a :class:`BatchError`: a file of the clinic's own is
    never overwritten, nor taken for the record of who has which address."""
    path = site.links
    shown = for_terminal(str(path))
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        return
    not_ours = (
        f"links: {shown} is not a links file written by publish (id,https,webcal); "
        "give another --links, or move it away"
    )
    with handle:
        try:
            reader = csv.reader(handle)
            if tuple(next(reader, ())) != LINKS_COLUMNS:
                raise BatchError(not_ours, field="links", value=str(path))
            for cells in reader:
                if len(cells) != len(LINKS_COLUMNS):
                    raise BatchError(
                        f"{not_ours} (line {reader.line_num})", field="links", value=str(path)
                    )
                row_id, https, _ = cells
                name = https.rsplit("/", 1)[-1]
                if not is_feed_name(name):
                    raise BatchError(
                        f"{not_ours} (line {reader.line_num})", field="links", value=str(path)
                    )
                yield LinkRow(reader.line_num, unneutralise(row_id), name[: -len(FEED_SUFFIX)])
        except (csv.Error, UnicodeDecodeError):
            raise BatchError(not_ours, field="links", value=str(path)) from None


class Revocation(NamedTuple):
    """How many times an id's address was replaced, and the day it last was."""

    revision: int
    revoked_on: str


def read_revocations(site: FeedSite) -> dict[str, Revocation]:
    """``revocations.csv`` beside the links file: each revoked id's revision (ids
    never revoked have revision 0 and are not listed), keyed by
    :func:`~care_timeline.export.id_key` (``AB12`` revokes the row ``ab12``'s address).
    Refused when it cannot be read as one, since a lost
    revocation would bring a leaked address back."""
    path = site.beside_links(REVOCATIONS_FILE)
    shown = for_terminal(str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        text = ""
    rows = list(csv.reader(text.splitlines()))
    found: dict[str, Revocation] = {}
    if not rows or tuple(rows[0]) != REVOCATIONS_COLUMNS:
        raise BatchError(
            f"{shown}: not a revocations file (id,revision,revoked_on); it records which "
            "addresses were revoked: restore it from a copy",
            field="revocations",
        )
    for number, cells in enumerate(rows[1:], start=2):
        if len(cells) != 3 or not cells[1].isdigit() or not cells[0]:
            raise BatchError(
                f"{shown}: line {number} is not an id, a revision and a day; restore the "
                "file from a copy",
                field="revocations",
            )
        found[id_key(unneutralise(cells[0]))] = Revocation(int(cells[1]), cells[2])
    return found


NOT_REVOKED = Revocation(0, "")


def revision_of(revocations: Mapping[str, Revocation], row_id: str) -> Revocation:
    """An id's revocation record (revision 0 for an id never revoked: most of them,
    found without making its key when nothing was ever revoked)."""
    return revocations.get(id_key(row_id), NOT_REVOKED) if revocations else NOT_REVOKED


def write_revocations(site: FeedSite, revocations: dict[str, Revocation]) -> None:
    """Write ``revocations.csv`` atomically, ids (as :func:`~care_timeline.export.id_key`
    gives them) in order; the CSV writer makes them safe for a spreadsheet."""
    rows: list[tuple[str, ...]] = [REVOCATIONS_COLUMNS]
    rows.extend(
        (row_id, str(r.revision), r.revoked_on) for row_id, r in sorted(revocations.items())
    )
    write_atomic(site.beside_links(REVOCATIONS_FILE), csv_lines(rows).encode())


def check_links(site: FeedSite, key: bytes, revisions: dict[str, Revocation], feeds: int) -> bool:
    """Hold the previous links file against the key and ``revisions``: each address
    there must be one the key gives its id. A revision there past the recorded one
    (a revocations file restored from an old copy) is taken into ``revisions``
    (True then: they changed). A key that gives none of them is refused: with
    another key every patient would get a new address, silently."""
    if not site.links.exists():
        if feeds:
            raise BatchError(
                f"links: {for_terminal(str(site.links))} does not exist, but the site "
                f"{for_terminal(str(site.folder))} holds {feeds} feeds; the links file "
                "records who has which address (with revocations.csv beside it): give the "
                "--links an earlier run wrote, or start again with an empty site",
                field="links",
            )
        return False
    rows = matched = 0
    healed = False
    for link in previous_links(site):
        rows += 1
        known = revision_of(revisions, link.id)
        for revision in range(known.revision + HEALING_REVISIONS + 1):
            if feed_address(link.id, key, revision) == link.address:
                matched += 1
                if revision > known.revision:
                    revisions[id_key(link.id)] = Revocation(revision, known.revoked_on)
                    healed = True
                break
        if not matched and rows >= _CHECKED_FIRST:
            break
    if rows and not matched:
        raise BatchError(
            f"uid_key: the addresses in {for_terminal(str(site.links))} were not made with "
            "this key; publishing with another key would give every patient a new address "
            "(their subscriptions would stop). Give the key the site was published with, "
            "or start a new site (an empty folder and a new links file) and send every "
            "patient her new link",
            field="uid_key",
        )
    return healed


def check_revoke(revoke: object) -> list[str]:
    """The ids to revoke, each once (``AB12`` and ``ab12`` are one): ids as a
    patients file has them."""
    if isinstance(revoke, str | bytes) or not isinstance(revoke, Iterable):
        raise BatchError(
            field="revoke", value=repr(revoke), allowed="a list of ids (an empty one: none)"
        )
    ids: list[str] = []
    for row_id in revoke:
        text = row_id.strip() if isinstance(row_id, str) else None
        if not text or control_character(text, allow="") is not None:
            raise BatchError(
                field="revoke", value=row_id, allowed="an id as the patients file has it"
            )
        if all(id_key(text) != id_key(known) for known in ids):
            ids.append(text)
    return ids
