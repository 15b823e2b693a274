"""One measurement, run in its own process so its peak memory is its own.

``python -m benchmarks.measure MODE MANIFEST SCENARIO OUT.json`` with MODE one of

``landcheck``  ``landcheck.check`` on the scenario (timed; then once more, warm);
``question``   ``landcheck.check`` with only the peers' two layers (land_use, farmland);
``cli``        the whole command ``landcheck check … -f json -q`` in its own process,
               from start to exit (what a reviewer waits for);
``parts``      where that command's time goes: ``check()``, hashing the inputs, the
               sites' findings.json entries, findings.json written (a site at a time);
``plain``      the plain geopandas approach (:mod:`benchmarks.plain`);
``read``       only landcheck's filtered reads of the features the sites need;
``preloaded``  a long-lived process: ``prepare()`` and a first ``evaluate(run)`` (the
               load: reads kept by the run, timed apart), then ``evaluate(run)`` again
               (timed: no file read; normalising, overlay, measures, rules);
               ``preloaded@question`` the same on the peers' two layers;
``overlay``    only the geometry step of scenario (d), both ways, data in memory;
``duckdb``,    the peers (:mod:`benchmarks.peers`): load once, then the question for
``postgis``    each scenario given (SCENARIO may be several letters, e.g. ``bc``).

``landcheck``, ``read`` and ``cli`` with ``@parquet`` (``landcheck@parquet``…) read the
layers from their GeoParquet copies (:func:`parquet_layers`) instead of the GeoPackage;
with ``@filegdb``, the survey and the farmland from a FileGDB copy (:func:`filegdb_layers`),
the survey's own delivery format, and the other layers from the GeoPackage.

Imports happen before the clock starts; the sites are read inside the timed call.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

from benchmarks.treememory import TreeMemory, proc_mb

SCENARIO_LAYERS = {
    "a": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "b": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "c": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
    "d": ("eco_redline",),
    "e": ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships"),
}


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak RSS (VmHWM) of a process in MB. Not ru_maxrss: Linux carries that across exec,
    so a child would report its parent's peak when the parent's was larger."""
    return proc_mb(pid, "status", "VmHWM")


def _peaks() -> dict:
    """Peak RSS of this process, and the largest peak among landcheck's pool workers."""
    workers = 0.0
    engine = sys.modules.get("landcheck.engine")
    for pool in getattr(engine, "_POOL", {}).values():
        for pid in list(getattr(pool, "_processes", {}) or {}):
            workers = max(workers, _hwm_mb(pid))
    return {"peak_mb": round(_hwm_mb(), 1), "workers_peak_mb": round(workers, 1)}


PARQUET_ROW_GROUP = 10_000
"""Rows per row group of the GeoParquet copies (a strip of the generated mesh)."""


def parquet_folder(layers_path: str) -> str:
    """Where the GeoParquet copies of a GeoPackage's layers are kept."""
    return os.path.splitext(layers_path)[0] + "-parquet"


def parquet_layers(layers_path: str, keys) -> dict[str, str]:
    """Each layer of the GeoPackage as GeoParquet with a covering bbox (written once).

    Rows keep the GeoPackage's order (row n is fid n + 1), in row groups of
    :data:`PARQUET_ROW_GROUP`; a copy older than the GeoPackage is written again.
    """
    import pyogrio

    folder = parquet_folder(layers_path)
    os.makedirs(folder, exist_ok=True)
    paths = {}
    for key in keys:
        path = os.path.join(folder, f"{key}.parquet")
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(layers_path):
            frame = pyogrio.read_dataframe(layers_path, layer=key, use_arrow=True)
            partial = path + ".partial"
            frame.to_parquet(partial, write_covering_bbox=True, row_group_size=PARQUET_ROW_GROUP)
            os.replace(partial, path)
        paths[key] = path
    return paths


FILEGDB_LAYERS = ("land_use", "farmland")
"""The layers the FileGDB copy holds: those a survey delivery holds (三调 and 永久基本农田)."""


def filegdb_path(layers_path: str) -> str:
    """Where the FileGDB copy of a GeoPackage's survey and farmland is kept."""
    return os.path.splitext(layers_path)[0] + ".gdb"


