"""The land-use classification systems a class layer may be coded in.

Two systems are in use and their codes collide: the 三调 work classification
(GB/T 21010-2017 with the third land survey's merges, TD/T 1055-2019) and the
国土空间调查、规划、用途管制用地用海分类 (自然资发〔2023〕234号). Read as 三调, a
2023 layer turns 0601 农村道路 into 工业用地 and 1203 机场用地 into 田坎. Each
system here names its code table, the class field ridges go to, the field
names only its layers use, and the codes of its family its table leaves out
(so that they never count as evidence for the other system).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "AUTO",
    "LAND_USE_SYSTEMS",
    "SURVEY_SYSTEM",
    "LandUseSystem",
]

AUTO = "auto"
"""A layer's ``classification:`` that asks for detection among :data:`LAND_USE_SYSTEMS`."""


@dataclass(frozen=True)
class LandUseSystem:
    """A land-use classification system and what betrays a layer coded in it.

    Attributes
    ----------
    table : str
        Its built-in code table (:data:`landcheck.classify.BUILTIN_TABLES`).
    title_zh, title_en : str
        Short names for messages (``三调 2019``).
    document : str
        The document that sets the codes.
    ridge_code : str
        The class of field ridges (田坎), where KCXS deductions go.
    fields : tuple of str
        Code and name field names only layers of this system use (upper case).
    family_codes : mapping of str to str
        Codes (and their names) of the system's family that its table does
        not list, which a layer of the system may still carry.
    suffixes : bool
        Whether trailing letters mark variants of a class (``0201K``).
    """

    table: str
    title_zh: str
    title_en: str
    document: str
    ridge_code: str
    fields: tuple[str, ...]
    family_codes: Mapping[str, str] = field(default_factory=dict)
    suffixes: bool = True

    @property
    def title(self) -> str:
        """``三调 2019 (sandiao-2019)``: the name messages use."""
        return f"{self.title_zh} ({self.table})"


# GB/T 21010-2017 second-level classes the 三调 work classification merged into 05H1, 0508,
# 08H1, 08H2 and 09 (their names are the aliases of sandiao_2019.csv, not
# re-verified against the standard [U]): a layer coded by the standard itself carries them.
_GBT_2017_MERGED = {
    "0501": "零售商业用地",
    "0502": "批发市场用地",
    "0503": "餐饮用地",
    "0504": "旅馆用地",
    "0505": "商务金融用地",
    "0506": "娱乐用地",
    "0507": "其他商服用地",
    "0604": "仓储用地",
    "0801": "机关团体用地",
    "0802": "新闻出版用地",
    "0803": "教育用地",
    "0804": "科研用地",
    "0805": "医疗卫生用地",
    "0806": "社会福利用地",
    "0807": "文化设施用地",
    "0808": "体育用地",
    "0901": "军事设施用地",
    "0902": "使领馆用地",
    "0903": "监教场所用地",
    "0904": "宗教用地",
    "0905": "殡葬用地",
    "0906": "风景名胜设施用地",
}

LAND_USE_SYSTEMS: dict[str, LandUseSystem] = {
    "sandiao-2019": LandUseSystem(
        table="sandiao-2019",
        title_zh="三调 2019",
        title_en="third land survey classification",
        document="GB/T 21010-2017; 第三次全国国土调查工作分类 (TD/T 1055-2019)",
        ridge_code="1203",
        fields=("DLBM", "DLMC", "JQDLBM", "JQDLMC"),
        family_codes=_GBT_2017_MERGED,
    ),
    "ydyh-2023": LandUseSystem(
        table="ydyh-2023",
        title_zh="用地用海 2023",
        title_en="land and sea use classification of 2023",
        document="国土空间调查、规划、用途管制用地用海分类指南（自然资发〔2023〕234号）",
        ridge_code="2303",
        fields=("YDYHFLDM", "YDYHFLMC", "用地用海分类代码", "用地用海分类名称"),
        suffixes=False,
    ),
}
"""The land-use systems ``auto`` chooses among, by table name."""

SURVEY_SYSTEM = "sandiao-2019"
"""The land survey's own system: a layer detected as it is recorded without a warning."""
