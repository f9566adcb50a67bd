"""Settings of the documentation site: the pages of docs/ (Markdown, read by MyST)
and an API reference made from the package's docstrings (reStructuredText, read
by autodoc). Built with warnings as errors (a broken link or anchor is one):

    python -m sphinx -W --keep-going -b html -d build/doctrees docs build/docs

Sphinx rather than MkDocs because the docstrings are reStructuredText (roles such
as :class:`Plan`, ``literals``, doctest blocks), which Sphinx reads as written.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.pycode import ModuleAnalyzer
from sphinx.util import logging

import care_timeline

project = "care-timeline"
author = "the care-timeline authors"
copyright = "the care-timeline authors"
release = version = care_timeline.__version__

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown"}
root_doc = "index"
# Headings get the anchors GitHub gives them, so links like api.md#planning-again-replan
# work on both; a link to a missing page or anchor is a warning, so the build fails.
myst_heading_anchors = 4
# A console block whose output a lexer cannot colour is shown uncoloured: not a fault.
suppress_warnings = ["misc.highlighting_failure"]

autodoc_member_order = "bysource"
autodoc_typehints_format = "short"
autodoc_default_options = {
    # pydantic's machinery, the same on every model: not part of this API
    "exclude-members": "model_config, library_error_type, model_post_init",
}

html_theme = "furo"
html_title = f"care-timeline {release}"
html_show_sourcelink = False
html_copy_source = False

_log = logging.getLogger(__name__)
_INIT = Path(care_timeline.__file__)


def _homes() -> dict[str, str]:
    """Each name ``care_timeline/__init__.py`` imports, and the module it comes from."""
    homes: dict[str, str] = {}
    for node in ast.walk(ast.parse(_INIT.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                homes[alias.asname or alias.name] = f"care_timeline.{node.module}"
    return homes


_HOMES = _homes()


def _attribute_doc(name: str) -> list[str] | None:
    """The docstring under ``NAME = ...`` in the module that assigns it."""
    module = _HOMES.get(name)
    while module is not None:
        docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", name) in docs:
            return list(docs[("", name)])
        # imported there in turn (care_timeline.export re-exports a submodule's name)
        source = importlib.import_module(module).__file__
        assert source is not None
        module = _reexported(Path(source), module, name)
    return None


def _reexported(path: Path, module: str, name: str) -> str | None:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.level >= 1
            and node.module
            and any((alias.asname or alias.name) == name for alias in node.names)
        ):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            return f"{base}.{node.module}"
    return None


def _constant_docs(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """A constant or a type alias that ``care_timeline`` re-exports is described by the
    docstring where it is assigned; autodoc would otherwise show its type's docstring
    (``tuple``'s, ``timedelta``'s). One with no docstring there fails the build."""
    if what != "data" or not name.startswith("care_timeline."):
        return
    short = name.rpartition(".")[2]
    doc = _attribute_doc(short)
    if doc is None:
        _log.warning("%s has no docstring where it is assigned", name)
        return
    lines[:] = doc  # a type alias keeps its "alias of ..." line, which autodoc adds after


def setup(app: Sphinx) -> None:
    app.connect("autodoc-process-docstring", _constant_docs)
