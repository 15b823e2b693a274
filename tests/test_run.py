"""One run, prepared once: check() = prepare() + evaluate(); tools evaluate on their run."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import X0, Y0, county, frame, sites, square
from shapely import Polygon

import landcheck
import landcheck.geometry
import landcheck.inputs
import landcheck.run
from landcheck.errors import InputDataError

PLANAR = {"area_method": "planar"}


@pytest.fixture
def counted(monkeypatch):
    """Every site source and layer read, as it happens."""
    reads: list[str] = []
    read_sites, read_layer = landcheck.inputs.read_sites, landcheck.run.read_layer_near

    def sites_read(source, *args, **kwargs):
        reads.append(f"sites:{source.path}")
        return read_sites(source, *args, **kwargs)

    def layer_read(spec, *args, **kwargs):
        reads.append(spec.key)
        return read_layer(spec, *args, **kwargs)

    monkeypatch.setattr(landcheck.inputs, "read_sites", sites_read)
    monkeypatch.setattr(landcheck.run, "read_layer_near", layer_read)
    return reads


def farmland():
    return {"farmland": frame([{"BSM": "F1", "geometry": square(700, 0, 1300, 1000)}])}


def _findings(result) -> dict:
    """The result's findings.json dict without the time it was made (two runs differ in it)."""
    data = result.to_dict()
    data.pop("created")
    return data


def test_check_is_prepare_then_evaluate():
    site = sites(square(0, 0, 1000, 500))
    run = landcheck.prepare(site, layers=farmland(), **PLANAR)
    evaluated = _findings(landcheck.evaluate(run))
    checked = _findings(landcheck.check(site, layers=farmland(), **PLANAR))
    assert evaluated == checked
    assert checked["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"] == 150_000.0


def test_a_run_evaluates_other_sites_and_reads_a_layer_once(counted):
    run = landcheck.prepare(sites(square(0, 0, 1000, 500)), layers=farmland(), **PLANAR)
    first = landcheck.evaluate(run)
    inside = gpd.GeoDataFrame(
        {"site_id": ["west", "east"]},
        geometry=[square(0, 0, 400, 500), square(800, 0, 200, 500)],
        crs=run.crs,
    )
    second = landcheck.evaluate(run, inside)
    assert counted.count("farmland") == 1  # the second evaluation's sites lie in the first's
    assert first.layer_area("S1", "farmland").planar_m2 == 150_000.0
    assert second.layer_area("west", "farmland").planar_m2 == 0.0
    assert second.layer_area("east", "farmland").planar_m2 == 100_000.0
    assert second.status("east") == "prohibited" and second.status("west") != "prohibited"
    (record,) = [r for r in second.inputs if r.key == "farmland"]
    assert record.features_read == 1  # F1 is within 1 m of "east" only: it was kept for it
    fresh = landcheck.check(inside, layers=farmland(), **PLANAR)
    assert fresh.to_dict()["sites"] == second.to_dict()["sites"]


def test_features_kept_from_a_read_are_normalised_for_the_sites_they_serve(counted):
    # F2, a bow tie, is repaired for S1, which it lies in; "west" lies 100 m from it
    bowtie = Polygon(
        [(X0 + 900, Y0 + 100), (X0 + 950, Y0 + 150), (X0 + 950, Y0 + 100), (X0 + 900, Y0 + 150)]
    )
    layer = frame(
        [{"BSM": "F1", "geometry": square(700, 0, 150, 500)}, {"BSM": "F2", "geometry": bowtie}]
    )
    run = landcheck.prepare(sites(square(0, 0, 1000, 500)), layers={"farmland": layer}, **PLANAR)
    first = landcheck.evaluate(run)
    west = gpd.GeoDataFrame({"site_id": ["west"]}, geometry=[square(0, 0, 800, 500)], crs=run.crs)
    second = landcheck.evaluate(run, west)
    fresh = landcheck.check(west, layers={"farmland": layer}, **PLANAR)
    assert counted.count("farmland") == 2  # the run's one read, and the fresh check's
    (before,) = [r for r in first.inputs if r.key == "farmland"]
    (served,) = [r for r in second.inputs if r.key == "farmland"]
    (read,) = [r for r in fresh.inputs if r.key == "farmland"]
    assert (before.features_read, before.geometry["repaired"]) == (2, 1)
    assert (served.features_read, served.geometry["repaired"]) == (1, 0)
    assert served.to_dict() == read.to_dict()
    assert second.warnings == fresh.warnings
    assert not any("repaired" in w for w in second.warnings)
    assert second.layer_area("west", "farmland").planar_m2 == 50_000.0


