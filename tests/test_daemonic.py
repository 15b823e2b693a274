"""A check and its report run in a daemonic process, which may start no process of its own.

A ``multiprocessing.Pool`` worker is daemonic: ``Process.start`` refuses there
with an ``AssertionError``. A batch big enough for the engine's worker
processes, the rules' and findings.json's forked halves must then do all their
work in that process, with the findings one process makes. The thresholds are
lowered so that the sample county's four candidate sites would use them all.
"""

from __future__ import annotations

import multiprocessing
import os

import pytest

import landcheck.engine as engine
import landcheck.report.json as report_json
import landcheck.rules.apply as apply
from landcheck import check
from landcheck.forked import can_start_processes, worker_count
from landcheck.report.json import FILENAME, write_json

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this system"
)


def _check_and_write(sites, layers, out):
    """In the pool's worker: the check, findings.json, and what the worker could start."""
    result = check(sites, layers=layers)
    write_json(result, out)
    findings = [[f.to_dict() for f in site] for site in result.findings]
    return can_start_processes(), worker_count(2, 2), os.getpid(), findings


def test_a_daemonic_process_checks_and_writes_a_batch_itself(sample_layers, monkeypatch, tmp_path):
    monkeypatch.setattr(engine, "PARALLEL_SITES", 2)
    monkeypatch.setattr(apply, "FORKED_FROM", 2)
    monkeypatch.setattr(report_json, "SPLIT_FROM", 2)
    sites = f"{sample_layers['land_use'].rpartition(':')[0]}:candidates"
    here = check(sites, layers=sample_layers)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # its worker is daemonic
        job = pool.apply_async(_check_and_write, (sites, sample_layers, str(tmp_path)))
        allowed, workers, pid, findings = job.get(timeout=120)  # a refused start may hang it
    assert pid != os.getpid()
    assert (allowed, workers) == (False, 0)
    assert findings == [[f.to_dict() for f in site] for site in here.findings]
    assert os.listdir(tmp_path) == [FILENAME]
    assert can_start_processes()
