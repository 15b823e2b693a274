"""Where the per-site geometry of a check runs: here, in local processes, or on dask.

A check reads each layer once (near all the sites), then cuts every site by
the layer's features and looks for the nearest ones. That second part is
per site, so an :class:`Engine` splits the sites into compact spatial
partitions (consecutive runs along a Z-order curve), sends each partition
with the features near it to a worker, and puts the pieces back in the order
one process would have produced them. The arrays are the same, value for
value, so the findings are identical whichever engine ran them.

- ``"local"`` (default): in this process for small batches; from
  :data:`PARALLEL_SITES` sites on, in a pool of ``workers`` processes (all
  cores by default), kept for later calls; in this process too when it is
  daemonic (a ``multiprocessing.Pool`` worker may start no process).
- ``"dask"``: on a dask.distributed cluster: the ``client`` given, or a
  LocalCluster of ``workers`` processes started for the call
  (``pip install landcheck[dask]``).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck.cut import (
    Nearest,
    WireGeometries,
    cut_and_nearest,
    partition_task,
    quiet_worker,
    ready,
)
from landcheck.errors import InputDataError
from landcheck.forked import can_start_processes
from landcheck.geometry import geometry_values, z_order
from landcheck.overlay import LayerOverlay, nearest_frame, overlay_frame
from landcheck.polygonal import parts_near_sites
from landcheck.threads import chunked

__all__ = [
    "ENGINES",
    "PARALLEL_SITES",
    "Engine",
    "FeaturesSent",
    "PendingOverlay",
    "make_engine",
    "partition_sites",
    "release_workers",
    "workers_end_with_layers",
]

logger = logging.getLogger(__name__)

ENGINES = ("local", "dask")
"""The engines :func:`landcheck.check` accepts."""

PARALLEL_SITES = 400
"""The local engine uses its process pool from this many sites on."""

_PARTS_PER_WORKER = 2

_SITES_A_PART = 625
"""Most sites in a partition of the local engine: a big batch is cut in more partitions than
two a worker, each holding less at once (16 for 10,000 sites: the (c) command's workers'
phase 635–654 → 540–580 MB, `check()` as fast)."""

DASK_INSTALL = "pip install landcheck[dask]"


def partition_sites(site_geoms: np.ndarray, parts: int) -> list[np.ndarray]:
    """Split sites into ``parts`` compact groups of about equal size (Z-order runs).

    Returns the positions of each group's sites, ascending; empty sites go
    with the first group.

    Examples
    --------
    >>> from shapely import box
    >>> sites = np.array([box(x, 0, x + 1, 1) for x in (0, 100, 1, 101)])
    >>> [p.tolist() for p in partition_sites(sites, 2)]
    [[0, 2], [1, 3]]
    """
    site_geoms = np.asarray(site_geoms, dtype=object)
    n = len(site_geoms)
    parts = max(1, min(parts, n))
    if parts == 1:
        return [np.arange(n)]
    order = z_order(shapely.bounds(site_geoms))
    return [np.sort(chunk) for chunk in np.array_split(order, parts) if len(chunk)]


def _features_near_groups(
    feature_geoms: np.ndarray, site_geoms: np.ndarray, groups: list[np.ndarray], distance: float
) -> list[np.ndarray]:
    """Each group's features: those whose bounding box comes within ``distance`` of a site's.

    One tree of the features and one query of every site's box serve all the
    groups; each group gets its features' positions, ascending.
    """
    bounds = shapely.bounds(site_geoms)
    usable = np.flatnonzero(np.isfinite(bounds).all(axis=1))
    if not len(usable) or not len(feature_geoms):
        return [np.array([], dtype=np.intp) for _ in groups]
    b = bounds[usable]
    grown = shapely.box(
        b[:, 0] - distance, b[:, 1] - distance, b[:, 2] + distance, b[:, 3] + distance
    )
    tree = shapely.STRtree(feature_geoms)

    def part_pairs(part: slice) -> np.ndarray:
        found = tree.query(grown[part])
        found[0] += part.start
        return found

    site_hit, feature_hit = np.concatenate(chunked(part_pairs, len(grown)), axis=1)
    group_of = np.empty(len(site_geoms), dtype=np.intp)
    for number, members in enumerate(groups):
        group_of[members] = number
    hit_group = group_of[usable[site_hit]]
    return [np.unique(feature_hit[hit_group == number]) for number in range(len(groups))]


def _received(
    result: tuple[dict[str, Any], Nearest], as_wkb: bool = False
) -> tuple[dict[str, np.ndarray], Nearest]:
    """A partition's result as :func:`~landcheck.cut.cut_and_nearest` gives it, pieces read back.

    With ``as_wkb`` the pieces stay the WKB they came as.
    """
    arrays, nearest = result
    wire = arrays["geometry"]
    return {**arrays, "geometry": wire.wkb if as_wkb else wire.geometries()}, nearest


def _encoded(result: tuple[dict[str, Any], Nearest]) -> tuple[dict[str, np.ndarray], Nearest]:
    """A partition's result computed here, its pieces as the WKB a worker would have sent."""
    arrays, nearest = result
    return {**arrays, "geometry": WireGeometries(arrays["geometry"]).wkb}, nearest