def filegdb_layers(layers_path: str) -> str:
    """The GeoPackage's :data:`FILEGDB_LAYERS` as one FileGDB with its spatial index (written once).

    Features keep the GeoPackage's order (FileGDB ids are its fids). A FileGDB stores
    coordinates on a grid (GDAL's default resolution, 0.1 mm here), so its areas are the
    GeoPackage's to that grid, not to the bit. A copy older than the GeoPackage is written
    again.
    """
    import shutil

    import pyogrio

    path = filegdb_path(layers_path)
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(layers_path):
        return path
    partial = path + ".partial.gdb"
    shutil.rmtree(partial, ignore_errors=True)
    for number, key in enumerate(FILEGDB_LAYERS):
        frame = pyogrio.read_dataframe(layers_path, layer=key, use_arrow=True)
        pyogrio.write_dataframe(frame, partial, layer=key, driver="OpenFileGDB", append=number > 0)
    shutil.rmtree(path, ignore_errors=True)
    os.replace(partial, path)
    return path


def _layer_sources(layers_path: str, keys, storage: str) -> dict[str, str]:
    """``--layer`` sources of the layers: the GeoPackage, its GeoParquet or FileGDB copies."""
    if storage == "parquet":
        folder = parquet_folder(layers_path)
        return {k: os.path.join(folder, f"{k}.parquet") for k in keys}
    sources = {k: f"{layers_path}:{k}" for k in keys}
    if storage == "filegdb":
        gdb = filegdb_path(layers_path)
        sources.update({k: f"{gdb}:{k}" for k in FILEGDB_LAYERS if k in sources})
    return sources


def run(mode: str, manifest_path: str, scenario: str) -> dict:
    with open(manifest_path) as handle:
        manifest = json.load(handle)
    layers_path, sites_path = manifest["layers"], manifest["sites"]
    keys = SCENARIO_LAYERS[scenario[0]]
    sites_layer = f"sites_{scenario[0]}"
    mode, _, storage = mode.partition("@")
    sources = _layer_sources(layers_path, keys, storage if storage != "question" else "gpkg")
    if mode == "cli":  # before any import: the command's peak must not include this process's
        return {"mode": mode, **_cli(sources, sites_path, sites_layer)}

    import geopandas as gpd  # noqa: F401  (import cost outside the clock)
    import shapely  # noqa: F401

    out: dict = {"mode": mode, "scenario": scenario, "rss_before_mb": round(_rss_mb(), 1)}
    if mode == "landcheck":
        from landcheck import check  # the package's modules imported outside the clock too

        layers = sources
        started = time.perf_counter()
        result = check(f"{sites_path}:{sites_layer}", layers=layers)
        out["seconds"] = time.perf_counter() - started
        out["cold_peak_mb"] = round(_hwm_mb(), 1)  # the warm call's peak holds two results
        started = time.perf_counter()
        again = check(f"{sites_path}:{sites_layer}", layers=layers)
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
    elif mode == "question":
        from benchmarks.peers import QUESTION_LAYERS
        from landcheck import check

        layers = {k: f"{layers_path}:{k}" for k in QUESTION_LAYERS}
        started = time.perf_counter()
        check(f"{sites_path}:{sites_layer}", layers=layers)
        out["seconds"] = time.perf_counter() - started
    elif mode == "parts":
        out.update(_parts(layers_path, sites_path, sites_layer, keys))
    elif mode in ("duckdb", "postgis"):
        from benchmarks import peers

        if mode == "duckdb":
            out.update(peers.duckdb_run(layers_path, sites_path, scenario))
        else:
            folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
            out.update(peers.postgis_run(layers_path, sites_path, scenario, folder))
        return out  # peak_mb: DuckDB's process (load included), PostGIS's query backend
    elif mode == "plain":
        from benchmarks.plain import plain_areas

        started = time.perf_counter()
        table = plain_areas(sites_path, sites_layer, {k: (layers_path, k) for k in keys})
        out["seconds"] = time.perf_counter() - started
        out["areas"] = {
            f"{s}|{k}": float(a)
            for s, k, a in zip(table["site_id"], table["layer"], table["planar_m2"], strict=True)
        }
    elif mode == "preloaded":
        from benchmarks.peers import QUESTION_LAYERS

        if storage == "question":
            sources = {k: f"{layers_path}:{k}" for k in QUESTION_LAYERS}
        out.update(_preloaded(sources, f"{sites_path}:{sites_layer}"))
    elif mode == "read":
        out["seconds"] = _read_only(sources, sites_path, sites_layer)
    elif mode == "overlay":
        out.update(_overlay_only(layers_path, sites_path, sites_layer))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    out.update(_peaks())
    return out


