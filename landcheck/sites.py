"""Sites: normalise a site frame into ids, names, project facts and clean polygons.

Site ids come from ``id_field`` or the first of the usual fields present
(``site_id``, ``XMDM``, ``DKBH``…), else the 1-based feature number. Linear
projects given as lines become corridor polygons of their width (flat ends),
and are flagged ``linear`` for the rules; a point site becomes the square of
its width. Parts of geometry collections that are not polygons are dropped
with a warning that counts them. Each site's project facts (type, plan, evidence, project)
are read by :func:`landcheck.facts.site_facts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.crs import crs_label
from landcheck.crs.measuring import SiteMeasuring, buffered_on_the_ground
from landcheck.crs.memo import same_crs
from landcheck.errors import InputDataError
from landcheck.facts import ProjectFacts, site_facts
from landcheck.geometry import (
    GeometryReport,
    clean_polygons,
    column_array,
    field_names,
    fields_frame,
    geo_frame,
    geometry_values,
    name_some,
    non_finite,
    shallow_copy,
)
from landcheck.messages import warn
from landcheck.profile import Profile
from landcheck.text import (
    field_texts,
    fields_set_apart,
    object_array,
    refuse_lone_surrogates,
    refuse_text,
)

__all__ = [
    "MAX_WIDTH_M",
    "SITE_COLUMNS",
    "PreparedSites",
    "check_width",
    "find_field",
    "measured_in_own_crs",
    "prepare_sites",
    "refuse_non_finite",
]

ID_FIELDS = ("site_id", "id", "XMDM", "DKBH", "BSM", "编号", "地块编号", "项目代码")
NAME_FIELDS = ("name", "XMMC", "DKMC", "项目名称", "地块名称", "名称")
CLASS_FIELDS = ("project_class", "proj_class", "project_cl", "项目类别")
"""Old project-class fields; ``proj_class`` is what ``convert`` writes to a shapefile and
``project_cl`` what GDAL cuts ``project_class`` to (a DBF name holds 10 bytes). ``XMLX`` and
项目类型 are project-type fields now (:data:`landcheck.facts.FACT_FIELDS`); an old class
value in them is still read as its class."""
LINEAR_FIELDS = ("linear", "XXGC", "线性工程")
WIDTH_FIELDS = ("width_m", "width", "KD", "宽度")

SITE_COLUMNS = ["site_id", "name", "project_class", "linear"]
"""Columns every prepared site frame has (before its own attributes)."""

MEASURED_COLUMNS = ("planar_m2", "ellipsoidal_m2")
"""The site's areas, which landcheck measures: a site field of either name is not read as one."""

_LINE_TYPES = (1, 2, 5)  # LineString, LinearRing, MultiLineString
_POINT_TYPES = (0, 4)  # Point, MultiPoint
_POLYGON_TYPES = (3, 6)  # Polygon, MultiPolygon
_COLLECTION = 7
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 4: "MultiPoint", 5: "MultiLineString"}

MAX_WIDTH_M = 1000.0
"""The widest corridor (or point site) accepted, in metres; a wider one is a unit mistake."""


@dataclass
class PreparedSites:
    """Sites ready for analysis: normalised columns, clean polygons in the analysis CRS.

    Attributes
    ----------
    frame : GeoDataFrame
        ``site_id``, ``name``, ``project_class``, ``linear``, ``planar_m2``,
        ``ellipsoidal_m2``, the input's own attributes, and the geometry.
    geometry_report : GeometryReport
        What geometry hygiene did.
    facts : list of ProjectFacts
        Each site's project facts, in frame order.
    """

    frame: gpd.GeoDataFrame
    geometry_report: GeometryReport
    facts: list[ProjectFacts] = field(default_factory=list)


def find_field(columns: list[str] | pd.Index, candidates: tuple[str, ...]) -> str | None:
    """Return the first candidate present among ``columns`` (case-insensitive).

    Examples
    --------
    >>> find_field(["FID", "dlbm", "DLMC"], ("DLBM",))
    'dlbm'
    """
    lowered = {str(c).lower(): str(c) for c in columns}
    for name in candidates:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _id_column(frame: gpd.GeoDataFrame, id_field: str | None) -> str | None:
    """The field the site ids come from (None: numbered)."""
    if id_field is not None:
        return id_field
    return find_field(field_names(frame), ID_FIELDS)