def test_a_run_evaluated_again_on_its_own_sites_is_served_its_read_whole(monkeypatch, counted):
    # F1 takes 150,000 m² of S1; F2 lies 30 m from S2, within farmland's 50 m search
    layer = frame(
        [
            {"BSM": "F1", "geometry": square(700, 0, 1300, 1000)},
            {"BSM": "F2", "geometry": square(3130, 0, 100)},
        ]
    )
    run = landcheck.prepare(
        sites(square(0, 0, 1000, 500), square(3000, 0, 100)), layers={"farmland": layer}, **PLANAR
    )
    first = landcheck.evaluate(run)
    tested: list[int] = []
    exact = landcheck.run.near_positions

    def near_positions(geoms, near, margin):
        tested.append(len(near))
        return exact(geoms, near, margin)

    monkeypatch.setattr(landcheck.run, "near_positions", near_positions)
    again = landcheck.evaluate(run)
    assert counted.count("farmland") == 1 and tested == []  # no read, no exact test again
    (record,) = [r for r in again.inputs if r.key == "farmland"]
    assert record.features_read == 2
    assert again.layer_area("S1", "farmland").planar_m2 == 150_000.0
    assert again.layer_area("S2", "farmland").planar_m2 == 0.0
    assert again.layer("S2", "farmland").nearest_m == pytest.approx(30.0)
    assert _findings(again) == _findings(first)
    # one of the run's sites alone is other sites: the read is filtered for it (F2 only)
    east = gpd.GeoDataFrame({"site_id": ["S2"]}, geometry=[square(3000, 0, 100)], crs=run.crs)
    (served,) = [r for r in landcheck.evaluate(run, east).inputs if r.key == "farmland"]
    assert tested == [1] and served.features_read == 1


@pytest.fixture
def validated(monkeypatch):
    """How many geometries each validity test was asked about, as it happens."""
    asked: list[int] = []
    exact = shapely.is_valid

    def is_valid(geometries, **kwargs):
        asked.append(int(np.size(geometries)))
        return exact(geometries, **kwargs)

    monkeypatch.setattr(shapely, "is_valid", is_valid)
    return asked


def _bowtie(x: float) -> Polygon:
    """A bow tie 50 m across (invalid; repaired into its two triangles, 1,250 m²)."""
    return Polygon(
        [(X0 + x, Y0 + 100), (X0 + x + 50, Y0 + 150), (X0 + x + 50, Y0 + 100), (X0 + x, Y0 + 150)]
    )


def test_a_run_tests_each_valid_feature_once(validated):
    # F1 and F3 valid, F2 a bow tie: the later evaluations test F2 alone, and repair it again
    layer = frame(
        [
            {"BSM": "F1", "geometry": square(0, 0, 300, 500)},
            {"BSM": "F2", "geometry": _bowtie(600)},
            {"BSM": "F3", "geometry": square(800, 0, 300, 500)},
        ]
    )
    run = landcheck.prepare(sites(square(0, 0, 1000, 500)), layers={"farmland": layer}, **PLANAR)
    validated.clear()  # the site's own test
    first = landcheck.evaluate(run)
    assert sum(validated) == 3
    validated.clear()
    again = landcheck.evaluate(run)
    assert validated == [1]  # F2, never known valid
    fresh = landcheck.check(sites(square(0, 0, 1000, 500)), layers={"farmland": layer}, **PLANAR)
    for result in (first, again, fresh):
        (record,) = [r for r in result.inputs if r.key == "farmland"]
        assert (record.features_read, record.geometry["invalid"], record.geometry["repaired"]) == (
            3,
            1,
            1,
        )
        assert result.layer_area("S1", "farmland").planar_m2 == 150_000.0 + 1_250.0 + 100_000.0
    assert _findings(again) == _findings(first)
    # other sites inside the first: the features served to them are the same geometries
    validated.clear()
    east = gpd.GeoDataFrame({"site_id": ["east"]}, geometry=[square(500, 0, 500, 500)], crs=run.crs)
    served = landcheck.evaluate(run, east)
    assert validated == [1, 1]  # the new site's own test, then F2's
    assert served.layer_area("east", "farmland").planar_m2 == 1_250.0 + 100_000.0


def test_a_huge_feature_is_tested_once_inside_each_sites_window(monkeypatch):
    # a redline disc of 4,000 vertices: tested only near the sites, in a window around each
    disc = shapely.Point(X0 + 500, Y0 + 500).buffer(2_000, quad_segs=1_000)
    assert shapely.get_num_coordinates(disc) > landcheck.geometry.LOCAL_CHECK_ABOVE
    layer = frame([{"BSM": "R1", "MC": "红线", "geometry": disc}])
    asked: list[int] = []
    exact = landcheck.geometry._invalid_in_windows

    def in_windows(geom, windows):
        asked.append(len(windows))
        return exact(geom, windows)

    monkeypatch.setattr(landcheck.geometry, "_invalid_in_windows", in_windows)
    two = sites(square(0, 0, 200), square(600, 600, 200))
    run = landcheck.prepare(two, layers={"eco_redline": layer}, **PLANAR)
    first = landcheck.evaluate(run)
    assert asked == [2]
    again = landcheck.evaluate(run)
    assert asked == [2]  # both windows known: not tested again
    assert _findings(again) == _findings(first)
    assert again.layer_area("S1", "eco_redline").planar_m2 == pytest.approx(40_000.0)
    # one of the same sites and a new one inside S1 (served the same read): only the new
    # one's window is tested
    other = gpd.GeoDataFrame(
        {"site_id": ["S2", "inner"]},
        geometry=[square(600, 600, 200), square(50, 50, 100)],
        crs=run.crs,
    )
    moved = landcheck.evaluate(run, other)
    assert asked == [2, 1]
    assert moved.layer_area("inner", "eco_redline").planar_m2 == pytest.approx(10_000.0)
    fresh = landcheck.check(other, layers={"eco_redline": layer}, **PLANAR)
    assert moved.to_dict()["sites"] == fresh.to_dict()["sites"]


