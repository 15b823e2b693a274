"""Classification systems in a whole check: 2023-coded land use, refusals, 三大类 choices.

Analytic cases: a 500 m × 100 m site over five 100 m squares, one class each,
measured in planar m² so every area is known by construction.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml
from click.testing import CliRunner
from common import county, frame, sites, square

import landcheck
from landcheck.classify.decide import ClassificationConflictError
from landcheck.cli.main import cli
from landcheck.io.profiles import builtin_profile_text
from landcheck.profile import Profile

SITE = square(0, 0, 500, 100)
PARCEL_M2 = 10_000.0

# 0601 农村道路, 1202 公路用地, 0103 旱地 (KCXS 0.1), 1203 机场用地, 2306 裸土地 — as 三调 they
# would read 工业用地, 设施农用地, 旱地, 田坎 and an unknown code
CODES_2023 = ("0601", "1202", "0103", "1203", "2306")
NAMES_2023 = ("农村道路", "公路用地", "旱地", "机场用地", "裸土地")


def parcels(code_field="YDYHFLDM", name_field="YDYHFLMC", codes=CODES_2023, names=NAMES_2023):
    rows = []
    for i, code in enumerate(codes):
        row = {"BSM": f"L{i + 1}", code_field: code, "KCXS": 0.1 if code == "0103" else 0.0}
        if name_field:
            row[name_field] = names[i]
        rows.append({**row, "geometry": square(100 * i, 0, 100)})
    return frame(rows)


def profile(**land_use):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["layers"]["land_use"].update(land_use)
    return data


def run(land_use, profile_data=None):
    return landcheck.check(
        sites(SITE),
        profile=Profile.from_dict(profile_data or profile(), origin="test"),
        layers={"land_use": land_use},
        coverage=county(),
        area_method="planar",
    )


def land_use_block(result):
    return result.to_dict()["sites"][0]["layers"]["land_use"]


def land_use_input(result):
    return next(r for r in result.to_dict()["inputs"] if r["key"] == "land_use")


def finding(result, check):
    return next(f for f in result.site_findings("S1") if f.check == check)


def assert_2023_areas(block):
    categories = {k: v["planar_m2"] for k, v in block["categories"].items()}
    # 农用地: 0601 农村道路 10,000 + 0103 旱地 9,000 + its 田坎 1,000 (2303); 建设用地: 1202 + 1203
    assert categories == pytest.approx(
        {"农用地": 2 * PARCEL_M2, "建设用地": 2 * PARCEL_M2, "未利用地": PARCEL_M2}
    )
    assert block["cultivated"]["total"]["planar_m2"] == pytest.approx(0.9 * PARCEL_M2)
    assert block["cultivated"]["0103"]["planar_m2"] == pytest.approx(0.9 * PARCEL_M2)
    assert block["tiankan"]["planar_m2"] == pytest.approx(0.1 * PARCEL_M2)
    assert block["classes"]["2303"]["name"] == "田坎"
    assert block["classes"]["2303"]["planar_m2"] == pytest.approx(0.1 * PARCEL_M2)
    assert "1203" in block["classes"] and block["classes"]["1203"]["name"] == "机场用地"
    assert block["classes"]["1203"]["category"] == "建设用地"
    assert block["classes"]["0601"]["level1_name"] == "农业设施建设用地"
    assert block["classification"] == "ydyh-2023"
    assert "unresolved_codes" not in block


def test_a_declared_2023_layer_is_read_with_the_2023_table():
    result = run(parcels(name_field=None), profile(classification="ydyh-2023"))
    assert_2023_areas(land_use_block(result))
    record = land_use_input(result)["extra"]["classification"]
    assert record == {
        "declared": "ydyh-2023",
        "table": "ydyh-2023",
        "how": "declared",
        "reason": "declared in the profile",
        "evidence": {"ydyh-2023": {"codes": ["2306"], "fields": ["YDYHFLDM"]}},
    }
    assert finding(result, "agricultural_conversion").area.planar_m2 == pytest.approx(2 * PARCEL_M2)
    assert finding(result, "cultivated_land").area.planar_m2 == pytest.approx(0.9 * PARCEL_M2)
    assert not any("classification" in w or "用地用海" in w for w in result.warnings)


def test_an_undeclared_2023_layer_is_detected_read_with_the_2023_table_and_warned():
    result = run(parcels())
    assert_2023_areas(land_use_block(result))
    record = land_use_input(result)["extra"]["classification"]
    assert (record["declared"], record["table"], record["how"]) == ("auto", "ydyh-2023", "detected")
    assert record["evidence"]["ydyh-2023"]["named"] == [
        "0601 农村道路",
        "1202 公路用地",
        "1203 机场用地",
    ]
    (warning,) = [w for w in result.warnings if "用地用海 2023" in w]
    assert warning.startswith(
        "layer 'land_use' is read with the 用地用海 2023 (ydyh-2023) table, detected from its "
        "code 2306 (only in it); 0601 named 农村道路; 1202 named 公路用地; 1203 named 机场用地; "
        "fields YDYHFLDM, YDYHFLMC"
    )


def test_an_ambiguous_layer_makes_the_land_use_checks_unknown_with_its_codes():
    data = profile(fields={"id": ["BSM"], "code": ["CODE"], "deduction": ["KCXS"]})
    codes = ("0601", "1202", "0103", "1203", "0101")
    result = run(parcels("CODE", None, codes=codes), data)
    for check in ("cultivated_land", "agricultural_conversion"):
        found = finding(result, check)
        assert found.status == "unknown", check
        assert "its class codes (0101, 0103, 0601, 1202, 1203) exist in both" in (found.message.en)
    record = land_use_input(result)
    assert record["status"] == "unreadable"
    assert record["extra"]["classification"]["how"] == "refused"
    assert land_use_block(result)["available"] is False


def test_a_mixed_layer_makes_the_land_use_checks_unknown_naming_both_systems():
    codes = ("0601", "05H1", "0103", "060101", "1104A")
    result = run(parcels("DLBM", None, codes=codes))
    found = finding(result, "agricultural_conversion")
    assert found.status == "unknown"
    assert "三调 2019 (sandiao-2019): codes 05H1, 1104A (only in it); field DLBM" in (
        found.message.en
    )
    assert "用地用海 2023 (ydyh-2023): code 060101 (only in it)" in found.message.en


def test_a_declaration_the_codes_contradict_is_a_run_error():
    with pytest.raises(ClassificationConflictError, match=r"code 2306 \(only in it\)"):
        run(parcels(), profile(classification="sandiao-2019"))


def test_the_cli_refuses_a_contradicted_declaration_with_exit_1_and_no_report(tmp_path):
    layers = tmp_path / "layers.gpkg"
    sites(SITE).to_file(layers, layer="sites")
    parcels().to_file(layers, layer="land_use")
    county().to_file(layers, layer="county")
    profile_path = tmp_path / "profile.yaml"
    profile_path.write_text(
        yaml.safe_dump(profile(classification="sandiao-2019"), allow_unicode=True),
        encoding="utf-8",
    )
    out = tmp_path / "report"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            f"{layers}:sites",
            "--profile",
            str(profile_path),
            "--layer",
            f"land_use={layers}:land_use",
            "--coverage",
            f"{layers}:county",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "is declared 三调 2019 (sandiao-2019)" in result.output
    assert "0601 named 农村道路" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(os.listdir(tmp_path)) == ["layers.gpkg", "profile.yaml"]


def test_a_sandiao_layer_keeps_its_reading_and_salt_pans_are_industrial_and_mining_land():
    codes = ("0601", "1202", "0103", "1203", "0603")
    names = ("工业用地", "设施农用地", "旱地", "田坎", "盐田")
    result = run(parcels("DLBM", "DLMC", codes=codes, names=names))
    block = land_use_block(result)
    assert block["classification"] == "sandiao-2019"
    categories = {k: v["planar_m2"] for k, v in block["categories"].items()}
    # 农用地: 1202 + 0103 net + its 田坎 + 1203; 建设用地: 0601 工业用地 + 0603 盐田
    assert categories == pytest.approx(
        {"农用地": 3 * PARCEL_M2, "建设用地": 2 * PARCEL_M2, "未利用地": 0.0}
    )
    assert block["classes"]["1203"]["planar_m2"] == pytest.approx(1.1 * PARCEL_M2)
    assert (block["classes"]["0603"]["level1"], block["classes"]["0603"]["level1_name"]) == (
        "06",
        "工矿用地",
    )
    record = land_use_input(result)["extra"]["classification"]
    assert (record["table"], record["how"]) == ("sandiao-2019", "detected")
    assert not any("sandiao-2019" in w for w in result.warnings)


def test_the_profile_chooses_the_category_of_a_disputed_class():
    codes = ("1107A", "0404", "0103", "1107A", "0404")
    layer = parcels("DLBM", None, codes=codes)
    default = land_use_block(run(layer))["categories"]
    assert default["农用地"]["planar_m2"] == pytest.approx(3 * PARCEL_M2)
    assert default["未利用地"]["planar_m2"] == pytest.approx(2 * PARCEL_M2)
    chosen = run(layer, profile(category_choices={"1107A": "建设用地", "0404": "农用地"}))
    block = land_use_block(chosen)
    categories = {k: v["planar_m2"] for k, v in block["categories"].items()}
    assert categories == pytest.approx(
        {"农用地": 3 * PARCEL_M2, "建设用地": 2 * PARCEL_M2, "未利用地": 0.0}
    )
    record = land_use_input(chosen)["extra"]["classification"]
    assert record["category_choices"] == {"1107A": "建设用地", "0404": "农用地"}
    assert json.dumps(chosen.to_dict(), ensure_ascii=False).count("category_choices") == 1


def test_a_profile_with_an_invalid_choice_lists_the_problem():
    with pytest.raises(landcheck.errors.ProfileError) as raised:
        Profile.from_dict(profile(category_choices={"0101": "建设用地"}), origin="test")
    assert "layers.land_use.category_choices.0101: not a disputed class of" in str(raised.value)


def test_auto_is_refused_for_planning_zones():
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    data["layers"]["planning_zones"]["classification"] = "auto"
    with pytest.raises(
        landcheck.errors.ProfileError, match=r"planning_zones\.classification: unknown table .auto."
    ):
        Profile.from_dict(data, origin="test")


def test_the_land_class_table_names_2023_classes_and_its_ridge_code():
    from landcheck.tables import report_tables

    result = run(parcels())
    rows = report_tables(result, "en")["land_classes"].frame.set_index("code")
    assert rows.loc["06", "label"] == "agricultural facility construction land"
    assert rows.loc["0601", "label"] == "rural road"
    assert rows.loc["2303", "label"] == "field ridges"
    assert rows.loc["2303", "planar_m2"] == pytest.approx(0.1 * PARCEL_M2)
    assert "1203" in rows.index and rows.loc["1203", "label"] == "airport"
    zh = report_tables(result, "zh")["land_classes"].frame.set_index("code")
    assert (zh.loc["2303", "label"], zh.loc["1203", "label"]) == ("田坎", "机场用地")
