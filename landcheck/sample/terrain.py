"""Smooth random fields and the terrain they make: elevation, slope, wetness, karst.

A field is a sum of plane waves with random directions, wavelengths and
phases (:class:`Noise`). :class:`Terrain` combines such fields with the town
basins and the rivers into everything the land-use classes follow; it also
knows how far a point is from each town seat and which township it falls in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from landcheck.sample.county import TOWNS

__all__ = ["LineDistance", "Noise", "Terrain", "make_terrain", "standardise", "upland_score"]


class Noise:
    """A smooth random field with unit variance: a sum of random plane waves.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of the wave directions, wavelengths and phases.
    wavelengths : tuple of float
        Range (m) the wavelengths are drawn from, uniformly.
    origin : numpy.ndarray
        Coordinates subtracted before evaluation, to keep the phases precise.
    waves : int
        Number of plane waves.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        wavelengths: tuple[float, float],
        origin: np.ndarray,
        waves: int = 40,
    ):
        number = 2.0 * np.pi / rng.uniform(wavelengths[0], wavelengths[1], waves)
        angle = rng.uniform(0.0, 2.0 * np.pi, waves)
        self._kx = number * np.cos(angle)
        self._ky = number * np.sin(angle)
        self._phase = rng.uniform(0.0, 2.0 * np.pi, waves)
        self._scale = np.sqrt(2.0 / waves)
        self._origin = origin

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Evaluate the field at points ``x``, ``y`` (m, EPSG:4523)."""
        return self.evaluate(x, y, gradient=False)[0]

    def evaluate(
        self, x: np.ndarray, y: np.ndarray, *, gradient: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return the field and its derivatives along x and y (zeros without ``gradient``)."""
        x = np.asarray(x, dtype=float) - self._origin[0]
        y = np.asarray(y, dtype=float) - self._origin[1]
        value, dx, dy = np.empty(len(x)), np.zeros(len(x)), np.zeros(len(x))
        for start in range(0, len(x), 8192):
            part = slice(start, start + 8192)
            arg = np.outer(x[part], self._kx) + np.outer(y[part], self._ky) + self._phase
            value[part] = np.cos(arg).sum(axis=1)
            if gradient:
                sine = np.sin(arg)
                dx[part] = -(sine @ self._kx)
                dy[part] = -(sine @ self._ky)
        return value * self._scale, dx * self._scale, dy * self._scale


