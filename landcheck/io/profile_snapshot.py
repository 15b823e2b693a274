"""The built-in profiles' YAML as parsed data, kept beside each YAML file as JSON.

Parsing the built-in profile's YAML (70 kB, libyaml's safe loader) takes about
a fifteenth of a one-site check in a fresh process; reading the same data from
JSON takes a thirtieth of that. Each built-in ``NAME.yaml`` has a ``NAME.parsed.json``
holding the YAML's data and the SHA-256 of the YAML text it was made from. The
snapshot is used only when that hash is the YAML's: an edited YAML whose
snapshot was not made again is parsed as YAML, so the profile is always the
YAML's. Make the snapshots again after editing a built-in profile with
``python -m landcheck.profiles`` (a test fails until then).
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["SUFFIX", "make_snapshots", "snapshot_data", "snapshot_name", "snapshot_text"]

SUFFIX = ".parsed.json"
"""What replaces ``.yaml`` in a built-in profile's file name to name its snapshot."""


def snapshot_name(yaml_name: str) -> str:
    """The snapshot file of a built-in profile's YAML file.

    Examples
    --------
    >>> snapshot_name("china-preexam.yaml")
    'china-preexam.parsed.json'
    """
    return yaml_name.removesuffix(".yaml") + SUFFIX


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot_text(yaml_text: str, data: Any) -> str:
    """The snapshot of ``yaml_text`` whose parsed data is ``data``, as JSON text.

    Raises
    ------
    ValueError
        ``data`` holds a value JSON would not give back as it is (a date, a
        key that is not a string…): such a profile cannot have a snapshot.

    Examples
    --------
    >>> snapshot_text("a: 1", {"a": 1}).rstrip().endswith('"data": {"a": 1}}')
    True
    """
    body = json.dumps({"yaml_sha256": _digest(yaml_text), "data": data}, ensure_ascii=False)
    if json.loads(body)["data"] != data:
        raise ValueError("the profile's YAML holds values JSON does not keep as they are")
    return body + "\n"


def snapshot_data(yaml_name: str, yaml_text: str) -> Any | None:
    """The parsed data of a built-in profile's YAML from its snapshot; None when it has none.

    None too when the snapshot was made from another text (the YAML was
    edited since): the caller then parses the YAML.
    """
    path = resources.files("landcheck.profiles").joinpath(snapshot_name(yaml_name))
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("yaml_sha256") != _digest(yaml_text):
        return None
    return stored.get("data")


def make_snapshots() -> list[str]:
    """Write the snapshot of every built-in profile; return the files written."""
    from landcheck.io.profiles import BUILTIN_PROFILES, builtin_profile_text, parse_builtin

    folder = Path(str(resources.files("landcheck.profiles")))
    written = []
    for name, yaml_name in BUILTIN_PROFILES.items():
        text = builtin_profile_text(name)
        target = folder / snapshot_name(yaml_name)
        target.write_text(snapshot_text(text, parse_builtin(name, text)), encoding="utf-8")
        written.append(str(target))
    return written
