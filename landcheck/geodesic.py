"""Areas of polygons with geodesic edges on an ellipsoid, vectorised over all edges.

This is the area :meth:`pyproj.Geod.polygon_area_perimeter` computes (the
polygon whose edges are the shortest geodesics between consecutive vertices),
derived here for numpy so that a million edges are a few dozen array
operations instead of a million calls.

The mathematics
---------------
On an ellipsoid of equatorial radius ``a`` and flattening ``f``, with
``e² = f(2 - f)``, let ``F`` be the area between the equator and a parallel,
per radian of longitude. The area of a ring is ``-∮ F dλ`` (positive
anticlockwise): a sum over its edges of ``S12 = ∫ F dλ`` along each geodesic.

A geodesic is a great circle on the *auxiliary sphere* whose latitude is the
reduced latitude ``β`` (``tan β = (1 - f) tan φ``), with a longitude ``ω`` of
its own: Clairaut's relation ``cos β sin α = const`` holds on both with the
same azimuth ``α``. Along the edge, with ``u = sin β`` and ``σ`` the arc on
the sphere:

* ``dλ = w dω`` with ``w = sqrt(1 - e² + e² u²)``, the ratio of the
  ellipsoid's meridian element ``a w dβ`` to the sphere's ``a dβ`` (parallels
  have radius ``a cos β`` on both);
* ``F = (a²/2) (u w + ((1 - e²)/e) asinh(e u / sqrt(1 - e²)))``, which is
  ``∫ a cos β · a w dβ``; at the pole it is ``c²``.

Writing ``F dλ = c² u dω + (F w - c² u) dω`` and ``dω = sin α0 dσ / (1 - u²)``
(``α0`` the azimuth where the great circle crosses the equator):

``S12 = c² E + sin α0 ∫ K(u) dσ``,   ``K(u) = (F w - c² u) / (1 - u²)``,

``ω12 = λ12 + e² sin α0 ∫ dσ / (1 + w)``,

where ``E = ∫ u dω`` is the spherical excess of the quadrilateral between the
arc and the equator, ``tan(E/2) = tan(ω12/2) sin((β1 + β2)/2) / cos((β2 - β1)/2)``.

Three facts make this cheap. ``sin α0 σ12 / ω12 = cos β1 cos β2 sinc(ω12)
σ12 / sin σ12`` (sine rule), so no azimuth is needed. ``u`` is a sinusoid of
``σ``, so at a fraction ``t`` of the arc
``u = (u1 sin((1 - t) σ12) + u2 sin(t σ12)) / sin σ12`` from the end points
alone. And both integrands are analytic functions of ``u`` for ``|u| < 12``,
so two Gauss-Legendre nodes reach rounding error on edges of a few kilometres
(four up to 300 km, eight up to 2,500 km).

``K`` is summed from its power series in ``u²`` (:func:`_k_series`: the numerator's
binomial series divided by ``1 - u²``), and on edges shorter than 12 km the sines,
cosines and arctangents are their series, cut where the next term is below 1e-19.

``σ12`` follows from ``ω12`` by the haversine formula, and ``ω12 = λ12 / (1 - ρ)``
with ``ρ = e² sin α0 ∫ dσ / (1 + w) / ω12``, which barely depends on
``ω12`` (by less than ``f (ω12² + σ12² + σ12)``): a first guess with the
integrand at the mean latitude and one evaluation settle an edge of a few
kilometres; long edges take a few more.

Precision: the edge terms of a ring nearly cancel (a one-hectare site is the
difference of terms of about 10⁸ m²), so what the sum depends on to first
order is kept to relative precision: the longitude difference is rounded
once (two-sum across the antimeridian), ``sin(β2 - β1)`` comes from
``sin(φ2 - φ1)``, ``σ12`` from a haversine, ``E`` from the half-angle
formula, never from differences of large angles. Measured against a
40-digit evaluation (``benchmarks/geodesic_precision.py``) the result is
within about 1e-8 m² for a ring of a few m², 1e-7 m² for a hectare and
1e-14 relative for 10⁴ km²; pyproj's own rounding is about 3e-5 m² per edge.

Rings that come near a pole (``|φ| > 85°``), encircle one, have an edge
longer than about 2,500 km, or whose iteration does not settle, are measured
with :class:`pyproj.Geod` ring by ring; a ring with a non-finite coordinate
measures NaN, as with pyproj.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import numpy as np
from numpy.polynomial.legendre import leggauss

__all__ = ["geodesic_ring_areas"]

_POLAR_LATITUDE = 85.0
_MAX_SIGMA12 = 0.4  # radians on the auxiliary sphere, about 2,500 km
# Gauss-Legendre nodes by edge length (σ12, radians): enough for rounding error
_SHORT = 2e-3  # edges up to this σ12 use series instead of trigonometry
_NODES_BY_LENGTH = ((_SHORT, 2), (5e-2, 4), (_MAX_SIGMA12, 8))
_MAX_ITERATIONS = 10
_ULP = 2.0**-52
_BATCH = 1 << 12  # vertices per batch: the temporary arrays stay in the CPU cache (fastest)


def geodesic_ring_areas(lon: Any, lat: Any, offsets: Any, geod: Any) -> np.ndarray:
    """Signed area of each ring with geodesic edges, in m² (positive anticlockwise).

    Parameters
    ----------
    lon, lat : array-like of float
        Vertices in degrees, the rings one after another.
    offsets : array-like of int
        ``len(rings) + 1`` positions: ring ``i`` is ``lon[offsets[i]:offsets[i + 1]]``.
        The edge from the last vertex back to the first is included, so a ring
        may repeat its first vertex or not (as with
        :meth:`pyproj.Geod.polygon_area_perimeter`).
    geod : pyproj.Geod
        The ellipsoid (``a`` and ``f``); it also measures the rare rings this
        function leaves to pyproj (see the module notes).

    Returns
    -------
    numpy.ndarray
        One signed area per ring; NaN for a ring with a non-finite coordinate.

    Examples
    --------
    A 0.01° square at 30°N on CGCS2000's ellipsoid, and pyproj's area of it:

    >>> from pyproj import Geod
    >>> geod = Geod(a=6378137.0, rf=298.257222101)
    >>> lon, lat = [110.0, 110.01, 110.01, 110.0], [30.0, 30.0, 30.01, 30.01]
    >>> area = geodesic_ring_areas(lon, lat, [0, 4], geod)[0]
    >>> reference = geod.polygon_area_perimeter(lon, lat)[0]
    >>> round(float(area), 3), bool(abs(area - reference) < 1e-9 * reference)
    (1069521.174, True)
    """
    lon = np.ascontiguousarray(lon, dtype=float)
    lat = np.ascontiguousarray(lat, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    areas = np.zeros(max(len(offsets) - 1, 0))
    if not len(areas) or not len(lon):
        return areas
    ellipsoid = _ellipsoid(float(geod.a), float(geod.f))
    if ellipsoid.f < 0:  # prolate: not derived here
        return _with_pyproj(lon, lat, offsets, np.arange(len(areas)), geod, areas)
    leave = []
    for r0, r1 in _batches(offsets):
        v0, v1 = offsets[r0], offsets[r1]
        batch_areas, batch_leave = _batch_areas(
            lon[v0:v1], lat[v0:v1], offsets[r0 : r1 + 1] - v0, ellipsoid
        )
        areas[r0:r1] = batch_areas
        leave.append(r0 + np.flatnonzero(batch_leave))
    return _with_pyproj(lon, lat, offsets, np.concatenate(leave), geod, areas)


class _Ellipsoid:
    """The constants of the derivation, computed once."""

    def __init__(self, a: float, f: float) -> None:
        self.a, self.f = a, f
        self.e2 = f * (2.0 - f)
        self.one_minus_e2 = 1.0 - self.e2
        self.half_a2 = a * a / 2.0
        e = float(np.sqrt(self.e2))
        ep = e / float(np.sqrt(self.one_minus_e2))
        q = self.one_minus_e2 / e if e > 0 else 0.0
        # c² = F(pole), the area between the equator and the pole per radian
        self.c2 = self.half_a2 * (1.0 + (q * float(np.arcsinh(ep)) if e > 0 else 1.0))
        self.kappa = _k_series(a, f)

    def w(self, u: np.ndarray) -> np.ndarray:
        """sqrt(1 - e² + e² u²): dλ/dω and the meridian element's ratio."""
        return np.sqrt(self.one_minus_e2 + self.e2 * u * u)

    def k(self, u: np.ndarray) -> np.ndarray:
        """K(u) = (F(u) w(u) - c² u) / (1 - u²), the part of F dλ/dω the sphere misses."""
        u2 = u * u
        total = np.full_like(u, self.kappa[-1])
        for coefficient in self.kappa[-2::-1]:
            total = total * u2 + coefficient
        return u * total


