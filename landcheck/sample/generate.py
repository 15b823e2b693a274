"""The entry point: :func:`make_sample` runs the generation steps in their fixed order."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from landcheck.errors import InputDataError
from landcheck.sample.cells import make_cells
from landcheck.sample.county import GRID
from landcheck.sample.layers import LAYERS, build_layers
from landcheck.sample.parcels import make_parcels
from landcheck.sample.plan import make_plan
from landcheck.sample.review import REVIEW_STREAM
from landcheck.sample.review_layers import REVIEW_LAYERS, build_review_layers
from landcheck.sample.sites import place_review_sites, place_sites
from landcheck.sample.survey import make_survey

__all__ = ["DEFAULT_SEED", "SAMPLE_LAYERS", "make_sample"]

DEFAULT_SEED = 2026
"""The seed of the committed sample."""

SAMPLE_LAYERS = (
    *(layer.name for layer in LAYERS),
    *(layer.name for layer in REVIEW_LAYERS),
    "sites",
    "candidates",
)
"""The sample's layers, in the order :func:`make_sample` returns them."""


def make_sample(
    outline: shapely.Geometry, *, seed: int = DEFAULT_SEED
) -> dict[str, gpd.GeoDataFrame]:
    """Build the synthetic sample county inside ``outline``.

    Parameters
    ----------
    outline : shapely Polygon or MultiPolygon
        The outline of Luxi County in EPSG:4523 (see
        :func:`landcheck.io.sample_files.read_county_outline`). Its
        coordinates are snapped to a 1 cm grid, like every generated one.
    seed : int
        Seed of the random generator; the same seed gives the same layers.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        The layers named in :data:`SAMPLE_LAYERS`, in that order, all in
        EPSG:4523 and labelled ``合成数据 synthetic`` in their ``BZ`` field.

    Raises
    ------
    InputDataError
        When ``outline`` is not polygonal or does not hold the township seats.
    RuntimeError
        When the layers generated from ``seed`` hold no place for one of
        the sites; another seed may.

    Notes
    -----
    The generation model is described in the docstring of
    :mod:`landcheck.sample`. It takes about fifteen seconds.
    """
    if not isinstance(outline, shapely.Polygon | shapely.MultiPolygon) or outline.is_empty:
        raise InputDataError(
            f"the county outline must be a non-empty Polygon or MultiPolygon, got "
            f"{getattr(outline, 'geom_type', type(outline).__name__)}"
        )
    outline = shapely.set_precision(outline, GRID)
    rng = np.random.default_rng(seed)
    plan = make_plan(outline, rng)
    cells, villages = make_cells(plan, rng)
    parcels = make_parcels(plan, cells)
    survey = make_survey(plan, cells, parcels, villages)
    layers = build_layers(survey)
    layers["sites"], layers["candidates"] = place_sites(layers, plan, rng)
    review_rng = np.random.default_rng([seed, REVIEW_STREAM])  # nothing drawn before moves
    layers |= build_review_layers(survey, layers["sites"], layers["candidates"], review_rng)
    sites_rng = np.random.default_rng([seed, REVIEW_STREAM, 1])  # the review sites' own
    layers["sites"] = place_review_sites(layers, plan, sites_rng)
    return {name: layers[name] for name in SAMPLE_LAYERS}
