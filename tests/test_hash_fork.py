"""An input still being hashed when a process forks: the forked one never waits forever.

The command hashes its input files in a background thread from its start (a
province's GeoPackage takes seconds). A report's writers are forked processes
that record each input's SHA-256; the hashing thread is not in them.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
import time

import geopandas as gpd
from common import GK35, square

import landcheck.io.records as records
from landcheck import check
from landcheck.report import write_report
from landcheck.report.folder import SIDE_BY_SIDE_SITES


def _send_digest(path: str, connection) -> None:
    connection.send(records.file_sha256(path))


def test_a_forked_process_hashes_a_file_this_one_was_still_hashing(tmp_path):
    path = tmp_path / "layers.gpkg"
    data = os.urandom(1 << 20)
    path.write_bytes(data)
    version = records.file_version(str(path))
    hashing = records._hashing(version)
    assert hashing.started.acquire(blocking=False)  # as the background thread holds it
    try:
        context = multiprocessing.get_context("fork")
        here, there = context.Pipe()
        child = context.Process(target=_send_digest, args=(str(path), there))
        child.start()
        child.join(30)
        hung = child.is_alive()
        if hung:
            child.kill()
        assert not hung, "the forked process waited for a digest no thread of its computes"
        assert child.exitcode == 0
        assert here.recv() == hashlib.sha256(data).hexdigest()
    finally:
        hashing.started.release()
        with records._HASHES_LOCK:
            records._HASHES.pop(version, None)


def test_a_report_forks_its_writers_once_the_inputs_are_hashed(tmp_path, monkeypatch):
    sites = gpd.GeoDataFrame(
        {"site_id": [f"S{i}" for i in range(SIDE_BY_SIDE_SITES)]},
        geometry=[square(300 * i, 0, 100) for i in range(SIDE_BY_SIDE_SITES)],
        crs=GK35,
    )
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[square(0, 50, 300 * SIDE_BY_SIDE_SITES, 100)], crs=GK35
    )
    path = str(tmp_path / "inputs.gpkg")
    sites.to_file(path, layer="sites", driver="GPKG")
    farmland.to_file(path, layer="farmland", driver="GPKG")
    result = check(f"{path}:sites", layers={"farmland": f"{path}:farmland"})
    assert result.layer("S0", "farmland").overlap.planar_m2 == 5_000.0  # 100 m × 50 m
    real = records._sha256_of

    def slow(file: str) -> str:  # a province's GeoPackage: still hashing when the check ends
        time.sleep(1.0)
        return real(file)

    monkeypatch.setattr(records, "_sha256_of", slow)
    os.utime(path, ns=(1_000_000_000, 3_000_000_000))  # a file version not hashed before
    records.start_hashing([f"{path}:farmland"])
    written: dict = {}
    writer = threading.Thread(
        target=lambda: written.update(write_report(result, tmp_path / "out", formats="json,gpkg")),
        daemon=True,
    )
    writer.start()
    writer.join(60)
    assert not writer.is_alive(), "a forked writer waited for a digest no thread of its computes"
    with open(written["json"], encoding="utf-8") as handle:
        inputs = json.load(handle)["inputs"]
    with open(path, "rb") as handle:
        expected = hashlib.sha256(handle.read()).hexdigest()
    assert {record["sha256"] for record in inputs if record["path"] == path} == {expected}
