"""The local engine: partitioned runs give exactly what one process gives."""

from __future__ import annotations

import builtins
import io
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from concurrent.futures import Future

import numpy as np
import pytest
import shapely
from common import X0, Y0, frame, fresh_python, live_forkservers, sites, square

import landcheck
import landcheck.engine as engine_module
import landcheck.run
from landcheck.cut import WireGeometries
from landcheck.engine import Engine, make_engine, partition_sites
from landcheck.errors import InputDataError
from landcheck.packed import PackedFrame


def _layers():
    # a grid of parcels with codes, overlapping farmland, and a huge redline polygon
    parcels = frame(
        [
            {
                "BSM": f"P{i}-{j}",
                "DLBM": ("0101", "0103", "0301", "0702")[(i + j) % 4],
                "KCXS": 0.05 if (i + j) % 4 == 1 else 0.0,
                "geometry": square(200 * i, 200 * j, 200),
            }
            for i in range(10)
            for j in range(10)
        ]
    )
    farmland = frame(
        [
            {"BSM": f"F{i}", "DLBM": "0101", "geometry": square(150 * i, 100, 300, 500)}
            for i in range(12)
        ]
    )
    ring = shapely.Point(parcels.total_bounds[0] + 1000, parcels.total_bounds[1] + 1000)
    redline = frame([{"BSM": "R1", "geometry": ring.buffer(700, quad_segs=3000)}])
    return {"land_use": parcels, "farmland": farmland, "eco_redline": redline}


def _sites(n=40):
    rng = np.random.default_rng(7)
    geoms = [
        square(float(x), float(y), float(s))
        for x, y, s in zip(
            rng.uniform(0, 1800, n), rng.uniform(0, 1800, n), rng.uniform(20, 150, n), strict=True
        )
    ]
    return sites(*geoms)


def _json(result):
    data = result.to_dict()
    data.pop("created")
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def test_partitioned_local_run_is_identical_to_one_process(monkeypatch):
    layers, site_frame = _layers(), _sites()
    serial = landcheck.check(site_frame, layers=layers, workers=1)
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    parallel = landcheck.check(site_frame, layers=layers, workers=2)
    assert _json(parallel) == _json(serial)
    for key, pieces in serial.pieces.items():
        other = parallel.pieces[key]
        assert other.drop(columns="geometry").equals(pieces.drop(columns="geometry"))
        assert shapely.equals_exact(other.geometry.values, pieces.geometry.values, 0).all()


class _PicklingPool:
    """A pool that runs each task here, its arguments and result through pickle as a worker's.

    Its pickler refuses a shapely geometry: what crosses to a worker is WKB in bulk.
    """

    class _Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, shapely.Geometry):
                raise AssertionError(f"a geometry pickled one by one: {obj.geom_type}")
            return NotImplemented

    def __init__(self):
        self.sent = []

    def _through_pickle(self, value):
        buffer = io.BytesIO()
        self._Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        return pickle.loads(buffer.getvalue())

    def submit(self, fn, *args):
        args = self._through_pickle(args)
        self.sent.append(args)
        future = Future()
        future.set_result(self._through_pickle(fn(*args)))
        return future


