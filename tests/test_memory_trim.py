"""Freed heap memory given back between a batch's layers (``landcheck.memory``).

``release_free_memory`` calls glibc's ``malloc_trim(0)`` on Linux and does
nothing where there is no glibc; a check calls it once per profile layer and
its results are those of the analytic case either way.
"""

from __future__ import annotations

import ctypes
import os
import sys

import geopandas as gpd
import pyarrow as pa
import pytest
from common import frame, fresh_python, sites, square
from shapely import box

import landcheck.evaluation as evaluation
import landcheck.memory as memory
from landcheck import check, forked


class _FakeLibrary:
    """A C library whose ``malloc_trim`` records the padding it is given."""

    def __init__(self, released: int) -> None:
        self.calls: list[int] = []
        self.released = released

    def malloc_trim(self, pad: ctypes.c_size_t) -> int:
        self.calls.append(pad.value)
        return self.released

    def mallopt(self, parameter: ctypes.c_int, value: ctypes.c_int) -> int:
        self.calls.append((parameter.value, value.value))
        return self.released


def test_callable_here_and_answers_a_bool():
    assert memory.release_free_memory() in (True, False)


def test_glibc_is_asked_to_trim_everything_and_its_answer_returned(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    for released, expected in ((1, True), (0, False)):
        library = _FakeLibrary(released)
        monkeypatch.setattr(memory, "_c_library", lambda library=library: library)
        assert memory.release_free_memory() is expected
        assert library.calls == [0]


def test_a_c_library_without_malloc_trim_is_left_alone(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(memory, "_c_library", lambda: object())  # musl: no such symbol
    assert memory.release_free_memory() is False


def test_no_c_library_to_load_is_left_alone(monkeypatch):
    def unloadable():
        raise OSError("no C library")

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(memory, "_c_library", unloadable)
    assert memory.release_free_memory() is False


def test_other_systems_do_not_look_for_glibc(monkeypatch):
    library = _FakeLibrary(1)
    monkeypatch.setattr(memory, "_c_library", lambda: library)
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sys, "platform", platform)
        assert memory.release_free_memory() is False
    assert library.calls == []


def test_a_check_trims_after_each_profile_layer_and_measures_as_without(monkeypatch):
    x, y = 35_500_000, 2_700_000
    sites = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[box(x, y, x + 1000, y + 500)], crs=4523)
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[box(x + 700, y, x + 2000, y + 1000)], crs=4523
    )
    calls = []
    real = evaluation.release_free_memory
    monkeypatch.setattr(evaluation, "release_free_memory", lambda: calls.append(1) or real())
    result = check(sites, layers={"farmland": farmland}, area_method="planar")
    # once a profile layer is done, and once more for the one measured, its context packed
    assert len(calls) == len(result.profile.layers) + 1 > 2
    assert result.layer_area("S1", "farmland").planar_m2 == 150_000.0


def test_the_c_library_is_looked_up_once(monkeypatch):
    loaded = []
    real = ctypes.CDLL
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: loaded.append(name) or real(name))
    forget = getattr(memory._c_library, "cache_clear", lambda: None)
    forget()
    try:
        assert memory._c_library() is memory._c_library()
        assert loaded == [None]
    finally:
        forget()


@pytest.fixture
def arrow_pool():
    """pyarrow's default pool, restored after the test."""
    before = pa.default_memory_pool()
    yield
    pa.set_memory_pool(before)


def test_pyarrow_is_given_the_c_heap(arrow_pool):
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    assert memory.use_system_arrow_pool({}) == "system"
    assert pa.default_memory_pool().backend_name == "system"
    buffer = pa.allocate_buffer(1 << 20)
    assert pa.system_memory_pool().bytes_allocated() >= 1 << 20
    del buffer


def test_an_allocator_named_in_the_environment_is_kept(arrow_pool):
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    chosen = {memory.ARROW_POOL_VARIABLE: "mimalloc"}
    assert memory.use_system_arrow_pool(chosen) == "mimalloc"
    assert pa.default_memory_pool().backend_name == "mimalloc"


