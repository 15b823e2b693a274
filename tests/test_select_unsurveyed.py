"""Sites on land the land-use survey does not describe: their land figures and score are not known.

The scenario strip (``select_scenario``) with its dry-land parcel L2 cut to x 1000–1500: the
land-use layer does not cover x 1500–2000. A 200 m square there (4 ha) is ``unknown`` for
cultivated land and conversion ("does not fully describe the site"); the same square at
x 1100–1300 takes 4 ha of dry land: cultivated 4 ha, conversion 4 ha, score 2 × 4 + 1 × 4 = 12.
The unsurveyed one took 0 ha of each, scored 0 and ranked first ("score 0.0000 is lower than
12.0000"); a search put every proposal there. The survey is also the area the farmland,
redline and urban boundary layers describe (no coverage polygon is given): what the square
beyond it takes of them is not known either.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import select_scenario as scenario
from common import frame, square

import landcheck
from landcheck.select.ranking import RankingRule, Term, rank_table

PLANAR = {"area_method": "planar"}
LAND_TERMS = "paddy_at_most_ha, cultivated_ha, conversion_ha"
BEYOND_TERMS = f"farmland_ha, eco_redline_ha, {LAND_TERMS}, outside_urban_ha"
"""The terms of a site beyond the survey: the land figures and the layers it describes."""
LAND_FIGURES = [
    "cultivated_ha",
    "paddy_ha",
    "unsplit_cultivated_ha",
    "paddy_at_most_ha",
    "conversion_ha",
    "construction_ha",
    "unused_ha",
]


def half_surveyed(code: str = "0103") -> dict:
    """The scenario's layers, L2 cut to x 1000–1500 (x 1500–2000 has no parcel)."""
    layers = scenario.layers()
    land_use = scenario.land_use()
    land_use.loc[land_use.BSM == "L2", "geometry"] = square(1000, 0, 500, 1000)
    land_use.loc[land_use.BSM == "L2", "DLBM"] = code
    layers["land_use"] = land_use
    return layers


def two_sites(unsurveyed_x: float = 1700) -> object:
    return frame(
        [
            {"site_id": "A", "project_class": "energy", "geometry": square(unsurveyed_x, 400, 200)},
            {"site_id": "B", "project_class": "energy", "geometry": square(1100, 400, 200)},
        ]
    )


def test_a_site_the_survey_does_not_cover_has_no_land_figures_and_ranks_after():
    result = landcheck.compare(two_sites(), layers=half_surveyed(), **PLANAR)
    table = result.table.set_index("site_id")
    assert result.order == ["B", "A"]
    assert table.loc["A", "status"] == table.loc["B", "status"]
    assert table.loc["A", LAND_FIGURES].isna().all()
    assert math.isnan(table.loc["A", "score"])
    assert table.loc["A", "score_unknown"] == BEYOND_TERMS
    assert table.loc["A", ["farmland_ha", "eco_redline_ha", "outside_urban_ha"]].isna().all()
    assert table.loc["A", "urban"] == "unknown"
    assert table.loc["B", "cultivated_ha"] == pytest.approx(4.0)
    assert table.loc["B", "conversion_ha"] == pytest.approx(4.0)
    assert table.loc["B", "score"] == pytest.approx(12.0)
    assert table.loc["B", "score_unknown"] == ""
    assert table.loc["B", "reason"] == (
        f"ahead of A: same status, score 12.0000 is known and A's is not "
        f"(score not known: {BEYOND_TERMS})"
    )
    assert table.loc["A", "reason"] == f"last; score not known: {BEYOND_TERMS}"
    assert (
        "3×? paddy_at_most_ha + 2×? cultivated_ha + 1×? conversion_ha"
        in (table.loc["A", "score_detail"])
    )
    assert "score not known" in result.explain()
    assert result.to_dict()["ranking"][1]["score"] is None


def test_a_site_on_codes_the_table_does_not_know_has_no_land_figures():
    # L2 (x 1000–1500) coded 9999: B lies on it; C on paddy 0101 (x 500–700, 4 ha) scores
    # 3 × 4 + 2 × 4 + 1 × 4 = 24; B scored 0 and ranked first
    sites = frame(
        [
            {"site_id": "B", "project_class": "energy", "geometry": square(1100, 400, 200)},
            {"site_id": "C", "project_class": "energy", "geometry": square(500, 400, 200)},
        ]
    )
    result = landcheck.compare(sites, layers=half_surveyed("9999"), **PLANAR)
    table = result.table.set_index("site_id")
    assert result.order == ["C", "B"]
    assert table.loc["B", LAND_FIGURES].isna().all()
    assert math.isnan(table.loc["B", "score"])
    assert table.loc["C", "score"] == pytest.approx(24.0)
    assert table.loc["C", "reason"] == (
        f"ahead of B: same status, score 24.0000 is known and B's is not "
        f"(score not known: {LAND_TERMS})"
    )


