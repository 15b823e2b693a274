"""A GeoPackage layer described with sqlite3 is described as GDAL (pyogrio) does, or not at all."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from common import sites, square

from landcheck.io import gpkg_meta, gpkg_rows
from landcheck.io.vector import LayerSource, layer_summary, resolve_layer


def pyogrio_view(path, layer, keys):
    info = pyogrio.read_info(path, layer=layer, force_total_bounds=True)
    out = {k: info[k] for k in keys}
    if "fields" in out:
        out["fields"] = [str(f) for f in out["fields"]]
    return out


@pytest.fixture
def county(tmp_path):
    path = str(tmp_path / "county.gpkg")
    land = sites(
        square(0, 0, 100),
        square(300, 0, 50),
        DLBM=["0101", None],
        TBMJ=[1.5, np.nan],
        N=pd.array([1, None], dtype="Int64"),
    )
    land.to_file(path, layer="land_use")
    land.to_crs(4490).to_file(path, layer="geographic")
    land.iloc[:0].to_file(path, layer="empty")
    return path


@pytest.mark.parametrize("layer", ["land_use", "geographic"])
def test_a_layer_is_summarised_as_pyogrio_reads_it(county, layer):
    mine = gpkg_meta.layer_summary(county, layer)
    assert mine is not None
    assert mine == pyogrio_view(county, layer, mine)
    assert mine["fields"] == ["site_id", "DLBM", "TBMJ", "N"] and mine["features"] == 2


def test_what_is_not_certainly_gdals_answer_is_left_to_gdal(county):
    assert gpkg_meta.layer_summary(county, "empty") is None  # no features: GDAL's extent
    assert gpkg_meta.layer_summary(county, "LAND_USE") is None  # another case: GDAL's lookup
    assert not gpkg_meta.has_layer(county, "LAND_USE")
    assert not gpkg_meta.has_layer(county, "no_such_layer")
    with sqlite3.connect(county) as con:
        con.execute("UPDATE gpkg_spatial_ref_sys SET organization = 'NONE' WHERE srs_id = 4523")
    assert gpkg_meta.layer_summary(county, "land_use") is None  # not an EPSG code: GDAL's WKT


def test_the_summary_for_gdal_left_layers_is_pyogrios(county):
    summary = layer_summary(LayerSource(county, "empty"), "empty")
    assert summary["features"] == 0 and summary["driver"] == "GPKG"
    assert {k: summary[k] for k in ("crs", "features")} == pyogrio_view(
        county, "empty", ("crs", "features")
    )
    assert "capabilities" in summary  # pyogrio's whole info


def test_a_named_geopackage_layer_is_resolved_without_listing_and_a_wrong_one_is_named(county):
    assert resolve_layer(LayerSource(county, "land_use"), "layer") == "land_use"
    with pytest.raises(Exception, match="has no layer 'nope'; its layers are: land_use"):
        resolve_layer(LayerSource(county, "nope"), "layer")


def test_the_crs_of_a_summary_is_the_one_gdal_declares(county):
    from landcheck.io.vector import declared_crs, layer_crs

    crs = layer_crs(LayerSource(county, "geographic"))
    assert crs == gpd.read_file(county, layer="geographic").crs
    assert declared_crs({"crs": None}) is None


def test_a_geopackage_sqlite3_cannot_open_is_left_to_gdal(tmp_path, monkeypatch):
    path = str(tmp_path / "locked.gpkg")
    sites(square(0, 0, 100)).to_file(path, layer="sites")

    def refused(_path):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(gpkg_rows, "_connect_read_only", refused)
    assert not gpkg_meta.has_layer(path, "sites")
    assert gpkg_meta.layer_summary(path, "sites") is None
    assert resolve_layer(LayerSource(path, "sites"), "sites") == "sites"  # GDAL's listing


def test_a_summary_is_found_once_per_file_version_and_each_caller_gets_its_own(county):
    first = gpkg_meta.layer_summary(county, "land_use")
    first["fields"].append("mine")
    first["driver"] = "mine"
    again = gpkg_meta.layer_summary(county, "land_use")
    assert again == pyogrio_view(county, "land_use", list(again))
    sites(square(0, 0, 100), square(300, 0, 50), square(600, 0, 10)).to_file(
        county, layer="land_use", mode="w"
    )
    assert gpkg_meta.layer_summary(county, "land_use")["features"] == 3
