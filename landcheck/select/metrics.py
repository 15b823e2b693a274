"""What a candidate site takes, read from a :class:`~landcheck.result.CheckResult`.

The comparison, the search and the buildable patches all describe a polygon
by the same numbers, taken from the pre-examination itself (so a candidate's
status and areas are exactly those ``landcheck check`` reports):

- ``<key>_ha``: the dissolved overlap with each hard-constraint layer;
- ``cultivated_ha`` (耕地, net of field ridges), ``paddy_ha`` (水田; NaN where
  part of the 耕地 is coded ``01`` alone, whose kind is not given),
  ``unsplit_cultivated_ha`` (that land), ``paddy_at_most_ha`` (the two together),
  ``conversion_ha`` (农用地, the land to convert, field ridges included),
  ``construction_ha`` and ``unused_ha`` from the land-use layer;
- ``inside_urban_ha`` / ``outside_urban_ha`` and ``urban`` (``inside``,
  ``partly outside``, ``outside``) from the urban development boundary;
- ``nearest_hard_m`` from :func:`nearest_hard`, and ``nearest_hard_unknown`` from
  :func:`undescribed_distances`.

A site wholly on approved construction land takes no cultivated, paddy or conversion
land: its conversion and compensation came with that approval (its checks say
``approved_land``). Areas are in hectares by the run's area method. A layer that could not be
checked gives NaN (and the site's status is ``unknown``), and so does a
land-use layer that does not fully describe the site (a material part of it
not covered, or codes the table does not know: what makes the land-use
checks ``unknown``, :func:`landcheck.rules.core.land_use_gap`): its figures
would count the land it does not describe as taking nothing.

The same holds for the hard layers and the urban boundary: where more than a sliver of
a site lies beyond the area a layer describes (:mod:`landcheck.coverage`: the coverage
polygon, the land-use survey, the layer's extent), the check says ``unknown``
("outside") and the layer's hectares are NaN (:func:`beyond_described`), not the 0 ha
of the part it describes. A site 3 km east of every layer took "0 ha of farmland, 0 ha
of redline" and ranked first. Likewise a distance to the nearest hard constraint is
known only where the layers describe the ground within it around the site: a site near
the edge of the data is not known to lie "> 1000 m" from farmland that may lie just
beyond it (:func:`undescribed_distances`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import shapely

from landcheck.coverage import Coverage, widest_parts
from landcheck.measure import SiteLayer
from landcheck.overlay import nearest_features
from landcheck.polygonal import polygonal_part
from landcheck.profile_parts import AnalysisOptions
from landcheck.result import CheckResult
from landcheck.rules.core import undescribed
from landcheck.rules.land import wholly_approved
from landcheck.select.constraints import LAND_USE_FIGURES, Constraint, LoadedConstraint
from landcheck.units import AreaMethod

__all__ = [
    "beyond_described",
    "describes_site",
    "first_layer_of_kind",
    "nearest_hard",
    "plane_reach",
    "site_metrics",
    "undescribed_distances",
]


def first_layer_of_kind(profile, kind: str) -> str | None:
    """The key of the profile's first layer of a kind, or None."""
    for key, spec in profile.layers.items():
        if spec.kind == kind:
            return key
    return None


def plane_reach(search_m: float, scale: np.ndarray | None = None) -> float:
    """How far to look in the analysis plane for ``search_m`` metres of every geometry's zone.

    ``scale`` (per geometry, its zone's lengths over the analysis CRS's) below 1 makes a
    distance of the zone longer in the plane: 999.5 m at 105°E is 1000.64 m of the plane of
    102°E's zone. Distances found within this reach are scaled, then those beyond
    ``search_m`` dropped.

    Examples
    --------
    >>> plane_reach(1000.0), round(plane_reach(1000.0, np.array([1.0, 0.998860])), 2)
    (1000.0, 1001.14)
    """
    if scale is None or not len(scale):
        return float(search_m)
    return float(search_m) / float(np.min(scale))