def test_the_command_chooses_the_pool_before_it_runs(monkeypatch, arrow_pool):
    import landcheck.cli.main as cli_main

    calls = []
    monkeypatch.setattr(cli_main, "use_system_arrow_pool", lambda: calls.append(1) or "system")
    monkeypatch.setattr(cli_main, "return_freed_heap_early", lambda: calls.append(2) or True)
    monkeypatch.setattr(sys, "argv", ["landcheck", "--version"])
    with pytest.raises(SystemExit) as stopped:
        cli_main.main()
    assert stopped.value.code == 0
    assert calls == [1, 2]


needs_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "mallopt"),
    reason="glibc's mallopt is Linux's with glibc only",
)

_BLOCK_FROM_HEAP = (
    "import ctypes",
    "libc = ctypes.CDLL(None)",
    "libc.malloc.restype = ctypes.c_void_p",
    "libc.malloc.argtypes = [ctypes.c_size_t]",
    "libc.free.argtypes = [ctypes.c_void_p]",
    "freed = libc.malloc(8 << 20)",
    "libc.free(freed)",
    "again = libc.malloc(8 << 20)",
    # glibc's chunk header, the word before the block: its size with IS_MMAPPED (2) among the flags
    "print(not ctypes.c_size_t.from_address(again - ctypes.sizeof(ctypes.c_size_t)).value & 2)",
)
"""Whether glibc serves an 8 MiB block from its heap once one was freed (printed)."""


@needs_glibc
def test_a_large_block_freed_is_mapped_again_not_kept_in_the_heap():
    # glibc's default: freeing a mapped 8 MiB block raises its threshold, the next one is heap
    assert _glibc_default_python(*_BLOCK_FROM_HEAP) == ["True"]
    thresholds_set = (
        "import landcheck.memory as memory",
        "print(memory.return_freed_heap_early())",
    )
    assert _glibc_default_python(*thresholds_set, *_BLOCK_FROM_HEAP) == ["True", "False"]


def _glibc_default_python(*lines: str) -> list[str]:
    """What a fresh interpreter prints, no glibc threshold in its environment.

    dask.distributed, once imported by an earlier test, sets ``MALLOC_TRIM_THRESHOLD_``
    in this process's environment for the processes it starts.
    """
    chosen = {*memory.HEAP_THRESHOLDS, "GLIBC_TUNABLES"}
    return fresh_python(*lines, env={k: v for k, v in os.environ.items() if k not in chosen})


_CHURN = (
    "import resource",
    "import numpy as np",
    "import landcheck.memory as memory",
    "from landcheck import forked",
    "def churn():",
    "    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt",
    # 3 MiB, every page written: from the heap (under 4 MiB), its top freed (over 2 MiB)
    "    for _ in range(20): np.ones(3 << 17)",
    "    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before",
    "print(memory.return_freed_heap_early())",
    "print(churn())",
    "print(*forked.run_jobs([churn, churn]))",
    "print(memory.keep_freed_heap())",
)
"""Page faults of 20 blocks of 3 MiB made and freed: here, then in two forked workers."""


@needs_glibc
@pytest.mark.skipif(forked.worker_count(2) == 0, reason="forked workers need two cores")
def test_a_forked_worker_keeps_what_it_frees_for_its_next_blocks():
    early, here, workers, kept = _glibc_default_python(*_CHURN)
    assert early == "True"
    pages = (3 << 20) // 4096  # 768 a block
    # here, with the command's thresholds, the freed top goes back: each later block faults again
    assert int(here) >= 19 * pages
    # a worker faults its first block in and reuses it for the other 19
    assert all(pages <= int(faults) < 3 * pages for faults in workers.split())
    assert kept == "True"  # the calling process's own thresholds were not changed by them


