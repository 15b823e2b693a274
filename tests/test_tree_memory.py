"""The benchmarks' whole-tree memory: a forked child's own pages counted, shared ones once."""

from __future__ import annotations

import os
import sys
import time

import pytest

from benchmarks.treememory import TreeMemory, tree_pss_mb

pytestmark = pytest.mark.skipif(
    not os.path.exists("/proc/self/smaps_rollup") or not sys.platform.startswith("linux"),
    reason="PSS is read from Linux's /proc",
)

MB = 2**20


def _child_holding(private_mb: int) -> tuple[int, int]:
    """Fork a child that writes ``private_mb`` MB of its own, then waits to be let go.

    Returns its pid and the pipe's end to write a byte to (and close) to let it exit.
    """
    ready, signal = os.pipe()
    wait_for, release = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own pages, then wait to be measured
        own = bytearray(private_mb * MB)
        own[::4096] = b"\x01" * len(own[::4096])
        os.write(signal, b"x")
        os.read(wait_for, 1)
        os._exit(0)
    for end in (signal, wait_for):
        os.close(end)
    os.read(ready, 1)
    os.close(ready)
    return pid, release


def _let_go(pid: int, release: int) -> None:
    os.write(release, b"x")
    os.close(release)
    os.waitpid(pid, 0)


def _private_mb(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        return sum(int(line.split()[1]) for line in handle if line.startswith("Private")) / 1024


def test_the_tree_holds_what_a_forked_child_writes_and_shares_the_rest():
    shared = bytearray(120 * MB)  # the parent's pages, shared with the child after the fork
    shared[::4096] = b"\x02" * len(shared[::4096])
    alone, _ = tree_pss_mb(os.getpid())
    pid, release = _child_holding(100)
    try:
        total, processes = tree_pss_mb(os.getpid())
        private = _private_mb(pid)
    finally:
        _let_go(pid, release)
    assert processes >= 2
    assert private > 95  # the child's own 100 MB
    # the tree grew by what the child holds alone: what it shares is counted once, not twice
    assert abs((total - alone) - private) < 15


def test_the_sampler_keeps_the_peak_of_a_child_that_is_gone():
    with TreeMemory(os.getpid(), interval=0.02) as memory:
        pid, release = _child_holding(80)
        time.sleep(0.2)
        _let_go(pid, release)
        time.sleep(0.1)
    after, _ = tree_pss_mb(os.getpid())
    assert memory.peak_mb is not None and memory.peak_mb - after > 75
    assert memory.figures()["tree_processes"] >= 2
