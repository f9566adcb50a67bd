"""What the command line says about a mistake: the flag a misspelt one meant, and the
flag as the user typed it for each field an error names."""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Sequence

__all__ = ["HINTS", "actions", "flag_names", "suggestion"]

HINTS = {
    "--twins": "--fetuses 2",
    "--triplets": "--fetuses 3",
    "--singleton": "--fetuses 1",
    "--edd": "--due-date",
    "--edc": "--due-date",
}
"""Flags people try that the command names otherwise."""


def suggestion(parser: argparse.ArgumentParser, message: str) -> str:
    """ "; did you mean --due-date?" for a misspelt flag or command, or the flag that
    says what an unknown one meant (``--twins``: ``--fetuses 2``); else nothing."""
    if message.startswith("unrecognized arguments: "):
        known = [option for action in actions(parser) for option in action.option_strings]
        for word in message[len("unrecognized arguments: ") :].split():
            flag = word.split("=", 1)[0]
            if not flag.startswith("--"):
                continue
            if flag in HINTS:
                return f"; for {flag}, write {HINTS[flag]}"
            close = difflib.get_close_matches(flag, known, n=1, cutoff=0.75)
            if close:
                return f"; did you mean {close[0]}?"
        return ""
    choice = re.match(r"argument [^:]+: invalid choice: '([^']*)' \(choose from (.*)\)$", message)
    if choice:
        close = difflib.get_close_matches(choice[1], re.findall(r"'([^']*)'", choice[2]), n=1)
        if close:
            return f"; did you mean {close[0]!r}?"
    return ""


def flag_names(parser: argparse.ArgumentParser, argv: Sequence[str]) -> dict[str, str]:
    """Each field an error may name (an option's destination, and its name with ``_``
    or ``-``: ``ga_on`` and ``on``, ``start`` and ``from``), with the flag as the user
    typed it (``-o`` or ``--output``, ``--cervical-length-mm``), else its first long
    name; a yes/no fact by its yes flag (``--short-cervix``), whichever was typed. Only
    the arguments the parser was given count (``build_parser(only=...)``)."""
    typed = {word.split("=", 1)[0] for word in argv if word.startswith("-")}
    names: dict[str, str] = {}
    for action in actions(parser):
        options = [o for o in action.option_strings if not o.startswith("--no-")]
        if not options or action.dest == argparse.SUPPRESS:
            continue
        long = [option for option in options if option.startswith("--")] or options
        shown = next((option for option in options if option in typed), long[0])
        for key in (action.dest, *(o.lstrip("-") for o in options)):
            names.setdefault(key, shown)
            names.setdefault(key.replace("-", "_"), shown)
        if isinstance(action, argparse.BooleanOptionalAction):
            # "short_cervix yes" is the flag, "short_cervix no" its --no- flag
            names.setdefault(f"{action.dest} yes", long[0])
            names.setdefault(f"{action.dest} no", "--no-" + long[0][2:])
    return names


def actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += actions(sub)
    return found