def _cli(sources: dict[str, str], sites_path: str, sites_layer: str) -> dict:
    """Time ``landcheck check SITES --layer … -o DIR -f json -q`` from start to exit, twice.

    ``seconds``: with no digest remembered, so the command hashes its inputs (a first run);
    ``again_seconds``: the same command again, the inputs' digests remembered by the first
    (a reviewer's next batch against the same layers). The peaks are the first run's: its
    largest process's, and its whole process tree's (:mod:`benchmarks.treememory`).
    """
    script = os.path.join(os.path.dirname(sys.executable), "landcheck")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LANDCHECK_CACHE_DIR": os.path.join(tmp, "cache")}
        times, peaks, trees = [], [], []
        for run in ("first", "again"):
            report = os.path.join(tmp, run)
            command = [script, "check", f"{sites_path}:{sites_layer}", "-o", report]
            command += ["-f", "json", "-q"]
            for key, source in sources.items():
                command += ["--layer", f"{key}={source}"]
            started = time.perf_counter()
            process = subprocess.Popen(command, env=env)
            with TreeMemory(process.pid) as memory:
                _, status, usage = os.wait4(process.pid, 0)
            times.append(time.perf_counter() - started)
            trees.append(memory.figures())
            code = os.waitstatus_to_exitcode(status)
            if code:
                raise RuntimeError(f"landcheck check exited with {code}")
            # ru_maxrss (KB) of the command, or of the largest worker it waited for; this
            # process is small (no geopandas), so what a fork carries over before exec does not
            peaks.append(round(usage.ru_maxrss / 1024, 1))
        size = os.path.getsize(os.path.join(tmp, "first", "findings.json"))
    return {
        "seconds": times[0],
        "again_seconds": times[1],
        "peak_mb": peaks[0],
        **trees[0],
        "json_mb": size / 2**20,
    }


def _parts(layers_path: str, sites_path: str, sites_layer: str, keys) -> dict:
    """The command's steps one by one: ``check()``, the inputs' SHA-256, findings.json.

    The command hashes the inputs in a background thread while the check runs;
    here each step is timed alone. ``site_dicts_s`` is the sites' entries built
    and dropped; ``findings_json_s`` is :func:`write_json` (the entries again,
    their text, the writing, a site at a time).
    """
    from landcheck import check
    from landcheck.io.records import file_sha256
    from landcheck.report.json import write_json

    layers = {k: f"{layers_path}:{k}" for k in keys}
    started = time.perf_counter()
    result = check(f"{sites_path}:{sites_layer}", layers=layers)
    steps = {"check_s": time.perf_counter() - started}
    started = time.perf_counter()
    for path in (layers_path, sites_path):
        file_sha256(path)
    steps["sha256_s"] = time.perf_counter() - started
    started = time.perf_counter()
    for _ in result.site_dicts():
        pass
    steps["site_dicts_s"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_json(result, tmp)
        steps["findings_json_s"] = time.perf_counter() - started
    return steps


def _preloaded(sources: dict[str, str], sites: str) -> dict:
    """A run whose layers were read once (the load), evaluated again on its sites (the query).

    What a long-lived process (a notebook, a service) pays once the data is in memory,
    as the databases' ``query_s`` is their question on data loaded and indexed apart.
    The second evaluation reads no file: the run serves each layer from its first read.
    """
    from landcheck.evaluation import evaluate
    from landcheck.run import prepare

    started = time.perf_counter()
    run = prepare(sites, layers=sources)
    first = evaluate(run)
    load = time.perf_counter() - started
    started = time.perf_counter()
    second = evaluate(run)
    query = time.perf_counter() - started
    before, after = first.layer_table, second.layer_table
    return {
        "load_seconds": load,
        "seconds": query,
        "identical": bool(
            before["site_id"].tolist() == after["site_id"].tolist()
            and (before["planar_m2"].to_numpy() == after["planar_m2"].to_numpy()).all()
        ),
        "areas": {
            f"{s}|{k}": float(a)
            for s, k, a in zip(after["site_id"], after["layer"], after["planar_m2"], strict=True)
            if k in sources
        },
    }


def _read_only(sources: dict[str, str], sites_path: str, sites_layer: str) -> float:
    """Time landcheck's filtered reads alone (the same margins and columns as a check)."""
    from landcheck.io import LayerSource
    from landcheck.io.filtered import read_features_near
    from landcheck.io.profiles import load_profile
    from landcheck.io.vector import layer_fields
    from landcheck.layers import field_mapping
    from landcheck.rules import search_distance

    profile = load_profile("china-preexam")
    started = time.perf_counter()
    sites = __import__("geopandas").read_file(sites_path, layer=sites_layer)
    for key, path in sources.items():
        source = LayerSource(*(path.rsplit(":", 1) if path.endswith(f":{key}") else [path]))
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
