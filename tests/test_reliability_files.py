"""Never lose a file (docs/reliability.md, section 1).

Each test is one row of the table there: the exit code, the message, the files that are
still there (sha256 of the inputs unchanged) and that nothing temporary is left behind.
Signals, concurrency, read-only folders and full disks are exercised for real in
subprocesses where the machine allows it (a mount namespace, an unprivileged user);
otherwise those tests are skipped with the reason, and the same logic is tested in-process.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from common import frame, sites, square
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcheck.cli.main import cli
from landcheck.errors import LandcheckError, OutputError, OutputExistsError
from landcheck.io import output
from landcheck.io.output import MARKER, atomic_files, atomic_folder, check_folder
from landcheck.io.sample_files import SAMPLE_STANDARDS
from landcheck.report import folder as report_folder
from landcheck.sample.standards import standards_csv

LANDCHECK = [sys.executable, "-c", "from landcheck.cli.main import main; main()"]
TEMPORARY = re.compile(r"^\.landcheck-(tmp|old)-")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def data(tmp_path):
    """A folder ``inputs`` holding one GeoPackage with sites and farmland."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    path = folder / "data.gpkg"
    site = sites(square(0, 0, 1000, 500), square(3000, 0, 100))
    farmland = frame([{"BSM": "F1", "DLBM": "0101", "geometry": square(700, 0, 1300, 1000)}])
    site.to_file(path, layer="sites", driver="GPKG")
    farmland.to_file(path, layer="farmland", driver="GPKG")
    return path


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(root) -> dict[str, str]:
    """Every file under ``root`` (symlinks not followed) → its sha256."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                found[os.path.relpath(path, root)] = sha256(path)
    return found


def leftovers(root) -> list[str]:
    """Temporary folders of landcheck anywhere under ``root``."""
    return [
        os.path.join(folder, name)
        for folder, folders, _ in os.walk(root)
        for name in folders
        if TEMPORARY.match(name)
    ]


def check_args(data, out, *more):
    return ["check", f"{data}:sites", "--layer", f"farmland={data}:farmland", "-o", str(out), *more]


def write_report_folder(runner, data, out):
    result = runner.invoke(cli, ["-q", *check_args(data, out), "-f", "json"])
    assert result.exit_code == 0, result.output
    return snapshot(out)


def refused(result, fragment):
    assert result.exit_code == 1, result.output
    assert fragment in result.output, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- 1. the guard


def test_overwrite_of_the_inputs_folder_is_refused_and_the_inputs_stay(runner, data):
    before = snapshot(data.parent)
    result = runner.invoke(cli, check_args(data, data.parent, "--overwrite"))
    refused(result, f"holds the input {data}")
    assert snapshot(data.parent) == before
    assert leftovers(data.parent.parent) == []


def test_overwrite_of_an_ancestor_of_an_input_is_refused(runner, data, tmp_path):
    before = snapshot(tmp_path)
    result = runner.invoke(cli, check_args(data, tmp_path, "--overwrite"))
    refused(result, f"holds the input {data}")
    assert snapshot(tmp_path) == before


def test_an_output_inside_an_input_folder_is_refused(tmp_path):
    layer = tmp_path / "survey.gdb"  # a FileGDB is a folder
    layer.mkdir()
    (layer / "a00000001.gdbtable").write_bytes(b"table")
    with pytest.raises(OutputError, match="lies inside the input folder"):
        check_folder(layer / "report", inputs=[f"{layer}:DLTB"])
    assert os.listdir(layer) == ["a00000001.gdbtable"]


def test_a_profile_file_is_an_input_too(runner, data, tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    profile = profiles / "mine.yaml"
    shutil.copy(Path(output.__file__).parents[1] / "profiles" / "china-preexam.yaml", profile)
    before = sha256(profile)
    result = runner.invoke(
        cli, [*check_args(data, profiles, "--overwrite"), "--profile", str(profile)]
    )
    refused(result, f"holds the input {profile}")
    assert sha256(profile) == before


def test_a_coverage_file_is_an_input_too(runner, data, tmp_path):
    areas = tmp_path / "areas"
    areas.mkdir()
    county = areas / "county.gpkg"
    shutil.copy(data, county)
    before = sha256(county)
    result = runner.invoke(
        cli, [*check_args(data, areas, "--overwrite"), "--coverage", f"{county}:sites"]
    )
    refused(result, f"holds the input {county}")
    assert sha256(county) == before


@pytest.mark.parametrize("overwrite", [[], ["--overwrite"]])
def test_the_current_folder_is_refused_even_inside_the_inputs(runner, data, monkeypatch, overwrite):
    monkeypatch.chdir(data.parent)
    before = snapshot(data.parent)
    result = runner.invoke(cli, check_args("data.gpkg", ".", *overwrite))
    refused(result, f"'.' is the current folder ({data.parent})")
    assert snapshot(data.parent) == before


def test_a_folder_holding_the_current_folder_is_refused(runner, data, monkeypatch):
    monkeypatch.chdir(data.parent)
    result = runner.invoke(cli, check_args("data.gpkg", "..", "--overwrite"))
    refused(result, "'..' holds the current folder")


def test_the_home_folder_and_its_ancestors_are_refused(runner, data, tmp_path, monkeypatch):
    home = tmp_path / "users" / "me"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    result = runner.invoke(cli, check_args(data, home, "--overwrite"))
    refused(result, f"is your home folder ({home})")
    result = runner.invoke(cli, check_args(data, tmp_path / "users", "--overwrite"))
    refused(result, "holds your home folder")
    assert home.is_dir()


def test_the_root_folder_is_refused(runner, data):
    result = runner.invoke(cli, check_args(data, "/", "--overwrite"))
    refused(result, "'/' is the root folder")


def test_a_folder_landcheck_did_not_write_is_never_replaced(runner, data, tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(cli, check_args(data, out, "--overwrite"))
    refused(result, "was not written by landcheck (it has no .landcheck marker)")
    assert (out / "notes.txt").read_text() == "mine"
    assert os.listdir(out) == ["notes.txt"]


def test_a_landcheck_folder_holding_a_users_file_is_not_replaced(runner, data, tmp_path):
    out = tmp_path / "report"
    write_report_folder(runner, data, out)
    (out / "notes.txt").write_text("mine")
    before = snapshot(out)
    result = runner.invoke(cli, check_args(data, out, "--overwrite"))
    refused(result, "holds files landcheck did not write (notes.txt)")
    assert snapshot(out) == before


def test_a_landcheck_folder_is_replaced_with_overwrite(runner, data, tmp_path):
    out = tmp_path / "report"
    write_report_folder(runner, data, out)
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert marker["schema"] == "landcheck/output@1" and marker["kind"] == "report"
    assert marker["entries"] == ["findings.json"]
    result = runner.invoke(cli, ["-q", *check_args(data, out, "--overwrite"), "-f", "json,gpkg"])
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == [MARKER, "findings.json", "landcheck.gpkg"]
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_to_the_inputs_is_refused(runner, data, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(data.parent, target_is_directory=True)
    before = snapshot(data.parent)
    result = runner.invoke(cli, check_args(data, link, "--overwrite"))
    refused(result, f"holds the input {data}")
    assert snapshot(data.parent) == before


def test_a_symbolic_link_to_a_report_is_not_written_through(runner, data, tmp_path):
    out = tmp_path / "report"
    before = write_report_folder(runner, data, out)
    link = tmp_path / "link"
    link.symlink_to(out, target_is_directory=True)
    result = runner.invoke(cli, check_args(data, link, "--overwrite"))
    refused(result, "is a symbolic link")
    assert snapshot(out) == before and link.is_symlink()


def test_the_library_refuses_the_folder_of_the_inputs_it_read(data):
    from landcheck import check

    result = check(f"{data}:sites", layers={"farmland": f"{data}:farmland"})
    before = snapshot(data.parent)
    with pytest.raises(OutputError, match="holds the input"):
        result.to_report(str(data.parent), overwrite=True)
    with pytest.raises(OutputError, match="holds the input"):
        report_folder.write_report(result, data.parent, overwrite=True)
    assert snapshot(data.parent) == before


def test_convert_never_writes_over_its_input(runner, tmp_path):
    from landcheck.io.boundary_txt import write_boundary_txt

    txt = tmp_path / "site.txt"
    write_boundary_txt(sites(square(0, 0, 100, 200)), txt)
    before = sha256(txt)
    result = runner.invoke(cli, ["convert", str(txt), str(txt), "--overwrite"])
    refused(result, f"is the input {txt}")
    link = tmp_path / "alias.txt"
    link.symlink_to(txt)
    result = runner.invoke(cli, ["convert", str(txt), str(link), "--overwrite"])
    refused(result, "is the input")
    assert sha256(txt) == before


def test_a_selection_folder_never_replaces_the_inputs_it_read(data):
    import landcheck
    from landcheck.report.selection import write_avoidance

    result = landcheck.avoid(f"{data}:sites", layers={"farmland": f"{data}:farmland"})
    before = snapshot(data.parent)
    with pytest.raises(OutputError, match="holds the input"):
        write_avoidance(result, data.parent, overwrite=True)
    assert snapshot(data.parent) == before


@pytest.mark.parametrize("command", ["buildable", "avoid"])
def test_select_never_replaces_the_folder_of_its_inputs(runner, data, command):
    before = snapshot(data.parent)
    args = ["select", command, f"{data}:sites", "--layer", f"farmland={data}:farmland"]
    result = runner.invoke(cli, [*args, "-o", str(data.parent), "--overwrite"])
    refused(result, f"holds the input {data}")
    assert snapshot(data.parent) == before


# --------------------------------------------------------------------------- property test

NAMES = st.sampled_from(["a", "b", "in", "out"])
NODE = st.tuples(st.lists(NAMES, min_size=1, max_size=3), st.sampled_from(["file", "dir", "ours"]))


def _build(root: str, nodes: list) -> tuple[list[str], list[str]]:
    """Create the layout; return the paths created and the folders among them.

    ``ours`` folders get landcheck's marker listing what they hold, as if landcheck had
    written them (an ``ours`` folder inside another one is listed by it).
    """
    created, folders, ours = [], [root], []
    for index, (parts, kind) in enumerate(nodes):
        path = os.path.join(root, *parts)
        parents = [os.path.join(root, *parts[:i]) for i in range(1, len(parts))]
        if os.path.lexists(path) or any(os.path.isfile(p) for p in parents):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if kind == "file":
            Path(path).write_text(f"file {index}")
        else:
            os.mkdir(path)
            folders.append(path)
            if kind == "ours":
                ours.append(path)
        created.append(path)
    for path in sorted(ours, key=len, reverse=True):  # innermost first
        entries = sorted(os.listdir(path))
        marker = {"schema": "landcheck/output@1", "kind": "test", "entries": entries}
        Path(path, MARKER).write_text(json.dumps(marker))
    return created, folders


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    nodes=st.lists(NODE, min_size=1, max_size=8),
    picks=st.lists(st.integers(0, 50), min_size=1, max_size=3),
    layer=st.booleans(),
    target=st.one_of(
        st.tuples(st.just("node"), st.integers(0, 50)),
        st.tuples(st.just("new"), st.integers(0, 50)),
        st.tuples(st.just("link"), st.integers(0, 50)),
        st.tuples(st.sampled_from(["root", ".", ".."]), st.just(0)),
    ),
    cwd=st.integers(0, 50),
    relative=st.booleans(),
    overwrite=st.booleans(),
    files=st.booleans(),
)
def test_no_input_is_ever_removed(nodes, picks, layer, target, cwd, relative, overwrite, files):
    """For random layouts of inputs and outputs, the guard never lets an input go."""
    home = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        root = os.path.join(os.path.realpath(scratch), "root")
        os.mkdir(root)
        created, folders = _build(root, nodes)
        if not created:
            return
        inputs = [created[i % len(created)] for i in picks]
        sources = [f"{p}:layer" if layer and os.path.isfile(p) else p for p in inputs]
        how, index = target
        if how == "node":
            out = created[index % len(created)]
        elif how == "new":
            out = os.path.join(folders[index % len(folders)], "new")
        elif how == "link":
            out = os.path.join(root, "link")
            os.symlink(created[index % len(created)], out)
        else:
            out = {"root": root, ".": ".", "..": ".."}[how]
        before = snapshot(root)
        protected = {
            rel: digest
            for rel, digest in before.items()
            if any(_inside(os.path.join(root, rel), p) for p in inputs)
        }
        os.chdir(folders[cwd % len(folders)])
        try:
            shown = os.path.relpath(out) if relative and os.path.isabs(out) else out
            written = os.path.realpath(shown)
            was_ours = os.path.isfile(os.path.join(written, MARKER))
            with contextlib.suppress(LandcheckError):
                if files:
                    with atomic_files([shown], overwrite=overwrite, inputs=sources) as staging:
                        Path(staging, os.path.basename(os.path.abspath(shown))).write_text("new")
                else:
                    with atomic_folder(shown, overwrite=overwrite, inputs=sources) as staging:
                        Path(staging, "new.txt").write_text("new")
        finally:
            os.chdir(home)
        after = snapshot(root)
        for rel, digest in protected.items():
            assert after.get(rel) == digest, f"input file {rel} changed or removed"
        for path in inputs:
            assert os.path.lexists(path), f"input {path} removed"
        assert leftovers(root) == []
        gone = {rel for rel in before if after.get(rel) != before[rel]}
        if gone:  # only the output itself was replaced: asked for, no input in it, ours
            assert all(_inside(os.path.join(root, rel), written) for rel in gone)
            assert overwrite and not any(_inside(p, written) for p in inputs)
            assert files or was_ours


# --------------------------------------------------------------------------- 2. races


def test_a_folder_appearing_during_the_run_is_never_replaced(runner, data, tmp_path, monkeypatch):
    out = tmp_path / "report"
    original = report_folder.WRITERS["json"]

    def writer(result, directory, options):
        out.mkdir()
        (out / "notes.txt").write_text("mine")  # someone creates the folder meanwhile
        return original(result, directory, options)

    monkeypatch.setitem(report_folder.WRITERS, "json", writer)
    result = runner.invoke(cli, check_args(data, out, "-f", "json"))
    refused(result, "appeared while landcheck was writing it")
    assert os.listdir(out) == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"
    assert leftovers(tmp_path) == []


def test_with_overwrite_a_users_folder_appearing_during_the_run_is_kept(
    runner, data, tmp_path, monkeypatch
):
    out = tmp_path / "report"
    original = report_folder.WRITERS["json"]

    def writer(result, directory, options):
        out.mkdir()
        (out / "notes.txt").write_text("mine")
        return original(result, directory, options)

    monkeypatch.setitem(report_folder.WRITERS, "json", writer)
    result = runner.invoke(cli, check_args(data, out, "-f", "json", "--overwrite"))
    refused(result, "was not written by landcheck")
    assert os.listdir(out) == ["notes.txt"]
    assert leftovers(tmp_path) == []


def test_two_runs_to_one_folder_exactly_one_wins_deterministic(runner, data, tmp_path, monkeypatch):
    out = tmp_path / "report"
    original = report_folder.WRITERS["json"]
    second = {}

    def writer(result, directory, options):
        if not second:  # while run A writes, run B runs from start to end
            second["started"] = True
            second["result"] = CliRunner().invoke(cli, ["-q", *check_args(data, out)])
            second["files"] = snapshot(out)
        return original(result, directory, options)

    monkeypatch.setitem(report_folder.WRITERS, "json", writer)
    first = runner.invoke(cli, check_args(data, out))
    assert second["result"].exit_code == 0, second["result"].output
    refused(first, "appeared while landcheck was writing it")
    assert snapshot(out) == second["files"]  # B's report is whole and untouched
    assert sorted(second["files"]) == [
        MARKER,
        "findings.json",
        "landcheck.gpkg",
        "report.html",
        "report.xlsx",
    ]
    assert leftovers(tmp_path) == []


def test_two_concurrent_processes_to_one_folder_exactly_one_wins(data, tmp_path):
    out = tmp_path / "report"
    args = [*LANDCHECK, "-q", *check_args(data, out, "-f", "json,gpkg")]
    runs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    messages = " ".join(run.communicate(timeout=300)[1] for run in runs)
    codes = sorted(run.returncode for run in runs)
    assert codes == [0, 1], messages
    assert "appeared while landcheck was writing it" in messages or "already exists" in messages
    assert sorted(os.listdir(out)) == [MARKER, "findings.json", "landcheck.gpkg"]
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert findings["sites"][0]["site_id"] == "S1"
    assert leftovers(tmp_path) == []


def test_a_file_appearing_during_convert_is_never_replaced(runner, data, tmp_path, monkeypatch):
    from landcheck.io import convert as convert_module

    out = tmp_path / "sites.txt"
    original = convert_module.write_zone_files

    def write(sites_, directory, filename, measuring, **kwargs):
        out.write_text("mine")
        return original(sites_, directory, filename, measuring, **kwargs)

    monkeypatch.setattr(convert_module, "write_zone_files", write)
    result = runner.invoke(cli, ["convert", f"{data}:sites", str(out)])
    refused(result, "appeared while landcheck was writing it")
    assert out.read_text() == "mine"
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 3. one writer


def _fake_demo(folder: Path) -> None:
    """A demo folder as landcheck writes it: DIR/.landcheck, DIR/sample/, DIR/report/."""
    with atomic_folder(folder, kind="demo") as staging:
        for name in ("sample", "report"):
            with atomic_folder(os.path.join(staging, name), kind=name) as inner:
                Path(inner, f"{name}.txt").write_text(f"old {name}")


def test_demo_overwrite_keeps_the_old_folder_until_the_new_one_is_complete(
    runner, tmp_path, monkeypatch, sample_gpkg
):
    from landcheck import demo

    out = tmp_path / "demo"
    _fake_demo(out)
    before = snapshot(out)
    seen = []

    def write_sample(directory, seed):
        seen.append(snapshot(out))  # the old folder is whole while the new one is made
        with atomic_folder(directory, kind="sample") as staging:
            shutil.copy(sample_gpkg, os.path.join(staging, demo.SAMPLE_FILE))
            Path(staging, SAMPLE_STANDARDS).write_text(standards_csv(), encoding="utf-8")

    def failing_check(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(demo, "write_sample", write_sample)
    monkeypatch.setattr(demo, "check", failing_check)
    result = runner.invoke(cli, ["demo", "-o", str(out), "--overwrite", "-f", "json"])
    refused(result, f"cannot write '{out}': No space left on device")
    assert seen == [before] and snapshot(out) == before
    assert leftovers(tmp_path) == []

    monkeypatch.undo()
    monkeypatch.setattr(demo, "write_sample", write_sample)
    result = runner.invoke(cli, ["-q", "demo", "-o", str(out), "--overwrite", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert seen[-1] == before
    assert sorted(os.listdir(out)) == [MARKER, "report", "sample"]
    findings = json.loads((out / "report" / "findings.json").read_text(encoding="utf-8"))
    paths = {i["path"] for i in findings["inputs"] if i["path"]}
    assert paths == {str(out / "sample" / demo.SAMPLE_FILE), str(out / "sample" / SAMPLE_STANDARDS)}
    assert leftovers(tmp_path) == []


def test_convert_overwrite_failure_keeps_the_old_output(runner, data, tmp_path, monkeypatch):
    import pyogrio

    out = tmp_path / "sites.shp"
    assert runner.invoke(cli, ["-q", "convert", f"{data}:sites", str(out)]).exit_code == 0
    (tmp_path / "sites.qix").write_bytes(b"old index")  # a part the new output will not have
    before = snapshot(tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pyogrio, "write_dataframe", full)
    result = runner.invoke(cli, ["convert", f"{data}:sites", str(out), "--overwrite"])
    refused(result, f"cannot write '{out}': No space left on device")
    assert snapshot(tmp_path) == before
    monkeypatch.undo()
    result = runner.invoke(cli, ["-q", "convert", f"{data}:sites", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "sites.qix").exists()  # the whole old output was replaced
    assert {p.suffix for p in tmp_path.glob("sites.*")} == {".shp", ".shx", ".dbf", ".prj", ".cpg"}
    assert leftovers(tmp_path) == []


def test_files_are_placed_without_hard_links_too(tmp_path, monkeypatch):
    def no_links(*args, **kwargs):
        raise PermissionError(errno.EPERM, "hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "a.txt"
    with atomic_files([target]) as staging:
        Path(staging, "a.txt").write_text("new")
    assert target.read_text() == "new"
    with pytest.raises(OutputExistsError, match="appeared while landcheck was writing it"):
        with atomic_files([tmp_path / "b.txt"]) as staging:
            Path(staging, "b.txt").write_text("new")
            (tmp_path / "b.txt").write_text("mine")
    assert (tmp_path / "b.txt").read_text() == "mine"
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


# --------------------------------------------------------------------------- 4. signals


def _wait_for_staging(parent: Path, process: subprocess.Popen) -> None:
    """Wait until the run's staging folder has been there for half a second (not a probe)."""
    deadline = time.monotonic() + 120
    first_seen: dict[str, float] = {}
    while time.monotonic() < deadline and process.poll() is None:
        now = time.monotonic()
        for name in os.listdir(parent):
            if TEMPORARY.match(name) and now - first_seen.setdefault(name, now) > 0.5:
                return
        time.sleep(0.05)
    pytest.fail("the run never kept a staging folder")