@cache
def _ellipsoid(a: float, f: float) -> _Ellipsoid:
    return _Ellipsoid(a, f)


def _k_series(a: float, f: float, terms: int = 8) -> np.ndarray:
    """Coefficients κ of K(u) = u Σ κ_k u^(2k), from the binomial series of w and F.

    With ``e'² = e² / (1 - e²)``: ``w = (1 - f) Σ b_m u^(2m)``, ``b_m = binom(1/2, m) e'^(2m)``,
    ``F = a² (1 - f) Σ b_m u^(2m+1) / (2m + 1)``, so ``F w - c² u = u Σ n_k u^(2k)`` with
    ``n_k = a² (1 - f)² Σ_m b_m b_(k-m) / (2m + 1)`` for ``k >= 1``. The numerator vanishes at
    ``u = 1`` (``w(1) = 1``, ``F(1) = c²``), so dividing by ``1 - u²`` leaves
    ``κ_k = -Σ_(i>k) n_i``: tail sums of terms falling like ``e'^(2i)`` (about 1/150 a step).
    """
    ep2 = f * (2.0 - f) / (1.0 - f) ** 2
    count = 2 * terms + 2
    b = np.empty(count)
    b[0] = 1.0
    for m in range(count - 1):
        b[m + 1] = b[m] * (0.5 - m) / (m + 1) * ep2
    n = (
        np.array([sum(b[m] * b[k - m] / (2 * m + 1) for m in range(k + 1)) for k in range(count)])
        * (a * (1.0 - f)) ** 2
    )
    tails = np.cumsum(n[::-1])[::-1]  # tails[i] = Σ_(j>=i) n_j, smallest terms added first
    return -tails[1 : terms + 1]


