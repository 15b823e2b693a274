"""The whole command with its reports: wall time, peak memory, each writer's time, file sizes.

Runs ``landcheck check SITES --layer … -o DIR -f FORMATS --progress json`` in a child
process on the benchmark data (``benchmarks.generate``) and times every progress event as it
arrives, so each writer's time is the span of its ``write:<format>`` events (and building the
reviewer's tables, once for HTML, XLSX and Word, the span of ``write:tables``). The sites are a
scenario's (``--scenario c``: the quick county's 500 sites) or a village grid (``--grid N``:
N rectangular cells covering the region row by row, written once beside the data, never
committed)::

    .venv/bin/python -m benchmarks.reports --size quick --scenario c -f json
    .venv/bin/python -m benchmarks.reports --size quick --scenario c -f json,html,xlsx,gpkg
    .venv/bin/python -m benchmarks.reports --size quick --grid 10653 -f json,html,xlsx,gpkg

``--pairs N`` measures the target instead (every format within 2× of json alone): N pairs of
fresh commands run as a reviewer runs them (``-q``, no progress), ``-f json`` then ``-f
FORMATS``, alternated; each pair's wall and CPU time and their ratio::

    .venv/bin/python -m benchmarks.reports --size quick --scenario c --pairs 5

A batch's report folder is hundreds of files (a page per site), and what making a file costs
depends on the disk and even on the folder: on one host 500 empty files took 0.01 s in one
folder and 0.3 s in another of the same ext4 file system. ``--work DIR`` chooses where the
folders are written (default: the system's temporary folder; ``/dev/shm`` takes the disk out),
and the line records what making a file cost there (``file_create_ms``).

A run also tells its phases apart (``phases``: its start to the first progress event, the check,
the writing from the first writer's event), each with the CPU of the command's process and of
the processes below it and the core-seconds left idle, sampled as :mod:`benchmarks.anatomy`
samples a check.

A measurement, not a test: one JSON line on stdout, the load average with it; each stage's
start and end (or each pair) on stderr as they happen.
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import pyogrio
import shapely

import landcheck
from benchmarks.anatomy import Tree, step_figures
from benchmarks.generate import SIZES, build, sites_frame
from benchmarks.measure import SCENARIO_LAYERS
from benchmarks.treememory import TreeMemory
from landcheck.threads import usable_cores


def village_grid(size_name: str, count: int) -> str:
    """``count`` rectangular cells covering the region, row by row; the GeoPackage's path."""
    manifest = build(size_name)
    path = os.path.join(os.path.dirname(manifest["layers"]), f"{size_name}-grid-{count}.gpkg")
    if os.path.exists(path):
        return path
    size = SIZES[size_name]
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    width, height = size.side_m / columns, size.side_m / rows
    cells = [
        shapely.box(
            size.x0 + (i % columns) * width,
            size.y0 + (i // columns) * height,
            size.x0 + (i % columns + 1) * width,
            size.y0 + (i // columns + 1) * height,
        )
        for i in range(count)
    ]
    frame = sites_frame(cells, "V")
    frame["name"] = [f"合成村{i + 1}" for i in range(count)]
    part = path.removesuffix(".gpkg") + "-part.gpkg"
    pyogrio.write_dataframe(frame, part, layer="villages", driver="GPKG")
    os.replace(part, path)
    return path


_ENV = {**os.environ, "LANDCHECK_CACHE_DIR": "off"}
"""The commands' environment: every run hashes its inputs, as a first run does, and no
benchmark writes the user's cache of digests."""


def run(sites: str, layers: str, formats: str, out: str) -> dict:
    """Run the command once; its wall time, each stage's span, its memory at the peak.

    ``peak_rss_mb``: the largest process's peak (of those it waited for);
    ``tree_peak_mb``: its whole process tree's (:mod:`benchmarks.treememory`).
    """
    command = [*_command(sites, layers, formats, out), "--progress", "json"]
    spans: dict[str, list[float]] = {}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=_ENV
    )
    other = []
    tree = Tree(process.pid)
    with TreeMemory(process.pid) as memory, tree.sampled():
        for line in process.stderr:  # type: ignore[union-attr]
            now = time.perf_counter() - start
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                other.append(line.rstrip())
                continue
            if event["stage"] not in spans:
                print(f"{now:8.1f} s  {event['stage']} starts", file=sys.stderr, flush=True)
            span = spans.setdefault(event["stage"], [now, now, 0])
            span[1], span[2] = now, event["total"]
            if event["total"] and event["done"] == event["total"]:
                print(f"{now:8.1f} s  {event['stage']} done", file=sys.stderr, flush=True)
        code = process.wait()
        wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise SystemExit(f"landcheck exited with {code}: {' '.join(other[-5:])}")
    files = {}
    for folder, _, names in os.walk(out):
        for name in names:
            path = os.path.join(folder, name)
            top = os.path.relpath(path, out).split(os.sep)[0]
            files[top] = files.get(top, 0) + os.path.getsize(path)
    return {
        "wall_s": round(wall, 1),
        "cpu_children_s": round(usage.ru_utime + usage.ru_stime, 1),
        "phases": _phases(tree, start, spans, wall),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        **memory.figures(),
        "stages_s": {k: round(v[1] - v[0], 1) for k, v in spans.items()},
        "stage_totals": {k: v[2] for k, v in spans.items()},
        "files_mb": {k: round(v / 1e6, 2) for k, v in sorted(files.items())},
    }


def _phases(tree: Tree, start: float, spans: dict[str, list[float]], wall: float) -> list[dict]:
    """The command's start, check and writing: each one's CPU and idle cores (``anatomy``).

    ``start``: to its first progress event (the imports, the arguments); ``check``: to the
    first writer's; ``writing``: to its end. The samples are of the command's whole tree.
    """
    if not spans:
        return []
    checked = min(span[0] for span in spans.values())
    writes = [span[0] for stage, span in spans.items() if stage.startswith("write:")]
    written = min(writes) if writes else wall
    bounds = [("start", 0.0, checked), ("check", checked, written), ("writing", written, wall)]
    phases = step_figures(tree.since(start), bounds, tree.root, usable_cores())
    for phase in phases:
        print(
            f"{phase['step']:>8}: {phase['wall_s']:.2f} s, CPU {phase['root_cpu_s']:.2f} s here "
            f"and {phase['others_cpu_s']:.2f} s in its other processes, "
            f"{phase['idle_core_s']:.2f} core-seconds idle",
            file=sys.stderr,
        )
    return phases


def _command(sites: str, layers: str, formats: str, out: str) -> list[str]:
    """The ``landcheck check`` command line for ``sites`` against the scenario's layers."""
    landcheck = os.path.join(os.path.dirname(sys.executable), "landcheck")
    command = [landcheck, "check", sites, "-o", out, "-f", formats]
    for key in SCENARIO_LAYERS["c"]:
        command += ["--layer", f"{key}={layers}:{key}"]
    return command


def timed(sites: str, layers: str, formats: str, out: str) -> tuple[float, float]:
    """Run the command once, quiet; its wall time and its CPU time (user and system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [*_command(sites, layers, formats, out), "-q"],
        check=True,
        stdout=subprocess.DEVNULL,
        env=_ENV,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def pairs(sites: str, layers: str, formats: str, work: str, count: int) -> dict:
    """``count`` pairs of quiet commands, ``-f json`` then ``-f formats``; times and ratios."""
    measured = []
    for number in range(count):
        json_s, json_cpu = timed(sites, layers, "json", os.path.join(work, f"json-{number}"))
        formats_s, formats_cpu = timed(sites, layers, formats, os.path.join(work, f"all-{number}"))
        pair = {
            "json_s": round(json_s, 2),
            "formats_s": round(formats_s, 2),
            "ratio": round(formats_s / json_s, 2),
            "json_cpu_s": round(json_cpu, 2),
            "formats_cpu_s": round(formats_cpu, 2),
        }
        print(json.dumps(pair), file=sys.stderr, flush=True)
        measured.append(pair)
    ratios = sorted(pair["ratio"] for pair in measured)
    return {
        "pairs": measured,
        "ratio_min": ratios[0],
        "ratio_median": round(statistics.median(ratios), 2),
        "ratio_max": ratios[-1],
    }


def file_create_ms(folder: str, count: int = 300) -> float:
    """Milliseconds to make (and close) one empty file in a new folder inside ``folder``."""
    with tempfile.TemporaryDirectory(dir=folder) as probe:
        start = time.perf_counter()
        for number in range(count):
            os.close(os.open(os.path.join(probe, f"{number}.html"), os.O_CREAT | os.O_WRONLY))
        return round((time.perf_counter() - start) / count * 1000, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--scenario", choices=["b", "c"], help="the size's scenario sites")
    parser.add_argument("--grid", type=int, help="a village grid of this many cells instead")
    parser.add_argument("-f", "--formats", default="json,html,xlsx,gpkg")
    parser.add_argument("--pairs", type=int, help="time this many pairs: json alone, then -f")
    parser.add_argument("--work", help="where to write the report folders (default: temporary)")
    args = parser.parse_args()
    if args.work is not None and not os.path.isdir(args.work):
        parser.error(f"--work {args.work!r}: no such folder; give an existing one (e.g. /dev/shm)")
    # the commands' modules compiled first, as `make bytecode` does for `make bench`: where
    # PYTHONDONTWRITEBYTECODE is set, a module edited since would be compiled in every process
    compileall.compile_dir(os.path.dirname(landcheck.__file__), quiet=1)
    manifest = build(args.size)
    if args.grid:
        sites = f"{village_grid(args.size, args.grid)}:villages"
        label = f"grid {args.grid}"
    else:
        scenario = args.scenario or "c"
        sites = f"{manifest['sites']}:sites_{scenario}"
        label = f"scenario {scenario}"
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="landcheck-reports-", dir=args.work) as work:
        create_ms = file_create_ms(work)
        if args.pairs:
            figures = pairs(sites, manifest["layers"], args.formats, work, args.pairs)
        else:
            figures = run(sites, manifest["layers"], args.formats, os.path.join(work, "out"))
    line = {
        "size": args.size,
        "sites": label,
        "formats": args.formats,
        **figures,
        "work": os.path.dirname(work),
        "file_create_ms": create_ms,
        "load_before": [round(x, 1) for x in load],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
