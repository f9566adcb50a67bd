"""A clinic's UID key: the secret that turns plan ids into calendar UIDs (and
other exported identifiers) that nobody without the key can trace back.

Without a key, a UID is a plain hash of the plan id, and anyone can hash a
guessed id (a record number, ``clinic-42/7781``) and compare. With a key it is
a keyed hash (HMAC-SHA256), which cannot be checked without the key.

A key file holds the key as 64 hexadecimal digits on one line; lines starting
with ``#`` are comments. It must be readable by its owner only: a key that
others can read is refused, because anyone who can read it can trace every UID.
"""

from __future__ import annotations

import os
import stat

from .errors import ExportError
from .safe_text import for_terminal

__all__ = [
    "KEY_BYTES",
    "KEY_FILE_HEADER",
    "UID_KEY_ENV",
    "check_uid_key",
    "load_uid_key",
    "new_uid_key",
    "private_mode",
    "save_uid_key",
    "uid_key_text",
]

KEY_BYTES = 32
"""A new key's length: 256 bits, as long as the hash it keys."""
MIN_KEY_BYTES = 16
"""The shortest key accepted from code (128 bits)."""
UID_KEY_ENV = "CARE_TIMELINE_UID_KEY_FILE"
"""The environment variable naming a key file, for when no ``--uid-key`` is given."""
KEY_FILE_HEADER = (
    "# care-timeline UID key. Keep it secret and keep a copy: anyone with it can trace\n"
    "# calendar UIDs back to plan ids, and without it re-exports get new UIDs.\n"
)
_KEY_FILE_MAX = 4096
_ALLOWED = "a key file made by `care-timeline key new`: 64 hexadecimal digits on one line"


def new_uid_key() -> bytes:
    """A new random key of :data:`KEY_BYTES` bytes (from the operating system's
    secure random source)."""
    return os.urandom(KEY_BYTES)


def check_uid_key(key: object, *, field: str = "uid_key") -> bytes | None:
    """``key`` if it is ``None`` or bytes of at least :data:`MIN_KEY_BYTES`;
    anything else is an :class:`ExportError`."""
    if key is None:
        return None
    if not isinstance(key, bytes | bytearray):
        raise ExportError(
            field=field,
            value=type(key).__name__,
            allowed="None or bytes (ct.new_uid_key() or ct.load_uid_key(path))",
        )
    if len(key) < MIN_KEY_BYTES:
        raise ExportError(
            f"{field}: {len(key)} bytes is too short; expected at least {MIN_KEY_BYTES} bytes "
            "(ct.new_uid_key() makes one of 32)",
            field=field,
            value=f"{len(key)} bytes",
            allowed=f"at least {MIN_KEY_BYTES} bytes",
        )
    return bytes(key)


def uid_key_text(key: bytes) -> str:
    """The text of a key file holding ``key``: a comment, then the key in hex."""
    checked = check_uid_key(key)
    assert checked is not None
    return KEY_FILE_HEADER + checked.hex() + "\n"


def private_mode(mode: int) -> bool:
    """Whether a file's mode lets only its owner in (no group or other bits)."""
    return not mode & (stat.S_IRWXG | stat.S_IRWXO)


def save_uid_key(path: str | os.PathLike[str], key: bytes | None = None) -> bytes:
    """Write a key file readable by its owner only (mode 0600) and return the key
    (a new one unless ``key`` is given). An existing file is never overwritten:
    replacing a key changes every UID. Raises ``FileExistsError`` then."""
    key = new_uid_key() if key is None else key
    text = uid_key_text(key)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
    return key


def load_uid_key(path: str | os.PathLike[str]) -> bytes:
    """The key in a key file (see :func:`save_uid_key` and ``care-timeline key new``).

    Refused with an :class:`ExportError` naming the file: a file that others
    than its owner may read or write (POSIX permission bits; fix it with
    ``chmod 600 FILE``), and a file that does not hold one key. On Windows the
    permission check is not made (access there is governed by access lists,
    which these bits do not show): keep the file in a folder only your account
    can open. An ``OSError`` names the file when it cannot be read.
    """
    name = os.fspath(path)
    shown = for_terminal(name)
    # Non-blocking, so that a named pipe given by mistake is refused, not waited on.
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # checked before the descriptor becomes a file
        os.close(fd)
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise ExportError(f"{shown}: {what}; expected {_ALLOWED}", field="uid_key")
    with os.fdopen(fd, "rb") as handle:
        if os.name != "nt" and not private_mode(info.st_mode):
            raise ExportError(
                f"{shown}: others can read or change this key file "
                f"(mode {stat.S_IMODE(info.st_mode):04o}); "
                f"make it private with `chmod 600 {shown}`",
                field="uid_key",
                value=name,
                allowed="a file only its owner can read (mode 0600 or 0400)",
            )
        data = handle.read(_KEY_FILE_MAX + 1)
    return _parse_key_file(shown, data)


def _parse_key_file(name: str, data: bytes) -> bytes:
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        text = None
    lines = [] if text is None else [line.strip() for line in text.splitlines()]
    keys = [line for line in lines if line and not line.startswith("#")]
    if len(data) > _KEY_FILE_MAX or len(keys) != 1:
        raise ExportError(f"{name}: not a UID key file; expected {_ALLOWED}", field="uid_key")
    try:
        key = bytes.fromhex(keys[0])
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ExportError(f"{name}: not a UID key file; expected {_ALLOWED}", field="uid_key")
    return key
