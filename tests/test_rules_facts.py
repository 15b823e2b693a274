"""Findings that follow the rules as they stand: one analytic case per outcome, each naming its
article (the three legal lists, PV, planned construction land, 征收 authority, 预审 needed)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from common import GK35, county, frame, sites, square

import landcheck
from landcheck.cli.main import cli
from landcheck.errors import InputDataError

PLANAR = {"area_method": "planar", "coverage": county()}


def layer(code_field: str, *rows: tuple) -> object:
    """A layer of (code, geometry[, extra fields]) rows."""
    return frame(
        [
            {
                "BSM": f"F{i + 1}",
                code_field: code,
                "geometry": geometry,
                **(extra[0] if extra else {}),
            }
            for i, (code, geometry, *extra) in enumerate(rows)
        ]
    )


def land_use(*rows: tuple) -> object:
    """三调 parcels: (DLBM, geometry, QSXZ)."""
    return frame(
        [
            {"BSM": f"L{i + 1}", "DLBM": code, "QSXZ": owner, "KCXS": 0.0, "geometry": geometry}
            for i, (code, geometry, owner) in enumerate(rows)
        ]
    )


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


# --------------------------------------------------------------------------- PBF (3号)


def test_county_road_without_evidence_on_farmland_is_prohibited_and_says_what_to_declare():
    # 自然资规〔2018〕3号 item 1: roads named in a national plan; a county road declares none
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    site = sites(square(0, 0, 100), project_type=["县道"])
    result = landcheck.check(site, layers={"farmland": pbf}, **PLANAR)
    found = finding(result, "permanent_farmland")
    assert (found.outcome, found.status) == ("relocate", "prohibited")
    assert found.area.planar_m2 == pytest.approx(10_000.0)
    assert "declare the national plan that lists it" in found.message.en
    assert "plan_ref" in found.message.en and "申报列入该项目的国家级规划" in found.message.zh


def test_500_kv_substation_in_a_national_plan_goes_to_the_state_council():
    # 3号 item 2 (≥ 500 kV grid in a national plan); LAL art. 46: any PBF → 国务院 expropriates
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    survey = land_use(("0101", square(0, 0, 100), "30"))
    site = sites(
        square(0, 0, 100),
        project_type=["500千伏输变电工程"],
        plan_level=["国家级"],
        plan_ref=["《电力发展“十四五”规划》"],
    )
    result = landcheck.check(site, layers={"farmland": pbf, "land_use": survey}, **PLANAR)
    found = finding(result, "permanent_farmland")
    assert (found.outcome, found.status) == ("state_council", "conditional")
    assert "item 2 of" in found.message.en and "[P]" in found.message.en
    taking = finding(result, "expropriation")
    assert taking.outcome == "state_council_farmland"
    assert "1.0000 ha of permanent farmland" in taking.message.en


def test_provincial_expressway_in_a_provincial_plan_is_eligible():
    # 3号 item 1: provincial expressways
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    site = sites(
        square(0, 0, 100),
        project_type=["provincial_expressway"],
        plan_level=["provincial"],
        plan_ref=["云南省高速公路网规划"],
    )
    result = landcheck.check(site, layers={"farmland": pbf}, **PLANAR)
    assert finding(result, "permanent_farmland").outcome == "state_council"


def test_pv_array_never_on_farmland_and_never_on_cultivated_land():
    # 自然资办发〔2023〕12号: arrays never on PBF or 耕地; facilities are construction land
    pbf = layer("DLBM", ("0101", square(0, 0, 50, 100)))
    survey = land_use(("0103", square(0, 0, 100), "30"), ("0404", square(100, 0, 100), "30"))
    site = sites(
        square(0, 0, 200, 100),
        square(100, 0, 100),
        project_type=["pv_array", "光伏升压站"],
        plan_level=["national", "national"],
        plan_ref=["某规划", "某规划"],
    )
    result = landcheck.check(site, layers={"farmland": pbf, "land_use": survey}, **PLANAR)
    assert finding(result, "permanent_farmland").outcome == "never"
    array = finding(result, "pv_siting")
    assert (array.outcome, array.status) == ("array_on_cultivated", "prohibited")
    assert array.area.planar_m2 == pytest.approx(10_000.0)
    facilities = finding(result, "pv_siting", "S2")
    assert (facilities.outcome, facilities.status) == ("facilities", "info")
    assert "construction land" in facilities.message.en


# --------------------------------------------------------------------------- redline (142号)


def redline():
    return layer("LHLX", ("水源涵养", square(0, 0, 100)))


def test_water_works_in_the_redline_with_a_county_plan_is_a_permitted_activity():
    # 自然资发〔2022〕142号 一(一) item 6: 供水 facilities in a county-or-higher plan
    site = sites(
        square(0, 0, 100), project_type=["供水工程"], plan_level=["县级"], plan_ref=["县供水规划"]
    )
    result = landcheck.check(site, layers={"eco_redline": redline()}, **PLANAR)
    found = finding(result, "eco_redline")
    assert (found.outcome, found.status) == ("permitted_activity", "conditional")
    assert "item 6 of" in found.message.en
    assert "protected-area layer could not be used" in found.message.en


def test_hotel_in_the_redline_is_prohibited():
    # 142号: a hotel is neither a permitted activity nor a national major project
    site = sites(square(0, 0, 100), project_type=["hotel"])
    result = landcheck.check(site, layers={"eco_redline": redline()}, **PLANAR)
    found = finding(result, "eco_redline")
    assert (found.outcome, found.status) == ("prohibited", "prohibited")
    # what would change it: a Central Committee or State Council document naming it (item 1
    # of the national major projects, for any type), not "on none of the items"
    assert "To be item 1 of the national major projects" in found.message.en
    assert "(central_ref)" in found.message.en


def test_core_zone_of_a_protected_area_prohibits_even_a_permitted_activity():
    # 142号: human activity is in principle banned in a 自然保护地核心保护区
    zones = layer(
        "GNFQ", ("核心保护区", square(0, 0, 40, 100)), ("一般控制区", square(40, 0, 60, 100))
    )
    site = sites(
        square(0, 0, 100), project_type=["water_supply"], plan_level=["county"], plan_ref=["规划"]
    )
    result = landcheck.check(
        site, layers={"eco_redline": redline(), "protected_areas": zones}, **PLANAR
    )
    found = finding(result, "eco_redline")
    assert (found.outcome, found.status) == ("core_zone", "prohibited")
    assert "0.4000 ha of it in the core zone" in found.message.en


def test_national_major_project_in_the_redline_defers_the_provincial_argument_to_approval():
    # 142号 国家重大项目 range item 3; 2022 notice: the 论证意见 comes at 报批
    site = sites(
        square(0, 0, 100),
        project_type=["railway"],
        plan_level=["national"],
        plan_ref=["中长期铁路网规划"],
    )
    result = landcheck.check(site, layers={"eco_redline": redline()}, **PLANAR)
    found = finding(result, "eco_redline")
    assert found.outcome == "major_project"
    assert [d.en for d in found.documents_later] == [
        "provincial government's unavoidability argument"
    ]
    assert any("economical and intensive land use" in d.en for d in found.documents)
    at_approval = landcheck.check(
        site, layers={"eco_redline": redline()}, stage="approval", **PLANAR
    )
    late = finding(at_approval, "eco_redline")
    assert late.documents_later == ()
    assert "provincial government's unavoidability argument" in [d.en for d in late.documents]
    assert at_approval.to_dict()["stage"] == "approval"


# --------------------------------------------------------------------------- planned land


def test_rural_housing_on_existing_village_land_outside_the_boundary_needs_no_conversion():
    # 实施条例 arts. 23-24 and LAL art. 44: only 农用地 is converted; 0501 村庄建设区 is
    # planned construction land; the 2026 UDB measures leave rural housing outside
    boundary = layer("GHFQDM", ("0401", square(500, 0, 100)))
    zones = layer("GHFQDM", ("0501", square(0, 0, 100)))
    survey = land_use(("0702", square(0, 0, 100), "30"))
    site = sites(square(0, 0, 100), project_type=["rural_housing"])
    result = landcheck.check(
        site,
        layers={"urban_boundary": boundary, "planning_zones": zones, "land_use": survey},
        **PLANAR,
    )
    conversion = finding(result, "agricultural_conversion")
    assert (conversion.outcome, conversion.status) == ("not_involved", "not_involved")
    outside = finding(result, "urban_boundary")
    assert (outside.outcome, outside.status) == ("permitted_outside", "info")
    assert "单独选址" not in conversion.message.zh


@pytest.mark.parametrize(
    ("zone", "outcome", "approver"),
    [
        ("0401", "batch", "in batches"),
        ("0502", "single_site", "Guo Fa [2020] No. 4"),
    ],
)
def test_planned_construction_land_decides_batch_or_single_site(zone, outcome, approver):
    # 实施条例 art. 23 (inside planned construction land: batches) and art. 24 (单独选址)
    zones = layer("GHFQDM", (zone, square(0, 0, 100)))
    pbf = layer("DLBM", ("0101", square(900, 0, 10)))
    survey = land_use(("0103", square(0, 0, 100), "30"))
    site = sites(square(0, 0, 100), project_type=["industrial"])
    result = landcheck.check(
        site, layers={"planning_zones": zones, "land_use": survey, "farmland": pbf}, **PLANAR
    )
    found = finding(result, "agricultural_conversion")
    assert (found.outcome, found.status) == (outcome, "conditional")
    assert approver in found.message.en


def test_unused_land_only_cites_article_22_2():
    survey = land_use(("1206", square(0, 0, 100), "30"))
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": survey}, **PLANAR)
    found = finding(result, "agricultural_conversion")
    assert found.outcome == "unused_only"
    assert "art. 22(2)" in found.message.en


# --------------------------------------------------------------------------- 征收 (LAL art. 46)

FAR_FARMLAND = {"farmland": layer("DLBM", ("0101", square(9000, 9000, 10)))}
"""Farmland known to lie elsewhere: without a farmland layer only 国务院 can be said."""


def test_40_ha_of_collective_cultivated_land_is_expropriated_by_the_state_council():
    survey = land_use(("0103", square(0, 0, 1000, 400), "30"))
    result = landcheck.check(
        sites(square(0, 0, 1000, 400)), layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR
    )
    found = finding(result, "expropriation")
    assert found.outcome == "state_council"
    assert "40.0000 ha of other collective cultivated land" in found.message.en


def test_20_ha_cultivated_and_60_ha_other_land_stay_with_the_province():
    survey = land_use(
        ("0103", square(0, 0, 1000, 200), "30"),
        ("0301", square(0, 200, 1000, 600), "31"),
        ("0702", square(0, 800, 1000, 100), "10"),  # state land: not expropriated
    )
    result = landcheck.check(
        sites(square(0, 0, 1000, 900)), layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR
    )
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("province", "info")
    assert "20.0000 ha of cultivated land" in found.message.en
    assert "60.0000 ha of other land" in found.message.en


def test_expropriation_sums_the_sites_of_one_project():
    # two 20 ha sites of one project: 40 ha of 耕地 → 国务院; a third site alone stays provincial
    survey = land_use(("0103", square(0, 0, 3000, 200), "30"))
    site = sites(
        square(0, 0, 1000, 200),
        square(1000, 0, 1000, 200),
        square(2000, 0, 1000, 200),
        project_id=["XM-1", "XM-1", None],
    )
    result = landcheck.check(site, layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR)
    first, second = finding(result, "expropriation"), finding(result, "expropriation", "S2")
    assert first.outcome == second.outcome == "state_council"
    assert "sites summed: S1, S2" in first.message.en
    assert finding(result, "expropriation", "S3").outcome == "province"
    unknown = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    alone = finding(unknown, "expropriation", "S3")  # farmland unknown: not the province
    assert (alone.outcome, alone.status) == ("incomplete", "unknown")


def test_sites_of_one_project_that_overlap_are_not_summed_and_say_why():
    # two 21 ha sites of one project sharing 14 ha: summed, 42 ha of 耕地 went to 国务院 with
    # no word, while the project takes 28 ha (the province); the batch's order named them
    survey = land_use(("0103", square(0, 0, 2000, 300), "30"))
    overlapping = sites(
        square(0, 0, 700, 300), square(233.3333333333, 0, 700, 300), project_id=["XM-1", "XM-1"]
    )
    for batch in (overlapping, overlapping.iloc[::-1]):
        result = landcheck.check(batch, layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR)
        for site_id in ("S1", "S2"):
            found = finding(result, "expropriation", site_id)
            assert (found.outcome, found.status) == ("sites_overlap", "unknown")
            assert "(XM-1: S1, S2) overlap each other by 140000.00 m²" in found.message.en
    apart = sites(square(0, 0, 700, 300), square(700, 0, 700, 300), project_id=["XM-1", "XM-1"])
    result = landcheck.check(apart[::-1], layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR)
    found = finding(result, "expropriation")
    assert found.outcome == "state_council" and "sites summed: S1, S2" in found.message.en


@pytest.mark.parametrize("owner", [None, "", "集体", "99"])
def test_land_whose_ownership_code_says_neither_state_nor_collective_is_unknown(owner):
    # only 10 and 20 are state land: a blank or unknown QSXZ was taken for state land, and
    # 40 ha of dry land gave "nothing is expropriated"
    survey = land_use(("0103", square(0, 0, 1000, 400), owner))
    result = landcheck.check(
        sites(square(0, 0, 1000, 400)), layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR
    )
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    assert "the ownership (QSXZ) of 400000.00 m² is neither state (10, 20) nor collective" in (
        found.message.en
    )
    assert "400000.00 平方米土地的权属性质（QSXZ）既非国有" in found.message.zh
    state = land_use(("0103", square(0, 0, 1000, 400), "10"))
    result = landcheck.check(
        sites(square(0, 0, 1000, 400)), layers={"land_use": state, **FAR_FARMLAND}, **PLANAR
    )
    assert finding(result, "expropriation").outcome == "not_involved"


def test_farmland_the_data_cannot_see_leaves_the_approvers_unknown():
    # half the site lies beyond the area the layers describe: the farmland check said so, but
    # the 征收 check said "no permanent farmland: the province approves"
    import geopandas as gpd

    described = gpd.GeoDataFrame(geometry=[square(-10_000, -10_000, 10_050, 20_000)], crs=GK35)
    survey = land_use(("0103", square(-200, -200, 500), "30"))
    result = landcheck.check(
        sites(square(0, 0, 100)),
        layers={"land_use": survey, **FAR_FARMLAND},
        area_method="planar",
        coverage=described,
    )
    assert finding(result, "permanent_farmland").outcome == "outside"
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("incomplete", "unknown")
    conversion = finding(result, "agricultural_conversion")
    assert "if permanent farmland" in conversion.message.en


def test_a_thin_strip_of_farmland_is_no_reason_for_the_state_council_to_convert():
    # a 0.05 m wide strip (5 m²) is a sliver to the farmland rule; the conversion's approver
    # looked at its area alone and named the State Council
    survey = land_use(("0103", square(0, 0, 100), "30"))
    strip = layer("DLBM", ("0101", square(0, 0, 100, 0.05)))
    result = landcheck.check(
        sites(square(0, 0, 100)), layers={"land_use": survey, "farmland": strip}, **PLANAR
    )
    assert finding(result, "permanent_farmland").outcome == "sliver"
    conversion = finding(result, "agricultural_conversion")
    assert "State Council (permanent farmland is taken" not in conversion.message.en
    assert finding(result, "expropriation").outcome == "province"


@pytest.mark.parametrize(
    ("over_m2", "outcome"), [(0.0, "province"), (0.04, "province"), (0.6, "state_council")]
)
def test_35_ha_is_compared_as_reported_to_a_square_metre(over_m2, outcome):
    # 350,000.04 m² was "35.0000 ha" in the message and "over 35 ha" in the verdict
    site = square(0, 0, 1000, 350 + over_m2 / 1000)
    survey = land_use(("0103", site, "30"))
    result = landcheck.check(sites(site), layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR)
    found = finding(result, "expropriation")
    assert found.outcome == outcome
    shown = "35.0001" if outcome == "state_council" else "35.0000"
    assert f"{shown} ha" in found.message.en


def test_the_expropriation_finding_holds_both_areas_of_the_collective_land():
    # its planar area was the ellipsoidal one (an Area of one number twice)
    survey = land_use(("0103", square(0, 0, 1000, 350), "30"))
    result = landcheck.check(
        sites(square(0, 0, 1000, 350)),
        layers={"land_use": survey, **FAR_FARMLAND},
        coverage=county(),
    )
    found = finding(result, "expropriation")
    assert found.area.planar_m2 == pytest.approx(350_000.0, abs=1e-6)
    assert found.area.ellipsoidal_m2 != pytest.approx(350_000.0, abs=1.0)
    assert found.area.ellipsoidal_m2 == pytest.approx(
        finding(result, "cultivated_land").area.ellipsoidal_m2, abs=1e-6
    )


def test_every_farmland_layer_of_a_profile_counts_for_the_state_council(tmp_path):
    # a profile may split permanent farmland into two layers (two counties' files): the 征收 and
    # conversion approvers looked at the first alone, and said "no permanent farmland"
    import copy
    from importlib import resources

    import yaml

    text = resources.files("landcheck.profiles").joinpath("china-preexam.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["layers"]["farmland_b"] = copy.deepcopy(data["layers"]["farmland"])
    rule = copy.deepcopy(next(r for r in data["rules"] if r["id"] == "permanent_farmland"))
    rule["id"], rule["layer"] = "permanent_farmland_b", "farmland_b"
    data["rules"].insert(1, rule)
    data["name"] = "two-farmland"
    path = tmp_path / "two-farmland.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = square(0, 0, 100)
    result = landcheck.check(
        sites(site, project_type=["railway"], plan_level=["national"], plan_ref=["Plan X"]),
        profile=str(path),
        layers={
            "land_use": land_use(("0103", site, "30")),
            "farmland": layer("DLBM", ("0101", square(5000, 5000, 10))),
            "farmland_b": layer("DLBM", ("0101", square(0, 0, 100, 50))),
        },
        **PLANAR,
    )
    assert finding(result, "permanent_farmland").outcome == "not_involved"
    assert finding(result, "permanent_farmland_b").outcome == "state_council"
    assert finding(result, "expropriation").outcome == "state_council_farmland"
    assert "State Council" in finding(result, "agricultural_conversion").message.en


def test_expropriation_without_ownership_is_unknown():
    survey = frame([{"BSM": "a", "DLBM": "0103", "geometry": square(0, 0, 100)}])
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": survey}, **PLANAR)
    found = finding(result, "expropriation")
    assert (found.outcome, found.status) == ("no_ownership", "unknown")
    assert "QSXZ" in found.message.en


# --------------------------------------------------------------------------- 预审 needed


def test_a_site_wholly_on_approved_land_needs_no_pre_examination():
    # 自然资规〔2019〕2号 §一: land already approved by law goes through no 用地预审
    approved = frame(
        [
            {
                "BSM": "P1",
                "PZWH": "云政土〔2024〕12号",
                "PZYT": "工业用地",
                "geometry": square(-10, -10, 120),
            }
        ]
    )
    site = sites(square(0, 0, 100), square(100, 0, 100), land_supply=["划拨", "出让"])
    result = landcheck.check(site, layers={"approved_land": approved}, **PLANAR)
    found = finding(result, "preexam_needed")
    assert (found.outcome, found.status) == ("not_required", "info")
    assert "allocated (划拨) still needs the site-selection review" in found.message.en
    assert "〔V〕" in found.to_dict()["basis"][0]
    partly = finding(result, "preexam_needed", "S2")
    assert partly.outcome == "required"
    assert partly.area.planar_m2 == pytest.approx(9_000.0)


# --------------------------------------------------------------------------- facts


def test_old_project_classes_still_work_without_evidence_and_say_so():
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    site = sites(square(0, 0, 100), project_class=["transport"])
    result = landcheck.check(site, layers={"farmland": pbf}, **PLANAR)
    found = finding(result, "permanent_farmland")
    assert found.outcome == "relocate"
    # transport (未细分) is on item 6 (confirmed infrastructure), not item 1 (airports,
    # railways and roads named in a national plan)
    assert "To be item 6 of" in found.message.en
    assert "(confirmation_ref)" in found.message.en
    assert any("old project class" in w for w in result.warnings)
    facts = result.to_dict()["sites"][0]["facts"]
    assert facts["project_type"] == "transport"
    assert facts["legacy_class"] == "transport"
    assert facts["origins"]["project_type"] == "legacy_class"


def test_given_facts_apply_where_a_site_declares_none_and_are_recorded():
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    site = sites(square(0, 0, 100), square(0, 0, 100), project_type=[None, "hotel"])
    result = landcheck.check(
        site,
        layers={"farmland": pbf},
        facts={
            "project_type": "expressway",
            "plan_level": "national",
            "plan_ref": "国家公路网规划",
        },
        **PLANAR,
    )
    assert finding(result, "permanent_farmland").outcome == "state_council"
    assert finding(result, "permanent_farmland", "S2").outcome == "relocate"
    first, second = (s["facts"] for s in result.to_dict()["sites"])
    assert first["origins"]["project_type"] == "given"
    assert second["origins"]["project_type"] == "attribute:project_type"
    assert first["linear"] is True and first["origins"]["linear"] == "type"


def test_an_unknown_project_type_in_the_data_lists_the_valid_ones():
    site = sites(square(0, 0, 100), project_type=["spaceport"])
    with pytest.raises(
        InputDataError, match="'spaceport' is not a project type; use one of railway"
    ):
        landcheck.check(site, **PLANAR)
    with pytest.raises(InputDataError, match="'city' is not a plan level"):
        landcheck.check(sites(square(0, 0, 100)), facts={"plan_level": "city"}, **PLANAR)


def test_cli_project_facts_and_stage(tmp_path):
    pbf = layer("DLBM", ("0101", square(0, 0, 100)))
    site_file, pbf_file = tmp_path / "sites.gpkg", tmp_path / "pbf.gpkg"
    sites(square(0, 0, 100)).to_file(site_file)
    pbf.to_file(pbf_file)
    runner = CliRunner()
    bad = runner.invoke(
        cli, ["check", str(site_file), "--project-type", "spaceport", "-o", str(tmp_path / "x")]
    )
    assert bad.exit_code == 2
    assert "not a project type" in bad.output and not (tmp_path / "x").exists()
    bad_level = runner.invoke(
        cli, ["check", str(site_file), "--plan-level", "city", "-o", str(tmp_path / "y")]
    )
    assert bad_level.exit_code == 2
    out = tmp_path / "report"
    done = runner.invoke(
        cli,
        [
            "-q",
            "check",
            str(site_file),
            "--layer",
            f"farmland={pbf_file}",
            "--project-type",
            "grid_500kv",
            "--plan-level",
            "national",
            "--plan-ref",
            "电网规划",
            "--stage",
            "approval",
            "-o",
            str(out),
            "-f",
            "json",
        ],
    )
    assert done.exit_code == 0, done.output
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["stage"] == "approval"
    site = data["sites"][0]
    assert site["facts"]["plan_ref"] == "电网规划"
    assert site["facts"]["origins"]["plan_level"] == "given"
    pbf_finding = next(f for f in site["findings"] if f["check"] == "permanent_farmland")
    assert pbf_finding["outcome"] == "state_council"
    assert "永久基本农田补划方案" in site["documents"] and site["documents_later"] == []


def test_cultivated_land_is_reported_by_quality_grade_net_of_ridges():
    # 2024 占补平衡 reform: 质量不降低; the survey's GDDB by grade, net of 田坎 (KCXS)
    survey = frame(
        [
            {"BSM": "a", "DLBM": "0101", "GDDB": "6", "KCXS": 0.1, "geometry": square(0, 0, 100)},
            {"BSM": "b", "DLBM": "0103", "GDDB": 11, "KCXS": 0.0, "geometry": square(100, 0, 100)},
            {
                "BSM": "c",
                "DLBM": "0702",
                "GDDB": None,
                "KCXS": 0.0,
                "geometry": square(200, 0, 100),
            },
        ]
    )
    result = landcheck.check(sites(square(0, 0, 300, 100)), layers={"land_use": survey}, **PLANAR)
    found = finding(result, "cultivated_land")
    assert "by quality grade (GDDB): grade 6 0.9000 ha, grade 11 1.0000 ha" in found.message.en
    assert "6等 0.9000 公顷、11等 1.0000 公顷" in found.message.zh
    assert "all occupation of cultivated land enters the balance" in found.message.en
    assert any("补充耕地方案" in d.zh for d in found.documents_later)


def test_who_pre_examines_follows_the_approval_level_or_the_ministry():
    # 《建设项目用地预审管理办法》 art. 5: the project's approval level; PBF → the ministry
    approved = frame([{"BSM": "P1", "PZWH": "批", "geometry": square(500, 500, 10)}])
    pbf = layer("DLBM", ("0101", square(100, 0, 100)))
    site = sites(square(0, 0, 100), square(100, 0, 100), approval_level=["省级", "county"])
    far_redline = layer("LHLX", ("水源涵养", square(5000, 5000, 10)))  # checked, not touched
    layers = {"approved_land": approved, "farmland": pbf, "eco_redline": far_redline}
    result = landcheck.check(site, layers=layers, **PLANAR)
    assert (
        "by the provincial natural resources authority"
        in finding(result, "preexam_needed").message.en
    )
    # without the redline layer, whether the ministry examines S1 is not known
    unchecked = landcheck.check(site, layers={"approved_land": approved, "farmland": pbf}, **PLANAR)
    assert "examiner undetermined" in finding(unchecked, "preexam_needed").message.en
    assert (
        "by the Ministry of Natural Resources" in finding(result, "preexam_needed", "S2").message.en
    )


def test_a_site_s_collective_land_is_the_sum_of_its_own_rows():
    """Summed for every site of a class table at once, each site's figure is its rows' sum()."""
    import numpy as np

    from landcheck.measure import Rows, SiteLayer
    from landcheck.rules.land import _collective
    from landcheck.units import AreaMethod

    rng = np.random.default_rng(7)
    site = np.sort(rng.choice([0, 1, 2, 4, 5], size=60))  # site 3 has no rows
    level1 = rng.choice(np.array(["01", "02", "03"], dtype=object), size=60)
    m2 = rng.random(60) * 10_000 / 3  # sums whose float depends on the order of adding
    table = Rows(
        {"site": site, "code": level1, "level1": level1, "collective_planar_m2": m2}, "code"
    )
    empty = Rows({}, None)
    for position in range(6):
        view = SiteLayer(
            key="land_use", kind="land_use", tables=(table, empty, empty), position=position
        )
        own = m2[site == position]
        cultivated = level1[site == position] == "01"
        for which, expected in (
            (None, own.sum()),
            (True, own[cultivated].sum()),
            (False, own[~cultivated].sum()),
        ):
            assert _collective(view, AreaMethod.PLANAR, which) == float(expected)
    no_ownership = SiteLayer(key="land_use", kind="land_use", tables=(Rows({}, "code"),) * 3)
    assert _collective(no_ownership, AreaMethod.PLANAR, True) is None


def test_sites_of_one_project_sharing_a_drawn_twice_boundary_are_still_summed():
    # adjacent plots whose common boundary was drawn twice, 5 cm apart: a 35 m² overlap only
    # 0.05 m wide is a sliver, not ground counted twice (the 征收 check stays decided)
    survey = land_use(("0103", square(0, 0, 2000, 300), "30"))
    adjacent = sites(
        square(0, 0, 700, 300), square(699.95, 0, 700, 300), project_id=["XM-1", "XM-1"]
    )
    result = landcheck.check(adjacent, layers={"land_use": survey, **FAR_FARMLAND}, **PLANAR)
    found = finding(result, "expropriation")
    assert found.outcome == "state_council" and "sites summed: S1, S2" in found.message.en


# --------------------------------------------------------------------------- list items


def _on_farmland_and_redline(**columns: list) -> tuple[list[str], list[str]]:
    """Each site's (farmland, redline) outcomes: every site is 1 ha of both."""
    layers = {
        "farmland": layer("DLBM", ("0101", square(0, 0, 100))),
        "eco_redline": layer("LHLX", ("水源涵养", square(0, 0, 100))),
    }
    count = len(next(iter(columns.values())))
    result = landcheck.check(
        sites(*[square(0, 0, 100)] * count, **columns), layers=layers, **PLANAR
    )
    ids = [f"S{i + 1}" for i in range(count)]
    return (
        [finding(result, "permanent_farmland", s).outcome for s in ids],
        [finding(result, "eco_redline", s).outcome for s in ids],
    )


