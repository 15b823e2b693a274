"""Comparison and ranking on what the layers describe: beyond it nothing is known to be clear.

Without a land-use survey or a coverage polygon each layer describes its extent. Here the
farmland (F1 at x 100–300, y 0–200) and the redline have two 1 m squares at (−1500, −1500) and
(1500, 1500), so that both describe x and y −1500–1501; the urban boundary is one square over
the same ground. Three 4 ha squares (1 ha for E):

=====  =====================  ====================================================
site   where                  what is known
=====  =====================  ====================================================
IN     x 400–600, y 0–200     takes nothing; F1 100 m away, the 100 m around it described
E      x 1000–1100, y 1000–   takes nothing; nothing within 1000 m, but the 1000 m around
       1100                   it reach x 2100, beyond x 1501: not known to be > 1000 m
OUT    x 3000–3200, y 0–200   beyond every layer: what it takes and its distance not known
=====  =====================  ====================================================

OUT took 0 ha of farmland and redline, was "> 1000 m" from them and ranked first, while
``check`` says farmland, redline and urban boundary ``unknown`` (outside) for it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from common import frame, square

import landcheck
from landcheck.select.ranking import RankingRule, Term, rank_table

PLANAR = {"area_method": "planar"}
BEYOND = "farmland_ha, eco_redline_ha, outside_urban_ha"


def described(rows: list[dict], key: str) -> list[dict]:
    far = [square(-1500, -1500, 1), square(1500, 1500, 1)]
    return [*rows, *({"BSM": f"{key}-far{i}", "geometry": g} for i, g in enumerate(far))]


def layers() -> dict:
    return {
        "farmland": frame(described([{"BSM": "F1", "geometry": square(100, 0, 200)}], "F")),
        "eco_redline": frame(described([], "R")),
        "urban_boundary": frame([{"BSM": "U1", "geometry": square(-1500, -1500, 3001)}]),
    }


def sites(*names: str) -> object:
    where = {
        "OUT": square(3000, 0, 200),
        "IN": square(400, 0, 200),
        "E": square(1000, 1000, 100),
        "HALF": square(1400, 0, 200),
    }
    return frame([{"site_id": n, "geometry": where[n]} for n in names])


@pytest.fixture(scope="module")
def result():
    return landcheck.compare(sites("OUT", "IN", "E"), layers=layers(), **PLANAR)


def test_a_site_beyond_every_layer_takes_nothing_known_and_ranks_after(result):
    table = result.table.set_index("site_id")
    assert result.order == ["IN", "E", "OUT"]
    assert set(table["status"]) == {"unknown"}  # no land-use survey: the same status for all
    assert table.loc["OUT", ["farmland_ha", "eco_redline_ha", "outside_urban_ha"]].isna().all()
    assert table.loc["OUT", "urban"] == "unknown"
    assert math.isnan(table.loc["OUT", "score"])
    assert table.loc["OUT", "score_unknown"] == BEYOND
    assert table.loc["IN", ["farmland_ha", "eco_redline_ha", "outside_urban_ha"]].tolist() == [
        0.0,
        0.0,
        0.0,
    ]
    assert table.loc["IN", "urban"] == "inside"
    assert table.loc["E", "reason"] == (
        "ahead of OUT: same status, score 0.0000 is known and OUT's is not "
        f"(score not known: {BEYOND})"
    )


def test_what_compare_says_of_a_site_beyond_the_layers_is_what_check_says(result):
    # a check not known (outside the described area) is a column not known, and only then
    columns = {
        "permanent_farmland": "farmland_ha",
        "eco_redline": "eco_redline_ha",
        "urban_boundary": "outside_urban_ha",
    }
    table = result.table.set_index("site_id")
    said = {}
    for sid in result.order:
        for f in result.check.site_findings(sid):
            if f.check in columns:
                said[sid, f.check] = (
                    f.status,
                    f.outcome,
                    bool(np.isnan(table.loc[sid, columns[f.check]])),
                )
        assert table.loc[sid, "status"] == result.check.status(sid)
    assert {key: value for key, value in said.items() if key[0] == "OUT"} == {
        ("OUT", check): ("unknown", "outside", True) for check in columns
    }
    assert not any(value[2] for key, value in said.items() if key[0] != "OUT")
    assert all(value[0] != "unknown" for key, value in said.items() if key[0] != "OUT")


def test_a_distance_reaching_beyond_the_described_area_is_not_known(result):
    table = result.table.set_index("site_id")
    assert table.loc["IN", "nearest_hard_m"] == pytest.approx(100.0)
    assert table.loc["IN", "nearest_hard_id"] == "F1"
    assert table.loc["IN", "nearest_hard_unknown"] == ""
    for sid in ("E", "OUT"):
        assert np.isnan(table.loc[sid, "nearest_hard_m"])
        assert table.loc[sid, "nearest_hard_unknown"] == "farmland, eco_redline"
    # E was "> 1000 m" and ranked ahead of IN (100 m)
    assert table.loc["IN", "reason"] == (
        "ahead of E: same status and score, nearest hard constraint 100.00 m is known and E's "
        "is not (distance not known: part of the ground within it lies beyond the data of "
        "farmland, eco_redline)"
    )
    lines = result.explain().split("\n")
    assert lines[2].startswith("2. E: unknown, score 0.0000")
    assert "nearest hard constraint not known; ahead of OUT" in lines[2]
    assert "距最近刚性约束未知" in result.explain("zh")


def test_a_distance_within_the_described_area_is_known():
    # a 200 m search: the 200 m around E lie within x 1501, and nothing is within them
    result = landcheck.compare(sites("E"), layers=layers(), search_m=200, **PLANAR)
    row = result.table.iloc[0]
    assert np.isnan(row["nearest_hard_m"])
    assert row["nearest_hard_unknown"] == ""
    assert "nearest hard constraint > 200 m" in result.explain()


def hard_m_cells(result) -> tuple[dict[str, str], str]:
    """The "hard m" cell of each site in the printed table, and the whole text printed."""
    from rich.console import Console

    from landcheck.cli.summary import print_table

    console = Console(width=200, record=True)
    print_table("ranked", result.table, ["site_id", "nearest_hard_m"], console=console)
    text = console.export_text()
    cells = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in result.order:
            cells[words[0]] = words[1]
    return cells, text


def test_the_printed_table_tells_a_distance_not_known_from_none_within_reach(result):
    # E and OUT are NaN for "not known"; both printed "–", as a site with nothing within reach
    cells, text = hard_m_cells(result)
    assert cells == {"IN": "100.0", "E": "?", "OUT": "?"}
    legend = " ".join(text.split()).split("hard m: ")[-1]
    assert legend == (
        "– none within the search distance; ? not known: a hard layer does not describe the "
        "ground within it (column nearest_hard_unknown)"
    )
    known = landcheck.compare(sites("E"), layers=layers(), search_m=200, **PLANAR)
    cells, text = hard_m_cells(known)
    assert cells == {"E": "–"}
    assert "not known" not in text


def test_a_site_partly_beyond_a_layer_has_its_hectares_not_known():
    # HALF (x 1400–1600) has 99 m of its width beyond x 1501: 1.98 ha the layers do not describe
    result = landcheck.compare(sites("HALF", "IN"), layers=layers(), **PLANAR)
    table = result.table.set_index("site_id")
    assert result.order == ["IN", "HALF"]
    assert table.loc["HALF", "score_unknown"] == BEYOND
    assert table.loc["HALF", "urban"] == "unknown"


def test_a_distance_not_known_ranks_after_the_known_ones():
    rule = RankingRule((Term("farmland", "farmland_ha", 10.0, "", ""),), search_m=1000.0)
    table = pd.DataFrame(
        {
            "site_id": ["A", "B", "C", "D"],
            "status": ["conditional"] * 4,
            "farmland_ha": [0.0] * 4,
            "nearest_hard_m": [np.nan, 20.0, np.nan, np.nan],
            "nearest_hard_unknown": ["farmland", "", "", "farmland"],
        }
    )
    ranked = rank_table(table, rule)
    # C beyond 1000 m, B 20 m, then A and D, not known, by id
    assert ranked["site_id"].tolist() == ["C", "B", "A", "D"]
    assert ranked["reason"].tolist() == [
        "ahead of B: same status and score, nearest hard constraint 1000.00 m is farther "
        "than 20.00 m",
        "ahead of A: same status and score, nearest hard constraint 20.00 m is known and A's "
        "is not (distance not known: part of the ground within it lies beyond the data of "
        "farmland)",
        "ahead of D: same status and score; the nearest hard constraint is known for neither, "
        "the site id decides",
        "last; distance not known: part of the ground within it lies beyond the data of farmland",
    ]


def test_an_alternative_without_a_name_is_written_without_a_blank(result):
    lines = result.explain().split("\n")[1:]
    assert [line.split(",")[0] for line in lines] == [
        "1. IN: unknown",
        "2. E: unknown",
        "3. OUT: unknown",
    ]
    zh = result.explain("zh").split("\n")[1:]
    assert [line.split("，")[0] for line in zh] == [
        "1. IN：无法判定",
        "2. E：无法判定",
        "3. OUT：无法判定",
    ]
