"""The benchmarks' anatomy of a check: each step's CPU by process, and the cores left idle."""

from __future__ import annotations

import os
import sys
import time

import pytest

from benchmarks.anatomy import Sample, Tree, process_times, step_bounds, step_figures
from benchmarks.treememory import descendants

linux_only = pytest.mark.skipif(
    not os.path.exists("/proc/self/stat") or not sys.platform.startswith("linux"),
    reason="the anatomy reads Linux's /proc",
)


def test_each_step_counts_each_process_cpu_between_its_samples():
    # the calling process (1) busy all along; a worker (2) seen from 1.0 s on, so all its
    # CPU counts there; a forked process (3) seen at 2.0 s only, gone at 3.0 s
    samples = [
        Sample(0.0, {1: (10.0, 100)}),
        Sample(1.0, {1: (11.0, 150), 2: (0.4, 20)}),
        Sample(2.0, {1: (12.0, 160), 2: (1.4, 30), 3: (0.25, 5)}),
        Sample(3.0, {1: (12.5, 170), 2: (2.4, 30)}),
    ]
    steps = step_figures(
        samples, [("prepare", 0.0, 1.0), ("layers", 1.0, 2.0), ("sites", 2.0, 3.0)], 1, 2
    )
    assert [s["step"] for s in steps] == ["prepare", "layers", "sites"]
    assert [s["wall_s"] for s in steps] == [1.0, 1.0, 1.0]
    assert [s["root_cpu_s"] for s in steps] == [1.0, 1.0, 0.5]
    assert [s["others_cpu_s"] for s in steps] == [0.4, 1.25, 1.0]
    # two cores a second each step, less what the processes used
    assert [s["idle_core_s"] for s in steps] == [0.6, 0.0, 0.5]
    assert [s["page_faults"] for s in steps] == [70, 25, 10]


def test_a_step_between_two_samples_gets_nothing_and_idle_is_never_negative():
    samples = [Sample(0.0, {1: (0.0, 0)}), Sample(1.0, {1: (3.0, 0)})]
    quiet, busy = step_figures(samples, [("a", 0.0, 0.5), ("b", 0.5, 1.0)], 1, 2)
    assert (quiet["root_cpu_s"], quiet["idle_core_s"]) == (0.0, 1.0)
    assert (busy["root_cpu_s"], busy["idle_core_s"]) == (3.0, 0.0)


def test_the_steps_are_bounded_by_the_first_and_last_layers_events():
    events = [
        (0.25, "sites", 0, 10),
        (0.5, "layers", 0, 3),
        (1.0, "layers", 1, 3),
        (2.5, "layers", 3, 3),
        (2.75, "sites", 10, 10),
    ]
    assert step_bounds(events, 3.0) == [
        ("prepare", 0.0, 0.5),
        ("layers", 0.5, 2.5),
        ("sites", 2.5, 3.0),
    ]
    with pytest.raises(ValueError, match="nothing of its layers"):
        step_bounds([(0.1, "sites", 0, 1)], 1.0)


def _spinning_child(seconds: float) -> tuple[int, int, int]:
    """Fork a child that forks a grandchild; once told, both spin ``seconds`` of CPU and exit.

    Forked before any thread of the test starts. Returns the child's pid, the pipe's end
    that says both are there, and the end to write a byte to for them to start.
    """
    ready, told = os.pipe()
    start, go = os.pipe()
    pid = os.fork()
    if pid == 0:
        grandchild = os.fork()
        os.write(told, b"g" if grandchild == 0 else b"c")
        os.read(start, 1)
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
        if grandchild:
            os.waitpid(grandchild, 0)
        os._exit(0)
    os.close(told)
    os.close(start)
    return pid, ready, go


@linux_only
def test_the_tree_counts_a_forked_child_and_its_child_as_the_others():
    child, ready, go = _spinning_child(0.3)
    assert len(os.read(ready, 1) + os.read(ready, 1)) == 2
    found = set(descendants(os.getpid()))
    assert child in found and len(found) >= 2  # the grandchild is found through the child
    tree = Tree(os.getpid(), interval=0.02)
    with tree.sampled():
        os.write(go, b"xx")  # one byte each
        os.waitpid(child, 0)
    for end in (ready, go):
        os.close(end)
    (step,) = step_figures(tree.samples, [("all", 0.0, tree.samples[-1].at)], os.getpid(), 2)
    # two processes spun 0.3 s each; the last sample of each may miss up to one interval
    assert 0.4 <= step["others_cpu_s"] <= 0.7
    assert step["root_cpu_s"] < 0.2  # this process only waited and sampled
    assert step["idle_core_s"] == pytest.approx(
        max(0.0, 2 * step["wall_s"] - step["root_cpu_s"] - step["others_cpu_s"]), abs=0.002
    )


@linux_only
def test_a_process_gone_has_no_times():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    assert process_times(pid) is None
    cpu, faults = process_times(os.getpid())
    assert cpu > 0 and faults > 0


def test_samples_are_counted_again_from_another_moment():
    tree = Tree(1, started=10.0, samples=[Sample(0.0, {}), Sample(0.5, {1: (0.2, 3)})])
    moved = tree.since(10.25)  # the samples' clock started a quarter of a second earlier
    assert [s.at for s in moved] == [-0.25, 0.25]
    assert moved[1].times == {1: (0.2, 3)}
    assert [s.at for s in tree.samples] == [0.0, 0.5]  # the tree's own are left as they are
