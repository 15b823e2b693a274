"""Reading profile files."""

from __future__ import annotations

import os

from landcheck.errors import DataSourceError
from landcheck.profile import BUILTIN_PROFILES, Profile, load_profile, profile_from_yaml

__all__ = ["read_profile", "resolve_profile"]


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """Read and validate a profile YAML file.

    Raises
    ------
    DataSourceError
        The file cannot be read.
    ProfileError
        The profile is invalid; every problem is listed.
    """
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError as ex:
        raise DataSourceError(
            f"no profile file {path!r}; give a YAML file or a built-in profile name "
            f"({', '.join(sorted(BUILTIN_PROFILES))})"
        ) from ex
    except (OSError, UnicodeDecodeError) as ex:
        raise DataSourceError(f"cannot read profile {path!r}: {ex}; save it as UTF-8 YAML") from ex
    return profile_from_yaml(text, origin=path)


def resolve_profile(value: str | os.PathLike[str] | Profile) -> Profile:
    """Return a Profile from a Profile, a built-in name or a YAML path."""
    if isinstance(value, Profile):
        return value
    text = os.fspath(value)
    if text in BUILTIN_PROFILES:
        return load_profile(text)
    return read_profile(text)
