"""A layer's features: map its fields to roles and normalise what was read.

A layer's profile entry lists, for each role (id, code, name, deduction…),
the field names to look for; the first one present wins (case-insensitive).
:func:`normalise_features` turns raw features into the columns the overlay
and measures read: ``_id``, ``_code``, ``_name``, ``_admin_code``, ``_admin``,
``_deduction``, ``_survey`` and ``_feature_m2`` (the whole feature's planar
area, to share the official area among pieces).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.classify import CodeTable
from landcheck.classify.decide import ClassificationDecision, classify_layer
from landcheck.classify.readings import (
    codes_from_numbers,
    merged_codes_note,
    restore_lost_zeros,
)
from landcheck.crs.memo import same_crs
from landcheck.crs.transform import distance_in, outlines_in
from landcheck.errors import InputDataError
from landcheck.geometry import (
    LOCAL_CHECK_ABOVE,
    GeometryReport,
    clean_polygons,
    column_array,
    field_names,
    geo_frame,
    geometry_values,
    kept_unmeasured,
    name_some,
    near_positions,
    non_finite,
)
from landcheck.io.records import InputRecord
from landcheck.knownvalid import KnownValid
from landcheck.messages import warn
from landcheck.profile import POINT_KINDS, LayerSpec
from landcheck.sites import find_field
from landcheck.text import field_texts, fields_set_apart, object_array, only_str

__all__ = [
    "REVIEW_COLUMNS",
    "LayerFeatures",
    "clean_points",
    "cultivated_mask",
    "field_mapping",
    "normalise_features",
    "refuse_areas_without_area",
    "refuse_non_finite_features",
    "select_near",
    "without_area_reason",
]

_ROLE_COLUMNS = {
    "id": "_id",
    "code": "_code",
    "name": "_name",
    "admin_code": "_admin_code",
    "admin": "_admin",
    "deduction": "_deduction",
    "survey_area": "_survey_area",
    "ownership": "_ownership",
    "grade": "_grade",
    # the rest of the review (landcheck.review)
    "zone": "_zone",
    "level": "_level",
    "flag": "_flag",
    "type": "_type",
    "mineral": "_mineral",
    "holder": "_holder",
    "status": "_status",
}

_MADE_COLUMNS = (*_ROLE_COLUMNS.values(), "_feature_m2")
"""The columns landcheck makes of a layer's fields: a field of one of these names is set apart."""

REVIEW_COLUMNS = (
    "_grade",
    "_zone",
    "_level",
    "_flag",
    "_type",
    "_mineral",
    "_holder",
    "_status",
)
"""Normalised attribute columns the review checks sum areas by (:mod:`landcheck.review`)."""


@dataclass
class LayerFeatures:
    """A layer's features read near the sites and normalised, with the read's provenance.

    The third stage of a layer: its spec (:class:`~landcheck.profile.LayerSpec`)
    says what it is, its source (:class:`~landcheck.io.LayerSource`) where it
    is; these are its features, which :func:`landcheck.measure.measure_layer`
    turns into each site's view.

    Attributes
    ----------
    features : GeoDataFrame
        Usable polygons in the analysis CRS, in layer order: the role columns
        (``_id``, ``_code``, ``_name``, …, ``_feature_m2``) and the layer's own fields.
    mapping : dict
        Role → the layer's field read for it.
    geometry_report : GeometryReport
        What was repaired or dropped.
    record : InputRecord
        Provenance of the read (path, CRS, counts, geometry report, encoding,
        datum shift, classification decision).
    classification : ClassificationDecision or None
        For a class layer, the classification system its codes are read in.
    without_area : dict
        Read with ``per_site`` (:func:`normalise_features`): the position of each
        window (each site) a feature without area (a line, a point) of this layer
        of areas meets → the ids of those features, in layer order. The layer's
        checks are unknown there; elsewhere its polygons say what it covers.
    """

    features: gpd.GeoDataFrame
    mapping: dict[str, str]
    geometry_report: GeometryReport
    record: InputRecord
    classification: ClassificationDecision | None = None
    without_area: dict[int, list[str]] = field(default_factory=dict)

    @property
    def attribute_columns(self) -> list[str]:
        """Normalised columns to carry onto the overlay pieces."""
        present = set(self.features.columns.tolist())  # not ``in`` the Index: no hash table
        return [c for c in _MADE_COLUMNS if c in present]


