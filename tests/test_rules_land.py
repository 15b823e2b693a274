"""The land rules (耕地, 农转用, 征收, PV arrays) say no more than their layers tell: analytic
squares with known areas, each case a figure or a verdict a reviewer would have signed."""

from __future__ import annotations

import json

import pytest
import yaml
from common import X0, Y0, county, frame, sites, square
from shapely import box

import landcheck
from landcheck.errors import ProfileError
from landcheck.io.profiles import builtin_profile_text, profile_from_dict
from landcheck.report.json import dumps

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


def coded_2023(*rows) -> object:
    """A 用地用海 2023 survey of (code, geometry) parcels, each with KCXS 0.1."""
    return frame(
        [
            {"BSM": f"Y{i}", "YDYHFLDM": code, "KCXS": 0.1, "geometry": geometry}
            for i, (code, geometry) in enumerate(rows)
        ]
    )


def test_cultivated_land_coded_at_level_1_only_is_not_said_to_hold_no_paddy():
    # a 用地用海 2023 parcel coded "01" (耕地) gave "其中水田 0.0000 公顷、水浇地 0.0000 公顷、
    # 旱地 0.0000 公顷" beside 0.9000 ha of 耕地: parts that contradict the total
    only = coded_2023(("01", square(0, 0, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": only}, **PLANAR)
    found = finding(result, "cultivated_land")
    assert (found.outcome, found.area.planar_m2) == ("compensate", pytest.approx(9_000.0))
    assert "水田 0.0000" not in found.message.zh and "paddy 0.0000" not in found.message.en
    assert (
        "占用耕地 0.9000 公顷（13.50 亩），地类代码仅到一级（01 耕地），未区分水田、水浇地和旱地"
        "（已扣除田坎 0.1000 公顷）" in found.message.zh
    )
    assert (
        "0.9000 ha (13.50 mu) of cultivated land: coded at level 1 only (01), not split into "
        "paddy, irrigated and dry land (net of 0.1000 ha of field ridges)" in found.message.en
    )
    mixed = coded_2023(("0101", square(0, 0, 50, 100)), ("01", square(50, 0, 50, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": mixed}, **PLANAR)
    found = finding(result, "cultivated_land")
    assert (
        "其中水田 0.4500 公顷、水浇地 0.0000 公顷、旱地 0.0000 公顷，另有 0.4500 公顷地类代码仅到"
        "一级（01 耕地），未区分水田、水浇地和旱地" in found.message.zh
    )
    assert "paddy 0.4500 ha, irrigated 0.0000 ha, dry 0.0000 ha, and 0.4500 ha coded" in (
        found.message.en
    )


def cultivated_block(result) -> dict:
    """findings.json's ``cultivated`` of S1's land-use layer, as the file holds it."""
    data = json.loads(dumps(result))
    return data["sites"][0]["layers"]["land_use"]["cultivated"]


def test_findings_json_does_not_give_level_1_cultivated_land_as_no_paddy():
    # a survey coded "01" (耕地) wrote cultivated {total: 0.9 ha, 0101: 0.0, 0102: 0.0, 0103: 0.0}:
    # a program read "no paddy" where the codes do not say; the kinds are null now, and what
    # is coded at level 1 only is the class 01
    only = coded_2023(("01", square(0, 0, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": only}, **PLANAR)
    block = cultivated_block(result)
    assert block["total"]["planar_m2"] == pytest.approx(9_000.0)
    unknown = {"planar_m2": None, "ellipsoidal_m2": None, "ha": None, "mu": None}
    assert [block[code] for code in ("0101", "0102", "0103")] == [unknown] * 3
    layer = result.to_dict()["sites"][0]["layers"]["land_use"]
    assert layer["classes"]["01"]["planar_m2"] == pytest.approx(9_000.0)
    # half coded 0101: paddy is 0.45 ha or more, not 0.45 ha
    mixed = coded_2023(("0101", square(0, 0, 50, 100)), ("01", square(50, 0, 50, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": mixed}, **PLANAR)
    block = cultivated_block(result)
    assert block["total"]["planar_m2"] == pytest.approx(9_000.0)
    assert [block[code] for code in ("0101", "0102", "0103")] == [unknown] * 3
    # split in full, the kinds are numbers, 0.0 meaning none
    split = coded_2023(("0101", square(0, 0, 50, 100)), ("0103", square(50, 0, 50, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": split}, **PLANAR)
    block = cultivated_block(result)
    assert [block[code]["planar_m2"] for code in ("0101", "0102", "0103")] == pytest.approx(
        [4_500.0, 0.0, 4_500.0]
    )


def test_a_profile_may_say_what_the_codes_leave_unsplit():
    # paddy_ha, irrigated_ha and dry_ha are the areas coded as such; a profile naming them had
    # no value for the rest (unsplit_ha), so "水田 0.0000 公顷" stood alone for 0.9 ha of 01
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "cultivated_land")
    rule["outcomes"]["compensate"]["zh"] = "水田 {paddy_ha:.4f}，未区分 {unsplit_ha:.4f}"
    rule["outcomes"]["compensate"]["en"] = "paddy {paddy_ha:.4f}, unsplit {unsplit_ha:.4f}"
    profile = profile_from_dict(data)
    expected = [
        (coded_2023(("01", square(0, 0, 100))), "paddy 0.0000, unsplit 0.9000"),
        (
            coded_2023(("0101", square(0, 0, 50, 100)), ("01", square(50, 0, 50, 100))),
            "paddy 0.4500, unsplit 0.4500",
        ),
        (
            coded_2023(("0101", square(0, 0, 50, 100)), ("0103", square(50, 0, 50, 100))),
            "paddy 0.4500, unsplit 0.0000",
        ),
    ]
    for survey, message in expected:
        result = landcheck.check(
            sites(square(0, 0, 100)), layers={"land_use": survey}, profile=profile, **PLANAR
        )
        assert finding(result, "cultivated_land").message.en == message


def test_where_the_planning_zones_say_nothing_batch_or_single_site_is_not_known():
    # zones (0401 城镇集中建设区) cover the west half only: the east half, with no zone, was taken
    # as 0.5000 ha outside planned construction land, and the site as 单独选址
    survey = frame([parcel("0103", square(0, 0, 100), QSXZ="30")])
    far_farmland = frame([{"BSM": "F", "DLBM": "0101", "geometry": square(9000, 9000, 10)}])
    layers = {"land_use": survey, "farmland": far_farmland}
    half = frame([{"BSM": "Z", "GHFQDM": "0401", "geometry": square(0, 0, 50, 100)}])
    site = sites(square(0, 0, 100), project_type=["industrial"])
    result = landcheck.check(site, layers={**layers, "planning_zones": half}, **PLANAR)
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("conversion", "conditional")
    assert "单独选址" not in found.message.zh.split("；")[0]
    assert "规划分区图层有 5000.00 平方米未覆盖项目用地，无法判断是否位于规划建设用地范围内" in (
        found.message.zh
    )
    assert "As the planning zones layer does not cover 5000.00 m² of the site, whether it" in (
        found.message.en
    )
    whole = frame(
        [
            {"BSM": "Z1", "GHFQDM": "0401", "geometry": square(0, 0, 50, 100)},
            {"BSM": "Z2", "GHFQDM": "0502", "geometry": square(50, 0, 50, 100)},
        ]
    )
    result = landcheck.check(site, layers={**layers, "planning_zones": whole}, **PLANAR)
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("single_site", "conditional")
    assert "0.5000 ha of the site lie outside the planned construction land" in found.message.en


def test_expropriation_names_the_farmland_layer_when_that_is_what_is_missing():
    # a complete land-use layer and no farmland layer: the message blamed the land-use layer
    # ("土地利用现状…图层未能完整覆盖项目用地或含未知代码") with English inside the Chinese
    site = sites(square(0, 0, 100), square(200, 0, 100), project_id=["XM-1", "XM-1"])
    survey = frame(
        [
            parcel("0103", square(0, 0, 100), 0.1, QSXZ="30"),
            parcel("0103", square(200, 0, 100), 0.1, QSXZ="30"),
        ]
    )
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    assert (
        found.message.zh
        == "无法完整判断土地征收审批机关：永久基本农田图层未能使用（用地 S1、S2）。"
    )
    assert found.message.en == (
        "Who approves the expropriation cannot be fully told: the permanent basic farmland "
        "layer could not be used (site(s) S1, S2)."
    )
    # the land-use layer is named when it is the land-use layer that falls short
    short = frame([parcel("0103", square(0, 0, 50, 100), QSXZ="30")])
    farmland = frame([{"BSM": "F", "geometry": square(9000, 9000, 10)}])
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"land_use": short, "farmland": farmland}, **PLANAR
    )
    found = finding(result, "expropriation")
    assert found.outcome == "incomplete"
    assert found.message.zh.startswith("无法完整判断土地征收审批机关：土地利用现状")
    assert "permanent" not in found.message.en


@pytest.mark.parametrize(
    ("rows", "pbf", "width", "farmland_ha", "cultivated_ha", "other_ha"),
    [
        # farmland over the paddy parcel (0101, KCXS 0.1) beside 旱地 (KCXS 0.2): 耕地 outside
        # farmland is 0.8000 ha; net 耕地 less the whole farmland said 0.7000
        (
            [("0101", square(0, 0, 100), 0.1), ("0103", square(100, 0, 100), 0.2)],
            square(0, 0, 100),
            200,
            "1.0000",
            "1.7000",
            "0.3000",
        ),
        # farmland over a 沟渠 (1107) only: all 1.0000 ha of 耕地 is outside it; said 0.8000
        (
            [("0103", square(0, 0, 100), 0.0), ("1107", square(100, 0, 20, 100), 0.0)],
            square(100, 0, 20, 100),
            120,
            "0.2000",
            "1.0000",
            "0.2000",
        ),
    ],
)
def test_expropriation_with_farmland_does_not_guess_the_cultivated_land_outside_it(
    rows, pbf, width, farmland_ha, cultivated_ha, other_ha
):
    # the two layers' totals do not tell which of the farmland is 耕地: the figures are the
    # project's collective 耕地 and other land, farmland included, and say so
    survey = frame([parcel(code, geometry, kcxs, QSXZ="30") for code, geometry, kcxs in rows])
    farmland = frame([{"BSM": "F", "geometry": pbf}])
    result = landcheck.check(
        sites(square(0, 0, width, 100)), layers={"land_use": survey, "farmland": farmland}, **PLANAR
    )
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("state_council_farmland", "info")
    assert (
        f"涉及集体土地上的永久基本农田 {farmland_ha} 公顷，"
        "征收永久基本农田（不论面积）由国务院批准。项目另涉及"
        f"集体耕地 {cultivated_ha} 公顷、其他集体土地 {other_ha} 公顷，均含位于永久基本农田内的部分"
        in found.message.zh
    )
    assert "永久基本农田以外的集体耕地" not in found.message.zh
    assert "the part outside it is not separated" in found.message.en


def test_a_site_without_a_project_type_on_cultivated_land_is_not_said_to_be_no_pv_array():
    # "非光伏项目，不适用本项" was said of a site declaring no type at all, 60 % on 耕地
    survey = frame([parcel("0103", square(0, 0, 60, 100)), parcel("0702", square(60, 0, 40, 100))])
    site = sites(square(0, 0, 100), square(60, 0, 40, 100), project_type=[None, None])
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    found = finding(result, "pv_siting")
    assert (found.outcome, found.status) == ("undeclared", "unknown")
    assert "耕地 0.6000 公顷是否用作光伏方阵" in found.message.zh
    # an energy project (未细分) may be an array too; a wind farm is said not to be one
    typed = sites(square(0, 0, 100), square(0, 0, 100), project_type=["energy", "wind"])
    result = landcheck.check(typed, layers={"land_use": survey}, **PLANAR)
    assert finding(result, "pv_siting").outcome == "undeclared"
    assert "（能源项目（未细分））" in finding(result, "pv_siting").message.zh
    assert finding(result, "pv_siting", "S2").outcome == "not_applicable"
    # no 耕地 in the site: nothing a PV array could be barred from, and no claim it is none
    clear = finding(result, "pv_siting", "S2")
    assert (clear.outcome, clear.status) == ("not_applicable", "not_involved")
    assert clear.message.zh == "未申报为光伏项目，不适用本项。"


def test_the_examiner_is_not_named_from_layers_that_were_not_checked():
    # 预审管理办法 art. 5: the ministry where farmland or the redline is taken. Without a
    # farmland layer the county was named; of one project's two sites, the one beside the
    # farmland was sent to the county while its sister site went to the ministry.
    approved = frame(
        [parcel("0501", square(0, 0, 100, 50)), parcel("0501", square(1000, 0, 100, 50))]
    )
    survey = frame(
        [
            parcel("0101", square(0, 0, 100), QSXZ="10"),
            parcel("0101", square(1000, 0, 100), QSXZ="10"),
        ]
    )
    redline = frame([{"BSM": "R", "geometry": square(5000, 5000, 10)}])
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["XM1", "XM1"],
        approval_level=["县级"] * 2,
    )
    layers = {"approved_land": approved, "land_use": survey, "eco_redline": redline}
    alone = landcheck.check(site, layers=layers, **PLANAR)
    said = finding(alone, "preexam_needed").message.zh
    assert "（永久基本农田图层未能完整核查，预审机关待定）" in said
    assert "县级自然资源主管部门" not in said
    farmland = frame([parcel("0101", square(0, 0, 100))])
    both = landcheck.check(site, layers={**layers, "farmland": farmland}, **PLANAR)
    assert (
        "由自然资源部（涉及永久基本农田或生态保护红线）预审"
        in finding(both, "preexam_needed").message.zh
    )
    sister = finding(both, "preexam_needed", "S2").message.zh
    assert "由自然资源部（同一项目 XM1 的用地涉及永久基本农田）预审" in sister


def test_the_parts_a_message_lists_add_up_to_the_area_it_states():
    # three strips of 100/3 m: 1.0000 ha of 耕地 was "水田 0.3333、水浇地 0.3333、旱地 0.3333
    # 公顷" and "另有 0.0001 公顷 not split"; the forest grades the same under 1.0000 ha
    third = 100.0 / 3.0
    strips = [square(i * third, 0, third, 100) for i in range(3)]
    survey = frame(
        [parcel(code, strip) for code, strip in zip(("0101", "0102", "0103"), strips, strict=True)]
    )
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": survey}, **PLANAR)
    said = finding(result, "cultivated_land").message.zh
    assert "占用耕地 1.0000 公顷" in said
    assert "其中水田 0.3334 公顷、水浇地 0.3333 公顷、旱地 0.3333 公顷（" in said
    forest = frame(
        [
            {"BSM": f"F{i}", "BHDJ": grade, "geometry": s}
            for i, (grade, s) in enumerate(zip("ⅡⅢⅣ", strips, strict=True))
        ]
    )
    result = landcheck.check(sites(square(0, 0, 100)), layers={"forest": forest}, **PLANAR)
    said = finding(result, "forest").message.zh
    assert "占用林地 1.0000 公顷" in said
    assert "0.3334 公顷" in said and said.count("0.3333 公顷") == 2


def test_why_the_survey_cannot_describe_the_site_is_said_in_each_language():
    # "unknown codes / 未知代码 9999" and "… m² of the site not covered / 未覆盖" were one text
    # for both languages: English inside the Chinese message, Chinese inside the English
    survey = frame([parcel("9999", square(0, 0, 60, 100))])  # 40 m x 100 m not covered
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": survey}, **PLANAR)
    found = finding(result, "cultivated_land")
    assert found.status == "unknown"
    assert "（项目用地有 4000.00 平方米未被覆盖；未知代码 9999）" in found.message.zh
    assert "(4000.00 m² of the site not covered; unknown codes 9999)" in found.message.en
    assert "unknown codes" not in found.message.zh and "未知代码" not in found.message.en


def test_a_project_whose_other_site_the_survey_does_not_describe_has_no_confident_approver():
    # LAL art. 46 sums a project's land: S1 takes 30 ha of collective 耕地, S2's 15 ha lie
    # where the survey has no parcels, so the project's 耕地 is 30–45 ha (35 ha is the
    # State Council's). S1 read "province" with no caveat, while S2 was incomplete.
    site = sites(
        square(0, 0, 600, 500),
        square(2000, 0, 300, 500),
        project_id=["P1", "P1"],
        project_type=["expressway"] * 2,
    )
    survey = frame([parcel("0103", square(0, 0, 600, 500), QSXZ="30")])
    farmland = frame([parcel("0103", square(9000, 9000, 10))])
    result = landcheck.check(site, layers={"land_use": survey, "farmland": farmland}, **PLANAR)
    first, second = (finding(result, "expropriation", s) for s in ("S1", "S2"))
    assert (first.outcome, first.status) == ("incomplete", "unknown")
    assert "图层未能完整覆盖用地 S2 或含未知代码" in first.message.zh
    assert "does not fully describe site(s) S2" in first.message.en
    assert (second.outcome, second.status) == ("incomplete", "unknown")
    assert "项目用地有 150000.00 平方米未被覆盖" in second.message.zh
    assert "S2 或含未知代码" not in second.message.zh  # its own gap is said once, with figures
    # S1 40 ha of collective 耕地: over 35 ha whatever S2 holds, so the State Council
    site = sites(
        square(0, 0, 800, 500),
        square(2000, 0, 300, 500),
        project_id=["P1", "P1"],
        project_type=["expressway"] * 2,
    )
    survey = frame([parcel("0103", square(0, 0, 800, 500), QSXZ="30")])
    result = landcheck.check(site, layers={"land_use": survey, "farmland": farmland}, **PLANAR)
    assert finding(result, "expropriation").outcome == "state_council"


def test_a_project_whose_other_site_takes_the_redline_is_examined_by_the_ministry():
    # 预审管理办法 art. 5: one project, one application. S1 takes 3,000 m² of the redline, S2
    # nothing: S2 was sent to the provincial authority (its project's farmland did send it
    # to the ministry)
    survey = frame([parcel("0702", square(-50, -50, 1300), QSXZ="10")])
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        approval_level=["provincial"] * 2,
    )
    layers = {
        "land_use": survey,
        "farmland": frame([parcel("0103", square(5000, 5000, 10))]),
        "eco_redline": frame([{"BSM": "R1", "geometry": square(70, 0, 30, 100)}]),
        "approved_land": frame([{"BSM": "A", "geometry": square(9000, 9000, 10)}]),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    sister = finding(result, "preexam_needed", "S2").message
    assert "由自然资源部（同一项目 P1 的用地涉及生态保护红线）预审" in sister.zh
    assert "the sites of project P1 take the ecological protection redline" in sister.en
    assert "省级" not in sister.zh


def test_a_project_without_a_survey_is_still_examined_where_its_farmland_sends_it():
    # the project's farmland and redline were summed only with a survey of known ownership:
    # without one, S2 of a project whose S1 takes farmland went to the provincial authority
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        approval_level=["provincial"] * 2,
    )
    layers = {
        "farmland": frame([parcel("0103", square(70, 0, 30, 100))]),
        "eco_redline": frame([{"BSM": "R1", "geometry": square(6000, 6000, 10)}]),
        "approved_land": frame([{"BSM": "A", "geometry": square(9000, 9000, 10)}]),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    sister = finding(result, "preexam_needed", "S2").message.zh
    assert "由自然资源部（同一项目 P1 的用地涉及永久基本农田）预审" in sister
    assert finding(result, "expropriation", "S2").status == "unknown"


def approved(*geometries) -> object:
    return frame([{"BSM": f"A{i}", "geometry": g} for i, g in enumerate(geometries)])


def test_a_site_wholly_on_approved_land_is_not_told_to_convert_or_compensate():
    # 自然资规〔2019〕2号 §一: no 预审 — yet the same run said 须办理农用地转用, 补充耕地方案 and
    # the 专章 for a site wholly on approved construction land whose survey still shows 0103
    survey = frame([parcel("0103", square(-50, -50, 200), QSXZ="30")])
    site = sites(square(0, 0, 100), land_supply=["transfer"])
    layers = {"land_use": survey, "approved_land": approved(square(-10, -10, 120))}
    result = landcheck.check(site, layers=layers, **PLANAR)
    for check in ("cultivated_land", "agricultural_conversion", "expropriation"):
        found = finding(result, check)
        assert (found.outcome, found.status) == ("approved_land", "info"), check
        assert found.area.planar_m2 == pytest.approx(10_000.0)
        assert "依法批准的建设用地范围内（1.0000 公顷）" in found.message.zh
        assert not found.documents and not found.documents_later
    assert finding(result, "preexam_needed").outcome == "not_required"


def test_a_site_partly_on_approved_land_keeps_its_figures_and_says_how_much_was_approved():
    survey = frame([parcel("0103", square(-50, -50, 200), QSXZ="30")])
    layers = {"land_use": survey, "approved_land": approved(square(0, 0, 40, 100))}
    result = landcheck.check(sites(square(0, 0, 100)), layers=layers, **PLANAR)
    found = finding(result, "cultivated_land")
    assert (found.outcome, found.area.planar_m2) == ("compensate", pytest.approx(10_000.0))
    assert "（其中 0.4000 公顷位于依法批准的建设用地范围内" in found.message.zh
    assert " (0.4000 ha of the site lie on construction land already approved" in found.message.en
    conversion = finding(result, "agricultural_conversion")
    assert "其中 0.4000 公顷位于依法批准的建设用地范围内" in conversion.message.zh


def test_a_site_wholly_on_approved_land_is_left_out_of_its_projects_expropriation_totals():
    # S1 30 ha of collective 耕地 wholly on approved land, S2 10 ha: S2's project 耕地 is 10 ha
    # (province), not 40 ha (State Council)
    site = sites(
        square(0, 0, 600, 500),
        square(2000, 0, 200, 500),
        project_id=["P1", "P1"],
        project_type=["expressway"] * 2,
    )
    survey = frame([parcel("0103", square(-100, -100, 2500, 800), QSXZ="30")])
    layers = {
        "land_use": survey,
        "farmland": frame([parcel("0103", square(9000, 9000, 10))]),
        "approved_land": approved(square(-10, -10, 620, 520)),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert finding(result, "expropriation").outcome == "approved_land"
    second = finding(result, "expropriation", "S2")
    assert second.outcome == "province"
    assert "耕地 10.0000 公顷" in second.message.zh


def test_a_transferred_site_on_approved_land_is_asked_for_no_pre_examination_application():
    # no 预审 and, land transferred (出让), no site selection: the 预审 application, its
    # coordinate table and plan extract were still listed as needed now
    survey = frame([parcel("0702", square(-50, -50, 200), QSXZ="10")])
    layers = {"land_use": survey, "approved_land": approved(square(-10, -10, 120))}
    supplies = ["transfer", "allocation"]
    site = sites(square(0, 0, 100), square(0, 0, 100), land_supply=supplies)
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert result.documents("S1") == [] and result.documents_later("S1") == []
    allocated = [d.zh for d in result.documents("S2")]
    assert allocated[0] == "建设项目用地预审与选址申请表"  # the site selection is still needed
    entry = json.loads(dumps(result))["sites"][0]
    assert entry["documents"] == []


@pytest.mark.parametrize("strip_code", ["0502", None, "04", "05"])
def test_a_strip_outside_planned_land_thinner_than_a_sliver_is_no_single_site(strip_code):
    # rules-2026 §I: a strip 0.05 m wide (5 m², under the profile's 0.1 m sliver width) is a
    # suspected boundary error, whether zoned 0502, a level-1 zone (04, 05: its width was not
    # measured, so 5 m² alone made it 单独选址) or left without a zone; the project was
    # called 单独选址 for it, while the conformity check called it a sliver
    strip = box(X0 + 99.95, Y0 - 100, X0 + 200, Y0 + 200)
    zoned = [{"BSM": "Z1", "GHFQDM": "0401", "geometry": square(-100, -100, 300).difference(strip)}]
    if strip_code is not None:
        zoned.append({"BSM": "Z2", "GHFQDM": strip_code, "geometry": strip})
    layers = {
        "planning_zones": frame([dict(row) for row in zoned]),
        "land_use": frame([parcel("0103", square(-100, -100, 300), QSXZ="30")]),
        "farmland": frame([parcel("0101", square(9000, 9000, 10))]),
    }
    site = sites(square(0, 0, 100), project_type=["industrial"])
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "agricultural_conversion")
    assert (found.outcome, found.status) == ("batch", "conditional")
    assert (
        "另有 5.00 平方米的细小部分位于规划建设用地范围外，疑似边界误差，修正后复核。"
        in found.message.zh
    )
    # nor does it make a sister site inside planned land 单独选址 with it
    pair = sites(square(0, 0, 100), square(500, 0, 100), project_id=["P1", "P1"])
    more = [*zoned, zone("0401", square(400, -100, 300))]
    layers_pair = {**layers, "planning_zones": frame(more)}
    layers_pair["land_use"] = frame([parcel("0103", square(-100, -100, 1500, 400), QSXZ="30")])
    result = landcheck.check(pair, layers=layers_pair, **PLANAR)
    for name in ("S1", "S2"):
        assert finding(result, "agricultural_conversion", name).outcome == "batch", name
    assert "Another 5.00 m² lie outside the planned construction land in a thin strip" in (
        found.message.en
    )
    # 1 m wide (100 m²) is land outside planned construction land: 单独选址
    wide = box(X0 + 99, Y0 - 100, X0 + 200, Y0 + 200)
    layers["planning_zones"] = frame(
        [
            {"BSM": "Z1", "GHFQDM": "0401", "geometry": square(-100, -100, 300).difference(wide)},
            {"BSM": "Z2", "GHFQDM": "0502", "geometry": wide},
        ]
    )
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "agricultural_conversion")
    assert found.outcome == "single_site"


@pytest.mark.parametrize("area_method", ["planar", "ellipsoidal"])
def test_a_site_wholly_inside_planned_land_drawn_in_several_zones_has_nothing_outside(area_method):
    # a site wholly in 0401, the zone drawn as three adjoining features: their areas summed
    # fall 1e-7 m² short of the site's, and the message added "另有 0.00 平方米的细小部分位于
    # 规划建设用地范围外，疑似边界误差"
    zones = [
        zone("0401", square(-100, -100, 133.3, 400)),
        zone("0401", square(33.3, -100, 33.4, 400)),
        zone("0401", square(66.7, -100, 2400, 400)),
    ]
    zones[1]["BSM"], zones[2]["BSM"] = "Z2", "Z3"
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 2500, 400), QSXZ="30")]),
        **FAR_FARMLAND,
        "planning_zones": frame(zones),
    }
    result = landcheck.check(
        sites(square(0, 0, 100)), layers=layers, area_method=area_method, coverage=county()
    )
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("batch", "conditional")
    assert "位于规划建设用地范围外" not in found.message.zh
    assert "outside the planned construction land" not in found.message.en


def test_cultivated_land_coded_at_level_1_only_is_not_listed_twice_in_the_land_class_table():
    # the level-1 line 耕地 01 and the class line 耕地 01 read as 1 ha listed twice
    from landcheck.tables import report_tables

    only = coded_2023(("01", square(0, 0, 100)))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": only}, **PLANAR)
    table = report_tables(result, "zh")["land_classes"].frame
    labels = table.loc[table["code"] == "01", "label"].tolist()
    assert labels == ["耕地", "耕地（编码仅到一级，未细分）"]


FAR_FARMLAND = {"farmland": frame([parcel("0103", square(9000, 9000, 10))])}
"""Farmland known to lie elsewhere: the 征收 approver then rests on the survey alone."""


def expropriation(survey_rows, site=None, **layers):
    """The expropriation finding of one expressway site (by default the 600 m square)."""
    site = sites(site or square(0, 0, 600), project_type=["expressway"])
    layers = {"land_use": frame(survey_rows), **FAR_FARMLAND, **layers}
    return finding(landcheck.check(site, layers=layers, **PLANAR), "expropriation")


def test_the_approved_part_of_a_site_is_not_expropriated_again():
    # LAL art. 46 counts what is newly expropriated: 36 ha of collective 耕地, 2 ha of it on
    # approved construction land, is 34 ha (the province); it read "集体耕地 36.0000 公顷 …
    # 达到国务院批准权限" beside a 预审 finding of 34 ha of new construction land
    survey = [parcel("0103", square(-10, -10, 620), QSXZ="30")]
    strip = {"approved_land": approved(square(0, 0, 600, 20_000 / 600))}
    found = expropriation(survey, **strip)
    assert (found.outcome, found.status) == ("province", "info")
    assert "耕地 34.0000 公顷（不超过35公顷）" in found.message.zh
    assert "34.0000 ha of cultivated land outside permanent farmland" in found.message.en
    assert "2.0000 公顷位于依法批准的建设用地范围内" in found.message.zh
    assert "2.0000 ha of the sites lie on construction land already approved" in found.message.en
    # 36 ha of collective 耕地 and 4 ha of state land: the 2 ha may lie on either, so the new
    # 耕地 is 34–36 ha, across the 35 ha of the State Council: not known, and why
    survey = [
        parcel("0103", square(-10, -10, 620, 610), QSXZ="30"),
        parcel("0702", square(-10, 600, 620, 100), QSXZ="10"),
    ]
    found = expropriation(survey, square(0, 0, 600, 4_000_000 / 6000), **strip)
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    assert "集体耕地 34.0000–36.0000 公顷" in found.message.zh
    assert "collective cultivated land newly expropriated is 34.0000–36.0000 ha" in found.message.en
    assert "2.0000 ha of the sites lie on approved construction land" in found.message.en
    # 0.5 ha approved out of 36 ha all collective 耕地: 35.5 ha whatever it lies on
    half = {"approved_land": approved(square(0, 0, 600, 5_000 / 600))}
    found = expropriation([parcel("0103", square(-10, -10, 620), QSXZ="30")], **half)
    assert (found.outcome, found.status) == ("state_council", "info")
    assert "集体耕地 35.5000 公顷" in found.message.zh
    assert "0.5000 公顷位于依法批准的建设用地范围内" in found.message.zh


def test_permanent_farmland_on_state_land_is_not_expropriated():
    # rules-2026 §E, LAL art. 46: only collective land is expropriated. 3,000 m² of farmland
    # on a site all of state land read "征收永久基本农田（不论面积）由国务院批准" beside
    # "集体耕地 0.0000 公顷"
    site = square(0, 0, 100)
    pbf = {"farmland": frame([parcel("0103", square(0, 0, 30, 100))])}
    found = expropriation([parcel("0103", square(-10, -10, 120), QSXZ="10")], site, **pbf)
    assert (found.outcome, found.status) == ("not_involved", "not_involved")
    # on a site half collective, the 0.3 ha of farmland may lie on either half: not known
    half = [
        parcel("0103", square(-10, -10, 60, 120), QSXZ="10"),
        parcel("0103", square(50, -10, 60, 120), QSXZ="30"),
    ]
    found = expropriation(half, site, **pbf)
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    assert "永久基本农田中至多 0.3000 公顷可能位于集体土地上" in found.message.zh
    assert "up to 0.3000 ha of permanent farmland may lie on collective land" in found.message.en
    # 0.8 ha collective, 0.2 ha state: at least 0.1 ha of the farmland is collective
    most = [
        parcel("0103", square(-10, -10, 30, 120), QSXZ="10"),
        parcel("0103", square(20, -10, 90, 120), QSXZ="30"),
    ]
    found = expropriation(most, site, **pbf)
    assert (found.outcome, found.status) == ("state_council_farmland", "info")
    assert "涉及集体土地上的永久基本农田 0.1000 公顷" in found.message.zh
    assert "集体土地上的永久基本农田可能为 0.1000–0.3000 公顷，上述面积取其最小值" in (
        found.message.zh
    )
    assert "permanent farmland on collective land may be 0.1000–0.3000 ha" in found.message.en
    # the 农转用 check still names the State Council for converting permanent farmland
    site = sites(site, project_type=["expressway"])
    layers = {"land_use": frame([parcel("0103", square(-10, -10, 120), QSXZ="10")]), **pbf}
    conversion = finding(landcheck.check(site, layers=layers, **PLANAR), "agricultural_conversion")
    assert (
        "State Council (permanent farmland is taken; in a province entrusted"
        in conversion.message.en
    )


@pytest.mark.parametrize(("code", "ownership"), [("0702", "10"), ("0103", "20")])
def test_a_site_all_of_state_land_needs_no_farmland_layer_to_know_it_expropriates_nothing(
    code, ownership
):
    # a 1 ha site all of state land (QSXZ 10, 20) without the farmland layer read "无法完整判断
    # 土地征收审批机关：永久基本农田图层未能使用": farmland on collective land is at most the
    # site's ground that may be collective, none here (LAL art. 46: only collective land)
    site = sites(square(0, 0, 100), project_type=["expressway"])
    layers = {"land_use": frame([parcel(code, square(-50, -50, 200), QSXZ=ownership)])}
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "expropriation")
    assert (found.outcome, found.status) == ("not_involved", "not_involved")
    # half of it collective: the missing farmland layer matters again
    survey = [
        parcel(code, square(-50, -50, 100, 200), QSXZ=ownership),
        parcel(code, square(50, -50, 100, 200), QSXZ="30"),
    ]
    layers = {"land_use": frame(survey)}
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "expropriation")
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    assert "永久基本农田图层" in found.message.zh


@pytest.mark.parametrize(
    ("collective", "unknown", "outcome"),
    [
        (10_000.0 - 0.5, 0.5, "province"),  # a 0.5 m² sliver of blank QSXZ
        (300_000.0, 10_000.0, "province"),  # 30–31 ha: under 35 ha either way
        (345_000.0, 10_000.0, "incomplete"),  # 34.5–35.5 ha: across 35 ha
        (360_000.0, 10_000.0, "state_council"),  # 36–37 ha: over 35 ha either way
    ],
)
def test_land_of_unknown_ownership_leaves_the_approver_unknown_only_if_it_could_change_it(
    collective, unknown, outcome
):
    # 0.5 m² whose QSXZ is blank made a 1 ha collective site's approver "unknown"
    width = (collective + unknown) / 1000
    blank = square(1000 - unknown / width, 0, unknown / width, width)
    survey = [
        parcel("0103", square(-10, -10, 1020, width + 20).difference(blank), QSXZ="30"),
        parcel("0103", blank, QSXZ=""),
    ]
    found = expropriation(survey, square(0, 0, 1000, width))
    assert found.outcome == outcome
    if outcome == "incomplete":
        assert "10000.00 平方米土地的权属性质（QSXZ）既非国有" in found.message.zh
        assert "newly expropriated is 34.5000–35.5000 ha" in found.message.en
    else:
        shown = f"{unknown:.2f}"
        assert f"另有 {shown} 平方米土地的权属性质（QSXZ）既非国有也非集体" in found.message.zh
        assert f"the ownership (QSXZ) of {shown} m² is neither state nor collective" in (
            found.message.en
        )
        high = (collective + unknown) / 10_000 if outcome == "province" else collective / 10_000
        assert f"{high:.4f} ha of" in found.message.en


def test_collective_cultivated_land_is_within_35_ha_exactly_as_its_figure_prints():
    # 350,000.5 m² (512 m x 683.5947265625 m) read "耕地 35.0001 公顷（不超过35公顷）" and went to
    # the province: the bound allowed 350,000.5 m² inclusive while the figure rounds it up
    edge = square(0, 0, 512, 683.5947265625)
    assert edge.area == 350_000.5
    found = expropriation([parcel("0103", square(-10, -10, 620, 700), QSXZ="30")], edge)
    assert (found.outcome, found.status) == ("state_council", "info")
    assert "永久基本农田以外的集体耕地 35.0001 公顷" in found.message.zh
    # 350,000.25 m² prints 35.0000: within 35 ha
    within = square(0, 0, 512, 350_000.25 / 512)
    found = expropriation([parcel("0103", square(-10, -10, 620, 700), QSXZ="30")], within)
    assert (found.outcome, found.status) == ("province", "info")
    assert "耕地 35.0000 公顷（不超过35公顷）" in found.message.zh


@pytest.mark.parametrize(("approved_ha", "outcome"), [(1.5, "state_council"), (2.5, "incomplete")])
def test_approved_ground_cannot_bring_both_kinds_of_land_under_at_once(approved_ha, outcome):
    # 36 ha of collective 耕地 and 71 ha of collective forest: 1.5 ha of approved ground may
    # bring either under its threshold (34.5 ha, 69.5 ha) but not both (1 ha each): the State
    # Council whatever it lies on; 2.5 ha may bring both, or neither
    survey = [
        parcel("0103", square(-10, -10, 1020, 370), QSXZ="30"),
        parcel("0301", square(-10, 360, 1020, 720), QSXZ="30"),
    ]
    ground = {"approved_land": approved(square(0, 300, 1000, approved_ha * 10))}
    found = expropriation(survey, square(0, 0, 1000, 1070), **ground)
    assert found.outcome == outcome
    if outcome == "state_council":
        assert "34.5000 ha of other collective cultivated land" in found.message.en
        assert "69.5000 ha of other collective land" in found.message.en
        assert "whichever they are, the approver is the same" in found.message.en
    else:
        assert "newly expropriated is 33.5000–36.0000 ha" in found.message.en
        assert "the other collective land 68.5000–71.0000 ha" in found.message.en


def test_the_expropriation_names_the_sites_summed_and_those_left_out_on_approved_land():
    # "合计用地 S1、S2、S3" beside 2.0000 ha: S2 lies wholly on approved land and was not summed
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 1500, 400), QSXZ="30")]),
        **FAR_FARMLAND,
        "approved_land": approved(square(490, -10, 120)),
    }
    site = sites(
        square(0, 0, 100), square(500, 0, 100), square(1000, 0, 100), project_id=["P1"] * 3
    )
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "expropriation")
    assert (found.outcome, found.status) == ("province", "info")
    assert "耕地 2.0000 公顷（不超过35公顷）" in found.message.zh
    assert "（P1，合计用地 S1、S3；用地 S2 全部位于依法批准的建设用地范围内，未计入）" in (
        found.message.zh
    )
    assert "sites summed: S1, S3; site(s) S2 lie wholly on approved construction land, " in (
        found.message.en
    )


