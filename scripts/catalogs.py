"""Keep the message catalogs in step with the code.

    python scripts/catalogs.py            # extract, update every .po, compile every .mo
    python scripts/catalogs.py --check    # exit 1 if anything would change

The messages are the templates marked ``N_(...)`` in the package (see
docs/languages.md). ``src/care_timeline/locale/care_timeline.pot`` is the list of
them; each language has ``locale/<lang>/LC_MESSAGES/care_timeline.po`` (edited by
translators, kept in the repository) and the compiled ``care_timeline.mo`` that
the package reads (also kept in the repository, so a wheel needs no build step).

Files are compared by what they say, not byte for byte: the messages, their
translations, their comments, whether a translation is fuzzy, and the plural rule
(see :func:`content`). What a Babel release changes on its own (the
``Generated-By`` header, the ``python-brace-format`` flags that newer releases
add, the layout of a compiled file) neither makes a catalog stale nor gets it
rewritten; see docs/architecture.md, "Generated files".
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "care_timeline"
LOCALE = PACKAGE / "locale"
DOMAIN = "care_timeline"
HEADER = """\
# The messages care-timeline's code writes (headings, labels, dates, sentences).
# Protocol texts are not here: they are translated in the protocol files.
# See docs/languages.md."""
# Fixed, so the files change only when the messages do.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def template() -> Catalog:
    catalog = Catalog(
        project="care-timeline",
        version="2",
        header_comment=HEADER,
        copyright_holder="the care-timeline authors",
        msgid_bugs_address="",
        creation_date=STAMP,
        revision_date=STAMP,
        charset="utf-8",
        fuzzy=False,
    )
    messages = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords={"N_": {1: (1,), 2: (1, 2)}},  # N_(message) and N_(singular, plural)
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for _file, _line, message, comments, context in messages:
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, no_location=True, sort_output=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def languages() -> list[Path]:
    return sorted(path for path in LOCALE.iterdir() if (path / "LC_MESSAGES").is_dir())


def planned() -> dict[Path, bytes]:
    """Every catalog file as it should be."""
    pot = template()
    files = {LOCALE / f"{DOMAIN}.pot": po_bytes(pot)}
    for folder in languages():
        po_path = folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=folder.name)
        catalog.update(pot, update_header_comment=False, no_fuzzy_matching=True)
        catalog.project, catalog.version = pot.project, pot.version
        catalog.copyright_holder = pot.copyright_holder
        catalog.msgid_bugs_address = pot.msgid_bugs_address
        catalog.revision_date = STAMP
        catalog.creation_date = STAMP
        catalog.obsolete.clear()
        files[po_path] = po_bytes(catalog)
        files[po_path.with_suffix(".mo")] = mo_bytes(catalog)
    return files


# Flags a Babel release may add or drop on its own; ``fuzzy`` is the translators'.
_TOOL_FLAGS = frozenset({"python-format", "python-brace-format"})


def content(path: Path, data: bytes) -> object:
    """What a catalog file says, whatever Babel release wrote it: for each message
    its id (and plural id), context, translation, comments and fuzzy flag, and the
    plural rule. Two files with the same content are the same catalog."""
    stream = io.BytesIO(data)
    catalog = read_mo(stream) if path.suffix == ".mo" else read_po(stream)
    messages = sorted(
        (
            repr(message.id),
            repr(message.context),
            repr(message.string),
            tuple(message.auto_comments),
            tuple(message.user_comments),
            tuple(sorted(set(message.flags) - _TOOL_FLAGS)),
        )
        for message in catalog
        if message.id
    )
    return (dict(catalog.mime_headers).get("Plural-Forms"), messages)


def stale() -> dict[Path, bytes]:
    """The catalog files whose content differs from what :func:`planned` makes
    (missing ones too), with what they should hold."""
    return {
        path: data
        for path, data in planned().items()
        if not path.exists() or content(path, path.read_bytes()) != content(path, data)
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    found = stale()
    for path, data in found.items():
        if not args.check:
            path.write_bytes(data)
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    return 1 if args.check and found else 0


if __name__ == "__main__":
    sys.exit(main())
