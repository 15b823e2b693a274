"""The land-use tables: the classes a site takes (占用地类面积统计表), and the same by village.

Both read the land-use roll-up (:mod:`landcheck.rollup`), as findings.json
does: the class table walks its lines (三大类 → 一级类 → 二级类, field ridges
apart), the village table rolls up each village's share of the site. The rows
the findings state (三大类, 耕地, 田坎) read as their messages give them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from landcheck.groupsums import RowGroups, text_ranks
from landcheck.labels import CATEGORY_EN, LEVEL1_EN, label
from landcheck.measure import Rows as ClassTable
from landcheck.measure import SiteLayer
from landcheck.result import CheckResult
from landcheck.rollup import (
    CATEGORIES,
    CULTIVATED,
    NO_LINES,
    ClassSum,
    RollupLine,
    SiteLines,
    line_mask,
    ridge_mask,
    site_lines,
)
from landcheck.tables.lookups import (
    VISIBLE_M2,
    area_columns,
    class_name,
    first_layer,
    layer_title,
    m2_values,
    method_m2,
    rest_alone,
    show_as,
    shown_alone,
    site_areas,
)
from landcheck.tables.table import (
    DECIMALS,
    UNITS,
    Column,
    ReportTable,
    Rows,
    as_text,
    site_positions,
)
from landcheck.units import M2_PER_HA, AreaMethod

__all__ = ["land_by_unit_table", "land_class_table"]

_NO_ROWS = np.empty(0, dtype=int)

_LEVELS = {
    "total": ("合计", "total"),
    "category": ("三大类", "category"),
    "level1": ("一级类", "level 1"),
    "level2": ("二级类", "level 2"),
    "other": ("其他", "other"),
}
"""The words of the level column."""

_LINE_LEVELS = {
    "category": "category",
    "unclassified": "other",
    "level1": "level1",
    "class": "level2",
    "ridges": "level2",
}
"""A roll-up line's kind → its level.

Field ridges are a level-2 class (三调 1203 of 12 其他土地, 用地用海 2303 of 23), listed
apart under the category they count in, beside its level-1 classes (:func:`_ridge_note`).
"""

_NAME_COLUMNS = ("name", "name_en", "table_code")
"""The columns of a class line's class that name it (:func:`class_name`)."""

_CODE_COLUMNS = ("category", "level1", "table_code")
"""The code table's columns the village rows take from their site's classes."""


def _level(key: str, lang: str) -> str:
    zh, en = _LEVELS[key]
    return en if lang == "en" else zh


def _land_class_columns(survey: bool) -> list[Column]:
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("label", "地类", "land class"),
        Column("code", "地类编码", "code"),
        Column("level", "层级", "level"),
        *area_columns(),
        Column("planar_m2", "平面面积", "planar area", "m2"),
        Column("ellipsoidal_m2", "椭球面积", "ellipsoidal area", "m2"),
    ]
    if survey:
        columns.append(
            Column("survey_m2", "图斑面积分摊（TBMJ）", "survey area share (TBMJ)", "m2")
        )
    return columns


def _class_values(result: CheckResult, total: ClassSum) -> dict[str, float]:
    return {
        **m2_values(result, total.planar_m2, total.ellipsoidal_m2),
        "survey_m2": total.survey_m2,
    }


_LEVEL1_ONLY = ("（编码仅到一级，未细分）", " (coded at level 1 only, not split)")
"""What a class coded at level 1 alone adds to its name (zh, en)."""


def _line_label(line: RollupLine, lang: str) -> str:
    """What a roll-up line is called in the table."""
    if line.kind == "category":
        category = str(line.first("category"))
        return CATEGORY_EN.get(category, category) if lang == "en" else category
    if line.kind == "unclassified":
        return label(_unclassified_key(line), lang)
    if line.kind == "class" and not line.code:
        return label("blank_code", lang)
    if line.kind == "ridges":
        return label("tiankan", lang)
    if line.kind == "level1":
        return _level1_name(line, line.code, lang)
    return class_name({c: line.first(c) for c in _NAME_COLUMNS}, line.code, lang)


