"""What each command does, through the public API and the package's public modules
(the parsers of the command line's own flags live with what they feed)."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import care_timeline as ct
from care_timeline.calendar_options import parse_epoch, parse_reminder, parse_timestamp
from care_timeline.dating import check_supported
from care_timeline.files import same_file, write_atomic
from care_timeline.protocol import read_protocol
from care_timeline.safe_text import for_terminal
from care_timeline.uid_keys import UID_KEY_ENV, uid_key_text

from ._output import err, out
from ._parser import PROG
from ._progress import progress_bar

__all__ = ["COMMANDS", "EXIT_BAD_ROWS", "EXIT_OK", "EXIT_USAGE"]

EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE = 0, 1, 2


# -- reading the arguments ------------------------------------------------------


def _today(args: argparse.Namespace) -> date:
    if args.today is None:
        return date.today()
    day = ct.parse_date(args.today, field="--today", date_order=args.date_order)
    return check_supported(day, field="--today", error=ct.DateInputError)


def _flag_named(error: ct.CareTimelineError, flag: str) -> ct.CareTimelineError:
    """The same error, its message naming the flag the user typed instead of the
    field it went into."""
    message, prefix = str(error), f"{error.field}: "
    text = flag + ": " + message.removeprefix(prefix) if message.startswith(prefix) else message
    return type(error)(text, field=error.field, value=error.value, allowed=error.allowed)


DATE_FLAGS = {"ga_on": "--on", "today": "--today"}
"""Fields of a plan's dates whose flag is not their name with dashes (the day of
--ga is the column ga_on; a day that defaulted to --today is named so)."""


def _protocol(args: argparse.Namespace) -> ct.Protocol:
    return _protocol_from(args.protocol, args.language)


def _protocol_from(path: str | None, language: str | None) -> ct.Protocol:
    """A clinic's file, or the default protocol in ``language``; a file in another
    language than the one asked for is refused rather than mixed with it."""
    if path is None:
        return _default_protocol(language)
    protocol = ct.load_protocol(path)
    if language is not None and language != protocol.language:
        raise ct.PlanError(
            field="language",
            value=language,
            allowed=f"the language of {path} ({protocol.language!r}), or none",
        )
    return protocol


def _default_protocol(language: str | None) -> ct.Protocol:
    return ct.default_protocol("en" if language is None else language)


def _timestamp(args: argparse.Namespace) -> datetime | None:
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


def _uid_key_file(args: argparse.Namespace) -> tuple[str, str | None]:
    """The key file a command reads, and how the user named it: --uid-key, else the
    file the environment names."""
    if args.uid_key:
        return "--uid-key", args.uid_key
    return UID_KEY_ENV, os.environ.get(UID_KEY_ENV, "").strip() or None


def _uid_key(args: argparse.Namespace) -> bytes | None:
    """The key for identifiers made from the plan id (calendar UIDs, the FHIR
    CarePlan's identifier): --uid-key, else the file the environment names. A fault
    names the flag (or the variable) and the file."""
    if args.format not in KEYED_FORMATS:
        return None  # no other format writes such identifiers
    named, path = _uid_key_file(args)
    if path is None:
        return None
    try:
        return ct.load_uid_key(path)
    except ct.ExportError as error:
        raise ct.ExportError(f"{named} {error}", field=error.field) from None
    except OSError as error:
        why = for_terminal(error.strerror or str(error))
        raise ct.ExportError(f"{named} {for_terminal(path)}: {why}", field="uid_key") from None


def _not_an_input(flag: str, output: str | None, inputs: dict[str, str | None]) -> None:
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


def _read_inputs(args: argparse.Namespace) -> dict[str, str | None]:
    """The files a planning command reads besides its rows: the key and the protocol."""
    key_name, key_path = _uid_key_file(args)
    return {key_name: key_path, "--protocol": args.protocol}


UID_NOTE = (
    f"{PROG}: note: without a key, calendar UIDs and FHIR identifiers are a plain hash of "
    "the plan id, so anyone can check guessed ids against them; give a key with --uid-key "
    f"FILE or {UID_KEY_ENV} (see 'UID keys' in docs/calendars.md)\n"
)


def _calendar_options(args: argparse.Namespace) -> ct.CalendarOptions:
    """The export options, built (and so checked) once from the arguments, whatever
    the format: the same --calendar-name is refused (control characters, only
    blanks) or taken everywhere, and a bad --omit is refused before any plan."""
    return ct.CalendarOptions(
        timestamp=_timestamp(args),
        calendar_name=args.calendar_name,
        reminders=parse_reminder(args.remind_days_before, args.remind_at, off=args.no_reminders),
        uid_key=_uid_key(args),
        private=args.private,
        omit=args.omit,
    )


def _plan(args: argparse.Namespace) -> ct.Plan:
    try:
        return ct.plan_from_fields(
            {name: getattr(args, name) for name in ct.FIELDS if name != "id"},
            today=_today(args),
            protocol=_protocol(args),
            date_order=args.date_order,
            plan_id=args.plan_id,
        )
    except ct.CareTimelineError as error:
        flag = DATE_FLAGS.get(error.field or "")
        if flag is None:
            raise
        raise _flag_named(error, flag) from None


def _emit(data: bytes, output: str | None) -> None:
    if output is None:
        out(data)
    else:
        write_atomic(Path(output), data)


# -- the commands -----------------------------------------------------------------


def _cmd_plan(args: argparse.Namespace) -> int:
    _not_an_input("-o", args.output, _read_inputs(args))
    calendar = _calendar_options(args)
    plan = _plan(args)
    _emit(ct.render(plan, args.format, calendar), args.output)
    if args.format in KEYED_FORMATS and plan.plan_id is not None and calendar.uid_key is None:
        err(UID_NOTE)
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from care_timeline.batch import parse_jobs  # here: only a batch loads the batch modules

    planning = ct.RowOptions(
        today=_today(args), protocol=_protocol(args), date_order=args.date_order
    )
    jobs, calendar = parse_jobs(args.jobs), _calendar_options(args)
    _not_an_input("--combined", args.combined, _read_inputs(args))
    rows = ct.read_patients(args.patients)
    bar = None if args.quiet or sys.stderr is None else progress_bar(rows.count, sys.stderr)
    try:
        report = ct.write_batch(
            rows,
            args.out,
            planning,
            format=args.format,
            calendar=calendar,
            jobs=jobs,
            progress=bar,
            combined=args.combined,
        )
    except ct.BatchError as error:
        if error.field != "combined":
            raise
        raise ct.BatchError(f"--{error}", field=error.field, value=error.value) from None
    finally:
        rows.close()
        if bar is not None:
            bar.close()
    if args.format in KEYED_FORMATS and calendar.uid_key is None and not args.quiet:
        err(UID_NOTE)
    if not report.ok or not args.quiet:
        err(report.summary(PROG))
    return EXIT_OK if report.ok else EXIT_BAD_ROWS


def _cmd_upcoming(args: argparse.Namespace) -> int:
    from care_timeline.query import parse_applicability  # here: only upcoming loads queries

    today, protocol = _today(args), _protocol(args)
    start = ct.parse_date(args.start, field="from", date_order=args.date_order)
    end = ct.parse_date(args.end, field="to", date_order=args.date_order)
    if end < start:
        raise ct.QueryError(field="to", value=args.end, allowed=f"a day on or after {start}")
    ids = [spec.id for spec in protocol.milestones]
    if args.milestone is not None and args.milestone not in ids:
        raise ct.QueryError(field="milestone", value=args.milestone, allowed=", ".join(ids))
    wanted = parse_applicability(args.applicability)
    planning = ct.RowOptions(today=today, protocol=protocol, date_order=args.date_order)
    rows = ct.read_patients(args.patients)
    bad: list[ct.RowError] = []

    def good() -> Iterator[ct.Plan]:
        for result in ct.plan_many(rows, planning):
            if isinstance(result, ct.RowError):
                bad.append(result)
            else:
                yield result.plan

    found = ct.upcoming(
        good(),
        start,
        end,
        milestone=args.milestone,
        applicability=wanted,
        status=args.status,
        summary=args.summary,
    )
    if args.format == "csv":
        out(ct.upcoming_csv(found, language_tag=protocol.language))
    else:
        out(ct.upcoming_table(found, start, end, language_tag=protocol.language))
    for error in bad:
        err(f"{PROG}: {error}\n")
    return EXIT_BAD_ROWS if bad else EXIT_OK


def _cmd_protocol_show(args: argparse.Namespace) -> int:
    if args.format == "fhir":
        _emit(ct.protocol_to_fhir(_protocol_from(args.file, args.language)), None)
        return EXIT_OK
    if args.file is None:
        out(ct.default_protocol_text("en" if args.language is None else args.language))
        return EXIT_OK
    # Read once (a pipe, /dev/stdin) and shown byte for byte as it was checked.
    found = read_protocol(args.file)
    if args.language is not None and args.language != found.protocol.language:
        _protocol_from(None, args.language)  # an unknown language: refused as such
        raise ct.PlanError(
            field="language",
            value=args.language,
            allowed=f"the language of {args.file} ({found.protocol.language!r}), or none",
        )
    out(found.data)
    return EXIT_OK


def _cmd_protocol_validate(args: argparse.Namespace) -> int:
    protocol = ct.load_protocol(args.file)
    out(
        f"{for_terminal(args.file)}: valid protocol {protocol.id!r} version "
        f"{protocol.version} with {len(protocol.milestones)} milestones\n"
    )
    return EXIT_OK


def _read_plan(path: str, argument: str) -> ct.Plan:
    """The plan file the argument names, read within the plan size limit; a fault
    names the argument (OLD.json, NEW.json) and the file."""
    try:
        return ct.load_plan(path)
    except ct.PlanError as err:  # unreadable, not a plan's JSON, or one that contradicts itself
        raise ct.PlanError(f"{argument} {err}", field=argument) from None


def _cmd_diff(args: argparse.Namespace) -> int:
    _not_an_input("-o", args.output, {"OLD.json": args.old, "NEW.json": args.new})
    changes = ct.diff(_read_plan(args.old, "OLD.json"), _read_plan(args.new, "NEW.json"))
    _emit(ct.render_diff(changes, args.format), args.output)
    return EXIT_OK


def _cmd_key_new(args: argparse.Namespace) -> int:
    if args.output is not None:
        ct.save_uid_key(args.output)
        return EXIT_OK
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        fd = None  # closed (out() says so), or not a file at all (captured in a test)
    if fd is not None:
        _make_private(fd)
    out(uid_key_text(ct.new_uid_key()))
    return EXIT_OK


def _make_private(fd: int) -> None:
    """When the key goes into a file (`key new > clinic.key`), only its owner may
    read that file; a key in a file others can read is refused where it is used."""
    if not stat.S_ISREG(os.fstat(fd).st_mode) or not hasattr(os, "fchmod"):
        return  # a terminal or a pipe; Windows: see load_uid_key
    try:
        os.fchmod(fd, 0o600)
    except OSError as err:
        raise ct.ExportError(
            f"the output file could not be made private ({err.strerror}); "
            "use -o FILE to write a new key file",
            field="output",
        ) from None


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "diff": _cmd_diff,
    "plan": _cmd_plan,
    "batch": _cmd_batch,
    "upcoming": _cmd_upcoming,
    "protocol show": _cmd_protocol_show,
    "protocol validate": _cmd_protocol_validate,
    "key new": _cmd_key_new,
}