def field_mapping(spec: LayerSpec, columns: list[str] | pd.Index) -> dict[str, str]:
    """Return role → field name for the roles the layer's fields provide.

    A land-use or planning-zone layer without a code field but with a name
    field is read by name (see :func:`normalise_features`): the mapping then
    has no ``code``.

    Raises
    ------
    InputDataError
        When a land-use or planning-zone layer has neither a class code field
        nor a class name field.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> field_mapping(load_profile().layers["land_use"], ["BSM", "dlbm", "DLMC", "TKXS"])
    {'id': 'BSM', 'code': 'dlbm', 'name': 'DLMC', 'deduction': 'TKXS'}
    """
    mapping = {}
    for role, candidates in spec.fields.items():
        found = find_field(columns, tuple(candidates))
        if found is not None:
            mapping[role] = found
    by_name = "name" in mapping and spec.classification is not None
    if spec.kind in ("land_use", "planning_zone") and "code" not in mapping and not by_name:
        wanted = ", ".join(spec.fields.get("code", ()))
        names = ", ".join(spec.fields.get("name", ())) or "none mapped"
        raise InputDataError(
            f"layer {spec.key!r} has no class code field (looked for {wanted}) and no class "
            f"name field ({names}); map the layer's code field under "
            f"layers.{spec.key}.fields.code in the profile"
        )
    return mapping


def _codes_from_names(
    names: np.ndarray, spec: LayerSpec, column: str, table: CodeTable
) -> tuple[np.ndarray, str]:
    """Class codes of a layer that has only class names, and the warning reporting the mapping.

    Names the code table does not know keep their name as their code: the
    table cannot resolve it, so the checks on that area are ``unknown``.
    """
    found = {name: table.by_name(name) for name in dict.fromkeys(names.tolist())}
    codes = np.array([found[name] or name for name in names.tolist()], dtype=object)
    known = [f"{name} → {code}" for name, code in found.items() if code is not None and name]
    unknown = [name or "(blank)" for name, code in found.items() if code is None]
    warning = (
        f"layer {spec.key!r} has class names ({column}) but no class codes: read them through "
        f"the code table {table.name}"
    )
    if known:
        warning += ": " + ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
    if unknown:
        warning += (
            f"; names the table does not know ({', '.join(unknown[:10])}"
            f"{', …' if len(unknown) > 10 else ''}) leave the area they cover unclassified, so "
            "the checks that need the classes there are unknown"
        )
    return codes, warning


def _deduction(
    values: pd.Series, key: str, cultivated: np.ndarray | None
) -> tuple[np.ndarray, list[str]]:
    """Field-ridge deduction coefficients (KCXS) as fractions, and warnings on those not used.

    A coefficient must be a number with 0 ≤ KCXS < 1 (a parcel all of field ridges is coded
    田坎 itself). Text that is no number ("5%", "0,15"), a number outside that range, and a
    blank on a cultivated-land parcel (``cultivated``; None: not known) are taken as 0 — the
    whole parcel counted as its class, no field ridges deducted — and said.

    Examples
    --------
    >>> numbers, warnings = _deduction(pd.Series([0.1, "5%", 15, None]), "lu", None)
    >>> numbers.tolist()
    [0.1, 0.0, 0.0, 0.0]
    >>> len(warnings)
    3
    """
    numbers = np.array(pd.to_numeric(values, errors="coerce"), dtype=float)  # a copy of its own
    missing = np.isnan(numbers)
    unread = np.zeros(len(numbers), dtype=bool)
    if missing.any() and not pd.api.types.is_numeric_dtype(values.dtype):
        unread[missing] = field_texts(values.to_numpy()[missing]) != ""
    warnings = []
    if unread.any():
        examples = ", ".join(repr(v) for v in values.to_numpy()[unread][:3])
        warnings.append(
            f"layer {key!r}: {int(unread.sum())} deduction coefficients (KCXS) could not be "
            f"read as numbers (e.g. {examples}) and were taken as 0 (no field ridges deducted "
            "there); they must be fractions such as 0.08"
        )
    blank = missing & ~unread & (cultivated if cultivated is not None else True)
    if blank.any():
        warnings.append(
            f"layer {key!r}: {int(blank.sum())} "
            f"{'cultivated-land (耕地) parcels' if cultivated is not None else 'parcels'} have "
            "no deduction coefficient (KCXS blank): taken as 0, their whole area counted as "
            "their class, no field ridges deducted"
        )
    bad = ~missing & ~((numbers >= 0) & (numbers < 1))
    if bad.any():
        examples = ", ".join(f"{v:g}" for v in numbers[bad][:3])
        warnings.append(
            f"layer {key!r}: {int(bad.sum())} deduction coefficients (KCXS) outside 0–1 "
            f"(e.g. {examples}) were ignored (no field ridges deducted there); they must be "
            "fractions from 0 up to, not including, 1, such as 0.08 (a parcel all of field "
            "ridges is coded 田坎 itself)"
        )
    return np.where(missing | bad, 0.0, numbers), warnings


