"""The field-ridge deduction coefficient (KCXS): what is not a usable fraction is taken as 0,
and said — never a crash, never silence."""

from __future__ import annotations

import pytest
from common import county, frame, sites, square

import landcheck

PLANAR = {"area_method": "planar", "coverage": county()}


def dry_land(*coefficients: object, field: str | None = "KCXS") -> object:
    """One 100 m x 100 m 旱地 parcel a coefficient, 300 m apart, and its site."""
    rows = [
        {
            "BSM": f"P{i + 1}",
            "DLBM": "0103",
            "QSXZ": "30",
            **({field: value} if field else {}),
            "geometry": square(300 * i, 0, 100),
        }
        for i, value in enumerate(coefficients)
    ]
    return frame(rows), sites(*(square(300 * i, 0, 100) for i in range(len(coefficients))))


def cultivated(result, site: str) -> float:
    found = next(f for f in result.site_findings(site) if f.check == "cultivated_land")
    return found.area.planar_m2


@pytest.mark.parametrize("wrong", [15.0, -0.1, 1.5, 1.0])
def test_a_coefficient_outside_0_to_1_is_ignored_with_a_warning_not_a_crash(wrong):
    # pandas' copy-on-write gave a read-only array: "assignment destination is read-only"
    # ended the whole run; 1.0 is no fraction either (a parcel all ridges is coded 1203)
    survey, site = dry_land(0.15, wrong)
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    assert cultivated(result, "S1") == pytest.approx(8_500.0)
    assert cultivated(result, "S2") == pytest.approx(10_000.0)  # nothing deducted
    assert [w for w in result.warnings if "KCXS" in w] == [
        f"layer 'land_use': 1 deduction coefficients (KCXS) outside 0–1 (e.g. {wrong:g}) were "
        "ignored (no field ridges deducted there); they must be fractions from 0 up to, not "
        "including, 1, such as 0.08 (a parcel all of field ridges is coded 田坎 itself)"
    ]


def test_a_coefficient_that_is_no_number_is_taken_as_0_and_said():
    # "5%" and "0,15" were read as 0 without a word: 1.0000 ha of 耕地 for 0.8500
    survey, site = dry_land("0.15", "15%", "0,15")
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    assert [cultivated(result, s) for s in ("S1", "S2", "S3")] == pytest.approx(
        [8_500.0, 10_000.0, 10_000.0]
    )
    assert [w for w in result.warnings if "KCXS" in w] == [
        "layer 'land_use': 2 deduction coefficients (KCXS) could not be read as numbers (e.g. "
        "'15%', '0,15') and were taken as 0 (no field ridges deducted there); they must be "
        "fractions such as 0.08"
    ]


def test_a_blank_coefficient_on_cultivated_land_is_said():
    # 36 ha of 旱地 with KCXS 0.05 is 34.2 ha (the province expropriates); blank, it was 36 ha
    # (the State Council) with no word; a blank on other land deducts nothing and is not said
    survey = frame(
        [
            {"BSM": "A", "DLBM": "0103", "KCXS": None, "geometry": square(0, 0, 600)},
            {"BSM": "B", "DLBM": "0103", "KCXS": 0.05, "geometry": square(0, 600, 100)},
            {"BSM": "C", "DLBM": "0702", "KCXS": None, "geometry": square(100, 600, 100)},
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 600), square(0, 600, 200, 100)), layers={"land_use": survey}, **PLANAR
    )
    assert cultivated(result, "S1") == pytest.approx(360_000.0)
    assert [w for w in result.warnings if "KCXS" in w] == [
        "layer 'land_use': 1 cultivated-land (耕地) parcels have no deduction coefficient (KCXS "
        "blank): taken as 0, their whole area counted as their class, no field ridges deducted"
    ]


def test_a_land_use_layer_without_a_coefficient_field_is_said_when_it_has_cultivated_land():
    survey, site = dry_land(None, None, field=None)
    result = landcheck.check(site, layers={"land_use": survey}, **PLANAR)
    assert cultivated(result, "S1") == pytest.approx(10_000.0)
    assert [w for w in result.warnings if "deduction" in w] == [
        "layer 'land_use' has no deduction coefficient field (looked for KCXS, TKXS): the field "
        "ridges (田坎) of its 2 cultivated-land (耕地) parcels are not deducted, their whole area "
        "counted as cultivated land; map the field under layers.land_use.fields.deduction in "
        "the profile"
    ]
    housing = frame([{"BSM": "H", "DLBM": "0702", "geometry": square(0, 0, 100)}])
    result = landcheck.check(sites(square(0, 0, 100)), layers={"land_use": housing}, **PLANAR)
    assert not [w for w in result.warnings if "deduction" in w]


def test_a_parcel_of_a_code_no_table_knows_keeps_its_area_and_gives_no_field_ridges():
    # KCXS deducts the field ridges of 耕地 parcels; a parcel coded 9999 (no class of the table)
    # is not known to be 耕地, yet its 0.1 was moved to 田坎: 田坎 0.2000 ha for 0.1000, and
    # 9999 read 9,000 m² for the 10,000 m² it covers
    survey = frame(
        [
            {"BSM": "U", "DLBM": "9999", "KCXS": 0.1, "geometry": square(0, 0, 100)},
            {"BSM": "D", "DLBM": "0103", "KCXS": 0.1, "geometry": square(100, 0, 100)},
            {"BSM": "Z", "DLBM": "8888", "KCXS": 0.0, "geometry": square(200, 0, 100)},
        ]
    )
    result = landcheck.check(sites(square(0, 0, 300, 100)), layers={"land_use": survey}, **PLANAR)
    layer = result.to_dict()["sites"][0]["layers"]["land_use"]
    assert layer["tiankan"]["planar_m2"] == pytest.approx(1_000.0)
    assert layer["classes"]["1203"]["planar_m2"] == pytest.approx(1_000.0)
    assert layer["classes"]["9999"]["planar_m2"] == pytest.approx(10_000.0)
    assert "tiankan_planar_m2" not in layer["classes"]["9999"]  # none deducted
    assert layer["classes"]["0103"]["planar_m2"] == pytest.approx(9_000.0)
    assert layer["cultivated"]["total"]["planar_m2"] == pytest.approx(9_000.0)
    assert layer["uncovered"]["planar_m2"] == pytest.approx(0.0, abs=1e-6)
    found = next(f for f in result.site_findings("S1") if f.check == "cultivated_land")
    assert (found.outcome, found.status) == ("incomplete", "unknown")  # unknown codes
    assert [w for w in result.warnings if "KCXS" in w] == [
        "layer 'land_use': 1 parcels whose class code the code table does not know (9999) "
        "have a deduction coefficient (KCXS) above 0: it was not applied (KCXS deducts the "
        "field ridges of cultivated land, and nothing says these parcels are), their whole "
        "area kept under their code"
    ]
