"""The batch's folder: one batch at a time, no leftovers of a killed one, the
manifest of what each run wrote, and files of earlier runs moved aside rather
than left to be sent.

- :class:`FolderLock` holds an operating-system lock on the folder for the
  whole run; a second batch into the same folder is refused. The lock goes
  with the process, so a killed batch never leaves the folder locked.
- :func:`remove_leftovers` deletes the temporary ``.part`` files a killed run
  (``kill -9``, a power cut) left behind; under the lock no other batch can be
  writing them.
- :func:`check_sheet` refuses a combined sheet that is the patients file or the
  batch's own ``errors.csv`` or ``manifest.csv``.
- :func:`earlier_files` reads the previous run's ``manifest.csv`` (line by line,
  no line longer than a patients file's);
  :func:`move_to_stale` moves a file whose row is now bad or gone into ``stale/``,
  which must be a folder of its own (:func:`check_stale_folder`: never a link out
  of the batch's folder).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import os
import re
import stat as statmod
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from ..csv_cells import unneutralise
from ..errors import BatchError, PatientsFileError
from ..files import same_file
from ..safe_text import for_terminal
from .file_names import ERRORS_FILE, MANIFEST_FILE, STALE_FOLDER, is_file_name
from .patients_csv import PatientRows, lines_within

__all__ = [
    "LOCK_FILE",
    "MANIFEST_COLUMNS",
    "EarlierFile",
    "FolderLock",
    "check_sheet",
    "check_stale_folder",
    "earlier_files",
    "file_sha256",
    "move_to_stale",
    "remove_leftovers",
]

LOCK_FILE = ".care-timeline-batch.lock"
MANIFEST_COLUMNS = ("line", "id", "file", "status", "sha256")
# What AtomicFile names its temporary files: "." + the name + "." + 8 random
# characters (tempfile's) + ".part".
_PART = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.part")


_HELD: set[int] = set()
"""The descriptors of the locks this process holds."""


def _drop_inherited_locks() -> None:
    """In a process just forked (a batch's worker): close the lock descriptors it
    inherited. An ``flock`` lasts while any descriptor of it is open, so a worker
    that kept one would hold the folder's lock after the batch itself was killed."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


class FolderLock:
    """An exclusive lock on ``folder`` for one batch (a context manager); raises
    :class:`BatchError` when another batch holds it.

    On Linux and macOS it is an ``flock`` on the folder itself, so nothing is
    left in it; worker processes forked while it is held close their copy at
    once, so only the batch's own process holds it. On Windows it is a hidden
    file, ``.care-timeline-batch.lock``, created exclusively, not inherited, and
    deleted by the system when it is closed, even when the process is killed.
    Either way the lock goes with the process. On a file system that has no locks
    (some network shares), the batch runs without one.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        try:
            self._fd = _lock(self.folder)
            _HELD.add(self._fd)
        except OSError as err:
            if err.errno in _NO_LOCKS:
                return self  # a file system without locks (some network shares): run without
            if err.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EEXIST):
                raise
            raise BatchError(
                f"{for_terminal(str(self.folder))}: another batch is writing into this folder; "
                "wait for it to finish or choose another folder",
                field="out",
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            _HELD.discard(self._fd)
            os.close(self._fd)  # closing releases the lock (and deletes the Windows file)
            self._fd = None


_NO_LOCKS = frozenset(
    getattr(errno, name)
    for name in ("ENOLCK", "EOPNOTSUPP", "ENOTSUP", "EINVAL", "EBADF")
    if hasattr(errno, name)
)


def _lock(folder: Path) -> int:
    if sys.platform == "win32":  # pragma: no cover - Windows
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_TEMPORARY | os.O_NOINHERIT
        return os.open(folder / LOCK_FILE, flags, 0o600)
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _batch_file(name: str, format: str) -> bool:
    return name in (ERRORS_FILE, MANIFEST_FILE) or (
        name.endswith(f".{format}") and is_file_name(name)
    )


def remove_leftovers(folder: Path, formats: tuple[str, ...]) -> int:
    """Delete the temporary files of a batch's own files (a plan's file,
    ``errors.csv``, ``manifest.csv``) that a killed run left; how many."""
    removed = 0
    for entry in os.scandir(folder):
        match = _PART.fullmatch(entry.name)
        if match is None or not entry.is_file(follow_symlinks=False):
            continue
        if any(_batch_file(match["name"], format) for format in formats):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    return removed


class EarlierFile(NamedTuple):
    """A file the previous run wrote, from its manifest."""

    line: str
    id: str
    file: str
    sha256: str


def earlier_files(folder: Path) -> Iterator[EarlierFile]:
    """The files the previous run's manifest lists as written, one at a time. A
    manifest that is not one (edited, cut short) lists nothing; a line naming
    anything but a plain file name in the folder is skipped."""
    path = folder / MANIFEST_FILE
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        return
    with handle:
        try:
            # Line by line within the patients file's limit: a manifest planted or cut
            # without line breaks is read no further than one long line.
            reader = csv.reader(lines_within(str(path), handle))
            if tuple(next(reader, ())) != MANIFEST_COLUMNS:
                return
            for cells in reader:
                if len(cells) != len(MANIFEST_COLUMNS) or cells[3] != "written":
                    continue
                line, row_id, name, _, sha256 = cells
                if is_file_name(name):
                    yield EarlierFile(line, unneutralise(row_id), name, sha256)
        except (csv.Error, UnicodeDecodeError, PatientsFileError):
            return


def check_stale_folder(folder: Path) -> None:
    """Refuse a ``stale`` in ``folder`` that is not a folder of its own (a link, to a
    folder elsewhere say, or a file): files moved aside must stay inside the batch's
    folder, so the batch stops before it writes anything."""
    stale = folder / STALE_FOLDER
    try:
        info = os.lstat(stale)
    except FileNotFoundError:
        return
    if not statmod.S_ISDIR(info.st_mode):
        what = "a link" if statmod.S_ISLNK(info.st_mode) else "not a folder"
        raise BatchError(
            f"{for_terminal(str(stale))}: {what}; the batch moves files aside only into a "
            f"folder of its own inside {for_terminal(str(folder))}: remove it, or choose "
            "another --out folder",
            field="out",
        )


def move_to_stale(folder: Path, name: str) -> str:
    """Move ``folder/name`` into ``folder/stale/`` (replacing an older copy there);
    the new place, relative to ``folder``. ``stale`` must be a folder of its own
    (:func:`check_stale_folder`), and on Linux and macOS the move goes through the
    folder opened without following a link, so a link put in its place meanwhile
    is refused rather than followed out of ``folder``."""
    stale = folder / STALE_FOLDER
    with contextlib.suppress(FileExistsError):
        stale.mkdir()
    check_stale_folder(folder)
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    # (os.replace takes the same folder descriptors as os.rename, which says so)
    if nofollow and hasattr(os, "O_DIRECTORY") and os.rename in os.supports_dir_fd:
        fd = os.open(stale, os.O_RDONLY | os.O_DIRECTORY | nofollow)
        try:
            os.replace(folder / name, name, dst_dir_fd=fd)
        finally:
            os.close(fd)
    else:  # pragma: no cover - Windows
        os.replace(folder / name, stale / name)
    return f"{STALE_FOLDER}/{name}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def check_not_written(rows: object, outputs: dict[str, Path], field: str) -> None:
    """Refuse a patients file that is one of the files the run writes (``outputs``,
    each by what it is: its ``errors.csv`` beside the links file, say): the run
    would replace the clinic's list with its own output."""
    if not isinstance(rows, PatientRows):
        return
    for what, path in outputs.items():
        if rows.is_file(path):
            shown = for_terminal(os.fspath(path))
            raise BatchError(
                f"{field}: {shown} is the patients file the run reads, and also the run's "
                f"{what}, which it writes; move the patients file elsewhere",
                field=field,
                value=os.fspath(path),
                allowed=f"a patients file other than the run's {what}",
            )


def check_sheet(sheet: Path, folder: Path, rows: object) -> None:
    """The combined sheet may not be a file the batch reads or writes itself: the
    patients file it reads, or the ``errors.csv`` and ``manifest.csv`` it writes into
    ``out`` (which would replace the sheet, or the sheet them)."""
    shown = for_terminal(os.fspath(sheet))
    if isinstance(rows, PatientRows) and rows.is_file(sheet):
        raise BatchError(
            f"combined: {shown} is the patients file the batch reads; writing the sheet "
            "there would replace the clinic's list; choose another file",
            field="combined",
            value=os.fspath(sheet),
            allowed="a file other than the patients file",
        )
    own = sheet.name.lower() in (ERRORS_FILE, MANIFEST_FILE)
    here = os.path.abspath(sheet.parent or ".") == os.path.abspath(folder)
    if own and (here or same_file(sheet.parent or ".", folder)):
        raise BatchError(
            f"combined: {shown} is the batch's own {sheet.name.lower()} in the --out folder, "
            "which it writes too; choose another file",
            field="combined",
            value=os.fspath(sheet),
            allowed=f"a file other than {ERRORS_FILE} and {MANIFEST_FILE} in the --out folder",
        )
