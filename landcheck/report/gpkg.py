"""landcheck.gpkg: the GeoPackage a QGIS user opens.

Layers: ``sites`` (one row per site with status and per-check statuses and
overlap areas), ``overlaps`` (every piece: site, layer, feature id, class code,
areas), ``findings`` (one row per finding, on the site's geometry), one
``context_<KEY>`` per constraint layer read (the features the run read near the
sites, whole: what lies beside a site, not only in it; land use with its
level-1 class and 三大类, planning zones with their conformity) and the
attribute tables ``inputs`` and ``run_info``. UTF-8, explicit CRS, one
geometry type per layer (MultiPolygon; MultiPoint for a point layer's context, such as the
geohazard points), long field names.

QGIS opens it styled: each spatial layer has a default style in
``layer_styles`` (see :mod:`landcheck.report.styles`), and the project
``landcheck`` stored in ``qgis_projects`` opens every layer in order
(QGIS: Project ▸ Open From ▸ GeoPackage, or double-click it in the Browser), the
context layers in a group under the results.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from landcheck._version import __version__
from landcheck.classify import BUILTIN_TABLES, CodeTable, load_code_table
from landcheck.crs import crs_label
from landcheck.io.gdal_options import gdal_options
from landcheck.io.paths import gdal_path
from landcheck.profile import POINT_KINDS
from landcheck.report.styles import (
    CONTEXT_GROUP,
    PROJECT_NAME,
    LayerInfo,
    context_classes,
    context_key,
    context_names,
    context_title,
    project_metadata,
    project_qgs,
    project_qgz,
    style_body,
    style_rows,
)
from landcheck.result import FINDINGS_SCHEMA, CheckResult
from landcheck.review.common import CLASS_COLUMNS

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "LAYER_TITLES", "context_layers", "gpkg_layers", "write_gpkg"]

FILENAME = "landcheck.gpkg"

LAYER_TITLES = {
    "sites": ("项目用地", "Sites"),
    "findings": ("审查结论", "Findings"),
    "overlaps": ("叠加图斑", "Overlap pieces"),
    "inputs": ("输入数据", "Inputs"),
    "run_info": ("运行参数", "Run information"),
}
"""Layer → title in the stored QGIS project (Chinese, English)."""


def _sites_layer(result: CheckResult) -> gpd.GeoDataFrame:
    summary = result.summary.rename(
        columns={
            "planar_m2": "area_planar_m2",
            "ellipsoidal_m2": "area_ellipsoidal_m2",
            "ha": "area_ha",
            "mu": "area_mu",
        }
    )
    summary["project_class"] = summary["project_class"].astype("string").fillna("")
    table = result.layer_table
    # a layer not checked (unreadable, not supplied) has no area: NULL, never 0 m²
    checked = table[f"{result.area_method}_m2"].where(table["available"].astype(bool))
    layers = table.assign(_m2=checked).pivot(index="site_id", columns="layer", values="_m2")
    taken = {str(c).casefold() for c in summary.columns}
    # named in the profile's order: of keys equal but for case, the first keeps the plain name
    ordered = [k for k in result.profile.layers if k in layers.columns]
    ordered += [k for k in layers.columns if k not in result.profile.layers]
    named = {k: _free(f"{k}_m2", f"layer_{k}_m2", taken) for k in ordered}
    layers.columns = [named[c] for c in layers.columns]
    findings = result.finding_table.pivot(index="site_id", columns="check", values="status")
    findings.columns = [_free(f"status_{c}", f"check_{c}_status", taken) for c in findings.columns]
    extra = layers.join(findings).reindex(summary["site_id"]).reset_index(drop=True)
    frame = pd.concat([summary.drop(columns="geometry").reset_index(drop=True), extra], axis=1)
    return gpd.GeoDataFrame(frame, geometry=summary.geometry.values, crs=result.analysis_crs)


def _free(name: str, instead: str, taken: set[str]) -> str:
    """``name`` for a column of the sites layer, or ``instead`` (``instead_2``…) when taken.

    SQLite compares column names ignoring case, and so does ``taken``: it holds
    the names given so far casefolded, and the one chosen is added. A layer keyed
    ``area_planar`` would otherwise name its area ``area_planar_m2``, the site's
    own, and layers keyed ``forest`` and ``Forest`` would name theirs ``forest_m2``
    and ``Forest_m2`` (the writer failed on the two columns of one name).

    >>> taken = {"site_id", "area_planar_m2"}
    >>> _free("farmland_m2", "layer_farmland_m2", taken)
    'farmland_m2'
    >>> _free("area_planar_m2", "layer_area_planar_m2", taken)
    'layer_area_planar_m2'
    >>> _free("Farmland_m2", "layer_Farmland_m2", taken)
    'layer_Farmland_m2'
    >>> _free("FARMLAND_m2", "layer_FARMLAND_m2", taken)
    'layer_FARMLAND_m2_2'
    """
    chosen = name if name.casefold() not in taken else instead
    number = 1
    while chosen.casefold() in taken:
        number += 1
        chosen = f"{instead}_{number}"
    taken.add(chosen.casefold())
    return chosen


def _overlaps_layer(result: CheckResult) -> gpd.GeoDataFrame:
    pieces = result.piece_table.rename(
        columns={
            "code": "class_code",
            "name": "class_name",
            "planar_m2": "area_planar_m2",
            "ellipsoidal_m2": "area_ellipsoidal_m2",
        }
    )
    review = [_measured_class(result, k, p) for k, p in result.pieces.items() if _has_rows(p)]
    if review:  # review layers have no code: the class their check measured (grade, zone…)
        blank = pieces["class_code"].astype("string").fillna("").eq("").to_numpy()
        pieces.loc[blank, "class_code"] = np.concatenate(review)[blank]
    titles = {k: spec.title.zh for k, spec in result.profile.layers.items()}
    pieces.insert(2, "layer_title", pieces["layer"].map(titles).astype("string").fillna(""))
    return pieces


def _has_rows(pieces: gpd.GeoDataFrame | None) -> bool:
    return pieces is not None and not pieces.empty


def _measured_class(result: CheckResult, key: str, pieces: gpd.GeoDataFrame) -> np.ndarray:
    """Each piece's class as its review check measured it ("" for other layers)."""
    kind = result.profile.layers[key].kind if key in result.profile.layers else ""
    column = next((c for c in CLASS_COLUMNS.get(kind, ()) if c in pieces), None)
    if column is None:
        return np.full(len(pieces), "", dtype=object)
    return pieces[column].astype("string").fillna("").to_numpy(dtype=object)