def test_sites_that_overlap_leave_the_approver_unknown_only_if_the_overlap_could_change_it():
    # sites_overlap (unknown) came whatever the overlap: with the overlapping sister wholly on
    # approved land (left out of the totals: nothing counted twice), and with a project over
    # 35 ha however the shared ground is counted. Bounds: the overlap counted once or twice.
    site = sites(
        square(0, 0, 100),  # P1: S1 wholly on approved land
        square(80, 0, 100),  # S2 shares 2,000 m² with S1
        square(1000, 0, 800, 500),  # P2: 40 ha
        square(1700, 0, 200, 500),  # 10 ha, 5 ha of it shared: 45–50 ha
        square(3000, 0, 600, 500),  # P3: 30 ha
        square(3500, 0, 220, 500),  # 11 ha, 5 ha shared: 36–41 ha
        square(5000, 0, 200, 500),  # P4: 10 ha
        square(5180, 0, 200, 500),  # 10 ha, 1 ha shared: 19–20 ha
        project_id=["P1", "P1", "P2", "P2", "P3", "P3", "P4", "P4"],
        project_type=["expressway"] * 8,
    )
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 6000, 800), QSXZ="30")]),
        **FAR_FARMLAND,
        "approved_land": approved(square(-10, -10, 120)),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert finding(result, "expropriation", "S1").outcome == "approved_land"
    found = finding(result, "expropriation", "S2")
    assert (found.outcome, found.status) == ("province", "info")
    found = finding(result, "expropriation", "S3")
    assert (found.outcome, found.status) == ("state_council", "info")
    assert "永久基本农田以外的集体耕地 45.0000 公顷" in found.message.zh
    found = finding(result, "expropriation", "S5")
    assert (found.outcome, found.status) == ("state_council", "info")
    found = finding(result, "expropriation", "S7")
    assert (found.outcome, found.status) == ("province", "info")
    assert "耕地 20.0000 公顷（不超过35公顷）" in found.message.zh
    assert "集体耕地可能为 19.0000–20.0000 公顷" in found.message.zh
    assert "用地 S7、S8 相互重叠 10000.00 平方米" in found.message.zh
    assert "sites S7, S8 overlap each other by 10000.00 m²" in found.message.en
    # 30 ha + 10 ha sharing 6 ha: 34–40 ha, across 35 ha: not known
    site = sites(
        square(0, 0, 600, 500),
        square(480, 0, 200, 500),
        project_id=["P1", "P1"],
        project_type=["expressway"] * 2,
    )
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "expropriation")
    assert (found.outcome, found.status) == ("sites_overlap", "unknown")
    assert "相互重叠 60000.00 平方米" in found.message.zh


