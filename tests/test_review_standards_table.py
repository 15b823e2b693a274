"""The land-use standard's index table (a user's CSV) and the exemptions by part of the works.

The site is a 1000 m x 500 m rectangle: 50 ha, planar. Its figures are chosen so each
indicator is known by construction (200,000 万元 over 50 ha = 4,000 万元/公顷; 600,000 m² of
floor area = plot ratio 1.2; a 10 km road on 50 ha = 5 ha/km).
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest
import yaml
from click.testing import CliRunner
from common import county, frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import DataSourceError, InputDataError
from landcheck.io.profiles import builtin_profile_text, profile_from_dict
from landcheck.io.standards_table import MAX_TABLE_BYTES, read_standards_table

PLANAR = {"area_method": "planar", "coverage": county()}
LAND_USE = frame([{"BSM": "T1", "DLBM": "0601", "geometry": square(-10, -10, 1020, 520)}])
HEADER = "table,key,grade,indicator,min,max,unit,source\n"
TWO_ROWS = HEADER + (
    "industry,32,1-3,investment_wan_per_ha,4500,,,省定指标表1\n"
    "industry,32,,plot_ratio,1.0,,,省定指标表2\n"
)
"""Industry 32: 投资强度 ≥ 4,500 for land grades 1–3, 容积率 ≥ 1.0 for every grade."""

INDUSTRIAL = {
    "project_type": "industrial",
    "footprint_m2": 200_000.0,  # 40 %
    "office_area_m2": 10_000.0,  # 2 %
    "total_investment_wan": 200_000.0,  # 4,000 万元/公顷
    "floor_area_m2": 600_000.0,  # 1.2
}


def write(tmp_path, text, name="standards.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def standard(table=None, profile="china-preexam", **facts):
    site = sites(square(0, 0, 1000, 500), **{k: [v] for k, v in facts.items()})
    result = landcheck.check(
        site,
        layers={"land_use": LAND_USE},
        profile=profile,
        standards_table=table,
        **PLANAR,
    )
    return next(f for f in result.site_findings("S1") if f.check == "land_use_standard"), result


# ------------------------------------------------------------------ industry rows
def test_investment_below_the_table_row_is_over_with_the_row_cited(tmp_path):
    table = write(tmp_path, TWO_ROWS)
    f, _ = standard(table, **INDUSTRIAL, industry_code="3216", land_grade="三等")
    assert f.outcome == "over" and f.status == "conditional"
    assert "不符合控制指标：投资强度 4000.0 万元/公顷" in f.message.zh
    assert "投资强度 ≥ 4500.0 万元/公顷（standards.csv 第2行，省定指标表1）" in f.message.zh
    assert "容积率 ≥ 1.00（standards.csv 第3行，省定指标表2）" in f.message.zh
    assert "建筑系数 ≥ 30.00%（本配置）" in f.message.zh
    assert "investment >= 4000.0" not in f.message.en
    assert "investment >= 4500.0 (10,000 yuan)/ha (standards.csv line 2" in f.message.en


def test_a_grade_outside_the_graded_row_is_named_never_within(tmp_path):
    # 投资强度 is bounded for industry 32 on land grades 1-3 only; the site is of grade 5
    table = write(tmp_path, TWO_ROWS)
    f, _ = standard(table, **INDUSTRIAL, industry_code="32", land_grade="5")
    assert (f.outcome, f.status) == ("industry_no_grade_index", "info")
    assert "容积率 1.20" in f.message.zh and "投资强度 4000.0 万元/公顷" in f.message.zh
    assert "容积率 ≥ 1.00（standards.csv 第3行" in f.message.zh
    said = "用地指标表 standards.csv 载有行业代码 32 的投资强度指标，没有土地等别“5”的指标行"
    assert said in f.message.zh and "投资强度未予核算" in f.message.zh
    assert "：无标准" not in f.message.zh
    assert "holds the investment of industry code 32 with no row for the land grade “5”" in (
        f.message.en
    )
    # a failing index found stands: 容积率 0.5 < 1.0
    low = {**INDUSTRIAL, "floor_area_m2": 250_000.0}
    f, _ = standard(table, **low, industry_code="32", land_grade="5")
    assert f.outcome == "over" and "不符合控制指标：容积率 0.50" in f.message.zh
    # a profile bound for the indicator checks it instead: within
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "land_use_standard")
    rule["params"]["min_investment_wan_per_ha"] = 3_000.0
    f, _ = standard(table, profile_from_dict(data), **INDUSTRIAL, industry_code="32",
                    land_grade="5")  # fmt: skip
    assert f.outcome == "within" and "投资强度 ≥ 3000.0 万元/公顷（本配置）" in f.message.zh
    # an industry the table does not bound at all keeps its "no standard"
    f, _ = standard(table, **INDUSTRIAL, industry_code="13", land_grade="5")
    assert f.outcome == "within" and "投资强度、容积率：无标准" in f.message.zh


def test_the_table_wins_over_the_profile_minimum(tmp_path):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "land_use_standard")
    rule["params"]["min_plot_ratio"] = 1.5  # the site's 1.2 fails it; the table's 1.0 not
    profile = profile_from_dict(data)
    f, _ = standard(None, profile, **INDUSTRIAL)
    assert f.outcome == "over" and "容积率 ≥ 1.50（本配置）" in f.message.zh
    f, _ = standard(write(tmp_path, TWO_ROWS), profile, **INDUSTRIAL, industry_code="C3216")
    assert f.outcome == "missing_facts"
    assert "土地等别" in f.message.zh  # the 投资强度 rows name grades: the grade is needed
    f, _ = standard(write(tmp_path, TWO_ROWS), profile, **INDUSTRIAL, industry_code="C3216",
                    land_grade="1")  # fmt: skip
    assert f.outcome == "over" and "容积率 ≥ 1.00（standards.csv 第3行" in f.message.zh
    assert "不符合控制指标：投资强度 4000.0 万元/公顷（" in f.message.zh  # not the plot ratio


def test_four_digit_rows_win_over_their_major_group(tmp_path):
    text = TWO_ROWS + "industry,3216,2,investment_wan_per_ha,3800,,,\n"
    f, _ = standard(write(tmp_path, text), **INDUSTRIAL, industry_code="3216", land_grade="2")
    assert f.outcome == "within"
    assert "投资强度 ≥ 3800.0 万元/公顷（standards.csv 第4行）" in f.message.zh
    f, _ = standard(write(tmp_path, text), **INDUSTRIAL, industry_code="3211", land_grade="2")
    assert f.outcome == "over" and "第2行" in f.message.zh  # 3211 falls back to 32


def test_missing_grade_and_code_are_unknown_naming_the_fact(tmp_path):
    table = write(tmp_path, TWO_ROWS)
    f, _ = standard(table, **INDUSTRIAL, industry_code="32")
    assert (f.outcome, f.status) == ("missing_facts", "unknown")
    assert "土地等别" in f.message.zh and "land grade" in f.message.en
    f, _ = standard(table, **INDUSTRIAL)
    assert f.outcome == "missing_facts" and "行业代码（GB/T 4754）" in f.message.zh
    f, _ = standard(table, **INDUSTRIAL, industry_code="32", land_grade="十六等")
    assert f.outcome == "missing_facts"
    assert "'十六等' is not a land grade from 1 to 15" in f.message.en


def at(side, table=None, **facts):
    """The finding of a ``side`` m square site (its figures' arithmetic rounds at the bound)."""
    site = sites(square(0, 0, side), **{k: [v] for k, v in facts.items()})
    result = landcheck.check(site, layers={"land_use": LAND_USE}, standards_table=table, **PLANAR)
    return next(f for f in result.site_findings("S1") if f.check == "land_use_standard")


def test_an_indicator_exactly_at_its_bound_passes(tmp_path):
    # 1,470 m² of 4,900 m² is 30 % (the profile's minimum): 29.999999999999996 % in floats
    base = {"project_type": "industrial", "office_area_m2": 100.0}
    for footprint, outcome in ((1_469.0, "over"), (1_470.0, "within"), (1_471.0, "within")):
        f = at(70, **base, footprint_m2=footprint)
        assert f.outcome == outcome, footprint
    assert "建筑系数 30.00%" in at(70, **base, footprint_m2=1_470.0).message.zh
    table = write(
        tmp_path,
        HEADER
        + "industry,32,,plot_ratio,1.0,,,t2\n"
        + "industry,33,,investment_wan_per_ha,3000,,,t1\n"
        + "sector,county_road,,land_ha_per_km,,0.7,,road index\n",
    )
    # 容积率 52,900 / 52,900 = 1.00 against a minimum of 1.0; compared as written, to 2
    # decimals: 52,636 m² (0.995009) is "1.00" and meets it, 52,635 m² (0.994991) is "0.99"
    plant = {"project_type": "industrial", "office_area_m2": 0.0, "land_grade": "5"}
    for floor, outcome in ((52_635.0, "over"), (52_636.0, "within"), (52_900.0, "within")):
        f = at(230, table, **plant, industry_code="3216", footprint_m2=26_450.0,
               floor_area_m2=floor)  # fmt: skip
        assert f.outcome == outcome, floor
    # 投资强度 8,670 万元 over 2.89 ha = 3,000 against a minimum of 3,000
    for money, outcome in ((8_669.0, "over"), (8_670.0, "within")):
        f = at(170, table, **plant, industry_code="3316", footprint_m2=14_450.0,
               total_investment_wan=money)  # fmt: skip
        assert f.outcome == outcome, money
    # 0.49 ha over 0.7 km = 0.7 ha/km against a maximum of 0.7
    for km, outcome in ((0.69, "sector_over"), (0.7, "sector_within")):
        f = at(70, table, project_type="county_road", length_km=km)
        assert f.outcome == outcome, km
    assert "每公里用地 0.7000 公顷/公里" in f.message.zh


# ------------------------------------------------------------------ sector rows
SECTOR = HEADER + (
    "sector,county_road,二级公路,land_ha_per_km,,4.5,,公路工程项目建设用地指标\n"
    "sector,county_road,三级公路,land_ha_per_km,,6,,\n"
    "sector,water_supply,,land_ha_per_unit,,2.0,万立方米/日,\n"
)


def test_a_road_against_its_land_per_km(tmp_path):
    table = write(tmp_path, SECTOR)
    road = {"project_type": "county_road", "length_km": 10.0}
    f, _ = standard(table, **road, project_grade="二级公路")  # 50 ha / 10 km = 5 ha/km
    assert (f.outcome, f.status) == ("sector_over", "conditional")
    assert "每公里用地 5.0000 公顷/公里" in f.message.zh and "县道" in f.message.zh
    assert "每公里用地 ≤ 4.5000 公顷/公里（standards.csv 第2行，公路工程项目建设用地指标）" in (
        f.message.zh
    )
    f, _ = standard(table, **road, project_grade="三级公路")
    assert (f.outcome, f.status) == ("sector_within", "not_involved")
    assert "land per km 5.0000 ha/km" in f.message.en
    f, _ = standard(table, **road)
    assert f.outcome == "missing_facts" and "工程等级" in f.message.zh
    f, _ = standard(table, project_type="county_road", project_grade="二级公路")
    assert f.outcome == "missing_facts" and "线路长度（公里）" in f.message.zh
    f, _ = standard(table, **road, project_grade="一级公路")  # no row for it
    assert f.outcome == "no_grade_index"


def test_a_grade_the_sector_rows_do_not_cover_is_named_with_the_table(tmp_path):
    table = write(tmp_path, SECTOR, "roads.csv")
    road = {"project_type": "county_road", "length_km": 10.0}
    f, _ = standard(table, **road, project_grade="四级公路")
    assert (f.outcome, f.status) == ("no_grade_index", "info")
    said = "用地指标表 roads.csv 载有县道的用地指标，但没有工程等级“四级公路”的指标行"
    assert said in f.message.zh
    assert "The index table roads.csv holds land-use indices for a county road" in f.message.en
    assert "no row for the grade “四级公路”" in f.message.en
    assert "本配置未载" not in f.message.zh
    f, _ = standard(table, project_type="hotel")  # a type the table does not bound at all
    assert f.outcome == "no_index" and "本配置未载" in f.message.zh


def test_a_water_works_against_its_land_per_unit_of_scale(tmp_path):
    f, _ = standard(write(tmp_path, SECTOR), project_type="water_supply", scale=20.0)
    assert f.outcome == "sector_over"  # 50 ha / 20 = 2.5 ha per 万立方米/日
    assert "单位规模用地 2.5000 公顷/万立方米/日" in f.message.zh
    f, _ = standard(write(tmp_path, SECTOR), project_type="water_supply", scale=25.0)
    assert f.outcome == "sector_within" and "单位规模用地 2.0000 公顷/万立方米/日" in f.message.zh


# ------------------------------------------------------------------ provenance, profile, CLI
def test_the_table_is_an_input_with_its_sha256(tmp_path):
    table = write(tmp_path, TWO_ROWS)
    _, result = standard(table, **INDUSTRIAL, industry_code="32", land_grade="1")
    record = next(r for r in result.to_dict()["inputs"] if r["role"] == "standards_table")
    assert record["path"] == str(table) and record["features_read"] == 2
    assert record["sha256"] == hashlib.sha256(table.read_bytes()).hexdigest()


def test_a_profile_names_its_table_relative_to_its_file(tmp_path):
    folder = tmp_path / "county"
    folder.mkdir()
    write(folder, TWO_ROWS, "indices.csv")
    text = builtin_profile_text("china-preexam").replace(
        "      # standards_table: standards.csv", "      standards_table: indices.csv"
    )
    (folder / "profile.yaml").write_text(text, encoding="utf-8")
    f, _ = standard(None, str(folder / "profile.yaml"), **INDUSTRIAL, industry_code="32",
                    land_grade="2")  # fmt: skip
    assert f.outcome == "over" and "indices.csv 第2行" in f.message.zh


def test_a_table_for_a_profile_without_the_rule_is_refused(tmp_path):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["rules"] = [r for r in data["rules"] if r["id"] != "land_use_standard"]
    with pytest.raises(InputDataError, match="has no land_use_standard rule"):
        standard(write(tmp_path, TWO_ROWS), profile_from_dict(data))


def test_cli_end_to_end(tmp_path):
    table = write(tmp_path, TWO_ROWS)
    site = sites(square(0, 0, 1000, 500), **{k: [v] for k, v in INDUSTRIAL.items()},
                 industry_code=["32"], land_grade=["1"])  # fmt: skip
    site.to_file(tmp_path / "site.gpkg")
    LAND_USE.to_file(tmp_path / "land_use.gpkg")
    county().to_file(tmp_path / "county.gpkg")
    before = table.read_bytes()
    out = tmp_path / "report"
    land_use = f"land_use={tmp_path / 'land_use.gpkg'}"
    args = ["check", str(tmp_path / "site.gpkg"), "--layer", land_use,
            "--coverage", str(tmp_path / "county.gpkg"), "--area-method", "planar",
            "-f", "json", "-o", str(out)]  # fmt: skip
    done = CliRunner().invoke(cli, [*args, "--standards-table", str(table)])
    assert done.exit_code == 0, done.output
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    f = next(x for x in data["sites"][0]["findings"] if x["check"] == "land_use_standard")
    assert f["outcome"] == "over" and "standards.csv 第2行" in f["message"]["zh"]
    assert table.read_bytes() == before
    bad = write(tmp_path, TWO_ROWS + "industry,32,5,plot_ratio,abc,,,\n", "bad.csv")
    other = tmp_path / "report2"
    done = CliRunner().invoke(cli, [*args[:-1], str(other), "--standards-table", str(bad)])
    assert done.exit_code == 1
    assert "bad.csv', line 4, column 'min': 'abc' is not a number" in done.output
    assert "Traceback" not in done.output
    assert not other.exists()


# ------------------------------------------------------------------ hostile tables
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            TWO_ROWS + "industry,32,4,plot_ratio,1.x,,,\n",
            "line 4, column 'min': '1.x' is not a number",
        ),
        (
            TWO_ROWS + "industry,32,4,plot_ratio,nan,,,\n",
            "line 4, column 'min': 'nan' is not a finite",
        ),
        (TWO_ROWS + "industry,32,4,plot_ratio,-1,,,\n", "line 4, column 'min': '-1' is negative"),
        (
            TWO_ROWS + "industry,32,4,plot_ratio,2,1,,\n",
            "line 4, column 'max': max 1 is below min 2",
        ),
        (
            TWO_ROWS + "industry,32,4,plot_ratio,,,,\n",
            "line 4, column 'min': min and max are both blank",
        ),
        (
            TWO_ROWS + "industry,32,2,investment_wan_per_ha,1,,,\n",
            "line 4, column 'grade': industry 32 investment_wan_per_ha for grade 2 is already "
            "given on line 2",
        ),
        (TWO_ROWS + "industry,32,,plot_ratio,1,,,\n", "already given on line 3"),
        (
            TWO_ROWS + 'industry,32,4,plot_ratio,1,,,=HYPERLINK("x")\n',
            "line 4, column 'source': '=HYPERLINK(\"x\")' starts like a spreadsheet formula",
        ),
        (TWO_ROWS + "industry,32,4,plot_ratio,@SUM(1),,,\n", "column 'min': '@SUM(1)' starts like"),
        (
            TWO_ROWS + "industry,32,4,plot_ratio,1,,,  =1+1\n",
            "line 4, column 'source': '  =1+1' starts like a spreadsheet formula ('=')",
        ),
        (TWO_ROWS + "industry,3a,4,plot_ratio,1,,,\n", "column 'key': '3a' is not a GB/T 4754"),
        (TWO_ROWS + "industry,32,16,plot_ratio,1,,,\n", "column 'grade': '16' is not a 土地等别"),
        (
            TWO_ROWS + "industry,32,4,land_ha_per_km,1,,,\n",
            "column 'indicator': 'land_ha_per_km' is not",
        ),
        (TWO_ROWS + "sector,county_road,,land_ha_per_unit,,1,,\n", "column 'unit': is blank"),
        (
            TWO_ROWS + "sector,spaceport,,land_ha_per_km,,1,,\n",
            "column 'key': 'spaceport' is not a project type",
        ),
        (TWO_ROWS + "forest,32,4,plot_ratio,1,,,\n", "column 'table': 'forest' is not a table"),
        (TWO_ROWS + "industry,32,4,plot_ratio,1\n", "line 4: 5 cells for 8 columns"),
        ("table,key,grade,indicator,min,max,colour\n", "line 1, column 7: unknown column 'colour'"),
        ("table,key,grade,indicator,min\n", "line 1: no column max"),
        (HEADER, "no rows under the header"),
    ],
)
def test_a_hostile_table_stops_the_run_naming_line_and_column(tmp_path, text, message):
    table = write(tmp_path, text)
    with pytest.raises(InputDataError) as caught:
        standard(table, **INDUSTRIAL)
    assert message in str(caught.value)
    assert str(table) in str(caught.value)