def _unclassified_key(line: RollupLine) -> str:
    """The label of the classes in no 三大类: sea use (codes the table knows), unknown codes, both.

    The 用地用海 2023 table gives its sea use (18–22, 24) no 三大类 (LAL art. 4 divides
    land); the classes of codes it does not know have none either.
    """
    known = {bool(as_text(member.first("table_code"))) for member in line.lines}
    if known == {True}:
        return "sea_use"
    return "sea_use_unclassified" if True in known else "unclassified"


def _level1_name(line: RollupLine, code: str, lang: str) -> str:
    """The name of the level-1 class ``code`` of a line's classes."""
    name = as_text(line.first("level1_name")) or code
    if lang == "en":
        return as_text(line.first("level1_name_en")) or LEVEL1_EN.get(code, name)
    return name


def _stated(line: RollupLine) -> bool:
    """Whether a finding states the line's area, rounded on its own.

    The 三大类 (the conversion finding's 农用地, 建设用地, 未利用地), 耕地 and its
    田坎 (the cultivated-land finding).
    """
    return line.kind in ("category", "ridges") or (
        line.kind == "level1" and line.code == CULTIVATED
    )


def _ridge_note(category: RollupLine, ridges: RollupLine, lang: str) -> str:
    """Where field ridges count: the level-2 class of 其他土地, counted in their category.

    Examples
    --------
    >>> import pandas as pd
    >>> from landcheck.rollup import LandUseRollup
    >>> classes = pd.DataFrame(
    ...     {"planar_m2": [9.0, 1.0], "ellipsoidal_m2": [9.0, 1.0], "category": ["农用地"] * 2,
    ...      "level1": ["01", "12"], "level1_name": ["耕地", "其他土地"],
    ...      "table_code": ["0103", "1203"]}, index=["0103", "1203"])
    >>> farm = LandUseRollup(classes).lines[0]
    >>> _ridge_note(farm, farm.lines[-1], "zh")
    '田坎（1203）为 12 其他土地的二级类，计入农用地，单列于农用地之下，不在 12 一级类行内。'
    """
    where = _line_label(category, lang)
    level1 = as_text(ridges.first("level1"))
    if not level1:
        if lang == "en":
            return f" Field ridges ({ridges.code}) count in {where}, listed apart under it."
        return f"田坎（{ridges.code}）计入{where}，单列于其下。"
    name = _level1_name(ridges, level1, lang)
    if lang == "en":
        return (
            f" Field ridges ({ridges.code}) are a level-2 class of {level1} {name}, counted in "
            f"{where}: listed apart under it, not in the line of {level1}."
        )
    return (
        f"田坎（{ridges.code}）为 {level1} {name}的二级类，计入{where}，"
        f"单列于{where}之下，不在 {level1} 一级类行内。"
    )


def _add_lines(
    rows: Rows,
    fixed: dict[str, dict[int, float]],
    parent: int,
    depth: int,
    site_id: str,
    lines: tuple[RollupLine, ...],
    result: CheckResult,
    lang: str,
    parent_code: str | None = None,
) -> None:
    """Add roll-up lines under ``parent`` (coded ``parent_code``), each followed by its own.

    A class coded at level 1 alone (用地用海 2023 ``01``) sits under its level-1 line with
    the same code: it says so, or the table reads as that land listed twice. A line a
    finding states (:func:`_stated`) is shown rounded on its own, as the message gives
    it (in ``fixed``); its siblings take up the difference.
    """
    for line in lines:
        label = _line_label(line, lang)
        if line.kind == "class" and line.code and line.code == parent_code:
            label += _LEVEL1_ONLY[lang == "en"]
        position = rows.add(
            parent,
            depth,
            "row" if line.kind in ("class", "ridges") else "group",
            site_id=site_id,
            code=line.code,
            label=label,
            level=_level(_LINE_LEVELS[line.kind], lang),
            _key=line.key,
            **_class_values(result, line.total),
        )
        if _stated(line):
            m2 = method_m2(result, line.total.planar_m2, line.total.ellipsoidal_m2)
            show_as(fixed, position, shown_alone(m2))
        _add_lines(rows, fixed, position, depth + 1, site_id, line.lines, result, lang, line.code)


