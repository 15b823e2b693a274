"""Resolving inputs: site files and layer sources into frames ready for analysis.

Shared by :func:`landcheck.check` and the site-selection tools: read the
sites (one or several sources), resolve each profile layer's source, refuse
what cannot be trusted (legacy datums, missing files), and load a layer's
features near some geometries, normalised and in the analysis CRS.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.coverage import COVERAGE_KINDS
from landcheck.crs import (
    CGCS2000_GEOGRAPHIC,
    cgcs2000_counterpart,
    choose_analysis_crs,
    crs_label,
    legacy_datum,
    parse_crs,
)
from landcheck.datum import DatumShift, apply_datum_shift, legacy_refusal
from landcheck.errors import (
    AnalysisCRSError,
    DataSourceError,
    InputDataError,
    LandcheckError,
    shown,
)
from landcheck.facts import given_facts
from landcheck.geometry import name_some
from landcheck.io import InputRecord, LayerSource, layer_crs, read_features_near, read_sites
from landcheck.io.encoding import choose_encoding
from landcheck.io.profiles import resolve_profile
from landcheck.io.sites import frame_bounds
from landcheck.io.traps import FAR_FROM_LAYERS_M, diagnose_coordinates, far_site_warnings
from landcheck.io.vector import read_layer_info, resolve_layer
from landcheck.layers import NormalisedLayer, field_mapping, normalise_features, select_near
from landcheck.measuring import SiteMeasuring, site_measuring
from landcheck.profile import LayerSpec, Profile
from landcheck.sites import PreparedSites, measured_in_own_crs, prepare_sites, refuse_non_finite

__all__ = [
    "EXTRA_LAYER_MARK",
    "LayerInput",
    "LoadedLayer",
    "PreparedRun",
    "coverage_source",
    "coverage_warnings",
    "declare_layers",
    "known_crs",
    "layer_extent",
    "layer_sources",
    "load_layer",
    "lonlat_bounds",
    "prepare_run",
    "read_site_inputs",
    "refuse_legacy",
    "refuse_mixed_legacy",
]

LayerInput = str | os.PathLike | gpd.GeoDataFrame | None
"""A layer source: ``PATH[:LAYER]``, a GeoDataFrame, or None (no source)."""

Source = LayerSource | gpd.GeoDataFrame | None

EXTRA_LAYER_MARK = "+"
"""Marks a layer of the user's own, one the profile does not define: ``+hazard``."""


