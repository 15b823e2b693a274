"""Where a check's time goes: its steps, each process's CPU, and the cores left idle.

Runs ``landcheck.check()`` on a scenario of the benchmark data (``benchmarks.generate``) in
this process, and samples every :data:`INTERVAL_S` the CPU time (user and system) and the
minor page faults of this process and of every process below it (``/proc/PID/stat``): the
engine's forkserver and workers, the rules' forked process. The check's own progress events
mark its steps:

- ``prepare``: from the call to its first ``layers`` event (reading and preparing the sites,
  starting the workers);
- ``layers``: to its last ``layers`` event (each layer read, cut, measured);
- ``sites``: to its return (the sites' views, the project totals, the rules).

For each step: its wall time, this process's CPU, the other processes' CPU, the core-seconds
left idle (the usable cores × the wall time − the CPU) and the page faults. A batch's targets
(issue 14) need to know whether the time lost is an idle core (a better share would take it
back) or CPU (only less work would)::

    .venv/bin/python -m benchmarks.anatomy --size full --scenario c
    .venv/bin/python -m benchmarks.anatomy --size quick --scenario c --cold

The check runs twice by default and the second is measured (the workers started, the
caches warm: what a planner re-running a cell sees); ``--cold`` measures the first. The CPU
of a process that ends between two samples is counted up to its last sample, so the
figures are lower bounds within one interval; the CPU between two samples goes to the step
of the later one, and the kernel counts CPU in ticks (0.01 s): a step shorter than a few
intervals is not resolved, so the tool is meant for batches (seconds), not for one site.
Linux only. A measurement, not a test: one JSON line on stdout, a table on stderr.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from benchmarks.treememory import descendants
from landcheck.threads import usable_cores

INTERVAL_S = 0.05
"""Seconds between two samples of the process tree."""

STEPS = ("prepare", "layers", "sites")
"""The steps of a check, in order (see the module's notes)."""

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_times(pid: int) -> tuple[float, int] | None:
    """A process's CPU seconds (user and system) and minor page faults; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after the name: state is field 3, minflt field 10, utime 14, stime 15 (proc(5))
    return (int(fields[11]) + int(fields[12])) / _TICKS, int(fields[7])


@dataclass
class Sample:
    """The tree at one moment: seconds since the start, and each process's times."""

    at: float
    times: dict[int, tuple[float, int]]


@dataclass
class Tree:
    """Samples of a process tree (``root`` and its descendants), taken in a thread."""

    root: int
    interval: float = INTERVAL_S
    samples: list[Sample] = field(default_factory=list)
    started: float = 0.0

    def sample(self) -> None:
        """Add one sample of every process of the tree."""
        times = {}
        for pid in [self.root, *descendants(self.root)]:
            found = process_times(pid)
            if found is not None:
                times[pid] = found
        self.samples.append(Sample(time.perf_counter() - self.started, times))

    def since(self, moment: float) -> list[Sample]:
        """The samples with their seconds counted from ``moment`` (a ``perf_counter()``)."""
        shift = self.started - moment
        return [Sample(sample.at + shift, sample.times) for sample in self.samples]

    @contextmanager
    def sampled(self) -> Iterator[Tree]:
        """Sample the tree until the block ends (a first sample at its start, a last at its end)."""
        stop = threading.Event()
        self.started = time.perf_counter()
        self.sample()

        def run() -> None:
            while not stop.wait(self.interval):
                self.sample()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
            self.sample()


def step_figures(
    samples: Sequence[Sample], bounds: Sequence[tuple[str, float, float]], root: int, cores: int
) -> list[dict]:
    """Each step's wall time, CPU of ``root`` and of the others, idle core-seconds, page faults.

    ``bounds`` are ``(name, start, end)`` in the samples' seconds. The CPU of a process
    between two samples is counted in the step holding the later one; a process first seen
    in a sample counts all its CPU there (a forked or spawned process starts at zero).

    Examples
    --------
    >>> samples = [Sample(0.0, {1: (0.0, 0)}), Sample(1.0, {1: (0.9, 10), 2: (0.5, 4)}),
    ...            Sample(2.0, {1: (1.9, 30), 2: (1.5, 8)})]
    >>> [(s["step"], s["root_cpu_s"], s["others_cpu_s"], s["idle_core_s"])
    ...  for s in step_figures(samples, [("a", 0.0, 1.0), ("b", 1.0, 2.0)], 1, 2)]
    [('a', 0.9, 0.5, 0.6), ('b', 1.0, 1.0, 0.0)]
    """
    figures = []
    for name, start, end in bounds:
        root_cpu = others_cpu = 0.0
        faults = 0
        for before, after in itertools.pairwise(samples):
            if not start < after.at <= end:
                continue
            for pid, (cpu, minflt) in after.times.items():
                was_cpu, was_flt = before.times.get(pid, (0.0, 0))
                if pid == root:
                    root_cpu += cpu - was_cpu
                else:
                    others_cpu += cpu - was_cpu
                faults += minflt - was_flt
        wall = end - start
        figures.append(
            {
                "step": name,
                "wall_s": round(wall, 3),
                "root_cpu_s": round(root_cpu, 3),
                "others_cpu_s": round(others_cpu, 3),
                "idle_core_s": round(max(0.0, cores * wall - root_cpu - others_cpu), 3),
                "page_faults": faults,
            }
        )
    return figures


def step_bounds(events: Sequence[tuple[float, str, int, int]], end: float) -> list[tuple]:
    """:data:`STEPS` as ``(name, start, end)`` from a check's progress events.

    ``events`` are ``(seconds, stage, done, total)``; the check ran from 0 to ``end``.

    Examples
    --------
    >>> step_bounds([(0.2, "sites", 0, 9), (0.3, "layers", 0, 2), (0.9, "layers", 2, 2),
    ...              (1.0, "sites", 9, 9)], 1.5)
    [('prepare', 0.0, 0.3), ('layers', 0.3, 0.9), ('sites', 0.9, 1.5)]
    """
    layers = [at for at, stage, _, _ in events if stage == "layers"]
    if not layers:
        raise ValueError("the check said nothing of its layers: no steps to tell apart")
    edges = (0.0, layers[0], layers[-1], end)
    return [(name, edges[k], edges[k + 1]) for k, name in enumerate(STEPS)]


def anatomy(size: str, scenario: str, *, cold: bool = False) -> dict:
    """Check the scenario (twice unless ``cold``) and tell where the measured check's time went."""
    from benchmarks.generate import build
    from benchmarks.measure import SCENARIO_LAYERS
    from landcheck import check

    manifest = build(size)
    sites = f"{manifest['sites']}:sites_{scenario}"
    layers = {key: f"{manifest['layers']}:{key}" for key in SCENARIO_LAYERS[scenario]}
    if not cold:
        check(sites, layers=layers)
    events: list[tuple[float, str, int, int]] = []
    tree = Tree(os.getpid())
    with tree.sampled():
        started = time.perf_counter()

        def heard(stage: str, done: int, total: int) -> None:
            events.append((time.perf_counter() - started, stage, done, total))

        check(sites, layers=layers, progress=heard)
        end = time.perf_counter() - started
    cores = usable_cores()
    steps = step_figures(tree.since(started), step_bounds(events, end), os.getpid(), cores)
    return {
        "size": size,
        "scenario": scenario,
        "measured": "first check" if cold else "second check",
        "wall_s": round(end, 3),
        "cores": cores,
        "root_cpu_s": round(sum(s["root_cpu_s"] for s in steps), 3),
        "others_cpu_s": round(sum(s["others_cpu_s"] for s in steps), 3),
        "idle_core_s": round(sum(s["idle_core_s"] for s in steps), 3),
        "steps": steps,
    }


def _table(line: dict) -> str:
    """The steps as a plain table for the terminal."""
    rows = [f"{'step':8} {'wall':>7} {'this':>7} {'others':>7} {'idle':>7} {'faults':>9}"]
    for step in line["steps"]:
        rows.append(
            f"{step['step']:8} {step['wall_s']:7.2f} {step['root_cpu_s']:7.2f} "
            f"{step['others_cpu_s']:7.2f} {step['idle_core_s']:7.2f} {step['page_faults']:9,}"
        )
    rows.append(
        f"{'all':8} {line['wall_s']:7.2f} {line['root_cpu_s']:7.2f} {line['others_cpu_s']:7.2f} "
        f"{line['idle_core_s']:7.2f}   (seconds; {line['cores']} cores)"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["quick", "full"], default="full")
    parser.add_argument("--scenario", choices=["a", "b", "c", "e"], default="c")
    parser.add_argument("--cold", action="store_true", help="measure the process's first check")
    args = parser.parse_args()
    if not os.path.exists("/proc/self/stat"):
        raise SystemExit("benchmarks.anatomy reads /proc: Linux only")
    line = anatomy(args.size, args.scenario, cold=args.cold)
    print(_table(line), file=sys.stderr)
    print(json.dumps(line))


if __name__ == "__main__":
    main()
