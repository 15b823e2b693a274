"""Candidate comparison: the ranking of constructed alternatives, the rule, the weights."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import select_scenario as scenario
from common import frame, sites, square

import landcheck
from landcheck.errors import InputDataError
from landcheck.select.ranking import DEFAULT_WEIGHTS, RankingRule, rank_table

PLANAR = {"area_method": "planar"}


@pytest.fixture(scope="module")
def result():
    return landcheck.compare(scenario.candidates(), layers=scenario.layers(), **PLANAR)


def test_ranking_order_and_why(result):
    assert result.order == ["C6", "C3", "C2", "C4", "C1"]
    table = result.table.set_index("site_id")
    assert table["status"].to_dict() == {
        "C6": "info",  # collective land: the province approves its 征收
        "C3": "info",
        "C2": "conditional",
        "C4": "prohibited",
        "C1": "prohibited",
    }
    # C6 and C3 tie on status and score: distance to the farmland block F2 decides
    assert table.loc["C6", "nearest_hard_m"] == pytest.approx(math.hypot(650, 300))
    assert table.loc["C3", "nearest_hard_m"] == pytest.approx(math.hypot(300, 300))
    assert table.loc["C3", "nearest_hard_id"] == "F2"
    assert "farther" in table.loc["C6", "reason"]
    assert "status info is better than conditional" in table.loc["C3", "reason"]
    # both prohibited: C4 only lies outside the boundary, C1 takes farmland and paddy
    assert table.loc["C4", "score"] == pytest.approx(4.0)
    assert table.loc["C1", "score"] == pytest.approx(10 * 2 + 3 * 4 + 2 * 4 + 1 * 4)
    assert "score 4.0000 is lower than 44.0000" in table.loc["C4", "reason"]


def test_areas_come_from_the_check(result):
    table = result.table.set_index("site_id")
    assert table.loc["C1", "farmland_ha"] == pytest.approx(2.0)
    assert table.loc["C1", "paddy_ha"] == pytest.approx(4.0)
    assert table.loc["C2", "cultivated_ha"] == pytest.approx(4.0)
    assert table.loc["C2", "conversion_ha"] == pytest.approx(4.0)
    assert table.loc["C2", "paddy_ha"] == 0.0
    assert table.loc["C4", "outside_urban_ha"] == pytest.approx(4.0)
    assert table.loc["C4", "urban"] == "outside"
    assert table.loc["C4", "unused_ha"] == pytest.approx(4.0)
    assert table.loc["C3", "construction_ha"] == pytest.approx(4.0)
    for sid in result.order:
        assert result.check.status(sid) == table.loc[sid, "status"]
        assert result.check.layer_area(sid, "farmland").ha == table.loc[sid, "farmland_ha"]


def test_rule_is_stated(result):
    text = result.explain()
    assert text.startswith("Ranked by, in order: (1) overall status")
    assert "10 × permanent basic farmland taken (farmland) (ha)" in text
    assert "1. C6" in text and "5. C1" in text
    assert "排序规则" in result.rule.describe("zh")
    data = result.to_dict()
    assert data["rule"]["weights"]["farmland_ha"] == 10.0
    assert data["rule"]["criteria"] == ["status", "score", "nearest_hard_m", "site_id"]
    assert [r["site_id"] for r in data["ranking"]] == result.order
    json.dumps(data)  # JSON-safe (no NaN, no numpy types)
    assert "Ranked by" in result._repr_html_()


def test_weights_change_the_order_between_equals():
    # outside the boundary now weighs 100 per ha: C4 (400) falls behind C1 (44)
    result = landcheck.compare(
        scenario.candidates(), layers=scenario.layers(), weights={"outside_urban": 100}, **PLANAR
    )
    assert result.order == ["C6", "C3", "C2", "C1", "C4"]
    assert result.rule.weights["outside_urban"] == 100.0


def test_weight_by_layer_key_overrides_its_kind():
    rule = RankingRule.build(
        landcheck.select.hard_constraints(landcheck.load_profile()),
        {"permanent_farmland": 5, "farmland": 7},
    )
    assert {t.column: t.weight for t in rule.terms}["farmland_ha"] == 7.0
    assert DEFAULT_WEIGHTS["permanent_farmland"] == 10.0


def test_unknown_or_negative_weights_are_refused():
    with pytest.raises(InputDataError, match="unknown weight"):
        landcheck.compare(scenario.candidates(), layers=scenario.layers(), weights={"forest": 1})
    with pytest.raises(InputDataError, match="≥ 0"):
        landcheck.compare(scenario.candidates(), layers=scenario.layers(), weights={"paddy": -1})


def test_ties_break_by_site_id_whatever_the_input_order():
    import pandas as pd

    rule = RankingRule(terms=(), search_m=100.0)
    table = pd.DataFrame(
        {
            "site_id": ["B", "A", "C"],
            "status": ["info"] * 3,
            "nearest_hard_m": [float("nan"), 250.0, 100.0000001],
        }
    )
    ranked = rank_table(table, rule)
    # beyond the search distance every distance counts as 100 m: all tie, ids decide
    assert ranked["site_id"].tolist() == ["A", "B", "C"]
    assert "site id decides" in ranked["reason"].iloc[0]


def test_missing_layers_make_statuses_unknown_and_are_said():
    result = landcheck.compare(
        scenario.candidates(), layers={"farmland": scenario.farmland()}, **PLANAR
    )
    statuses = result.table.set_index("site_id")["status"]
    assert statuses["C1"] == "prohibited"
    assert (statuses.drop("C1") == "unknown").all()
    assert any("eco_redline" in w and "NOT checked" in w for w in result.warnings)


def test_plot_shows_every_alternative(result):
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    result.plot(ax=ax)
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 5 and labels[0].startswith("1. C6")


def test_a_name_holding_dollar_signs_is_drawn_as_written():
    """matplotlib reads "$…$" as a formula: a site id or name holding one is user text, drawn
    as it is written, never parsed (one it cannot parse would fail the picture)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    hostile = r"$\frac{1}$"
    sites = scenario.candidates()
    sites["site_id"] = [f"{s}{hostile}" for s in sites["site_id"]]
    compared = landcheck.compare(sites, layers=scenario.layers(), **PLANAR)
    figure = Figure()
    ax = figure.add_subplot()
    compared.plot(ax=ax)
    FigureCanvasAgg(figure).draw()  # raised ValueError (mathtext) before
    texts = [*ax.texts, ax.title, *(ax.get_legend().get_texts() if ax.get_legend() else [])]
    assert any(hostile in t.get_text() for t in ax.texts)
    assert not any(t.get_parse_math() for t in texts if "$" in t.get_text())


