"""One measurement, run in its own process so its peak memory is its own.

``python -m benchmarks.measure MODE MANIFEST SCENARIO OUT.json`` with MODE one of

``landcheck``  ``landcheck.check`` on the scenario (timed; then once more, warm);
``plain``      the plain geopandas approach (:mod:`benchmarks.plain`);
``read``       only landcheck's filtered reads of the features the sites need;
``overlay``    only the geometry step of scenario (d), both ways, data in memory.

Imports happen before the clock starts; the sites are read inside the timed call.
"""

from __future__ import annotations

import json
import resource
import sys
import time

SCENARIO_LAYERS = {
    "a": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "b": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "c": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "d": ("eco_redline",),
}


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak RSS (VmHWM) of a process in MB. Not ru_maxrss: Linux carries that across exec,
    so a child would report its parent's peak when the parent's was larger."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _peaks() -> dict:
    """Peak RSS of this process, and the largest peak among landcheck's pool workers."""
    workers = 0.0
    engine = sys.modules.get("landcheck.engine")
    for pool in getattr(engine, "_POOL", {}).values():
        for pid in list(getattr(pool, "_processes", {}) or {}):
            workers = max(workers, _hwm_mb(pid))
    return {"peak_mb": round(_hwm_mb(), 1), "workers_peak_mb": round(workers, 1)}


def run(mode: str, manifest_path: str, scenario: str) -> dict:
    import geopandas as gpd  # noqa: F401  (import cost outside the clock)
    import shapely  # noqa: F401

    with open(manifest_path) as handle:
        manifest = json.load(handle)
    layers_path, sites_path = manifest["layers"], manifest["sites"]
    keys = SCENARIO_LAYERS[scenario]
    sites_layer = f"sites_{scenario}"
    out: dict = {"mode": mode, "scenario": scenario, "rss_before_mb": round(_rss_mb(), 1)}
    if mode == "landcheck":
        import landcheck

        layers = {k: f"{layers_path}:{k}" for k in keys}
        started = time.perf_counter()
        result = landcheck.check(f"{sites_path}:{sites_layer}", layers=layers)
        out["seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        again = landcheck.check(f"{sites_path}:{sites_layer}", layers=layers)
        out["warm_seconds"] = time.perf_counter() - started
        table = result.layer_table
        table = table[table["layer"].isin(keys)]
        out["areas"] = {
            f"{s}|{k}": float(a)
            for s, k, a in zip(table["site_id"], table["layer"], table["planar_m2"], strict=True)
        }
        second = again.layer_table
        second = second[second["layer"].isin(keys)]
        out["warm_identical"] = bool(
            (second["planar_m2"].to_numpy() == table["planar_m2"].to_numpy()).all()
        )
        out["features_read"] = {
            r.key: r.features_read for r in result.inputs if r.role == "layer" and r.key in keys
        }
    elif mode == "plain":
        from benchmarks.plain import plain_areas

        started = time.perf_counter()
        table = plain_areas(sites_path, sites_layer, {k: (layers_path, k) for k in keys})
        out["seconds"] = time.perf_counter() - started
        out["areas"] = {
            f"{s}|{k}": float(a)
            for s, k, a in zip(table["site_id"], table["layer"], table["planar_m2"], strict=True)
        }
    elif mode == "read":
        out["seconds"] = _read_only(layers_path, sites_path, sites_layer, keys)
    elif mode == "overlay":
        out.update(_overlay_only(layers_path, sites_path, sites_layer))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    out.update(_peaks())
    return out


def _read_only(layers_path: str, sites_path: str, sites_layer: str, keys) -> float:
    """Time landcheck's filtered reads alone (the same margins and columns as a check)."""
    from landcheck.io import LayerSource
    from landcheck.io.filtered import read_features_near
    from landcheck.io.vector import layer_fields
    from landcheck.layers import field_mapping
    from landcheck.profile import load_profile
    from landcheck.rules import search_distance

    profile = load_profile("china-preexam")
    started = time.perf_counter()
    sites = __import__("geopandas").read_file(sites_path, layer=sites_layer)
    for key in keys:
        source = LayerSource(layers_path, key)
        spec = profile.layers[key]
        columns = list(field_mapping(spec, layer_fields(source)).values())
        read_features_near(
            source,
            sites.geometry.values,
            sites.crs,
            key=key,
            columns=columns,
            margin=max(1.0, search_distance(profile, key)),
        )
    return time.perf_counter() - started


def _overlay_only(layers_path: str, sites_path: str, sites_layer: str) -> dict:
    """Scenario (d)'s geometry step alone: subdivided (landcheck) vs the unsplit polygon."""
    import geopandas as gpd
    import numpy as np
    from pyproj import CRS

    from landcheck.overlay import overlay_layer

    sites = gpd.read_file(sites_path, layer=sites_layer)
    features = gpd.read_file(layers_path, layer="eco_redline")
    crs = CRS.from_user_input(sites.crs)
    started = time.perf_counter()
    gpd.overlay(sites[["site_id", "geometry"]], features, how="intersection", make_valid=False)
    unsplit = time.perf_counter() - started
    geoms = np.asarray(sites.geometry.values, dtype=object)
    started = time.perf_counter()
    overlay_layer(geoms, features, crs)
    split = time.perf_counter() - started
    return {"seconds": split, "plain_seconds": unsplit}


def main() -> None:
    mode, manifest, scenario, out_path = sys.argv[1:5]
    out = run(mode, manifest, scenario)
    with open(out_path, "w") as handle:
        json.dump(out, handle)


if __name__ == "__main__":
    main()