def _findings_layer(result: CheckResult) -> gpd.GeoDataFrame:
    table = result.finding_table
    geometry = result.sites.set_index("site_id").geometry
    return gpd.GeoDataFrame(
        table, geometry=geometry.reindex(table["site_id"]).values, crs=result.analysis_crs
    )


def _code_table(result: CheckResult, key: str) -> CodeTable | None:
    """The classification table a layer's codes were read with (built-in tables only)."""
    spec = result.profile.layers.get(key)
    used = (views[key].classification for views in result.site_layers if key in views)
    name = next((n for n in used if n), None) or (spec.classification if spec else None)
    return load_code_table(name) if name in BUILTIN_TABLES else None


def _code_values(table: CodeTable, codes: list[str], columns: list[str]) -> dict[str, list[str]]:
    """Each code's values in the table's ``columns`` (empty where unknown), looked up once a code.

    A code is resolved to its table code (:meth:`CodeTable.resolve`), whose
    values it takes (:meth:`CodeTable.value`).
    """
    distinct = dict.fromkeys(codes)
    resolved = {code: table.resolve(code) or "" for code in distinct}
    out = {}
    for column in columns:
        found = {code: table.value(c, column) if c else "" for code, c in resolved.items()}
        out[column] = [found[code] for code in codes]
    return out


