"""Declared, detected or refused: which land-use system reads a layer's codes."""

from __future__ import annotations

import pytest

from landcheck.classify.choices import category_choice_problems
from landcheck.classify.decide import (
    AmbiguousClassificationError,
    ClassificationConflictError,
    classify_layer,
)
from landcheck.classify.detect import gather_evidence
from landcheck.errors import InputDataError, LandcheckError


def detect(codes, names=None, fields=(), declared="auto", choices=None):
    return classify_layer(
        "land_use", declared, codes=codes, names=names, fields=fields, choices=choices
    )


def refusal(codes, names=None, fields=()):
    with pytest.raises(AmbiguousClassificationError) as raised:
        detect(codes, names, fields)
    return raised.value


# ------------------------------------------------------------------- detected


def test_a_clearly_2023_layer_is_read_with_the_2023_table_and_a_warning():
    decision = detect(
        ["0601", "060101", "1202", "0103"],
        ["农村道路", "村道用地", "公路用地", "旱地"],
        ["YDYHFLDM", "YDYHFLMC"],
    )
    assert (decision.table, decision.how) == ("ydyh-2023", "detected")
    assert decision.code_table.name == "ydyh-2023"
    assert decision.code_table.value("0601", "name") == "农村道路"
    found = decision.evidence["ydyh-2023"]
    assert found.codes == ("060101",)
    assert found.named == ("0601 农村道路", "1202 公路用地")
    assert found.fields == ("YDYHFLDM", "YDYHFLMC")
    assert not decision.evidence["sandiao-2019"]
    assert "read with the 用地用海 2023 (ydyh-2023) table, detected from its code 060101" in (
        decision.warning
    )
    assert "0601 named 农村道路" in decision.warning
    assert "layers.land_use.classification: ydyh-2023" in decision.warning


def test_a_2023_layer_is_detected_from_its_field_names_alone():
    decision = detect(["0101", "0103"], fields=["用地用海分类代码"])
    assert decision.table == "ydyh-2023"
    assert decision.reason == (
        "detected as 用地用海 2023 (ydyh-2023) from its field name alone (field 用地用海分类代码): "
        "no code or class name tells the two systems apart"
    )
    assert decision.to_dict()["field_name_only"] is True


def test_a_sandiao_layer_is_read_as_sandiao_without_a_warning():
    decision = detect(
        ["0101", "1006", "0702", "05H1"], ["水田", "农村道路", "农村宅基地", ""], ["DLBM", "DLMC"]
    )
    assert (decision.table, decision.how, decision.warning) == ("sandiao-2019", "detected", None)
    assert decision.evidence["sandiao-2019"].codes == ("05H1", "1006")
    assert decision.evidence["sandiao-2019"].named == ("0702 农村宅基地",)
    assert decision.to_dict() == {
        "declared": "auto",
        "table": "sandiao-2019",
        "how": "detected",
        "reason": "detected as 三调 2019 (sandiao-2019) from its codes 05H1, 1006 (only in it); "
        "0702 named 农村宅基地; fields DLBM, DLMC",
        "evidence": {
            "sandiao-2019": {
                "codes": ["05H1", "1006"],
                "named": ["0702 农村宅基地"],
                "fields": ["DLBM", "DLMC"],
            }
        },
    }


@pytest.mark.parametrize(
    ("names", "system"),
    [
        (["农村道路", "公路用地", "机场用地"], "ydyh-2023"),
        (["工业用地", "设施农用地", "田坎"], "sandiao-2019"),
    ],
)
def test_codes_both_systems_know_are_resolved_by_their_names(names, system):
    decision = detect(["0601", "1202", "1203"], names)
    assert decision.table == system
    assert len(decision.evidence[system].named) == 3


def test_letter_suffixes_and_merged_gbt_codes_belong_to_sandiao():
    assert detect(["0201K", "0101"]).table == "sandiao-2019"
    assert detect(["1104A"]).table == "sandiao-2019"
    # 0801 机关团体用地 is a GB/T 21010-2017 class 三调 merged, and a 2023 class of that name
    decision = detect(["0801", "0101"], ["机关团体用地", "水田"], ["DLBM", "DLMC"])
    assert decision.table == "sandiao-2019"
    assert not decision.evidence["ydyh-2023"]


def test_reserve_farmland_1208_of_recent_surveys_is_not_a_2023_code_by_itself():
    assert detect(["1208", "0101"], ["后备耕地", "水田"], ["DLBM", "DLMC"]).table == (
        "sandiao-2019"
    )
    assert detect(["1208"], ["交通场站用地"]).table == "ydyh-2023"


def test_a_layer_with_names_only_is_detected_from_its_names():
    assert detect(None, ["有林地", "旱地"]).table == "sandiao-2019"
    assert detect(None, ["村道用地", "旱地"]).table == "ydyh-2023"
    assert detect(None, ["旱地"], ["DLMC"]).table == "sandiao-2019"


def test_a_layer_without_codes_needs_no_table():
    decision = detect(["", None], fields=["CODE"])
    assert (decision.table, decision.how, decision.code_table) == (None, "no features", None)


# ------------------------------------------------------------------- refused


