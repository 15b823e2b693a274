"""Legacy CRSs the name Xian 1980 / Beijing 1954 does not give away: New Beijing, +towgs84.

Each case is built by construction: a CGCS2000 square is moved into the legacy datum by
the inverse of a 7-parameter shift written out by hand (not landcheck's pipeline), so once
landcheck shifts it back it is the square again, and overlaps are rectangles.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from common import county, frame, sites, square
from pyproj import CRS, Transformer

import landcheck
from landcheck.crs.datum import (
    DatumShift,
    apply_datum_shift,
    cgcs2000_counterpart,
    crs_towgs84,
    legacy_datum,
)
from landcheck.crs.zones import _GK_FAMILY_CODES, GKFamily, GKZone, gk_family
from landcheck.errors import AnalysisCRSError
from landcheck.io.boundary_txt import parse_boundary_txt

PARAMS = (-15.8, 102.4, 48.3, 0.35, -1.12, 2.41, 3.6)  # m, arc-seconds, ppm (made up)
SHIFT = DatumShift(*PARAMS)
PLANAR = {"area_method": "planar"}


def by_hand(ellps: str, cm: float | None, false_easting: float = 0.0) -> Transformer:
    """The shift written out by hand: legacy GK (or degrees if ``cm`` is None) to CGCS2000."""
    dx, dy, dz, rx, ry, rz, s = PARAMS
    if cm is None:
        first = "+step +proj=unitconvert +xy_in=deg +xy_out=rad"
        last = "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
    else:
        tmerc = f"+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0={false_easting} +y_0=0"
        first, last = f"+step +inv {tmerc} +ellps={ellps}", f"+step {tmerc} +ellps=GRS80"
    return Transformer.from_pipeline(
        f"+proj=pipeline {first} +step +proj=cart +ellps={ellps} "
        f"+step +proj=helmert +x={dx} +y={dy} +z={dz} +rx={rx} +ry={ry} +rz={rz} +s={s} "
        f"+convention=position_vector +step +inv +proj=cart +ellps=GRS80 {last}"
    )


def backwards(geom: shapely.Geometry, forward: Transformer) -> shapely.Geometry:
    """The legacy coordinates ``forward`` takes to ``geom`` (fixed-point iteration)."""

    def move(xy: np.ndarray) -> np.ndarray:
        guess = xy.copy()
        for _ in range(10):
            x, y = forward.transform(guess[:, 0], guess[:, 1])
            guess += xy - np.column_stack([x, y])
        return guess

    return shapely.transform(geom, move)


NEW_BEIJING_GK35 = by_hand("krass", 105, 35_500_000)  # EPSG:4771 → EPSG:4523


def finding(result, check: str, site: str = "S1"):
    return next(f for f in result.site_findings(site) if f.check == check)


# ------------------------------------------------------------- 1. New Beijing


@pytest.mark.parametrize("datum", sorted(_GK_FAMILY_CODES))
def test_every_gauss_kruger_family_code_is_its_zone_in_its_datum(datum):
    words = {"cgcs2000": "China 2000", "xian1980": "Xian 1980", "beijing1954": "Beijing 1954"}
    for width, numbers in ((3, range(25, 46)), (6, range(13, 24))):
        for number in numbers:
            for prefixed in (True, False):
                family = GKFamily(datum, GKZone(number, width), prefixed)
                crs = CRS.from_epsg(family.epsg())
                params = {p.name: p.value for p in crs.coordinate_operation.params}
                assert crs.geodetic_crs.datum.name.startswith(words.get(datum, "New Beijing"))
                assert params["Longitude of natural origin"] == family.zone.central_meridian
                assert params["False easting"] == number * 1e6 * prefixed + 500_000
                assert gk_family(crs) == family


@pytest.mark.parametrize(
    ("epsg", "target"),
    [(4555, 4490), (4771, 4523), (4792, 4544), (4584, 4507), (4573, 4496), (4822, 4554)],
)
def test_new_beijing_is_a_legacy_datum_with_a_cgcs2000_counterpart(epsg, target):
    assert legacy_datum(CRS.from_epsg(epsg)) == "New Beijing (新北京54)"
    assert cgcs2000_counterpart(CRS.from_epsg(epsg)).to_epsg() == target


@pytest.mark.parametrize(
    ("epsg", "forward", "point", "target"),
    [
        (4771, NEW_BEIJING_GK35, (35_512_345.6, 2_700_000.0), 4523),
        (4584, by_hand("krass", 105, 500_000), (512_345.6, 2_700_000.0), 4507),
        (4555, by_hand("krass", None), (105.1, 24.4), 4490),
    ],
)
def test_new_beijing_is_shifted_like_an_independent_pipeline(epsg, forward, point, target):
    old = gpd.GeoDataFrame(geometry=[shapely.Point(*point)], crs=epsg)
    with pytest.raises(AnalysisCRSError, match=r"New Beijing \(新北京54\) \(EPSG:\d+\)\. PROJ"):
        apply_datum_shift(old, None, "test")
    new, note = apply_datum_shift(old, SHIFT, "test")
    expected = forward.transform(*point)
    tolerance = 1e-6 if epsg != 4555 else 1e-11  # metres; degrees (1e-11° ≈ 1 µm)
    moved = new.geometry.iloc[0]
    assert (moved.x, moved.y) == pytest.approx(expected, abs=tolerance)
    assert new.crs.to_epsg() == target
    assert note["datum"] == "New Beijing (新北京54)"


def test_a_new_beijing_layer_is_refused_or_shifted_never_ballparked():
    # once shifted, the farmland covers the east 30 m of the 100 m site: 3,000 m²; PROJ's
    # ballpark took its New Beijing coordinates as they are (1,487 m², prohibited, silently)
    farmland = gpd.GeoDataFrame(
        {"BSM": ["F1"]}, geometry=[backwards(square(70, 0, 100), NEW_BEIJING_GK35)], crs=4771
    )
    site = sites(square(0, 0, 100))
    refused = landcheck.check(site, layers={"farmland": farmland}, coverage=county(), **PLANAR)
    assert finding(refused, "permanent_farmland").status == "unknown"
    assert any(
        "layer 'farmland' is in New Beijing (新北京54) (EPSG:4771)" in w and "--datum-shift" in w
        for w in refused.warnings
    )
    result = landcheck.check(
        site, layers={"farmland": farmland}, coverage=county(), datum_shift=SHIFT, **PLANAR
    )
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(3000.0, abs=1e-4)
    assert finding(result, "permanent_farmland").status == "prohibited"
    record = next(r for r in result.inputs if r.key == "farmland")
    assert record.extra["datum_shift"]["datum"] == "New Beijing (新北京54)"
    assert record.extra["datum_shift"]["target_crs"] == "EPSG:4523"


def test_one_shift_is_refused_for_new_beijing_and_xian80_inputs():
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}]).set_crs(
        4771, allow_override=True
    )
    xian80 = sites(square(0, 0, 100)).set_crs(2359, allow_override=True)
    with pytest.raises(AnalysisCRSError, match=r"New Beijing \(新北京54\) and Xian 1980 .*one"):
        landcheck.check(xian80, layers={"farmland": farmland}, datum_shift=SHIFT, **PLANAR)


@pytest.mark.parametrize("name", ["新1954北京坐标系", "新北京54", "New Beijing"])
def test_a_new_beijing_txt_is_shifted_from_new_beijing(name):
    corners = backwards(square(0, 0, 100), NEW_BEIJING_GK35).exterior.coords
    points = [f"J{i + 1},1,{n:.6f},{e:.6f}" for i, (e, n) in enumerate(corners)]
    text = (
        f"[属性描述]\n坐标系={name}\n几度分带=3\n投影类型=高斯克吕格\n计量单位=米\n带号=35\n"
        f"精度=0.001\n转换参数={','.join(map(str, PARAMS))}\n[地块坐标]\n"
        f"{len(points)},,A-1,厂区,面,,工业,0601,@\n" + "\n".join(points) + "\n"
    )
    txt = parse_boundary_txt(text)
    assert txt.crs.to_epsg() == 4523
    assert txt.metadata["landcheck.source_crs"] == "EPSG:4771"
    assert "New Beijing (新北京54) → CGCS2000" in txt.metadata["landcheck.transformation"]
    moved = txt.sites.geometry.iloc[0]
    assert shapely.hausdorff_distance(moved, square(0, 0, 100)) < 1e-6


# ------------------------------------------------------------- 2. a CRS's own +towgs84

TOWGS84 = ",".join(map(str, PARAMS))
XIAN80_GK35 = "+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=35500000 +y_0=0 +ellps=IAU76 +units=m"
XIAN80_BY_HAND = by_hand("IAU76", 105, 35_500_000)
POINT = (35_512_345.6, 2_700_000.0)


def coordinate_frame_wkt(rotations: tuple[float, float, float]) -> str:
    """Xian 1980 longitude/latitude bound to WGS 84 by a coordinate-frame 7-parameter shift."""
    dx, dy, dz, _, _, _, s = PARAMS
    arcsec = 'ANGLEUNIT["arc-second",4.84813681109536E-06]'
    rx, ry, rz = (
        f'PARAMETER["{a}-axis rotation",{r},{arcsec}]'
        for a, r in zip("XYZ", rotations, strict=True)
    )
    geog = (
        'GEOGCRS["{0}",DATUM["{1}",ELLIPSOID["{2}",{3},{4}]],CS[ellipsoidal,2],'
        'AXIS["lon",east],AXIS["lat",north],ANGLEUNIT["degree",0.0174532925199433]]'
    )
    return (
        "BOUNDCRS[SOURCECRS["
        + geog.format("Xian 1980", "Xian 1980", "IAG 1975", 6378140, 298.257)
        + "],TARGETCRS["
        + geog.format("WGS 84", "World Geodetic System 1984", "WGS 84", 6378137, 298.257223563)
        + '],ABRIDGEDTRANSFORMATION["t",METHOD["Coordinate Frame rotation (geog2D domain)"],'
        f'PARAMETER["X-axis translation",{dx},LENGTHUNIT["metre",1]],'
        f'PARAMETER["Y-axis translation",{dy},LENGTHUNIT["metre",1]],'
        f'PARAMETER["Z-axis translation",{dz},LENGTHUNIT["metre",1]],{rx},{ry},{rz},'
        f'PARAMETER["Scale difference",{1 + s * 1e-6!r}]]]'  # abridged: a ratio
    )


@pytest.mark.parametrize(
    "crs",
    [
        f"{XIAN80_GK35} +towgs84={TOWGS84}",
        "+proj=longlat +ellps=krass +towgs84=" + TOWGS84,
        coordinate_frame_wkt((-PARAMS[3], -PARAMS[4], -PARAMS[5])),
    ],
)
def test_a_crs_own_towgs84_is_read_in_the_position_vector_convention(crs):
    own = crs_towgs84(CRS.from_user_input(crs))
    assert own.as_tuple() == pytest.approx(PARAMS, abs=1e-9)
    point = POINT if "tmerc" in crs else (105.1, 24.4)
    old = gpd.GeoDataFrame(geometry=[shapely.Point(*point)], crs=crs)
    _, note = apply_datum_shift(old, SHIFT, "test")  # the same parameters, once read
    assert note["method"].endswith("the same as its CRS's own +towgs84")


def test_a_crs_own_towgs84_is_used_only_when_given_the_same():
    # before, the Gauss-Kruger CRS was refused even with --datum-shift ("not a Gauss-Kruger
    # (Transverse Mercator) projection": a bound CRS's operation is its +towgs84), and the
    # longitude/latitude one was shifted with --datum-shift, its own +towgs84 ignored
    old = gpd.GeoDataFrame(
        geometry=[shapely.Point(*POINT)], crs=f"{XIAN80_GK35} +towgs84={TOWGS84}"
    )
    with pytest.raises(AnalysisCRSError, match=r"\+towgs84: dx=-15\.8.*not take on trust"):
        apply_datum_shift(old, None, "test")
    other = DatumShift(-15.8, 102.4, 48.3, 0, 0, 0, 0)
    with pytest.raises(AnalysisCRSError, match=r"differs from the datum shift given.*choose"):
        apply_datum_shift(old, other, "test")
    new, note = apply_datum_shift(old, SHIFT, "test")
    moved = new.geometry.iloc[0]
    assert (moved.x, moved.y) == pytest.approx(XIAN80_BY_HAND.transform(*POINT), abs=1e-6)
    assert new.crs.geodetic_crs.to_epsg() == 4490
    assert note["method"].endswith("ppm), the same as its CRS's own +towgs84")


def test_a_geographic_crs_own_towgs84_is_not_overridden():
    old = gpd.GeoDataFrame(
        geometry=[shapely.Point(105.1, 24.4)], crs="+proj=longlat +ellps=krass +towgs84=1,2,3"
    )
    with pytest.raises(AnalysisCRSError, match=r"\(\+towgs84: dx=1, dy=2, dz=3, rx=0.*differs"):
        apply_datum_shift(old, SHIFT, "test")
    same = DatumShift(1, 2, 3, 0, 0, 0, 0)
    new, _ = apply_datum_shift(old, same, "test")
    expected = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        "+step +proj=cart +ellps=krass +step +proj=helmert +x=1 +y=2 +z=3 "
        "+step +inv +proj=cart +ellps=GRS80 +step +proj=unitconvert +xy_in=rad +xy_out=deg"
    ).transform(105.1, 24.4)
    moved = new.geometry.iloc[0]
    assert (moved.x, moved.y) == pytest.approx(expected, abs=1e-11)
    assert new.crs.to_epsg() == 4490


def test_a_null_towgs84_is_set_aside_for_the_given_shift():
    old = gpd.GeoDataFrame(
        geometry=[shapely.Point(*POINT)], crs=f"{XIAN80_GK35} +towgs84=0,0,0,0,0,0,0"
    )
    with pytest.raises(AnalysisCRSError, match=r"only a 'ballpark' null shift"):
        apply_datum_shift(old, None, "test")
    new, note = apply_datum_shift(old, SHIFT, "test")
    moved = new.geometry.iloc[0]
    assert (moved.x, moved.y) == pytest.approx(XIAN80_BY_HAND.transform(*POINT), abs=1e-6)
    assert "+towgs84 of zeros (a null shift, not a transformation) set aside" in note["method"]


def test_sites_whose_crs_carries_towgs84_are_checked_with_it_given():
    own = f"{XIAN80_GK35} +towgs84={TOWGS84}"
    site = gpd.GeoDataFrame(
        {"site_id": ["S1"]}, geometry=[backwards(square(0, 0, 100), XIAN80_BY_HAND)], crs=own
    )
    farmland = frame([{"BSM": "F1", "geometry": square(70, 0, 100)}])
    with pytest.raises(AnalysisCRSError, match=r"the site GeoDataFrame .*\+towgs84"):
        landcheck.check(site, layers={"farmland": farmland}, coverage=county(), **PLANAR)
    result = landcheck.check(
        site, layers={"farmland": farmland}, coverage=county(), datum_shift=SHIFT, **PLANAR
    )
    moved = result.summary.to_crs(4523).geometry.iloc[0]
    assert shapely.hausdorff_distance(moved, square(0, 0, 100)) < 1e-6
    assert result.layer_area("S1", "farmland").planar_m2 == pytest.approx(3000.0, abs=1e-4)
    assert finding(result, "permanent_farmland").status == "prohibited"
    (record,) = [r for r in result.inputs if r.role == "sites"]
    assert record.extra["datum_shift"]["method"].endswith("the same as its CRS's own +towgs84")
