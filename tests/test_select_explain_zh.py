"""``explain("zh")`` of the selection results is Chinese: every reason, every status.

The reasons were made in English only, and ``explain("zh")`` put them, the statuses
(``info``, ``prohibited``…) and "score … nearest hard constraint" inside Chinese text.
What may stay in Latin letters are codes: site ids, the table's column names
(``cultivated_ha``) and layer keys.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import select_scenario as scenario
from test_select_search import half_redline

import landcheck
from landcheck.select.compare import ComparisonResult
from landcheck.select.ranking import RankingRule, Term, rank_table, reasons

PLANAR = {"area_method": "planar"}

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _latin_words(text: str, codes: set[str]) -> set[str]:
    """The words in Latin letters of ``text`` that are not among ``codes``."""
    return set(_WORD.findall(text)) - codes


def _rule_codes(rule: RankingRule) -> set[str]:
    """The codes a ranking rule's text may name: its terms' names and columns."""
    return {t.name for t in rule.terms} | {t.column for t in rule.terms}


def _every_reason() -> tuple[pd.DataFrame, RankingRule]:
    """Eight alternatives, each ahead of the next by another of the ranking's reasons."""
    metrics = pd.DataFrame(
        {
            "site_id": ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"],
            "name": [f"方案{i}" for i in range(1, 9)],
            "status": ["not_involved", *["info"] * 7],
            "cultivated_ha": [0.0, 1.0, 2.0, 2.0, 2.0, np.nan, np.nan, np.nan],
            "nearest_hard_m": [5.0, 10.0, 100.0, 50.0, 50.0, np.nan, 50.0, 50.0],
        }
    )
    rule = RankingRule((Term("cultivated", "cultivated_ha", 2.0, "cultivated land", "占用耕地"),))
    return rank_table(metrics, rule), rule


def test_every_reason_is_said_in_chinese():
    table, rule = _every_reason()
    assert table["site_id"].tolist() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8"]
    zh = reasons(table, rule, "zh")
    assert zh == [
        "优于 S2：总体审查结论“不涉及”优于“提示”",
        "优于 S3：审查结论相同，得分 2.0000 低于 4.0000",
        "优于 S4：审查结论和得分相同，距最近刚性约束 100.00 米，远于 50.00 米",
        "优于 S5：审查结论、得分和距离均相同，按用地编号排序",
        "优于 S6：审查结论相同，得分 4.0000 已知，S6 的得分未知"
        "（得分未知：占用耕地（cultivated_ha））",
        "优于 S7：审查结论相同，得分未知：占用耕地（cultivated_ha），与 S7 相同，"
        "距最近刚性约束 1000.00 米，远于 50.00 米",
        "优于 S8：审查结论相同，得分未知：占用耕地（cultivated_ha），与 S8 相同；"
        "距离相同，按用地编号排序",
        "排在最后；得分未知：占用耕地（cultivated_ha）",
    ]
    # the English reasons are the table's, as before
    assert reasons(table, rule) == table["reason"].tolist()
    assert table["reason"].iloc[1] == "ahead of S3: same status, score 2.0000 is lower than 4.0000"
    only = rank_table(pd.DataFrame(table.iloc[:1][["site_id", "status", "nearest_hard_m"]]), rule)
    assert reasons(only, rule, "zh") == ["唯一的备选用地"]


def test_explain_in_chinese_has_no_english_words():
    table, rule = _every_reason()
    result = ComparisonResult(table, None, rule, None, (), {}, None, None)
    text = result.explain("zh")
    codes = {*table["site_id"], "cultivated_ha"}
    assert _latin_words(text, codes) == set()
    lines = text.split("\n")
    assert (
        lines[0].startswith("排序规则") and "不涉及 > 提示 > 有条件 > 无法判定 > 禁止" in lines[0]
    )
    assert "2 × 占用耕地（公顷）" in lines[0]
    assert lines[1] == (
        "1. S1 方案1：不涉及，得分 0.0000（0），距最近刚性约束 5.0 米；"
        "优于 S2：总体审查结论“不涉及”优于“提示”"
    )
    assert lines[6].startswith(
        "6. S6 方案6：提示，得分未知（2×? cultivated_ha），距最近刚性约束 > 1000 米；"
    )
    # English stays as it was
    english = result.explain("en").split("\n")
    assert english[6].startswith(
        "6. S6 方案6: info, score not known (2×? cultivated_ha), nearest hard constraint > 1000 m;"
    )


def test_a_comparison_explained_in_chinese():
    result = landcheck.compare(scenario.candidates(), layers=scenario.layers(), **PLANAR)
    text = result.explain("zh")
    codes = {*result.table["site_id"], *result.table.columns, *_rule_codes(result.rule)}
    assert _latin_words(text, codes) == set()
    assert "优于 C3：审查结论和得分相同，距最近刚性约束" in text
    assert "优于 C1：审查结论相同，得分 4.0000 低于 44.0000" in text


@pytest.mark.parametrize("area_ha", [1.0, 5.0])
def test_a_search_explained_in_chinese(area_ha):
    # 1 ha fits in the free half of the area of interest; 5 ha nowhere
    aoi, layers = half_redline()
    result = landcheck.search(aoi, area_ha, layers=layers, count=2, **PLANAR)
    text = result.explain("zh")
    codes = {*result.table.get("site_id", []), *result.table.columns, *_rule_codes(result.rule)}
    assert _latin_words(text, codes) == set()
    if result.comparison is None:
        assert text.endswith("（没有符合条件的方案）")
        assert result.explain().endswith("(no proposal fits)")