def _site_ids(frame: gpd.GeoDataFrame, id_field: str | None) -> pd.Series:
    if id_field is not None:
        if id_field not in frame.columns:
            raise InputDataError(
                f"the site file has no field {id_field!r} for --id-field; its fields are: "
                + ", ".join(map(str, field_names(frame)))
            )
        column: str | None = id_field
    else:
        column = find_field(field_names(frame), ID_FIELDS)
    if column is None:
        return pd.Series([str(i + 1) for i in range(len(frame))], index=frame.index)
    ids = field_texts(column_array(frame, column)).tolist()
    blank = [i for i, v in enumerate(ids) if v == ""]
    if blank:
        rows = ", ".join(str(i + 1) for i in blank[:5])
        raise InputDataError(
            f"site id field {column!r} is blank in feature(s) {rows}; fill it in or choose "
            "another field with --id-field"
        )
    with_nul = [i for i, v in enumerate(ids) if "\x00" in v]
    if with_nul:
        rows = ", ".join(str(i + 1) for i in with_nul[:5])
        raise InputDataError(
            f"site id field {column!r} holds a NUL character (U+0000) in feature(s) {rows}; "
            "GeoPackage and shapefile texts end at it, so 'a\\x00b' and 'a\\x00c' would both "
            "be written 'a': remove it or choose another field with --id-field"
        )
    if len(set(ids)) < len(ids):
        seen: set[str] = set()
        duplicated = sorted({v for v in ids if v in seen or seen.add(v)})
        raise InputDataError(
            f"site ids in field {column!r} are not unique ({', '.join(duplicated[:5])}); "
            "give each site its own id or choose another field with --id-field"
        )
    return pd.Series(ids, index=frame.index, dtype=str, name=column)


def _text_column(frame: gpd.GeoDataFrame, candidates: tuple[str, ...]) -> np.ndarray:
    """The texts of the first of ``candidates`` the frame has (blank when none), as objects."""
    column = find_field(field_names(frame), candidates)
    if column is None:
        return object_array([""] * len(frame))
    return field_texts(column_array(frame, column))


def _truthy(values: pd.Series) -> pd.Series:
    text = values.astype("string").fillna("").str.strip().str.lower()
    return text.isin(["1", "true", "yes", "y", "t", "是", "线性"])


def check_width(width: float | None, what: str = "--width") -> float | None:
    """Return a site width in metres when it is usable (None stays None), else raise.

    A width is a finite number of metres above 0 and at most :data:`MAX_WIDTH_M`.

    Raises
    ------
    InputDataError
        NaN, infinite, 0 or less, or more than :data:`MAX_WIDTH_M`.

    Examples
    --------
    >>> check_width(20)
    20.0
    >>> check_width(float("nan"))
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: --width nan is not a width: give the corridor width in ...
    """
    if width is None:
        return None
    try:
        value = float(width)
    except (TypeError, ValueError) as ex:
        raise InputDataError(f"{what} {width!r} is not a number of metres") from ex
    if not (0.0 < value <= MAX_WIDTH_M):
        raise InputDataError(
            f"{what} {value:g} is not a width: give the corridor width in metres, a number "
            f"above 0 and at most {MAX_WIDTH_M:,.0f}"
        )
    return value


def _site_widths(frame: gpd.GeoDataFrame, width: float | None, needed: np.ndarray) -> np.ndarray:
    """Each site's width in metres: its width field, else ``width``; NaN where there is none.

    Field values that are given but unusable (0, negative, infinite, above
    :data:`MAX_WIDTH_M`) are an error naming the features, for the sites in ``needed``.
    """
    widths = np.full(len(frame), np.nan)
    column = find_field(field_names(frame), WIDTH_FIELDS)
    if column is not None:
        widths = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        given = needed & ~np.isnan(widths)
        bad = given & ~((widths > 0) & (widths <= MAX_WIDTH_M))
        if bad.any():
            rows = ", ".join(f"{i + 1} ({widths[i]:g})" for i in np.flatnonzero(bad)[:5].tolist())
            raise InputDataError(
                f"site feature(s) {rows}: field {column!r} is not a width; give the corridor "
                f"width in metres, above 0 and at most {MAX_WIDTH_M:,.0f}"
            )
    if width is not None:
        widths = np.where(np.isnan(widths), width, widths)
    return widths


