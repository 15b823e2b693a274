"""The ids a GDAL layer's own index finds near many boxes, from one open (io.layer_ids)."""

from __future__ import annotations

import logging

import numpy as np
import pyogrio
import pytest
import shapely
from common import frame, square

from landcheck.io import LayerSource
from landcheck.io.layer_ids import ids_meeting


def _layer() -> object:
    """A 20 × 20 grid of 10 m squares, an L whose box meets boxes its outline does not, and a
    feature without a geometry."""
    rows = [
        {"BSM": f"F{i}-{j}", "geometry": square(10 * i, 10 * j, 10)}
        for i in range(20)
        for j in range(20)
    ]
    ell = shapely.union(square(300, 0, 100, 10), square(300, 0, 10, 100))
    rows.append({"BSM": "L", "geometry": ell})
    rows.append({"BSM": "none", "geometry": None})
    return frame(rows)


def _written(tmp_path, kind: str) -> LayerSource:
    layer = _layer()
    if kind == "filegdb":
        path = str(tmp_path / "layers.gdb")
        layer.to_file(path, layer="farmland", driver="OpenFileGDB")
        return LayerSource(path, "farmland")
    if kind == "flatgeobuf":  # with its index, it holds no feature without a geometry
        path = str(tmp_path / "farmland.fgb")
        layer[layer.geometry.notna()].to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
        return LayerSource(path, "farmland")
    path = str(tmp_path / "farmland.shp")
    layer.to_file(path, layer_options={"SPATIAL_INDEX": "YES"})
    return LayerSource(path, "farmland")


BOXES = np.array(
    [
        square(35, 35, 2).bounds,  # inside one square
        square(10, 10, 0).bounds,  # a point where four squares meet: all four touch it
        square(350, 50, 20).bounds,  # inside the L's box, away from its arms
        square(305, 95, 1).bounds,  # the L's upright arm
        square(1000, 1000, 5).bounds,  # nothing
        square(0, 0, 10).bounds,  # one square exactly, its neighbours touching it
    ]
)


@pytest.mark.parametrize("kind", ["filegdb", "flatgeobuf", "shapefile"])
def test_the_ids_are_the_features_whose_geometry_meets_a_box(tmp_path, kind):
    source = _written(tmp_path, kind)
    whole = pyogrio.read_dataframe(source.path, layer=source.layer, fid_as_index=True)
    outlines = shapely.box(*BOXES.T)
    geoms = whole.geometry.values
    meets = np.array([g is not None and bool(shapely.intersects(g, outlines).any()) for g in geoms])
    expected = np.sort(whole.index.to_numpy()[meets])
    found = ids_meeting(source, source.layer, BOXES, list(whole.columns.drop("geometry")))
    assert found.dtype == np.int64 and found.tolist() == expected.tolist()
    # the inner square; the four around the corner point (the one at the origin and the three
    # touching it among them); the L's arm, not its empty box; nothing for the far box
    assert sorted(whole.loc[found, "BSM"]) == ["F0-0", "F0-1", "F1-0", "F1-1", "F3-3", "L"]
    assert ids_meeting(source, source.layer, BOXES[[2, 4]]).tolist() == []
    assert ids_meeting(source, source.layer, BOXES[:0]).tolist() == []


def test_fionas_messages_go_to_landcheck_s_debug_log_not_to_the_terminal(
    tmp_path, monkeypatch, caplog
):
    # GDAL 3.9 (fiona's) says "Point outside of projection domain" at the first box of a
    # FileGDB in a Gauss-Krüger zone and answers in full: not a message for the reviewer
    import fiona

    source = _written(tmp_path, "filegdb")
    real_open = fiona.open

    def noisy_open(*args, **kwargs):
        logging.getLogger("fiona._env").error("Point outside of projection domain")
        logging.getLogger("fiona.ogrext").debug("Next index: 0")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(fiona, "open", noisy_open)
    fiona_logger = logging.getLogger("fiona")
    before = (fiona_logger.level, fiona_logger.propagate, list(fiona_logger.handlers))
    with caplog.at_level(logging.DEBUG):
        found = ids_meeting(source, source.layer, BOXES[:1])
    assert len(found) == 1
    said = {(r.name, r.levelno, r.getMessage()) for r in caplog.records}
    # fiona's own records reach no handler of the root (the terminal's): landcheck's debug log
    # has them, its debug records (one a feature) are not made
    assert said == {
        (
            "landcheck.io.layer_ids",
            logging.DEBUG,
            "fiona (ERROR): Point outside of projection domain",
        )
    }
    assert (fiona_logger.level, fiona_logger.propagate, list(fiona_logger.handlers)) == before


def test_a_layer_fiona_cannot_open_has_no_ids_so_it_is_read_otherwise(tmp_path, monkeypatch):
    import fiona
    from fiona.errors import DriverError

    def refused(*args, **kwargs):
        raise DriverError("not recognized as a supported file format")

    source = _written(tmp_path, "filegdb")
    assert ids_meeting(source, "no such layer", BOXES) is None  # fiona: ValueError, Null layer
    monkeypatch.setattr(fiona, "open", refused)
    assert ids_meeting(source, "farmland", BOXES) is None


def test_the_fiona_logger_is_restored_when_the_last_of_overlapping_blocks_ends():
    # two threads' box queries overlapping: the first to end must not restore the logger under
    # the second (which saved it routed), nor the second leave it routed for good
    from landcheck.io.layer_ids import _fiona_messages_logged_at_debug as routed

    fiona_logger = logging.getLogger("fiona")
    before = (fiona_logger.level, fiona_logger.propagate, list(fiona_logger.handlers))
    first, second = routed(), routed()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert fiona_logger.propagate is False and fiona_logger.level == logging.WARNING
    second.__exit__(None, None, None)
    assert (fiona_logger.level, fiona_logger.propagate, list(fiona_logger.handlers)) == before
