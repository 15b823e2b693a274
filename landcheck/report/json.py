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
from typing import TYPE_CHECKING, Any

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


def _text(value: Any) -> str:
    return json.dumps(_finite(value), ensure_ascii=False, indent=_INDENT)


def iter_json(
    result: CheckResult, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[str]:
    """Yield findings.json's text in pieces: the run's facts, then one piece per site.

    The pieces joined are ``json.dumps(result.to_dict(), ensure_ascii=False,
    indent=2)``, NaN and infinities written as null. ``progress(done, total)``
    is called after each site.
    """
    head = _text(result.run_dict())
    total = len(result.sites)
    if not total:
        yield head[: -len("\n}")] + ',\n  "sites": []\n}'
        return
    yield head[: -len("\n}")] + ',\n  "sites": [\n'
    inner = "\n" + " " * (2 * _INDENT)
    for done, site in enumerate(result.site_dicts(), start=1):
        separator = "" if done == 1 else ",\n"
        yield separator + inner[1:] + _text(site).replace("\n", inner)
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
        return "".join(iter_json(result))
    return json.dumps(_finite(result.to_dict()), ensure_ascii=False, indent=indent)


def write_json(
    result: CheckResult,
    directory: str,
    options: ReportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Write findings.json into ``directory``, a site at a time, and return its path."""
    path = os.path.join(directory, FILENAME)
    with open(path, "w", encoding="utf-8") as handle:
        for piece in iter_json(result, progress=progress):
            handle.write(piece)
        handle.write("\n")
    return path
