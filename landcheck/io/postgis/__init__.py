"""PostGIS tables as layer sources: ``postgresql://USER@HOST:PORT/DB:SCHEMA.TABLE``.

A province keeps its 国土空间规划 "一张图" in a spatial database. Such a table is
read like a file layer (:mod:`landcheck.io.filtered`): only the features near
the sites, found by the server's spatial index (``&&`` against the sites'
grown bounding boxes in the table's SRID), then kept when they lie within the
margin of a site (the same exact filter as for files); only the mapped
columns; the CRS from ``geometry_columns`` and ``spatial_ref_sys``.

The URL follows libpq's (``postgresql://`` or ``postgres://``; user, host,
port and database percent-encoded where needed; an IPv6 host in brackets; a
Unix-socket folder as a percent-encoded host; libpq keywords after ``?``, such
as ``sslmode=require`` or ``service=NAME``), then ``:SCHEMA.TABLE`` as the
layer, the ``PATH:LAYER`` convention. A schema or table with dots, quotes or
capitals is written in double quotes (``:"一张图"."Farm.Land"``); a table
with several geometry columns names one: ``:SCHEMA.TABLE(COLUMN)``. Names only
ever reach SQL as quoted identifiers.

Secrets: libpq takes the password from PGPASSWORD, ~/.pgpass or a service file.
A password written in the URL is used to connect but never shown: a source's
``path`` (what records, reports and messages show) is the URL without it, and
every message is scrubbed of it.

The package: :mod:`~landcheck.io.postgis.url` (the source and its URL) and
:mod:`~landcheck.io.postgis.tables` (connection, the table's facts, reads). psycopg 3 is an
optional dependency (``pip install 'landcheck[postgis]'``),
imported only when such a source is used.
"""

from landcheck.io.postgis.tables import (
    DRIVER,
    TableInfo,
    connections_kept,
    database_tables,
    read_features_near,
    read_table,
    table_crs,
    table_extent,
    table_info,
)
from landcheck.io.postgis.url import PostGISSource, is_postgis_source, parse_source, redact

__all__ = [
    "DRIVER",
    "PostGISSource",
    "TableInfo",
    "connections_kept",
    "database_tables",
    "is_postgis_source",
    "parse_source",
    "read_features_near",
    "read_table",
    "redact",
    "table_crs",
    "table_extent",
    "table_info",
]