# --------------------------------------------- a project of several sites (实施条例 arts. 24-25)


def two_halves(zones, farmland=None):
    """Project P1: 200 m x 100 m of collective 0103 as S1 (west half) and S2 (east half)."""
    if farmland is None:
        farmland = frame([parcel("0103", square(5000, 5000, 10))])
    site = sites(square(0, 0, 100), square(100, 0, 100), project_id=["P1", "P1"])
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 500, 400), QSXZ="30")]),
        "farmland": frame([parcel("0103", square(5000, 5000, 10))])
        if farmland is None
        else farmland,
        "planning_zones": frame(zones),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    return [finding(result, "agricultural_conversion", s) for s in ("S1", "S2")]


def zone(code, geometry):
    return {"BSM": f"Z{code}", "GHFQDM": code, "geometry": geometry}


def test_a_project_one_of_whose_sites_lies_outside_planned_land_is_sited_on_its_own():
    # S1 in 0401 (planned construction land) with 3,000 m² of permanent farmland, S2 in 0402:
    # as one site 单独选址 by the State Council; as two sites of P1, S1 was "按批次" and S2
    # "由国务院或者国务院授权的省…批准" although the project takes permanent farmland
    zones = [zone("0401", square(-100, -100, 200, 400)), zone("0402", square(100, -100, 300, 400))]
    pbf = frame([parcel("0103", square(70, 0, 30, 100))])
    first, second = two_halves(zones, pbf)
    assert (first.outcome, first.status) == ("project_single_site", "conditional")
    assert first.area.planar_m2 == pytest.approx(10_000.0)
    assert "同一项目 P1 的用地 S2 有农用地位于规划确定的城市和村庄、集镇建设用地范围外，" in (
        first.message.zh
    )
    assert "项目属于单独选址建设项目" in first.message.zh
    assert (
        "由国务院（涉及永久基本农田；国发〔2020〕4号委托试点的省份，以委托规定为准）批准"
        in first.message.zh
    )
    assert "site(s) S2 of the same project P1 take agricultural land outside" in first.message.en
    assert "按批次" not in first.message.zh
    assert first.documents_later and first.documents_later[0].zh == "农用地转用方案"
    assert (second.outcome, second.status) == ("single_site", "conditional")
    assert "项目用地有 1.0000 公顷位于规划确定的城市和村庄、集镇建设用地范围外" in (
        second.message.zh
    )
    assert (
        "由国务院（同一项目 P1 的用地 S1 涉及永久基本农田；国发〔2020〕4号委托试点的省份，"
        "以委托规定为准）批准"
    ) in second.message.zh
    assert "the State Council (site(s) S1 of project P1 take permanent farmland; in a" in (
        second.message.en
    )
    assert "国务院授权的省" not in second.message.zh
    # both sites in 0401: each converted in batches, no word of the project
    first, second = two_halves([zone("0401", square(-100, -100, 500, 400))], pbf)
    assert (first.outcome, second.outcome) == ("batch", "batch")
    assert (
        "由国务院（涉及永久基本农田；国发〔2020〕4号委托试点的省份，以委托规定为准）批准"
        in first.message.zh
    )
    assert "由原批准国土空间规划的机关或者其授权的机关（按批次）批准" in second.message.zh


