"""The ``landcheck`` command's entry point: signals first, then the click group.

Errors landcheck raises on purpose (:class:`~landcheck.errors.LandcheckError`)
print one line on stderr and exit with code 1; ``-v`` adds the traceback.
Usage errors exit with 2 (click's convention); ``check --fail-on`` exits with 3.
Ctrl-C (SIGINT) stops the command with ``Aborted!`` and exit code 1, from its
first moment on: :func:`main` holds SIGINT before it imports anything heavy (the
commands, click, rich), remembers one that arrives meanwhile and acts on it as
soon as the command can clean up after itself. SIGTERM is handled like Ctrl-C:
the run stops, its temporary folders are removed, and the exit code is 143
(128 + SIGTERM). The click group itself is :data:`cli`
(:mod:`landcheck.cli.group`).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from landcheck.gcpause import no_collections_at_exit, results_left_to_the_system
from landcheck.memory import return_freed_heap_early, use_system_arrow_pool

__all__ = ["main"]  # and cli, imported when asked for (__getattr__)

_ABORTED = "Aborted!"
"""What click prints for a Ctrl-C; an early one is told the same way."""


def __getattr__(name: str) -> Any:
    """``cli``, the click group, imported when asked for (:mod:`landcheck.cli.group`)."""
    if name == "cli":
        from landcheck.cli.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Terminated(KeyboardInterrupt):
    """Raised in the main thread when the process receives SIGTERM."""


def asks_json_progress(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--progress json``.

    Examples
    --------
    >>> asks_json_progress(["check", "a.gpkg", "--progress", "json"])
    True
    >>> asks_json_progress(["check", "a.gpkg", "--progress=json", "-q"])
    True
    >>> asks_json_progress(["check", "a.gpkg", "-f", "json"])
    False
    """
    pairs = zip(args, [*args[1:], ""], strict=True)
    return "--progress=json" in args or ("--progress", "json") in pairs


class _HeldSigint:
    """SIGINT held while the command starts: remembered, acted on when the command can.

    A SIGINT during the imports raised ``KeyboardInterrupt`` in the middle of
    one, printed as a traceback (exit -2); one that came while SIGINT was
    inherited as ignored (a background job) was lost, and the run went on to
    the end although ``--progress json`` promises it stops.
    """

    def __init__(self) -> None:
        self.held = False
        self.inherited: Any = None  # None too when the handler was not set from Python
        self.received = False

    def hold(self) -> None:
        """Catch SIGINT from now on, only remembering it (the main thread alone can)."""
        if threading.current_thread() is not threading.main_thread():
            return
        self.inherited = signal.signal(signal.SIGINT, self._remember)
        self.held = True

    def _remember(self, signum: int, frame: object) -> None:
        self.received = True

    def release(self, stoppable: bool) -> None:
        """Give SIGINT its handler for the run; act on one that came while held.

        Parameters
        ----------
        stoppable : bool
            SIGINT stops the run even when it was inherited as ignored
            (``--progress json``).

        Raises
        ------
        KeyboardInterrupt
            A SIGINT came while held, and the run is one it stops.
        """
        if not self.held:  # not the main thread
            return
        ignored = self.inherited is signal.SIG_IGN and not stoppable
        signal.signal(signal.SIGINT, signal.SIG_IGN if ignored else signal.default_int_handler)
        if self.received and not ignored:
            raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``landcheck`` script.

    SIGINT is held first (:class:`_HeldSigint`), before any heavy import; a
    SIGINT that came meanwhile stops the command at once with ``Aborted!`` and
    exit code 1, no traceback. SIGTERM raises :class:`Terminated` (a
    ``KeyboardInterrupt``), so every clean-up that runs on Ctrl-C runs on
    ``kill`` too; the exit code is then 128 + SIGTERM. pyarrow allocates from
    the C heap (:func:`~landcheck.memory.use_system_arrow_pool`); the
    interpreter's closing collections are skipped
    (:func:`~landcheck.gcpause.no_collections_at_exit`), and the command's
    result is left to the operating system, not freed
    (:func:`~landcheck.gcpause.results_left_to_the_system`).
    """
    held = _HeldSigint()
    held.hold()
    received: list[int] = []

    def terminate(signum: int, frame: object) -> None:
        received.append(signum)
        raise Terminated(f"terminated by signal {signum}")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        _run(held)
    except SystemExit:
        if received:
            raise SystemExit(128 + signal.SIGTERM) from None
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(held: _HeldSigint) -> None:
    """Import the commands, then run the one asked for; an early Ctrl-C ends it with exit 1."""
    try:
        from landcheck.cli.group import cli

        use_system_arrow_pool()
        return_freed_heap_early()
        no_collections_at_exit()
        with results_left_to_the_system():
            held.release(stoppable=asks_json_progress(sys.argv[1:]))
            cli(prog_name="landcheck")
    except KeyboardInterrupt:  # before click took over (or SIGTERM): as click tells a Ctrl-C
        sys.stderr.write(f"{_ABORTED}\n")
        raise SystemExit(1) from None