def _merge(
    results: Sequence[tuple[dict[str, np.ndarray], Nearest]],
    site_maps: Sequence[np.ndarray],
    feature_maps: Sequence[np.ndarray],
) -> tuple[dict[str, np.ndarray], Nearest]:
    """Map partition positions back to global ones and order as one process would."""
    keys = list(results[0][0])
    arrays: dict[str, np.ndarray] = {}
    for key in keys:
        arrays[key] = np.concatenate([r[0][key] for r in results])
    arrays["site"] = np.concatenate(
        [m[r[0]["site"]] for r, m in zip(results, site_maps, strict=True)]
    ).astype(results[0][0]["site"].dtype)
    arrays["feature"] = np.concatenate(
        [m[r[0]["feature"]] for r, m in zip(results, feature_maps, strict=True)]
    ).astype(results[0][0]["feature"].dtype)
    order = np.lexsort((arrays["feature"], arrays["site"]))
    arrays = {key: value[order] for key, value in arrays.items()}
    sites = [m[near[0]] for (_, near), m in zip(results, site_maps, strict=True)]
    features = [m[near[1]] for (_, near), m in zip(results, feature_maps, strict=True)]
    site_idx, feature_idx = np.concatenate(sites), np.concatenate(features)
    distance = np.concatenate([near[2] for _, near in results])
    order = np.argsort(site_idx, kind="stable")
    return arrays, (site_idx[order], feature_idx[order], distance[order])


_POOL: dict[int, ProcessPoolExecutor] = {}
_POOL_LOCK = threading.Lock()


def _local_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept between calls (forkserver: no fork of a threaded process)."""
    with _POOL_LOCK:
        pool = _POOL.get(workers)
        if pool is None:
            method = (
                "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            )
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                # the workers' module alone (no pandas or geopandas): they start in a third of
                # the time the whole package takes, while the first layer is read
                context.set_forkserver_preload(["landcheck.cut"])
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=context, initializer=quiet_worker
            )
            _POOL[workers] = pool
        return pool


@contextmanager
def _main_not_reimported() -> Iterator[None]:
    """Start workers without re-running the caller's script in them.

    forkserver and spawn workers import the ``__main__`` script again, which
    crashes (or repeats its work) in a script without an
    ``if __name__ == "__main__":`` guard. The workers need only
    :mod:`landcheck.cut`, so the script is hidden while they start.
    """
    main = sys.modules.get("__main__")
    saved = {
        name: getattr(main, name)
        for name in ("__file__", "__spec__")
        if main is not None and hasattr(main, name)
    }
    try:
        if main is not None:
            main.__spec__ = None
            if "__file__" in saved:
                del main.__file__
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


def release_workers(*, wait: bool = True) -> None:
    """End the worker processes kept for the next check; the next check starts new ones.

    Each worker holds what its partitions left: 80-100 MB just after a
    10,000-site batch's last one, about 30 MB once it has given its heap's
    free pages back (a fifth of a second later: :class:`landcheck.cut._Work`). A
    notebook's next check reuses them warm; the ``landcheck check`` command,
    which checks once, has them end with its layers
    (:func:`workers_end_with_layers`), so neither the rules' forked process
    nor the report's forked writers stand beside them.

    Parameters
    ----------
    wait : bool
        Return only once the workers have exited (their memory is free).

    Examples
    --------
    >>> release_workers()
    >>> _POOL
    {}
    """
    with _POOL_LOCK:
        pools = list(_POOL.values())
        _POOL.clear()
    for pool in pools:
        pool.shutdown(wait=wait, cancel_futures=True)


atexit.register(release_workers, wait=False)

_FORKSERVER_MAIN = b"from multiprocessing.forkserver import main"
"""What the command line of multiprocessing's forkserver runs."""


