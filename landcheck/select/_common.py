"""What the selection tools share around the run they work on.

Each tool prepares one :class:`~landcheck.run.Run` of the polygons it is
given (an area of interest, candidate sites, a site), then works in its
analysis CRS and evaluates the polygons it makes on it
(:func:`landcheck.evaluate`). Here: the area of interest as one polygon, the
project class of the polygons a tool makes, those polygons as sites, road
lines, the areas of what they make, the checks of the tools' lengths and areas, and
the land the hard layers do not describe (:func:`undescribed`).

What a tool makes is measured as a check of it would measure it: planar
areas in the analysis CRS while the polygons lie in its zone, else each in
the zone it lies in (a patch 3° from the analysis zone's meridian is not
0.2 % larger for lying there).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landcheck.areas import ellipsoidal_areas, measure_areas
from landcheck.coverage import COVERAGE_KINDS
from landcheck.crs import crs_label
from landcheck.crs.choice import metric_crs_for
from landcheck.crs.datum import apply_datum_shift, refuse_mixed_datums
from landcheck.crs.measuring import zone_system
from landcheck.crs.scale import SCALE_TOLERANCE, percent, scale_error
from landcheck.crs.transform import to_geodetic
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.facts import resolve_type
from landcheck.geometry import geometry_values
from landcheck.inputs import LayerInput, layer_extent, legacy_read_slack
from landcheck.io import InputRecord, LayerSource, read_features_near
from landcheck.io.postgis import parse_source
from landcheck.layers import select_near
from landcheck.messages import warn
from landcheck.polygonal import polygonal_part
from landcheck.profile import CoverageSpec, LayerSpec, Text
from landcheck.run import Run
from landcheck.select.constraints import union_polygons
from landcheck.units import Area, AreaMethod

__all__ = [
    "PolygonInput",
    "Undescribed",
    "aoi_union",
    "area_by_method",
    "check_limits",
    "check_one_type",
    "driving_areas",
    "load_lines",
    "made_area",
    "made_areas",
    "project_class_key",
    "require_true_lengths",
    "sites_frame",
    "undescribed",
    "undescribed_frame",
    "undescribed_words",
    "warn_undescribed_area",
]

PolygonInput = Any
"""Polygons given to a selection tool: path, ``"PATH:LAYER"``, GeoDataFrame or a list of them."""


def aoi_union(run: Run) -> shapely.Geometry:
    """The union of the run's polygons (the area of interest).

    Raises
    ------
    InputDataError
        None of them has an area.
    """
    geoms = np.asarray(run.sites.geometry.values, dtype=object)
    geoms = geoms[~shapely.is_empty(geoms)]
    if not len(geoms):
        raise InputDataError("the area of interest has no polygon with an area")
    return shapely.union_all(geoms)


def made_areas(run: Run, geometries: Any, sites: Any = None) -> dict[str, np.ndarray]:
    """Areas of polygons a tool made, measured as a check of them measures them.

    Parameters
    ----------
    run : Run
        The run the tool works on.
    geometries : array-like of shapely geometries
        Polygons in the analysis CRS.
    sites : array-like of int, optional
        Per polygon, the position of the run's site it is a piece of: measured in
        that site's measuring CRS. Without it the polygons are measured together,
        as :meth:`Run.measuring_of` gives them (patches, proposals).

    Returns
    -------
    dict
        ``planar_m2`` (in each polygon's measuring CRS), ``ellipsoidal_m2``,
        and ``ha`` and ``mu`` by the run's area method.
    """
    geoms = np.asarray(geometries, dtype=object)
    return measure_areas(geoms, run.crs, run.method, planar=_planar_areas(run, geoms, sites))


def _planar_areas(run: Run, geoms: np.ndarray, sites: Any) -> np.ndarray:
    if not len(geoms):
        return np.zeros(0)
    if sites is None:
        return run.measuring_of(geoms).planar_areas(geoms, np.arange(len(geoms)))
    return run.measuring.planar_areas(geoms, np.asarray(sites, dtype=np.intp))


def driving_areas(run: Run, geometries: Any, sites: Any = None) -> np.ndarray:
    """The areas (m²) by the run's area method of polygons a tool made (:func:`made_areas`)."""
    geoms = np.asarray(geometries, dtype=object)
    if run.method is AreaMethod.PLANAR:
        return _planar_areas(run, geoms, sites)
    return ellipsoidal_areas(geoms, run.crs)


def area_by_method(run: Run, sites: Any = None) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`driving_areas` of the run as a function of the polygons (for :func:`carve`).

    ``sites`` is one site's position: every polygon is a piece of it.
    """
    if sites is None:
        return lambda geoms: driving_areas(run, geoms)
    return lambda geoms: driving_areas(run, geoms, np.full(len(geoms), sites, dtype=np.intp))


def made_area(run: Run, geometry: shapely.Geometry) -> Area:
    """The area of one polygonal geometry a tool made: its parts measured as they lie, summed.

    A union of patches in two zones is measured part by part, each in its own
    zone (:func:`made_areas`); its ellipsoidal area is the whole's.
    """
    whole = measure_areas([geometry], run.crs, run.method)
    planar = float(whole["planar_m2"][0])
    parts = np.asarray(shapely.get_parts(geometry), dtype=object)
    if len(parts):
        measuring = run.measuring_of(parts)
        if not measuring.uniform:
            planar = float(measuring.planar_areas(parts, np.arange(len(parts))).sum())
    return Area(planar, float(whole["ellipsoidal_m2"][0]), run.method)


def require_true_lengths(run: Run) -> None:
    """Refuse an analysis CRS that makes lengths where the run's polygons are untrue.

    The selection tools grow constraints by their buffers, cut patches by
    their width and measure them in the analysis CRS itself: given as Web
    Mercator, at 40° N a 100 m buffer would be 77 m on the ground. A
    Gauss-Kruger or UTM zone is taken while the polygons lie within its reach
    (:data:`~landcheck.crs.measuring.ZONE_REACH`); any CRS while it keeps
    lengths there within :data:`~landcheck.crs.scale.SCALE_TOLERANCE`.

    Raises
    ------
    AnalysisCRSError
        Naming how far lengths are off and the zone to give instead, or that the
        polygons' centre has no longitude and latitude in the CRS.
    """
    geoms = np.asarray(run.sites.geometry.values, dtype=object)
    geoms = geoms[~shapely.is_empty(geoms)]
    to_degrees = to_geodetic(run.crs)
    if not len(geoms) or to_degrees is None:
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    lon, lat = to_degrees.transform((xmin + xmax) / 2.0, (ymin + ymax) / 2.0)
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise AnalysisCRSError(
            f"the analysis CRS {crs_label(run.crs)} ({run.crs.name}) gives the polygons' centre "
            "no longitude and latitude, so how true its lengths are there cannot be told; give "
            "--crs the Gauss-Kruger or UTM zone where they lie"
        )
    system = zone_system(run.crs)
    if system is not None and system.reaches(np.array([lon]))[0]:
        return
    error = float(scale_error(run.crs, np.array([lon]), np.array([lat]))[0])
    if error > SCALE_TOLERANCE:
        zone, what = metric_crs_for(lon, lat)
        raise AnalysisCRSError(
            f"the analysis CRS {crs_label(run.crs)} ({run.crs.name}) makes lengths where the "
            f"polygons are {percent(error)} longer or shorter than on the ground, so buffers, "
            f"widths and areas of the selection would be wrong; give --crs {crs_label(zone)} "
            f"({what}, where they lie)"
        )


def project_class_key(run: Run, value: str | None) -> str | None:
    """Resolve the project of the polygons a tool makes: a project class or a project type.

    An old project class (key or name, ``"industrial"``, ``"工业项目"``) gives its key, as
    it always did, and a warning that it stands for a coarse project type; else a project
    type of the profile's ``project_types`` (key, name or alias, ``"pv_array"``, ``"光伏方阵"``)
    gives its key. :func:`sites_frame` gives the polygons the project type either way.

    Raises
    ------
    InputDataError
        The profile knows neither a class nor a type of that name.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from landcheck.io.profiles import load_profile
    >>> run = SimpleNamespace(profile=load_profile())
    >>> project_class_key(run, "光伏电站"), project_class_key(run, None)
    ('pv_array', None)
    """
    if value is None:
        return None
    profile = run.profile
    key = profile.resolve_project_class(value)
    if key is not None:
        if key in profile.legacy_classes:
            _say_old_class(run, value, profile.legacy_classes[key])
        return key
    kind = resolve_type(value, profile)
    if kind is None:
        raise InputDataError(
            f"unknown project class or type {value!r}; use a project type ("
            + ", ".join(profile.project_types)
            + ") or an old project class ("
            + ", ".join(profile.project_classes)
            + "); `landcheck profile show` lists them"
        )
    return kind


def check_one_type(project_class: str | None, facts: Mapping[str, Any] | None) -> None:
    """Refuse a project type given twice: as ``project_class`` and as ``facts["project_type"]``.

    Raises
    ------
    InputDataError
        Both are given.
    """
    if project_class is not None and (facts or {}).get("project_type") is not None:
        raise InputDataError(
            "give the project's type once: project_class (--project-class) or "
            "facts['project_type'] (--project-type), not both"
        )


def _say_old_class(run: Run, value: str, kind: str) -> None:
    """Warn once that an old project class stands for a coarse type, without evidence."""
    title = run.profile.project_types[kind]
    warn(
        f"project class {value!r} is an old project class: what is made here is examined as "
        f"the coarse project type {kind!r} ({title.zh}), with no plan or document listing it, "
        "so a list that needs one gives its strictest outcome; name the project type instead "
        "(project_class=TYPE, --project-class TYPE or --project-type: `landcheck profile show` "
        "lists them) and, where the tool takes them, the plan (--plan-level, --plan-ref)"
    )


def sites_frame(
    run: Run, ids: list[str], geoms: Any, project_class: str | None
) -> gpd.GeoDataFrame:
    """Polygons a tool made, as sites to evaluate on the run (id, project class and type).

    ``project_class`` is a key :func:`project_class_key` gave: an old class is given
    with the project type it stands for (so the polygons are not each said to give an
    old class: :func:`project_class_key` said it once), a project type as itself.
    """
    data: dict[str, Any] = {"site_id": list(ids)}
    profile = run.profile
    if project_class is not None:
        if project_class in profile.project_classes:
            data["project_class"] = [project_class] * len(data["site_id"])
            kind = profile.legacy_classes.get(project_class)
        else:
            kind = project_class
        if kind is not None:
            data["project_type"] = [kind] * len(data["site_id"])
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=run.crs)


@dataclass(frozen=True)
class Undescribed:
    """Land some hard layers do not describe: the absence of their features there proves nothing.

    The same area as :mod:`landcheck.coverage` gives ``landcheck check``: the profile's
    coverage polygon, else the land-use survey's parcels, else each layer's extent.

    Attributes
    ----------
    keys : tuple of str
        The hard layers it is not described by.
    described_by : Text
        What describes them, in words.
    geometry : shapely geometry
        The part of the area outside it (boundary-precision slivers left out).
    """

    keys: tuple[str, ...]
    described_by: Text
    geometry: shapely.Geometry


def undescribed_words(item: Undescribed, lang: str = "en") -> str:
    """One phrase: which layers do not describe the land, and why.

    Examples
    --------
    >>> item = Undescribed(("farmland", "eco_redline"), Text("调查", "the land-use survey"),
    ...                    shapely.Polygon())
    >>> undescribed_words(item)
    'not described by farmland, eco_redline (outside the land-use survey)'
    >>> undescribed_words(item, "zh")
    '图层 farmland、eco_redline 未描述（位于调查之外）'
    """
    if lang == "zh":
        return f"图层 {'、'.join(item.keys)} 未描述（位于{item.described_by.zh}之外）"
    return f"not described by {', '.join(item.keys)} (outside {item.described_by.en})"


def undescribed_frame(
    run: Run, blank: Sequence[Undescribed], parts: Sequence[shapely.Geometry]
) -> gpd.GeoDataFrame:
    """The land each described area leaves out of a tool's free land, one row each with an area.

    Parameters
    ----------
    run : Run
        The run the tool works on (the areas are measured as :func:`made_area` measures).
    blank : sequence of Undescribed
        From :func:`undescribed`.
    parts : sequence of geometry
        Per item of ``blank``, what of it the tool cut out of its free land
        (:attr:`~landcheck.select.buildable.Carved.undescribed`).

    Returns
    -------
    GeoDataFrame
        ``layers``, ``described_by``, ``described_by_zh``, ``reason`` and ``reason_zh``
        (:func:`undescribed_words`), ``planar_m2``, ``ellipsoidal_m2``, ``ha``.
    """
    rows, geoms = [], []
    for item, geom in zip(blank, parts, strict=True):
        if geom.is_empty:
            continue
        area = made_area(run, geom)
        rows.append(
            {
                "layers": ", ".join(item.keys),
                "described_by": item.described_by.en,
                "described_by_zh": item.described_by.zh,
                "reason": undescribed_words(item),
                "reason_zh": undescribed_words(item, "zh"),
                "planar_m2": area.planar_m2,
                "ellipsoidal_m2": area.ellipsoidal_m2,
                "ha": area.ha,
            }
        )
        geoms.append(geom)
    columns = [
        "layers",
        "described_by",
        "described_by_zh",
        "reason",
        "reason_zh",
        "planar_m2",
        "ellipsoidal_m2",
        "ha",
    ]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=run.crs)


def warn_undescribed_area(frame: gpd.GeoDataFrame) -> None:
    """Say how much of the area of interest the layers do not describe, and by which."""
    for row in frame.itertuples(index=False):
        warn(
            f"{row.ha:,.4f} ha of the area of interest is {row.reason}: not counted as "
            "buildable, since finding none of their features there proves nothing; give layers "
            "that describe it, or the polygon of the area they describe (coverage= / --coverage)"
        )


def undescribed(run: Run, keys: Sequence[str], area: shapely.Geometry) -> list[Undescribed]:
    """The parts of ``area`` the hard layers ``keys`` do not describe (:mod:`landcheck.coverage`).

    A layer of a kind that covers its own area (land use, planning zones) is not
    asked. The described area is the run's coverage polygon (read near ``area``;
    unreadable, it describes nothing, as for ``landcheck check``), else the union of
    the land-use survey's parcels, else each layer's extent box. Parts the profile
    calls slivers (boundary precision) are left out. Only parts with an area are
    returned.

    Parameters
    ----------
    run : Run
        The run: its profile, sources, coverage and analysis CRS.
    keys : sequence of str
        The hard layers that could be used.
    area : Polygon or MultiPolygon
        The land asked about, in the analysis CRS.

    Returns
    -------
    list of Undescribed
    """
    keys = tuple(k for k in keys if run.profile.layers[k].kind not in COVERAGE_KINDS)
    if not keys or area.is_empty:
        return []
    near = gpd.GeoSeries([area], crs=run.crs)
    if run.coverage is not None:
        regions = [(keys, *_coverage_region(run, near))]
    else:
        regions = _survey_region(run, keys, near) or [
            (
                (key,),
                Text(f"图层 {key} 的范围", f"the extent of layer {key!r}"),
                _extent_region(run, key),
            )
            for key in keys
        ]
    out = []
    for layers, described_by, region in regions:
        outside = _not_slivers(run, area if region is None else shapely.difference(area, region))
        if not outside.is_empty:
            out.append(Undescribed(layers, described_by, outside))
    return out


def _coverage_region(run: Run, near: gpd.GeoSeries) -> tuple[Text, shapely.Geometry | None]:
    """The run's coverage polygon near ``near`` and its words (None: it could not be read)."""
    source = run.coverage
    title = (run.profile.coverage or CoverageSpec("")).title
    named = source.path if isinstance(source, LayerSource) else "GeoDataFrame"
    spec = LayerSpec(key="coverage", kind="generic", title=title)
    try:
        loaded = run.read_layer(spec, near, 1.0, source)
    except (DataSourceError, InputDataError, OSError) as ex:
        warn(f"the coverage polygon could not be used: {ex}")
        return Text(f"{title.zh}（无法读取）", f"{title.en}, which could not be read"), None
    region = union_polygons(loaded.features.geometry.values)
    return Text(f"{title.zh}（{named}）", f"{title.en} ({named})"), region


