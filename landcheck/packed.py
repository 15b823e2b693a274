"""Layer frames held with their geometry as WKB until one is asked for.

A check keeps, per layer, the pieces its sites were cut into and the features
read near them (``CheckResult.pieces`` and ``context``): what the maps draw,
the GeoPackage writes and a notebook looks at. Nothing in the check itself
reads their outlines again once the layer is measured, and a GEOS geometry
costs about twice its WKB (a 29-vertex parcel ~985 bytes against ~470): a
10,000-site batch's pieces and features held as shapely objects were 160 MB
of a 780 MB peak. :class:`PackedFrames` keeps each frame's other columns as
they are and its geometry as one WKB value per row; the first time a layer is
asked for, its frame is rebuilt (the same rows, columns, values and CRS, every
coordinate the same double) and kept, so later calls get that very frame.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from geopandas.array import from_shapely

from landcheck.geometry import geometry_values

__all__ = ["PackedFrame", "PackedFrames"]


@dataclass(frozen=True)
class PackedFrame:
    """One GeoDataFrame: its columns but the geometry, and the geometry as WKB.

    Examples
    --------
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[box(0, 0, 2, 1)], crs=4523)
    >>> packed = PackedFrame.of(frame)
    >>> packed.frame().equals(frame), len(packed)
    (True, 1)
    """

    fields: pd.DataFrame
    name: str
    position: int
    wkb: np.ndarray
    crs: Any

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> PackedFrame:
        """``frame`` packed: its geometry encoded, its other columns as they are."""
        name = frame.geometry.name
        geometries = np.asarray(geometry_values(frame), dtype=object)
        # the WKB pickling writes (its Z and its SRID kept), so the frame rebuilt from it
        # holds the same coordinates
        wkb = shapely.to_wkb(geometries, include_srid=True)
        fields = pd.DataFrame(frame.drop(columns=name))
        return cls(fields, name, frame.columns.get_loc(name), wkb, frame.crs)

    def __len__(self) -> int:
        return len(self.wkb)

    def frame(self) -> gpd.GeoDataFrame:
        """The frame rebuilt: the same rows, columns, values, CRS and coordinates."""
        geometry = from_shapely(shapely.from_wkb(self.wkb), crs=self.crs)
        frame = self.fields.copy(deep=False)
        frame.insert(self.position, self.name, geometry)
        return gpd.GeoDataFrame(frame, geometry=self.name, crs=self.crs)


class PackedFrames(Mapping[str, gpd.GeoDataFrame]):
    """GeoDataFrames by layer key, each held packed until it is first asked for.

    A read-only mapping: ``frames[key]``, ``get``, ``items``… give
    GeoDataFrames, each rebuilt once from its WKB and then kept (the same object
    at every later call), so what a caller changes in a frame stays, as in a dict.

    Parameters
    ----------
    frames : mapping of str to GeoDataFrame or PackedFrame
        The frames to hold. A GeoDataFrame is packed now (the mapping keeps no
        reference to it); a :class:`PackedFrame` is held as it is.

    Examples
    --------
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[box(0, 0, 2, 1)], crs=4523)
    >>> frames = PackedFrames({"farmland": frame})
    >>> frames.unpacked()
    ()
    >>> frames["farmland"].area.tolist(), frames["farmland"] is frames["farmland"]
    ([2.0], True)
    >>> frames.unpacked(), list(frames)
    (('farmland',), ['farmland'])
    """

    def __init__(self, frames: Mapping[str, gpd.GeoDataFrame | PackedFrame]) -> None:
        self._held: dict[str, PackedFrame | gpd.GeoDataFrame] = {
            key: frame if isinstance(frame, PackedFrame) else PackedFrame.of(frame)
            for key, frame in frames.items()
        }
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> gpd.GeoDataFrame:
        held = self._held[key]
        if isinstance(held, gpd.GeoDataFrame):
            return held
        with self._lock:  # two threads drawing maps rebuild a layer once
            held = self._held[key]
            if isinstance(held, PackedFrame):
                held = self._held[key] = held.frame()
            return held

    def __iter__(self) -> Iterator[str]:
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._held)

    def __repr__(self) -> str:
        states = (
            f"{key!r}: {'frame' if isinstance(held, gpd.GeoDataFrame) else 'packed'}"
            for key, held in self._held.items()
        )
        return f"PackedFrames({{{', '.join(states)}}})"

    def unpack(self) -> None:
        """Rebuild every frame now (before forked processes that would each rebuild it)."""
        for key in self._held:
            self[key]

    def unpacked(self) -> tuple[str, ...]:
        """The keys whose frames were asked for, so are held as GeoDataFrames now."""
        return tuple(k for k, held in self._held.items() if isinstance(held, gpd.GeoDataFrame))

    def __getstate__(self) -> dict[str, Any]:
        return {"_held": self._held}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._held = state["_held"]
        self._lock = threading.Lock()
