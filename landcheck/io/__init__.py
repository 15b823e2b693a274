"""Input: the only part of landcheck (with :mod:`landcheck.report`) that touches paths.

- :mod:`landcheck.io.vector`: vector sources (``PATH[:LAYER]``), layers, info.
- :mod:`landcheck.io.sites`: site files, including the boundary coordinate TXT.
- :mod:`landcheck.io.filtered`: constraint layers read only near the sites.
- :mod:`landcheck.io.profiles`: profiles loaded (built-in, YAML files and texts, mappings).
- :mod:`landcheck.io.boundary_txt`: the boundary coordinate TXT reader and writer.
- :mod:`landcheck.io.records`: provenance of each input for the report.
- :mod:`landcheck.io.output`: the one atomic writer every output goes through (folders and
  files whole or not at all, never over an input or a folder landcheck did not write).
"""

from landcheck.io.boundary_txt import (
    BoundaryTxt,
    read_boundary_txt,
    write_boundary_txt,
)
from landcheck.io.filtered import read_features_near
from landcheck.io.records import InputRecord
from landcheck.io.sites import read_sites
from landcheck.io.vector import (
    LayerSource,
    layer_crs,
    list_layers,
    split_source,
)

__all__ = [
    "BoundaryTxt",
    "InputRecord",
    "LayerSource",
    "layer_crs",
    "list_layers",
    "read_boundary_txt",
    "read_features_near",
    "read_sites",
    "split_source",
    "write_boundary_txt",
]
