"""A check that keeps no geometry (``keep_geometry=False``, the ``-f json`` command).

Its findings are those of a full check, number for number; it refuses what it
cannot draw; and it keeps nothing read after it returns.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
import shapely
from click.testing import CliRunner
from common import frame, sites, square
from test_engine_local import _layers, _sites

import landcheck
import landcheck.engine as engine_module
import landcheck.evaluation as evaluation
import landcheck.io.filtered as filtered
from landcheck.cli.main import cli
from landcheck.errors import InputDataError
from landcheck.sample.sites import REVIEW_SITES, SITES


def _findings(result):
    data = result.to_dict()
    data.pop("created")
    return json.dumps(data, ensure_ascii=False, indent=2)


@pytest.fixture(scope="module")
def sample_checks(sample_gpkg, sample_layers):
    full = landcheck.check(f"{sample_gpkg}:sites", layers=sample_layers)
    lean = landcheck.check(f"{sample_gpkg}:sites", layers=sample_layers, keep_geometry=False)
    return full, lean


def test_the_sample_county_without_geometry_has_the_same_findings(sample_checks):
    full, lean = sample_checks
    assert len(full.sites) == len(SITES) + len(REVIEW_SITES)
    assert _findings(lean) == _findings(full)
    assert full.geometry_kept and not lean.geometry_kept


def test_pieces_keep_every_measure_and_attribute_but_no_outline(sample_checks):
    full, lean = sample_checks
    assert lean.pieces.keys() == full.pieces.keys()
    assert lean.context == {} and set(full.context) == set(full.pieces)
    for key, pieces in full.pieces.items():
        bare = lean.pieces[key]
        assert list(bare.columns) == list(pieces.columns)
        assert bare.drop(columns="geometry").equals(pieces.drop(columns="geometry"))
        assert bare.geometry.isna().all()
        assert len(pieces) == 0 or pieces.geometry.notna().all()
    table = lean.tables["classes"]
    assert table.equals(full.tables["classes"])


def test_a_result_without_geometry_writes_findings_json_only(sample_checks, tmp_path):
    full, lean = sample_checks
    written = lean.to_report(str(tmp_path / "lean"), formats="json")
    full.to_report(str(tmp_path / "full"), formats="json")
    with open(written["json"], encoding="utf-8") as handle:
        lean_text = handle.read()
    full_text = (tmp_path / "full" / "findings.json").read_text(encoding="utf-8")
    created = re.compile(r'"created": "[^"]*"')
    assert created.sub("", lean_text) == created.sub("", full_text)
    with pytest.raises(InputDataError, match=r"writing html, gpkg needs the overlaps' geometry"):
        lean.to_report(str(tmp_path / "maps"), formats="json,html,gpkg")
    assert not (tmp_path / "maps").exists()
    site = lean.site_ids[0]
    with pytest.raises(InputDataError, match="keep_geometry=True"):
        lean.plot(site)
    with pytest.raises(InputDataError, match="an interactive map needs"):
        lean.explore(site)


def test_a_check_without_geometry_keeps_nothing_read(write_gpkg):
    filtered.clear_cache()
    farmland = frame(
        [{"BSM": f"F{i}", "DLBM": "0101", "geometry": square(300 * i, 0, 200)} for i in range(5)]
    )
    path = write_gpkg(farmland=farmland)
    site = sites(square(100, 50, 500, 100))
    try:
        lean = landcheck.check(site, layers={"farmland": f"{path}:farmland"}, keep_geometry=False)
        assert filtered._CACHE.frames == {}
        full = landcheck.check(site, layers={"farmland": f"{path}:farmland"})
        assert len(filtered._CACHE.frames) == 1
    finally:
        filtered.clear_cache()
    # 100 m of F0 and 200 m of F1 along the site, 100 m high: 30,000 m²
    assert lean.layer_area("S1", "farmland").planar_m2 == pytest.approx(30_000.0)
    assert _findings(lean) == _findings(full)


def test_an_evaluation_without_geometry_does_not_keep_its_reads_in_the_run(write_gpkg):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(0, 0, 1000)}])
    path = write_gpkg(farmland=farmland)
    run = landcheck.prepare(sites(square(100, 100, 300)), layers={"farmland": f"{path}:farmland"})
    landcheck.evaluate(run, keep_geometry=False)
    assert run._reads._entries == {}
    landcheck.evaluate(run)
    assert [key for key, _margin in run._reads._entries] == ["farmland"]


def test_the_json_command_keeps_no_geometry_and_writes_the_same_findings(write_gpkg, tmp_path):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    data = write_gpkg(sites=sites(square(0, 0, 1000, 500), square(3000, 0, 100)), farmland=farmland)
    outputs = {}
    for formats in ("json", "json,gpkg"):
        out = tmp_path / formats.replace(",", "-")
        layer = f"farmland={data}:farmland"
        args = ["check", f"{data}:sites", "--layer", layer, "-q", "-f", formats, "-o", str(out)]
        done = CliRunner().invoke(cli, args)
        assert done.exit_code == 0, done.output
        found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
        found.pop("created")
        outputs[formats] = found
    assert outputs["json"] == outputs["json,gpkg"]
    assert outputs["json"]["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"] == 150_000.0


def test_the_boundary_txt_is_written_without_geometry_as_with_it(sample_checks, tmp_path):
    full, lean = sample_checks
    written = lean.to_report(str(tmp_path / "lean"), formats="json,txt")
    assert sorted(written) == ["json", "txt"]
    whole = full.to_report(str(tmp_path / "full"), formats="txt")
    assert Path(written["txt"]).read_bytes() == Path(whole["txt"]).read_bytes()
    with pytest.raises(InputDataError, match=r"writing gpkg needs the overlaps' geometry"):
        lean.to_report(str(tmp_path / "maps"), formats="json,txt,gpkg")
    assert not (tmp_path / "maps").exists()


@pytest.mark.parametrize(
    ("formats", "kept"),
    [("json", False), ("json,txt", False), ("txt", False), ("json,gpkg", True), ("txt,html", True)],
)
def test_the_command_keeps_geometry_only_for_a_format_that_draws(
    formats, kept, write_gpkg, tmp_path, monkeypatch
):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    data = write_gpkg(sites=sites(square(0, 0, 1000, 500)), farmland=farmland)
    asked = []
    real = evaluation.check

    def check(*args, **options):
        asked.append(options["keep_geometry"])
        return real(*args, **options)

    monkeypatch.setattr(evaluation, "check", check)
    out = tmp_path / "report"
    layer = f"farmland={data}:farmland"
    args = ["check", f"{data}:sites", "--layer", layer, "-q", "-f", formats, "-o", str(out)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert asked == [kept]
    if (
        "txt" in formats
    ):  # the site's plot: 1,000 m × 500 m, 50 ha, its 4 corners and the first again
        lines = (out / "sites.txt").read_text(encoding="utf-8").splitlines()
        plot = lines.index("[地块坐标]") + 1
        assert lines[plot].startswith("5,50.0000,S1,")
        assert lines[plot + 1 : plot + 6] == [
            "J1,1,2700000.000,35421000.000",
            "J2,1,2700000.000,35420000.000",
            "J3,1,2700500.000,35420000.000",
            "J4,1,2700500.000,35421000.000",
            "J1,1,2700000.000,35421000.000",
        ]


def test_partitions_computed_here_while_the_workers_start_are_the_same(monkeypatch):
    layers, site_frame = _layers(), _sites()
    serial = landcheck.check(site_frame, layers=layers, workers=1)
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    release = threading.Event()
    submitted, starting = [], []
    close = engine_module.Engine.close

    def not_ready_until_closed(self, count):  # workers still starting for every overlay
        self._starting = threading.Thread(target=release.wait, daemon=True)
        self._starting.start()
        starting.append(self._starting)

    def ready_then_close(self, **how):
        release.set()
        close(self, **how)

    monkeypatch.setattr(engine_module.Engine, "start", not_ready_until_closed)
    monkeypatch.setattr(engine_module.Engine, "close", ready_then_close)
    monkeypatch.setattr(engine_module, "_local_pool", lambda workers: submitted.append(workers))
    try:
        here = landcheck.check(site_frame, layers=layers, workers=2)
    finally:
        release.set()
    assert submitted == []
    # the engine waited for its starting thread before the check returned
    assert starting and not any(thread.is_alive() for thread in starting)
    assert _findings(here) == _findings(serial)
    for key, pieces in serial.pieces.items():
        other = here.pieces[key]
        assert other.drop(columns="geometry").equals(pieces.drop(columns="geometry"))
        assert shapely.equals_exact(other.geometry.values, pieces.geometry.values, 0).all()


def test_no_thread_of_the_engine_outlives_a_batch(monkeypatch):
    # a batch can end before its workers are up; a thread still starting them would try
    # to submit after the interpreter began to exit and keep the process from ending
    monkeypatch.setattr(engine_module, "PARALLEL_SITES", 2)
    result = landcheck.check(_sites(), layers=_layers(), workers=2)
    assert len(result.sites) > 2
    assert not [t for t in threading.enumerate() if t.name == "landcheck-workers" and t.is_alive()]
