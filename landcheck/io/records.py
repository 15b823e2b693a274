"""Provenance of inputs: which file, which layer, what was read and its hash."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["InputRecord", "file_sha256", "file_version"]

_CHUNK = 1 << 20


def file_version(path: str) -> tuple[str, int, int]:
    """``(absolute path, size, mtime)``: a cache key that changes when the file does."""
    stat = os.stat(path)
    return os.path.abspath(path), stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=256)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_sha256(path: str) -> str | None:
    """Return the SHA-256 of a file, cached per (path, size, mtime); None if not a file.

    Hashing a province-sized GeoPackage takes a second or two, so it is done
    once per file version and only when a report asks for it. A file that
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
        return _sha256_cached(*file_version(path))
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
