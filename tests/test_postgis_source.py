"""PostGIS tables as layer sources (issue 15 part 2): ``postgresql://USER@HOST:PORT/DB:SCHEMA.TABLE``.

The URL tests need nothing. The others run against a real throwaway PostgreSQL + PostGIS
(Debian's postgresql-15-postgis-3, started on a private Unix socket by
``benchmarks.pgserver``, which ``make test`` installs when root), loaded with the sample
county's layers; without it they are skipped with the reason.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
import time
import zipfile
from contextlib import closing
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from common import SAMPLE_LAYER_KEYS
from pyproj import CRS

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import DataSourceError, InputDataError
from landcheck.io import LayerSource, postgis
from landcheck.io.filtered import read_features_near
from landcheck.io.output import input_paths
from landcheck.io.postgis import PostGISSource, is_postgis_source, parse_source, tables

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchmarks.pgserver import PORT, TEST_SETTINGS, Server, find_postgis

SECRET = "Pw-s3cr3t/@:%!"  # URL-hostile on purpose: written percent-encoded
DATABASE = "一张图"
SCHEMA = "国土空间"


# --- the URL, without a server ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "schema", "table", "column"),
    [
        (
            "postgresql://gis@db.example.cn:6543/plan:public.farmland",
            {"host": "db.example.cn", "port": "6543", "user": "gis", "dbname": "plan"},
            "public",
            "farmland",
            None,
        ),
        (
            "postgres://gis@[2001:db8::7]:5433/plan:zones",
            {"host": "2001:db8::7", "port": "5433", "user": "gis", "dbname": "plan"},
            "public",
            "zones",
            None,
        ),
        (
            "postgresql://%E5%BC%A0%E4%B8%89@%2Fvar%2Frun%2Fpostgresql/"
            "%E4%B8%80%E5%BC%A0%E5%9B%BE?sslmode=require&connect_timeout=3:"
            "%E5%9B%BD%E5%9C%9F.%E5%86%9C%E7%94%B0",
            {
                "host": "/var/run/postgresql",
                "user": "张三",
                "dbname": "一张图",
                "sslmode": "require",
                "connect_timeout": "3",
            },
            "国土",
            "农田",
            None,
        ),
        (
            'postgresql:///?service=province:"Plan 2035"."Farm.Land"(geom_4523)',
            {"service": "province"},
            "Plan 2035",
            "Farm.Land",
            "geom_4523",
        ),
        (
            "postgresql://a:5432,b:5433/plan:public.t",
            {"host": "a,b", "port": "5432,5433", "dbname": "plan"},
            "public",
            "t",
            None,
        ),
    ],
)
def test_urls_are_parsed_into_libpq_keywords_and_a_table(url, params, schema, table, column):
    source = PostGISSource.parse(url)
    assert dict(source.params) == params
    assert (source.schema, source.table, source.column) == (schema, table, column)
    assert source.secret is None
    assert str(source) == url  # nothing secret in it: shown as given


def test_a_password_in_the_url_is_used_but_never_shown():
    url = f"postgresql://gis:{quote(SECRET, safe='')}@db:5432/plan:public.farmland"
    source = PostGISSource.parse(url)
    assert source.secret == SECRET
    assert "password" not in dict(source.params)
    shown = [str(source), source.path, repr(source), source.scrub(f"said {SECRET} and {url}")]
    assert str(source) == "postgresql://gis@db:5432/plan:public.farmland"
    for text in shown:
        assert SECRET not in text and quote(SECRET, safe="") not in text
    for raw in ("p/ss?w@rd", "p:ss@w#rd"):  # unencoded: still cut off whole
        odd = PostGISSource.parse(f"postgresql://gis:{raw}@db:5432/plan:public.farmland")
        assert (odd.secret, str(odd)) == (raw, "postgresql://gis@db:5432/plan:public.farmland")
        assert dict(odd.params) == {"host": "db", "port": "5432", "user": "gis", "dbname": "plan"}
    in_query = PostGISSource.parse("postgresql://db/plan?password=abc123&sslmode=disable:t")
    assert in_query.secret == "abc123"
    assert str(in_query) == "postgresql://db/plan?sslmode=disable:t"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("postgresql://gis:pw@db/plan", "names no table"),
        ("postgresql://gis:pw@db:54x/plan:t", "port '54x' is not a number"),
        ('postgresql://gis:pw@db/plan:"unclosed', "unclosed quote"),
        ("postgresql://gis:pw@db/plan:a.b.c", "quote odd names"),
        ('postgresql://gis:pw@db/plan:x"; DROP TABLE farmland; --', "quote odd names"),
        ("postgresql://gis:pw@db/plan?ssl mode=x:t", "not a connection keyword"),
    ],
)
def test_malformed_urls_are_refused_without_the_password(url, fragment):
    with pytest.raises(InputDataError, match=fragment) as caught:
        PostGISSource.parse(url)
    assert "pw" not in str(caught.value).replace("postgresql", "")


def test_a_url_is_no_file_for_the_output_guard_and_parses_as_postgis():
    url = "postgresql://gis@db/plan:public.farmland"
    assert is_postgis_source(url) and not is_postgis_source("farmland.gpkg")
    assert isinstance(parse_source(url), PostGISSource)
    assert input_paths([url, "postgres://x/y:z"]) == []


# --- a real server ------------------------------------------------------------------------------


def _postgis_or_skip() -> str:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[postgis]')")
    bindir, about = find_postgis()
    if bindir is None:
        pytest.skip(about)
    return bindir


@pytest.fixture(scope="session")
def server():
    bindir = _postgis_or_skip()
    instance = Server(bindir, settings=TEST_SETTINGS)
    try:
        instance.__enter__()
    except RuntimeError as ex:
        pytest.skip(f"a throwaway PostgreSQL could not start: {ex}")
    yield instance
    instance.__exit__(None, None, None)


def _url(server, table: str, *, password: str | None = SECRET, database: str = DATABASE) -> str:
    secret = f":{quote(password, safe='')}" if password else ""
    return (
        f"postgresql://postgres{secret}@{quote(server.folder, safe='')}:{PORT}/"
        f"{quote(database, safe='')}:{table}"
    )


_TYPES = {"i": "bigint", "f": "double precision", "b": "boolean"}


def _load(conn, path: str, layer: str, table: str) -> None:
    """Copy a GeoPackage layer into ``table`` (fid primary key, the fields, geom with its SRID)."""
    from psycopg import sql

    frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
    srid = CRS.from_user_input(frame.crs).to_epsg()
    fields = [c for c in frame.columns if c != frame.geometry.name]
    kinds = [_TYPES.get(frame[c].dtype.kind, "text") for c in fields]
    target = sql.Identifier(SCHEMA, table)
    conn.execute(
        sql.SQL("CREATE TABLE {} (fid bigint PRIMARY KEY, {}, geom geometry(Geometry, {}))").format(
            target,
            sql.SQL(", ").join(
                sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(k))
                for c, k in zip(fields, kinds, strict=True)
            ),
            sql.Literal(srid),
        )
    )
    geoms = shapely.to_wkb(
        shapely.set_srid(np.asarray(frame.geometry.values, dtype=object), srid),
        hex=True,
        include_srid=True,
    )
    names = sql.SQL(", ").join(map(sql.Identifier, ["fid", *fields, "geom"]))
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(target, names)) as copy:
        for fid, values, geom in zip(
            frame.index, frame[fields].itertuples(index=False), geoms, strict=True
        ):
            row = [None if isinstance(v, float) and np.isnan(v) else v for v in values]
            copy.write_row([int(fid), *row, geom])
    conn.execute(
        sql.SQL("CREATE INDEX {} ON {} USING GIST (geom)").format(
            sql.Identifier(f"{table}_geom"), target
        )
    )
    conn.execute(sql.SQL("ANALYZE {}").format(target))


@pytest.fixture(scope="session")
def database(server, sample_gpkg):
    """The sample county's layers as tables of schema 国土空间 in database 一张图."""
    import psycopg

    with psycopg.connect(server.dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    dsn = server.dsn.replace("dbname=postgres", f"dbname={DATABASE}")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
        conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
        for key in SAMPLE_LAYER_KEYS:
            _load(conn, sample_gpkg, key, key)
        _load(conn, sample_gpkg, "eco_redline", "Eco.Red Line")
        conn.execute(f'CREATE TABLE "{SCHEMA}".notes (id integer PRIMARY KEY, note text)')
        conn.execute(f'CREATE VIEW "{SCHEMA}".farmland_view AS SELECT * FROM "{SCHEMA}".farmland')
        conn.execute(
            f'CREATE TABLE "{SCHEMA}".farmland_copy AS SELECT * FROM "{SCHEMA}".farmland'
        )  # no key, no index, no statistics
        conn.execute(
            f'CREATE TABLE "{SCHEMA}".curved (id integer PRIMARY KEY, geom geometry(Geometry, '
            "4523)); "
            f'INSERT INTO "{SCHEMA}".curved VALUES (1, ST_GeomFromText(\'CURVEPOLYGON('
            "CIRCULARSTRING(35376800 2693100, 35376900 2693200, 35377000 2693100, "
            "35376900 2693000, 35376800 2693100))', 4523))"
        )
    return dsn


def _connect(dsn):
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def _comparable(result, replace: dict[str, str]) -> dict:
    data = result.to_dict()
    text = json.dumps({k: data[k] for k in ("summary", "sites", "coverage")}, ensure_ascii=False)
    for old, new in replace.items():
        text = text.replace(old, new)
    return json.loads(text)


def test_numbers_are_identical_to_the_same_layers_read_from_the_geopackage(
    database, server, sample_gpkg, sample_layers
):
    sites = f"{sample_gpkg}:sites"
    from_files = landcheck.check(sites, layers=sample_layers)
    urls = {key: _url(server, f"{SCHEMA}.{key}") for key in SAMPLE_LAYER_KEYS}
    from_tables = landcheck.check(sites, layers=urls)
    assert _comparable(from_tables, {}) == _comparable(from_files, {})
    statuses = [s["status"] for s in from_tables.to_dict()["sites"]]
    sample_sites = pyogrio.read_info(sample_gpkg, layer="sites")["features"]
    # a real comparison: every sample site, and not all unknown
    assert len(statuses) == sample_sites and "prohibited" in statuses
    records = {r.key: r for r in from_tables.inputs if r.role == "layer"}
    files = {r.key: r for r in from_files.inputs if r.role == "layer"}
    for key in SAMPLE_LAYER_KEYS:
        record = records[key].to_dict()
        assert record["status"] == "ok"
        assert record["path"] == _url(server, "", password=None)[:-1]
        assert record["layer"] == f"{SCHEMA}.{key}"
        assert record["crs"] == "EPSG:4523"
        assert record["features_read"] == files[key].features_read > 0
        assert record["extra"]["driver"] == "PostgreSQL"
        assert record["extra"]["rows"] == pyogrio.read_info(sample_gpkg, layer=key)["features"]
        assert len(record["sha256"]) == 64


def test_the_server_index_finds_the_features_and_only_mapped_columns_come(database, server):
    index = f"{SCHEMA}.farmland_geom"
    source = PostGISSource.parse(_url(server, f"{SCHEMA}.farmland"))

    def scans():
        with _connect(database) as conn:
            return conn.execute(
                "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelid = %s::regclass",
                (index,),
            ).fetchone()[0]

    before = scans()
    site = shapely.box(35_370_000, 2_700_000, 35_372_000, 2_702_000)
    frame, record = postgis.read_features_near(
        source, [site], CRS.from_epsg(4523), key="farmland", columns=["BSM", "DLBM", "nope"]
    )
    assert list(frame.columns) == ["BSM", "DLBM", "geometry"]
    assert frame.index.name == "fid" and frame.index.is_monotonic_increasing
    assert record.features_read == len(frame)
    deadline = time.monotonic() + 5  # statistics reach other sessions within a second
    while scans() == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert scans() > before
    with _connect(database) as conn:
        plan = conn.execute(
            f'EXPLAIN SELECT fid FROM "{SCHEMA}".farmland WHERE geom && ANY(ARRAY('
            "SELECT ST_MakeEnvelope(x, y, x + 10, y + 10, 4523) FROM unnest(%s::float8[], "
            "%s::float8[]) AS b(x, y)))",
            ([35_370_000.0], [2_700_000.0]),
        ).fetchall()
    assert "farmland_geom" in " ".join(row[0] for row in plan)


def test_a_long_slanting_site_fetches_the_rows_near_it_not_those_in_its_box(
    database, server, sample_gpkg, monkeypatch
):
    # a road across the county's farmland: its box holds a good part of the layer; boxes
    # hugging it ask the server for the rows near it, and the same features are kept
    west, south, east, north = pyogrio.read_info(sample_gpkg, layer="farmland")["total_bounds"]
    road = shapely.LineString([(west, south), (east, north)]).buffer(30, quad_segs=1_000)
    assert shapely.get_num_coordinates(road) > 2_048
    crs = CRS.from_epsg(4523)
    fetched = []
    real_fetch = tables._fetch
    monkeypatch.setattr(
        tables, "_fetch", lambda *a: fetched.append(len(rows := real_fetch(*a))) or rows
    )
    source = PostGISSource.parse(_url(server, f"{SCHEMA}.farmland"))
    frame, record = postgis.read_features_near(source, [road], crs, key="farmland", margin=5.0)
    assert record.features_read == len(frame)
    expected, _ = read_features_near(
        LayerSource(sample_gpkg, "farmland"), np.array([road]), crs, key="farmland", margin=5.0
    )
    assert sorted(frame.index) == sorted(expected.index) and len(frame) > 0
    with _connect(database) as conn:
        in_box = conn.execute(
            f'SELECT count(*) FROM "{SCHEMA}".farmland WHERE geom && ST_MakeEnvelope(%s, %s, '
            "%s, %s, 4523)",
            tuple(float(v) for v in road.buffer(5.0).bounds),
        ).fetchone()[0]
    (rows,) = fetched
    assert len(frame) <= rows < in_box / 2, (len(frame), rows, in_box)  # 57, 1,227, 2,924


def test_the_read_version_changes_when_the_rows_read_change(database, server, sample_gpkg):
    source = PostGISSource.parse(_url(server, f"{SCHEMA}.planning_zones"))
    sites = pyogrio.read_dataframe(sample_gpkg, layer="sites")
    geoms = np.asarray(sites.geometry.values, dtype=object)[:2]
    crs = CRS.from_epsg(4523)
    first, before = postgis.read_features_near(source, geoms, crs, key="zones", columns=["BSM"])
    again, same = postgis.read_features_near(source, geoms, crs, key="zones", columns=["BSM"])
    assert same.sha256 == before.sha256 and len(first) == len(again) > 0
    fid = int(first.index[0])
    with _connect(database) as conn:
        conn.execute(
            f'UPDATE "{SCHEMA}".planning_zones SET "BSM" = "BSM" || \'x\' WHERE fid = %s', (fid,)
        )
    try:
        _, after = postgis.read_features_near(source, geoms, crs, key="zones", columns=["BSM"])
        assert after.sha256 != before.sha256
    finally:
        with _connect(database) as conn:
            conn.execute(
                f'UPDATE "{SCHEMA}".planning_zones SET "BSM" = rtrim("BSM", \'x\') WHERE fid = %s',
                (fid,),
            )


def test_site_selection_reads_tables_too(database, server, sample_gpkg, sample_layers):
    candidates = f"{sample_gpkg}:candidates"
    urls = {key: _url(server, f"{SCHEMA}.{key}") for key in SAMPLE_LAYER_KEYS}
    from_tables = landcheck.compare(candidates, layers=urls)
    from_files = landcheck.compare(candidates, layers=sample_layers)
    assert from_tables.order == from_files.order == ["A", "C", "D", "B"]
    assert from_tables.table.equals(from_files.table)


@pytest.mark.parametrize("table", ["farmland_view", "farmland_copy"])
def test_views_and_tables_without_key_or_statistics_read_the_same(
    database, server, sample_gpkg, table
):
    sites = f"{sample_gpkg}:sites"
    keyed = landcheck.check(sites, layers={"farmland": _url(server, f"{SCHEMA}.farmland")})
    other = landcheck.check(sites, layers={"farmland": _url(server, f"{SCHEMA}.{table}")})
    assert _comparable(other, {}) == _comparable(keyed, {})
    record = _layer_record(other, "farmland")
    assert record.status == "ok" and record.extra["rows"] == 2924
    assert "no integer key" in record.extra["feature_ids"]


def test_odd_quoted_table_names_are_read(database, server, sample_gpkg):
    sites = f"{sample_gpkg}:sites"
    plain = landcheck.check(sites, layers={"eco_redline": _url(server, f"{SCHEMA}.eco_redline")})
    odd = landcheck.check(sites, layers={"eco_redline": _url(server, f'{SCHEMA}."Eco.Red Line"')})
    assert _comparable(odd, {}) == _comparable(plain, {})


def _layer_record(result, key):
    return next(r for r in result.inputs if r.key == key)


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ("国土空间.no_such_table", "has no table"),
        ("国土空间.notes", "has no geometry column"),
        ('国土空间."x""; DROP TABLE ""国土空间"".farmland; --"', "has no table"),
        ("国土空间.curved", "curved geometries"),
    ],
)
def test_unusable_tables_make_the_layer_unknown_with_a_clear_message(
    database, server, sample_gpkg, table, fragment
):
    result = landcheck.check(
        f"{sample_gpkg}:sites", layers={"farmland": _url(server, quote(table, safe='."'))}
    )
    record = _layer_record(result, "farmland")
    assert record.status == "unreadable"
    assert fragment in record.detail
    assert SECRET not in record.detail and quote(SECRET, safe="") not in record.detail
    statuses = {f.check: f.status for f in result.findings[0]}
    assert statuses["permanent_farmland"] == "unknown"
    if fragment == "has no table":
        assert f"{SCHEMA}.farmland" in record.detail  # the tables it has are listed
    with _connect(database) as conn:  # nothing was injected
        count = conn.execute(f'SELECT count(*) FROM "{SCHEMA}".farmland').fetchone()[0]
    assert count == 2924


