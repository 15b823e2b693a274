"""Run the benchmark scenarios: landcheck against plain geopandas, DuckDB and PostGIS.

``python -m benchmarks.run quick|full [--scenarios abcde]`` builds (once) the
synthetic data in ``benchmarks/data/``, then for each scenario runs, each in its
own process: landcheck, the plain approach and landcheck's filtered reads
alone; checks that both give the same planar overlap area for every
(site, layer) to 1e-6 relative; prints one JSON line per scenario and writes
them all to ``benchmarks/results/<size>.json``.

For (a), (b), (c) and (e) it also times landcheck preloaded: a long-lived process whose
run has read its layers once (the load, timed apart), evaluating the sites again
(the query: no file read) — for (b), (c) and (e) also on the peers' two layers alone,
the figure comparable with the databases' queries on data they loaded apart.

For (b), (c) and (e) it also times the whole command ``landcheck check … -f json -q``
and its steps, ``check()``, its filtered reads and the command with the layers
read from GeoParquet copies (covering bbox; written once, not timed) instead of
the GeoPackage, ``check()`` and the command with the survey and the farmland read
from a FileGDB copy (their areas the GeoPackage's to the FileGDB's coordinate
grid), landcheck on the peers' two layers alone, and the peers
(:mod:`benchmarks.peers`): DuckDB spatial and a throwaway PostGIS server, each
loading the data once (timed apart) and answering the dissolved-overlap question
for land_use and farmland; their areas must match landcheck's to 1e-6 too. A peer
whose software is missing is skipped with the reason. Each line carries every
engine's time and the ratios (the other's time over landcheck's: above 1,
landcheck is faster).

Scenarios: (a) one site against all layers, (b) and (c) many sites spread over
the region against all layers, (d) a road corridor across one huge redline
polygon (that layer only), (e) one expressway of tens of thousands of vertices
running slantwise across the region against all layers (with the peers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile

from benchmarks.generate import DATA, build

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
REL_TOL = 1e-6
PEER_SCENARIOS = "bce"
PRELOADED_SCENARIOS = "abce"
PEERS = ("duckdb", "postgis")


def hardware() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores {model}, {memory:.0f} GB RAM, {system}"


def _child(mode: str, manifest: str, scenario: str) -> dict:
    """One measurement in a process of its own; its inputs' digests are never remembered
    (each run hashes its files, as a first run does), except by the command measured twice."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.measure", mode, manifest, scenario, out],
            cwd=os.path.dirname(HERE),
            env={**os.environ, "LANDCHECK_CACHE_DIR": "off"},
        )
        _, status, _ = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise RuntimeError(f"{mode} {scenario} failed with exit code {process.returncode}")
        with open(out) as handle:
            data = json.load(handle)
    return data


def compare(ours: dict[str, float], theirs: dict[str, float]) -> tuple[bool, float, list[str]]:
    worst, bad = 0.0, []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key, 0.0), theirs.get(key, 0.0)
        scale = max(abs(a), abs(b))
        diff = abs(a - b) / scale if scale > 1e-6 else 0.0
        worst = max(worst, diff)
        if diff > REL_TOL:
            bad.append(f"{key}: landcheck {a!r} plain {b!r}")
    return not bad, worst, bad


def run_peers(manifest_path: str, scenarios: str) -> dict[str, dict]:
    """Each peer in its own process: load once, answer the question for each scenario."""
    out = {}
    for peer in PEERS:
        out[peer] = _child(peer, manifest_path, scenarios)
        if "skipped" in out[peer]:
            print(f"{peer} skipped: {out[peer]['skipped']}", file=sys.stderr, flush=True)
    return out


def _ratio(other: float, ours: float) -> float:
    return round(other / ours, 2)


