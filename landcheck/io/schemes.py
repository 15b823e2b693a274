"""Whether a source names a PostGIS table: its URL scheme, told apart without the readers.

The command's output guard asks this of every input before it has imported anything
that reads them; :mod:`landcheck.io.postgis` (whose package imports the readers) parses
the URL itself.
"""

from __future__ import annotations

__all__ = ["SCHEMES", "is_postgis_source"]

SCHEMES = ("postgresql://", "postgres://")
"""URL schemes of a PostGIS source (libpq's two spellings)."""


def is_postgis_source(value: object) -> bool:
    """Whether ``value`` is a PostGIS URL (``postgresql://…`` or ``postgres://…``).

    Examples
    --------
    >>> is_postgis_source("postgresql://gis@db.example:5432/plan:public.farmland")
    True
    >>> is_postgis_source("data/farmland.gpkg:farmland")
    False
    """
    return isinstance(value, str) and value.strip().lower().startswith(SCHEMES)