def test_a_project_whose_other_site_the_zones_cannot_place_has_no_known_conversion_mode():
    # S2 lies where no zone is: S1, inside 0401, was "按批次" with no caveat, while S2 may put
    # agricultural land outside planned construction land and make P1 单独选址
    first, second = two_halves([zone("0401", square(-100, -100, 200, 400))])
    assert (first.outcome, first.status) == ("project_undetermined", "conditional")
    assert "位于规划确定的城市和村庄、集镇建设用地范围内（1.0000 公顷）" in first.message.zh
    assert "但同一项目 P1 的用地 S2 的规划分区图层未能完整描述，无法判断其农用地是否位于" in (
        first.message.zh
    )
    assert "项目按批次办理还是属于单独选址建设项目（建设项目原则上一次申请）待定" in (
        first.message.zh
    )
    assert "the planning zones layer does not fully describe site(s) S2 of the same project P1" in (
        first.message.en
    )
    # either approver, each for its mode (LAL art. 44 paras 3 and 4)
    assert (
        "由原批准国土空间规划的机关或者其授权的机关（按批次）批准；如属单独选址，则由国务院或者"
        "国务院授权的省、自治区、直辖市人民政府（国发〔2020〕4号）批准" in first.message.zh
    )
    assert (second.outcome, second.status) == ("conversion", "conditional")
    assert "规划分区图层有 10000.00 平方米未覆盖项目用地" in second.message.zh