def test_geometries_cross_to_the_workers_as_wkb_and_come_back_the_same(monkeypatch):
    layers, site_frame = _layers(), _sites()
    serial = landcheck.check(site_frame, layers=layers, workers=1)
    pool = _PicklingPool()
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    monkeypatch.setattr(engine_module, "_local_pool", lambda workers: pool)
    # no partition computed here while workers start: every one goes through the pool
    monkeypatch.setattr(engine_module.Engine, "start", lambda self, sites: None)
    encoded, in_worker = [], []
    init, task = WireGeometries.__init__, engine_module.partition_task

    def counted(self, geometries):
        if not in_worker:  # the calling process's encoding, not the worker's of its pieces
            encoded.append(len(geometries))
        init(self, geometries)

    def worker_task(*args):
        in_worker.append(True)
        try:
            return task(*args)
        finally:
            in_worker.pop()

    packed_from = []
    pack = PackedFrame.of.__func__

    def packed(cls, frame, wkb=None):
        packed_from.append("wkb" if wkb is not None else "geometries")
        return pack(cls, frame, wkb)

    monkeypatch.setattr(WireGeometries, "__init__", counted)
    monkeypatch.setattr(engine_module, "partition_task", worker_task)
    monkeypatch.setattr(PackedFrame, "of", classmethod(packed))
    sent = landcheck.check(site_frame, layers=layers, workers=2)
    assert packed_from == ["wkb"] * 6  # each layer's pieces and features
    parts = Engine("local", 2).parts(len(site_frame))
    assert len(pool.sent) == 3 * parts
    # each partition's sites encoded once for the three layers; each layer's features once
    # each, though a feature near two partitions goes to both; the features packed for the
    # maps are that WKB, not encoded again
    features = [args[1].wkb.tolist() for args in pool.sent]
    distinct = [
        len({w for f in features[k * parts : (k + 1) * parts] for w in f}) for k in range(3)
    ]
    assert sum(len(f) for f in features) > sum(distinct)
    assert sum(encoded) == len(site_frame) + sum(distinct)
    assert _json(sent) == _json(serial)
    for key, pieces in serial.pieces.items():
        other = sent.pieces[key]
        assert shapely.equals_exact(other.geometry.values, pieces.geometry.values, 0).all()
    for key, context in serial.context.items():
        other = sent.context[key]
        assert other.drop(columns="geometry").equals(context.drop(columns="geometry"))
        assert shapely.equals_exact(other.geometry.values, context.geometry.values, 0).all()


@pytest.mark.parametrize("crs", [None, "EPSG:3857"])
def test_pieces_a_worker_sends_are_packed_as_they_came_not_read_back_here(monkeypatch, crs):
    """The calling process only measures the pieces' columns and packs their geometry: the
    WKB a worker sends is packed as it is. The first partition is computed here while the
    workers start (its pieces encoded as a worker would), the others go through the pool. In
    Web Mercator every site is measured in its own zone, which reads its pieces from the WKB.
    Findings, tables and every piece are one process's, coordinate for coordinate."""
    layers, site_frame = _layers(), _sites()
    serial = landcheck.check(site_frame, layers=layers, workers=1, crs=crs)
    pool = _PicklingPool()
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    monkeypatch.setattr(engine_module, "_local_pool", lambda workers: pool)
    release = threading.Event()

    def starting_until_one_is_computed(self, sites):
        self._starting = threading.Thread(target=release.wait, daemon=True)
        self._starting.start()

    here = []
    cut_and_nearest = engine_module.cut_and_nearest

    def computed_here(*args):
        here.append(len(args[0]))
        release.set()
        return cut_and_nearest(*args)

    read_back = []
    geometries = WireGeometries.geometries
    monkeypatch.setattr(engine_module.Engine, "start", starting_until_one_is_computed)
    monkeypatch.setattr(engine_module, "cut_and_nearest", computed_here)
    monkeypatch.setattr(
        WireGeometries,
        "geometries",
        lambda self: read_back.append(len(self.wkb)) or geometries(self),
    )
    sent = landcheck.check(site_frame, layers=layers, workers=2, crs=crs)
    assert here and len(pool.sent) == 3 * Engine("local", 2).parts(len(site_frame)) - len(here)
    # a worker reads its sites and features; no piece it sent is read back here
    assert len(read_back) == 2 * len(pool.sent)
    assert _json(sent) == _json(serial)
    for key, pieces in serial.pieces.items():
        other = sent.pieces[key]
        assert other.drop(columns="geometry").equals(pieces.drop(columns="geometry"))
        assert shapely.equals_exact(other.geometry.values, pieces.geometry.values, 0).all()
    if crs is not None:
        assert {serial.measuring_crs(site) for site in serial.site_ids} != {"EPSG:3857"}


