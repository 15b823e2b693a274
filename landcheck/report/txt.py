"""sites.txt: the sites' boundary coordinate TXT (界址点坐标), each site in its own zone.

A boundary TXT holds one Gauss-Kruger zone (its 带号), and a site's 地块面积 is
its planar area in the zone it is written in. Each site is written in the zone
its planar area is measured in (its measuring CRS, ``measuring_crs`` in
findings.json; docs/areas.md), so the TXT states the area findings.json
states. A batch whose sites are measured in several zones gets one file per
zone: ``sites.txt`` for the analysis CRS's zone (or, when no site is measured
there, the first site's zone), and ``sites_EPSG4524.txt`` (the zone-prefixed
CGCS2000 Gauss-Kruger CRS of the zone) for each other zone, with a warning
saying which sites went where. The files are written by
:func:`landcheck.io.boundary_txt.zones.write_zone_files`, UTF-8 with CRLF line
endings. Sites without geometry are left out: they have no boundary points
(their findings say so).

A site keeps what the TXT holds of it, as ``landcheck convert`` keeps it
(:func:`~landcheck.io.boundary_txt.zones.txt_frame`): its 地块编号, 地块名称,
地块用途 and 地类编码 from its fields (``land_use``/``DKYT``/``地块用途``/``用途``,
``land_class``/``DLBM``/``地类编码``),
and the [属性描述]/[项目信息] pairs of the boundary TXT(s) it was read from
(:func:`shared_metadata`): a pair is written when every site source gave it
with the same value, so no file states a value its input did not give.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from landcheck.errors import InputDataError, LandcheckError
from landcheck.io.boundary_txt.spec import WIDTH_KEYS, WRITER_KEYS
from landcheck.io.boundary_txt.zones import txt_frame, write_zone_files, zone_files_note
from landcheck.io.records import InputRecord
from landcheck.result import CheckResult

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "shared_metadata", "write_txt"]

FILENAME = "sites.txt"
_DERIVED = (*WRITER_KEYS, *WIDTH_KEYS)

logger = logging.getLogger(__name__)


def shared_metadata(records: Sequence[InputRecord]) -> tuple[dict[str, str], list[str]]:
    """The boundary-TXT pairs every site source gave alike, and the keys left out.

    Parameters
    ----------
    records : sequence of InputRecord
        The inputs of a run; those of role ``sites`` count. A boundary TXT's
        record holds its pairs in ``extra["metadata"]``; any other source
        (a GeoPackage, a frame) gives none. The CRS keys (坐标系, 带号…), which
        the writer derives from the zone it writes, do not count.

    Returns
    -------
    dict
        The pairs of the first source that every other source gave with the
        same value, in the first source's order.
    list of str
        The keys some source gave and the others did not, or not alike.

    Examples
    --------
    >>> a = InputRecord("sites", "sites", extra={"metadata": {"项目名称": "园", "带号": "35",
    ...     "数据产生单位": "甲院"}})
    >>> b = InputRecord("sites", "sites", extra={"metadata": {"项目名称": "园", "带号": "36",
    ...     "数据产生单位": "乙院"}})
    >>> shared_metadata([a, b])
    ({'项目名称': '园'}, ['数据产生单位'])
    """
    given = [
        {k: v for k, v in (r.extra.get("metadata") or {}).items() if k not in _DERIVED}
        for r in records
        if r.role == "sites"
    ]
    if not given:
        return {}, []
    shared = {
        key: value
        for key, value in given[0].items()
        if all(other.get(key) == value for other in given[1:])
    }
    left = dict.fromkeys(key for pairs in given for key in pairs if key not in shared)
    return shared, list(left)


def write_txt(
    result: CheckResult, directory: str, options: ReportOptions | None = None
) -> list[str]:
    """Write sites.txt (and a file per further zone) into ``directory``; return their paths.

    Returns
    -------
    list of str
        The paths of the files written, sites.txt first.

    Raises
    ------
    InputDataError
        The sites cannot be written as a boundary TXT; the message starts
        with ``sites.txt:`` and says why and how to fix it.
    """
    progress = options.step("txt") if options is not None else None
    if progress is not None:
        progress(0, len(result.sites))
    drawn = result.sites[result.sites.geometry.notna() & ~result.sites.geometry.is_empty]
    measuring = [result.measuring_crs(sid) for sid in drawn["site_id"]]
    sites = txt_frame(drawn, "site_id", "name")
    metadata = _metadata(result.inputs)
    try:
        files = write_zone_files(
            sites,
            directory,
            FILENAME,
            measuring,
            encoding="utf-8",
            metadata=metadata,
        )
    except InputDataError as ex:
        raise _named(ex) from ex
    note = zone_files_note(files, result.analysis_crs)
    if note is not None:
        logger.warning(note)
    if progress is not None:
        progress(len(result.sites), len(result.sites))
    return [os.path.join(directory, f.name) for f in files]


def _metadata(records: Sequence[InputRecord]) -> dict[str, str]:
    """The pairs to write (:func:`shared_metadata`), with a warning naming those left out."""
    shared, left = shared_metadata(records)
    if left:
        logger.warning(
            "%s: the site sources do not all give %s alike, so these pairs are not written "
            "(a boundary TXT holds one value of each)",
            FILENAME,
            ", ".join(left),
        )
    return shared


def _named(error: LandcheckError) -> LandcheckError:
    """The writer's error, of its class, saying it is the boundary TXT that could not be written."""
    return type(error)(f"{FILENAME} (the sites' boundary TXT, format txt): {error}")
