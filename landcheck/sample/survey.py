"""The survey record every layer is cut from: parcels in survey order with their attributes.

Detached parts of a township go to the township around them, the parcels
are put in survey order, and the control lines are drawn on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from landcheck.sample.cells import Cells
from landcheck.sample.control_lines import Lines, control_lines
from landcheck.sample.county import TOWNS
from landcheck.sample.landuse import CULTIVATED
from landcheck.sample.parcels import Parcels
from landcheck.sample.plan import Plan
from landcheck.sample.shapes import union_parts

__all__ = ["Survey", "make_survey"]


@dataclass
class Survey:
    """The parcels in survey order, their attributes and control lines, and the plan."""

    plan: Plan
    geometry: np.ndarray
    code: np.ndarray  # land-use class
    township: np.ndarray  # index into TOWNS
    village: np.ndarray  # index into the administrative villages
    village_code: np.ndarray  # ZLDWDM
    village_name: np.ndarray  # ZLDWMC
    state: np.ndarray  # state-owned land
    grade: np.ndarray  # slope grade of cultivated land, 0 elsewhere
    terraced: np.ndarray  # terraces (TT) rather than slope fields (PD) where cultivated
    lines: Lines
    fields: dict[str, np.ndarray]  # the terrain fields of each parcel's cell (Terrain.sample)


def make_survey(plan: Plan, cells: Cells, parcels: Parcels, villages: pd.DataFrame) -> Survey:
    """Put the parcels in survey order and give them their attributes and control lines.

    ``villages`` is the table of administrative villages of
    :func:`landcheck.sample.cells.make_cells`.
    """
    township, village = _absorb_exclaves(
        parcels.geometry, cells.township[parcels.cell], cells.village[parcels.cell]
    )
    order = _survey_order(parcels.geometry, villages["code"].to_numpy()[village])
    township, village = township[order], village[order]
    parcels = parcels.reordered(order)
    code = parcels.code
    return Survey(
        plan=plan,
        geometry=parcels.geometry,
        code=code,
        township=township,
        village=village,
        village_code=villages["code"].to_numpy()[village],
        village_name=villages["name"].to_numpy()[village],
        state=cells.state[parcels.cell] | np.isin(code, ("1003", "1101", "1103")),
        grade=np.where(np.isin(code, CULTIVATED), cells.grade[parcels.cell], 0),
        terraced=(code == "0101") | (cells.fields["patch_a"][parcels.cell] > 0.3),
        lines=control_lines(plan, cells, parcels),
        fields={name: values[parcels.cell] for name, values in cells.fields.items()},
    )


def _absorb_exclaves(
    geometry: np.ndarray, township: np.ndarray, village: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Give the parcels of a township's detached parts to the neighbour around them.

    Each detached part (all but the largest) goes to the township (and
    village) of the outside parcel sharing the longest edge with it, so every
    township is one piece.
    """
    township, village = township.copy(), village.copy()
    tree = shapely.STRtree(geometry)
    rx, ry = shapely.get_coordinates(shapely.point_on_surface(geometry)).T
    for _ in range(len(TOWNS)):
        moved = False
        for t in np.unique(township):
            mine = np.flatnonzero(township == t)
            parts = union_parts(geometry[mine])
            if len(parts) < 2:
                continue
            for part in parts[np.argsort(-shapely.area(parts), kind="stable")][1:]:
                shapely.prepare(part)
                members = mine[shapely.contains_xy(part, rx[mine], ry[mine])]
                around = tree.query(part, predicate="intersects")
                around = around[township[around] != t]
                shared = shapely.length(shapely.intersection(part.boundary, geometry[around]))
                best = around[np.argmax(shared)]
                township[members] = township[best]
                village[members] = village[best]
                moved = True
        if not moved:
            break
    return township, village


def _survey_order(geometry: np.ndarray, village_code: np.ndarray) -> np.ndarray:
    """Survey order: by village code, then north to south in 200 m bands, then west to east."""
    rx, ry = shapely.get_coordinates(shapely.point_on_surface(geometry)).T
    return np.lexsort((rx, -np.floor(ry / 200.0), village_code))