def _batches(offsets: np.ndarray) -> Iterator[tuple[int, int]]:
    """Consecutive ranges of rings holding about _BATCH vertices each (a huge ring alone)."""
    n_rings = len(offsets) - 1
    r0 = 0
    while r0 < n_rings:
        r1 = int(np.searchsorted(offsets, offsets[r0] + _BATCH, side="right")) - 1
        r1 = min(max(r1, r0 + 1), n_rings)
        yield r0, r1
        r0 = r1


def _batch_areas(
    lon: np.ndarray, lat: np.ndarray, offsets: np.ndarray, ell: _Ellipsoid
) -> tuple[np.ndarray, np.ndarray]:
    """Signed areas of the rings of one batch, and which rings to leave to pyproj."""
    n_rings = len(offsets) - 1
    counts = np.diff(offsets)
    ring_of = np.repeat(np.arange(n_rings), counts)
    following = np.arange(1, len(lon) + 1)
    filled = counts > 0
    following[offsets[1:][filled] - 1] = offsets[:-1][filled]

    finite = np.isfinite(lon) & np.isfinite(lat)
    not_finite = np.bincount(ring_of, weights=~finite, minlength=n_rings) > 0
    polar = np.bincount(ring_of, weights=np.abs(lat) > _POLAR_LATITUDE, minlength=n_rings) > 0
    skip = (not_finite | polar)[ring_of]  # measured otherwise: keep their numbers harmless
    if skip.any():
        lon, lat = np.where(skip, 0.0, lon), np.where(skip, 0.0, lat)

    # per vertex: the reduced latitude's sine and cosine, and those of its half
    phi = np.radians(lat)
    sb, cb = (1.0 - ell.f) * np.sin(phi), np.cos(phi)
    r = np.sqrt(sb * sb + cb * cb)
    sb /= r
    cb /= r
    ch = np.sqrt(0.5 * (1.0 + cb))  # cos(β/2)
    sh = sb / (2.0 * ch)  # sin(β/2)

    j = following
    dlon = _longitude_difference(lon, lon[j])
    turns = np.bincount(ring_of, weights=dlon, minlength=n_rings)
    edge = _Edges(
        lam=np.radians(dlon),
        # sin(β2 - β1) to relative precision: tan β2 - tan β1 = (1 - f)(tan φ2 - tan φ1)
        sdb=(1.0 - ell.f) * _sine(np.radians(lat[j] - lat)) / (r * r[j]),
        cdh=ch * ch[j] + sh * sh[j],  # cos((β2 - β1)/2)
        u1=sb,
        u2=sb[j],
        umid=sh * ch[j] + ch * sh[j],  # sin((β1 + β2)/2)
        cc=cb * cb[j],
    )
    s12, unsettled = _edge_areas(edge, ell)
    areas = -np.bincount(ring_of, weights=s12, minlength=n_rings)
    unsettled = np.bincount(ring_of, weights=unsettled, minlength=n_rings) > 0
    leave = ~not_finite & (polar | unsettled | (np.abs(turns) > 180.0))
    areas[not_finite] = np.nan
    return areas, leave


