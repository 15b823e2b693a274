"""sites.txt: the sites' boundary coordinate TXT (界址点坐标), all sites as plots of one file.

Written by :func:`landcheck.io.boundary_txt.write_boundary_txt` in UTF-8 with
CRLF line endings, from the sites in the analysis CRS, which must then be a
CGCS2000 Gauss-Kruger CRS (the format has no other). Sites without geometry
are left out: they have no boundary points (their findings say so).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from landcheck.io.boundary_txt import write_boundary_txt
from landcheck.result import CheckResult

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "write_txt"]

FILENAME = "sites.txt"


def write_txt(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write sites.txt into ``directory`` and return its path."""
    path = os.path.join(directory, FILENAME)
    progress = options.step("txt") if options is not None else None
    if progress is not None:
        progress(0, len(result.sites))
    sites = result.sites[["site_id", "name", "geometry"]]
    sites = sites[sites.geometry.notna() & ~sites.geometry.is_empty]
    write_boundary_txt(
        sites,
        path,
        encoding="utf-8",
        id_field="site_id",
        name_field="name",
        land_use_field=None,
        land_class_field=None,
    )
    if progress is not None:
        progress(len(result.sites), len(result.sites))
    return path
