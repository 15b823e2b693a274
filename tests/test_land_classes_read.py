"""How the land-use layer's classes are read: field ridges, sea use, blank codes, K codes.

Analytic cases: 100 m squares, one parcel each, side by side along x under one site,
measured in planar m² so every area is known by construction (1 parcel = 10,000 m²).
"""

from __future__ import annotations

import openpyxl
import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.io.profiles import builtin_profile_text
from landcheck.profile import Profile

PARCEL_M2 = 10_000.0


def strip(codes, kcxs=None, code_field="DLBM"):
    """One 100 m parcel a code along x (KCXS ``kcxs``, 0 when not given), and the site over all."""
    rows = [
        {
            "BSM": f"L{i + 1}",
            code_field: code,
            "KCXS": 0.0 if kcxs is None else kcxs[i],
            "geometry": square(100 * i, 0, 100),
        }
        for i, code in enumerate(codes)
    ]
    return frame(rows), square(0, 0, 100 * len(codes), 100)


def profile(**land_use):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["layers"]["land_use"].update(land_use)
    return Profile.from_dict(data, origin="test")


def run(land_use, site, profile_data=None, layers=None, **columns):
    return landcheck.check(
        sites(site, **columns),
        profile=profile_data or profile(),
        layers={"land_use": land_use, **(layers or {})},
        coverage=county(),
        area_method="planar",
    )


def block(result):
    return result.to_dict()["sites"][0]["layers"]["land_use"]


def finding(result, check):
    return next(f for f in result.site_findings("S1") if f.check == check)


def kcxs_warnings(result):
    return [w for w in result.warnings if "KCXS" in w]


def class_areas(result):
    return {code: entry["planar_m2"] for code, entry in block(result)["classes"].items()}


def test_kcxs_deducts_field_ridges_from_cultivated_land_only_and_says_where_it_was_not():
    # KCXS 0.1 on each: 0201 果园, 0301 乔木林地, 0702 农村宅基地, 1006 农村道路 and 0103 旱地.
    # Only the 旱地's ridges are 田坎: 1,000 m², not 5,000; the homestead stays 10,000 m² of
    # 建设用地 (it read 9,000, its tenth moved to 农用地: 41,000)
    survey, site = strip(["0201", "0301", "0702", "1006", "0103"], [0.1] * 5)
    result = run(survey, site)
    assert class_areas(result) == pytest.approx(
        {
            "0201": PARCEL_M2,
            "0301": PARCEL_M2,
            "0702": PARCEL_M2,
            "1006": PARCEL_M2,
            "0103": 9_000.0,
            "1203": 1_000.0,
        }
    )
    categories = {k: v["planar_m2"] for k, v in block(result)["categories"].items()}
    assert categories == pytest.approx({"农用地": 40_000.0, "建设用地": 10_000.0, "未利用地": 0.0})
    conversion = finding(result, "agricultural_conversion")
    assert "涉及农用地 4.0000 公顷（60.00 亩）、建设用地 1.0000 公顷" in conversion.message.zh
    assert kcxs_warnings(result) == [
        "layer 'land_use': 4 parcels not of cultivated land (耕地) have a deduction coefficient "
        "(KCXS) above 0 (L1, L2, L3, L4; codes 0201, 0301, 0702, 1006): it was not applied "
        "(KCXS deducts the field ridges of cultivated land only), their whole area kept under "
        "their class"
    ]


def test_a_house_repair_on_a_homestead_with_a_kcxs_is_a_permitted_activity_in_the_redline():
    # a coefficient on the homestead made a tenth of it 田坎 (农用地): the repair read as
    # enlarging onto farm land, prohibited in the redline, and as a 0.1 ha conversion
    survey = frame(
        [{"BSM": "A", "DLBM": "0702", "KCXS": 0.1, "QSXZ": "30", "geometry": square(0, 0, 100)}]
    )
    redline = frame([{"BSM": "R", "LHLX": "水源涵养", "geometry": square(-100, -100, 500)}])
    result = run(
        survey,
        square(0, 0, 100),
        layers={"eco_redline": redline},
        project_type=["rural_housing"],
        plan_ref=["村庄规划"],
    )
    assert (finding(result, "eco_redline").outcome, finding(result, "eco_redline").status) == (
        "permitted_activity",
        "conditional",
    )
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("not_involved", "not_involved")
    assert conversion.message.zh == (
        "项目用地不涉及农用地，现状建设用地 1.0000 公顷，无需办理农用地转用。"
    )
    assert class_areas(result) == pytest.approx({"0702": PARCEL_M2})
    assert len(kcxs_warnings(result)) == 1 and "(A; codes 0702)" in kcxs_warnings(result)[0]


def test_a_k_code_is_no_cultivated_land_its_kcxs_not_applied_and_the_warning_says_why():
    survey, site = strip(["0201K", "0101"], [0.1, 0.1])
    result = run(survey, site)
    assert class_areas(result) == pytest.approx(
        {"0201K": PARCEL_M2, "0101": 9_000.0, "1203": 1_000.0}
    )
    assert block(result)["cultivated"]["total"]["planar_m2"] == pytest.approx(9_000.0)
    (warning,) = kcxs_warnings(result)
    assert "1 parcels not of cultivated land (耕地)" in warning
    assert warning.endswith(
        "; 0201K carry the suffix K of 可调整地类 (cultivated land of the second survey that the "
        "third classes by its present use): counted as that class (农用地, not 耕地), no field "
        "ridges deducted"
    )