def test_without_planning_zones_the_conversion_approver_is_not_named_as_if_the_mode_were_known():
    # no planning-zone layer: "无法判断…（按批次或单独选址）" but "由国务院或者国务院授权的省…
    # 批准", the approver of 单独选址 alone (LAL art. 44 para 4; para 3 for batches)
    survey = frame([parcel("0103", square(-100, -100, 300), QSXZ="30")])
    far = frame([parcel("0103", square(5000, 5000, 10))])
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"land_use": survey, "farmland": far}, **PLANAR
    )
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("conversion", "conditional")
    assert (
        "须办理农用地转用，由原批准国土空间规划的机关或者其授权的机关（按批次）批准；如属单独选址，"
        "则由国务院或者国务院授权的省、自治区、直辖市人民政府（国发〔2020〕4号）批准；规划分区图层"
        "未能使用" in found.message.zh
    )
    assert (
        "approval by the authority that approved the plan, or the one it authorises (in batches); "
        "if it is sited on its own, by the State Council or the provincial government it "
        "authorises (Guo Fa [2020] No. 4)." in found.message.en
    )
    # permanent farmland taken: the State Council either way, named once
    pbf = frame([parcel("0103", square(0, 0, 30, 100))])
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"land_use": survey, "farmland": pbf}, **PLANAR
    )
    found = finding(result, "agricultural_conversion")
    assert (
        "须办理农用地转用，由国务院（涉及永久基本农田；国发〔2020〕4号委托试点的省份，以委托规定为准）批准；规划分区图层未能使用"
        in (found.message.zh)
    )
    # no farmland layer either: neither approver is known, each said as such
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": survey}, **PLANAR)
    said = finding(result, "agricultural_conversion").message.zh
    assert (
        "由国务院（如涉及永久基本农田）或原批准国土空间规划的机关或者其授权的机关（按批次）"
        "（永久基本农田图层未能完整核查，审批机关待定）批准；如属单独选址，则由国务院（如涉及永久"
        "基本农田）或省级人民政府（永久基本农田图层未能完整核查，审批机关待定）批准" in said
    )