def test_sigterm_removes_the_temporary_folder(tmp_path):
    out = tmp_path / "sample"
    process = subprocess.Popen(
        [*LANDCHECK, "sample", "-o", str(out)], stderr=subprocess.PIPE, text=True
    )
    _wait_for_staging(tmp_path, process)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "Aborted" in stderr
    assert os.listdir(tmp_path) == []


def test_the_next_run_removes_what_a_killed_run_left(runner, data, tmp_path, caplog):
    out = tmp_path / "sample"
    process = subprocess.Popen([*LANDCHECK, "sample", "-o", str(out)])
    _wait_for_staging(tmp_path, process)
    process.kill()
    assert process.wait(timeout=60) == -signal.SIGKILL
    stale = [name for name in os.listdir(tmp_path) if TEMPORARY.match(name)]
    assert len(stale) == 1 and f"-{process.pid}-" in stale[0]
    caplog.set_level("WARNING", logger="landcheck.io.output")
    result = runner.invoke(cli, check_args(data, tmp_path / "report", "-f", "json"))
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(tmp_path)) == ["inputs", "report"]
    assert f"removed {tmp_path / stale[0]}, left by an interrupted landcheck run" in caplog.text


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_folder_set_aside_by_a_killed_run_is_put_back(tmp_path, caplog):
    aside = tmp_path / f".landcheck-old-{output._host()}-{_dead_pid()}-x1y2z3"
    (aside / "report").mkdir(parents=True)
    (aside / "report" / "findings.json").write_text("{}")
    caplog.set_level("WARNING", logger="landcheck.io.output")
    check_folder(tmp_path / "another")
    assert sorted(os.listdir(tmp_path)) == ["report"]
    assert (tmp_path / "report" / "findings.json").read_text() == "{}"
    assert f"put back {tmp_path / 'report'}" in caplog.text


