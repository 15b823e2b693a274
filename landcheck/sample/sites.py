"""The sample sites and candidates: what each shows, the builder that places it, their frames.

:data:`SITES` pairs each site's description with its builder
(:mod:`landcheck.sample.site_builders`); :func:`place_sites` runs the builders
in that order, then the candidates', and returns the ``sites`` and
``candidates`` layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import geopandas as gpd
import numpy as np
import shapely

from landcheck.sample.frames import frame
from landcheck.sample.plan import Plan
from landcheck.sample.site_builders import (
    candidate_sites,
    clean_site,
    county_edge_site,
    farmland_site,
    holed_site,
    multipart_site,
    redline_block,
    redline_road,
    single_site,
    sliver_site,
    straddling_boundary,
    two_township_site,
)
from landcheck.sample.site_finder import SiteFinder

__all__ = ["CANDIDATES", "SITES", "SiteSpec", "place_sites"]

Builder = Callable[[SiteFinder], shapely.Geometry]


@dataclass(frozen=True)
class SiteSpec:
    """What a sample site is and what it is meant to show."""

    site_id: str
    name: str
    project_class: str
    situation: str
    width_m: float = float("nan")  # corridor width of a linear project


_ROAD_WIDTH_M = 24.0  # S05's corridor

SITES: tuple[tuple[SiteSpec, Builder], ...] = (
    (
        SiteSpec(
            "S01",
            "绿色铝产业园（一期）",
            "industrial",
            "clean: inside the urban boundary on construction land / 边界内现状建设用地，无冲突",
        ),
        clean_site,
    ),
    (
        SiteSpec(
            "S02",
            "建材加工厂",
            "industrial",
            "industrial site on permanent farmland (prohibited) / 工业项目占用永久基本农田",
        ),
        partial(farmland_site, outside=False, gap=1000.0),
    ),
    (
        SiteSpec(
            "S03",
            "500千伏输变电工程变电站",
            "energy",
            "energy site on farmland (State Council, 补划) / 能源项目占用永久基本农田",
        ),
        partial(farmland_site, outside=True, gap=3000.0),
    ),
    (
        SiteSpec(
            "S04",
            "生态旅游度假酒店",
            "commercial",
            "block site inside the redline (prohibited) / 非线性项目位于生态保护红线内",
        ),
        redline_block,
    ),
    (
        SiteSpec(
            "S05",
            "县道改扩建工程",
            "transport",
            "linear road crossing the redline (conditional) / 线性交通工程穿越生态保护红线",
            _ROAD_WIDTH_M,
        ),
        partial(redline_road, width=_ROAD_WIDTH_M),
    ),
    (
        SiteSpec(
            "S06",
            "集中式光伏电站",
            "energy",
            "outside the urban boundary, single-site class (conditional) / 单独选址能源项目",
        ),
        single_site,
    ),
    (
        SiteSpec(
            "S07",
            "再生铝加工项目",
            "industrial",
            "industrial site partly outside the urban boundary (prohibited) / "
            "工业项目部分位于边界外",
        ),
        straddling_boundary,
    ),
    (
        SiteSpec(
            "S08",
            "农村饮水安全工程净水厂",
            "water",
            "0.05 m boundary sliver on farmland (note) / 与永久基本农田边界细小重叠",
        ),
        sliver_site,
    ),
    (
        SiteSpec(
            "S09",
            "城中村改造安置小区（保留古树广场）",
            "residential",
            "a site with a hole, beside farmland (a proximity note) / "
            "带内环（保留地块）的用地，邻近永久基本农田",
        ),
        holed_site,
    ),
    (
        SiteSpec(
            "S10",
            "城乡供水工程（水厂及加压泵站）",
            "water",
            "multi-part site / 多部件用地（水厂及两座泵站）",
        ),
        multipart_site,
    ),
    (
        SiteSpec(
            "S11", "生活垃圾焚烧发电厂", "infrastructure", "straddles two townships / 跨两个乡镇"
        ),
        two_township_site,
    ),
    (
        SiteSpec(
            "S12",
            "石灰石矿山扩界",
            "mining",
            "partly outside the county, land use unknown there / 部分位于县域外",
        ),
        county_edge_site,
    ),
)
"""The sample sites in placing order, each with the builder that places it."""

CANDIDATES = (
    SiteSpec(
        "A",
        "绿色铝产业园（二期）比选方案A",
        "industrial",
        "inside the urban boundary, no conflict / 城镇开发边界内，无冲突",
    ),
    SiteSpec(
        "B",
        "绿色铝产业园（二期）比选方案B",
        "industrial",
        "on permanent farmland / 占用永久基本农田",
    ),
    SiteSpec(
        "C",
        "绿色铝产业园（二期）比选方案C",
        "industrial",
        "outside the urban boundary / 城镇开发边界外",
    ),
    SiteSpec(
        "D",
        "绿色铝产业园（二期）比选方案D",
        "industrial",
        "partly in the ecological redline / 部分位于生态保护红线内",
    ),
)
"""The candidates (比选方案), placed together by
:func:`landcheck.sample.site_builders.candidate_sites` after the sites."""


def place_sites(
    layers: dict[str, gpd.GeoDataFrame], plan: Plan, rng: np.random.Generator
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Place the sample sites and the candidates; return their two layers.

    Raises
    ------
    RuntimeError
        When the layers hold no place for one of them.
    """
    finder = SiteFinder(layers, plan, rng)
    shapes = []
    for _, build in SITES:
        shape = build(finder)
        finder.placed.append(shape)
        shapes.append(shape)
    candidates = candidate_sites(finder)
    return (
        _site_frame([spec for spec, _ in SITES], shapes),
        _site_frame(CANDIDATES, candidates),
    )


def _site_frame(specs: Sequence[SiteSpec], shapes: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    """The sites (or candidates) layer."""
    return frame(
        {
            "site_id": [s.site_id for s in specs],
            "name": [s.name for s in specs],
            "project_class": [s.project_class for s in specs],
            "linear": [not np.isnan(s.width_m) for s in specs],
            "width_m": [s.width_m for s in specs],
            "situation": [s.situation for s in specs],
        },
        shapes,
    )
