"""The land rules (耕地, 农转用, 征收, PV arrays) say no more than their layers tell: analytic
squares with known areas, each case a figure or a verdict a reviewer would have signed."""

from __future__ import annotations

import pytest
from common import X0, Y0, county, frame, sites, square
from shapely import box

import landcheck

PLANAR = {"area_method": "planar", "coverage": county()}


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def parcel(code: str, geometry, kcxs: float = 0.0, **fields) -> dict:
    return {"BSM": f"L{id(geometry)}", "DLBM": code, "KCXS": kcxs, **fields, "geometry": geometry}


@pytest.mark.parametrize(
    "strip",
    [
        box(X0 + 99.5, Y0 + 99, X0 + 100.5, Y0 + 100),  # 0.5 m² in the site's corner
        box(X0 + 99.95, Y0, X0 + 100.05, Y0 + 100),  # 5 m², 0.05 m wide
    ],
)
def test_a_pv_array_touching_cultivated_land_by_a_sliver_is_a_note_not_clear(strip):
    # the sliver from involvement() became "array_clear": 光伏方阵不占用耕地
    survey = frame(
        [
            parcel("0301", square(-100, -100, 300).difference(strip)),
            parcel("0103", strip),
        ]
    )
    site = sites(square(0, 0, 100), project_type=["pv_array"])
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    found = finding(result, "pv_siting")
    assert (found.outcome, found.status) == ("sliver", "info")
    assert found.area.planar_m2 == pytest.approx(strip.area / 2, abs=1e-6)
    assert "suspected boundary error" in found.message.en
    assert "不占用耕地" not in found.message.zh
    assert f"{strip.area / 2:.2f} 平方米的细小重叠" in found.message.zh


def test_the_grades_of_cultivated_land_count_cultivated_parcels_only():
    # a grade on a 0301 forest or 0702 housing parcel was listed as cultivated land:
    # "0等 1.0000 公顷、5等 0.9000 公顷、7等 1.0000 公顷" beside 0.9000 ha of 耕地
    survey = frame(
        [
            parcel("0101", square(0, 0, 100), 0.1, GDDB="5"),
            parcel("0301", square(100, 0, 100), GDDB="0"),
            parcel("0702", square(200, 0, 100), GDDB="7"),
        ]
    )
    result = landcheck.check(sites(square(0, 0, 300, 100)), layers={"land_use": survey}, **PLANAR)
    found = finding(result, "cultivated_land")
    assert found.area.planar_m2 == pytest.approx(9_000.0)
    assert "；按耕地质量等别（GDDB）：5等 0.9000 公顷。" in found.message.zh
    assert "; by quality grade (GDDB): grade 5 0.9000 ha." in found.message.en