def _corridors(
    frame: gpd.GeoDataFrame, width: float | None, crs: CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Buffer line sites into corridors and point sites into squares of their width.

    The widths are metres on the ground, whatever ``crs`` (the frame's) does to
    lengths (:func:`~landcheck.crs.measuring.buffered_on_the_ground`). Returns
    the geometries and a linear flag (lines only).
    """
    geoms = np.asarray(geometry_values(frame), dtype=object)
    types = shapely.get_type_id(geoms)
    is_line = np.isin(types, _LINE_TYPES)
    is_point = np.isin(types, _POINT_TYPES)
    if not (is_line | is_point).any():
        return geoms, is_line
    widths = _site_widths(frame, width, is_line | is_point)
    for kind, rows, shape in (
        ("lines (a linear project)", is_line, "the corridor width in metres"),
        ("points", is_point, "the side of the square site in metres"),
    ):
        lacking = rows & np.isnan(widths)
        if lacking.any():
            listed = ", ".join(str(i + 1) for i in np.flatnonzero(lacking)[:5])
            raise InputDataError(
                f"site feature(s) {listed} are {kind} without a width, so they have no area to "
                f"check; give {shape} with --width or a width_m field, or draw the site as a "
                "polygon"
            )
    out = geoms.copy()
    for rows, cap in ((is_line, "flat"), (is_point, "square")):
        out[rows] = buffered_on_the_ground(geoms[rows], widths[rows] / 2.0, crs, cap)
    return out, is_line


def _collection_warning(geoms: np.ndarray, ids: np.ndarray) -> str | None:
    """Count the parts of geometry collections that are not polygons (they are dropped)."""
    owners = np.flatnonzero(shapely.get_type_id(geoms) == _COLLECTION)
    if not len(owners):
        return None
    parts, owner = shapely.get_parts(geoms[owners], return_index=True)
    while (nested := shapely.get_type_id(parts) == _COLLECTION).any():
        inner, inner_owner = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        owner = np.concatenate([owner[~nested], owner[nested][inner_owner]])
    dropped = ~np.isin(shapely.get_type_id(parts), _POLYGON_TYPES)
    if not dropped.any():
        return None
    kinds = pd.Series(shapely.get_type_id(parts[dropped])).map(_TYPE_NAMES).value_counts()
    counted = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    sites = ids[owners[np.unique(owner[dropped])]]
    return (
        f"site(s) {', '.join(map(str, sites[:5]))}{', …' if len(sites) > 5 else ''}: "
        f"{int(dropped.sum())} part(s) of geometry collections are not polygons ({counted}) and "
        "were dropped; only the polygons are checked"
    )


def prepare_sites(
    frame: gpd.GeoDataFrame,
    crs: CRS,
    profile: Profile,
    *,
    id_field: str | None = None,
    width: float | None = None,
    facts: dict[str, object] | None = None,
) -> PreparedSites:
    """Normalise sites and bring them into the analysis CRS as clean polygons.

    Parameters
    ----------
    frame : GeoDataFrame
        Sites as read, in their own CRS.
    crs : CRS
        The analysis CRS (projected).
    profile : Profile
        For project-class names.
    id_field : str, optional
        Field holding the site id.
    width : float, optional
        Corridor width in metres for line sites without a width field (and
        the side of the square a point site stands for).
    facts : dict, optional
        Project facts for every site that does not declare them itself,
        already checked (:func:`landcheck.facts.given_facts`).

    Returns
    -------
    PreparedSites
        Problems that do not stop the run (unknown project classes, parts
        dropped, sites left without area) are said with
        :func:`landcheck.messages.warn`.

    Raises
    ------
    InputDataError
        Blank or repeated ids, lines or points without a width, a width that
        is not one (see :func:`check_width`), a project fact that is not one,
        a field name, text value or given fact holding a lone surrogate
        (:mod:`landcheck.text`).

    Examples
    --------
    A road centre line 1 km long with a 20 m width becomes a 2 ha corridor:

    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> from landcheck.io.profiles import load_profile
    >>> road = gpd.GeoDataFrame({"XMMC": ["县道改扩建"], "XMLX": ["县道"]}, crs=4523,
    ...     geometry=[LineString([(35_420_000, 2_700_000), (35_421_000, 2_700_000)])])
    >>> prepared = prepare_sites(road, road.crs, load_profile(), width=20.0)
    >>> row = prepared.frame.iloc[0]
    >>> row["site_id"], row["name"], prepared.facts[0].project_type, bool(row["linear"])
    ('1', '县道改扩建', 'county_road', True)
    >>> float(row["planar_m2"])
    20000.0
    """
    width = check_width(width)
    refuse_lone_surrogates(frame, "site feature")
    for name, value in (facts or {}).items():
        refuse_text(value, f"facts.{name}")
    ids = _site_ids(frame, id_field)
    raw_classes = _text_column(frame, CLASS_FIELDS).tolist()
    # a batch repeats a few classes: each distinct value is resolved once; lists, not Series
    # (pandas' first calls in a process cost ~0.2 ms each)
    resolve = cache(profile.resolve_project_class)
    classes = [resolve(raw) for raw in raw_classes]
    unknown = sorted(
        {raw for raw, c in zip(raw_classes, classes, strict=True) if c is None and raw != ""}
    )
    if unknown:
        warn(
            "unknown project class(es) "
            + ", ".join(unknown)
            + " treated as unclassified (rules then allow no exception); use one of: "
            + ", ".join(profile.project_classes)
        )
    projected = frame if same_crs(geometry_values(frame).crs, crs) else frame.to_crs(crs)
    geoms, from_lines = _corridors(projected, width, crs)
    dropped = _collection_warning(geoms, ids.to_numpy())
    if dropped:
        warn(dropped)
    linear_column = find_field(field_names(frame), LINEAR_FIELDS)
    declared: list[bool | None] = [None] * len(frame)
    if linear_column is not None:
        given = frame[linear_column].astype("string").fillna("").str.strip() != ""
        truthy = _truthy(frame[linear_column]).to_numpy()
        declared = [bool(t) if g else None for t, g in zip(truthy, given.to_numpy(), strict=True)]
    fields = fields_set_apart(
        fields_frame(frame), MEASURED_COLUMNS, "the sites'", "an area landcheck measures"
    )
    project_facts = site_facts(
        fields,
        profile,
        ids=ids.tolist(),
        classes=classes,
        from_lines=from_lines.tolist(),
        linear_field=declared,
        id_column=_id_column(frame, id_field),
        given=facts,
    )
    linear = np.array([f.linear for f in project_facts], dtype=bool)
    classes = [
        c if c is not None else f.legacy_class for c, f in zip(classes, project_facts, strict=True)
    ]
    cleaned, report, _ = clean_polygons(geoms, ids.to_numpy())
    normalised = {
        "site_id": ids.to_numpy(),
        "name": _text_column(frame, NAME_FIELDS),
        "project_class": object_array(classes),
        "linear": linear,
        "planar_m2": shapely.area(cleaned),
        "ellipsoidal_m2": ellipsoidal_areas(cleaned, crs),
    }
    out = _prepared_frame(normalised, fields, cleaned, crs)
    empty = ids.to_numpy()[shapely.is_empty(cleaned)].tolist()
    if empty:
        warn(f"site(s) {', '.join(empty[:5])} have no area after repair; their checks are unknown")
    return PreparedSites(out, report, project_facts)


def _prepared_frame(
    normalised: dict[str, np.ndarray], fields: pd.DataFrame, geoms: np.ndarray, crs: CRS
) -> gpd.GeoDataFrame:
    """The prepared columns, the sites' own fields but those, then the geometry; rows 0…n-1."""
    kept = [c for c in fields.columns if c not in SITE_COLUMNS]
    if fields.columns.has_duplicates or {"geometry", *normalised} & set(kept):
        # a field named like a prepared column or "geometry", or twice: as concat does
        attributes = fields.reset_index(drop=True)
        attributes = attributes.drop(columns=[c for c in SITE_COLUMNS if c in attributes.columns])
        columns = pd.concat([pd.DataFrame(normalised), attributes], axis=1)
        return gpd.GeoDataFrame(columns, geometry=geoms, crs=crs)
    # the fields' values copied: the frame's columns are its own (geo_frame does not copy)
    return geo_frame({**normalised, **{c: fields[c].array.copy() for c in kept}}, geoms, crs)


def refuse_non_finite(frame: gpd.GeoDataFrame, what: str, id_field: str | None = None) -> None:
    """Refuse sites with NaN or infinite coordinates, naming each by feature number and id.

    A site's boundary with a missing coordinate has no true shape: repairing
    it would check another shape (a square with one NaN vertex becomes a
    triangle of half its area).

    Raises
    ------
    InputDataError
        Naming the features (feature number, 1-based, and site id) in ``what``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Polygon, box
    >>> broken = Polygon([(0, 0), (100, 0), (100, float("inf")), (0, 100)])
    >>> sites = gpd.GeoDataFrame({"site_id": ["A", "B"]}, geometry=[box(0, 0, 1, 1), broken])
    >>> refuse_non_finite(sites, "plots.gpkg")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: plots.gpkg: site feature 2 (site_id B) has NaN or ...
    """
    bad = np.flatnonzero(non_finite(frame.geometry.values))
    if not len(bad):
        return
    columns = field_names(frame)
    column = id_field if id_field in columns else find_field(columns, ID_FIELDS)
    names = [
        f"{row + 1}" + (f" ({column} {frame[column].iloc[row]})" if column else "")
        for row in bad.tolist()
    ]
    plural = len(bad) > 1
    raise InputDataError(
        f"{what}: site feature{'s' if plural else ''} {name_some(names)} "
        f"{'have' if plural else 'has'} NaN or infinite coordinates, so the boundary has no "
        "true shape to check (it is never repaired into another one); correct those "
        "coordinates in the site file and run again"
    )


def measured_in_own_crs(
    frame: gpd.GeoDataFrame,
    measuring: SiteMeasuring,
    as_declared: list[gpd.GeoSeries] | None = None,
) -> gpd.GeoDataFrame:
    """Sites with ``planar_m2`` measured in each site's own CRS and a ``measuring_crs`` column.

    A site measured in the CRS its file declared, whose geometry was a valid
    polygon as read, is measured on the file's own coordinates: exactly the
    figure its survey states. Other sites measured outside the analysis CRS
    are moved into their measuring CRS.

    Parameters
    ----------
    frame : GeoDataFrame
        Prepared sites (:func:`prepare_sites`) in the analysis CRS.
    measuring : SiteMeasuring
        Each site's measuring CRS (:func:`landcheck.crs.measuring.site_measuring`).
    as_declared : list of GeoSeries, optional
        The sites as read, per source, in the CRS that source declared (one
        row per site, in order).
    """
    if "measuring_crs" in frame:
        out = frame.drop(columns="measuring_crs")
    else:
        out = shallow_copy(frame)
    if not measuring.uniform:
        positions = np.flatnonzero(measuring.elsewhere(np.arange(len(frame))))
        geoms = np.asarray(geometry_values(frame), dtype=object)
        planar = out["planar_m2"].to_numpy(dtype=float).copy()
        planar[positions] = measuring.planar_areas(geoms[positions], positions)
        if as_declared is not None:
            originals = np.concatenate([np.asarray(s.values, dtype=object) for s in as_declared])
            labels = np.concatenate(
                [np.full(len(s), crs_label(s.crs) if s.crs else "") for s in as_declared]
            ).astype(object)
            own = positions[labels[positions] == measuring.labels[positions]]
            mine = originals[own]
            exact = (
                np.isin(shapely.get_type_id(mine), (3, 6))
                & ~shapely.is_empty(mine)
                & shapely.is_valid(mine)
            )
            planar[own[exact]] = shapely.area(mine[exact])
        out["planar_m2"] = planar
    out.insert(
        out.columns.get_loc("ellipsoidal_m2") + 1, "measuring_crs", measuring.labels.astype(str)
    )
    return out
