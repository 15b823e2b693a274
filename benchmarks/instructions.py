"""A report writer's work as the instructions it runs, counted by callgrind.

On a shared host one writer's CPU time moves by a third from minute to minute, so a change of a
few per cent cannot be told from the noise by timing it. The instructions a piece of work runs
do not move with the host's load: counted by valgrind's callgrind, the same work gives the same
count to 0.2 %, run after run. The count is not the time (a deflate loop runs more instructions
a nanosecond than Python's interpreter), but two versions of the same code compare by it.

This checks the benchmark's quick county (``benchmarks.generate``, the scenario's sites) in one
process, without instrumentation, and writes the report once to warm every cache; then it
counts the instructions of one more writing alone (``callgrind_control -i on`` … ``off``) and
prints them with the SHA-256 of what was written (the same bytes run after run, but for the
GeoPackage, which holds the time GDAL wrote it). The writers run here, none forked (the
process is held to one core). Two trees compare with ``PYTHONPATH``::

    .venv/bin/python -m benchmarks.instructions maps --sites 200
    git worktree add /var/tmp/base <commit>
    PYTHONPATH=/var/tmp/base .venv/bin/python -m benchmarks.instructions maps --sites 200

Writers: ``maps`` (report.html's SVG maps, four sites a call as the page workers draw them),
``pages`` (the site pages without maps), ``tables`` (the reviewer's tables), ``xlsx``, ``gpkg``,
``json``. Needs valgrind (Debian: ``apt-get install valgrind``). A measurement, not a test: one
JSON line on stdout.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timezone

WRITERS = ("maps", "pages", "tables", "xlsx", "gpkg", "json")

CREATED = datetime(2026, 1, 1, tzinfo=timezone.utc)
"""The result's time of creation, fixed: what is written is then the same bytes run after run."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("writer", choices=WRITERS)
    parser.add_argument("--scenario", choices=["b", "c"], default="c")
    parser.add_argument("--sites", type=int, help="the scenario's first sites only")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--counted", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counted:
        _write_counted(args)
    else:
        print(json.dumps(_count(args)))


def _count(args: argparse.Namespace) -> dict:
    """Run this module again under callgrind; the instructions it counted and what it wrote."""
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: install valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        counts = os.path.join(folder, "callgrind.out")
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={counts}",
            sys.executable,
            "-m",
            "benchmarks.instructions",
            *sys.argv[1:],
            "--counted",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"the counted run failed:\n{done.stderr[-2000:]}")
        written = json.loads(done.stdout.strip().splitlines()[-1])
        with open(counts) as handle:
            totals = [line for line in handle if line.startswith("totals:")]
    import landcheck

    return {
        "writer": args.writer,
        "scenario": args.scenario,
        "sites": written["sites"],
        "instructions": int(totals[-1].split()[1]),
        "sha256": written["sha256"],
        "landcheck": os.path.dirname(landcheck.__file__),
    }


def _write_counted(args: argparse.Namespace) -> None:
    """Under callgrind: write once, then count one more writing; its hash on stdout."""
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None  # written in memory, off the disk
    with tempfile.TemporaryDirectory(dir=shm) as out:
        write, sites = _writer(args, out)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # the writers fork no workers
        gc.collect()
        gc.freeze()
        write()  # caches warmed, as a batch's later sites find them
        _instrument("on")
        written = write()
        _instrument("off")
        digest = hashlib.sha256(written()).hexdigest()[:16]
    print(json.dumps({"sites": sites, "sha256": digest}))


def _instrument(state: str) -> None:
    """Have callgrind count this process's instructions from now (``on``), or no more (``off``)."""
    subprocess.run(
        ["callgrind_control", "-i", state, str(os.getpid())], check=True, capture_output=True
    )


def _writer(args: argparse.Namespace, out: str) -> tuple[Callable[[], Callable[[], bytes]], int]:
    """The writing to count, into the empty folder ``out``, and the number of sites.

    A writing returns how to read what it wrote, as bytes, once the counting is over.
    """
    import geopandas as gpd

    import landcheck
    from benchmarks.generate import build
    from benchmarks.measure import SCENARIO_LAYERS
    from landcheck.report.folder import WRITERS
    from landcheck.report.options import ReportOptions
    from landcheck.report.sitefiles import SITES_A_JOB
    from landcheck.tables import report_tables

    manifest = build("quick")
    sites = gpd.read_file(manifest["sites"], layer=f"sites_{args.scenario}")
    sites = sites.iloc[: args.sites] if args.sites else sites
    layers = {key: f"{manifest['layers']}:{key}" for key in SCENARIO_LAYERS[args.scenario]}
    result = landcheck.check(sites, layers=layers, workers=1)
    result.created = CREATED
    lang = args.lang
    options = ReportOptions(lang=lang)
    tables = options.tables(result)  # built once, as the command builds them for its writers

    def folder() -> str:
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        return out

    def read(*paths: str) -> Callable[[], bytes]:
        def text() -> bytes:
            parts = []
            for path in paths:
                with open(path, "rb") as handle:
                    parts.append(handle.read())
            return b"".join(parts)

        return text

    def maps() -> Callable[[], bytes]:
        from landcheck.report.svgmap import site_svgs

        ids, drawn = list(result.site_ids), []
        for start in range(0, len(ids), SITES_A_JOB):
            chunk = ids[start : start + SITES_A_JOB]
            prefixes = [f"m{start + k + 1}" for k in range(len(chunk))]
            drawn += site_svgs(result, chunk, lang=lang, prefixes=prefixes)
        return lambda: "".join(drawn).encode()

    def pages() -> Callable[[], bytes]:
        from landcheck.report.html import write_site_pages

        names = write_site_pages(result, folder(), lang=lang, maps=False, tables=tables)
        return read(*(os.path.join(out, name) for name in names))

    def tables_made() -> Callable[[], bytes]:
        made = report_tables(result, lang)
        return lambda: "".join(t.frame.to_csv() for t in made.values()).encode()

    def report_file() -> Callable[[], bytes]:  # a format's file, as the command writes it
        return read(WRITERS[args.writer](result, folder(), options))

    special = {"maps": maps, "pages": pages, "tables": tables_made}
    return special.get(args.writer, report_file), len(result.site_ids)


if __name__ == "__main__":
    main()
