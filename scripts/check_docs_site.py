"""Check the built documentation site: every public name is in it, and nothing in it
names a folder of the machine that built it.

    python scripts/check_docs_site.py build/docs

Run after the build (see docs/packaging.md, "The documentation site"):

- every name of ``care_timeline.__all__`` is an object the site describes
  (``care_timeline.NAME`` in the site's ``objects.inv``, the inventory Sphinx writes
  of what its pages document), so a name added to the API without its line in
  docs/reference.md fails CI;
- no file of the site holds the repository's absolute path, the home folder or the
  temporary folder of the machine that built it (a path in a default value, a
  docstring or a copied file would show where the site was built).

Exit status 0 when both hold; 1 with one line per fault otherwise.
"""

from __future__ import annotations

import sys
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER_LINES = 4  # "# Sphinx inventory version 2", project, version, "compressed using zlib"


def documented(site: Path) -> set[str]:
    """The names of the objects in the site's inventory (``objects.inv``)."""
    data = (site / "objects.inv").read_bytes()
    lines = data.split(b"\n", HEADER_LINES)
    if len(lines) <= HEADER_LINES or not lines[0].startswith(b"# Sphinx inventory version 2"):
        raise ValueError(f"{site / 'objects.inv'}: not a Sphinx inventory (version 2)")
    body = zlib.decompress(lines[HEADER_LINES]).decode("utf-8")
    return {line.split(" ", 1)[0] for line in body.splitlines() if line.strip()}


def machine_paths() -> list[str]:
    """The folders of this machine that must not show in a page."""
    folders = {str(ROOT), str(Path.home()), tempfile.gettempdir()}
    return sorted(folder for folder in folders if len(folder) > 1)


def faults(site: Path, names: Iterable[str], paths: Iterable[str]) -> list[str]:
    found = documented(site)
    problems = [
        f"care_timeline.{name}: not in the documentation site (add it to docs/reference.md)"
        for name in names
        if f"care_timeline.{name}" not in found
    ]
    needles = [(path, path.encode()) for path in paths]
    for file in sorted(site.rglob("*")):
        if file.is_file():
            data = file.read_bytes()
            problems.extend(
                f"{file.relative_to(site)}: holds the machine path {path}"
                for path, needle in needles
                if needle in data
            )
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    import care_timeline

    problems = faults(Path(argv[0]), care_timeline.__all__, machine_paths())
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{argv[0]}: all {len(care_timeline.__all__)} public names, no machine paths")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