def _read_codes(
    codes: np.ndarray, table: CodeTable, key: str, field: str, numeric: bool
) -> np.ndarray:
    """A land-use layer's codes, lost leading zeros restored where certain, with the warnings.

    What the table reads beyond its own codes is said: codes that lost their leading
    zero in a number field, and GB/T 21010-2017 codes read as the 三调 class they were
    merged into (:mod:`landcheck.classify.readings`).
    """
    codes, restored = restore_lost_zeros(codes, table, key=key, field=field, numeric=numeric)
    for said in (restored, merged_codes_note(codes, table, key=key)):
        if said:
            warn(said)
    return codes


def cultivated_mask(codes: np.ndarray | None, table: CodeTable | None) -> np.ndarray | None:
    """Which features' class codes are cultivated land (level 1 ``01``); None: not known."""
    if codes is None or table is None or "level1" not in table.columns:
        return None
    level1 = table.lookup("level1")
    found = {code: level1.get(table.resolve(code) or "", "") == "01" for code in set(codes)}
    return np.array([found[code] for code in codes.tolist()], dtype=bool)


def _unknown_class_mask(codes: np.ndarray | None, table: CodeTable | None) -> np.ndarray | None:
    """Which features' class codes the code table does not know; None: no codes or no table."""
    if codes is None or table is None:
        return None
    found = {code: table.resolve(code) is None for code in set(codes.tolist())}
    return np.array([found[code] for code in codes.tolist()], dtype=bool)


def _deduction_on_unknown_classes(
    numbers: np.ndarray, codes: np.ndarray, unknown: np.ndarray, key: str
) -> tuple[np.ndarray, str | None]:
    """Coefficients with those of parcels of unknown classes set to 0, and the warning saying so.

    KCXS deducts the field ridges (田坎) of cultivated land; a parcel whose code the table
    does not know is not known to be cultivated land, so its area stays whole under its
    code rather than part of it being moved to 田坎 as a confident figure.

    Examples
    --------
    >>> codes = np.array(["9999", "0103", "8888"], dtype=object)
    >>> numbers, warning = _deduction_on_unknown_classes(
    ...     np.array([0.1, 0.1, 0.0]), codes, np.array([True, False, True]), "lu")
    >>> numbers.tolist(), warning.split(":")[0]
    ([0.0, 0.1, 0.0], "layer 'lu'")
    """
    dropped = unknown & (numbers > 0)
    if not dropped.any():
        return numbers, None
    named = sorted(set(codes[dropped].tolist()))
    listed = ", ".join(named[:10]) + (", …" if len(named) > 10 else "")
    return np.where(dropped, 0.0, numbers), (
        f"layer {key!r}: {int(dropped.sum())} parcels whose class code the code table does not "
        f"know ({listed}) have a deduction coefficient (KCXS) above 0: it was not applied (KCXS "
        "deducts the field ridges of cultivated land, and nothing says these parcels are), "
        "their whole area kept under their code"
    )


