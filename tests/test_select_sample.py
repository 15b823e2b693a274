"""Site selection on the committed sample county: the green aluminium park's alternatives."""

from __future__ import annotations

import pytest

import landcheck


@pytest.fixture(scope="module")
def comparison(sample_gpkg, sample_layers):
    return landcheck.compare(f"{sample_gpkg}:candidates", layers=sample_layers)


def test_each_alternative_shows_its_situation(comparison):
    table = comparison.table.set_index("site_id")
    # A: inside the boundary, no hard conflict; B: farmland; C: outside; D: redline
    assert table.loc["A", "urban"] == "inside"
    assert table.loc["A", ["farmland_ha", "eco_redline_ha"]].sum() == 0
    assert table.loc["B", "farmland_ha"] > 1
    assert table.loc["C", "urban"] == "outside"
    assert table.loc["C", ["farmland_ha", "eco_redline_ha"]].sum() == 0
    assert table.loc["D", "eco_redline_ha"] > 1


def test_ranking_of_the_sample_alternatives(comparison):
    # A is the only one not prohibited; among the prohibited ones, C (only outside the
    # boundary) weighs least, B (all on permanent farmland) most. If the sample changes, the
    # comparison notebook's text must change with it.
    assert comparison.order == ["A", "C", "D", "B"]
    assert comparison.table["status"].tolist()[1:] == ["prohibited"] * 3
    assert "status" in comparison.table["reason"].iloc[0]
