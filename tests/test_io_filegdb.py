"""The sample county as a FileGDB, the survey's own delivery format: the GeoPackage's findings.

A FileGDB stores coordinates on a grid (GDAL writes an ``XYScale`` of 10,000 for a metric
CRS: 0.1 mm), so its areas are the GeoPackage's to that grid, not to the bit. Its layers are
asked for the features near the sites through their own spatial index on one open
(:mod:`landcheck.io.layer_ids`), then read by id.
"""

from __future__ import annotations

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