def _peer_columns(line: dict, ours: dict, peers: dict[str, dict], scenario: str) -> bool:
    """Add the peers' figures and the ratios to a (b)/(c) line; False if an area differs."""
    from benchmarks.peers import QUESTION_LAYERS

    question = {k: v for k, v in ours["areas"].items() if k.split("|")[1] in QUESTION_LAYERS}
    same = True
    check_s, cli_s = line["landcheck_s"], line["cli_s"]
    ratios = {
        "check": {"plain": _ratio(line["plain_s"], check_s)},
        "cli": {"plain": _ratio(line["plain_s"], cli_s)},
    }
    for peer, data in peers.items():
        if "skipped" in data:
            line[peer] = {"skipped": data["skipped"]}
            continue
        answer = data["scenarios"][scenario]
        agree, worst, bad = compare(question, answer["areas"])
        same = same and agree
        line[peer] = {
            "query_s": round(answer["query_s"], 3),
            "query_warm_s": round(answer["warm_s"], 3),
            "load_s": round(data["load_s"], 1),
            "peak_mb": data["peak_mb"],
            "areas_match": agree,
            "max_rel_diff": worst,
            "engine": data["engine"],
        }
        if bad:
            line[peer]["mismatches"] = bad[:10]
        ratios["check"][peer] = _ratio(answer["query_s"], check_s)
        ratios["cli"][peer] = _ratio(answer["query_s"], cli_s)
        for key in ("preloaded", "preloaded_question"):
            if key in line:
                ratios.setdefault(key, {})[peer] = _ratio(answer["query_s"], line[key]["query_s"])
        if "geoparquet" in line:
            parquet = line["geoparquet"]
            ratios.setdefault("check_parquet", {})[peer] = _ratio(
                answer["query_s"], parquet["landcheck_s"]
            )
            ratios.setdefault("cli_parquet", {})[peer] = _ratio(answer["query_s"], parquet["cli_s"])
    line["ratios"] = ratios
    return same


def _parquet_columns(manifest_path: str, scenario: str, ours: dict) -> tuple[dict, bool]:
    """``check()``, its reads and the command with the layers read from GeoParquet."""
    check = _child("landcheck@parquet", manifest_path, scenario)
    read = _child("read@parquet", manifest_path, scenario)
    cli = _child("cli@parquet", manifest_path, scenario)
    same = check["areas"] == ours["areas"]  # the same features, so the same numbers exactly
    return {
        "landcheck_s": round(check["seconds"], 3),
        "landcheck_warm_s": round(check["warm_seconds"], 3),
        "read_only_s": round(read["seconds"], 3),
        "landcheck_over_read": round(check["seconds"] / read["seconds"], 2),
        "landcheck_peak_mb": check["peak_mb"],
        "landcheck_cold_peak_mb": check["cold_peak_mb"],
        "cli_s": round(cli["seconds"], 3),
        "cli_peak_mb": cli["peak_mb"],
        "cli_tree_peak_mb": cli["tree_peak_mb"],
        "areas_identical": same,
    }, same


FILEGDB_ABS_TOL_M2 = 0.01
"""How far a (site, layer) area from the FileGDB copy may be from the GeoPackage's: the copy
stores coordinates on a 0.1 mm grid, which moves a parcel's area by up to its perimeter times
that (a 500 m parcel: 0.05 m²) and a site's sum by a fraction of it."""


def _filegdb_columns(manifest_path: str, scenario: str, ours: dict) -> tuple[dict, bool]:
    """``check()`` and the command with the survey and the farmland read from a FileGDB."""
    check = _child("landcheck@filegdb", manifest_path, scenario)
    cli = _child("cli@filegdb", manifest_path, scenario)
    keys = set(ours["areas"]) | set(check["areas"])
    gaps = [abs(ours["areas"].get(k, 0.0) - check["areas"].get(k, 0.0)) for k in keys]
    _, worst, _ = compare(ours["areas"], check["areas"])
    near = max(gaps, default=0.0) <= FILEGDB_ABS_TOL_M2
    return {
        "landcheck_s": round(check["seconds"], 3),
        "landcheck_warm_s": round(check["warm_seconds"], 3),
        "landcheck_peak_mb": check["peak_mb"],
        "landcheck_cold_peak_mb": check["cold_peak_mb"],
        "cli_s": round(cli["seconds"], 3),
        "cli_peak_mb": cli["peak_mb"],
        "cli_tree_peak_mb": cli["tree_peak_mb"],
        "features_read": check["features_read"],
        "max_abs_diff_m2": max(gaps, default=0.0),
        "max_rel_diff": worst,
        "areas_match": near,
    }, near


def _preloaded_columns(
    manifest_path: str, scenario: str, ours: dict, mode: str = "preloaded"
) -> tuple[dict, bool]:
    """A long-lived process: the run's load (its first evaluation) and its query (the second)."""
    data = _child(mode, manifest_path, scenario)
    # the same features, so the same numbers exactly, for every (site, layer) it measured
    same = data["identical"] and all(ours["areas"].get(k, v) == v for k, v in data["areas"].items())
    return {
        "query_s": round(data["seconds"], 3),
        "load_s": round(data["load_seconds"], 3),
        "peak_mb": data["peak_mb"],
        "areas_identical": same,
    }, same