def test_only_landcheck_temporary_folders_of_dead_processes_are_removed(tmp_path):
    host = output._host()
    keep = [
        f".landcheck-tmp-{host}-{os.getpid()}-running",  # this process: alive
        f".landcheck-tmp-{'0' * 8}-{_dead_pid()}-otherhost",  # another machine's
        ".landcheck-tmp-notours",  # not landcheck's pattern
        ".hidden",
    ]
    for name in keep:
        (tmp_path / name).mkdir()
        (tmp_path / name / "file").write_text("x")
    dead = tmp_path / f".landcheck-tmp-{host}-{_dead_pid()}-abc"
    dead.mkdir()
    check_folder(tmp_path / "out")
    assert sorted(os.listdir(tmp_path)) == sorted(keep)


# --------------------------------------------------------------------------- 5. pre-flight


def test_an_empty_output_path_is_refused(runner, data):
    refused(runner.invoke(cli, check_args(data, "")), "the output path is empty ('')")


def test_a_missing_parent_folder_is_named(runner, data, tmp_path):
    result = runner.invoke(cli, check_args(data, tmp_path / "missing" / "report"))
    refused(result, f"the folder {tmp_path / 'missing'} does not exist; create it first")
    result = runner.invoke(cli, check_args(data, data / "report"))
    refused(result, f"{data} is a file, not a folder")


