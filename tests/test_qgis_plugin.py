"""The QGIS plugin (qgis_plugin/landcheck): Processing provider ``landcheck`` in real QGIS.

The plugin's plain-Python parts (how landcheck is found, run, streamed and stopped) and
the CLI it relies on (``check --progress json``, ``profile layers --json``) are tested
everywhere. The rest needs QGIS (Debian's qgis + python3-qgis, installed by ``make test``
when root) and is skipped with the reason without it:

* ``make qgis-plugin`` into a temporary QGIS settings folder (never the real home);
* headless ``qgis_process.bin`` (QT_QPA_PLATFORM=offscreen): ``--json list`` shows the
  provider and its algorithms, ``run landcheck:check`` writes the CLI's findings.json;
* a headless PyQGIS session (tests/qgis_session.py) runs check, compare and avoid as the
  Processing dialog does and reports the layers it loaded, the log, errors and cancelling.
"""

from __future__ import annotations

import doctest
import fcntl
import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from common import frame, qgis_env, sites, square
from select_scenario import write_all

from landcheck.cli.main import cli
from landcheck.io.profiles import load_profile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN = os.path.join(ROOT, "qgis_plugin", "landcheck")
VENV_LANDCHECK = os.path.join(ROOT, ".venv", "bin", "landcheck")
QGIS_PROCESS = shutil.which("qgis_process.bin")
SYSTEM_PYTHON = "/usr/bin/python3"
LANDCHECK = os.path.join(os.path.dirname(sys.executable), "landcheck")
"""The landcheck command of the environment running the tests."""