def land_class_table(result: CheckResult, lang: str) -> ReportTable:
    """占用地类面积统计表: per site, its area by 三大类, level-1 class and class, 田坎 apart."""
    zh = lang == "zh"
    key = first_layer(result, "land_use")
    survey = key is not None and _survey_shares(result, key)
    columns = _land_class_columns(survey)
    rows = Rows()
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    areas = site_areas(result)
    lines_by_table: dict[tuple[ClassTable, str], dict[int, SiteLines]] = {}
    ridge_note = ""
    for position, site_id in enumerate(result.site_ids):
        planar, ellipsoidal = areas[position]
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            code="",
            level=_level("total", lang),
            label="合计（项目用地面积）" if zh else "Total (site area)",
            _key="total",
            **m2_values(result, planar, ellipsoidal),
            survey_m2=float("nan"),
        )
        if key is None:
            continue
        view = result.layer(site_id, key)
        total, lines = _lines(view, lines_by_table)
        rows.rows[root]["survey_m2"] = total.survey_m2
        _add_lines(rows, fixed, root, 1, site_id, lines, result, lang)
        ridge_note = ridge_note or _ridges_note(lines, lang)
        uncovered = view.uncovered
        if uncovered.m2 >= VISIBLE_M2 or not view.available:
            text = label("uncovered" if view.available else "unavailable", lang)
            rest = rows.add(
                root,
                1,
                "row",
                site_id=site_id,
                code="",
                label=text,
                level=_level("other", lang),
                _key="uncovered",
                **m2_values(result, uncovered.planar_m2, uncovered.ellipsoidal_m2),
                survey_m2=float("nan"),
            )
            # the classes add up to the survey's overlap as the layers table shows it
            site_m2 = method_m2(result, planar, ellipsoidal)
            overlap_m2 = view.overlap.m2 if view.available else 0.0
            show_as(fixed, rest, rest_alone(site_m2, overlap_m2))
    title = "占用地类面积统计表" if zh else "Land-use classes taken"
    layer = layer_title(result, key, lang) if key else ""
    note = (
        f"数据：{layer}。地类面积已按扣除系数扣除田坎，田坎单列；三大类 → 一级类 → 二级类。"
        f"{ridge_note}公顷、亩按{label(result.area_method, lang)}计。三大类、耕地和田坎各自修约，"
        "与审查意见所列同一面积一致；其余各行修约后补足差额，使各项之和等于合计（耕地之下各类"
        "之和等于耕地）。"
        if zh
        else f"Data: {layer}. Class areas are net of field ridges (listed separately); "
        f"category → level 1 → level 2.{ridge_note} Hectares and mu are {result.area_method} "
        "areas. Categories, cultivated land and field ridges are each rounded on their own, as "
        "the findings state the same areas; the other rows take up the difference so that the "
        "parts add up to their totals (the kinds of cultivated land to it)."
    )
    frame = rows.frame(columns, extra=["_key"])
    table = ReportTable("land_classes", title, lang, columns, frame, note, fixed=dict(fixed))
    table.site_notes = _rows_apart(table)
    return table


def _ridges_note(lines: tuple[RollupLine, ...], lang: str) -> str:
    """:func:`_ridge_note` of a site's first field ridges ("" when it has none)."""
    for category in lines:
        for line in category.lines:
            if line.kind == "ridges":
                return _ridge_note(category, line, lang)
    return ""


