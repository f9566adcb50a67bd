"""The command line's arguments: one parser, one sub-parser per command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple, NoReturn, Protocol

import care_timeline as ct

from ._arguments import (
    add_calendar_arguments,
    add_common_arguments,
    add_dating_arguments,
    add_end_arguments,
    add_ignore_column_argument,
    add_profile_arguments,
    add_rows_arguments,
    add_uid_key_argument,
)
from ._examples import (
    BATCH_EXAMPLE,
    DIFF_EXAMPLE,
    EXAMPLES,
    KEY_EXAMPLE,
    PLAN_EXAMPLE,
    PROTOCOL_EXAMPLE,
    PUBLISH_EXAMPLE,
    UPCOMING_EXAMPLE,
)
from ._mistakes import suggestion
from ._output import err, out
from ._publish_arguments import add_publish_arguments

__all__ = ["PROG", "CommandNeeded", "UsageError", "build_parser", "command_named"]

PROG = "care-timeline"

# Each command's --help ends with its own examples; tests/cli/test_help.py runs them
# all, in order, in a folder holding a copy of examples/.


class _Writes(Protocol):
    """Anything argparse may print to (its own type for this is typeshed's only)."""

    def write(self, text: str, /) -> object: ...


class UsageError(Exception):
    """A command line argparse could not read; reported as one line, exit 2."""


class CommandNeeded(Exception):
    """No command (``care-timeline``, ``care-timeline protocol``): the commands there
    are, as ``--help`` lists them, on stderr, exit 2 (a script that runs the program
    bare gets a failure, a person the list)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required: ") and message.endswith(
            ("COMMAND", "ACTION")
        ):
            raise CommandNeeded(self.format_help())
        raise UsageError(f"{self.prog}: {message}{suggestion(self, message)}")

    def _print_message(self, message: str, file: _Writes | None = None) -> None:
        # --help and --version: UTF-8 bytes to stdout, as every command writes
        if not message:
            return
        if file is None or file is sys.stdout:
            out(message)
        else:
            err(message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with ``only``, every other command is there by
    name and help alone, without its arguments (which the command being run does
    not need: adding them all costs the start-up a few milliseconds)."""
    parser = _Parser(
        prog=PROG,
        description="A dated care timeline for cervical insufficiency, for discussion with a clinician.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {ct.__version__}",
        help="print the version and exit",
    )
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, help="what to do"
    )
    commands.required = True
    for name, what in _COMMANDS.items():
        command = commands.add_parser(
            name,
            help=what.help,
            description=what.description,
            epilog=what.epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if only is None or only == name:
            what.add_arguments(command)
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command an argument list runs: its first word that is not an option
    (the top level has options of its own only, no values)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def _plan_arguments(plan: _Parser) -> None:
    add_dating_arguments(plan)
    add_profile_arguments(plan)
    add_end_arguments(plan)
    add_common_arguments(plan)
    plan.add_argument("--plan-id", metavar="ID", help="the clinic's id for this plan")
    plan.add_argument(
        "--format",
        choices=ct.FORMATS,
        help="output format (default: the one -o FILE's extension names, like .ics, .json, "
        ".html; else text)",
    )
    plan.add_argument(
        "--timestamp",
        metavar="ISO-UTC",
        help="fixes the calendar's DTSTAMP (or SOURCE_DATE_EPOCH); checked with any --format",
    )
    plan.add_argument("--calendar-name", metavar="TEXT", help="the calendar's or page's title")
    plan.add_argument(
        "--subscribe-url",
        metavar="URL",
        help="with --format html: the calendar's subscription address (https:// or "
        "webcal://), shown on the page in words and as a QR code for a phone's camera",
    )
    add_calendar_arguments(plan)
    add_uid_key_argument(plan)
    plan.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of stdout; its extension picks the format (a --format it "
        "contradicts is refused)",
    )
    plan.set_defaults(command="plan")


def _batch_arguments(batch: _Parser) -> None:
    batch.add_argument(
        "patients", metavar="PATIENTS.csv", help="one row per patient; columns are the flag names"
    )
    batch.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    batch.add_argument(
        "--format", choices=ct.BATCH_FORMATS, default="ics", help="file format (default: ics)"
    )
    batch.add_argument(
        "--combined",
        metavar="FILE",
        help="with --format csv: one sheet for the whole batch (a row per patient and "
        "milestone) instead of a file per patient",
    )
    add_rows_arguments(
        batch,
        timestamp_help="fixes the calendars' DTSTAMP (or SOURCE_DATE_EPOCH); checked with any --format",
    )
    add_calendar_arguments(batch)
    add_uid_key_argument(batch)
    add_common_arguments(batch)
    batch.set_defaults(command="batch")


def _upcoming_arguments(upcoming: _Parser) -> None:
    upcoming.add_argument(
        "patients", metavar="PATIENTS.csv", help="one row per patient; columns are the flag names"
    )
    upcoming.add_argument(
        "--from", dest="start", required=True, metavar="D", help="the range's first day"
    )
    upcoming.add_argument(
        "--to", dest="end", required=True, metavar="D", help="the range's last day (included)"
    )
    upcoming.add_argument("--milestone", metavar="ID", help="only this milestone")
    upcoming.add_argument(
        "--applicability",
        default=",".join(ct.ON_TIMELINE),
        metavar="LIST",
        help="comma-separated, from applies,discuss,not-applicable, or the words the table "
        "writes in --language (default: applies,discuss)",
    )
    upcoming.add_argument(
        "--status",
        choices=ct.QUERY_STATUSES,
        default="entering",
        help="entering: starts (or a dose falls) in the range (default); in-window: inside "
        "a window at some point of the range; passed: the window ends in the range",
    )
    upcoming.add_argument(
        "--summary",
        action="store_true",
        help="one row per patient and milestone: a series shows its first date in the range "
        "and how many fall in it",
    )
    upcoming.add_argument(
        "--format",
        choices=("table", "csv"),
        default="table",
        help="a table to read, or CSV for a spreadsheet (default: table)",
    )
    add_ignore_column_argument(upcoming)
    add_common_arguments(upcoming)
    upcoming.set_defaults(command="upcoming")


def _diff_arguments(diff: _Parser) -> None:
    diff.add_argument("old", metavar="OLD.json", help="the earlier plan")
    diff.add_argument("new", metavar="NEW.json", help="the later plan")
    diff.add_argument(
        "--format",
        choices=ct.DIFF_FORMATS,
        help="output format (default: the one -o FILE's extension names, .json or .csv; else text)",
    )
    diff.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here instead of stdout; its extension picks the format (a --format it "
        "contradicts is refused)",
    )
    diff.set_defaults(command="diff")


def _protocol_arguments(protocol: _Parser) -> None:
    actions = protocol.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, help="list, show or validate"
    )
    actions.required = True
    listing = actions.add_parser(
        "list",
        help="list the shipped protocols",
        description="List the protocols care-timeline ships, by the names --protocol takes: "
        "the default (cervical insufficiency) and the routine antenatal schedules a plan "
        "may be composed with.",
        epilog=PROTOCOL_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument(
        "--language",
        metavar="LANG",
        help="the language of the titles: " + ", ".join(ct.default_languages()),
    )
    listing.set_defaults(command="protocol list")
    show = actions.add_parser(
        "show",
        help="print the default protocol (or a shipped one by NAME, or FILE, validated) as "
        "TOML or FHIR",
        description="Print the default protocol (or a shipped one by NAME, or FILE once it "
        "is valid) as TOML, or as a FHIR R4 PlanDefinition.",
        epilog=PROTOCOL_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument(
        "file",
        nargs="?",
        metavar="NAME|FILE",
        help="a shipped protocol's name (`protocol list`) or a protocol file (default: the "
        "default protocol)",
    )
    show.add_argument(
        "--language",
        metavar="LANG",
        help="the shipped protocol's translation to show: " + ", ".join(ct.default_languages()),
    )
    show.add_argument(
        "--format",
        choices=("toml", "fhir"),
        default="toml",
        help="toml: the file itself (default); fhir: a FHIR R4 PlanDefinition",
    )
    show.set_defaults(command="protocol show")
    validate = actions.add_parser(
        "validate",
        help="check a protocol file",
        description="Check a protocol file; a fault names the file and the milestone.",
        epilog=PROTOCOL_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("file", metavar="FILE", help="the protocol file to check")
    validate.set_defaults(command="protocol validate")


def _key_arguments(key: _Parser) -> None:
    actions = key.add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, help="new: make a key"
    )
    actions.required = True
    new = actions.add_parser(
        "new",
        help="print a new key (or write it to -o FILE), readable by you only",
        description="Make a new random key for --uid-key. Keep it secret and keep a copy: "
        "the same key gives the same UIDs, so calendars update in place; a new key gives "
        "new UIDs. Printed to a file (`key new > clinic.key`), the file is made readable by "
        "you only.",
        epilog=KEY_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    new.add_argument("-o", "--output", metavar="FILE", help="a new file to write it to")
    new.set_defaults(command="key new")


class _Command(NamedTuple):
    help: str
    description: str
    epilog: str
    add_arguments: Callable[[_Parser], None]


_COMMANDS = {
    "plan": _Command(
        help="plan one pregnancy",
        description="Plan one pregnancy from one way of dating it.",
        epilog=PLAN_EXAMPLE,
        add_arguments=_plan_arguments,
    ),
    "batch": _Command(
        help="one file per patient from a CSV file",
        description="Plan every row of a patients CSV file into its own file; bad rows "
        "go to OUT/errors.csv (exit status 1).",
        epilog=BATCH_EXAMPLE,
        add_arguments=_batch_arguments,
    ),
    "publish": _Command(
        help="serve every patient's calendar as a subscription that follows her plan",
        description="Write each row's calendar into the folder a web server serves (--site), "
        "at an address made with the clinic's key that nobody can guess, and list each "
        "patient's addresses in --links for the clinic to send. A feed whose calendar did "
        "not change is left untouched; bad rows go to errors.csv beside the links file "
        "(exit status 1). See docs/calendars.md.",
        epilog=PUBLISH_EXAMPLE,
        add_arguments=add_publish_arguments,
    ),
    "upcoming": _Command(
        help="who has which milestone in a date range",
        description="List the milestones that start (and the doses or checks of a series "
        "that fall) from --from to --to, for every patient in a CSV file.",
        epilog=UPCOMING_EXAMPLE,
        add_arguments=_upcoming_arguments,
    ),
    "diff": _Command(
        help="what changed between two plans of one pregnancy",
        description="Compare two plans saved as JSON (--format json): which milestones "
        "moved and by how many days, which changed applicability and why, which were "
        "added or removed. The two must share a plan id (or, without one, a protocol).",
        epilog=DIFF_EXAMPLE,
        add_arguments=_diff_arguments,
    ),
    "protocol": _Command(
        help="list the shipped protocols, show one, or validate a protocol file",
        description="The protocol is data: list the shipped ones, print one as the start "
        "of a clinic's own, or check a clinic's file.",
        epilog=PROTOCOL_EXAMPLE,
        add_arguments=_protocol_arguments,
    ),
    "key": _Command(
        help="make a clinic's key for calendar UIDs",
        description="A clinic's secret key makes calendar UIDs that cannot be traced back to "
        "the plan ids (docs/calendars.md).",
        epilog=KEY_EXAMPLE,
        add_arguments=_key_arguments,
    ),
}
"""Every command: what its help says, and what adds its arguments."""
