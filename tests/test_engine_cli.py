"""CLI options of the engines: --engine, --scheduler, --workers."""

from __future__ import annotations

import builtins
import json

import pytest
from click.testing import CliRunner
from common import frame, live_forkservers, sites, square

from landcheck.cli.main import cli


@pytest.fixture
def data(write_gpkg):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    return write_gpkg(sites=sites(square(0, 0, 1000, 500), square(3000, 0, 100)), farmland=farmland)


def _run(data, out, *extra):
    return CliRunner().invoke(
        cli,
        [
            "check",
            f"{data}:sites",
            "--layer",
            f"farmland={data}:farmland",
            "--area-method",
            "planar",
            "-f",
            "json",
            "-o",
            str(out),
            *extra,
        ],
    )


def test_dask_engine_without_dask_says_how_to_install_it(data, tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("dask"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    result = _run(data, tmp_path / "out", "--engine", "dask")
    assert result.exit_code == 2
    assert "pip install landcheck[dask]" in result.output
    assert not (tmp_path / "out").exists()


def test_workers_must_be_positive(data, tmp_path):
    result = _run(data, tmp_path / "out", "--workers", "0")
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_local_engine_with_one_worker_gives_the_default_findings(data, tmp_path):
    assert _run(data, tmp_path / "a").exit_code == 0
    assert _run(data, tmp_path / "b", "--engine", "local", "--workers", "1").exit_code == 0
    a = json.loads((tmp_path / "a" / "findings.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b" / "findings.json").read_text(encoding="utf-8"))
    a.pop("created"), b.pop("created")
    assert a == b


def test_the_command_ends_the_engine_s_workers_before_the_rules_and_the_report(
    data, tmp_path, monkeypatch
):
    """It checks once: workers kept for a next check would only stand beside the rules' process
    and the writers, and so would the forkserver that started them (Linux: its end is seen
    in /proc). A check after the command keeps its workers again."""
    import landcheck.engine as engine_module
    import landcheck.evaluation as evaluation
    from landcheck.report import folder

    engine_module.release_workers()  # earlier tests' workers: the forkserver would stay for them
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    monkeypatch.setattr(engine_module, "_POOL", {})
    pools, started = [], []
    real_pool, real_sites, real_write = (
        engine_module._local_pool,
        evaluation._evaluate_sites,
        folder.write_report,
    )

    def local_pool(workers):
        started.append(workers)
        return real_pool(workers)

    def evaluate_sites(*args, **kwargs):
        pools.append(("rules", dict(engine_module._POOL), live_forkservers()))
        return real_sites(*args, **kwargs)

    def write_report(*args, **kwargs):
        pools.append(("report", dict(engine_module._POOL), live_forkservers()))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(engine_module, "_local_pool", local_pool)
    monkeypatch.setattr(evaluation, "_evaluate_sites", evaluate_sites)
    monkeypatch.setattr(folder, "write_report", write_report)
    result = _run(data, tmp_path / "out", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert started and pools == [("rules", {}, []), ("report", {}, [])]
    assert engine_module._WORKERS_KEPT == [True]
    findings = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert findings["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"] == 150_000.0
