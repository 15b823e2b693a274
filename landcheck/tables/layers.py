"""The constraint layers' tables: farmland and redline pieces, urban boundary, planning, all."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from landcheck.labels import CONFORMITY, label, status_label
from landcheck.measure import SiteRows
from landcheck.result import CheckResult
from landcheck.tables.lookups import (
    VISIBLE_M2,
    class_name,
    first_layer,
    ha_and_mu,
    layer_conclusions,
    layer_pieces,
    layer_title,
    method_area_columns,
    method_m2,
    rest_alone,
    show_as,
    shown_alone,
    site_areas,
)
from landcheck.tables.table import Column, ReportTable, Rows, as_text, site_positions

__all__ = ["NOT_CHECKED", "layers_table", "overlap_table", "planning_table", "urban_boundary_table"]

_PIECE_COLUMNS = ("feature_id", "code", "name", "admin", "planar_m2", "ellipsoidal_m2")
"""The columns of a piece the overlap tables show."""

_NO_PIECES = np.empty(0, dtype=int)

NOT_CHECKED = {"zh": "未检查", "en": "not checked"}
"""The layers table's conclusion of a layer not checked (not supplied, unreadable): a finding
that reads it anyway (preexam_needed without approved_land: "不涉及", all the land taken as
new) would read as if the layer had been checked. Its 无法判定 stays: the check was not made."""


def overlap_table(result: CheckResult, lang: str, kind: str) -> ReportTable | None:
    """Permanent farmland or ecological redline (``kind``): total per site, then each piece."""
    zh = lang == "zh"
    key = first_layer(result, kind)
    if key is None:
        return None
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("feature_id", "图斑编号", "feature"),
        Column("code", "代码", "code"),
        Column("name", "名称", "name"),
        Column("admin", "坐落", "location"),
        *method_area_columns(result),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    pieces = layer_pieces(result, key)
    by_site = site_positions(pieces)
    columns_of = list(
        zip(
            *(pieces[c].to_numpy() for c in _PIECE_COLUMNS),
            strict=True,
        )
    )
    rows = Rows()
    areas = site_areas(result)
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        status = layer_conclusions(result, site_id, lang).get(key)
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
                status=status or status_label("unknown", lang),
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
            status=status or "",
        )
        site_area = method_m2(result, *areas[position])
        for piece in by_site.get(site_id, _NO_PIECES):
            feature_id, code, name, admin, planar, ellipsoidal = columns_of[piece]
            piece_m2 = method_m2(result, planar, ellipsoidal)
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                feature_id=feature_id,
                code=code,
                name=name,
                admin=admin,
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


def _zone_columns(result: CheckResult, extra: Sequence[Column] = ()) -> list[Column]:
    """The columns of a zone table: item, zone code, ``extra``, areas by the run's method."""
    return [
        Column("site_id", "用地编号", "site"),
        Column("item", "项目", "item"),
        Column("code", "分区代码", "zone code"),
        *extra,
        *method_area_columns(result),
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


def _zones_by_site(
    result: CheckResult, pieces: pd.DataFrame
) -> dict[str, list[tuple[str, str, float]]]:
    """Site id → its zones (code, name, area by the run's method), by code and name.

    Only sites with a piece that has a zone code are listed. Each zone's
    pieces are summed in layer order, grouped in one pass over all sites.
    """
    column = "ellipsoidal_m2" if result.area_method == "ellipsoidal" else "planar_m2"
    m2 = pieces[column].to_numpy(dtype=float)
    found: dict[str, dict[tuple[str, str], list[int]]] = defaultdict(lambda: defaultdict(list))
    coded = set()
    owners = zip(pieces["site_id"], pieces["code"], pieces["name"], strict=True)
    for position, (site_id, code, name) in enumerate(owners):
        found[site_id][(code, name)].append(position)
        if code != "":
            coded.add(site_id)
    return {
        site_id: [
            (code, name, float(m2[np.array(members, dtype=int)].sum()))
            for (code, name), members in sorted(zones.items())
        ]
        for site_id, zones in found.items()
        if site_id in coded
    }


def urban_boundary_table(result: CheckResult, lang: str) -> ReportTable | None:
    """城镇开发边界内外面积表: per site the area inside (by zone) and outside the boundary."""
    zh = lang == "zh"
    key = first_layer(result, "urban_boundary")
    if key is None:
        return None
    columns = _zone_columns(result)
    zones = _zones_by_site(result, layer_pieces(result, key))
    rows = Rows()
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    areas = site_areas(result)
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = method_m2(result, *areas[position])
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
        show_as(fixed, group, shown_alone(inside))  # as the layers table shows it; outside the rest
        for code, name, m2 in zones.get(site_id, ()):
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
    frame = rows.frame(columns)
    return ReportTable("urban_boundary", title, lang, columns, frame, fixed=dict(fixed))


def planning_table(result: CheckResult, lang: str) -> ReportTable | None:
    """规划分区符合性表: per site its planning zones, grouped by their conformity."""
    zh = lang == "zh"
    key = first_layer(result, "planning_zone")
    if key is None:
        return None
    columns = _zone_columns(result, [Column("conformity", "符合性", "conformity")])
    columns.insert(2, columns.pop(3))
    rows = Rows()
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    areas = site_areas(result)
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = method_m2(result, *areas[position])
        root = _site_total(rows, site_id, site_m2, zh, conformity="")
        classes = view.class_rows
        if len(classes) and classes.rows is not None and classes.rows.columns:
            codes = classes.column(classes.rows.index) if classes.rows.index else None
            conformity = _texts(classes, "conformity")
            planar = classes.column("planar_m2").astype(float)
            ellipsoidal = classes.column("ellipsoidal_m2").astype(float)
            for value in ("conforms", "needs_adjustment", "conflict", "unknown", ""):
                members = np.flatnonzero(conformity == value)
                if not len(members):
                    continue
                text = CONFORMITY[value][1 if not zh else 0]
                m2 = method_m2(
                    result,
                    float(np.nansum(planar[members])),
                    float(np.nansum(ellipsoidal[members])),
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
                if codes is not None:
                    members = members[np.argsort(codes[members], kind="stable")]
                for member in members:
                    code = codes[member] if codes is not None else member
                    m2 = method_m2(result, float(planar[member]), float(ellipsoidal[member]))
                    rows.add(
                        group,
                        2,
                        "row",
                        site_id=site_id,
                        item=class_name(_class_row(classes, member), str(code), lang),
                        code=str(code),
                        conformity=text,
                        **ha_and_mu(m2),
                        m2=m2,
                        share=m2 / site_m2 if site_m2 > 0 else np.nan,
                    )
        uncovered = view.uncovered.m2
        if uncovered >= VISIBLE_M2 or not view.available:
            rest = rows.add(
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
            # the zones add up to the overlap as the layers table shows it
            show_as(fixed, rest, rest_alone(site_m2, view.overlap.m2 if view.available else 0.0))
    title = "规划分区符合性表" if zh else "Conformity with the planning zones"
    frame = rows.frame(columns)
    return ReportTable("planning", title, lang, columns, frame, fixed=dict(fixed))


def _texts(rows: SiteRows, column: str) -> np.ndarray:
    """A site's label column as strings (missing values and a missing column empty)."""
    values = rows.column(column) if rows.has(column) else np.full(len(rows), None)
    return np.array([as_text(value) for value in values], dtype=object)


def _class_row(rows: SiteRows, member: int) -> dict[str, object]:
    """What :func:`class_name` reads of one class row."""
    return {c: rows.column(c)[member] for c in ("name", "name_en", "table_code") if rows.has(c)}


def layers_table(result: CheckResult, lang: str) -> ReportTable:
    """各图层叠加面积表: per site every layer's overlap, share and status."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("layer", "图层", "layer"),
        Column("title", "图层名称", "layer title"),
        Column("available", "是否检查", "checked"),
        *method_area_columns(result, "叠加面积", "overlap"),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    rows = Rows()
    titles = {key: layer_title(result, key, lang) for key in result.profile.layers}
    for site_id in result.site_ids:
        conclusions = layer_conclusions(result, site_id, lang)
        for key in result.profile.layers:
            view = result.layer(site_id, key)
            m2 = view.overlap.m2 if view.available else np.nan
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                layer=key,
                title=titles[key],
                available=label("yes" if view.available else "no", lang),
                **ha_and_mu(m2),
                m2=m2,
                share=view.share if view.available else np.nan,
                status=_checked_conclusion(conclusions.get(key, ""), view.available, lang),
            )
    title = "各图层叠加面积表" if zh else "Overlap with every layer"
    return ReportTable("layers", title, lang, columns, rows.frame(columns))


def _checked_conclusion(said: str, available: bool, lang: str) -> str:
    """A layer's conclusion in the layers table: :data:`NOT_CHECKED` for a layer not checked.

    A layer not checked keeps only the conclusion that says so (无法判定).

    Examples
    --------
    >>> _checked_conclusion("不涉及", False, "zh"), _checked_conclusion("无法判定", False, "zh")
    ('未检查', '无法判定')
    >>> _checked_conclusion("不涉及", True, "zh"), _checked_conclusion("", False, "en")
    ('不涉及', 'not checked')
    """
    if available or said == status_label("unknown", lang):
        return said
    return NOT_CHECKED[lang]
