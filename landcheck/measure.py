"""Aggregate overlay pieces into per-site totals, classes and administrative units.

Input is a :class:`~landcheck.overlay.LayerOverlay` whose counted pieces are
disjoint within each site, so every aggregate here is a plain sum. For the
land-use layer each piece is split by its deduction coefficient (KCXS):
``land class area = area × (1 − KCXS)`` and ``田坎 = area × KCXS``; the field
ridges of all parcels are reported under code 1203 and also per class they
were deducted from. Where the layer carries the official parcel area (TBMJ),
each piece also gets its proportional share of it (``survey_m2``), as
practitioners allocate it (domain.md §4.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import shapely

from landcheck.classify import CodeTable
from landcheck.geometry import polygonal_part
from landcheck.overlay import LayerOverlay
from landcheck.profile import LayerSpec
from landcheck.units import Area, AreaMethod

__all__ = ["TIANKAN_CODE", "LayerMeasure", "SiteLayer", "measure_layer", "unavailable_layer"]

TIANKAN_CODE = "1203"
"""三调 code of field ridges (田坎), the class KCXS deductions go to."""

_CLASS_SUMS = [
    "planar_m2",
    "ellipsoidal_m2",
    "survey_m2",
    "tiankan_planar_m2",
    "tiankan_ellipsoidal_m2",
    "tiankan_survey_m2",
]


@dataclass
class SiteLayer:
    """What one layer means for one site: the view rules and reports read.

    Attributes
    ----------
    key, kind : str
        The layer key and kind.
    available : bool
        False when the layer has no usable source (then ``reason`` says why).
    overlap : Area
        The layer's dissolved overlap with the site (overlaps within the
        layer counted once).
    share : float
        ``overlap`` as a fraction of the site's area (driving method).
    max_width_m : float
        Largest mean width (2·area/perimeter) among the overlap's pieces.
    classes : pandas.DataFrame
        Per class code (index): ``name``, areas, field-ridge deductions and
        the code table's columns (``category``, ``level1``, ``conformity``…).
        Empty for layers without a code field.
    uncovered : Area
        Site area the layer does not cover (site − overlap).
    admin : pandas.DataFrame
        Per administrative unit code (index): ``name`` and areas.
    features : pandas.DataFrame
        The per-feature pieces: ``feature_id`` and their areas.
    has_classes : bool
        True when the layer has a class code field.
    unresolved_codes : list of str
        Codes not found in the layer's code table.
    uncovered_width_m : float
        Largest mean width (2·area/perimeter) among the parts of the
        uncovered rest, when it is small enough to be a sliver (else 0).
    search_m : float
        How far around the site features were looked for (0: not at all).
    nearest_m, nearest_id : float and str, or None
        Distance to the nearest feature within ``search_m`` (0 when the site
        touches one) and its id; None when there is none within reach.
    """

    key: str
    kind: str
    available: bool = True
    reason: str = ""
    overlap: Area = field(default_factory=lambda: Area(0.0, 0.0))
    share: float = 0.0
    max_width_m: float = 0.0
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)
    uncovered: Area = field(default_factory=lambda: Area(0.0, 0.0))
    admin: pd.DataFrame = field(default_factory=pd.DataFrame)
    features: pd.DataFrame = field(default_factory=pd.DataFrame)
    has_classes: bool = False
    unresolved_codes: list[str] = field(default_factory=list)
    search_m: float = 0.0
    nearest_m: float | None = None
    nearest_id: str | None = None
    uncovered_width_m: float = 0.0
    _arrays: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def _class_column(self, column: str, dtype: Any) -> np.ndarray:
        """A column of :attr:`classes` as numpy, converted once (pandas access is slow)."""
        array = self._arrays.get(column)
        if array is None:
            series = self.classes[column]
            array = (series.to_numpy(dtype=object, na_value=None) if dtype is object
                     else series.to_numpy(dtype=dtype))
            self._arrays[column] = array
        return array

    def classes_where(
        self, column: str, values: tuple[str, ...], method: AreaMethod, *, ridges: bool = False
    ) -> Area:
        """Sum the classes whose ``column`` is one of ``values``.

        With ``ridges=True`` sum the field ridges (田坎) deducted from those
        classes instead of their net areas.
        """
        prefix = "tiankan_" if ridges else ""
        columns = [f"{prefix}planar_m2", f"{prefix}ellipsoidal_m2"]
        frame = self.classes
        if frame.empty or column not in frame.columns or columns[0] not in frame.columns:
            return Area(0.0, 0.0, method)
        # plain numpy: pandas indexing costs a millisecond a call, and rules call this
        # several times per site (the sums are the same as pandas' skipna sums)
        keys = self._class_column(column, object)
        mask = np.fromiter((key in values for key in keys), dtype=bool, count=len(keys))
        return Area(
            _sum(self._class_column(columns[0], float), mask),
            _sum(self._class_column(columns[1], float), mask),
            method,
        )

    def width_where(self, column: str, values: tuple[str, ...]) -> float:
        """Largest piece width (2·area/perimeter) among the classes whose ``column`` is in ``values``."""
        frame = self.classes
        if frame.empty or column not in frame.columns or "max_width_m" not in frame.columns:
            return 0.0
        widths = frame.loc[frame[column].isin(values), "max_width_m"]
        return float(widths.max()) if len(widths) else 0.0

    def class_area(self, mask: pd.Series | np.ndarray, method: AreaMethod) -> Area:
        """Sum the net areas of the classes selected by a boolean mask."""
        if self.classes.empty:
            return Area(0.0, 0.0, method)
        mask = np.asarray(mask, dtype=bool)
        return Area(
            _sum(self._class_column("planar_m2", float), mask),
            _sum(self._class_column("ellipsoidal_m2", float), mask),
            method,
        )


def _sum(values: np.ndarray, mask: np.ndarray) -> float:
    """``series[mask].sum()`` (NaN skipped, as pandas does) without pandas' per-call cost."""
    chosen = values[mask]
    return float(np.where(np.isnan(chosen), 0.0, chosen).sum())


