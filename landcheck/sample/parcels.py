"""Cutting the county into parcels: an exact polygonal coverage of the outline.

The Voronoi cell edges, the outline and the corridor and reservoir
boundaries are noded on the 1 cm grid and polygonised; small faces are
merged into a neighbour, and the corridor pieces of one class are joined
within each village.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.cells import Cells
from landcheck.sample.county import GRID
from landcheck.sample.plan import Plan
from landcheck.sample.shapes import corridor

__all__ = ["Parcels", "make_parcels"]

_MIN_FACE_M2 = 150.0  # faces smaller than this are merged into a neighbour


@dataclass
class Parcels:
    """The land-use parcels: an exact coverage of the outline, with their cells."""

    geometry: np.ndarray
    cell: np.ndarray  # generator index of each parcel
    code: np.ndarray
    corridor: np.ndarray  # parcel cut out of a road, river or ditch corridor

    def reordered(self, order: np.ndarray) -> Parcels:
        """The same parcels in ``order``."""
        return Parcels(
            geometry=self.geometry[order],
            cell=self.cell[order],
            code=self.code[order],
            corridor=self.corridor[order],
        )


def make_parcels(plan: Plan, cells: Cells) -> Parcels:
    """Cut the outline into parcels along cell edges and corridor boundaries.

    A face whose representative point lies in a corridor or reservoir takes
    its class (the first in :func:`_corridors` wins; a rural road inside a
    town is a street); any other face takes its cell's class.
    """
    outline = plan.outline
    x0, y0, x1, y1 = outline.bounds
    frame = shapely.box(x0 - 3000.0, y0 - 3000.0, x1 + 3000.0, y1 + 3000.0)
    edges = shapely.voronoi_polygons(
        shapely.multipoints(cells.xy), extend_to=frame, only_edges=True
    )
    corridors = _corridors(plan)
    lakes = corridors[0][1]
    lines = [shapely.difference(edges, lakes), shapely.boundary(outline), shapely.boundary(lakes)]
    lines += [shapely.difference(shapely.boundary(g), lakes) for _, g in corridors[1:]]
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    rep = shapely.point_on_surface(faces)
    rx, ry = shapely.get_coordinates(rep).T
    inside = shapely.contains_xy(outline, rx, ry)
    faces, rep, rx, ry = faces[inside], rep[inside], rx[inside], ry[inside]
    cell = shapely.STRtree(shapely.points(cells.xy)).query_nearest(rep, all_matches=False)[1]
    code = cells.code[cell].copy()
    in_corridor = np.zeros(len(faces), dtype=bool)
    for corridor_code, geometry in reversed(corridors):
        shapely.prepare(geometry)
        hit = shapely.contains_xy(geometry, rx, ry)
        code[hit] = corridor_code
        in_corridor |= hit
    town = cells.ratio[cell].min(axis=1) < 1.0
    code[in_corridor & town & (code == "1006")] = "1004"
    faces, keeper = _merge_small_faces(faces, code, _MIN_FACE_M2)
    return _join_corridor_faces(
        faces, cell[keeper], code[keeper], in_corridor[keeper], cells.village, cells.boundary
    )


def _corridors(plan: Plan) -> list[tuple[str, shapely.Geometry]]:
    """Corridor and reservoir polygons by class, highest priority first."""
    widths = [info[2] for info in plan.road_info]
    return [
        ("1103", shapely.union_all(plan.reservoirs)),
        ("1101", corridor(plan.river_lines, plan.river_widths)),
        ("1003", corridor(plan.road_lines, widths)),
        ("1004", corridor(plan.streets, 14.0)),
        ("1006", corridor(plan.rural_roads, 5.0)),
        ("1107", corridor(plan.ditches, 4.0)),
    ]


def _merge_small_faces(
    faces: np.ndarray, code: np.ndarray, minimum: float
) -> tuple[np.ndarray, np.ndarray]:
    """Merge each face under ``minimum`` m² into its best-scoring neighbour.

    A neighbour's score is the length of the edge it shares with the small
    face, times 4 when it has the same class and times 2 when it is not
    small itself. Merges chain (a small face may join another small face
    that joins a large one). Returns the merged faces and, for each, the
    index of the input face whose attributes it keeps (the largest of the
    group), in the order of that index.
    """
    area = shapely.area(faces)
    small = np.flatnonzero(area < minimum)
    parent = np.arange(len(faces))
    if len(small):
        tree = shapely.STRtree(faces)
        left, right = tree.query(faces[small], predicate="intersects")
        source = small[left]
        keep = right != source
        source, right = source[keep], right[keep]
        shared = shapely.length(
            shapely.intersection(shapely.boundary(faces[source]), shapely.boundary(faces[right]))
        )
        same = np.where(code[source] == code[right], 4.0, 1.0)
        score = shared * same * (1.0 + (area[right] >= minimum))
        valid = shared > 0.0
        order = np.lexsort((-score[valid], source[valid]))
        pairs_source, pairs_target = source[valid][order], right[valid][order]
        first = np.ones(len(pairs_source), dtype=bool)
        first[1:] = pairs_source[1:] != pairs_source[:-1]

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for s, t in zip(pairs_source[first], pairs_target[first], strict=True):
            a, b = root(int(s)), root(int(t))
            if a != b:
                parent[a] = b
        roots = np.array([root(i) for i in range(len(faces))])
    else:
        roots = parent
    order = np.lexsort((-area, roots))
    sorted_roots = roots[order]
    starts = np.flatnonzero(np.r_[True, sorted_roots[1:] != sorted_roots[:-1]])
    ends = np.r_[starts[1:], len(order)]
    merged = np.empty(len(starts), dtype=object)
    keeper = order[starts]
    for g, (a, b) in enumerate(zip(starts, ends, strict=True)):
        members = order[a:b]
        merged[g] = faces[members[0]] if b - a == 1 else shapely.coverage_union_all(faces[members])
    position = np.argsort(keeper, kind="stable")
    return merged[position], keeper[position]


def _join_corridor_faces(
    faces: np.ndarray,
    cell: np.ndarray,
    code: np.ndarray,
    in_corridor: np.ndarray,
    village: np.ndarray,
    boundary: np.ndarray,
) -> Parcels:
    """Join the corridor pieces of one class within one village into continuous parcels.

    The cell edges cut every road, river and ditch into short pieces; a
    survey parcel runs on to the next village boundary instead. Pieces
    inside and outside an urban development boundary stay apart. Each
    joined part keeps the cell and class of the largest piece inside it.
    """
    keep = np.flatnonzero(~in_corridor)
    pieces = np.flatnonzero(in_corridor)
    key = np.array([f"{code[i]}|{village[cell[i]]:05d}|{boundary[cell[i]]}" for i in pieces])
    order = pieces[np.argsort(key, kind="stable")]
    sorted_key = np.sort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    ends = np.r_[starts[1:], len(order)]
    area = shapely.area(faces)
    rep = shapely.point_on_surface(faces)
    out_geometry, out_cell, out_code = [], [], []
    for a, b in zip(starts, ends, strict=True):
        members = order[a:b]
        members = members[np.argsort(-area[members], kind="stable")]
        joined = faces[members[0]] if b - a == 1 else shapely.coverage_union_all(faces[members])
        for part in shapely.get_parts(joined):
            shapely.prepare(part)
            inside = shapely.contains(part, rep[members])
            owner = members[np.argmax(inside)]
            out_geometry.append(part)
            out_cell.append(cell[owner])
            out_code.append(code[owner])
    return Parcels(
        geometry=np.concatenate([faces[keep], np.array(out_geometry, dtype=object)]),
        cell=np.concatenate([cell[keep], np.array(out_cell, dtype=int)]),
        code=np.concatenate([code[keep], np.array(out_code, dtype=object)]),
        corridor=np.r_[np.zeros(len(keep), dtype=bool), np.ones(len(out_geometry), dtype=bool)],
    )
