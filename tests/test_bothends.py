"""A batch shared with a forked process run by run from both ends (landcheck.bothends).

The calling process takes runs from the front, the forked one from the back,
until they meet: every position is made once, the caller's positions are the
first ones, the forked one's the last, and what a forked process that died (or
whose payload did not pickle) took and never wrote comes back as gaps, exactly.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import tempfile
import time

import pytest

import landcheck.forked as forked
from landcheck.bothends import Ends, share


def _text(positions: range) -> bytes:
    return b"".join(b"<%d>" % p for p in positions)


def test_runs_are_taken_from_both_ends_until_they_meet():
    with Ends(10, 3) as ends:
        assert ends.front() == range(3)
        assert ends.back() == range(7, 10)
        assert ends.back() == range(4, 7)
        assert ends.back_start == 4
        assert ends.front() == range(3, 4)  # what is left, though less than a run
        assert ends.front() is None and ends.back() is None
        assert ends.met == 4


def test_a_run_holds_a_position_at_least():
    with pytest.raises(ValueError, match="at least one position"):
        Ends(10, 0)


def test_nothing_to_share():
    with Ends(0, 4) as ends:
        assert ends.front() is None and ends.back() is None
        assert list(ends.rest([])) == []


@pytest.mark.parametrize("run", [1, 3, 100])
def test_every_position_is_made_once_and_comes_back_in_order(
    two_forked_workers, forked_first, run, tmp_path
):
    total, here = 40, []
    with Ends(total, run) as ends:

        def mine(positions):
            here.append(positions)
            time.sleep(0.01)  # the forked process takes some of the runs meanwhile

        events = []
        arrived = share(ends, mine, _text, progress=lambda *event: events.append(event))
        met = ends.met
        rest = list(ends.rest(arrived))
        with open(tmp_path / "out", "w+b") as out:
            out.write(b"head")
            for positions, arrival in rest:
                assert arrival is not None  # no gap: the forked process wrote all it took
                assert ends.payload(arrival) == _text(positions)
                ends.copy_into(arrival, out)
    assert [p for r in here for p in r] == list(range(met))
    assert [p for positions, _ in rest for p in positions] == list(range(met, total))
    # the forked process took the last run at least; a batch of one run is made here
    assert met < total if run < total else (met == total and not rest)
    assert (tmp_path / "out").read_bytes() == b"head" + _text(range(met, total))
    assert all(len(positions) <= run for positions, _ in rest)
    done = [d for d, _ in events]  # both processes' runs, each counted once
    assert done[0] == 0 and done[-1] == total and done == sorted(done)
    assert {t for _, t in events} == {total}


def test_what_the_first_run_builds_is_the_forked_process_s_too(two_forked_workers, forked_first):
    # the first run is made before the fork: a cache it fills for the whole batch (here, a
    # list of every position) is in the forked process's memory from its start
    built = []

    def mine(positions):
        if not built:
            built.extend(range(12))

    def theirs(positions):
        return b"%d" % len(built)

    with Ends(12, 2) as ends:
        arrived = share(ends, mine, theirs)
        assert arrived and [ends.payload(a) for a in arrived] == [b"12"] * len(arrived)


def test_a_batch_of_one_run_is_made_here_without_forking(two_forked_workers, monkeypatch):
    def forked_beside(job, relay=None):
        raise AssertionError("a process was forked for one run")

    monkeypatch.setattr(forked, "beside", forked_beside)
    here, events = [], []
    with Ends(5, 8) as ends:
        arrived = share(ends, here.append, _text, progress=lambda *e: events.append(e))
        assert arrived == [] and ends.met == 5
    assert here == [range(5)]
    assert events == [(0, 5), (5, 5)]


def test_each_process_gives_its_free_heap_pages_back_every_few_runs(
    two_forked_workers, forked_first, monkeypatch
):
    import landcheck.bothends as bothends

    trims = []
    monkeypatch.setattr(bothends, "release_free_memory", lambda: trims.append(1))
    monkeypatch.setattr(bothends, "_TRIM_EVERY", 3)

    def theirs(positions):  # how often the forked process had given them back before this run
        return b"%d" % len(trims)

    with Ends(40, 1) as ends:
        arrived = share(ends, lambda positions: time.sleep(0.02), theirs)
        said = [int(ends.payload(a)) for a in arrived]
        here = ends.met
    assert len(said) >= 4
    assert said == [run // 3 for run in range(len(said))]  # its own, after every third run
    assert len(trims) == here // 3  # this process's own: its runs are of one position


def test_the_start_is_heard_first_however_late_this_process_runs_again(
    two_forked_workers, monkeypatch
):
    # a busy host: the forked process starts, takes runs and says so before this process
    # runs again; the first event is still the start
    started = forked.beside

    @contextlib.contextmanager
    def late(job, relay=None):
        with started(job, relay) as result:
            select.select([relay], [], [], 30.0)  # the forked process has said something
            time.sleep(0.2)
            yield result

    monkeypatch.setattr(forked, "beside", late)
    events = []
    with Ends(40, 8) as ends:
        arrived = share(ends, lambda positions: None, _text, progress=lambda *e: events.append(e))
        assert ends.met + sum(len(a.positions) for a in arrived) == 40
    assert events[0] == (0, 40) and events[-1] == (40, 40)
    assert [d for d, _ in events] == sorted(d for d, _ in events)


def test_arrivals_are_heard_between_this_process_s_runs(two_forked_workers, forked_first):
    heard, ran = [], []
    with Ends(30, 1) as ends:

        def mine(positions):
            ran.append(len(heard))
            time.sleep(0.02)

        def theirs(positions):
            time.sleep(0.01)
            return _text(positions)

        share(ends, mine, theirs, arrived=heard.append)
        assert sorted(p for a in heard for p in a.positions) == list(range(ends.met, 30))
    assert ran[-1] > 0  # some had arrived before this process's last run


def test_what_a_forked_process_that_died_took_and_never_wrote_are_the_gaps(
    two_forked_workers, forked_first
):
    made = []

    def dying(positions):
        if len(made) == 2:  # its third run: killed, out of memory
            os._exit(9)
        made.append(positions)
        return _text(positions)

    events = []
    with Ends(20, 2) as ends:
        arrived = share(
            ends,
            lambda positions: time.sleep(0.05),
            dying,
            progress=lambda done, total: events.append(done),
        )
        rest = list(ends.rest(arrived))
        met = ends.met
    written = [positions for positions, arrival in rest if arrival is not None]
    gaps = [positions for positions, arrival in rest if arrival is None]
    assert written == [range(16, 18), range(18, 20)]  # the two it wrote, in order
    assert gaps == [range(14, 16)]  # what it took last, and no more
    assert met == 14
    assert max(events) == 18  # its two runs written and this process's: not the gap


def test_a_payload_that_does_not_pickle_leaves_its_run_to_this_process(
    two_forked_workers, forked_first
):
    def unpicklable(positions):
        raise forked.NotPicklable("a finding's values")

    with Ends(6, 2) as ends:
        arrived = share(ends, lambda positions: time.sleep(0.05), unpicklable)
        rest = list(ends.rest(arrived))
        met = ends.met
    assert arrived == []
    assert rest == [(range(met, 6), None)]
    assert met == 4


def test_an_error_of_the_forked_process_is_raised_here(two_forked_workers, forked_first):
    def failing(positions):
        raise RuntimeError("the disk is full")

    with Ends(6, 2) as ends, pytest.raises(RuntimeError, match="the disk is full"):
        share(ends, lambda positions: None, failing)


def test_without_a_forked_process_this_one_makes_every_run(monkeypatch):
    monkeypatch.setattr(forked, "worker_count", lambda jobs, workers=None: 0)
    here = []
    with Ends(10, 3) as ends:
        arrived = share(ends, here.append, _text)
        assert arrived == [] and ends.met == 10
        assert list(ends.rest(arrived)) == []
    assert here == [range(3), range(3, 6), range(6, 9), range(9, 10)]


@pytest.mark.parametrize("target", ["file", "memory"])
def test_the_bytes_are_copied_without_copy_file_range_too(
    two_forked_workers, forked_first, monkeypatch, tmp_path, target
):
    def refused(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    out = open(tmp_path / "out", "w+b") if target == "file" else io.BytesIO()
    with out, Ends(12, 2) as ends:
        out.write(b"head")
        arrived = share(ends, lambda positions: time.sleep(0.02), _text)
        for _, arrival in ends.rest(arrived):
            ends.copy_into(arrival, out)
        out.seek(0)
        assert out.read() == b"head" + _text(range(ends.met, 12))
        assert ends.met < 12


def test_a_forked_process_killed_while_taking_a_run_leaves_no_one_waiting(
    two_forked_workers, forked_first
):
    def hung(signum, frame):
        raise TimeoutError("this process waited for a lock a dead process held")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)  # a lock left held would hang here: fail instead
    try:
        with Ends(6, 2) as ends:

            def killed(positions):
                with ends._locked():
                    os._exit(9)  # killed with the state locked: the kernel lets go of it

            arrived = share(ends, lambda positions: None, killed)
            rest = list(ends.rest(arrived))
            met = ends.met
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert arrived == [] and met == 4
    assert rest == [(range(4, 6), None)]


def test_the_runs_need_no_temporary_folder(two_forked_workers, forked_first, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", "/nonexistent/landcheck")
    with Ends(8, 2) as ends:
        arrived = share(ends, lambda positions: time.sleep(0.02), _text)
        assert [ends.payload(a) for a in arrived] == [_text(a.positions) for a in arrived]
        assert arrived
