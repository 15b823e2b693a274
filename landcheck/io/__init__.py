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

from __future__ import annotations

from typing import TYPE_CHECKING

from landcheck.lazy import lazy_exports

if TYPE_CHECKING:
    from landcheck.io.boundary_txt import BoundaryTxt, read_boundary_txt, write_boundary_txt
    from landcheck.io.filtered import read_features_near
    from landcheck.io.records import InputRecord
    from landcheck.io.sites import read_sites
    from landcheck.io.vector import LayerSource, layer_crs, list_layers, split_source

_EXPORTS = {
    "BoundaryTxt": "landcheck.io.boundary_txt",
    "InputRecord": "landcheck.io.records",
    "LayerSource": "landcheck.io.vector",
    "layer_crs": "landcheck.io.vector",
    "list_layers": "landcheck.io.vector",
    "read_boundary_txt": "landcheck.io.boundary_txt",
    "read_features_near": "landcheck.io.filtered",
    "read_sites": "landcheck.io.sites",
    "split_source": "landcheck.io.vector",
    "write_boundary_txt": "landcheck.io.boundary_txt",
}
"""Each public name → the module it is imported from when first asked for (PEP 562).

Importing one module of the package (the command's output guard, :mod:`landcheck.io.output`;
its inputs' hashing, :mod:`landcheck.io.records`) does not import the readers, and with them
geopandas and pandas: the command starts hashing its inputs before it imports them.
"""

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


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
