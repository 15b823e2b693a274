"""Ids read as written: a numeric project id is never a float's text, and never merged.

A blank in an integer field made pandas hold the column as float64: the 18-digit project ids
330100202400000001 and …0002 both became 3.301002024e+17, and two 20 ha projects of 耕地 were
summed as one of 40 ha (国务院 instead of the province, LAL art. 46); 1001 was written 1001.0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from common import county, frame, sites, square

import landcheck
from landcheck.errors import InputDataError

PLANAR = {"area_method": "planar", "coverage": county()}
FIRST, SECOND = 330100202400000001, 330100202400000002

SURVEY = frame(
    [{"BSM": "L1", "DLBM": "0103", "QSXZ": "30", "KCXS": 0.0, "geometry": square(-100, -100, 3000)}]
)
FAR_FARMLAND = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(9000, 9000, 10)}])
LAYERS = {"land_use": SURVEY, "farmland": FAR_FARMLAND}


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


def two_projects_of_20_ha(ids: list) -> object:
    """Two 20 ha sites of collective 耕地, each its own project, and a 1 ha site without one."""
    return sites(
        square(0, 0, 400, 500),
        square(1000, 0, 400, 500),
        square(2000, 0, 100),
        XMBH=ids,
    )


@pytest.mark.parametrize("driver, suffix", [("GPKG", "gpkg"), ("ESRI Shapefile", "shp")])
def test_an_integer_project_id_with_a_blank_is_read_exactly_from_a_file(tmp_path, driver, suffix):
    ids = pd.array([FIRST, SECOND, None], dtype="Int64")
    path = tmp_path / f"sites.{suffix}"
    two_projects_of_20_ha(ids).to_file(path, driver=driver)
    result = landcheck.check(str(path), layers=LAYERS, **PLANAR)
    facts = [s["facts"]["project_id"] for s in result.to_dict()["sites"]]
    assert facts == [str(FIRST), str(SECOND), ""]
    for site in ("S1", "S2"):
        taking = finding(result, "expropriation", site)
        assert (taking.outcome, taking.status) == ("province", "info")
        assert "20.0000 ha of cultivated land" in taking.message.en
    assert f"项目（{FIRST}，合计用地 S1）" in finding(result, "expropriation").message.zh


def test_a_whole_number_held_as_a_float_is_the_integer_written():
    result = landcheck.check(two_projects_of_20_ha([1001, 1001, None]), layers=LAYERS, **PLANAR)
    assert result.to_dict()["sites"][0]["facts"]["project_id"] == "1001"
    taking = finding(result, "expropriation")
    assert "项目（1001，合计用地 S1、S2）" in taking.message.zh
    assert taking.outcome == "state_council"  # 40 ha of 耕地 in one project


@pytest.mark.parametrize(
    "value, why",
    [
        (float(FIRST), "beyond 2^53"),
        (1001.5, "not a whole number"),
    ],
)
def test_a_float_that_may_not_be_the_id_written_is_refused(value, why):
    with pytest.raises(InputDataError) as raised:
        landcheck.check(two_projects_of_20_ha([value, 1002, None]), layers=LAYERS, **PLANAR)
    said = str(raised.value)
    assert said.startswith("site S1, field 'XMBH': ")
    assert why in said and "store the field as text" in said


def test_exact_text_of_each_kind_of_value():
    from landcheck.facts import exact_text

    where = "site S1, field 'XMBH'"
    assert exact_text(np.int64(FIRST), where) == str(FIRST)
    assert exact_text(np.float64(1001.0), where) == "1001"
    assert exact_text(" XM-1 ", where) == "XM-1"
    assert exact_text(np.float32(16_777_215.0), where) == "16777215"
    with pytest.raises(InputDataError, match="beyond 2\\^24"):
        exact_text(np.float32(16_777_216.0), where)  # 16777217 reads as it too