def test_a_project_whose_other_site_lies_beyond_the_described_area_has_no_known_examiner():
    # 预审管理办法 art. 5, one project: S1 lies half beyond the area the layers describe (its
    # farmland and redline checks unknown); S2 read "由省级自然资源主管部门（与项目审批级别相同）
    # 预审" with no caveat
    import geopandas as gpd

    described = square(-10_000, -10_000, 10_050, 20_000).union(square(500, -10_000, 9_500, 20_000))
    coverage = gpd.GeoDataFrame(geometry=[described], crs="EPSG:4523")
    layers = {
        "land_use": frame([parcel("0702", square(-100, -100, 1400, 400), QSXZ="10")]),
        "farmland": frame([parcel("0103", square(5000, 5000, 10))]),
        "eco_redline": frame([{"BSM": "R1", "geometry": square(6000, 6000, 10)}]),
        "approved_land": frame([{"BSM": "A", "geometry": square(9000, 9000, 10)}]),
    }
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        approval_level=["provincial"] * 2,
    )
    result = landcheck.check(site, layers=layers, area_method="planar", coverage=coverage)
    assert finding(result, "permanent_farmland").status == "unknown"
    sister = finding(result, "preexam_needed", "S2")
    assert (sister.outcome, sister.status) == ("required", "not_involved")
    assert (
        "同一项目 P1 的用地 S1 的永久基本农田、生态保护红线图层未能完整核查，预审机关待定）预审"
        in sister.message.zh
    )
    assert (
        "(the farmland layer and the redline layer not fully checked for site(s) S1 of project "
        "P1: examiner undetermined)" in sister.message.en
    )
    assert "省级自然资源主管部门（与项目审批级别相同）" not in sister.message.zh


def test_a_site_on_approved_land_of_a_project_that_takes_new_land_needs_pre_examination():
    # 自然资规〔2019〕2号 §一 spares a project using approved construction land: S1 of P1 wholly
    # on it read "不需办理用地预审" (and no application) while S2 takes 1 ha of new land
    survey = frame([parcel("0103", square(-100, -100, 1400, 400), QSXZ="30")])
    layers = {
        "land_use": survey,
        "farmland": frame([parcel("0103", square(5000, 5000, 10))]),
        "eco_redline": frame([{"BSM": "R", "geometry": square(6000, 6000, 10)}]),
    }
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        land_supply=["transfer"] * 2,
        approval_level=["provincial"] * 2,
    )
    result = landcheck.check(
        site, layers={**layers, "approved_land": approved(square(-10, -10, 120))}, **PLANAR
    )
    first = finding(result, "preexam_needed")
    assert (first.outcome, first.status) == ("project_required", "not_involved")
    assert first.area.planar_m2 == pytest.approx(10_000.0)
    assert "项目用地全部位于依法批准的建设用地范围内（1.0000 公顷），本用地不新增建设用地" in (
        first.message.zh
    )
    assert "但同一项目 P1 的用地 S2 需新增建设用地" in first.message.zh
    assert "须办理用地预审（本用地一并纳入），由省级自然资源主管部门" in first.message.zh
    assert "site(s) S2 of the same project P1 need new construction land" in first.message.en
    assert "不需办理" not in first.message.zh
    assert result.documents("S1")[0].zh == "建设项目用地预审与选址申请表"
    assert finding(result, "preexam_needed", "S2").outcome == "required"
    # the whole project on approved land: no 预审 for either site
    both = approved(square(-10, -10, 120), square(990, -10, 120))
    result = landcheck.check(site, layers={**layers, "approved_land": both}, **PLANAR)
    for name in ("S1", "S2"):
        assert finding(result, "preexam_needed", name).outcome == "not_required"
        assert result.documents(name) == []


def test_a_project_whose_other_site_lies_beyond_the_approved_land_layer_may_need_no_pre_exam():
    # S1 of P1 wholly on approved land, S2 wholly beyond what the layers describe: S1 said as
    # fact "同一项目 P1 的用地 S2 需新增建设用地 … 须办理用地预审" though S2's own check cannot
    # tell whether it takes new land at all (自然资规〔2019〕2号 §一 may spare the project)
    coverage = frame([{"name": "west", "geometry": square(-10_000, -10_000, 10_500, 20_000)}])
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 2500, 400), QSXZ="30")]),
        "farmland": frame([parcel("0103", square(-5000, 5000, 10))]),
        "eco_redline": frame([{"BSM": "R", "geometry": square(-6000, 6000, 10)}]),
        "approved_land": approved(square(-10, -10, 120)),
    }
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        project_id=["P1", "P1"],
        approval_level=["provincial"] * 2,
    )
    result = landcheck.check(site, layers=layers, area_method="planar", coverage=coverage)
    first = finding(result, "preexam_needed")
    assert (first.outcome, first.status) == ("project_undetermined", "unknown")
    assert first.area.planar_m2 == pytest.approx(10_000.0)
    assert "需新增建设用地" not in first.message.zh
    assert "但同一项目 P1 的用地 S2 是否新增建设用地无法判断" in first.message.zh
    assert "用地 S2 有部分位于已批建设用地图层所描述的范围之外" in first.message.zh
    assert "whether site(s) S2 of the same project P1 need new construction land" in (
        first.message.en
    )
    assert finding(result, "preexam_needed", "S2").outcome == "outside"
    # a third site inside the described area taking new land settles it: 预审 is needed
    site = sites(
        square(0, 0, 100),
        square(1000, 0, 100),
        square(300, 0, 100),
        project_id=["P1"] * 3,
        approval_level=["provincial"] * 3,
    )
    result = landcheck.check(site, layers=layers, area_method="planar", coverage=coverage)
    first = finding(result, "preexam_needed")
    assert (first.outcome, first.status) == ("project_required", "not_involved")
    assert "但同一项目 P1 的用地 S3 需新增建设用地" in first.message.zh


def test_a_profile_written_before_the_project_outcomes_words_them_as_before():
    # project_single_site, project_undetermined and project_required fall back on
    # single_site, conversion and required: an earlier profile still loads and renders
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    for rule_id, names in (
        ("agricultural_conversion", ("project_single_site", "project_undetermined")),
        ("preexam_needed", ("project_required", "project_undetermined")),
    ):
        rule = next(r for r in data["rules"] if r["id"] == rule_id)
        for name in names:
            del rule["outcomes"][name]
    profile = profile_from_dict(data)
    site = sites(square(0, 0, 100), square(100, 0, 100), project_id=["P1", "P1"])
    zones = [zone("0401", square(-100, -100, 200, 400)), zone("0402", square(100, -100, 300, 400))]
    layers = {
        "land_use": frame([parcel("0103", square(-100, -100, 500, 400), QSXZ="30")]),
        "farmland": frame([parcel("0103", square(5000, 5000, 10))]),
        "planning_zones": frame(zones),
        "approved_land": approved(square(-10, -10, 120)),
    }
    result = landcheck.check(site, layers=layers, profile=profile, **PLANAR)
    found = finding(result, "preexam_needed")
    assert (found.outcome, found.status) == ("project_required", "not_involved")
    assert "须办理用地预审" in found.message.zh
    layers.pop("approved_land")
    found = finding(
        landcheck.check(site, layers=layers, profile=profile, **PLANAR), "agricultural_conversion"
    )
    assert (found.outcome, found.status) == ("project_single_site", "conditional")
    assert "属于单独选址建设项目" in found.message.zh


# ------------------------------ 农转用 mode from the 农用地, not the site (LAL art. 44; 条例 23-24)


def halves(west: str, east: str, zones: tuple[str, str]) -> dict:
    """A 100 m square site, its west half surveyed ``west``, its east half ``east``, zoned so."""
    return {
        "land_use": frame(
            [
                parcel(west, square(-10, -10, 60, 120), QSXZ="30"),
                parcel(east, square(50, -10, 60, 120), QSXZ="30"),
            ]
        ),
        **FAR_FARMLAND,
        "planning_zones": frame(
            [
                {"BSM": "Z1", "GHFQDM": zones[0], "geometry": square(-10, -10, 60, 120)},
                {"BSM": "Z2", "GHFQDM": zones[1], "geometry": square(50, -10, 60, 120)},
            ]
        ),
    }


@pytest.mark.parametrize("zones", [("0401", "0502"), ("0502", "0401")])
def test_construction_land_outside_planned_land_does_not_make_the_farmland_single_site(zones):
    # 0.5 ha of 0103 and 0.5 ha of existing 0702, half the site in 0401: "项目用地有 0.5000 公顷
    # 位于…范围外，属于单独选址建设项目" whichever half lay outside. The two layers are not
    # intersected: the 农用地 outside planned land is 0 to 0.5 ha, and either mode may be
    site = sites(square(0, 0, 100), project_type=["industrial"])
    result = landcheck.check(site, layers=halves("0103", "0702", zones), **PLANAR)
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == ("conversion", "conditional")
    assert found.area.planar_m2 == pytest.approx(5_000.0)
    assert "属于单独选址建设项目" not in found.message.zh
    assert (
        "由原批准国土空间规划的机关或者其授权的机关（按批次）批准；如属单独选址，则由国务院或者"
        "国务院授权的省、自治区、直辖市人民政府（国发〔2020〕4号）批准；农用地与规划分区图层未逐块"
        "叠加，农用地位于规划确定的城市和村庄、集镇建设用地范围外的面积介于 0.0000 与 0.5000 "
        "公顷之间，无法判断是否位于规划建设用地范围内（按批次或单独选址）。" in found.message.zh
    )
    assert (
        "As the agricultural land is not intersected with the planning zones layer parcel by "
        "parcel, and at least 0.0000 and at most 0.5000 ha of it lie outside the planned "
        "construction land of towns and villages, whether it lies" in found.message.en
    )


def test_farmland_more_than_planned_land_can_hold_is_single_site_still():
    # 0.8 ha of 0103 and 0.2 ha of 0702, 0.5 ha in 0401: at least 0.3 ha of the 农用地 lies
    # outside planned construction land whatever the layout, so 单独选址 is certain
    layers = halves("0103", "0103", ("0401", "0502"))
    layers["land_use"] = frame(
        [
            parcel("0103", square(-10, -10, 90, 120), QSXZ="30"),
            parcel("0702", square(80, -10, 30, 120), QSXZ="30"),
        ]
    )
    site = sites(square(0, 0, 100), project_type=["industrial"])
    found = finding(landcheck.check(site, layers=layers, **PLANAR), "agricultural_conversion")
    assert (found.outcome, found.status) == ("single_site", "conditional")
    assert found.area.planar_m2 == pytest.approx(8_000.0)
    assert "项目用地有 0.5000 公顷位于规划确定的城市和村庄、集镇建设用地范围外，属于单独选址" in (
        found.message.zh
    )


