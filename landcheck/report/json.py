"""findings.json (schema ``landcheck/findings@1``).

The file is written a site at a time: the run's facts first
(:meth:`CheckResult.run_dict`), then each site's entry
(:meth:`CheckResult.site_dicts`) as it is built, so a batch of ten thousand
sites never holds its whole findings in memory, as a dict or as text. The text
is byte for byte what ``json.dumps(result.to_dict(), indent=2)`` gives.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring as _string
from typing import TYPE_CHECKING, Any

from landcheck.gcpause import collector_paused
from landcheck.result import CheckResult

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "dumps", "iter_json", "write_json"]

FILENAME = "findings.json"

_INDENT = 2


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


_BREAKS = ["\n" + " " * (_INDENT * depth) for depth in range(64)]
_NOT_FINITE = {"nan": "null", "inf": "null", "-inf": "null"}
_float_text = float.__repr__


_KEY_TEXTS = 4096
_KEY_TEXT: dict[str, str] = {}
"""Text keys already written, as written with their colon (``"planar_m2": ``); a batch's
entries repeat a few hundred keys hundreds of thousands of times."""


def _key(key: Any) -> str:
    """A dict key as JSON writes it: strings as they are, numbers, booleans and None as text."""
    if isinstance(key, str):
        return key
    if key is True or key is False or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, float):
        return _NOT_FINITE.get(_float_text(key), _float_text(key))
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _encode(value: Any, depth: int = 0) -> str:
    """``json.dumps(_finite(value), ensure_ascii=False, indent=2)``, twice as fast.

    The standard library's C encoder does not indent, and its Python encoder
    yields every token through nested generators; this one joins strings and
    writes NaN and infinities as null on the way, so no copy of the data is made.
    """
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is float:
        text = _float_text(value)
        return _NOT_FINITE.get(text, text)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = _BREAKS[depth + 1]
        parts = []
        for key, item in value.items():
            head = _KEY_TEXT.get(key) if type(key) is str else None
            if head is None:
                head = _string(_key(key)) + ": "
                if type(key) is str and len(_KEY_TEXT) < _KEY_TEXTS:
                    _KEY_TEXT[key] = head
            kind = type(item)
            if kind is str:
                text = _string(item)
            elif kind is float:
                text = _float_text(item)
                text = _NOT_FINITE.get(text, text)
            else:
                text = _encode(item, depth + 1)
            parts.append(head + text)
        return "{" + inner + ("," + inner).join(parts) + _BREAKS[depth] + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = _BREAKS[depth + 1]
        items = []
        for item in value:  # lists of texts and numbers (basis, documents): no call per item
            kind = type(item)
            if kind is str:
                items.append(_string(item))
            elif kind is float:
                text = _float_text(item)
                items.append(_NOT_FINITE.get(text, text))
            else:
                items.append(_encode(item, depth + 1))
        return "[" + inner + ("," + inner).join(items) + _BREAKS[depth] + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        text = _float_text(value)
        return _NOT_FINITE.get(text, text)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")


def iter_json(
    result: CheckResult, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[str]:
    """Yield findings.json's text in pieces: the run's facts, then one piece per site.

    The pieces joined are ``json.dumps(result.to_dict(), ensure_ascii=False,
    indent=2)``, NaN and infinities written as null. ``progress(done, total)``
    is called before the first site and after each.
    """
    head = _encode(result.run_dict())
    total = len(result.sites)
    if not total:
        yield head[: -len("\n}")] + ',\n  "sites": []\n}'
        return
    yield head[: -len("\n}")] + ',\n  "sites": [\n'
    if progress is not None:
        progress(0, total)
    inner = _BREAKS[2]
    for done, site in enumerate(result.site_dicts(), start=1):
        separator = "" if done == 1 else ",\n"
        yield separator + inner[1:] + _encode(site, 2)
        if progress is not None:
            progress(done, total)
    yield "\n  ]\n}"


def dumps(result: CheckResult, *, indent: int | None = 2) -> str:
    """Return findings.json as text (UTF-8 characters kept, not escaped).

    Examples
    --------
    >>> import json
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["厂区"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)])
    >>> data = json.loads(dumps(check(site, layers={"farmland": site.assign(BSM="F1")})))
    >>> data["schema"], data["sites"][0]["name"], data["sites"][0]["status"]
    ('landcheck/findings@1', '厂区', 'prohibited')
    """
    if indent == _INDENT:
        with collector_paused():
            return "".join(iter_json(result))
    return json.dumps(_finite(result.to_dict()), ensure_ascii=False, indent=indent)


def write_json(
    result: CheckResult,
    directory: str,
    options: ReportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Write findings.json into ``directory``, a site at a time, and return its path.

    ``progress(done, total)`` (else the options' ``write:json`` stage) hears of each site.
    """
    if progress is None and options is not None:
        progress = options.step("json")
    path = os.path.join(directory, FILENAME)
    # the sites' entries are made and dropped a site at a time: the collector, walking
    # everything the result holds, would cost more than the entries
    with open(path, "w", encoding="utf-8") as handle, collector_paused():
        for piece in iter_json(result, progress=progress):
            handle.write(piece)
        handle.write("\n")
    return path