def test_a_connection_failure_makes_the_layer_unknown_without_the_password(tmp_path, sample_gpkg):
    url = (
        f"postgresql://gis:{quote(SECRET, safe='')}@{quote(str(tmp_path), safe='')}:5432/"
        "plan:public.farmland"
    )
    result = landcheck.check(f"{sample_gpkg}:sites", layers={"farmland": url})
    record = _layer_record(result, "farmland")
    assert record.status == "unreadable"
    assert "cannot connect to postgresql://gis@" in record.detail
    assert "PGPASSWORD" in record.detail
    assert SECRET not in json.dumps(result.to_dict(), ensure_ascii=False)
    assert quote(SECRET, safe="") not in json.dumps(result.to_dict())


def _contents(path) -> list[bytes]:
    """A file's bytes, and those of what it packs: zip members (xlsx, docx), stored projects."""
    content = path.read_bytes()
    found = [content]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [archive.read(name) for name in archive.namelist()]
    if path.suffix == ".gpkg":
        with closing(sqlite3.connect(path)) as db:
            for (hexed,) in db.execute("SELECT content FROM qgis_projects"):
                with zipfile.ZipFile(io.BytesIO(bytes.fromhex(hexed))) as archive:
                    found += [archive.read(name) for name in archive.namelist()]
            for table, column in (("inputs", "path"), ("run_info", "value")):
                found += [str(v).encode() for (v,) in db.execute(f"SELECT {column} FROM {table}")]
    return found


