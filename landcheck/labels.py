"""Bilingual labels of the human-readable outputs: the tables, the reports, maps and notebooks.

Every label is a ``(zh, en)`` pair; :func:`label` picks one by language.

Examples
--------
>>> label("prohibited", "zh"), label("prohibited", "en")
('禁止', 'prohibited')
"""

from __future__ import annotations

__all__ = [
    "CATEGORY_EN",
    "CONFORMITY",
    "LABELS",
    "LANGUAGES",
    "LEVEL1_EN",
    "label",
    "status_label",
]

LANGUAGES = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # statuses, worst first
    "prohibited": ("禁止", "prohibited"),
    "unknown": ("无法判定", "unknown"),
    "conditional": ("有条件", "conditional"),
    "info": ("提示", "note"),
    "not_involved": ("不涉及", "not involved"),
    # units
    "ha": ("公顷", "ha"),
    "mu": ("亩", "mu"),
    "m2": ("平方米", "m²"),
    "share": ("%", "%"),
    # words
    "total": ("合计", "Total"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "inside": ("边界内", "inside the boundary"),
    "outside": ("边界外", "outside the boundary"),
    "uncovered": ("图层未覆盖", "not covered by the layer"),
    "unclassified": ("代码未识别", "unknown codes"),
    "sea_use": ("用海", "sea use"),
    "sea_use_unclassified": ("用海及代码未识别", "sea use and unknown codes"),
    "blank_code": ("无地类编码", "no class code"),
    "unavailable": ("图层未提供或不可用，无法判定", "layer missing or unusable: not checked"),
    "not_involved_text": ("不涉及", "not involved"),
    "tiankan": ("田坎", "field ridges"),
    "planar": ("平面面积", "planar area"),
    "ellipsoidal": ("椭球面积", "ellipsoidal area"),
    "site": ("项目用地", "site"),
    "other_sites": ("其他项目用地", "other sites"),
    "linear": ("线性工程", "linear project"),
}
"""Key → (Chinese, English)."""

CONFORMITY: dict[str, tuple[str, str]] = {
    "conforms": ("符合", "conforms"),
    "needs_adjustment": ("需调整规划", "needs plan adjustment"),
    "conflict": ("不符合", "conflicts"),
    "unknown": ("无法据分区代码判定", "not known from the zone code"),
    "": ("未识别", "unknown zone"),
}
"""Planning-zone conformity (code table column ``conformity``) → labels."""

CATEGORY_EN = {
    "农用地": "agricultural land",
    "建设用地": "construction land",
    "未利用地": "unused land",
}
"""三大类 (the three land categories of the Land Administration Law) in English."""

LEVEL1_EN = {
    "00": "wetland",
    "01": "cultivated land",
    "02": "plantation land",
    "03": "forest land",
    "04": "grassland",
    "05": "commercial and service land",
    "06": "industrial, mining and storage land",
    "07": "residential land",
    "08": "public administration and service land",
    "09": "special-use land",
    "10": "transport land",
    "11": "water and water-conservancy land",
    "12": "other land",
}
"""三调 level-1 classes in English (the code table names them in Chinese only)."""


def label(key: str, lang: str) -> str:
    """Return the label of ``key`` in ``lang`` (the key itself if unknown)."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def status_label(status: str, lang: str) -> str:
    """Return a finding status in words.

    Examples
    --------
    >>> status_label("not_involved", "en")
    'not involved'
    """
    return label(status, lang)
