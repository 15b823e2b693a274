"""The reviewer's tables (项目用地基本情况表, 占用地类面积统计表…), built as DataFrames.

Pure functions, no I/O: the HTML and XLSX reports render these tables, and
notebooks can use them directly::

    from landcheck.report.tables import report_tables
    tables = report_tables(result, lang="en")
    tables["land_classes"].display()

Each :class:`ReportTable` holds the unrounded values, one row per line of
the table, and a row tree (``_parent``): totals are parents of their parts.
:attr:`ReportTable.rounded` rounds for display only, after summing, from the
top of each tree down with the largest-remainder method, so that the parts
shown always add up to the total shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from landcheck.crs import crs_label
from landcheck.measure import TIANKAN_CODE, SiteLayer
from landcheck.profile import STATUSES, CoverageSpec
from landcheck.report.labels import (
    CATEGORY_EN,
    CONFORMITY,
    LANGUAGES,
    LEVEL1_EN,
    label,
    status_label,
)
from landcheck.result import CheckResult
from landcheck.rules import worst_status
from landcheck.units import M2_PER_HA, M2_PER_MU, largest_remainder_round

__all__ = [
    "DECIMALS",
    "Column",
    "ReportTable",
    "report_tables",
    "round_tree",
]

DECIMALS = {"ha": 4, "mu": 2, "m2": 2, "share": 4}
"""Display decimals per column kind (``share`` is a fraction: 4 dp = 0.01 %)."""

_UNITS = {
    "ha": ("公顷", "ha"),
    "mu": ("亩", "mu"),
    "m2": ("平方米", "m²"),
    "share": ("%", "%"),
}
_CATEGORIES = ("农用地", "建设用地", "未利用地")
_VISIBLE_M2 = 0.005
"""Remainders smaller than this (m²) are float noise, not a table row."""
_ROW_KEYS = ("_parent", "_level", "_role")


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    key : str
        The column in :attr:`ReportTable.frame`.
    zh, en : str
        The header in each language, without the unit.
    kind : str
        ``text``, ``int``, ``ha``, ``mu``, ``m2`` (rounded for display and
        summed down the row tree), ``m2_exact`` (never rounded: the raw
        square metres), or ``share`` (a fraction, shown as a percentage).
    wide : bool
        A long text (messages, legal basis): wrapped in reports.
    """

    key: str
    zh: str
    en: str
    kind: str = "text"
    wide: bool = False

    def header(self, lang: str) -> str:
        """The header with its unit, e.g. ``面积（公顷）`` or ``area (ha)``.

        Examples
        --------
        >>> Column("a", "面积", "area", "ha").header("zh")
        '面积（公顷）'
        >>> Column("a", "面积", "area", "m2_exact").header("en")
        'area (m², unrounded)'
        """
        unit = _UNITS.get(self.kind.replace("_exact", ""))
        name = self.en if lang == "en" else self.zh
        if unit is None:
            return name
        text = unit[1] if lang == "en" else unit[0]
        if self.kind.endswith("_exact"):
            text += ", unrounded" if lang == "en" else "，未修约"
        return f"{name} ({text})" if lang == "en" else f"{name}（{text}）"

    @property
    def numeric(self) -> bool:
        """True for number columns."""
        return self.kind != "text"


@dataclass
class ReportTable:
    """A report table: columns, unrounded values and the row tree.

    Attributes
    ----------
    key : str
        Stable name (``summary``, ``land_classes``…), used as the XLSX sheet key.
    title : str
        The table's title in the report language.
    lang : str
        ``"zh"`` or ``"en"``.
    columns : list of Column
        The visible columns, in order.
    frame : pandas.DataFrame
        One row per table line: the columns' keys, plus ``_parent`` (row
        position of the total a line is part of, −1 for none), ``_level``
        (indentation) and ``_role`` (``total``, ``group`` or ``row``).
    note : str
        A sentence under the table (method, units).
    fixed : dict
        Column → {row position → displayed value}: totals whose display is
        taken from another table, so that two tables never show one area
        two ways.
    """

    key: str
    title: str
    lang: str
    columns: list[Column]
    frame: pd.DataFrame
    note: str = ""
    fixed: dict[str, dict[int, float]] = field(default_factory=dict)

    @cached_property
    def rounded(self) -> pd.DataFrame:
        """The frame with every area rounded for display (see :func:`round_tree`)."""
        out = self.frame.copy()
        parents = self.frame["_parent"].to_numpy(dtype=int) if len(self.frame) else np.array([])
        sums = self.frame["_role"].to_numpy() == "sum" if len(self.frame) else np.array([])
        for column in self.columns:
            if column.kind in ("ha", "mu", "m2"):
                fixed = np.full(len(self.frame), np.nan)
                for row, value in self.fixed.get(column.key, {}).items():
                    fixed[row] = value
                out[column.key] = round_tree(
                    self.frame[column.key].to_numpy(dtype=float),
                    parents,
                    DECIMALS[column.kind],
                    fixed=fixed,
                    sums=sums,
                )
            elif column.kind == "share":
                out[column.key] = self.frame[column.key].astype(float).round(DECIMALS["share"])
        return out

    def headers(self) -> list[str]:
        """The column headers with units, in the table's language."""
        return [c.header(self.lang) for c in self.columns]

    def display(self, site_id: str | None = None) -> pd.DataFrame:
        """The rounded table with headers (optionally one site's rows), for notebooks."""
        frame = self.rounded
        if site_id is not None and "site_id" in frame:
            frame = frame[frame["site_id"] == site_id]
        shown = frame[[c.key for c in self.columns]].copy()
        for column in self.columns:
            if column.kind == "share":
                shown[column.key] = (shown[column.key] * 100).round(2)
            elif column.kind == "int":
                shown[column.key] = shown[column.key].astype("Int64")
        shown.columns = self.headers()
        return shown.reset_index(drop=True)

    def site_rows(self, site_id: str) -> pd.DataFrame:
        """One site's rounded rows (all rows when the table has no ``site_id``)."""
        frame = self.rounded
        if "site_id" not in frame:
            return frame
        return frame[frame["site_id"] == site_id]


