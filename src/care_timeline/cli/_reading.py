"""Reading the command line's arguments into the library's values: today, the
protocols, the calendar options, the key, the plan of ``plan``'s flags, the rows'
options; and refusing an output that is one of the command's own inputs."""

from __future__ import annotations

import argparse
import os
from datetime import date, datetime

import care_timeline as ct
from care_timeline.calendar_options import parse_epoch, parse_reminder, parse_timestamp
from care_timeline.dating import check_supported
from care_timeline.files import same_file
from care_timeline.protocol import find_protocol
from care_timeline.safe_text import for_terminal
from care_timeline.uid_keys import UID_KEY_ENV

from ._parser import PROG

__all__ = [
    "KEYED_FORMATS",
    "UID_NOTE",
    "calendar_options",
    "choice",
    "not_an_input",
    "plan",
    "protocol_from",
    "protocols",
    "read_inputs",
    "row_options",
    "timestamp",
    "today",
    "uid_key",
    "uid_key_file",
]


def today(args: argparse.Namespace) -> date:
    if args.today is None:
        return date.today()
    day = ct.parse_date(args.today, field="--today", date_order=args.date_order)
    return check_supported(day, field="--today", error=ct.DateInputError)


def protocols(args: argparse.Namespace) -> list[ct.Protocol]:
    """Each --protocol (a shipped one by name, or a clinic's file), or the default
    protocol; in ``--language``, which a file must be written in (a page never mixes two
    languages). Several compose one plan."""
    given: list[str] = args.protocol or []
    if not given:
        return [protocol_from(None, args.language)]
    return [protocol_from(value, args.language) for value in given]


def choice(protocols: list[ct.Protocol]) -> ct.Protocol | list[ct.Protocol]:
    """What plan(protocol=...) takes: the protocol, or the list to compose."""
    return protocols[0] if len(protocols) == 1 else protocols


def protocol_from(name_or_path: str | None, language: str | None) -> ct.Protocol:
    """A shipped protocol by name (the default without one) in ``language``, or a
    clinic's file; a file in another language than the one asked for is refused rather
    than mixed with it."""
    if name_or_path is None:
        return ct.default_protocol("en" if language is None else language)
    return find_protocol(name_or_path, language)


def timestamp(args: argparse.Namespace) -> datetime | None:
    """--timestamp (checked whatever the format); for a calendar without it,
    SOURCE_DATE_EPOCH; otherwise None (a calendar is then stamped when written)."""
    if args.timestamp is not None:
        return parse_timestamp(args.timestamp)
    if args.format != "ics":
        return None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return parse_epoch(epoch) if epoch else None


KEYED_FORMATS = ("ics", "fhir")
"""The formats that write identifiers made from the plan id."""


def uid_key_file(args: argparse.Namespace) -> tuple[str, str | None]:
    """The key file a command reads, and how the user named it: --uid-key, else the
    file the environment names."""
    if args.uid_key:
        return "--uid-key", args.uid_key
    return UID_KEY_ENV, os.environ.get(UID_KEY_ENV, "").strip() or None


def uid_key(args: argparse.Namespace) -> bytes | None:
    """The key for identifiers made from the plan id (calendar UIDs, the FHIR
    CarePlan's identifier): --uid-key, else the file the environment names. A fault
    names the flag (or the variable) and the file."""
    if args.format not in KEYED_FORMATS:
        return None  # no other format writes such identifiers
    named, path = uid_key_file(args)
    if path is None:
        return None
    try:
        return ct.load_uid_key(path)
    except ct.ExportError as error:
        raise ct.ExportError(f"{named} {error}", field=error.field) from None
    except OSError as error:
        why = for_terminal(error.strerror or str(error))
        raise ct.ExportError(f"{named} {for_terminal(path)}: {why}", field="uid_key") from None


def not_an_input(flag: str, output: str | None, inputs: dict[str, str | None]) -> None:
    """Refuse an output that is a file the same command reads (the clinic's only key,
    its protocol, its patients, a plan being compared): writing it would destroy the
    input. The flags name both."""
    if output is None:
        return
    for name, path in inputs.items():
        if path is not None and same_file(output, path):
            raise ct.ExportError(
                f"{flag} {for_terminal(output)}: is the file given as {name}, which this "
                "command reads; write to another file",
                field=flag.lstrip("-"),
                value=output,
                allowed=f"a file other than {name}",
            )


def read_inputs(args: argparse.Namespace) -> dict[str, str | None]:
    """The files a planning command reads besides its rows: the key and the protocol."""
    key_name, key_path = uid_key_file(args)
    protocols = {f"--protocol {path}": path for path in args.protocol or ()}
    return {key_name: key_path, **protocols}


UID_NOTE = (
    f"{PROG}: note: without a key, calendar UIDs and FHIR identifiers are a plain hash of "
    "the plan id, so anyone can check guessed ids against them; give a key with --uid-key "
    f"FILE or {UID_KEY_ENV} (see 'UID keys' in docs/calendars.md)\n"
)


def calendar_options(args: argparse.Namespace) -> ct.CalendarOptions:
    """The export options, built (and so checked) once from the arguments, whatever
    the format: the same --calendar-name is refused (control characters, only
    blanks) or taken everywhere, and a bad --omit is refused before any plan."""
    return ct.CalendarOptions(
        timestamp=timestamp(args),
        calendar_name=args.calendar_name,
        reminders=parse_reminder(args.remind_days_before, args.remind_at, off=args.no_reminders),
        uid_key=uid_key(args),
        private=args.private,
        omit=args.omit,
        subscribe_url=getattr(args, "subscribe_url", None),
    )


def plan(args: argparse.Namespace) -> ct.Plan:
    return ct.plan_from_fields(
        {name: getattr(args, name) for name in ct.FIELDS if name != "id"},
        today=today(args),
        protocol=choice(protocols(args)),
        date_order=args.date_order,
        plan_id=args.plan_id,
        names=args.flags,
    )


def row_options(
    args: argparse.Namespace, today: date, protocol: ct.Protocol | list[ct.Protocol]
) -> ct.RowOptions:
    return ct.RowOptions(
        today=today,
        protocol=protocol,
        date_order=args.date_order,
        ignore_columns=args.ignore_columns,
    )
