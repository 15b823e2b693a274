"""Run landcheck in a subprocess, stream what it says, stop it when asked.

Plain Python (no QGIS import): the algorithms pass callbacks that forward to
their ``QgsProcessingFeedback``. stderr carries ``--progress json`` events (one
JSON object per line, see ``landcheck/cli/progress.py``), warnings
(``WARNING: …``) and, on failure, one ``Error: …`` line; stdout carries the
summary. The lines after ``Error:`` continue the error (a profile's list of
problems). Lines are read by two threads and handed over through a queue, so
every callback runs in the calling thread.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

__all__ = ["ProgressTracker", "RunOutcome", "parse_event", "run_streaming"]

POLL_S = 0.1
"""How often cancellation is looked at while landcheck runs."""

STOP_GRACE_S = 5.0
"""Time given to landcheck to clean up after SIGINT before it is killed."""


@dataclass
class RunOutcome:
    """How a run ended: exit code, its ``Error:`` lines, whether it was cancelled (and killed)."""

    returncode: int
    errors: list[str] = field(default_factory=list)
    canceled: bool = False
    killed: bool = False


def parse_event(line: str) -> dict | None:
    """The progress event in a stderr line, or None for any other line.

    Examples
    --------
    >>> parse_event('{"event": "progress", "stage": "layers", "done": 2, "total": 6}')
    {'event': 'progress', 'stage': 'layers', 'done': 2, 'total': 6}
    >>> parse_event("WARNING: farmland: 2 invalid polygons repaired") is None
    True
    """
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if not isinstance(event, dict) or event.get("event") != "progress":
        return None
    return event


class ProgressTracker:
    """Turns landcheck's progress events into one percentage and a step text.

    ``check`` reports the sites (``sites`` 0 of n) first, then each layer
    overlaid (``layers``), then the sites evaluated (``sites`` again), then
    each report writer (``write:json``, ``write:html``…; ``write:tables`` while the
    reviewer's tables are built). Layers take most of the time.

    Examples
    --------
    >>> tracker = ProgressTracker()
    >>> tracker.update("sites", 0, 3)
    (2.0, 'reading 3 site(s)')
    >>> tracker.update("layers", 3, 6)
    (42.0, 'layers overlaid: 3 of 6')
    >>> tracker.update("layers", 6, 6)
    (82.0, 'layers overlaid: 6 of 6')
    >>> tracker.update("sites", 3, 3)
    (95.0, 'sites evaluated: 3 of 3; writing the report')
    >>> tracker.update("write:json", 2, 2)
    (97.5, 'writing json: 2 of 2')
    >>> tracker.update("write:tables", 1, 2)
    (98.125, 'building tables: 1 of 2')
    >>> tracker.update("write:html", 1, 2)
    (99.0625, 'writing html: 1 of 2')
    """

    def __init__(self) -> None:
        self.layers_done = False
        self.writers: list[str] = []

    def update(self, stage: str, done: int, total: int) -> tuple[float, str]:
        """Return ``(percent, text)`` for one event."""
        share = done / total if total else 1.0
        if stage == "layers":
            self.layers_done = done >= total
            return 2.0 + 80.0 * share, f"layers overlaid: {done} of {total}"
        if stage == "sites" and not self.layers_done:
            return 2.0, f"reading {total} site(s)"
        if stage == "sites":
            text = f"sites evaluated: {done} of {total}"
            if done >= total:
                text += "; writing the report"
            return 82.0 + 13.0 * share, text
        if stage.startswith("write:"):
            # each writer takes half of what is left below 100 (how many follow is not known)
            if stage not in self.writers:
                self.writers.append(stage)
            start = 5.0 * (1.0 - 0.5 ** (len(self.writers) - 1))
            percent = 95.0 + start + (5.0 - start) * 0.5 * share
            name = stage[len("write:") :]
            verb = "building" if name == "tables" else "writing"
            return percent, f"{verb} {name}: {done} of {total}"
        return 0.0, f"{stage}: {done} of {total}"


def _pump(stream: IO[bytes], name: str, lines: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        lines.put((name, raw.decode("utf-8", "replace").rstrip("\r\n")))
    lines.put((name, None))


def _start(command: list[str], env: dict[str, str] | None) -> subprocess.Popen:
    extra: dict = {}
    if sys.platform == "win32":
        extra["creationflags"] = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0) | getattr(
            subprocess, "CREATE_NO_WINDOW", 0
        )
    else:
        extra["start_new_session"] = True  # its own process group: stopped as one
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **extra,
    )


def _stop(process: subprocess.Popen) -> bool:
    """Interrupt landcheck and the processes it started; kill them if they linger.

    On POSIX the whole process group gets SIGINT, as from Ctrl+C: landcheck
    then removes its half-written output folder before it exits. Returns True
    when it had to be killed (it may have left a hidden staging folder).
    """
    try:
        if sys.platform == "win32":
            process.terminate()
        else:
            os.killpg(process.pid, signal.SIGINT)
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        if sys.platform == "win32":
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True
    except ProcessLookupError:
        process.wait()
    return False


def run_streaming(
    command: list[str],
    *,
    on_progress: Callable[[str, int, int], None],
    on_output: Callable[[str], None],
    on_warning: Callable[[str], None],
    on_error: Callable[[str], None],
    is_canceled: Callable[[], bool],
    env: dict[str, str] | None = None,
) -> RunOutcome:
    """Run ``command`` to its end (or until ``is_canceled()``), streaming what it says.

    Parameters
    ----------
    command : list of str
        The program and its arguments.
    on_progress : callable
        ``(stage, done, total)`` for each ``--progress json`` event.
    on_output, on_warning, on_error : callable
        A stdout line; a ``WARNING:`` (or other) stderr line; an ``Error:`` line
        or a line continuing it (also collected in :attr:`RunOutcome.errors`).
    is_canceled : callable
        Looked at every :data:`POLL_S`; when true the process is stopped.
        A run that had already finished, or finishes successfully before the
        interrupt reaches it, is not cancelled (its output is complete).
    env : dict, optional
        Environment variables of the process.

    Returns
    -------
    RunOutcome
    """
    process = _start(command, env)
    lines: queue.Queue = queue.Queue()
    pumps = [
        threading.Thread(target=_pump, args=(process.stdout, "out", lines), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, "err", lines), daemon=True),
    ]
    for pump in pumps:
        pump.start()
    outcome = RunOutcome(returncode=0)
    open_streams = len(pumps)
    stopped = False
    while open_streams:
        if not stopped and is_canceled():
            stopped = True
            if process.poll() is None:
                outcome.killed = _stop(process)
        try:
            name, line = lines.get(timeout=POLL_S)
        except queue.Empty:
            continue
        if line is None:
            open_streams -= 1
        elif name == "out":
            on_output(line)
        elif (event := parse_event(line)) is not None:
            on_progress(str(event.get("stage", "")), int(event["done"]), int(event["total"]))
        elif line.startswith("Error:"):
            outcome.errors.append(line.removeprefix("Error:").strip())
            on_error(line)
        elif outcome.errors and line.strip():  # the rest of the error, e.g. a list of problems
            outcome.errors[-1] += "\n" + line.rstrip()
            on_error(line)
        elif line.strip():
            on_warning(line)
    for pump in pumps:
        pump.join()
    outcome.returncode = process.wait()
    # landcheck may have finished before the interrupt reached it: then nothing was cancelled
    outcome.canceled = stopped and outcome.returncode != 0
    for stream in (process.stdout, process.stderr):
        stream.close()
    return outcome