def test_a_type_the_items_do_not_name_is_not_on_them_with_a_national_plan():
    # 3号 item 1 names airports, railways and roads, item 2 ≥500 kV grids, pipelines, hydro
    # and nuclear; 142号 item 4 energy and mineral extraction, pipelines, hydro and nuclear:
    # "transport" and "energy" (未细分: a port, a wind or PV farm?) were taken as on them
    farmland, redline = _on_farmland_and_redline(
        project_type=["transport", "energy", "railway", "hydropower"],
        plan_level=["national"] * 4,
        plan_ref=["国家规划"] * 4,
    )
    assert farmland == ["relocate", "relocate", "state_council", "state_council"]
    # transport in a national plan is 142号 item 3 (交通、水利、电网): major project
    assert redline == ["major_project", "prohibited", "major_project", "major_project"]


def test_an_item_for_any_type_needs_a_type_declared():
    # 3号 item 5 / 142号 item 1 cover any type named by a central document; without a type
    # the site may be a PV array, which may never occupy farmland (自然资办发〔2023〕12号)
    farmland, redline = _on_farmland_and_redline(
        project_type=[None, "hotel", "pv_array"], central_ref=["国务院文件"] * 3
    )
    assert farmland == ["relocate", "state_council", "never"]
    assert redline == ["prohibited", "major_project", "major_project"]


