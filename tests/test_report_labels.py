"""What the report tables' headers and figures say: the area method, slivers, areas concerned.

All numbers by construction: a 100 m square site at (0, 0) near the zone's central
meridian (its ellipsoidal area a little under its planar 10,000 m²), and layers of
known rectangles.
"""

from __future__ import annotations

import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.tables import report_tables

_TABLES = ("farmland", "eco_redline", "urban_boundary", "planning", "layers")
"""The tables whose area columns hold the run's method's figure without naming it."""


def _layers() -> dict:
    return {
        "land_use": frame([{"BSM": "L", "DLBM": "0301", "geometry": square(-10, -10, 120)}]),
        "farmland": frame([{"BSM": "F", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}]),
        "eco_redline": frame([{"BSM": "E", "geometry": square(70, 0, 30, 100)}]),
        "urban_boundary": frame([{"BSM": "U", "geometry": square(0, 0, 50, 100)}]),
        "planning_zones": frame([{"GHFQDM": "010100", "geometry": square(-10, -10, 120)}]),
    }


@pytest.mark.parametrize(
    ("method", "zh", "en"),
    [("ellipsoidal", "椭球面积", "ellipsoidal area"), ("planar", "平面面积", "planar area")],
)
def test_the_layer_tables_name_the_area_method_their_figures_are(method, zh, en):
    # the farmland table headed "面积（平方米）" / "area (m²)" over the ellipsoidal figure of an
    # ellipsoidal run, where the land-class table heads 平面面积 and 椭球面积 apart
    result = landcheck.check(
        sites(square(0, 0, 100)), layers=_layers(), coverage=county(), area_method=method
    )
    tables = {lang: report_tables(result, lang) for lang in ("zh", "en")}
    for key in _TABLES:
        zh_headers, en_headers = tables["zh"][key].headers(), tables["en"][key].headers()
        name = "叠加" + zh if key == "layers" else zh
        assert [f"{name}（{u}）" for u in ("公顷", "亩", "平方米")] == [
            h for h in zh_headers if h.startswith(name)
        ], key
        assert "面积（平方米）" not in zh_headers and "area (m²)" not in en_headers, key
        noun = en.replace("area", "overlap") if key == "layers" else en
        assert f"{noun} (m²)" in en_headers and f"{noun} (ha)" in en_headers, key
    # the farmland column holds that method's figure: 30 m x 100 m
    farmland = tables["zh"]["farmland"].frame
    m2 = farmland.loc[farmland["_role"] == "total", "m2"].iloc[0]
    piece = result.site_findings("S1")
    taken = next(f for f in piece if f.check == "permanent_farmland").area
    assert m2 == pytest.approx(getattr(taken, f"{method}_m2"), rel=1e-12)
    assert m2 == pytest.approx(3_000.0, rel=1e-3)

