"""Array calls split over threads: the same answers as one call, in order, safe to nest and fork."""

from __future__ import annotations

import multiprocessing
import os
import threading

import numpy as np
import pytest
import shapely
from common import fresh_python

from landcheck import engine, geometry, threads
from landcheck.geometry import clean_polygons, near_positions


@pytest.fixture
def three_cores(monkeypatch):
    """Split into three whatever this machine has, from 4 positions on; the threads seen."""
    monkeypatch.setattr(threads, "usable_cores", lambda: 3)
    monkeypatch.setattr(threads, "CHUNKED_FROM", 4)
    monkeypatch.setattr(threads, "_POOL", [])  # a pool of two threads for these tests
    seen: set[str] = set()
    original = threads.chunked

    def watched(call, count, **options):
        def recording(part):
            seen.add(threading.current_thread().name)
            return call(part)

        return original(recording, count, **options)

    monkeypatch.setattr(geometry, "chunked", watched)
    monkeypatch.setattr(engine, "chunked", watched)
    yield seen
    for pool in threads._POOL:
        pool.shutdown()


def test_slices_cover_the_positions_in_order_one_a_core(three_cores):
    def bounds(part: slice) -> tuple[int, int]:
        return part.start, part.stop

    assert threads.chunked(bounds, 10) == [(0, 3), (3, 6), (6, 10)]
    assert threads.chunked(bounds, 3) == [(0, 3)]  # fewer than CHUNKED_FROM
    assert threads.chunked(bounds, 10, at_least=100) == [(0, 10)]
    # slices of at least half of at_least: 10 positions from 8 on make two, not three
    assert threads.chunked(bounds, 10, at_least=8) == [(0, 5), (5, 10)]
    assert threads.chunked(bounds, 0) == [(0, 0)]


def test_one_core_is_one_call(monkeypatch):
    monkeypatch.setattr(threads, "usable_cores", lambda: 1)
    assert threads.chunked(lambda part: (part.start, part.stop), 100_000) == [(0, 100_000)]


def test_the_slices_run_on_threads_and_a_call_from_one_does_not_split_again(three_cores):
    names = threads.chunked(
        lambda part: (
            threading.current_thread().name,
            threads.chunked(lambda inner: (inner.start, inner.stop), 100),
        ),
        30,
    )
    assert names[0][0] == threading.current_thread().name
    assert {name for name, _ in names[1:]} <= {f"landcheck-chunk_{i}" for i in range(2)}
    assert threading.current_thread().name not in {name for name, _ in names[1:]}
    assert [inner for _, inner in names[1:]] == [[(0, 100)]] * 2  # one call: no waiting on itself


def test_an_error_in_a_slice_is_raised_in_the_caller(three_cores):
    def fails_late(part: slice) -> int:
        if part.start > 0:
            raise ValueError(f"slice from {part.start}")
        return 0

    with pytest.raises(ValueError, match="slice from"):
        threads.chunked(fails_late, 30)


def _chunks_in_child(sender) -> None:
    sender.send(threads.chunked(lambda part: (part.start, part.stop), 30))


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this system"
)
def test_a_forked_process_makes_its_own_threads(three_cores):
    threads.chunked(lambda part: None, 30)  # the parent's pool exists, with its threads
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_chunks_in_child, args=(sender,))
    child.start()
    assert receiver.poll(30), "the forked process waited on its parent's pool"
    assert receiver.recv() == [(0, 10), (10, 20), (20, 30)]
    child.join(30)
    assert child.exitcode == 0


def _boxes(rng: np.random.Generator, count: int, span: float, size: float) -> np.ndarray:
    corner = rng.uniform(0, span, (count, 2))
    far = corner + rng.uniform(1, size, (count, 2))
    return shapely.box(corner[:, 0], corner[:, 1], far[:, 0], far[:, 1])


def test_near_positions_in_slices_are_those_of_one_call(three_cores):
    rng = np.random.default_rng(11)
    features = _boxes(rng, 400, 5_000, 120)
    features[::40] = None
    sites = _boxes(rng, 100, 5_000, 300)
    expected = [
        i for i, f in enumerate(features) if f is not None and shapely.dwithin(f, sites, 25.0).any()
    ]
    assert near_positions(features, sites, 25.0).tolist() == expected
    assert 20 < len(expected) < 380
    assert any(name.startswith("landcheck-chunk") for name in three_cores)


def test_validity_in_slices_finds_each_invalid_geometry(three_cores):
    rng = np.random.default_rng(12)
    geoms = _boxes(rng, 60, 1_000, 50)
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])  # 50 m², two triangles
    for i in (3, 31, 59):
        geoms[i] = bowtie
    cleaned, report, usable = clean_polygons(geoms)
    assert (report.invalid, report.repaired) == (3, 3)
    assert shapely.area(cleaned[[3, 31, 59]]).tolist() == [50.0] * 3
    assert usable.all() and any(name.startswith("landcheck-chunk") for name in three_cores)


def test_feature_groups_in_slices_are_those_of_one_query(three_cores):
    rng = np.random.default_rng(13)
    features = _boxes(rng, 500, 10_000, 200)
    sites = _boxes(rng, 40, 10_000, 100)
    groups = engine.partition_sites(sites, 4)
    found = engine._features_near_groups(features, sites, groups, 50.0)
    for members, near in zip(groups, found, strict=True):
        box = shapely.box(*shapely.bounds(sites[members]).T)
        grown = shapely.buffer(box, 50.0, cap_style="square", join_style="mitre")
        expected = np.flatnonzero(
            shapely.intersects(shapely.box(*shapely.bounds(features).T)[:, None], grown).any(1)
        )
        assert near.tolist() == expected.tolist()
    assert any(name.startswith("landcheck-chunk") for name in three_cores)


_NUMPY_LOADS_WITH = (
    "import importlib.abc, os, sys",
    "class Watch(importlib.abc.MetaPathFinder):",
    "    def find_spec(self, name, path, target=None):",
    "        if name == 'numpy': print(os.environ.get('OPENBLAS_NUM_THREADS'))",
    "sys.meta_path.insert(0, Watch())",
    "import landcheck.cli.group",  # the commands (the entry point itself loads no numpy)
    "print('numpy' in sys.modules)",
)
"""What ``OPENBLAS_NUM_THREADS`` says when numpy is first imported by the command's module."""


def test_the_command_loads_openblas_with_one_thread_unless_told_otherwise():
    environ = {k: v for k, v in os.environ.items() if k != threads.BLAS_THREADS_VARIABLE}
    assert fresh_python(*_NUMPY_LOADS_WITH, env=environ) == ["1", "True"]
    assert fresh_python(*_NUMPY_LOADS_WITH, env={**environ, "OPENBLAS_NUM_THREADS": "3"}) == [
        "3",
        "True",
    ]
    values: dict[str, str] = {}
    assert threads.one_blas_thread(values) == "1" and values == {"OPENBLAS_NUM_THREADS": "1"}
