"""The ``care-timeline`` command: a thin layer over the public API.

- :mod:`._parser` declares the arguments of every command, with the groups of
  options several commands share from :mod:`._arguments` and the examples
  ``--help`` shows from :mod:`._examples`;
- :mod:`._commands` runs each command through ``care_timeline``'s public names
  and the package's public modules (never a ``_private`` one);
- :mod:`._progress` draws the batch progress bar, and :mod:`._mistakes` says what
  a mistake meant (a misspelt flag's suggestion, each field as the flag typed).

Bad input exits with status 2 and one line on stderr naming the field, the
value and what is allowed; never a traceback. So does output that cannot be
written: a closed stdout, a pipe whose reader stopped, a full disk. Output is
UTF-8 bytes whatever the locale (:mod:`._output`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence

import care_timeline as ct
from care_timeline.safe_text import for_terminal

from ._commands import COMMANDS, EXIT_OK, EXIT_USAGE
from ._mistakes import flag_names
from ._output import err
from ._parser import PROG, CommandNeeded, UsageError, build_parser, command_named

__all__ = ["main", "main_exit"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=command_named(words))
    flags = flag_names(parser, words)
    try:
        args = parser.parse_args(words)
        args.flags = flags
        return COMMANDS[args.command](args)
    except CommandNeeded as error:
        err(str(error))  # the list of commands, as --help shows it
    except UsageError as error:
        _print_error(str(error))
    except ct.CareTimelineError as error:
        _print_error(f"{PROG}: error: {in_flags(error, flags)}")
    except OSError as error:
        _print_error(f"{PROG}: error: {_os_error(error)}")
    except SystemExit as exit_:  # --help and --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    return EXIT_USAGE


_QUOTED_OR_FIELD = re.compile(
    r"""(?<!\w)'(?:[^'\\]|\\.)*'|(?<!\w)"(?:[^"\\]|\\.)*"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b(?: (?:yes|no)\b)?"""
)
"""A quoted value (left as it is), or a field's name with an underscore (a word no
sentence of a message has otherwise), with the yes or no that may follow it."""


def in_flags(err: ct.CareTimelineError, flags: Mapping[str, str]) -> str:
    """The error's message in the command line's words: the field it starts with as
    the flag the user typed (``--cerclage-placed-on:``, not ``cerclage_placed_on:``),
    and every other field named in it (``only with --lmp``) too. A patients file's or a
    protocol file's message starts with the file's name and names its columns and keys,
    which are the user's words there: only a message about a flag's own value
    (``--language xx``) has its head put in the flag's words."""
    message = str(err)
    head, field = "", err.field
    if field and field in flags and message.startswith(f"{field}:"):
        head, message = flags[field] + ":", message[len(field) + 1 :]
    if isinstance(err, ct.PatientsFileError | ct.ProtocolError):
        return head + message

    def named(found: re.Match[str]) -> str:
        word = found[0]
        if word[0] in "'\"" or word in flags:  # a value; a yes/no fact's "x yes" is its flag
            return flags.get(word, word)
        field, _, answer = word.partition(" ")
        return flags.get(field, field) + (f" {answer}" if answer else "")

    return head + _QUOTED_OR_FIELD.sub(named, message)


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