def nearest_hard(
    geometries: np.ndarray,
    loaded: Iterable[LoadedConstraint],
    search_m: float,
    scale: np.ndarray | None = None,
) -> pd.DataFrame:
    """Distance from each geometry to the nearest feature of any hard constraint.

    Uses the core's :func:`landcheck.overlay.nearest_features` on each
    constraint's features (not their buffers), within ``search_m``; 0 when a
    geometry touches one. ``scale`` (per geometry, its measuring CRS's lengths
    over the analysis CRS's near it: :attr:`~landcheck.crs.measuring.SiteMeasuring.scale`)
    turns the analysis CRS's distances into the metres of each geometry's own zone, and
    ``search_m`` is metres of that zone too (:func:`plane_reach`).

    Returns
    -------
    pandas.DataFrame
        One row per geometry (by position): ``nearest_hard_m`` (NaN when
        nothing is within ``search_m``), ``nearest_hard_layer`` and
        ``nearest_hard_id``.
    """
    geoms = np.asarray(geometries, dtype=object)
    distance = np.full(len(geoms), np.nan)
    layer = np.full(len(geoms), None, dtype=object)
    feature = np.full(len(geoms), None, dtype=object)
    reach = plane_reach(search_m, scale)
    for item in loaded:
        if not item.available or item.constraint.outside or item.features is None:
            continue
        found = nearest_features(geoms, item.features.geometry.values, reach)
        if found.empty:
            continue
        positions = found.index.to_numpy()
        d = found["distance_m"].to_numpy(dtype=float)
        better = np.isnan(distance[positions]) | (d < distance[positions])
        chosen = positions[better]
        distance[chosen] = d[better]
        layer[chosen] = item.constraint.key
        ids = item.features["_id"].astype(str).to_numpy()
        feature[chosen] = ids[found["feature"].to_numpy(dtype=int)[better]]
    if scale is not None:
        distance = distance * np.asarray(scale, dtype=float)
    beyond = distance > search_m
    distance[beyond], layer[beyond], feature[beyond] = np.nan, None, None
    return pd.DataFrame(
        {
            "nearest_hard_m": distance,
            "nearest_hard_layer": layer,
            "nearest_hard_id": feature,
        }
    )


def undescribed_distances(
    geometries: np.ndarray,
    distances: pd.DataFrame,
    coverage: Coverage | None,
    keys: Iterable[str],
    search_m: float,
    options: AnalysisOptions,
    scale: np.ndarray | None = None,
) -> pd.DataFrame:
    """The distances of :func:`nearest_hard`, those the layers do not describe taken out.

    A geometry's distance ``d`` (``search_m`` when nothing is within it) is known when each
    hard layer describes the ground within ``d`` around it: the part of that band (the
    geometry's round buffer, the geometry left out) beyond the layer's described area
    (:attr:`landcheck.coverage.Coverage.regions`) is nothing or a sliver. Otherwise a
    feature of that layer may lie nearer, where the data says nothing: the distance is
    not known. A geometry touching a constraint (``d`` = 0) is always known.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometries
        The geometries (sites) the distances were measured from, in the analysis CRS.
    distances : pandas.DataFrame
        From :func:`nearest_hard`, by position.
    coverage : Coverage or None
        The check's coverage (:attr:`landcheck.result.CheckResult.coverage`); None: no
        layer's described area is known, nothing is taken out.
    keys : iterable of str
        The hard layers the distances were measured to (those coverage does not apply
        to are left out).
    search_m : float
        The search distance (metres of each geometry's zone).
    options : AnalysisOptions
        The profile's analysis options (the sliver thresholds).
    scale : numpy.ndarray, optional
        Per geometry, its zone's lengths over the analysis CRS's (as for :func:`nearest_hard`).

    Returns
    -------
    pandas.DataFrame
        ``distances`` with ``nearest_hard_unknown`` (the layers whose described area ends
        within the distance, comma-separated; empty when the distance is known), and
        ``nearest_hard_m``, ``nearest_hard_layer``, ``nearest_hard_id`` NaN / None where
        it is not known.
    """
    geoms = np.asarray(geometries, dtype=object)
    out = distances.reset_index(drop=True).copy()
    own = np.ones(len(geoms)) if scale is None else np.asarray(scale, dtype=float)
    found = out["nearest_hard_m"].to_numpy(dtype=float)
    reach = np.where(np.isnan(found), float(search_m), found)
    unknown: list[list[str]] = [[] for _ in range(len(geoms))]
    described = [k for k in keys if coverage is not None and coverage.applies_to(k)]
    regions = coverage.regions if coverage is not None else {}
    for key in described:
        for i in np.flatnonzero(_band_beyond(geoms, reach / own, regions.get(key), own, options)):
            unknown[i].append(key)
    said = [", ".join(names) for names in unknown]
    out["nearest_hard_unknown"] = said
    lost = np.array([bool(s) for s in said], dtype=bool)
    out.loc[lost, "nearest_hard_m"] = np.nan
    out["nearest_hard_layer"] = out["nearest_hard_layer"].astype(object).where(~lost, None)
    out["nearest_hard_id"] = out["nearest_hard_id"].astype(object).where(~lost, None)
    return out