def test_the_workers_module_imports_no_pandas_geopandas_or_pyarrow():
    """A batch's worker processes start from landcheck.cut (their forkserver preloads it);
    it and what it imports must not pull in the package's heavy modules, or the workers
    start three times slower while the first layer is read."""
    lines = fresh_python(
        "import sys, landcheck.cut",
        "heavy = ('pandas', 'geopandas', 'pyarrow', 'pyogrio', 'matplotlib')",
        "print([m for m in sys.modules if m.split('.')[0] in heavy])",
    )
    assert lines == ["[]"], lines
    # and what the engine has a worker run (its task, initializer, first job) is from there
    for function in (engine_module.partition_task, engine_module.quiet_worker, engine_module.ready):
        assert function.__module__ == "landcheck.cut"


def test_a_pool_s_forkserver_preloads_only_the_workers_module(monkeypatch):
    preloads = []
    monkeypatch.setattr(engine_module, "_POOL", {})
    real = engine_module.multiprocessing.get_context

    class Context:
        def __init__(self, method):
            self.context = real(method)

        def set_forkserver_preload(self, names):
            preloads.append(list(names))

        def __getattr__(self, name):
            return getattr(self.context, name)

    monkeypatch.setattr(engine_module.multiprocessing, "get_context", Context)
    pool = engine_module._local_pool(2)
    try:
        if "forkserver" in engine_module.multiprocessing.get_all_start_methods():
            assert preloads == [["landcheck.cut"]]
    finally:
        pool.shutdown()


def test_wire_geometries_read_back_as_pickling_each_one_would():
    geoms = np.array(
        [
            shapely.box(X0, Y0, X0 + 1.0 / 3.0, Y0 + 2.0 / 7.0),
            shapely.Polygon([(0, 0, 1.5), (1, 0, 2.5), (1, 1, 3.5)]),
            shapely.MultiPolygon([square(0, 0, 10), square(20, 0, 10)]),
            shapely.GeometryCollection([shapely.Point(1, 2), square(0, 0, 1)]),
            shapely.Polygon(),
            shapely.Point(),
            None,
        ],
        dtype=object,
    )
    received = pickle.loads(pickle.dumps(WireGeometries(geoms))).geometries()
    one_by_one = pickle.loads(pickle.dumps(geoms))
    assert received.dtype == object and len(received) == len(geoms)
    assert received[-1] is None
    for got, expected in zip(received[:-1], one_by_one[:-1], strict=True):
        assert got.geom_type == expected.geom_type and got.is_empty == expected.is_empty
        assert shapely.to_wkb(got) == shapely.to_wkb(expected)
    assert shapely.has_z(received[1]) and shapely.get_coordinates(received[1], include_z=True)[
        :, 2
    ].tolist() == [1.5, 2.5, 3.5, 1.5]


def _warning_layers():
    # each layer warns twice: reading it (a bow tie repaired), measuring it (features overlap)
    def layer(code):
        bow_tie = shapely.Polygon(
            [(X0 + 50, Y0 + 50), (X0 + 100, Y0 + 100), (X0 + 100, Y0 + 50), (X0 + 50, Y0 + 100)]
        )
        return frame(
            [
                {"BSM": "A", "DLBM": code, "KCXS": 0.0, "geometry": square(0, 0, 300)},
                {"BSM": "B", "DLBM": code, "KCXS": 0.0, "geometry": square(100, 0, 300)},
                {"BSM": "C", "DLBM": code, "KCXS": 0.0, "geometry": bow_tie},
            ]
        )

    return {"land_use": layer("0103"), "farmland": layer("0101"), "eco_redline": layer("0101")}


