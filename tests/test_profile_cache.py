"""A profile file is parsed once per version; every caller gets its own copy."""

from __future__ import annotations

import os

from landcheck.io import profiles
from landcheck.io.profiles import builtin_profile_text, read_profile


def write(path, name: str) -> None:
    text = builtin_profile_text("china-preexam").replace("name: china-preexam", f"name: {name}")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def test_a_profile_file_is_parsed_once_and_read_again_when_it_changes(tmp_path):
    path = str(tmp_path / "county.yaml")
    write(path, "county-a")
    profiles._parsed_file.cache_clear()
    assert read_profile(path).name == "county-a"
    assert read_profile(path).name == "county-a"
    info = profiles._parsed_file.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    write(path, "county-b")  # another text (and size): parsed again
    os.utime(path, ns=(1, 1))
    assert read_profile(path).name == "county-b"
    assert profiles._parsed_file.cache_info().misses == 2


def test_the_parsed_data_handed_out_is_a_copy(tmp_path):
    path = str(tmp_path / "county.yaml")
    write(path, "county-c")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    first = profiles._profile_file_data(path, text)
    first["name"] = "changed"
    first["rules"].clear()
    second = profiles._profile_file_data(path, text)
    assert second["name"] == "county-c" and len(second["rules"]) > 10
    assert read_profile(path).name == "county-c"


def test_the_built_in_profile_is_the_same_parsed_with_or_without_the_size_check():
    text = builtin_profile_text("china-preexam")
    assert profiles._load_yaml(text, trusted=True) == profiles._load_yaml(text)
