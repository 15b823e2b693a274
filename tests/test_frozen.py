"""landcheck.frozen.maker: frozen, slotted dataclasses made fast, the same objects as their own."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import sys

import pytest

from landcheck.frozen import maker
from landcheck.profile import Text
from landcheck.rules import Finding
from landcheck.units import Area, AreaMethod


def _finding_fields() -> dict:
    return {
        "site_id": "S1",
        "check": "permanent_farmland",
        "layer": "farmland",
        "status": "prohibited",
        "area": Area(150_000.0, 149_990.0, AreaMethod.PLANAR),
        "templates": Text("占用 {area_ha:.4f} 公顷", "takes {area_ha:.4f} ha"),
        "values": (15.0,),
        "basis": (Text("法", "Law"),),
        "basis_dates": ("2019-08-26",),
        "documents": (Text("方案", "plan"),),
        "outcome": "relocate",
        "title": Text("永久基本农田", "farmland"),
    }


def test_a_finding_made_fast_is_the_finding_its_constructor_makes():
    fields = _finding_fields()
    own = Finding(**fields)
    made = maker(Finding)(*fields.values())
    assert type(made) is Finding
    assert made == own and hash(made) == hash(own) and repr(made) == repr(own)
    assert made.documents_later == () and made.basis_marks == ()  # the defaults
    assert made.message == Text("占用 15.0000 公顷", "takes 15.0000 ha")
    assert made.to_dict() == own.to_dict()
    assert maker(Finding)(**fields, basis_marks=("V",)) == dataclasses.replace(
        own, basis_marks=("V",)
    )


def _refusal(finding: Finding, name: str) -> type[BaseException]:
    try:
        setattr(finding, name, "x")
    except Exception as error:  # which one is what is compared
        return type(error)
    raise AssertionError(f"{name} was set")


def test_a_finding_made_fast_stays_frozen_and_travels():
    own = Finding(**_finding_fields())
    made = maker(Finding)(**_finding_fields())
    assert _refusal(made, "status") is dataclasses.FrozenInstanceError
    # a name that is no field: refused as the class's own instances refuse it (which
    # exception depends on the Python version's dataclasses)
    assert _refusal(made, "note") is _refusal(own, "note")
    assert made.status == "prohibited"
    back = pickle.loads(pickle.dumps(made))
    assert type(back) is Finding and back == made
    assert copy.deepcopy(made) == made
    changed = dataclasses.replace(made, status="fine")
    assert changed.status == "fine" and made.status == "prohibited"


def test_defaults_and_factories_are_those_of_the_class():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Box:
        name: str
        items: list = dataclasses.field(default_factory=list)
        size: float = 1.5

    make = maker(Box)
    first, second = make("a"), make("b", size=2.0)
    assert first == Box("a") and second == Box("b", [], 2.0)
    assert first.items is not second.items  # a new list each, as the class makes
    with pytest.raises(TypeError):
        make()  # the name is required, as it is for Box()


def test_only_frozen_slotted_dataclasses_of_their_own_are_made():
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(slots=True)
    class NotFrozen:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            if self.x < 0:
                raise ValueError("negative")

    @dataclasses.dataclass(frozen=True, slots=True)
    class Keyworded:
        x: int = dataclasses.field(kw_only=True)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Derived(Checked):
        y: int = 0

    for cls in (NoSlots, NotFrozen, Checked, Keyworded, Derived, int):
        with pytest.raises(TypeError):
            maker(cls)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="weakref_slot is Python 3.11's")
def test_a_class_whose_layout_its_draft_cannot_take_is_refused_at_once():
    @dataclasses.dataclass(frozen=True, slots=True, weakref_slot=True)
    class Referable:  # a __weakref__ slot besides its fields: not the draft's layout
        x: int

    with pytest.raises(TypeError, match="slots"):
        maker(Referable)
