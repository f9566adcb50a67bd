"""Languages: the message catalogs (gettext) and the formats of dates and lists
(Babel) that every phrase the code writes goes through.

English is the language of the source: its messages are the catalog's ids, so an
English plan needs no catalog at all (and loads neither gettext nor Babel unless
a date or a list has to be written out). Any other language needs a compiled
catalog ``locale/<lang>/LC_MESSAGES/care_timeline.mo`` in the package (its
``.po`` source is in the repository); adding one needs no code change.

The messages themselves, and their marker :func:`N_` (``pybabel extract -k N_``,
plural messages as ``N_(singular, plural)``), live in :mod:`.phrases`; see
docs/languages.md.

The texts of the protocols the package ships (titles, descriptions, reasons,
warning signs) are a second domain, ``protocols``: one message for each text, its
id the English text and its context the protocol id and the text's place
(``cervical-insufficiency:milestones.due-date.title``). The protocol files hold
the English; ``locale/<lang>/LC_MESSAGES/protocols.mo`` the words of another
language, and nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .phrases import GA_NOTATION, N_

if TYPE_CHECKING:
    from gettext import NullTranslations

    from .gestational_age import GestationalAge

__all__ = [
    "DOMAIN",
    "PROTOCOL_DOMAIN",
    "SOURCE_LANGUAGE",
    "Language",
    "N_",
    "available_languages",
    "case_forms",
    "has_catalog",
    "language",
    "locale_dirs",
    "protocol_catalog",
    "protocol_languages",
]

DOMAIN = "care_timeline"
"""The phrases the code writes."""
PROTOCOL_DOMAIN = "protocols"
"""The texts of the shipped protocols."""
SOURCE_LANGUAGE = "en"


def case_forms(text: str) -> tuple[str, ...]:
    """A word a person typed, in lower case in each way it may be meant, to compare
    with lower-case words of English and Turkish: by the usual rules (``YES`` is
    ``yes``), by Turkish rules (``HAYIR`` is ``hayır``, ``GEÇERLİ`` is ``geçerli``),
    and with Turkish ``ı`` as ``i`` (``hayir``, as people type it without the
    Turkish letter).

    >>> case_forms("HAYIR")
    ('hayir', 'hayır')
    """
    turkish = text.replace("I", "ı").replace("İ", "i").lower()
    return tuple(dict.fromkeys((text.lower(), turkish, turkish.replace("ı", "i"))))


# The package's own catalogs. A list, so that tests can add a folder of their own
# (a third language, without touching the package).
_LOCALE_DIRS: list[Path] = []


def locale_dirs() -> list[Path]:
    """The folders searched for catalogs, the package's own first."""
    if not _LOCALE_DIRS:
        _LOCALE_DIRS.append(Path(str(resources.files(__package__).joinpath("locale"))))
    return _LOCALE_DIRS


_LANGUAGE_NAME = re.compile(r"[a-z]{2,8}\Z")
"""A catalog's folder name: a language subtag. A language that is anything else (a
path, ``..``) has no catalog: catalogs come from the package's own folders only."""


def _catalog_path(code: str) -> Path | None:
    if not _LANGUAGE_NAME.match(code):
        return None
    for folder in locale_dirs():
        path = folder / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if path.is_file():
            return path
    return None


def _package_locale() -> Path:
    """The package's own catalogs (the shipped protocols' texts are read from here
    alone: they belong to the protocol files beside them)."""
    return Path(str(resources.files(__package__).joinpath("locale")))


@cache
def protocol_languages() -> tuple[str, ...]:
    """English and every language with a compiled protocols catalog in the
    package, sorted."""
    folder = _package_locale()
    found = {
        entry.name
        for entry in (folder.iterdir() if folder.is_dir() else ())
        if (entry / "LC_MESSAGES" / f"{PROTOCOL_DOMAIN}.mo").is_file()
    }
    return (SOURCE_LANGUAGE, *sorted(found - {SOURCE_LANGUAGE}))


@cache
def protocol_catalog(code: str) -> NullTranslations:
    """The package's protocols catalog for a language, read once: look a text up
    with ``pgettext(context, english)``. A language without one (English) gets an
    empty catalog, which gives every text back as it is."""
    from gettext import GNUTranslations, NullTranslations

    path = _package_locale() / code / "LC_MESSAGES" / f"{PROTOCOL_DOMAIN}.mo"
    if code == SOURCE_LANGUAGE or not _LANGUAGE_NAME.match(code) or not path.is_file():
        return NullTranslations()
    with path.open("rb") as handle:
        return GNUTranslations(handle)


