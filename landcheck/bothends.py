"""A batch shared with a forked process, run by run from both ends, so both finish together.

A big batch's rules and its findings.json entries are made by two processes:
this one and one forked beside it (:func:`landcheck.forked.beside`). A fixed
share for each (say 55 % here) finishes together only on the host it was
tuned on: elsewhere one process waits for the other (0.35 s of findings.json's
1.9 s at 10,000 sites). Here the positions ``range(total)`` are handed out in
runs of a few dozen: this process takes them from the front, the forked one
from the back, until they meet; whoever is faster takes more runs, and the two
end within a run of each other.

The forked process writes what it makes of each run (bytes) into an unnamed
file, run after run, and then says so in the state both share; this one
reads them as they come (:meth:`Ends.arrivals`), from the file, or copies them
on (:meth:`Ends.copy_into`). So this process's runs are the first positions
(``range(Ends.met)``), the forked one's the last, and what a forked process that
died (killed, out of memory) took but never wrote is known exactly: the gaps
:meth:`Ends.rest` hands back for this process to make itself.

This process makes the first run before it forks (a batch of one run, without
forking): what that run builds for the whole batch, on the first site that asks
(a layer table's sums for every site), is then shared by the forked process
instead of built again there, in memory of its own (the forked process's first
site of a 10,000-site batch's rules: 21 → 1 MB). So ``here`` must leave
nothing buffered that the forked process could write out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from landcheck import forked
from landcheck.memory import release_free_memory

__all__ = ["Arrival", "Ends", "share"]

_HEADER = struct.Struct("<qqq")
"""A run's record in the file: its first position, the one after its last, the payload's size."""

_TRIM_EVERY = 8
"""Runs each process makes between two returns of its heap's free pages
(:func:`~landcheck.memory.release_free_memory`, a few milliseconds): the findings.json
entries and findings made and dropped leave free pages all over the heap, held while the two
run (the (c) command's tree 598–616 → 583–589 MB, three pairs)."""

_STATE = struct.Struct("<qqq")
"""The shared state: the front's next position, the back's first, the bytes written."""


def _memory_file(name: str) -> BinaryIO:
    """An unnamed file in memory (Linux's ``memfd_create``), else in the temporary folder."""
    try:
        fd = os.memfd_create(name, os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return tempfile.TemporaryFile()
    return os.fdopen(fd, "w+b")


@dataclass(frozen=True)
class Arrival:
    """A run the forked process made: its positions and where its payload is in the file."""

    positions: range
    offset: int
    size: int


class Ends:
    """``range(total)`` handed out in runs from both ends, to this process and a forked one.

    Made before forking: the two processes share the positions taken so far
    and the size of what the forked one wrote (an unnamed file in memory both
    hold open). Use it as a context manager: its files are closed on leaving.

    Parameters
    ----------
    total : int
        Positions to share out.
    run : int
        Positions a run (≥ 1).
    directory : str, optional
        Where the unnamed file of the payloads is made: the folder of the file
        they are copied into keeps the copy in the kernel. Default: in memory
        (a full or read-only temporary folder is no matter).

    Notes
    -----
    The positions taken and the bytes written are kept in a small file in
    memory, under a POSIX record lock (:func:`fcntl.lockf`): the kernel lets go
    of a process's lock when it dies, so a forked process killed while it took
    a run cannot leave this one waiting, and no shared-memory folder
    (``/dev/shm``) is needed. The lock is a process's, so each process takes
    runs from one thread.

    Examples
    --------
    >>> with Ends(10, 4) as ends:
    ...     ends.front(), ends.back(), ends.front(), ends.front()
    (range(0, 4), range(6, 10), range(4, 6), None)
    """

    def __init__(self, total: int, run: int, directory: str | None = None) -> None:
        if run < 1:
            raise ValueError(f"a run holds at least one position, not {run}")
        self.total = total
        self._run = run
        self._state = _memory_file("landcheck-ends")
        self._file = (
            tempfile.TemporaryFile(dir=directory)
            if directory is not None
            else _memory_file("landcheck-runs")
        )
        os.pwrite(self._state.fileno(), _STATE.pack(0, total, 0), 0)
        self._read = 0  # the bytes of the file this process has taken arrivals from

    def __enter__(self) -> Ends:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
        self._state.close()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[int]]:
        """The state (front, back, bytes written), locked; written back as the block leaves it."""
        fd = self._state.fileno()
        fcntl.lockf(fd, fcntl.LOCK_EX)
        try:
            state = list(_STATE.unpack(os.pread(fd, _STATE.size, 0)))
            before = list(state)
            yield state
            if state != before:
                os.pwrite(fd, _STATE.pack(*state), 0)
        finally:
            fcntl.lockf(fd, fcntl.LOCK_UN)

    def front(self) -> range | None:
        """The next run from the front (this process's), or None once the ends met."""
        with self._locked() as state:
            start, back = state[0], state[1]
            if start >= back:
                return None
            state[0] = stop = min(start + self._run, back)
        return range(start, stop)

    def back(self) -> range | None:
        """The next run from the back (the forked process's), or None once the ends met."""
        with self._locked() as state:
            front, stop = state[0], state[1]
            if front >= stop:
                return None
            state[1] = start = max(stop - self._run, front)
        return range(start, stop)

    @property
    def back_start(self) -> int:
        """The first position of the runs taken from the back (``total`` before the first)."""
        with self._locked() as state:
            return state[1]

    @property
    def met(self) -> int:
        """Where the ends met: this process took ``range(met)`` (once neither takes more)."""
        with self._locked() as state:
            return state[0]

    def publish(self, positions: range, payload: bytes) -> None:
        """Write what was made of a run (in the forked process), then say it is there."""
        with self._locked() as state:
            written = state[2]  # only the forked process writes: no one else moves it
        record = _HEADER.pack(positions.start, positions.stop, len(payload)) + payload
        os.pwrite(self._file.fileno(), record, written)
        with self._locked() as state:
            state[2] = written + len(record)

    def arrivals(self) -> list[Arrival]:
        """The runs the forked process wrote since the last call, in the order it wrote them."""
        with self._locked() as state:
            written = state[2]
        found = []
        while self._read < written:
            header = os.pread(self._file.fileno(), _HEADER.size, self._read)
            start, stop, size = _HEADER.unpack(header)
            offset = self._read + _HEADER.size
            found.append(Arrival(range(start, stop), offset, size))
            self._read = offset + size
        return found

    def payload(self, arrival: Arrival) -> bytes:
        """The bytes the forked process wrote for a run."""
        return os.pread(self._file.fileno(), arrival.size, arrival.offset)

    def copy_into(self, arrival: Arrival, target: BinaryIO) -> None:
        """Append a run's bytes to ``target`` (in the kernel where it can)."""
        target.flush()
        source, copied = self._file.fileno(), 0
        try:
            while copied < arrival.size:
                step = os.copy_file_range(
                    source, target.fileno(), arrival.size - copied, arrival.offset + copied
                )
                if not step:
                    break
                copied += step
        except (AttributeError, OSError):  # no copy_file_range here, or not between these files
            pass
        if copied < arrival.size:
            self._file.seek(arrival.offset + copied)
            target.seek(0, os.SEEK_END)
            shutil.copyfileobj(_Limited(self._file, arrival.size - copied), target)

    def rest(self, arrived: list[Arrival]) -> Iterator[tuple[range, Arrival | None]]:
        """``range(met, total)`` in order, run by run: each with its arrival, or None for a gap.

        A gap is what the forked process took and never wrote (it died, or its
        payload could not be made): this process makes it itself.
        """
        by_start = {a.positions.start: a for a in arrived}
        position = self.met
        while position < self.total:
            arrival = by_start.get(position)
            if arrival is not None:
                yield arrival.positions, arrival
                position = arrival.positions.stop
                continue
            following = [s for s in by_start if s > position]
            stop = min(following, default=self.total)
            yield range(position, stop), None
            position = stop


class _Limited:
    """The next ``size`` bytes of a file, for :func:`shutil.copyfileobj`."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self._file, self._left = file, size

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data


def share(
    ends: Ends,
    here: Callable[[range], None],
    there: Callable[[range], bytes],
    *,
    progress: Callable[[int, int], None] | None = None,
    arrived: Callable[[Arrival], None] | None = None,
) -> list[Arrival]:
    """Make the runs of ``ends``: the front ones here, the back ones in a forked process.

    Parameters
    ----------
    ends : Ends
        The positions, made before this call.
    here : callable
        ``here(positions)``: this process's part of a run, in front order.
    there : callable
        ``there(positions)``: the forked process's, the bytes it makes of the run.
    progress : callable, optional
        ``progress(done, total)``: the positions both processes have made, at the
        start and as each run is made here or written there (through a
        :class:`~landcheck.forked.Relay`). A gap is not counted.
    arrived : callable, optional
        ``arrived(arrival)`` as each forked run arrives, between this process's runs.

    Returns
    -------
    list of Arrival
        Every run the forked process wrote. Runs it took and never wrote (it
        died: :class:`~landcheck.forked.ProcessDied`; its payload did not pickle:
        :class:`~landcheck.forked.NotPicklable`) are the gaps of :meth:`Ends.rest`.

    Raises
    ------
    Exception
        What ``there`` raised in the forked process, raised here.
    """
    made = {"here": 0, "there": 0}  # each process counts its own runs, in its own copy
    runs = {"here": 0, "there": 0}
    heard = {"here": 0, "there": 0}

    def report(part: str, count: int, total: int) -> None:
        heard[part] = count
        if progress is not None:
            progress(heard["here"] + heard["there"], total)

    def count(part: str, positions: range) -> None:
        made[part] += len(positions)
        runs[part] += 1
        if runs[part] % _TRIM_EVERY == 0:
            release_free_memory()
        relay(part, made[part], ends.total)

    def own(positions: range) -> None:
        here(positions)
        count("here", positions)

    def rest() -> None:
        while (positions := ends.back()) is not None:
            ends.publish(positions, there(positions))
            count("there", positions)

    every: list[Arrival] = []

    def take() -> None:
        for arrival in ends.arrivals():
            every.append(arrival)
            if arrived is not None:
                arrived(arrival)

    with forked.Relay(report) as relay:
        # the start is said before the forked process can say anything: on a busy host it
        # may take every run before this process is scheduled again
        relay("here", 0, ends.total)
        if (positions := ends.front()) is not None:  # before the fork (the module's notes)
            own(positions)
        if ends.met < ends.back_start:
            with forked.beside(rest, relay) as result:
                while (positions := ends.front()) is not None:
                    own(positions)
                    take()
                try:
                    result()
                except (forked.ProcessDied, forked.NotPicklable):
                    pass  # what it wrote stands; the rest is the gaps
    take()
    return every
