"""report.html for many sites: the index page's size and the time to write it and open it.

The sample county's 12 sites are copied, shifted by a few metres each time, up to ``--sites``
sites; the copies are checked against the sample's layers and report.html is written as
``landcheck check -f html`` writes it. The index of ``--sites`` sites is opened in headless
Chromium (when installed) and the time to its DOM is measured; then the pages of the first
``--pages`` sites are written, without the maps unless ``--maps`` (inline SVG, about 10 ms of CPU
a map; the maps do not enter the index), with their CPU time. ``--unpaged`` also writes and
opens the index with every row of the summary table as HTML (as before it was paged in the
browser). A measurement, not a test::

    .venv/bin/python -m benchmarks.html_pages --sites 10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time

import geopandas as gpd
from shapely import affinity

from landcheck import check
from landcheck.demo import SAMPLE_FILE, sample_layers
from landcheck.io.sample_files import write_sample
from landcheck.report import pager
from landcheck.report.html import FONT_CSS, INDEX_FONT_CSS, render_index, write_site_pages
from landcheck.report.sitefiles import SITES_FOLDER
from landcheck.tables import inputs_table, report_tables, summary_table
from landcheck.typeface import whole_font_face_css


def _sites(gpkg: str, count: int) -> gpd.GeoDataFrame:
    sample = gpd.read_file(gpkg, layer="sites")
    rows = []
    for i in range(count):
        row = sample.iloc[i % len(sample)].copy()
        copy = i // len(sample)
        row["site_id"] = f"{row['site_id']}-{copy:04d}"
        row["geometry"] = affinity.translate(row.geometry, 3.0 * (copy % 40), 3.0 * (copy // 40))
        rows.append(row)
    return gpd.GeoDataFrame(rows, crs=sample.crs)


def _open_seconds(path: str, work: str) -> float | None:
    browser = next(
        (shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)), None
    )
    if browser is None:
        return None
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        f"--user-data-dir={os.path.join(work, 'profile')}",
        "--proxy-server=127.0.0.1:9",
        "--dump-dom",
        "file://" + path,
    ]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=True, timeout=600)
    seconds = time.perf_counter() - start
    assert b'data-table="summary"' in done.stdout
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000, help="sites of the index")
    parser.add_argument("--pages", type=int, default=200, help="sites whose pages are written")
    parser.add_argument("--maps", action="store_true", help="draw the maps too")
    parser.add_argument("--opens", type=int, default=1, help="times each index is opened")
    parser.add_argument(
        "--unpaged", action="store_true", help="also the index with every row as HTML (before)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="landcheck-html-") as work:
        write_sample(os.path.join(work, "sample"))
        gpkg = os.path.join(work, "sample", SAMPLE_FILE)
        sites = _sites(gpkg, args.sites)
        start = time.perf_counter()
        result = check(sites, layers=sample_layers(gpkg))
        print(f"check: {args.sites} sites, {time.perf_counter() - start:.1f} s")
        # the index draws only these two tables (report_tables builds every table)
        tables = {"summary": summary_table(result, "zh"), "inputs": inputs_table(result, "zh")}
        empty = os.path.join(work, "empty.html")
        with open(empty, "w", encoding="utf-8") as handle:
            handle.write(
                '<!DOCTYPE html><html><body><table data-table="summary"></table></body></html>'
            )
        seconds = _open_seconds(empty, work)
        if seconds is not None:
            print(f"an empty page opens in {seconds:.1f} s (load {os.getloadavg()[0]:.1f})")
        folder = os.path.join(work, SITES_FOLDER)
        os.mkdir(folder)
        with open(os.path.join(folder, FONT_CSS), "w", encoding="utf-8") as handle:
            handle.write(whole_font_face_css())  # the font the index links, as in a report
        variants = [("paged", pager.PAGE_ROWS)]
        if args.unpaged:
            variants.append(("every row as HTML", 10**9))
        for name, rows in variants:
            pager.PAGE_ROWS = rows
            start = time.perf_counter()
            index = os.path.join(work, "report.html")
            with open(index, "w", encoding="utf-8") as handle:
                handle.write(render_index(result, tables=tables, font_css=INDEX_FONT_CSS))
            size = os.path.getsize(index)
            print(f"index ({name}): {time.perf_counter() - start:.1f} s, {size / 1e6:.2f} MB")
            for _ in range(args.opens):
                seconds = _open_seconds(index, work)
                shown = "no browser" if seconds is None else f"{seconds:.1f} s"
                load = os.getloadavg()[0]
                print(f"  open in headless Chromium: {shown} (load {load:.1f})", flush=True)
        if args.pages <= 0:
            return
        part = check(sites.iloc[: args.pages], layers=sample_layers(gpkg))
        start = time.perf_counter()
        tables = report_tables(part, "zh")
        print(f"report_tables: {args.pages} sites, {time.perf_counter() - start:.1f} s")
        start, cpu = time.perf_counter(), time.process_time()
        write_site_pages(part, folder, maps=args.maps, tables=tables)
        pages = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        maps = "with" if args.maps else "without"
        print(
            f"site pages {maps} maps: {args.pages}, {seconds:.1f} s ({cpu:.1f} s CPU), "
            f"{pages / 1e6:.1f} MB (load {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
