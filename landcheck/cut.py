"""Cut sites by a layer's features, on arrays: what the worker processes compute.

The geometry of :mod:`landcheck.overlay` on shapely arrays, with no frame:
one bulk STRtree query finds every (site, feature) pair, one vectorised
intersection cuts them, and the pieces are measured planar and ellipsoidal;
the nearest feature of each site is found in the same pass. Huge features
(ecological redlines with 10⁵ vertices) are first cut into pieces of at most
:data:`PIECE_VERTICES` vertices, only around the sites (like PostGIS
``ST_Subdivide``). Where features of one layer overlap each other inside a
site, the later feature loses the shared part (see :mod:`landcheck.overlay`).

This module imports numpy, shapely and pyproj and nothing heavier (no pandas,
geopandas or pyarrow, tested): a batch's worker processes start from it
(:mod:`landcheck.engine` preloads it in their forkserver) in a third of the
time the whole package takes to import, while the calling process reads the
first layer.
"""

from __future__ import annotations

import threading
import time
import warnings
from typing import Any

import numpy as np
import shapely
from pyproj import CRS

from landcheck.areas import ellipsoidal_areas
from landcheck.boxcover import halves
from landcheck.memory import release_free_memory
from landcheck.polygonal import polygonal_part
from landcheck.prepared import prepared_copies

__all__ = [
    "IDLE_TRIM_S",
    "PIECE_VERTICES",
    "SUBDIVIDE_ABOVE",
    "Nearest",
    "WireGeometries",
    "cut_and_nearest",
    "nearest_split",
    "overlay_arrays",
    "partition_task",
    "parts_in_boxes",
    "quiet_worker",
    "ready",
    "subdivide_near",
]

SUBDIVIDE_ABOVE = 2048
"""Features with more vertices than this are subdivided before the overlay."""

PIECE_VERTICES = 256
"""Subdivide into pieces of at most this many vertices (PostGIS ST_Subdivide's default)."""

_MAX_DEPTH = 40

PREPARED_ABOVE = PIECE_VERTICES
"""A feature with more vertices than this (a township, a zone not subdivided) is prepared:
asked which sites it meets and covers, rather than each site walking all of its edges."""

Nearest = tuple[np.ndarray, np.ndarray, np.ndarray]
"""The nearest feature of some sites: their positions, the features' positions, the distances."""


def _read_only(values: np.ndarray) -> np.ndarray:
    values.flags.writeable = False
    return values


_NO_NEAREST: Nearest = (
    _read_only(np.array([], dtype=np.intp)),
    _read_only(np.array([], dtype=np.intp)),
    _read_only(np.array([])),
)
"""No nearest features (read-only arrays: handed out as they are)."""


