"""The groups of options several commands share: how the pregnancy is dated,
what is known about the patient, a plan's end, the calendar's options, and the
rest every command takes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import care_timeline as ct
from care_timeline.profile import fact_kind, facts
from care_timeline.uid_keys import UID_KEY_ENV

__all__ = [
    "add_calendar_arguments",
    "add_common_arguments",
    "add_dating_arguments",
    "add_end_arguments",
    "add_ignore_column_argument",
    "add_profile_arguments",
    "add_rows_arguments",
    "add_uid_key_argument",
]


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


class _Once(argparse.Action):
    """A fact's value, given once: a second, different value (the same flag again, or
    a fact's other name: ``--cervical-length`` and ``--cervical-length-mm``) is
    refused rather than letting the last one silently win, as a batch refuses a row
    with both columns."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        if before is not None and before != values:
            parser.error(
                f"argument {option_string}: {values!r} given, but an earlier flag gave "
                f"this fact {before!r}; give one value"
            )
        setattr(namespace, self.dest, values)


def add_dating_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("dating (exactly one way; --lmp with a scan reconciles them)")
    group.add_argument("--due-date", action=_Once, metavar="D", help="the due date")
    group.add_argument(
        "--lmp", action=_Once, metavar="D", help="first day of the last menstrual period"
    )
    group.add_argument(
        "--cycle-length", action=_Once, metavar="N", help="cycle length in days, 20-45 (default 28)"
    )
    group.add_argument("--ga", action=_Once, metavar="NwDd", help="gestational age, like 14w3d")
    group.add_argument(
        "--on", action=_Once, dest="ga_on", metavar="D", help="the day of --ga (default: --today)"
    )
    group.add_argument("--conception", action=_Once, metavar="D", help="conception date")
    group.add_argument("--transfer", action=_Once, metavar="D", help="embryo transfer date")
    group.add_argument(
        "--embryo-age", action=_Once, metavar="N", help="embryo age at transfer in days, 2-7"
    )
    group.add_argument(
        "--crl",
        action=_Once,
        metavar="MM",
        help="crown-rump length at a first-trimester scan, 10-84 mm",
    )
    group.add_argument(
        "--scan-ga", action=_Once, metavar="NwDd", help="gestational age from a scan report"
    )
    group.add_argument(
        "--scan-date", action=_Once, metavar="D", help="the day of the --crl or --scan-ga scan"
    )


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """A flag for every patient fact, made from the profile's table of facts: the
    flag's name is its batch column's, with ``-`` for ``_``."""
    group = parser.add_argument_group("what is known (leave a fact out when it is unknown)")
    for name, (fact, info) in facts().items():
        column = fact.column or name
        flags = ["--" + column.replace("_", "-")]
        if fact.flag:
            flags.insert(0, "--" + fact.flag)  # the column's name is a flag too
        flag = flags[0]
        kind = fact_kind(info)
        if kind == "yes-no":
            group.add_argument(
                flag,
                dest=column,
                action=_YesNo,
                default=None,
                help=f"yes / no: {fact.help} (leave out if unknown)",
            )
        elif kind == "list":
            group.add_argument(
                "--" + fact.item_flag,
                dest=column,
                action="append",
                metavar=fact.metavar,
                help=fact.help,
            )
        else:
            group.add_argument(
                *flags, dest=column, action=_Once, metavar=fact.metavar, help=fact.help
            )


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--language",
        metavar="LANG",
        help="the language of the default protocol and of every word written: "
        + ", ".join(ct.default_languages())
        + " (default: en; a --protocol file brings its own)",
    )
    parser.add_argument("--date-order", choices=("dmy", "mdy"), help="how to read 10/05/2027")
    parser.add_argument(
        "--today", action=_Once, metavar="D", help="the plan's today (default: the real today)"
    )
    parser.add_argument(
        "--protocol",
        action="append",
        metavar="NAME|FILE",
        help="a shipped protocol by name ("
        + ", ".join(ct.shipped_protocols())
        + "; `protocol list`) or a clinic's protocol file; give it again to compose one plan "
        "of several, the first leading (default: cervical-insufficiency)",
    )


def add_end_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("a plan that ended (what was still to come is cancelled)")
    group.add_argument(
        "--ended-on",
        action=_Once,
        metavar="D",
        help="the day the plan ended (a birth, a loss, another end)",
    )
    group.add_argument(
        "--ended-because",
        action=_Once,
        metavar="WHY",
        help="why: " + ", ".join(ct.END_CAUSES) + " (default with --ended-on: other)",
    )


def add_calendar_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("calendars (--format ics)")
    group.add_argument(
        "--private",
        action="store_true",
        help="mark every event private, with a neutral title (Pregnancy care: check); "
        "the details stay in the description, and the calendar is named Pregnancy care "
        "unless --calendar-name is given",
    )
    group.add_argument(
        "--omit",
        metavar="LIST",
        help="leave these out instead of cancelling them: not-applicable (for a "
        "patient's first export; see docs/calendars.md)",
    )
    group.add_argument(
        "--remind-days-before",
        metavar="N",
        help="remind this many days before a window opens or a dose, 0-28 (default 1)",
    )
    group.add_argument("--remind-at", metavar="HH:MM", help="the reminder's time (default 09:00)")
    group.add_argument("--no-reminders", action="store_true", help="write no reminders")


def add_rows_arguments(parser: argparse.ArgumentParser, *, timestamp_help: str) -> None:
    """What every command that plans a patients file's rows takes (``batch``,
    ``publish``): workers, quiet, the calendars' stamp and name, columns to ignore."""
    parser.add_argument("--jobs", metavar="N", help="worker processes (default: every core)")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar, and no summary unless rows were bad"
    )
    parser.add_argument("--timestamp", metavar="ISO-UTC", help=timestamp_help)
    parser.add_argument(
        "--calendar-name",
        metavar="TEXT",
        help="the name of every calendar (default: the protocol's title)",
    )
    add_ignore_column_argument(parser)


def add_ignore_column_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ignore-column",
        dest="ignore_columns",
        action="append",
        default=[],
        metavar="NAME",
        help="leave this column of the patients file unread, like a clinic export's name or "
        "phone (repeat for several); any other column that is not a flag's name is refused, "
        "so a misspelt fact never vanishes",
    )


def add_uid_key_argument(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    needed = "; needed: it also makes the feeds' addresses" if required else ""
    parser.add_argument(
        "--uid-key",
        metavar="FILE",
        help="the clinic's key file (`key new`): calendar UIDs and FHIR identifiers that "
        f"cannot be traced back to the plan id (default: the file named by {UID_KEY_ENV})" + needed,
    )
