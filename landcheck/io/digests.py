"""SHA-256 digests of input files remembered between runs, for files that have not changed.

findings.json records each input file's SHA-256. A province's land-use survey
is gigabytes: hashing it reads the whole file (0.8 s of CPU a gigabyte here,
and the disk's time when the file is not in memory) while the check reads a
fraction of it, and a reviewer checks one project after another against the
same layers. So a digest is remembered with the file's identity as the file
system keeps it (device, inode, size, and modification and change times in
nanoseconds) and used again only while every one of them is the same, as git
trusts its index. Writing to a file sets its change time (``st_ctime``), which
no program can set back, and replacing it gives it another inode; so a changed
file is always hashed again. Only on POSIX systems, where ``st_ctime`` is the
change time (on Windows it is the creation time).

A digest is not remembered when the file's times are not older than the start
of its hashing by :data:`SETTLED_NS` (it may have been written while it was
read, or within the timestamp resolution of a coarse file system).

Where: ``$LANDCHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/landcheck``, else
``~/.cache/landcheck``, in :data:`CACHE_FILE`, a name no other program's file
has (a folder given may hold the user's own ``sha256.json``, never touched);
``LANDCHECK_CACHE_DIR=off`` remembers nothing. Anything wrong with that file
(unreadable, a link, a FIFO, not what landcheck writes) or the folder (not
writable) is no error: the digest is computed as if nothing were remembered.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from stat import S_ISREG

__all__ = [
    "CACHE_ENV",
    "CACHE_FILE",
    "SETTLED_NS",
    "cache_folder",
    "remember",
    "remembered",
    "unchanged",
]

CACHE_ENV = "LANDCHECK_CACHE_DIR"
"""The environment variable naming the folder (``off``: remember nothing)."""

SETTLED_NS = 2_000_000_000
"""How much older than its hashing a file's times must be for its digest to be remembered."""

CACHE_FILE = "landcheck-sha256.json"
"""The file the digests are remembered in, in :func:`cache_folder`."""
_KEPT = 512
"""Digests kept; the oldest remembered go first."""
_LARGEST = 1 << 20
"""Bytes of the file read at most: larger, it is not one landcheck wrote."""
_KEY = re.compile(r"\d+:\d+:\d+:-?\d+:-?\d+")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def cache_folder() -> str | None:
    """The folder digests are remembered in, or None (``off``, or not a POSIX system)."""
    if os.name != "posix":
        return None
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else chosen
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "landcheck")


def _identity(stat: os.stat_result) -> str:
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}"


def unchanged(before: os.stat_result, after: os.stat_result) -> bool:
    """Whether two ``os.stat`` of a path describe the same, unchanged file."""
    return _identity(before) == _identity(after)


def _regular_file_text(path: str) -> bytes | None:
    """The first bytes of ``path`` if it is a regular file, not a link; else None.

    Opened without following a link and without waiting (a FIFO put there
    would otherwise hold the command forever).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read(_LARGEST + 1)
        except OSError:
            return None


def _entries(folder: str) -> dict[str, str]:
    """The digests remembered in ``folder``, oldest first; none if the file is not landcheck's."""
    text = _regular_file_text(os.path.join(folder, CACHE_FILE))
    try:
        data = json.loads(text) if text is not None and len(text) <= _LARGEST else None
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        key: digest
        for key, digest in data.items()
        if _KEY.fullmatch(key) and isinstance(digest, str) and _DIGEST.fullmatch(digest)
    }


def remembered(stat: os.stat_result, *, folder: str | None = None) -> str | None:
    """The digest remembered for the file ``stat`` describes, or None.

    Parameters
    ----------
    stat : os.stat_result
        The file's ``os.stat``.
    folder : str, optional
        Where digests are remembered (default :func:`cache_folder`).

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(tempfile.mkdtemp(), "layer.gpkg")
    >>> open(path, "wb").close()
    >>> before = os.stat(path)
    >>> later = before.st_ctime_ns + SETTLED_NS  # hashed long after it was written
    >>> remember(before, "ab" * 32, started_ns=later, folder=folder)
    >>> remembered(os.stat(path), folder=folder) == "ab" * 32
    True
    >>> with open(path, "wb") as handle:  # written again: another change time
    ...     _ = handle.write(b"changed")
    >>> remembered(os.stat(path), folder=folder) is None
    True
    """
    folder = cache_folder() if folder is None else folder
    return None if folder is None else _entries(folder).get(_identity(stat))


def remember(
    stat: os.stat_result, digest: str, *, started_ns: int, folder: str | None = None
) -> None:
    """Remember ``digest`` for the file ``stat`` describes, hashed from ``started_ns`` on.

    Nothing is remembered for a file changed less than :data:`SETTLED_NS` before
    its hashing started, nor when the folder cannot be written.

    Parameters
    ----------
    stat : os.stat_result
        The file's ``os.stat`` taken before it was hashed.
    digest : str
        Its SHA-256, hexadecimal.
    started_ns : int
        ``time.time_ns()`` when the hashing started.
    folder : str, optional
        Where digests are remembered (default :func:`cache_folder`).
    """
    folder = cache_folder() if folder is None else folder
    newest = max(stat.st_mtime_ns, stat.st_ctime_ns)
    if folder is None or newest > started_ns - SETTLED_NS or not _DIGEST.fullmatch(digest):
        return
    entries = _entries(folder)
    entries.pop(_identity(stat), None)
    entries[_identity(stat)] = digest
    kept = dict(list(entries.items())[-_KEPT:])
    written = None
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w",
            dir=folder,
            prefix=".landcheck-sha256-",
            suffix=".tmp",
            delete=False,
            encoding="ascii",
        ) as handle:
            written = handle.name
            json.dump(kept, handle, indent=0)
        os.replace(written, os.path.join(folder, CACHE_FILE))  # whole, or not at all
    except OSError:
        if written is not None:  # landcheck's own temporary file, never another
            with contextlib.suppress(OSError):
                os.remove(written)
