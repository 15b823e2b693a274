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

psycopg 3 is an optional dependency (``pip install 'landcheck[postgis]'``),
imported only when such a source is used.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.crs import crs_label
from landcheck.crs.traps import diagnose_coordinates
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.io.records import InputRecord
from landcheck.io.vector import LayerSource, implausible_crs_error

__all__ = [
    "DRIVER",
    "PostGISSource",
    "TableInfo",
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

SCHEMES = ("postgresql://", "postgres://")
"""URL schemes of a PostGIS source (libpq's two spellings)."""

DRIVER = "PostgreSQL"
"""The driver name records and ``inspect`` show for a PostGIS table."""

_INSTALL = "pip install 'landcheck[postgis]' (psycopg 3)"
_FORM = "postgresql://USER@HOST:PORT/DB:SCHEMA.TABLE"
_CONNECT_TIMEOUT_S = "10"


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


@dataclass(frozen=True)
class PostGISSource(LayerSource):
    """A PostGIS table as a layer source.

    ``path`` is the connection URL without its password and ``layer`` the
    table as written (``SCHEMA.TABLE``), so ``str(source)`` is the URL a user
    gave minus the secret, and records show it as they show files.

    Parameters
    ----------
    schema, table : str
        The table (unquoted names; ``public`` when the URL names no schema).
    column : str, optional
        The geometry column, when the URL names one.
    params : tuple of (str, str)
        libpq connection keywords (host, port, user, dbname, sslmode,
        service…), never the password.
    secret : str, optional
        The password written in the URL, if any; never shown.
    """

    schema: str = "public"
    table: str = ""
    column: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    secret: str | None = field(default=None, repr=False, compare=False)

    @classmethod
    def parse(cls, text: str | os.PathLike[str], *, encoding: str | None = None) -> PostGISSource:
        """Parse ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?KEYWORDS]:SCHEMA.TABLE``.

        ``encoding`` is ignored: the server sends text as UTF-8.

        Raises
        ------
        InputDataError
            The URL is malformed or names no table; the message shows the
            URL without its password.

        Examples
        --------
        >>> source = PostGISSource.parse(
        ...     "postgresql://gis:s3cret@[::1]:6543/%E4%B8%80%E5%BC%A0%E5%9B%BE:plan.farmland")
        >>> str(source)
        'postgresql://gis@[::1]:6543/%E4%B8%80%E5%BC%A0%E5%9B%BE:plan.farmland'
        >>> source.schema, source.table, dict(source.params)["dbname"], dict(source.params)["host"]
        ('plan', 'farmland', '一张图', '::1')
        >>> PostGISSource.parse('postgres:///gis?service=prov:"Plan"."Farm.Land"(geom)').table
        'Farm.Land'
        """
        return _parse_url(os.fspath(text))

    def scrub(self, text: str) -> str:
        """``text`` with the URL's password (as written and decoded) replaced by ``***``."""
        return _scrub(text, self.secret)

    @property
    def qualified(self) -> str:
        """``schema.table`` as SQL would quote it, for messages."""
        return f"{_quoted(self.schema)}.{_quoted(self.table)}"


def parse_source(text: str | os.PathLike[str], *, encoding: str | None = None) -> LayerSource:
    """A layer source from its text: a PostGIS URL or ``PATH[:LAYER]``.

    Examples
    --------
    >>> type(parse_source("postgresql://gis@db/plan:public.farmland")).__name__
    'PostGISSource'
    >>> parse_source("farmland.gpkg")
    LayerSource(path='farmland.gpkg', layer=None, encoding=None)
    """
    if is_postgis_source(text):
        return PostGISSource.parse(text, encoding=encoding)
    return LayerSource.parse(text, encoding=encoding)


def redact(text: str) -> str:
    """``text`` with the password of a PostGIS URL in it left out (any other text unchanged).

    For messages that echo what the user typed (``--layer farmland=postgresql://…``).

    Examples
    --------
    >>> redact("farmland=postgresql://gis:s3cret@db/plan:public.farmland")
    'farmland=postgresql://gis@db/plan:public.farmland'
    >>> redact("farmland=postgresql://gis:s3cret@db:port/plan")  # malformed: still left out
    'farmland=postgresql://gis@db:port/plan'
    >>> redact("postgresql://db:5x/plan?password=s3cret&sslmode=require")
    'postgresql://db:5x/plan?sslmode=require'
    >>> redact("farmland=a.gpkg")
    'farmland=a.gpkg'
    """
    start = max(text.lower().find(scheme) for scheme in SCHEMES)
    if start < 0:
        return text
    head, url = text[:start], text[start:]
    try:
        return head + str(PostGISSource.parse(url))
    except InputDataError:
        scheme, sep, rest = url.partition("://")
        at = rest.rfind("@", 0, rest.find('"') if '"' in rest else len(rest))
        if at >= 0:
            rest = rest[:at].partition(":")[0] + rest[at:]
        rest = re.sub(r"(?<=[?&])password=[^&]*&?", "", rest)
        return f"{head}{scheme}{sep}{rest}"


# --- parsing ---------------------------------------------------------------------------------


def _scrub(text: str, secret: str | None) -> str:
    if not secret:
        return text
    for form in sorted({secret, quote(secret, safe="")}, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _malformed(shown: str, why: str) -> InputDataError:
    return InputDataError(f"PostGIS source {shown!r}: {why}; write it as {_FORM}")


def _parse_url(text: str, *, table: bool = True) -> PostGISSource:
    """The source a URL names; ``table=False`` allows a URL naming only a database."""
    text = text.strip()
    scheme, _, rest = text.partition("://")
    # the user part ends at the last '@' before any quoted table name, so a password with an
    # unencoded '/', '?' or '@' is still cut off whole (never shown as a host or database)
    at_index = rest.rfind("@", 0, rest.find('"') if '"' in rest else len(rest))
    userinfo, at, rest = (
        (rest[:at_index], "@", rest[at_index + 1 :]) if at_index >= 0 else ("", "", rest)
    )
    end = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    hosts, tail = rest[:end], rest[end:]
    tail = tail[1:] if tail.startswith("/") else tail
    database, _, query = tail.partition("?")
    if ":" in database:
        database, _, layer = database.partition(":")
    else:  # the layer after the keywords: ...?sslmode=require:SCHEMA.TABLE
        head, colon, last = query.rpartition(":")
        layer = last if colon and "=" not in last and "&" not in last else ""
        query = head if layer else query
    user_raw, _, password_raw = userinfo.partition(":")
    secret = unquote(password_raw) if password_raw else None
    pairs = [p for p in query.split("&") if p]
    kept = []
    for pair in pairs:
        name, _, value = pair.partition("=")
        if unquote(name) == "password":
            secret = unquote(value) or secret
        else:
            kept.append(pair)
    shown = f"{scheme}://{user_raw + '@' if at else ''}{hosts}/{database}" + (
        f"?{'&'.join(kept)}" if kept else ""
    )
    if not layer and table:
        raise _malformed(shown, "it names no table (the layer after the last ':')")
    params: dict[str, str] = {}
    host_list, port_list = _hosts(hosts, shown)
    if any(host_list):
        params["host"] = ",".join(host_list)
    if any(port_list):
        params["port"] = ",".join(port_list)
    if user_raw:
        params["user"] = unquote(user_raw)
    if database:
        params["dbname"] = unquote(database)
    for pair in kept:
        name, _, value = (unquote(part) for part in pair.partition("="))
        if not name.replace("_", "").isalnum():
            raise _malformed(shown, f"{name!r} is not a connection keyword")
        params[name] = value
    schema, name, column = _table_name(unquote(layer), shown) if layer else ("", "", None)
    return PostGISSource(
        path=shown,
        layer=layer or None,
        schema=schema,
        table=name,
        column=column,
        params=tuple(params.items()),
        secret=secret,
    )


def _hosts(hosts: str, shown: str) -> tuple[list[str], list[str]]:
    """Host and port lists of ``host[:port][,host[:port]…]`` (IPv6 in brackets)."""
    names, ports = [], []
    for item in hosts.split(",") if hosts else []:
        if item.startswith("["):
            close = item.find("]")
            if close < 0:
                raise _malformed(shown, f"unclosed '[' in host {item!r}")
            name, port = item[1:close], item[close + 1 :].removeprefix(":")
        else:
            name, _, port = item.partition(":")
        if port and not port.isdigit():
            raise _malformed(shown, f"port {port!r} is not a number")
        names.append(unquote(name))
        ports.append(port)
    return names, ports


def _identifier(text: str, start: int, shown: str) -> tuple[str, int]:
    """One name at ``start``: double-quoted (``""`` is a quote in it), or up to ``.`` or ``(``."""
    if text.startswith('"', start):
        parts, i = [], start + 1
        while True:
            close = text.find('"', i)
            if close < 0:
                raise _malformed(shown, f"unclosed quote in the table name {text!r}")
            parts.append(text[i:close])
            if text.startswith('"', close + 1):
                parts.append('"')
                i = close + 2
                continue
            return "".join(parts), close + 1
    end = start
    while end < len(text) and text[end] not in '."()':
        end += 1
    if end == start:
        raise _malformed(shown, f"the table name {text!r} has an empty part")
    return text[start:end], end


def _table_name(text: str, shown: str) -> tuple[str, str, str | None]:
    """``(schema, table, column)`` of ``[SCHEMA.]TABLE[(COLUMN)]``."""
    first, i = _identifier(text, 0, shown)
    schema, table = "public", first
    if text.startswith(".", i):
        schema, (table, i) = first, _identifier(text, i + 1, shown)
    column = None
    if text.startswith("(", i):
        column, i = _identifier(text, i + 1, shown)
        if not text.startswith(")", i):
            raise _malformed(shown, f"expected ')' after the geometry column in {text!r}")
        i += 1
    if i != len(text):
        raise _malformed(shown, f"cannot read the table name {text!r} (quote odd names)")
    return schema, table, column


# --- the connection ----------------------------------------------------------------------------


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise DataSourceError(
            f"reading a PostGIS layer needs psycopg, which is not installed: {_INSTALL}"
        ) from None
    return psycopg


_RETRY_AFTER_S = 60.0
"""A server that refused a connection is not asked again for this long (one run's layers)."""

_FAILED: dict[tuple, tuple[float, str]] = {}
"""Connection options (and process) → (when, why) of the last failed connection."""


@contextmanager
def _connected(source: PostGISSource, what: str) -> Iterator[Any]:
    """A read-only connection; every error is a DataSourceError without the password."""
    psycopg = _psycopg()
    options = dict(source.params)
    options.setdefault("connect_timeout", _CONNECT_TIMEOUT_S)
    options.setdefault("application_name", "landcheck")
    if source.secret is not None:
        options["password"] = source.secret
    server = (tuple(sorted(options.items())), os.getpid())
    failed = _FAILED.get(server)
    if failed is not None and time.monotonic() - failed[0] < _RETRY_AFTER_S:
        ago = time.monotonic() - failed[0]
        raise DataSourceError(
            source.scrub(f"{what}: {failed[1]} (found {ago:.0f} s ago; tried again after a minute)")
        )
    try:
        connection = psycopg.connect(**options)
    except psycopg.Error as ex:
        said = " ".join(str(ex).split()).rstrip(".?! ")
        reason = (
            f"cannot connect to {source.path}: {said}. Check the host, port, database and "
            "user; the password is read from PGPASSWORD, ~/.pgpass or a service file"
        )
        _FAILED[server] = (time.monotonic(), reason)
        raise DataSourceError(source.scrub(f"{what}: {reason}")) from None
    _FAILED.pop(server, None)
    try:
        connection.read_only = True
        yield connection
    except psycopg.Error as ex:
        said = " ".join(str(ex).split())
        raise DataSourceError(source.scrub(f"{what}: {source}: {said}")) from None
    finally:
        connection.close()


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableInfo:
    """What the database says about a table: geometry column, CRS, fields, key, rows."""

    column: str
    srid: int
    geometry_type: str
    crs: CRS | None
    fields: list[str]
    key: str | None
    ordered: bool
    rows: int | None
    """The table's row count (None when not asked for: a count scans the table)."""


def _relation(conn: Any, source: PostGISSource) -> tuple[int, str] | None:
    return conn.execute(
        "SELECT c.oid::bigint, c.relkind::text FROM pg_catalog.pg_class c "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s",
        (source.schema, source.table),
    ).fetchone()


def _geometry_columns(conn: Any, source: PostGISSource, what: str) -> list[tuple[str, int, str]]:
    psycopg = _psycopg()
    try:
        return conn.execute(
            "SELECT f_geometry_column::text, srid, type FROM geometry_columns "
            "WHERE f_table_schema = %s AND f_table_name = %s ORDER BY 1",
            (source.schema, source.table),
        ).fetchall()
    except psycopg.errors.UndefinedTable:
        raise DataSourceError(
            source.scrub(
                f"{what}: the database of {source.path} has no PostGIS (no geometry_columns); "
                "give a database with the postgis extension"
            )
        ) from None


def _tables(conn: Any, limit: int | None = None) -> list[tuple[str, str]]:
    """(schema, table) of the tables and views with a geometry column."""
    query = (
        "SELECT DISTINCT f_table_schema::text, f_table_name::text FROM geometry_columns "
        "ORDER BY 1, 2"
    )
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return conn.execute(query).fetchall()


def _layer_name(schema: str, table: str) -> str:
    """``SCHEMA.TABLE`` as a URL's layer, names quoted where they need it."""
    odd = set('."():@?&%/ ')
    return ".".join(_quoted(n) if not n or odd & set(n) else n for n in (schema, table))


def _no_table(conn: Any, source: PostGISSource, what: str) -> DataSourceError:
    tables = [_layer_name(s, t) for s, t in _tables(conn, 30)]
    listed = f"; its tables with geometry: {', '.join(tables)}" if tables else ""
    return DataSourceError(
        source.scrub(
            f"{what}: {source.path} has no table {source.qualified}{listed}. Check the "
            "name after the last ':' (SCHEMA.TABLE; quote names with capitals or dots)"
        )
    )


def _crs_of(conn: Any, srid: int, source: PostGISSource, what: str) -> CRS | None:
    if srid <= 0:
        return None
    row = conn.execute(
        "SELECT auth_name::text, auth_srid, srtext::text FROM spatial_ref_sys WHERE srid = %s",
        (srid,),
    ).fetchone()
    if row is None:
        raise DataSourceError(
            source.scrub(
                f"{what}: {source}: SRID {srid} of its geometry column is not in spatial_ref_sys"
            )
        )
    auth, code, wkt = row
    if (auth or "").upper() == "EPSG" and code:
        return CRS.from_epsg(int(code))
    return CRS.from_wkt(wkt)


def _info(conn: Any, source: PostGISSource, what: str, *, count: bool = False) -> TableInfo:
    columns = _geometry_columns(conn, source, what)
    relation = _relation(conn, source)
    if relation is None:
        raise _no_table(conn, source, what)
    if not columns:
        raise DataSourceError(
            source.scrub(
                f"{what}: table {source.qualified} of {source.path} has no geometry column "
                "(geometry_columns lists none); give a table or view with a PostGIS geometry "
                "column"
            )
        )
    names = [c[0] for c in columns]
    if source.column is not None:
        if source.column not in names:
            raise DataSourceError(
                source.scrub(
                    f"{what}: table {source.qualified} has no geometry column "
                    f"{source.column!r}; its geometry columns are: {', '.join(names)}"
                )
            )
        chosen = columns[names.index(source.column)]
    elif len(columns) > 1:
        raise InputDataError(
            source.scrub(
                f"{what}: table {source.qualified} has {len(columns)} geometry columns "
                f"({', '.join(names)}); name one: {source.path}:{source.layer}({names[0]})"
            )
        )
    else:
        chosen = columns[0]
    oid, kind = relation
    attributes = [
        str(name)
        for (name,) in conn.execute(
            "SELECT attname::text FROM pg_catalog.pg_attribute WHERE attrelid = %s "
            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            (oid,),
        ).fetchall()
        if name not in names
    ]
    keys = conn.execute(
        "SELECT a.attname::text, format_type(a.atttypid, NULL) FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s AND i.indisprimary",
        (oid,),
    ).fetchall()
    key = keys[0][0] if len(keys) == 1 and keys[0][1] in _INTEGER_TYPES else None
    sql = _psycopg().sql
    rows = None
    if count:
        table = sql.Identifier(source.schema, source.table)
        rows = int(conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()[0])
    return TableInfo(
        column=chosen[0],
        srid=int(chosen[1] or 0),
        geometry_type=str(chosen[2]),
        crs=_crs_of(conn, int(chosen[1] or 0), source, what),
        fields=attributes,
        key=key,
        ordered=key is not None or kind in ("r", "m", "p"),
        rows=rows,
    )


_INTEGER_TYPES = ("integer", "bigint", "smallint")


def _extent(
    conn: Any, source: PostGISSource, info: TableInfo, *, exact: bool
) -> tuple[float, float, float, float] | None:
    """The table's extent: the planner's estimate (cheap) unless ``exact``, else ST_Extent."""
    sql = _psycopg().sql
    row = None
    if not exact:
        row = conn.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
            "FROM (SELECT ST_EstimatedExtent(%s, %s, %s) AS e) AS s",
            (source.schema, source.table, info.column),
        ).fetchone()
    if row is None or row[0] is None:
        row = conn.execute(
            sql.SQL(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                "FROM (SELECT ST_Extent({}) AS e FROM {}) AS s"
            ).format(sql.Identifier(info.column), sql.Identifier(source.schema, source.table))
        ).fetchone()
    if row is None or row[0] is None:
        return None
    return tuple(float(v) for v in row)  # type: ignore[return-value]


def table_info(source: PostGISSource, what: str = "layer") -> TableInfo:
    """Ask the database about the table (geometry column, CRS, fields, key, row count).

    Raises
    ------
    DataSourceError
        No psycopg, no connection, no such table, no geometry column, no PostGIS.
    InputDataError
        Several geometry columns and none named.
    """
    with _connected(source, what) as conn:
        return _info(conn, source, what, count=True)


def table_crs(source: PostGISSource, what: str = "layer") -> CRS | None:
    """The CRS of the table's geometry column (None for SRID 0)."""
    with _connected(source, what) as conn:
        return _info(conn, source, what).crs


def table_extent(
    source: PostGISSource, what: str = "layer"
) -> tuple[tuple[float, float, float, float], CRS] | None:
    """The exact extent of the table's geometries and their CRS, or None (empty, SRID 0)."""
    with _connected(source, what) as conn:
        info = _info(conn, source, what)
        bounds = _extent(conn, source, info, exact=True)
    if bounds is None or info.crs is None:
        return None
    return bounds, info.crs


# --- reading -------------------------------------------------------------------------------------


def _plain(values: list[Any]) -> Any:
    """A column of database values as pandas reads files: Decimal becomes float."""
    if any(isinstance(v, Decimal) for v in values):
        return pd.array([None if v is None else float(v) for v in values], dtype="float64")
    return values


def _frame(
    rows: list[tuple[Any, ...]],
    columns: list[str],
    crs: CRS | None,
    index_name: str | None,
    where: str,
) -> gpd.GeoDataFrame:
    """Rows of (id, WKB, *attributes) as a GeoDataFrame indexed by id."""
    ids = [row[0] for row in rows]
    try:
        geometry = shapely.from_wkb(np.asarray([row[1] for row in rows], dtype=object))
    except (shapely.errors.ShapelyError, NotImplementedError) as ex:
        raise DataSourceError(
            f"{where}: a geometry landcheck cannot read ({ex}); curved geometries "
            "(CIRCULARSTRING, CURVEPOLYGON…) can be read through a view with ST_CurveToLine"
        ) from None
    data = {name: _plain([row[2 + i] for row in rows]) for i, name in enumerate(columns)}
    index = pd.Index(ids if ids and ids[0] is not None else range(len(rows)), name=index_name)
    frame = pd.DataFrame(data, index=index, columns=columns)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=index), crs=crs)


