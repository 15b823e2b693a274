"""Layer frames held with their geometry as WKB until one is asked for.

A check keeps, per layer, the pieces its sites were cut into and the features
read near them (``CheckResult.pieces`` and ``context``): what the maps draw,
the GeoPackage writes and a notebook looks at. Nothing in the check itself
reads their outlines again once the layer is measured, and a GEOS geometry
costs about twice its WKB (a 29-vertex parcel ~985 bytes against ~470): a
10,000-site batch's pieces and features held as shapely objects were 160 MB
of a 780 MB peak. :class:`PackedFrames` keeps each frame's other columns as
they are and its geometry as its rows' WKB, joined and compressed (LZ4: 90 MB
of WKB in about 50 MB); the first time a layer is asked for,
its frame is rebuilt (the same rows, columns, values and CRS, every
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


_CHUNK = 4_096
"""Rows encoded and compressed together: their WKB's bytes objects are joined, compressed and
freed before the next rows' are made (no half-empty arenas left behind, no whole layer's WKB
held at once), and a run is large enough for the codec to find its repeats."""

_CODEC = "lz4"
"""How the joined WKB is compressed: LZ4's frame format (pyarrow's, no new dependency). A
10,000-site batch's 92 MB of WKB to 52.5 MB; Zstandard at level 1, used before, took it to
53.1 MB in 0.1 s more CPU to pack and 0.06 s more to rebuild (and 2.3 times as long for a
land-use survey's WKB alone)."""


def _codec() -> Any:
    import pyarrow as pa

    return pa.Codec(_CODEC)


@dataclass(frozen=True)
class PackedFrame:
    """One GeoDataFrame: its columns but the geometry, and the geometry as compressed WKB.

    The rows' WKB, :data:`_CHUNK` rows after :data:`_CHUNK` rows, each run of
    them joined and compressed (``chunks``); ``sizes`` holds each row's WKB size
    (0: a missing geometry). A run at a time is encoded and compressed, so
    packing holds no more than one run's WKB beside the frame.

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
    chunks: tuple[bytes, ...]
    sizes: np.ndarray
    crs: Any

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame, wkb: np.ndarray | None = None) -> PackedFrame:
        """``frame`` packed: its geometry encoded, its other columns as they are.

        ``wkb``, when given, is the frame's geometry already encoded, row for
        row, as this would encode it (``shapely.to_wkb(…, include_srid=True)``:
        what the engine's workers send); the frame's geometry column is then
        not read.
        """
        name = frame.geometry.name
        rows = len(frame) if wkb is None else len(wkb)
        if rows != len(frame):
            raise ValueError(f"{rows} WKB values for a frame of {len(frame)} rows")
        geometries = np.asarray(geometry_values(frame), dtype=object) if wkb is None else None
        sizes = np.zeros(rows, dtype=np.int64)
        codec, chunks = _codec(), []
        for start in range(0, rows, _CHUNK):
            # the WKB pickling writes (its Z and its SRID kept), so the frame rebuilt from
            # it holds the same coordinates
            parts = (
                shapely.to_wkb(geometries[start : start + _CHUNK], include_srid=True)
                if wkb is None
                else wkb[start : start + _CHUNK]
            )
            sizes[start : start + len(parts)] = [0 if p is None else len(p) for p in parts]
            joined = b"".join(p for p in parts if p is not None)
            chunks.append(codec.compress(joined, asbytes=True))
        fields = pd.DataFrame(frame.drop(columns=name))
        position = frame.columns.get_loc(name)
        return cls(fields, name, position, tuple(chunks), sizes, frame.crs)

    def __len__(self) -> int:
        return len(self.sizes)

    def frame(self) -> gpd.GeoDataFrame:
        """The frame rebuilt: the same rows, columns, values, CRS and coordinates."""
        codec, parts = _codec(), np.empty(len(self.sizes), dtype=object)
        for number, chunk in enumerate(self.chunks):
            sizes = self.sizes[number * _CHUNK : (number + 1) * _CHUNK]
            ends = np.cumsum(sizes).tolist()
            wkb = codec.decompress(chunk, decompressed_size=ends[-1], asbytes=True)
            parts[number * _CHUNK : number * _CHUNK + len(ends)] = [
                wkb[end - size : end] if size else None
                for size, end in zip(sizes.tolist(), ends, strict=True)
            ]
        geometry = from_shapely(shapely.from_wkb(parts), crs=self.crs)
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
    frames : mapping of str to PackedFrame or GeoDataFrame
        The frames to hold: a :class:`PackedFrame` until it is asked for, a
        GeoDataFrame as it is (one whose geometries something else holds anyway).

    Examples
    --------
    >>> from shapely import box
    >>> frame = gpd.GeoDataFrame({"BSM": ["F1"]}, geometry=[box(0, 0, 2, 1)], crs=4523)
    >>> frames = PackedFrames({"farmland": PackedFrame.of(frame)})
    >>> frames.unpacked()
    ()
    >>> frames["farmland"].area.tolist(), frames["farmland"] is frames["farmland"]
    ([2.0], True)
    >>> frames.unpacked(), list(frames)
    (('farmland',), ['farmland'])
    """

    def __init__(self, frames: Mapping[str, gpd.GeoDataFrame | PackedFrame]) -> None:
        self._held: dict[str, PackedFrame | gpd.GeoDataFrame] = dict(frames)
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
