"""A big batch's rules on two cores: the last sites evaluated by a forked process.

From ``FORKED_FROM`` sites on, the sites are shared out in runs from both
ends: the calling process evaluates the first ones, a forked process the last
ones; it sends back each finding's outcome, area and values, and the findings
are made again in the calling process. They must be the findings one process
makes, in order, with what the forked process said among the warnings; its
error is raised here, and should it die, the sites it took are evaluated here.
The threshold and the run are lowered so that the sample county's four
candidate sites are shared a site or two at a time.
"""

from __future__ import annotations

import os

import pytest

import landcheck.forked as forked
import landcheck.rules.apply as apply
from landcheck import check
from landcheck.messages import warn
from landcheck.report.json import dumps
from landcheck.rules.apply import ProfileRules


def _check(sample_layers, progress=None):
    sites = f"{sample_layers['land_use'].rpartition(':')[0]}:candidates"
    return check(sites, layers=sample_layers, progress=progress)


def _findings(result):
    return [[f.to_dict() for f in site] for site in result.findings]


def _json(result):
    return dumps(result).replace(result.created.isoformat(timespec="seconds"), "")


@pytest.fixture(scope="module")
def one_process(sample_layers):
    """The sample's check with every site's rules evaluated in the calling process."""
    return _check(sample_layers)


@pytest.fixture(params=[1, 2], ids=["runs of 1", "runs of 2"])
def split(request, monkeypatch, two_forked_workers, forked_first):
    """Share every batch of two sites or more, a run one or two sites, forked even on one core."""
    monkeypatch.setattr(apply, "FORKED_FROM", 2)
    monkeypatch.setattr(apply, "_RUN", request.param)


def _evaluators(monkeypatch, log):
    """Note the process evaluating each site's rules (deciding them: both processes do)."""
    real = ProfileRules._decisions

    def noted(self, site, layers):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {site.site_id}\n")
        return real(self, site, layers)

    monkeypatch.setattr(ProfileRules, "_decisions", noted)


def test_the_split_batch_has_the_findings_one_process_makes(
    sample_layers, one_process, split, monkeypatch, tmp_path
):
    log = tmp_path / "evaluators.log"
    _evaluators(monkeypatch, log)
    events = []
    result = _check(sample_layers, lambda stage, done, total: events.append((stage, done, total)))
    ids = list(result.site_ids)
    assert len(ids) == 4
    lines = [line.split() for line in log.read_text().splitlines()]
    assert sorted(site for _, site in lines) == sorted(ids)  # each evaluated once
    by_site = {site: pid for pid, site in lines}
    here = [by_site[i] == str(os.getpid()) for i in ids]
    assert here == sorted(here, reverse=True)  # this process's first, the forked one's last
    assert not here[-1]
    assert _findings(result) == _findings(one_process)
    assert _json(result) == _json(one_process)
    assert result.warnings == one_process.warnings
    done = [d for stage, d, _ in events if stage == "sites"]
    assert done == sorted(done) and done[-1] == 4
    assert {t for stage, _, t in events if stage == "sites"} == {4}


def test_the_forked_findings_are_made_again_from_this_process_s_rule_parts(sample_layers, split):
    result = _check(sample_layers)
    first, last = result.findings[0], result.findings[-1]
    for mine, made_again in zip(first, last, strict=True):  # the same rule's shared parts
        assert made_again.basis is mine.basis
        assert made_again.title is mine.title
        if made_again.outcome == mine.outcome:
            assert made_again.templates is mine.templates


def _areas_held(result, position):
    """For each finding of a site, the view's area it holds (the very object), if any."""
    views = result.site_layers[position]
    held = []
    for finding in result.findings[position]:
        held.append(
            next(
                (
                    (key, name)
                    for key, view in views.items()
                    for name in ("overlap", "uncovered", "outside")
                    if getattr(view, name) is finding.area
                ),
                None,
            )
        )
    return held


def test_the_forked_findings_hold_their_views_areas_as_one_process_s_do(
    sample_layers, one_process, split
):
    result = _check(sample_layers)
    last = len(result.findings) - 1  # evaluated by the forked process
    held = _areas_held(result, last)
    assert held == _areas_held(one_process, last)
    assert sum(h is not None for h in held) >= 5


