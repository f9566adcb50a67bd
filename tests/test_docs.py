"""README and docs/ code blocks are executed, so they cannot drift from the code.

- every ```python block runs (in a temporary working directory);
- in ```console blocks, every line starting with ``$ care-timeline `` runs through
  ``main()`` in a temporary directory holding a copy of ``examples/`` and must exit 0.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from care_timeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)


def _blocks(kind: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for number, match in enumerate(FENCE.finditer(path.read_text(encoding="utf-8"))):
            if match[1] == kind:
                found.append((f"{path.relative_to(ROOT)}#{number}", match[2]))
    return found


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if (ROOT / "examples").is_dir():
        shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_readme_has_blocks() -> None:
    assert _blocks("python"), "the README's Python example is missing"


@pytest.mark.parametrize(
    ("where", "code"), _blocks("python"), ids=[w for w, _ in _blocks("python")]
)
def test_python_blocks_run(where: str, code: str, workdir: Path) -> None:
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def _commands() -> list[tuple[str, str]]:
    commands = []
    for where, block in _blocks("console"):
        for line in block.splitlines():
            if line.startswith("$ care-timeline "):
                commands.append((where, line[len("$ care-timeline ") :]))
    return commands


@pytest.mark.parametrize(("where", "command"), _commands(), ids=[c for _, c in _commands()])
def test_console_commands_run(
    where: str, command: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = shlex.split(command, comments=True)
    if ">" in argv:  # a shell redirect: write what would be printed into that file
        at = argv.index(">")
        argv, target = argv[:at], argv[at + 1]
        code = main(argv)
        (workdir / target).write_text(capsys.readouterr().out, encoding="utf-8")
    else:
        code = main(argv)
    assert code == 0, (where, command, capsys.readouterr().err)
