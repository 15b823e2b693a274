"""The built-in profile's JSON snapshot is its YAML's data, and is used only when current."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from landcheck.io import profile_snapshot, profiles
from landcheck.io.profiles import BUILTIN_PROFILES, builtin_profile_text, parse_builtin


@pytest.mark.parametrize("name", sorted(BUILTIN_PROFILES))
def test_each_built_in_profile_has_a_current_snapshot_holding_its_yaml_data(name):
    text = builtin_profile_text(name)
    stored = profile_snapshot.snapshot_data(BUILTIN_PROFILES[name], text)
    assert stored is not None, "make the snapshots again: python -m landcheck.profiles"
    assert stored == profiles._parsed(text, name, trusted=True)


def test_a_snapshot_made_from_another_text_is_not_used(monkeypatch):
    text = builtin_profile_text("china-preexam")
    edited = text.replace("name: china-preexam", "name: edited-since")
    assert profile_snapshot.snapshot_data("china-preexam.yaml", edited) is None
    calls = []
    real = profiles._parsed
    monkeypatch.setattr(profiles, "_parsed", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert parse_builtin("china-preexam", edited)["name"] == "edited-since"
    assert len(calls) == 1
    assert parse_builtin("china-preexam", text)["name"] == "china-preexam"
    assert len(calls) == 1  # the current snapshot: no YAML parsed


def test_the_profile_from_the_snapshot_is_the_profile_from_the_yaml():
    text = builtin_profile_text("china-preexam")
    from_yaml = profiles.profile_from_dict(
        profiles._parsed(text, "china-preexam"), origin="china-preexam"
    )
    assert profiles.load_profile("china-preexam") == from_yaml


def test_a_snapshot_is_refused_for_data_json_would_change():
    with pytest.raises(ValueError, match="JSON does not keep"):
        profile_snapshot.snapshot_text("1: a\n", {1: "a"})
    body = json.loads(profile_snapshot.snapshot_text("a: 1\n", {"a": [1.5, None, "水田"]}))
    assert body["data"] == {"a": [1.5, None, "水田"]}


def test_the_snapshot_ships_beside_its_yaml():
    folder = resources.files("landcheck.profiles")
    for yaml_name in BUILTIN_PROFILES.values():
        assert folder.joinpath(profile_snapshot.snapshot_name(yaml_name)).is_file()