def _deduction_on_other_classes(
    numbers: np.ndarray,
    ids: np.ndarray,
    codes: np.ndarray,
    other: np.ndarray,
    key: str,
) -> tuple[np.ndarray, str | None]:
    """Coefficients with those of parcels known not to be cultivated land set to 0, and why.

    KCXS deducts the field ridges (田坎) of cultivated land (耕地, level 1 ``01``) alone:
    on a homestead, an orchard or a rural road it would move part of the parcel to 田坎
    (农用地) and shrink its own class, a 建设用地 parcel turning partly into 农用地.
    ``other`` marks the parcels whose code the table knows and does not put in 01. A
    code with the suffix K (0201K 可调整果园) is 可调整地类: cultivated land of the second
    survey that the third classes by what it is now, counted as that class (农用地,
    not 耕地), so no field ridges are deducted from it either, and the warning says so.

    Examples
    --------
    >>> numbers, warning = _deduction_on_other_classes(
    ...     np.array([0.1, 0.1, 0.0]), np.array(["A", "B", "C"], dtype=object),
    ...     np.array(["0702", "0103", "0201"], dtype=object),
    ...     np.array([True, False, True]), "lu")
    >>> numbers.tolist()
    [0.0, 0.1, 0.0]
    >>> warning.split("above 0 ")[1].split(":")[0]
    '(A; codes 0702)'
    """
    dropped = other & (numbers > 0)
    if not dropped.any():
        return numbers, None
    named = sorted(set(codes[dropped].tolist()))
    listed = ", ".join(named[:10]) + (", …" if len(named) > 10 else "")
    warning = (
        f"layer {key!r}: {int(dropped.sum())} parcels not of cultivated land (耕地) have a "
        f"deduction coefficient (KCXS) above 0 ({name_some(ids[dropped])}; codes {listed}): it "
        "was not applied (KCXS deducts the field ridges of cultivated land only), their whole "
        "area kept under their class"
    )
    adjustable = [code for code in named if code.rstrip("0123456789").endswith("K")]
    if adjustable:
        warning += (
            f"; {', '.join(adjustable[:5])}{', …' if len(adjustable) > 5 else ''} carry the "
            "suffix K of 可调整地类 (cultivated land of the second survey that the third "
            "classes by its present use): counted as that class (农用地, not 耕地), no field "
            "ridges deducted"
        )
    return np.where(dropped, 0.0, numbers), warning


def _blank_codes(ids: np.ndarray, codes: np.ndarray, key: str, field: str) -> str | None:
    """The warning naming a land-use layer's parcels without a class code, or None.

    Examples
    --------
    >>> _blank_codes(np.array(["A", "B"], dtype=object), np.array(["", "0103"], dtype=object),
    ...              "lu", "DLBM").split(":")[1]
    ' 1 parcels have no class code (DLBM blank'
    """
    blank = codes == ""
    if not blank.any():
        return None
    return (
        f"layer {key!r}: {int(blank.sum())} parcels have no class code ({field} blank: "
        f"{name_some(ids[blank])}): the area they cover is in no class, so the checks that "
        "need the classes there are unknown; fill in their codes"
    )


def _no_deduction_field(spec: LayerSpec, cultivated: np.ndarray | None) -> str | None:
    """The warning for a land-use layer with cultivated land and no deduction field, or None."""
    if cultivated is None or not cultivated.any():
        return None
    wanted = ", ".join(spec.fields.get("deduction", ())) or "none mapped"
    return (
        f"layer {spec.key!r} has no deduction coefficient field (looked for {wanted}): the field "
        f"ridges (田坎) of its {int(cultivated.sum())} cultivated-land (耕地) parcels are not "
        "deducted, their whole area counted as cultivated land; map the field under "
        f"layers.{spec.key}.fields.deduction in the profile"
    )