def _end_idle_forkserver() -> int | None:
    """End this process's multiprocessing forkserver if no process it started lives; its pid.

    The pool's workers are started by a forkserver, which multiprocessing keeps
    for the rest of the process (about 36 MB once no worker shares its pages)
    and starts again when a pool next needs it. It is found among this
    process's children by its command line (:func:`_forkservers`), and ended
    (SIGTERM) only when it has no child: a live process it started would be
    told dead. Where the processes cannot be read (``/proc``: Linux only),
    nothing is done.
    """
    children = _children_by_parent() if sys.platform.startswith("linux") else None
    if children is None:
        return None
    for pid in _forkservers(children):
        if not children.get(pid):
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:  # it ended meanwhile
                return None
            return pid
    return None


def _forkservers(children: dict[int, list[int]]) -> list[int]:
    """The children of this process that run multiprocessing's forkserver, from ``children``.

    ``children`` is :func:`_children_by_parent`'s. An ended forkserver not yet
    reaped (a zombie) is not among them: its command line reads empty.
    """
    found = []
    for pid in children.get(os.getpid(), []):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if _FORKSERVER_MAIN in handle.read():
                    found.append(pid)
        except OSError:  # it ended meanwhile
            continue
    return found


def _children_by_parent() -> dict[int, list[int]] | None:
    """Each process's child processes, from Linux's ``/proc``; None when it cannot be read."""
    children: dict[int, list[int]] = {}
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                parent = int(handle.read().rsplit(b")", 1)[1].split()[1])  # after its state
        except (OSError, IndexError, ValueError):  # it ended meanwhile
            continue
        children.setdefault(parent, []).append(pid)
    return children


_WORKERS_KEPT = [True]
"""Whether a check's local workers outlive its layers (:func:`workers_end_with_layers`)."""


@contextmanager
def workers_end_with_layers() -> Iterator[None]:
    """Within the block, a check's local workers end once its layers are cut.

    Outside it, they stay for the next check: a notebook's next check reuses
    them warm. The ``landcheck check`` command checks once, inside the block:
    its workers end as soon as the last layer is cut (:meth:`Engine.close`),
    before the sites' rules fork a process of their own and the report's
    writers theirs, none of which then stands beside them (two workers hold
    about 75 MB even when trimmed), and so does the forkserver that started
    them, when it has started nothing else still alive (36 MB).

    Examples
    --------
    >>> with workers_end_with_layers():
    ...     _WORKERS_KEPT
    [False]
    >>> _WORKERS_KEPT
    [True]
    """
    before = _WORKERS_KEPT[0]
    _WORKERS_KEPT[0] = False
    try:
        yield
    finally:
        _WORKERS_KEPT[0] = before


@dataclass
class _SitesSent:
    """A call's sites as the workers get them: their partitions, each one's WKB made once.

    The sites are the same for every layer of a call (the very array, held here so
    that it is not another one at the same address); each partition is encoded
    the first time it is sent (10,000 sites: 0.1 s of six layers' encoding).
    """

    geometries: np.ndarray
    groups: list[np.ndarray]
    wires: list[WireGeometries | None]

    def wire(self, number: int) -> WireGeometries:
        """Partition ``number``'s sites as WKB, encoded once."""
        made = self.wires[number]
        if made is None:
            made = self.wires[number] = WireGeometries(self.geometries[self.groups[number]])
        return made


