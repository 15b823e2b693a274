"""The tables of the sites themselves: the summary of all sites and each site's particulars."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from landcheck.labels import label, status_label
from landcheck.measure import SiteLayer
from landcheck.profile import STATUSES
from landcheck.result import CheckResult
from landcheck.rollup import LandUseRollup
from landcheck.tables.lookups import (
    area_columns,
    first_layer,
    ha_and_mu,
    layer_pieces,
    layers_of_kind,
    m2_values,
    method_m2,
    rest_alone,
    site_areas,
)
from landcheck.tables.table import DECIMALS, Column, ReportTable, Rows, as_text, site_positions
from landcheck.units import M2_PER_HA

__all__ = ["basic_table", "summary_table"]

_NONE = np.empty(0, dtype=int)


def summary_table(result: CheckResult, lang: str) -> ReportTable:
    """项目用地审查汇总表: one row per site (status, areas, main issues), the total last."""
    kinds = [
        ("farmland_ha", "permanent_farmland", "占用永久基本农田", "permanent farmland taken"),
        ("redline_ha", "eco_redline", "占用生态保护红线", "ecological redline taken"),
        ("outside_ha", "urban_boundary", "城镇开发边界外", "outside the urban boundary"),
        ("cultivated_ha", "land_use", "占用耕地", "cultivated land taken"),
    ]
    present = [(k, kind, zh, en, first_layer(result, kind)) for k, kind, zh, en in kinds]
    present = [p for p in present if p[4] is not None]
    columns = [
        Column("site_id", "用地编号", "site"),
        *_project_column(result),
        Column("name", "项目名称", "name"),
        Column("project_class", "项目类型", "project class", wide=True),
        Column("status", "审查结论", "status"),
        *area_columns("用地面积", "site area"),
        *[Column(k, zh, en, "ha") for k, _, zh, en, _ in present],
        Column("issues", "主要问题", "main issues", wide=True),
    ]
    rows = Rows()
    total = rows.add(-1, 0, "sum", site_id=label("total", lang))
    sums: dict[str, list[float]] = defaultdict(list)
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    site_rows = _site_rows(result, ("name", "project_class"))
    areas = site_areas(result)
    for position, site_id in enumerate(result.site_ids):
        row = site_rows[position]
        planar, ellipsoidal = areas[position]
        values: dict[str, Any] = {
            "site_id": site_id,
            "project_id": _project_id(result, position),
            "name": row["name"],
            "project_class": _project_class(result, row["project_class"], lang, position),
            "status": status_label(result.status(site_id), lang),
            "_status": result.status(site_id),
            **ha_and_mu(method_m2(result, planar, ellipsoidal)),
        }
        for key, kind, _, _, layer in present:
            view = result.layer(site_id, layer)
            values[key] = _headline_m2(result, view, kind) / M2_PER_HA
            if kind == "urban_boundary" and not _is_missing(values[key]):
                # the rest beyond the overlap, as the boundary's own table shows it
                site_m2 = method_m2(result, planar, ellipsoidal)
                shown_outside = rest_alone(site_m2, view.overlap.m2)["ha"]
                fixed[key][position] = shown_outside  # its row once the total goes last
        issues = [
            f"{f.title.get(lang)}：{status_label(f.status, lang)}"
            if lang == "zh"
            else f"{f.title.get(lang)}: {status_label(f.status, lang)}"
            for f in result.site_findings(site_id)
            if f.status in ("prohibited", "unknown", "conditional")
        ]
        values["issues"] = ("；" if lang == "zh" else "; ").join(issues)
        for key in ("ha", "mu", *[p[0] for p in present]):
            if not _is_missing(values[key]):
                sums[key].append(values[key])
        rows.add(total, 1, "row", **values)
    for key, items in sums.items():
        rows.rows[total][key] = float(np.sum(items))
    rows.rows[total]["_status"] = ""
    counts = result.statuses.value_counts()
    rows.rows[total]["status"] = ("；" if lang == "zh" else "; ").join(
        f"{status_label(s, lang)} {int(counts[s])}" for s in STATUSES if s in counts
    )
    # the total row goes last
    frame = rows.frame(columns, extra=["_status"])
    frame = pd.concat([frame.iloc[1:], frame.iloc[:1]], ignore_index=True)
    frame["_parent"] = np.where(frame["_parent"] >= 0, len(frame) - 1, -1)
    note = (
        f"面积按{label(result.area_method, lang)}计；耕地面积已扣除田坎。"
        if lang == "zh"
        else f"Areas are {result.area_method}; cultivated land is net of field ridges."
    )
    title = "项目用地审查汇总表" if lang == "zh" else "Summary of sites"
    table = ReportTable("summary", title, lang, columns, frame, note, fixed=dict(fixed))
    table.note += _rows_apart(table)
    return table


def _rows_apart(table: ReportTable) -> str:
    """The note's sentence on the area columns whose rows shown do not add up to the 合计.

    The 合计 is the sites' unrounded areas summed, then rounded once; each site is
    rounded on its own, as its own tables show it (:func:`~landcheck.tables.round_tree`):
    six sites of 1/6 ha show 0.1667 each and 合计 1.0000, not 1.0002. Empty when they add up.
    """
    apart = [
        (column.header(table.lang), f"{added:.{DECIMALS[column.kind]}f}")
        for _, column, added in table.parts_apart()  # the 合计 is the only total
    ]
    if not apart:
        return ""
    if table.lang == "zh":
        listed = "、".join(f"{header}各行之和 {added}" for header, added in apart)
        return f"合计为未修约面积之和修约所得，各行分别修约，其和与合计不等：{listed}。"
    listed = ", ".join(f"{header} {added}" for header, added in apart)
    return (
        " Totals are the unrounded areas summed, then rounded; each row is rounded on its own, "
        f"and the rows add up to {listed}."
    )


def _project_column(result: CheckResult) -> list[Column]:
    """The 项目编号 column (the project a site belongs to) when any site declares one."""
    if not any(facts.project_id for facts in result.facts):
        return []
    return [Column("project_id", "项目编号", "project")]


def _project_id(result: CheckResult, position: int) -> str:
    """The project the site at ``position`` belongs to ("" when none, or no facts kept)."""
    return result.facts[position].project_id if position < len(result.facts) else ""


def _headline_m2(result: CheckResult, view: SiteLayer, kind: str) -> float:
    """The area a summary column reports for a layer, NaN when the layer was not checked.

    Part of the site outside the area the layer describes (``view.outside``; for the
    land-use survey, the part no parcel covers) leaves the number unknown too, unless the
    layer found an overlap there (then it is what was found).
    """
    if not view.available:
        return float("nan")
    gap = view.uncovered if kind == "land_use" else view.outside
    if not result.profile.analysis.is_sliver(gap.m2) and (
        kind == "urban_boundary" or view.overlap.m2 <= 0.0
    ):
        return float("nan")
    if kind == "urban_boundary":
        return view.uncovered.m2
    if kind == "land_use":
        method = result.profile.analysis.area_method
        return LandUseRollup(view.class_rows, ridge_code=view.ridge_code).cultivated.area(method).m2
    return view.overlap.m2


def _project_class(result: CheckResult, key: Any, lang: str, position: int = -1) -> str:
    """The site's project type (its name), else its old class's title, else "not given"."""
    facts = result.facts[position] if 0 <= position < len(result.facts) else None
    kind = result.profile.project_types.get(facts.project_type or "") if facts else None
    if kind is not None:
        return kind.zh if lang == "zh" else kind.en
    if key is None or (isinstance(key, float) and np.isnan(key)) or key == "":
        return "未注明" if lang == "zh" else "not given"
    return result.profile.class_title(str(key)).get(lang)


def _admin_names(result: CheckResult) -> list[list[str]]:
    """Per site (in order), the names of the administrative units it lies in.

    Townships (the admin layers' pieces), then villages (the land-use layers' units).
    """
    names: list[list[str]] = [[] for _ in result.site_ids]
    for key in layers_of_kind(result, "admin"):
        pieces = layer_pieces(result, key)
        by_site = site_positions(pieces)
        piece_names = pieces["name"].to_numpy()
        for position, site_id in enumerate(result.site_ids):
            found = piece_names[by_site.get(site_id, _NONE)]
            names[position] += [n for n in found if n]
    for key in layers_of_kind(result, "land_use"):
        for position, site_id in enumerate(result.site_ids):
            units = result.layer(site_id, key).admin_rows
            if len(units):
                names[position] += [as_text(n) for n in units.column("name") if as_text(n)]
    return [list(dict.fromkeys(found)) for found in names]


def basic_table(result: CheckResult, lang: str) -> ReportTable:
    """项目用地基本情况表: per site its class, areas both ways and location."""
    zh = lang == "zh"
    columns = [
        Column("site_id", "用地编号", "site"),
        *_project_column(result),
        Column("name", "项目名称", "name"),
        Column("project_class", "项目类型", "project class"),
        Column("linear", "线性工程", "linear project"),
        *area_columns("用地面积", "site area"),
        Column("planar_m2", "平面面积", "planar area", "m2_exact"),
        Column("ellipsoidal_m2", "椭球面积", "ellipsoidal area", "m2_exact"),
        Column("area_method", "面积计算方法", "area method"),
        Column("location", "坐落（乡镇、村）", "location (townships, villages)", wide=True),
        Column("status", "审查结论", "status"),
    ]
    rows = Rows()
    locations = _admin_names(result)
    site_rows = _site_rows(result, ("name", "project_class", "linear"))
    areas = site_areas(result)
    for position, site_id in enumerate(result.site_ids):
        row = site_rows[position]
        planar, ellipsoidal = areas[position]
        rows.add(
            -1,
            0,
            "row",
            site_id=site_id,
            project_id=_project_id(result, position),
            name=row["name"],
            project_class=_project_class(result, row["project_class"], lang, position),
            linear=label("yes" if bool(row["linear"]) else "no", lang),
            **m2_values(result, planar, ellipsoidal),
            area_method=label(result.area_method, lang),
            location=("、" if zh else ", ").join(locations[position]),
            status=status_label(result.status(site_id), lang),
        )
    title = "项目用地基本情况表" if zh else "Site particulars"
    return ReportTable("basic", title, lang, columns, rows.frame(columns))


def _site_rows(result: CheckResult, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Some columns of the sites, one dict per site (no pandas row per site)."""
    values = [result.sites[column].tolist() for column in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _is_missing(value: float) -> bool:
    return value is None or bool(np.isnan(value))
