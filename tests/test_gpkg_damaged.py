"""A damaged GeoPackage layer makes its checks ``unknown`` and names the feature, never less area.

The site (500 x 200 m) lies 300 x 200 m on farmland feature 1 and 200 x 200 m on feature 2:
100,000 m² of farmland when the file is sound. Damaged, the file either says which feature and
field to fix (its checks ``unknown``), or — with the damage away from the sites — gives the
same 100,000 m². Both ways of reading GeoPackage rows are exercised: sqlite3 (a few features)
and pyogrio by feature id (many features; forced here by lowering the threshold).
"""

from __future__ import annotations

import sqlite3
import struct

import pytest
import shapely
from common import X0, Y0, arc_polygon_wkb, frame, sites, square

import landcheck
from landcheck.io import filtered

SITE = square(100, 100, 500, 200)


_GPKG_HEADER = b"GP\x00\x01" + struct.pack("<i", 4523)
"""A standard GeoPackage geometry blob's header: version 0, little-endian, no envelope."""

_CURVED_BLOB = _GPKG_HEADER + arc_polygon_wkb(X0 + 400, Y0, X0 + 800, Y0 + 200)
"""Farmland feature 2 redrawn with a circular arc (a true curve from ArcGIS)."""

_FAR_CURVED_BLOB = _GPKG_HEADER + arc_polygon_wkb(X0 + 5000, Y0, X0 + 5400, Y0 + 200)
"""The same half-disc on feature 3's ground, 4.6 km from the site."""


def _gpkg_functions(con: sqlite3.Connection) -> None:
    """The SQL functions GDAL's R-tree triggers call, so that rows can be edited here."""

    def bound(blob: bytes, i: int) -> float:
        size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
        try:
            shape = shapely.from_wkb(blob[8 + size :], on_invalid="ignore")
        except NotImplementedError:  # a curved geometry: its box is set apart below
            return 0.0
        return 0.0 if shape is None else shape.bounds[i]  # a damaged blob: set apart below

    con.create_function("ST_IsEmpty", 1, lambda blob: 0)
    for name, i in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        con.create_function(name, 1, lambda blob, i=i: bound(blob, i))


@pytest.fixture
def farmland(tmp_path, write_gpkg):
    """A sound farmland GeoPackage of two features and a function that damages a copy of it."""
    features = frame(
        [
            {"BSM": "a", "DLBM": "0101", "geometry": square(0, 0, 400)},
            {"BSM": "b", "DLBM": "0102", "geometry": square(400, 0, 400)},
            {"BSM": "c", "DLBM": "0102", "geometry": square(5_000, 0, 400)},
        ]
    )
    sound = write_gpkg("farmland.gpkg", farmland=features)

    def damaged(name: str, *statements: str) -> str:
        path = str(tmp_path / name)
        with open(sound, "rb") as source, open(path, "wb") as target:
            target.write(source.read())
        con = sqlite3.connect(path)
        _gpkg_functions(con)
        for statement in statements:
            con.execute(statement)
        con.commit()
        con.close()
        return path

    return sound, damaged


@pytest.fixture(params=["sqlite3", "pyogrio"])
def reader(request, monkeypatch):
    if request.param == "pyogrio":
        monkeypatch.setattr(filtered, "_SQLITE_MOST", 0)
    filtered.clear_cache()
    yield request.param
    filtered.clear_cache()


def _check(path: str):
    return landcheck.check(sites(SITE), layers={"farmland": path}, area_method="planar")


def _farmland_record(result):
    return next(r for r in result.inputs if r.key == "farmland")


def test_the_sound_file_gives_the_whole_overlap(farmland, reader):
    sound, _ = farmland
    result = _check(sound)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100_000.0, rel=1e-12)
    assert _farmland_record(result).status == "ok"


