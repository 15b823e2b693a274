"""The cyclic garbage collector paused around a batch's per-site loops, and restored.

A check (its sites and layers read, the overlays, the rules), findings.json's
entries and the reviewer's tables run with the collector paused
(:func:`landcheck.gcpause.collector_paused`); whatever happens inside, the
collector comes back as the caller had it.
"""

from __future__ import annotations

import gc

import geopandas as gpd
import pytest
from shapely import box

import landcheck.evaluation as evaluation
import landcheck.report.json as report_json
from landcheck import check
from landcheck.gcpause import collector_frozen, collector_paused
from landcheck.rules import ProfileRules


@pytest.fixture
def collector_enabled():
    """Each test starts with the collector on, and leaves it on."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_restored_after(collector_enabled):
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_exception_inside(collector_enabled):
    with pytest.raises(ZeroDivisionError), collector_paused():
        assert not gc.isenabled()
        _ = 1 / 0
    assert gc.isenabled()


def test_nested_blocks_leave_it_paused_until_the_outer_one_ends(collector_enabled):
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(collector_enabled):
    gc.disable()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("inside")
    assert not gc.isenabled()


def _site_and_farmland():
    x, y = 35_500_000, 2_700_000
    sites = gpd.GeoDataFrame(
        {"site_id": ["S1", "S2"]},
        geometry=[box(x, y, x + 1000, y + 500), box(x + 3000, y, x + 3400, y + 500)],
        crs=4523,
    )
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[box(x + 700, y, x + 2000, y + 1000)], crs=4523
    )
    return sites, farmland


def _record_collector(monkeypatch, owner, name, seen, label=None):
    """Wrap ``owner.name`` to note, at each call, whether the collector runs (with ``label``)."""
    real = getattr(owner, name)

    def recording(*args, **kwargs):
        seen.append(gc.isenabled() if label is None else (label, gc.isenabled()))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)


def test_the_rules_run_with_the_collector_paused_and_a_failure_restores_it(
    collector_enabled, monkeypatch
):
    sites, farmland = _site_and_farmland()
    seen = []
    _record_collector(monkeypatch, ProfileRules, "evaluate", seen)
    result = check(sites, layers={"farmland": farmland}, area_method="planar")
    assert seen == [False, False]  # one call per site, the collector paused for both
    assert gc.isenabled()
    assert result.layer_area("S1", "farmland").planar_m2 == 150_000.0

    def failing(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("a rule failed")

    monkeypatch.setattr(ProfileRules, "evaluate", failing)
    with pytest.raises(RuntimeError, match="a rule failed"):
        check(sites, layers={"farmland": farmland}, area_method="planar")
    assert gc.isenabled()


def test_a_check_reads_and_measures_its_layers_with_the_collector_paused(
    collector_enabled, monkeypatch
):
    sites, farmland = _site_and_farmland()
    seen = []
    _record_collector(monkeypatch, evaluation, "prepare", seen, "prepare")
    _record_collector(monkeypatch, evaluation, "_evaluate_layers", seen, "layers")
    result = check(sites, layers={"farmland": farmland}, area_method="planar")
    assert seen == [("prepare", False), ("layers", False)]
    assert gc.isenabled()
    assert result.layer_area("S1", "farmland").planar_m2 == 150_000.0


def test_the_reviewers_tables_are_built_with_the_collector_paused(collector_enabled, monkeypatch):
    import landcheck.tables as tables

    sites, farmland = _site_and_farmland()
    result = check(sites, layers={"farmland": farmland}, area_method="planar")
    seen = []
    _record_collector(monkeypatch, tables, "land_class_table", seen)
    built = tables.report_tables(result, "en")
    assert seen == [False] and gc.isenabled()
    assert built["summary"].frame["site_id"].tolist() == ["S1", "S2", "Total"]


def test_findings_json_is_written_with_the_collector_paused(collector_enabled, tmp_path):
    sites, farmland = _site_and_farmland()
    result = check(sites, layers={"farmland": farmland}, area_method="planar")
    seen = []
    real = result.site_dicts

    def site_dicts(**entries):
        for entry in real(**entries):
            seen.append(gc.isenabled())
            yield entry

    result.site_dicts = site_dicts
    report_json.write_json(result, str(tmp_path))
    assert seen == [False, False]
    assert gc.isenabled()
    assert report_json.dumps(result) == (tmp_path / "findings.json").read_text("utf-8")[:-1]
    assert gc.isenabled()


def test_objects_the_caller_froze_stay_frozen():
    gc.freeze()
    try:
        mine = gc.get_freeze_count()
        with collector_frozen():
            with collector_frozen():
                assert gc.get_freeze_count() == mine  # nothing more frozen here
        assert gc.get_freeze_count() == mine  # nor unfrozen: the caller's stay as they were
    finally:
        gc.unfreeze()
    with collector_frozen():
        assert gc.get_freeze_count() > 0  # a caller that froze nothing: frozen, then let go
    assert gc.get_freeze_count() == 0


def _generation_of(obj) -> int:
    return next(g for g in range(3) if any(o is obj for o in gc.get_objects(generation=g)))


class _Node:
    def __init__(self) -> None:
        self.other = None


def test_what_a_paused_block_made_goes_to_the_oldest_generation_unvisited(collector_enabled):
    visits = []

    def noted(phase, info):
        if phase == "start":
            visits.append(info["generation"])

    gc.callbacks.append(noted)
    try:
        with collector_paused():
            made = [_Node() for _ in range(3)]
            assert _generation_of(made[0]) == 0
        assert [_generation_of(node) for node in made] == [2, 2, 2]
    finally:
        gc.callbacks.remove(noted)
    assert visits == []  # moved there without a collection


def test_a_cycle_made_while_paused_is_still_collected():
    import weakref

    with collector_paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        alive = weakref.ref(first)
        del first, second
    assert alive() is not None  # a cycle: reference counting cannot free it
    gc.collect()
    assert alive() is None


def test_objects_frozen_when_the_pause_ends_stay_frozen(collector_enabled):
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector_paused():
            made = _Node()
        assert gc.get_freeze_count() == frozen  # the caller's stay frozen: nothing moved
        assert _generation_of(made) == 0
    finally:
        gc.unfreeze()


def test_the_command_leaves_the_closing_collections_nothing_to_walk(monkeypatch):
    import atexit
    import sys

    import landcheck.cli.main as cli_main

    registered = []
    monkeypatch.setattr(atexit, "register", registered.append)
    # the command's heap thresholds would stay with this test process (and its forked workers)
    monkeypatch.setattr(cli_main, "return_freed_heap_early", lambda: False)
    monkeypatch.setattr(sys, "argv", ["landcheck", "--version"])
    with pytest.raises(SystemExit):
        cli_main.main()
    assert gc.freeze in registered


def test_at_exit_everything_is_frozen_and_a_cycle_left_alone():
    import subprocess
    import sys

    script = (
        "import atexit, gc\n"
        "from landcheck.gcpause import no_collections_at_exit\n"
        "class Cycle:\n"
        "    def __del__(self):\n"
        "        print('finalized')\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "no_collections_at_exit()\n"
        "cycle = Cycle()\n"
        "cycle.me = cycle\n"
        "del cycle\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.split("\n") == ["frozen True", ""]  # the cycle was never walked
    without = script.replace("no_collections_at_exit()\n", "")
    ran = subprocess.run(
        [sys.executable, "-c", without], capture_output=True, text=True, check=True
    )
    assert ran.stdout.split("\n") == ["frozen False", "finalized", ""]


def test_a_result_left_to_the_system_is_never_freed_and_only_by_the_program():
    import subprocess
    import sys

    script = (
        "import gc, weakref\n"
        "from landcheck.gcpause import left_to_the_system, results_left_to_the_system\n"
        "class Result:\n"
        "    pass\n"
        "kept, freed = Result(), Result()\n"
        "refs = weakref.ref(kept), weakref.ref(freed)\n"
        "left_to_the_system(freed)  # outside the program's block: nothing is done\n"
        "print(gc.get_freeze_count() == 0)\n"
        "with results_left_to_the_system():\n"
        "    left_to_the_system(kept)\n"
        "del kept, freed\n"
        "gc.collect()\n"
        "print(refs[0]() is not None, refs[1]() is None)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.split("\n") == ["True", "True True", ""]
    without = script.replace("    left_to_the_system(kept)\n", "    pass\n")
    ran = subprocess.run(
        [sys.executable, "-c", without], capture_output=True, text=True, check=True
    )
    assert ran.stdout.split("\n") == ["True", "False True", ""]


def test_the_command_leaves_its_result_and_only_inside_its_entry_point(monkeypatch, tmp_path):
    import sys

    from click.testing import CliRunner
    from common import frame, sites, square

    import landcheck.cli.main as cli_main
    import landcheck.gcpause as gcpause

    given = []
    monkeypatch.setattr(gcpause, "left_to_the_system", given.append)
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    site_path, layer_path = tmp_path / "sites.gpkg", tmp_path / "farmland.gpkg"
    sites(square(0, 0, 1000, 500)).to_file(site_path, driver="GPKG")
    farmland.to_file(layer_path, driver="GPKG")
    args = ["check", str(site_path), "--layer", f"farmland={layer_path}", "-q", "-f", "json"]
    done = CliRunner().invoke(cli_main.cli, [*args, "-o", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    [result] = given
    assert result.layer_area(result.site_ids[0], "farmland").planar_m2 == 150_000.0

    import landcheck.cli.group as group  # where the entry point takes the commands from

    inside = []
    monkeypatch.setattr(group, "cli", lambda **_: inside.append(gcpause._LEAVING[0]))
    for start in ("use_system_arrow_pool", "return_freed_heap_early", "no_collections_at_exit"):
        monkeypatch.setattr(cli_main, start, lambda: None)  # they would stay with this process
    monkeypatch.setattr(sys, "argv", ["landcheck", "--version"])
    cli_main.main()
    assert inside == [True] and gcpause._LEAVING[0] is False
