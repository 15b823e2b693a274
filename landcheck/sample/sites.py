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
    farmland_road,
    farmland_site,
    hazard_point_site,
    heritage_site,
    holed_site,
    industrial_site,
    mineral_site,
    multipart_site,
    pv_on_cultivated,
    redline_block,
    redline_road,
    redline_works,
    single_site,
    sliver_site,
    straddling_boundary,
    two_township_site,
    wetland_site,
    wild_block,
    zone_site,
)
from landcheck.sample.site_finder import SiteFinder
from landcheck.sample.standards import LAND_GRADE, ROAD_GRADES
from landcheck.units import M2_PER_HA

__all__ = [
    "CANDIDATES",
    "CANDIDATES_AFTER",
    "EXISTING_FACTS",
    "FACT_COLUMNS",
    "INDEX_FACTS",
    "REVIEW_SITES",
    "SITES",
    "Facts",
    "SiteSpec",
    "place_review_sites",
    "place_sites",
]

Builder = Callable[[SiteFinder], shapely.Geometry]


@dataclass(frozen=True)
class Facts:
    """A sample site's project facts (landcheck.facts): type, plan, land supply, project."""

    project_type: str
    plan_level: str = "none"
    plan_ref: str = ""
    land_supply: str = ""
    project_id: str = ""


@dataclass(frozen=True)
class SiteSpec:
    """What a sample site is, its project facts, and what it is meant to show.

    ``project_class`` is the old coarse class, kept for readers of older landcheck
    versions; ``facts`` are what the rules read now.
    """

    site_id: str
    name: str
    project_class: str
    situation: str
    width_m: float = float("nan")  # corridor width of a linear project
    facts: Facts = Facts("other")


_ROAD_WIDTH_M = 24.0  # S05's corridor