def _candidate_pairs(site_geoms: np.ndarray, feature_geoms: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every (site, feature) pair that intersect, sorted by site, then feature.

    Each site is asked which features it meets, but a big feature (more than
    :data:`PREPARED_ABOVE` vertices) is asked which sites it meets instead: it is
    prepared once (its edges indexed) and tests the few vertices of each site
    near it, where each site would walk all of its edges. ``intersects`` is
    exact and symmetric, so the pairs are the same either way.
    """
    large = _big(feature_geoms)
    small = np.setdiff1d(np.arange(len(feature_geoms)), large, assume_unique=True)
    site_idx, found = shapely.STRtree(feature_geoms[small]).query(
        site_geoms, predicate="intersects"
    )
    feature_idx = small[found]
    if len(large):
        met, big_sites = shapely.STRtree(site_geoms).query(
            feature_geoms[large], predicate="intersects"
        )
        site_idx = np.concatenate([site_idx, big_sites])
        feature_idx = np.concatenate([feature_idx, large[met]])
    order = np.lexsort((feature_idx, site_idx))
    return site_idx[order], feature_idx[order]


def subdivide_near(
    geometries: np.ndarray,
    near: np.ndarray,
    distance: float = 0.0,
    *,
    above: int = SUBDIVIDE_ABOVE,
    max_vertices: int = PIECE_VERTICES,
) -> tuple[np.ndarray, np.ndarray]:
    """Cut huge polygons into small pieces, only where they come near some geometries.

    A geometry with more than ``above`` vertices is halved across the longer
    side of its bounding box, again and again, until each piece has at most
    ``max_vertices`` vertices; halves farther than ``distance`` from every
    geometry of ``near`` are dropped on the way, so the work follows the
    sites, not the size of the feature. The pieces of one geometry are
    disjoint and, within ``distance`` of ``near``, cover it exactly, so areas
    and distances summed or minimised over them are the geometry's.

    Parameters
    ----------
    geometries : numpy.ndarray of shapely geometries
        Valid polygonal geometries.
    near : numpy.ndarray of shapely geometries
        Where the pieces are needed (the sites).
    distance : float
        Keep pieces within this distance of ``near`` (0: intersecting it).
    above, max_vertices : int
        Subdivide geometries with more than ``above`` vertices into pieces of
        at most ``max_vertices``.

    Returns
    -------
    pieces : numpy.ndarray of shapely geometries
        Geometries left whole, and the pieces of the subdivided ones, in the
        order of their geometry.
    owner : numpy.ndarray of int
        For each piece, the position of its geometry in ``geometries``.

    Examples
    --------
    >>> ring = shapely.Point(0, 0).buffer(1000, quad_segs=2000)
    >>> pieces, owner = subdivide_near(np.array([ring]), np.array([shapely.box(0, 0, 1, 1)]))
    >>> int(shapely.get_num_coordinates(pieces).max()) <= PIECE_VERTICES, set(owner.tolist())
    (True, {0})
    >>> bool(shapely.intersects(shapely.box(0, 0, 1, 1), pieces).any())
    True
    """
    pieces, owner, _ = _subdivide(geometries, near, distance, above, max_vertices)
    return pieces, owner


def parts_in_boxes(
    features: np.ndarray, which: np.ndarray, boxes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's feature cut by its box, as ``(row, part)`` pairs.

    Row ``k`` asks for ``features[which[k]]`` inside the polygon ``boxes[k]``; the
    union of its parts is that intersection. A feature of more than
    :data:`SUBDIVIDE_ABOVE` vertices is subdivided once around all its rows'
    boxes (:func:`subdivide_near`) and each row gets its pieces' intersections:
    intersecting the whole of a 250,000-vertex redline with the box of each of
    500 sites took 1.6 s.

    Examples
    --------
    >>> ring = shapely.Point(0, 0).buffer(1000, quad_segs=2000)
    >>> boxes = shapely.box([990.0, -10.0], [-5.0, 995.0], [1010.0, 10.0], [5.0, 1005.0])
    >>> rows, parts = parts_in_boxes(np.array([ring]), np.array([0, 0]), boxes)
    >>> whole = shapely.area(shapely.intersection(ring, boxes))
    >>> [bool(abs(shapely.area(parts[rows == k]).sum() - whole[k]) < 1e-9) for k in (0, 1)]
    [True, True]
    """
    features = np.asarray(features, dtype=object)
    which = np.asarray(which, dtype=np.intp)
    huge = shapely.get_num_coordinates(features[which]) > SUBDIVIDE_ABOVE
    rows = [np.flatnonzero(~huge)]
    parts = [shapely.intersection(features[which[~huge]], boxes[~huge])]
    if huge.any():
        at = np.flatnonzero(huge)
        distinct, owner_of_row = np.unique(which[at], return_inverse=True)
        pieces, owner = subdivide_near(features[distinct], boxes[at])
        row, piece = shapely.STRtree(pieces).query(boxes[at])
        same = owner[piece] == owner_of_row[row]
        row, piece = row[same], piece[same]
        rows.append(at[row])
        parts.append(shapely.intersection(pieces[piece], boxes[at][row]))
    return np.concatenate(rows), np.concatenate(parts)


def _subdivide(
    geometries: np.ndarray,
    near: np.ndarray,
    distance: float = 0.0,
    above: int = SUBDIVIDE_ABOVE,
    max_vertices: int = PIECE_VERTICES,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`subdivide_near`'s pieces and owners, and the box each piece was clipped to.

    The box is None for a geometry left whole. The halving does not depend on
    ``near`` nor ``distance`` (only which halves are kept does), so the pieces
    for a smaller distance are those of a larger one whose box is near enough
    (:func:`cut_and_nearest`).
    """
    geometries = np.asarray(geometries, dtype=object)
    counts = shapely.get_num_coordinates(geometries)
    big = counts > above
    if not big.any():
        return geometries, np.arange(len(geometries)), np.full(len(geometries), None, dtype=object)
    near = np.asarray(near, dtype=object)
    near = near[~(shapely.is_missing(near) | shapely.is_empty(near))]
    tree = shapely.STRtree(near)
    out_pieces, out_owner = [geometries[~big]], [np.flatnonzero(~big)]
    out_rects = [np.full(int((~big).sum()), None, dtype=object)]
    todo, owner = geometries[big], np.flatnonzero(big)
    rects = np.full(len(todo), None, dtype=object)
    for depth in range(_MAX_DEPTH + 1):
        if not len(todo):
            break
        done = shapely.get_num_coordinates(todo) <= max_vertices
        if depth == _MAX_DEPTH:
            done[:] = True
        if depth and done.any():
            out_pieces.append(_exact_if_invalid(todo[done], geometries[owner[done]], rects[done]))
        elif done.any():
            out_pieces.append(todo[done])
        out_owner.append(owner[done])
        out_rects.append(rects[done])
        todo, owner, rects = todo[~done], owner[~done], rects[~done]
        if not len(todo):
            break
        boxes = halves(shapely.bounds(todo))
        parent = np.concatenate([np.arange(len(todo))] * 2)
        halved = shapely.box(*boxes.T)
        if distance > 0:
            hit, _ = tree.query(halved, predicate="dwithin", distance=distance)
        else:
            hit, _ = tree.query(halved, predicate="intersects")
        keep = np.unique(hit)
        pieces = np.empty(len(keep), dtype=object)
        for j, k in enumerate(keep.tolist()):
            pieces[j] = shapely.clip_by_rect(todo[parent[k]], *boxes[k])
        pieces = polygonal_part(pieces)
        usable = ~shapely.is_empty(pieces)
        todo, owner, rects = pieces[usable], owner[parent[keep[usable]]], halved[keep[usable]]
    pieces = np.concatenate(out_pieces)
    owners = np.concatenate(out_owner)
    clipped_to = np.concatenate(out_rects)
    order = np.argsort(owners, kind="stable")
    return pieces[order], owners[order], clipped_to[order]


def _exact_if_invalid(pieces: np.ndarray, whole: np.ndarray, rects: np.ndarray) -> np.ndarray:
    """Rectangle clipping is fast but not guaranteed valid: redo invalid pieces exactly."""
    bad = ~shapely.is_valid(pieces)
    if bad.any():
        pieces = pieces.copy()
        pieces[bad] = polygonal_part(shapely.intersection(whole[bad], rects[bad]))
    return pieces


def _merge_fragments(
    site_idx: np.ndarray, feature_idx: np.ndarray, fragments: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One piece per (site, feature): union the fragments cut from a feature's pieces.

    The input is sorted by site, then feature.
    """
    if not len(site_idx):
        return site_idx, feature_idx, fragments
    new_run = np.ones(len(site_idx), dtype=bool)
    new_run[1:] = (site_idx[1:] != site_idx[:-1]) | (feature_idx[1:] != feature_idx[:-1])
    starts = np.flatnonzero(new_run)
    if len(starts) == len(site_idx):
        return site_idx, feature_idx, fragments
    stops = np.append(starts[1:], len(site_idx))
    merged = fragments[starts].copy()
    for j in np.flatnonzero(stops - starts > 1).tolist():
        parts = fragments[starts[j] : stops[j]]
        parts = parts[~shapely.is_empty(parts)]
        if len(parts) > 1:
            merged[j] = polygonal_part([shapely.union_all(parts)])[0]
        elif len(parts) == 1:
            merged[j] = parts[0]
    return site_idx[starts], feature_idx[starts], merged


def _cut(site_geoms: np.ndarray, feature_geoms: np.ndarray) -> np.ndarray:
    """Intersections, skipping GEOS where one geometry covers the other."""
    pieces = np.empty(len(site_geoms), dtype=object)
    feature_inside = shapely.covers(site_geoms, feature_geoms)
    site_inside = ~feature_inside & shapely.covers(_big_prepared(feature_geoms), site_geoms)
    rest = ~feature_inside & ~site_inside
    pieces[feature_inside] = feature_geoms[feature_inside]
    pieces[site_inside] = site_geoms[site_inside]
    if rest.any():
        pieces[rest] = shapely.intersection(site_geoms[rest], feature_geoms[rest])
    return polygonal_part(pieces)


def _big(geometries: np.ndarray) -> np.ndarray:
    """Positions of the geometries of more than :data:`PREPARED_ABOVE` vertices."""
    return np.flatnonzero(shapely.get_num_coordinates(geometries) > PREPARED_ABOVE)


def _big_prepared(geometries: np.ndarray) -> np.ndarray:
    """``geometries`` with each big one (:data:`PREPARED_ABOVE`) a prepared copy of it.

    A township asked whether it covers each of the hundreds of sites it meets
    answers from its edges indexed once. The copies are one per geometry
    (the same object given for several sites is copied once) and the caller's
    objects are left as they are (another thread's check may be using them).
    """
    big = _big(geometries)
    if not len(big):
        return geometries
    _, first, again = np.unique(
        [id(g) for g in geometries[big].tolist()], return_index=True, return_inverse=True
    )
    asked = geometries.copy()
    asked[big] = prepared_copies(geometries[big[first]])[again]
    return asked


def _cut_pairs(site_geoms: np.ndarray, site_idx: np.ndarray, features: np.ndarray) -> np.ndarray:
    """:func:`_cut` of each pair (``site_geoms[site_idx]``, ``features``); huge sites by parts.

    A site of more than :data:`SUBDIVIDE_ABOVE` vertices (a road tens of
    kilometres long) would be overlaid whole with each parcel it crosses:
    it is cut instead into parts of at most :data:`PIECE_VERTICES` vertices
    around its features, as huge features are (:func:`subdivide_near`), each
    feature is cut by the parts it meets, and its fragments are merged. Two
    neighbouring features are cut by the same parts, so their pieces meet
    where the features do.
    """
    huge = shapely.get_num_coordinates(site_geoms) > SUBDIVIDE_ABOVE
    by_parts = huge[site_idx]
    if not by_parts.any():
        return _cut(site_geoms[site_idx], features)
    pieces = np.empty(len(site_idx), dtype=object)
    whole = ~by_parts
    pieces[whole] = _cut(site_geoms[site_idx[whole]], features[whole])
    for site in np.unique(site_idx[by_parts]).tolist():
        mine = np.flatnonzero(site_idx == site)
        parts, _ = subdivide_near(site_geoms[site : site + 1], features[mine])
        meeting, part = shapely.STRtree(parts).query(features[mine], predicate="intersects")
        order = np.lexsort((part, meeting))
        meeting, part = meeting[order], part[order]
        fragments = _cut(parts[part], features[mine][meeting])
        one_site = np.zeros(len(meeting), dtype=np.intp)
        _, cut_ones, merged = _merge_fragments(one_site, meeting, fragments)
        cut = np.full(len(mine), shapely.Polygon(), dtype=object)
        cut[cut_ones] = merged
        pieces[mine] = cut
    return pieces


def _overlapping_pairs(sites: np.ndarray, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (earlier, later) of pieces of the same site whose interiors intersect.

    One bounding-box query, then the exact test only on pairs of the same site:
    pieces of different sites never count (and overlapping sites, such as
    search proposals, would otherwise multiply the pairs).
    """
    tree = shapely.STRtree(pieces)
    a, b = tree.query(pieces)
    keep = (a < b) & (sites[a] == sites[b])
    a, b = a[keep], b[keep]
    inner = shapely.relate_pattern(pieces[a], pieces[b], "T********")
    return a[inner], b[inner]


def _repeats(sites: np.ndarray, pieces: np.ndarray) -> np.ndarray:
    """Whether each piece is an earlier piece of its site again, vertex for vertex.

    A feature stacked on itself (a layer exported twice, or fifty times) gives
    its site the same piece once per copy, and the pairs of a stack are the
    square of its copies: 400 parcels stacked 50 times over one site took 18 s
    to find and resolve their overlaps. A repeat is found here in linear time
    (pieces of the same site and the same box, then the same WKB) and counts
    nothing (the earlier copy covers it). A piece no other shares its box with
    (every piece of a survey) costs a row of a sort.

    Examples
    --------
    >>> from shapely import box
    >>> pieces = np.array([box(0, 0, 1, 1), box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 0, 1, 1)])
    >>> _repeats(np.array([0, 0, 0, 1]), pieces).tolist()
    [False, True, False, False]
    """
    repeated = np.zeros(len(pieces), dtype=bool)
    if len(pieces) < 2:
        return repeated
    keys = np.column_stack([sites, shapely.bounds(pieces)])
    order = np.lexsort((np.arange(len(pieces)), *keys.T[::-1]))
    same_box = (keys[order][1:] == keys[order][:-1]).all(axis=1)
    shared = np.zeros(len(pieces), dtype=bool)
    shared[order[1:][same_box]] = shared[order[:-1][same_box]] = True
    seen: set[tuple[int, bytes]] = set()
    candidates = np.flatnonzero(shared)  # in position order: the first copy is kept
    wkb = shapely.to_wkb(pieces[candidates]).tolist()
    for position, site, shape in zip(
        candidates.tolist(), sites[candidates].tolist(), wkb, strict=True
    ):
        if (site, shape) in seen:
            repeated[position] = True
        else:
            seen.add((site, shape))
    return repeated


def _resolve_self_overlaps(sites: np.ndarray, pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Remove from each piece what earlier pieces of the same site already cover.

    A repeat of an earlier piece (:func:`_repeats`) is left out of the pairs and
    counts nothing; the others' pairs are those of the pieces without it.
    """
    counted = pieces.copy()
    changed = _repeats(sites, pieces)
    counted[changed] = shapely.Polygon()
    rest = np.flatnonzero(~changed)
    earlier, later = _overlapping_pairs(sites[rest], pieces[rest])
    earlier, later = rest[earlier], rest[later]
    if not len(later):
        return counted, changed
    overlapped, covering = _unions_by_piece(later, pieces[earlier])
    counted[overlapped] = polygonal_part(shapely.difference(pieces[overlapped], covering))
    changed[overlapped] = True
    return counted, changed


def _unions_by_piece(later: np.ndarray, earlier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each piece of ``later``, once and in order, and the union of the ``earlier`` paired with it.

    Each union is ``union_all`` of that piece's earlier pieces in their order in
    the pairs, computed for all pieces with as many of them in one call (GEOS
    unions each row). A piece's pairs were found by scanning all the pairs
    for it, so the pieces of a layer whose neighbours overlap by slivers cost
    the square of the pieces (4,000 sites: 14 s).

    Examples
    --------
    >>> from shapely import box
    >>> pieces, unions = _unions_by_piece(
    ...     np.array([4, 2, 4]), np.array([box(0, 0, 1, 1), box(5, 5, 6, 6), box(1, 0, 2, 1)])
    ... )
    >>> pieces.tolist(), [round(u.area, 1) for u in unions]
    ([2, 4], [1.0, 2.0])
    """
    order = np.argsort(later, kind="stable")
    later, earlier = later[order], earlier[order]
    starts = np.flatnonzero(np.diff(later, prepend=later[0] - 1) != 0)
    sizes = np.diff(np.append(starts, len(later)))
    unions = np.empty(len(starts), dtype=object)
    for size in np.unique(sizes).tolist():
        groups = np.flatnonzero(sizes == size)
        rows = starts[groups][:, None] + np.arange(size)
        unions[groups] = shapely.union_all(earlier[rows], axis=1)
    return later[starts], unions


def overlay_arrays(
    site_geoms: np.ndarray,
    feature_geoms: np.ndarray,
    crs: CRS,
    site_m2: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The geometry of :func:`landcheck.overlay.overlay_layer` as plain arrays, one entry per piece.

    Keys: ``site``, ``feature`` (positions), the areas and width of
    :data:`landcheck.overlay.PIECE_COLUMNS`, ``changed`` (the piece lost an overlap with an
    earlier feature) and ``geometry`` (the counted piece), sorted by site then
    feature. Each site's pieces depend only on that site and the features, so
    the arrays of a partition of the sites, with positions mapped back, are
    rows of the arrays of all sites (what :mod:`landcheck.engine` relies on).

    ``site_m2`` are the sites' ellipsoidal areas (:func:`ellipsoidal_areas` of
    ``site_geoms`` in ``crs``), when known: a piece that is a whole site (a site
    inside a township, a zone, a redline) takes its site's instead of being
    measured again, the same number.
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    feature_geoms = np.asarray(feature_geoms, dtype=object)
    split, owner = subdivide_near(feature_geoms, site_geoms)
    return _overlay_split(site_geoms, feature_geoms, crs, split, owner, site_m2=site_m2)


def _overlay_split(
    site_geoms: np.ndarray,
    feature_geoms: np.ndarray,
    crs: CRS,
    split: np.ndarray,
    owner: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    site_m2: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """:func:`overlay_arrays` of the features subdivided around the sites (``split``, ``owner``).

    ``pairs`` are :func:`_candidate_pairs` of the sites and ``split``, when already made.
    """
    site_idx, split_idx = _candidate_pairs(site_geoms, split) if pairs is None else pairs
    feature_idx = owner[split_idx]
    pieces = _cut_pairs(site_geoms, site_idx, split[split_idx])
    if len(split) != len(feature_geoms):
        site_idx, feature_idx, pieces = _merge_fragments(site_idx, feature_idx, pieces)
    planar = shapely.area(pieces)
    keep = planar > 0.0
    site_idx, feature_idx, pieces, planar = (
        site_idx[keep],
        feature_idx[keep],
        pieces[keep],
        planar[keep],
    )
    counted, changed = _resolve_self_overlaps(site_idx, pieces)
    counted_planar = shapely.area(counted)
    counted_ellipsoidal = _ellipsoidal_areas(counted, crs, site_geoms, site_idx, site_m2)
    ellipsoidal = counted_ellipsoidal.copy()
    if changed.any():
        ellipsoidal[changed] = ellipsoidal_areas(pieces[changed], crs)
    perimeter = shapely.length(counted)
    width = np.divide(
        2.0 * counted_planar, perimeter, out=np.zeros_like(counted_planar), where=perimeter > 0
    )
    return {
        "site": site_idx,
        "feature": feature_idx,
        "planar_m2": planar,
        "ellipsoidal_m2": ellipsoidal,
        "counted_planar_m2": counted_planar,
        "counted_ellipsoidal_m2": counted_ellipsoidal,
        "width_m": width,
        "changed": changed,
        "geometry": counted,
    }


def _ellipsoidal_areas(
    pieces: np.ndarray,
    crs: CRS,
    site_geoms: np.ndarray,
    site_idx: np.ndarray,
    site_m2: np.ndarray | None,
) -> np.ndarray:
    """:func:`ellipsoidal_areas` of ``pieces``, each whole site's taken from ``site_m2``.

    A piece that is its site's very geometry takes its site's area, measured
    the same way: the same number.
    """
    if site_m2 is None or not len(pieces):
        return ellipsoidal_areas(pieces, crs)
    sites = site_geoms[site_idx].tolist()
    whole = np.fromiter(
        (piece is site for piece, site in zip(pieces.tolist(), sites, strict=True)),
        dtype=bool,
        count=len(pieces),
    )
    areas = np.empty(len(pieces))
    areas[whole] = site_m2[site_idx[whole]]
    areas[~whole] = ellipsoidal_areas(pieces[~whole], crs)
    return areas


def nearest_split(
    site_geoms: np.ndarray,
    usable: np.ndarray,
    split: np.ndarray,
    owner: np.ndarray,
    max_distance: float,
    meeting: tuple[np.ndarray, np.ndarray] | None = None,
) -> Nearest:
    """The nearest feature of each ``usable`` site, of features subdivided near them.

    As :func:`landcheck.overlay.nearest_features` gives them, as three arrays:
    the sites' positions (ascending), their nearest features' positions and
    the distances; sites with nothing within ``max_distance`` are absent.

    ``split`` and ``owner`` are :func:`subdivide_near`'s within ``max_distance``.
    A site that intersects some feature has, as its nearest, the first of them in
    layer order, at distance 0 (the distance of two geometries is 0 exactly when
    they intersect; GEOS's predicate is exact where its distance is not); only the
    other sites are looked up in the tree. ``meeting`` (site positions, feature
    positions) are every pair that intersect, when the caller knows them already.
    """
    positions = np.flatnonzero(usable)
    tree = shapely.STRtree(split)
    if meeting is None:
        site_idx, split_idx = tree.query(site_geoms[positions], predicate="intersects")
        meeting = (positions[site_idx], owner[split_idx])
    met_sites, met_features = meeting
    positions = positions[~np.isin(positions, met_sites)]
    (site_idx, split_idx), distance = tree.query_nearest(
        site_geoms[positions], max_distance=max_distance, return_distance=True, all_matches=True
    )
    sites = np.concatenate([met_sites, positions[site_idx]])
    features = np.concatenate([met_features, owner[split_idx]])
    distance = np.concatenate([np.zeros(len(met_sites)), distance])
    # among equally near features, the first in layer order (whatever the tree's shape)
    order = np.lexsort((features, distance, sites))
    sites, features, distance = sites[order], features[order], distance[order]
    first = np.ones(len(sites), dtype=bool)
    first[1:] = sites[1:] != sites[:-1]
    return sites[first], features[first], distance[first]


def cut_and_nearest(
    site_geoms: np.ndarray,
    feature_geoms: np.ndarray,
    crs: CRS,
    search_m: float,
    site_m2: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], Nearest]:
    """:func:`overlay_arrays` and the nearest features (within ``search_m``) at once.

    The same arrays as :func:`overlay_arrays`, and the nearest features as
    :func:`nearest_split` gives them, with the huge features
    subdivided once: around the sites within ``search_m`` for the nearest
    features, and of those pieces the ones whose box meets a site for the
    overlay (the pieces :func:`subdivide_near` cuts for it, in the same order).
    ``site_m2``: the sites' ellipsoidal areas, when known (:func:`overlay_arrays`).

    Examples
    --------
    >>> from pyproj import CRS
    >>> ring = shapely.Point(0, 0).buffer(1000, quad_segs=2000)
    >>> sites = np.array([shapely.box(0, 0, 10, 10)])
    >>> arrays, nearest = cut_and_nearest(sites, np.array([ring]), CRS.from_epsg(3857), 50.0)
    >>> float(arrays["planar_m2"][0]), [a.tolist() for a in nearest]
    (100.0, [[0], [0], [0.0]])
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    feature_geoms = np.asarray(feature_geoms, dtype=object)
    if not len(feature_geoms) or search_m <= 0:
        return overlay_arrays(site_geoms, feature_geoms, crs, site_m2), _NO_NEAREST
    usable = ~shapely.is_empty(site_geoms)
    split, owner, clipped_to = _subdivide(feature_geoms, site_geoms[usable], search_m)
    keep = np.ones(len(split), dtype=bool)
    clipped = np.flatnonzero(shapely.is_geometry(clipped_to))
    if len(clipped):
        sites = site_geoms[~(shapely.is_missing(site_geoms) | shapely.is_empty(site_geoms))]
        hit, _ = shapely.STRtree(sites).query(clipped_to[clipped], predicate="intersects")
        keep[clipped] = False
        keep[clipped[np.unique(hit)]] = True
    # a piece lies inside the box it was clipped to: the pieces dropped meet no site, so
    # the overlay's pairs are every site and feature that intersect
    split_kept, owner_kept = split[keep], owner[keep]
    pairs = _candidate_pairs(site_geoms, split_kept)
    nearest = nearest_split(
        site_geoms, usable, split, owner, search_m, meeting=(pairs[0], owner_kept[pairs[1]])
    )
    arrays = _overlay_split(site_geoms, feature_geoms, crs, split_kept, owner_kept, pairs, site_m2)
    return arrays, nearest


class WireGeometries:
    """Geometries sent to or from a worker, as WKB made and read in one call each.

    A pickled array of geometries is one WKB call per geometry from Python
    (shapely pickles each geometry by its WKB); a province's features and
    pieces cost the calling process seconds that way. The WKB is the one that
    pickling writes, so the geometries read back are the same, coordinate for
    coordinate; a missing geometry stays missing.

    Examples
    --------
    >>> from shapely import box
    >>> sent = WireGeometries(np.array([box(0, 0, 1, 1), None], dtype=object))
    >>> [g if g is None else g.wkt for g in sent.geometries()]
    ['POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))', None]
    """

    __slots__ = ("wkb",)

    def __init__(self, geometries: np.ndarray) -> None:
        self.wkb = shapely.to_wkb(np.asarray(geometries, dtype=object), include_srid=True)

    @classmethod
    def from_wkb(cls, wkb: np.ndarray) -> WireGeometries:
        """Geometries already encoded as this encodes them (an object array of WKB)."""
        wire = cls.__new__(cls)
        wire.wkb = wkb
        return wire

    def __getstate__(self) -> np.ndarray:
        return self.wkb

    def __setstate__(self, wkb: np.ndarray) -> None:
        self.wkb = wkb

    def geometries(self) -> np.ndarray:
        """The geometries, as an object array."""
        return np.asarray(shapely.from_wkb(self.wkb), dtype=object)


def partition_task(
    site_geoms: WireGeometries,
    feature_geoms: WireGeometries,
    crs_wkt: str,
    search_m: float,
    site_m2: np.ndarray | None = None,
) -> tuple[dict[str, Any], Nearest]:
    """What a worker computes for one partition: :func:`cut_and_nearest` of its sites.

    The geometries come and go as :class:`WireGeometries`, the pieces' too.
    """
    _WORK.started()
    try:
        arrays, nearest = cut_and_nearest(
            site_geoms.geometries(),
            feature_geoms.geometries(),
            CRS.from_wkt(crs_wkt),
            search_m,
            site_m2,
        )
        return {**arrays, "geometry": WireGeometries(arrays["geometry"])}, nearest
    finally:
        _WORK.ended()


IDLE_TRIM_S = 0.2
"""A worker idle this long after a partition gives its heap's free pages back: before the rules'
process forks from the calling one (about 0.35 s after the layers of a 10,000-site batch)."""


class _Work:
    """When this worker's partitions ran: its heap is trimmed once it has been idle a while.

    A partition grows the heap by tens of megabytes that glibc keeps once they
    are freed (half of a worker's 80 MB after a 10,000-site batch). A worker
    that waits for the next layer, or for a notebook's next check, gives them
    back (:func:`landcheck.memory.release_free_memory`); one kept busy never
    stops for it.
    """

    def __init__(self) -> None:
        self.running = 0
        self.last_end = 0.0
        self.trimmed = 0.0
        self._changed = threading.Condition()

    def started(self) -> None:
        with self._changed:
            self.running += 1

    def ended(self) -> None:
        with self._changed:
            self.running -= 1
            self.last_end = time.monotonic()
            self._changed.notify()

    def trim_if_idle(self, now: float) -> bool:
        """Trim the heap once the partitions are :data:`IDLE_TRIM_S` over; whether it did.

        Not while one runs, and once only after those that ended since the last trim.
        """
        if self.running or self.last_end <= self.trimmed or now - self.last_end < IDLE_TRIM_S:
            return False
        release_free_memory()
        self.trimmed = now
        return True

    def trim_due(self) -> float:
        """When the heap is next to be trimmed (:func:`time.monotonic`); waits for a partition.

        Returns once no partition runs and one has ended since the last trim: then
        :data:`IDLE_TRIM_S` after it ended.
        """
        with self._changed:
            self._changed.wait_for(lambda: not self.running and self.last_end > self.trimmed)
            return self.last_end + IDLE_TRIM_S

    def trim_when_idle(self) -> None:
        """Forever: at each :meth:`trim_due`, :meth:`trim_if_idle` (a partition since: again)."""
        while True:
            time.sleep(max(0.0, self.trim_due() - time.monotonic()))
            self.trim_if_idle(time.monotonic())


_WORK = _Work()


def quiet_worker() -> None:
    """Start a worker: no library warnings, its heap trimmed when idle (:class:`_Work`).

    Workers print no library warnings: they would reach the user's terminal
    raw. The same geometry done in the calling process shows them where the
    caller chose (the CLI: with ``-v``), and what matters is in landcheck's own
    warnings.
    """
    warnings.simplefilter("ignore")
    threading.Thread(target=_WORK.trim_when_idle, name="landcheck-trim", daemon=True).start()


def ready() -> None:
    """A task that does nothing: submitted to start a worker process."""
