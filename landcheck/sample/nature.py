"""林地, 草原 and 湿地: the forest, grassland and wetland layers, cut from the survey's parcels.

Forest and grassland are the survey's forest (03xx) and grass (04xx) parcels
with the attributes of the 林地一张图 and the grassland inventory, dissolved
into connected blocks of equal attributes. The wetland takes the main river
and two reservoirs with the open land along their shores. Nothing here is
random: the attributes follow the terrain fields, the redline and the
protected areas.
"""

from __future__ import annotations

import numpy as np
import shapely

from landcheck.sample.county import COUNTY_CODE
from landcheck.sample.frames import areas, dissolve
from landcheck.sample.landuse import WILD
from landcheck.sample.protected import AREAS, park_reservoir, protected_zoning
from landcheck.sample.review import Review, polygonal, union_parts_of

__all__ = ["forest", "grassland", "wetland"]

Built = tuple[dict[str, object], list[shapely.Geometry]]

_FOREST_NAMES = {"0301": "乔木林地", "0302": "竹林地", "0305": "灌木林地", "0307": "其他林地"}
_GRADE_AROUND_M = 500.0  # forest this close to the redline, on steep ground, is grade Ⅱ
_BASIC_GRASSLAND_M2 = 50e4  # a connected grass patch of 50 ha or more is 基本草原


def forest(review: Review) -> Built:
    """林地一张图: forest blocks by protection grade, 公益林 level, origin and class.

    BHDJ (林地保护等级): Ⅰ in the protected areas' core zones, in the
    biodiversity redline on the highest fifth of the forest ground, and on
    slopes of 35° and more; Ⅱ in the rest of the redline and protected areas,
    and on steep ground (25°+) within 500 m of the redline; Ⅲ on slopes of 15°+
    or karst (0.7+); Ⅳ the rest. GYLDJ (公益林): 国家级
    for Ⅰ and the Ⅱ in the redline, 省级 for the other Ⅱ and the steepest or most
    karstic Ⅲ, empty (商品林) otherwise. QY: shrub is 天然, other forest 人工,
    arbor 天然 on grades Ⅰ-Ⅱ and on high ground, else 人工 where a smooth
    field says so (plantation blocks).
    """
    survey = review.survey
    fields = survey.fields
    chosen = np.flatnonzero(np.isin(survey.code, tuple(_FOREST_NAMES)))
    code = survey.code[chosen]
    slope, karst = fields["slope"][chosen], fields["karst"][chosen]
    elevation = fields["elevation"][chosen]
    zoning = protected_zoning(review)
    cores = {a.zones[0] for a in AREAS}
    in_core = np.isin(zoning.zone[chosen], list(cores))
    in_area = zoning.area[chosen] >= 0
    red = review.in_redline[chosen]
    biodiversity = survey.lines.redline[chosen] == "生物多样性维护"
    top = elevation >= np.quantile(elevation, 0.8)
    around = _near(review, review.in_redline, _GRADE_AROUND_M)[chosen]

    grade = np.full(len(chosen), "Ⅳ", dtype=object)
    grade[(slope >= 15.0) | (karst >= 0.7)] = "Ⅲ"
    grade[red | in_area | (around & (slope >= 25.0))] = "Ⅱ"
    grade[in_core | (biodiversity & top) | (slope >= 35.0)] = "Ⅰ"
    welfare = np.full(len(chosen), "", dtype=object)
    welfare[(grade == "Ⅲ") & ((slope >= 25.0) | (karst >= 0.85))] = "省级公益林"
    welfare[grade == "Ⅱ"] = "省级公益林"
    welfare[(grade == "Ⅰ") | ((grade == "Ⅱ") & red)] = "国家级公益林"
    natural = (code == "0305") | (
        (code == "0301") & (np.isin(grade, ("Ⅰ", "Ⅱ")) | top | (fields["patch_b"][chosen] < 0.2))
    )
    origin = np.where(natural, "天然", "人工")
    keys = [
        (str(g), str(w), str(o), str(c))
        for g, w, o, c in zip(grade, welfare, origin, code, strict=True)
    ]
    block_keys, geometry = dissolve(survey.geometry[chosen], keys, explode=True)
    columns = {
        "BHDJ": [k[0] for k in block_keys],
        "GYLDJ": [k[1] for k in block_keys],
        "QY": [k[2] for k in block_keys],
        "DLMC": [_FOREST_NAMES[k[3]] for k in block_keys],
        "XZQDM": COUNTY_CODE,
        "MJ": areas(geometry),
    }
    return columns, geometry


def grassland(review: Review) -> Built:
    """草原: grass blocks by 基本草原 flag and grassland type.

    JBCY: 是 on connected grass patches of 50 ha and more (the large
    pastures), 否 elsewhere. CYLX: 山地草甸 on the highest fifth of the grass,
    热性灌草丛 on karst, 热性草丛 elsewhere.
    """
    survey = review.survey
    fields = survey.fields
    grass = np.char.startswith(survey.code.astype(str), "04")
    group, sizes = union_parts_of(review, grass)
    chosen = np.flatnonzero(grass)
    basic = sizes[group[chosen]] >= _BASIC_GRASSLAND_M2
    elevation, karst = fields["elevation"][chosen], fields["karst"][chosen]
    kind = np.where(
        elevation >= np.quantile(elevation, 0.8),
        "山地草甸",
        np.where(karst >= 0.6, "热性灌草丛", "热性草丛"),
    )
    keys = [("是" if b else "否", str(k)) for b, k in zip(basic, kind, strict=True)]
    block_keys, geometry = dissolve(survey.geometry[chosen], keys, explode=True)
    columns = {
        "JBCY": [k[0] for k in block_keys],
        "CYLX": [k[1] for k in block_keys],
        "MJ": areas(geometry),
    }
    return columns, geometry