def test_linear_infrastructure_in_the_redline_must_be_linear():
    # 142号 一（一） item 6: linear infrastructure; flood-control, water-supply and telecom
    # facilities need not be lines. A county road declared not linear was permitted.
    site = sites(
        *[square(0, 0, 100)] * 4,
        project_type=["county_road", "county_road", "grid_500kv", "telecom"],
        linear=["否", "是", None, None],
        plan_level=["county"] * 4,
        plan_ref=["县国土空间规划"] * 4,
    )
    redline = layer("LHLX", ("水源涵养", square(0, 0, 100)))
    result = landcheck.check(site, layers={"eco_redline": redline}, **PLANAR)
    outcomes = [finding(result, "eco_redline", f"S{i}").outcome for i in range(1, 5)]
    assert outcomes == ["prohibited", "permitted_activity", "prohibited", "permitted_activity"]
    said = finding(result, "eco_redline", "S1").message.en
    assert "To be item 6 of" in said and "that it is linear (linear: yes)" in said


def test_sites_of_one_project_giving_different_facts_are_named():
    # a railway's site and a hotel's under one project id: judged apart, summed as one
    # project for the 征收 authority, and nothing was said
    site = sites(
        square(0, 0, 100),
        square(200, 0, 100),
        square(400, 0, 100),
        project_id=["XM1", "XM1", "XM2"],
        project_type=["railway", "hotel", "hotel"],
        plan_level=["national", None, None],
    )
    result = landcheck.check(site, layers={}, **PLANAR)
    (said,) = [w for w in result.warnings if w.startswith("project ")]
    assert said.startswith(
        "project XM1: its sites (S1, S2) give different project_type, plan_level;"
    )