def _plain_module(name: str):
    """Import one of the plugin's QGIS-free modules from its file."""
    spec = importlib.util.spec_from_file_location(
        f"landcheck_qgis_{name}", os.path.join(PLUGIN, f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


runner = _plain_module("runner")
environment = _plain_module("environment")


def _qgis_missing() -> str | None:
    """Why the QGIS tests cannot run here (None: they can)."""
    if QGIS_PROCESS is None:
        return "QGIS is not installed (no qgis_process.bin; `make test` installs it as root)"
    if not os.path.exists(SYSTEM_PYTHON):
        return f"{SYSTEM_PYTHON} is missing"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import qgis.core, qgis.analysis"],
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        return "python3-qgis is not installed (`import qgis.core` fails)"
    if not os.access(VENV_LANDCHECK, os.X_OK):
        return f"{VENV_LANDCHECK} is missing (run `make test` to create the .venv)"
    return None


_WHY_NO_QGIS = _qgis_missing()
needs_qgis = pytest.mark.skipif(_WHY_NO_QGIS is not None, reason=str(_WHY_NO_QGIS))


# --- the CLI the plugin relies on ------------------------------------------------------------


@pytest.fixture(scope="module")
def check_data(tmp_path_factory):
    """S1 (1000 × 500 m) overlaps farmland by 300 × 500 m = 150,000 m²; S2 touches nothing."""
    path = tmp_path_factory.mktemp("qgis-data") / "data.gpkg"
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    site = sites(square(0, 0, 1000, 500), square(3000, 0, 100), name=["压占项目", "无压占项目"])
    site.to_file(path, layer="sites", driver="GPKG")
    farmland.to_file(path, layer="farmland", driver="GPKG")
    return str(path)


def _events(stderr: str) -> list[tuple[str, int, int]]:
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert all(e["event"] == "progress" for e in events)
    return [(e["stage"], e["done"], e["total"]) for e in events]


def test_check_progress_json_streams_sites_then_layers_then_sites(check_data, tmp_path):
    result = CliRunner().invoke(
        cli,
        [
            "check",
            f"{check_data}:sites",
            "--layer",
            f"farmland={check_data}:farmland",
            "--progress",
            "json",
            "-q",
            "-o",
            str(tmp_path / "r"),
        ],
    )
    assert result.exit_code == 0, result.output
    every = _events(result.stderr)
    events = [e for e in every if not e[0].startswith("write:")]
    layers = [e for e in events if e[0] == "layers"]
    assert events[0] == ("sites", 0, 2)
    count = len(load_profile().layers)
    assert layers == [("layers", done, count) for done in range(count + 1)]
    assert events[-1] == ("sites", 2, 2)
    assert events.index(layers[-1]) < len(events) - 1  # sites evaluated after the layers
    # then a stage per writer, after the check, in the order of the formats
    writes = every[len(events) :]
    assert [e for e in writes if e[0] == "write:json"] == [("write:json", d, 2) for d in (0, 1, 2)]
    assert [e for e in writes if e[0] == "write:html"] == [("write:html", d, 2) for d in (0, 1, 2)]
    tables = [e for e in writes if e[0] == "write:tables"]  # in sites, as the tables are built
    assert tables[0] == ("write:tables", 0, 2) and tables[-1] == ("write:tables", 2, 2)
    assert [done for _, done, _ in tables] == sorted(done for _, done, _ in tables)
    assert list(dict.fromkeys(e[0] for e in writes)) == [
        "write:json",
        "write:tables",  # built once, before the first writer that lays them out
        "write:html",
        "write:xlsx",
        "write:gpkg",
    ]
    assert all(done == total for stage, done, total in writes[-1:])
    assert result.stdout == ""  # -q: no summary; the events are still written

    silent = CliRunner().invoke(
        cli,
        ["check", f"{check_data}:sites", "--progress", "none", "-o", str(tmp_path / "s")],
    )
    assert silent.exit_code == 0, silent.output
    assert _events(silent.stderr) == []


_PIPE_BYTES = 4096
"""The smallest capacity Linux gives a pipe (a page)."""

_ROOM = 100
"""Room left in the stderr pipe: one progress event (about 65 bytes) fits, two do not."""


def _held_stderr() -> tuple[int, int]:
    """A pipe for a child's stderr, nearly full: it blocks on its second progress event.

    The run cannot end before the test has signalled it, however slow the test
    process is scheduled (a run of two sites takes well under a second).
    """
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    os.write(write_end, b"\n" * (_PIPE_BYTES - _ROOM))
    return read_end, write_end


def _pending_bytes(read_end: int) -> int:
    return struct.unpack("i", fcntl.ioctl(read_end, termios.FIONREAD, b"\0" * 4))[0]


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="needs Linux pipes (F_SETPIPE_SZ)")
def test_progress_json_run_stops_cleanly_on_sigint_even_if_ignored(check_data, tmp_path):
    """A background job inherits SIGINT ignored; with --progress json it still stops the run."""
    out = tmp_path / "report"
    command = [
        LANDCHECK,
        "check",
        f"{check_data}:sites",
        "--layer",
        f"farmland={check_data}:farmland",
        "--progress",
        "json",
        "-o",
        str(out),
    ]
    read_end, write_end = _held_stderr()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited by the child
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=write_end)
    finally:
        signal.signal(signal.SIGINT, previous)
        os.close(write_end)
    with process, open(read_end, encoding="utf-8") as stderr:
        waited = time.monotonic() + 60
        while _pending_bytes(read_end) <= _PIPE_BYTES - _ROOM:  # no event yet
            assert process.poll() is None and time.monotonic() < waited, "no progress event"
            time.sleep(0.01)
        # the first event is written (SIGINT is handled from then on); the second waits
        process.send_signal(signal.SIGINT)
        text = stderr.read()
        code = process.wait(60)
    lines = text.lstrip("\n").splitlines()
    assert json.loads(lines[0])["event"] == "progress", text
    assert code == 1, text
    assert "Aborted!" in text
    assert os.listdir(tmp_path) == []  # no report, no hidden staging folder