# wetland: (name, level, type) of each feature, in output order
_WETLANDS = (
    ("龙潭湖湿地", "国家重要湿地", "人工湿地"),
    ("龙潭湖湿地", "国家重要湿地", "沼泽湿地"),
    ("清水河湿地（上游段）", "省级重要湿地", "河流湿地"),
    ("清水河湿地（下游段）", "一般湿地", "河流湿地"),
    ("石门水库湿地", "一般湿地", "人工湿地"),
)
_SHORE_M = 60.0  # shore strip along the river and the reservoirs
_MARSH_M = 450.0  # the marsh at the reservoir's inflow reaches this far from it
_SHORE_LAND = (*WILD, "0201", "0204", "1104", "1107")  # classes a shore strip may take


def wetland(review: Review) -> Built:
    """湿地: the main river and two reservoirs, each with a 60 m strip of open shore.

    The reservoir of the forest park (龙潭湖, 国家重要湿地) is an artificial
    wetland, except its shallow end within 450 m of the inflow, a marsh (water
    and shore); the main river outside the urban boundaries is a river
    wetland, 省级重要湿地 upstream of the county seat and 一般湿地 downstream;
    the other reservoir is an 一般湿地. Shores take open land only (no
    construction, cultivated land or town). The features do not overlap.

    Raises
    ------
    RuntimeError
        When one of the wetlands is empty (another seed may have it).
    """
    survey = review.survey
    plan = survey.plan
    reservoirs = plan.reservoirs
    park_lake = park_reservoir(review)
    shore_land = np.isin(survey.code, _SHORE_LAND) & ~review.in_boundary

    def with_shore(water: shapely.Geometry) -> shapely.Geometry:
        near = review.tree.query(water, predicate="dwithin", distance=_SHORE_M)
        mask = np.zeros(len(shore_land), dtype=bool)
        mask[near[shore_land[near]]] = True
        shore = shapely.intersection(shapely.buffer(water, _SHORE_M), review.union(mask))
        return polygonal(shapely.union(water, shore))

    lake_parcels = review.union((survey.code == "1103") & review.within(reservoirs[park_lake]))
    lake = with_shore(lake_parcels)
    inflow = _inflow(plan.river_lines, reservoirs[park_lake])
    marsh = polygonal(shapely.intersection(lake, shapely.buffer(inflow, _MARSH_M)))
    lake = polygonal(shapely.difference(lake, marsh))
    main = plan.river_lines[0]
    river = (survey.code == "1101") & ~review.in_boundary & review.within(main, 40.0)
    along = shapely.line_locate_point(main, shapely.points(review.rep))
    seat_at = shapely.line_locate_point(main, shapely.Point(review.seat))
    upstream = with_shore(review.union(river & (along < seat_at)))
    downstream = with_shore(review.union(river & (along >= seat_at)))
    other = 1 - park_lake
    other_lake = with_shore(
        review.union((survey.code == "1103") & review.within(reservoirs[other]))
    )
    geometry: list[shapely.Geometry] = []
    taken = shapely.Polygon()
    for shape, (name, _, kind) in zip(
        (lake, marsh, upstream, downstream, other_lake), _WETLANDS, strict=True
    ):
        piece = polygonal(shapely.difference(shape, taken))
        if piece.is_empty:
            raise RuntimeError(f"the sample has no {name} ({kind}); try another seed")
        geometry.append(piece)
        taken = shapely.union(taken, piece)
    columns = {
        "SDMC": [w[0] for w in _WETLANDS],
        "ZYSDJB": [w[1] for w in _WETLANDS],
        "SDLX": [w[2] for w in _WETLANDS],
        "MJ": areas(geometry),
    }
    return columns, geometry


def _inflow(rivers: list[shapely.LineString], lake: shapely.Geometry) -> shapely.Point:
    """Where the river through ``lake`` enters it: the upstream end of its part in the lake."""
    line = max(rivers, key=lambda r: shapely.length(shapely.intersection(r, lake)))
    inside = shapely.intersection(line, lake)
    start = min(
        shapely.line_locate_point(line, shapely.get_point(p, 0)) for p in shapely.get_parts(inside)
    )
    return shapely.line_interpolate_point(line, start)


def _near(review: Review, mask: np.ndarray, distance: float) -> np.ndarray:
    """Mask of the parcels whose representative point lies within ``distance`` of ``mask``."""
    tree = shapely.STRtree(review.survey.geometry[mask])
    hit, _ = tree.query(shapely.points(review.rep), predicate="dwithin", distance=distance)
    near = np.zeros(len(mask), dtype=bool)
    near[hit] = True
    return near
