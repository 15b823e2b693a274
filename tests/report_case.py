"""A result with areas known by construction, shared by the report tests.

Planar areas, so every number is exact:

S1 "工业园" (industrial), 200 x 100 m = 2.0000 ha:
    land use: paddy 0101 100 x 100 (KCXS 0.1), dry 0103 50 x 100 (KCXS 0.2), rural
    homestead 0702 30 x 100, and 20 x 100 the survey does not cover (a gap inside the
    county, whose boundary is given as the coverage polygon); so 水田 0.9 ha,
    旱地 0.4 ha, 田坎 0.2 ha, 农村宅基地 0.3 ha, uncovered 0.2 ha;
    permanent farmland over the paddy (1.0 ha, half the site), redline 20 x 20 in the
    homestead corner, urban boundary over x >= 100 (1.0 ha inside), planning zones 03
    (farmland protection) for x < 100 and 0401 for x >= 100; two townships split at x = 100.
S2 "三分地" (energy), 100 x 100 m = 1.0000 ha far to the east, in three equal strips of
    forest 0301, homestead 0702 and other grassland 0404: one third of a hectare each, so
    naive rounding shows 0.3333 three times under a total of 1.0000.
"""

from __future__ import annotations

from functools import lru_cache

from common import county, frame, sites, square

import landcheck

THIRD = 100.0 / 3.0


def _land_use():
    rows = [
        {
            "BSM": "a",
            "DLBM": "0101",
            "DLMC": "水田",
            "KCXS": 0.1,
            "QSXZ": "30",
            "TBMJ": 10_000.0,
            "ZLDWDM": "530325100201",
            "ZLDWMC": "甲村",
            "geometry": square(0, 0, 100),
        },
        {
            "BSM": "b",
            "DLBM": "0103",
            "DLMC": "旱地",
            "KCXS": 0.2,
            "QSXZ": "30",
            "TBMJ": 5_000.0,
            "ZLDWDM": "530325101202",
            "ZLDWMC": "乙村",
            "geometry": square(100, 0, 50, 100),
        },
        {
            "BSM": "c",
            "DLBM": "0702",
            "DLMC": "农村宅基地",
            "KCXS": 0.0,
            "QSXZ": "30",
            "TBMJ": 3_000.0,
            "ZLDWDM": "530325101202",
            "ZLDWMC": "乙村",
            "geometry": square(150, 0, 30, 100),
        },
    ]
    for i, code in enumerate(("0301", "0702", "0404")):
        x0 = 1000 + i * THIRD
        rows.append(
            {
                "BSM": f"t{i}",
                "DLBM": code,
                "DLMC": "",
                "KCXS": 0.0,
                "QSXZ": "30",
                "TBMJ": None,
                "ZLDWDM": "530325101203",
                "ZLDWMC": "丙村",
                "geometry": square(x0, 0, THIRD if i < 2 else 1100 - x0, 100),
            }
        )
    return frame(rows)


def layers() -> dict:
    return {
        "land_use": _land_use(),
        "farmland": frame(
            [{"BSM": "F1", "DLBM": "0101", "DLMC": "水田", "geometry": square(0, 0, 100)}]
        ),
        "eco_redline": frame(
            [{"BSM": "R1", "MC": "山地生态红线", "geometry": square(160, 80, 40, 40)}]
        ),
        "urban_boundary": frame(
            [
                {
                    "BSM": "U1",
                    "GHFQDM": "0401",
                    "GHFQMC": "城镇集中建设区",
                    "geometry": square(100, -50, 1100, 200),
                }
            ]
        ),
        "planning_zones": frame(
            [
                {"BSM": "P1", "GHFQDM": "03", "geometry": square(-50, -50, 150, 200)},
                {"BSM": "P2", "GHFQDM": "0401", "geometry": square(100, -50, 1100, 200)},
            ]
        ),
        "townships": frame(
            [
                {"XZQDM": "530325100", "XZQMC": "中枢镇", "geometry": square(-50, -50, 150, 200)},
                {"XZQDM": "530325101", "XZQMC": "白水镇", "geometry": square(100, -50, 1100, 200)},
            ]
        ),
    }


def site_frame():
    return sites(
        square(0, 0, 200, 100),
        square(1000, 0, 100),
        name=["工业园", "三分地"],
        project_class=["industrial", "energy"],
    )


@lru_cache(maxsize=2)
def result(method: str = "planar") -> landcheck.CheckResult:
    """The checked case (cached: a CheckResult is not modified by the reports)."""
    return landcheck.check(site_frame(), layers=layers(), area_method=method, coverage=county())
