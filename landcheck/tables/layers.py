"""The constraint layers' tables: farmland and redline pieces, urban boundary, planning, all."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from landcheck.labels import CONFORMITY, label, status_label
from landcheck.result import CheckResult
from landcheck.tables.lookups import (
    VISIBLE_M2,
    area_columns,
    class_name,
    first_layer,
    ha_and_mu,
    layer_pieces,
    layer_status,
    layer_title,
    method_m2,
    site_areas,
)
from landcheck.tables.table import Column, ReportTable, Rows

__all__ = ["layers_table", "overlap_table", "planning_table", "urban_boundary_table"]


def overlap_table(result: CheckResult, lang: str, kind: str) -> ReportTable | None:
    """Permanent farmland or ecological redline (``kind``): total per site, then each piece."""
    zh = lang == "zh"
    key = first_layer(result, kind)
    if key is None:
        return None
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("feature_id", "图斑编号", "feature"),
        Column("code", "代码", "code"),
        Column("name", "名称", "name"),
        Column("admin", "坐落", "location"),
        *area_columns(),
        Column("m2", "面积", "area", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    pieces = layer_pieces(result, key)
    rows = Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        status = layer_status(result, site_id, key)
        base = {"site_id": site_id, "code": "", "name": "", "admin": ""}
        if not view.available:
            rows.add(
                -1,
                0,
                "total",
                **base,
                feature_id=label("unavailable", lang),
                ha=np.nan,
                mu=np.nan,
                m2=np.nan,
                share=np.nan,
                status=status_label(status or "unknown", lang),
            )
            continue
        m2 = view.overlap.m2
        root = rows.add(
            -1,
            0,
            "total",
            **base,
            feature_id=label("total", lang),
            **ha_and_mu(m2),
            m2=m2,
            share=view.share,
            status=status_label(status, lang) if status else "",
        )
        site_area = method_m2(result, *site_areas(result, position))
        part = pieces[pieces["site_id"] == site_id]
        for piece in part.itertuples(index=False):
            piece_m2 = method_m2(result, piece.planar_m2, piece.ellipsoidal_m2)
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                feature_id=piece.feature_id,
                code=piece.code,
                name=piece.name,
                admin=piece.admin,
                **ha_and_mu(piece_m2),
                m2=piece_m2,
                share=piece_m2 / site_area if site_area > 0 else np.nan,
                status="",
            )
    if kind == "permanent_farmland":
        title = "涉及永久基本农田情况表" if zh else "Permanent basic farmland taken"
    else:
        title = "涉及生态保护红线情况表" if zh else "Ecological protection redline taken"
    note = (
        "同一图层内相互重叠的图斑只计算一次；平方米用于核对细小重叠。"
        if zh
        else "Features overlapping each other within the layer are counted once; square metres "
        "show slivers."
    )
    table_key = "farmland" if kind == "permanent_farmland" else "eco_redline"
    return ReportTable(table_key, title, lang, columns, rows.frame(columns), note)


def _zone_columns(extra: Sequence[Column] = ()) -> list[Column]:
    return [
        Column("site_id", "项目编号", "site"),
        Column("item", "项目", "item"),
        Column("code", "分区代码", "zone code"),
        *extra,
        *area_columns(),
        Column("m2", "面积", "area", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
    ]


def _site_total(rows: Rows, site_id: str, site_m2: float, zh: bool, **extra: str) -> int:
    """Add a site's total row (its whole area, share 1) to a zone table; return its row."""
    return rows.add(
        -1,
        0,
        "total",
        site_id=site_id,
        item="合计（项目用地）" if zh else "Total (site)",
        code="",
        **extra,
        **ha_and_mu(site_m2),
        m2=site_m2,
        share=1.0,
    )


