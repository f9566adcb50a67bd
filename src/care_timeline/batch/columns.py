"""A patients file's columns: how a header's names are read (any case, ``-`` or
``_``), the columns a clinic asks to leave unread, and the header's check."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import BatchError, PatientsFileError
from ..fields import COLUMN_ALIASES, FIELDS
from ..safe_text import for_terminal

__all__ = ["check_header", "column_key", "ignored_columns"]


def ignored_columns(names: Iterable[str]) -> tuple[str, ...]:
    """Columns to leave unread, as a header names them (any case, ``-`` or ``_``):
    ``["Phone", "first-name"]`` is ``("phone", "first_name")``. ``id`` cannot be one
    (every row needs it); a name no header has is simply not there to ignore.

    >>> ignored_columns(["Phone", "first-name", "phone"])
    ('phone', 'first_name')
    """
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise BatchError(
            field="ignore_columns",
            value=names,
            allowed="a list of column names, like ['name', 'phone']",
        )
    found: list[str] = []
    for given in names:
        column = column_key(given) if isinstance(given, str) else ""
        if not column or column == "id":
            raise BatchError(
                field="ignore_columns",
                value=given,
                allowed="a column's name other than id (every row needs its id)",
            )
        if column not in found:
            found.append(column)
    return tuple(found)


def column_key(cell: str) -> str:
    """A column's name as the header is read: any case, ``-`` or ``_``, spaces around."""
    return cell.strip().lower().replace("-", "_")


def check_header(
    shown: str, record: tuple[int, list[str]] | None, ignored: frozenset[str]
) -> tuple[str, ...]:
    cells = record[1] if record is not None else None
    if not cells or not any(cell.strip() for cell in cells):
        raise PatientsFileError(f"{shown}: no header row; expected column names like id,due_date")
    columns = tuple(column_key(cell) for cell in cells)
    for number, column in enumerate(columns, start=1):
        if not column:
            raise PatientsFileError(f"{shown}: column {number} has no name")
        if column in ignored:
            continue
        if column not in FIELDS and column not in COLUMN_ALIASES:
            raise PatientsFileError(
                f"{shown}: unknown column {for_terminal(cells[number - 1].strip())!r}; "
                f"expected column names from: {', '.join(FIELDS)}; other data (a name, "
                "a phone) is left unread with --ignore-column NAME (ignore_columns=)"
            )
        if column in columns[: number - 1]:
            raise PatientsFileError(f"{shown}: column {column!r} appears twice")
        now = COLUMN_ALIASES.get(column)
        if now is not None and now in columns:
            raise PatientsFileError(
                f"{shown}: columns {column!r} and {now!r} are the same fact ({column!r} is "
                f"its earlier name); keep {now!r}"
            )
    if "id" not in columns:
        raise PatientsFileError(f"{shown}: no 'id' column; every row needs an id")
    return columns
