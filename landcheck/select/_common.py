"""What the selection tools share around the run they work on.

Each tool prepares one :class:`~landcheck.run.Run` of the polygons it is
given (an area of interest, candidate sites, a site), then works in its
analysis CRS and evaluates the polygons it makes on it
(:func:`landcheck.evaluate`). Here: the area of interest as one polygon, the
project class of the polygons a tool makes, those polygons as sites, road
lines, the areas of what they make, and the checks of the tools' lengths and areas.

What a tool makes is measured as a check of it would measure it: planar
areas in the analysis CRS while the polygons lie in its zone, else each in
the zone it lies in (a patch 3° from the analysis zone's meridian is not
0.2 % larger for lying there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from landcheck.areas import ellipsoidal_areas, measure_areas
from landcheck.crs import crs_label
from landcheck.crs.choice import metric_crs_for
from landcheck.crs.datum import apply_datum_shift, refuse_mixed_datums
from landcheck.crs.measuring import zone_system
from landcheck.crs.scale import SCALE_TOLERANCE, percent, scale_error
from landcheck.crs.transform import to_geodetic
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.geometry import geometry_values
from landcheck.inputs import LayerInput, legacy_read_slack
from landcheck.io import InputRecord, read_features_near
from landcheck.io.postgis import parse_source
from landcheck.layers import select_near
from landcheck.messages import warn
from landcheck.run import Run
from landcheck.units import Area, AreaMethod

__all__ = [
    "PolygonInput",
    "aoi_union",
    "area_by_method",
    "check_limits",
    "driving_areas",
    "load_lines",
    "made_area",
    "made_areas",
    "project_class_key",
    "require_true_lengths",
    "sites_frame",
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
    """Resolve a project class (key or name) for the polygons a tool makes.

    Raises
    ------
    InputDataError
        The profile does not know the class.
    """
    if value is None:
        return None
    key = run.profile.resolve_project_class(value)
    if key is None:
        raise InputDataError(
            f"unknown project class {value!r}; use one of: "
            + ", ".join(run.profile.project_classes)
        )
    return key


def sites_frame(
    run: Run, ids: list[str], geoms: Any, project_class: str | None
) -> gpd.GeoDataFrame:
    """Polygons a tool made, as sites to evaluate on the run (id, project class)."""
    data: dict[str, Any] = {"site_id": list(ids)}
    if project_class is not None:
        data["project_class"] = [project_class] * len(data["site_id"])
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=run.crs)


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