class LineDistance:
    """Distance from many points to a set of lines, through an STRtree of segments."""

    def __init__(self, lines: Sequence[shapely.Geometry]):
        parts = shapely.get_parts(np.asarray(lines, dtype=object))
        coords, owner = shapely.get_coordinates(parts, return_index=True)
        same = owner[1:] == owner[:-1]
        segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
        self._tree = shapely.STRtree(segments)

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Distance (m) from each point to the nearest line."""
        _, distance = self._tree.query_nearest(
            shapely.points(x, y), return_distance=True, all_matches=False
        )
        return distance


@dataclass
class Terrain:
    """The smooth fields of the sample county (coordinates in EPSG:4523)."""

    seats: np.ndarray  # (towns, 2)
    warp: tuple[Noise, Noise]
    relief: tuple[Noise, Noise, Noise, Noise]
    karst: Noise
    patch: tuple[Noise, Noise, Noise]
    rivers: LineDistance | None = None  # set once the rivers are drawn

    def warped(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Coordinates displaced by a smooth field (irregular towns and townships)."""
        return x + 650.0 * self.warp[0](x, y), y + 650.0 * self.warp[1](x, y)

    def town_ratio(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Warped distance to each seat over the town's built-up radius, shape (n, towns)."""
        wx, wy = self.warped(x, y)
        sx, sy = self.warped(self.seats[:, 0], self.seats[:, 1])
        distance = np.hypot(wx[:, None] - sx[None, :], wy[:, None] - sy[None, :])
        return distance / np.array([town.radius for town in TOWNS])[None, :]

    def township(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the township each point falls in (additively weighted, warped)."""
        radius = np.array([town.radius for town in TOWNS])
        weight = np.array([town.weight for town in TOWNS])
        distance = self.town_ratio(x, y) * radius[None, :]
        return np.argmin(distance - weight[None, :], axis=1)

    def basin(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """1 on the flat basin floor around each seat, falling to 0 on its rim.

        Returns the basin level and its gradient, taking the warp as a local
        translation.
        """
        wx, wy = self.warped(x, y)
        sx, sy = self.warped(self.seats[:, 0], self.seats[:, 1])
        dx = wx[:, None] - sx[None, :]
        dy = wy[:, None] - sy[None, :]
        distance = np.maximum(np.hypot(dx, dy), 1.0)
        size = np.array([town.basin for town in TOWNS])[None, :]
        level = np.clip((1.25 - distance / size) / 0.5, 0.0, 1.0)
        value = level * level * (3.0 - 2.0 * level)
        best = np.argmax(value, axis=1)
        rows = np.arange(len(x))
        slope = -12.0 * level * (1.0 - level) / size / distance
        return (
            value[rows, best],
            (slope * dx)[rows, best],
            (slope * dy)[rows, best],
        )

    def sample(self, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        """Evaluate every field at points ``x``, ``y``.

        Elevation is three octaves of noise plus karst knolls, blended into
        a flat floor in the basins; slope comes from its analytic gradient
        and is damped, like elevation, along the rivers.

        Returns
        -------
        dict
            ``elevation`` (m, relative), ``slope`` (degrees), ``wetness`` (0-1),
            ``karst`` (0-1), ``basin`` (0-1), ``patch_a``, ``patch_b`` and
            ``block`` (unit-variance noise).
        """
        big, mid, small, knolls = self.relief
        height, gx, gy = np.zeros(len(x)), np.zeros(len(x)), np.zeros(len(x))
        for amplitude, noise in ((150.0, big), (210.0, mid), (85.0, small)):
            value, dx, dy = noise.evaluate(x, y)
            height += amplitude * value
            gx += amplitude * dx
            gy += amplitude * dy
        k, kx, ky = self.karst.evaluate(x, y)
        karst = 1.0 / (1.0 + np.exp(-1.6 * k))
        dkarst = 1.6 * karst * (1.0 - karst)
        knoll, nx, ny = knolls.evaluate(x, y)
        height += 55.0 * karst * knoll
        gx += 55.0 * (dkarst * kx * knoll + karst * nx)
        gy += 55.0 * (dkarst * ky * knoll + karst * ny)
        basin, bx, by = self.basin(x, y)
        gx = gx * (1.0 - basin) - (height + 200.0) * bx
        gy = gy * (1.0 - basin) - (height + 200.0) * by
        height = height * (1.0 - basin) - 200.0 * basin
        river = self.rivers(x, y) if self.rivers is not None else np.full(len(x), np.inf)
        valley = np.exp(-((river / 450.0) ** 2))
        return {
            "elevation": height - 90.0 * valley,
            "slope": np.degrees(np.arctan(np.hypot(gx, gy))) * (1.0 - 0.65 * valley),
            "wetness": np.maximum(np.exp(-river / 650.0), 0.75 * basin),
            "karst": karst,
            "basin": basin,
            "patch_a": self.patch[0](x, y),
            "patch_b": self.patch[1](x, y),
            "block": self.patch[2](x, y),
        }


def make_terrain(rng: np.random.Generator, seats: np.ndarray, origin: np.ndarray) -> Terrain:
    """Draw the terrain's fields (the rivers are added once they are drawn)."""
    return Terrain(
        seats=seats,
        warp=(Noise(rng, (8000.0, 20000.0), origin), Noise(rng, (8000.0, 20000.0), origin)),
        relief=(
            Noise(rng, (20000.0, 50000.0), origin),
            Noise(rng, (5000.0, 12000.0), origin),
            Noise(rng, (1200.0, 3000.0), origin),
            Noise(rng, (500.0, 1200.0), origin),
        ),
        karst=Noise(rng, (4000.0, 10000.0), origin),
        patch=(
            Noise(rng, (1000.0, 3000.0), origin),
            Noise(rng, (500.0, 1500.0), origin),
            Noise(rng, (2000.0, 5000.0), origin),
        ),
    )


def standardise(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Centre and scale values by their weighted mean and standard deviation."""
    mean = np.average(values, weights=weight)
    spread = np.sqrt(np.average((values - mean) ** 2, weights=weight))
    return (values - mean) / (spread if spread > 0 else 1.0)


def upland_score(fields: dict[str, np.ndarray], weight: np.ndarray) -> np.ndarray:
    """High on high, steep, dry ground; low in basins and valleys."""
    return (
        standardise(fields["elevation"], weight)
        + 0.8 * standardise(fields["slope"], weight)
        - 0.6 * fields["wetness"]
        + 0.35 * fields["patch_a"]
        - 0.8 * fields["basin"]
    )
