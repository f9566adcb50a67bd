"""README and docs/ code blocks are executed, so they cannot drift from the code.

- every ```python block runs (in a temporary working directory); in the README's, a
  ``print(...)`` line's trailing ``# comment`` is what it must print;
- in ```console blocks, every line starting with ``$ care-timeline ``, and in ```sh
  blocks every line starting with ``care-timeline ``, runs through ``main()`` in a
  temporary directory holding a copy of ``examples/`` and must exit 0;
- whatever those commands and blocks write is ignored by the repository's .gitignore;
- every name ``care_timeline.__all__`` gives is described on a page of docs/.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shlex
import shutil
import subprocess
import zlib
from pathlib import Path
from types import ModuleType

import pytest

import care_timeline as ct
from _support.tools import needs_fhir_extra
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
    if "fhir" in code:
        needs_fhir_extra()
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


PRINTS = re.compile(r"^print\(.*\)\s+# (.*)$", re.M)


def test_the_readme_example_prints_what_it_says() -> None:
    (code,) = [block for where, block in _blocks("python") if where.startswith("README.md")]
    expected = PRINTS.findall(code)
    assert expected, "the README's example shows what it prints"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "__docs__"})
    assert out.getvalue().splitlines() == expected


def _commands() -> list[tuple[str, str]]:
    """Each console line, alone; each sh block's lines together, in order (a line
    may read what an earlier one wrote)."""
    commands = []
    for where, block in _blocks("console"):
        for line in block.splitlines():
            if line.startswith("$ care-timeline "):
                commands.append((where, line[len("$ care-timeline ") :]))
    for where, block in _blocks("sh"):
        lines = [
            line[len("care-timeline ") :]
            for line in block.splitlines()
            if line.startswith("care-timeline ")
        ]
        if lines:
            commands.append((where, "\n".join(lines)))
    return commands


def _run(command: str, workdir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    argv = shlex.split(command, comments=True)
    if ">" in argv:  # a shell redirect: write what would be printed into that file
        at = argv.index(">")
        argv, target = argv[:at], argv[at + 1]
        code = main(argv)
        (workdir / target).write_text(capsys.readouterr().out, encoding="utf-8")
    else:
        code = main(argv)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("where", "command"), _commands(), ids=[c.replace("\n", " | ") for _, c in _commands()]
)
def test_console_commands_run(
    where: str, command: str, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if "fhir" in command:
        needs_fhir_extra()
    for line in command.splitlines():
        code, err = _run(line, workdir, capsys)
        assert code == 0, (where, line, err)


def test_the_readme_commands_print_no_unexplained_note(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's own commands say nothing on stderr: its calendar example makes and
    gives the clinic's key, so no note about keys appears that the page does not explain."""
    readme = [command for where, command in _commands() if where.startswith("README.md")]
    assert any("--uid-key" in command for command in readme)
    for command in readme:
        for line in command.splitlines():
            code, err = _run(line, workdir, capsys)
            assert (code, err) == (0, ""), line


def test_the_readme_says_to_use_the_environment() -> None:
    """The README's commands after the Quick start run the command the Quick start
    installed into .venv: its first command-line block activates it first."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    after = readme[readme.index("## Quick start") :].split("```sh\n")[2]
    assert after.splitlines()[0] == ". .venv/bin/activate"
    quick = readme[readme.index("## Quick start") :].split("```sh\n")[1].split("```")[0]
    assert len(quick.strip().splitlines()) == 2  # CI runs the second line as it stands


def test_what_the_docs_write_is_ignored(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    # A block or command that fails is reported by the tests above; here only
    # what the others write counts.
    for where, code in _blocks("python"):
        with contextlib.suppress(Exception):
            exec(compile(code, where, "exec"), {"__name__": "__docs__"})
    for _, command in _commands():
        for line in command.splitlines():
            _run(line, workdir, capsys)
    written = sorted(
        path.relative_to(workdir).as_posix()
        for path in workdir.rglob("*")
        if path.is_file() and path.relative_to(workdir).parts[0] != "examples"
    )
    assert written, "the docs' commands write files"
    checked = subprocess.run(
        ["git", "-c", "core.excludesFile=", "check-ignore", "--no-index", "--stdin"],
        cwd=ROOT,
        input="\n".join(written),
        capture_output=True,
        text=True,
        check=False,
    )
    ignored = set(checked.stdout.splitlines())
    not_ignored = [name for name in written if name not in ignored]
    assert not not_ignored, "\n".join(not_ignored)


def test_every_public_name_is_documented() -> None:
    pages = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("**/*.md"))
    )
    missing = [
        name for name in ct.__all__ if not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", pages)
    ]
    assert not missing, f"describe these in docs/api.md: {missing}"


# -- the documentation site ----------------------------------------------------------

REFERENCE = ROOT / "docs" / "reference.md"
AUTODOC = re.compile(r"^\.\. auto(?:class|function|data|exception):: care_timeline\.(\w+)", re.M)


def test_every_public_name_is_in_the_reference() -> None:
    """The site's API reference (docs/reference.md, built by Sphinx's autodoc) describes
    every name of ``ct.__all__``, once, and nothing else under ``care_timeline.``."""
    described = AUTODOC.findall(REFERENCE.read_text(encoding="utf-8"))
    missing = sorted(set(ct.__all__) - set(described))
    assert not missing, f"add an autodoc line for each to docs/reference.md: {missing}"
    assert sorted(set(described) - set(ct.__all__)) == []
    assert len(described) == len(set(described))


def _site_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_docs_site", ROOT / "scripts" / "check_docs_site.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_site(folder: Path, names: list[str], page: str) -> Path:
    """A built site as Sphinx writes one: an inventory of its objects, and a page."""
    folder.mkdir()
    entries = "".join(f"care_timeline.{name} py:function 1 reference.html#$ -\n" for name in names)
    header = b"# Sphinx inventory version 2\n# Project: x\n# Version: 1\n# zlib\n"
    (folder / "objects.inv").write_bytes(header + zlib.compress(entries.encode()))
    (folder / "_static").mkdir()
    (folder / "_static" / "page.html").write_text(page, encoding="utf-8")
    return folder


def test_the_site_check_finds_a_missing_name_and_a_machine_path(tmp_path: Path) -> None:
    checker = _site_checker()
    good = _fake_site(tmp_path / "good", ["plan", "Plan"], "<p>plan(dating)</p>")
    assert checker.faults(good, ["plan", "Plan"], ["/srv/build/repo"]) == []

    bad = _fake_site(tmp_path / "bad", ["plan"], "<p>load_protocol('/srv/build/repo/x')</p>")
    assert checker.faults(bad, ["plan", "Plan"], ["/srv/build/repo"]) == [
        "care_timeline.Plan: not in the documentation site (add it to docs/reference.md)",
        "_static/page.html: holds the machine path /srv/build/repo",
    ]


def test_the_site_check_knows_this_machine() -> None:
    paths = _site_checker().machine_paths()
    assert str(ROOT) in paths and str(Path.home()) in paths
