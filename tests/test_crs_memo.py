"""What is asked of a CRS object is answered once per object, and the same answer."""

from __future__ import annotations

import gc

import pytest
from pyproj import CRS

from landcheck.crs import crs_label, memo
from landcheck.crs.datum import legacy_datum
from landcheck.crs.memo import crs_key, per_crs, same_crs
from landcheck.crs.zones import gk_family
from landcheck.io import filtered


class Counted(CRS):
    """A CRS that counts PROJ's answers about it."""

    asked: list[str]

    def to_wkt(self, *args, **kwargs):
        self.asked.append("to_wkt")
        return super().to_wkt(*args, **kwargs)

    def to_epsg(self, *args, **kwargs):
        self.asked.append("to_epsg")
        return super().to_epsg(*args, **kwargs)

    def equals(self, *args, **kwargs):
        self.asked.append("equals")
        return super().equals(*args, **kwargs)

    @property
    def geodetic_crs(self):
        self.asked.append("geodetic_crs")
        return super().geodetic_crs

    def __hash__(self):
        self.asked.append("hash")
        return super().__hash__()


def counted(code: int) -> Counted:
    crs = Counted.from_epsg(code)
    crs.asked = []
    return crs


@pytest.mark.parametrize(
    ("ask", "expected"),
    [
        (crs_label, "EPSG:2359"),
        (lambda crs: gk_family(crs).zone.number, 35),
        (legacy_datum, "Xian 1980 (西安80)"),
        (lambda crs: crs_key(crs) == CRS.from_epsg(2359).to_wkt(), True),
    ],
)
def test_proj_is_asked_once_per_crs_object(ask, expected):
    crs = counted(2359)
    assert [ask(crs) for _ in range(3)] == [expected] * 3
    assert len(crs.asked) == 1
    other = counted(2359)
    assert ask(other) == expected and len(other.asked) == 1


def test_one_object_equals_itself_without_proj():
    crs = counted(4523)
    assert same_crs(crs, crs) and crs.asked == []
    assert same_crs(crs, CRS.from_epsg(4523)) and crs.asked == ["equals"]
    assert not same_crs(crs, "EPSG:4544")


def test_a_layers_coordinates_are_checked_without_hashing_its_crs():
    crs = counted(4523)
    extent = (35_480_000.0, 2_690_000.0, 35_530_000.0, 2_740_000.0)
    assert filtered._coordinate_problem(crs, extent) is None
    assert filtered._coordinate_problem(crs, extent) is None
    assert "hash" not in crs.asked


def test_answers_are_bounded_and_forget_the_least_recently_asked(monkeypatch):
    monkeypatch.setattr(memo, "_MOST", 3)
    monkeypatch.setattr(memo, "_REMEMBERED", type(memo._REMEMBERED)())
    seen = []
    code = per_crs(lambda crs: seen.append(crs) or crs.to_epsg())
    crss = [CRS.from_epsg(c) for c in (4523, 4524, 4525, 4526)]
    assert [code(c) for c in crss] == [4523, 4524, 4525, 4526]
    assert len(memo._REMEMBERED) == 3
    code(crss[0])  # forgotten: asked again
    assert len(seen) == 5


def test_a_crs_remembered_is_kept_alive_so_its_id_is_not_reused():
    code = per_crs(lambda crs: crs.to_epsg())
    assert code(CRS.from_epsg(4523)) == 4523
    gc.collect()
    assert code(CRS.from_epsg(4544)) == 4544


def test_what_is_not_a_crs_is_passed_on():
    assert per_crs(lambda value: value)(None) is None