def test_features_reprojected_for_a_run_are_tested_at_each_evaluation(validated):
    # the layer in CGCS2000 geographic coordinates: each normalisation makes new geometries
    layer = frame(
        [
            {"BSM": "F1", "geometry": square(0, 0, 300, 500)},
            {"BSM": "F2", "geometry": square(600, 0, 300, 500)},
        ]
    ).to_crs(4490)
    run = landcheck.prepare(sites(square(0, 0, 1000, 500)), layers={"farmland": layer}, **PLANAR)
    validated.clear()  # the site's own test
    landcheck.evaluate(run)
    first = sum(validated)
    validated.clear()
    again = landcheck.evaluate(run)
    assert first == sum(validated) == 2  # nothing remembered of geometries made anew
    # nor held: a run evaluated again and again would keep every evaluation's copies
    (reads,) = [kept for (key, _), kept in run._reads._entries.items() if key == "farmland"]
    assert [len(read.valid) for read in reads] == [0]
    assert again.layer_area("S1", "farmland").planar_m2 == pytest.approx(300_000.0, rel=1e-6)


def test_a_read_covers_its_own_sites_without_comparing_them(monkeypatch):
    near = np.array([square(0, 0, 100), square(500, 0, 100)], dtype=object)
    read = landcheck.run._Read(near, frame([]), None, ())
    asked: list[int] = []

    class Tree(shapely.STRtree):
        def query(self, geoms, *args, **kwargs):
            asked.append(len(geoms))
            return super().query(geoms, *args, **kwargs)

    monkeypatch.setattr(landcheck.run.shapely, "STRtree", Tree)
    assert read.covers(near[::-1].copy())  # the very objects, in any order
    assert asked == []
    inside, outside = square(10, 10, 50), square(300, 0, 50)
    assert read.covers(np.array([near[0], inside], dtype=object))
    assert not read.covers(np.array([near[1], outside], dtype=object))
    assert asked == [1, 1]  # only the geometries the read was not made around


def test_sites_beyond_what_was_read_are_read_for():
    run = landcheck.prepare(sites(square(0, 0, 100)), layers=farmland(), **PLANAR)
    assert landcheck.evaluate(run).layer_area("S1", "farmland").planar_m2 == 0.0
    far = gpd.GeoDataFrame({"site_id": ["F"]}, geometry=[square(1000, 0, 100)], crs=run.crs)
    # F1 was not read near S1 (700 m away): the run reads again for F
    assert landcheck.evaluate(run, far).layer_area("F", "farmland").planar_m2 == 10_000.0


def test_other_sites_must_be_a_frame_with_ids():
    run = landcheck.prepare(sites(square(0, 0, 100)), layers=farmland(), **PLANAR)
    with pytest.raises(InputDataError, match="expected a GeoDataFrame"):
        landcheck.evaluate(run, "sites.gpkg")
    nameless = gpd.GeoDataFrame({"site_id": ["", "B"]}, geometry=[square(0, 0, 10)] * 2)
    with pytest.raises(InputDataError):
        landcheck.evaluate(run, nameless.set_crs(run.crs))


def test_compare_reads_its_candidates_once(tmp_path, counted):
    path = tmp_path / "candidates.gpkg"
    sites(square(0, 0, 100), square(500, 0, 100)).to_file(path)
    result = landcheck.compare(str(path), layers=farmland(), **PLANAR)
    assert [r for r in counted if r.startswith("sites:")] == [f"sites:{path}"]
    assert result.order == ["S1", "S2"]


def test_search_checks_its_proposals_without_reading_again(counted):
    aoi = frame([{"geometry": square(0, 0, 300)}])
    redline = {"eco_redline": frame([{"BSM": "R1", "geometry": square(0, 0, 150, 300)}])}
    result = landcheck.search(
        aoi, 2.0, layers=redline, count=2, max_aspect=1.0, coverage=county(), **PLANAR
    )
    assert len(result.proposals) == 2
    # one read for the constraint zone (1 km around the area), one for the candidates;
    # the proposals are candidates: their evaluation is served from the candidates' read
    assert counted.count("eco_redline") == 2
    assert result.comparison.check.layer_area("A1", "eco_redline").planar_m2 == 0.0
