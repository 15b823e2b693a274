"""Resolving inputs: site files and layer sources into frames ready for analysis.

Shared by :func:`landcheck.check` and the site-selection tools: read the
sites (one or several sources), resolve each profile layer's source, refuse
what cannot be trusted (legacy datums, missing files), and load a layer's
features near some geometries, normalised and in the analysis CRS.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.crs import CGCS2000_GEOGRAPHIC, crs_label, legacy_datum
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError, LandcheckError
from landcheck.io import InputRecord, LayerSource, layer_crs, read_features_near, read_sites
from landcheck.layers import NormalisedLayer, field_mapping, normalise_features, select_near
from landcheck.profile import LayerSpec, Profile

__all__ = [
    "LayerInput",
    "LoadedLayer",
    "known_crs",
    "layer_sources",
    "load_layer",
    "lonlat_bounds",
    "read_site_inputs",
    "refuse_legacy",
]

LayerInput = Union[str, os.PathLike, gpd.GeoDataFrame, None]
"""A layer source: ``PATH[:LAYER]``, a GeoDataFrame, or None (no source)."""

Source = Union[LayerSource, gpd.GeoDataFrame, None]


def _as_layer_source(value: LayerInput, encoding: str | None) -> Source:
    if value is None or isinstance(value, gpd.GeoDataFrame):
        return value
    return LayerSource.parse(value, encoding=encoding)


def layer_sources(
    profile: Profile, layers: Mapping[str, LayerInput] | None, encoding: str | None
) -> dict[str, Source]:
    """Resolve every layer's source: given ones override the profile's.

    Keys the profile does not know are kept (they become generic layers).

    Raises
    ------
    DataSourceError
        A source names a file that does not exist (a typo is an error, not
        an unknown finding).
    """
    given = dict(layers or {})
    sources: dict[str, Source] = {}
    for key, spec in profile.layers.items():
        value = given.pop(key, spec.source)
        sources[key] = _as_layer_source(value, encoding)
    for key, value in given.items():
        sources[key] = _as_layer_source(value, encoding)
    for key, source in sources.items():
        if isinstance(source, LayerSource) and not os.path.exists(source.path):
            raise DataSourceError(
                f"layer {key!r}: no such file {source.path!r}; check the path given with "
                f"--layer {key}=PATH (a layer inside a file is written PATH:LAYER)"
            )
    return sources


def _read_one_sites(
    sites: Any, assume_crs: CRS | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, InputRecord]:
    if isinstance(sites, gpd.GeoDataFrame):
        if sites.crs is None:
            if assume_crs is None:
                raise AnalysisCRSError(
                    "the site GeoDataFrame has no CRS; set one with .set_crs(...) or pass crs="
                )
            sites = sites.set_crs(assume_crs)
        record = InputRecord(role="sites", key="sites", crs=crs_label(sites.crs),
                             features_read=len(sites))
        return sites, record
    return read_sites(LayerSource.parse(sites, encoding=encoding), assume_crs=assume_crs)


def read_site_inputs(
    sites: Any, assume_crs: CRS | None, encoding: str | None
) -> tuple[gpd.GeoDataFrame, list[InputRecord]]:
    """Read one or several site sources into one frame (in the first source's CRS)."""
    many = sites if isinstance(sites, (list, tuple)) else [sites]
    if not many:
        raise InputDataError("no site file given; give at least one")
    frames, records = zip(*(_read_one_sites(s, assume_crs, encoding) for s in many))
    if len(frames) == 1:
        return frames[0], list(records)
    base = frames[0].crs
    joined = pd.concat(
        [f if f.crs.equals(base) else f.to_crs(base) for f in frames], ignore_index=True
    )
    return gpd.GeoDataFrame(joined, geometry=joined.geometry.name, crs=base), list(records)


def lonlat_bounds(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of the non-empty geometries, in CGCS2000 degrees."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    usable = frame[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if usable.empty:
        raise InputDataError("the sites have no geometry; check the site file")
    west, south, east, north = usable.to_crs(CGCS2000_GEOGRAPHIC).total_bounds
    return float(west), float(south), float(east), float(north)


def refuse_legacy(crs: CRS, what: str) -> None:
    """Refuse Xian 1980 / Beijing 1954 data: PROJ could only guess its shift."""
    datum = legacy_datum(crs)
    if datum is not None:
        raise AnalysisCRSError(
            f"{what} is in {datum} ({crs_label(crs)}). PROJ has no real transformation from "
            "it to CGCS2000 (only a 'ballpark' null shift), so landcheck will not guess: "
            "transform it to CGCS2000 with the 7 parameters your surveying authority "
            "publishes, then run again"
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

    Raises
    ------
    DataSourceError, InputDataError
        The layer cannot be read or used (its checks are then unknown).
    """
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None:
            raise AnalysisCRSError(f"layer {spec.key!r}: the GeoDataFrame has no CRS")
        frame = select_near(source, near.buffer(margin, join_style="mitre"))
        record = InputRecord(role="layer", key=spec.key, crs=crs_label(source.crs),
                             features_read=len(frame))
    else:
        frame, record = read_features_near(
            source, near.values, crs, key=spec.key, margin=margin,
            columns=lambda fields: list(field_mapping(spec, fields).values()),
        )
        frame = frame.sort_index()
    if frame.crs is not None:
        refuse_legacy(frame.crs, f"layer {spec.key!r}")
    layer = normalise_features(frame, spec, crs)
    record.geometry = layer.geometry_report.to_dict()
    warnings = list(layer.warnings)
    note = layer.geometry_report.describe(f"layer {spec.key!r}")
    if note:
        warnings.insert(0, note)
    return LoadedLayer(layer, record, warnings)