class _Edges:
    """Per edge: λ12, sin(β2 - β1), cos((β2 - β1)/2), u1, u2, sin((β1 + β2)/2), cos β1 cos β2."""

    __slots__ = ("cc", "cdh", "lam", "sdb", "u1", "u2", "umid")

    def __init__(self, **arrays: np.ndarray) -> None:
        for name, value in arrays.items():
            setattr(self, name, value)

    def take(self, index: np.ndarray) -> _Edges:
        return _Edges(**{name: getattr(self, name)[index] for name in self.__slots__})


def _longitude_difference(lon1: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """``lon2 - lon1`` in [-180, 180] degrees, rounded once."""
    d = lon2 - lon1
    wrap = np.abs(d) > 180.0
    if wrap.any():
        a, b = lon2[wrap], lon1[wrap]
        s = a - b
        back = s + b  # Knuth's two-sum: s + err == a - b exactly
        err = (a - back) + (-b - (s - back))
        s = np.fmod(s, 360.0)  # exact
        s = np.where(s > 180.0, s - 360.0, np.where(s < -180.0, s + 360.0, s))  # exact
        d[wrap] = s + err
    return d


def _edge_areas(edge: _Edges, ell: _Ellipsoid) -> tuple[np.ndarray, np.ndarray]:
    """``S12`` of each edge, and which edges are left unsettled (too long, no convergence)."""
    f = ell.f
    s12 = np.zeros(len(edge.lam))
    unsettled = np.zeros(len(edge.lam), dtype=bool)
    sdh = edge.sdb / (2.0 * edge.cdh)
    hav_db = sdh * sdh  # sin²((β2 - β1)/2)
    # first guess: the integrand of ρ at the mean latitude, sinc and σ/sin σ by series
    g_mid = (2.0 - f) / (1.0 + ell.w(edge.umid))
    omg = edge.lam / (1.0 - f * edge.cc * g_mid)
    o2 = omg * omg
    hav = hav_db + edge.cc * 0.25 * o2 * (1.0 - o2 / 12.0)
    sig2 = 4.0 * hav * (1.0 + hav / 3.0)
    rho = f * edge.cc * g_mid * (1.0 - o2 / 6.0 + o2 * o2 / 120.0) * (1.0 + sig2 / 6.0)
    omg = edge.lam / (1.0 - rho)

    unsettled[~(sig2 <= _MAX_SIGMA12**2)] = True  # (also NaN)
    lower = -np.inf
    for upper, nodes in _NODES_BY_LENGTH:
        group = (sig2 > lower) & (sig2 <= upper * upper)
        lower = upper * upper
        if group.all():
            s12, unsettled = _settle(omg, edge, hav_db, nodes, upper, ell)
        elif group.any():
            index = np.flatnonzero(group)
            s12[index], unsettled[index] = _settle(
                omg[index], edge.take(index), hav_db[index], nodes, upper, ell
            )
    return s12, unsettled


def _settle(
    omg: np.ndarray, edge: _Edges, hav_db: np.ndarray, nodes: int, upper: float, ell: _Ellipsoid
) -> tuple[np.ndarray, np.ndarray]:
    """Iterate ω12 to its fixed point for edges with σ12 <= upper; return S12 and failures.

    Edges up to ``_SHORT`` (σ12 <= 2e-3, so |ω12| < 0.024 below 85° of latitude) take
    series instead of trigonometric functions, with every term left below 1e-19.
    """
    t, weights = _gauss_legendre(nodes)
    f = ell.f
    short = upper <= _SHORT
    s12 = np.zeros(len(omg))
    active = np.arange(len(omg))
    for _ in range(_MAX_ITERATIONS):
        if not len(active):
            break
        e = edge.take(active) if len(active) < len(omg) else edge
        o = omg[active]
        s, c, sinc = _half_angle(o, short)
        hav = hav_db[active] + e.cc * s * s
        ratio, after = _arc(hav, t, short)
        p = e.cc * sinc * ratio  # sin α0 σ12 / ω12 (sine rule)
        # u = sin β at the nodes (one row each), from the end points: u is a sinusoid of σ;
        # the nodes are symmetric, so sin((1 - t) σ12) is sin(t σ12) read backwards
        u = e.u1 * after[::-1] + e.u2 * after
        w = ell.w(u)
        rho = f * p * (weights @ ((2.0 - f) / (1.0 + w)))
        new = e.lam / (1.0 - rho)
        # the map's contraction is below f (ω² + σ12² + σ12): the step bounds what is left
        done = np.abs(new - o) * (f * (o * o + upper * upper + upper)) <= 2.0 * _ULP * np.abs(new)
        omg[active] = new
        if done.any():
            d = slice(None) if done.all() else done  # (a mask would copy every array)
            # tan(ω/2) at the settled ω, from the evaluated one (second order negligible)
            tan_half = s[d] / c[d] + (new[d] - o[d]) / (2.0 * c[d] * c[d])
            excess = 2.0 * _arctan(tan_half * e.umid[d] / e.cdh[d], short)
            s12[active[d]] = ell.c2 * excess + new[d] * p[d] * (weights @ ell.k(u[:, d]))
        active = active[~done]
    failed = np.zeros(len(omg), dtype=bool)
    failed[active] = True
    return s12, failed


def _sine(x: np.ndarray) -> np.ndarray:
    """Return sin x; by its series when every |x| <= 0.025 (the x¹¹ term is below 1e-21 x)."""
    if not len(x) or np.abs(x).max() > 0.025:
        return np.sin(x)
    x2 = x * x
    return x * (1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0 * (1.0 - x2 / 72.0))))


