"""A batch of sites as boundary TXTs: what a TXT holds of each site, one file per zone.

A boundary TXT holds one Gauss-Kruger zone (its 带号), and a site's 地块面积 is
its planar area in the zone it is written in. :func:`write_zone_files` writes
each site in the zone its planar area is measured in (its measuring CRS, as
``landcheck check`` measures it; docs/areas.md), so the TXT states the area
findings.json states: the file name given for the first zone (the given CRS's, or
the first site's when no site is measured there) and ``<stem>_EPSG4524<ext>``
(the zone-prefixed CGCS2000 Gauss-Kruger CRS of the zone) for each other
zone; :func:`zone_files_note` is the warning saying which sites went where.
:func:`txt_frame` takes from any site frame the four fields a TXT holds of a
site (地块编号, 地块名称, 地块用途, 地类编码).

The report's ``sites.txt`` (:mod:`landcheck.report.txt`), the selection
folders' TXTs (:mod:`landcheck.report.selection`) and ``landcheck convert``
(:mod:`landcheck.io.convert`) all write through here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from landcheck.crs import GKZone, crs_label, gk_crs, gk_zone_of_crs
from landcheck.crs.transform import move
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.geometry import column_array, name_some
from landcheck.io.boundary_txt.writer import check_unique_ids, write_boundary_txt
from landcheck.sites import ID_FIELDS, NAME_FIELDS, find_field
from landcheck.text import field_texts

__all__ = [
    "LAND_CLASS_FIELDS",
    "LAND_USE_FIELDS",
    "ZoneFile",
    "txt_frame",
    "write_zone_files",
    "zone_file_names",
    "zone_files_note",
]

LAND_USE_FIELDS = ("land_use", "DKYT", "地块用途", "用途")
"""Fields holding a site's 地块用途, the first present (any case) taken."""
LAND_CLASS_FIELDS = ("land_class", "DLBM", "地类编码")
"""Fields holding a site's 地类编码, the first present (any case) taken."""


@dataclass(frozen=True)
class ZoneFile:
    """One boundary TXT of a batch: its file name, the CRS it is written in and its sites."""

    name: str
    crs: CRS
    site_ids: list[str]


def _text(frame: gpd.GeoDataFrame, given: str | None, candidates: tuple[str, ...]) -> list[str]:
    """A field's values as stripped text ("" for none): ``given``, else the first candidate."""
    columns = frame.columns.drop(frame.geometry.name)
    if given is not None and given not in columns:
        raise InputDataError(
            f"the input has no field {given!r}; its fields are: {', '.join(map(str, columns))}"
        )
    column = given or find_field(columns, candidates)
    if column is None:
        return [""] * len(frame)
    return field_texts(column_array(frame, column)).tolist()


def txt_frame(
    frame: gpd.GeoDataFrame, id_field: str | None = None, name_field: str | None = None
) -> gpd.GeoDataFrame:
    """The four columns a boundary TXT holds of a site, from whatever fields ``frame`` has.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Sites with any fields.
    id_field, name_field : str, optional
        The fields of 地块编号 and 地块名称; by default the first of
        :data:`landcheck.sites.ID_FIELDS` / ``NAME_FIELDS`` present.

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id``, ``name``, ``land_use`` and ``land_class`` as text ("" where
        the frame has no such field), the geometry and CRS of ``frame``.

    Raises
    ------
    InputDataError
        ``id_field`` or ``name_field`` is no field of ``frame``.

    Examples
    --------
    >>> from shapely import box
    >>> given = gpd.GeoDataFrame({"DKBH": ["A1"], "DKYT": ["工业"], "DLBM": [601]},
    ...     geometry=[box(0, 0, 1, 1)], crs=4523)
    >>> txt_frame(given).drop(columns="geometry").iloc[0].tolist()
    ['A1', '', '工业', '601']
    """
    return gpd.GeoDataFrame(
        {
            "site_id": _text(frame, id_field, ID_FIELDS),
            "name": _text(frame, name_field, NAME_FIELDS),
            "land_use": _text(frame, None, LAND_USE_FIELDS),
            "land_class": _text(frame, None, LAND_CLASS_FIELDS),
        },
        geometry=np.asarray(frame.geometry.values, dtype=object),
        crs=frame.crs,
    )


def _zone_of(label: str, analysis: CRS) -> GKZone | None:
    """The CGCS2000 Gauss-Kruger zone of a measuring CRS label, or None for any other CRS."""
    if label == crs_label(analysis):
        crs = analysis
    else:
        try:
            crs = CRS.from_user_input(label)
        except CRSError:  # a name PROJ does not know is no Gauss-Kruger zone of ours
            return None
    found = gk_zone_of_crs(crs)
    return None if found is None else found[0]


