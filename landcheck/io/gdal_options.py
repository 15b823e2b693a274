"""GDAL configuration options set for a block of work, then put back as they were.

GDAL's options are the process's: what one reader or writer needs (a DXF's text
encoding, a GeoPackage written without waiting for the disk) must not stay set
for the next file the caller opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import pyogrio

__all__ = ["gdal_options"]


@contextlib.contextmanager
def gdal_options(options: Mapping[str, str]) -> Iterator[None]:
    """Set GDAL configuration ``options`` inside the block; each is then what it was before.

    Examples
    --------
    >>> with gdal_options({"OGR_SQLITE_SYNCHRONOUS": "OFF"}):
    ...     pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS")
    False
    >>> pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
    True
    """
    previous = {name: pyogrio.get_gdal_config_option(name) for name in options}
    pyogrio.set_gdal_config_options(dict(options))
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(previous)
