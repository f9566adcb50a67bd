"""The ``publish`` command's arguments (docs/calendars.md): a module of their own,
beside the parser of every other command."""

from __future__ import annotations

import argparse

from ._arguments import (
    add_calendar_arguments,
    add_common_arguments,
    add_rows_arguments,
    add_uid_key_argument,
)

__all__ = ["add_publish_arguments"]


def add_publish_arguments(publish: argparse.ArgumentParser) -> None:
    """The arguments of ``publish``: where the site, the links and the pages go, the
    revocations, and the batch's options."""
    publish.add_argument(
        "patients", metavar="PATIENTS.csv", help="one row per patient; columns are the flag names"
    )
    publish.add_argument(
        "--site",
        required=True,
        metavar="DIR",
        help="the folder a web server serves: one feed per patient, nothing else",
    )
    publish.add_argument(
        "--links",
        required=True,
        metavar="FILE",
        help="the CSV file of each patient's addresses to send (outside DIR); errors.csv, "
        "revocations.csv and publish-cache.csv go beside it",
    )
    publish.add_argument(
        "--base-url",
        required=True,
        metavar="URL",
        help="the https:// address DIR is served at",
    )
    publish.add_argument(
        "--revoke",
        action="append",
        default=[],
        metavar="ID",
        help="give this patient a new address and stop serving the old one (a leaked "
        "link); may be given more than once",
    )
    publish.add_argument(
        "--pages",
        metavar="DIR",
        help="also write each patient's printable page, with her subscription's QR code, "
        "into this folder (outside the site)",
    )
    add_rows_arguments(
        publish,
        timestamp_help="the DTSTAMP of the feeds that change (or SOURCE_DATE_EPOCH; default: now)",
    )
    add_calendar_arguments(publish)
    add_uid_key_argument(publish, required=True)
    add_common_arguments(publish)
    publish.set_defaults(command="publish", format="ics")
