"""Scenario (a) cold: ``check()`` of one site in fresh processes, code trees alternating.

``python -m benchmarks.cold N TREE [TREE…]`` runs, N times in turn for each tree (A B A B …),
a fresh Python process with ``PYTHONPATH=TREE`` that imports landcheck, geopandas, pyogrio,
shapely and pyproj, then times ``landcheck.check(SITES:sites_a, layers={the six layers})`` on
the province data of ``benchmarks/data/full.json`` (``make bench`` writes it): CPU
(``resource.getrusage``, user + system) and wall of the call alone, and the CPU between its
progress events (prepare: until the first; layers: the layers' overlay and measures, the sites'
views; rules: the rules and the result). Prints min / median / max per tree, with two trees the
per-pair ratio of CPU, and the 1-minute load before and after each round. A measurement, not a
test.

    .venv/bin/python -m benchmarks.cold 11 /tmp/base /path/to/worktree
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from benchmarks.measure import SCENARIO_LAYERS

_CHILD = """
import json, resource, sys, time
import geopandas, pyogrio, pyproj, shapely
from landcheck import check

sites, layers = sys.argv[1], json.loads(sys.argv[2])
events = []
def progress(stage, done, total):
    events.append((stage, time.process_time()))
r0, t0, c0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
check(sites, layers=layers, progress=progress)
r1, t1, c1 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter(), time.process_time()
names = [n for n, _ in events]
start = names.index("layers")
after = next(i for i in range(start, len(names)) if names[i] != "layers")
stages = {"prepare": events[0][1] - c0, "layers": events[after][1] - events[start][1]}
stages["rules"] = c1 - c0 - stages["prepare"] - stages["layers"]
cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
print(json.dumps({"cpu": cpu, "wall": t1 - t0, "stages": stages}))
"""


def _once(tree: str, sites: str, layers: dict[str, str]) -> dict:
    """One cold call in a fresh process running ``tree``'s code."""
    env = {**os.environ, "PYTHONPATH": tree}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, sites, json.dumps(layers)],
        capture_output=True,
        text=True,
        env=env,
        cwd="/tmp",
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.splitlines()[-1])


def _spread(values: list[float]) -> str:
    values = sorted(values)
    return f"{values[0]:.3f} / {statistics.median(values):.3f} / {values[-1]:.3f}"


def main() -> None:
    count, trees = int(sys.argv[1]), sys.argv[2:]
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "full.json")
    with open(here) as handle:
        manifest = json.load(handle)
    sites = f"{manifest['sites']}:sites_a"
    layers = {key: f"{manifest['layers']}:{key}" for key in SCENARIO_LAYERS["a"]}
    runs: dict[str, list[dict]] = {tree: [] for tree in trees}
    loads = [os.getloadavg()[0]]
    for _ in range(count):
        for tree in trees:
            runs[tree].append(_once(tree, sites, layers))
        loads.append(os.getloadavg()[0])
    for tree, found in runs.items():
        print(
            f"{tree}: CPU min / median / max {_spread([r['cpu'] for r in found])} s, "
            f"wall {_spread([r['wall'] for r in found])} s"
        )
        for stage in found[0]["stages"]:
            print(f"    {stage}: CPU {_spread([r['stages'][stage] for r in found])} s")
    if len(trees) == 2:
        first, second = runs[trees[0]], runs[trees[1]]
        ratios = [b["cpu"] / a["cpu"] for a, b in zip(first, second, strict=True)]
        print(f"CPU second / first, per pair: {_spread(ratios)}")
    print(f"1-minute load {min(loads):.2f}-{max(loads):.2f}")


if __name__ == "__main__":
    main()
