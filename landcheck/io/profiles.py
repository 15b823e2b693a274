"""Loading profiles: the built-in ones, YAML files and texts, mappings.

:mod:`landcheck.profile` says what a profile is and checks its schema; what a
rule's evaluator needs (its outcomes, template values, parameters) is checked
by :mod:`landcheck.rules`. Loading asks both, so a profile that is wrong is
refused with every problem at once, each naming its key
(:class:`~landcheck.errors.ProfileError`). A :class:`~landcheck.profile.Profile`
built otherwise is checked by :func:`resolve_profile` before a run uses it.

YAML is parsed with libyaml's safe loader; aliases that would expand a
profile beyond :data:`MAX_YAML_NODES` values ("billion laughs") and nesting
deeper than 50 levels are refused before anything is built.
"""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from landcheck.errors import DataSourceError, ProfileError, shown
from landcheck.io.profile_snapshot import snapshot_data
from landcheck.io.records import FileVersion, InputRecord, file_version
from landcheck.io.standards_table import attach_standards_table
from landcheck.profile import Profile
from landcheck.rules import validate_profile, validate_rule
from landcheck.text import refuse_text

__all__ = [
    "BUILTIN_PROFILES",
    "MAX_YAML_NODES",
    "builtin_profile_text",
    "load_profile",
    "parse_builtin",
    "profile_from_dict",
    "profile_from_yaml",
    "read_profile",
    "resolve_profile",
    "validate_profile_file",
]

BUILTIN_PROFILES = {"china-preexam": "china-preexam.yaml"}
"""Built-in profiles: name → YAML file in :mod:`landcheck.profiles`."""

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster), else the pure-Python one."""

MAX_YAML_NODES = 100_000
"""Most values (scalars, lists, mappings) a profile's YAML may hold once its aliases
(``*name``) are expanded. The built-in profile holds about 900; the limit stops alias
bombs ("billion laughs"), which expand a few hundred bytes into billions of values."""

_MAX_YAML_DEPTH = 50
"""Deepest nesting of a profile's YAML (the built-in one nests 8 levels)."""


def profile_from_dict(data: Any, *, origin: str = "<dict>") -> Profile:
    """Validate profile data (schema and rules) and build a :class:`Profile`.

    Raises
    ------
    ProfileError
        Listing every problem found, each naming its key.

    Examples
    --------
    >>> data = yaml.safe_load(builtin_profile_text("china-preexam"))
    >>> data["rules"][0]["outcomes"]["relocate"]["zh"] = "占用 {area_hectares} 公顷"
    >>> profile_from_dict(data, origin="mine")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    landcheck.errors.ProfileError: profile 'mine' has 1 problem:
      - rules[0] (permanent_farmland): outcomes.relocate.zh: unknown value(s) area_hectares; ...
    """
    return Profile.from_dict(data, origin=origin, check_rule=validate_rule)


def profile_from_yaml(text: str, *, origin: str) -> Profile:
    """Parse and validate a profile from YAML text.

    Examples
    --------
    >>> text = builtin_profile_text("china-preexam").replace("area_m2: 1.0", "area_m2: 0.5")
    >>> profile_from_yaml(text, origin="example")
    Traceback (most recent call last):
    ...
    landcheck.errors.ProfileError: profile 'example' has 1 problem:
      - analysis.sliver.area_m2: must be from 1 to 100, got 0.5
    """
    return profile_from_dict(_parsed(text, origin), origin=origin)


def _parsed(text: str, origin: str, *, trusted: bool = False) -> Any:
    """YAML text as data; a :class:`ProfileError` naming ``origin`` when it is not valid."""
    try:
        return _load_yaml(text, trusted=trusted)
    except yaml.YAMLError as ex:
        raise ProfileError(origin, [f"not valid YAML: {_capped_lines(str(ex))}"]) from ex
    except _YamlRefused as ex:
        raise ProfileError(origin, [str(ex)]) from None


@lru_cache(maxsize=16)
def _parsed_file(version: FileVersion, text: str, origin: str) -> Any:
    """A profile file's text as data, parsed once per file version and text."""
    return _parsed(text, origin)


def _profile_file_data(path: str, text: str) -> Any:
    """A profile file's YAML as data: parsed once per file version, a fresh copy each call.

    A notebook re-running a check with its own profile file parses it once; each
    caller gets its own copy, so nothing it changes reaches the next.
    """
    return copy.deepcopy(_parsed_file(file_version(path), text, path))


class _YamlRefused(Exception):
    """A YAML document nests too deep, expands to too many values, or gives a key twice."""