def test_the_cli_writes_no_password_into_any_output_file(database, server, sample_gpkg, tmp_path):
    out = tmp_path / "report"
    layers = [f"--layer={key}={_url(server, f'{SCHEMA}.{key}')}" for key in SAMPLE_LAYER_KEYS]
    formats = "json,gpkg,html,xlsx,txt,docx"
    run = CliRunner().invoke(
        cli, ["check", f"{sample_gpkg}:sites", *layers, "-o", str(out), "-f", formats]
    )
    assert run.exit_code == 0, run.output
    assert SECRET not in run.output and quote(SECRET, safe="") not in run.output
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
        "report.docx",
    }
    shown = 0
    for path in written:
        for content in _contents(path):
            for form in (SECRET, quote(SECRET, safe="")):
                assert form.encode() not in content, path
            shown += b"postgresql://postgres@" in content
    assert shown >= 4  # the sources are shown, without the password, in the unpacked files
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    farmland = next(r for r in findings["inputs"] if r["key"] == "farmland")
    assert farmland["path"].startswith("postgresql://postgres@")
    assert farmland["layer"] == f"{SCHEMA}.farmland"


def test_inspect_describes_a_table(database, server):
    url = _url(server, f"{SCHEMA}.land_use")
    run = CliRunner().invoke(cli, ["inspect", url, "--json"])
    assert run.exit_code == 0, run.output
    report = json.loads(run.output)
    layer = report["layers"][0]
    assert report["format"] == "PostgreSQL" and report["path"].startswith("postgresql://postgres@")
    assert (layer["features"], layer["crs"], layer["crs_check"]) == (21553, "EPSG:4523", "ok")
    assert layer["geometry_column"] == "geom" and layer["feature_id"] == "fid"
    assert "DLBM" in layer["fields"] and "geom" not in layer["fields"]
    assert SECRET not in run.output and quote(SECRET, safe="") not in run.output
    missing = CliRunner().invoke(cli, ["inspect", _url(server, f"{SCHEMA}.nope")])
    assert missing.exit_code == 1
    assert "has no table" in missing.output and SECRET not in missing.output


