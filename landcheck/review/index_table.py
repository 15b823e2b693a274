"""A land-use standard index table: indicator bounds by industry and land grade, or by sector.

The rows come from a user's CSV (read and checked by :mod:`landcheck.io.standards_table`;
its columns are documented in docs/profile.md, "Land-use standard index table"). Two
tables share one file, told apart by the ``table`` column:

- ``industry``: rows keyed by a GB/T 4754 industry code (2 digits, a 大类; or 3 or 4
  digits, a 中类 or 小类) and a 土地等别 (land grade 1–15, a range ``2-3``, or blank for
  every grade), bounding the industrial indicators of :data:`INDUSTRY_INDICATORS`;
- ``sector``: rows keyed by a project type of the profile and the project's own grade as
  written (``一级公路``, ``220kV``; blank for every grade), bounding the land per
  kilometre or per unit of scale (:data:`SECTOR_INDICATORS`).

A site's code is looked up from the most specific to its 大类 (``3216`` → ``321`` → ``32``);
among the rows of one code a row naming the site's grade wins over a blank grade. Every
bound the check uses says where it came from: the file's name and line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from landcheck.profile import Text

__all__ = [
    "INDICATORS",
    "INDUSTRY_INDICATORS",
    "SECTOR_INDICATORS",
    "IndexRow",
    "IndexTable",
    "Lookup",
    "industry_code",
    "land_grade",
]

INDUSTRY_INDICATORS = (
    "investment_wan_per_ha",
    "plot_ratio",
    "building_coefficient_pct",
    "office_share_pct",
    "green_share_pct",
)
"""Indicators an ``industry`` row may bound (投资强度 in 万元/公顷, 容积率, 建筑系数, 行政办公及
生活服务设施用地比重 and 绿地率 in per cent), as :func:`landcheck.review.standards.indicators`
computes them from the site's figures."""

SECTOR_INDICATORS = ("land_ha_per_km", "land_ha_per_unit")
"""Indicators a ``sector`` row may bound: the site's area in hectares over its length
(``length_km``) or over its scale (``scale``, in the row's ``unit``)."""

INDICATORS: Mapping[str, tuple[str, ...]] = {
    "industry": INDUSTRY_INDICATORS,
    "sector": SECTOR_INDICATORS,
}
"""Table → the indicators its rows may bound."""

_GRADES = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
    "九": 9, "十": 10, "十一": 11, "十二": 12, "十三": 13, "十四": 14, "十五": 15,
}  # fmt: skip
_CODE = re.compile(r"[A-Ta-t]?(\d{2,4})")


def land_grade(text: str) -> int | None:
    """A 土地等别 as a number 1–15 (``"3"``, ``"三等"``, ``"第三等"``), or None.

    Examples
    --------
    >>> land_grade("3"), land_grade("第十二等"), land_grade("三等"), land_grade("16")
    (3, 12, 3, None)
    """
    value = "".join(str(text).split()).removeprefix("第").removesuffix("等")
    if value.endswith(".0"):
        value = value[:-2]
    number = int(value) if value.isdigit() else _GRADES.get(value)
    return number if number is not None and 1 <= number <= 15 else None


def industry_code(text: str) -> str | None:
    """The digits of a GB/T 4754 code (2–4 digits, after an optional section letter), or None.

    Examples
    --------
    >>> industry_code("C3216"), industry_code(" 32 "), industry_code("3216.0"), industry_code("x")
    ('3216', '32', '3216', None)
    """
    value = str(text).strip().removesuffix(".0")
    match = _CODE.fullmatch(value)
    return match.group(1) if match else None


def _grade_key(text: str) -> str:
    """A sector grade as compared: spaces removed, case folded."""
    return "".join(str(text).split()).casefold()