def unavailable_layer(key: str, kind: str, reason: str, site_area: Area) -> SiteLayer:
    """A layer that could not be checked: nothing is known inside the site."""
    return SiteLayer(
        key=key, kind=kind, available=False, reason=reason,
        overlap=Area(0.0, 0.0, site_area.method), uncovered=site_area,
    )


@dataclass
class LayerMeasure:
    """Aggregates of one layer for all sites; :meth:`site` gives one site's view."""

    spec: LayerSpec
    method: AreaMethod
    totals: pd.DataFrame
    classes: pd.DataFrame
    admin: pd.DataFrame
    features: pd.DataFrame
    has_classes: bool
    unresolved: dict[int, list[str]]
    nearest: pd.DataFrame = field(default_factory=pd.DataFrame)
    search_m: float = 0.0
    uncovered_widths: dict[int, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._classes = _split_by_site(self.classes, "code")
        self._admin = _split_by_site(self.admin, "admin_code")
        self._features = _split_by_site(self.features, None)

    def site(self, position: int, site_area: Area) -> SiteLayer:
        """The view of this layer for the site at ``position``."""
        method = self.method
        if position in self.totals.index:
            row = self.totals.loc[position]
            overlap = Area(float(row["planar_m2"]), float(row["ellipsoidal_m2"]), method)
            max_width = float(row["max_width_m"])
        else:
            overlap, max_width = Area(0.0, 0.0, method), 0.0
        uncovered = Area(
            _nonnegative(site_area.planar_m2 - overlap.planar_m2),
            _nonnegative(site_area.ellipsoidal_m2 - overlap.ellipsoidal_m2),
            method,
        )
        return SiteLayer(
            key=self.spec.key,
            kind=self.spec.kind,
            overlap=overlap,
            share=overlap.m2 / site_area.m2 if site_area.m2 > 0 else 0.0,
            max_width_m=max_width,
            classes=self._classes.get(position, _EMPTY),
            uncovered=uncovered,
            admin=self._admin.get(position, _EMPTY),
            features=self._features.get(position, _EMPTY),
            has_classes=self.has_classes,
            unresolved_codes=self.unresolved.get(position, []),
            search_m=self.search_m,
            uncovered_width_m=self.uncovered_widths.get(position, 0.0),
            nearest_m=(
                float(self.nearest.at[position, "distance_m"])
                if position in self.nearest.index else None
            ),
            nearest_id=(
                str(self.nearest.at[position, "feature_id"])
                if position in self.nearest.index else None
            ),
        )


def _nonnegative(value: float) -> float:
    """Differences of equal sums can come out as −1e-9; they are zero."""
    return 0.0 if value < 0.0 and value > -1e-6 else value


_EMPTY = pd.DataFrame()


def _split_by_site(frame: pd.DataFrame, index: str | None) -> dict[int, pd.DataFrame]:
    """One frame per site position, indexed by ``index`` (or 0..n)."""
    if frame.empty:
        return {}
    # one drop/set_index and a slice per site: per-group pandas calls cost ~0.1 ms each
    sites = frame["site"].to_numpy()
    order = np.argsort(sites, kind="stable")
    body = frame.drop(columns="site")
    if index:
        body = body.set_index(index)
    body = body.iloc[order]
    sites = sites[order]
    starts = np.flatnonzero(np.r_[True, sites[1:] != sites[:-1]])
    stops = np.r_[starts[1:], len(sites)]
    out = {}
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        rows = body.iloc[start:stop]
        out[int(sites[start])] = rows if index else rows.reset_index(drop=True)
    return out


def _split_deduction(pieces: pd.DataFrame) -> pd.DataFrame:
    """Split each piece into land-class area and field ridges by its deduction coefficient."""
    out = pd.DataFrame({"site": pieces["site"].to_numpy(), "code": pieces["_code"].to_numpy()})
    deduction = pieces["_deduction"].to_numpy(dtype=float) if "_deduction" in pieces else None
    if deduction is None:
        deduction = np.zeros(len(pieces))
    deduction = np.nan_to_num(deduction, nan=0.0)
    survey = np.full(len(pieces), np.nan)
    if "_survey_area" in pieces and "_feature_m2" in pieces:
        whole = pieces["_feature_m2"].to_numpy(dtype=float)
        survey = np.divide(
            pieces["_survey_area"].to_numpy(dtype=float) * pieces["counted_planar_m2"].to_numpy(),
            whole, out=np.full(len(pieces), np.nan), where=whole > 0,
        )
    for name, gross in (
        ("planar_m2", pieces["counted_planar_m2"].to_numpy()),
        ("ellipsoidal_m2", pieces["counted_ellipsoidal_m2"].to_numpy()),
        ("survey_m2", survey),
    ):
        tiankan = gross * deduction
        out[name] = gross - tiankan
        out[f"tiankan_{name}"] = tiankan
    out["name"] = pieces["_name"].to_numpy() if "_name" in pieces else ""
    out["width_m"] = pieces["width_m"].to_numpy()
    return out


def _class_table(pieces: pd.DataFrame, table: CodeTable | None,
                 with_tiankan: bool) -> tuple[pd.DataFrame, dict[int, list[str]]]:
    split = _split_deduction(pieces)
    rows = [split]
    if with_tiankan:
        ridges = split[split["tiankan_planar_m2"] > 0]
        rows.append(pd.DataFrame({
            "site": ridges["site"].to_numpy(),
            "code": TIANKAN_CODE,
            "name": "田坎",
            "width_m": ridges["width_m"].to_numpy(),
            **{c: ridges[f"tiankan_{c}"].to_numpy() for c in ("planar_m2", "ellipsoidal_m2", "survey_m2")},
            **{f"tiankan_{c}": 0.0 for c in ("planar_m2", "ellipsoidal_m2", "survey_m2")},
        }))
    grouped = pd.concat(rows, ignore_index=True).groupby(["site", "code"], sort=True)
    sums = _CLASS_SUMS if with_tiankan else _CLASS_SUMS[:3]
    classes = grouped[sums].sum(min_count=1)
    classes["name"] = grouped["name"].first()
    classes["max_width_m"] = grouped["width_m"].max()
    classes = classes.reset_index()
    unresolved: dict[int, list[str]] = {}
    if table is not None:
        resolved = table.resolve_many(classes["code"])
        classes["table_code"] = resolved
        for column in table.frame.columns:
            values = table.frame[column]
            classes[column if column != "name" else "table_name"] = (
                resolved.map(values).astype("string").fillna("")
            )
        missing = classes[resolved.isna()]
        for site, group in missing.groupby("site"):
            unresolved[int(site)] = sorted(group["code"].astype(str).unique())
        exact = classes["code"] == classes["table_code"]
        classes["name"] = np.where(
            exact | (classes["name"].astype("string").fillna("") == ""),
            classes["table_name"].where(classes["table_name"] != "", classes["name"]),
            classes["name"],
        )
        classes = classes.drop(columns="table_name")
    classes["code"] = classes["code"].astype(str)
    return classes, unresolved


def measure_layer(
    overlay: LayerOverlay,
    spec: LayerSpec,
    method: AreaMethod,
    *,
    table: CodeTable | None = None,
    has_codes: bool = False,
    nearest: pd.DataFrame | None = None,
    search_m: float = 0.0,
    site_geoms: np.ndarray | None = None,
) -> LayerMeasure:
    """Aggregate a layer's pieces per site, per class and per administrative unit.

    Parameters
    ----------
    overlay : LayerOverlay
        Pieces with the normalised attribute columns of
        :func:`landcheck.layers.normalise_features` the layer has.
    spec : LayerSpec
        The layer's profile entry.
    method : AreaMethod
        The area that drives findings.
    table : CodeTable, optional
        Code table to resolve class codes with.
    has_codes : bool
        True when the layer has a class code field (a class layer).
    nearest : pandas.DataFrame, optional
        Per site position: ``feature_id`` and ``distance_m`` of the nearest
        feature within ``search_m``.
    search_m : float
        The search distance used for ``nearest``.
    site_geoms : numpy.ndarray, optional
        The site geometries, to measure how thin a small uncovered rest is
        (a strip outside the urban boundary, a gap in the land-use layer).
    """
    pieces = pd.DataFrame(overlay.pieces.drop(columns="geometry"))
    totals = pieces.groupby("site").agg(
        planar_m2=("counted_planar_m2", "sum"),
        ellipsoidal_m2=("counted_ellipsoidal_m2", "sum"),
        max_width_m=("width_m", "max"),
    )
    classes = pd.DataFrame()
    unresolved: dict[int, list[str]] = {}
    if has_codes and len(pieces):
        classes, unresolved = _class_table(
            pieces, table, with_tiankan=spec.kind == "land_use" and "_deduction" in pieces
        )
    admin = pd.DataFrame()
    if "_admin_code" in pieces or "_admin" in pieces:
        key = "_admin_code" if "_admin_code" in pieces else "_admin"
        names = pieces["_admin"] if "_admin" in pieces else pieces[key]
        admin = (
            pieces.assign(admin_code=pieces[key].astype(str), name=names.astype(str))
            .groupby(["site", "admin_code"], sort=True)
            .agg(name=("name", "first"), planar_m2=("counted_planar_m2", "sum"),
                 ellipsoidal_m2=("counted_ellipsoidal_m2", "sum"))
            .reset_index()
        )
    features = pd.DataFrame({
        "site": pieces["site"].to_numpy(),
        "feature_id": pieces["_id"].astype(str).to_numpy() if "_id" in pieces else pieces["feature"].astype(str).to_numpy(),
        "planar_m2": pieces["planar_m2"].to_numpy(),
        "ellipsoidal_m2": pieces["ellipsoidal_m2"].to_numpy(),
    })
    widths = {} if site_geoms is None else uncovered_widths(site_geoms, overlay, totals)
    return LayerMeasure(
        spec=spec, method=method, totals=totals, classes=classes, admin=admin,
        features=features, has_classes=has_codes, unresolved=unresolved,
        nearest=nearest if nearest is not None else pd.DataFrame(), search_m=search_m,
        uncovered_widths=widths,
    )


THIN_AREA_LIMIT_M2 = 10_000.0
"""Uncovered rests larger than this are never thin slivers (0.1 m wide would be 100 km long)."""


def _mean_width(geometry: shapely.Geometry) -> float:
    """Largest 2·area/perimeter among a geometry's polygons (0 when empty)."""
    parts = shapely.get_parts(geometry)
    if not len(parts):
        return 0.0
    perimeter = shapely.length(parts)
    area = shapely.area(parts)
    return float(np.max(np.divide(2.0 * area, perimeter, out=np.zeros_like(area),
                                  where=perimeter > 0)))


def uncovered_widths(
    site_geoms: np.ndarray, overlay: LayerOverlay, totals: pd.DataFrame
) -> dict[int, float]:
    """Mean width of the small uncovered rest of each site (site − counted pieces).

    Only rests between 1e-6 m² and :data:`THIN_AREA_LIMIT_M2` are measured:
    smaller ones are nothing, larger ones cannot be slivers.
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    covered = totals["planar_m2"].reindex(range(len(site_geoms)), fill_value=0.0).to_numpy()
    rest = shapely.area(site_geoms) - covered
    wanted = np.flatnonzero((rest > 1e-6) & (rest < THIN_AREA_LIMIT_M2))
    if not len(wanted):
        return {}
    pieces = overlay.pieces
    by_site = pieces.groupby("site").indices if len(pieces) else {}
    out = {}
    for position in wanted.tolist():
        mine = by_site.get(position)
        cover = (
            shapely.union_all(pieces.geometry.values[mine]) if mine is not None
            else shapely.Polygon()
        )
        remainder = polygonal_part([shapely.difference(site_geoms[position], cover)])[0]
        out[position] = _mean_width(remainder)
    return out