@pytest.mark.parametrize(
    ("workers", "cut_at_once"),
    [
        # overlays never done when asked: each layer is read while those before it are cut
        (1, True),
        (2, True),
        # overlays done as soon as started: each layer is measured before the next is read
        (1, False),
        (2, False),
    ],
)
def test_layers_are_read_while_the_ones_before_are_cut_and_warnings_keep_their_order(
    monkeypatch, workers, cut_at_once
):
    events = []
    read_layer, result = landcheck.run.Run.read_layer, engine_module.PendingOverlay.result

    def reading(self, spec, *args, **kwargs):
        events.append(f"read {spec.key}")
        return read_layer(self, spec, *args, **kwargs)

    def waiting(self, **kwargs):
        events.append("wait")
        return result(self, **kwargs)

    monkeypatch.setattr(landcheck.run.Run, "read_layer", reading)
    monkeypatch.setattr(engine_module.PendingOverlay, "result", waiting)
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    monkeypatch.setattr(engine_module.PendingOverlay, "done", lambda self: not cut_at_once)
    four = sites(*(square(500 * i, 0, 400) for i in range(4)))
    checked = landcheck.check(four, layers=_warning_layers(), workers=workers)
    # the land-use survey is read first; the profile's other layers between eco_redline and
    # land_use have no source
    if cut_at_once:
        assert events == [
            "read land_use",
            "read farmland",
            "read eco_redline",
            "wait",
            "wait",
            "wait",
        ]
    else:
        assert events == [
            "read land_use",
            "wait",
            "read farmland",
            "wait",
            "read eco_redline",
            "wait",
        ]
    # 61,250 m² planar, 80 km west of zone 35's meridian: on the ellipsoid, the run's method
    overlap = "features overlap each other inside site(s) S1 (61240.37 m² in all, ellipsoidal)"
    assert [w[: w.index(";") if ";" in w else None] for w in checked.warnings] == [
        f"layer {key!r}: {said}"
        for key in ("farmland", "eco_redline", "land_use")
        for said in ("1 invalid geometries repaired (e.g. C repaired)", overlap)
    ]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (1, ["read land_use", "read farmland", "wait", "read eco_redline", "wait", "wait"]),
        (2, ["read land_use", "read farmland", "read eco_redline", "wait", "wait", "wait"]),
    ],
)
def test_a_layer_is_measured_when_more_overlays_than_the_limit_are_under_way(
    monkeypatch, limit, expected
):
    events = []
    read_layer, result = landcheck.run.Run.read_layer, engine_module.PendingOverlay.result
    monkeypatch.setattr(
        landcheck.run.Run,
        "read_layer",
        lambda self, spec, *a, **k: (
            events.append(f"read {spec.key}") or read_layer(self, spec, *a, **k)
        ),
    )
    monkeypatch.setattr(
        engine_module.PendingOverlay,
        "result",
        lambda self, **kw: events.append("wait") or result(self, **kw),
    )
    monkeypatch.setattr(engine_module.PendingOverlay, "done", lambda self: False)
    monkeypatch.setattr(landcheck.evaluation, "_CUT_AT_ONCE", limit)
    four = sites(*(square(500 * i, 0, 400) for i in range(4)))
    checked = landcheck.check(four, layers=_warning_layers(), workers=1)
    assert events == expected
    # A (300 m square) and B (A moved 100 m east) cover 400 × 300 m of the 400 m site once
    assert checked.layer("S1", "land_use").overlap.planar_m2 == pytest.approx(120_000.0, abs=1e-6)


def _check_keeping_two_workers(monkeypatch):
    """A check of :func:`_sites` on two workers, kept after it (the default): what it used."""
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    monkeypatch.setattr(engine_module, "_POOL", {})
    layers, site_frame = _layers(), _sites()
    result = landcheck.check(site_frame, layers=layers, workers=2)
    processes = list(engine_module._POOL[2]._processes.values())
    assert len(processes) == 2 and all(p.is_alive() for p in processes)
    return layers, site_frame, result, processes