@dataclass
class FeaturesSent:
    """A layer's features as the workers get them: each one's WKB made once.

    A feature near the sites of several partitions goes to each; its WKB is
    made the first time it is sent. The calling process may then pack the
    features it keeps for the maps from that very WKB (:meth:`wkb_of`).
    """

    geometries: np.ndarray
    wkb: np.ndarray
    made: np.ndarray

    @classmethod
    def of(cls, geometries: np.ndarray) -> FeaturesSent:
        """``geometries``, none of them encoded yet."""
        count = len(geometries)
        return cls(geometries, np.full(count, None, dtype=object), np.zeros(count, dtype=bool))

    def wire(self, positions: np.ndarray) -> WireGeometries:
        """The features at ``positions`` as WKB, each encoded the first time it is asked for."""
        todo = positions[~self.made[positions]]
        if len(todo):
            self.wkb[todo] = WireGeometries(self.geometries[todo]).wkb
            self.made[todo] = True
        return WireGeometries.from_wkb(self.wkb[positions])

    def wkb_of(self, geometries: np.ndarray) -> np.ndarray:
        """The WKB of each of ``geometries``, row for row, as a worker gets it.

        Where a row is the very geometry sent at that position, the WKB made for
        the workers; the others (not sent, or another object) are encoded here.

        Examples
        --------
        >>> from shapely import box
        >>> squares = np.array([box(0, 0, 1, 1), box(2, 0, 3, 1), box(4, 0, 5, 1)])
        >>> sent = FeaturesSent.of(squares)
        >>> _ = sent.wire(np.array([0, 1]))
        >>> other = np.array([squares[0], box(2, 0, 3, 1), squares[2]])
        >>> wkb = sent.wkb_of(other)
        >>> wkb[0] is sent.wkb[0], wkb[1] is sent.wkb[1], wkb[2] is None
        (True, False, False)
        >>> [shapely.from_wkb(w).bounds[0] for w in wkb]
        [0.0, 2.0, 4.0]
        """
        same = np.fromiter(
            (a is b for a, b in zip(self.geometries, geometries, strict=True)),
            dtype=bool,
            count=len(geometries),
        )
        same &= self.made
        out = np.empty(len(geometries), dtype=object)
        out[same] = self.wkb[same]
        if not same.all():
            out[~same] = WireGeometries(geometries[~same]).wkb
        return out


class PendingOverlay:
    """A layer's overlay under way: its partitions' results, computed here or coming.

    :meth:`Engine.overlay` returns it as soon as the partitions are sent to
    the workers; :meth:`result` waits for them and puts the pieces back in the
    order one process would have produced them.
    """

    def __init__(
        self,
        features: gpd.GeoDataFrame,
        crs: CRS,
        attributes: list[str] | None,
        results: list[Any],
        groups: list[np.ndarray] | None = None,
        feature_maps: list[np.ndarray] | None = None,
        progress: Callable[[int, int], None] | None = None,
        sent: FeaturesSent | None = None,
    ) -> None:
        self._features, self._crs, self._attributes = features, crs, attributes
        self._results, self._groups, self._feature_maps = results, groups, feature_maps
        self._progress, self._sent = progress, sent

    def features_sent(self) -> FeaturesSent | None:
        """The features as sent to the workers (None if none was), handed over once.

        Their WKB is not kept here after: a province's survey near ten thousand
        sites is 60 MB of it.
        """
        sent, self._sent = self._sent, None
        return sent

    def done(self) -> bool:
        """Whether every partition is computed (:meth:`result` would not wait)."""
        return all(isinstance(item, tuple) or item.done() for item in self._results)

    def result(self, as_wkb: bool = False) -> tuple[LayerOverlay, pd.DataFrame]:
        """The overlay and the nearest features, once every partition is computed.

        With ``as_wkb``, pieces a worker computed are not read back: the
        overlay holds every piece as WKB (:attr:`LayerOverlay.wkb`; those
        computed here encoded as a worker would) and its frame's geometry
        column is empty. A caller that only measures the pieces' columns and
        packs their geometry (:func:`landcheck.evaluation._finish_layer`)
        spares reading them and writing them again. When every partition was
        computed here, the pieces are geometries as without it.
        """
        sent = as_wkb and not all(isinstance(item, tuple) for item in self._results)
        results = []
        for done, item in enumerate(self._results, start=1):
            if isinstance(item, tuple):  # computed in this process
                results.append(_encoded(item) if sent else item)
                continue
            results.append(_received(item.result(), as_wkb=sent))
            if self._progress:
                self._progress(done, len(self._results))
        if self._groups is None:
            ((arrays, nearest),) = results
        else:
            arrays, nearest = _merge(results, self._groups, self._feature_maps)
        wkb = None
        if sent:
            wkb = arrays["geometry"]
            arrays = {**arrays, "geometry": np.full(len(wkb), None, dtype=object)}
        features, self._features, self._results = self._features, None, []
        overlay = overlay_frame(arrays, features, self._crs, attributes=self._attributes)
        overlay.wkb = wkb
        return overlay, nearest_frame(*nearest)


