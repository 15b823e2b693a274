"""Warnings: said one way (messages.warn), collected by the tool call that runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from common import GK35, frame, sites, square
from pyproj import CRS

import landcheck
from landcheck.errors import LandcheckWarning
from landcheck.io.profiles import load_profile
from landcheck.messages import collecting, deferred, warn
from landcheck.sites import prepare_sites


def test_a_warning_outside_a_tool_call_is_a_landcheck_warning():
    with pytest.warns(LandcheckWarning, match=r"unknown project class\(es\) 火箭基地"):
        prepare_sites(
            sites(square(0, 0, 100), project_class=["火箭基地"]), CRS(GK35), load_profile()
        )


def test_a_tool_call_collects_its_warnings_and_none_escape():
    # pytest turns any warning that escapes into an error: none may reach it
    result = landcheck.check(sites(square(0, 0, 100), project_class=["火箭基地"]))
    assert any(w.startswith("unknown project class(es) 火箭基地") for w in result.warnings)
    assert result.to_dict()["warnings"] == result.warnings


def test_calls_in_two_threads_keep_their_warnings_apart():
    def run(name: str) -> list[str]:
        found = landcheck.check(sites(square(0, 0, 100), project_class=[name] * 1))
        return [w for w in found.warnings if w.startswith("unknown project class")]

    names = [f"类型{i}" for i in range(6)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        said = list(pool.map(run, names))
    for name, warnings in zip(names, said, strict=True):
        assert len(warnings) == 1 and f"class(es) {name} treated" in warnings[0]


def test_a_nested_call_keeps_its_own_and_a_failed_step_says_nothing():
    with collecting() as outer:
        warn("before")
        with collecting() as inner:
            warn("inside")
        with pytest.raises(ValueError), deferred():
            warn("half done")
            raise ValueError("unreadable")
        with deferred():
            warn("done")
    assert inner.messages == ["inside"]
    assert outer.messages == ["before", "done"]


def test_the_notes_of_reading_come_before_those_of_evaluating():
    farmland = frame(
        [
            {"BSM": "F1", "geometry": square(0, 0, 60)},
            {"BSM": "F2", "geometry": square(40, 0, 60)},  # shares 20 m x 60 m with F1
        ]
    )
    result = landcheck.check(
        sites(square(0, 0, 100), project_class=["火箭基地"]), layers={"farmland": farmland}
    )
    said = [w.split(" ")[0] for w in result.warnings]
    assert said.index("unknown") < said.index("layer"), result.warnings
    assert any("features overlap each other inside site(s) S1" in w for w in result.warnings)
