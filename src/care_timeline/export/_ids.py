"""Identifiers derived from a plan id, for every export that needs one.

A calendar's event UIDs (and any other exported identifier made from the plan
id) must stay the same for the same patient, so re-exports update rather than
duplicate, and must not give the plan id away.

- Without a key they are a SHA-256 of the plan id: stable, and what earlier
  versions wrote, but anyone can hash a guessed id and compare.
- With a clinic's key (:mod:`care_timeline.uid_keys`) they are an HMAC-SHA256
  under that key: as stable, and useless to anyone without the key.

Every part is separated by NUL, which cannot occur in a plan id (control
characters are refused) nor in protocol or milestone ids, so parts cannot run
into each other; each kind of identifier has its own label, so one never
equals another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..plan_model import Milestone, NoLongerPlanned, Plan

__all__ = [
    "FEED_ADDRESS_BYTES",
    "UID_DOMAIN",
    "event_uid",
    "feed_address",
    "id_key",
    "keyed_hash",
    "plan_token",
    "plan_uid",
]

UID_DOMAIN = "@care-timeline"


def keyed_hash(text: str, key: bytes | None) -> str:
    """The hex SHA-256 of ``text`` (UTF-8), keyed with HMAC when there is a key."""
    data = text.encode("utf-8", "surrogatepass")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def plan_token(plan_id: str, key: bytes | None) -> str:
    """A 64-digit hex token standing for ``plan_id`` in an export (such as an
    identifier in another system): the same for the same id and key, and
    without the key not traceable to the id."""
    return keyed_hash(f"care-timeline\x00plan-token-1\x00{plan_id}", key)


def plan_uid(plan: Plan, what: str, key: bytes | None, *, protocol_id: str | None = None) -> str:
    """The UID of one thing (``what``) exported from ``plan``: from the plan id
    when it has one, else from the protocol id (nothing secret, so unkeyed): the
    plan's, or ``protocol_id``, the one the thing comes from in a composed plan."""
    if plan.plan_id is None:
        protocol = protocol_id or plan.protocol.id
        text = f"care-timeline\x00uid-1\x00protocol\x00{protocol}\x00{what}"
        return keyed_hash(text, None)[:32] + UID_DOMAIN
    # Without a key: the UIDs of version 0.1, so calendars keep updating in place.
    label = "uid-1" if key is None else "uid-keyed-1"
    text = f"care-timeline\x00{label}\x00plan\x00{plan.plan_id}\x00{what}"
    return keyed_hash(text, key)[:32] + UID_DOMAIN


def event_uid(plan: Plan, milestone_id: str, key: bytes | None = None) -> str:
    """The UID of a milestone's calendar event (see :func:`plan_uid`). In a composed
    plan without a plan id it comes from the milestone's own protocol, so adding a
    routine schedule to a plan leaves its events' UIDs as they were."""
    owner = None
    if plan.protocols:
        items: tuple[Milestone | NoLongerPlanned, ...] = (
            *plan.milestones,
            *plan.no_longer_planned,
        )
        owner = next((item.protocol for item in items if item.id == milestone_id), None)
    return plan_uid(plan, f"milestone\x00{milestone_id}", key, protocol_id=owner)


FEED_ADDRESS_BYTES = 20
"""A feed's address carries 160 bits of the keyed hash: 32 characters of base32."""


def id_key(plan_id: str) -> str:
    """What two rows' ids must differ in to be two patients: their text after
    Unicode's compatibility normalisation and full case folding, NFKC and
    ``str.casefold`` (``José`` typed with one accented letter or with ``e`` and a
    combining accent, ``JOSÉ`` and ``josé``, ``ÇAĞLA`` and ``çağla``, ``STRASSE`` and
    ``straße``, fullwidth ``ＡＢ`` and ``ab``), with the Turkish dotted and dotless i
    (``İ``, ``ı``) counted as ``i``, as a clinic typing in Turkish and one typing in
    English write the same name. Files of ids that differ only in case would also
    overwrite each other on Windows and macOS, which ignore case in file names.

    >>> id_key("GÜLŞEN ÖZTÜRK") == id_key("gülşen öztürk"), id_key("İREM") == id_key("irem")
    (True, True)
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", plan_id).casefold())
    return folded.replace("i\u0307", "i").replace("\u0131", "i")


def feed_address(plan_id: str, key: bytes, revision: int = 0) -> str:
    """The name under which a plan's subscription feed is published: the first
    :data:`FEED_ADDRESS_BYTES` bytes of an HMAC-SHA256 under the clinic's key of the
    plan id and its address's revision (0, then one more for each revocation),
    in lowercase base32: 32 letters ``a-z`` and digits ``2-7``, safe in a URL and
    in a file name on any system, whatever it does with case.

    The same id, key and revision give the same address on every run; a new
    revision gives an unrelated one. The id is taken as a batch tells patients
    apart (:func:`id_key`): an id re-typed in other letter case keeps its address. Without the key nobody can tell whose it is
    or check a guessed id against it; its label differs from every UID's, so an
    address never equals an identifier written into a calendar.

    >>> address = feed_address("7781", bytes(32))
    >>> len(address), address == feed_address("7781", bytes(32)), address == feed_address("7781", bytes(32), 1)
    (32, True, False)
    """
    text = f"care-timeline\x00feed-address-1\x00{revision}\x00{id_key(plan_id)}"
    digest = hmac.new(key, text.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return base64.b32encode(digest[:FEED_ADDRESS_BYTES]).decode("ascii").lower()
