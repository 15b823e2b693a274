"""Planning zones: conformity and planned construction land say no more than the zone codes
tell. Analytic squares with known areas; each case a verdict a reviewer would have signed."""

from __future__ import annotations

from common import county, frame, sites, square

import landcheck

PLANAR = {"area_method": "planar", "coverage": county()}

FAR_FARMLAND = frame([{"BSM": "F", "DLBM": "0101", "geometry": square(9000, 9000, 10)}])
"""Farmland known to lie elsewhere."""

DRY_LAND = frame([{"BSM": "L", "DLBM": "0103", "QSXZ": "30", "geometry": square(-100, -100, 300)}])
"""旱地 (农用地, collective) under every site of these tests."""


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def zones(*rows: tuple[str, object]) -> object:
    """A planning-zone layer of (GHFQDM, geometry) rows, in this file order."""
    return frame(
        [{"BSM": f"Z{i}", "GHFQDM": code, "geometry": g} for i, (code, g) in enumerate(rows)]
    )


def check(zone_layer, profile=None, site=None):
    site = site if site is not None else sites(square(0, 0, 100), project_type=["industrial"])
    layers = {"planning_zones": zone_layer, "land_use": DRY_LAND, "farmland": FAR_FARMLAND}
    extra = {"profile": profile} if profile is not None else {}
    return landcheck.check(site, layers=layers, **PLANAR, **extra)


# ------------------------------------------------------------------ no zone on the site


def test_no_zone_on_any_site_is_said_to_be_a_gap_in_the_zones():
    # was: "规划分区图层的代码表未标明规划建设用地" (the table marks it: no zone touched a site)
    result = check(zones(("0401", square(500, 500, 100))))
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("conversion", "conditional")
    assert "规划分区图层有 10000.00 平方米未覆盖项目用地，无法判断" in found.message.zh
    assert "the planning zones layer does not cover 10000.00 m² of the site" in found.message.en
    assert "代码表未标明" not in found.message.zh