def normalise_features(
    frame: gpd.GeoDataFrame,
    spec: LayerSpec,
    crs: CRS,
    record: InputRecord,
    *,
    near: Any | None = None,
    known_valid: KnownValid | None = None,
    per_site: bool = False,
) -> LayerFeatures:
    """Reproject, repair and normalise a layer's features.

    Parameters
    ----------
    frame : GeoDataFrame
        Raw features (any CRS) with their own fields; the index is the
        feature id when no id field is mapped.
    spec : LayerSpec
        The layer's profile entry.
    crs : CRS
        The analysis CRS.
    record : InputRecord
        Provenance of the read; the geometry report and the classification
        decision are added to it.
    near : array-like, optional
        Where the features will be used: a box ``(xmin, ymin, xmax, ymax)`` or
        one per site (see :func:`landcheck.geometry.clean_polygons`).
    known_valid : KnownValid, optional
        The geometries a run's earlier normalisation found valid (see
        :func:`~landcheck.geometry.clean_polygons`).
    per_site : bool
        With ``near`` given as one window per site: features without area (lines,
        points) of a layer of areas are not refused (:func:`refuse_areas_without_area`)
        but listed by the windows they meet (``LayerFeatures.without_area``), so
        the layer's checks are unknown at those sites alone.

    Returns
    -------
    LayerFeatures
        Features with usable polygonal geometry, in layer order, and for a
        class layer the decision on its classification system. What was
        repaired, guessed or detected (codes from names, deduction
        coefficients, the classification system) is said with
        :func:`landcheck.messages.warn`.

    Raises
    ------
    InputDataError
        Features with NaN or infinite coordinates (:func:`refuse_non_finite_features`),
        or, without ``per_site``, features without area near the sites of a layer of
        areas (:func:`refuse_areas_without_area`).
    AmbiguousClassificationError
        A land-use layer (``classification: auto``) that mixes two systems,
        or does not tell which one it uses.
    ClassificationConflictError
        A declared classification its own codes or class names contradict.
    """
    mapping = field_mapping(spec, field_names(frame))
    own_crs = geometry_values(frame).crs
    projected = frame if own_crs is not None and same_crs(own_crs, crs) else frame.to_crs(crs)
    ids = (
        field_texts(column_array(projected, mapping["id"]), strip=False)
        if "id" in mapping
        else projected.index.astype(str).to_numpy()
    )
    if spec.kind in POINT_KINDS:
        geoms, report, usable = clean_points(geometry_values(projected), ids)
    else:
        # reprojected, they are new geometries each time: nothing to remember of them
        remember = known_valid if projected is frame else None
        geoms, report, usable = clean_polygons(
            geometry_values(projected), ids, near=near, known_valid=remember
        )
    refuse_non_finite_features(report.non_finite, spec.key)
    without_area: dict[int, list[str]] = {}
    lines = report.non_polygonal_near  # points are read by clean_points: none without area
    if spec.kind != "land_use" and len(lines):
        if not per_site or near is None:
            refuse_areas_without_area(ids[lines].tolist(), spec.key)
        given = np.asarray(geometry_values(projected), dtype=object)
        without_area = _by_window(given[lines], ids[lines], near)
    note = report.describe(f"layer {spec.key!r}")
    if note:
        warn(note)
    data: dict[str, object] = {"_id": ids}
    for role, column in mapping.items():
        if role in ("id", "deduction", "survey_area"):
            continue
        data[_ROLE_COLUMNS[role]] = field_texts(column_array(projected, column))
    decision = None
    # a number field drops the codes' leading zeros (0101 → 101): decided on the codes it held
    numeric = "code" in mapping and pd.api.types.is_numeric_dtype(projected[mapping["code"]])
    if spec.classification is not None:
        decision = classify_layer(
            spec.key,
            spec.classification,
            codes=codes_from_numbers(data["_code"]) if numeric else data.get("_code"),
            names=data.get("_name"),
            fields=[mapping[role] for role in ("code", "name") if role in mapping],
            choices=spec.category_choices,
        )
        if decision.warning:
            warn(decision.warning)
    coded = "code" in mapping  # codes of its own, not read from class names
    if "code" not in mapping and "_name" in data and decision is not None:
        if decision.code_table is not None:
            data["_code"], warning = _codes_from_names(
                data["_name"], spec, mapping["name"], decision.code_table
            )
            warn(warning)
        else:
            data["_code"] = data["_name"]
        mapping = {**mapping, "code": mapping["name"]}
    cultivated = unknown = None
    if spec.kind == "land_use" and "_code" in data:
        # 0201k is 0201K: one class, whatever case the survey wrote it in
        codes = object_array([str(code).upper() for code in np.asarray(data["_code"]).tolist()])
        data["_code"] = codes
        if coded and (blank := _blank_codes(ids, codes, spec.key, mapping["code"])):
            warn(blank)
        if coded and decision is not None and decision.code_table is not None:
            data["_code"] = _read_codes(
                codes, decision.code_table, spec.key, mapping["code"], numeric
            )
    if spec.kind == "land_use" and decision is not None:
        cultivated = cultivated_mask(data.get("_code"), decision.code_table)  # type: ignore[arg-type]
        unknown = _unknown_class_mask(data.get("_code"), decision.code_table)  # type: ignore[arg-type]
    if "deduction" in mapping:
        data["_deduction"], warnings = _deduction(
            projected[mapping["deduction"]], spec.key, cultivated
        )
        if unknown is not None:
            data["_deduction"], said = _deduction_on_unknown_classes(
                data["_deduction"], data["_code"], unknown, spec.key
            )
            warnings += [said] if said else []
        if cultivated is not None and unknown is not None:
            data["_deduction"], said = _deduction_on_other_classes(
                data["_deduction"], ids, data["_code"], ~cultivated & ~unknown, spec.key
            )
            warnings += [said] if said else []
        for said in warnings:
            warn(said)
    elif no_field := _no_deduction_field(spec, cultivated):
        warn(no_field)
    if "survey_area" in mapping:
        data["_survey_area"] = pd.to_numeric(
            projected[mapping["survey_area"]], errors="coerce"
        ).to_numpy(dtype=float)
    data["_feature_m2"] = shapely.area(geoms)
    own = fields_set_apart(
        projected, _MADE_COLUMNS, f"layer {spec.key!r}:", "a column landcheck makes of its fields"
    )
    features = _features_frame(data, own, geoms, crs)
    record.geometry = report.to_dict()
    if decision is not None:
        record.extra["classification"] = decision.to_dict()
    if not usable.all():
        features = features[usable].reset_index(drop=True)
    return LayerFeatures(features, mapping, report, record, decision, without_area)


