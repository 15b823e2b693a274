"""findings.json's site entries read a run of sites' rows at a time: each site's own rows."""

from __future__ import annotations

import pytest
from common import frame, sites, square

import landcheck.result
from landcheck import check


def _parcel(bsm: str, code: str, village: str, x: float, width: float) -> dict:
    return {
        "BSM": bsm,
        "DLBM": code,
        "KCXS": 0.1 if code.startswith("01") else 0.0,
        "QSXZ": "30",
        "ZLDWDM": village,
        "ZLDWMC": f"村{village[-1]}",
        "geometry": square(x, 0, width, 100),
    }


@pytest.fixture(scope="module")
def batch():
    # seven 100 m sites, 200 m apart; the survey covers sites 1, 4 and 5 only (in one,
    # two and three parcels), so runs of two sites meet sites with no rows at their ends
    parcels = [
        _parcel("a", "0101", "530325100201", 200, 100),
        _parcel("b", "0103", "530325100202", 800, 50),
        _parcel("c", "0702", "530325100203", 850, 50),
        _parcel("d", "0301", "530325100201", 1000, 30),
        _parcel("e", "0404", "530325100202", 1030, 30),
        _parcel("f", "0101", "530325100203", 1060, 40),
    ]
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(850, 0, 250, 100)}])
    return check(
        sites(*(square(200 * i, 0, 100) for i in range(7))),
        layers={"land_use": frame(parcels), "farmland": farmland},
        area_method="planar",
    )


def test_each_site_gets_its_own_classes_villages_and_pieces(batch, monkeypatch):
    monkeypatch.setattr(landcheck.result, "_LISTED_SITES", 2)
    entries = list(batch.site_dicts())
    hectares = {
        position: {
            code: round(entry["planar_m2"] / 10_000, 4)
            for code, entry in entries[position]["layers"]["land_use"]["classes"].items()
        }
        for position in range(7)
    }
    assert hectares == {
        0: {},
        1: {"0101": 0.9, "1203": 0.1},  # net of 10 % field ridges (田坎, 1203)
        2: {},
        3: {},
        4: {"0103": 0.45, "0702": 0.5, "1203": 0.05},
        5: {"0101": 0.36, "0301": 0.3, "0404": 0.3, "1203": 0.04},
        6: {},
    }
    villages = {p: sorted(entries[p]["layers"]["land_use"].get("admin", {})) for p in range(7)}
    assert villages[1] == ["530325100201"] and villages[0] == villages[6] == []
    assert villages[5] == ["530325100201", "530325100202", "530325100203"]
    pieces = [
        [(f["id"], f["planar_m2"]) for f in entries[p]["layers"]["land_use"]["features"]]
        for p in range(7)
    ]
    assert pieces[4] == [("b", 5_000.0), ("c", 5_000.0)]
    assert pieces[5] == [("d", 3_000.0), ("e", 3_000.0), ("f", 4_000.0)]
    assert [entries[p]["layers"]["farmland"]["overlap"]["planar_m2"] for p in (3, 4, 5)] == [
        0.0,
        5_000.0,
        10_000.0,
    ]


@pytest.mark.parametrize("run", [1, 2, 3, 7])
def test_the_entries_do_not_depend_on_the_runs_the_sites_are_read_in(batch, monkeypatch, run):
    whole = list(batch.site_dicts())
    monkeypatch.setattr(landcheck.result, "_LISTED_SITES", run)
    assert list(batch.site_dicts()) == whole
    assert list(batch.site_dicts(positions=range(3, 6))) == whole[3:6]


def test_a_layer_not_checked_is_written_without_rows(batch, monkeypatch):
    # the batch gives the survey and the farmland only: each site's entry of the profile's
    # fourteen other layers is the same few fields, read from no table
    monkeypatch.setattr(landcheck.result, "_LISTED_SITES", 3)
    entries = list(batch.site_dicts())
    not_checked = [e for entry in entries for e in entry["layers"].values() if not e["available"]]
    assert len(not_checked) == 7 * 14
    assert {e["reason"] for e in not_checked} == {"未提供图层 / layer not supplied"}
    assert all(e["features"] == [] and "admin" not in e for e in not_checked)
    for entry in entries:
        assert entry["layers"]["eco_redline"] == {
            "kind": "eco_redline",
            "title": {"zh": "生态保护红线", "en": "ecological protection redline"},
            "available": False,
            "overlap": {"planar_m2": 0.0, "ellipsoidal_m2": 0.0, "ha": 0.0, "mu": 0.0},
            "share": 0.0,
            "features": [],
            "reason": "未提供图层 / layer not supplied",
            "band_outside": None,
        }
        zones = entry["layers"]["planning_zones"]  # a class layer: no classes, all uncovered
        assert (zones["classes"], zones["uncovered"]["planar_m2"]) == ({}, 10_000.0)
