import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture
def write_gpkg(tmp_path):
    """Write frames as layers of one GeoPackage and return its path."""

    def write(name: str = "layers.gpkg", **layers):
        path = tmp_path / name
        for layer, frame in layers.items():
            frame.to_file(path, layer=layer, driver="GPKG")
        return str(path)

    return write
