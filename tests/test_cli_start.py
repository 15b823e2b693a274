"""The command's start: its inputs are being hashed before it imports the libraries that read them.

Each case runs the command in a fresh interpreter (the test process has imported
everything long since) and reports what was imported at a given moment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from common import frame, sites, square

HEAVY = ("pandas", "geopandas", "shapely", "pyproj", "pyogrio", "pyarrow")
"""The libraries the command's start leaves until its inputs are being hashed."""

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
"""The checkout whose landcheck the new interpreters import."""


def _run(script: str, *args: str) -> dict:
    """Run ``script`` in a new interpreter; it prints one JSON line last, returned here.

    The script is given :data:`HEAVY` under that name.
    """
    done = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{script}", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": ROOT},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_version_and_help_import_none_of_the_readers():
    script = """
import json, sys
from landcheck.cli.main import main
for argv in (["landcheck", "--version"], ["landcheck", "check", "--help"]):
    sys.argv = argv
    try:
        main()
    except SystemExit as stop:
        assert stop.code == 0, stop.code
print(json.dumps(sorted(m for m in HEAVY if m in sys.modules)))
"""
    assert _run(script) == []


def test_the_check_command_hashes_its_inputs_before_it_imports_the_readers(write_gpkg, tmp_path):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    data = write_gpkg(sites=sites(square(0, 0, 1000, 500)), farmland=farmland)
    out = tmp_path / "report"
    script = """
import json, sys
import landcheck.io.records as records
seen = {}
real = records.start_hashing
def start_hashing(paths):
    paths = list(paths)
    seen.setdefault("imported", sorted(m for m in HEAVY if m in sys.modules))
    seen.setdefault("calls", []).append([p for p in paths if p])
    return real(paths)
records.start_hashing = start_hashing
from landcheck.cli.main import main
sys.argv = ["landcheck", *sys.argv[1:]]
try:
    main()
except SystemExit as stop:
    seen["code"] = stop.code
print(json.dumps(seen))
"""
    layer = f"farmland={data}:farmland"
    planar = ("--area-method", "planar")
    seen = _run(script, "check", f"{data}:sites", "--layer", layer, *planar, "-o", str(out), "-q")
    assert seen["code"] in (None, 0)
    assert seen["imported"] == []  # hashing started before any of them was imported
    # the layers as soon as the options are parsed, then every input once the folder is checked
    inputs = [f"{data}:sites", f"{data}:farmland", "china-preexam"]
    assert seen["calls"] == [[f"{data}:farmland"], inputs]
    found = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    overlap = found["sites"][0]["layers"]["farmland"]["overlap"]["planar_m2"]
    assert overlap == pytest.approx(150_000.0)  # the run itself is the same


def test_the_command_gives_pyarrow_the_c_heap_without_importing_it():
    script = """
import json, os, sys
from landcheck.cli.main import main
sys.argv = ["landcheck", "--version"]
try:
    main()
except SystemExit:
    pass
before = "pyarrow" in sys.modules
import pyarrow
print(json.dumps([before, os.environ.get("ARROW_DEFAULT_MEMORY_POOL"),
                  pyarrow.default_memory_pool().backend_name]))
"""
    os.environ.pop("ARROW_DEFAULT_MEMORY_POOL", None)
    assert _run(script) == [False, "system", "system"]