SITES: tuple[tuple[SiteSpec, Builder], ...] = (
    (
        SiteSpec(
            "S01",
            "绿色铝产业园（一期）",
            "industrial",
            "clean, wholly on approved construction land: 预审 not required "
            "(自然资规〔2019〕2号) / "
            "已批建设用地范围内，无需用地预审",
            facts=Facts("industrial", land_supply="transfer"),
        ),
        clean_site,
    ),
    (
        SiteSpec(
            "S02",
            "建材加工厂",
            "industrial",
            "industrial site on permanent farmland, not on the 3号 list (prohibited) / "
            "工业项目占用永久基本农田",
            facts=Facts("industrial", land_supply="transfer"),
        ),
        partial(farmland_site, outside=False, gap=1000.0),
    ),
    (
        SiteSpec(
            "S03",
            "500千伏输变电工程变电站",
            "energy",
            "500 kV substation in a national plan on farmland: 3号 item 2, State Council, 征收 by "
            "国务院 (LAL art. 46) / 国家级规划500千伏工程占用永久基本农田",
            facts=Facts(
                "grid_500kv", "national", "电力发展“十四五”规划（合成）", "allocation", "XM-500KV"
            ),
        ),
        partial(farmland_site, outside=True, gap=3000.0),
    ),
    (
        SiteSpec(
            "S04",
            "生态旅游度假酒店",
            "commercial",
            "hotel inside the redline: no 142号 permitted activity (prohibited) / "
            "酒店位于生态保护红线内",
            facts=Facts("hotel", land_supply="transfer"),
        ),
        redline_block,
    ),
    (
        SiteSpec(
            "S05",
            "县道改扩建工程",
            "transport",
            "county road (county plan) across the redline and a protected area's core zone: "
            "prohibited there (142号) / 县道穿越生态保护红线及自然保护地核心区",
            _ROAD_WIDTH_M,
            facts=Facts("county_road", "county", "泸西县国土空间总体规划（合成）", "allocation"),
        ),
        partial(redline_road, width=_ROAD_WIDTH_M),
    ),
    (
        SiteSpec(
            "S06",
            "集中式光伏电站",
            "energy",
            "PV array outside the boundary on unused land, off cultivated land "
            "(12号; 实施条例 art. "
            "22(2)) / 光伏方阵位于边界外未利用地",
            facts=Facts("pv_array", "provincial", "云南省新能源发展规划（合成）", "allocation"),
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
            facts=Facts("industrial", land_supply="transfer"),
        ),
        straddling_boundary,
    ),
    (
        SiteSpec(
            "S08",
            "农村饮水安全工程净水厂",
            "water",
            "village water works on existing construction land outside the boundary: no "
            "单独选址 or 农转用 finding; a 0.05 m suspected boundary error on farmland; on a "
            "卫片执法 parcel already dealt with (已查处到位: the statement at 报批) / "
            "村庄供水设施，现状建设用地，涉及已查处到位的违法用地图斑",
            facts=Facts("water_supply", "county", "泸西县农村供水保障规划（合成）", "allocation"),
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
            facts=Facts("residential", "county", "泸西县城中村改造规划（合成）", "allocation"),
        ),
        holed_site,
    ),
    (
        SiteSpec(
            "S10",
            "城乡供水工程（水厂及加压泵站）",
            "water",
            "multi-part site / 多部件用地（水厂及两座泵站）",
            facts=Facts("water_supply", "county", "泸西县城乡供水一体化规划（合成）", "allocation"),
        ),
        multipart_site,
    ),
    (
        SiteSpec(
            "S11",
            "生活垃圾焚烧发电厂",
            "infrastructure",
            "straddles two townships; takes a 卫片执法 parcel not dealt with (未查处: "
            "conditional, 查处到位 before 报批) / 跨两个乡镇，涉及未查处的违法用地图斑",
            facts=Facts(
                "waste", "provincial", "云南省生活垃圾焚烧处理设施规划（合成）", "allocation"
            ),
        ),
        two_township_site,
    ),
    (
        SiteSpec(
            "S12",
            "石灰石矿山扩界",
            "mining",
            "partly outside the county, land use unknown there / 部分位于县域外",
            facts=Facts("mining", "county", "泸西县矿产资源总体规划（合成）", "transfer"),
        ),
        county_edge_site,
    ),
    (
        SiteSpec(
            "S13",
            "县道改建工程（未申报规划依据）",
            "transport",
            "county road on permanent farmland without a plan: 3号 item 1 needs the national "
            "plan that lists it (prohibited, says what to declare) / 县道占用永久基本农田",
            _ROAD_WIDTH_M,
            facts=Facts("county_road", land_supply="allocation"),
        ),
        partial(farmland_road, width=_ROAD_WIDTH_M),
    ),
    (
        SiteSpec(
            "S14",
            "山区集中供水工程取水泵站",
            "water",
            "water works in the redline with a county plan: a 142号 item 6 activity "
            "(conditional) / 县级规划供水设施位于生态保护红线内",
            facts=Facts("water_supply", "county", "泸西县城乡供水一体化规划（合成）", "allocation"),
        ),
        redline_works,
    ),
    (
        SiteSpec(
            "S15",
            "农光互补光伏电站（光伏方阵）",
            "energy",
            "PV array on cultivated land outside permanent farmland: 12号 forbids it "
            "(prohibited) / 光伏方阵占用耕地",
            facts=Facts("pv_array", "provincial", "云南省新能源发展规划（合成）", "allocation"),
        ),
        pv_on_cultivated,
    ),
    (
        SiteSpec(
            "S16",
            "风电场（一期场区）",
            "energy",
            "one project in two sites (XM-FD): 42 ha of collective other land each, 84 ha "
            "summed, so the State Council approves the 征收 (LAL art. 46) / 风电场一期",
            facts=Facts(
                "wind", "provincial", "云南省新能源发展规划（合成）", "allocation", "XM-FD"
            ),
        ),
        partial(wild_block, gap=1500.0),
    ),
    (
        SiteSpec(
            "S17",
            "风电场（二期场区）",
            "energy",
            "the wind farm's second site (XM-FD), summed with S16 / 风电场二期",
            facts=Facts(
                "wind", "provincial", "云南省新能源发展规划（合成）", "allocation", "XM-FD"
            ),
        ),
        partial(wild_block, gap=1500.0),
    ),
)
"""The sample sites in placing order, each with the builder that places it. New sites go at
the end: they are placed after the candidates (:data:`CANDIDATES_AFTER`), so nothing placed
before them moves."""

CANDIDATES_AFTER = 12
"""The candidates are placed after this many sites (the sites there were before S13)."""