@dataclass
class Engine:
    """Runs the per-site geometry of a check; see the module docstring.

    Attributes
    ----------
    kind : str
        ``"local"`` or ``"dask"``.
    workers : int
        Processes (local) or LocalCluster workers (dask) to use.
    client : dask.distributed.Client or None
        The dask client (for ``"dask"``).
    """

    kind: str = "local"
    workers: int = 1
    client: Any = None
    _owned: list[Any] = field(default_factory=list, repr=False)
    _starting: threading.Thread | None = field(default=None, repr=False)
    _sites: _SitesSent | None = field(default=None, repr=False, compare=False)

    def start(self, sites: int) -> None:
        """Start the worker processes a batch of ``sites`` will use, in the background.

        A worker process takes a second or more to start (the forkserver
        imports geopandas and shapely); started when the sites are known, it
        does so while the calling process reads the layers. Nothing happens
        for a batch run here or on dask.
        """
        if self.kind != "local" or self.parts(sites) == 1 or self._starting is not None:
            return

        def start_workers() -> None:
            pool = _local_pool(self.workers)
            with _main_not_reimported():
                for _ in range(self.workers):
                    pool.submit(ready)

        self._starting = threading.Thread(
            target=start_workers, name="landcheck-workers", daemon=True
        )
        self._starting.start()

    def parts(self, sites: int) -> int:
        """How many partitions a batch of ``sites`` is split into."""
        if self.kind == "dask":
            return max(1, min(sites, self.workers * _PARTS_PER_WORKER))
        if self.workers < 2 or sites < PARALLEL_SITES or not can_start_processes():
            return 1
        return max(self.workers * _PARTS_PER_WORKER, -(-sites // _SITES_A_PART))

    def overlay(
        self,
        site_geoms: np.ndarray,
        features: gpd.GeoDataFrame,
        crs: CRS,
        *,
        attributes: list[str] | None = None,
        search_m: float = 0.0,
        progress: Callable[[int, int], None] | None = None,
        site_m2: np.ndarray | None = None,
        outlines: np.ndarray | None = None,
    ) -> PendingOverlay:
        """Start the overlay and nearest-feature search of a layer (:mod:`landcheck.overlay`).

        The same result as calling them on all sites at once, computed by
        partitions of the sites. One partition here is computed before this
        returns; partitions sent to workers are computed while the caller goes
        on (reads the next layer): :meth:`PendingOverlay.result` waits for them.
        ``site_m2``, the sites' ellipsoidal areas when known, spares measuring
        again the pieces that are whole sites (:func:`~landcheck.cut.overlay_arrays`).
        ``outlines``, when given, are the features' geometries to cut instead of
        the frame's (a dissolved multipolygon already cut down to its parts near
        the sites). A multipolygon of many parts is cut down to those within
        ``search_m`` of some site (:func:`~landcheck.polygonal.parts_near_sites`):
        the same for every partition and for one process, so their pieces are the same.
        """
        site_geoms = np.asarray(site_geoms, dtype=object)
        if outlines is None:
            outlines = geometry_values(features)
        feature_geoms = np.asarray(outlines, dtype=object)
        feature_geoms = parts_near_sites(feature_geoms, site_geoms, search_m)
        sent = self._sites_sent(site_geoms)
        groups = sent.groups
        if len(groups) == 1 and self.kind == "local":
            # one partition here: the CRS as it is, not through its WKT as a worker gets it
            computed = cut_and_nearest(site_geoms, feature_geoms, crs, search_m, site_m2)
            return PendingOverlay(features, crs, attributes, [computed])
        feature_maps = _features_near_groups(feature_geoms, site_geoms, groups, search_m)
        tasks = [
            (site_geoms[g], feature_geoms[f], None if site_m2 is None else site_m2[g])
            for g, f in zip(groups, feature_maps, strict=True)
        ]
        features_sent = FeaturesSent.of(feature_geoms)
        results = self._start(
            tasks, sent, features_sent, feature_maps, crs.to_wkt(), search_m, progress
        )
        return PendingOverlay(
            features, crs, attributes, results, groups, feature_maps, progress, features_sent
        )

    def _sites_sent(self, site_geoms: np.ndarray) -> _SitesSent:
        """The partitions of ``site_geoms``, made once for all the layers of a call."""
        if self._sites is None or self._sites.geometries is not site_geoms:
            groups = partition_sites(site_geoms, self.parts(len(site_geoms)))
            self._sites = _SitesSent(site_geoms, groups, [None] * len(groups))
        return self._sites

    def _start(
        self,
        tasks: list[tuple[np.ndarray, np.ndarray, np.ndarray | None]],
        sites: _SitesSent,
        features: FeaturesSent,
        feature_maps: list[np.ndarray],
        crs_wkt: str,
        search_m: float,
        progress: Callable[[int, int], None] | None,
    ) -> list[Any]:
        """Each task's result, or its future when a worker computes it.

        A task is a partition's sites, the features near them (at ``feature_maps``
        among ``features``) and the sites' areas.
        """
        if progress:
            progress(0, len(tasks))

        def sent(number: int) -> tuple[Any, ...]:
            site_m2 = tasks[number][2]
            wire = features.wire(feature_maps[number])
            return (sites.wire(number), wire, crs_wkt, search_m, site_m2)

        if self.kind == "dask":
            client = self._dask_client()
            return [
                client.submit(partition_task, *sent(number), pure=False)
                for number in range(len(tasks))
            ]
        results: list[Any] = []
        # while the workers are still starting (a few tenths of a second: they import shapely),
        # this process computes partitions itself rather than wait; the results are the
        # same arrays wherever a partition is computed (the CRS read from its WKT, as there)
        starting = self._starting
        worker_crs: CRS | None = None
        while starting is not None and starting.is_alive() and len(results) < len(tasks):
            worker_crs = worker_crs or CRS.from_wkt(crs_wkt)
            site_geoms, feature_geoms, site_m2 = tasks[len(results)]
            results.append(
                cut_and_nearest(site_geoms, feature_geoms, worker_crs, search_m, site_m2)
            )
            if progress:
                progress(len(results), len(tasks))
        if len(results) == len(tasks):
            return results
        if self._starting is not None:
            self._starting.join()
        pool: Executor = _local_pool(self.workers)
        with _main_not_reimported():
            futures = [
                pool.submit(partition_task, *sent(number))
                for number in range(len(results), len(tasks))
            ]
        return results + futures

    def _dask_client(self) -> Any:
        if self.client is None:
            distributed = _import_distributed()
            cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self.client = distributed.Client(cluster)
            self._owned.extend([self.client, cluster])
        return self.client

    def close(self, *, failed: bool = False) -> None:
        """Wait for workers still starting; close a dask cluster this engine started.

        A batch may end before its workers are up (this process computes
        partitions while they start); the starting thread is joined here, so no
        thread of the engine outlives the call that used it (at interpreter exit
        it could no longer submit, and the pool would not shut down). A given
        dask client is left open. Inside :func:`workers_end_with_layers` the
        local workers end here too: waited for, unless the check ``failed``
        (Ctrl+C must not wait for a partition to end); then the forkserver that
        started them ends as well, when nothing else it started lives
        (:func:`_end_idle_forkserver`).
        """
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        if self.kind == "local" and not _WORKERS_KEPT[0]:
            release_workers(wait=not failed)
            if not failed:  # the workers have exited: the forkserver that started them may go
                _end_idle_forkserver()
        for thing in self._owned:
            thing.close()
        self._owned.clear()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(failed=kind is not None)


def _import_distributed() -> Any:
    try:
        import dask.distributed as distributed
    except ImportError as ex:
        raise ImportError(
            f"the dask engine needs dask.distributed, which is not installed: {DASK_INSTALL}"
        ) from ex
    return distributed


def make_engine(
    engine: str = "local",
    *,
    client: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Engine:
    """Return the :class:`Engine` for :func:`landcheck.check`'s options.

    Parameters
    ----------
    engine : {"local", "dask"}
        Where the per-site geometry runs.
    client : dask.distributed.Client, optional
        An existing dask client (implies ``"dask"``).
    workers : int, optional
        Processes to use (default: the machine's cores; 1 runs everything here).
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``).

    Raises
    ------
    InputDataError
        An unknown engine name, or fewer than one worker.
    ImportError
        ``"dask"`` without dask installed (the message says how to install it).

    Examples
    --------
    >>> make_engine("local", workers=1)
    Engine(kind='local', workers=1, client=None)
    """
    if client is not None or scheduler is not None:
        engine = "dask"
    if engine not in ENGINES:
        raise InputDataError(f"engine was {engine!r} but is expected to be one of {ENGINES}")
    if workers is not None and workers < 1:
        raise InputDataError(f"workers must be at least 1, got {workers}")
    count = workers or os.cpu_count() or 1
    if engine == "dask":
        distributed = _import_distributed()
        if client is None and scheduler is not None:
            made = Engine("dask", count, distributed.Client(scheduler))
            made._owned.append(made.client)
            return made
        return Engine("dask", count, client)
    return Engine("local", count)