def test_inspect_lists_the_tables_of_a_database(database, server):
    url = _url(server, "")[:-1]  # the database, no table
    run = CliRunner().invoke(cli, ["inspect", url, "--json"])
    assert run.exit_code == 0, run.output
    layers = {layer["layer"]: layer for layer in json.loads(run.output)["layers"]}
    assert layers[f"{SCHEMA}.farmland"]["features"] == 2924
    assert layers[f'{SCHEMA}."Eco.Red Line"']["features"] == 6
    assert f"{SCHEMA}.farmland_view" in layers and f"{SCHEMA}.notes" not in layers
    assert "curved geometries" in layers[f"{SCHEMA}.curved"]["error"]
    text = CliRunner().invoke(cli, ["inspect", url])
    assert text.exit_code == 0 and "cannot be read: " in text.output
    assert SECRET not in run.output + text.output


def test_without_psycopg_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(DataSourceError, match=r"pip install 'landcheck\[postgis\]'"):
        postgis.table_info(PostGISSource.parse("postgresql://gis@db/plan:public.farmland"))


def test_usage_errors_echo_a_url_without_its_password():
    url = f"postgresql://gis:{quote(SECRET, safe='')}@db/plan:public.farmland"
    for arguments in (
        ["--layer", url],
        ["--layer", f"farmland={url}", "--layer", f"farmland={url}"],
    ):
        run = CliRunner().invoke(cli, ["check", "sites.gpkg", *arguments, "-o", "out"])
        assert run.exit_code == 2
        assert "postgresql://gis@db/plan:public.farmland" in run.output
        assert SECRET not in run.output and quote(SECRET, safe="") not in run.output


