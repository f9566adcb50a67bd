"""Files in and out: reading a whole file within a size limit, and writing files
atomically (a reader sees the old file or the whole new one, never a half-written
one, after a crash or Ctrl-C too).

:func:`read_bounded` reads a file (a plan, a protocol, a pipe) only up to a limit,
checked before parsing, and :func:`utf8_text` makes its bytes text or says why not
in one line. :func:`write_atomic` and :class:`AtomicFile` write one file;
:func:`write_files` writes a batch's chunk of files with one wait for the disk
instead of one a file; :func:`same_file` tells an output that is one of a command's
inputs.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .errors import CareTimelineError
from .safe_text import for_terminal

__all__ = [
    "AtomicFile",
    "ErrorType",
    "file_mode",
    "new_file_mode",
    "read_bounded",
    "same_file",
    "size_text",
    "sync_folder",
    "utf8_text",
    "write_atomic",
    "write_files",
]

ErrorType = Callable[..., CareTimelineError]
"""The library's error a reader raises (``ProtocolError``, ``PlanError``...): called
with the message and ``field=``."""


def size_text(size: int) -> str:
    """A limit in words: ``1 MiB``, ``4 KiB``, ``512 bytes``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size:,} bytes"


def read_bounded(
    path: str | os.PathLike[str], limit: int, error: ErrorType, *, what: str, field: str
) -> bytes:
    """The bytes of a file, a pipe or ``/dev/stdin``, if there are at most ``limit``:
    a regular file larger than that is refused before a byte is read, anything else
    once ``limit`` + 1 bytes have come (``/dev/zero`` too). ``what`` names what the
    file should be (``a plan``); every fault is one ``error`` naming the file, with
    ``field``."""
    name = os.fspath(path)
    shown = for_terminal(name)
    too_large = f"{shown}: larger than {size_text(limit)}; {what} is far smaller"
    try:
        with open(name, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISREG(info.st_mode) and info.st_size > limit:
                raise error(too_large, field=field)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{shown}: no such file", field=field) from None
    except IsADirectoryError:
        raise error(f"{shown}: a folder, not a file; expected {what}", field=field) from None
    except OSError as err:
        why = for_terminal(err.strerror or str(err))
        raise error(f"{shown}: cannot be read ({why})", field=field) from None
    if len(data) > limit:
        raise error(too_large, field=field)
    return data


_UTF16 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def utf8_text(data: bytes, shown: str, error: ErrorType, *, field: str) -> str:
    """``data`` as UTF-8 text (a leading byte-order mark skipped), or one ``error``
    saying where it is not: a byte that is not UTF-8 (a file saved as Latin-1) by its
    value and line, and UTF-16 or UTF-32 (as Windows PowerShell writes with
    ``Out-File`` or ``>``) by name."""
    if data.startswith(_UTF16):
        raise error(
            f"{shown}: UTF-16 text (as Windows PowerShell's Out-File and '>' write), not "
            "UTF-8; save it as UTF-8",
            field=field,
        )
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise error(
            f"{shown}: not UTF-8 text (a NUL byte on line {line}: UTF-16 without a "
            "byte-order mark, or not text at all); save it as UTF-8",
            field=field,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise error(
            f"{shown}: not UTF-8 text (byte {data[err.start]:#04x} on line {line})", field=field
        ) from None


def same_file(one: str | os.PathLike[str], other: str | os.PathLike[str]) -> bool:
    """Whether two paths name one existing file (through links, another spelling, or
    another case on a file system that ignores case)."""
    try:
        return os.path.samefile(one, other)
    except (OSError, ValueError):
        return False


def new_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file under the current umask.

    Temporary files are created private (0600); the finished file gets the
    user's usual mode instead, so a umask of 077 keeps patient files private.
    """
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def file_mode(path: str | os.PathLike[str]) -> int:
    """The mode a file written to ``path`` should get: the mode of the file it
    replaces, if there is one (so a patient file made private with ``chmod 600``
    stays private when it is written again), else :func:`new_file_mode`."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return new_file_mode()


def _temporary(path: Path) -> tuple[int, str]:
    """A new private file beside ``path``: ``.NAME.XXXXXXXX.part`` (the batch
    folder's clean-up knows the form)."""
    import tempfile  # here: a command that writes to stdout need not load it

    _check_replaceable(path)
    folder = path.parent if str(path.parent) else Path(".")
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)


def _check_replaceable(path: Path) -> None:
    """Refuse to write over anything but a regular file (or a link to one): a rename
    over a device (``/dev/full``, ``/dev/stdout``), a pipe or a socket would replace it
    with a file, and over a folder it fails half way. A missing ``path`` is fine."""
    if _a_stream_of_this_process(path):
        raise OSError(
            errno.EINVAL,
            "a stream of this program (like /dev/stdout), not a file, so it is not "
            "replaced; leave out the output to write to stdout",
            str(path),
        )
    try:
        info = os.stat(path)
    except OSError:
        return  # none there (or unreadable): creating the file says what is wrong
    if stat.S_ISDIR(info.st_mode):
        raise OSError(errno.EISDIR, "is a folder; give a file's name", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(
            errno.EINVAL,
            "not a regular file (a device, a pipe or a socket), so it is not replaced; "
            "give a file's name, or leave out the output to write to stdout",
            str(path),
        )


def _a_stream_of_this_process(path: Path) -> bool:
    """Whether ``path`` is a link that leads through ``/proc`` or ``/dev/fd`` (as
    ``/dev/stdout`` does): a rename would replace the link itself, whatever the
    stream is, even when it is a regular file."""
    current = os.path.normpath(os.path.abspath(path))
    for _ in range(40):  # the system's own limit on links in a row
        if current.startswith(("/proc/", "/dev/fd/")):
            return True  # the name itself (/dev/fd/1), or where a link led
        try:
            target = os.readlink(current)
        except OSError:
            return False  # not a link (or none there)
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return False


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Re-raise an ``OSError`` so that it names ``path``, not a temporary file."""
    try:
        yield
    except OSError as err:
        raise OSError(err.errno, err.strerror, str(path)) from None


class AtomicFile:
    """A file written in steps that appears under its name only on :meth:`commit`.

    The bytes go to a temporary file in the same folder; ``commit`` syncs it,
    gives it the mode of the file it replaces (or the usual mode for a new file)
    and renames it over ``path``; ``discard`` removes it. Every ``OSError`` names
    ``path``, never the temporary file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        with _naming(self.path):
            fd, temp = _temporary(self.path)
        self._temp = temp
        self._handle = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        try:
            with _naming(self.path):
                self._handle.write(data)
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        try:
            with _naming(self.path):
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                _into_place(self._temp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._temp)


def _into_place(temp: str, path: Path) -> None:
    """Give a finished temporary file the mode ``path`` should have and rename it
    over ``path``."""
    os.chmod(temp, file_mode(path))
    os.replace(temp, path)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename,
    as :func:`write_files` writes each of its files (the folder synced too).

    An ``OSError`` names ``path``, never the temporary file.
    """
    write_files([(Path(path), data)])


def write_files(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write several files, each atomically, waiting for the disk once rather than
    once a file.

    Every file goes to a temporary file beside it, as :func:`write_atomic` does.
    Then the disk is asked to write all of them at once (where the system can be
    told so; elsewhere each sync below waits on its own), each is synced, given
    its mode and renamed into place, and each folder is synced once, so that the
    renames last too. After a crash or a power cut, each file is as it was before
    or whole and new, never cut short; a temporary file may be left behind. An
    ``OSError`` names the file, and the temporary files not yet renamed are
    removed.
    """
    temps: list[_Temporary] = []
    try:
        for path, data in files:
            with _naming(path):
                temps.append(_Temporary(path, *_temporary(path)))
                with open(temps[-1].fd, "wb", closefd=False) as handle:
                    handle.write(data)
        for temp in temps:
            _start_writing(temp.fd)
        for temp in temps:
            with _naming(temp.path):
                os.fsync(temp.fd)
        for temp in temps:
            temp.close()
            with _naming(temp.path):
                _into_place(temp.name, temp.path)
            temp.name = ""
        for folder in dict.fromkeys(path.parent for path, _ in files):
            sync_folder(folder)
    except BaseException:
        for temp in temps:
            temp.discard()
        raise


class _Temporary:
    """A file being written: where it goes, and its temporary file (its name is
    empty once renamed into place)."""

    def __init__(self, path: Path, fd: int, name: str) -> None:
        self.path, self.fd, self.name = path, fd, name
        self._open = True

    def close(self) -> None:
        if self._open:
            self._open = False
            os.close(self.fd)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.close()
        if self.name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.name)


def _start_writing(fd: int) -> None:
    """Ask the system to start writing a file's data to disk now, without waiting
    (Linux does so for this advice), so that the syncs after it overlap."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


_CANNOT_SYNC_A_FOLDER = frozenset(
    {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES, errno.EPERM}
)
"""What some network, FUSE and similar file systems answer when asked to open or
sync a folder: they order their renames themselves, or cannot be asked."""


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make the renames into ``folder`` last through a crash: sync the folder
    itself (on Windows the file system does that already, and a folder cannot be
    opened to sync it). A file system that cannot sync a folder is left to order
    its renames itself; any other failure names the folder."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        return
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError as err:
        if err.errno in _CANNOT_SYNC_A_FOLDER:
            return
        raise OSError(err.errno, err.strerror, str(folder)) from None
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno not in _CANNOT_SYNC_A_FOLDER:
            raise OSError(err.errno, err.strerror, str(folder)) from None
    finally:
        os.close(fd)
