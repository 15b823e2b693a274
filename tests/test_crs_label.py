"""crs_label names every CRS: its EPSG code, else its name, else its PROJ string.

A CRS given as a PROJ string has no name; PROJ calls it "unknown", and findings.json said
``analysis_crs: "unknown"`` and ``analysis_crs_reason: "given: unknown"``, which tells no reader
which plane the planar areas are in.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely import box

import landcheck
from landcheck.crs import crs_label
from landcheck.errors import AnalysisCRSError

# a transverse Mercator at 104°E on GRS80: on no CGCS2000 Gauss-Kruger zone's meridian
TMERC = "+proj=tmerc +lat_0=0 +lon_0=104 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def test_a_proj_string_is_its_own_label_and_reads_back_as_the_crs():
    crs = CRS.from_user_input(TMERC)
    assert crs.name == "unknown"
    label = crs_label(crs)
    assert label.startswith("+proj=tmerc +lat_0=0 +lon_0=104 +k=1 +x_0=500000")
    assert CRS.from_user_input(label).equals(crs)


def test_epsg_codes_and_names_stay_as_they_were():
    assert crs_label(CRS.from_epsg(4523)) == "EPSG:4523"
    local = CRS.from_user_input(TMERC).to_json_dict() | {"name": "某市独立坐标系"}
    named = CRS.from_json_dict(local)
    assert crs_label(named) == "某市独立坐标系"


def test_findings_say_which_custom_crs_the_areas_are_in(tmp_path):
    site = gpd.GeoDataFrame(
        {"site_id": ["A"]}, geometry=[box(500_000, 2_700_000, 500_100, 2_700_100)], crs=TMERC
    )
    result = landcheck.check(site, layers={}, crs=TMERC, area_method="planar")
    found = result.to_dict()
    label = crs_label(CRS.from_user_input(TMERC))
    assert found["analysis_crs"] == label
    assert found["analysis_crs_reason"] == f"given: {label}"
    assert found["sites"][0]["measuring_crs"] == label
    assert found["sites"][0]["area"]["planar_m2"] == pytest.approx(10_000.0, abs=1e-6)
    with pytest.raises(AnalysisCRSError, match=r"are measured in \+proj=tmerc .*lon_0=104"):
        result.to_report(str(tmp_path / "r"), formats="txt")