def test_a_server_that_cannot_be_reached_is_asked_once_per_run(tmp_path, sample_gpkg, monkeypatch):
    import psycopg

    calls = []
    connect = psycopg.connect

    def counted(*args, **kwargs):
        calls.append(kwargs.get("host"))
        return connect(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", counted)
    host = quote(str(tmp_path), safe="")
    layers = {key: f"postgresql://gis@{host}:5432/plan:public.{key}" for key in SAMPLE_LAYER_KEYS}
    result = landcheck.check(f"{sample_gpkg}:sites", layers=layers)
    assert calls == [str(tmp_path)]  # a remote server that times out costs one timeout, not 12
    for key in SAMPLE_LAYER_KEYS:
        record = _layer_record(result, key)
        assert record.status == "unreadable" and "cannot connect" in record.detail


def test_a_table_in_degrees_is_read_as_far_as_the_rules_look(database, server, tmp_path):
    """At 50° N a degree of longitude is 71.6 km: the redline 80 m east of a site, in a table
    of EPSG:4490, is read and found 80 m away (tests/test_layer_crs_reach.py, from files)."""
    from test_layer_crs_reach import _case

    site, redline = _case(50.0)
    path = tmp_path / "redline.gpkg"
    redline.to_file(path, layer="redline")
    with _connect(database) as conn:
        _load(conn, str(path), "redline", "redline_degrees")
    url = _url(server, f"{SCHEMA}.redline_degrees")
    result = landcheck.check(site, layers={"eco_redline": url})
    (finding,) = [f for f in result.site_findings("S1") if f.check == "eco_redline_proximity"]
    assert finding.outcome == "near"
    assert result.layer("S1", "eco_redline").nearest_m == pytest.approx(80.0, abs=0.1)


def test_a_site_is_judged_far_from_a_table_on_its_exact_extent_not_its_estimate(
    database, server, monkeypatch
):
    # a survey of 100 m parcels over 1 km², analysed; one more parcel 50 km east added after
    # ANALYZE lies outside the planner's estimate of the extent but inside the exact one
    x0, y0 = 35_380_000.0, 2_650_000.0
    table = f'"{SCHEMA}".survey_grown'
    with _connect(database) as conn:
        conn.execute(
            f'CREATE TABLE {table} (id integer PRIMARY KEY, "DLBM" text, "DLMC" text, '
            "geom geometry(Polygon, 4523))"
        )
        conn.execute(
            f"INSERT INTO {table} SELECT i * 10 + j, '0101', '水田', ST_MakeEnvelope("
            f"{x0} + i * 100, {y0} + j * 100, {x0} + i * 100 + 100, {y0} + j * 100 + 100, 4523) "
            "FROM generate_series(0, 9) AS i, generate_series(0, 9) AS j"
        )
        conn.execute(f"ANALYZE {table}")
        conn.execute(
            f"INSERT INTO {table} VALUES (1000, '0101', '水田', ST_MakeEnvelope("
            f"{x0 + 50_000}, {y0}, {x0 + 50_100}, {y0 + 100}, 4523))"
        )
        estimated = conn.execute(
            f"SELECT ST_XMax(ST_EstimatedExtent('{SCHEMA}', 'survey_grown', 'geom'))"
        ).fetchone()[0]
    assert estimated < x0 + 10_000  # the statistics do not know the parcel added
    asked: list[bool] = []
    extent = tables._extent

    def spied(conn, source, info, *, exact):
        asked.append(exact)
        return extent(conn, source, info, exact=exact)

    monkeypatch.setattr(tables, "_extent", spied)
    url = {"land_use": _url(server, f"{SCHEMA}.survey_grown")}

    def far_warnings(x: float) -> list[str]:
        site = gpd.GeoDataFrame(
            {"site_id": ["S1"]}, geometry=[shapely.box(x, y0 + 200, x + 100, y0 + 300)], crs=4523
        )
        result = landcheck.check(site, layers=url)
        return [w for w in result.warnings if "from the extent of every" in w]

    assert far_warnings(x0 + 300) == [] and True not in asked  # inside the estimate: no scan
    # beside the parcel added: far from the estimate, so the exact extent is asked, and holds it
    assert far_warnings(x0 + 50_000) == [] and asked.count(True) == 1
    (far,) = far_warnings(x0 + 200_000)  # 150 km beyond the last parcel: far, on the exact one
    assert "site S1 lies 149.9 km from the extent of every full-coverage layer" in far
    assert asked.count(True) == 2


def _counted_connections(monkeypatch) -> list[dict]:
    """Each connection landcheck opens from now on, by its keywords."""
    import psycopg

    opened: list[dict] = []
    real = psycopg.connect

    def connect(*args, **kwargs):
        if kwargs.get("application_name") == "landcheck":  # not the test's own
            opened.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(psycopg, "connect", connect)
    return opened


def _landcheck_backends(database) -> int:
    """The server's backends of landcheck's connections (application_name), once settled."""
    for _ in range(40):
        with _connect(database) as conn:
            left = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'landcheck'"
            ).fetchone()[0]
        if not left:
            return 0
        time.sleep(0.05)  # a closed connection's backend exits a moment later
    return left


