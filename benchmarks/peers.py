"""The same question answered by two databases: DuckDB spatial and PostGIS.

The question (issue 14): per site, the area of the union of a layer's features inside
the site (overlapping features counted once), for land_use and farmland:

    SELECT s.site_id, ST_Area(<union aggregate>(ST_Intersection(s.geom, l.geom)))
    FROM sites s JOIN layer l ON ST_Intersects(s.geom, l.geom)
    GROUP BY s.site_id

Each engine first loads the layers and the sites from the benchmark's GeoPackages
and indexes them (timed apart, ``load_s``), then answers the question for each
scenario (``query_s``: the queries alone, data preloaded; then once more, warm).

* DuckDB: ``duckdb`` and the spatial extension from the ``duckdb-extension-spatial``
  wheel on PyPI, loaded from that file (no download: autoinstall and autoload are
  off); the data is read with the extension's ``ST_Read`` and each layer gets an
  R-tree index, which the planner's spatial join scans.
* PostGIS: a throwaway server (:mod:`benchmarks.pgserver`) from Debian's
  ``postgresql-15-postgis-3``; the data is read with pyogrio and sent with COPY as
  EWKB, each table gets a GiST index and is analysed.

Each is skipped, with the reason, when its software is missing.
"""

from __future__ import annotations

import os
import time

from benchmarks.treememory import proc_mb