def test_a_table_not_utf8_too_big_or_missing(tmp_path):
    table = tmp_path / "gbk.csv"
    table.write_bytes((TWO_ROWS + "industry,33,,plot_ratio,1,,,有色\n").encode("gbk"))
    with pytest.raises(InputDataError, match="line 2: not UTF-8 text"):
        read_standards_table(table)
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as handle:
        handle.write(TWO_ROWS.encode())
        handle.truncate(MAX_TABLE_BYTES + 1)
    with pytest.raises(InputDataError, match="bytes, more than 10,485,760"):
        read_standards_table(huge)
    with pytest.raises(DataSourceError, match="no standards table file"):
        read_standards_table(os.path.join(tmp_path, "none.csv"))


# ------------------------------------------------------------------ exemptions by part of the works
def exemptions(**params):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "land_use_standard")
    rule["params"].update(params)
    return profile_from_dict(data)


def test_inundation_and_tower_bases_are_not_exempt_by_default():
    for facts in (
        {"project_type": "water_conservancy", "site_part": "水库淹没区"},
        {"project_type": "grid_other", "site_part": "塔基"},
    ):
        f, _ = standard(**facts)
        assert (f.outcome, f.status) == ("no_index", "info")


def test_a_profile_switch_exempts_the_inundation_area_of_water_projects(tmp_path):
    profile = exemptions(exempt_inundation_types=["water_conservancy", "hydropower"])
    f, _ = standard(None, profile, project_type="water_conservancy", site_part="水库淹没区")
    assert (f.outcome, f.status) == ("exempt", "info")
    assert (
        "项目用地 50.0000 公顷，属水利工程水库淹没区用地，按省级规定可不开展节地评价"
        in f.message.zh
    )
    assert "the inundation area of a water project" in f.message.en
    provincial = [b for b in f.to_dict()["basis"] if "省级节地评价豁免情形" in b]
    assert provincial and provincial[0].endswith("〔P〕")
    # the switch names water projects: a road's 淹没区, or the dam site itself, are not exempt
    f, _ = standard(None, profile, project_type="county_road", site_part="淹没区")
    assert f.outcome == "no_index"
    f, _ = standard(None, profile, project_type="water_conservancy", site_part="坝址")
    assert f.outcome == "no_index"
    # an exemption comes before the sector table's bound
    table = write(tmp_path, HEADER + "sector,water_conservancy,,land_ha_per_unit,,0.1,亿立方米,\n")
    f, _ = standard(table, profile, project_type="water_conservancy", site_part="淹没区", scale=1)
    assert f.outcome == "exempt"
    f, _ = standard(table, profile, project_type="water_conservancy", scale=1)
    assert f.outcome == "sector_over" and "单位规模用地 50.0000 公顷/亿立方米" in f.message.zh


