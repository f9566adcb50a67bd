"""The ``care-timeline`` command: a thin layer over the public API.

- :mod:`._parser` declares the arguments of every command, with the groups of
  options several commands share from :mod:`._arguments` and the examples
  ``--help`` shows from :mod:`._examples`;
- :mod:`._commands` runs each command through ``care_timeline``'s public names
  and the package's public modules (never a ``_private`` one);
- :mod:`._progress` draws the batch progress bar.

Bad input exits with status 2 and one line on stderr naming the field, the
value and what is allowed; never a traceback. So does output that cannot be
written: a closed stdout, a pipe whose reader stopped, a full disk. Output is
UTF-8 bytes whatever the locale (:mod:`._output`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import care_timeline as ct
from care_timeline.safe_text import for_terminal

from ._commands import COMMANDS, EXIT_OK, EXIT_USAGE
from ._output import err
from ._parser import PROG, UsageError, build_parser, command_named

__all__ = ["main", "main_exit"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=command_named(words))
    try:
        args = parser.parse_args(words)
        return COMMANDS[args.command](args)
    except UsageError as err:
        _print_error(str(err))
    except ct.CareTimelineError as err:
        _print_error(f"{PROG}: error: {err}")
    except OSError as err:
        _print_error(f"{PROG}: error: {_os_error(err)}")
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


def _os_error(err: OSError) -> str:
    """``FILE: why``, the file as the user named it with unprintable characters
    escaped, or just why when the system named no file (a full disk can)."""
    why = err.strerror or str(err)
    if err.filename is None:
        return for_terminal(why)
    name = err.filename
    shown = os.fsdecode(name) if isinstance(name, str | bytes) else str(name)
    return f"{for_terminal(shown)}: {for_terminal(why)}"


def _print_error(message: str) -> None:
    """One line on stderr, however many lines the message had."""
    err(" ".join(message.split()) + "\n")


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())