def _rows_apart(table: ReportTable) -> dict[str, str]:
    """Per site, the sentence on its totals whose rows shown do not add up to them.

    Rows shown rounded on their own (:func:`_stated`, the rest of the site beyond
    the survey) cannot take up a difference: the three categories of a site of
    thirds show 0.3333 each under its 0.9998, as the findings state them.
    """
    shown = table.rounded
    en = table.lang == "en"
    by_row: dict[int, list[str]] = defaultdict(list)
    for row, column, added in table.parts_apart():
        decimals = DECIMALS[column.kind]
        unit = UNITS[column.kind][en]
        total = f"{shown[column.key].iat[row]:.{decimals}f} {unit}"
        rows = f"{added:.{decimals}f} {unit}"
        by_row[row].append(f"{total} (its rows {rows})" if en else f"{total}（各行之和 {rows}）")
    by_site: dict[str, list[str]] = defaultdict(list)
    for row, texts in by_row.items():
        joined = (" and " if en else "、").join(texts)
        by_site[shown["site_id"].iat[row]].append(f"{shown['label'].iat[row]} {joined}")
    if en:
        lead, between, end = ": rows rounded on their own do not add up to their total: ", "; ", "."
    else:
        lead, between, end = "：各自修约的各行之和与其合计不等，", "；", "。"
    return {site: site + lead + between.join(items) + end for site, items in by_site.items()}


def _lines(
    view: SiteLayer, lines_by_table: dict[tuple[ClassTable, str], dict[int, SiteLines]]
) -> SiteLines:
    """A site's land-use total and lines, from its class table's lines made once for all sites."""
    table = view.class_table
    if table is None:
        return NO_LINES
    key = (table, view.ridge_code)
    made = lines_by_table.get(key)
    if made is None:
        made = lines_by_table[key] = site_lines(table, view.ridge_code)
    return made.get(view.position, NO_LINES)


def _unit_classes(result: CheckResult, key: str, pieces: pd.DataFrame) -> pd.DataFrame:
    """The land-use pieces as class rows of their village: net areas, then field ridges.

    One row per piece with its class code (index) and areas net of field
    ridges, and one per piece with its classification's ridge code (三调 1203)
    and its field ridges; ``site_id``, ``unit_code`` and ``unit_name`` say
    whose they are (``_site``: the site's position), and the site's classes give
    each code its ``category``, ``level1`` and ``table_code``; ``_ridge_code`` is
    the ridge code of the site's classification.
    """
    ids = result.sites["site_id"].to_numpy()
    deduction = (
        np.nan_to_num(pieces["_deduction"].to_numpy(dtype=float))
        if "_deduction" in pieces
        else np.zeros(len(pieces))
    )
    codes = (
        pieces["_code"].astype("string").fillna("").to_numpy(dtype=object)
        if "_code" in pieces
        else np.full(len(pieces), "", dtype=object)
    )
    unit_code = pieces["_admin_code"] if "_admin_code" in pieces else pieces["_admin"]
    unit_name = pieces["_admin"] if "_admin" in pieces else pieces["_admin_code"]
    site_ids = ids[pieces["site"].to_numpy()]
    owners = {
        "site_id": np.concatenate([site_ids, site_ids]),
        "unit_code": np.tile(unit_code.astype("string").fillna("").to_numpy(dtype=object), 2),
        "unit_name": np.tile(unit_name.astype("string").fillna("").to_numpy(dtype=object), 2),
    }
    ridge_of = {site_id: result.layer(site_id, key).ridge_code for site_id in set(site_ids)}
    ridges = np.array([ridge_of[site_id] for site_id in site_ids], dtype=object)
    owners["_site"] = np.tile(pieces["site"].to_numpy(), 2)
    owners["_ridge_code"] = np.tile(ridges, 2)
    codes = np.concatenate([codes, ridges])
    areas = {}
    for column in ("planar_m2", "ellipsoidal_m2"):
        gross = pieces[f"counted_{column}"].to_numpy(dtype=float)
        areas[column] = np.concatenate([gross * (1 - deduction), gross * deduction])
    labels = _class_labels(result, key)
    found = [
        labels.get(owner, ("", "", "")) for owner in zip(owners["site_id"], codes, strict=True)
    ]
    frame = pd.DataFrame({**owners, **areas}, index=pd.Index(codes, name="code"))
    for position, column in enumerate(_CODE_COLUMNS):
        frame[column] = np.array([entry[position] for entry in found], dtype=object)
    return frame


