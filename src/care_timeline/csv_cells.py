"""CSV cells that are safe to open in a spreadsheet: the one writer of every CSV the
package makes (the plan's table, a batch's combined sheet, errors and manifests,
planning lists, diffs).

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
also one that starts with a tab or a carriage return) as a formula, and many
skip spaces before it or read the fullwidth forms (``＝``, ``＋``) as the same.
Plan ids and protocol texts come from other people's files, so every such cell
is written with a leading single quote, which spreadsheets show as text and
never evaluate.

Spreadsheets set to a language that writes decimal commas (German, French,
Dutch and others) split CSV at ``;``, not ``,``, and then a cell starts after
every ``;`` of a line, quoted or not. So a formula sign after a ``;`` (or a tab
or line break, which some programs split at too) gets the same single quote,
also when that separator is the cell's very first character: a plan id
``x;=1+1`` is written ``"x;'=1+1"``, which a ``,`` spreadsheet shows as one cell
and a ``;`` spreadsheet as the text ``'=1+1`` after ``x``, never a formula, and
``;=1+1`` is written ``";'=1+1"``. Every cell that holds anything but ASCII letters, digits, ``_``,
``.`` and ``-`` is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["FORMULA_SIGNS", "FORMULA_STARTS", "csv_lines", "neutralise", "table", "unneutralise"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is neutralised."""
_NUMBER = re.compile(r"\A-?[0-9]+(\.[0-9]+)?\Z")
FORMULA_SIGNS = "=+-@" + "\uff1d\uff0b\uff0d\uff20" + "\ufe66\ufe62\ufe63\ufe6b"
"""The signs that start a formula, with their fullwidth and small forms; a cell
whose first visible character is one of them is neutralised too."""
# Spaces (the no-break space among them) and invisible characters before a sign.
_BLANKS = r"[\s\u200b-\u200d\u2060\ufeff]*"
_LEADING_BLANKS = re.compile(_BLANKS)
_AFTER_SEPARATOR = re.compile(f"([;\t\r\n])(?={_BLANKS}[{re.escape(FORMULA_SIGNS)}])")
# The quotes neutralise put in: after a separator, before blanks and a sign (blanks
# that are separators themselves, a tab or a line break, then carry a quote too).
_INSERTED_AFTER_SEPARATOR = re.compile(
    f"([;\t\r\n])'(?=(?:{_BLANKS[:-1]}|(?<=[\t\r\n])')*[{re.escape(FORMULA_SIGNS)}])"
)
_PLAIN = re.compile(r"[A-Za-z0-9_.-]*", re.ASCII)


def neutralise(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate: a single quote before a
    formula sign at its start (after any blanks) and after every ``;``, tab or
    line break, the cell's first character included (``;=1+1`` is written
    ``;'=1+1``). A plain number (``-2``, a shift in days) is left as it is: a
    spreadsheet reads it as the number it is, not as a formula.

    >>> neutralise("=HYPERLINK(\\"x\\")"), neutralise(" \\uff1d1+1"), neutralise("12w0d")
    ('\\'=HYPERLINK("x")', "' \\uff1d1+1", '12w0d')
    >>> neutralise("x;=1+1"), neutralise(";=1+1"), neutralise("-2")
    ("x;'=1+1", ";'=1+1", '-2')
    """
    if _NUMBER.match(cell):
        return cell
    # From the first character: a separator that starts the cell (";=1+1", a tab or a
    # line break first) starts a cell of its own in a spreadsheet that splits there.
    cell = _AFTER_SEPARATOR.sub(r"\1'", cell)
    if cell.startswith(FORMULA_STARTS):
        return "'" + cell
    blanks = _LEADING_BLANKS.match(cell)
    first = cell[blanks.end() if blanks else 0 :][:1]
    return "'" + cell if first and first in FORMULA_SIGNS else cell


def unneutralise(cell: str) -> str:
    """The text :func:`neutralise` made ``cell`` from: its quotes taken off again,
    for a file the package wrote and reads back (a batch's manifest, a links
    file). One text cannot be told apart: one that itself had a quote where
    :func:`neutralise` puts one (``'=1`` gives ``'=1``, as ``=1`` does); it is read
    as the one without. A cell :func:`neutralise` could not have written is
    returned as it is.

    >>> unneutralise("'=HYPERLINK(1)"), unneutralise("x;'=1+1"), unneutralise("' \uff1d1")
    ('=HYPERLINK(1)', 'x;=1+1', ' \uff1d1')
    """
    if _NUMBER.match(cell):
        return cell
    text = _INSERTED_AFTER_SEPARATOR.sub(r"\1", cell)
    if text.startswith("'"):
        text = text[1:]
    return text if neutralise(text) == cell else cell


def _cell(text: str) -> str:
    cell = neutralise(text)
    if _PLAIN.fullmatch(cell):
        return cell
    return '"' + cell.replace('"', '""') + '"'


def csv_lines(rows: Iterable[Sequence[str]]) -> str:
    """Rows as RFC 4180 CSV lines (CRLF line ends), every cell neutralised and
    every cell but plain words (ASCII letters, digits, ``_``, ``.``, ``-``)
    quoted, so the lines read the same in spreadsheets that split at ``;``.

    >>> csv_lines([["7781", "2026-11-23;2026-12-07", "x;=1+1", "Weekly check"]])
    '7781,"2026-11-23;2026-12-07","x;\\'=1+1","Weekly check"\\r\\n'
    """
    return "".join(",".join(_cell(cell) for cell in row) + "\r\n" for row in rows)


def table(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A CSV table: the header, then the rows (see :func:`csv_lines`)."""
    return csv_lines([header]) + csv_lines(rows)
