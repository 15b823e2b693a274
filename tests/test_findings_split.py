"""findings.json of a big batch, its last sites written by a forked process.

From ``SPLIT_FROM`` sites on, a forked process writes the entries of the last
sites into an unnamed temporary file while the calling process writes the
others, then they are copied in after them. The file must be the very bytes
one process writes, each site reported once and in order, nothing left beside
it, and an error in the forked process raised in the caller. The threshold is
lowered here so that the sample county's four candidate sites are split.
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
def split(monkeypatch, two_forked_workers):
    """Split every batch of two sites or more, forked even on a machine of one core."""
    monkeypatch.setattr(report_json, "SPLIT_FROM", 2)


def _writers(monkeypatch, log):
    """Note, for every run of site entries, the process writing it and its first position."""
    real = report_json._site_pieces

    def noted(result, positions):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {positions.start} {positions.stop}\n")
        yield from real(result, positions)

    monkeypatch.setattr(report_json, "_site_pieces", noted)


def test_the_split_file_is_the_text_one_process_writes(sample, split, monkeypatch, tmp_path):
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    events = []
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out), progress=lambda done, total: events.append((done, total)))
    own, rest = sorted(
        (line.split() for line in log.read_text().splitlines()), key=lambda r: int(r[1])
    )
    total = len(sample.sites)
    assert total == 4
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"
    assert os.listdir(out) == [FILENAME]  # the forked process's file had no name to leave
    assert (own[1], own[2], rest[1], rest[2]) == ("0", "2", "2", "4")  # 55 %, rounded
    assert own[0] == str(os.getpid()) and rest[0] != own[0]
    assert [done for done, _ in events] == list(range(total + 1))
    assert {t for _, t in events} == {total}


def test_one_process_writes_a_batch_below_the_threshold(sample, monkeypatch, tmp_path):
    monkeypatch.setattr(report_json, "SPLIT_FROM", len(sample.sites) + 1)
    log = tmp_path / "writers.log"
    _writers(monkeypatch, log)
    out = tmp_path / "out"
    out.mkdir()
    path = write_json(sample, str(out))
    assert log.read_text().split() == [str(os.getpid()), "0", str(len(sample.sites))]
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"


def test_the_rest_is_copied_in_without_copy_file_range_too(sample, split, monkeypatch, tmp_path):
    def refused(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    path = write_json(sample, str(tmp_path))
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == dumps(sample) + "\n"


def test_an_error_in_the_forked_process_is_raised_here(sample, split, monkeypatch, tmp_path):
    real = CheckResult._site_dict
    last = len(sample.sites) - 1

    def failing(self, position, finding_entry):
        if position == last:
            raise RuntimeError("the disk is full")
        return real(self, position, finding_entry)

    monkeypatch.setattr(CheckResult, "_site_dict", failing)
    with pytest.raises(RuntimeError, match="the disk is full"):
        write_json(sample, str(tmp_path))
    assert os.listdir(tmp_path) == [FILENAME]  # what was written, and nothing else