def test_sea_use_of_a_2023_layer_is_named_in_the_conversion_and_the_parts_add_up():
    # 0103 旱地, 1802 增养殖用海, 2001 港口用海, 16 留白用地: the two sea-use hectares were in
    # no 三大类 and in no message ("农用地 1、建设用地 1、未利用地 0" of a 4 ha site), and the
    # table called them 代码未识别 though the table knows them
    survey, site = strip(["0103", "1802", "2001", "16"], code_field="YDYHFLDM")
    result = run(survey, site, profile(classification="ydyh-2023"))
    assert "unresolved_codes" not in block(result)
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("conversion", "conditional")
    assert conversion.message.zh.startswith(
        "项目用地涉及农用地 1.0000 公顷（15.00 亩）、建设用地 1.0000 公顷、未利用地 0.0000 公顷、"
        "用海 2.0000 公顷（不属农用地转用范围），须办理农用地转用"
    )
    assert conversion.message.en.startswith(
        "The site takes 1.0000 ha (15.00 mu) of agricultural land, 1.0000 ha of construction "
        "land and 0.0000 ha of unused land (besides 2.0000 ha of sea use, to which no land "
        "conversion applies); converting it needs"
    )


def test_sea_use_is_labelled_sea_use_in_the_land_class_table(tmp_path):
    survey, site = strip(["0103", "1802", "2001", "16"], code_field="YDYHFLDM")
    result = run(survey, site, profile(classification="ydyh-2023"))
    result.to_report(tmp_path / "rep", overwrite=True)
    sheet = openpyxl.load_workbook(tmp_path / "rep" / "report.xlsx")["占用地类面积"]
    rows = [row[1:5] for row in sheet.iter_rows(values_only=True) if row[0] == "S1"]
    assert ("用海", None, "其他", 2.0) in rows
    assert ("增养殖用海", "1802", "二级类", 1.0) in rows
    assert not [row for row in rows if row[0] == "代码未识别"]


def test_a_site_wholly_at_sea_names_its_sea_use_where_it_says_no_conversion():
    survey, site = strip(["1802", "0702"], code_field="YDYHFLDM")
    result = run(survey, site, profile(classification="ydyh-2023"))
    conversion = finding(result, "agricultural_conversion")
    assert conversion.outcome == "not_involved"
    assert conversion.message.zh == (
        "项目用地不涉及农用地，现状建设用地 1.0000 公顷、用海 1.0000 公顷（不属农用地转用范围），"
        "无需办理农用地转用。"
    )


def test_parcels_without_a_class_code_are_counted_named_and_warned():
    survey, site = strip(["0103", None, "", "  "])
    result = run(survey, site)
    for check in ("cultivated_land", "agricultural_conversion"):
        found = finding(result, check)
        assert found.status == "unknown"
        assert "含未知代码（3 个图斑无地类编码（30000.00 平方米））" in found.message.zh
        assert "未知代码 ）" not in found.message.zh
        assert "3 parcels with no class code (30000.00 m²)" in found.message.en
    assert block(result)["classes"][""]["name"] == "无地类编码"
    assert block(result)["classes"][""]["planar_m2"] == pytest.approx(3 * PARCEL_M2)
    assert [w for w in result.warnings if "no class code" in w] == [
        "layer 'land_use': 3 parcels have no class code (DLBM blank: L2, L3, L4): the area they "
        "cover is in no class, so the checks that need the classes there are unknown; fill in "
        "their codes"
    ]


def test_blank_codes_beside_an_unknown_one_are_said_apart(tmp_path):
    survey, site = strip(["0103", "", "9999"])
    result = run(survey, site)
    found = finding(result, "agricultural_conversion")
    assert "（未知代码 9999；1 个图斑无地类编码（10000.00 平方米））" in found.message.zh
    result.to_report(tmp_path / "rep", overwrite=True)
    sheet = openpyxl.load_workbook(tmp_path / "rep" / "report.xlsx")["占用地类面积"]
    rows = [row[1:5] for row in sheet.iter_rows(values_only=True) if row[0] == "S1"]
    assert ("代码未识别", None, "其他", 2.0) in rows
    assert ("无地类编码", None, "二级类", 1.0) in rows


def test_codes_in_either_case_are_one_class_and_a_k_code_is_named_adjustable():
    survey, site = strip(["0201K", "0201k", "05H1", "05h1", "0201"])
    result = run(survey, site)
    classes = block(result)["classes"]
    assert {code: (c["name"], c["planar_m2"]) for code, c in classes.items()} == {
        "0201K": ("果园（可调整）", pytest.approx(2 * PARCEL_M2)),
        "05H1": ("商业服务业设施用地", pytest.approx(2 * PARCEL_M2)),
        "0201": ("果园", pytest.approx(PARCEL_M2)),
    }
    assert classes["0201K"]["category"] == "农用地"
    assert block(result)["cultivated"]["total"]["planar_m2"] == 0.0
