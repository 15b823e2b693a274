"""A dissolved layer: one multipolygon of many parts gives what its parts give as features."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pytest
import shapely
from common import X0, Y0, frame, sites, square

import landcheck
import landcheck.engine as engine_module
from landcheck import geometry
from landcheck.cut import SUBDIVIDE_ABOVE
from landcheck.geometry import LOCAL_CHECK_ABOVE
from landcheck.polygonal import MANY_PARTS
from landcheck.report import mapcache, mapview
from landcheck.report.maps import site_map
from landcheck.report.svgmap import site_svg

CELL, STEP, SIDE = 90.0, 100.0, 30  # 900 cells of 90 m, 10 m apart: 3 km across


def _cells() -> list[shapely.Polygon]:
    return [square(STEP * i, STEP * j, CELL) for j in range(SIDE) for i in range(SIDE)]


def _sites():
    return sites(
        square(0, 0, 200),  # four whole cells: 32,400 m²
        square(45, 45, 100),  # a quarter of four cells: 8,100 m²
        square(1_500, 1_500, 100),  # one whole cell: 8,100 m²
        square(3_000, 0, 100),  # beyond the last column, 10 m from it
    )


def _json(result) -> str:
    data = result.to_dict()
    data.pop("created")
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def test_a_dissolved_farmland_layer_is_measured_as_its_parts(monkeypatch):
    cells = _cells()
    whole = shapely.MultiPolygon(cells)
    assert shapely.is_valid(whole) and len(cells) > MANY_PARTS
    assert shapely.get_num_coordinates(whole) > max(SUBDIVIDE_ABOVE, LOCAL_CHECK_ABOVE)
    dissolved = frame([{"BSM": "F1", "DLBM": "0101", "geometry": whole}])
    apart = frame([{"BSM": f"F{n}", "DLBM": "0101", "geometry": c} for n, c in enumerate(cells)])
    site_frame = _sites()
    one = landcheck.check(site_frame, layers={"farmland": dissolved}, workers=1)
    each = landcheck.check(site_frame, layers={"farmland": apart}, workers=1)
    expected = {"S1": 32_400.0, "S2": 8_100.0, "S3": 8_100.0, "S4": 0.0}
    for site, m2 in expected.items():
        assert one.layer_area(site, "farmland").planar_m2 == pytest.approx(m2, abs=1e-6)
        assert each.layer_area(site, "farmland").planar_m2 == pytest.approx(m2, abs=1e-6)
    assert one.layer("S4", "farmland").nearest_m == pytest.approx(10.0, abs=1e-9)
    assert one.layer("S4", "farmland").nearest_id == "F1"
    # partitions each given the parts near all the sites: the same pieces as one process
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    parallel = landcheck.check(site_frame, layers={"farmland": dissolved}, workers=2)
    assert _json(parallel) == _json(one)
    pieces, other = one.pieces["farmland"], parallel.pieces["farmland"]
    assert shapely.equals_exact(other.geometry.values, pieces.geometry.values, 0).all()


def test_parts_of_a_dissolved_layer_overlapping_inside_a_site_are_counted_once():
    cells = _cells()
    cells.append(shapely.box(X0 + 50, Y0, X0 + 140, Y0 + 90))  # over two cells and their gap
    whole = shapely.MultiPolygon(cells)
    assert not shapely.is_valid(whole)
    layer = frame([{"BSM": "F1", "DLBM": "0101", "geometry": whole}])
    result = landcheck.check(_sites(), layers={"farmland": layer}, workers=1)
    # the gap between the first two cells, 10 m by 90 m, is farmland too
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(33_300.0, abs=1e-6)
    assert result.layer_area("S3", "farmland").planar_m2 == pytest.approx(8_100.0, abs=1e-6)


def _drawn(result, site_id: str) -> tuple[str, bytes]:
    """A site's SVG map and its PNG map's pixels."""
    figure = site_map(result, site_id)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=60, facecolor="white")
    plt.close(figure)
    return site_svg(result, site_id), buffer.getvalue()


def test_the_maps_of_a_dissolved_layer_are_those_its_whole_feature_draws(monkeypatch):
    dissolved = frame([{"BSM": "F1", "DLBM": "0101", "geometry": shapely.MultiPolygon(_cells())}])
    result = landcheck.check(_sites(), layers={"farmland": dissolved}, workers=1)
    drawn = {site: _drawn(result, site) for site in result.site_ids}
    window = mapview.view_window(result.sites.geometry.iloc[2])
    _, around = mapview.site_pieces(result, "farmland", 2, window)
    assert 0 < shapely.get_num_geometries(around.geometries[0]) < len(_cells()) / 10
    # the same maps with the feature drawn whole: no index of its parts
    monkeypatch.setattr(mapcache, "_parts_index", lambda geometries: {})
    monkeypatch.setattr(mapview, "parts_in_window", lambda f, at, window: f.geometry.values[at])
    for site in result.site_ids:
        svg, pixels = _drawn(result, site)
        assert svg == drawn[site][0], site
        assert pixels == drawn[site][1], site


def test_parcels_collected_into_one_multipolygon_are_repaired_as_their_union(monkeypatch):
    # 30 x 30 parcels of 100 m sharing their edges, gathered into one (invalid) multipolygon:
    # repaired as the union of its parts, made as a coverage's (GEOS's make_valid unions a
    # county's parcels in minutes), the same areas as the parcels as features give
    parcels = [square(100.0 * i, 100.0 * j, 100.0) for j in range(SIDE) for i in range(SIDE)]
    collected = shapely.MultiPolygon(parcels)
    assert not shapely.is_valid(collected) and shapely.coverage_is_valid(np.array(parcels))
    one = frame([{"BSM": "F1", "DLBM": "0101", "geometry": collected}])
    apart = frame([{"BSM": f"F{n}", "DLBM": "0101", "geometry": p} for n, p in enumerate(parcels)])
    site_frame = sites(square(50, 50, 300), square(2_950, 1_000, 100), square(3_050, 0, 100))
    repaired = landcheck.check(site_frame, layers={"farmland": one}, workers=1)
    each = landcheck.check(site_frame, layers={"farmland": apart}, workers=1)
    monkeypatch.setattr(geometry, "many_parts", lambda geoms: np.zeros(len(geoms), dtype=bool))
    by_geos = landcheck.check(site_frame, layers={"farmland": one}, workers=1)
    for site, m2 in {"S1": 90_000.0, "S2": 5_000.0, "S3": 0.0}.items():
        for result in (repaired, each, by_geos):
            assert result.layer_area(site, "farmland").planar_m2 == pytest.approx(m2, abs=1e-6)
    assert repaired.layer("S3", "farmland").nearest_m == pytest.approx(50.0, abs=1e-9)
    said = [w for w in repaired.warnings if "repaired" in w]
    assert said and "1 invalid" in said[0]


def test_a_dissolved_layer_s_context_holds_its_parts_near_the_sites(tmp_path):
    from landcheck.report import write_report

    # 100 parcels of 100 m × 100 m, 300 m apart: one feature of more than MANY_PARTS parts
    parts = [square(300 * i, 0, 100) for i in range(100)]
    whole = shapely.MultiPolygon(parts)
    assert len(parts) > MANY_PARTS and shapely.is_valid(whole)
    dissolved = frame([{"BSM": "F1", "DLBM": "0101", "geometry": whole}])
    # 350–650 m: half of the parcels at 300–400 m and at 600–700 m; the others are 250 m
    # away or more, beyond the farmland's search distance (50 m)
    result = landcheck.check(
        sites(square(350, 0, 300, 100)), layers={"farmland": dissolved}, workers=1
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(10_000.0, abs=1e-6)
    context = result.context["farmland"]
    assert context["_id"].tolist() == ["F1"]
    near = context.geometry.iloc[0]
    # the parts a read of the parcels as features would have found, not the 100 of them
    assert [p.equals_exact(q, 0.0) for p, q in zip(near.geoms, parts[1:3], strict=True)] == [
        True,
        True,
    ]
    write_report(result, tmp_path / "report", formats="gpkg")
    written = gpd.read_file(tmp_path / "report" / "landcheck.gpkg", layer="context_farmland")
    assert written.geometry.area.tolist() == pytest.approx([20_000.0], abs=1e-6)
