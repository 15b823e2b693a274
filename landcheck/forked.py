"""Jobs run in forked worker processes, their results handed back in order.

A report's site pages are drawn from one :class:`~landcheck.result.CheckResult`
and the batch's kept indexes, half a big batch's findings from the sites' views
(:meth:`landcheck.rules.apply.ProfileRules.evaluate_all`, shared out by
:mod:`landcheck.bothends`); forked workers share
them with the calling process without copying or pickling: only a job's number
goes out and its (small) result comes back. Fork is used only where it is the
default and safe (Linux); elsewhere, on one core, or in a daemonic process
(which may start none), the jobs run in the calling process, with the same
results.

:func:`run_jobs` spreads many jobs over one worker a core; :func:`beside`
runs one job (a whole writer) in a forked process while the caller goes on,
and a :class:`Relay` carries the progress such a process reports back to the
caller's bars.

A worker stops at once on Ctrl+C or SIGTERM, and the kernel ends it
(SIGKILL) when the process that started it ends, however that ends: a forked
writer ended by SIGTERM takes the workers it started with it, and so does a
killed command, instead of leaving them blocked forever on a pipe and holding
the caller's stdout and stderr open (:func:`start_worker`). An error in a job
is raised in the calling process (the other jobs cancelled, the workers
waited for), so the caller's staging folder can be removed with nothing still
writing into it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from landcheck.errors import LandcheckError, OutputError
from landcheck.gcpause import collector_frozen
from landcheck.memory import keep_freed_heap
from landcheck.threads import usable_cores

__all__ = [
    "NotPicklable",
    "ProcessDied",
    "Relay",
    "beside",
    "can_start_processes",
    "job_result",
    "run_jobs",
    "start_worker",
    "worker_count",
]

T = TypeVar("T")

_JOBS: list[Callable[[], Any]] = []
"""The jobs the workers run (set only while they are forked)."""

_JOBS_LOCK = threading.Lock()


def can_start_processes() -> bool:
    """Whether this process may start processes of its own.

    A daemonic process may not (a ``multiprocessing.Pool`` worker, a dask
    worker run as a daemon): ``Process.start`` refuses with an
    ``AssertionError``, so a check or a report run there does its work in it.

    Examples
    --------
    >>> can_start_processes()
    True
    """
    return not multiprocessing.current_process().daemon


def worker_count(jobs: int, workers: int | None = None) -> int:
    """Worker processes for ``jobs`` jobs: one per core this process may use, 0 to run them here.

    ``workers`` caps the count; fewer than two workers are not worth forking;
    a daemonic process has none (:func:`can_start_processes`).
    """
    if (
        not sys.platform.startswith("linux")
        or "fork" not in multiprocessing.get_all_start_methods()
        or not can_start_processes()
    ):
        return 0
    count = min(workers if workers is not None else usable_cores(), jobs)
    return count if count >= 2 else 0


def start_worker() -> None:
    """A forked worker's initializer: it stops on Ctrl+C or SIGTERM at once, and with its parent.

    The parent is the process that started it (:func:`_ends_with_parent`).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _ends_with_parent()
    warnings.simplefilter("ignore")
    keep_freed_heap()


_PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: the signal this process gets when its parent ends."""


def _ends_with_parent() -> None:
    """Have Linux kill this forked process (SIGKILL) when the process that started it ends.

    Without it, a worker whose parent ended (a forked writer ended by SIGTERM,
    a command killed) was adopted by init and waited forever on its pipe,
    whose other end it holds itself, keeping the caller's stdout and stderr
    open. A parent that ended before the request was made is seen at once: the
    worker exits. Only in a process multiprocessing started (nothing in the
    calling process), and only on Linux; it costs one system call a worker.
    Linux counts the thread that started the worker as its parent: every pool
    here is started and shut down by one call, in one thread.
    """
    parent = multiprocessing.parent_process()
    if parent is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    if os.getppid() != parent.pid:  # it had ended already: no signal will come
        os._exit(1)


class ProcessDied(OutputError):
    """A forked process stopped before its result came back (killed, or out of memory)."""


class NotPicklable(RuntimeError):
    """What a forked process's job returned or raised does not pickle: it cannot come back."""


def _run(number: int) -> Any:
    return _JOBS[number]()


_DIED = (
    "a worker process writing the report stopped without finishing "
    "(killed, or out of memory); nothing was written. Free memory and run "
    "again, or check the sites in smaller batches"
)


def job_result(future: Future[T]) -> T:
    """A forked worker's result; a worker that died (killed, out of memory) is an OutputError."""
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise ProcessDied(_DIED) from error


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
    ProcessDied
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
    with collector_frozen():  # the workers (and this process) leave them out of every pass
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