def _context_layer(result: CheckResult, key: str, features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer's features read near the sites, with their class as the maps colour it."""
    spec = result.profile.layers[key]
    data: dict[str, object] = {
        "layer": [key] * len(features),
        "layer_title": [spec.title.zh] * len(features),
        "feature_id": features["_id"].astype("string").fillna("").to_numpy()
        if "_id" in features
        else features.index.astype(str).to_numpy(),
    }
    table = _code_table(result, key)
    if "_code" in features:
        codes = features["_code"].astype("string").fillna("").astype(str).tolist()
        data["class_code"] = codes
        if "_name" in features:
            data["class_name"] = features["_name"].astype("string").fillna("").to_numpy()
        wanted = ["name"] if "_name" not in features else []
        if spec.kind == "land_use":
            wanted += ["level1", "level1_name", "category"]
        if spec.kind == "planning_zone":
            wanted.append("conformity")
        if table is not None:
            for column, values in _code_values(table, codes, wanted).items():
                data["class_name" if column == "name" else column] = values
    elif spec.kind in CLASS_COLUMNS:  # a review layer: the class its check reads, as overlaps
        data["class_code"] = _measured_class(result, key, features)
    frame = pd.DataFrame(data)
    for column in frame.columns:
        frame[column] = frame[column].astype("string")
    return gpd.GeoDataFrame(frame, geometry=features.geometry.values, crs=result.analysis_crs)


def context_layers(result: CheckResult) -> dict[str, gpd.GeoDataFrame]:
    """``context_<KEY>``: each constraint layer's features read near the sites.

    The control lines (farmland, redline, boundary, the review's layers, the
    user's own layers) come first and the layers that cover the land (land
    use, planning zones, administrative units, geohazard susceptibility zones)
    last, so QGIS draws the lines over the parcels.
    """
    area_kinds = ("land_use", "planning_zone", "admin", "geohazard_zone")
    keys = [k for k in result.profile.layers if k in result.context]
    keys.sort(key=lambda k: result.profile.layers[k].kind in area_kinds)
    names = context_names(result.profile.layers)
    return {names[k]: _context_layer(result, k, result.context[k]) for k in keys}


def _run_info(result: CheckResult) -> pd.DataFrame:
    rows = {
        "schema": FINDINGS_SCHEMA,
        "landcheck_version": __version__,
        "created": result.created.isoformat(timespec="seconds"),
        "profile": f"{result.profile.name} {result.profile.version}",
        "analysis_crs": crs_label(result.analysis_crs),
        "analysis_crs_reason": result.crs_reason,
        "area_method": result.area_method,
        "stage": result.stage,
        "sliver_area_m2": str(result.profile.analysis.sliver_area_m2),
        "sliver_width_m": str(result.profile.analysis.sliver_width_m),
        "warnings": "\n".join(result.warnings),
    }
    return pd.DataFrame({"key": list(rows), "value": list(rows.values())})


_COUNTS = ("features_read", "repaired", "invalid", "empty", "non_polygonal")
"""The inputs table's columns of counts: integers in the GeoPackage, the rest text."""


def _inputs_table(inputs: pd.DataFrame) -> pd.DataFrame:
    """The inputs' provenance as the GeoPackage holds it: counts as integers, the rest text."""
    out = inputs.astype("string")
    for column in _COUNTS:
        if column in inputs:
            out[column] = inputs[column].astype("Int64")
    return out


def gpkg_layers(result: CheckResult) -> dict[str, pd.DataFrame]:
    """The GeoPackage's layers, in the order QGIS should list them."""
    inputs = pd.DataFrame([r.to_dict() for r in result.inputs]).drop(
        columns=["extra"], errors="ignore"
    )
    return {
        "sites": _sites_layer(result),
        "findings": _findings_layer(result),
        "overlaps": _overlaps_layer(result),
        **context_layers(result),
        "inputs": _inputs_table(inputs),
        "run_info": _run_info(result),
    }


def _geometry_column(path: str, layer: str) -> str:
    with closing(sqlite3.connect(path)) as db:
        row = db.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
        ).fetchone()
    return row[0] if row else "geom"


