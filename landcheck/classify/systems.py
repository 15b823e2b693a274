"""The land-use classification systems a class layer may be coded in.

Two systems are in use and their codes collide: the 三调 work classification
(GB/T 21010-2017 with the third land survey's merges, TD/T 1055-2019) and the
国土空间调查、规划、用途管制用地用海分类 (自然资发〔2023〕234号). Read as 三调, a
2023 layer turns 0601 农村道路 into 工业用地 and 1203 机场用地 into 田坎. Each
system here names its code table, the class field ridges go to, the field
names only its layers use, and the codes of its family its table merged into
one of its classes (GB/T 21010-2017 0803 教育用地 is 三调 08H2 科教文卫用地): the
table reads them as that class, and they never count as evidence for the
other system.
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
    merged_codes : mapping of str to (str, str)
        Codes of the system's family its table does not list because it merged
        them, which a layer of the system may still carry: code → (its name,
        the table class it was merged into). Its table reads them as that class.
    merged_from : str
        The standard the merged codes are of (for messages).
    suffixes : bool
        Whether trailing letters mark variants of a class (``0201K``).
    """

    table: str
    title_zh: str
    title_en: str
    document: str
    ridge_code: str
    fields: tuple[str, ...]
    merged_codes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    merged_from: str = ""
    suffixes: bool = True

    @property
    def title(self) -> str:
        """``三调 2019 (sandiao-2019)``: the name messages use."""
        return f"{self.title_zh} ({self.table})"


# GB/T 21010-2017 second-level classes the 三调 work classification merged, each into one
# class of its table (05H1, 0508, 08H1, 08H2, 09; domain.md §2.1): code → (its name in the
# standard, the 三调 class). Their names are the aliases of those classes in sandiao_2019.csv,
# not re-verified against the standard [U]. A layer coded by the standard itself carries them.
_GBT_2017_MERGED = {
    "0501": ("零售商业用地", "05H1"),
    "0502": ("批发市场用地", "05H1"),
    "0503": ("餐饮用地", "05H1"),
    "0504": ("旅馆用地", "05H1"),
    "0505": ("商务金融用地", "05H1"),
    "0506": ("娱乐用地", "05H1"),
    "0507": ("其他商服用地", "05H1"),
    "0604": ("仓储用地", "0508"),
    "0801": ("机关团体用地", "08H1"),
    "0802": ("新闻出版用地", "08H1"),
    "0803": ("教育用地", "08H2"),
    "0804": ("科研用地", "08H2"),
    "0805": ("医疗卫生用地", "08H2"),
    "0806": ("社会福利用地", "08H2"),
    "0807": ("文化设施用地", "08H2"),
    "0808": ("体育用地", "08H2"),
    "0901": ("军事设施用地", "09"),
    "0902": ("使领馆用地", "09"),
    "0903": ("监教场所用地", "09"),
    "0904": ("宗教用地", "09"),
    "0905": ("殡葬用地", "09"),
    "0906": ("风景名胜设施用地", "09"),
}

LAND_USE_SYSTEMS: dict[str, LandUseSystem] = {
    "sandiao-2019": LandUseSystem(
        table="sandiao-2019",
        title_zh="三调 2019",
        title_en="third land survey classification",
        document="GB/T 21010-2017; 第三次全国国土调查工作分类 (TD/T 1055-2019)",
        ridge_code="1203",
        fields=("DLBM", "DLMC", "JQDLBM", "JQDLMC"),
        merged_codes=_GBT_2017_MERGED,
        merged_from="GB/T 21010-2017",
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
