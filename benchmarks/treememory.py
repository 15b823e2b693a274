"""The memory a command's whole process tree holds at its peak, not only its largest process's.

A batch's command is several processes: the engine's workers, the rules' forked
process, the report's forked writers and their page workers. Each one's peak
RSS (what ``ru_maxrss`` and ``VmHWM`` give) says nothing of their sum, and
summing RSS counts twice every page a forked process still shares with its
parent. PSS (proportional set size) counts a page shared by *n* processes as
1/*n* in each, so the tree's PSS summed is what it holds in RAM. It is sampled
(``/proc/PID/smaps_rollup``, 0.35 ms for a 500 MB process): a peak shorter than
the interval can be missed, so the figure is a lower bound within it.

Linux only (``/proc``, and a kernel listing a task's children); elsewhere the
peak stays ``None``.
"""

from __future__ import annotations

import os
import threading
import time

INTERVAL_S = 0.1
"""Seconds between two samples of the tree."""


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (every thread's): none once it has exited."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def proc_mb(pid: int | str, name: str, field: str) -> float:
    """The ``FIELD: N kB`` line of ``/proc/PID/NAME`` in MB (0 once the process has exited)."""
    try:
        with open(f"/proc/{pid}/{name}") as handle:
            for line in handle:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: its children, theirs, and so on (none once it has exited)."""
    found: list[int] = []
    waiting = _children(pid)
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting += _children(current)
    return found


def tree_pss_mb(pid: int) -> tuple[float, int]:
    """The PSS of ``pid`` and all its descendants, summed (MB), and how many they are."""
    total, count = 0.0, 0
    for current in [pid, *descendants(pid)]:
        size = proc_mb(current, "smaps_rollup", "Pss")
        if size:
            total += size
            count += 1
    return total, count


class TreeMemory:
    """Sample a process tree's summed PSS in a thread until the block ends; keep its peak.

    Attributes
    ----------
    peak_mb : float or None
        The largest sum seen (None where ``/proc`` cannot say).
    processes : int
        How many processes held it then.
    """

    def __init__(self, pid: int, interval: float = INTERVAL_S) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_mb: float | None = None
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        if not os.path.exists(f"/proc/{self.pid}/task"):
            return
        while not self._stop.is_set():
            total, count = tree_pss_mb(self.pid)
            if count and (self.peak_mb is None or total > self.peak_mb):
                self.peak_mb, self.processes = total, count
            time.sleep(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def figures(self) -> dict:
        """The peak for a benchmark's JSON line: MB (rounded) and the processes then."""
        peak = None if self.peak_mb is None else round(self.peak_mb)
        return {"tree_peak_mb": peak, "tree_processes": self.processes}