def available_languages() -> tuple[str, ...]:
    """English and every language with a compiled catalog, sorted."""
    found = {SOURCE_LANGUAGE}
    for folder in locale_dirs():
        if folder.is_dir():
            found.update(
                entry.name for entry in folder.iterdir() if _catalog_path(entry.name) is not None
            )
    return tuple(sorted(found))


def _base(tag: str) -> str:
    """``tr-TR`` -> ``tr``: catalogs are per language, not per region."""
    return tag.replace("_", "-").split("-", 1)[0].lower()


@dataclass(frozen=True)
class Language:
    """One language: its catalog and its way of writing dates and lists."""

    code: str
    """The language tag as given (``en``, ``tr``, ``tr-TR``)."""
    _translations: NullTranslations | None = field(default=None, compare=False, repr=False)

    @property
    def base(self) -> str:
        return _base(self.code)

    def gettext(self, message: str) -> str:
        if self._translations is None:
            return message
        return self._translations.gettext(message)

    def ngettext(self, forms: tuple[str, str], count: int) -> str:
        singular, plural = forms
        if self._translations is None:
            return singular if count == 1 else plural
        return self._translations.ngettext(singular, plural, count)

    def format(self, message: str, /, **values: Any) -> str:
        """The message in this language, with its named parts filled in."""
        return self.gettext(message).format(**values)

    def date(self, day: date, pattern: str) -> str:
        """``day`` written with a CLDR date pattern (``d MMM y``) that is itself a
        catalog message, so each language chooses its own (``d MMMM y`` in Turkish)."""
        return _written_date(day, self.gettext(pattern), self._babel_locale)

    def list(self, items: Sequence[str]) -> str:
        """``a, b and c`` in this language's words and punctuation."""
        if len(items) < 2:
            return "".join(items)
        from babel.lists import format_list

        return format_list(list(items), locale=self._babel_locale)

    def ga(self, ga: GestationalAge) -> str:
        """A gestational age as this language writes it in text for people
        (``14w3d`` in English; JSON and CSV always keep ``14w3d``)."""
        weeks, days = divmod(ga.total_days, 7)
        return self._ga_notation.format(weeks=weeks, days=days)

    @cached_property
    def _ga_notation(self) -> str:
        # Translated once: every milestone of every export writes two ages.
        return self.gettext(GA_NOTATION)

    @cached_property
    def _babel_locale(self) -> str:
        """The Babel locale for dates and lists; English where Babel does not know
        the language."""
        from babel import Locale, UnknownLocaleError

        try:
            return str(Locale.parse(self.code.replace("-", "_")))
        except (ValueError, UnknownLocaleError):
            return SOURCE_LANGUAGE


@lru_cache(maxsize=4096)
def _written_date(day: date, pattern: str, locale: str) -> str:
    """Babel's writing of a date, kept: a chart writes the same few hundred days
    (week starts, months) for every patient due in the same months, and Babel
    takes microseconds a date."""
    written: str = _babel_dates().format_date(day, pattern, locale=locale)
    return written


@cache
def _babel_dates() -> ModuleType:
    """``babel.dates``, imported whatever ``TZ`` says. Babel reads the local time zone
    as it is imported, and fails on a ``TZ`` that names no zone file (``TZ=/etc/passwd``,
    a folder); a date written in words needs no time zone, so the import is made again
    with ``TZ=UTC`` for that moment, and ``TZ`` is put back."""
    try:
        import babel.dates
    except (ValueError, LookupError, OSError):
        saved = os.environ.get("TZ")
        os.environ["TZ"] = "UTC"
        try:
            import babel.dates
        finally:
            if saved is None:
                del os.environ["TZ"]
            else:
                os.environ["TZ"] = saved
    return babel.dates


@cache
def language(code: str) -> Language:
    """The language for a tag. A language with no catalog gets the English phrases
    (a clinic's protocol in another language still plans, as before catalogs
    existed), and Babel's dates and lists in that language where Babel knows it."""
    base = _base(code)
    path = None if base == SOURCE_LANGUAGE else _catalog_path(base)
    if path is None:
        return Language(code)
    from gettext import GNUTranslations

    with path.open("rb") as handle:
        return Language(code, GNUTranslations(handle))


def has_catalog(code: str) -> bool:
    """Whether the code's phrases can be written in this language."""
    base = _base(code)
    return base == SOURCE_LANGUAGE or _catalog_path(base) is not None
