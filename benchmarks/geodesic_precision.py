"""How exact are the ellipsoidal areas? landcheck's and pyproj's against 40 digits.

``python -m benchmarks.geodesic_precision [COUNT]`` evaluates the geodesic polygon
area of :mod:`landcheck.geodesic` (the same integrals, written independently here
with mpmath at 40 significant digits: adaptive quadrature, the fixed point of ω12
iterated to 1e-35) for random rings from a metre to 100 km across, and for the
COUNT (default 12) rings of the sample county's land-use layer where landcheck and
:class:`pyproj.Geod` differ most, and prints one JSON line per ring: the exact area
and both errors, then the worst of each.

This is what the tolerance of ``tests/test_geodesic_area.py`` rests on: the two
implementations differ by pyproj's rounding, not landcheck's.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import zipfile
from itertools import pairwise

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(os.path.dirname(HERE), "data", "luxi_sample.gpkg.zip")


def exact_ring_area(lon, lat, a: float, f: float, digits: int = 40):
    """Signed area (m², anticlockwise positive) of a geodesic ring, to ``digits`` digits."""
    import mpmath as mp

    mp.mp.dps = digits
    a, f = mp.mpf(a), mp.mpf(f)
    e2 = f * (2 - f)
    e = mp.sqrt(e2)
    c2 = a * a / 2 * (1 + (1 - e2) / e * mp.atanh(e))

    def w(u):
        return mp.sqrt(1 - e2 + e2 * u * u)

    def zone(u):  # F: area between the equator and the parallel of sin β = u, per radian
        return a * a / 2 * (u * w(u) + (1 - e2) / e * mp.asinh(e * u / mp.sqrt(1 - e2)))

    total = mp.mpf(0)
    n = len(lon)
    for i in range(n):
        j = (i + 1) % n
        lon1, lat1, lon2, lat2 = (mp.mpf(float(v)) for v in (lon[i], lat[i], lon[j], lat[j]))
        dlon = lon2 - lon1
        dlon -= 360 * mp.floor((dlon + 180) / 360)
        lam = mp.radians(dlon)
        b1 = mp.atan((1 - f) * mp.tan(mp.radians(lat1)))
        b2 = mp.atan((1 - f) * mp.tan(mp.radians(lat2)))
        if lam == 0 and b1 == b2:
            continue
        omg = lam / (1 - f)
        for _ in range(100):
            # the great circle through (b1, 0) and (b2, omg) on the auxiliary sphere
            sig12 = mp.acos(mp.sin(b1) * mp.sin(b2) + mp.cos(b1) * mp.cos(b2) * mp.cos(omg))
            alp1 = mp.atan2(
                mp.sin(omg) * mp.cos(b2),
                mp.cos(b1) * mp.sin(b2) - mp.sin(b1) * mp.cos(b2) * mp.cos(omg),
            )
            salp0 = mp.sin(alp1) * mp.cos(b1)
            calp0 = mp.sqrt(mp.cos(alp1) ** 2 + (mp.sin(alp1) * mp.sin(b1)) ** 2)
            sig1 = mp.atan2(mp.sin(b1), mp.cos(alp1) * mp.cos(b1))
            arc = [sig1, sig1 + sig12]
            new = lam + e2 * salp0 * mp.quad(lambda s, c=calp0: 1 / (1 + w(c * mp.sin(s))), arc)
            settled = abs(new - omg) <= mp.mpf(10) ** (-35) * abs(new)
            omg = new
            if settled:
                break
        excess = 2 * mp.atan(mp.tan(omg / 2) * mp.sin((b1 + b2) / 2) / mp.cos((b2 - b1) / 2))

        def k(s, c=calp0):
            u = c * mp.sin(s)
            return (zone(u) * w(u) - c2 * u) / (1 - u * u)

        total += c2 * excess + salp0 * mp.quad(k, arc)
    return -total


def _random_rings(seed: int = 1):
    rng = np.random.default_rng(seed)
    for radius in (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0):
        for _ in range(3):
            n = int(rng.integers(4, 30))
            lon0, lat0 = rng.uniform(73, 135), rng.uniform(18, 54)
            theta = np.sort(rng.uniform(0, 2 * np.pi, n))
            r = radius * rng.uniform(0.5, 1.0, n)
            lon = lon0 + r * np.cos(theta) / np.cos(np.radians(lat0))
            yield f"random, radius {radius}°", lon, lat0 + r * np.sin(theta)


def _sample_rings(count: int, folder: str):
    """The sample county's land-use rings where landcheck and pyproj differ most."""
    import geopandas as gpd
    import shapely

    from landcheck.areas import _to_geodetic
    from landcheck.geodesic import geodesic_ring_areas

    with zipfile.ZipFile(SAMPLE) as archive:
        path = archive.extract("luxi_sample.gpkg", folder)
    frame = gpd.read_file(path, layer="land_use")
    transformer, geod = _to_geodetic(frame.crs.to_wkt())
    rings = shapely.get_exterior_ring(frame.geometry.values)
    rings = rings[shapely.get_num_coordinates(rings) <= 40]  # keeps 40 digits affordable
    xy, which = shapely.get_coordinates(rings, return_index=True)
    lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
    offsets = np.searchsorted(which, np.arange(len(rings) + 1))
    ours = geodesic_ring_areas(lon, lat, offsets, geod)
    theirs = np.array(
        [geod.polygon_area_perimeter(lon[s:t], lat[s:t])[0] for s, t in pairwise(offsets)]
    )
    for i in np.argsort(-np.abs(ours - theirs))[:count]:
        s, t = offsets[i], offsets[i + 1]
        yield f"sample land_use ring {i}", lon[s:t], lat[s:t]


def main(argv: list[str] | None = None) -> int:
    from pyproj import Geod

    from landcheck.geodesic import geodesic_ring_areas

    count = int((argv or sys.argv[1:] or ["12"])[0])
    geod = Geod(a=6378137.0, rf=298.257222101)  # CGCS2000
    worst = {"landcheck": 0.0, "pyproj": 0.0}
    with tempfile.TemporaryDirectory() as folder:
        for label, lon, lat in [*_random_rings(), *_sample_rings(count, folder)]:
            exact = exact_ring_area(lon, lat, geod.a, geod.f)
            ours = geodesic_ring_areas(lon, lat, [0, len(lon)], geod)[0]
            theirs = geod.polygon_area_perimeter(lon, lat)[0]
            errors = {"landcheck": float(ours - exact), "pyproj": float(theirs - exact)}
            for key, value in errors.items():
                worst[key] = max(worst[key], abs(value))
            line = {
                "ring": label,
                "vertices": len(lon),
                "exact_m2": float(exact),
                "landcheck_error_m2": errors["landcheck"],
                "pyproj_error_m2": errors["pyproj"],
            }
            print(json.dumps(line), flush=True)
    print(json.dumps({"worst_abs_error_m2": worst}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