def _by_window(geoms: np.ndarray, labels: np.ndarray, near: Any) -> dict[int, list[str]]:
    """The position of each window of ``near`` that ``geoms`` meet → their labels, in order.

    The test that found them near the sites (:func:`~landcheck.geometry.clean_polygons`:
    a geometry meeting a window), asked of each window.

    Examples
    --------
    >>> from shapely import LineString, Point
    >>> windows = np.array([[0, 0, 10, 10], [100, 0, 110, 10], [200, 0, 210, 10]])
    >>> lines = np.array([Point(105, 5), LineString([(5, 5), (205, 5)])])
    >>> _by_window(lines, np.array(["P", "L"]), windows)
    {0: ['L'], 1: ['P', 'L'], 2: ['L']}
    """
    windows = np.asarray(near, dtype=float).reshape(-1, 4)
    boxes = shapely.box(windows[:, 0], windows[:, 1], windows[:, 2], windows[:, 3])
    window, found = shapely.STRtree(geoms).query(boxes, predicate="intersects")
    order = np.lexsort((found, window))
    listed: dict[int, list[str]] = {}
    for at, label in zip(window[order].tolist(), labels[found[order]].tolist(), strict=True):
        listed.setdefault(at, []).append(label)
    return listed


def _features_frame(
    data: dict[str, object], projected: gpd.GeoDataFrame, geoms: np.ndarray, crs: CRS
) -> gpd.GeoDataFrame:
    """The normalised columns, then the layer's own fields, then the geometry; rows 0…n-1."""
    fields = field_names(projected)
    if set(data) & set(fields) or "geometry" in fields or _named_twice(projected, fields):
        # a field named like a normalised column, "geometry" or another field: as concat does
        originals = pd.DataFrame(projected.drop(columns=projected.geometry.name))
        return gpd.GeoDataFrame(
            pd.concat([pd.DataFrame(data), originals.reset_index(drop=True)], axis=1),
            geometry=geoms,
            crs=crs,
        )
    # copies: the frame's columns are its own (geo_frame does not copy), the layer read's stay
    columns = {**data, **{name: column_array(projected, name) for name in fields}}
    return geo_frame({name: values.copy() for name, values in columns.items()}, geoms, crs)


