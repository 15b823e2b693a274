"""Ctrl-C (SIGINT) in the command's first moments: exit 1 with one line, no traceback, no folder.

docs/batches.md and docs/qgis.md: with ``--progress json`` SIGINT "always stops the run, even in a
job started with SIGINT ignored". A SIGINT in the first second (the imports, the options) was
lost in such a job (exit 0, the whole report written), and an ordinary Ctrl-C then printed a
``KeyboardInterrupt`` traceback (exit -2). The command runs as its console script does, in a
fresh interpreter; the signal is sent a set time after the command's entry point has started,
which it shows by catching SIGTERM (its first act after holding SIGINT). Before that, while the
interpreter starts and imports the package (30 to 60 ms, with the host), a Ctrl-C is Python's
own (docs/batches.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from common import frame, sites, square

pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc/self"), reason="reads the child's signal masks from /proc"
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = "import sys; from landcheck.cli.main import main; sys.argv[0] = 'landcheck'; main()"
"""What the ``landcheck`` console script runs."""


def _entry_point_running(pid: int) -> bool:
    """Whether the child runs the entry point: it holds SIGINT, then catches SIGTERM."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        caught = next(line for line in status if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def _interrupt(args: list[str], delay: float, ignore: bool) -> subprocess.CompletedProcess:
    """Run the command, send SIGINT ``delay`` s after its entry point started; its outcome."""
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore else None,
    )
    deadline = time.monotonic() + 60
    while not _entry_point_running(child.pid) and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=300)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3])
@pytest.mark.parametrize(("ignore", "progress"), [(False, "none"), (False, "json"), (True, "json")])
def test_an_early_sigint_stops_the_command_with_one_line(
    write_gpkg, tmp_path, delay, ignore, progress
):
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    data = write_gpkg(sites=sites(square(0, 0, 1000, 500)), farmland=farmland)
    out = tmp_path / "report"
    args = [
        "check",
        f"{data}:sites",
        "--layer",
        f"farmland={data}:farmland",
        "-o",
        str(out),
        "-q",
        "--progress",
        progress,
    ]
    done = _interrupt(args, delay, ignore)
    said = [  # click puts a blank line before its own "Aborted!"
        line for line in done.stderr.splitlines() if line and not line.startswith('{"event"')
    ]
    assert (done.returncode, said) == (1, ["Aborted!"]), done.stderr
    assert not out.exists()


def test_a_ctrl_c_wrapped_by_python_is_an_abort_not_an_internal_error():
    # Python 3.11 reports a KeyboardInterrupt raised in a dataclass's __set_name__ (a lazy
    # import under way) as "RuntimeError: Error calling __set_name__": it was printed as
    # "Error: internal error: RuntimeError …" instead of "Aborted!"
    from click.testing import CliRunner

    from landcheck.cli.group import _LandcheckGroup

    group = _LandcheckGroup()

    @group.command()
    def wrapped() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ex:
            raise RuntimeError("Error calling __set_name__ on 'Field' instance") from ex

    done = CliRunner().invoke(group, ["wrapped"])
    assert done.exit_code == 1
    assert "Aborted!" in done.output and "internal error" not in done.output