def urban_boundary_table(result: CheckResult, lang: str) -> ReportTable | None:
    """城镇开发边界内外面积表: per site the area inside (by zone) and outside the boundary."""
    zh = lang == "zh"
    key = first_layer(result, "urban_boundary")
    if key is None:
        return None
    columns = _zone_columns()
    pieces = layer_pieces(result, key)
    rows = Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = method_m2(result, *site_areas(result, position))
        root = _site_total(rows, site_id, site_m2, zh)
        if not view.available:
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                item=label("unavailable", lang),
                code="",
                ha=np.nan,
                mu=np.nan,
                m2=np.nan,
                share=np.nan,
            )
            continue
        inside = view.overlap.m2
        group = rows.add(
            root,
            1,
            "group",
            site_id=site_id,
            item=label("inside", lang),
            code="",
            **ha_and_mu(inside),
            m2=inside,
            share=view.share,
        )
        part = pieces[pieces["site_id"] == site_id]
        if not part.empty and (part["code"] != "").any():
            part = part.assign(
                m2=[
                    method_m2(result, p, e)
                    for p, e in zip(part.planar_m2, part.ellipsoidal_m2, strict=True)
                ]
            )
            for (code, name), zone in part.groupby(["code", "name"], sort=True):
                m2 = float(zone["m2"].sum())
                rows.add(
                    group,
                    2,
                    "row",
                    site_id=site_id,
                    item=name or code,
                    code=code,
                    **ha_and_mu(m2),
                    m2=m2,
                    share=m2 / site_m2 if site_m2 > 0 else np.nan,
                )
        outside = view.uncovered.m2
        rows.add(
            root,
            1,
            "row",
            site_id=site_id,
            item=label("outside", lang),
            code="",
            **ha_and_mu(outside),
            m2=outside,
            share=outside / site_m2 if site_m2 > 0 else np.nan,
        )
    title = "城镇开发边界内外面积表" if zh else "Inside and outside the urban development boundary"
    return ReportTable("urban_boundary", title, lang, columns, rows.frame(columns))


def planning_table(result: CheckResult, lang: str) -> ReportTable | None:
    """规划分区符合性表: per site its planning zones, grouped by their conformity."""
    zh = lang == "zh"
    key = first_layer(result, "planning_zone")
    if key is None:
        return None
    columns = _zone_columns([Column("conformity", "符合性", "conformity")])
    columns.insert(2, columns.pop(3))
    rows = Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = method_m2(result, *site_areas(result, position))
        root = _site_total(rows, site_id, site_m2, zh, conformity="")
        classes = view.classes
        if not classes.empty:
            conformity = classes.get("conformity", pd.Series("", index=classes.index))
            conformity = conformity.astype("string").fillna("")
            for value in ("conforms", "needs_adjustment", "conflict", ""):
                members = classes[conformity == value]
                if members.empty:
                    continue
                text = CONFORMITY[value][1 if not zh else 0]
                m2 = method_m2(
                    result,
                    float(members["planar_m2"].sum()),
                    float(members["ellipsoidal_m2"].sum()),
                )
                group = rows.add(
                    root,
                    1,
                    "group",
                    site_id=site_id,
                    item=text,
                    code="",
                    conformity=text,
                    **ha_and_mu(m2),
                    m2=m2,
                    share=m2 / site_m2 if site_m2 > 0 else np.nan,
                )
                for code, row in members.sort_index().iterrows():
                    m2 = method_m2(result, float(row["planar_m2"]), float(row["ellipsoidal_m2"]))
                    rows.add(
                        group,
                        2,
                        "row",
                        site_id=site_id,
                        item=class_name(row, str(code), lang),
                        code=str(code),
                        conformity=text,
                        **ha_and_mu(m2),
                        m2=m2,
                        share=m2 / site_m2 if site_m2 > 0 else np.nan,
                    )
        uncovered = view.uncovered.m2
        if uncovered >= VISIBLE_M2 or not view.available:
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                item=label("uncovered" if view.available else "unavailable", lang),
                code="",
                conformity="",
                **ha_and_mu(uncovered),
                m2=uncovered,
                share=uncovered / site_m2 if site_m2 > 0 else np.nan,
            )
    title = "规划分区符合性表" if zh else "Conformity with the planning zones"
    return ReportTable("planning", title, lang, columns, rows.frame(columns))


def layers_table(result: CheckResult, lang: str) -> ReportTable:
    """各图层叠加面积表: per site every layer's overlap, share and status."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("layer", "图层", "layer"),
        Column("title", "图层名称", "layer title"),
        Column("available", "是否检查", "checked"),
        *area_columns("叠加面积", "overlap"),
        Column("m2", "叠加面积", "overlap", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    rows = Rows()
    for site_id in result.site_ids:
        for key in result.profile.layers:
            view = result.layer(site_id, key)
            status = layer_status(result, site_id, key)
            m2 = view.overlap.m2 if view.available else np.nan
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                layer=key,
                title=layer_title(result, key, lang),
                available=label("yes" if view.available else "no", lang),
                **ha_and_mu(m2),
                m2=m2,
                share=view.share if view.available else np.nan,
                status=status_label(status, lang) if status else "",
            )
    title = "各图层叠加面积表" if zh else "Overlap with every layer"
    return ReportTable("layers", title, lang, columns, rows.frame(columns))