def _class_labels(result: CheckResult, key: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """(site id, class code) → its :data:`_CODE_COLUMNS` in the layer's classes.

    Read from each site's class rows (numpy slices), not from a table of every
    site's classes.
    """
    labels: dict[tuple[str, str], tuple[str, ...]] = {}
    for site_id in result.site_ids:
        rows = result.layer(site_id, key).class_rows
        if not len(rows) or rows.rows is None or not rows.rows.index:
            continue
        columns = [
            rows.column(c) if rows.has(c) else np.full(len(rows), "", dtype=object)
            for c in _CODE_COLUMNS
        ]
        codes = rows.column(rows.rows.index)
        for code, *values in zip(codes, *columns, strict=True):
            labels[(str(site_id), str(code))] = tuple(as_text(value) for value in values)
    return labels


def _survey_shares(result: CheckResult, key: str) -> bool:
    """Whether any site's classes of the layer carry a share of the survey areas (TBMJ)."""
    for site_id in result.site_ids:
        rows = result.layer(site_id, key).class_rows
        if len(rows) and rows.has("survey_m2") and pd.notna(rows.column("survey_m2")).any():
            return True
    return False


_UNIT_LINES = {
    "total_ha": ("total", ""),
    "agri_ha": ("category", CATEGORIES[0]),
    "cultivated_ha": ("cultivated", CULTIVATED),
    "ridge_ha": ("ridges", ""),
    "construction_ha": ("category", CATEGORIES[1]),
    "unused_ha": ("category", CATEGORIES[2]),
}
"""The village table's columns: the roll-up line each sums (:func:`landcheck.rollup.line_mask`)."""


class _UnitSums:
    """The village table's hectares for every site and every village of a site, summed at once.

    A group adds its rows in the order of ``data`` (:func:`_unit_classes`), so
    each sum is the float a roll-up of the group's rows gives
    (:class:`~landcheck.groupsums.RowGroups`).
    """

    def __init__(self, result: CheckResult, data: pd.DataFrame):
        codes = np.array([str(code) for code in data.index], dtype=object)
        labels = {column: data[column].to_numpy(dtype=object) for column in _CODE_COLUMNS}
        ridge = ridge_mask(codes, labels, data["_ridge_code"].to_numpy(dtype=object))
        method = result.profile.analysis.area_method
        column = "planar_m2" if method is AreaMethod.PLANAR else "ellipsoidal_m2"
        area = data[column].to_numpy(dtype=float)
        self._known = ~np.isnan(area)
        self._filled = np.where(self._known, area, 0.0)
        self._masks = {name: line_mask(labels, ridge, *line) for name, line in _UNIT_LINES.items()}
        site = data["_site"].to_numpy()
        unit_code, unit_name = (data[c].to_numpy(dtype=object) for c in ("unit_code", "unit_name"))
        self.sites = RowGroups([site])
        """The rows of each site with pieces, in site order."""
        self.units = RowGroups([site, text_ranks(unit_code), text_ranks(unit_name)])
        """The rows of each village of each site: by site, unit code, unit name."""
        self.site_positions = self.sites.key(site).tolist()
        """Each site's position among the result's sites."""
        self.unit_owners = list(
            zip(*(self.units.key(v).tolist() for v in (site, unit_code, unit_name)), strict=True)
        )
        """Each village's site position, unit code and unit name."""

    def hectares(self, groups: RowGroups) -> list[dict[str, float]]:
        """Each group's :data:`_UNIT_LINES` in hectares."""
        columns = {
            name: (
                groups.sums(self._filled, known=self._known, mask=mask, missing=0.0) / M2_PER_HA
            ).tolist()
            for name, mask in self._masks.items()
        }
        return [
            dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True)
        ]