@pytest.mark.parametrize(
    "key", ["paddy", "conversion", "area", "paddy_at_most", "unsplit_cultivated"]
)
def test_a_constraint_named_as_a_sites_own_measure_is_refused(key):
    # a layer keyed "paddy" wrote its overlap into the paddy field column (the site inside it
    # scored 0 and ranked first); "area" overwrote the site's area
    from common import frame, sites, square

    user = frame([{"BSM": "Q1", "geometry": square(0, 0, 100)}])
    with pytest.raises(InputDataError, match=f"a constraint cannot be keyed '{key}'"):
        landcheck.compare(
            sites(square(0, 0, 100), square(1000, 0, 100)),
            layers={f"+{key}": user},
            constraints=[key],
            area_method="planar",
        )


def test_scores_within_a_millionth_tie_however_they_round():
    # congruent sites whose areas differ by float noise: 1.0000004999604 and 1.0000005000258
    # rounded to six decimals apart, and the score decided ("score 1.0000 is lower than
    # 1.0000") where the distance should
    import pandas as pd

    from landcheck.select.ranking import Term

    rule = RankingRule(terms=(Term("area", "ha", 1.0, "area", "面积"),), search_m=1000.0)
    table = pd.DataFrame(
        {
            "site_id": ["S13", "S00"],
            "status": ["info", "info"],
            "ha": [1.0000004999604, 1.0000005000258],
            "nearest_hard_m": [733.51, float("nan")],
        }
    )
    ranked = rank_table(table, rule)
    assert ranked["site_id"].tolist() == ["S00", "S13"]
    assert ranked["reason"].iloc[0] == (
        "ahead of S13: same status and score, nearest hard constraint 1000.00 m is farther "
        "than 733.51 m"
    )
    # scores apart by more than the tolerance are written with the places that part them
    table["ha"] = [1.000002, 1.000004]
    assert "score 1.000002 is lower than 1.000004" in rank_table(table, rule)["reason"].iloc[0]


