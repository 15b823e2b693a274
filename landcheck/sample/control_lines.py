"""The three control lines and the planning zones, parcel by parcel.

Each line is drawn on the parcels (so the lines are unions of parcels) in
the order the later ones depend on: the urban development boundary, the
ecological redline outside it, the permanent farmland outside both, then
the planning zones that follow all three.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.cells import Cells, boundary_town
from landcheck.sample.landuse import (
    CULTIVATED,
    ECOLOGICAL,
    FOREST,
    GRASS_AND_BARE,
    GREEN_IN_TOWN,
    OPEN_WATER,
    WILD,
    construction_codes,
    weighted_threshold,
)
from landcheck.sample.parcels import Parcels
from landcheck.sample.plan import Plan
from landcheck.sample.shapes import union_parts

__all__ = ["Lines", "control_lines"]


@dataclass
class Lines:
    """The three control lines and the planning zone of every parcel."""

    boundary: np.ndarray  # town index of the urban development boundary, or -1
    boundary_zone: np.ndarray  # 0401 / 0402 / 0403, or ""
    redline: np.ndarray  # LHLX (main function) of the redline, or ""
    farmland: np.ndarray  # permanent basic farmland
    zone: np.ndarray  # planning zone code


def control_lines(plan: Plan, cells: Cells, parcels: Parcels) -> Lines:
    """Draw the urban boundary, the redline, the farmland and the planning zones."""
    construction = np.isin(parcels.code, construction_codes())
    boundary, boundary_zone = _urban_boundary(cells, parcels, construction)
    in_boundary = boundary >= 0
    redline = _eco_redline(plan, cells, parcels, in_boundary)
    farmland = _permanent_farmland(cells, parcels, in_boundary, redline)
    return Lines(
        boundary=boundary,
        boundary_zone=boundary_zone,
        redline=redline,
        farmland=farmland,
        zone=_planning_zones(cells, parcels, construction, boundary_zone, farmland, redline),
    )


def _urban_boundary(
    cells: Cells, parcels: Parcels, construction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The town whose urban boundary holds each parcel (or -1), and the parcel's sub-zone.

    Inside a boundary: water and green land are 0403 (special use), land
    near the town (town ratio under 1.08) and construction land 0401
    (concentrated construction), the rest 0402 (flexible development).
    """
    cell = parcels.cell
    boundary = cells.boundary[cell]
    in_boundary = boundary >= 0
    boundary_zone = np.full(len(cell), "", dtype=object)
    own_ratio = cells.ratio[cell, np.maximum(boundary, 0)]
    boundary_zone[in_boundary] = "0402"
    boundary_zone[in_boundary & ((own_ratio < 1.08) | construction)] = "0401"
    boundary_zone[in_boundary & np.isin(parcels.code, GREEN_IN_TOWN)] = "0403"
    return boundary, boundary_zone


def _eco_redline(plan: Plan, cells: Cells, parcels: Parcels, in_boundary: np.ndarray) -> np.ndarray:
    """The redline's main function (LHLX) of each parcel, or "" outside the redline.

    Outside the urban boundary it takes the forest, grass and bare land on
    the highest 11 % of the ground (biodiversity), steep karst (soil
    conservation), and the reservoirs, the forest and grass within 1.8 km
    of them and the main river (water conservation); then only patches of
    30 ha and more are kept.
    """
    cell, code = parcels.cell, parcels.code
    elevation = cells.fields["elevation"][cell]
    rep = shapely.point_on_surface(parcels.geometry)
    rx, ry = shapely.get_coordinates(rep).T

    eligible = ~in_boundary & np.isin(code, ECOLOGICAL)
    high = elevation >= weighted_threshold(elevation, shapely.area(parcels.geometry), 0.11)
    hill = eligible & np.isin(code, WILD) & high
    karst = (
        eligible
        & np.isin(code, ("0305", *GRASS_AND_BARE))
        & (cells.fields["karst"][cell] >= 0.8)
        & (cells.fields["slope"][cell] >= 14.0)
    )
    near_lake = shapely.dwithin(rep, shapely.union_all(plan.reservoirs), 1800.0)
    main_river = shapely.dwithin(rep, plan.river_lines[0], 40.0)
    water = eligible & (
        (code == "1103")
        | (np.isin(code, (*FOREST, "0404")) & near_lake)
        | ((code == "1101") & main_river)
    )
    redline = np.full(len(code), "", dtype=object)
    redline[hill] = "生物多样性维护"
    redline[karst] = "水土保持"
    redline[water] = "水源涵养"
    candidate = np.flatnonzero(redline != "")
    patches = union_parts(parcels.geometry[candidate])
    large = patches[shapely.area(patches) >= 30e4]
    kept = shapely.union_all(large) if len(large) else shapely.Polygon()
    shapely.prepare(kept)
    redline[candidate[~shapely.contains_xy(kept, rx[candidate], ry[candidate])]] = ""
    return redline


def _permanent_farmland(
    cells: Cells, parcels: Parcels, in_boundary: np.ndarray, redline: np.ndarray
) -> np.ndarray:
    """Mask of the parcels that are permanent basic farmland.

    Cultivated parcels (not corridors) outside the boundary, outside a fringe
    of 1.12 times the boundary's reach, and outside the redline, where a
    smooth unit-variance field (``block``) exceeds -1.5 on slope grades 1-2,
    -0.8 on grade 3 and 0.4 on grade 4; never on grade 5.
    """
    cell, code = parcels.cell, parcels.code
    grade = cells.grade[cell]
    block = cells.fields["block"][cell]
    fringe = boundary_town(cells.ratio[cell] / 1.12) >= 0  # general farmland by the boundary
    cultivated = (
        np.isin(code, CULTIVATED) & ~parcels.corridor & ~in_boundary & ~fringe & (redline == "")
    )
    return cultivated & (
        ((grade <= 2) & (block > -1.5))
        | ((grade == 3) & (block > -0.8))
        | ((grade == 4) & (block > 0.4))
    )


def _planning_zones(
    cells: Cells,
    parcels: Parcels,
    construction: np.ndarray,
    boundary_zone: np.ndarray,
    farmland: np.ndarray,
    redline: np.ndarray,
) -> np.ndarray:
    """The planning zone of each parcel.

    01 = redline, 03 = farmland, the boundary sub-zones inside the boundary,
    the rest by land use (:func:`_rural_zone`); a road, street, rural road or
    ditch takes the zone of its cell's land, so it does not cut the zone it
    crosses.
    """
    cell_code = cells.code[parcels.cell]
    base = _rural_zone(cell_code, np.isin(cell_code, construction_codes()))
    zone = _rural_zone(parcels.code, construction)
    linear = parcels.corridor & np.isin(parcels.code, ("1003", "1004", "1006", "1107"))
    zone[linear] = base[linear]
    in_boundary = boundary_zone != ""
    zone[in_boundary] = boundary_zone[in_boundary]
    zone[farmland] = "03"
    zone[redline != ""] = "01"
    return zone


def _rural_zone(code: np.ndarray, construction: np.ndarray) -> np.ndarray:
    """Planning zone of land outside the three control lines, by land-use class."""
    zone = np.full(len(code), "0502", dtype=object)
    zone[construction] = "0501"
    zone[np.isin(code, FOREST)] = "0503"
    zone[np.isin(code, (*GRASS_AND_BARE, *OPEN_WATER))] = "02"
    zone[code == "0602"] = "07"
    return zone