QUESTION_LAYERS = ("land_use", "farmland")
SRID = 4523


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak RSS (VmHWM) of a process in MB, to 0.1."""
    return round(proc_mb(pid, "status", "VmHWM"), 1)


# --- DuckDB -----------------------------------------------------------------------------------


def spatial_extension() -> tuple[str | None, str]:
    """Path of the spatial extension shipped by the duckdb-extension-spatial wheel, or why not."""
    try:
        import duckdb
        import duckdb_extension_spatial
    except ImportError as error:
        return None, f"{error.name} is not installed (pip install -e '.[bench]')"
    path = os.path.join(
        os.path.dirname(duckdb_extension_spatial.__file__),
        "extensions",
        f"v{duckdb.__version__}",
        "spatial.duckdb_extension",
    )
    if not os.path.exists(path):
        return None, f"duckdb-extension-spatial has no build for duckdb {duckdb.__version__}"
    return path, f"duckdb {duckdb.__version__}, spatial extension from {path}"


def duckdb_run(layers_path: str, sites_path: str, scenarios: str) -> dict:
    """Load into an in-memory DuckDB, index, and answer the question for each scenario."""
    extension, about = spatial_extension()
    if extension is None:
        return {"skipped": about}
    import duckdb

    con = duckdb.connect(
        config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    )
    con.load_extension(extension)
    threads = con.sql("SELECT current_setting('threads')").fetchone()[0]
    out: dict = {"engine": about, "threads": threads}
    started = time.perf_counter()
    for layer in QUESTION_LAYERS:
        con.execute(
            f"CREATE TABLE {layer} AS SELECT geom FROM ST_Read('{layers_path}', layer='{layer}')"
        )
        con.execute(f"CREATE INDEX {layer}_rtree ON {layer} USING RTREE (geom)")
    for scenario in scenarios:
        con.execute(
            f"CREATE TABLE sites_{scenario} AS SELECT site_id, geom "
            f"FROM ST_Read('{sites_path}', layer='sites_{scenario}')"
        )
    out["load_s"] = time.perf_counter() - started
    plan = con.sql("EXPLAIN " + _duckdb_query(scenarios[0], QUESTION_LAYERS[0]))
    out["plan"] = plan.fetchall()[0][1]
    out["scenarios"] = {
        scenario: _timed(lambda sql: con.execute(sql).fetchall(), _duckdb_query, scenario)
        for scenario in scenarios
    }
    out["peak_mb"] = _hwm_mb()  # this process: DuckDB runs in it (the load included)
    con.close()
    return out


def _duckdb_query(scenario: str, layer: str) -> str:
    return (
        "SELECT s.site_id, ST_Area(ST_Union_Agg(ST_Intersection(s.geom, l.geom))) "
        f"FROM sites_{scenario} s JOIN {layer} l ON ST_Intersects(s.geom, l.geom) "
        "GROUP BY s.site_id"
    )


# --- PostGIS ----------------------------------------------------------------------------------


def postgis_run(layers_path: str, sites_path: str, scenarios: str, folder: str) -> dict:
    """Start a throwaway PostGIS, load, index, answer the question for each scenario, stop."""
    from benchmarks.pgserver import Server, find_postgis

    bindir, about = find_postgis()
    if bindir is None:
        return {"skipped": about}
    try:
        import psycopg
    except ImportError:
        return {"skipped": "psycopg is not installed (pip install -e '.[bench]')"}
    os.makedirs(folder, exist_ok=True)
    with (
        Server(bindir, parent=folder) as server,
        psycopg.connect(server.dsn, autocommit=True) as conn,
    ):
        conn.execute("CREATE EXTENSION postgis")
        version = conn.execute("SELECT postgis_full_version()").fetchone()[0]
        out: dict = {"engine": f"{about}; {version.split(' LIBXML')[0]}"}
        started = time.perf_counter()
        for layer in QUESTION_LAYERS:
            _copy_layer(conn, layers_path, layer, layer, None)
        for scenario in scenarios:
            _copy_layer(conn, sites_path, f"sites_{scenario}", f"sites_{scenario}", "site_id")
        for table in (*QUESTION_LAYERS, *(f"sites_{s}" for s in scenarios)):
            conn.execute(f"CREATE INDEX ON {table} USING GIST (geom)")
            conn.execute(f"VACUUM ANALYZE {table}")
        out["load_s"] = time.perf_counter() - started
        plan = conn.execute("EXPLAIN " + _postgis_query(scenarios[0], QUESTION_LAYERS[0]))
        out["plan"] = "\n".join(row[0] for row in plan.fetchall())
        out["scenarios"] = {
            scenario: _timed(lambda sql: conn.execute(sql).fetchall(), _postgis_query, scenario)
            for scenario in scenarios
        }
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        out["peak_mb"] = _hwm_mb(backend)  # the backend that ran the queries (shared buffers too)
    return out


def _postgis_query(scenario: str, layer: str) -> str:
    return (
        "SELECT s.site_id, ST_Area(ST_Union(ST_Intersection(s.geom, l.geom))) "
        f"FROM sites_{scenario} s JOIN {layer} l ON ST_Intersects(s.geom, l.geom) "
        "GROUP BY s.site_id"
    )


def _copy_layer(conn, path: str, layer: str, table: str, id_field: str | None) -> None:
    """COPY a GeoPackage layer into ``table`` (id, geom) as EWKB, in batches of 50,000."""
    import pyogrio
    import shapely

    id_type = "text" if id_field else "bigint"
    conn.execute(f"CREATE TABLE {table} (id {id_type}, geom geometry(Geometry, {SRID}))")
    columns = [id_field] if id_field else []
    with (
        conn.cursor().copy(f"COPY {table} (id, geom) FROM STDIN") as copy,
        pyogrio.open_arrow(
            path, layer=layer, columns=columns, batch_size=50_000, use_pyarrow=True
        ) as (meta, reader),
    ):
        geometry_name = meta["geometry_name"] or "wkb_geometry"
        count = 0
        for batch in reader:
            geoms = shapely.from_wkb(batch.column(geometry_name).to_numpy(zero_copy_only=False))
            ewkb = shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True)
            ids = (
                batch.column(id_field).to_pylist() if id_field else range(count, count + len(ewkb))
            )
            count += len(ewkb)
            copy.write("".join(f"{i}\t{g}\n" for i, g in zip(ids, ewkb, strict=True)))
    if id_field:
        conn.execute(f"ALTER TABLE {table} RENAME COLUMN id TO {id_field}")


# --- shared -----------------------------------------------------------------------------------


def _timed(fetch, query, scenario: str) -> dict:
    """Run the question for each layer: first run (query_s), then again (warm_s); the areas."""
    areas: dict[str, float] = {}
    seconds, warm = 0.0, 0.0
    for layer in QUESTION_LAYERS:
        sql = query(scenario, layer)
        started = time.perf_counter()
        rows = fetch(sql)
        seconds += time.perf_counter() - started
        started = time.perf_counter()
        fetch(sql)
        warm += time.perf_counter() - started
        for site_id, area in rows:
            areas[f"{site_id}|{layer}"] = float(area or 0.0)
    return {"query_s": seconds, "warm_s": warm, "areas": areas}
