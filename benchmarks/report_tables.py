"""The reviewer's tables at scale: time ``report_tables`` by site count, and snapshot them.

Two uses, neither a test::

    # seconds per call for growing site counts (new sites over the quick county)
    .venv/bin/python -m benchmarks.report_tables time --sites 500 1000 2000

    # every table of the demo, the sample's candidates and the quick county's 500 sites,
    # written as text (frame, rounded frame, title, note, columns, fixed cells) for diff -r
    .venv/bin/python -m benchmarks.report_tables snapshot OUTDIR

``time`` checks ``--sites`` sites drawn over the quick county (``benchmarks.generate``'s recipe,
its layers generated once) and times :func:`landcheck.tables.report_tables` on each result;
``--profile`` prints a pyinstrument profile of the largest. ``snapshot`` keeps the checked
results in ``--cache`` (pickles) so that a snapshot of other code reads the same results.
"""

from __future__ import annotations

import argparse
import os
import pickle
import tempfile
import time

import numpy as np

from benchmarks.generate import SIZES, build, site_polygons, sites_frame
from benchmarks.measure import SCENARIO_LAYERS
from landcheck import check
from landcheck.demo import SAMPLE_FILE, sample_layers
from landcheck.io.sample_files import write_sample
from landcheck.result import CheckResult
from landcheck.tables import ReportTable, report_tables

_RESULTS_SEED = 14


def quick_result(count: int) -> CheckResult:
    """``count`` new sites drawn over the quick county, checked against its six layers."""
    manifest = build("quick")
    rng = np.random.default_rng(_RESULTS_SEED + count)
    sites = sites_frame(site_polygons(SIZES["quick"], count, rng), "R")
    layers = {k: f"{manifest['layers']}:{k}" for k in SCENARIO_LAYERS["c"]}
    return check(sites, layers=layers)


def _snapshot_results(cache: str) -> dict[str, CheckResult]:
    """The demo's sites, the sample's candidates and the quick county's 500 sites, checked."""
    path = os.path.join(cache, "results.pickle")
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return pickle.load(handle)
    os.makedirs(cache, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="landcheck-tables-") as work:
        write_sample(os.path.join(work, "sample"))
        gpkg = os.path.join(work, "sample", SAMPLE_FILE)
        layers = sample_layers(gpkg)
        results = {
            "demo": check(f"{gpkg}:sites", layers=layers),
            "candidates": check(f"{gpkg}:candidates", layers=layers),
        }
    manifest = build("quick")
    layers = {k: f"{manifest['layers']}:{k}" for k in SCENARIO_LAYERS["c"]}
    results["quick_c"] = check(f"{manifest['sites']}:sites_c", layers=layers)
    with open(path, "wb") as handle:
        pickle.dump(results, handle)
    return results


def _table_text(table: ReportTable) -> str:
    """Everything a report shows of a table, as text that a byte comparison can judge."""
    parts = [
        f"key: {table.key}",
        f"title: {table.title}",
        f"lang: {table.lang}",
        f"note: {table.note}",
        f"columns: {[(c.key, c.zh, c.en, c.kind, c.wide) for c in table.columns]}",
        f"fixed: {sorted((k, sorted(v.items())) for k, v in table.fixed.items())}",
        f"dtypes: {list(table.frame.dtypes.astype(str).items())}",
        "frame:",
        table.frame.to_csv(float_format="%.17g"),
        "rounded:",
        table.rounded.to_csv(float_format="%.17g"),
    ]
    return "\n".join(parts)


def snapshot(out: str, cache: str) -> None:
    """Write every table of the snapshot results, in both languages, into ``out``."""
    os.makedirs(out, exist_ok=True)
    for name, result in _snapshot_results(cache).items():
        for lang in ("zh", "en"):
            start = time.perf_counter()
            tables = report_tables(result, lang)
            seconds = time.perf_counter() - start
            print(f"{name} {lang}: {len(result.site_ids)} sites, {seconds:.2f} s")
            for key, table in tables.items():
                with open(os.path.join(out, f"{name}.{lang}.{key}.txt"), "w") as handle:
                    handle.write(_table_text(table))


def time_tables(counts: list[int], profile: bool) -> None:
    """Print the wall and CPU seconds ``report_tables`` takes for each site count, and the load."""
    for count in counts:
        result = quick_result(count)
        start, cpu = time.perf_counter(), time.process_time()
        report_tables(result, "zh")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        load = os.getloadavg()[0]
        print(
            f"report_tables: {count} sites, {seconds:.2f} s wall, {cpu:.2f} s CPU, "
            f"{1000 * cpu / count:.1f} ms CPU a site (load {load:.1f})",
            flush=True,
        )
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        with profiler:
            report_tables(result, "zh")
        print(profiler.output_text(unicode=True, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    timing = commands.add_parser("time", help="time report_tables by site count")
    timing.add_argument("--sites", type=int, nargs="+", default=[500, 1000, 2000])
    timing.add_argument("--profile", action="store_true", help="profile the largest count")
    snap = commands.add_parser("snapshot", help="write every table as text")
    snap.add_argument("out")
    snap.add_argument("--cache", default=os.path.join("benchmarks", "results", "tables-cache"))
    args = parser.parse_args()
    if args.command == "time":
        time_tables(args.sites, args.profile)
    else:
        snapshot(args.out, args.cache)


if __name__ == "__main__":
    main()
