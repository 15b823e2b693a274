"""Ellipsoidal areas for 10,000 sites' worth of geometries: before and after vectorising.

``python -m benchmarks.geodesic_speed [full|quick]`` runs ``landcheck.check`` on
scenario (c) in one process, keeps every geometry handed to
:func:`landcheck.areas.ellipsoidal_areas` (sites, pieces, features), then measures
the CPU time (best of three) of

* before: the former method, inverse projection then :class:`pyproj.Geod`
  ``polygon_area_perimeter`` ring by ring;
* after: :func:`landcheck.areas.ellipsoidal_areas`, and its steps: shapely (parts,
  rings, coordinates), the inverse projection, the geodesic areas (and pyproj's
  loop over the same rings, for comparison);

and how far apart the two results are. One JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from itertools import pairwise

import numpy as np


def recorded_geometries(manifest: dict) -> list[tuple[np.ndarray, object]]:
    """The geometries check() measures on scenario (c), one array per call, with the CRS."""
    import shapely

    import landcheck
    import landcheck.areas
    import landcheck.cut
    import landcheck.sites
    from benchmarks.measure import SCENARIO_LAYERS

    calls = []
    measured = landcheck.areas.ellipsoidal_areas

    def recording(geometries, crs):
        calls.append((shapely.to_wkb(np.asarray(geometries, dtype=object)), crs))
        return measured(geometries, crs)

    modules = (landcheck.areas, landcheck.cut, landcheck.sites)
    for module in modules:
        module.ellipsoidal_areas = recording
    try:
        layers = {k: f"{manifest['layers']}:{k}" for k in SCENARIO_LAYERS["c"]}
        landcheck.check(f"{manifest['sites']}:sites_c", layers=layers, workers=1)
    finally:
        for module in modules:
            module.ellipsoidal_areas = measured
    return [(shapely.from_wkb(wkb), crs) for wkb, crs in calls]


def ring_by_ring(geometries: np.ndarray, crs) -> np.ndarray:
    """The former ellipsoidal_areas: pyproj.Geod.polygon_area_perimeter on each ring."""
    import shapely

    from landcheck.areas import _to_geodetic

    out = np.zeros(len(geometries))
    polygons, owner = shapely.get_parts(geometries, return_index=True)
    rings, ring_polygon = shapely.get_rings(polygons, return_index=True)
    first = np.ones(len(rings), dtype=bool)
    first[1:] = ring_polygon[1:] != ring_polygon[:-1]
    xy, which = shapely.get_coordinates(rings, return_index=True)
    transformer, geod = _to_geodetic(crs.to_wkt())
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    bounds = np.searchsorted(which, np.arange(len(rings) + 1))
    areas = np.array(
        [abs(geod.polygon_area_perimeter(lon[s:t], lat[s:t])[0]) for s, t in pairwise(bounds)]
    )
    np.add.at(out, owner[ring_polygon], np.where(first, areas, -areas))
    return out


def _best(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    import shapely

    from benchmarks.generate import DATA, build
    from landcheck.areas import _to_geodetic, ellipsoidal_areas
    from landcheck.geodesic import geodesic_ring_areas

    size = (argv or sys.argv[1:] or ["full"])[0]
    manifest = build(size, DATA)
    calls = recorded_geometries(manifest)
    geoms = np.concatenate([g for g, _ in calls])
    crs = calls[0][1]
    if any(c != crs for _, c in calls):
        raise SystemExit("the calls used several CRSs")
    before = ring_by_ring(geoms, crs)
    after = ellipsoidal_areas(geoms, crs)

    transformer, geod = _to_geodetic(crs.to_wkt())
    steps = {}
    started = time.process_time()
    rings = shapely.get_rings(shapely.get_parts(geoms))
    xy, which = shapely.get_coordinates(rings, return_index=True)
    steps["shapely_s"] = time.process_time() - started
    started = time.process_time()
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    steps["projection_s"] = time.process_time() - started
    offsets = np.searchsorted(which, np.arange(len(rings) + 1))
    steps["geodesic_s"] = _best(lambda: geodesic_ring_areas(lon, lat, offsets, geod))
    steps["pyproj_loop_s"] = _best(
        lambda: [geod.polygon_area_perimeter(lon[s:t], lat[s:t]) for s, t in pairwise(offsets)],
        repeat=1,
    )
    diff = np.abs(after - before)
    vertices = shapely.get_num_coordinates(geoms)
    line = {
        "size": size,
        "calls": len(calls),
        "geometries": len(geoms),
        "rings": len(rings),
        "vertices": len(lon),
        "before_cpu_s": round(_best(lambda: ring_by_ring(geoms, crs), repeat=1), 3),
        "after_cpu_s": round(_best(lambda: ellipsoidal_areas(geoms, crs)), 3),
        "steps_cpu_s": {k: round(v, 3) for k, v in steps.items()},
        "max_abs_diff_m2": float(diff.max()),
        "share_within_1e-9_relative": float(np.mean(diff <= 1e-9 * np.abs(before))),
        "share_within_test_tolerance": float(
            np.mean(diff <= 1e-9 * np.abs(before) + 1e-4 * np.sqrt(vertices))
        ),
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