CANDIDATES = (
    SiteSpec(
        "A",
        "绿色铝产业园（二期）比选方案A",
        "industrial",
        "inside the urban boundary, no conflict / 城镇开发边界内，无冲突",
        facts=Facts("industrial", land_supply="transfer"),
    ),
    SiteSpec(
        "B",
        "绿色铝产业园（二期）比选方案B",
        "industrial",
        "on permanent farmland / 占用永久基本农田",
        facts=Facts("industrial", land_supply="transfer"),
    ),
    SiteSpec(
        "C",
        "绿色铝产业园（二期）比选方案C",
        "industrial",
        "outside the urban boundary / 城镇开发边界外",
        facts=Facts("industrial", land_supply="transfer"),
    ),
    SiteSpec(
        "D",
        "绿色铝产业园（二期）比选方案D",
        "industrial",
        "partly in the ecological redline / 部分位于生态保护红线内",
        facts=Facts("industrial", land_supply="transfer"),
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
    for _, build in SITES[:CANDIDATES_AFTER]:
        shape = build(finder)
        finder.placed.append(shape)
        shapes.append(shape)
    candidates = candidate_sites(finder)
    for _, build in SITES[CANDIDATES_AFTER:]:
        shape = build(finder)
        finder.placed.append(shape)
        shapes.append(shape)
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
            "project_type": [s.facts.project_type for s in specs],
            "plan_level": [s.facts.plan_level for s in specs],
            "plan_ref": [s.facts.plan_ref for s in specs],
            "land_supply": [s.facts.land_supply for s in specs],
            "project_id": [s.facts.project_id for s in specs],
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
            facts=Facts("water_conservancy", "county", "泸西县农田水利规划（合成）", "allocation"),
        ),
        wetland_site,
    ),
    ReviewSite(
        SiteSpec(
            "S22",
            "古城片区安置住房",
            "residential",
            "in the 地下文物埋藏区 (考古调查、勘探 first) / 位于地下文物埋藏区",
            facts=Facts("residential", "county", "泸西县城中村改造规划（合成）", "allocation"),
        ),
        heritage_site,
    ),
    ReviewSite(
        SiteSpec(
            "S23",
            "新型墙体材料生产线",
            "industrial",
            "building coefficient 22 % < 30 % (over standard) / 建筑系数不达标",
            facts=Facts("industrial", land_supply="transfer"),
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
            facts=Facts("industrial", land_supply="transfer"),
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
            facts=Facts("mining", "county", "泸西县矿产资源总体规划（合成）", "transfer"),
        ),
        mineral_site,
    ),
    ReviewSite(
        SiteSpec(
            "S26",
            "山地光伏电站（光伏方阵）",
            "energy",
            "PV array on grade Ⅰ protected forest land: 12号 forbids it (prohibited) / "
            "光伏方阵占用Ⅰ级保护林地",
            facts=Facts("pv_array", "provincial", "云南省新能源发展规划（合成）", "allocation"),
        ),
        partial(zone_site, layer="forest", where={"BHDJ": ("Ⅰ",)}, size=(300.0, 200.0), share=0.5),
    ),
    ReviewSite(
        SiteSpec(
            "S27",
            "山区供水工程高位水池",
            "water",
            "on national public-benefit forest of grade Ⅱ, not a national major project "
            "(conditional: check its grade) / 占用国家级公益林地",
            facts=Facts("water_supply", "county", "泸西县城乡供水一体化规划（合成）", "allocation"),
        ),
        partial(
            zone_site,
            layer="forest",
            where={"BHDJ": ("Ⅱ",), "GYLDJ": ("国家级公益林",)},
            size=(100.0, 80.0),
            share=0.5,
            avoid={"BHDJ": ("Ⅰ",)},
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S28",
            "龙潭湖湿地观景酒店",
            "commercial",
            "hotel on the 国家重要湿地 (prohibited, 湿地保护法 art. 19) / 酒店占用国家重要湿地",
            facts=Facts("hotel", land_supply="transfer"),
        ),
        partial(
            zone_site,
            layer="wetland",
            where={"ZYSDJB": ("国家重要湿地",)},
            size=(120.0, 80.0),
            share=0.3,
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S29",
            "白云山自然保护区游客服务设施",
            "infrastructure",
            "tourism facility in a plan, in a reserve's 一般控制区: a 142号 permitted activity "
            "(conditional) / 一般控制区内规划旅游配套设施",
            facts=Facts(
                "tourism_facilities", "provincial", "白云山自然保护区总体规划（合成）", "allocation"
            ),
        ),
        partial(
            zone_site,
            layer="protected_areas",
            where={"GNFQ": ("一般控制区",)},
            size=(100.0, 80.0),
            share=0.98,
            avoid={"GNFQ": ("核心保护区",)},
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S30",
            "白云山度假山庄",
            "commercial",
            "hotel in a reserve's 一般控制区: no 142号 permitted activity (prohibited) / "
            "一般控制区内建设酒店",
            facts=Facts("hotel", land_supply="transfer"),
        ),
        partial(
            zone_site,
            layer="protected_areas",
            where={"GNFQ": ("一般控制区",)},
            size=(160.0, 120.0),
            share=0.98,
            avoid={"GNFQ": ("核心保护区",)},
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S31",
            "龙潭湖森林公园农家乐餐饮点",
            "commercial",
            "in a forest park's 实验区 (legacy zoning): conditional / 位于森林公园实验区",
            facts=Facts("commercial", land_supply="transfer"),
        ),
        partial(
            zone_site,
            layer="protected_areas",
            where={"GNFQ": ("实验区",)},
            size=(100.0, 80.0),
            share=0.98,
            avoid={"GNFQ": ("核心区", "缓冲区")},
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S32",
            "农产品冷链物流中心",
            "commercial",
            "over the 铝土矿 exploration right, a strategic mineral (prohibited in principle) / "
            "压覆战略性矿产（铝土矿）探矿权",
            facts=Facts("commercial", land_supply="transfer"),
        ),
        partial(
            zone_site,
            layer="mineral_rights",
            where={"ZLXKC": ("是",)},
            size=(200.0, 150.0),
            share=1.0,
            gap=300.0,
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S33",
            "乡村旅游接待中心",
            "commercial",
            "a geohazard point (隐患点) inside the site (conditional) / 用地范围内有地质灾害隐患点",
            facts=Facts("commercial", land_supply="transfer"),
        ),
        hazard_point_site,
    ),
    ReviewSite(
        SiteSpec(
            "S34",
            "老城商业街改造",
            "commercial",
            "into the 城隍庙's 保护范围 (prohibited) / 进入文物保护单位保护范围",
            facts=Facts("commercial", land_supply="transfer"),
        ),
        partial(
            zone_site,
            layer="heritage",
            where={"WWMC": ("城隍庙古建筑群",), "FWLX": ("保护范围",)},
            size=(100.0, 80.0),
            share=0.2,
            gap=20.0,
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S35",
            "老城区停车楼",
            "infrastructure",
            "in the 城隍庙's 建设控制地带 only (conditional: design consent) / "
            "位于文物保护单位建设控制地带",
            facts=Facts(
                "infrastructure", "county", "泸西县城停车设施专项规划（合成）", "allocation"
            ),
        ),
        partial(
            zone_site,
            layer="heritage",
            where={"WWMC": ("城隍庙古建筑群",), "FWLX": ("建设控制地带",)},
            size=(50.0, 40.0),
            share=0.9,
            avoid={"FWLX": ("保护范围",)},
            gap=20.0,
        ),
    ),
    ReviewSite(
        SiteSpec(
            "S36",
            "龙潭湖水库溢洪道除险加固工程",
            "water",
            "water-conservancy works on the 国家重要湿地: a listed exception (conditional, "
            "湿地保护法 art. 19) / 水利工程占用国家重要湿地",
            facts=Facts("water_conservancy", "county", "泸西县水利发展规划（合成）", "allocation"),
        ),
        partial(
            zone_site,
            layer="wetland",
            where={"ZYSDJB": ("国家重要湿地",)},
            size=(80.0, 60.0),
            share=0.3,
        ),
    ),
)
"""Sites placed after the review layers, each meant to show one review check."""