def _survey_region(
    run: Run, keys: tuple[str, ...], near: gpd.GeoSeries
) -> list[tuple[tuple[str, ...], Text, shapely.Geometry]]:
    """The land-use survey's parcels near ``near`` as the region describing ``keys`` (or none)."""
    for key, spec in run.profile.layers.items():
        if spec.kind != "land_use" or run.sources.get(key) is None:
            continue
        try:
            layer = run.read_layer(spec, near, 1.0)
        except (DataSourceError, InputDataError, OSError) as ex:
            warn(f"layer {key!r} could not be used: {ex}")
            continue
        described = Text(f"土地利用现状调查（图层 {key}）的范围", f"the land-use survey ({key!r})")
        return [(keys, described, _parcels_union(layer.features.geometry.values))]
    return []


def _parcels_union(parcels: Any) -> shapely.Geometry:
    """The union of a survey's parcels: as a coverage when they are one (0.1 s, not 2.4 s).

    A survey's parcels tile its county, which GEOS unites edge by edge
    (``coverage_union_all``). The result is taken when it is valid and its area is
    the parcels' sum (no parcel overlaps another); else they are united as any
    polygons are (:func:`~landcheck.select.constraints.union_polygons`).

    Examples
    --------
    >>> tiles = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> _parcels_union(tiles).area, _parcels_union([*tiles, shapely.box(0.5, 0, 1.5, 1)]).area
    (2.0, 2.0)
    """
    geoms = polygonal_part(np.asarray(parcels, dtype=object))
    geoms = geoms[~shapely.is_empty(geoms)]
    if not len(geoms):
        return shapely.MultiPolygon()
    tiled = shapely.coverage_union_all(geoms)
    if tiled.is_valid and np.isclose(tiled.area, shapely.area(geoms).sum(), rtol=1e-9, atol=0):
        return tiled
    return union_polygons(geoms)