def _digest(rows: list[tuple[Any, ...]], columns: list[str], info: TableInfo) -> str:
    """SHA-256 of what was read: table identity, columns, then each row's id, WKB and values."""
    digest = hashlib.sha256()
    digest.update(repr((info.column, info.srid, info.key, columns)).encode())
    for row in rows:
        digest.update(repr(row[0]).encode())
        digest.update(bytes(row[1]) if row[1] is not None else b"\0")
        digest.update(repr(row[2:]).encode())
    return digest.hexdigest()


def _fetch(
    conn: Any,
    source: PostGISSource,
    info: TableInfo,
    columns: list[str],
    boxes: np.ndarray | None,
) -> list[tuple[Any, ...]]:
    """Rows (id, WKB, *columns) whose boxes meet any of ``boxes`` (all rows when None)."""
    sql = _psycopg().sql
    geometry = sql.Identifier(info.column)
    key = sql.Identifier(info.key) if info.key else sql.NULL
    order = sql.Identifier(info.key) if info.key else sql.SQL("ctid")
    query = sql.SQL("SELECT {key}, ST_AsBinary({geometry}){attributes} FROM {table}").format(
        key=key,
        geometry=geometry,
        attributes=sql.SQL("").join(sql.SQL(", ") + sql.Identifier(c) for c in columns),
        table=sql.Identifier(source.schema, source.table),
    )
    arguments: tuple[Any, ...] = ()
    if boxes is not None:
        # one array of envelopes: the GiST index answers `&& ANY` with one bitmap scan
        query += sql.SQL(
            " WHERE {geometry} && ANY(ARRAY(SELECT ST_MakeEnvelope(b.x0, b.y0, b.x1, b.y1, "
            "{srid}) FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[]) "
            "AS b(x0, y0, x1, y1)))"
        ).format(geometry=geometry, srid=sql.Literal(info.srid))
        arguments = tuple(boxes[:, i].tolist() for i in range(4))
    if info.ordered:
        query += sql.SQL(" ORDER BY {}").format(order)
    return conn.execute(query, arguments).fetchall()


