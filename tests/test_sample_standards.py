"""The sample county's land-use standard index table (synthetic) and what the demo shows of it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import landcheck
from landcheck.io.profiles import load_profile
from landcheck.io.standards_table import read_standards_table
from landcheck.sample import SYNTHETIC_NOTE
from landcheck.sample.standards import STANDARDS_ROWS, standards_csv

DATA = Path(__file__).resolve().parents[1] / "data"
TABLE = DATA / "standards.csv"


def test_the_committed_table_is_the_generated_one_and_labelled_synthetic():
    assert TABLE.read_text(encoding="utf-8") == standards_csv()
    rows = list(csv.DictReader(TABLE.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == len(STANDARDS_ROWS) - 1 == 6
    assert all(row["source"].startswith(SYNTHETIC_NOTE) for row in rows)
    table = read_standards_table(TABLE)  # checked cell by cell as a run checks it
    assert [(r.table, r.key, r.grade, r.indicator) for r in table.rows][-2:] == [
        ("sector", "county_road", "二级公路", "land_ha_per_km"),
        ("sector", "county_road", "三级公路", "land_ha_per_km"),
    ]
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "`standards.csv`" in readme and "synthetic" in readme


@pytest.fixture(scope="module")
def demo_result(sample_layers, sample_gpkg):
    """The demo's run: every sample layer, the sample's index table, the built-in profile."""
    return landcheck.check(
        f"{sample_gpkg}:sites",
        layers={**sample_layers, "approved_land": f"{sample_gpkg}:approved_land"},
        standards_table=TABLE,
    )


def _standard(result, site_id):
    return next(f for f in result.site_findings(site_id) if f.check == "land_use_standard")


def test_industrial_bounds_come_from_the_table_over_and_within(demo_result, sample_gpkg):
    f = _standard(demo_result, "S23")  # 3031 → 大类 30: 容积率 0.55 < the table's 0.70
    assert (f.outcome, f.status) == ("over", "conditional")
    assert "不符合控制指标：建筑系数 22.00%、容积率 0.55" in f.message.zh
    assert "容积率 ≥ 0.70（standards.csv 第3行，合成数据 synthetic" in f.message.zh
    assert "投资强度 ≥ 1200.0 万元/公顷（standards.csv 第2行" in f.message.zh
    for key in ("S24", "S01"):  # 3252 and 3216 → 大类 32: the 32 rows, met
        f = _standard(demo_result, key)
        assert (f.outcome, f.status) == ("within", "not_involved"), key
        assert "容积率 ≥ 0.60（standards.csv 第5行" in f.message.zh
        assert "投资强度 ≥ 1500.0 万元/公顷（standards.csv 第4行" in f.message.zh


def test_county_roads_against_the_tables_land_per_km(demo_result, sample_gpkg):
    import geopandas as gpd

    sites = gpd.read_file(sample_gpkg, layer="sites").set_index("site_id")
    for key, outcome, status, bound in (
        ("S05", "sector_within", "not_involved", "2.6000"),
        ("S13", "sector_over", "conditional", "2.0000"),
    ):
        f = _standard(demo_result, key)
        assert (f.outcome, f.status) == (outcome, status), key
        per_km = f.area.ha / sites.at[key, "length_km"]  # ≈ the 24 m width: 2.4 ha/km
        assert per_km == pytest.approx(2.4, abs=0.002)
        assert f"每公里用地 {per_km:.4f} 公顷/公里" in f.message.zh
        assert f"每公里用地 ≤ {bound} 公顷/公里（standards.csv 第" in f.message.zh


def test_every_check_of_the_demo_has_a_site_it_concerns(demo_result):
    concerned = {
        f.check for s in demo_result.site_ids for f in demo_result.site_findings(s)
        if f.status != "not_involved"
    }  # fmt: skip
    assert [r.id for r in load_profile().rules if r.id not in concerned] == []