def test_a_profile_switch_exempts_the_tower_bases_of_power_lines():
    profile = exemptions(exempt_tower_base_types=["grid_500kv", "grid_other"])
    f, _ = standard(None, profile, project_type="grid_other", 用地部位="塔基用地")
    assert (f.outcome, f.status) == ("exempt", "info")
    assert (
        "属输电线路塔基用地" in f.message.zh and "tower-base land of a power line" in f.message.en
    )
    f, _ = standard(None, profile, project_type="grid_other", 用地部位="变电站")
    assert f.outcome == "no_index"
    f, _ = standard(None, profile, project_type="water_conservancy", site_part="塔基")
    assert f.outcome == "no_index"


def test_the_size_exemption_names_its_threshold():
    f, _ = standard(None, exemptions(exempt_below_ha=60.0), project_type="county_road")
    assert f.outcome == "exempt" and "项目用地 50.0000 公顷，小于 60 公顷" in f.message.zh


def test_a_run_keeps_its_table_for_other_sites(tmp_path):
    table = write(tmp_path, TWO_ROWS)
    site = sites(square(0, 0, 1000, 500), **{k: [v] for k, v in INDUSTRIAL.items()})
    run = landcheck.prepare(site, layers={"land_use": LAND_USE}, standards_table=table, **PLANAR)
    other = run.sites[["site_id", "geometry"]].assign(
        **INDUSTRIAL, industry_code="32", land_grade="2"
    )
    result = landcheck.evaluate(run.with_sites(other))
    f = next(f for f in result.site_findings("S1") if f.check == "land_use_standard")
    assert f.outcome == "over" and "standards.csv 第2行" in f.message.zh
    assert [r.role for r in result.inputs].count("standards_table") == 1