INDEX_FACTS = ("industry_code", "land_grade", "project_grade", "length_km")
"""Fact fields after :data:`FACT_COLUMNS`: the industrial sites' GB/T 4754 code and 土地等别
(:data:`landcheck.sample.standards.LAND_GRADE`), the county roads' grade of works
(:data:`landcheck.sample.standards.ROAD_GRADES`) and length, which the sample's index table
(:mod:`landcheck.sample.standards`) is looked up by."""


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
    figures = {key for key, (ratios, _) in given.items() if ratios}
    sites["land_grade"] = [LAND_GRADE if key in figures else None for key in sites["site_id"]]
    sites["project_grade"] = [ROAD_GRADES.get(key) for key in sites["site_id"]]
    # a corridor's length: its area over its width (flat-capped around its centre line)
    sites["length_km"] = [
        round(area / width / 1000.0, 3) if key in ROAD_GRADES else np.nan
        for key, area, width in zip(
            sites["site_id"], sites.geometry.area, sites["width_m"], strict=True
        )
    ]
    facts = [name for name, _, _ in FACT_COLUMNS] + [*INDEX_FACTS]
    first = [c for c in layers["sites"].columns if c not in ("BZ", "geometry")]
    return gpd.GeoDataFrame(
        sites[[*first, *facts, "BZ", "geometry"]], geometry="geometry", crs=added.crs
    )