def _extent_region(run: Run, key: str) -> shapely.Geometry | None:
    """A layer's extent box in the analysis CRS (None: it cannot be had)."""
    extent = layer_extent(run.sources[key], run.crs)
    return shapely.box(*extent) if extent is not None else None


def _not_slivers(run: Run, geometry: shapely.Geometry) -> shapely.Geometry:
    """The polygons of ``geometry`` the profile does not call slivers (area, mean width)."""
    parts = np.asarray(shapely.get_parts(polygonal_part([geometry])[0]), dtype=object)
    if not len(parts):
        return shapely.MultiPolygon()
    areas, lengths = shapely.area(parts), shapely.length(parts)
    widths = np.divide(2.0 * areas, lengths, out=np.zeros_like(areas), where=lengths > 0)
    sliver = run.profile.analysis.is_sliver
    kept = [p for p, a, w in zip(parts, areas, widths, strict=True) if not sliver(a, w)]
    return shapely.union_all(kept) if kept else shapely.MultiPolygon()


def load_lines(
    run: Run, source: LayerInput, near: shapely.Geometry, *, margin: float, key: str = "roads"
) -> tuple[np.ndarray, list[InputRecord]]:
    """Read a line (or any) layer near a geometry, in the run's analysis CRS.

    Used for roads, which :func:`landcheck.inputs.load_layer` would drop as
    non-polygonal. A Xian 1980 / Beijing 1954 / New Beijing layer, file or GeoDataFrame, is
    read as a layer is: shifted with the run's datum shift (said, and noted in
    its record) after a read widened by :func:`~landcheck.inputs.legacy_read_slack`,
    then trimmed to ``margin``; refused without parameters, or in the other
    legacy datum than the run's inputs. Returns the non-empty geometries and
    the read's record.

    Raises
    ------
    DataSourceError, AnalysisCRSError
        The layer cannot be read, has no CRS, or is in a legacy datum it
        cannot be shifted from.
    """
    slack = 0.0
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None:
            raise AnalysisCRSError(f"layer {key!r}: the GeoDataFrame has no CRS; set one")
        frame = source
        record = InputRecord(
            role="layer", key=key, crs=crs_label(source.crs), features_read=len(frame)
        )
    else:
        source = parse_source(source, encoding=run.encoding)
        slack = legacy_read_slack(source, run.datum_shift)
        frame, record = read_features_near(source, [near], run.crs, key=key, margin=margin + slack)
    refuse_mixed_datums([*run.legacy_datums, geometry_values(frame).crs], run.datum_shift)
    frame, note = apply_datum_shift(frame, run.datum_shift, f"layer {key!r}")
    if note is not None:
        warn(note["message"])
        record.extra["datum_shift"] = {k: v for k, v in note.items() if k != "message"}
    if slack:  # read wider through PROJ's ballpark: keep what lies within the margin
        frame = select_near(frame, gpd.GeoSeries([near], crs=run.crs), margin)
        record.features_read = len(frame)
    if frame.crs is not None and not frame.crs.equals(run.crs):
        frame = frame.to_crs(run.crs)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    return geoms, [record]


def check_limits(**limits: float | None) -> None:
    """Refuse negative or non-finite lengths and areas given to a selection tool.

    ``search_m`` must be > 0; every other limit (``min_width_m``,
    ``min_area_m2``, ``spacing_m``…) ≥ 0; None means "not given".

    Examples
    --------
    >>> check_limits(min_width_m=20.0, min_area_m2=None, search_m=1000.0)
    >>> check_limits(min_width_m=-1.0)
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: min_width_m must be ≥ 0, got -1.0
    """
    for name, value in limits.items():
        if value is None:
            continue
        positive = name == "search_m"
        if not np.isfinite(value) or value < 0 or (positive and value == 0):
            bound = "> 0" if positive else "≥ 0"
            raise InputDataError(f"{name} must be {bound}, got {value!r}")
