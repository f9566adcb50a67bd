"""The import graph: data flows one way, and the command line uses only public modules.

dating -> protocol -> plan -> exports -> batches and queries -> the command line.
The phrases and the CSV cells every level writes with sit below the exports.
Every ``import`` in the package (at the top of a module or inside a function)
is read from the source, so a lazy import against the flow fails here too.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "care_timeline"
NAME = "care_timeline"

# Each part of the package, lowest first. A part may import parts on its own
# level or below, never above.
LAYERS: list[set[str]] = [
    {"safe_text", "vocabulary", "errors", "csv_cells"},
    {"_model", "files", "dates", "uid_keys", "calendar_options"},
    {"gestational_age", "_i18n", "phrases", "content"},
    {"ultrasound", "dating", "ongoing"},
    {"profile"},
    {"protocol"},
    {"plan_model"},
    {"_deciding", "composition", "planning", "fields", "replanning"},
    {"wording"},
    {"export"},
    {"query", "plan_diff"},
    {"batch"},
    {"cli"},
]
LEVEL = {part: number for number, parts in enumerate(LAYERS) for part in parts}
PUBLIC_ENTRY_POINTS = {"__init__", "__main__"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module of the package that ``path`` imports, as a dotted name."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from . import x` and `from .export import ics` name modules; the
            # package itself counts only when a name is taken from it.
            modules = {f"{target}.{alias.name}" for alias in node.names}
            modules = {module for module in modules if _exists(module)}
            found.update(modules)
            if len(modules) < len(node.names):
                found.add(target)
    return {module for module in found if module == NAME or module.startswith(NAME + ".")}


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative).is_dir()


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


SOURCES = sorted(PACKAGE.rglob("*.py"))
GRAPH = {_module_name(path): _imports(path) for path in SOURCES}


def test_every_part_has_a_level() -> None:
    parts = {_part(module) for module in GRAPH} - PUBLIC_ENTRY_POINTS
    assert parts <= set(LEVEL), f"add {sorted(parts - set(LEVEL))} to LAYERS"


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_against_the_flow(module: str) -> None:
    part = _part(module)
    if part in PUBLIC_ENTRY_POINTS:
        return  # the public API gathers everything
    against = []
    for target in GRAPH[module]:
        if target == NAME and part != "cli":
            against.append(f"{target} (only the command line uses the public API)")
        elif target != NAME and LEVEL[_part(target)] > LEVEL[part]:
            against.append(target)
    assert not against, f"{module} imports against the flow: {sorted(against)}"


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split(".")[1:])


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if _part(m) == "cli"))
def test_the_command_line_uses_only_public_modules(module: str) -> None:
    # `care_timeline` itself and its public modules (calendar_options for the
    # flags' parsers, files for -o); never a `_private` one.
    private = {t for t in GRAPH[module] if _part(t) != "cli" and _private(t)}
    assert not private, f"{module} reaches into private modules: {sorted(private)}"


@pytest.mark.parametrize(
    "module", sorted(m for m in GRAPH if _part(m) in LEVEL and LEVEL[_part(m)] > LEVEL["export"])
)
def test_above_the_exports_only_the_export_package_is_used(module: str) -> None:
    # What queries, diffs and batches share with the exports (phrases, Words, CSV
    # cells) lives below export/; from above, only `care_timeline.export`'s own
    # public names are used, so nothing above depends on how a format is written.
    inside = sorted(t for t in GRAPH[module] if t.startswith(f"{NAME}.export."))
    assert not inside, f"{module} imports modules inside export/: {inside}; use {NAME}.export"


def _marks(path: Path) -> list[int]:
    """The lines of ``path`` that call ``N_``, the marker of a catalog message."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == "N_" or getattr(node.func, "attr", None) == "N_")
    ]


def test_every_phrase_lives_in_the_phrases_module() -> None:
    elsewhere = [
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in SOURCES
        if path != PACKAGE / "phrases.py"
        for line in _marks(path)
    ]
    assert not elsewhere, f"move these N_(...) templates to phrases.py: {elsewhere}"
    assert _marks(PACKAGE / "phrases.py"), "phrases.py holds the templates"


def test_no_import_cycle() -> None:
    # Package __init__ modules import their own modules to re-export them; a
    # cycle through a re-export is still a cycle, so they stay in the graph,
    # but the top-level API (which imports everything) is left out.
    graph = {m: {t for t in targets if t != NAME} for m, targets in GRAPH.items() if m != NAME}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        seen[module] = 1
        for target in sorted(graph.get(module, ())):
            if target == module or target.startswith(module + "."):
                continue  # a package importing its own modules
            if seen.get(target) == 1:
                cycle = (
                    [*path[path.index(target) :], target] if target in path else [module, target]
                )
                raise AssertionError(" -> ".join(cycle))
            if target not in seen:
                visit(target, [*path, target])
        seen[module] = 2

    for module in sorted(graph):
        if module not in seen:
            visit(module, [module])


def test_modules_are_small_or_say_why() -> None:
    long = []
    for path in SOURCES:
        lines = path.read_text(encoding="utf-8").splitlines()
        docstring = ast.get_docstring(ast.parse("\n".join(lines))) or ""
        if len(lines) > 400 and "one piece" not in docstring.lower():
            long.append(f"{path.relative_to(PACKAGE)} ({len(lines)} lines)")
    assert not long, f"over 400 lines without saying why they are one piece: {long}"


def test_raises_name_a_specific_error() -> None:
    bare = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == "CareTimelineError":
                    bare.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not bare, f"raise a specific subclass, not the base error: {bare}"


# -- the public API's shape ---------------------------------------------------------------

MAX_PARAMETERS = 8
"""More than this and the options that travel together want to be one value, as
CalendarOptions and RowOptions are."""


def _public_modules() -> list[str]:
    """The package and every module of it with no ``_private`` part in its name."""
    return sorted(module for module in GRAPH if not _private(module))


def _public_functions() -> dict[str, Callable[..., object]]:
    """Every function reachable from ``care_timeline.__all__`` (with the methods of
    the classes there, ``Dating.from_ultrasound`` say), and every public function of
    a public module. A value type's constructor is left out: it takes the value's
    fields, one parameter each."""
    found: dict[str, Callable[..., object]] = {}
    api = importlib.import_module(NAME)
    for name in api.__all__:
        item = getattr(api, name)
        if inspect.isfunction(item):
            found[f"{NAME}.{name}"] = item
        elif inspect.isclass(item) and item.__module__.startswith(NAME):
            for attr, member in vars(item).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, classmethod | staticmethod):
                    found[f"{NAME}.{name}.{attr}"] = getattr(item, attr)
                elif inspect.isfunction(member):
                    found[f"{NAME}.{name}.{attr}"] = functools.partial(member, None)
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for attr, item in vars(module).items():
            if attr.startswith("_") or not inspect.isfunction(item):
                continue
            if item.__module__ == module_name:
                found[f"{module_name}.{attr}"] = item
    return found


def test_no_public_function_takes_more_than_eight_parameters() -> None:
    functions = _public_functions()
    assert f"{NAME}.write_batch" in functions and f"{NAME}.Dating.from_ultrasound" in functions
    long = {
        name: count
        for name, function in sorted(functions.items())
        if (count := len(inspect.signature(function).parameters)) > MAX_PARAMETERS
    }
    assert not long, f"group what travels together into one value: {long}"