def _named_twice(frame: gpd.GeoDataFrame, fields: list) -> bool:
    """``frame.columns.has_duplicates`` from its field names (:func:`field_names`) when text.

    Without the hash table pandas builds for a frame's labels (~0.1 ms a layer
    the first time in a process): the geometry's name is left out of ``fields``
    as often as it is given, so one given twice leaves ``fields`` shorter by two.
    """
    if not only_str(fields):
        return bool(frame.columns.has_duplicates)
    return len(set(fields)) < len(fields) or len(fields) + 1 != len(frame.columns)


def clean_points(geometries: Any, labels: Any) -> tuple[np.ndarray, GeometryReport, np.ndarray]:
    """Keep the point parts of a point layer's geometries (hazard points), counting the rest.

    A point layer is measured by distance, never by area: its polygons and
    lines are not points and are left out (counted as ``non_polygonal`` is for
    polygon layers, in ``empty``); points with NaN or infinite coordinates are
    listed in ``report.non_finite`` for the caller to refuse.

    Examples
    --------
    >>> from shapely import Point, box
    >>> geoms, report, usable = clean_points([Point(1, 2), box(0, 0, 1, 1), None], ["P1", "X", "Y"])
    >>> usable.tolist(), report.empty
    ([True, False, False], 2)
    """
    geoms = np.array(geometries, dtype=object)
    labels = np.asarray(labels).astype(str)
    report = GeometryReport(total=len(geoms))
    missing = shapely.is_missing(geoms)
    geoms[missing] = shapely.Point()
    broken = non_finite(geoms)
    report.non_finite = labels[broken].tolist()
    report.invalid = int(broken.sum())
    points = np.isin(shapely.get_type_id(geoms), (0, 4)) & ~shapely.is_empty(geoms) & ~broken
    geoms[~points] = shapely.Point()
    report.empty = int((~points & ~broken).sum())
    report.examples = [f"{label}: not a point" for label in labels[~points & ~broken][:5]]
    return geoms, report, points


def without_area_reason(ids: list[str], key: str, near: str = "the sites") -> str:
    """Why a layer of areas cannot be checked near its features ``ids``: lines or points.

    Such a layer says where its land lies by its polygons: a parcel drawn as its
    outline (a CAD polyline) or as a point covers nothing, so near it the absence
    of a polygon is no evidence that a site takes none of the layer's land.

    Parameters
    ----------
    ids : list of str
        The features' ids (the first few are named, and how many more).
    key : str
        The layer key.
    near : str
        Where they are: ``"the sites"``, ``"the site"``.

    Examples
    --------
    >>> without_area_reason(["L1"], "farmland", "the site")[:64]
    "layer 'farmland': feature L1 near the site is a line or a point,"
    """
    names = name_some(ids)
    found = (
        f"features {names} near {near} are lines or points"
        if len(ids) > 1
        else f"feature {names} near {near} is a line or a point"
    )
    return (
        f"layer {key!r}: {found}, not areas, so what the layer covers there is unknown and "
        "its checks cannot be made; give its features as polygons (close outlines into "
        "polygons) and run again"
    )


def refuse_areas_without_area(ids: list[str], key: str) -> None:
    """Refuse a layer of areas whose features near the sites are lines or points.

    Why is :func:`without_area_reason`; the layer's checks become ``unknown`` at
    every site. What reads a layer for many sites instead makes them unknown at
    the sites those features are near alone (``per_site`` of
    :func:`normalise_features`). A land-use survey is left out: what its polygons
    do not cover is already undescribed (a 二调 survey's linear features are lines).

    Raises
    ------
    InputDataError
        Naming the feature ids (the first few and how many more).

    Examples
    --------
    >>> refuse_areas_without_area(["F2"], "farmland")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: layer 'farmland': feature F2 near the sites is a line or ...
    """
    if ids:
        raise InputDataError(without_area_reason(ids, key))


