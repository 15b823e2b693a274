"""The dask engine gives exactly the local engine's findings on the sample county."""

from __future__ import annotations

import json

import pytest

import landcheck

LAYERS = ("farmland", "eco_redline", "urban_boundary", "planning_zones", "land_use", "townships")


def _findings(result):
    data = result.to_dict()
    data.pop("created")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1)


@pytest.mark.dask
def test_dask_engine_and_local_engine_write_identical_findings_json(sample_gpkg):
    from dask.distributed import Client, LocalCluster

    sites = f"{sample_gpkg}:sites"
    layers = {key: f"{sample_gpkg}:{key}" for key in LAYERS}
    local = landcheck.check(sites, layers=layers, engine="local")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        distributed = landcheck.check(sites, layers=layers, engine="dask", client=client)
    assert len(local.sites) >= 10
    assert _findings(distributed) == _findings(local)


@pytest.mark.dask
def test_dask_engine_starts_and_stops_its_own_local_cluster():
    from test_engine_local import _layers, _sites

    sites, layers = _sites(30), _layers()
    local = landcheck.check(sites, layers=layers)
    distributed = landcheck.check(sites, layers=layers, engine="dask", workers=2)
    assert _findings(distributed) == _findings(local)