def _groups(
    ids: list[str], labels: Sequence[str], analysis: CRS
) -> list[tuple[GKZone, np.ndarray]]:
    """Positions of the sites per zone; the analysis zone's (else the first site's) first."""
    zones = {label: _zone_of(label, analysis) for label in dict.fromkeys(labels)}
    foreign = [label for label, zone in zones.items() if zone is None]
    if foreign:
        which = [sid for sid, label in zip(ids, labels, strict=True) if label in foreign]
        if gk_zone_of_crs(analysis) is not None:  # --crs chose a zone: the file's CRS is the rest
            fix = (
                "they are measured in the CRS their site file declares: convert the file to "
                "CGCS2000 Gauss-Kruger first (landcheck convert SITES OUT.gpkg --to-crs "
                f"{crs_label(analysis)})"
            )
        else:
            fix = (
                "check them in a CGCS2000 Gauss-Kruger CRS (--crs EPSG:4523 for 3-degree zone "
                "35, EPSG:4513–4533 or 4491–4501)"
            )
        raise AnalysisCRSError(
            f"a boundary TXT holds CGCS2000 Gauss-Kruger coordinates, but site(s) "
            f"{name_some(which)} are measured in {', '.join(foreign)}; {fix}, or leave the "
            "boundary TXT out (format txt)"
        )
    per_site = [zones[label] for label in labels]
    order = list(dict.fromkeys(per_site))
    home = gk_zone_of_crs(analysis)
    if home is not None and home[0] in order:
        order.remove(home[0])
        order.insert(0, home[0])
    return [(zone, np.flatnonzero([z == zone for z in per_site])) for zone in order]


def _in_zone(sites: gpd.GeoDataFrame, zone: GKZone, analysis: CRS) -> gpd.GeoDataFrame:
    """The sites in the zone's CRS: as they are in the analysis zone, else moved there."""
    home = gk_zone_of_crs(analysis)
    if home is not None and home[0] == zone:
        return sites
    target = gk_crs(zone)
    moved = move(np.asarray(sites.geometry.values, dtype=object), analysis, target)
    return gpd.GeoDataFrame(sites.drop(columns=sites.geometry.name), geometry=moved, crs=target)


def _zone_name(filename: str, zone: GKZone, first: bool) -> str:
    stem, ext = os.path.splitext(filename)
    return filename if first else f"{stem}_EPSG{zone.epsg()}{ext}"


def _plan(
    sites: gpd.GeoDataFrame, filename: str, measuring: Sequence[str] | None
) -> list[tuple[str, GKZone, np.ndarray]]:
    """Each file's name, zone and the positions of its sites, the first file first."""
    if not len(sites):
        raise InputDataError("there are no sites to write; a boundary TXT needs at least one plot")
    if sites.crs is None:
        raise AnalysisCRSError("the sites have no CRS; set the analysis CRS they are in")
    analysis = CRS.from_user_input(sites.crs)
    ids = [str(sid) for sid in sites["site_id"]]
    check_unique_ids([sid for sid in ids if sid])  # across the files too: one batch, one id each
    labels = [crs_label(analysis)] * len(sites) if measuring is None else list(measuring)
    return [
        (_zone_name(filename, zone, number == 0), zone, rows)
        for number, (zone, rows) in enumerate(_groups(ids, labels, analysis))
    ]


def zone_file_names(
    sites: gpd.GeoDataFrame, filename: str, measuring: Sequence[str] | None = None
) -> list[str]:
    """The names of the files :func:`write_zone_files` writes for these sites, the first first.

    Parameters are those of :func:`write_zone_files`; so are the errors raised.

    Examples
    --------
    >>> from shapely import box
    >>> both = gpd.GeoDataFrame({"site_id": ["A", "B"]}, crs=4523, geometry=[
    ...     box(35_500_000, 2_700_000, 35_500_100, 2_700_100)] * 2)
    >>> zone_file_names(both, "out.txt", ["EPSG:4524", "EPSG:4523"])
    ['out.txt', 'out_EPSG4524.txt']
    """
    return [name for name, _, _ in _plan(sites, filename, measuring)]


