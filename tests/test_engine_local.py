"""The local engine: partitioned runs give exactly what one process gives."""

from __future__ import annotations

import builtins
import json

import numpy as np
import pytest
import shapely
from common import X0, Y0, frame, sites, square

import landcheck
import landcheck.engine as engine_module
import landcheck.run
from landcheck.engine import Engine, make_engine, partition_sites
from landcheck.errors import InputDataError


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


def _warning_layers():
    # each layer warns twice: reading it (a bow tie repaired), measuring it (features overlap)
    def layer(code):
        bow_tie = shapely.Polygon(
            [(X0 + 50, Y0 + 50), (X0 + 100, Y0 + 100), (X0 + 100, Y0 + 50), (X0 + 50, Y0 + 100)]
        )
        return frame(
            [
                {"BSM": "A", "DLBM": code, "geometry": square(0, 0, 300)},
                {"BSM": "B", "DLBM": code, "geometry": square(100, 0, 300)},
                {"BSM": "C", "DLBM": code, "geometry": bow_tie},
            ]
        )

    return {"land_use": layer("0103"), "farmland": layer("0101"), "eco_redline": layer("0101")}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_layer_is_read_while_the_one_before_is_cut_and_warnings_keep_their_order(
    monkeypatch, workers
):
    events = []
    read_layer, result = landcheck.run.Run.read_layer, engine_module.PendingOverlay.result

    def reading(self, spec, *args, **kwargs):
        events.append(f"read {spec.key}")
        return read_layer(self, spec, *args, **kwargs)

    def waiting(self):
        events.append("wait")
        return result(self)

    monkeypatch.setattr(landcheck.run.Run, "read_layer", reading)
    monkeypatch.setattr(engine_module.PendingOverlay, "result", waiting)
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    four = sites(*(square(500 * i, 0, 400) for i in range(4)))
    checked = landcheck.check(four, layers=_warning_layers(), workers=workers)
    # eco_redline is read before farmland's pieces are waited for; the layers between
    # eco_redline and land_use have no source
    assert events == ["read farmland", "read eco_redline", "wait", "wait", "read land_use", "wait"]
    overlap = "features overlap each other inside site(s) S1 (61250.00 m² in all)"
    assert [w[: w.index(";") if ";" in w else None] for w in checked.warnings] == [
        f"layer {key!r}: {said}"
        for key in ("farmland", "eco_redline", "land_use")
        for said in ("1 invalid geometries repaired (e.g. C repaired)", overlap)
    ]


def test_partitions_are_compact_and_cover_every_site():
    geoms = np.array([square(1000 * (i % 2) + i, 0, 10) for i in range(20)] + [shapely.Polygon()])
    parts = partition_sites(geoms, 2)
    assert sorted(np.concatenate(parts).tolist()) == list(range(21))
    east = [set(np.flatnonzero(shapely.bounds(geoms)[:, 0] > 500).tolist())]
    assert any(set(p.tolist()) <= east[0] for p in parts)


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


def test_a_script_without_a_main_guard_is_not_run_again_in_the_workers(tmp_path):
    import subprocess
    import sys

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