def land_by_unit_table(result: CheckResult, lang: str, classes: ReportTable) -> ReportTable | None:
    """Land-use classes by village (权属单位): rows by unit, columns by category.

    Each site's totals read as in ``classes``, the land-class table; None when
    the land-use layer names no units.
    """
    zh = lang == "zh"
    key = first_layer(result, "land_use")
    pieces = result.pieces.get(key) if key else None
    if (
        pieces is None
        or len(pieces) == 0
        or ("_admin_code" not in pieces and "_admin" not in pieces)
    ):
        return None
    data = _unit_classes(result, key, pieces)
    columns = [
        Column("site_id", "用地编号", "site"),
        Column("unit_code", "权属单位代码", "unit code"),
        Column("unit_name", "权属单位名称", "unit"),
        Column("total_ha", "合计", "total", "ha"),
        Column("agri_ha", "农用地", "agricultural", "ha"),
        Column("cultivated_ha", "其中耕地", "of which cultivated", "ha"),
        Column("ridge_ha", "其中田坎", "of which field ridges", "ha"),
        Column("construction_ha", "建设用地", "construction", "ha"),
        Column("unused_ha", "未利用地", "unused", "ha"),
    ]
    rows = Rows()
    fixed: dict[str, dict[int, float]] = defaultdict(dict)
    shown = classes.rounded
    shown_by_site = site_positions(shown)
    shown_keys = shown["_key"].to_numpy(dtype=object)
    shown_ha = shown["ha"].to_numpy(dtype=float)
    sums = _UnitSums(result, data)
    villages: dict[int, list[tuple[str, str, dict[str, float]]]] = defaultdict(list)
    for (at, code, name), values in zip(sums.unit_owners, sums.hectares(sums.units), strict=True):
        villages[at].append((code, name, values))
    agricultural, construction, unused = CATEGORIES
    site_ids = result.site_ids
    for at, values in zip(sums.site_positions, sums.hectares(sums.sites), strict=True):
        site_id = site_ids[at]
        root = rows.add(
            -1,
            0,
            "total",
            site_id=site_id,
            unit_code="",
            unit_name=label("total", lang),
            **values,
        )
        # the totals read as in the land-class table
        positions = shown_by_site.get(site_id, _NO_ROWS)
        site = dict(zip(shown_keys[positions].tolist(), shown_ha[positions], strict=True))
        anchors = {  # the survey's overlap: the site less the rest not covered, as shown
            "total_ha": site["total"] - site.get("uncovered", 0.0),
            "agri_ha": site.get(f"category:{agricultural}", 0.0),
            "cultivated_ha": site.get(f"level1:{CULTIVATED}", 0.0),
            "ridge_ha": site.get("ridges", 0.0),
            "construction_ha": site.get(f"category:{construction}", 0.0),
            "unused_ha": site.get(f"category:{unused}", 0.0),
        }
        for column, value in anchors.items():
            fixed[column][root] = round(float(value), DECIMALS["ha"])
        for code, name, unit in villages[at]:
            rows.add(root, 1, "row", site_id=site_id, unit_code=code, unit_name=name, **unit)
    title = "占用地类面积统计表（按权属单位）" if zh else "Land-use classes by village"
    note = (
        "农用地含田坎；各列分别修约，列内各行之和等于合计。"
        if zh
        else "Agricultural land includes field ridges; each column is rounded so its rows add up."
    )
    return ReportTable(
        "land_by_unit", title, lang, columns, rows.frame(columns), note, fixed=dict(fixed)
    )