def test_a_project_whose_other_site_may_hold_its_farmland_inside_planned_land_is_undetermined():
    # P1: S1 all 0103 in 0401; S2 half 0103, half 0702, half in 0401, half in 0502. S2's 农用地
    # outside planned land is 0 to 0.5 ha: S1 was project_single_site ("同一项目 P1 的用地 S2
    # 有农用地位于…范围外") on the strength of S2's construction land
    site = sites(square(0, 0, 100), square(200, 0, 100), project_id=["P1", "P1"])
    layers = {
        "land_use": frame(
            [
                parcel("0103", square(-10, -10, 260, 120), QSXZ="30"),
                parcel("0702", square(250, -10, 60, 120), QSXZ="30"),
            ]
        ),
        **FAR_FARMLAND,
        "planning_zones": frame(
            [zone("0401", square(-10, -10, 260, 120)), zone("0502", square(250, -10, 60, 120))]
        ),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    first = finding(result, "agricultural_conversion", "S1")
    assert (first.outcome, first.status) == ("project_undetermined", "conditional")
    assert "但同一项目 P1 的用地 S2 的农用地与规划分区图层未逐块叠加，无法判断其农用地是否位于" in (
        first.message.zh
    )
    assert (
        "But as the planning zones layer is not intersected with the agricultural land of "
        "site(s) S2 of the same project P1, whether their" in first.message.en
    )
    second = finding(result, "agricultural_conversion", "S2")
    assert (second.outcome, second.status) == ("conversion", "conditional")
    assert "介于 0.0000 与 0.5000 公顷之间" in second.message.zh
    # S1 wholly outside planned land: the project is 单独选址, S2 with it
    layers["planning_zones"] = frame(
        [
            zone("0502", square(-10, -10, 160, 120)),
            zone("0401", square(150, -10, 100, 120)),
            {**zone("0502", square(250, -10, 60, 120)), "BSM": "Z2"},
        ]
    )
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert finding(result, "agricultural_conversion", "S1").outcome == "single_site"
    second = finding(result, "agricultural_conversion", "S2")
    assert (second.outcome, second.status) == ("project_single_site", "conditional")
    assert "同一项目 P1 的用地 S1 有农用地位于规划确定的城市和村庄、集镇建设用地范围外" in (
        second.message.zh
    )


# ------------------------------------------- 预审 examiner without an approved-land layer (§D)


def expressway_without_approved_land(farmland, **kwargs):
    """The preexam_needed finding of a national expressway site with no approved-land layer."""
    layers = {
        "land_use": frame([parcel("0103", square(-10, -10, 120), QSXZ="30")]),
        "farmland": farmland,
        "eco_redline": frame([parcel("0103", square(9000, 9000, 10))]),
    }
    site = sites(
        square(0, 0, 100),
        project_type=["expressway"],
        plan_level=["national"],
        plan_ref=["国家公路网规划"],
        approval_level=["provincial"],
    )
    return finding(landcheck.check(site, layers=layers, **PLANAR, **kwargs), "preexam_needed")


def test_without_approved_land_the_preexam_still_names_its_examiner():
    # 0.3 ha of permanent farmland taken, no approved-land layer (optional): "须办理用地预审
    # 处理" with no examiner, while a project taking farmland goes to the ministry (预审管理办法
    # art. 5 [P]) whatever the approved land
    pbf = frame([parcel("0103", square(0, 0, 30, 100))])
    found = expressway_without_approved_land(pbf)
    assert found.outcome == "unknown"
    assert found.message.zh == (
        "未使用已批建设用地图层（未提供图层 / layer not supplied），按项目用地全部为新增建设用地、"
        "须办理用地预审处理，由自然资源部（涉及永久基本农田或生态保护红线）预审。"
    )
    assert "needs land pre-examination, by the Ministry of Natural Resources (permanent" in (
        found.message.en
    )
    later = expressway_without_approved_land(pbf, stage="approval")
    assert "报批前须已办理用地预审（由自然资源部（涉及永久基本农田或生态保护红线）预审）" in (
        later.message.zh
    )
    assert "whose land pre-examination, by the Ministry of Natural Resources" in later.message.en
    # no farmland taken: the level that approves the project
    far = frame([parcel("0103", square(9000, 9000, 10))])
    found = expressway_without_approved_land(far)
    assert found.message.zh.endswith("由省级自然资源主管部门（与项目审批级别相同）预审。")


def test_a_profile_whose_unknown_preexam_names_no_examiner_words_it_as_before():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "preexam_needed")
    rule["outcomes"]["unknown"] = {
        "status": "not_involved",
        "zh": "未使用已批建设用地图层（{reason}），按项目用地全部为新增建设用地处理。",
        "en": "No approved-land layer was used ({reason}).",
    }
    profile = profile_from_dict(data)
    found = expressway_without_approved_land(
        frame([parcel("0103", square(0, 0, 30, 100))]), profile=profile
    )
    assert (found.outcome, found.message.en) == (
        "unknown",
        "No approved-land layer was used (未提供图层 / layer not supplied).",
    )


def test_an_unknown_message_may_name_only_what_is_known_without_the_layer():
    # {new_ha} in preexam_needed's unknown passed validation and failed the run with a
    # KeyError on the first site without approved land; {examiner} is given there
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rule = next(r for r in data["rules"] if r["id"] == "preexam_needed")
    rule["outcomes"]["unknown"]["en"] = "No approved land ({reason}): {new_ha:.4f} ha, {examiner}."
    with pytest.raises(ProfileError, match=r"outcomes\.unknown\.en: unknown value\(s\) new_ha"):
        profile_from_dict(data)


PV_NOTICE = "自然资办发〔2023〕12号"

FAR = square(5000, 5000, 10)
"""A feature far from every site: the layer is supplied and the site takes none of it."""


def forest_run(project_type: str):
    """1 ha of collective 林地 (0301, grade Ⅱ) under a 1 ha site of ``project_type``."""
    layers = {
        "land_use": frame([parcel("0301", square(-10, -10, 300), QSXZ="30")]),
        "farmland": frame([{"BSM": "F", "geometry": FAR}]),
        "eco_redline": frame([{"BSM": "E", "geometry": FAR}]),
        "approved_land": approved(FAR),
        "forest": frame(
            [{"BSM": "LD1", "BHDJ": "Ⅱ", "DLMC": "乔木林地", "geometry": square(-10, -10, 300)}]
        ),
    }
    site = sites(square(0, 0, 100), project_type=[project_type], approval_level=["provincial"])
    return landcheck.check(site, layers=layers, **PLANAR)


def test_a_pv_array_on_forest_land_is_neither_converted_nor_expropriated_nor_new_land():
    # 自然资办发〔2023〕12号 [P]: only a PV project's substations and management buildings are
    # construction land. A 1 ha array on collective 林地 was told 须办理农用地转用, 征收 of
    # "其他土地 1.0000 公顷" by the province and "新增建设用地 1.0000 公顷"
    result = forest_run("pv_array")
    for check in ("agricultural_conversion", "expropriation", "preexam_needed"):
        found = finding(result, check)
        assert (found.outcome, found.status) == ("pv_array", "info"), check
        assert found.area.planar_m2 == pytest.approx(10_000.0)
        assert "项目用地 1.0000 公顷为光伏方阵用地" in found.message.zh
        assert "不属建设用地" in found.message.zh and PV_NOTICE in found.message.zh
        assert "pv_facilities" in found.message.en
        marks = dict(zip(found.to_dict()["basis"], found.to_dict()["basis_marks"], strict=True))
        assert [m for text, m in marks.items() if PV_NOTICE in text] == ["P"], check
        assert not found.documents and not found.documents_later, check
    assert "仅限林光互补" in finding(result, "agricultural_conversion").message.zh
    later = {d.zh for d in result.documents_later("S1")}
    assert "农用地转用方案" not in later
    assert not any("土地征收" in d for d in later)
    assert not any("用地预审与选址意见书" in d for d in later)


def test_pv_facilities_on_the_same_land_are_construction_land_as_before():
    result = forest_run("pv_facilities")
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("conversion", "conditional")
    assert "农用地 1.0000 公顷" in conversion.message.zh
    expropriation = finding(result, "expropriation")
    assert expropriation.outcome == "province"
    assert "其他土地 1.0000 公顷" in expropriation.message.zh
    assert "成片开发" not in expropriation.message.zh
    preexam = finding(result, "preexam_needed")
    assert preexam.outcome == "required"
    assert "新增建设用地 1.0000 公顷" in preexam.message.zh


PLAN = "土地征收成片开发方案及省级以上人民政府的批准文件"
MATERIALS = "土地征收相关材料（征收前期工作、补偿安置方案）"


def development_run(project_type: str, boundary=None, survey=None):
    """A 1 ha site of ``project_type`` on collective 耕地, ``boundary`` the urban boundary."""
    layers = {
        "land_use": survey
        if survey is not None
        else frame([parcel("0103", square(-10, -10, 300), QSXZ="30")]),
        "farmland": frame([{"BSM": "F", "geometry": FAR}]),
        "eco_redline": frame([{"BSM": "E", "geometry": FAR}]),
        "approved_land": approved(FAR),
    }
    if boundary is not None:
        layers["urban_boundary"] = frame([{"BSM": "U1", "GHFQDM": "0401", "geometry": boundary}])
    site = sites(square(0, 0, 100), project_type=[project_type], approval_level=["county"])
    return landcheck.check(site, layers=layers, **PLANAR)