def refuse_non_finite_features(ids: list[str], key: str) -> None:
    """Refuse a layer whose features near the sites have NaN or infinite coordinates.

    Such a feature has no true shape: repairing it would measure another one
    (a square with a NaN vertex becomes a triangle). Its layer cannot be
    trusted near the sites, so its checks become ``unknown`` at every site, not
    only at the sites near it: its unknown vertex may lie anywhere, so no site
    is known to be out of its reach (unlike a line's, :func:`refuse_areas_without_area`).

    Parameters
    ----------
    ids : list of str
        The ids of those features (``GeometryReport.non_finite``); none: nothing to refuse.
    key : str
        The layer key.

    Raises
    ------
    InputDataError
        Naming the feature ids (the first few and how many more).

    Examples
    --------
    >>> refuse_non_finite_features(["F2"], "farmland")
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: layer 'farmland': feature F2 has NaN or infinite ...
    """
    if not ids:
        return
    names = name_some(ids)
    if len(ids) > 1:
        found = f"features {names} have NaN or infinite coordinates, so their true shape is"
    else:
        found = f"feature {names} has NaN or infinite coordinates, so its true shape is"
    raise InputDataError(
        f"layer {key!r}: {found} unknown (it is never repaired into another one) and the "
        "layer's checks cannot be made; correct or remove those features and run again"
    )


def select_near(
    frame: gpd.GeoDataFrame, sites: gpd.GeoSeries, margin: float = 0.0
) -> gpd.GeoDataFrame:
    """Keep the features of an in-memory layer within ``margin`` metres of any site.

    As a file's filtered read keeps them (:func:`landcheck.io.filtered.read_features_near`):
    by distance, without buffering the sites (a site of thousands of parts took
    seconds to buffer). Where a site or a feature near the sites' boxes has more than
    :data:`~landcheck.geometry.LOCAL_CHECK_ABOVE` vertices, the features near the
    boxes are kept as a file's read keeps them (:func:`~landcheck.geometry.near_positions`):
    every test against a huge geometry walks all its edges unless it is the one
    prepared (a redline ring of 250,000 vertices around 1,000 sites: 17 s → 0.3 s).

    Examples
    --------
    >>> from shapely import box
    >>> layer = gpd.GeoDataFrame({"BSM": ["a", "b", "c"]}, crs=4523,
    ...     geometry=[box(0, 0, 1, 1), box(3, 0, 4, 1), box(2.9, 2.9, 4, 4)])
    >>> select_near(layer, gpd.GeoSeries([box(0, 0, 2, 2)], crs=4523), 1.0)["BSM"].tolist()
    ['a', 'b']
    """
    geoms = np.asarray(sites.values, dtype=object)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if frame.crs is not None and sites.crs is not None and not same_crs(frame.crs, sites.crs):
        margin = distance_in(geoms, margin, sites.crs, frame.crs)
        geoms = outlines_in(geoms, sites.crs, frame.crs)
    boxes = shapely.bounds(geoms) + np.array([-margin, -margin, margin, margin])
    site, feature = frame.sindex.query(shapely.box(*boxes.T))
    values = np.asarray(geometry_values(frame), dtype=object)
    candidates = np.unique(feature)
    if _any_huge(geoms) or _any_huge(values[candidates]):
        return frame.iloc[candidates[near_positions(values[candidates], geoms, margin)]]
    near = np.zeros(len(frame), dtype=bool)
    # most features kept meet a site: the index asks them with the site prepared, and only the
    # other features in each site's box grown by the margin get a distance (the index's own
    # dwithin computes one for every feature, unprepared: half as fast again)
    near[frame.sindex.query(geoms, predicate="intersects")[1]] = True
    if margin > 0:
        kept_unmeasured(near, candidates[~near[candidates]], values)  # no distance to ask
        rest = ~near[feature]
        site, feature = site[rest], feature[rest]
        near[feature[shapely.dwithin(geoms[site], values[feature], margin)]] = True
    return frame.iloc[np.flatnonzero(near)]


def _any_huge(geoms: np.ndarray) -> bool:
    """Whether any of ``geoms`` is huge (:data:`~landcheck.geometry.LOCAL_CHECK_ABOVE`)."""
    return bool((shapely.get_num_coordinates(geoms) > LOCAL_CHECK_ABOVE).any())