def test_released_workers_exit_and_the_next_check_starts_its_own(monkeypatch):
    layers, site_frame, first, processes = _check_keeping_two_workers(monkeypatch)
    engine_module.release_workers()
    assert engine_module._POOL == {}
    assert not any(p.is_alive() for p in processes)  # exited: their memory is free
    again = landcheck.check(site_frame, layers=layers, workers=2)
    assert _json(again) == _json(first)
    assert set(engine_module._POOL[2]._processes.values()).isdisjoint(processes)
    engine_module.release_workers()


def test_partitions_are_compact_and_cover_every_site():
    geoms = np.array([square(1000 * (i % 2) + i, 0, 10) for i in range(20)] + [shapely.Polygon()])
    parts = partition_sites(geoms, 2)
    assert sorted(np.concatenate(parts).tolist()) == list(range(21))
    east = [set(np.flatnonzero(shapely.bounds(geoms)[:, 0] > 500).tolist())]
    assert any(set(p.tolist()) <= east[0] for p in parts)


def test_each_partition_gets_the_features_near_its_own_sites():
    rng = np.random.default_rng(11)
    features = np.array(
        [square(x, y, s) for x, y, s in rng.uniform([0, 0, 5], [2000, 2000, 80], (300, 3))]
    )
    site_geoms = np.array(
        [square(x, y, s) for x, y, s in rng.uniform([0, 0, 5], [2000, 2000, 60], (50, 3))]
        + [shapely.Polygon()]
    )
    groups = partition_sites(site_geoms, 4)
    found = engine_module._features_near_groups(features, site_geoms, groups, 25.0)
    fx0, fy0, fx1, fy1 = shapely.bounds(features).T
    for members, positions in zip(groups, found, strict=True):
        near = np.zeros(len(features), dtype=bool)
        for x0, y0, x1, y1 in shapely.bounds(site_geoms[members]):
            near |= (fx1 >= x0 - 25) & (fx0 <= x1 + 25) & (fy1 >= y0 - 25) & (fy0 <= y1 + 25)
        assert positions.tolist() == np.flatnonzero(near).tolist()
    assert all(len(p) for p in found)
    assert engine_module._features_near_groups(features[:0], site_geoms, groups, 1.0)[0].size == 0


def test_unknown_engine_and_bad_workers_are_refused():
    with pytest.raises(InputDataError, match="expected to be one of"):
        make_engine("spark")
    with pytest.raises(InputDataError, match="at least 1"):
        make_engine("local", workers=0)