@pytest.mark.parametrize("project_type", ["commercial", "industrial", "residential"])
def test_a_commercial_project_inside_the_urban_boundary_expropriates_as_development(project_type):
    # LAL art. 45(1)(5): 工业、商业、商品住宅 are none of 45(1)(1)-(4); the 征收 of their
    # collective land is 成片开发, approved by the province or above (its plan at 报批)
    result = development_run(project_type, boundary=square(-10, -10, 300))
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("province_development", "info")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    assert "永久基本农田以外的耕地 1.0000 公顷" in found.message.zh
    assert "由省级人民政府批准" in found.message.zh
    assert "第四十五条第一款第（一）至（四）项" in found.message.zh
    assert "须依第（五）项成片开发建设" in found.message.zh
    assert "项目用地位于城镇开发边界内（1.0000 公顷）" in found.message.zh
    assert "art. 45(1)(5)" in found.message.en
    assert [d.zh for d in found.documents_later] == [PLAN, MATERIALS]
    assert not found.documents
    marks = dict(zip(found.to_dict()["basis"], found.to_dict()["basis_marks"], strict=True))
    assert [m for text, m in marks.items() if "第四十五条" in text] == ["V"]


def test_a_public_project_on_the_same_land_is_expropriated_as_before():
    result = development_run("public_service", boundary=square(-10, -10, 300))
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("province", "info")
    assert "成片开发" not in found.message.zh
    assert [d.zh for d in found.documents_later] == [MATERIALS]


def test_collective_land_surely_outside_the_urban_boundary_is_no_development():
    # the boundary covers the site's west 40 m: of its 1 ha of collective 耕地 at least
    # 0.6 ha lie outside, where 成片开发 cannot reach
    result = development_run("commercial", boundary=square(-10, -10, 50, 300))
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("development_outside", "prohibited")
    assert found.area.planar_m2 == pytest.approx(6_000.0)
    assert "集体土地 1.0000 公顷，其中至少 0.6000 公顷位于城镇开发边界外" in found.message.zh
    assert "用地位于边界外 0.6000 公顷" in found.message.zh
    # the move is asked once, by the urban boundary check that comes first
    assert finding(result, "urban_boundary").outcome == "not_permitted"
    assert "调整后的选址方案（城镇开发边界内）" in [d.zh for d in result.documents("S1")]


def test_a_site_partly_outside_the_boundary_whose_collective_land_may_lie_inside_it():
    # collective 耕地 on the west 30 m (0.3 ha), state land east of it; the boundary covers
    # the west 40 m: the 0.6 ha outside may all be state land
    survey = frame(
        [
            parcel("0103", square(-10, -10, 40, 300), QSXZ="30"),
            parcel("0103", square(30, -10, 300), QSXZ="10"),
        ]
    )
    result = development_run("commercial", boundary=square(-10, -10, 50, 300), survey=survey)
    found = finding(result, "expropriation")
    assert found.outcome == "province_development"
    assert "耕地 0.3000 公顷" in found.message.zh
    assert "项目用地有 0.6000 公顷位于城镇开发边界外" in found.message.zh
    assert "其中是否有集体土地未能分出" in found.message.zh


def test_without_the_urban_boundary_whether_development_may_reach_the_site_is_not_known():
    found = finding(development_run("commercial"), "expropriation")
    assert found.outcome == "province_development"
    assert "城镇开发边界图层未能使用" in found.message.zh
    assert "边界外的集体土地不能依成片开发征收" in found.message.zh
    assert [d.zh for d in found.documents_later] == [PLAN, MATERIALS]


def test_a_profile_without_the_pv_array_and_development_outcomes_words_them_as_before():
    # pv_array falls back on not_involved (conversion, expropriation) and required (预审);
    # the development twins on their approvers: a profile that lists the types without
    # the outcomes still loads and renders
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    rules = {r["id"]: r for r in data["rules"]}
    for rule_id in ("agricultural_conversion", "expropriation", "preexam_needed"):
        del rules[rule_id]["outcomes"]["pv_array"]
    for name in ("province", "state_council", "state_council_farmland"):
        del rules["expropriation"]["outcomes"][f"{name}_development"]
    del rules["expropriation"]["outcomes"]["development_outside"]
    profile = profile_from_dict(data)
    site = sites(square(0, 0, 100), project_type=["pv_array"])
    layers = {
        "land_use": frame([parcel("0301", square(-10, -10, 300), QSXZ="30")]),
        "farmland": frame([{"BSM": "F", "geometry": FAR}]),
        "approved_land": approved(FAR),
    }
    result = landcheck.check(site, layers=layers, profile=profile, **PLANAR)
    assert finding(result, "agricultural_conversion").outcome == "pv_array"
    assert "无需办理农用地转用" in finding(result, "agricultural_conversion").message.zh
    assert "无需办理土地征收" in finding(result, "expropriation").message.zh
    assert "新增建设用地 1.0000 公顷" in finding(result, "preexam_needed").message.zh
    site = sites(square(0, 0, 100), project_type=["commercial"])
    layers["land_use"] = frame([parcel("0103", square(-10, -10, 300), QSXZ="30")])
    found = finding(
        landcheck.check(site, layers=layers, profile=profile, **PLANAR), "expropriation"
    )
    assert found.outcome == "province_development"
    assert "由省级人民政府批准" in found.message.zh and "成片开发" not in found.message.zh


@pytest.mark.parametrize("array_m", [200, 400])
def test_a_pv_array_site_is_left_out_of_its_projects_expropriation_totals(array_m):
    # 自然资办发〔2023〕12号 [P]: the array's land is not construction land. Project P: a 40 ha
    # (or 80 ha) array S1 and a 1 ha facilities site S2, both on collective 林地 (no 耕地). S2
    # read "其他土地 41.0000 公顷" (the province), and with the 80 ha array 81 ha, over 70 ha:
    # the State Council. The 征收 of S2 is the province's, 1 ha, whatever the array
    site = sites(
        square(0, 0, 2000, array_m),  # 40 or 80 ha
        square(3000, 0, 100),  # 1 ha
        project_id=["P", "P"],
        project_type=["pv_array", "pv_facilities"],
        approval_level=["provincial"] * 2,
    )
    layers = {
        "land_use": frame([parcel("0301", square(-100, -100, 3300, 700), QSXZ="30")]),
        "farmland": frame([{"BSM": "F", "geometry": FAR}]),
        "eco_redline": frame([{"BSM": "E", "geometry": FAR}]),
        "approved_land": approved(FAR),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert finding(result, "expropriation", "S1").area.planar_m2 == pytest.approx(array_m * 2000)
    for check in ("agricultural_conversion", "expropriation", "preexam_needed"):
        assert finding(result, check, "S1").outcome == "pv_array", check
    facilities = finding(result, "expropriation", "S2")
    assert (facilities.outcome, facilities.status) == ("province", "info")
    assert "其他土地 1.0000 公顷（不超过70公顷）" in facilities.message.zh
    assert "1.0000 ha of other land (70 ha or less)" in facilities.message.en
    assert (
        "（P，合计用地 S2；用地 S1 为光伏方阵用地，不属建设用地（自然资办发〔2023〕12号），未计入）"
        in facilities.message.zh
    )
    assert "sites summed: S2; site(s) S1 are a PV array's land, no construction land" in (
        facilities.message.en
    )
    assert finding(result, "preexam_needed", "S2").outcome == "required"


def test_a_site_on_approved_land_whose_only_sister_is_a_pv_array_needs_no_pre_examination():
    # 自然资规〔2019〕2号 §一: the facilities wholly on approved land; the array beside them takes
    # no construction land, so the project takes no new land: not project_required naming S1
    site = sites(
        square(0, 0, 100),
        square(3000, 0, 100),
        project_id=["P", "P"],
        project_type=["pv_array", "pv_facilities"],
        land_supply=["transfer"] * 2,
    )
    layers = {
        "land_use": frame([parcel("0301", square(-100, -100, 3300, 400), QSXZ="30")]),
        "farmland": frame([{"BSM": "F", "geometry": FAR}]),
        "eco_redline": frame([{"BSM": "E", "geometry": FAR}]),
        "approved_land": approved(square(2990, -10, 120)),
    }
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert finding(result, "preexam_needed", "S2").outcome == "not_required"


def test_the_state_council_converting_permanent_farmland_names_the_pilot_entrustment():
    # 国发〔2020〕4号 art. 2 entrusts converting permanent farmland to pilot provinces: a
    # reviewer there signed "国务院" alone
    farmland = frame([{"BSM": "F1", "DLBM": "0103", "geometry": square(0, 0, 30, 100)}])
    result = landcheck.check(
        sites(
            square(0, 0, 100),
            project_type=["expressway"],
            plan_level=["national"],
            plan_ref=["国家公路网规划"],
        ),
        layers={
            "land_use": frame(
                [{"BSM": "L", "DLBM": "0103", "QSXZ": "30", "geometry": square(-100, -100, 300)}]
            ),
            "farmland": farmland,
        },
        area_method="planar",
        coverage=county(),
    )
    found = {f.check: f for f in result.site_findings("S1")}
    assert found["permanent_farmland"].area.m2 == pytest.approx(3_000.0)
    assert "（农用地转用属国发〔2020〕4号委托试点省份的，以委托规定为准）" in (
        found["permanent_farmland"].message.zh
    )
    assert "国务院（涉及永久基本农田；国发〔2020〕4号委托试点的省份，以委托规定为准）" in (
        found["agricultural_conversion"].message.zh
    )
    cited = "\n".join(b.zh for b in found["permanent_farmland"].basis)
    assert "国发〔2020〕4号）第二条" in cited