def run_scenario(
    manifest_path: str, scenario: str, manifest: dict, peers: dict[str, dict] | None = None
) -> dict:
    ours = _child("landcheck", manifest_path, scenario)
    plain = _child("plain", manifest_path, scenario)
    read = _child("read", manifest_path, scenario)
    same, worst, bad = compare(ours["areas"], plain["areas"])
    line = {
        "size": manifest["size"]["name"],
        "scenario": scenario,
        "sites": manifest["counts"][f"sites_{scenario}"]["features"],
        "landcheck_s": round(ours["seconds"], 3),
        "landcheck_warm_s": round(ours["warm_seconds"], 3),
        "plain_s": round(plain["seconds"], 3),
        "ratio": round(plain["seconds"] / ours["seconds"], 1),
        "read_only_s": round(read["seconds"], 3),
        "landcheck_over_read": round(ours["seconds"] / read["seconds"], 2),
        "landcheck_peak_mb": ours["peak_mb"],
        "landcheck_cold_peak_mb": ours["cold_peak_mb"],
        "landcheck_workers_peak_mb": ours["workers_peak_mb"],
        "landcheck_baseline_mb": ours["rss_before_mb"],
        "plain_peak_mb": plain["peak_mb"],
        "plain_baseline_mb": plain["rss_before_mb"],
        "features_read": ours["features_read"],
        "areas_match": same,
        "max_rel_diff": worst,
        "warm_identical": ours["warm_identical"],
    }
    if scenario == "d":
        geometry = _child("overlay", manifest_path, scenario)
        line["overlay_step_s"] = round(geometry["seconds"], 4)
        line["unsplit_overlay_step_s"] = round(geometry["plain_seconds"], 4)
        line["overlay_step_ratio"] = round(geometry["plain_seconds"] / geometry["seconds"], 1)
    if scenario in PRELOADED_SCENARIOS:
        line["preloaded"], preloaded_same = _preloaded_columns(manifest_path, scenario, ours)
        same = same and preloaded_same
    if scenario in PEER_SCENARIOS:
        line["preloaded_question"], preloaded_same = _preloaded_columns(
            manifest_path, scenario, ours, "preloaded@question"
        )
        same = same and preloaded_same
        cli = _child("cli", manifest_path, scenario)
        line["cli_s"] = round(cli["seconds"], 3)
        line["cli_again_s"] = round(cli["again_seconds"], 3)
        line["cli_peak_mb"] = cli["peak_mb"]
        line["cli_tree_peak_mb"] = cli["tree_peak_mb"]
        line["findings_json_mb"] = round(cli["json_mb"], 1)
        parts = _child("parts", manifest_path, scenario)
        line["cli_parts"] = {k: round(v, 3) for k, v in parts.items() if k.endswith("_s")}
        question = _child("question", manifest_path, scenario)
        line["landcheck_question_s"] = round(question["seconds"], 3)
        line["geoparquet"], parquet_same = _parquet_columns(manifest_path, scenario, ours)
        line["filegdb"], filegdb_same = _filegdb_columns(manifest_path, scenario, ours)
        same = same and parquet_same and filegdb_same
        line["areas_match"] = _peer_columns(line, ours, peers or {}, scenario) and same
    if bad:
        line["mismatches"] = bad[:10]
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=["quick", "full"])
    parser.add_argument("--scenarios", default="abcde")
    parser.add_argument("--data", default=DATA)
    args = parser.parse_args(argv)
    manifest = build(args.size, args.data)
    manifest_path = os.path.join(args.data, f"{args.size}.json")
    lines = []
    peer_scenarios = "".join(s for s in args.scenarios if s in PEER_SCENARIOS)
    if peer_scenarios:
        from benchmarks.measure import SCENARIO_LAYERS, filegdb_layers, parquet_layers

        parquet_layers(manifest["layers"], SCENARIO_LAYERS[peer_scenarios[0]])
        filegdb_layers(manifest["layers"])
    peers = run_peers(manifest_path, peer_scenarios) if peer_scenarios else {}
    for scenario in args.scenarios:
        load_before = os.getloadavg()[1]
        line = run_scenario(manifest_path, scenario, manifest, peers)
        line["hardware"] = hardware()
        # other work on the machine slows every engine alike: the 5-minute load average
        line["load_average"] = [round(load_before, 1), round(os.getloadavg()[1], 1)]
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines.append(line)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, f"{args.size}.json"), "w") as handle:
        json.dump(lines, handle, indent=2, ensure_ascii=False)
    return 0 if all(line["areas_match"] for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