def test_profile_layers_lists_the_keys_the_plugin_falls_back_to(tmp_path):
    result = CliRunner().invoke(cli, ["profile", "layers", "--json"])
    assert result.exit_code == 0, result.output
    assert environment.parse_layers(result.stdout) == environment.FALLBACK_LAYERS, (
        "the built-in profile's layers changed: update FALLBACK_LAYERS in "
        "qgis_plugin/landcheck/environment.py to match `landcheck profile layers --json`"
    )
    table = CliRunner().invoke(cli, ["profile", "layers", "china-preexam"])
    assert table.stdout.splitlines()[0].split()[:3] == [
        "farmland",
        "permanent_farmland",
        "永久基本农田",
    ]

    yaml_text = CliRunner().invoke(cli, ["profile", "show"]).stdout
    custom = tmp_path / "custom.yaml"
    custom.write_text(yaml_text.replace("\n  townships:", "\n  gemeinden:"), encoding="utf-8")
    own = CliRunner().invoke(cli, ["profile", "layers", "--json", str(custom)])
    assert own.exit_code == 0, own.output
    keys = [layer.key for layer in environment.parse_layers(own.stdout)]
    assert keys[5] == "gemeinden" and "townships" not in keys

    missing = CliRunner().invoke(cli, ["profile", "layers", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 1
    assert "nope.yaml" in missing.stderr and "Traceback" not in missing.stderr


# --- the plugin's plain-Python modules -------------------------------------------------------


def test_plain_modules_doctests():
    for module in (runner, environment):
        outcome = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert outcome.attempted > 0 and outcome.failed == 0, module.__name__


def test_find_landcheck_names_where_it_looked(tmp_path, monkeypatch):
    with pytest.raises(environment.EnvironmentProblem, match=r"bin/landcheck.*make qgis-plugin"):
        environment.find_landcheck(str(tmp_path))
    executable = tmp_path / "venv" / "bin" / "landcheck"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n", encoding="utf-8")
    executable.chmod(0o755)
    assert environment.find_landcheck(str(tmp_path / "venv")) == str(executable)
    config = tmp_path / "config.ini"
    config.write_text(f"[landcheck]\nenvironment = {tmp_path / 'venv'}\n", encoding="utf-8")
    assert environment.configured_environment("", str(config)) == str(tmp_path / "venv")
    assert environment.configured_environment("/elsewhere", str(config)) == "/elsewhere"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(environment.EnvironmentProblem, match="not on the PATH"):
        environment.find_landcheck(None)


def _script(tmp_path, body: str) -> list[str]:
    path = tmp_path / "fake_landcheck.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return [sys.executable, str(path)]


def _collect(command, cancel_when=lambda lines: False):
    seen: dict[str, list] = {"progress": [], "out": [], "warning": [], "error": []}
    outcome = runner.run_streaming(
        command,
        on_progress=lambda *event: seen["progress"].append(event),
        on_output=seen["out"].append,
        on_warning=seen["warning"].append,
        on_error=seen["error"].append,
        is_canceled=lambda: cancel_when(seen["out"]),
    )
    return outcome, seen


def test_run_streaming_sorts_what_landcheck_says(tmp_path):
    command = _script(
        tmp_path,
        """
        import sys
        print('{"event": "progress", "stage": "layers", "done": 1, "total": 2}', file=sys.stderr)
        print("WARNING: farmland: 1 invalid polygon repaired", file=sys.stderr)
        print("summary line 土地", flush=True)
        print("Error: profile 'x.yaml' has 2 problems:", file=sys.stderr)
        print("  - rules: expected a list of rules", file=sys.stderr)
        sys.exit(1)
        """,
    )
    outcome, seen = _collect(command)
    assert outcome.returncode == 1 and not outcome.canceled
    assert seen["progress"] == [("layers", 1, 2)]
    assert seen["warning"] == ["WARNING: farmland: 1 invalid polygon repaired"]
    assert seen["out"] == ["summary line 土地"]
    assert outcome.errors == [
        "profile 'x.yaml' has 2 problems:\n  - rules: expected a list of rules"
    ]


def test_cancel_interrupts_the_whole_process_group(tmp_path):
    """SIGINT reaches landcheck and its worker; ``ready`` is printed once both handle it."""
    marks = tmp_path / "marks"
    marks.mkdir()
    partial = tmp_path / "partial-output"
    partial.write_text("half", encoding="utf-8")
    worker = tmp_path / "worker.py"
    worker.write_text(
        textwrap.dedent(
            f"""
            import os, signal, sys, time
            def stop(*_):
                open(os.path.join({str(marks)!r}, "worker"), "w").close()
                sys.exit(0)
            signal.signal(signal.SIGINT, stop)
            open(os.path.join({str(marks)!r}, "worker-ready"), "w").close()
            time.sleep(60)
            """
        ),
        encoding="utf-8",
    )
    command = _script(
        tmp_path,
        f"""
        import os, signal, subprocess, sys, time
        def stop(*_):
            os.remove({str(partial)!r})
            open(os.path.join({str(marks)!r}, "main"), "w").close()
            worker.wait(10)
            sys.exit(130)
        signal.signal(signal.SIGINT, stop)
        worker = subprocess.Popen([sys.executable, {str(worker)!r}])
        while not os.path.exists(os.path.join({str(marks)!r}, "worker-ready")):
            time.sleep(0.01)
        print("ready", flush=True)
        time.sleep(60)
        """,
    )
    started = time.monotonic()
    outcome, _ = _collect(command, cancel_when=lambda out: "ready" in out)
    assert outcome.canceled and not outcome.killed and outcome.returncode == 130
    assert sorted(os.listdir(marks)) == ["main", "worker", "worker-ready"]
    assert not partial.exists()
    assert time.monotonic() - started < 30


def test_a_run_that_finishes_before_the_interrupt_is_not_cancelled(tmp_path):
    command = _script(
        tmp_path,
        """
        import signal, time
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("done", flush=True)
        time.sleep(0.3)
        """,
    )
    outcome, _ = _collect(command, cancel_when=lambda out: "done" in out)
    assert outcome.returncode == 0 and not outcome.canceled and not outcome.killed


def test_cancel_kills_what_ignores_the_interrupt(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "STOP_GRACE_S", 0.5)
    command = _script(
        tmp_path,
        """
        import signal, time
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("ready", flush=True)
        time.sleep(60)
        """,
    )
    started = time.monotonic()
    outcome, _ = _collect(command, cancel_when=lambda out: "ready" in out)
    assert outcome.canceled and outcome.killed and outcome.returncode == -9
    assert time.monotonic() - started < 30


# --- real QGIS ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def qgis_config(tmp_path_factory):
    """`make qgis-plugin` into a temporary QGIS settings folder; returns the folder."""
    config = tmp_path_factory.mktemp("qgis-config")
    done = _make_qgis_plugin(config)
    assert done.returncode == 0, done.stdout + done.stderr
    return config


def _make_qgis_plugin(config) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "qgis-plugin", f"QGIS_CONFIG={config}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=qgis_env(config),
    )


def _qgis_process(config, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [QGIS_PROCESS, *arguments],
        capture_output=True,
        text=True,
        check=False,
        env=qgis_env(config),
        timeout=600,
    )


@needs_qgis
def test_make_qgis_plugin_installs_configures_and_enables(qgis_config):
    plugin = qgis_config / "profiles" / "default" / "python" / "plugins" / "landcheck"
    shipped = sorted(f for f in os.listdir(PLUGIN) if f.endswith((".py", ".txt", ".svg")))
    installed = [f for f in os.listdir(plugin) if os.path.isfile(plugin / f)]
    assert sorted(f for f in installed if f != "config.ini") == shipped
    for name in shipped:
        assert (plugin / name).read_bytes() == Path(PLUGIN, name).read_bytes()
    config = (plugin / "config.ini").read_text(encoding="utf-8")
    assert config == f"[landcheck]\nenvironment = {ROOT}/.venv\n"
    settings = (qgis_config / "profiles" / "default" / "QGIS" / "QGIS3.ini").read_text()
    assert re.search(r"\[PythonPlugins\][^\[]*\blandcheck=true", settings)
    again = _make_qgis_plugin(qgis_config)  # an update: installed and enabled already
    assert again.returncode == 0, again.stdout + again.stderr
    assert "enabled: Processing Toolbox > landcheck" in again.stdout


@needs_qgis
def test_qgis_process_lists_the_provider_and_its_algorithms(qgis_config):
    done = _qgis_process(qgis_config, "--json", "list")
    assert done.returncode == 0, done.stderr
    provider = json.loads(done.stdout)["providers"]["landcheck"]
    assert provider["is_active"]
    assert sorted(provider["algorithms"]) == [
        "landcheck:avoid",
        "landcheck:check",
        "landcheck:compare",
    ]
    check = provider["algorithms"]["landcheck:check"]
    assert check["name"] == "Check sites (用地预审)"


@needs_qgis
def test_qgis_process_check_writes_the_findings_of_the_cli(qgis_config, check_data, tmp_path):
    out = tmp_path / "qgis"
    before = Path(check_data).read_bytes()
    done = _qgis_process(
        qgis_config,
        "--json",
        "run",
        "landcheck:check",
        "--",
        f"SITES={check_data}|layername=sites",
        f"FARMLAND={check_data}|layername=farmland",
        f"OUTPUT={out}",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(done.stdout)["results"]
    assert results["FINDINGS"] == str(out / "findings.json")
    assert results["SITES_LAYER"] == f"{out}/landcheck.gpkg|layername=sites"

    cli_out = tmp_path / "cli"
    command = [
        VENV_LANDCHECK,
        "-q",
        "check",
        f"{check_data}:sites",
        "--layer",
        f"farmland={check_data}:farmland",
        "-o",
        str(cli_out),
    ]
    subprocess.run(command, check=True)
    from_qgis = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    from_cli = json.loads((cli_out / "findings.json").read_text(encoding="utf-8"))
    assert from_qgis.pop("created") != "" and from_cli.pop("created") != ""
    assert from_qgis == from_cli
    overlap = from_qgis["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"]
    assert overlap == pytest.approx(150_000.0, rel=1e-12)
    assert sorted(os.listdir(out)) == sorted(os.listdir(cli_out))
    assert Path(check_data).read_bytes() == before


@pytest.fixture(scope="module")
def session(qgis_config, check_data, tmp_path_factory):
    """Run tests/qgis_session.py once; its results, scenario by scenario."""
    work = tmp_path_factory.mktemp("qgis-session")
    select = write_all(lambda **layers: _write_layers(work / "select.gpkg", layers))
    setup = {
        "profile_folder": str(qgis_config / "profiles" / "default"),
        "data": check_data,
        "select": select,
        "batch": _batch_data(work / "batch.gpkg"),
        "work": str(work / "runs"),
    }
    os.makedirs(setup["work"])
    (work / "setup.json").write_text(json.dumps(setup), encoding="utf-8")
    done = subprocess.run(
        [
            SYSTEM_PYTHON,
            os.path.join(ROOT, "tests", "qgis_session.py"),
            str(work / "setup.json"),
            str(work / "result.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=qgis_env(qgis_config),
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((work / "result.json").read_text(encoding="utf-8"))
    for name, entry in result.items():
        assert "crashed" not in entry, f"{name}: {entry}"
    return result


def _batch_data(path) -> str:
    """600 sites of 100 × 100 m and the farmland under some: a run that lasts seconds after
    its first progress event, so that an interrupt sent then always finds landcheck running
    (two sites were done before a slow moment of the session had passed on the event)."""
    cells = [square(200 * (i % 30), 200 * (i // 30), 100) for i in range(600)]
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(0, 0, 1000, 4000)}])
    return _write_layers(path, {"sites": sites(*cells), "farmland": farmland})


def _write_layers(path, layers) -> str:
    for name, data in layers.items():
        data.to_file(path, layer=name, driver="GPKG")
    return str(path)


def _messages(entry, kind):
    return [text for k, text in entry["log"] if k == kind]


def _stored_renderers(gpkg) -> dict[str, str]:
    with sqlite3.connect(gpkg) as db:
        rows = db.execute("SELECT f_table_name, styleQML FROM layer_styles").fetchall()
    return {name: re.search(r'<renderer-v2 type="(\w+)"', qml).group(1) for name, qml in rows}


def _gpkg_layers(gpkg) -> list[str]:
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid"
        ).fetchall()
    return [row[0] for row in rows]


@needs_qgis
def test_session_declares_one_parameter_per_layer_key(session):
    result = session
    check = result["parameters"]["check"]
    keys = [layer.parameter for layer in environment.FALLBACK_LAYERS]
    assert [name for name in check if name in keys] == keys
    assert {"SITES", "PROFILE", "STAGE", "OUTPUT"} <= set(check)
    assert check["OUTPUT"] == "folderDestination"
    assert "CANDIDATES" in result["parameters"]["compare"]
    for name in ("check", "compare", "avoid"):
        assert result["parameters"][name]["STANDARDS_TABLE"] == "file", name
    assert {"BUFFER", "OUTSIDE_URBAN", "MIN_WIDTH"} <= set(result["parameters"]["avoid"])


@needs_qgis
def test_session_check_exports_a_selection_and_a_memory_layer(session):
    result = session
    entry = result["selection"]
    assert entry["error"] is None, entry
    infos = _messages(entry, "info")
    assert any("sites: the layer 'sites'" in m and "only its selected features" in m for m in infos)
    assert any(
        "farmland: the layer 'farmland (memory)'" in m and "memory layer" in m for m in infos
    )
    findings = json.loads(Path(entry["results"]["FINDINGS"]).read_text(encoding="utf-8"))
    assert [site["site_id"] for site in findings["sites"]] == ["S1"]
    overlap = findings["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"]
    assert overlap == pytest.approx(150_000.0, rel=1e-9)
    # progress from landcheck's --progress json reached the feedback, in order
    assert entry["progress"] == sorted(entry["progress"]) and entry["progress"][-1] == 100
    count = len(load_profile().layers)
    assert f"layers overlaid: {count} of {count}" in _messages(entry, "progress_text")
    # the layers were loaded in one group, in the GeoPackage's order, with its stored styles
    gpkg = entry["results"]["GEOPACKAGE"]
    group = entry["groups"]["landcheck check: selection"]
    assert [layer["name"] for layer in group] == _gpkg_layers(gpkg)
    stored = _stored_renderers(gpkg)
    assert {layer["name"]: layer["renderer"] for layer in group} == stored
    assert next(layer for layer in group if layer["name"] == "sites")["labels"]  # stored style
    findings_layer = next(layer for layer in group if layer["name"] == "findings")
    assert findings_layer["attribute"] == "status"
    overlaps = next(layer for layer in group if layer["name"] == "overlaps")
    assert overlaps["planar_m2"] == pytest.approx(150_000.0, rel=1e-9)


@needs_qgis
def test_session_avoid_trims_the_filtered_site_and_styles_its_layers(session):
    result = session
    entry = result["avoid"]
    assert entry["error"] is None, entry
    assert any("it has a filter (\"site_id\" = 'C1')" in m for m in _messages(entry, "info"))
    gpkg = entry["results"]["GEOPACKAGE"]
    group = entry["groups"]["landcheck avoid: avoid"]
    assert [layer["name"] for layer in group] == _gpkg_layers(gpkg)
    layers = {layer["name"]: layer for layer in group}
    # C1 is x 300–500 of which x 300–400 is farmland: 100 × 200 m lost, 100 × 200 m kept
    assert layers["kept"]["planar_m2"] == pytest.approx(20_000.0, rel=1e-9)
    assert layers["original"]["planar_m2"] == pytest.approx(40_000.0, rel=1e-9)
    assert layers["kept"]["renderer"] == "categorizedSymbol"
    assert layers["kept"]["attribute"] == "status_after" and layers["kept"]["labels"]
    assert layers["original"]["renderer"] == "singleSymbol"
    assert entry["results"]["BOUNDARY_TXT"].endswith("avoided_boundary.txt")


@needs_qgis
def test_session_compare_ranks_the_alternatives(session):
    result = session
    entry = result["compare"]
    assert entry["error"] is None, entry
    folder = entry["results"]["OUTPUT"]
    ranking = json.loads(Path(folder, "comparison.json").read_text(encoding="utf-8"))
    assert [row["site_id"] for row in ranking["ranking"]] == ["C6", "C3", "C2", "C4", "C1"]
    group = entry["groups"]["landcheck compare: compare"]
    alternatives = next(layer for layer in group if layer["name"] == "alternatives")
    assert alternatives["features"] == 5 and alternatives["labels"]
    assert alternatives["attribute"] == "status"
    assert alternatives["categories"][:2] == ["prohibited", "unknown"]


@needs_qgis
def test_session_cancel_stops_landcheck_and_leaves_nothing(session):
    result = session
    entry = result["cancel"]
    assert entry["canceled"] and entry["error"].startswith("cancelled: landcheck was stopped")
    assert "Aborted!" in _messages(entry, "warning")  # landcheck's own SIGINT handling ran
    assert not entry["output_exists"]
    hidden = [name for name in entry["work_listing"] if name.startswith(".")]
    assert hidden == [], entry


@needs_qgis
def test_session_errors_say_what_and_how_to_fix(session):
    result = session
    errors = result["errors"]
    assert "is not empty and holds no earlier landcheck result" in errors["foreign_folder"]["error"]
    assert "tick 'Replace the output folder'" in errors["earlier_result"]["error"]
    bad = errors["bad_profile"]["error"]
    assert "landcheck failed (exit 1)" in bad and "bad-profile.yaml" in bad
    assert "\n  - rules: expected a list" in bad  # every problem landcheck lists
    assert not errors["bad_profile_output_exists"]
    missing = errors["no_environment"]["error"]
    assert "no-landcheck-here" in missing and "has no landcheck command" in missing
    stage = errors["stage"]
    assert stage["0:with"] == ["--stage", "preexam"]
    assert stage["1:with"] == ["--stage", "approval"]
    assert stage["0:without"] == []
    assert stage["1:without"].startswith("error: this landcheck has no --stage option")


@needs_qgis
def test_session_passes_the_index_table_to_landcheck(session):
    entry = session["standards"]
    good = entry["good"]
    assert good["error"] is None, good
    findings = json.loads(Path(good["results"]["FINDINGS"]).read_text(encoding="utf-8"))
    record = next(r for r in findings["inputs"] if r["role"] == "standards_table")
    assert record["path"] == entry["table"] and record["features_read"] == 1
    bad = entry["bad"]["error"]
    assert "landcheck failed (exit 1)" in bad
    assert "bad-standards.csv', line 2, column 'min': '1.x' is not a number" in bad
    assert "Traceback" not in bad
    assert not entry["bad_output_exists"]