def test_keep_freed_heap_undoes_only_what_return_freed_heap_early_did(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(memory, "_RETURNED_EARLY", [False])
    library = _FakeLibrary(1)
    monkeypatch.setattr(memory, "_c_library", lambda: library)
    assert memory.keep_freed_heap() is False  # a library call, or the user's thresholds
    assert memory.return_freed_heap_early({"MALLOC_TRIM_THRESHOLD_": "1"}) is False
    assert memory.keep_freed_heap() is False
    assert library.calls == []
    assert memory.return_freed_heap_early({}) is True
    assert memory.keep_freed_heap() is True
    assert library.calls == [(-3, 4 << 20), (-1, 2 << 20), (-3, 32 << 20), (-1, 256 << 20)]
    assert memory.keep_freed_heap() is False  # once


def test_heap_thresholds_are_set_through_mallopt_on_glibc(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(memory, "_RETURNED_EARLY", [False])
    library = _FakeLibrary(1)
    monkeypatch.setattr(memory, "_c_library", lambda: library)
    assert memory.return_freed_heap_early({}) is True
    assert library.calls == [(-3, 4 << 20), (-1, 2 << 20)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
    library.released = 0  # glibc refused a value
    assert memory.return_freed_heap_early({}) is False


def test_heap_thresholds_chosen_in_the_environment_are_kept(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(memory, "_RETURNED_EARLY", [False])
    library = _FakeLibrary(1)
    monkeypatch.setattr(memory, "_c_library", lambda: library)
    for chosen in (
        {"MALLOC_MMAP_THRESHOLD_": "1048576"},
        {"MALLOC_TRIM_THRESHOLD_": "1048576"},
        {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1048576"},
        {"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2:glibc.malloc.mmap_threshold=65536"},
    ):
        assert memory.return_freed_heap_early(chosen) is False
    assert library.calls == []
    # other tunables are not a choice of the thresholds
    assert memory.return_freed_heap_early({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}) is True
    assert library.calls == [(-3, 4 << 20), (-1, 2 << 20)]
    library.calls.clear()
    monkeypatch.setattr(memory, "_c_library", lambda: object())  # musl: no mallopt
    assert memory.return_freed_heap_early({}) is False
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.return_freed_heap_early({}) is False


def test_a_check_s_own_work_is_allocated_from_the_c_heap_and_the_pool_restored(
    arrow_pool, monkeypatch
):
    monkeypatch.delenv(memory.ARROW_POOL_VARIABLE, raising=False)
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    seen = []
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(600, 0, 600, 1_000)}])
    result = check(
        sites(square(0, 0, 1_000, 500)),
        layers={"farmland": farmland},
        area_method="planar",
        progress=lambda *_: seen.append(pa.default_memory_pool().backend_name),
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(200_000.0)
    assert seen and set(seen) == {"system"}
    assert pa.default_memory_pool().backend_name == "mimalloc"


def test_an_allocator_named_in_the_environment_is_kept_inside_a_check(arrow_pool):
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    with memory.arrow_pool_on_c_heap({memory.ARROW_POOL_VARIABLE: "mimalloc"}):
        assert pa.default_memory_pool().backend_name == "mimalloc"
    pa.set_memory_pool(pa.system_memory_pool())
    with memory.arrow_pool_on_c_heap({}):
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == "system"


def test_overlapping_checks_restore_the_pool_after_the_last_one(arrow_pool):
    pa.set_memory_pool(pa.mimalloc_memory_pool())
    first, second = memory.arrow_pool_on_c_heap({}), memory.arrow_pool_on_c_heap({})
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to start ends first (another thread's)
    assert pa.default_memory_pool().backend_name == "system"
    second.__exit__(None, None, None)
    assert pa.default_memory_pool().backend_name == "mimalloc"
    with pytest.raises(RuntimeError), memory.arrow_pool_on_c_heap({}):
        raise RuntimeError("a check failed")
    assert pa.default_memory_pool().backend_name == "mimalloc"
