"""Provenance of inputs: which file, which layer, what was read and its hash."""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from landcheck.io.digests import remember, remembered, unchanged
from landcheck.io.paths import absolute_path

__all__ = ["FileVersion", "InputRecord", "file_sha256", "file_version", "start_hashing"]

_CHUNK = 1 << 20


class FileVersion(NamedTuple):
    """A file as it is now: what an in-process cache of what was read from it is kept under."""

    path: str
    """The absolute path."""
    size: int
    mtime_ns: int
    ctime_ns: int
    """When its content or its times last changed: rewriting a file, then setting its old
    modification time back (``cp -p``, ``rsync -t``, ``os.utime``), changes this."""
    inode: int
    """Another file put in its place (a save by rename) is another inode."""


def file_version(path: str) -> FileVersion:
    """The file's :class:`FileVersion`: a cache key that changes when the file does.

    Size and modification time alone did not: a layer rewritten at the same size with its
    old time set back was read from the cache, and its old SHA-256 recorded.

    Examples
    --------
    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "layer.gpkg")
    >>> with open(path, "wb") as handle:
    ...     _ = handle.write(b"before")
    >>> first = file_version(path)
    >>> with open(path, "wb") as handle:
    ...     _ = handle.write(b"after!")
    >>> os.utime(path, ns=(first.mtime_ns, first.mtime_ns))  # its old time set back
    >>> file_version(path) == first
    False
    """
    stat = os.stat(path)
    return FileVersion(
        absolute_path(path), stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
    )


class _Hashing:
    """The SHA-256 of one file version, computed once, possibly in a background thread.

    A digest remembered from an earlier run for the very same file (:mod:`landcheck.io.digests`)
    is used instead of reading it; one computed is remembered.
    """

    def __init__(self, path: str):
        self.path = path
        self.done = threading.Event()
        self.started = threading.Lock()
        self.digest: str | None = None
        self.error: OSError | None = None

    def run(self) -> None:
        """Hash the file unless another thread already does (then wait for it)."""
        if not self.started.acquire(blocking=False):
            self.done.wait()
            return
        try:
            before = os.stat(self.path)
            digest = remembered(before)
            if digest is None:
                started = time.time_ns()
                digest = _sha256_of(self.path)
                with contextlib.suppress(OSError):  # gone since: the digest read stands
                    if unchanged(before, os.stat(self.path)):  # not changed while read
                        remember(before, digest, started_ns=started)
            self.digest = digest
        except OSError as ex:
            self.error = ex
        finally:
            self.done.set()

    def result(self) -> str:
        """The digest (an unreadable file raises its OSError, and is tried again next time)."""
        self.run()
        if self.error is not None:
            with _HASHES_LOCK:
                _HASHES.pop(file_version(self.path), None)
            raise self.error
        return self.digest  # type: ignore[return-value]


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


_HASHES: OrderedDict[FileVersion, _Hashing] = OrderedDict()
_HASHES_LOCK = threading.Lock()
_HASHES_KEPT = 256


def _hashing(version: FileVersion) -> _Hashing:
    with _HASHES_LOCK:
        hashing = _HASHES.get(version)
        if hashing is None:
            hashing = _HASHES[version] = _Hashing(version[0])
            while len(_HASHES) > _HASHES_KEPT:
                _HASHES.popitem(last=False)
        _HASHES.move_to_end(version)
        return hashing


def _hashing_in_flight_forgotten() -> None:
    """In a forked process: forget the digests this one was still computing.

    The thread computing them is not in the forked process; the half-done
    :class:`_Hashing` it left (its lock taken, its event never set) would make
    the first ask for that file wait forever — a report's forked writer asking
    for an input's SHA-256 while the command still hashed a province's
    GeoPackage. The forked process computes such a digest itself if it needs it;
    the table's lock is made anew (another thread may have held it at the fork).
    """
    global _HASHES_LOCK
    _HASHES_LOCK = threading.Lock()
    for version, hashing in list(_HASHES.items()):
        if not hashing.done.is_set():
            _HASHES[version] = _Hashing(hashing.path)