def test_sites_whose_scores_are_not_known_tie_on_the_score():
    # A and A2 on no parcel: their scores tie, and the distance to the farmland block F2
    # decides (A2 950 m from it, A beyond 1000 m); B, surveyed, goes first
    sites = frame(
        [
            {"site_id": "A2", "project_class": "energy", "geometry": square(1750, 100, 200)},
            {"site_id": "A", "project_class": "energy", "geometry": square(1700, 400, 200)},
            {"site_id": "B", "project_class": "energy", "geometry": square(1100, 400, 200)},
        ]
    )
    result = landcheck.compare(sites, layers=half_surveyed(), **PLANAR)
    assert result.order == ["B", "A", "A2"]
    assert result.table["reason"].iloc[1] == (
        f"ahead of A2: same status, score not known: {BEYOND_TERMS}, as A2's is, "
        "nearest hard constraint 1000.00 m is farther than 950.00 m"
    )


def test_a_sliver_the_survey_misses_keeps_the_figures():
    # B moved 0.05 m onto the unsurveyed land: 10 m² uncovered, 0.05 m wide, a sliver
    sites = frame(
        [{"site_id": "B", "project_class": "energy", "geometry": square(1300.05, 400, 200)}]
    )
    result = landcheck.compare(sites, layers=half_surveyed(), **PLANAR)
    row = result.table.iloc[0]
    assert row["cultivated_ha"] == pytest.approx(4.0 - 10.0 / 1e4)
    assert row["score"] == pytest.approx(3 * 0 + 12.0 - 3 * 10.0 / 1e4)
    assert row["score_unknown"] == ""


def test_search_proposes_sites_on_surveyed_land_first():
    aoi = frame([{"name": "A0", "geometry": square(1000, 0, 1000, 1000)}])
    result = landcheck.search(
        aoi, 4.0, layers=half_surveyed(), count=3, project_class="energy", **PLANAR
    )
    proposals = result.proposals
    assert len(proposals) == 3
    unsurveyed = square(1500, 0, 500, 1000)
    assert [g.intersection(unsurveyed).area for g in proposals.geometry] == pytest.approx(
        [0.0] * 3, abs=1.0
    )
    assert proposals["cultivated_ha"].tolist() == pytest.approx([4.0] * 3, abs=1e-4)
    assert proposals["score"].tolist() == pytest.approx([12.0] * 3, abs=1e-3)


def test_a_term_unknown_for_every_site_reorders_nothing():
    rule = RankingRule(
        (
            Term("farmland", "farmland_ha", 10.0, "", ""),
            Term("cultivated", "cultivated_ha", 2.0, "", ""),
        )
    )
    table = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "status": ["conditional"] * 3,
            "nearest_hard_m": [np.nan, 50.0, np.nan],
            "farmland_ha": [0.5, 0.0, 0.25],
            "cultivated_ha": [np.nan] * 3,
        }
    )
    ranked = rank_table(table, rule)
    assert ranked["site_id"].tolist() == ["B", "C", "A"]
    assert ranked["score"].tolist() == pytest.approx([0.0, 2.5, 5.0])
    assert ranked["score_unknown"].tolist() == ["", "", ""]
    assert ranked["reason"].iloc[0] == "ahead of C: same status, score 0.0000 is lower than 2.5000"


def test_compare_without_a_land_use_layer_ranks_on_what_the_layers_describe():
    layers = scenario.layers()
    del layers["land_use"]
    result = landcheck.compare(scenario.candidates(), layers=layers, **PLANAR)
    table = result.table.set_index("site_id")
    assert table["cultivated_ha"].isna().all()
    # each layer describes its extent: C4 (x 3300–3500) lies beyond the farmland's (x 0–2950)
    # and the urban boundary's (x 0–3000), so what it takes of them is not known; every
    # candidate lies beyond the redline's (x 3800–4000): known for none, the term is left out
    assert table["eco_redline_ha"].isna().all()
    assert table.loc["C4", "score_unknown"] == "farmland_ha, outside_urban_ha"
    assert (table.drop(index="C4")["score_unknown"] == "").all()
    # C1: 2 ha farmland; the others nothing
    assert table["score"].drop(index="C4").to_dict() == pytest.approx(
        {"C1": 20.0, "C2": 0.0, "C3": 0.0, "C6": 0.0}
    )
    assert math.isnan(table.loc["C4", "score"])
    assert table.loc["C1", "score_detail"].startswith(
        "10×2.0000 farmland_ha + 10×? eco_redline_ha + 3×? paddy"
    )


def test_the_rule_says_so():
    rule = RankingRule.build([])
    assert "a site for which a term is not known" in rule.describe("en")
    assert "得分未知" in rule.describe("zh")
