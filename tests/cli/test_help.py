"""Every command's --help: a help text for every option, and its own examples,
which run (in order, in a folder holding a copy of examples/)."""

from __future__ import annotations

import argparse
import shlex
import shutil
from pathlib import Path

import pytest

from care_timeline.cli import main
from care_timeline.cli._parser import build_parser

ROOT = Path(__file__).resolve().parents[2]


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """The parser of every command and sub-command, with the words that call it."""
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(build_parser())
IDS = [" ".join(path) or "care-timeline" for path, _ in COMMANDS]


def test_every_command_is_here() -> None:
    assert set(IDS) == {
        "care-timeline",
        "plan",
        "batch",
        "publish",
        "upcoming",
        "diff",
        "key",
        "key new",
        "protocol",
        "protocol list",
        "protocol show",
        "protocol validate",
    }


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_every_option_has_a_help_text(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    silent = [
        "/".join(action.option_strings) or action.dest
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert not silent, f"{' '.join(path)}: no help for {silent}"


def _examples(parser: argparse.ArgumentParser) -> list[str]:
    epilog = parser.epilog or ""
    assert epilog.startswith("examples"), "no examples"
    return [line.strip() for line in epilog.splitlines()[1:] if line.strip()]


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_each_help_shows_its_own_examples(
    path: tuple[str, ...], parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = _examples(parser)
    own = " ".join(("care-timeline", *path)) + " "
    assert any(line.startswith(own) for line in examples), examples
    if path and path[0] in ("plan", "batch", "upcoming"):
        # these show no other command's examples (diff shows the plans it compares)
        assert all(line.startswith(own) for line in examples), examples
    assert main([*path, "--help"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(examples[-1])


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_the_examples_run(
    path: tuple[str, ...],
    parser: argparse.ArgumentParser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for line in _examples(parser):
        argv = shlex.split(line)[1:]
        target = None
        if ">" in argv:
            argv, target = argv[: argv.index(">")], argv[argv.index(">") + 1]
        code = main(argv)
        out, err = capsys.readouterr()
        assert code == 0, (line, err)
        if target is not None:
            (tmp_path / target).write_text(out, encoding="utf-8")


@pytest.mark.parametrize(("path", "parser"), COMMANDS, ids=IDS)
def test_a_command_parsed_alone_has_its_whole_help(
    path: tuple[str, ...], parser: argparse.ArgumentParser
) -> None:
    """The command line adds only the running command's arguments; that command's
    help (and so its arguments) is the same as in the parser of every command."""
    alone = dict(_commands(build_parser(only=path[0] if path else None)))
    assert alone[path].format_help() == parser.format_help()
