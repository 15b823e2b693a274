"""The suite leaves nothing in the system's temporary folder: what it writes goes under pytest's.

The docstrings' examples call ``tempfile.mkdtemp()`` as a user would; the root
``conftest.py`` makes those folders in each example's ``tmp_path`` (pytest
removes its old runs), so a run of the suite does not leave one per example.
dask's LocalCluster keeps its workers' scratch folder under the session's
(``tests/conftest.py``), not in the system's temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("landcheck/io/records.py", "landcheck/io/profiles.py", "landcheck/io/shapefile.py")
"""Modules whose examples make temporary folders with ``tempfile.mkdtemp()``."""


def _pytest_in_an_empty_temporary_folder(
    tmp_path: Path, *tests: str, without: tuple[str, ...] = ()
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run ``tests`` in a pytest of their own whose system temporary folder starts empty.

    Returns the run and what that folder holds after it. ``without``: variables
    of this session's environment the run does not inherit.
    """
    system = tmp_path / "system"  # the system's temporary folder, as the run sees it
    system.mkdir()
    inherited = {k: v for k, v in os.environ.items() if k not in without}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
        env={
            **inherited,
            "TMPDIR": str(system),
            "PYTEST_ADDOPTS": f"--basetemp={tmp_path / 'pytest'}",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done, sorted(os.listdir(system))


def test_the_examples_leave_nothing_in_the_system_temporary_folder(tmp_path):
    done, left = _pytest_in_an_empty_temporary_folder(tmp_path, *EXAMPLES)
    assert " passed" in done.stdout
    for module in EXAMPLES:  # each module's examples do make folders
        source = (ROOT / module).read_text(encoding="utf-8")
        assert ">>> " in source and "tempfile.mkdtemp()" in source, module
    assert left == []


@pytest.mark.dask
def test_a_dask_cluster_leaves_nothing_in_the_system_temporary_folder(tmp_path):
    test = "tests/test_engine_dask.py::test_dask_engine_starts_and_stops_its_own_local_cluster"
    # the suite's own setting, not this session's: the run's conftest must make it
    done, left = _pytest_in_an_empty_temporary_folder(
        tmp_path, test, without=("DASK_TEMPORARY_DIRECTORY",)
    )
    assert "1 passed" in done.stdout
    assert left == []