def _unknown_key(profile: Profile, key: str) -> InputDataError:
    known = ", ".join(profile.layers)
    close = difflib.get_close_matches(key, list(profile.layers), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    mine = key if key.isidentifier() else "KEY"
    return InputDataError(
        f"unknown layer key {shown(key)}{hint}; the layers of profile {profile.name!r} are: "
        f"{known}. To add a layer of your own, mark its key with {EXTRA_LAYER_MARK}: "
        f"--layer {EXTRA_LAYER_MARK}{mine}=PATH (in Python: "
        f"layers={{'{EXTRA_LAYER_MARK}{mine}': ...}})"
    )


def declare_layers(
    profile: Profile, layers: Mapping[str, LayerInput] | None
) -> tuple[Profile, dict[str, LayerInput]]:
    """Check the layers given for a run against the profile's layer keys.

    A key the profile defines sets that layer's source (``farmland``). A key
    marked with :data:`EXTRA_LAYER_MARK` (``+hazard``) adds a layer of the
    user's own, of kind ``generic``: its overlaps are measured and reported,
    without rules (on a key the profile defines, the mark changes nothing).
    Any other key is refused, so a typo (``farmlnd``) cannot leave a profile
    layer without its source.

    Parameters
    ----------
    profile : Profile
        The run's profile.
    layers : mapping or None
        Layer key → ``"PATH[:LAYER]"``, path, GeoDataFrame or None.

    Returns
    -------
    profile : Profile
        The profile with the user's own layers added.
    given : dict
        Layer key (without the mark) → source.

    Raises
    ------
    InputDataError
        ``layers`` is not such a mapping, a key is unknown or given twice
        (``hazard`` and ``+hazard``), or a user's own key is not a name; the
        message lists the profile's keys.

    Examples
    --------
    >>> from landcheck.profile import load_profile
    >>> profile, given = declare_layers(load_profile(), {"farmland": "a.shp", "+hazard": "h.shp"})
    >>> given, profile.layers["hazard"].kind
    ({'farmland': 'a.shp', 'hazard': 'h.shp'}, 'generic')
    >>> declare_layers(load_profile(), {"farmlnd": "a.shp"})
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: unknown layer key 'farmlnd' (did you mean 'farmland'?); ...
    """
    if layers is None:
        return profile, {}
    if not isinstance(layers, Mapping):
        raise InputDataError(
            "layers: expected a mapping of layer key → source, e.g. {'farmland': "
            f"'yjjbnt.shp'}}, got {type(layers).__name__} {shown(layers)}"
        )
    given: dict[str, LayerInput] = {}
    extra: list[str] = []
    for raw_key, value in layers.items():
        if not isinstance(raw_key, str):
            raise InputDataError(f"layers: a layer key is a text, got {shown(raw_key)}")
        if value is not None and not isinstance(value, (str, os.PathLike, gpd.GeoDataFrame)):
            raise InputDataError(
                f"layers[{shown(raw_key)}]: expected a path, 'PATH:LAYER', a GeoDataFrame or "
                f"None, got {type(value).__name__} {shown(value)}"
            )
        key = raw_key.strip()
        if key.startswith(EXTRA_LAYER_MARK):
            key = key[len(EXTRA_LAYER_MARK) :].strip()
            if key not in profile.layers:
                if not key.isidentifier():
                    raise InputDataError(
                        f"layer key {shown(raw_key)}: a layer of your own needs a name of "
                        "letters, digits and _ (not starting with a digit), e.g. +hazard"
                    )
                extra.append(key)
        elif key not in profile.layers:
            raise _unknown_key(profile, key)
        if key in given:
            raise InputDataError(f"layer key {key!r} is given twice; give each layer once")
        given[key] = value
    if extra:
        profile = profile.with_sources(dict.fromkeys(extra))
    return profile, given


def _as_layer_source(value: LayerInput, encoding: str | None) -> Source:
    if value is None or isinstance(value, gpd.GeoDataFrame):
        return value
    return LayerSource.parse(value, encoding=encoding)


def layer_sources(
    profile: Profile, layers: Mapping[str, LayerInput] | None, encoding: str | None
) -> dict[str, Source]:
    """Resolve every layer's source: given ones override the profile's.

    ``layers`` holds keys of the profile only (:func:`declare_layers` adds
    the user's own layers to the profile first).

    Raises
    ------
    InputDataError
        A key the profile does not know.
    DataSourceError
        A source names a file that does not exist (a typo is an error, not
        an unknown finding).
    """
    given = dict(layers or {})
    for key in given:
        if key not in profile.layers:
            raise _unknown_key(profile, key)
    sources: dict[str, Source] = {}
    for key, spec in profile.layers.items():
        value = given.get(key, spec.source)
        sources[key] = _as_layer_source(value, encoding)
    for key, source in sources.items():
        if isinstance(source, LayerSource) and not os.path.exists(source.path):
            raise DataSourceError(
                f"layer {key!r}: no such file {source.path!r}; check the path given with "
                f"--layer {key}=PATH (a layer inside a file is written PATH:LAYER)"
            )
    return sources


def coverage_source(profile: Profile, given: LayerInput, encoding: str | None) -> Source:
    """The source of the coverage polygon: the one given, else the profile's, else None.

    Raises
    ------
    DataSourceError
        It names a file that does not exist.
    """
    value = given if given is not None else (profile.coverage.source if profile.coverage else None)
    source = _as_layer_source(value, encoding)
    if isinstance(source, LayerSource) and not os.path.exists(source.path):
        raise DataSourceError(
            f"coverage: no such file {source.path!r}; check the path of the polygons of the "
            "area the layers describe (coverage.source in the profile, or --coverage)"
        )
    return source


def _read_one_sites(
    sites: Any,
    assume_crs: CRS | None,
    encoding: str | None,
    datum_shift: DatumShift | None,
    area_tolerance: float,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    if isinstance(sites, gpd.GeoDataFrame):
        if sites.crs is None:
            if assume_crs is None:
                raise AnalysisCRSError(
                    "the site GeoDataFrame has no CRS; set one with .set_crs(...) or pass crs="
                )
            sites = sites.set_crs(assume_crs)
        problem = diagnose_coordinates(sites.crs, frame_bounds(sites))
        if problem is not None:
            raise AnalysisCRSError(f"the site GeoDataFrame: {problem}")
        record = InputRecord(
            role="sites", key="sites", crs=crs_label(sites.crs), features_read=len(sites)
        )
        sites, note = apply_datum_shift(sites, datum_shift, "the site GeoDataFrame")
        if note is not None:
            record.extra["datum_shift"] = {k: v for k, v in note.items() if k != "message"}
            record.extra["warnings"] = [note["message"]]
        return sites, record
    return read_sites(
        LayerSource.parse(sites, encoding=encoding),
        assume_crs=assume_crs,
        datum_shift=datum_shift,
        area_tolerance=area_tolerance,
    )


def read_site_inputs(
    sites: Any,
    assume_crs: CRS | None,
    encoding: str | None,
    datum_shift: DatumShift | None = None,
    *,
    id_field: str | None = None,
    area_tolerance: float = 0.01,
) -> tuple[gpd.GeoDataFrame, list[InputRecord], list[gpd.GeoSeries]]:
    """Read one or several site sources into one frame (in the first source's CRS).

    Each source in Xian 1980 / Beijing 1954 is shifted to CGCS2000 with
    ``datum_shift`` before the sources are joined (never by PROJ's ballpark).
    A source with NaN or infinite coordinates is refused, naming the features.
    ``area_tolerance`` is the share by which a boundary TXT's declared plot
    area may differ from the computed one before a warning (the profile's
    ``analysis.declared_area_tolerance``).

    Returns
    -------
    sites : GeoDataFrame
        Every site, in the CRS of the first source.
    records : list of InputRecord
        Provenance of each source.
    as_declared : list of GeoSeries
        Per source, its sites as read, in the CRS it declared (after a datum
        shift): a site's planar area is measured in its own zone
        (:mod:`landcheck.measuring`), on its file's coordinates when it can be.
    """
    many = sites if isinstance(sites, (list, tuple)) else [sites]
    if not many:
        raise InputDataError("no site file given; give at least one")
    frames, records = zip(
        *(_read_one_sites(s, assume_crs, encoding, datum_shift, area_tolerance) for s in many),
        strict=True,
    )
    for frame, record in zip(frames, records, strict=True):
        refuse_non_finite(frame, record.path or "the site GeoDataFrame", id_field)
        if frame.crs is not None:
            refuse_legacy(frame.crs, "the site file")
    as_declared = [frame.geometry for frame in frames]
    if len(frames) == 1:
        return frames[0], list(records), as_declared
    base = frames[0].crs
    joined = pd.concat(
        [f if f.crs.equals(base) else f.to_crs(base) for f in frames], ignore_index=True
    )
    frame = gpd.GeoDataFrame(joined, geometry=joined.geometry.name, crs=base)
    return frame, list(records), as_declared


def lonlat_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of the non-empty geometries, in CGCS2000 degrees."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    usable = frame[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if usable.empty:
        raise InputDataError("the sites have no geometry; check the site file")
    west, south, east, north = usable.to_crs(CGCS2000_GEOGRAPHIC).total_bounds
    return float(west), float(south), float(east), float(north)


def refuse_legacy(crs: CRS, what: str) -> None:
    """Refuse Xian 1980 / Beijing 1954 data: PROJ could only guess its shift.

    Data read with a datum shift (``datum_shift=``, ``--datum-shift``) is
    already in CGCS2000 when it gets here.
    """
    if legacy_datum(crs) is not None:
        raise legacy_refusal(crs, what)


def refuse_mixed_legacy(
    site_records: list[InputRecord], layer_crss: list[CRS], datum_shift: DatumShift | None
) -> None:
    """Refuse one datum shift for inputs in both Xian 1980 and Beijing 1954.

    Their parameters differ, so one set of 7 cannot serve both.
    """
    if datum_shift is None:
        return
    found = {legacy_datum(c) for c in layer_crss} - {None}
    for record in site_records:
        shifted = record.extra.get("datum_shift")
        if shifted:
            found.add(legacy_datum(CRS.from_user_input(shifted["source_crs"])))
    found.discard(None)
    if len(found) > 1:
        raise AnalysisCRSError(
            f"the inputs are in {' and '.join(sorted(str(d) for d in found))}: one --datum-shift "
            "cannot serve both datums (their parameters differ); transform the inputs of one "
            "datum to CGCS2000 first"
        )


def known_crs(source: Source) -> CRS | None:
    """The CRS a source declares, or None (missing, unreadable or undeclared)."""
    if isinstance(source, gpd.GeoDataFrame):
        return source.crs
    if isinstance(source, LayerSource):
        try:
            return layer_crs(source)
        except LandcheckError:
            return None
    return None


@dataclass
class LoadedLayer:
    """A layer's features near some geometries, normalised, with provenance."""

    layer: NormalisedLayer
    record: InputRecord
    warnings: list[str] = field(default_factory=list)


def load_layer(
    spec: LayerSpec,
    source: LayerSource | gpd.GeoDataFrame,
    near: gpd.GeoSeries,
    crs: CRS,
    *,
    margin: float = 1.0,
    datum_shift: DatumShift | None = None,
    assume_crs: CRS | None = None,
) -> LoadedLayer:
    """Read a layer's features within ``margin`` metres of ``near`` and normalise them.

    Parameters
    ----------
    spec : LayerSpec
        The layer's profile entry (fields, kind).
    source : LayerSource or GeoDataFrame
        Where the features are.
    near : GeoSeries
        Geometries in the analysis CRS (sites, an area of interest).
    crs : CRS
        The analysis CRS.
    margin : float
        Also read features up to this distance away (metres, ≥ 1).
    datum_shift : DatumShift, optional
        Moves a Xian 1980 / Beijing 1954 layer to CGCS2000; without it such a
        layer is refused.
    assume_crs : CRS, optional
        CRS of a layer file that declares none (``--crs``).

    Raises
    ------
    DataSourceError, InputDataError
        The layer cannot be read or used (its checks are then unknown).
    """
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None:
            raise AnalysisCRSError(f"layer {spec.key!r}: the GeoDataFrame has no CRS")
        frame = select_near(source, near.buffer(margin, join_style="mitre"))
        record = InputRecord(
            role="layer", key=spec.key, crs=crs_label(source.crs), features_read=len(frame)
        )
    else:
        declared = known_crs(source)
        legacy = declared is not None and legacy_datum(declared) is not None
        # the read filter reaches a legacy layer through PROJ's ballpark shift: widen it,
        # then keep what lies within ``margin`` once the layer is really shifted
        slack = _LEGACY_READ_SLACK_M if legacy and datum_shift is not None else 0.0
        frame, record = read_features_near(
            source,
            near.values,
            crs,
            key=spec.key,
            margin=margin + slack,
            columns=lambda fields: list(field_mapping(spec, fields).values()),
            assume_crs=assume_crs,
        )
        frame = frame.sort_index()
    shift_note = None
    if frame.crs is not None and legacy_datum(frame.crs) is not None:
        if datum_shift is None:
            refuse_legacy(frame.crs, f"layer {spec.key!r}")
        frame, shift_note = apply_datum_shift(frame, datum_shift, f"layer {spec.key!r}")
        if isinstance(source, LayerSource) and len(frame):
            frame = select_near(frame, near.to_crs(frame.crs).buffer(margin, join_style="mitre"))
        record.extra["datum_shift"] = {
            k: v for k, v in (shift_note or {}).items() if k != "message"
        }
    grow = margin + 10.0  # the box around the sites where features are cut or measured
    xmin, ymin, xmax, ymax = near.total_bounds
    layer = normalise_features(
        frame, spec, crs, near=(xmin - grow, ymin - grow, xmax + grow, ymax + grow)
    )
    record.geometry = layer.geometry_report.to_dict()
    if layer.classification is not None:
        record.extra["classification"] = layer.classification.to_dict()
    warnings = list(layer.warnings)
    note = layer.geometry_report.describe(f"layer {spec.key!r}")
    if note:
        warnings.insert(0, note)
    if shift_note is not None:
        warnings.insert(0, shift_note["message"])
    if record.extra.get("crs_assumed"):
        warnings.insert(
            0, f"layer {spec.key!r} declares no CRS; taken to be {crs_label(assume_crs)} (--crs)"
        )
    if isinstance(source, LayerSource):
        choice = choose_encoding(source.path, source.encoding, record.layer)
        if choice.source not in ("driver", "format") or "ignored" in choice.note:
            record.extra.update(choice.to_dict())
    return LoadedLayer(layer, record, warnings)


_LEGACY_READ_SLACK_M = 500.0
"""Extra read margin for a legacy-datum layer (its datum shift is tens of metres, the
ellipsoid change a few metres more)."""


def layer_extent(source: Source, crs: CRS) -> tuple[float, float, float, float] | None:
    """A source's extent in ``crs`` (densified box), or None when it cannot be had."""
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None or source.empty:
            return None
        bounds, native = tuple(source.total_bounds), source.crs
    elif isinstance(source, LayerSource):
        try:
            info = read_layer_info(source, resolve_layer(source, "layer"))
        except LandcheckError:
            return None
        if not info.get("crs") or info.get("total_bounds") is None:
            return None
        bounds, native = tuple(info["total_bounds"]), CRS.from_user_input(info["crs"])
    else:
        return None
    if not np.all(np.isfinite(bounds)):
        return None
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=native)
    if not native.equals(crs):
        box = box.segmentize(max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 20 or 1.0)
        box = box.to_crs(crs)
    x0, y0, x1, y1 = box.total_bounds
    return float(x0), float(y0), float(x1), float(y1)


def coverage_warnings(
    profile: Profile,
    sources: Mapping[str, Source],
    sites: gpd.GeoDataFrame,
    crs: CRS,
    *,
    distance: float = FAR_FROM_LAYERS_M,
) -> list[str]:
    """Warn about sites far (> ``distance`` m) from the extent of every full-coverage layer.

    Full-coverage layers are those of kind ``land_use`` and ``planning_zone``
    with a source. A site far outside all of them almost always has wrong
    coordinates (X/Y swapped, a missing zone prefix, a wrong CRS); see
    :func:`landcheck.io.traps.far_site_warnings`.
    """
    extents = {}
    for key, spec in profile.layers.items():
        if spec.kind in COVERAGE_KINDS and sources.get(key) is not None:
            extent = layer_extent(sources[key], crs)
            if extent is not None:
                extents[key] = extent
    if not extents:
        return []
    return far_site_warnings(
        np.asarray(sites.geometry.values, dtype=object),
        sites["site_id"].astype(str).tolist(),
        extents,
        distance=distance,
    )


@dataclass
class PreparedRun:
    """A run's inputs once read: the profile, layer sources, analysis CRS and sites.

    Attributes
    ----------
    profile : Profile
        The profile with the run's analysis options and every layer key
        (the user's own ``+KEY`` layers added as generic layers).
    sources : dict
        Layer key → resolved source (LayerSource, GeoDataFrame or None).
    crs : CRS
        The analysis CRS; ``crs_reason`` says why it was chosen.
    sites : PreparedSites
        The input polygons as sites in the analysis CRS.
    records : list of InputRecord
        Provenance of the input polygons.
    warnings : list of str
        Notes from reading and preparing them.
    assume_crs : CRS or None
        The CRS given for inputs that declare none (``--crs``).
    datum_shift : DatumShift or None
        Parameters moving Xian 1980 / Beijing 1954 inputs to CGCS2000.
    measuring : SiteMeasuring or None
        The CRS each site's planar areas are measured in (its own zone).
    """

    profile: Profile
    sources: dict[str, Source]
    crs: CRS
    crs_reason: str
    sites: PreparedSites
    records: list[InputRecord]
    warnings: list[str]
    assume_crs: CRS | None = None
    datum_shift: DatumShift | None = None
    measuring: SiteMeasuring | None = None


def _record_warnings(records: list[InputRecord], assume_crs: CRS | None, what: str) -> list[str]:
    warnings: list[str] = []
    for record in records:
        where = f"{record.path}: " if record.path else f"{what}: "
        warnings.extend(where + w for w in record.extra.get("warnings", ()))
        if record.extra.get("crs_replaced"):
            warnings.append(
                f"the {what} file {record.path}: {record.extra['crs_replaced']}; taken to be "
                f"{crs_label(assume_crs)} (--crs)"
            )
        if record.extra.get("crs_assumed"):
            warnings.append(
                f"the {what} file {record.path} declares no CRS; taken to be "
                f"{crs_label(assume_crs)} (--crs)"
            )
    return warnings


def _measuring_warnings(sites: gpd.GeoDataFrame, measuring: SiteMeasuring) -> list[str]:
    """One sentence when some sites' planar areas are measured outside the analysis CRS."""
    if measuring.uniform:
        return []
    ids = sites["site_id"].astype(str).to_numpy()
    parts = []
    for label, crs in measuring.others.items():
        mine = ids[measuring.labels == label]
        parts.append(f"{label} ({crs.name}): {name_some(mine)}")
    return [
        "sites lie in different map zones, so each site's planar areas (site, overlaps, "
        "classes) are measured in its own zone, not in the analysis CRS "
        f"{crs_label(measuring.analysis)}: " + "; ".join(parts)
    ]


def prepare_run(
    polygons: Any,
    *,
    profile: str | os.PathLike[str] | Profile,
    layers: Mapping[str, LayerInput] | None,
    crs: Any = None,
    area_method: str | None = None,
    encoding: str | None = None,
    datum_shift: DatumShift | str | None = None,
    id_field: str | None = None,
    width: float | None = None,
    what: str = "sites",
    facts: Mapping[str, Any] | None = None,
) -> PreparedRun:
    """Read the input polygons, resolve the layers and choose the analysis CRS.

    The start :func:`landcheck.check` and the site-selection tools share: the
    profile with the run's options, the input polygons read (refusing legacy
    datums without shift parameters), every layer's source, the analysis CRS,
    and the polygons prepared as sites in it.

    Parameters
    ----------
    polygons : path, ``"PATH:LAYER"``, GeoDataFrame or a list of them
        The sites (or the area of interest, candidates…).
    profile, layers, crs, area_method, encoding, datum_shift, id_field, width
        As for :func:`landcheck.check`.
    what : str
        What the polygons are, for messages.
    facts : mapping, optional
        Project facts for every site that does not declare them
        (:func:`landcheck.facts.given_facts` checks them).

    Returns
    -------
    PreparedRun

    Raises
    ------
    DataSourceError, AnalysisCRSError, InputDataError, ProfileError
        As :func:`landcheck.check` raises them.
    """
    resolved, given = declare_layers(resolve_profile(profile), layers)
    given_project = given_facts(facts, resolved)
    changes: dict[str, Any] = {}
    if crs is not None:
        changes["crs"] = crs.to_wkt() if isinstance(crs, CRS) else str(crs)
    if area_method is not None:
        changes["area_method"] = area_method
    if changes:
        resolved = resolved.with_analysis(**changes)
    assume_crs = None
    if resolved.analysis.crs.lower() != "auto":
        assume_crs = parse_crs(resolved.analysis.crs, what="--crs")
    shift = None if datum_shift is None else DatumShift.parse(datum_shift)
    tolerance = resolved.analysis.declared_area_tolerance
    raw, records, as_declared = read_site_inputs(
        polygons, assume_crs, encoding, shift, id_field=id_field, area_tolerance=tolerance
    )
    if raw.empty:
        named = ", ".join(r.path or f"the {what} GeoDataFrame" for r in records)
        verb = "has" if len(records) == 1 else "have"
        raise InputDataError(
            f"no {what}: {named} {verb} no features; check the file and layer "
            "(landcheck inspect FILE lists a file's layers and their feature counts)"
        )
    warnings = _record_warnings(records, assume_crs, what)
    refuse_legacy(raw.crs, f"the {what} file")
    sources = layer_sources(resolved, given, encoding)
    declared = [c for c in map(known_crs, sources.values()) if c is not None]
    refuse_mixed_legacy(records, declared, shift)
    analysis_crs, reason = choose_analysis_crs(
        assume_crs or "auto",
        sites_crs=raw.crs,
        sites_lonlat_bounds=lambda: lonlat_bounds(raw),
        layer_crss=[cgcs2000_counterpart(c) or c for c in declared],
    )
    prepared = prepare_sites(
        raw, analysis_crs, resolved, id_field=id_field, width=width, facts=given_project
    )
    measuring = site_measuring(
        analysis_crs,
        prepared.frame.geometry.values,
        [series.crs for series in as_declared for _ in range(len(series))],
    )
    prepared.frame = measured_in_own_crs(prepared.frame, measuring, as_declared)
    warnings.extend(prepared.warnings)
    warnings.extend(_measuring_warnings(prepared.frame, measuring))
    records[0].geometry = prepared.geometry_report.to_dict()
    note = prepared.geometry_report.describe(what)
    if note:
        warnings.append(note)
    return PreparedRun(
        profile=resolved,
        sources=sources,
        crs=analysis_crs,
        crs_reason=reason,
        sites=prepared,
        records=records,
        warnings=warnings,
        assume_crs=assume_crs,
        datum_shift=shift,
        measuring=measuring,
    )