def test_a_layer_mixing_codes_of_both_systems_is_refused_with_the_betraying_codes():
    error = refusal(["0101", "05H1", "1104A", "060101", "2306"])
    assert isinstance(error, InputDataError)  # the layer's checks become unknown
    message = str(error)
    assert "layer 'land_use' mixes two land-use classification systems" in message
    assert "三调 2019 (sandiao-2019): codes 05H1, 1104A (only in it)" in message
    assert "用地用海 2023 (ydyh-2023): codes 060101, 2306 (only in it)" in message
    assert "correct the codes that belong to the other" in message
    assert error.decision.how == "refused" and error.decision.table is None


def test_2023_codes_in_a_sandiao_field_are_refused_and_told_how_to_declare():
    message = str(refusal(["060101", "0101"], fields=["DLBM"]))
    assert "三调 2019 (sandiao-2019): field DLBM" in message
    assert "用地用海 2023 (ydyh-2023): code 060101 (only in it)" in message
    assert "declare it in the profile (layers.land_use.classification: ydyh-2023)" in message


def test_codes_of_both_systems_without_names_are_refused_never_guessed():
    message = str(refusal(["0601", "1202", "1203"], fields=["CODE"]))
    assert message.startswith(
        "layer 'land_use': its class codes (0601, 1202, 1203) exist in both land-use "
        "classification systems"
    )
    assert "layers.land_use.classification: sandiao-2019 or ydyh-2023" in message


def test_names_both_systems_give_the_same_code_do_not_decide():
    message = str(refusal(["0101", "0103"], ["水田", "旱地"]))
    assert "its class codes (0101, 0103) exist in both" in message


# ------------------------------------------------------------------- declared


def test_a_declared_2023_layer_is_read_with_the_2023_table():
    decision = detect(["0601", "1202"], declared="ydyh-2023")
    assert (decision.table, decision.how, decision.warning) == ("ydyh-2023", "declared", None)


def test_a_declaration_the_codes_contradict_is_refused_naming_the_codes():
    with pytest.raises(ClassificationConflictError) as raised:
        detect(
            ["0601", "060101", "1202"],
            ["农村道路", "村道用地", "公路用地"],
            declared="sandiao-2019",
        )
    error = raised.value
    assert isinstance(error, LandcheckError) and not isinstance(error, InputDataError)
    message = str(error)
    assert "layer 'land_use' is declared 三调 2019 (sandiao-2019)" in message
    assert "用地用海 2023 (ydyh-2023): code 060101 (only in it); 0601 named 农村道路; " in message
    assert "1202 named 公路用地" in message


def test_a_declaration_contradicted_by_field_names_only_is_read_with_a_warning():
    decision = detect(["0101"], fields=["DLBM"], declared="ydyh-2023")
    assert decision.table == "ydyh-2023"
    assert decision.warning == (
        "layer 'land_use' is read as declared, with 用地用海 2023 (ydyh-2023), although its field "
        "DLBM is a field of 三调 2019 (sandiao-2019); check the declaration"
    )


def test_a_planning_zone_table_is_read_as_declared():
    decision = classify_layer("planning_zones", "planning-zones-2020", codes=["0401", "9"])
    assert (decision.table, decision.how) == ("planning-zones-2020", "declared")


def test_evidence_is_gathered_per_system():
    found = gather_evidence(["0303"], ["红树林地"], ["dlbm"])
    assert found["sandiao-2019"].named == ("0303 红树林地",)
    assert found["sandiao-2019"].fields == ("dlbm",)
    assert not found["ydyh-2023"]


# ------------------------------------------------------------------- 三大类 choices


def test_category_choices_are_applied_to_the_table_read():
    decision = detect(["1107A", "0101"], fields=["DLBM"], choices={"1107A": "建设用地"})
    assert decision.code_table.value("1107A", "category") == "建设用地"
    assert decision.category_choices == {"1107A": "建设用地"}
    assert decision.to_dict()["category_choices"] == {"1107A": "建设用地"}
    assert "三大类 chosen by the profile: 1107A → 建设用地" in decision.reason


def test_choices_for_the_other_system_are_not_applied():
    decision = detect(["060101"], ["村道用地"], choices={"1107A": "建设用地", "060101": "建设用地"})
    assert decision.table == "ydyh-2023"
    assert decision.category_choices == {"060101": "建设用地"}
    assert decision.code_table.value("060101", "category") == "建设用地"
    assert decision.code_table.value("060102", "category") == "农用地"


@pytest.mark.parametrize(
    ("classification", "choices", "problem"),
    [
        ("auto", {"0101": "建设用地"}, "category_choices.0101: not a disputed class of "),
        (
            "auto",
            {"1107A": "未利用地"},
            "'未利用地' is not one of its listed categories (农用地, 建设用地)",
        ),
        ("sandiao-2019", {"060101": "建设用地"}, "060101: not a disputed class of sandiao-2019"),
        ("planning-zones-2020", {"0401": "建设用地"}, "only a land-use layer"),
        ("auto", ["1107A"], "expected a mapping of class code to category"),
    ],
)
def test_only_disputed_codes_and_their_listed_categories_may_be_chosen(
    classification, choices, problem
):
    valid, problems = category_choice_problems(classification, choices, "layers.land_use")
    assert valid == {}
    assert len(problems) == 1 and problem in problems[0], problems
