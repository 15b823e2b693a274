"""Local paths as the system resolves them, and as pyogrio and fiona must be given them.

:func:`absolute_path` makes a path absolute the way the system reads it: a
relative one joined to the working folder, ``..`` left in place.
:func:`os.path.abspath` drops ``link/..`` by the text, where the system goes up
from wherever ``link`` leads: SQLite, an encoding's detection or a file's
version would then have read another file than GDAL and the digest. An
absolute path is also never read as a URI (below; pyarrow reads GeoParquet's
``file:2024/…`` as one too).

pyogrio and fiona read a ``!`` in a path as the separator of an archive and the
path inside it (``data.zip!layer.shp``) and give GDAL only the part after the
last ``!``: ``/data/2024!survey/land.gpkg`` became ``survey/land.gpkg``, read
from the working folder. A check then read another file than the one named,
or nothing, while findings.json recorded the named file and its digest; a
GeoPackage written into a folder with a ``!`` went elsewhere, or failed.

They also read a relative path that begins like a URI's scheme as one:
``file:2024/land.gpkg`` became ``2024/land.gpkg``; ``zip:…``, ``s3:…`` and
``http:…`` an archive or a download.

Every path landcheck hands to them goes through :func:`gdal_path`. A relative
path with a colon is made absolute (an absolute path never reads as a URI); a
path without ``!`` is then handed as it is. One with ``!`` in its folders is handed
through the folder opened here (``/proc/self/fd/N/NAME`` on Linux): the kernel
resolves it to the very folder, and nothing is created on disk. A ``!`` in the
file's own name, or a system without ``/proc/self/fd``, is refused with an
error that says how to fix it: no path given to GDAL could name that file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from landcheck.errors import DataSourceError, InputDataError

__all__ = ["absolute_path", "gdal_path"]

SEPARATOR = "!"
"""What pyogrio and fiona take for an archive's separator in a path."""

_FD_FOLDER = "/proc/self/fd"
"""Where Linux lists this process's open files, each a link to the file or folder it names."""

_OPEN_FOLDER = getattr(os, "O_PATH", os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0)
"""Open a folder only to name it (``O_PATH``: no read permission needed, as for a path)."""


def absolute_path(path: str) -> str:
    """``path`` from the working folder, its ``..`` left for the system to resolve.

    Not :func:`os.path.abspath`, which drops ``link/..`` by the text where the
    system goes up from wherever ``link`` leads: it could name another file.

    Examples
    --------
    >>> absolute_path("/data/link/../land.gpkg")
    '/data/link/../land.gpkg'
    >>> absolute_path("land.gpkg") == os.path.join(os.getcwd(), "land.gpkg")
    True
    """
    return path if os.path.isabs(path) else os.path.join(os.getcwd(), path)


@contextlib.contextmanager
def gdal_path(path: str, what: str = "the file") -> Iterator[str]:
    """``path`` as pyogrio and fiona must be given it to read or write that file, in the block.

    Parameters
    ----------
    path : str
        A local file or folder (a FileGDB); its folder must exist.
    what : str
        What the path is, for the error (``"the layer file"``, ``"the output"``).

    Yields
    ------
    str
        ``path`` itself when it holds no ``!`` (made absolute when, relative, it
        holds a colon); else the same file named through its folder, opened for
        the block (``/proc/self/fd/N/NAME``). An error raised in the block (GDAL's
        through pyogrio, fiona or pyarrow) names the folder, not that link.

    Raises
    ------
    InputDataError
        The file's own name holds ``!``, or this system cannot name a folder
        by an open handle (not Linux): rename, or move it, and run again.
    DataSourceError
        Its folder cannot be opened (it does not exist, or no access).

    Examples
    --------
    >>> import tempfile
    >>> folder = os.path.join(tempfile.mkdtemp(), "2024!survey")
    >>> os.mkdir(folder)
    >>> with gdal_path(os.path.join(folder, "land.gpkg")) as given:
    ...     os.path.realpath(given) == os.path.join(os.path.realpath(folder), "land.gpkg")
    True
    >>> with gdal_path("/data/land.gpkg") as given:
    ...     given
    '/data/land.gpkg'
    >>> with gdal_path(os.path.join(folder, "a!b.gpkg"), "the layer file"):
    ...     pass
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: cannot use the layer file ...a!b.gpkg': GDAL would take ...
    """
    if ":" in path:  # relative, ``file:2024/land.gpkg`` or ``s3:…`` would read as a URI
        path = absolute_path(path)
    if SEPARATOR not in path:
        yield path
        return
    folder, name = os.path.split(absolute_path(path).rstrip(os.sep))
    if SEPARATOR in name or not os.path.isdir(_FD_FOLDER):
        where = "its name" if SEPARATOR in name else "its folder's path"
        raise InputDataError(
            f"cannot use {what} {path!r}: GDAL would take the '!' in {where} for an archive's "
            "separator and reach another file. Rename it (or move it to a folder) without '!', "
            "and run again"
        )
    try:
        handle = os.open(folder, _OPEN_FOLDER)
    except OSError as error:
        raise DataSourceError(
            f"cannot open the folder of {what} {path!r}: {error.strerror}; check that it exists "
            "and that you may enter it"
        ) from None
    link = f"{_FD_FOLDER}/{handle}/"
    try:
        yield link + name
    except Exception as error:  # pyogrio's, fiona's, pyarrow's: the folder named by its link
        renamed = _named_by(error, link, folder + os.sep)
        if renamed is error:
            raise
        raise renamed from error
    finally:
        os.close(handle)


def _named_by(error: Exception, link: str, folder: str) -> Exception:
    """``error`` again, naming ``folder`` where its message named ``link`` (any file in it)."""
    message = str(error)
    if link not in message:
        return error
    try:
        return type(error)(message.replace(link, folder))
    except Exception:  # an error made otherwise than from its message: kept as it is
        return error
