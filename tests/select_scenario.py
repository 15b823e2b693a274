"""Analytic layers for the site-selection tests: every answer is known by construction.

A 4 km × 1 km strip (x 0–4000, y 0–1000 from X0, Y0 in EPSG:4523):

===========  ==============================================================
land use     x 0–1000 paddy 0101 · 1000–2000 dry land 0103 ·
             2000–3000 industrial 0601 · 3000–4000 other grassland 0404;
             two 10 m parcels 1.5 km beyond the strip's corners (the survey's box)
planning     0401 (urban concentrated construction, conforms) everywhere
urban bdy    x 0–3000
farmland     x 0–400 (full height) and a 50 × 100 block at x 2900–2950, y 0–100
redline      x 3800–4000
review       geohazard: 不易发 everywhere; forest, grassland, wetland, protected
             areas, mineral rights, heritage, illegal land: one 50 m square each at x 3900–3950,
             y 0–50 (in the redline, clear of every candidate and search area);
             a hazard point at (3925, 25)
===========  ==============================================================

The candidates are industrial projects whose facts (建筑基底面积 40 %, 行政办公及生活服务设施
5 % of their 4 ha) meet the land-use standard, so the review adds nothing to their status.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from common import GK35, frame, square


def land_use() -> gpd.GeoDataFrame:
    """The strip's four parcels, and two 10 m parcels 1.5 km beyond its corners.

    The survey's box is what describes the land around a site (no coverage polygon is
    given): the far parcels make it hold the geohazard points' 1,000 m notice band around
    every candidate, which would otherwise reach beyond it (``band_outside``, unknown).
    """
    codes = [("L1", "0101", 0), ("L2", "0103", 1000), ("L3", "0601", 2000), ("L4", "0404", 3000)]
    strip = [
        {"BSM": b, "DLBM": c, "QSXZ": "30", "geometry": square(x, 0, 1000)} for b, c, x in codes
    ]
    far = [
        {"BSM": b, "DLBM": "0404", "QSXZ": "30", "geometry": square(x, y, 10)}
        for b, x, y in (("L5", -1500, -1500), ("L6", 5490, 2490))
    ]
    return frame(strip + far)


def planning() -> gpd.GeoDataFrame:
    return frame([{"BSM": "Z1", "GHFQDM": "0401", "geometry": square(0, 0, 4000, 1000)}])


def urban() -> gpd.GeoDataFrame:
    return frame([{"BSM": "U1", "geometry": square(0, 0, 3000, 1000)}])


def farmland() -> gpd.GeoDataFrame:
    return frame(
        [
            {"BSM": "F1", "DLBM": "0101", "geometry": square(0, 0, 400, 1000)},
            {"BSM": "F2", "DLBM": "0601", "geometry": square(2900, 0, 50, 100)},
        ]
    )


def redline() -> gpd.GeoDataFrame:
    return frame([{"BSM": "R1", "geometry": square(3800, 0, 200, 1000)}])


def review_layers() -> dict[str, gpd.GeoDataFrame]:
    """The review layers: present, and touching none of the candidates."""
    corner = square(3900, 0, 50)
    fields = {
        "forest": {"BHDJ": "Ⅰ", "GYLDJ": "国家级公益林"},
        "grassland": {"JBCY": "是", "CYLX": "热性草丛"},
        "wetland": {"SDMC": "湿地", "ZYSDJB": "国家重要湿地"},
        "protected_areas": {"BHDMC": "保护区", "GNFQ": "核心保护区"},
        "mineral_rights": {"QLLX": "采矿权", "KZ": "铝土矿", "ZLXKC": "是", "QLR": "某公司"},
        "heritage": {"WWMC": "古桥", "FWLX": "保护范围"},
        "illegal_land": {"JCBH": "WP2024-0001", "CCZT": "未查处"},
    }
    out = {
        key: frame([{"BSM": f"{key}1", **row, "geometry": corner}]) for key, row in fields.items()
    }
    out["geohazard"] = frame(
        [{"BSM": "G1", "YFCD": "不易发", "geometry": square(0, 0, 4000, 1000)}]
    )
    out["geohazard_points"] = gpd.GeoDataFrame(
        {"YHDBH": ["HP1"]}, geometry=[shapely.centroid(corner)], crs=GK35
    )
    return out


def layers() -> dict[str, gpd.GeoDataFrame]:
    """Every layer the built-in profile's rules read."""
    return {
        "farmland": farmland(),
        "eco_redline": redline(),
        "urban_boundary": urban(),
        "planning_zones": planning(),
        "land_use": land_use(),
        **review_layers(),
    }


def candidates() -> gpd.GeoDataFrame:
    """Five 200 m squares (4 ha) for an industrial project.

    ======  ======================================  ================================
    site    where                                   expected
    ======  ======================================  ================================
    C1      x 300–500 (paddy, half on farmland)     prohibited, score 44
    C2      x 1400–1600 (dry land, inside UDB)      conditional, score 12
    C3      x 2400–2600 (industrial)                not_involved, 424.26 m from F2
    C4      x 3300–3500 (grassland, outside UDB)    prohibited, score 4
    C6      x 2050–2250 (industrial)                not_involved, 715.89 m from F2
    ======  ======================================  ================================
    """
    xs = {"C1": 300, "C2": 1400, "C3": 2400, "C4": 3300, "C6": 2050}
    return frame(
        [
            {
                "site_id": sid,
                "name": f"方案{sid}",
                "project_class": "industrial",
                "footprint_m2": 16_000.0,
                "office_area_m2": 2_000.0,
                "geometry": square(x, 400, 200),
            }
            for sid, x in xs.items()
        ]
    )


def write_all(write_gpkg, **extra) -> str:
    """All layers and the candidates in one GeoPackage; returns its path."""
    return write_gpkg(candidates=candidates(), **layers(), **extra)


def layer_options(path: str) -> list[str]:
    """``--layer`` options for :func:`write_all`'s GeoPackage."""
    out = []
    for key in ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use"):
        out += ["--layer", f"{key}={path}:{key}"]
    return out
