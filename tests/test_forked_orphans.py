"""No process landcheck starts outlives the run, whatever ends it (landcheck.forked).

A report of a batch writes its formats side by side in forked processes
(landcheck.report.folder), and report.docx's forked writer starts workers of
its own for the sites' documents (landcheck.report.sitefiles). Ended by
SIGTERM, that writer used to die at once and leave its workers behind,
adopted by init and blocked forever on their pipe, holding the caller's
stdout and stderr open (a caller reading them to the end hung). Each test
ends a real run and then looks, in Linux's /proc, for what is left of it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import pytest
from common import GK35, county, frame, square

from landcheck import forked
from landcheck.forked import beside, run_jobs

pytestmark = pytest.mark.skipif(
    not forked.worker_count(2), reason="forked workers: Linux with two cores or more"
)

LANDCHECK = [sys.executable, "-c", "from landcheck.cli.main import main; main()"]
SITES = 60
"""More than report.folder.SIDE_BY_SIDE_SITES: the writers run side by side."""

SETTLED = 5.0
"""Seconds a process that should end is given to be gone."""


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first); None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, whose files are closed, does not)."""
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def _in_session(session: int) -> list[int]:
    """The live processes of the session ``session`` (a run started in a session of its own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            if int(fields[3]) == session and fields[0] != "Z":
                found.append(int(entry))
    return found


def _left(pids: list[int] | None = None, session: int | None = None) -> list[int]:
    """Those of ``pids`` (or of ``session``) still alive after up to :data:`SETTLED` seconds."""
    deadline = time.monotonic() + SETTLED
    while True:
        left = _in_session(session) if session is not None else [p for p in pids if _alive(p)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def _killed(pids: list[int]) -> None:
    """End what a failed test left running (it must not outlive the test)."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def batch(tmp_path):
    """A GeoPackage of :data:`SITES` sites, a farmland parcel and the county's coverage."""
    path = tmp_path / "in.gpkg"
    ids = [f"P{i:03d}" for i in range(SITES)]
    squares = [square((i % 10) * 300, (i // 10) * 300, 100) for i in range(SITES)]
    gpd.GeoDataFrame({"site_id": ids}, geometry=squares, crs=GK35).to_file(path, layer="sites")
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(70, 0, 30, 100)}])
    farmland.to_file(path, layer="farmland")
    county().to_file(path, layer="coverage")
    return path


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 1), (signal.SIGTERM, 128 + signal.SIGTERM)]
)
def test_a_report_stopped_while_its_site_documents_are_written_leaves_no_process(
    batch, tmp_path, signum, code
):
    out = tmp_path / "out"
    command = [
        *LANDCHECK,
        *("-q", "check", f"{batch}:sites", "--layer", f"farmland={batch}:farmland"),
        *("--coverage", f"{batch}:coverage", "--area-method", "planar", "-o", str(out)),
        *("-f", "json,html,docx,xlsx,gpkg", "--progress", "json"),
    ]
    run = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its session holds whatever it starts, even once orphaned
    )
    left: list[int] = []
    try:
        seen = 0
        for line in run.stderr:  # the docx writer's forked workers write the site documents
            event = json.loads(line) if line.startswith("{") else {}
            if event.get("stage") == "write:docx" and event["done"] >= 5:
                seen = event["done"]
                break
        assert seen >= 5, "the run ended before writing five site documents"
        run.send_signal(signum)
        assert run.wait(timeout=60) == code
        left = _left(session=run.pid)
        assert left == [], f"processes of the run still alive {SETTLED} s after it ended"
        assert run.stderr.read() is not None  # the pipe reaches its end: nobody holds it
        assert not out.exists()
        assert not [name for name in os.listdir(tmp_path) if name.startswith(".landcheck-")]
    finally:
        run.kill()
        run.wait()
        _killed(left or _in_session(run.pid))
        run.stderr.close()


def _sleeper(folder: Path) -> None:
    """A job that says it started (a file named by its pid) and then waits a minute."""
    (folder / str(os.getpid())).touch()
    time.sleep(60)


def _started(folder: Path, count: int) -> list[int]:
    """The pids of the first ``count`` :func:`_sleeper` jobs, once they have all started."""
    deadline = time.monotonic() + 30
    while len(pids := [int(name) for name in os.listdir(folder)]) < count:
        assert time.monotonic() < deadline, "the jobs never started"
        time.sleep(0.02)
    return pids


def test_an_error_beside_a_writer_with_workers_leaves_no_process(tmp_path):
    def writer() -> list[None]:
        return run_jobs([lambda: _sleeper(tmp_path)] * 2, workers=2)

    workers: list[int] = []
    with pytest.raises(ValueError, match="the caller failed"):
        with beside(writer):
            workers = _started(tmp_path, 2)
            raise ValueError("the caller failed")
    try:
        assert len(workers) == 2
        assert _left(workers) == []
    finally:
        _killed(workers)


def test_a_killed_process_takes_its_forked_writers_and_their_workers_with_it(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, sys, time
        from pathlib import Path
        sys.path.insert(0, {os.path.dirname(__file__)!r})
        from test_forked_orphans import _sleeper
        from landcheck.forked import beside, run_jobs
        folder = Path({str(tmp_path)!r})
        with beside(lambda: run_jobs([lambda: _sleeper(folder)] * 2, workers=2)):
            run_jobs([lambda: _sleeper(folder)] * 2, workers=2)
        """
    )
    run = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    pids = []
    try:
        pids = _started(tmp_path, 4)  # two workers here, two of the forked writer
        run.kill()
        assert run.wait(timeout=30) == -signal.SIGKILL
        assert _left(session=run.pid) == []
    finally:
        _killed(pids or _in_session(run.pid))