def round_tree(
    values: Sequence[float],
    parents: Sequence[int],
    decimals: int,
    *,
    fixed: Sequence[float] | None = None,
    sums: Sequence[bool] | None = None,
) -> np.ndarray:
    """Round a column of a table whose rows form totals and their parts.

    Rows without a parent are rounded on their own (or take their ``fixed``
    value); the parts of a total are then rounded with
    :func:`~landcheck.units.largest_remainder_round` to the total's
    *rounded* value, level by level, so every total shown is the sum of its
    parts shown. A row marked in ``sums`` works bottom-up instead: its parts
    are rounded on their own and it shows their sum (a total over several
    sites, whose own areas must read the same as everywhere else). Missing
    values (NaN) stay missing and are left out of the sums.

    Parameters
    ----------
    values : sequence of float
        Unrounded values, one per row.
    parents : sequence of int
        Per row, the position of its total, or −1.
    decimals : int
        Decimal places to keep.
    fixed : sequence of float, optional
        Per row, a displayed value to use instead of rounding (NaN: none).
    sums : sequence of bool, optional
        Per row, True when the row shows the sum of its rounded parts.

    Examples
    --------
    Three parts of 1/3 each: naive rounding shows 0.33 three times under a
    total of 1.00; here the parts add up.

    >>> round_tree([1.0, 1 / 3, 1 / 3, 1 / 3], [-1, 0, 0, 0], 2).tolist()
    [1.0, 0.34, 0.33, 0.33]

    A total over sites shows the sum of the sites as shown:

    >>> round_tree([2.01, 1.005, 1.005], [-1, 0, 0], 2, sums=[True, False, False]).tolist()
    [2.0, 1.0, 1.0]
    """
    values = np.asarray(values, dtype=float)
    size = len(values)
    fixed = np.full(size, np.nan) if fixed is None else np.asarray(fixed, dtype=float)
    bottom_up = np.zeros(size, bool) if sums is None else np.asarray(sums, dtype=bool)
    out = np.full(size, np.nan)
    children: dict[int, list[int]] = defaultdict(list)
    roots = []
    for row, parent in enumerate(parents):
        if parent < 0 or bottom_up[int(parent)]:
            roots.append(row)
        if parent >= 0:
            children[int(parent)].append(row)
    for row in roots:
        if not np.isnan(fixed[row]):
            out[row] = fixed[row]
        elif not np.isnan(values[row]):
            out[row] = largest_remainder_round([values[row]], decimals)[0]
    queue = list(roots)
    while queue:
        parent = queue.pop(0)
        kids = children.get(parent, [])
        if bottom_up[parent]:
            continue
        known = [k for k in kids if not np.isnan(values[k])]
        if known:
            total = None if np.isnan(out[parent]) else float(out[parent])
            out[known] = largest_remainder_round(
                np.maximum(values[known], 0.0).tolist(), decimals, total=total
            )
        queue.extend(kids)
    for row in np.flatnonzero(bottom_up):
        parts = out[children.get(int(row), [])]
        if len(parts) and not np.isnan(parts).all():
            out[row] = round(float(np.nansum(parts)), decimals)
    return out