def test_a_damaged_geometry_near_a_site_makes_the_checks_unknown(farmland, reader):
    _, damaged = farmland
    path = damaged(
        "blob.gpkg",
        "UPDATE farmland SET geom = X'47500003DEADBEEF' WHERE fid = 2",
        # the index keeps the feature's box, as it was before the damage
        f"UPDATE rtree_farmland_geom SET minx = {X0 + 400}, maxx = {X0 + 800}, "
        f"miny = {Y0}, maxy = {Y0 + 400} WHERE id = 2",
    )
    result = _check(path)
    assert any("feature 2 has a geometry that cannot be read" in w for w in result.warnings)
    record = _farmland_record(result)
    assert record.status == "unreadable"
    assert "places it near the sites" in record.detail and path in record.detail
    assert result.status("S1") == "unknown"  # not 60,000 m² of farmland from feature 1 alone


@pytest.mark.parametrize(
    "blob, top",
    [(bytes.fromhex("47500003DEADBEEF"), 400), (_FAR_CURVED_BLOB, 200)],
    ids=["damaged", "curved"],
)
def test_a_geometry_it_cannot_read_away_from_the_sites_is_not_read(farmland, reader, blob, top):
    _, damaged = farmland
    path = damaged(
        "far.gpkg",
        f"UPDATE farmland SET geom = X'{blob.hex()}' WHERE fid = 3",
        f"UPDATE rtree_farmland_geom SET minx = {X0 + 5000}, maxx = {X0 + 5400}, "
        f"miny = {Y0}, maxy = {Y0 + top} WHERE id = 3",
    )
    result = _check(path)
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(100_000.0, rel=1e-12)
    assert _farmland_record(result).status == "ok"


def test_text_that_is_not_utf8_is_named_by_feature_and_field(farmland, reader):
    _, damaged = farmland
    path = damaged("text.gpkg", "UPDATE farmland SET BSM = CAST(X'FFFE41' AS TEXT) WHERE fid = 1")
    result = _check(path)
    assert any("layer 'farmland' could not be used" in w for w in result.warnings)
    record = _farmland_record(result)
    assert record.status == "unreadable"
    assert "feature 1, field 'BSM' holds text that is not UTF-8 (bytes ff fe 41)" in record.detail
    assert "encoding UTF-8" in record.detail
    assert result.status("S1") == "unknown"


def test_a_curved_geometry_near_a_site_makes_the_checks_unknown_and_says_how_to_fix(
    farmland, reader
):
    _, damaged = farmland
    path = damaged(
        "curved.gpkg",
        f"UPDATE farmland SET geom = X'{_CURVED_BLOB.hex()}' WHERE fid = 2",
        f"UPDATE rtree_farmland_geom SET minx = {X0 + 400}, maxx = {X0 + 800}, "
        f"miny = {Y0}, maxy = {Y0 + 200} WHERE id = 2",
    )
    result = _check(path)  # not an internal error
    record = _farmland_record(result)
    assert record.status == "unreadable"
    assert f"{path} holds curved geometries (circular arcs" in record.detail
    assert "ogr2ogr -nlt CONVERT_TO_LINEAR --config OGR_ARC_STEPSIZE 0.1" in record.detail
    assert any("layer 'farmland' could not be used" in w for w in result.warnings)
    assert result.status("S1") == "unknown"


def test_curved_sites_are_refused_with_the_fix_and_nothing_written(farmland, tmp_path):
    from click.testing import CliRunner

    from landcheck.cli.main import cli

    _, damaged = farmland
    path = damaged("curved-sites.gpkg", f"UPDATE farmland SET geom = X'{_CURVED_BLOB.hex()}'")
    out = tmp_path / "report"
    run = CliRunner().invoke(cli, ["check", f"{path}:farmland", "-o", str(out), "-f", "json"])
    assert run.exit_code == 1, run.output
    assert "holds curved geometries" in run.output and "Traceback" not in run.output
    assert "internal error" not in run.output and not out.exists()