def test_dask_engine_without_dask_says_how_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "dask" or name.startswith("dask."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(ImportError) as caught:
        landcheck.check(_sites(2), layers=_layers(), engine="dask")
    assert str(caught.value) == (
        "the dask engine needs dask.distributed, which is not installed: "
        "pip install landcheck[dask]"
    )


def test_small_batches_stay_in_this_process():
    assert Engine("local", 2).parts(10) == 1
    assert Engine("local", 2).parts(engine_module.PARALLEL_SITES) > 1
    assert Engine("local", 1).parts(10_000) == 1


@pytest.mark.parametrize("count", [1_000, 1_251, 5_000, 10_000])
def test_a_big_batch_s_partitions_hold_a_few_hundred_sites_each(count):
    """Two a worker at least (1,000 sites: 4 of 250), more for a bigger batch, so that no
    partition holds more than _SITES_A_PART sites (10,000: 16 of 625)."""
    parts = Engine("local", 2).parts(count)
    rng = np.random.default_rng(3)
    points = shapely.points(rng.uniform(0, 1e5, count), rng.uniform(0, 1e5, count))
    groups = partition_sites(points, parts)
    assert parts == max(4, -(-count // engine_module._SITES_A_PART))
    assert len(groups) == parts and max(map(len, groups)) == -(-count // parts)
    assert max(map(len, groups)) <= max(-(-count // 4), engine_module._SITES_A_PART)
    assert sorted(np.concatenate(groups).tolist()) == list(range(count))


def _parent_of_a_worker() -> int:
    """The process that started the engine's workers (its pool of two, kept by a check)."""
    return engine_module._POOL[2].submit(os.getppid).result(timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux only")
def test_an_idle_forkserver_ends_and_the_next_check_starts_another(monkeypatch):
    engine_module.release_workers()  # earlier tests' workers: the forkserver would stay for them
    layers, sites_, first, _ = _check_keeping_two_workers(monkeypatch)
    server = _parent_of_a_worker()
    assert engine_module._end_idle_forkserver() is None  # its workers live: it stays
    assert _parent_of_a_worker() == server
    engine_module.release_workers()
    assert live_forkservers() == [server]
    assert engine_module._end_idle_forkserver() == server
    deadline = time.monotonic() + 30
    while live_forkservers() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert live_forkservers() == []
    again = landcheck.check(sites_, layers=layers, workers=2)  # multiprocessing starts another
    assert _parent_of_a_worker() not in (server, os.getpid())
    assert live_forkservers() == [_parent_of_a_worker()]
    a, b = first.to_dict(), again.to_dict()
    a.pop("created"), b.pop("created")
    assert a == b
    engine_module.release_workers()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux only")
def test_a_forkserver_is_found_among_this_process_s_children_only(monkeypatch):
    own = os.getpid()
    monkeypatch.setattr(
        engine_module, "_children_by_parent", lambda: {own: [own + 10**7], 1: [own]}
    )
    assert engine_module._end_idle_forkserver() is None  # a child that ended meanwhile
    monkeypatch.setattr(engine_module, "_children_by_parent", lambda: None)
    assert engine_module._end_idle_forkserver() is None  # /proc unreadable: nothing is done


def test_a_script_without_a_main_guard_is_not_run_again_in_the_workers(tmp_path):

    script = tmp_path / "batch.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(__import__('os').path.dirname(__file__))!r})\n"
        "import landcheck, landcheck.engine as engine\n"
        "from test_engine_local import _layers, _sites\n"
        "engine.PARALLEL_SITES = 2\n"
        "print('started', flush=True)\n"
        "result = landcheck.check(_sites(), layers=_layers(), workers=2)\n"
        "print('sites', len(result.sites))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["started", "sites", "40"]


def test_progress_is_reported_through_long_batches():
    calls = []
    site_frame = _sites(450)
    landcheck.check(
        site_frame,
        layers=_layers(),
        workers=1,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    sites_done = [done for stage, done, total in calls if stage == "sites" and total == 450]
    assert len(sites_done) >= 4 and sites_done == sorted(sites_done) and sites_done[-1] == 450
    layers_done = [done for stage, done, _ in calls if stage == "layers"]
    assert layers_done == sorted(layers_done) and layers_done[-1] == max(layers_done) > 0


def test_a_worker_trims_its_heap_once_its_partitions_are_over_a_while(monkeypatch):
    from landcheck import cut

    trims = []
    monkeypatch.setattr(cut, "release_free_memory", lambda: trims.append(True) or True)
    work = cut._Work()
    idle = cut.IDLE_TRIM_S
    assert not work.trim_if_idle(100.0)  # no partition yet: nothing to give back
    work.started()
    work.last_end = 50.0
    assert not work.trim_if_idle(100.0)  # one runs
    work.running = 0
    assert not work.trim_if_idle(50.0 + idle / 2)  # ended too recently
    assert work.trim_if_idle(50.0 + idle)
    assert not work.trim_if_idle(60.0)  # once only until another partition ends
    work.last_end = 61.0
    assert work.trim_if_idle(61.0 + idle)
    assert trims == [True, True]


def test_a_trim_is_due_when_the_last_partition_has_been_over_a_while(monkeypatch):
    import threading

    from landcheck import cut

    work = cut._Work()
    work.started()
    due: list[float] = []
    waiting = threading.Thread(target=lambda: due.append(work.trim_due()), daemon=True)
    waiting.start()
    waiting.join(0.3)
    assert waiting.is_alive()  # a partition runs: nothing is due
    work.ended()
    waiting.join(5.0)
    assert due == [work.last_end + cut.IDLE_TRIM_S]  # as soon as it ended, not at a later tick
    work.trimmed = work.last_end + cut.IDLE_TRIM_S
    again = threading.Thread(target=work.trim_due, daemon=True)
    again.start()
    again.join(0.3)
    assert again.is_alive()  # trimmed since: nothing is due until another partition ends


def test_the_trimming_thread_trims_as_soon_as_a_partition_is_idle_long_enough(monkeypatch):
    # the trim is due IDLE_TRIM_S after the last partition ended, not at the next tick of a
    # clock: before the rules' process forks from the calling one (~0.35 s after the layers at
    # 10,000 sites), so the workers' free pages are not counted beside it
    import threading
    import time

    from landcheck import cut

    monkeypatch.setattr(cut, "IDLE_TRIM_S", 0.3)
    trims: list[float] = []
    monkeypatch.setattr(cut, "release_free_memory", lambda: trims.append(time.monotonic()) or True)
    work = cut._Work()

    def trims_reach(count: int) -> bool:
        deadline = time.monotonic() + 5.0
        while len(trims) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(trims) == count

    threading.Thread(target=work.trim_when_idle, daemon=True).start()
    time.sleep(0.05)
    # a partition ends just after the thread has started waiting: a clock ticking every 0.3 s
    # from then would find it over only at its second tick, 0.55 s later
    work.started()
    work.ended()
    assert trims_reach(1)
    assert 0.3 <= trims[0] - work.last_end < 0.5
    time.sleep(0.7)
    assert len(trims) == 1  # once per idle spell
    work.started()
    time.sleep(0.7)
    assert len(trims) == 1  # not while one runs, however long
    work.ended()
    work.started()  # another starts before the trim is due: none while it runs
    time.sleep(0.5)
    assert len(trims) == 1
    work.ended()
    assert trims_reach(2)
    assert 0.3 <= trims[1] - work.last_end < 0.5


def test_the_pool_s_workers_run_the_trimming_thread(monkeypatch):
    import threading

    monkeypatch.setattr(engine_module, "_POOL", {})
    pool = engine_module._local_pool(2)
    try:
        with engine_module._main_not_reimported():
            counts = {pool.submit(threading.active_count).result() for _ in range(4)}
        assert counts == {2}  # the worker's own thread and the one that trims its heap
    finally:
        engine_module.release_workers()


def test_workers_not_kept_end_with_the_layers_before_the_rules_run(monkeypatch):
    import landcheck.evaluation as evaluation

    layers, site_frame, kept, _ = _check_keeping_two_workers(monkeypatch)
    engine_module.release_workers()
    seen_by_rules = []
    real = evaluation._evaluate_sites

    def evaluate_sites(*args, **kwargs):
        pool = engine_module._POOL.get(2)
        seen_by_rules.append(pool)
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation, "_evaluate_sites", evaluate_sites)
    workers = []
    real_release = engine_module.release_workers

    def release_workers(wait=True):
        workers.extend(p for pool in engine_module._POOL.values() for p in pool._processes.values())
        real_release(wait=wait)

    monkeypatch.setattr(engine_module, "release_workers", release_workers)
    with engine_module.workers_end_with_layers():
        ended = landcheck.check(site_frame, layers=layers, workers=2)
    assert _json(ended) == _json(kept)
    assert len(workers) == 2 and not any(p.is_alive() for p in workers)
    assert seen_by_rules == [None]  # no pool when the rules began
    assert engine_module._POOL == {}


def test_a_failed_check_does_not_wait_for_its_workers_to_end(monkeypatch):
    waits = []
    monkeypatch.setattr(engine_module, "release_workers", lambda wait=True: waits.append(wait))
    with engine_module.workers_end_with_layers():
        with pytest.raises(KeyboardInterrupt), Engine("local", 2):
            raise KeyboardInterrupt
        with Engine("local", 2):
            pass
    with Engine("local", 2):
        pass  # kept: nothing ends
    assert waits == [False, True]