class Relay:
    """``progress(stage, done, total)`` that works in forked processes too.

    Called in the process that made it, it reports at once, after any events
    its forked processes sent; called in a forked process (:func:`beside`), it
    sends the event to that process through a pipe, one whole line a write.
    The caller's callback so only ever runs in the caller's own thread.

    Parameters
    ----------
    progress : callable
        The caller's ``progress(stage, done, total)``.

    Examples
    --------
    >>> events = []
    >>> with Relay(lambda *event: events.append(event)) as relay:
    ...     relay("write:json", 1, 2)
    >>> events
    [('write:json', 1, 2)]
    """

    def __init__(self, progress: Callable[[str, int, int], None]) -> None:
        self._progress = progress
        self._pid = os.getpid()
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        self._pending = b""

    def __enter__(self) -> Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            if exc[0] is None:
                self.drain()
        os.close(self._read)
        os.close(self._write)

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Report one event: here, or to the process that made the relay."""
        if os.getpid() != self._pid:
            line = json.dumps([stage, int(done), int(total)]).encode() + b"\n"
            os.write(self._write, line)
            return
        self.drain()
        self._progress(stage, done, total)

    def fileno(self) -> int:
        """The pipe's end the events arrive at (for waiting on it)."""
        return self._read

    def drain(self) -> None:
        """Report the events forked processes have sent so far."""
        while True:
            try:
                chunk = os.read(self._read, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                break
            self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        for line in lines:
            stage, done, total = json.loads(line)
            self._progress(stage, done, total)


def _outcome(job: Callable[[], Any]) -> tuple[bool, Any]:
    try:
        return True, job()
    except Exception as error:  # raised again in the calling process
        if not isinstance(error, LandcheckError):  # a bug: say where it happened
            error.add_note("".join(traceback.format_exception(error)).rstrip())
        return False, error


def _run_beside(job: Callable[[], Any], sender: multiprocessing.connection.Connection) -> None:
    start_worker()
    outcome = _outcome(job)
    try:
        sender.send(outcome)
    except Exception as error:  # a result or an error that does not pickle
        made = type(outcome[1]).__name__  # not its repr: a result may be megabytes
        sender.send((False, NotPicklable(f"a {made} made in a forked process: {error}")))


@contextlib.contextmanager
def beside(job: Callable[[], T], relay: Relay | None = None) -> Iterator[Callable[[], T]]:
    """Run ``job`` in a forked process while the block runs; yield a function awaiting it.

    The forked process shares everything with the caller, as :func:`run_jobs`'
    workers do; only the job's result comes back. Where there are no forked
    workers (:func:`worker_count`), the job runs in the calling process when
    its result is first asked for.

    Parameters
    ----------
    job : callable
        A function of no argument returning something picklable.
    relay : Relay, optional
        The relay the job reports progress through: its events are reported
        while the result is awaited.

    Yields
    ------
    callable
        ``result()``: the job's result, waited for; its error raised here.

    Raises
    ------
    ProcessDied
        (from ``result()``) The process died before its result came back.
    NotPicklable
        (from ``result()``) The job's result, or its error, does not pickle.

    Notes
    -----
    Leaving the block ends the process (SIGTERM) if it still runs, and waits
    for it, so nothing writes on after an error or an interrupt; the workers
    it started end with it (:func:`start_worker`).

    Examples
    --------
    >>> with beside(lambda: 6 * 7) as result:
    ...     result()
    42
    """
    if worker_count(2) == 0:
        outcomes: list[tuple[bool, Any]] = []

        def here() -> T:
            if not outcomes:
                outcomes.append(_outcome(job))
            return _unwrap(outcomes[0])

        yield here
        return
    with collector_frozen():  # the writer (and this process) leave them out of every pass
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_run_beside, args=(job, sender), name="landcheck-writer")
        try:
            process.start()
            sender.close()
            got: list[tuple[bool, Any]] = []

            def result() -> T:
                while not got:
                    ready = multiprocessing.connection.wait(
                        [receiver, process.sentinel, *([relay] if relay is not None else [])]
                    )
                    if relay is not None:
                        relay.drain()
                    if receiver in ready or receiver.poll():
                        try:
                            got.append(receiver.recv())
                        except EOFError:  # it ended without a word
                            raise ProcessDied(_DIED) from None
                    elif process.sentinel in ready:
                        raise ProcessDied(_DIED)
                return _unwrap(got[0])

            yield result
        finally:
            if process.is_alive():
                process.terminate()
            if process.pid is not None:
                process.join()
            receiver.close()
            sender.close()


def _unwrap(outcome: tuple[bool, Any]) -> Any:
    done, value = outcome
    if not done:
        raise value
    return value