def _load_yaml(text: str, *, trusted: bool = False) -> Any:
    """Load one YAML document; refuse it before construction if it is too big.

    Too big: its aliases would expand it beyond :data:`MAX_YAML_NODES` values,
    or it nests deeper than :data:`_MAX_YAML_DEPTH` levels. A ``trusted`` text
    (a built-in profile, shipped with landcheck and tested) is not measured.
    """
    loader = _YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if not trusted:
            _expanded_size(node, {}, 0)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int], depth: int) -> int:
    """Count the values under ``node`` with every alias expanded.

    An aliased node is counted once per use but walked once, so an alias bomb
    is measured in linear time.
    """
    if depth > _MAX_YAML_DEPTH:
        raise _YamlRefused(
            f"the YAML nests more than {_MAX_YAML_DEPTH} levels deep (or an alias refers to "
            "itself); a profile nests a few levels"
        )
    known = sizes.get(id(node))
    if known is not None:
        return known
    if isinstance(node, yaml.MappingNode):
        _refuse_keys_given_twice(node)
        children = [child for pair in node.value for child in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
    else:
        children = []
    size = 1 + sum(_expanded_size(child, sizes, depth + 1) for child in children)
    if size > MAX_YAML_NODES:
        raise _YamlRefused(
            f"the YAML expands to more than {MAX_YAML_NODES:,} values once its aliases (*name) "
            "are resolved (an alias bomb?); write the values out, or use fewer aliases"
        )
    sizes[id(node)] = size
    return size


def _refuse_keys_given_twice(node: yaml.MappingNode) -> None:
    """Refuse a mapping that gives one key twice: YAML loaders keep the last, silently.

    ``sliver: {area_m2: 1.0, area_m2: 100}`` made a 50 m² overlap of farmland a sliver,
    and its check ``unknown`` where it is ``prohibited``.
    """
    seen: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in seen:
            raise _YamlRefused(
                f"line {line}: the key {key.value!r} is given twice in one mapping (first on "
                f"line {seen[key.value]}); keep the one you mean"
            )
        seen[key.value] = line


def _capped_lines(text: str, limit: int = 400) -> str:
    """A parser message cut to ``limit`` characters (it quotes the offending line)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def builtin_profile_text(name: str) -> str:
    """Return the YAML text of a built-in profile (for copying and editing)."""
    if name not in BUILTIN_PROFILES:
        valid = ", ".join(sorted(BUILTIN_PROFILES))
        raise ProfileError(
            name if len(name) <= 60 else name[:57] + "...",
            [f"no built-in profile {shown(name)}; built-in profiles: {valid}"],
        )
    path = resources.files("landcheck.profiles").joinpath(BUILTIN_PROFILES[name])
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=8)
def load_profile(name: str = "china-preexam") -> Profile:
    """Return a built-in profile by name.

    Parameters
    ----------
    name : str
        One of :data:`BUILTIN_PROFILES`. For a profile file use
        :func:`read_profile`.

    Examples
    --------
    >>> profile = load_profile("china-preexam")
    >>> profile.name, sorted(profile.layers)[:3]
    ('china-preexam', ['approved_land', 'eco_redline', 'farmland'])
    """
    return profile_from_dict(parse_builtin(name, builtin_profile_text(name)), origin=name)


def parse_builtin(name: str, text: str) -> Any:
    """A built-in profile's YAML ``text`` as data: its snapshot's when current, else parsed.

    The snapshot (:mod:`landcheck.io.profile_snapshot`) is the same data, read
    thirty times faster; one made from another text is not used.
    """
    stored = snapshot_data(BUILTIN_PROFILES[name], text)
    return stored if stored is not None else _parsed(text, name, trusted=True)


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """Read and validate a profile YAML file.

    Raises
    ------
    DataSourceError
        The file cannot be read.
    ProfileError
        The profile is invalid; every problem is listed.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "my.yaml")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write(builtin_profile_text("china-preexam").replace(
    ...         "name: china-preexam", "name: my-county"))
    >>> read_profile(path).name
    'my-county'
    """
    path = os.fspath(path)
    refuse_text(path, "the profile file")
    if os.path.exists(path) and not os.path.isfile(path):  # a FIFO or a device: read forever
        raise DataSourceError(
            f"the profile {path!r} is not a regular file (a folder, a pipe or a device); give "
            "the YAML file itself"
        )
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read(_MOST_PROFILE_BYTES + 1)
        if len(text) > _MOST_PROFILE_BYTES:
            raise DataSourceError(
                f"the profile {path!r} is over {_MOST_PROFILE_BYTES:,} characters; a profile "
                "is tens of kilobytes: give the YAML file itself"
            )
    except FileNotFoundError as ex:
        raise DataSourceError(
            f"no profile file {path!r}; give a YAML file or a built-in profile name "
            f"({', '.join(sorted(BUILTIN_PROFILES))})"
        ) from ex
    except (OSError, UnicodeDecodeError) as ex:
        raise DataSourceError(f"cannot read profile {path!r}: {ex}; save it as UTF-8 YAML") from ex
    return profile_from_dict(_profile_file_data(path, text), origin=path)


_MOST_PROFILE_BYTES = 10_000_000
"""Characters of a profile file read at most (the built-in one is about 100 kB; /dev/zero or a
wrong file would otherwise be read until memory runs out)."""


def resolve_profile(value: str | os.PathLike[str] | Profile) -> Profile:
    """Return a Profile from a Profile, a built-in name or a YAML path, its rules checked.

    A Profile built otherwise (:meth:`Profile.from_dict` checks the schema
    only) has its rules checked here (:func:`landcheck.rules.validate_profile`).

    Examples
    --------
    >>> resolve_profile("china-preexam").version
    '2026-12'
    """
    if isinstance(value, Profile):
        validate_profile(value)
        return value
    text = os.fspath(value)
    if text in BUILTIN_PROFILES:
        return load_profile(text)
    return read_profile(text)


def validate_profile_file(
    value: str | os.PathLike[str] | Profile,
) -> tuple[Profile, list[InputRecord]]:
    """Check a profile as a run checks it: schema, rules, and the index tables its rules name.

    Each ``land_use_standard`` rule's ``standards_table`` (a CSV path relative to the
    profile file) is read and checked cell by cell
    (:func:`landcheck.io.standards_table.attach_standards_table`), so a table a run would
    refuse is refused here with the same message (file, line, column and how to fix it).

    Returns
    -------
    profile : Profile
        The profile, its tables read in place of their paths.
    tables : list of InputRecord
        One per index table read (``path``, ``features_read``: its rows).

    Raises
    ------
    DataSourceError, ProfileError, InputDataError
        As :func:`resolve_profile`; a table missing or wrong.

    Examples
    --------
    >>> profile, tables = validate_profile_file("china-preexam")
    >>> profile.name, tables
    ('china-preexam', [])
    """
    return attach_standards_table(resolve_profile(value))