def test_a_check_asks_a_server_on_one_connection_while_it_prepares_and_one_while_it_reads(
    database, server, sample_gpkg, monkeypatch
):
    # fourteen questions for six tables had been fourteen connections, each backend's catalog
    # cold: a third of a one-site check's time
    opened = _counted_connections(monkeypatch)
    keys = ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships")
    urls = {key: _url(server, f"{SCHEMA}.{key}") for key in keys}
    result = landcheck.check(f"{sample_gpkg}:sites", layers=urls)
    assert [_layer_record(result, key).status for key in keys] == ["ok"] * len(keys)
    assert len(opened) == 2  # the tables' CRS for the run; the extents and the reads
    assert _landcheck_backends(database) == 0  # closed when the reads end


def test_an_error_in_one_question_leaves_the_kept_connection_clean_for_the_next(
    database, server, monkeypatch
):
    from landcheck.io.postgis.tables import _connected

    source = PostGISSource.parse(_url(server, f"{SCHEMA}.farmland"))
    opened = _counted_connections(monkeypatch)
    with postgis.connections_kept():
        with pytest.raises(DataSourceError, match="division by zero"):
            with _connected(source, "layer 'farmland'") as conn:
                conn.execute("SELECT 1 / 0")  # the question's transaction is aborted
        with postgis.connections_kept():  # nested: the enclosing block's connection
            info = postgis.table_info(source)
    assert info.rows == 2924 and info.crs == CRS(4523)
    assert len(opened) == 1
    assert _landcheck_backends(database) == 0


def test_a_kept_connection_the_server_ended_is_replaced_not_failed(database, server, monkeypatch):
    # an idle timeout or a restart between two tables' reads: the next read opens another
    source = PostGISSource.parse(_url(server, f"{SCHEMA}.farmland"))
    opened = _counted_connections(monkeypatch)
    with postgis.connections_kept():
        first = postgis.table_info(source)
        with _connect(database) as admin:
            ended = admin.execute(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'landcheck') AS t"
            ).fetchone()[0]
        assert ended == 1
        again = postgis.table_info(source)
    assert first == again and len(opened) == 2
    assert _landcheck_backends(database) == 0