if hasattr(os, "register_at_fork"):  # no fork, no register_at_fork (Windows)
    os.register_at_fork(after_in_child=_hashing_in_flight_forgotten)


def start_hashing(paths: Iterable[str | None]) -> None:
    """Start hashing files in a background thread, for :func:`file_sha256` to find done.

    A run's report records the SHA-256 of every input, and a province-sized
    GeoPackage takes seconds to hash; hashlib releases the GIL, so the digest
    is computed while the check runs instead of after it. ``PATH:LAYER``
    sources and paths that are not files are skipped; the thread is a daemon,
    so a run that ends without a report does not wait for it.
    """
    versions = []
    for path in paths:
        if not path:
            continue
        file = path if os.path.isfile(path) else path.rpartition(":")[0]
        if file and os.path.isfile(file):
            try:
                versions.append(file_version(file))
            except OSError:
                continue
    chosen = [_hashing(version) for version in dict.fromkeys(versions)]
    if chosen:
        threading.Thread(
            target=lambda: [hashing.run() for hashing in chosen],
            name="landcheck-sha256",
            daemon=True,
        ).start()


def file_sha256(path: str) -> str | None:
    """Return the SHA-256 of a file, cached per (path, size, mtime); None if not a file.

    Hashing a province-sized GeoPackage takes a second or two, so it is done
    once per file version and only when a report asks for it (or in the
    background from the start of a run: :func:`start_hashing`), and remembered
    between runs while the file is unchanged (:mod:`landcheck.io.digests`). A file that
    cannot be read (permission denied) has no hash: None, like an in-memory
    input; its record says why it could not be used.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "empty")
    >>> open(path, "wb").close()
    >>> file_sha256(path)[:16]
    'e3b0c44298fc1c14'
    """
    if not os.path.isfile(path):
        return None
    try:
        return _hashing(file_version(path)).result()
    except OSError:
        return None


@dataclass
class InputRecord:
    """One input of a run, as findings.json lists it.

    Attributes
    ----------
    role : str
        ``"sites"`` or ``"layer"``.
    key : str
        The layer key (``"sites"`` for the sites).
    path : str or None
        The file read, or None for an in-memory frame or a missing layer.
    layer : str or None
        The layer name inside the file.
    crs : str or None
        The input's own CRS.
    features_read : int
        Features read (for layers: only those near the sites).
    geometry : dict
        Counts from geometry hygiene (invalid, repaired, empty, non_polygonal).
    status : str
        ``"ok"``, ``"missing"`` (no source) or ``"unreadable"``.
    detail : str
        Why the layer could not be used, or notes about the read.
    extra : dict
        Format-specific notes (encoding, driver, TXT metadata…).
    digest : str or None
        SHA-256 of what was read, for a source that is not a file (a
        database table); ``sha256`` reports it.
    """

    role: str
    key: str
    path: str | None = None
    layer: str | None = None
    crs: str | None = None
    features_read: int = 0
    geometry: dict[str, int] = field(default_factory=dict)
    status: str = "ok"
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the file (computed on first use, cached per file version), or ``digest``."""
        if self.digest is not None:
            return self.digest
        return file_sha256(self.path) if self.path else None

    def to_dict(self) -> dict[str, Any]:
        """Return the findings.json form of this record."""
        out: dict[str, Any] = {
            "role": self.role,
            "key": self.key,
            "path": self.path,
            "layer": self.layer,
            "crs": self.crs,
            "features_read": int(self.features_read),
            "repaired": int(self.geometry.get("repaired", 0)),
            "invalid": int(self.geometry.get("invalid", 0)),
            "empty": int(self.geometry.get("empty", 0)),
            "non_polygonal": int(self.geometry.get("non_polygonal", 0)),
            "status": self.status,
            "sha256": self.sha256,
        }
        if self.detail:
            out["detail"] = self.detail
        if self.extra:
            out["extra"] = self.extra
        return out
