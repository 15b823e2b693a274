"""What a land-use layer's codes rest on: a field name alone, merged GB/T codes, lost zeros.

Analytic cases: a site of n × 100 m over n squares of 100 m, one class each, measured in
planar m² so every area is known by construction.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from common import county, frame, sites, square

import landcheck
from landcheck.classify import load_code_table
from landcheck.classify.decide import classify_layer
from landcheck.classify.systems import LAND_USE_SYSTEMS
from landcheck.io.profiles import builtin_profile_text
from landcheck.profile import Profile

PARCEL_M2 = 10_000.0


def parcels(codes, **columns):
    """One 100 m square a code along x, with BSM, DLBM (the codes as given) and ``columns``."""
    rows = [
        {
            "BSM": f"L{i + 1}",
            "DLBM": code,
            **{name: values[i] for name, values in columns.items()},
            "geometry": square(100 * i, 0, 100),
        }
        for i, code in enumerate(codes)
    ]
    return frame(rows)


def run(land_use):
    data = yaml.safe_load(builtin_profile_text("china-preexam"))
    return landcheck.check(
        sites(square(0, 0, 100 * len(land_use), 100)),
        profile=Profile.from_dict(data, origin="test"),
        layers={"land_use": land_use},
        coverage=county(),
        area_method="planar",
    )


def block(result):
    return result.to_dict()["sites"][0]["layers"]["land_use"]


def categories(result):
    return {k: v["planar_m2"] for k, v in block(result)["categories"].items()}


def classes(result):
    return {
        code: (c.get("name"), c.get("category"), c["planar_m2"])
        for code, c in block(result)["classes"].items()
    }


def finding(result, check):
    return next(f for f in result.site_findings("S1") if f.check == check)


def classification_record(result):
    record = next(r for r in result.to_dict()["inputs"] if r["key"] == "land_use")
    return record["extra"]["classification"]


# ------------------------------------------------------------ a field name alone


def test_a_dlbm_layer_read_apart_in_2023_is_read_as_sandiao_with_a_warning_naming_the_codes():
    # 0601, 1202, 1207, 1101 as 用地用海 2023 would be 农村道路, 公路用地, 城镇村道路用地,
    # 物流仓储用地: 农用地 10,000 → 20,000 m², 建设用地 10,000 → 40,000 m², 未利用地 → 0
    result = run(parcels(["0103", "0601", "1202", "1207", "1101"], KCXS=[0.0] * 5))
    assert categories(result) == pytest.approx(
        {"农用地": 2 * PARCEL_M2, "建设用地": PARCEL_M2, "未利用地": 2 * PARCEL_M2}
    )
    assert classes(result)["0601"] == ("工业用地", "建设用地", PARCEL_M2)
    (warning,) = [w for w in result.warnings if "from its field DLBM alone" in w]
    assert warning == (
        "layer 'land_use' is read as 三调 2019 (sandiao-2019) from its field DLBM alone: no "
        "code or class name tells the systems apart, and 4 of its codes read differently in "
        "用地用海 2023 (ydyh-2023): 0601 is 工业用地 (建设用地) here, 农村道路 (农用地) in "
        "用地用海 2023; 1101 is 河流水面 (未利用地) here, 物流仓储用地 (建设用地) in "
        "用地用海 2023; 1202 is 设施农用地 (农用地) here, 公路用地 (建设用地) in "
        "用地用海 2023; 1207 is 裸岩石砾地 (未利用地) here, 城镇村道路用地 (建设用地) in "
        "用地用海 2023. If the layer is coded in "
        "用地用海 2023, declare layers.land_use.classification: ydyh-2023 in the profile; "
        "declare sandiao-2019 to confirm this reading"
    )
    record = classification_record(result)
    assert (record["table"], record["how"], record["field_name_only"]) == (
        "sandiao-2019",
        "detected",
        True,
    )
    assert record["reason"] == (
        "detected as 三调 2019 (sandiao-2019) from its field name alone (field DLBM): no code "
        "or class name tells the two systems apart"
    )
    assert record["evidence"] == {"sandiao-2019": {"fields": ["DLBM"]}}


def test_a_dlbm_layer_whose_codes_read_alike_in_both_systems_is_read_without_a_warning():
    decision = classify_layer("land_use", "auto", codes=["0101", "0103"], fields=["DLBM"])
    assert (decision.table, decision.warning) == ("sandiao-2019", None)
    assert decision.to_dict()["field_name_only"] is True


def test_codes_or_names_that_tell_the_system_leave_no_field_name_warning():
    decision = classify_layer(
        "land_use", "auto", codes=["0601", "1006"], names=["工业用地", ""], fields=["DLBM"]
    )
    assert (decision.table, decision.warning) == ("sandiao-2019", None)
    assert "field_name_only" not in decision.to_dict()


def test_a_2023_field_name_alone_warns_with_the_codes_三调_reads_apart():
    decision = classify_layer("land_use", "auto", codes=["0601", "0101"], fields=["YDYHFLDM"])
    assert decision.table == "ydyh-2023"
    assert "0601 is 农村道路 (农用地) here, 工业用地 (建设用地) in 三调 2019" in decision.warning
    assert "declare layers.land_use.classification: sandiao-2019" in decision.warning


# ------------------------------------------------------------ GB/T 21010-2017 merged codes


def test_gbt_2017_codes_三调_merged_are_read_as_the_class_they_were_merged_into():
    names = ["教育用地", "零售商业用地", "仓储用地", "军事设施用地", "旱地"]
    result = run(parcels(["0803", "0501", "0604", "0901", "0103"], DLMC=names, KCXS=[0.0] * 5))
    assert categories(result) == pytest.approx(
        {"农用地": PARCEL_M2, "建设用地": 4 * PARCEL_M2, "未利用地": 0.0}
    )
    found = block(result)
    assert "unresolved_codes" not in found
    # the parcels keep their own code and name, counted in the class they were merged into
    assert classes(result)["0803"] == ("教育用地", "建设用地", PARCEL_M2)
    level1 = {code: found["classes"][code]["level1"] for code in ("0803", "0501", "0604", "0901")}
    assert level1 == {"0803": "08", "0501": "05", "0604": "05", "0901": "09"}
    assert finding(result, "cultivated_land").status != "unknown"
    assert finding(result, "agricultural_conversion").status != "unknown"
    (warning,) = [w for w in result.warnings if "GB/T 21010-2017" in w]
    assert warning == (
        "layer 'land_use': GB/T 21010-2017 codes that 三调 2019 (sandiao-2019) merged are read "
        "as the class they were merged into, for the 三大类 and the checks: 0501 零售商业用地 → "
        "05H1 商业服务业设施用地; 0604 仓储用地 → 0508 物流仓储用地; 0803 教育用地 → 08H2 "
        "科教文卫用地; 0901 军事设施用地 → 09 特殊用地. The class tables list the parcels under "
        "their own codes"
    )


def test_every_merged_gbt_2017_code_resolves_to_the_三调_class_whose_aliases_name_it():
    table = load_code_table("sandiao-2019")
    merged = LAND_USE_SYSTEMS["sandiao-2019"].merged_codes
    assert len(merged) == 22
    for code, (name, into) in merged.items():
        assert code not in table.codes
        assert table.resolve(code) == into
        assert name in table.names_of(into), code
        assert table.by_name(name) == into, code
    assert table.resolve("0803A") == "08H2"


# ------------------------------------------------------------ codes that lost a leading zero


def test_a_numeric_code_field_has_its_leading_zeros_restored_with_a_warning():
    result = run(parcels(np.array([101, 103, 1006], dtype="int64"), KCXS=[0.1, 0.1, 0.0]))
    assert categories(result) == pytest.approx(
        {"农用地": 3 * PARCEL_M2, "建设用地": 0.0, "未利用地": 0.0}
    )
    assert classes(result) == {
        "0101": ("水田", "农用地", pytest.approx(0.9 * PARCEL_M2)),
        "0103": ("旱地", "农用地", pytest.approx(0.9 * PARCEL_M2)),
        "1006": ("农村道路", "农用地", pytest.approx(PARCEL_M2)),
        "1203": ("田坎", "农用地", pytest.approx(0.2 * PARCEL_M2)),
    }
    assert block(result)["cultivated"]["total"]["planar_m2"] == pytest.approx(1.8 * PARCEL_M2)
    (warning,) = [w for w in result.warnings if "number field" in w]
    assert warning == (
        "layer 'land_use': its class code field DLBM is a number field, which drops the leading "
        "zeros of codes: codes read with theirs restored (101 → 0101, 103 → 0103). Store DLBM "
        "as text, with the codes' leading zeros"
    )


def test_a_float_code_field_is_read_as_its_codes():
    result = run(parcels(np.array([101.0, 1006.0]), KCXS=[0.0, 0.0]))
    assert classes(result) == {
        "0101": ("水田", "农用地", pytest.approx(PARCEL_M2)),
        "1006": ("农村道路", "农用地", pytest.approx(PARCEL_M2)),
    }
    assert any("1006.0 → 1006, 101.0 → 0101" in w for w in result.warnings)


def test_text_codes_that_lost_their_zero_stay_unread_with_a_hint():
    result = run(parcels(["101", "103", "1006"], KCXS=[0.0] * 3))
    assert block(result)["unresolved_codes"] == ["101", "103"]
    assert categories(result)["农用地"] == pytest.approx(PARCEL_M2)
    assert finding(result, "cultivated_land").status == "unknown"
    (warning,) = [w for w in result.warnings if "looks like" in w]
    assert warning == (
        "layer 'land_use': class codes 101, 103 are unknown to the code table sandiao-2019, and "
        "left unread: 101 looks like 0101 with its leading zero lost; 103 looks like 0103 with "
        "its leading zero lost. Store DLBM as text, with the codes' leading zeros"
    )


def test_a_numeric_field_with_a_code_that_stays_unknown_is_not_restored():
    result = run(parcels(np.array([101, 999, 1006], dtype="int64"), KCXS=[0.0] * 3))
    assert block(result)["unresolved_codes"] == ["101", "999"]
    (warning,) = [w for w in result.warnings if "looks like" in w]
    assert "101 looks like 0101 with its leading zero lost" in warning
    assert "(not restored: 999 in the same number field would not be a code even so)" in warning
