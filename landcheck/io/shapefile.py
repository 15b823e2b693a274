"""Shapefile parts: the ``.dbf``, ``.cpg``… of a ``.shp``, beside it or inside a ``.zip``.

GDAL reads a shapefile from its parts wherever they are, and a zipped one
through ``/vsizip/`` (each shapefile in the zip is a layer named after its
file). landcheck looks at the parts itself to detect the attribute encoding
(:mod:`landcheck.io.encoding`) and to notice a missing ``.dbf``: without it a
shapefile has no attributes at all, so no site ids, names or project classes.
"""

from __future__ import annotations

import os
import zipfile
from functools import lru_cache

from landcheck.io.paths import absolute_path

__all__ = ["lacks_dbf", "sidecar", "stale_index", "unreadable_parts", "zipped_shapefiles"]

_READ_WITH = (".shx", ".dbf", ".cpg", ".prj")
"""Parts GDAL reads with a ``.shp``: unreadable, they are silently left out (a ``.dbf``:
no attributes at all), so landcheck refuses them instead."""


def sidecar(path: str, extension: str) -> str | None:
    """The file beside ``path`` with another extension, in any case; None if absent.

    Examples
    --------
    >>> sidecar("no/such/folder/a.shp", ".dbf") is None
    True
    """
    stem, _ = os.path.splitext(path)
    for ext in (extension.lower(), extension.upper()):
        if os.path.isfile(stem + ext):
            return stem + ext
    directory = os.path.dirname(path) or "."
    base = os.path.basename(stem).lower() + extension.lower()
    try:
        for name in os.listdir(directory):
            if name.lower() == base:
                return os.path.join(directory, name)
    except OSError:
        return None
    return None


def stale_index(path: str) -> str | None:
    """The spatial index beside a ``.shp`` (``.qix``, ``.sbn``) older than it, or None.

    GDAL trusts such an index, whose boxes are those of the shapes when it was
    made: a tool that rewrites the ``.shp`` without it (pyshp, a script) leaves
    it behind, and a shape moved since is missed by a read through it. Older by
    :data:`_INDEX_WRITTEN_NS` or less, it is the one GDAL wrote with the shapes.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> for name in ("f.qix", "f.shp"):
    ...     open(os.path.join(folder, name), "wb").close()
    >>> os.utime(os.path.join(folder, "f.qix"), (0, 0))
    >>> os.path.basename(stale_index(os.path.join(folder, "f.shp")))
    'f.qix'
    """
    if not path.lower().endswith(".shp"):
        return None  # a zipped shapefile's index is inside the zip, as old as GDAL finds it
    try:
        shapes = os.stat(path).st_mtime_ns
    except OSError:
        return None
    for extension in (".qix", ".sbn"):
        index = sidecar(path, extension)
        if index is not None and os.stat(index).st_mtime_ns < shapes - _INDEX_WRITTEN_NS:
            return index
    return None


_INDEX_WRITTEN_NS = 2 * 10**9
"""How much older than its ``.shp`` an index may be and still be the shapes' own: GDAL writes
the ``.qix`` before it closes the ``.shp`` (a clock tick apart, or more on a busy machine), and
a FAT file system keeps times to two seconds."""


@lru_cache(maxsize=64)
def _members(path: str, size: int, mtime_ns: int) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(path) as archive:
            return tuple(info.filename for info in archive.infolist() if not info.is_dir())
    except (OSError, zipfile.BadZipFile):
        return ()  # GDAL says what is wrong with it when the data is read


def zipped_shapefiles(path: str, layer: str | None = None) -> dict[str, dict[str, str]]:
    """The shapefiles inside a zip: file stem → {extension: member name}.

    Parameters
    ----------
    path : str
        The ``.zip``.
    layer : str, optional
        Only the shapefile of this layer (GDAL names it after the file stem;
        matched in any case).

    Returns
    -------
    dict
        Stems in the order of the zip, each with its parts (``".shp"``,
        ``".dbf"``, ``".cpg"``…, lower-case keys). A zip that cannot be read
        holds none.
    """
    try:
        stat = os.stat(path)
    except OSError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for member in _members(absolute_path(path), stat.st_size, stat.st_mtime_ns):
        stem, extension = os.path.splitext(member.replace("\\", "/").rsplit("/", 1)[-1])
        if layer is not None and stem.lower() != layer.lower():
            continue
        if extension.lower() in (".shp", ".shx", ".dbf", ".cpg", ".prj"):
            found.setdefault(stem, {})[extension.lower()] = member
    return found


def lacks_dbf(path: str, layer: str | None = None) -> bool:
    """True for a shapefile without its ``.dbf`` (loose, or in a ``.zip``: that layer's).

    Examples
    --------
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> open(os.path.join(folder, "sites.shp"), "wb").close()
    >>> lacks_dbf(os.path.join(folder, "sites.shp"))
    True
    """
    lowered = path.lower()
    if lowered.endswith(".shp"):
        return sidecar(path, ".dbf") is None
    if lowered.endswith(".zip"):
        return any(
            ".shp" in parts and ".dbf" not in parts
            for parts in zipped_shapefiles(path, layer).values()
        )
    return False


def unreadable_parts(path: str) -> list[str]:
    """The files of a source that exist but cannot be read (permission denied).

    For a ``.shp``, its ``.shx``, ``.dbf``, ``.cpg`` and ``.prj`` too: GDAL
    quietly reads a shapefile without the attributes of a ``.dbf`` it may
    not open.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "sites.shp")
    >>> open(path, "wb").close()
    >>> unreadable_parts(path)
    []
    """
    parts = [path]
    if path.lower().endswith(".shp"):
        parts += [p for p in (sidecar(path, ext) for ext in _READ_WITH) if p is not None]
    return [p for p in parts if os.path.exists(p) and not os.access(p, os.R_OK)]
