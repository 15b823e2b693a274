"""The ids of a GDAL layer's features that meet any of many boxes, from one open of the layer.

pyogrio opens a layer again at every read. Asked near a batch's sites, cluster
after cluster, a FileGDB cost 345 opens at 1,000 sites (about 7 ms each), and
each of those reads tested every feature in its cluster's box against the
cluster's outlines; reading every feature's box instead took 4.8 s for a
million features. fiona keeps one layer open while its spatial filter is set
to box after box, GDAL answering each through the layer's own index (a
FileGDB's ``.spx``, a FlatGeobuf's packed R-tree, a shapefile's ``.qix``), and
gives the ids alone: its attributes are not decoded. The features are then
read by id in one pyogrio call (:mod:`landcheck.io.filtered`), so what a
check reads is what pyogrio reads.

GDAL's filter keeps a feature whose geometry meets the box (not merely its own
box), so the ids are a superset of the features within a box's growth of a
site: the caller grows the boxes and keeps the features really near a site.

fiona's GDAL reports its messages through the ``fiona`` logger, at ERROR for
some it recovers from (GDAL 3.9 says "Point outside of projection domain" at
the first box of a FileGDB in a Gauss-Krüger zone, and finds every feature
all the same: tests/test_layer_ids.py). They are not the user's to read
beside landcheck's own warnings: while the ids are asked, they go to
landcheck's log at DEBUG level (the CLI's ``-vv``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from landcheck.io.paths import gdal_path
from landcheck.io.vector import LayerSource

__all__ = ["ids_meeting"]

logger = logging.getLogger(__name__)


class _ToDebug(logging.Handler):
    """Logs a record again on landcheck's logger, at DEBUG level."""

    def emit(self, record: logging.LogRecord) -> None:
        logger.debug("fiona (%s): %s", record.levelname, record.getMessage())


_ROUTED = threading.Lock()
_OPEN = [0, None]
"""How many :func:`_fiona_messages_logged_at_debug` blocks are open (threads may be in one
each), and what the ``fiona`` logger was before the first: restored when the last ends."""


@contextmanager
def _fiona_messages_logged_at_debug() -> Iterator[None]:
    """The warnings and errors of fiona go to :data:`logger` at DEBUG, not to the root's.

    Its own debug records (one a feature read) are not made at all meanwhile.
    The ``fiona`` logger is set when the first block opens and restored when
    the last one closes, whichever thread each is in.
    """
    fiona_logger = logging.getLogger("fiona")
    with _ROUTED:
        if not _OPEN[0]:
            handler = _ToDebug()
            _OPEN[1] = (handler, fiona_logger.propagate, fiona_logger.level)
            fiona_logger.addHandler(handler)
            fiona_logger.propagate = False
            fiona_logger.setLevel(logging.WARNING)
        _OPEN[0] += 1
    try:
        yield
    finally:
        with _ROUTED:
            _OPEN[0] -= 1
            if not _OPEN[0]:
                handler, propagates, level = _OPEN[1]
                fiona_logger.setLevel(level)
                fiona_logger.propagate = propagates
                fiona_logger.removeHandler(handler)
                _OPEN[1] = None


def ids_meeting(
    source: LayerSource, layer: str | None, boxes: np.ndarray, fields: Sequence[str] = ()
) -> np.ndarray | None:
    """The ids of the features whose geometry meets one of ``boxes``, ascending, once each.

    Parameters
    ----------
    source : LayerSource
        A layer GDAL reads (a FileGDB, a FlatGeobuf, a shapefile…).
    layer : str, optional
        The layer's name in ``source`` (None: its only layer).
    boxes : numpy.ndarray
        Rows ``xmin, ymin, xmax, ymax`` in the layer's CRS.
    fields : sequence of str
        The layer's fields, left undecoded (only the ids are taken).

    Returns
    -------
    numpy.ndarray of int64 or None
        The feature ids (those pyogrio reads by ``fids=``); None when fiona
        cannot open the layer (its GDAL is not pyogrio's: a FileGDB of a newer
        version, a driver it lacks, a layer it does not find by that name), so
        the caller reads the layer otherwise.
        A feature without a geometry meets no box.

    Examples
    --------
    >>> import os, tempfile, geopandas as gpd, shapely
    >>> frame = gpd.GeoDataFrame(
    ...     {"BSM": ["F1", "F2", "F3"]},
    ...     geometry=[shapely.box(10 * i, 0, 10 * i + 5, 5) for i in range(3)],
    ...     crs=4523,
    ... )
    >>> path = os.path.join(tempfile.mkdtemp(), "farmland.gdb")
    >>> frame.to_file(path, layer="farmland", driver="OpenFileGDB")
    >>> boxes = np.array([[0, 0, 1, 1], [21, 1, 22, 2], [24, 4, 26, 6]])
    >>> ids_meeting(LayerSource(path, "farmland"), "farmland", boxes).tolist()
    [1, 3]
    """
    import fiona
    from fiona.errors import FionaError

    try:
        with (
            _fiona_messages_logged_at_debug(),
            gdal_path(source.path) as path,
            fiona.open(
                _fiona_path(path),
                layer=layer,
                encoding=source.encoding,
                ignore_fields=list(fields),
            ) as opened,
        ):
            found = [
                np.fromiter(opened.keys(bbox=tuple(map(float, box))), dtype=np.int64)
                for box in boxes
            ]
    except (FionaError, ValueError):  # ValueError: a layer its GDAL does not find by that name
        return None
    return np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)


def _fiona_path(path: str) -> str:
    """``path`` as fiona's GDAL opens it: a ``.zip`` through ``/vsizip/``, as pyogrio's does.

    Examples
    --------
    >>> _fiona_path("/data/survey.gdb"), _fiona_path("/data/farmland.ZIP")
    ('/data/survey.gdb', '/vsizip//data/farmland.ZIP')
    """
    if path.lower().endswith(".zip") and not path.startswith("/vsi"):
        return f"/vsizip/{path}"
    return path
