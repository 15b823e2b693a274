"""Input: the only part of landcheck (with :mod:`landcheck.report`) that touches paths.

:mod:`landcheck.io.vector` reads any vector source GDAL reads, with spatially
filtered reads of constraint layers; :mod:`landcheck.io.records` describes
each input for the report's provenance section.
"""

from landcheck.io.records import InputRecord
from landcheck.io.vector import (
    LayerSource,
    layer_crs,
    list_layers,
    read_features_near,
    read_sites,
    split_source,
)

__all__ = [
    "InputRecord",
    "LayerSource",
    "layer_crs",
    "list_layers",
    "read_features_near",
    "read_sites",
    "split_source",
]
