"""Resolving inputs: site files and layer sources into frames ready for analysis.

What :func:`landcheck.run.prepare` and :meth:`landcheck.run.Run.read_layer`
build on: read the sites (one or several sources), resolve each profile
layer's source, refuse what cannot be trusted (legacy datums, missing files),
and load a layer's features near some geometries, normalised and in the
analysis CRS.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.coverage import COVERAGE_KINDS
from landcheck.crs import (
    CGCS2000_GEOGRAPHIC,
    crs_label,
    legacy_datum,
)
from landcheck.crs.datum import DatumShift, apply_datum_shift
from landcheck.crs.memo import same_crs
from landcheck.crs.traps import FAR_FROM_LAYERS_M, diagnose_coordinates, far_site_warnings
from landcheck.errors import (
    AnalysisCRSError,
    DataSourceError,
    InputDataError,
    LandcheckError,
    shown,
)
from landcheck.geometry import geometry_values
from landcheck.io import InputRecord, LayerSource, layer_crs, read_features_near, read_sites
from landcheck.io.encoding import choose_encoding
from landcheck.io.postgis import PostGISSource, parse_source, table_crs, table_extent
from landcheck.io.sites import frame_bounds
from landcheck.io.vector import declared_crs, layer_summary, resolve_layer
from landcheck.knownvalid import KnownValid
from landcheck.layers import LayerFeatures, field_mapping, normalise_features, select_near
from landcheck.messages import collecting, deferred, warn
from landcheck.profile import LayerSpec, Profile
from landcheck.review.precedence import strictest_first
from landcheck.sites import refuse_non_finite

__all__ = [
    "EXTRA_LAYER_MARK",
    "LayerInput",
    "coverage_source",
    "declare_layers",
    "known_crs",
    "layer_extent",
    "layer_sources",
    "legacy_read_slack",
    "load_layer",
    "lonlat_bounds",
    "normalise_layer",
    "read_layer_near",
    "read_site_inputs",
    "warn_far_sites",
]

LayerInput = str | os.PathLike | gpd.GeoDataFrame | None
"""A layer source as a caller gives it: ``PATH[:LAYER]``, a PostGIS URL, a GeoDataFrame, or None."""

Source = LayerSource | gpd.GeoDataFrame | None
"""A layer source as a run holds it: a file or a PostGIS table (``LayerSource``), a GeoDataFrame,
or None."""

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


def _refuse_case_twin(
    raw_key: str, key: str, profile: Profile, given: Mapping[str, LayerInput]
) -> None:
    """Refuse a user's own layer key that another key equals but for case.

    The keys name landcheck.gpkg's columns (``<key>_m2``) and tables
    (``context_<key>``), whose names SQLite compares ignoring case: ``+Forest``
    beside the profile's ``forest`` failed writing the report after the whole check.
    """
    folded = key.casefold()
    mine = next((k for k in given if k != key and k.casefold() == folded), None)
    if mine is not None:
        raise InputDataError(
            f"layer key {shown(raw_key)} differs from the layer key {mine!r} given before only "
            "in case; layer keys name the report's tables and columns, where case does not "
            "count: give each layer a name of its own"
        )
    theirs = next((k for k in profile.layers if k.casefold() == folded), None)
    if theirs is not None:
        raise InputDataError(
            f"layer key {shown(raw_key)} differs from the key {theirs!r} of profile "
            f"{profile.name!r} only in case; layer keys name the report's tables and columns, "
            f"where case does not count: give the profile's layer as {theirs}=PATH, or a layer "
            "of your own a name of its own"
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
        (``hazard`` and ``+hazard``), or a user's own key is not a name or
        equals another key but for case (``+Forest`` beside the profile's
        ``forest``, ``+Hazard`` beside ``+hazard``); the message lists the
        profile's keys.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
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
                _refuse_case_twin(raw_key, key, profile, given)
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
    return parse_source(value, encoding=encoding)


def _missing_file(source: Source) -> bool:
    """A file source whose path does not exist (a PostGIS table is checked when read)."""
    return (
        isinstance(source, LayerSource)
        and not isinstance(source, PostGISSource)
        and not os.path.exists(source.path)
    )


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
        if _missing_file(source):
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
    if _missing_file(source):
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
    what: str,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """Read one site source; its notes go into its record and, named, to the run."""
    with collecting() as notes:
        frame, record = _read_source(sites, assume_crs, encoding, datum_shift, area_tolerance)
    if notes.messages:
        record.extra["warnings"] = list(notes.messages)
    where = f"{record.path}: " if record.path else f"{what}: "
    for message in notes.messages:
        warn(where + message)
    if record.extra.get("crs_replaced"):
        warn(
            f"the {what} file {record.path}: {record.extra['crs_replaced']}; taken to be "
            f"{crs_label(assume_crs)} (--crs)"
        )
    if record.extra.get("crs_assumed"):
        warn(
            f"the {what} file {record.path} declares no CRS; taken to be "
            f"{crs_label(assume_crs)} (--crs)"
        )
    return frame, record


def _read_source(
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
            warn(note["message"])
        return sites, record
    source = LayerSource.parse(sites, encoding=encoding)
    frame, record = read_sites(
        source, assume_crs=assume_crs, datum_shift=datum_shift, area_tolerance=area_tolerance
    )
    frame, note = apply_datum_shift(frame, datum_shift, f"the site file {source}")
    if note is not None:
        record.extra["datum_shift"] = {k: v for k, v in note.items() if k != "message"}
        warn(
            f"coordinates transformed from {note['source_crs']} to {note['target_crs']} by "
            f"{note['method']}"
        )
    return frame, record


def read_site_inputs(
    sites: Any,
    assume_crs: CRS | None,
    encoding: str | None,
    datum_shift: DatumShift | None = None,
    *,
    id_field: str | None = None,
    what: str = "sites",
    area_tolerance: float = 0.01,
) -> tuple[gpd.GeoDataFrame, list[InputRecord], list[gpd.GeoSeries]]:
    """Read one or several site sources into one frame (in the first source's CRS).

    Each source in Xian 1980 / Beijing 1954 / New Beijing is shifted to CGCS2000 with
    ``datum_shift`` before the sources are joined (never by PROJ's ballpark).
    A source with NaN or infinite coordinates is refused, naming the features.
    What the reading of a source has to say is kept in its record
    (``extra["warnings"]``) and said, with the file's name, to the run.
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
        (:mod:`landcheck.crs.measuring`), on its file's coordinates when it can be.
    """
    many = sites if isinstance(sites, (list, tuple)) else [sites]
    if not many:
        raise InputDataError("no site file given; give at least one")
    frames, records = zip(
        *(
            _read_one_sites(s, assume_crs, encoding, datum_shift, area_tolerance, what)
            for s in many
        ),
        strict=True,
    )
    for frame, record in zip(frames, records, strict=True):
        refuse_non_finite(frame, record.path or "the site GeoDataFrame", id_field)
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


def known_crs(source: Source) -> CRS | None:
    """The CRS a source declares, or None (missing, unreadable or undeclared)."""
    if isinstance(source, gpd.GeoDataFrame):
        return source.crs
    if isinstance(source, LayerSource):
        try:
            return table_crs(source) if isinstance(source, PostGISSource) else layer_crs(source)
        except LandcheckError:
            return None
    return None


def load_layer(
    spec: LayerSpec,
    source: LayerSource | gpd.GeoDataFrame,
    near: gpd.GeoSeries,
    crs: CRS,
    *,
    margin: float = 1.0,
    datum_shift: DatumShift | None = None,
    assume_crs: CRS | None = None,
) -> LayerFeatures:
    """Read a layer's features within ``margin`` metres of ``near`` and normalise them.

    :func:`read_layer_near` then :func:`normalise_layer`. What the read has
    to say (a CRS assumed, a datum shift, repaired geometries…) is said with
    :func:`landcheck.messages.warn` once the layer is loaded; a layer that
    cannot be used says nothing but its error.

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
        Moves a Xian 1980 / Beijing 1954 / New Beijing layer to CGCS2000; without it such a
        layer is refused.
    assume_crs : CRS, optional
        CRS of a layer file that declares none (``--crs``).

    Raises
    ------
    DataSourceError, InputDataError
        The layer cannot be read or used (its checks are then unknown).
    """
    with deferred():
        frame, record = read_layer_near(
            spec, source, near, crs, margin=margin, datum_shift=datum_shift, assume_crs=assume_crs
        )
        return normalise_layer(frame, spec, source, record, near, crs, margin=margin)


def read_layer_near(
    spec: LayerSpec,
    source: LayerSource | gpd.GeoDataFrame,
    near: gpd.GeoSeries,
    crs: CRS,
    *,
    margin: float = 1.0,
    datum_shift: DatumShift | None = None,
    assume_crs: CRS | None = None,
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    """A layer's features within ``margin`` metres of ``near``, as read: the first half of a load.

    The features keep their fields and the layer's CRS (CGCS2000 after a
    datum shift); a CRS assumed and a datum shift are said with
    :func:`landcheck.messages.warn`. Parameters and errors as
    :func:`load_layer`.
    """
    # the read filter reaches a legacy layer through PROJ's ballpark shift: widen it, then
    # keep what lies within ``margin`` once the layer is really shifted
    if isinstance(source, gpd.GeoDataFrame):
        source = _layer_frame_crs(source, spec.key, assume_crs)
        frame = select_near(source, near, margin + legacy_read_slack(source, datum_shift))
        record = InputRecord(
            role="layer", key=spec.key, crs=crs_label(source.crs), features_read=len(frame)
        )
    else:
        frame, record = read_features_near(
            source,
            near.values,
            crs,
            key=spec.key,
            margin=margin + legacy_read_slack(source, datum_shift),
            columns=lambda fields: list(field_mapping(spec, fields).values()),
            assume_crs=assume_crs,
        )
        # every read gives a frame of its own, most in feature id order already: sorting
        # those would only copy them (~1 ms a layer in a cold one-site check)
        if not frame.index.is_monotonic_increasing:
            frame = frame.sort_index()
    if record.extra.get("crs_assumed"):
        warn(f"layer {spec.key!r} declares no CRS; taken to be {crs_label(assume_crs)} (--crs)")
    frame, shift_note = apply_datum_shift(frame, datum_shift, f"layer {spec.key!r}")
    if shift_note is not None:
        warn(shift_note["message"])
        if len(frame):
            frame = select_near(frame, near, margin)
            record.features_read = len(frame)
        record.extra["datum_shift"] = {k: v for k, v in shift_note.items() if k != "message"}
    return frame, record


def legacy_read_slack(source: Source, datum_shift: DatumShift | None) -> float:
    """Metres to widen the read filter of a source a datum shift will move, else 0.

    A filter in the analysis CRS reaches a Xian 1980 / Beijing 1954 / New Beijing source
    through PROJ's ballpark null shift, tens of metres (70–140 m) off where the
    real shift puts its features: such a source is read that much wider (when
    parameters are given; without them it is refused anyway), and what lies
    within the margin is kept once it is shifted. The CRS is asked only then: a
    PostGIS table's costs a connection and its catalog, ~20 ms.
    """
    if datum_shift is None:
        return 0.0
    declared = known_crs(source)
    if declared is None or legacy_datum(declared) is None:
        return 0.0
    return _LEGACY_READ_SLACK_M


def _layer_frame_crs(
    source: gpd.GeoDataFrame, key: str, assume_crs: CRS | None
) -> gpd.GeoDataFrame:
    """A layer GeoDataFrame whose CRS fits its coordinates, as a layer file's is checked.

    A frame without a CRS is taken to be in ``assume_crs`` (said), else refused; a
    CRS its coordinates do not fit (latitude first, eastings without their zone
    prefix, metres labelled degrees) is refused, so the layer's checks are unknown
    and the reason is said, instead of the layer meeting no site.
    """
    what = f"layer {key!r}: the GeoDataFrame"
    if source.crs is None:
        if assume_crs is None:
            raise AnalysisCRSError(f"{what} has no CRS; set one with .set_crs(...) or pass crs=")
        source = source.set_crs(assume_crs)
        warn(f"{what} declares no CRS; taken to be {crs_label(assume_crs)} (crs=)")
    problem = diagnose_coordinates(source.crs, frame_bounds(source))
    if problem is not None:
        raise AnalysisCRSError(f"{what}: {problem}")
    return source


def normalise_layer(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    source: LayerSource | gpd.GeoDataFrame,
    record: InputRecord,
    near: gpd.GeoSeries,
    crs: CRS,
    *,
    margin: float = 1.0,
    known_valid: KnownValid | None = None,
    per_site: bool = False,
) -> LayerFeatures:
    """The features of a read, normalised for use near ``near``: the second half of a load.

    Geometry is repaired where it is used (``margin`` + 10 m around the box of each
    geometry of ``near``); ``known_valid`` holds the geometries a run's earlier
    normalisation of the same read found valid (not tested again). With
    ``per_site``, a layer of areas whose features near ``near`` are lines or
    points is not refused: ``LayerFeatures.without_area`` lists them by the
    position in ``near`` of the geometries whose box (grown as above) they meet.
    ``record`` is completed (geometry report, classification decision, the
    encoding chosen). What was repaired or decided is said with
    :func:`landcheck.messages.warn`.
    """
    grow = margin + 10.0  # the box around each site where features are cut or measured
    windows = shapely.bounds(np.asarray(near.values, dtype=object))
    windows += np.array([-grow, -grow, grow, grow])
    finite = np.isfinite(windows).all(axis=1)
    layer = normalise_features(
        frame, spec, crs, record, near=windows[finite], known_valid=known_valid, per_site=per_site
    )
    if layer.without_area:  # by the position of the window: by the position in ``near``
        at = np.flatnonzero(finite)
        layer.without_area = {int(at[row]): ids for row, ids in layer.without_area.items()}
    table = layer.classification.code_table if layer.classification is not None else None
    order = strictest_first(spec.kind, layer.features, table)
    if order is not None:  # nested or overlapping zones: where they overlap, the strict one's
        layer.features = layer.features.iloc[order].reset_index(drop=True)
    if isinstance(source, LayerSource) and not isinstance(source, PostGISSource):
        choice = choose_encoding(source.path, source.encoding, record.layer)
        if choice.source not in ("driver", "format") or "ignored" in choice.note:
            record.extra.update(choice.to_dict())
    return layer


_LEGACY_READ_SLACK_M = 500.0
"""Extra read margin for a legacy-datum layer (its datum shift is tens of metres, the
ellipsoid change a few metres more)."""


def layer_extent(
    source: Source, crs: CRS, *, exact: bool = True
) -> tuple[float, float, float, float] | None:
    """A source's extent in ``crs`` (densified box), or None when it cannot be had.

    Without ``exact``, a PostGIS table's is the planner's estimate
    (:func:`~landcheck.io.postgis.table_extent`); a file's is the one it records.
    """
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None or source.empty:
            return None
        bounds, native = tuple(source.total_bounds), source.crs
    elif isinstance(source, PostGISSource):
        try:
            found = table_extent(source, exact=exact)
        except LandcheckError:
            return None
        if found is None:
            return None
        bounds, native = found
    elif isinstance(source, LayerSource):
        try:
            info = layer_summary(source, resolve_layer(source, "layer"))
        except LandcheckError:
            return None
        native = declared_crs(info)
        if native is None or info.get("total_bounds") is None:
            return None
        bounds = tuple(info["total_bounds"])
    else:
        return None
    if not np.all(np.isfinite(bounds)):
        return None
    if same_crs(native, crs):  # the box's bounds are the bounds
        x0, y0, x1, y1 = bounds
        return float(x0), float(y0), float(x1), float(y1)
    box = gpd.GeoSeries([shapely.box(*bounds)], crs=native)
    box = box.segmentize(max(bounds[2] - bounds[0], bounds[3] - bounds[1]) / 20 or 1.0)
    x0, y0, x1, y1 = box.to_crs(crs).total_bounds
    return float(x0), float(y0), float(x1), float(y1)


def warn_far_sites(
    profile: Profile,
    sources: Mapping[str, Source],
    sites: gpd.GeoDataFrame,
    crs: CRS,
    *,
    distance: float = FAR_FROM_LAYERS_M,
) -> None:
    """Warn about sites far (> ``distance`` m) from the extent of every full-coverage layer.

    Full-coverage layers are those of kind ``land_use`` and ``planning_zone``
    with a source. A site far outside all of them almost always has wrong
    coordinates (X/Y swapped, a missing zone prefix, a wrong CRS); see
    :func:`landcheck.crs.traps.far_site_warnings`.

    A PostGIS table's extent is first the planner's estimate; only when a site
    seems far from them all are the exact extents asked for (a scan of each
    table) and the sites judged again, so no site is said to be far on an
    estimate. Statistics older than a deletion of many rows can still hold a
    site to be near that is not (``ANALYZE`` the table after such a change).
    Other sources' extents are exact at once: they are judged once.
    """
    keys = [
        k
        for k, s in profile.layers.items()
        if s.kind in COVERAGE_KINDS and sources.get(k) is not None
    ]
    geometries = np.asarray(geometry_values(sites), dtype=object)
    site_ids = sites["site_id"].astype(str).tolist()
    estimated = any(isinstance(sources[k], PostGISSource) for k in keys)
    messages: list[str] = []
    for exact in (False, True) if estimated else (True,):
        extents = {}
        for key in keys:
            extent = layer_extent(sources[key], crs, exact=exact)
            if extent is not None:
                extents[key] = extent
        if not extents:
            return
        messages = far_site_warnings(geometries, site_ids, extents, distance=distance)
        if not messages:
            return
    for message in messages:
        warn(message)