# ---------------------------------------------------------------------- helpers
class _Rows:
    """Collects table rows with their tree links."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, parent: int, depth: int, role: str, /, **values: Any) -> int:
        self.rows.append({**values, "_parent": parent, "_level": depth, "_role": role})
        return len(self.rows) - 1

    def frame(self, columns: Iterable[Column], extra: Iterable[str] = ()) -> pd.DataFrame:
        keys = [c.key for c in columns]
        keys += [k for k in extra if k not in keys]
        frame = pd.DataFrame(self.rows, columns=[*keys, *_ROW_KEYS])
        for column in columns:
            if column.numeric:
                frame[column.key] = pd.to_numeric(frame[column.key], errors="coerce").astype(float)
            else:
                frame[column.key] = frame[column.key].map(_text).astype(object)
        return frame


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value)


def _areas(m2: float) -> dict[str, float]:
    """Hectares and 亩 of an area in m² (NaN stays NaN)."""
    return {"ha": m2 / M2_PER_HA, "mu": m2 / M2_PER_MU}


def _area_columns(zh: str = "面积", en: str = "area") -> list[Column]:
    return [Column("ha", zh, en, "ha"), Column("mu", zh, en, "mu")]


def _method_m2(result: CheckResult, planar: float, ellipsoidal: float) -> float:
    return ellipsoidal if result.area_method == "ellipsoidal" else planar


def _layers_of_kind(result: CheckResult, kind: str) -> list[str]:
    return [key for key, spec in result.profile.layers.items() if spec.kind == kind]


def _first_layer(result: CheckResult, kind: str) -> str | None:
    keys = _layers_of_kind(result, kind)
    return keys[0] if keys else None


def _layer_title(result: CheckResult, key: str, lang: str) -> str:
    spec = result.profile.layers.get(key)
    return spec.title.get(lang) if spec is not None else key


def _layer_status(result: CheckResult, site_id: str, key: str) -> str | None:
    statuses = [f.status for f in result.site_findings(site_id) if f.layer == key]
    return worst_status(statuses) if statuses else None


def _site_area(result: CheckResult, position: int) -> tuple[float, float]:
    row = result.sites.iloc[position]
    return float(row["planar_m2"]), float(row["ellipsoidal_m2"])


def _pieces(result: CheckResult, key: str) -> pd.DataFrame:
    """The counted pieces of a layer: site id, feature id, code, name, admin and areas."""
    pieces = result.pieces.get(key)
    columns = ["site_id", "feature_id", "code", "name", "admin", "planar_m2", "ellipsoidal_m2"]
    if pieces is None or len(pieces) == 0:
        return pd.DataFrame(columns=columns)
    ids = result.sites["site_id"].to_numpy()

    def column(name: str) -> Any:
        return pieces[name].astype("string").fillna("").to_numpy() if name in pieces else ""

    frame = pd.DataFrame(
        {
            "site_id": ids[pieces["site"].to_numpy()],
            "feature_id": (
                column("_id") if "_id" in pieces else pieces["feature"].astype(str).to_numpy()
            ),
            "code": column("_code"),
            "name": column("_name"),
            "admin": column("_admin"),
            "planar_m2": pieces["counted_planar_m2"].to_numpy(dtype=float),
            "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"].to_numpy(dtype=float),
        }
    )
    return frame[columns]


def _class_name(row: pd.Series, code: str, lang: str) -> str:
    if lang == "en":
        name_en = _text(row.get("name_en"))
        if name_en and str(row.get("table_code", "")) == code:
            return name_en
    return _text(row.get("name")) or code


def _m2_values(result: CheckResult, planar: float, ellipsoidal: float) -> dict[str, float]:
    m2 = _method_m2(result, planar, ellipsoidal)
    return {**_areas(m2), "planar_m2": planar, "ellipsoidal_m2": ellipsoidal}


def _empty(value: float) -> bool:
    return value is None or bool(np.isnan(value))


# ---------------------------------------------------------------------- tables
def _summary(result: CheckResult, lang: str) -> ReportTable:
    kinds = [
        ("farmland_ha", "permanent_farmland", "占用永久基本农田", "permanent farmland taken"),
        ("redline_ha", "eco_redline", "占用生态保护红线", "ecological redline taken"),
        ("outside_ha", "urban_boundary", "城镇开发边界外", "outside the urban boundary"),
        ("cultivated_ha", "land_use", "占用耕地", "cultivated land taken"),
    ]
    present = [(k, kind, zh, en, _first_layer(result, kind)) for k, kind, zh, en in kinds]
    present = [p for p in present if p[4] is not None]
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("name", "项目名称", "name"),
        Column("project_class", "项目类型", "project class", wide=True),
        Column("status", "审查结论", "status"),
        *_area_columns("用地面积", "site area"),
        *[Column(k, zh, en, "ha") for k, _, zh, en, _ in present],
        Column("issues", "主要问题", "main issues", wide=True),
    ]
    rows = _Rows()
    total = rows.add(-1, 0, "sum", site_id=label("total", lang))
    sums: dict[str, list[float]] = defaultdict(list)
    for position, site_id in enumerate(result.site_ids):
        row = result.sites.iloc[position]
        planar, ellipsoidal = _site_area(result, position)
        values: dict[str, Any] = {
            "site_id": site_id,
            "name": row["name"],
            "project_class": _project_class(result, row["project_class"], lang),
            "status": status_label(result.status(site_id), lang),
            "_status": result.status(site_id),
            **_areas(_method_m2(result, planar, ellipsoidal)),
        }
        for key, kind, _, _, layer in present:
            view = result.layer(site_id, layer)
            values[key] = _headline_m2(result, view, kind) / M2_PER_HA
        issues = [
            f"{f.title.get(lang)}：{status_label(f.status, lang)}"
            if lang == "zh"
            else f"{f.title.get(lang)}: {status_label(f.status, lang)}"
            for f in result.site_findings(site_id)
            if f.status in ("prohibited", "unknown", "conditional")
        ]
        values["issues"] = ("；" if lang == "zh" else "; ").join(issues)
        for key in ("ha", "mu", *[p[0] for p in present]):
            if not _empty(values[key]):
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
    return ReportTable("summary", title, lang, columns, frame, note)


def _headline_m2(result: CheckResult, view: SiteLayer, kind: str) -> float:
    """The area a summary column reports for a layer, NaN when the layer was not checked.

    Part of the site outside the area the layer describes (``view.outside``; for the
    land-use survey, the part no parcel covers) leaves the number unknown too, unless the
    layer found an overlap there (then it is what was found).
    """
    if not view.available:
        return float("nan")
    gap = view.uncovered if kind == "land_use" else view.outside
    if gap.m2 >= result.profile.analysis.sliver_area_m2 and (
        kind == "urban_boundary" or view.overlap.m2 <= 0.0
    ):
        return float("nan")
    method = result.profile.analysis.area_method
    if kind == "urban_boundary":
        return view.uncovered.m2
    if kind == "land_use":
        return view.classes_where("level1", ("01",), method).m2
    return view.overlap.m2


def _project_class(result: CheckResult, key: Any, lang: str) -> str:
    if key is None or (isinstance(key, float) and np.isnan(key)) or key == "":
        return "未注明" if lang == "zh" else "not given"
    return result.profile.class_title(str(key)).get(lang)


def _admin_names(result: CheckResult, site_id: str) -> list[str]:
    """Names of the administrative units a site lies in (townships, then villages)."""
    names: list[str] = []
    for key in _layers_of_kind(result, "admin"):
        pieces = _pieces(result, key)
        names += [n for n in pieces.loc[pieces["site_id"] == site_id, "name"] if n]
    for key in _layers_of_kind(result, "land_use"):
        view = result.layer(site_id, key)
        if not view.admin.empty:
            names += [_text(n) for n in view.admin["name"] if _text(n)]
    return list(dict.fromkeys(names))


def _basic(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("name", "项目名称", "name"),
        Column("project_class", "项目类型", "project class"),
        Column("linear", "线性工程", "linear project"),
        *_area_columns("用地面积", "site area"),
        Column("planar_m2", "平面面积", "planar area", "m2_exact"),
        Column("ellipsoidal_m2", "椭球面积", "ellipsoidal area", "m2_exact"),
        Column("area_method", "面积计算方法", "area method"),
        Column("location", "坐落（乡镇、村）", "location (townships, villages)", wide=True),
        Column("status", "审查结论", "status"),
    ]
    rows = _Rows()
    for position, site_id in enumerate(result.site_ids):
        row = result.sites.iloc[position]
        planar, ellipsoidal = _site_area(result, position)
        rows.add(
            -1,
            0,
            "row",
            site_id=site_id,
            name=row["name"],
            project_class=_project_class(result, row["project_class"], lang),
            linear=label("yes" if bool(row["linear"]) else "no", lang),
            **_m2_values(result, planar, ellipsoidal),
            area_method=label(result.area_method, lang),
            location=("、" if zh else ", ").join(_admin_names(result, site_id)),
            status=status_label(result.status(site_id), lang),
        )
    title = "项目用地基本情况表" if zh else "Site particulars"
    return ReportTable("basic", title, lang, columns, rows.frame(columns))


def _land_class_columns(survey: bool) -> list[Column]:
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("label", "地类", "land class"),
        Column("code", "地类编码", "code"),
        Column("level", "层级", "level"),
        *_area_columns(),
        Column("planar_m2", "平面面积", "planar area", "m2"),
        Column("ellipsoidal_m2", "椭球面积", "ellipsoidal area", "m2"),
    ]
    if survey:
        columns.append(
            Column("survey_m2", "图斑面积分摊（TBMJ）", "survey area share (TBMJ)", "m2")
        )
    return columns


_LEVELS = {
    "total": ("合计", "total"),
    "category": ("三大类", "category"),
    "level1": ("一级类", "level 1"),
    "level2": ("二级类", "level 2"),
    "other": ("其他", "other"),
}


def _level(key: str, lang: str) -> str:
    zh, en = _LEVELS[key]
    return en if lang == "en" else zh


def _sum_column(frame: pd.DataFrame, column: str) -> float:
    if column not in frame or frame[column].isna().all():
        return float("nan")
    return float(frame[column].sum())


def _class_values(result: CheckResult, frame: pd.DataFrame) -> dict[str, float]:
    planar = _sum_column(frame, "planar_m2")
    ellipsoidal = _sum_column(frame, "ellipsoidal_m2")
    return {**_m2_values(result, planar, ellipsoidal), "survey_m2": _sum_column(frame, "survey_m2")}


def _land_classes(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    key = _first_layer(result, "land_use")
    survey = bool(
        key is not None
        and not result.class_table.empty
        and "survey_m2" in result.class_table
        and result.class_table.loc[result.class_table["layer"] == key, "survey_m2"].notna().any()
    )
    columns = _land_class_columns(survey)
    rows = _Rows()
    for position, site_id in enumerate(result.site_ids):
        planar, ellipsoidal = _site_area(result, position)
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            code="",
            level=_level("total", lang),
            label="合计（项目用地面积）" if zh else "Total (site area)",
            _key="total",
            **_m2_values(result, planar, ellipsoidal),
            survey_m2=float("nan"),
        )
        if key is None:
            continue
        view = result.layer(site_id, key)
        classes = view.classes.copy() if not view.classes.empty else pd.DataFrame()
        if not classes.empty:
            classes.index = classes.index.astype(str)
            classes["category"] = classes.get("category", "").astype("string").fillna("")
            classes["level1"] = classes.get("level1", "").astype("string").fillna("")
            table_code = classes.get("table_code", pd.Series("", index=classes.index))
            classes["table_code"] = table_code.astype("string").fillna("")
            ridge = pd.Series(
                (classes.index == TIANKAN_CODE) | (classes["table_code"] == TIANKAN_CODE),
                index=classes.index,
            )
            rows.rows[root]["survey_m2"] = _sum_column(classes, "survey_m2")
            categories = [c for c in _CATEGORIES if (classes["category"] == c).any()]
            if (~classes["category"].isin(_CATEGORIES)).any():
                categories.append("")
            for category in categories:
                part = (
                    classes[classes["category"] == category]
                    if category
                    else classes[~classes["category"].isin(_CATEGORIES)]
                )
                if category:
                    name = CATEGORY_EN.get(category, category) if not zh else category
                    level = "category"
                else:
                    name = label("unclassified", lang)
                    level = "other"
                group = rows.add(
                    root,
                    1,
                    "group",
                    site_id=site_id,
                    code="",
                    label=name,
                    level=_level(level, lang),
                    _key=f"category:{category}",
                    **_class_values(result, part),
                )
                plain = part[~ridge[part.index]]
                for level1, members in plain.groupby("level1", sort=True):
                    if category:
                        first = members.iloc[0]
                        name = _text(first.get("level1_name")) or str(level1)
                        if not zh:
                            name = LEVEL1_EN.get(str(level1), name)
                        parent = rows.add(
                            group,
                            2,
                            "group",
                            site_id=site_id,
                            code=str(level1),
                            label=name,
                            level=_level("level1", lang),
                            _key=f"level1:{level1}",
                            **_class_values(result, members),
                        )
                    else:
                        parent = group
                    for code, row in members.sort_index().iterrows():
                        rows.add(
                            parent,
                            3 if category else 2,
                            "row",
                            site_id=site_id,
                            code=code,
                            label=_class_name(row, code, lang),
                            level=_level("level2", lang),
                            _key=f"class:{code}",
                            **_class_values(result, members.loc[[code]]),
                        )
                ridges = part[ridge[part.index]]
                if not ridges.empty:
                    rows.add(
                        group,
                        2,
                        "row",
                        site_id=site_id,
                        code=TIANKAN_CODE,
                        label=label("tiankan", lang),
                        level=_level("level1", lang),
                        _key="ridges",
                        **_class_values(result, ridges),
                    )
        uncovered = view.uncovered
        if uncovered.m2 >= _VISIBLE_M2 or not view.available:
            text = label("uncovered" if view.available else "unavailable", lang)
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                code="",
                label=text,
                level=_level("other", lang),
                _key="uncovered",
                **_m2_values(result, uncovered.planar_m2, uncovered.ellipsoidal_m2),
                survey_m2=float("nan"),
            )
    title = "占用地类面积统计表" if zh else "Land-use classes taken"
    layer = _layer_title(result, key, lang) if key else ""
    note = (
        f"数据：{layer}。地类面积已按扣除系数扣除田坎，田坎单列；三大类 → 一级类 → 二级类。"
        f"公顷、亩按{label(result.area_method, lang)}计，修约后各项之和等于合计。"
        if zh
        else f"Data: {layer}. Class areas are net of field ridges (listed separately); "
        f"category → level 1 → level 2. Hectares and mu are {result.area_method} areas, "
        "rounded so that the parts add up to the totals."
    )
    frame = rows.frame(columns, extra=["_key"])
    return ReportTable("land_classes", title, lang, columns, frame, note)


def _by_unit(result: CheckResult, lang: str, classes: ReportTable) -> ReportTable | None:
    """Land-use classes by village (权属单位): rows by unit, columns by category."""
    zh = lang == "zh"
    key = _first_layer(result, "land_use")
    pieces = result.pieces.get(key) if key else None
    if (
        pieces is None
        or len(pieces) == 0
        or ("_admin_code" not in pieces and "_admin" not in pieces)
    ):
        return None
    table = result.class_table
    categories: dict[tuple[str, str], str] = {}
    level1: dict[tuple[str, str], str] = {}
    if not table.empty and "category" in table:
        part = table[table["layer"] == key]
        for site, code, category, first in zip(
            part["site_id"],
            part["code"],
            part["category"],
            part.get("level1", part["code"]),
            strict=True,
        ):
            categories[(str(site), str(code))] = _text(category)
            level1[(str(site), str(code))] = _text(first)
    ids = result.sites["site_id"].to_numpy()
    deduction = (
        np.nan_to_num(pieces["_deduction"].to_numpy(dtype=float))
        if "_deduction" in pieces
        else np.zeros(len(pieces))
    )
    area_column = f"counted_{result.area_method}_m2"
    gross = pieces[area_column].to_numpy(dtype=float)
    code_col = pieces["_code"].astype("string").fillna("").to_numpy() if "_code" in pieces else ""
    unit_code = pieces["_admin_code"] if "_admin_code" in pieces else pieces["_admin"]
    unit_name = pieces["_admin"] if "_admin" in pieces else pieces["_admin_code"]
    data = pd.DataFrame(
        {
            "site_id": ids[pieces["site"].to_numpy()],
            "unit_code": unit_code.astype("string").fillna("").to_numpy(),
            "unit_name": unit_name.astype("string").fillna("").to_numpy(),
            "code": code_col,
            "net": gross * (1 - deduction),
            "ridge": gross * deduction,
        }
    )
    keys = [(s, str(c)) for s, c in zip(data.site_id, data.code, strict=True)]
    data["category"] = [categories.get(k, "") for k in keys]
    data["level1"] = [level1.get(k, "") for k in keys]
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("unit_code", "权属单位代码", "unit code"),
        Column("unit_name", "权属单位名称", "unit"),
        Column("total_ha", "合计", "total", "ha"),
        Column("agri_ha", "农用地", "agricultural", "ha"),
        Column("cultivated_ha", "其中耕地", "of which cultivated", "ha"),
        Column("ridge_ha", "其中田坎", "of which field ridges", "ha"),
        Column("construction_ha", "建设用地", "construction", "ha"),
        Column("unused_ha", "未利用地", "unused", "ha"),
    ]

    def sums(frame: pd.DataFrame) -> dict[str, float]:
        agri = frame["category"] == "农用地"
        return {
            "total_ha": (frame["net"].sum() + frame["ridge"].sum()) / M2_PER_HA,
            "agri_ha": (frame.loc[agri, "net"].sum() + frame["ridge"].sum()) / M2_PER_HA,
            "cultivated_ha": frame.loc[frame["level1"] == "01", "net"].sum() / M2_PER_HA,
            "ridge_ha": frame["ridge"].sum() / M2_PER_HA,
            "construction_ha": frame.loc[frame["category"] == "建设用地", "net"].sum() / M2_PER_HA,
            "unused_ha": frame.loc[frame["category"] == "未利用地", "net"].sum() / M2_PER_HA,
        }

    rows = _Rows()
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    shown = classes.rounded
    for site_id in result.site_ids:
        part = data[data["site_id"] == site_id]
        if part.empty:
            continue
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            unit_code="",
            unit_name=label("total", lang),
            **sums(part),
        )
        # the totals read as in the land-class table
        site = shown[shown["site_id"] == site_id].set_index("_key")["ha"]
        groups = site[site.index.str.startswith("category:")]
        anchors = {
            "total_ha": float(groups.sum()),
            "agri_ha": site.get("category:农用地", 0.0),
            "cultivated_ha": site.get("level1:01", 0.0),
            "ridge_ha": site.get("ridges", 0.0),
            "construction_ha": site.get("category:建设用地", 0.0),
            "unused_ha": site.get("category:未利用地", 0.0),
        }
        for column, value in anchors.items():
            fixed[column][root] = round(float(value), DECIMALS["ha"])
        for (code, name), unit in part.groupby(["unit_code", "unit_name"], sort=True):
            rows.add(root, 1, "row", site_id=site_id, unit_code=code, unit_name=name, **sums(unit))
    title = "占用地类面积统计表（按权属单位）" if zh else "Land-use classes by village"
    note = (
        "农用地含田坎；各列分别修约，列内各行之和等于合计。"
        if zh
        else "Agricultural land includes field ridges; each column is rounded so its rows add up."
    )
    return ReportTable(
        "land_by_unit", title, lang, columns, rows.frame(columns), note, fixed=dict(fixed)
    )


def _overlap_listing(result: CheckResult, lang: str, kind: str) -> ReportTable | None:
    """Permanent farmland or ecological redline: total per site, then each feature piece."""
    zh = lang == "zh"
    key = _first_layer(result, kind)
    if key is None:
        return None
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("feature_id", "图斑编号", "feature"),
        Column("code", "代码", "code"),
        Column("name", "名称", "name"),
        Column("admin", "坐落", "location"),
        *_area_columns(),
        Column("m2", "面积", "area", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    pieces = _pieces(result, key)
    rows = _Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        status = _layer_status(result, site_id, key)
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
            **_areas(m2),
            m2=m2,
            share=view.share,
            status=status_label(status, lang) if status else "",
        )
        site_area = _method_m2(result, *_site_area(result, position))
        part = pieces[pieces["site_id"] == site_id]
        for piece in part.itertuples(index=False):
            piece_m2 = _method_m2(result, piece.planar_m2, piece.ellipsoidal_m2)
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                feature_id=piece.feature_id,
                code=piece.code,
                name=piece.name,
                admin=piece.admin,
                **_areas(piece_m2),
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
        *_area_columns(),
        Column("m2", "面积", "area", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
    ]


def _urban_boundary(result: CheckResult, lang: str) -> ReportTable | None:
    zh = lang == "zh"
    key = _first_layer(result, "urban_boundary")
    if key is None:
        return None
    columns = _zone_columns()
    pieces = _pieces(result, key)
    rows = _Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = _method_m2(result, *_site_area(result, position))
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            item="合计（项目用地）" if zh else "Total (site)",
            code="",
            **_areas(site_m2),
            m2=site_m2,
            share=1.0,
        )
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
            **_areas(inside),
            m2=inside,
            share=view.share,
        )
        part = pieces[pieces["site_id"] == site_id]
        if not part.empty and (part["code"] != "").any():
            part = part.assign(
                m2=[
                    _method_m2(result, p, e)
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
                    **_areas(m2),
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
            **_areas(outside),
            m2=outside,
            share=outside / site_m2 if site_m2 > 0 else np.nan,
        )
    title = "城镇开发边界内外面积表" if zh else "Inside and outside the urban development boundary"
    return ReportTable("urban_boundary", title, lang, columns, rows.frame(columns))


def _planning(result: CheckResult, lang: str) -> ReportTable | None:
    zh = lang == "zh"
    key = _first_layer(result, "planning_zone")
    if key is None:
        return None
    columns = _zone_columns([Column("conformity", "符合性", "conformity")])
    columns.insert(2, columns.pop(3))
    rows = _Rows()
    for position, site_id in enumerate(result.site_ids):
        view = result.layer(site_id, key)
        site_m2 = _method_m2(result, *_site_area(result, position))
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            item="合计（项目用地）" if zh else "Total (site)",
            code="",
            conformity="",
            **_areas(site_m2),
            m2=site_m2,
            share=1.0,
        )
        classes = view.classes
        if not classes.empty:
            conformity = classes.get("conformity", pd.Series("", index=classes.index))
            conformity = conformity.astype("string").fillna("")
            for value in ("conforms", "needs_adjustment", "conflict", ""):
                members = classes[conformity == value]
                if members.empty:
                    continue
                text = CONFORMITY[value][1 if not zh else 0]
                m2 = _method_m2(
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
                    **_areas(m2),
                    m2=m2,
                    share=m2 / site_m2 if site_m2 > 0 else np.nan,
                )
                for code, row in members.sort_index().iterrows():
                    m2 = _method_m2(result, float(row["planar_m2"]), float(row["ellipsoidal_m2"]))
                    rows.add(
                        group,
                        2,
                        "row",
                        site_id=site_id,
                        item=_class_name(row, str(code), lang),
                        code=str(code),
                        conformity=text,
                        **_areas(m2),
                        m2=m2,
                        share=m2 / site_m2 if site_m2 > 0 else np.nan,
                    )
        uncovered = view.uncovered.m2
        if uncovered >= _VISIBLE_M2 or not view.available:
            rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                item=label("uncovered" if view.available else "unavailable", lang),
                code="",
                conformity="",
                **_areas(uncovered),
                m2=uncovered,
                share=uncovered / site_m2 if site_m2 > 0 else np.nan,
            )
    title = "规划分区符合性表" if zh else "Conformity with the planning zones"
    return ReportTable("planning", title, lang, columns, rows.frame(columns))


def _layers(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("layer", "图层", "layer"),
        Column("title", "图层名称", "layer title"),
        Column("available", "是否检查", "checked"),
        *_area_columns("叠加面积", "overlap"),
        Column("m2", "叠加面积", "overlap", "m2"),
        Column("share", "占项目用地比例", "share of the site", "share"),
        Column("status", "审查结论", "status"),
    ]
    rows = _Rows()
    for site_id in result.site_ids:
        for key in result.profile.layers:
            view = result.layer(site_id, key)
            status = _layer_status(result, site_id, key)
            m2 = view.overlap.m2 if view.available else np.nan
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                layer=key,
                title=_layer_title(result, key, lang),
                available=label("yes" if view.available else "no", lang),
                **_areas(m2),
                m2=m2,
                share=view.share if view.available else np.nan,
                status=status_label(status, lang) if status else "",
            )
    title = "各图层叠加面积表" if zh else "Overlap with every layer"
    return ReportTable("layers", title, lang, columns, rows.frame(columns))


def _findings(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("check", "审查事项", "check"),
        Column("status", "结论", "status"),
        *_area_columns("涉及面积", "area"),
        Column("message", "审查意见", "finding", wide=True),
        Column("basis", "依据", "legal basis", wide=True),
        Column("documents", "须提交材料", "documents required", wide=True),
    ]
    rows = _Rows()
    sep = "\n"
    for site_id in result.site_ids:
        for finding in result.site_findings(site_id):
            data = finding.to_dict()
            rows.add(
                -1,
                0,
                "row",
                site_id=site_id,
                check=finding.title.get(lang),
                status=status_label(finding.status, lang),
                _status=finding.status,
                **_areas(finding.area.m2),
                message=finding.message.get(lang),
                basis=sep.join(data["basis"] if zh else data["basis_en"]),
                documents=sep.join(data["documents"] if zh else data["documents_en"]),
            )
    title = "审查意见" if zh else "Findings"
    return ReportTable("findings", title, lang, columns, rows.frame(columns, extra=["_status"]))


def _documents(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [
        Column("site_id", "项目编号", "site"),
        Column("number", "序号", "no.", "int"),
        Column("document", "材料名称", "document", wide=True),
    ]
    rows = _Rows()
    for site_id in result.site_ids:
        for number, document in enumerate(result.documents(site_id), 1):
            rows.add(-1, 0, "row", site_id=site_id, number=number, document=document.get(lang))
    title = "须提交材料清单" if zh else "Documents required"
    return ReportTable("documents", title, lang, columns, rows.frame(columns))


def _inputs(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [
        Column("key", "图层", "layer"),
        Column("title", "名称", "title"),
        Column("status", "状态", "status"),
        Column("path", "文件", "file", wide=True),
        Column("layer", "文件内图层", "layer in file"),
        Column("crs", "坐标系", "CRS"),
        Column("features_read", "读取要素数", "features read", "int"),
        Column("repaired", "修复几何数", "geometries repaired", "int"),
        Column("sha256", "SHA-256", "SHA-256"),
        Column("detail", "说明", "notes", wide=True),
    ]
    rows = _Rows()
    for record in result.inputs:
        data = record.to_dict()
        if record.role == "sites":
            title = "项目用地" if zh else "sites"
        elif record.role == "coverage":
            title = (result.profile.coverage or CoverageSpec("")).title.get(lang)
        else:
            title = _layer_title(result, record.key, lang)
        rows.add(
            -1,
            0,
            "row",
            key=record.key,
            title=title,
            status=record.status,
            path=data.get("path")
            or (("（内存数据）" if zh else "(in memory)") if record.status == "ok" else ""),
            layer=data.get("layer") or "",
            crs=data.get("crs") or "",
            features_read=data.get("features_read", 0),
            repaired=data.get("repaired", 0),
            sha256=data.get("sha256") or "",
            detail=record.detail,
        )
    title = "输入数据" if zh else "Inputs"
    return ReportTable("inputs", title, lang, columns, rows.frame(columns))


def run_facts(result: CheckResult, lang: str) -> list[tuple[str, str]]:
    """Provenance of the run as (label, value) pairs, in the report language."""
    zh = lang == "zh"
    analysis = result.profile.analysis
    method = label(result.area_method, lang)
    facts = [
        ("landcheck 版本" if zh else "landcheck version", result.to_dict()["landcheck_version"]),
        ("运行时间" if zh else "run at", result.created.isoformat(timespec="seconds")),
        (
            "审查配置" if zh else "profile",
            f"{result.profile.name} {result.profile.version}"
            + (f"（{result.profile.origin}）" if zh else f" ({result.profile.origin})")
            if result.profile.origin
            else f"{result.profile.name} {result.profile.version}",
        ),
        (
            "分析坐标系" if zh else "analysis CRS",
            f"{crs_label(result.analysis_crs)} {result.analysis_crs.name}",
        ),
        ("坐标系选择依据" if zh else "why this CRS", result.crs_reason),
        (
            "面积计算方法" if zh else "area method",
            f"{method}（平面面积与椭球面积均计算，结论按{method}）"
            if zh
            else f"{result.area_method} (planar and ellipsoidal both computed; findings use "
            f"{result.area_method})",
        ),
        (
            "细小重叠容差" if zh else "sliver tolerance",
            (
                f"面积 < {analysis.sliver_area_m2:g} 平方米，"
                f"或平均宽度 < {analysis.sliver_width_m:g} 米"
            )
            if zh
            else (
                f"area < {analysis.sliver_area_m2:g} m², "
                f"or mean width < {analysis.sliver_width_m:g} m"
            ),
        ),
        (
            "面积单位" if zh else "units",
            "1 公顷 = 10000 平方米；1 亩 = 2000/3 平方米；公顷保留 4 位小数，亩保留 2 位小数"
            if zh
            else "1 ha = 10,000 m²; 1 mu = 2000/3 m²; ha to 4 dp, mu to 2 dp",
        ),
    ]
    for warning in result.warnings:
        facts.append(("提示" if zh else "warning", warning))
    return facts


def _run(result: CheckResult, lang: str) -> ReportTable:
    zh = lang == "zh"
    columns = [Column("item", "项目", "item"), Column("value", "内容", "value", wide=True)]
    rows = _Rows()
    for item, value in run_facts(result, lang):
        rows.add(-1, 0, "row", item=item, value=value)
    title = "运行参数与数据来源" if zh else "Run and provenance"
    return ReportTable("run", title, lang, columns, rows.frame(columns))


def report_tables(result: CheckResult, lang: str = "zh") -> dict[str, ReportTable]:
    """Build the reviewer's tables of a result, in report order.

    Parameters
    ----------
    result : CheckResult
        What to report.
    lang : {"zh", "en"}
        Language of titles, headers and texts.

    Returns
    -------
    dict of str to ReportTable
        ``summary`` (all sites), ``basic`` (项目用地基本情况表), ``land_classes``
        (占用地类面积统计表), ``land_by_unit`` (by village, where the land-use
        layer names its units), ``farmland`` (永久基本农田), ``eco_redline``
        (生态保护红线), ``urban_boundary`` (城镇开发边界内外), ``planning``
        (规划分区符合性), ``layers`` (every layer's overlap), ``findings``
        (with legal basis and documents), ``documents``, ``inputs`` and
        ``run`` (provenance). Tables whose layer kind the profile lacks are
        left out.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    classes = _land_classes(result, lang)
    built: list[ReportTable | None] = [
        _summary(result, lang),
        _basic(result, lang),
        classes,
        _by_unit(result, lang, classes),
        _overlap_listing(result, lang, "permanent_farmland"),
        _overlap_listing(result, lang, "eco_redline"),
        _urban_boundary(result, lang),
        _planning(result, lang),
        _layers(result, lang),
        _findings(result, lang),
        _documents(result, lang),
        _inputs(result, lang),
        _run(result, lang),
    ]
    return {table.key: table for table in built if table is not None}
