"""khal, a real calendar program, driven from the tests with a throwaway
configuration in a folder of its own (calendar, cache and the XDG folders), ISO
dates for what it prints and parses, and no terminal.

khal keeps events by UID, shows a cancelled event with ``CANCELLED`` in front,
gives each event's status as the file says and lists a multi-day event on every
day it covers, so what a patient sees can be read back line by line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

KHAL = shutil.which("khal")


def program_env(root: Path) -> dict[str, str]:
    """The environment a Python program of another environment (khal, vdirsyncer) runs
    in: none of this one's Python variables, its XDG folders in ``root``, UTF-8."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(
        XDG_CONFIG_HOME=str(root / "xdg-config"),
        XDG_DATA_HOME=str(root / "xdg-data"),
        LC_ALL="C.UTF-8",
    )
    return env


SEP = "\x1f"
DAY = "\x1e"
FORMAT = SEP.join(("{uid}", "{status}", "{title}"))
CONFIG = """\
[calendars]
[[care]]
path = {calendar}
type = calendar

[sqlite]
path = {cache}

[locale]
local_timezone = Europe/London
default_timezone = Europe/London
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
firstweekday = 0
unicode_symbols = False

[default]
default_calendar = care
"""


@dataclass(frozen=True)
class Line:
    """One line of ``khal list``: an event on one day."""

    uid: str
    status: str
    """khal's ``{status}``: ``CONFIRMED``, ``TENTATIVE`` or ``CANCELLED``, as the file says."""
    day: str
    """The day it is listed under (a multi-day event is listed under each of its days)."""
    title: str


class Khal:
    """khal with a configuration, calendar and cache of its own in ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.calendar = root / "calendars" / "care"
        self.calendar.mkdir(parents=True)  # khal does not make it
        self.config = root / "khal.conf"
        self.config.write_text(
            CONFIG.format(calendar=self.calendar, cache=root / "khal.db"), encoding="utf-8"
        )

    def run(self, *args: str) -> str:
        assert KHAL is not None
        env = program_env(self.root)
        done = subprocess.run(
            [KHAL, "-c", str(self.config), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done.stdout

    def import_file(self, path: Path) -> None:
        assert self.run("import", "--batch", "-a", "care", str(path)) == ""

    def list(self, start: str, end: str, *, once: bool = False) -> list[Line]:
        args = ["list", "--day-format", DAY + "{date}", "--format", FORMAT]
        out = self.run(*args, *(["--once"] if once else []), start, end)
        lines, day = [], ""
        for text in out.split("\n"):  # (str.splitlines would also split at DAY)
            if text.startswith(DAY):  # a day's heading, then its events
                day = text[len(DAY) :]
            elif text.strip():
                uid, status, title = (part.strip() for part in text.split(SEP))
                lines.append(Line(uid, status, day, title))
        return lines

    def files(self) -> int:
        return len(list(self.calendar.glob("*.ics")))