def _outlines(sites: np.ndarray, sites_crs: CRS, target: CRS) -> np.ndarray:
    from landcheck.io.filtered import _outlines_in_layer_crs

    return _outlines_in_layer_crs(sites, sites_crs, target)


def _within(frame: gpd.GeoDataFrame, outlines: np.ndarray, distance: float) -> gpd.GeoDataFrame:
    from landcheck.io.filtered import _within as within

    return within(frame, outlines, distance)


def read_features_near(
    source: PostGISSource,
    sites: Any,
    sites_crs: CRS,
    *,
    key: str,
    columns: list[str] | Callable[[list[str]], list[str]] | None = None,
    margin: float = 1.0,
    assume_crs: CRS | None = None,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read the features of a PostGIS table that come near the sites.

    The same contract as :func:`landcheck.io.filtered.read_features_near`:
    the server's GiST index finds the features whose box meets a site's box
    grown by ``margin`` (in the table's SRID), and only those within
    ``margin`` of a site outline are kept.

    Returns
    -------
    features : GeoDataFrame
        In the table's CRS, indexed by its integer primary key (else by
        position in the read, ordered by the table's physical order).
    record : InputRecord
        Provenance: the URL without password, ``SCHEMA.TABLE``, the row count
        of the table (``extra["rows"]``) and the SHA-256 of what was read
        (``sha256``), which changes when those rows change.

    Raises
    ------
    DataSourceError, InputDataError, AnalysisCRSError
        See :func:`table_info`; SRID 0 without ``assume_crs``; a CRS that does
        not fit the coordinates.
    """
    what = f"layer {key!r}"
    with _connected(source, what) as conn:
        info = _info(conn, source, what, count=True)
        native = info.crs
        assumed = native is None
        if native is None:
            if assume_crs is None:
                raise AnalysisCRSError(
                    source.scrub(
                        f"{what} {source}: its geometry column {info.column!r} has SRID 0 (no "
                        "coordinate reference system). Give it with --crs (e.g. --crs "
                        "EPSG:4523), or set the SRID in the database"
                    )
                )
            native = assume_crs
        extent = _extent(conn, source, info, exact=False)
        problem = diagnose_coordinates(native, extent) if extent is not None else None
        if problem is not None:
            raise implausible_crs_error(source, what, source.scrub(problem), DRIVER)
        if callable(columns):
            columns = list(dict.fromkeys(columns(list(info.fields))))
        chosen = list(info.fields) if columns is None else [c for c in columns if c in info.fields]
        geoms = np.asarray(sites, dtype=object)
        geoms = geoms[~shapely.is_empty(geoms)]
        outlines = _outlines(geoms, sites_crs, native) if len(geoms) else geoms
        distance = margin if native.is_projected else margin / 100_000.0
        boxes = shapely.bounds(outlines) + np.array([-distance, -distance, distance, distance])
        rows = _fetch(conn, source, info, chosen, boxes) if len(geoms) else []
    record = InputRecord(
        role="layer", key=key, path=source.path, layer=source.layer, crs=crs_label(native)
    )
    record.extra.update(
        driver=DRIVER, table=f"{source.schema}.{source.table}", geometry_column=info.column
    )
    record.extra["rows"] = info.rows
    if assumed:
        record.extra["crs_assumed"] = True
    if info.key is None:
        record.extra["feature_ids"] = "positions in the read (the table has no integer key)"
    record.digest = _digest(rows, chosen, info)
    frame = _frame(rows, chosen, native, info.key, f"{what} {source}")
    if len(frame):
        frame = _within(frame, outlines, distance)
    record.features_read = len(frame)
    return frame, record


def database_tables(text: str, what: str = "inspect") -> list[PostGISSource]:
    """The source of each table (and view) with a geometry column that a URL names.

    A URL naming a table gives that table alone; one naming only a database
    (``postgresql://gis@db/plan``) gives all of them, for ``landcheck inspect``.
    """
    source = _parse_url(text, table=False)
    if source.table:
        return [source]
    probe = replace(source, layer="geometry_columns")
    with _connected(probe, what) as conn:
        try:
            found = _tables(conn)
        except _psycopg().errors.UndefinedTable:
            raise DataSourceError(
                source.scrub(
                    f"{what}: the database of {source.path} has no PostGIS (no "
                    "geometry_columns); give a database with the postgis extension"
                )
            ) from None
    return [
        replace(source, layer=_layer_name(s, t), schema=s, table=t, column=None) for s, t in found
    ]


def read_table(source: PostGISSource, what: str = "inspect") -> tuple[TableInfo, gpd.GeoDataFrame]:
    """The whole table's geometries (no attributes), for ``landcheck inspect``."""
    with _connected(source, what) as conn:
        info = _info(conn, source, what)
        rows = _fetch(conn, source, info, [], None)
    return info, _frame(rows, [], info.crs, info.key, f"{what}: {source}")
