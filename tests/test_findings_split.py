"""findings.json of a big batch, its last sites written by a forked process.

From ``SPLIT_FROM`` sites on, the sites are shared out in runs from both ends:
the calling process writes the first ones, a forked process the last ones into
an unnamed temporary file, copied in after them. The file must be the very
bytes one process writes, each site reported once and in order, nothing left
beside it, an error in the forked process raised in the caller, and the runs
of a forked process that died written by the caller. The threshold and the run
are lowered here so that the sample county's four candidate sites are shared.
"""

from __future__ import annotations

import os

import pytest

import landcheck.report.json as report_json
from landcheck import check
from landcheck.report.json import FILENAME, dumps, write_json
from landcheck.result import CheckResult


@pytest.fixture(scope="module")
def sample(sample_layers):
    return check(f"{sample_layers['land_use'].rpartition(':')[0]}:candidates", layers=sample_layers)


@pytest.fixture
def split(monkeypatch, two_forked_workers, forked_first):
    """Share every batch of two sites or more a site at a time, forked even on one core."""
    monkeypatch.setattr(report_json, "SPLIT_FROM", 2)
    monkeypatch.setattr(report_json, "_RUN", 1)


def _writers(monkeypatch, log):
    """Note, for every run of site entries, the process writing it and its positions."""
    real = report_json._site_pieces

    def noted(result, positions, entries=None):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {positions.start} {positions.stop}\n")
        yield from real(result, positions, entries)

    monkeypatch.setattr(report_json, "_site_pieces", noted)


def _runs(log):
    """(process, start, stop) of every run written, in order of position."""
    runs = [line.split() for line in log.read_text().splitlines()]
    return sorted(((pid, int(a), int(b)) for pid, a, b in runs), key=lambda r: r[1])


def test_the_split_file_is_the_text_one_process_writes(sample, split, monkeypatch, tmp_path):
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    events = []
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out), progress=lambda done, total: events.append((done, total)))
    runs = _runs(log)
    total = len(sample.sites)
    assert total == 4
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"
    assert os.listdir(out) == [FILENAME]  # the forked process's file had no name to leave
    assert [(a, b) for _, a, b in runs] == [(p, p + 1) for p in range(total)]  # once each
    here = [pid == str(os.getpid()) for pid, _, _ in runs]
    assert here == sorted(here, reverse=True)  # this process's first, the forked one's last
    assert not here[-1]
    assert [done for done, _ in events] == list(range(total + 1))
    assert {t for _, t in events} == {total}


def test_one_process_writes_a_batch_below_the_threshold(sample, monkeypatch, tmp_path):
    monkeypatch.setattr(report_json, "SPLIT_FROM", len(sample.sites) + 1)
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out))
    assert _runs(log) == [(str(os.getpid()), 0, len(sample.sites))]
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"


def test_the_rest_is_copied_in_without_copy_file_range_too(sample, split, monkeypatch, tmp_path):
    def refused(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out))
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"
    assert _runs(log)[-1][0] != str(os.getpid())  # the forked process's entries were copied


def test_the_sites_of_a_forked_process_that_died_are_written_here(
    sample, split, monkeypatch, tmp_path
):
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    here = os.getpid()
    real = CheckResult._site_dict

    def dying(self, position, *entry_and_rows):
        if os.getpid() != here:
            os._exit(9)  # killed, out of memory: no result, no error
        return real(self, position, *entry_and_rows)

    monkeypatch.setattr(CheckResult, "_site_dict", dying)
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out))
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"
    assert os.listdir(out) == [FILENAME]
    runs = _runs(log)
    died = [run for run in runs if run[0] != str(here)]
    assert len(died) == 1 and died[0][1:] == (3, 4)  # it took the last site, and died
    assert (str(here), 3, 4) in runs  # which was written here


def test_an_error_in_the_forked_process_is_raised_here(sample, split, monkeypatch, tmp_path):
    real = CheckResult._site_dict
    last = len(sample.sites) - 1

    def failing(self, position, *entry_and_rows):
        if position == last:
            raise RuntimeError("the disk is full")
        return real(self, position, *entry_and_rows)

    monkeypatch.setattr(CheckResult, "_site_dict", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_json(sample, str(tmp_path))
    assert os.listdir(tmp_path) == [FILENAME]  # what was written, and nothing else
