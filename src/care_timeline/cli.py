"""The ``care-timeline`` command: a thin layer over the public API.

Bad input exits with status 2 and one line on stderr naming the field, the
value and what is allowed; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .dates import DateOrder, parse_date
from .dating import Dating
from .errors import CareTimelineError
from .export import BATCH_FORMATS, FORMATS
from .export import render as render_format
from .inputs import (
    DATING_FIELDS,
    PROFILE_FIELDS,
    FieldValue,
    dating_from_fields,
    profile_from_fields,
)
from .plan import LIVE, Plan
from .planning import plan as make_plan
from .protocol import Protocol, default_protocol, default_protocol_text, load_protocol
from .writing import write_atomic

PROG = "care-timeline"
EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE = 0, 1, 2

PLAN_EXAMPLE = """examples:
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24
  care-timeline plan --lmp 2026-08-03 --cycle-length 30 --prior-preterm-birth --format json
  care-timeline plan --ga 14w3d --on 2026-11-24 --fetuses 1 --cervical-length 22 --cervical-length-on 2026-11-20
"""


class UsageError(Exception):
    """A command line argparse could not read; reported as one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A dated care timeline for cervical insufficiency, for discussion with a clinician.",
        epilog=PLAN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    plan_parser = commands.add_parser(
        "plan",
        help="plan one pregnancy",
        description="Plan one pregnancy from one way of dating it.",
        epilog=PLAN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_dating_arguments(plan_parser)
    add_profile_arguments(plan_parser)
    add_common_arguments(plan_parser)
    plan_parser.add_argument("--plan-id", metavar="ID", help="the clinic's id for this plan")
    plan_parser.add_argument(
        "--format", choices=PLAN_FORMATS, default="text", help="output format (default: text)"
    )
    plan_parser.add_argument(
        "--timestamp", metavar="ISO-UTC", help="fixes the calendar's DTSTAMP (or SOURCE_DATE_EPOCH)"
    )
    plan_parser.add_argument(
        "--calendar-name", metavar="TEXT", help="the calendar's or page's title"
    )
    add_calendar_arguments(plan_parser)
    plan_parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    plan_parser.set_defaults(handler=_cmd_plan)
    add_batch_commands(commands)

    protocol_parser = commands.add_parser("protocol", help="show or validate a protocol file")
    protocol_commands = protocol_parser.add_subparsers(
        dest="protocol_command", metavar="ACTION", parser_class=_Parser
    )
    protocol_commands.required = True
    show = protocol_commands.add_parser(
        "show", help="print the default protocol (or FILE, validated) as TOML"
    )
    show.add_argument("file", nargs="?", metavar="FILE")
    show.set_defaults(handler=_cmd_protocol_show)
    validate = protocol_commands.add_parser("validate", help="check a protocol file")
    validate.add_argument("file", metavar="FILE")
    validate.set_defaults(handler=_cmd_protocol_validate)
    return parser


def add_dating_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dating (exactly one way; --lmp with a scan reconciles them)")
    group.add_argument("--due-date", metavar="D", help="the due date")
    group.add_argument("--lmp", metavar="D", help="first day of the last menstrual period")
    group.add_argument(
        "--cycle-length", metavar="N", help="cycle length in days, 20-45 (default 28)"
    )
    group.add_argument("--ga", metavar="NwDd", help="gestational age, like 14w3d")
    group.add_argument("--on", dest="ga_on", metavar="D", help="the day of --ga (default: --today)")
    group.add_argument("--conception", metavar="D", help="conception date")
    group.add_argument("--transfer", metavar="D", help="embryo transfer date")
    group.add_argument("--embryo-age", metavar="N", help="embryo age at transfer in days, 2-7")
    group.add_argument(
        "--crl", metavar="MM", help="crown-rump length at a first-trimester scan, 10-84 mm"
    )
    group.add_argument("--scan-ga", metavar="NwDd", help="gestational age from a scan report")
    group.add_argument("--scan-date", metavar="D", help="the day of the --crl or --scan-ga scan")


class _YesNo(argparse.BooleanOptionalAction):
    """``--x`` / ``--no-x``, neither meaning unknown; both at once is refused
    rather than letting the last one silently win."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        super().__call__(parser, namespace, values, option_string)
        if before is not None and before != getattr(namespace, self.dest):
            parser.error(
                f"argument {option_string}: contradicts the other {self.option_strings[0]} flag"
            )


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("what is known (leave a fact out when it is unknown)")
    group.add_argument("--fetuses", metavar="N", help="number of fetuses, 1-8")
    yes_no = _YesNo
    group.add_argument("--prior-preterm-birth", action=yes_no, default=None)
    group.add_argument("--short-cervix", action=yes_no, default=None)
    group.add_argument("--short-cervix-on", metavar="D", help="the day the short cervix was found")
    group.add_argument("--membranes-ruptured", action=yes_no, default=None)
    group.add_argument("--cerclage-placed-on", metavar="D")
    group.add_argument("--cervical-length", metavar="MM", help="cervical length in mm")
    group.add_argument("--cervical-length-on", metavar="D", help="the day it was measured")
    group.add_argument(
        "--risk-factor",
        dest="risk_factors",
        action="append",
        metavar="NAME",
        help="a recorded risk factor (repeat for several; see `protocol show`)",
    )


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--date-order", choices=("dmy", "mdy"), help="how to read 10/05/2027")
    parser.add_argument("--today", metavar="D", help="the plan's today (default: the real today)")
    parser.add_argument("--protocol", metavar="FILE", help="a clinic's own protocol file")


PLAN_FORMATS = FORMATS


def resolve_today(args: argparse.Namespace) -> date:
    if args.today is None:
        return date.today()
    return parse_date(args.today, field="today", date_order=args.date_order)


def add_calendar_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("calendar reminders (--format ics)")
    group.add_argument(
        "--remind-days-before",
        metavar="N",
        help="remind this many days before a window opens or a dose, 0-28 (default 1)",
    )
    group.add_argument("--remind-at", metavar="HH:MM", help="the reminder's time (default 09:00)")
    group.add_argument("--no-reminders", action="store_true", help="write no reminders")


def resolve_timestamp(args: argparse.Namespace) -> datetime:
    """--timestamp, else SOURCE_DATE_EPOCH, else now; always timezone-aware UTC."""
    allowed = "an ISO 8601 date and time with a UTC offset, like 2026-11-24T08:00:00Z"
    text: str | None = args.timestamp
    if text is not None:
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise CareTimelineError(field="timestamp", value=text, allowed=allowed) from None
        if value.tzinfo is None:
            raise CareTimelineError(field="timestamp", value=text, allowed=allowed)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise CareTimelineError(field="timestamp", value=text, allowed=allowed) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            if not (epoch.isascii() and epoch.isdigit()):
                raise ValueError(epoch)
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            raise CareTimelineError(
                field="SOURCE_DATE_EPOCH",
                value=epoch,
                allowed="whole seconds since 1970, 0 or more",
            ) from None
    return datetime.now(UTC)


_CLOCK_TIME = re.compile(r"\A([01]?[0-9]|2[0-3]):([0-5][0-9])\Z")
MAX_REMIND_DAYS_BEFORE = 28


def resolve_reminders(args: argparse.Namespace) -> timedelta | None:
    """The reminder's offset from an all-day event's start (local midnight), or None."""
    days_text: str | None = getattr(args, "remind_days_before", None)
    at_text: str | None = getattr(args, "remind_at", None)
    if getattr(args, "no_reminders", False):
        if days_text is not None or at_text is not None:
            raise CareTimelineError(
                "--no-reminders cannot be combined with --remind-days-before or --remind-at"
            )
        return None
    days = 1
    if days_text is not None:
        digits = days_text.strip()
        if not (digits.isascii() and digits.isdigit()) or int(digits) > MAX_REMIND_DAYS_BEFORE:
            raise CareTimelineError(
                field="remind-days-before",
                value=days_text,
                allowed=f"a whole number of days from 0 to {MAX_REMIND_DAYS_BEFORE}",
            )
        days = int(digits)
    hours, minutes = 9, 0
    if at_text is not None:
        match = _CLOCK_TIME.match(at_text.strip())
        if match is None:
            raise CareTimelineError(
                field="remind-at", value=at_text, allowed="a time of day like 09:00 (00:00-23:59)"
            )
        hours, minutes = int(match[1]), int(match[2])
    return timedelta(days=-days, hours=hours, minutes=minutes)


def resolve_protocol(args: argparse.Namespace) -> Protocol:
    return default_protocol() if args.protocol is None else load_protocol(args.protocol)


def dating_from_args(args: argparse.Namespace, today: date) -> Dating:
    fields: dict[str, FieldValue] = {name: getattr(args, name) for name in DATING_FIELDS}
    return dating_from_fields(fields, today=today, date_order=args.date_order)


def plan_from_args(args: argparse.Namespace) -> Plan:
    date_order: DateOrder | None = args.date_order
    today = resolve_today(args)
    protocol = resolve_protocol(args)
    dating = dating_from_args(args, today)
    fields: dict[str, FieldValue] = {name: getattr(args, name) for name in PROFILE_FIELDS}
    profile = profile_from_fields(fields, date_order=date_order)
    return make_plan(dating, profile, protocol=protocol, today=today, plan_id=args.plan_id)


def render_plan(the_plan: Plan, args: argparse.Namespace) -> bytes:
    """The plan in the asked-for format, as the bytes to write."""
    return render_format(
        the_plan,
        args.format,
        timestamp=resolve_timestamp(args) if args.format == "ics" else None,
        calendar_name=args.calendar_name,
        reminders=resolve_reminders(args),
    )


def emit(data: bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)


def _cmd_plan(args: argparse.Namespace) -> int:
    emit(render_plan(plan_from_args(args), args), args.output)
    return EXIT_OK


BATCH_EXAMPLE = """examples:
  care-timeline batch examples/patients.csv --out calendars --today 2026-11-24
  care-timeline upcoming examples/patients.csv --from 2026-12-01 --to 2026-12-31 --today 2026-11-24
"""


def add_batch_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    """``batch`` and ``upcoming``: many patients from one CSV file (docs/batch.md)."""
    batch_parser = commands.add_parser(
        "batch",
        help="one file per patient from a CSV file",
        description="Plan every row of a patients CSV file into its own file; bad rows "
        "go to OUT/errors.csv (exit status 1).",
        epilog=BATCH_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch_parser.add_argument("patients", metavar="PATIENTS.csv")
    batch_parser.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    batch_parser.add_argument(
        "--format", choices=BATCH_FORMATS, default="ics", help="file format (default: ics)"
    )
    batch_parser.add_argument("--jobs", metavar="N", help="worker processes (default: every core)")
    batch_parser.add_argument(
        "--quiet", action="store_true", help="no progress bar, and no summary unless rows were bad"
    )
    batch_parser.add_argument(
        "--timestamp", metavar="ISO-UTC", help="fixes the calendars' DTSTAMP (or SOURCE_DATE_EPOCH)"
    )
    batch_parser.add_argument(
        "--calendar-name",
        metavar="TEXT",
        help="the name of every calendar (default: the protocol's title)",
    )
    add_calendar_arguments(batch_parser)
    add_common_arguments(batch_parser)
    batch_parser.set_defaults(handler=_cmd_batch)

    upcoming_parser = commands.add_parser(
        "upcoming",
        help="who has which milestone in a date range",
        description="List the milestones that start (and the doses or checks of a series "
        "that fall) from --from to --to, for every patient in a CSV file.",
        epilog=BATCH_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    upcoming_parser.add_argument("patients", metavar="PATIENTS.csv")
    upcoming_parser.add_argument("--from", dest="start", required=True, metavar="D")
    upcoming_parser.add_argument("--to", dest="end", required=True, metavar="D")
    upcoming_parser.add_argument("--milestone", metavar="ID", help="only this milestone")
    upcoming_parser.add_argument(
        "--applicability",
        default=",".join(LIVE),
        metavar="LIST",
        help="comma-separated, from applies,discuss,not-applicable (default: applies,discuss)",
    )
    upcoming_parser.add_argument(
        "--format", choices=("table", "csv"), default="table", help="(default: table)"
    )
    add_common_arguments(upcoming_parser)
    upcoming_parser.set_defaults(handler=_cmd_upcoming)


def _cmd_batch(args: argparse.Namespace) -> int:
    from . import batch

    today, protocol, jobs = resolve_today(args), resolve_protocol(args), batch.parse_jobs(args.jobs)
    timestamp = resolve_timestamp(args) if args.format == "ics" else None
    rows = batch.read_patients(args.patients)
    bar = None if args.quiet else batch.progress_bar(args.patients, sys.stderr)
    try:
        report = batch.write_batch(
            rows,
            args.out,
            format=args.format,
            today=today,
            protocol=protocol,
            date_order=args.date_order,
            timestamp=timestamp,
            calendar_name=args.calendar_name,
            reminders=resolve_reminders(args),
            jobs=jobs,
            progress=bar,
        )
    finally:
        if bar is not None:
            bar.close()
    if report.bad_rows or not args.quiet:
        sys.stderr.write(report.summary(PROG))
    return EXIT_BAD_ROWS if report.bad_rows else EXIT_OK


def _cmd_upcoming(args: argparse.Namespace) -> int:
    from . import batch, query

    today, protocol = resolve_today(args), resolve_protocol(args)
    start = parse_date(args.start, field="from", date_order=args.date_order)
    end = parse_date(args.end, field="to", date_order=args.date_order)
    if end < start:
        raise CareTimelineError(field="to", value=args.end, allowed=f"a day on or after {start}")
    ids = [spec.id for spec in protocol.milestones]
    if args.milestone is not None and args.milestone not in ids:
        raise CareTimelineError(field="milestone", value=args.milestone, allowed=", ".join(ids))
    wanted = query.parse_applicability(args.applicability)
    rows = batch.read_patients(args.patients)
    bad: list[batch.RowError] = []

    def good() -> Iterator[batch.PlanResult]:
        for result in batch.plan_many(
            rows, today=today, protocol=protocol, date_order=args.date_order
        ):
            if isinstance(result, batch.RowError):
                bad.append(result)
            else:
                yield result

    found = query.upcoming(good(), start, end, milestone=args.milestone, applicability=wanted)
    if args.format == "csv":
        sys.stdout.write(query.upcoming_csv(found))
    else:
        sys.stdout.write(query.upcoming_table(found, start, end))
    sys.stdout.flush()
    for error in bad:
        sys.stderr.write(f"{PROG}: {error}\n")
    return EXIT_BAD_ROWS if bad else EXIT_OK


def _cmd_protocol_show(args: argparse.Namespace) -> int:
    if args.file is None:
        text = default_protocol_text()
    else:
        load_protocol(args.file)
        text = Path(args.file).read_text(encoding="utf-8")
    sys.stdout.write(text)
    return EXIT_OK


def _cmd_protocol_validate(args: argparse.Namespace) -> int:
    protocol = load_protocol(args.file)
    print(
        f"{args.file}: valid protocol {protocol.id!r} version {protocol.version} "
        f"with {len(protocol.milestones)} milestones"
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        return handler(args)
    except UsageError as err:
        _fail(str(err))
    except CareTimelineError as err:
        _fail(f"{PROG}: error: {err}")
    except OSError as err:
        _fail(f"{PROG}: error: {err.filename or ''}: {err.strerror or err}")
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())