def test_curved_sites_gdal_reads_are_refused_too_not_turned_into_chords(tmp_path):
    """Sites sqlite3 does not read (a DATE field) go to GDAL, which reads a generic layer by Arrow.

    Feature by feature, GDAL would have turned the arc into 4° chords without a word.
    """
    import datetime

    import pandas as pd
    import pyogrio
    from click.testing import CliRunner

    from landcheck.cli.main import cli

    path = str(tmp_path / "dated.gpkg")
    dated = frame(
        [
            {"BSM": "a", "geometry": square(0, 0, 400)},
            {"BSM": "b", "geometry": square(400, 0, 400)},
        ]
    )
    dated["DAY"] = pd.to_datetime([datetime.date(2026, 1, 1), datetime.date(2026, 1, 2)])
    pyogrio.write_dataframe(dated, path, layer="sites", geometry_type="Unknown")
    with sqlite3.connect(path) as con:
        assert dict(con.execute("SELECT name, type FROM pragma_table_info('sites')"))["DAY"] in (
            "DATE",
            "DATETIME",
        )
        _gpkg_functions(con)
        con.execute(f"UPDATE sites SET geom = X'{_CURVED_BLOB.hex()}' WHERE fid = 2")
    out = tmp_path / "report"
    run = CliRunner().invoke(cli, ["check", f"{path}:sites", "-o", str(out), "-f", "json"])
    assert run.exit_code == 1, run.output
    assert "holds curved geometries" in run.output and not out.exists()


def test_a_blob_of_another_geopackage_version_is_no_geometry_to_either_reader(farmland, reader):
    # GDAL reads no geometry from a blob whose version byte is not 0; sqlite3 read the
    # polygon: 100,000 m² and "prohibited" from a few features, "unknown" from many
    sound, damaged = farmland
    with sqlite3.connect(sound) as con:
        (blob,) = con.execute("SELECT geom FROM farmland WHERE fid = 2").fetchone()
    other = (blob[:2] + b"\x01" + blob[3:]).hex()
    path = damaged("version.gpkg", f"UPDATE farmland SET geom = X'{other}' WHERE fid = 2")
    result = _check(path)
    assert _farmland_record(result).status == "unreadable"
    assert result.status("S1") == "unknown"


def test_a_ring_geos_cannot_build_makes_the_checks_unknown_with_either_reader(farmland, reader):
    # a ring whose last point is not its first: GDAL hands it over, shapely refuses it; read
    # by pyogrio, the check ended in a GEOSException
    _, damaged = farmland
    corners = [(X0 + 400, Y0), (X0 + 800, Y0), (X0 + 800, Y0 + 400), (X0 + 400, Y0 + 400)]
    ring = struct.pack("<BIII", 1, 3, 1, 4) + b"".join(struct.pack("<2d", *c) for c in corners)
    path = damaged(
        "open-ring.gpkg",
        f"UPDATE farmland SET geom = X'{(_GPKG_HEADER + ring).hex()}' WHERE fid = 2",
        f"UPDATE rtree_farmland_geom SET minx = {X0 + 400}, maxx = {X0 + 800}, "
        f"miny = {Y0}, maxy = {Y0 + 400} WHERE id = 2",
    )
    result = _check(path)
    record = _farmland_record(result)
    assert record.status == "unreadable" and "feature 2" in record.detail
    assert result.status("S1") == "unknown"


def test_a_geopackage_with_changes_still_in_its_wal_is_not_read_and_left_as_it_is(farmland):
    # a file open in QGIS keeps saved changes in its -wal: GDAL wrote them into the file when
    # it closed it and removed the log, so a check changed its input (and its SHA-256)
    import hashlib
    import os
    import pathlib
    import shutil

    sound, _ = farmland
    path = sound.replace("farmland.gpkg", "open-in-qgis.gpkg")
    shutil.copy(sound, path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE gpkg_contents SET description = 'edited'")
    con.commit()
    before = hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
    try:
        result = _check(path)
        after = hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()
        wal = os.path.getsize(path + "-wal")
    finally:
        con.close()  # the test's own connection writes the log into the file now
    assert after == before and wal > 0
    record = _farmland_record(result)
    assert record.status == "unreadable" and "has changes not yet written into it" in (
        record.detail
    )
    assert result.status("S1") == "unknown"
