"""The start every site-selection tool shares with :func:`landcheck.check`.

Resolve the profile and the layer sources, read the input polygons (an area
of interest, candidate sites, a site), choose the analysis CRS the same way
the check does, and bring the polygons into it. Reading goes through
:mod:`landcheck.inputs`; nothing here writes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs import crs_label
from landcheck.datum import DatumShift, apply_datum_shift
from landcheck.errors import AnalysisCRSError, InputDataError
from landcheck.inputs import LayerInput, prepare_run
from landcheck.io import InputRecord, read_features_near
from landcheck.io.postgis import parse_source
from landcheck.profile import Profile
from landcheck.units import AreaMethod

__all__ = ["PolygonInput", "SelectionContext", "load_lines", "prepare_context"]

PolygonInput = Any
"""Polygons given to a selection tool: path, ``"PATH:LAYER"``, GeoDataFrame or a list of them."""


@dataclass
class SelectionContext:
    """Everything a selection tool needs before its own geometry work.

    Attributes
    ----------
    profile : Profile
        The profile with the run's analysis options and every layer key
        (user layers added as generic layers).
    layers : dict
        The layer sources as the caller gave them (passed on to
        :func:`landcheck.check`, which resolves them the same way).
    sources : dict
        Layer key → resolved source (LayerSource, GeoDataFrame or None).
    crs : CRS
        The analysis CRS; ``crs_reason`` says why it was chosen.
    frame : GeoDataFrame
        The input polygons prepared as sites (``site_id``, ``name``,
        ``project_class``, ``linear``, areas) in the analysis CRS.
    records : list of InputRecord
        Provenance of the input polygons.
    warnings : list of str
        Notes from reading and preparing them.
    encoding : str or None
        Attribute encoding of input files.
    datum_shift : DatumShift or None
        Parameters moving Xian 1980 / Beijing 1954 inputs to CGCS2000.
    """

    profile: Profile
    layers: dict[str, LayerInput]
    sources: dict[str, Any]
    crs: CRS
    crs_reason: str
    frame: gpd.GeoDataFrame
    records: list[InputRecord]
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    datum_shift: DatumShift | None = None

    @property
    def method(self) -> AreaMethod:
        """The area method that drives thresholds and findings."""
        return self.profile.analysis.area_method

    def union(self) -> shapely.Geometry:
        """The union of the input polygons (the area of interest)."""
        geoms = np.asarray(self.frame.geometry.values, dtype=object)
        geoms = geoms[~shapely.is_empty(geoms)]
        if not len(geoms):
            raise InputDataError("the area of interest has no polygon with an area")
        return shapely.union_all(geoms)

    def project_class(self, value: str | None) -> str | None:
        """Resolve a project class (key or name) for the polygons a tool makes.

        Raises
        ------
        InputDataError
            The profile does not know the class.
        """
        if value is None:
            return None
        key = self.profile.resolve_project_class(value)
        if key is None:
            raise InputDataError(
                f"unknown project class {value!r}; use one of: "
                + ", ".join(self.profile.project_classes)
            )
        return key

    def sites_frame(
        self, ids: list[str], geoms: Any, project_class: str | None
    ) -> gpd.GeoDataFrame:
        """Polygons as a site frame for :func:`landcheck.check` (id, project class)."""
        data: dict[str, Any] = {"site_id": list(ids)}
        if project_class is not None:
            data["project_class"] = [project_class] * len(data["site_id"])
        return gpd.GeoDataFrame(data, geometry=list(geoms), crs=self.crs)

    def check_kwargs(self) -> dict[str, Any]:
        """Keyword arguments that make :func:`landcheck.check` see the same run."""
        return {
            "profile": self.profile,
            "layers": self.layers,
            "crs": self.crs,
            "encoding": self.encoding,
            "datum_shift": self.datum_shift,
        }


def prepare_context(
    polygons: PolygonInput,
    *,
    profile: str | os.PathLike[str] | Profile,
    layers: Mapping[str, LayerInput] | None,
    crs: Any,
    area_method: str | None,
    encoding: str | None,
    id_field: str | None = None,
    width: float | None = None,
    what: str = "sites",
    datum_shift: DatumShift | str | None = None,
) -> SelectionContext:
    """Read the input polygons and choose the analysis CRS, as :func:`landcheck.check` does.

    Parameters
    ----------
    polygons : path, ``"PATH:LAYER"``, GeoDataFrame or list of them
        The area of interest, candidate sites or site to work on.
    profile, layers, crs, area_method, encoding, id_field, width, datum_shift
        As for :func:`landcheck.check`.
    what : str
        What the polygons are, for messages.

    Raises
    ------
    DataSourceError, AnalysisCRSError, InputDataError, ProfileError
        As :func:`landcheck.check` raises them.
    """
    run = prepare_run(
        polygons,
        profile=profile,
        layers=layers,
        crs=crs,
        area_method=area_method,
        encoding=encoding,
        datum_shift=datum_shift,
        id_field=id_field,
        width=width,
        what=what,
    )
    return SelectionContext(
        profile=run.profile,
        layers=dict(layers or {}),
        sources=run.sources,
        crs=run.crs,
        crs_reason=run.crs_reason,
        frame=run.sites.frame,
        records=run.records,
        warnings=run.warnings,
        encoding=encoding,
        datum_shift=run.datum_shift,
    )


def load_lines(
    source: LayerInput,
    near: shapely.Geometry,
    crs: CRS,
    *,
    margin: float,
    encoding: str | None = None,
    key: str = "roads",
    datum_shift: DatumShift | None = None,
) -> tuple[np.ndarray, list[InputRecord]]:
    """Read a line (or any) layer near a geometry, in the analysis CRS.

    Used for roads, which :func:`landcheck.inputs.load_layer` would drop as
    non-polygonal. Returns the non-empty geometries and the read's record.

    Raises
    ------
    DataSourceError, AnalysisCRSError
        The layer cannot be read or has no CRS.
    """
    if isinstance(source, gpd.GeoDataFrame):
        if source.crs is None:
            raise AnalysisCRSError(f"layer {key!r}: the GeoDataFrame has no CRS; set one")
        frame = source if source.crs.equals(crs) else source.to_crs(crs)
        record = InputRecord(
            role="layer", key=key, crs=crs_label(source.crs), features_read=len(frame)
        )
    else:
        layer_source = parse_source(source, encoding=encoding)
        frame, record = read_features_near(layer_source, [near], crs, key=key, margin=margin)
        frame, _ = apply_datum_shift(frame, datum_shift, f"layer {key!r}")
        frame = frame.to_crs(crs) if frame.crs is not None and not frame.crs.equals(crs) else frame
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