def test_a_fact_field_typed_with_spaces_is_read():
    # "Project Type " (a spreadsheet header) was not read: the PV array was "not PV"
    site = sites(square(0, 0, 100), **{"Project Type ": ["光伏电站"]})
    result = landcheck.check(
        site, layers={"farmland": layer("DLBM", ("0101", square(0, 0, 100)))}, **PLANAR
    )
    assert result.to_dict()["sites"][0]["facts"]["project_type"] == "pv_array"
    assert finding(result, "permanent_farmland").outcome == "never"


def test_a_repair_in_the_redline_must_keep_to_existing_construction_land():
    # 142号 一（一） item 2: repairs 在不扩大现有建设用地和耕地规模前提下. A rural house on 耕地
    # was a permitted activity while the same run counted its 1 ha of 耕地 taken.
    site = sites(
        square(0, 0, 100),
        square(200, 0, 100),
        square(400, 0, 100),
        project_type=["rural_housing"] * 3,
        plan_ref=["村庄规划"] * 3,
    )
    survey = land_use(
        ("0103", square(0, 0, 100), "30"),  # all dry land
        ("0702", square(200, 0, 100), "30"),  # all homestead
        ("0702", square(400, 0, 99.95), "30"),  # a 0.05 m strip of dry land: a sliver
        ("0103", square(400, 99.95, 100, 0.05), "30"),
    )
    layers = {"eco_redline": layer("LHLX", ("水源涵养", square(0, 0, 500))), "land_use": survey}
    result = landcheck.check(site, layers=layers, **PLANAR)
    outcomes = [finding(result, "eco_redline", f"S{i}").outcome for i in (1, 2, 3)]
    assert outcomes == ["prohibited", "permitted_activity", "permitted_activity"]
    said = finding(result, "eco_redline", "S1").message.zh
    assert (
        "（项目用地含农用地、未利用地 1.0000 公顷，不属于不扩大现有建设用地和耕地规模的修缮）"
        in said
    )
    # without a survey the item stands, and the message says the condition was not checked
    alone = landcheck.check(site, layers={"eco_redline": layers["eco_redline"]}, **PLANAR)
    found = finding(alone, "eco_redline", "S1")
    assert found.outcome == "permitted_activity"
    assert "未核查是否扩大现有建设用地和耕地规模" in found.message.zh
