"""What the boundary TXT format fixes, shared by the reader and the writer.

The section names, the [属性描述] keys, the zone prefix of eastings, the name
of the CGCS2000 datum, the prefix of the metadata keys landcheck adds, and
the error raised when a file declares or implies a CRS landcheck cannot use.
"""

from __future__ import annotations

from landcheck.errors import AnalysisCRSError, BoundaryTxtError

__all__ = [
    "ATTRIBUTE_KEYS",
    "CGCS2000_NAME",
    "METADATA_PREFIX",
    "SECTION_ATTRIBUTES",
    "SECTION_PLOTS",
    "SECTION_PROJECT",
    "WIDTH_KEYS",
    "WRITER_KEYS",
    "ZONE_FACTOR",
    "BoundaryTxtCRSError",
]

SECTION_ATTRIBUTES = "属性描述"
SECTION_PROJECT = ("项目信息", "扩展信息")
"""The project-information section and its other spelling; the writer uses the first."""
SECTION_PLOTS = "地块坐标"

ZONE_FACTOR = 1_000_000.0
"""A zone-prefixed easting is ``zone * 1e6 + easting`` (false easting 500 km)."""

CGCS2000_NAME = "2000国家大地坐标系"

METADATA_PREFIX = "landcheck."
"""Metadata keys landcheck adds (never written back to a file)."""

WRITER_KEYS = ("坐标系", "几度分带", "投影类型", "计量单位", "带号", "精度", "转换参数")
"""[属性描述] keys the writer always derives itself."""
WIDTH_KEYS = ("几度分带", "分带")
"""Keys giving the zone width: the format's, and the one two real tools write (分带=3度带)."""
ATTRIBUTE_KEYS = ("格式版本号", "数据产生单位", "数据产生日期", *WRITER_KEYS)
"""Keys that belong in [属性描述]; every other metadata key goes to [项目信息]."""


class BoundaryTxtCRSError(BoundaryTxtError, AnalysisCRSError):
    """A boundary TXT declares or implies a CRS landcheck cannot use.

    Both a :class:`~landcheck.errors.BoundaryTxtError` (it has ``path`` and
    ``line``) and an :class:`~landcheck.errors.AnalysisCRSError`.
    """