def write_zone_files(
    sites: gpd.GeoDataFrame,
    directory: str,
    filename: str,
    measuring: Sequence[str] | None = None,
    **write_kwargs: Any,
) -> list[ZoneFile]:
    """Write the sites as boundary TXTs, one per zone their planar areas are measured in.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The sites in the analysis CRS (their ``crs``), with geometry.
    directory : str
        The folder to write into.
    filename : str
        The first file's name (``sites.txt``): the analysis CRS's zone, or the
        first site's zone when no site is measured there. Each other zone
        gets ``<stem>_EPSG<code><ext>``, the code of its zone-prefixed
        CGCS2000 Gauss-Kruger CRS.
    measuring : sequence of str, optional
        Per site, the label of its measuring CRS (``EPSG:4524``); None: the
        analysis CRS for every site.
    **write_kwargs
        Passed to :func:`landcheck.io.boundary_txt.write_boundary_txt`.

    Returns
    -------
    list of ZoneFile
        The files written, the first one first.

    Raises
    ------
    AnalysisCRSError
        A site is measured in a CRS that is no CGCS2000 Gauss-Kruger zone;
        the message names the sites.
    InputDataError
        A site id repeats (in one zone or across zones: nothing is written),
        or the writer refuses the sites (a comma in an id, no sites…); the
        files of the zones written before are removed again.

    Examples
    --------
    Two 1 ha squares, one measured in zone 35 (the analysis CRS) and one in zone 36:

    >>> import tempfile
    >>> from shapely import box
    >>> from landcheck.io.boundary_txt import read_boundary_txt
    >>> both = gpd.GeoDataFrame({"site_id": ["A", "B"]}, crs=4523, geometry=[
    ...     box(35_500_000, 2_700_000, 35_500_100, 2_700_100),
    ...     gpd.GeoSeries([box(36_500_000, 2_700_000, 36_500_100, 2_700_100)], crs=4524)
    ...     .to_crs(4523).iloc[0]])
    >>> folder = tempfile.mkdtemp()
    >>> files = write_zone_files(both, folder, "sites.txt", ["EPSG:4523", "EPSG:4524"])
    >>> [(f.name, f.site_ids) for f in files]
    [('sites.txt', ['A']), ('sites_EPSG4524.txt', ['B'])]
    >>> back = read_boundary_txt(os.path.join(folder, "sites_EPSG4524.txt"))
    >>> back.crs.to_epsg(), round(float(back.sites.computed_ha.iloc[0]), 4)
    (4524, 1.0)
    """
    plan = _plan(sites, filename, measuring)
    analysis = CRS.from_user_input(sites.crs)
    ids = [str(sid) for sid in sites["site_id"]]
    files: list[ZoneFile] = []
    try:
        for name, zone, rows in plan:
            group = _in_zone(sites.iloc[rows], zone, analysis)
            write_boundary_txt(group, os.path.join(directory, name), **write_kwargs)
            files.append(ZoneFile(name, group.crs, [ids[i] for i in rows]))
    except InputDataError:
        for done in files:  # all the zones' files, or none
            os.remove(os.path.join(directory, done.name))
        raise
    return files


def zone_files_note(
    files: list[ZoneFile], analysis: CRS, *, what: str = "the analysis CRS"
) -> str | None:
    """The warning saying which sites went to which file; None for the analysis zone alone.

    Parameters
    ----------
    files : list of ZoneFile
        The files :func:`write_zone_files` wrote.
    analysis : CRS
        The analysis CRS (the sites' CRS :func:`write_zone_files` was given).
    what : str
        What the message calls that CRS.


    Examples
    --------
    >>> files = [ZoneFile("sites.txt", CRS.from_epsg(4523), ["A"]),
    ...          ZoneFile("sites_EPSG4524.txt", CRS.from_epsg(4524), ["B"])]
    >>> zone_files_note(files, CRS.from_epsg(4523)).split("地块面积: ")[1]
    'sites.txt holds EPSG:4523 (zone 35): A; sites_EPSG4524.txt holds EPSG:4524 (zone 36): B'
    """
    home = gk_zone_of_crs(analysis)
    zones = [gk_zone_of_crs(f.crs)[0] for f in files]
    if len(files) == 1 and home is not None and home[0] == zones[0]:
        return None
    where = "; ".join(
        f"{f.name} holds {crs_label(f.crs)} (zone {zone.number}): {name_some(f.site_ids)}"
        for f, zone in zip(files, zones, strict=True)
    )
    if len(files) == 1:
        return (
            f"the sites are all measured in another zone than {what} "
            f"{crs_label(analysis)}, so the boundary TXT is written in their zone, with their "
            f"planar areas there as 地块面积: {where}"
        )
    return (
        "the sites are measured in different Gauss-Kruger zones and a boundary TXT holds one "
        "zone, so each site is written in the zone its planar areas are measured in, with its "
        f"planar area there as 地块面积: {where}"
    )
