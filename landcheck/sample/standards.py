"""The sample county's land-use standard index table (synthetic): its rows and its CSV text.

The rows bound what the sample sites exercise (columns as docs/profile.md,
"Land-use standard index table"): 投资强度 and 容积率 for the two industries of the
industrial sites (GB/T 4754 大类 30 非金属矿物制品业, 32 有色金属冶炼和压延加工业) on
land grades 10–15, where the sites' 土地等别 (:data:`LAND_GRADE`) lies, and the land per
kilometre of a county road of grade 二级 and 三级 (:data:`ROAD_GRADES`). Every number is
invented for the sample and its ``source`` says so: none is a value of the 2008
《工业项目建设用地控制指标》 or of 《公路工程项目建设用地指标》.
:func:`landcheck.io.sample_files.write_sample` writes :func:`standards_csv` beside the
sample GeoPackage as ``standards.csv``, which the demo gives its run.
"""

from __future__ import annotations

import csv
import io

from landcheck.sample.county import SYNTHETIC_NOTE

__all__ = ["LAND_GRADE", "ROAD_GRADES", "STANDARDS_FILE", "STANDARDS_ROWS", "standards_csv"]

STANDARDS_FILE = "standards.csv"
"""The table's file name in the sample folder."""

LAND_GRADE = "十二等"
"""The 土地等别 the sample's industrial sites with figures state (synthetic)."""

ROAD_GRADES = {"S05": "二级公路", "S13": "三级公路"}
"""The grade of works of the sample's county roads: site id → ``project_grade``."""

_SOURCE = f"{SYNTHETIC_NOTE}，示例指标 / invented, not official"

STANDARDS_ROWS: tuple[tuple[str, ...], ...] = (
    ("table", "key", "grade", "indicator", "min", "max", "unit", "source"),
    ("industry", "30", "10-15", "investment_wan_per_ha", "1200", "", "", _SOURCE),
    ("industry", "30", "10-15", "plot_ratio", "0.7", "", "", _SOURCE),
    ("industry", "32", "10-15", "investment_wan_per_ha", "1500", "", "", _SOURCE),
    ("industry", "32", "10-15", "plot_ratio", "0.6", "", "", _SOURCE),
    ("sector", "county_road", "二级公路", "land_ha_per_km", "", "2.6", "", _SOURCE),
    ("sector", "county_road", "三级公路", "land_ha_per_km", "", "2.0", "", _SOURCE),
)
"""The header, then the rows: industry 30 and 32 on land grades 10–15, county roads by grade.

With the sample's figures: S23 (3031, 容积率 0.55) fails the 30 row's 0.7, S24 (3252) and
S01 (3216) meet the 32 rows; S05 (二级公路, 2.40 ha/km) is within 2.6, S13 (三级公路,
2.40 ha/km) over 2.0."""


def standards_csv() -> str:
    r"""The table as UTF-8 CSV text (``\n`` line ends), as the sample folder holds it.

    Examples
    --------
    >>> standards_csv().splitlines()[0]
    'table,key,grade,indicator,min,max,unit,source'
    >>> len(standards_csv().splitlines()) == len(STANDARDS_ROWS)
    True
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(STANDARDS_ROWS)
    return out.getvalue()
