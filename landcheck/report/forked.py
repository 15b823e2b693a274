"""Jobs run in forked worker processes, one per core, their results handed back in order.

A report's site pages are drawn from one :class:`~landcheck.result.CheckResult`
and the batch's kept indexes; forked workers share them with the calling
process without copying or pickling: only a job's number goes out and its
(small) result comes back. Fork is used only where it is the default and
safe (Linux); elsewhere, or on one core, the jobs run in the calling process,
with the same results.

A worker stops at once on Ctrl+C or SIGTERM; an error in a job is raised in
the calling process (the other jobs cancelled, the workers waited for), so
the caller's staging folder can be removed with nothing still writing into it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from landcheck.errors import OutputError

__all__ = ["job_result", "run_jobs", "start_worker", "worker_count"]

T = TypeVar("T")

_JOBS: list[Callable[[], Any]] = []
"""The jobs the workers run (set only while they are forked)."""

_JOBS_LOCK = threading.Lock()


def worker_count(jobs: int, workers: int | None = None) -> int:
    """Worker processes for ``jobs`` jobs: one per core this process may use, 0 to run them here.

    ``workers`` caps the count; fewer than two workers are not worth forking.
    """
    if (
        not sys.platform.startswith("linux")
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    count = min(workers if workers is not None else (cores or 1), jobs)
    return count if count >= 2 else 0


def start_worker() -> None:
    """A forked worker's initializer: it stops on Ctrl+C or SIGTERM at once."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    warnings.simplefilter("ignore")


def _run(number: int) -> Any:
    return _JOBS[number]()


def job_result(future: Future[T]) -> T:
    """A forked worker's result; a worker that died (killed, out of memory) is an OutputError."""
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise OutputError(
            "a worker process writing the report stopped without finishing "
            "(killed, or out of memory); nothing was written. Free memory and run "
            "again, or check the sites in smaller batches"
        ) from error


def run_jobs(
    jobs: Sequence[Callable[[], T]],
    *,
    done: Callable[[int, T], None] | None = None,
    workers: int | None = None,
) -> list[T]:
    """Run each job (forked workers on Linux, one a core); return their results in job order.

    Parameters
    ----------
    jobs : sequence of callable
        Functions of no argument; run in a forked copy of this process, so
        they may close over anything (nothing of them is pickled) but must
        return something picklable. Files they write are seen by the caller;
        changes to its objects are not.
    done : callable, optional
        ``done(number, result)`` in the calling process as each job's result
        arrives, in job order.
    workers : int, optional
        Most worker processes (default: the cores this process may use).

    Raises
    ------
    OutputError
        A worker process died before its job's result came back (killed, or out
        of memory); the other workers are stopped first.

    Examples
    --------
    >>> run_jobs([lambda: 1, lambda: 2, lambda: 3], workers=2)
    [1, 2, 3]
    """
    count = worker_count(len(jobs), workers)
    results: list[T] = []
    if not count:
        for number, job in enumerate(jobs):
            results.append(job())
            if done is not None:
                done(number, results[-1])
        return results
    with _JOBS_LOCK:
        _JOBS[:] = jobs
        try:
            pool = ProcessPoolExecutor(
                max_workers=count,
                mp_context=multiprocessing.get_context("fork"),
                initializer=start_worker,
            )
            # every worker is forked at the first submission, holding _JOBS
            futures = [pool.submit(_run, number) for number in range(len(jobs))]
        finally:
            _JOBS.clear()
    try:
        for number, future in enumerate(futures):
            results.append(job_result(future))
            if done is not None:
                done(number, results[-1])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results
