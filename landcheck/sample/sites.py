"""The sample sites and candidates: what each shows, the builder that places it, their frames.

:data:`SITES` pairs each site's description with its builder
(:mod:`landcheck.sample.site_builders`); :func:`place_sites` runs the builders
in that order, then the candidates', and returns the ``sites`` and
``candidates`` layers. :data:`REVIEW_SITES` are placed last, against the
review layers (:func:`place_review_sites`), with project facts for the
land-use standard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landcheck.sample.frames import areas, frame
from landcheck.sample.plan import Plan
from landcheck.sample.site_builders import (
    candidate_sites,
    clean_site,
    county_edge_site,
    farmland_site,
    heritage_site,
    holed_site,
    industrial_site,
    mineral_site,
    multipart_site,
    redline_block,
    redline_road,
    single_site,
    sliver_site,
    straddling_boundary,
    two_township_site,
    wetland_site,
)
from landcheck.sample.site_finder import SiteFinder
from landcheck.units import M2_PER_HA

__all__ = [
    "CANDIDATES",
    "EXISTING_FACTS",
    "FACT_COLUMNS",
    "REVIEW_SITES",
    "SITES",
    "SiteSpec",
    "place_review_sites",
    "place_sites",
]

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


# -- the review sites: placed against the review layers, after them ----------------------

ReviewBuilder = Callable[[SiteFinder, dict[str, gpd.GeoDataFrame]], shapely.Geometry]

FACT_COLUMNS = (
    ("total_investment_wan", "万元 per ha", M2_PER_HA),
    ("floor_area_m2", "plot ratio", 1.0),
    ("footprint_m2", "building coefficient", 1.0),
    ("office_area_m2", "office and living share", 1.0),
    ("green_area_m2", "green ratio", 1.0),
)
"""Project-fact fields of the sites (``landcheck.review.standard_facts`` reads them): name,
what a site's ratio in :attr:`ReviewSite.ratios` is, and the site area it is per (m²)."""


@dataclass(frozen=True)
class ReviewSite:
    """A review site: its description, builder, and its facts as ratios of its area."""

    spec: SiteSpec
    build: ReviewBuilder
    ratios: tuple[float, ...] = ()  # per FACT_COLUMNS; empty: no facts
    industry_code: str = ""


REVIEW_SITES: tuple[ReviewSite, ...] = (
    ReviewSite(
        SiteSpec(
            "S21",
            "清水河提灌站",
            "water",
            "on a river wetland's shore, not 国家重要湿地 (conditional) / 占用河流湿地",
        ),
        wetland_site,
    ),
    ReviewSite(
        SiteSpec(
            "S22",
            "古城片区安置住房",
            "residential",
            "in the 地下文物埋藏区 (考古调查、勘探 first) / 位于地下文物埋藏区",
        ),
        heritage_site,
    ),
    ReviewSite(
        SiteSpec(
            "S23",
            "新型墙体材料生产线",
            "industrial",
            "building coefficient 22 % < 30 % (over standard) / 建筑系数不达标",
        ),
        industrial_site,
        (3200.0, 0.55, 0.22, 0.06, 0.15),
        "3031",
    ),
    ReviewSite(
        SiteSpec(
            "S24",
            "铝合金精深加工项目",
            "industrial",
            "land-use indices within the standard / 用地控制指标符合要求",
        ),
        industrial_site,
        (4800.0, 1.2, 0.45, 0.05, 0.12),
        "3252",
    ),
    ReviewSite(
        SiteSpec(
            "S25",
            "锰矿选矿厂",
            "mining",
            "on a 锰 mining right (agreement with the holder) / 压覆锰矿采矿权",
        ),
        mineral_site,
    ),
)
"""Sites placed after the review layers, each meant to show one review check."""


EXISTING_FACTS: dict[str, tuple[tuple[float, ...], str]] = {
    "S01": ((4500.0, 1.0, 0.42, 0.05, 0.10), "3216"),
}
"""Project facts (ratios per :data:`FACT_COLUMNS`, industry code) of sites placed before: the
green aluminium park S01 (铝冶炼, GB/T 4754 3216) meets the land-use standard, so the clean
site stays clear of it."""


def place_review_sites(
    layers: dict[str, gpd.GeoDataFrame], plan: Plan, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Place :data:`REVIEW_SITES` and return the whole ``sites`` layer with them appended.

    ``layers`` holds every generated layer, the review layers, the sites and
    the candidates included; the new sites keep clear of those. ``rng`` is a
    generator of their own, so nothing generated before moves.

    Raises
    ------
    RuntimeError
        When the layers hold no place for one of them.
    """
    finder = SiteFinder(layers, plan, rng)
    finder.placed = [*layers["sites"].geometry, *layers["candidates"].geometry]
    shapes = []
    for site in REVIEW_SITES:
        shape = site.build(finder, layers)
        finder.placed.append(shape)
        shapes.append(shape)
    added = _site_frame([site.spec for site in REVIEW_SITES], shapes)
    sites = pd.concat([layers["sites"], added], ignore_index=True)
    given = dict(EXISTING_FACTS)
    given |= {site.spec.site_id: (site.ratios, site.industry_code) for site in REVIEW_SITES}
    ellipsoidal = areas(sites.geometry.to_numpy())
    for i, (name, _, per) in enumerate(FACT_COLUMNS):
        sites[name] = [
            round(given[key][0][i] * area / per, 2) if given.get(key, ((),))[0] else np.nan
            for key, area in zip(sites["site_id"], ellipsoidal, strict=True)
        ]
    sites["industry_code"] = [given.get(key, ((), None))[1] or None for key in sites["site_id"]]
    facts = [name for name, _, _ in FACT_COLUMNS] + ["industry_code"]
    first = [c for c in layers["sites"].columns if c not in ("BZ", "geometry")]
    return gpd.GeoDataFrame(
        sites[[*first, *facts, "BZ", "geometry"]], geometry="geometry", crs=added.crs
    )
