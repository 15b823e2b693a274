"""PNG site maps of two trees in one process: CPU time a map, side by side, and the same bytes.

On a shared host a map's time moves by a third from one minute to the next, so two trees timed
one after the other tell little of a change of a few per cent. This loads another tree's
``landcheck/report/maps.py`` (``--base``, a checkout made with ``git worktree add``) beside the
work tree's, checks the benchmark's quick data once, and draws each site's map with both in
turn, the order alternating from round to round, at report.docx's size; the first round warms
both and is not counted. Each map's process CPU time is summed per tree, and each pair of PNGs
is compared byte for byte. The rest of landcheck (the check, the texts' caches, the PNG
writer) is the work tree's for both, so only the map module's change is measured::

    git worktree add /var/tmp/base <commit>
    .venv/bin/python -m benchmarks.map_pairs --base /var/tmp/base
    .venv/bin/python -m benchmarks.map_pairs --base /var/tmp/base --sites GRID.gpkg --lang en

A measurement, not a test: one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import time
from types import ModuleType

import landcheck
from benchmarks.generate import build
from benchmarks.measure import SCENARIO_LAYERS
from landcheck.report import docx
from landcheck.report import maps as work_maps


def _base_maps(tree: str) -> ModuleType:
    """The maps module of the tree at ``tree``, loaded beside this one's."""
    path = os.path.join(tree, "landcheck", "report", "maps.py")
    if not os.path.isfile(path):
        raise SystemExit(f"--base {tree}: no landcheck/report/maps.py there")
    spec = importlib.util.spec_from_file_location("landcheck.report._base_maps", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the other tree (a worktree's folder)")
    parser.add_argument("--sites", help="a sites file (default: the quick data's scenario c)")
    parser.add_argument("--count", type=int, default=60, help="maps a round (default 60)")
    parser.add_argument("--rounds", type=int, default=4, help="rounds, the first not counted")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = parser.parse_args()
    manifest = build("quick")
    layers = {key: f"{manifest['layers']}:{key}" for key in SCENARIO_LAYERS["c"]}
    result = landcheck.check(args.sites or f"{manifest['sites']}:sites_c", layers=layers)
    middle = len(result.site_ids) // 2  # away from the first sites other benchmarks draw
    site_ids = list(result.site_ids)[middle : middle + args.count]
    trees = {"base": _base_maps(args.base), "work": work_maps}
    cpu = dict.fromkeys(trees, 0.0)
    same = 0
    for number in range(args.rounds):
        order = ("base", "work") if number % 2 == 0 else ("work", "base")
        for site_id in site_ids:
            images = {}
            for name in order:
                start = time.process_time()
                images[name] = trees[name].map_png(
                    result,
                    site_id,
                    lang=args.lang,
                    dpi=docx.MAP_DPI,
                    panel_size=docx.MAP_PANEL_INCHES,
                )
                if number:
                    cpu[name] += time.process_time() - start
            same += images["base"] == images["work"]
    counted = (args.rounds - 1) * len(site_ids)
    line = {
        "maps": len(site_ids),
        "rounds_counted": args.rounds - 1,
        "lang": args.lang,
        "base_ms": round(cpu["base"] / counted * 1e3, 2),
        "work_ms": round(cpu["work"] / counted * 1e3, 2),
        "ratio": round(cpu["work"] / cpu["base"], 3),
        "same_bytes": f"{same}/{args.rounds * len(site_ids)}",
        "load": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