def test_cultivated_land_of_no_given_kind_ranks_as_paddy_at_most():
    # C1 takes 1 ha of 耕地 coded 01 alone (用地用海 2023: its kind not given), C2 1 ha of dry
    # land (0103). C1's paddy read 0.0 and the two tied on score (2 × 0.9 each), so the site
    # id put C1 first; C1 may take 0.9 ha of paddy (KCXS 0.1): it scores 3 × 0.9 + 2 × 0.9
    survey = frame(
        [
            {"BSM": "Y1", "YDYHFLDM": "01", "KCXS": 0.1, "geometry": square(0, 0, 100)},
            {"BSM": "Y2", "YDYHFLDM": "0103", "KCXS": 0.1, "geometry": square(500, 0, 100)},
        ]
    )
    candidates = sites(square(0, 0, 100), square(500, 0, 100), site_id=["C1", "C2"])
    result = landcheck.compare(candidates, layers={"land_use": survey}, area_method="planar")
    table = result.table.set_index("site_id")
    assert result.order == ["C2", "C1"]
    assert np.isnan(table.loc["C1", "paddy_ha"])
    assert table.loc["C1", "unsplit_cultivated_ha"] == pytest.approx(0.9)
    assert table.loc["C1", "paddy_at_most_ha"] == pytest.approx(0.9)
    assert table.loc["C1", "score"] == pytest.approx(3 * 0.9 + 2 * 0.9 + 1 * 1.0)
    assert table.loc["C2", "paddy_ha"] == 0.0
    assert table.loc["C2", "paddy_at_most_ha"] == 0.0
    assert table.loc["C2", "score"] == pytest.approx(2 * 0.9 + 1 * 1.0)


def test_a_candidate_wholly_on_approved_land_takes_nothing_to_convert():
    # C4's own checks say approved_land (its conversion and compensation came with that
    # approval), yet the comparison counted 0.9 ha of 耕地 and 1 ha to convert and tied it
    # with C2 (2 × 0.9 + 1 × 1.0 each), the site id deciding
    survey = frame(
        [
            {"BSM": "Y2", "YDYHFLDM": "0103", "KCXS": 0.1, "geometry": square(500, 0, 100)},
            {"BSM": "Y4", "YDYHFLDM": "0103", "KCXS": 0.1, "geometry": square(1500, 0, 100)},
        ]
    )
    approved = frame([{"BSM": "A1", "PZWH": "x", "geometry": square(1490, -10, 120)}])
    candidates = sites(square(500, 0, 100), square(1500, 0, 100), site_id=["C2", "C4"])
    result = landcheck.compare(
        candidates, layers={"land_use": survey, "approved_land": approved}, area_method="planar"
    )
    table = result.table.set_index("site_id")
    assert result.order == ["C4", "C2"]
    assert table.loc["C4", ["cultivated_ha", "conversion_ha", "score"]].tolist() == [0.0] * 3
    assert table.loc["C2", "score"] == pytest.approx(2 * 0.9 + 1 * 1.0)