@dataclass(frozen=True)
class IndexRow:
    """One row of an index table: the bounds of one indicator for one key and grade.

    Attributes
    ----------
    table : str
        ``industry`` or ``sector``.
    key : str
        An industry code (digits) or a project type key.
    grade : str
        As written in the file; blank: every grade.
    grades : tuple of int, optional
        The land grades an ``industry`` row covers (first, last); None: every grade.
    indicator : str
        One of :data:`INDICATORS` of the table.
    low, high : float or None
        The minimum and the maximum (at least one is set).
    unit : str
        The unit of scale of ``land_ha_per_unit``.
    source : str
        The document and table the row comes from, as the file says.
    line : int
        Its line in the file.
    """

    table: str
    key: str
    grade: str
    grades: tuple[int, int] | None
    indicator: str
    low: float | None
    high: float | None
    unit: str = ""
    source: str = ""
    line: int = 0

    def covers(self, grade: int | str | None) -> bool:
        """Whether the row applies to a site of ``grade`` (a blank row to every site)."""
        if not self.grade:
            return True
        if grade is None:
            return False
        if self.grades is not None:
            return isinstance(grade, int) and self.grades[0] <= grade <= self.grades[1]
        return _grade_key(self.grade) == _grade_key(str(grade))


@dataclass(frozen=True)
class Lookup:
    """What a table says of one indicator for one site: a row, or why there is none.

    ``row`` is None when no row applies; ``grade_needed`` is True when rows exist for the
    site's key, some naming a grade, and the site states none; ``grade_uncovered`` is True
    when rows exist for the site's keys but none covers the grade it states.
    """

    row: IndexRow | None = None
    grade_needed: bool = False
    grade_uncovered: bool = False


@dataclass(frozen=True)
class IndexTable:
    """The rows of one index table file.

    Attributes
    ----------
    name : str
        The file's name, as findings cite it (``standards.csv``).
    path : str
        The path it was read from.
    rows : tuple of IndexRow
    """

    name: str
    path: str
    rows: tuple[IndexRow, ...]

    def cite(self, row: IndexRow) -> Text:
        """Where a bound comes from: ``standards.csv 第4行（source）`` and its English form."""
        zh = f"{self.name} 第{row.line}行" + (f"，{row.source}" if row.source else "")
        en = f"{self.name} line {row.line}" + (f", {row.source}" if row.source else "")
        return Text(zh, en)

    def sector_indicators(self, project_type: str) -> list[str]:
        """The sector indicators the table bounds for a project type, in table order."""
        found = [r.indicator for r in self.rows if r.table == "sector" and r.key == project_type]
        return list(dict.fromkeys(found))

    def lookup(
        self, table: str, keys: list[str], indicator: str, grade: int | str | None
    ) -> Lookup:
        """The row of ``indicator`` for the first of ``keys`` that has one covering ``grade``.

        ``keys`` go from the most specific to the least (an industry code, then its 中类
        and 大类). A key whose rows all name grades while the site states none stops the
        search: the grade is needed. So does a key with any row naming a grade, since
        that row may be the one for the site's grade.

        Examples
        --------
        >>> rows = (IndexRow("industry", "32", "", None, "plot_ratio", 1.0, None, line=2),
        ...         IndexRow("industry", "32", "1-3", (1, 3), "plot_ratio", 1.2, None, line=3))
        >>> table = IndexTable("t.csv", "t.csv", rows)
        >>> table.lookup("industry", ["3216", "321", "32"], "plot_ratio", 2).row.line
        3
        >>> table.lookup("industry", ["3216", "321", "32"], "plot_ratio", 9).row.line
        2
        >>> graded = IndexTable("t.csv", "t.csv", rows[1:])
        >>> graded.lookup("industry", ["32"], "plot_ratio", 9).grade_uncovered
        True
        """
        uncovered = False
        for key in keys:
            rows = [
                r
                for r in self.rows
                if r.table == table and r.key == key and r.indicator == indicator
            ]
            if not rows:
                continue
            if grade is None and any(r.grade for r in rows):
                return Lookup(grade_needed=True)
            graded = [r for r in rows if r.grade and r.covers(grade)]
            blank = [r for r in rows if not r.grade]
            if graded or blank:
                return Lookup((graded or blank)[0])
            uncovered = True
        return Lookup(grade_uncovered=uncovered)

    @staticmethod
    def industry_keys(code: str) -> list[str]:
        """An industry code and the codes it falls back to, down to its 大类.

        Examples
        --------
        >>> IndexTable.industry_keys("3216")
        ['3216', '321', '32']
        """
        return [code[:n] for n in range(len(code), 1, -1)]
