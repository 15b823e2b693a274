"""The generated layers: one builder per layer, in one table (:data:`LAYERS`).

A builder takes the :class:`~landcheck.sample.survey.Survey` and returns the
layer's columns and geometries; :func:`build_layers` makes each into a frame
with the sample's conventions (:func:`landcheck.sample.frames.frame`), giving
it the ``BSM`` identifiers of its row's layer number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landcheck.classify import load_code_table
from landcheck.sample.county import COUNTY_CODE, COUNTY_NAME, GRID, SEAT, TOWNS
from landcheck.sample.frames import areas, dissolve, frame
from landcheck.sample.landuse import CULTIVATED, KCXS, quality_grade
from landcheck.sample.survey import Survey

__all__ = ["LAYERS", "Layer", "build_layers"]

_SURVEY_YEAR = 2024

Built = tuple[dict[str, object], Sequence[shapely.Geometry]]  # a layer's columns and geometries


@dataclass(frozen=True)
class Layer:
    """A generated layer: its name, its number in the BSM identifiers, its builder."""

    name: str
    bsm: int | None  # None: the layer has no BSM field
    build: Callable[[Survey], Built]


def build_layers(survey: Survey) -> dict[str, gpd.GeoDataFrame]:
    """Build every layer of :data:`LAYERS`, in its order."""
    return {layer.name: frame(*layer.build(survey), bsm=layer.bsm) for layer in LAYERS}


def _class_names() -> dict[str, str]:
    """Land-use class names by code."""
    return load_code_table("sandiao-2019").frame["name"].to_dict()


def _zone_names() -> dict[str, str]:
    """Planning zone names by code."""
    return load_code_table("planning-zones-2020").frame["name"].to_dict()


def _land_use(survey: Survey) -> Built:
    """三调地类图斑: every parcel, with its ownership, areas, field-ridge deduction and 等别."""
    code, grade, state = survey.code, survey.grade, survey.state
    count = len(code)
    tbbh = (
        pd.Series(np.ones(count, dtype=int)).groupby(survey.village).cumsum().astype(str).to_numpy()
    )
    cultivated = np.isin(code, CULTIVATED)
    gdlx = np.where(cultivated & (grade >= 2), np.where(survey.terraced, "TT", "PD"), "")
    kcxs = np.array([KCXS.get((int(g), str(t)), 0.0) for g, t in zip(grade, gdlx, strict=True)])
    tbmj = areas(survey.geometry)
    kcmj = np.round(tbmj * kcxs, 2)
    gddb = quality_grade(code, grade, survey.fields)
    class_names = _class_names()
    columns = {
        "TBBH": tbbh,
        "DLBM": code.astype(str),
        "DLMC": [class_names[c] for c in code],
        "QSXZ": np.where(state, "10", "30"),
        "QSDWDM": [f"{z}0000000" for z in survey.village_code],
        "QSDWMC": np.where(
            state, "国有土地", np.char.add(survey.village_name.astype(str), "农民集体")
        ),
        "ZLDWDM": survey.village_code.astype(str),
        "ZLDWMC": survey.village_name.astype(str),
        "TBMJ": tbmj,
        "KCDLBM": np.where(kcxs > 0, "1203", ""),
        "KCXS": kcxs,
        "KCMJ": kcmj,
        "TBDLMJ": np.round(tbmj - kcmj, 2),
        "GDLX": gdlx,
        "GDPDJB": np.where(cultivated, grade.astype(str), ""),
        "GDDB": np.where(cultivated, gddb.astype(str), ""),
        "SJNF": np.full(count, _SURVEY_YEAR),
    }
    return columns, survey.geometry


def _farmland(survey: Survey) -> Built:
    """永久基本农田: the farmland parcels dissolved into blocks per village, class and grade."""
    chosen = np.flatnonzero(survey.lines.farmland)
    keys = [
        (str(survey.village_code[i]), str(survey.code[i]), int(survey.grade[i])) for i in chosen
    ]
    farm_keys, farm_geometry = dissolve(survey.geometry[chosen], keys, explode=True)
    farm_village = [k[0] for k in farm_keys]
    names = dict(zip(survey.village_code, survey.village_name, strict=True))
    class_names = _class_names()
    columns = {
        "YJJBNTTBBH": pd.Series(np.ones(len(farm_keys), dtype=int))
        .groupby(farm_village)
        .cumsum()
        .astype(str)
        .to_numpy(),
        "DLBM": [k[1] for k in farm_keys],
        "DLMC": [class_names[k[1]] for k in farm_keys],
        "ZLDWDM": farm_village,
        "ZLDWMC": [names[k[0]] for k in farm_keys],
        "YJJBNTTBMJ": areas(farm_geometry),
        "GDPDJB": [str(k[2]) for k in farm_keys],
    }
    return columns, farm_geometry


def _eco_redline(survey: Survey) -> Built:
    """生态保护红线: one feature per main function and side (west, east) of the county seat."""
    seat_x = survey.plan.seats[SEAT][0]
    red = np.flatnonzero(survey.lines.redline != "")
    rx = shapely.get_coordinates(shapely.point_on_surface(survey.geometry[red]))[:, 0]
    keys = [
        (str(survey.lines.redline[i]), "西" if x < seat_x else "东")
        for i, x in zip(red, rx, strict=True)
    ]
    red_keys, red_geometry = dissolve(survey.geometry[red], keys, explode=False)
    columns = {
        "YSDM": "STBHHX",
        "XJXZQDM": COUNTY_CODE,
        "XJXZQMC": COUNTY_NAME,
        "LHLX": [k[0] for k in red_keys],
        "MJ": areas(red_geometry),
    }
    return columns, red_geometry


def _urban_boundary(survey: Survey) -> Built:
    """城镇开发边界: one multipolygon per town and sub-zone."""
    lines = survey.lines
    inside = np.flatnonzero(lines.boundary >= 0)
    keys = [(int(lines.boundary[i]), str(lines.boundary_zone[i])) for i in inside]
    ub_keys, ub_geometry = dissolve(survey.geometry[inside], keys, explode=False)
    zone_names = _zone_names()
    columns = {
        "XZQDM": [COUNTY_CODE + TOWNS[t].code for t, _ in ub_keys],
        "XZQMC": [TOWNS[t].name for t, _ in ub_keys],
        "GHFQDM": [z for _, z in ub_keys],
        "GHFQMC": [zone_names[z] for _, z in ub_keys],
        "MJ": areas(ub_geometry),
    }
    return columns, ub_geometry


def _planning_zones(survey: Survey) -> Built:
    """规划分区: one polygon per connected zone, covering the county."""
    zone_keys, zone_geometry = dissolve(
        survey.geometry, [(str(z),) for z in survey.lines.zone], explode=True
    )
    zone_names = _zone_names()
    columns = {
        "GHFQDM": [k[0] for k in zone_keys],
        "GHFQMC": [zone_names[k[0]] for k in zone_keys],
    }
    return columns, zone_geometry


def _townships(survey: Survey) -> Built:
    """The townships: unions of their parcels."""
    town_keys, town_geometry = dissolve(
        survey.geometry, [(int(t),) for t in survey.township], explode=False
    )
    columns = {
        "XZQDM": [COUNTY_CODE + TOWNS[k[0]].code for k in town_keys],
        "XZQMC": [TOWNS[k[0]].name for k in town_keys],
    }
    return columns, town_geometry


def _roads(survey: Survey) -> Built:
    """Road centre lines (not the rural roads or streets), clipped to the county."""
    plan = survey.plan
    road_rows, road_geometry = [], []
    for line, (name, road_class, _) in zip(plan.road_lines, plan.road_info, strict=True):
        for part in shapely.get_parts(shapely.intersection(line, plan.outline)):
            if part.geom_type == "LineString" and part.length > 0:
                road_rows.append((name, road_class))
                road_geometry.append(shapely.set_precision(part, GRID))
    columns = {"name": [r[0] for r in road_rows], "road_class": [r[1] for r in road_rows]}
    return columns, road_geometry


LAYERS = (
    Layer("land_use", 1, _land_use),
    Layer("farmland", 2, _farmland),
    Layer("eco_redline", 3, _eco_redline),
    Layer("urban_boundary", 4, _urban_boundary),
    Layer("planning_zones", 5, _planning_zones),
    Layer("townships", None, _townships),
    Layer("roads", None, _roads),
)
"""The generated layers in output order; a new layer with a BSM field takes the next number."""
