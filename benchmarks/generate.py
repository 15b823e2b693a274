"""Deterministic province-scale synthetic layers for the benchmarks (GeoPackage).

Everything is built from a seed with numpy and shapely, in CGCS2000 / 3-degree
Gauss-Kruger zone 35 (EPSG:4523), and labelled synthetic. Two sizes:

``full``   a 250 km x 250 km province: 1,000,000 land-use parcels (三调 fields),
           200,000 permanent-farmland patches, ecological-redline multipolygons
           (one polygon of 250,000 vertices, multipolygons of 4 x 30,000),
           urban boundaries, a full-coverage planning-zone layer and townships.
``quick``  the same recipe on a 40 km x 40 km county (25,600 parcels, 100 and 500 sites).

Parcels are a jittered mesh whose shared edges are wiggled identically on both
sides, so the land-use and planning-zone layers cover the region exactly with
no gaps or overlaps, and every geometry is valid (checked).

Run ``python -m benchmarks.generate quick|full [--out DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict, dataclass

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

CRS = "EPSG:4523"
NOTE = "合成数据 synthetic"
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
VERSION = 4  # bump when the recipe changes: existing files are then rebuilt


@dataclass(frozen=True)
class Size:
    name: str
    x0: float
    y0: float
    parcels_per_side: int  # land-use mesh: parcels_per_side ** 2 parcels
    parcel_m: float
    farmland: int
    zone_m: float
    township_m: float
    redline_cell_m: float
    huge_vertices: int
    multi_part_vertices: int
    sites_b: int
    sites_c: int
    seed: int = 20261126

    @property
    def side_m(self) -> float:
        return self.parcels_per_side * self.parcel_m


SIZES = {
    "full": Size(
        "full",
        35_375_000.0,
        2_600_000.0,
        1000,
        250.0,
        200_000,
        2_000.0,
        25_000.0,
        50_000.0,
        250_000,
        30_000,
        1_000,
        10_000,
    ),
    "quick": Size(
        "quick",
        35_480_000.0,
        2_700_000.0,
        160,
        250.0,
        5_000,
        2_000.0,
        10_000.0,
        20_000.0,
        100_000,
        8_000,
        100,
        500,
    ),
}

# 三调 codes with weights, by landscape: (code, name, weight)
_LOWLAND = [
    ("0101", "水田", 0.30),
    ("0102", "水浇地", 0.15),
    ("0103", "旱地", 0.25),
    ("0201", "果园", 0.05),
    ("0702", "农村宅基地", 0.08),
    ("1006", "农村道路", 0.04),
    ("1104", "坑塘水面", 0.03),
    ("1202", "设施农用地", 0.02),
    ("0301", "乔木林地", 0.08),
]
_UPLAND = [
    ("0103", "旱地", 0.25),
    ("0301", "乔木林地", 0.30),
    ("0305", "灌木林地", 0.12),
    ("0307", "其他林地", 0.08),
    ("0404", "其他草地", 0.10),
    ("0202", "茶园", 0.05),
    ("0702", "农村宅基地", 0.05),
    ("1101", "河流水面", 0.05),
]
_URBAN = [
    ("0701", "城镇住宅用地", 0.35),
    ("05H1", "商业服务业设施用地", 0.12),
    ("0601", "工业用地", 0.15),
    ("08H2", "科教文卫用地", 0.08),
    ("1004", "城镇村道路用地", 0.12),
    ("0809", "公用设施用地", 0.05),
    ("1003", "公路用地", 0.05),
    ("0102", "水浇地", 0.08),
]
_ZONES = [
    ("01", "生态保护区"),
    ("02", "生态控制区"),
    ("03", "农田保护区"),
    ("0401", "城镇集中建设区"),
    ("0402", "城镇弹性发展区"),
    ("0501", "村庄建设区"),
    ("0502", "一般农业区"),
    ("0503", "林业发展区"),
    ("07", "矿产能源发展区"),
]
_EXTRA_FIELDS = [
    "QSXZ",
    "QSDWDM",
    "QSDWMC",
    "KCDLBM",
    "KCMJ",
    "TBDLMJ",
    "GDLX",
    "GDPDJB",
    "XZDWKD",
    "TBXHDM",
    "TBXHMC",
    "ZZSXDM",
    "ZZSXMC",
    "GDDB",
    "FRDBS",
    "CZCSXM",
    "SJNF",
    "MSSM",
    "HDMC",
    "BZ",
]


def _field(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
    """A smooth random field in [-1, 1]-ish: a few random plane waves."""
    out = np.zeros_like(x)
    for _ in range(6):
        angle = rng.uniform(0, np.pi)
        wavelength = scale * rng.uniform(0.5, 1.5)
        phase = rng.uniform(0, 2 * np.pi)
        out += np.sin((np.cos(angle) * x + np.sin(angle) * y) * 2 * np.pi / wavelength + phase)
    return out / 3.0


def mesh(
    x0: float, y0: float, nx: int, ny: int, cell: float, k: int, rng: np.random.Generator
) -> np.ndarray:
    """A full-coverage mesh of nx * ny valid polygons with wiggled shared edges.

    Row-major (y then x). Each polygon has 4 + 4k vertices (+ closing).
    """
    jitter = 0.2 * cell
    cx = x0 + np.arange(nx + 1) * cell + rng.uniform(-jitter, jitter, (ny + 1, nx + 1))
    cy = y0 + np.arange(ny + 1)[:, None] * cell + rng.uniform(-jitter, jitter, (ny + 1, nx + 1))
    cx[:, 0], cx[:, -1] = x0, x0 + nx * cell
    cy[0, :], cy[-1, :] = y0, y0 + ny * cell
    t = (np.arange(1, k + 1) / (k + 1))[None, None, :]
    amp = 0.05 * cell

    def edge(ax, ay, bx, by, straight):
        shape = (*ax.shape, k)
        w1 = rng.uniform(-1, 1, ax.shape)[..., None]
        w2 = rng.uniform(-0.5, 0.5, ax.shape)[..., None]
        noise = rng.uniform(-0.15, 0.15, shape)
        bump = np.sin(np.pi * t)
        offset = amp * (w1 * bump + w2 * np.sin(2 * np.pi * t) + noise * bump)
        offset = np.where(straight[..., None], 0.0, offset)
        dx, dy = bx - ax, by - ay
        length = np.hypot(dx, dy)
        nxv, nyv = (-dy / length)[..., None], (dx / length)[..., None]
        px = ax[..., None] + dx[..., None] * t + nxv * offset
        py = ay[..., None] + dy[..., None] * t + nyv * offset
        return px, py

    rows = np.arange(ny + 1)[:, None] * np.ones(nx, dtype=int)[None, :]
    hx, hy = edge(cx[:, :-1], cy[:, :-1], cx[:, 1:], cy[:, 1:], (rows == 0) | (rows == ny))
    cols = np.ones(ny, dtype=int)[:, None] * np.arange(nx + 1)[None, :]
    vx, vy = edge(cx[:-1, :], cy[:-1, :], cx[1:, :], cy[1:, :], (cols == 0) | (cols == nx))
    n = 4 + 4 * k + 1
    ring = np.empty((ny, nx, n, 2))
    pos = 0
    for px, py in (
        (cx[:-1, :-1, None], cy[:-1, :-1, None]),
        (hx[:-1, :, :], hy[:-1, :, :]),
        (cx[:-1, 1:, None], cy[:-1, 1:, None]),
        (vx[:, 1:, :], vy[:, 1:, :]),
        (cx[1:, 1:, None], cy[1:, 1:, None]),
        (hx[1:, :, ::-1], hy[1:, :, ::-1]),
        (cx[1:, :-1, None], cy[1:, :-1, None]),
        (vx[:, :-1, ::-1], vy[:, :-1, ::-1]),
    ):
        width = px.shape[-1]
        ring[:, :, pos : pos + width, 0] = px
        ring[:, :, pos : pos + width, 1] = py
        pos += width
    ring[:, :, -1] = ring[:, :, 0]
    ring = np.round(ring, 2)
    polygons = shapely.polygons(ring.reshape(nx * ny, n, 2))
    return polygons


def star(
    cx: float, cy: float, radius: float, n: int, rng: np.random.Generator, rough: float = 0.22
) -> np.ndarray:
    """A star-shaped ring (always simple) of n vertices with a rough edge."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(1, 120):
        r += rough * rng.normal() / k**1.2 * np.sin(k * theta + rng.uniform(0, 2 * np.pi))
    r += 0.0015 * rng.normal(size=n)
    r = radius * np.clip(r, 0.35, 1.6)
    xy = np.column_stack([cx + r * np.cos(theta), cy + r * np.sin(theta)])
    return np.round(np.vstack([xy, xy[:1]]), 2)


