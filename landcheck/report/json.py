"""findings.json (schema ``landcheck/findings@1``)."""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING, Any

from landcheck.result import CheckResult

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "dumps", "write_json"]

FILENAME = "findings.json"


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


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
    return json.dumps(_finite(result.to_dict()), ensure_ascii=False, indent=indent)


def write_json(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write findings.json into ``directory`` and return its path."""
    path = os.path.join(directory, FILENAME)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(dumps(result))
        handle.write("\n")
    return path