def test_what_the_forked_process_says_is_among_the_warnings(sample_layers, split, monkeypatch):
    real = ProfileRules._decisions

    def saying(self, site, layers):
        warn(f"evaluated {site.site_id} in {'this' if os.getpid() == here else 'a forked'} process")
        return real(self, site, layers)

    here = os.getpid()
    monkeypatch.setattr(ProfileRules, "_decisions", saying)
    result = _check(sample_layers)
    said = [w for w in result.warnings if w.startswith("evaluated ")]
    ids = list(result.site_ids)
    mine = sum(w.endswith(" in this process") for w in said)
    assert mine < len(ids)
    assert said == [
        *(f"evaluated {i} in this process" for i in ids[:mine]),
        *(f"evaluated {i} in a forked process" for i in ids[mine:]),
    ]


def test_an_error_in_the_forked_process_is_raised_here(sample_layers, split, monkeypatch):
    real = ProfileRules._decisions
    here = os.getpid()

    def failing(self, site, layers):
        if os.getpid() != here:
            raise RuntimeError("a rule failed")
        return real(self, site, layers)

    monkeypatch.setattr(ProfileRules, "_decisions", failing)
    with pytest.raises(RuntimeError, match="a rule failed"):
        _check(sample_layers)


def test_the_sites_of_a_forked_process_that_died_are_evaluated_here(
    sample_layers, one_process, split, monkeypatch, tmp_path
):
    log = tmp_path / "evaluators.log"
    _evaluators(monkeypatch, log)
    real = ProfileRules._decisions
    here = os.getpid()

    def dying(self, site, layers):
        if os.getpid() != here:
            os._exit(9)  # killed, out of memory: no result, no error
        return real(self, site, layers)

    monkeypatch.setattr(ProfileRules, "_decisions", dying)
    result = _check(sample_layers)
    assert _findings(result) == _findings(one_process)
    ids = list(result.site_ids)
    lines = [line.split() for line in log.read_text().splitlines()]
    assert {pid for pid, _ in lines} == {str(here)}  # the forked process died at its first
    assert [site for _, site in lines] == ids  # after its own: the site it took, never sent


def test_a_small_batch_is_evaluated_in_one_process(
    sample_layers, two_forked_workers, monkeypatch, tmp_path
):
    monkeypatch.setattr(apply, "FORKED_FROM", 5)
    log = tmp_path / "evaluators.log"
    _evaluators(monkeypatch, log)
    _check(sample_layers)
    assert {line.split()[0] for line in log.read_text().splitlines()} == {str(os.getpid())}


def test_the_sites_whose_findings_do_not_pickle_are_evaluated_here(
    sample_layers, one_process, split, monkeypatch, tmp_path
):
    log = tmp_path / "evaluators.log"
    _evaluators(monkeypatch, log)
    real = apply._as_sent

    def unpicklable(decided, known):
        return [(*sent, lambda: None) for sent in real(decided, known)]

    monkeypatch.setattr(apply, "_as_sent", unpicklable)
    result = _check(sample_layers)
    assert _findings(result) == _findings(one_process)
    assert result.warnings == one_process.warnings
    lines = [line.split() for line in log.read_text().splitlines()]
    here = [site for pid, site in lines if pid == str(os.getpid())]
    assert here == list(result.site_ids)  # its own, then the forked process's again


def test_a_result_that_does_not_pickle_is_said_so_in_a_line(two_forked_workers):
    made = list(range(100_000))  # its repr would be half a megabyte
    with forked.beside(lambda: [made, lambda: None]) as result:
        with pytest.raises(forked.NotPicklable, match="a list made in a forked process") as got:
            result()
    assert len(str(got.value)) < 300


@pytest.mark.skipif(forked.worker_count(2, 2) == 0, reason="no forked workers on this system")
@pytest.mark.parametrize(("workers", "processes"), [(1, 1), (None, 2)])
def test_workers_caps_the_processes_evaluating_the_rules(
    sample_layers, workers, processes, monkeypatch, tmp_path, forked_first
):
    monkeypatch.setattr(apply, "FORKED_FROM", 2)
    monkeypatch.setattr(apply, "_RUN", 1)
    log = tmp_path / "evaluators.log"
    _evaluators(monkeypatch, log)
    sites = f"{sample_layers['land_use'].rpartition(':')[0]}:candidates"
    check(sites, layers=sample_layers, workers=workers)
    assert len({line.split()[0] for line in log.read_text().splitlines()}) == processes