def _choose(rng, table, count):
    weights = np.array([w for _, _, w in table])
    pick = rng.choice(len(table), size=count, p=weights / weights.sum())
    codes = np.array([c for c, _, _ in table])[pick]
    names = np.array([m for _, m, _ in table])[pick]
    return codes, names


def land_use(size: Size, rng: np.random.Generator) -> gpd.GeoDataFrame:
    n = size.parcels_per_side
    geoms = mesh(size.x0, size.y0, n, n, size.parcel_m, 6, rng)
    centre = shapely.centroid(geoms)
    x, y = shapely.get_x(centre) - size.x0, shapely.get_y(centre) - size.y0
    terrain = _field(x, y, rng, 60_000.0) + 0.3 * rng.normal(size=len(x))
    urban = _field(x, y, rng, 25_000.0)
    codes = np.empty(len(x), dtype=object)
    names = np.empty(len(x), dtype=object)
    for mask, table in (
        (urban > 1.2, _URBAN),
        ((urban <= 1.2) & (terrain < 0.1), _LOWLAND),
        ((urban <= 1.2) & (terrain >= 0.1), _UPLAND),
    ):
        c, m = _choose(rng, table, int(mask.sum()))
        codes[mask], names[mask] = c, m
    kcxs = np.where(
        codes == "0103",
        rng.choice([0.052, 0.081, 0.123], len(x)),
        np.where(np.isin(codes, ["0101", "0102"]), 0.021, 0.0),
    )
    township = (x // size.township_m).astype(int) * 100 + (y // size.township_m).astype(int)
    village = (
        township * 100
        + (x % size.township_m // 2500).astype(int) * 10
        + (y % size.township_m // 2500).astype(int)
    )
    area = shapely.area(geoms)
    data = {
        "BSM": [f"5300{i:014d}" for i in range(len(x))],
        "TBBH": [str(i % 9000 + 1) for i in range(len(x))],
        "DLBM": codes,
        "DLMC": names,
        "ZLDWDM": [f"532527{v:07d}00000" for v in village],
        "ZLDWMC": [f"合成村{v}" for v in village],
        "TBMJ": np.round(area * (1 + rng.normal(0, 0.002, len(x))), 2),
        "KCXS": kcxs,
    }
    for name in _EXTRA_FIELDS:
        data[name] = np.where(rng.random(len(x)) < 0.5, f"{name}值", "")
    data["SJLY"] = NOTE
    return gpd.GeoDataFrame(data, geometry=geoms, crs=CRS)


def farmland(parcels: gpd.GeoDataFrame, size: Size, rng: np.random.Generator) -> gpd.GeoDataFrame:
    cultivated = np.flatnonzero(np.isin(parcels["DLBM"].to_numpy(), ["0101", "0102", "0103"]))
    if len(cultivated) < size.farmland:
        raise RuntimeError(f"{len(cultivated)} cultivated parcels for {size.farmland} farmland")
    chosen = np.sort(rng.choice(cultivated, size.farmland, replace=False))
    src = parcels.iloc[chosen]
    return gpd.GeoDataFrame(
        {
            "BSM": [f"YJ{i:012d}" for i in range(len(src))],
            "YJJBNTTBBH": src["TBBH"].to_numpy(),
            "DLBM": src["DLBM"].to_numpy(),
            "DLMC": src["DLMC"].to_numpy(),
            "ZLDWDM": src["ZLDWDM"].to_numpy(),
            "ZLDWMC": src["ZLDWMC"].to_numpy(),
            "TBMJ": src["TBMJ"].to_numpy(),
            "GDDB": "6",
            "SJLY": NOTE,
        },
        geometry=src.geometry.to_numpy(),
        crs=CRS,
    )


def redline(size: Size, rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, int]:
    """Redline features, one per cell of a coarse grid; returns the frame and the huge one's row."""
    cell = size.redline_cell_m
    cells = int(size.side_m // cell)
    geoms, names, kinds = [], [], []
    huge_row = -1
    order = rng.permutation(cells * cells)
    for number, flat in enumerate(order[: max(4, (cells * cells) // 2)]):
        i, j = divmod(int(flat), cells)
        cx, cy = size.x0 + (i + 0.5) * cell, size.y0 + (j + 0.5) * cell
        if number == 0:  # the huge single polygon, with a hole
            shell = star(cx, cy, 0.36 * cell, size.huge_vertices, rng)
            hole = star(cx, cy, 0.04 * cell, 2000, rng, rough=0.05)
            geoms.append(shapely.Polygon(shell, [hole]))
            huge_row = len(geoms) - 1
            kinds.append("huge")
        elif number <= 3:  # multipolygons: four parts, one with a hole
            parts = []
            for q, (dx, dy) in enumerate(((-1, -1), (1, -1), (-1, 1), (1, 1))):
                px, py = cx + dx * 0.25 * cell, cy + dy * 0.25 * cell
                shell = star(px, py, 0.15 * cell, size.multi_part_vertices, rng)
                holes = [star(px, py, 0.03 * cell, 500, rng, rough=0.05)] if q == 0 else []
                parts.append(shapely.Polygon(shell, holes))
            geoms.append(shapely.MultiPolygon(parts))
            kinds.append("multi")
        else:
            geoms.append(
                shapely.Polygon(
                    star(
                        cx,
                        cy,
                        rng.uniform(0.15, 0.36) * cell,
                        int(rng.integers(2_000, 12_000)),
                        rng,
                    )
                )
            )
            kinds.append("single")
        names.append(f"合成生态保护红线{number + 1}")
    frame = gpd.GeoDataFrame(
        {
            "BSM": [f"ST{i:08d}" for i in range(len(geoms))],
            "MC": names,
            "LXDM": rng.choice(["01", "02", "03"], len(geoms)),
            "KIND": kinds,
            "SJLY": NOTE,
        },
        geometry=geoms,
        crs=CRS,
    )
    return frame, huge_row


def urban(size: Size, rng: np.random.Generator) -> gpd.GeoDataFrame:
    spacing = 8_000.0
    count = int(size.side_m // spacing)
    geoms = []
    for i in range(count):
        for j in range(count):
            if rng.random() < 0.6:
                cx = size.x0 + (i + 0.5) * spacing + rng.uniform(-1000, 1000)
                cy = size.y0 + (j + 0.5) * spacing + rng.uniform(-1000, 1000)
                geoms.append(shapely.Polygon(star(cx, cy, rng.uniform(600, 2500), 400, rng)))
    return gpd.GeoDataFrame(
        {
            "BSM": [f"CZ{i:08d}" for i in range(len(geoms))],
            "GHFQDM": "0401",
            "GHFQMC": "城镇集中建设区",
            "XZQMC": "合成县",
            "SJLY": NOTE,
        },
        geometry=geoms,
        crs=CRS,
    )


def zones(size: Size, rng: np.random.Generator) -> gpd.GeoDataFrame:
    n = int(size.side_m // size.zone_m)
    geoms = mesh(size.x0, size.y0, n, n, size.zone_m, 30, rng)
    pick = rng.integers(0, len(_ZONES), len(geoms))
    return gpd.GeoDataFrame(
        {
            "BSM": [f"GH{i:08d}" for i in range(len(geoms))],
            "GHFQDM": [_ZONES[p][0] for p in pick],
            "GHFQMC": [_ZONES[p][1] for p in pick],
            "SJLY": NOTE,
        },
        geometry=geoms,
        crs=CRS,
    )


def townships(size: Size, rng: np.random.Generator) -> gpd.GeoDataFrame:
    n = int(size.side_m // size.township_m)
    geoms = mesh(size.x0, size.y0, n, n, size.township_m, 200, rng)
    return gpd.GeoDataFrame(
        {
            "XZQDM": [f"532527{i:03d}" for i in range(len(geoms))],
            "XZQMC": [f"合成镇{i}" for i in range(len(geoms))],
            "SJLY": NOTE,
        },
        geometry=geoms,
        crs=CRS,
    )


def site_polygons(size: Size, count: int, rng: np.random.Generator) -> np.ndarray:
    """Irregular compact project sites of about 1-25 ha anywhere in the region."""
    margin = 3_000.0
    cx = rng.uniform(size.x0 + margin, size.x0 + size.side_m - margin, count)
    cy = rng.uniform(size.y0 + margin, size.y0 + size.side_m - margin, count)
    out = np.empty(count, dtype=object)
    for i in range(count):
        n = int(rng.integers(12, 40))
        radius = rng.uniform(60, 280)
        out[i] = shapely.Polygon(star(cx[i], cy[i], radius, n, rng, rough=0.12))
    return out


def expressway(size: Size) -> shapely.Polygon:
    """A 60 m wide expressway (线性工程) running north-east across 40 % of the region.

    Its centre line wiggles 300 m either side every 5.7 km and has a vertex
    every 10 m: the site has tens of thousands of vertices (the full size's
    28,000) and a box of a sixth of the region, mostly far from it.
    """
    along = np.arange(0.0, 0.4 * size.side_m * np.sqrt(2.0), 10.0)
    off = 300.0 * np.sin(along / 900.0)
    start = 0.05 * size.side_m
    xs = size.x0 + start + (along - off) / np.sqrt(2.0)
    ys = size.y0 + start + (along + off) / np.sqrt(2.0)
    return shapely.LineString(np.column_stack([xs, ys])).buffer(30.0, quad_segs=4)


def sites_frame(geoms, prefix: str) -> gpd.GeoDataFrame:
    classes = ["industrial", "transport", "energy", "public_service", "residential"]
    return gpd.GeoDataFrame(
        {
            "site_id": [f"{prefix}{i + 1:05d}" for i in range(len(geoms))],
            "name": [f"合成项目{i + 1}" for i in range(len(geoms))],
            "project_class": [classes[i % len(classes)] for i in range(len(geoms))],
        },
        geometry=list(geoms),
        crs=CRS,
    )


def build(name: str, out: str = DATA, *, force: bool = False) -> dict:
    """Write ``<out>/<name>.gpkg`` (layers) and ``<out>/<name>-sites.gpkg``; return the manifest."""
    size = SIZES[name]
    os.makedirs(out, exist_ok=True)
    layers_path = os.path.join(out, f"{name}.gpkg")
    sites_path = os.path.join(out, f"{name}-sites.gpkg")
    manifest_path = os.path.join(out, f"{name}.json")
    if not force and os.path.exists(manifest_path):
        with open(manifest_path) as handle:
            manifest = json.load(handle)
        if (
            manifest.get("version") == VERSION
            and manifest.get("size") == asdict(size)
            and os.path.exists(layers_path)
        ):
            return manifest
    for path in (layers_path, sites_path):
        if os.path.exists(path):
            os.remove(path)
    started = time.perf_counter()
    rng = np.random.default_rng(size.seed)
    counts = {}

    def write(frame, layer, path=layers_path):
        if not shapely.is_valid(frame.geometry.values).all():
            raise RuntimeError(f"{layer}: generated invalid geometries")
        pyogrio.write_dataframe(
            frame, path, layer=layer, driver="GPKG", use_arrow=True, promote_to_multi=False
        )
        counts[layer] = {
            "features": len(frame),
            "vertices": int(shapely.get_num_coordinates(frame.geometry.values).sum()),
        }

    parcels = land_use(size, rng)
    write(parcels, "land_use")
    write(farmland(parcels, size, rng), "farmland")
    del parcels
    red, huge_row = redline(size, rng)
    write(red, "eco_redline")
    write(urban(size, rng), "urban_boundary")
    write(zones(size, rng), "planning_zones")
    write(townships(size, rng), "townships")
    # sites: (a) one site on the edge of a redline polygon; (b), (c) spread; (d) a road corridor;
    # (e) an expressway across the region
    single = red.geometry.iloc[(huge_row + 1) % len(red)]
    shell = single.exterior if single.geom_type == "Polygon" else single.geoms[0].exterior
    edge_point = shell.interpolate(0.3, normalized=True)
    site_a = shapely.Polygon(star(edge_point.x, edge_point.y, 300.0, 24, rng, rough=0.1))
    huge = red.geometry.iloc[huge_row]
    hx0, hy0, hx1, hy1 = huge.bounds
    road = shapely.LineString(
        [
            (hx0 - 2_000, hy0 + 0.30 * (hy1 - hy0)),
            (0.5 * (hx0 + hx1), hy0 + 0.55 * (hy1 - hy0)),
            (hx1 + 2_000, hy0 + 0.70 * (hy1 - hy0)),
        ]
    ).buffer(30.0, cap_style="flat", join_style="mitre")
    for scenario, geoms in (
        ("a", [site_a]),
        ("b", site_polygons(size, size.sites_b, rng)),
        ("c", site_polygons(size, size.sites_c, rng)),
        ("d", [road]),
        ("e", [expressway(size)]),
    ):
        frame = sites_frame(geoms, scenario.upper())
        pyogrio.write_dataframe(frame, sites_path, layer=f"sites_{scenario}", driver="GPKG")
        counts[f"sites_{scenario}"] = {"features": len(frame)}
    manifest = {
        "version": VERSION,
        "size": asdict(size),
        "layers": layers_path,
        "sites": sites_path,
        "counts": counts,
        "huge_redline_bsm": str(red["BSM"].iloc[huge_row]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle, indent=2)
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("--out", default=DATA)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    print(json.dumps(build(args.size, args.out, force=args.force)))


if __name__ == "__main__":
    main()