def test_convert_to_a_missing_folder_says_so(runner, data, tmp_path):
    out = tmp_path / "missing" / "sites.gpkg"
    result = runner.invoke(cli, ["convert", f"{data}:sites", str(out)])
    refused(result, f"the folder {tmp_path / 'missing'} does not exist; create it first")
    assert ".landcheck-" not in result.output


def test_too_little_free_space_is_refused_before_any_work(runner, data, tmp_path, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the check ran")

    monkeypatch.setattr(importlib.import_module("landcheck.evaluation"), "check", no_work)
    monkeypatch.setattr(
        output.shutil,
        "disk_usage",
        lambda path: SimpleNamespace(total=10**9, used=10**9 - 2**20, free=2**20),
    )
    result = runner.invoke(cli, check_args(data, tmp_path / "report"))
    refused(result, "only 1.0 MiB free in")
    assert "landcheck needs at least 32 MiB" in result.output
    assert sorted(os.listdir(tmp_path)) == ["inputs"]


def test_a_disk_filling_up_while_writing_leaves_nothing(runner, data, tmp_path, monkeypatch):
    def full(result, directory, options):
        Path(directory, "landcheck.gpkg").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setitem(report_folder.WRITERS, "gpkg", full)
    out = tmp_path / "report"
    result = runner.invoke(cli, check_args(data, out))
    refused(result, f"cannot write '{out}': No space left on device; nothing was written")
    assert sorted(os.listdir(tmp_path)) == ["inputs"]


def test_a_read_only_folder_is_refused_in_process(runner, data, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; see the two subprocess tests")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    try:
        result = runner.invoke(cli, check_args(data, readonly / "report"))
    finally:
        readonly.chmod(0o755)
    refused(result, f"the folder {readonly} cannot be written (Permission denied)")


@pytest.fixture
def world_readable(data):
    """A copy of the inputs in a folder every user may read (for an unprivileged run)."""
    folder = Path(tempfile.mkdtemp(prefix="landcheck-ro-"))
    folder.chmod(0o755)
    shutil.copy(data, folder / "data.gpkg")
    (folder / "data.gpkg").chmod(0o644)
    yield folder
    shutil.rmtree(folder)


def test_a_read_only_folder_is_refused_for_an_unprivileged_user(world_readable):
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run landcheck as the user nobody")
    readonly = world_readable / "readonly"
    readonly.mkdir(mode=0o555)
    readonly.chmod(0o555)
    before = sha256(world_readable / "data.gpkg")
    run = subprocess.run(
        [
            *("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"),
            *LANDCHECK,
            *check_args(world_readable / "data.gpkg", readonly / "report"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert f"the folder {readonly} cannot be written (Permission denied)" in run.stderr
    assert "internal error" not in run.stderr and os.listdir(readonly) == []
    assert sha256(world_readable / "data.gpkg") == before


def _in_mount_namespace(script: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["unshare", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def mounts():
    """Skip unless this process may mount a tmpfs in its own mount namespace."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1)")
    with tempfile.TemporaryDirectory() as probe:
        run = _in_mount_namespace(f"mount -t tmpfs -o size=64k tmpfs {probe}")
    if run.returncode != 0:
        pytest.skip(f"cannot mount in a mount namespace here: {run.stderr.strip()}")


def _command(args) -> str:
    return " ".join(f"'{a}'" for a in args)


def test_a_read_only_file_system_is_refused(mounts, data, tmp_path):
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    script = (
        f"mount --bind {readonly} {readonly} && mount -o remount,bind,ro {readonly} && "
        + _command([*LANDCHECK, *check_args(data, readonly / "report")])
    )
    run = _in_mount_namespace(script)
    assert run.returncode == 1, run.stderr
    assert f"the folder {readonly} cannot be written (Read-only file system)" in run.stderr
    assert "internal error" not in run.stderr and os.listdir(readonly) == []


def test_a_full_disk_is_refused_before_any_work(mounts, data, tmp_path):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    script = f"mount -t tmpfs -o size=1m tmpfs {tiny} && " + _command(
        [*LANDCHECK, *check_args(data, tiny / "report")]
    )
    run = _in_mount_namespace(script)
    assert run.returncode == 1, run.stderr
    assert f"cannot write '{tiny / 'report'}': only 1.0 MiB free in {tiny}" in run.stderr
    assert "internal error" not in run.stderr


def test_a_disk_filling_up_for_real_leaves_nothing(mounts, data, tmp_path):
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    program = (
        "import landcheck.io.output as o; o.MIN_FREE_BYTES = 64 * 1024; "
        "from landcheck.cli.main import main; main()"
    )
    args = [sys.executable, "-c", program, *check_args(data, tiny / "report")]
    script = f"mount -t tmpfs -o size=256k tmpfs {tiny} && {_command(args)}; echo rc=$?; "
    script += f"ls -A {tiny}"
    run = _in_mount_namespace(script)
    assert run.stdout.strip() == "rc=1", (run.stdout, run.stderr)  # and the tmpfs is empty
    assert f"cannot write '{tiny / 'report'}'" in run.stderr
    assert "No space left on device" in run.stderr or "is full" in run.stderr
    assert "internal error" not in run.stderr


# --------------------------------------------------------------------------- 6. permissions


@contextlib.contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    ("mask", "folders", "files"),
    [(0o022, 0o755, 0o644), (0o077, 0o700, 0o600), (0o002, 0o775, 0o664)],
)
def test_outputs_get_the_users_umask(runner, data, tmp_path, mask, folders, files):
    out = tmp_path / "report"
    with umask(mask):
        result = runner.invoke(cli, ["-q", *check_args(data, out, "-f", "json,gpkg")])
        converted = runner.invoke(cli, ["-q", "convert", f"{data}:sites", str(tmp_path / "s.txt")])
    assert result.exit_code == 0 and converted.exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == folders
    for name in os.listdir(out):
        assert stat.S_IMODE((out / name).stat().st_mode) == files, name
    assert stat.S_IMODE((tmp_path / "s.txt").stat().st_mode) == files


def test_the_umask_is_read_without_proc_too(monkeypatch):
    def no_proc(*args, **kwargs):
        raise OSError("no /proc")

    with umask(0o027):
        monkeypatch.setattr(output, "open", no_proc, raising=False)
        assert output.user_umask() == 0o027
        monkeypatch.undo()
        assert output.user_umask() == 0o027