def _half_angle(o: np.ndarray, short: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return sin(ω/2), cos(ω/2) and sinc ω = sin ω / ω (series for |ω| < 0.024)."""
    x = 0.5 * o
    if short:
        x2 = x * x
        sin_over_x = 1.0 - x2 / 6.0 * (1.0 - x2 / 20.0 * (1.0 - x2 / 42.0))
        c = 1.0 - x2 / 2.0 * (1.0 - x2 / 12.0 * (1.0 - x2 / 30.0 * (1.0 - x2 / 56.0)))
        return x * sin_over_x, c, sin_over_x * c
    s, c = np.sin(x), np.cos(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        sinc = np.where(x != 0.0, s * c / x, 1.0)
    return s, c, sinc


def _arc(hav: np.ndarray, t: np.ndarray, short: bool) -> tuple[np.ndarray, np.ndarray]:
    """Return σ12 / sin σ12, and sin(t σ12) / sin σ12 for each node t (one row per node).

    By series when σ12 <= 2e-3: ``σ12² = 4 asin²(√hav) = 4 (hav + hav²/3 + 8 hav³/45 + …)``,
    ``x / sin x = 1 + x²/6 + 7 x⁴/360 + …`` and
    ``sin(t x) / sin x = t (1 + (1 - t²) x²/6 + (7 - 10 t² + 3 t⁴) x⁴/360 + …)``.
    """
    if short:
        x2 = 4.0 * hav * (1.0 + hav * (1.0 / 3.0 + hav * (8.0 / 45.0)))
        t2 = t * t
        c1 = (t * (1.0 - t2) / 6.0)[:, None]
        c2 = (t * (7.0 - 10.0 * t2 + 3.0 * t2 * t2) / 360.0)[:, None]
        return 1.0 + x2 * (1.0 / 6.0 + x2 * (7.0 / 360.0)), t[:, None] + x2 * (c1 + x2 * c2)
    sig12 = 2.0 * np.arcsin(np.sqrt(hav))
    ssig12 = 2.0 * np.sqrt(hav * (1.0 - hav))
    return sig12 / ssig12, np.sin(t[:, None] * sig12) / ssig12


def _arctan(z: np.ndarray, short: bool) -> np.ndarray:
    """Return arctan z; by its series for short edges, |z| < 0.012 (z¹¹ term below 1e-21 z)."""
    if not short:
        return np.arctan(z)
    z2 = z * z
    return z * (1.0 - z2 * (1.0 / 3.0 - z2 * (1.0 / 5.0 - z2 * (1.0 / 7.0 - z2 / 9.0))))


@cache
def _gauss_legendre(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes on [0, 1] (symmetric about 1/2) and weights summing to 1."""
    t, weights = leggauss(nodes)
    return 0.5 * (t + 1.0), 0.5 * weights


def _with_pyproj(
    lon: np.ndarray,
    lat: np.ndarray,
    offsets: np.ndarray,
    rings: np.ndarray,
    geod: Any,
    areas: np.ndarray,
) -> np.ndarray:
    """Measure the given rings with pyproj.Geod, one call per ring."""
    for i in rings:
        start, stop = offsets[i], offsets[i + 1]
        areas[i] = geod.polygon_area_perimeter(lon[start:stop], lat[start:stop])[0]
    return areas