def _band_beyond(
    geoms: np.ndarray,
    reach: np.ndarray,
    region: shapely.Geometry | None,
    own: np.ndarray,
    options: AnalysisOptions,
) -> np.ndarray:
    """Whether more than a sliver of each geometry's band of ``reach`` lies beyond ``region``.

    ``reach`` is in the analysis plane; ``own`` scales its lengths to each geometry's zone
    (the band's area and width are measured there). None for ``region``: nothing is
    described, every band of some reach lies beyond.
    """
    usable = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & (reach > 0.0)
    beyond = np.zeros(len(geoms), dtype=bool)
    rows = np.flatnonzero(usable)
    if region is None or shapely.is_empty(region):
        beyond[rows] = True
        return beyond
    shapely.prepare(region)
    grown_box = shapely.bounds(geoms[rows]) + reach[rows, None] * np.array([-1.0, -1.0, 1.0, 1.0])
    rows = rows[~shapely.contains_properly(region, shapely.box(*grown_box.T))]
    if not len(rows):
        return beyond
    grown = shapely.buffer(geoms[rows], reach[rows])
    parts = polygonal_part(shapely.difference(shapely.difference(grown, region), geoms[rows]))
    area = shapely.area(parts) * own[rows] ** 2
    width = widest_parts(parts) * own[rows]
    beyond[rows] = [
        a > 0.0 and not options.is_sliver(a, w) for a, w in zip(area, width, strict=True)
    ]
    return beyond


def _main_finding(result: CheckResult, site_id: str, status: str) -> str:
    if status == "not_involved":
        return ""
    for finding in result.site_findings(site_id):
        if finding.status == status:
            return f"{finding.check}: {finding.outcome}"
    return ""


def describes_site(view: SiteLayer, options: AnalysisOptions) -> bool:
    """True when a class layer describes the whole site, so its class areas are the site's.

    As :func:`landcheck.rules.core.land_use_gap` decides for the land-use checks: no
    material part of the site uncovered (one at least the sliver area and, when its width
    is measured, the sliver width) and no code the class table does not know.

    Parameters
    ----------
    view : SiteLayer
        The site's view of the layer (available).
    options : AnalysisOptions
        The profile's analysis options (the sliver thresholds).

    Returns
    -------
    bool
    """
    return not undescribed(view, options.is_sliver)


def beyond_described(view: SiteLayer, options: AnalysisOptions) -> bool:
    """True when more than a sliver of the site lies beyond the area the view's layer describes.

    The test by which the check turns an outcome resting on absence into ``unknown``
    (:func:`landcheck.rules.core.outside_gap`): the part of the site outside the
    coverage polygon, the land-use survey or the layer's extent
    (:attr:`~landcheck.measure.SiteLayer.outside`), when it is not a sliver. False for
    a layer coverage does not apply to (``described_by`` None).

    Parameters
    ----------
    view : SiteLayer
        The site's view of the layer.
    options : AnalysisOptions
        The profile's analysis options (the sliver thresholds).

    Returns
    -------
    bool
    """
    outside = view.outside.m2
    return (
        view.described_by is not None
        and outside > 0.0
        and not options.is_sliver(outside, view.outside_width_m)
    )


def _known(view: SiteLayer, options: AnalysisOptions) -> bool:
    """Whether a layer's figures are the site's: available, and describing all of it."""
    return view.available and not beyond_described(view, options)


