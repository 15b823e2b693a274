"""The sample county as a FileGDB, the survey's own delivery format: the GeoPackage's findings.

A FileGDB stores coordinates on a grid (GDAL writes an ``XYScale`` of 10,000 for a metric
CRS: 0.1 mm), so its areas are the GeoPackage's to that grid, not to the bit. Its layers are
asked for the features near the sites through their own spatial index on one open
(:mod:`landcheck.io.layer_ids`), then read by id.
"""

from __future__ import annotations

import math

import pyogrio
import pytest
from common import SAMPLE_LAYER_KEYS

import landcheck
import landcheck.io.filtered as filtered

GRID_M2 = 0.01
"""How far a (site, layer) area from the FileGDB may be from the GeoPackage's (its 0.1 mm grid
moves a parcel's area by at most its perimeter times that)."""


@pytest.fixture(scope="module")
def filegdb(sample_gpkg, tmp_path_factory):
    """Every sample layer in one FileGDB, as GDAL writes it (with its spatial index)."""
    path = str(tmp_path_factory.mktemp("filegdb") / "luxi.gdb")
    for number, key in enumerate(SAMPLE_LAYER_KEYS):
        frame = pyogrio.read_dataframe(sample_gpkg, layer=key)
        pyogrio.write_dataframe(
            frame,
            path,
            layer=key,
            driver="OpenFileGDB",
            append=number > 0,
            # 64-bit integer fields as ArcGIS Pro 3.2 writes them (else GDAL warns, and writes
            # them as doubles)
            layer_options={"TARGET_ARCGIS_VERSION": "ARCGIS_PRO_3_2_OR_LATER"},
        )
    return path


def test_findings_are_the_geopackage_s_to_the_filegdb_s_grid(
    sample_gpkg, sample_layers, filegdb, monkeypatch
):
    sites = f"{sample_gpkg}:sites"
    from_gpkg = landcheck.check(sites, layers=sample_layers)
    asked = []
    real = filtered.ids_meeting

    def ids_meeting(source, layer, boxes, fields=()):
        found = real(source, layer, boxes, fields)
        asked.append((layer, found is not None))  # None: fiona could not open it
        return found

    monkeypatch.setattr(filtered, "ids_meeting", ids_meeting)
    from_gdb = landcheck.check(sites, layers={k: f"{filegdb}:{k}" for k in SAMPLE_LAYER_KEYS})
    # the sites are spread: every layer is asked through its index, on one open each
    assert sorted(asked) == sorted((key, True) for key in SAMPLE_LAYER_KEYS)
    assert [from_gdb.status(s) for s in from_gdb.site_ids] == [
        from_gpkg.status(s) for s in from_gpkg.site_ids
    ]
    checks = [[(f.check, f.status) for f in fs] for fs in from_gdb.findings]
    assert checks == [[(f.check, f.status) for f in fs] for fs in from_gpkg.findings]
    ours, theirs = from_gdb.layer_table, from_gpkg.layer_table
    assert ours[["site_id", "layer"]].equals(theirs[["site_id", "layer"]])
    for column in ("planar_m2", "ellipsoidal_m2"):
        gaps = (ours[column] - theirs[column]).abs().fillna(0.0)
        assert gaps.max() <= GRID_M2, column
    assert theirs["planar_m2"].sum() > 1e6  # a real comparison: the sites take hectares
    records = {r.key: r for r in from_gdb.inputs if r.role == "layer"}
    files = {r.key: r for r in from_gpkg.inputs if r.role == "layer"}
    for key in SAMPLE_LAYER_KEYS:
        assert records[key].extra["driver"] == "OpenFileGDB"
        assert records[key].features_read == files[key].features_read > 0


def _arcs_gdb(path: str, arc_x: float) -> str:
    """Farmland in a FileGDB: a 400 m square, and a half-disc of radius 100 m at ``arc_x``.

    The half-disc's edge is a true arc (a ``CURVEPOLYGON``, as ArcGIS draws one), which
    GDAL would hand over feature by feature as chords of 4° of arc.
    """
    import struct

    import numpy as np
    from common import X0, Y0, arc_polygon_wkb
    from pyogrio.raw import write

    half_disc = arc_polygon_wkb(X0 + arc_x, Y0, X0 + arc_x + 200, Y0 + 100)
    square = struct.pack("<BIII10d", 1, 3, 1, 5, X0, Y0 - 400, X0 + 400, Y0 - 400,
                         X0 + 400, Y0, X0, Y0, X0, Y0 - 400)  # fmt: skip
    write(
        path,
        geometry=np.array([square, half_disc], dtype=object),
        field_data=[np.array(["F1", "F2"], dtype=object)],
        fields=["BSM"],
        layer="farmland",
        driver="OpenFileGDB",
        geometry_type="Polygon",
        crs="EPSG:4523",
    )
    return path


HALF_DISC_M2 = math.pi * 100.0**2 / 2
"""The half-disc's area, its arc exact."""

FINE_CHORDS_M2 = 100.0**2 * math.pi * math.radians(0.1) ** 2 / 12
"""What chords of 0.1° cut off a half circle of 100 m (``FINE_ARCS``): 0.008 m²."""


def test_arcs_near_the_sites_come_as_fine_chords_the_area_to_a_hundredth(tmp_path):
    """GDAL hands a File Geodatabase's arcs over as chords, with no sign they were arcs.

    By default 4° of arc a chord: the half-disc of 100 m came out 12.8 m² short. Read
    with ``FINE_ARCS``, the farmland under the site is the square and the half-disc to
    0.008 m².
    """
    from common import sites, square

    path = _arcs_gdb(str(tmp_path / "arcs.gdb"), 0.0)
    site = sites(square(-50, -450, 600, 600))  # the square and the half-disc inside it
    result = landcheck.check(site, layers={"farmland": path}, area_method="planar")
    assert next(r for r in result.inputs if r.key == "farmland").status == "ok"
    area = result.layer_area("S1", "farmland").planar_m2
    assert area == pytest.approx(160_000.0 + HALF_DISC_M2, abs=FINE_CHORDS_M2 + GRID_M2)
    assert area < 160_000.0 + HALF_DISC_M2  # chords lie inside their arc


def test_arcs_away_from_the_sites_leave_the_layer_as_it_was(tmp_path):
    from common import sites, square

    path = _arcs_gdb(str(tmp_path / "far.gdb"), 5_000.0)
    site = sites(square(0, -400, 200, 300))  # on the square alone
    result = landcheck.check(site, layers={"farmland": path}, area_method="planar")
    assert next(r for r in result.inputs if r.key == "farmland").status == "ok"
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(60_000.0, abs=GRID_M2)


def test_sites_with_arcs_come_as_fine_chords(tmp_path):
    from landcheck.io.sites import read_sites

    path = _arcs_gdb(str(tmp_path / "sites.gdb"), 0.0)
    frame, _ = read_sites(f"{path}:farmland")
    half_disc = frame.geometry.area.iloc[1]
    assert half_disc == pytest.approx(HALF_DISC_M2, abs=FINE_CHORDS_M2 + GRID_M2)
    assert HALF_DISC_M2 - half_disc > 0.001  # chords still, not the arc (GDAL says nothing)
