"""What each command does, through the public API and the package's public modules
(the parsers of the command line's own flags live with what they feed)."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import care_timeline as ct
from care_timeline.export import output_format
from care_timeline.files import write_atomic
from care_timeline.protocol import read_protocol
from care_timeline.safe_text import for_terminal
from care_timeline.uid_keys import UID_KEY_ENV, uid_key_text

from . import _reading as read
from ._output import err, out
from ._parser import PROG
from ._progress import progress_bar

__all__ = ["COMMANDS", "EXIT_BAD_ROWS", "EXIT_OK", "EXIT_USAGE"]

EXIT_OK, EXIT_BAD_ROWS, EXIT_USAGE = 0, 1, 2


def _emit(data: bytes, output: str | None) -> None:
    if output is None:
        out(data)
    else:
        write_atomic(Path(output), data)


# -- the commands -----------------------------------------------------------------


def _cmd_plan(args: argparse.Namespace) -> int:
    args.format = output_format(args.output, args.format)
    if args.subscribe_url is not None and args.format != "html":
        raise ct.ExportError(
            field="subscribe-url",
            value=args.format,
            allowed="--format html (the printable page shows it)",
        )
    read.not_an_input("-o", args.output, read.read_inputs(args))
    calendar = read.calendar_options(args)
    plan = read.plan(args)
    _emit(ct.render(plan, args.format, calendar), args.output)
    if args.format in read.KEYED_FORMATS and plan.plan_id is not None and calendar.uid_key is None:
        err(read.UID_NOTE)
    return EXIT_OK


def _cmd_batch(args: argparse.Namespace) -> int:
    from care_timeline.batch import parse_jobs  # here: only a batch loads the batch modules

    planning = read.row_options(args, read.today(args), read.choice(read.protocols(args)))
    jobs, calendar = parse_jobs(args.jobs), read.calendar_options(args)
    read.not_an_input("--combined", args.combined, read.read_inputs(args))
    rows = ct.read_patients(args.patients, ignore_columns=planning.ignore_columns)
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
    if args.format in read.KEYED_FORMATS and calendar.uid_key is None and not args.quiet:
        err(read.UID_NOTE)
    if not report.ok or not args.quiet:
        err(report.summary(PROG))
    return EXIT_OK if report.ok else EXIT_BAD_ROWS


def _cmd_publish(args: argparse.Namespace) -> int:
    from care_timeline.batch import parse_jobs  # here: only a batch loads the batch modules

    planning = read.row_options(args, read.today(args), read.choice(read.protocols(args)))
    site = ct.FeedSite(args.site, links=args.links, base_url=args.base_url, pages=args.pages)
    jobs, calendar = parse_jobs(args.jobs), read.calendar_options(args)
    if calendar.uid_key is None:
        raise ct.BatchError(
            f"--uid-key: publish needs the clinic's key file (or {UID_KEY_ENV} naming it): it "
            f"makes the addresses nobody can guess; make one once with `{PROG} key new -o FILE`",
            field="uid-key",
        )
    rows = ct.read_patients(args.patients, ignore_columns=planning.ignore_columns)
    bar = None if args.quiet or sys.stderr is None else progress_bar(rows.count, sys.stderr)
    try:
        report = ct.publish(
            rows, site, planning, calendar=calendar, revoke=args.revoke, jobs=jobs, progress=bar
        )
    finally:
        rows.close()
        if bar is not None:
            bar.close()
    if not report.ok or not args.quiet or report.revoked:
        err(report.summary(PROG))
    return EXIT_OK if report.ok else EXIT_BAD_ROWS


def _cmd_upcoming(args: argparse.Namespace) -> int:
    from care_timeline.query import parse_applicability  # here: only upcoming loads queries

    today, protocols = read.today(args), read.protocols(args)
    protocol = protocols[0]
    start = ct.parse_date(args.start, field="from", date_order=args.date_order)
    end = ct.parse_date(args.end, field="to", date_order=args.date_order)
    if end < start:
        raise ct.QueryError(field="to", value=args.end, allowed=f"a day on or after {start}")
    ids = list(dict.fromkeys(spec.id for each in protocols for spec in each.milestones))
    if args.milestone is not None and args.milestone not in ids:
        raise ct.QueryError(field="milestone", value=args.milestone, allowed=", ".join(ids))
    wanted = parse_applicability(args.applicability, language_tag=protocol.language)
    planning = read.row_options(args, today, read.choice(protocols))
    rows = ct.read_patients(args.patients, ignore_columns=planning.ignore_columns)
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
        _emit(ct.protocol_to_fhir(read.protocol_from(args.file, args.language)), None)
        return EXIT_OK
    language = "en" if args.language is None else args.language
    if args.file is None:
        out(ct.default_protocol_text(language))
        return EXIT_OK
    if args.file in ct.shipped_protocols():
        out(ct.shipped_protocol_text(args.file, language))
        return EXIT_OK
    # Read once (a pipe, /dev/stdin) and shown byte for byte as it was checked.
    found = read_protocol(args.file)
    if args.language is not None and args.language != found.protocol.language:
        read.protocol_from(None, args.language)  # an unknown language: refused as such
        raise ct.PlanError(
            field="language",
            value=args.language,
            allowed=f"the language of {args.file} ({found.protocol.language!r}), or none",
        )
    out(found.data)
    return EXIT_OK


def _cmd_protocol_list(args: argparse.Namespace) -> int:
    """The shipped protocols: name, version and title (in --language)."""
    language = "en" if args.language is None else args.language
    rows = [
        (name, protocol.version, protocol.title)
        for name in ct.shipped_protocols()
        for protocol in [ct.shipped_protocol(name, language)]
    ]
    name_width = max(len(name) for name, _, _ in rows)
    version_width = max(len(version) for _, version, _ in rows)
    for name, version, title in rows:
        out(f"{name.ljust(name_width)}  {version.ljust(version_width)}  {title}\n")
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
    args.format = output_format(args.output, args.format, formats=ct.DIFF_FORMATS)
    read.not_an_input("-o", args.output, {"OLD.json": args.old, "NEW.json": args.new})
    paths = {"old": args.old, "new": args.new}
    try:
        changes = ct.diff(_read_plan(args.old, "OLD.json"), _read_plan(args.new, "NEW.json"))
    except ct.QueryError as err:
        path = paths.get(err.field or "")
        if path is None or not err.message.startswith(f"{err.field}:"):
            raise
        # The argument is the file the user named, not the API's "new".
        raise ct.QueryError(
            f"{for_terminal(path)}:{err.message[len(err.field or '') + 1 :]}",
            field=err.field,
            value=err.value,
            allowed=err.allowed,
        ) from None
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
    "publish": _cmd_publish,
    "upcoming": _cmd_upcoming,
    "protocol show": _cmd_protocol_show,
    "protocol list": _cmd_protocol_list,
    "protocol validate": _cmd_protocol_validate,
    "key new": _cmd_key_new,
}