_APPROVED_NOTHING = ("cultivated", "paddy", "unsplit_cultivated", "paddy_at_most", "conversion")
"""The measures a site wholly on approved construction land takes none of: its conversion and
its cultivated land's compensation came with that approval (its checks say ``approved_land``)."""


def _land_use_figures(
    view: SiteLayer | None, options: AnalysisOptions, method: AreaMethod
) -> dict[str, float]:
    """The ``<name>_ha`` land-use columns of one site; NaN unless the layer describes it."""
    if view is None or not view.available or not describes_site(view, options):
        return {f"{name}_ha": np.nan for name in LAND_USE_FIGURES}
    paddy = view.classes_where("table_code", ("0101",), method).ha
    unsplit = view.classes_where("table_code", ("01",), method).ha
    return {
        "cultivated_ha": view.classes_where("level1", ("01",), method).ha,
        "paddy_ha": paddy if unsplit <= 0.0 else np.nan,
        "unsplit_cultivated_ha": unsplit,
        "paddy_at_most_ha": paddy + unsplit,
        "conversion_ha": view.classes_where("category", ("农用地",), method).ha,
        "construction_ha": view.classes_where("category", ("建设用地",), method).ha,
        "unused_ha": view.classes_where("category", ("未利用地",), method).ha,
    }


def site_metrics(
    result: CheckResult,
    constraints: Iterable[Constraint],
    distances: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per site of a check result: status and what the site takes.

    Parameters
    ----------
    result : CheckResult
        The pre-examination of the sites.
    constraints : iterable of Constraint
        The hard constraints (their overlaps become ``<key>_ha`` columns).
    distances : pandas.DataFrame, optional
        From :func:`nearest_hard`, by site position.

    Returns
    -------
    pandas.DataFrame
        In site order; see the module notes for the columns.
    """
    profile = result.profile
    method = profile.analysis.area_method
    sliver = profile.analysis.sliver_area_m2
    land_use = first_layer_of_kind(profile, "land_use")
    approved_keys = [key for key, spec in profile.layers.items() if spec.kind == "approved_land"]
    urban = first_layer_of_kind(profile, "urban_boundary")
    inside_keys = [c.key for c in constraints if not c.outside]
    rows = []
    for row in result.summary.itertuples(index=False):
        sid = row.site_id
        out: dict[str, object] = {
            "site_id": sid,
            "name": row.name,
            "status": row.status,
            "area_ha": row.ha,
            "main_finding": _main_finding(result, sid, row.status),
        }
        for key in inside_keys:
            view = result.layer(sid, key)
            out[f"{key}_ha"] = view.overlap.ha if _known(view, profile.analysis) else np.nan
        view = result.layer(sid, land_use) if land_use else None
        out.update(_land_use_figures(view, profile.analysis, method))
        approved = [result.layer(sid, key) for key in approved_keys]
        if approved and wholly_approved(approved, profile.analysis.is_sliver):
            out.update({f"{name}_ha": 0.0 for name in _APPROVED_NOTHING})
        view = result.layer(sid, urban) if urban else None
        if view is not None and _known(view, profile.analysis):
            inside, outside = view.overlap, view.uncovered
            out["inside_urban_ha"] = inside.ha
            out["outside_urban_ha"] = outside.ha
            if outside.m2 < sliver:
                out["urban"] = "inside"
            elif inside.m2 < sliver:
                out["urban"] = "outside"
            else:
                out["urban"] = "partly outside"
        else:
            out["inside_urban_ha"] = out["outside_urban_ha"] = np.nan
            out["urban"] = "unknown"
        rows.append(out)
    table = pd.DataFrame(rows)
    areas = [c for c in table.columns if c.endswith("_ha")]
    # differences of equal sums can come out as -1e-12 ha: they are zero
    table[areas] = table[areas].clip(lower=0.0)
    if distances is not None and len(distances) == len(table):
        table = pd.concat([table, distances.reset_index(drop=True)], axis=1)
    else:
        table["nearest_hard_m"] = np.nan
        table["nearest_hard_layer"] = None
        table["nearest_hard_id"] = None
    return table
