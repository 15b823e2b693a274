"""Reading a PostGIS table: connection, the table's facts, the features near the sites.

Only the features near the sites are fetched, found by the server's spatial
index (``&&`` against the sites' grown bounding boxes in the table's SRID), then
kept when they lie within the margin of a site (the same exact filter as for
files); only the mapped columns; the CRS from ``geometry_columns`` and
``spatial_ref_sys``. psycopg 3 is imported only here, when a table is read.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.boxcover import covering_boxes
from landcheck.crs import crs_label
from landcheck.crs.transform import distance_in, outlines_in
from landcheck.crs.traps import diagnose_coordinates
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.geometry import near_positions
from landcheck.io.postgis.url import PostGISSource, parse_url, quoted_identifier
from landcheck.io.records import InputRecord
from landcheck.io.vector import implausible_crs_error

__all__ = [
    "DRIVER",
    "TableInfo",
    "connections_kept",
    "database_tables",
    "read_features_near",
    "read_table",
    "table_crs",
    "table_extent",
    "table_info",
]

DRIVER = "PostgreSQL"
"""The driver name records and ``inspect`` show for a PostGIS table."""

_INSTALL = "pip install 'landcheck[postgis]' (psycopg 3)"
_CONNECT_TIMEOUT_S = "10"


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


_KEPT: ContextVar[dict[tuple, Any] | None] = ContextVar("landcheck_postgis_kept", default=None)
"""The connections :func:`connections_kept` keeps, by server (and process), in this context."""


@contextmanager
def connections_kept() -> Iterator[None]:
    """Within the block, this thread's questions to a server share one connection.

    A check asks a server fourteen questions for six tables (a table's CRS
    while the run is prepared, an extent for the far-site warning, each
    table's facts and rows), each on a connection of its own: a connection
    costs 3–4 ms and its backend's first look at the catalog 10–15 ms, a
    third of a one-site check's time. Inside the block one connection per
    server and process answers them all, each question in a read-only
    transaction of its own, rolled back when it ends, so an error in one
    leaves the next a clean connection. The connections close when the
    outermost block ends. Other threads, and processes forked meanwhile
    (their process id differs), open their own.
    """
    if _KEPT.get() is not None:
        yield  # an enclosing block keeps them
        return
    kept: dict[tuple, Any] = {}
    token = _KEPT.set(kept)
    try:
        yield
    finally:
        _KEPT.reset(token)
        for connection in kept.values():
            connection.close()


@contextmanager
def _connected(source: PostGISSource, what: str) -> Iterator[Any]:
    """A read-only connection; every error is a DataSourceError without the password.

    Inside :func:`connections_kept`, the server's kept connection (opened the
    first time), its transaction rolled back at the end of the block.
    """
    psycopg = _psycopg()
    options = dict(source.params)
    options.setdefault("connect_timeout", _CONNECT_TIMEOUT_S)
    options.setdefault("application_name", "landcheck")
    if source.secret is not None:
        options["password"] = source.secret
    server = (tuple(sorted(options.items())), os.getpid())
    kept = _KEPT.get()
    connection = kept.get(server) if kept is not None else None
    if connection is not None and not _alive(psycopg, connection):
        del kept[server]  # the server ended it (a restart, an idle timeout): open another
        connection.close()
        connection = None
    if connection is None:
        connection = _connection(psycopg, options, server, source, what)
        if kept is not None:
            kept[server] = connection
    try:
        yield connection
    except psycopg.Error as ex:
        said = " ".join(str(ex).split())
        raise DataSourceError(source.scrub(f"{what}: {source}: {said}")) from None
    finally:
        if kept is None:
            connection.close()
        else:
            try:  # the question's transaction ends: the next starts clean, even after an error
                connection.rollback()
            except psycopg.Error:  # the connection broke: the next question opens another
                kept.pop(server, None)
                connection.close()


def _alive(psycopg: Any, connection: Any) -> bool:
    """Whether a kept connection still answers (one round trip; its transaction ended again)."""
    try:
        connection.execute("SELECT 1")
        connection.rollback()
    except psycopg.Error:
        return False
    return True


def _connection(
    psycopg: Any, options: dict[str, Any], server: tuple, source: PostGISSource, what: str
) -> Any:
    """A new read-only connection, or the DataSourceError saying why there is none.

    A server that refused one is not asked again for :data:`_RETRY_AFTER_S`.
    """
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
    connection.read_only = True
    return connection


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
    return ".".join(quoted_identifier(n) if not n or odd & set(n) else n for n in (schema, table))


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
    source: PostGISSource, what: str = "layer", *, exact: bool = True
) -> tuple[tuple[float, float, float, float], CRS] | None:
    """The extent of the table's geometries and their CRS, or None (empty, SRID 0).

    ``exact``: ``ST_Extent`` of every row (a scan: 0.26 s for a million
    parcels); otherwise the planner's estimate (``ST_EstimatedExtent``, from the
    statistics of the last ANALYZE; the exact one when there are none).
    """
    with _connected(source, what) as conn:
        info = _info(conn, source, what)
        bounds = _extent(conn, source, info, exact=exact)
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
        outlines = outlines_in(geoms, sites_crs, native) if len(geoms) else geoms
        distance = distance_in(geoms, margin, sites_crs, native) if len(geoms) else margin
        boxes = covering_boxes(outlines, distance)  # a long slanting road: boxes that hug it
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
        geoms = np.asarray(frame.geometry.values, dtype=object)
        frame = frame.iloc[near_positions(geoms, outlines, distance)]
    record.features_read = len(frame)
    return frame, record


def database_tables(text: str, what: str = "inspect") -> list[PostGISSource]:
    """The source of each table (and view) with a geometry column that a URL names.

    A URL naming a table gives that table alone; one naming only a database
    (``postgresql://gis@db/plan``) gives all of them, for ``landcheck inspect``.
    """
    source = parse_url(text, table=False)
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
