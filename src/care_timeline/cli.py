"""The ``care-timeline`` command: a thin layer over the public API.

Bad input exits with status 2 and one line on stderr naming the field, the
value and what is allowed; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from . import __version__
from .dates import DateOrder, parse_date
from .dating import Dating
from .errors import CareTimelineError
from .inputs import FieldValue, dating_from_fields, profile_from_fields
from .plan import Plan
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
    plan_parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    plan_parser.set_defaults(handler=_cmd_plan)

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
    group = parser.add_argument_group("dating (exactly one way)")
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


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("what is known (leave a fact out when it is unknown)")
    group.add_argument("--fetuses", metavar="N", help="number of fetuses, 1-8")
    yes_no = argparse.BooleanOptionalAction
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


PLAN_FORMATS = ("text", "json")


def resolve_today(args: argparse.Namespace) -> date:
    if args.today is None:
        return date.today()
    return parse_date(args.today, field="today", date_order=args.date_order)


def resolve_protocol(args: argparse.Namespace) -> Protocol:
    return default_protocol() if args.protocol is None else load_protocol(args.protocol)


def dating_from_args(args: argparse.Namespace, today: date) -> Dating:
    fields: dict[str, FieldValue] = {name: getattr(args, name) for name in _DATING_DESTS}
    return dating_from_fields(fields, today=today, date_order=args.date_order)


_DATING_DESTS = (
    "due_date",
    "lmp",
    "cycle_length",
    "ga",
    "ga_on",
    "conception",
    "transfer",
    "embryo_age",
)
_PROFILE_DESTS = (
    "fetuses",
    "prior_preterm_birth",
    "short_cervix",
    "short_cervix_on",
    "membranes_ruptured",
    "cerclage_placed_on",
    "cervical_length",
    "cervical_length_on",
    "risk_factors",
)


def plan_from_args(args: argparse.Namespace) -> Plan:
    date_order: DateOrder | None = args.date_order
    today = resolve_today(args)
    protocol = resolve_protocol(args)
    dating = dating_from_args(args, today)
    fields: dict[str, FieldValue] = {name: getattr(args, name) for name in _PROFILE_DESTS}
    profile = profile_from_fields(fields, date_order=date_order)
    return make_plan(dating, profile, protocol=protocol, today=today, plan_id=args.plan_id)


def render_plan(the_plan: Plan, args: argparse.Namespace) -> bytes:
    """The plan in the asked-for format, as the bytes to write."""
    if args.format == "json":
        return (the_plan.model_dump_json(indent=2) + "\n").encode()
    # (one branch per further format: ics, csv, html, svg)
    return the_plan.to_text().encode()


def emit(data: bytes, output: str | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(Path(output), data)


def _cmd_plan(args: argparse.Namespace) -> int:
    emit(render_plan(plan_from_args(args), args), args.output)
    return EXIT_OK


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
