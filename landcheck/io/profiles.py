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

    Examples
    --------
    >>> import os, tempfile
    >>> from landcheck.profile import builtin_profile_text
    >>> path = os.path.join(tempfile.mkdtemp(), "my.yaml")
    >>> with open(path, "w", encoding="utf-8") as handle:
    ...     _ = handle.write(builtin_profile_text("china-preexam").replace(
    ...         "name: china-preexam", "name: my-county"))
    >>> read_profile(path).name
    'my-county'
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
    """Return a Profile from a Profile, a built-in name or a YAML path.

    Examples
    --------
    >>> resolve_profile("china-preexam").version
    '2026-11'
    """
    if isinstance(value, Profile):
        return value
    text = os.fspath(value)
    if text in BUILTIN_PROFILES:
        return load_profile(text)
    return read_profile(text)
