"""Keep the message catalogs in step with the code and the protocol files.

    python scripts/catalogs.py            # extract, update every .po, compile every .mo
    python scripts/catalogs.py --check    # exit 1 if anything would change

Two domains, each with its list of messages in ``src/care_timeline/locale/<domain>.pot``
and, for each language, ``locale/<lang>/LC_MESSAGES/<domain>.po`` (edited by
translators, kept in the repository) and the compiled ``<domain>.mo`` that the
package reads (also kept in the repository, so a wheel needs no build step):

- ``care_timeline``: the phrases the code writes, the templates marked ``N_(...)``
  in the package;
- ``protocols``: the texts of every protocol file the package ships
  (``src/care_timeline/protocol/*.toml``), one message for each text, its id the
  English text and its context the protocol's id and the text's place
  (``cervical-insufficiency:milestones.due-date.title``). Windows, rules and numbers
  are not messages: they stay in the protocol file.

See docs/languages.md. A language's ``.po`` is updated only if it exists: a new
language starts as a copy of the ``.pot``. Messages no longer in the code or the
files are dropped, and a changed message is never matched to an old translation
(no fuzzy matching): it waits, untranslated, for its translator.

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

from care_timeline.protocol import load_protocol
from care_timeline.protocol.texts import messages

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "care_timeline"
LOCALE = PACKAGE / "locale"
PROTOCOLS = PACKAGE / "protocol"
DOMAIN = "care_timeline"
HEADER = """\
# The messages care-timeline's code writes (headings, labels, dates, sentences).
# Protocol texts are not here: they are in the protocols catalog (protocols.pot).
# See docs/languages.md."""
PROTOCOL_DOMAIN = "protocols"
PROTOCOL_HEADER = """\
# The texts of the protocols care-timeline ships (src/care_timeline/protocol/*.toml): one
# message for each text, its context the protocol's id and the text's place, its id the
# English text. Windows, rules and numbers are not here: a translation holds words only.
# Keep every {placeholder} of a reason. See docs/languages.md."""
# Fixed, so the files change only when the messages do.
STAMP = datetime(2026, 1, 1, tzinfo=UTC)


def _catalog(header: str) -> Catalog:
    return Catalog(
        project="care-timeline",
        version="2",
        header_comment=header,
        copyright_holder="the care-timeline authors",
        msgid_bugs_address="",
        creation_date=STAMP,
        revision_date=STAMP,
        charset="utf-8",
        fuzzy=False,
    )


def template() -> Catalog:
    """The code's messages."""
    catalog = _catalog(HEADER)
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords={"N_": {1: (1,), 2: (1, 2)}},  # N_(message) and N_(singular, plural)
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for _file, _line, message, comments, context in found:
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def shipped_protocols() -> list[Path]:
    return sorted(PROTOCOLS.glob("*.toml"))


def protocol_template() -> Catalog:
    """The texts of the shipped protocol files, in the files' order."""
    catalog = _catalog(PROTOCOL_HEADER)
    for path in shipped_protocols():
        protocol = load_protocol(path)  # a file that does not load has no texts to translate
        for context, text in messages(protocol.model_dump()):
            catalog.add(text, None, context=context)
    return catalog


TEMPLATES = {DOMAIN: template, PROTOCOL_DOMAIN: protocol_template}
SORTED = {DOMAIN: True, PROTOCOL_DOMAIN: False}
"""Whether a domain's file lists its messages by id; the protocol texts keep the
order of the files, where a translator reads each text beside the ones around it."""


def po_bytes(catalog: Catalog, domain: str = DOMAIN) -> bytes:
    out = io.BytesIO()
    write_po(
        out, catalog, width=100, omit_header=False, no_location=True, sort_output=SORTED[domain]
    )
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def languages() -> list[Path]:
    return sorted(path for path in LOCALE.iterdir() if (path / "LC_MESSAGES").is_dir())


def planned() -> dict[Path, bytes]:
    """Every catalog file as it should be."""
    files = {}
    for domain, make in TEMPLATES.items():
        pot = make()
        files[LOCALE / f"{domain}.pot"] = po_bytes(pot, domain)
        for folder in languages():
            po_path = folder / "LC_MESSAGES" / f"{domain}.po"
            if not po_path.exists():
                continue
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=folder.name)
            catalog.update(pot, update_header_comment=False, no_fuzzy_matching=True)
            catalog.project, catalog.version = pot.project, pot.version
            catalog.copyright_holder = pot.copyright_holder
            catalog.msgid_bugs_address = pot.msgid_bugs_address
            catalog.revision_date = STAMP
            catalog.creation_date = STAMP
            catalog.obsolete.clear()
            files[po_path] = po_bytes(catalog, domain)
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