def _write_styles(
    result: CheckResult, path: str, layers: dict[str, pd.DataFrame], lang: str
) -> None:
    """Add the default QGIS styles (``layer_styles``) and the stored project."""
    geometry = _geometry_column(path, "sites")
    rows = style_rows(result, layers, lang=lang, geometry_column=geometry)
    styles = pd.DataFrame(rows)
    styles["update_time"] = pd.to_datetime(styles["update_time"], utc=True)
    with gdal_path(path, "the output") as given:
        pyogrio.write_dataframe(
            styles,
            given,
            layer="layer_styles",
            driver="GPKG",
            encoding="UTF-8",
            layer_options={"FID": "id"},
            append=False,
        )
    infos = []
    for name, frame in layers.items():
        spatial = isinstance(frame, gpd.GeoDataFrame)
        fields = [c for c in frame.columns if not spatial or c != frame.geometry.name]
        extent = None
        if spatial and len(frame) and not frame.geometry.is_empty.all():
            extent = tuple(float(v) for v in frame.total_bounds)
        key = context_key(result, name)
        context = key is not None
        if key is not None:
            title = context_title(result, key)
        else:
            title = LAYER_TITLES.get(name, (name, name))
        infos.append(
            LayerInfo(
                name=name,
                title=title[1] if lang == "en" else title[0],
                spatial=spatial,
                style=style_body(result, name, fields, lang=lang, classes=context_classes(frame)),
                extent=extent,
                group=CONTEXT_GROUP[1 if lang == "en" else 0] if context else None,
            )
        )
    heading = "建设项目用地预审与选址" if lang == "zh" else "Land pre-examination"
    qgs = project_qgs(result, infos, gpkg=os.path.basename(path), title=f"landcheck · {heading}")
    content = project_qgz(qgs).hex()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("PRAGMA synchronous = OFF")  # as GDAL wrote the rest (_WRITING)
        db.execute(
            "CREATE TABLE IF NOT EXISTS qgis_projects"
            "(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)"
        )
        db.execute(
            "INSERT OR REPLACE INTO qgis_projects VALUES (?, ?, ?)",
            (PROJECT_NAME, project_metadata(), content),
        )


def _geometry_type(result: CheckResult, name: str) -> str:
    """MultiPoint for the context of a point layer (hazard points), else MultiPolygon."""
    key = context_key(result, name)
    spec = result.profile.layers.get(key) if key is not None else None
    point = spec is not None and spec.kind in POINT_KINDS
    return "MultiPoint" if point else "MultiPolygon"


_WRITING = {"OGR_SQLITE_SYNCHRONOUS": "OFF"}
"""GDAL's options while landcheck.gpkg is written: SQLite does not wait for the disk at each
layer's commit (500 sites: 0.44 → 0.33 s of CPU). The file is written in the report's staging
folder, which is put in place whole once every file is written (:mod:`landcheck.io.output`);
no report file waits for the disk, and this one no longer does either."""


def write_gpkg(result: CheckResult, directory: str, options: ReportOptions | None = None) -> str:
    """Write landcheck.gpkg into ``directory`` and return its path."""
    path = os.path.join(directory, FILENAME)
    progress = options.step("gpkg") if options is not None else None
    layers = gpkg_layers(result)
    if progress is not None:
        progress(0, len(layers))
    with gdal_options(_WRITING), gdal_path(path, "the output") as given:
        for index, (name, frame) in enumerate(layers.items()):
            spatial = isinstance(frame, gpd.GeoDataFrame)
            pyogrio.write_dataframe(
                frame,
                given,
                layer=name,
                driver="GPKG",
                encoding="UTF-8",
                promote_to_multi=True if spatial else None,
                geometry_type=_geometry_type(result, name) if spatial else None,
                append=False,
                # GeoPackage 1.2 opens without warnings in the QGIS LTRs still in use
                dataset_options={"VERSION": "1.2"} if index == 0 else None,
                # handed to GDAL a column at a time: the same rows, a third less CPU than a
                # feature at a time (the findings' 20 rows a site the most)
                use_arrow=True,
            )
            if progress is not None:
                progress(index + 1, len(layers))
        _write_styles(result, path, layers, options.lang if options is not None else "zh")
    return path
