"""One run: options, layer sources, sites and analysis CRS, prepared once.

:func:`prepare` reads and decides everything a run needs before any layer is
overlaid: the profile with the run's options (and the user's own ``+KEY``
layers), every layer's source and the coverage polygon's, the sites read and
refused or shifted once (legacy datums, :mod:`landcheck.crs.datum`), the
analysis CRS and why, the sites prepared in it (ids, classes, corridors,
repairs, areas) and the CRS each site is measured in. The :class:`Run` it
returns is what :func:`landcheck.evaluate` evaluates; :func:`landcheck.check`
is the two in a row.

The selection tools prepare one run of the polygons they are given (an area
of interest, candidates, a site) and evaluate the polygons they make on it
(:meth:`Run.with_sites`): nothing given is read twice. A layer read for one
evaluation serves the later evaluations of the same run whose sites it
covers (:meth:`Run.read_layer`), so a search reads each layer once for its
candidates and again for nothing when it checks its proposals.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from landcheck.crs import cgcs2000_counterpart, choose_analysis_crs, crs_label, parse_crs
from landcheck.crs.datum import DatumShift, legacy_datum, refuse_mixed_datums
from landcheck.crs.measuring import SiteMeasuring, site_measuring, zone_system
from landcheck.crs.memo import same_crs
from landcheck.crs.scale import SCALE_TOLERANCE
from landcheck.crs.traps import diagnose_coordinates
from landcheck.errors import AnalysisCRSError, InputDataError, shown
from landcheck.facts import ProjectFacts, given_facts
from landcheck.geometry import geometry_values, name_some, near_positions
from landcheck.inputs import (
    LayerInput,
    Source,
    coverage_source,
    declare_layers,
    known_crs,
    layer_sources,
    lonlat_bounds,
    normalise_layer,
    read_layer_near,
    read_site_inputs,
)
from landcheck.io import InputRecord
from landcheck.io.postgis import connections_kept
from landcheck.io.profiles import resolve_profile
from landcheck.io.sites import frame_bounds
from landcheck.io.standards_table import attach_standards_table
from landcheck.knownvalid import KnownValid
from landcheck.layers import LayerFeatures
from landcheck.messages import collecting, deferred, warn
from landcheck.profile import LayerSpec, Profile
from landcheck.sites import measured_in_own_crs, prepare_sites
from landcheck.units import AreaMethod

__all__ = ["Run", "prepare"]


class _Reads:
    """The layer reads of a run, kept so later evaluations of the run reuse them.

    A read of layer ``key`` within ``margin`` of some geometries serves a
    later read of the same layer with the same margin whose geometries each
    lie inside one of them: the features it needs are those of the earlier
    read within ``margin`` of its own geometries (the filter every read
    applies), in the same order, as read (fields and CRS of the layer). They
    are normalised for their own sites as a read near them would be, and what
    the earlier read had to say while reading is said again.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, float], list[_Read]] = {}

    def find(self, key: str, near: np.ndarray, margin: float) -> _Read | None:
        for read in self._entries.get((key, margin), ()):
            if read.covers(near):
                return read
        return None

    def keep(self, key: str, margin: float, read: _Read) -> None:
        self._entries.setdefault((key, margin), []).append(read)


@dataclass(frozen=True)
class _Read:
    near: np.ndarray
    frame: gpd.GeoDataFrame
    record: InputRecord
    notes: tuple[str, ...]
    valid: KnownValid = field(default_factory=KnownValid)
    """The read's geometries its normalisations found valid: not tested again."""

    @cached_property
    def _own(self) -> frozenset[int]:
        """The identities of the geometries the read was made around (held by ``near``)."""
        return frozenset(id(geom) for geom in self.near)

    def covers(self, near: np.ndarray) -> bool:
        """Whether each of these geometries lies inside one the read was made around.

        A geometry the read was made around (the very object) is inside it; the
        others are asked of an STRtree of the read's geometries.
        """
        if not len(near):
            return True
        if not len(self.near):
            return False
        # the run's own sites again (the same objects): no geometry to compare
        own = self._own
        others = near[[id(geom) not in own for geom in near]]
        if not len(others):
            return True
        inside, _ = shapely.STRtree(self.near).query(others, predicate="covered_by")
        return len(np.unique(inside)) == len(others)

    def serve(
        self, near: np.ndarray, margin: float, crs: CRS
    ) -> tuple[gpd.GeoDataFrame, InputRecord]:
        """The features within ``margin`` of ``near`` (in ``crs``), as a read gives them."""
        frame = self.frame
        if len(near) and self._made_around(near):  # what the read kept is what they need
            return frame, _copy(self.record, features_read=len(frame))
        geoms = frame.geometry
        if len(frame) and frame.crs is not None and not frame.crs.equals(crs):
            geoms = geoms.to_crs(crs)
        geoms = np.asarray(geoms.values, dtype=object)
        if len(near) and len(geoms):
            keep = near_positions(geoms, near, margin)
        else:
            keep = np.zeros(0, dtype=np.intp)
        if len(keep) < len(geoms):
            frame = frame.iloc[keep]
        return frame, _copy(self.record, features_read=len(keep))

    def _made_around(self, near: np.ndarray) -> bool:
        """Whether ``near`` holds the very geometries the read was made around, and no other.

        The read kept the features within its margin of them (the exact test of
        :func:`~landcheck.geometry.near_positions`, in the layer's own CRS): served
        to the same sites it keeps them all, as the evaluation that read them used them.
        """
        return {id(geom) for geom in near} == self._own


def _copy(record: InputRecord, **changes: Any) -> InputRecord:
    """A record of its own (records are completed by the evaluation that uses them)."""
    return replace(record, geometry=dict(record.geometry), extra=dict(record.extra), **changes)


def _usable(geoms: Any) -> np.ndarray:
    geoms = np.asarray(geoms, dtype=object)
    return geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]


@dataclass(frozen=True, eq=False)
class Run:
    """A run prepared once: what :func:`landcheck.evaluate` evaluates.

    Built by :func:`prepare`; :meth:`with_sites` gives the same run with
    other sites (the polygons a selection tool makes).

    Attributes
    ----------
    profile : Profile
        The profile with the run's analysis options (``crs``,
        ``area_method``) and every layer key (the user's own ``+KEY`` layers
        added as generic layers); its rules are validated.
    sources : mapping
        Layer key → resolved source: a ``LayerSource`` (a path that
        exists), a GeoDataFrame, or None (no source: its checks are unknown).
    coverage : LayerSource, GeoDataFrame or None
        The polygons of the area the layers describe (``--coverage``, else
        the profile's ``coverage.source``).
    crs : CRS
        The analysis CRS (projected, in metres); ``crs_reason`` says why.
    crs_reason : str
    sites : GeoDataFrame
        The sites in the analysis CRS: ``site_id``, ``name``,
        ``project_class``, ``linear``, ``planar_m2`` (in each site's measuring
        CRS), ``ellipsoidal_m2``, ``measuring_crs``, the input's attributes.
    measuring : SiteMeasuring
        The CRS each site's planar areas are measured in.
    records : tuple of InputRecord
        Provenance of the sites' sources, then of the land-use standard's index
        tables read (role ``standards_table``).
    notes : tuple of str
        What reading and preparing the sites had to say (warnings).
    assume_crs : CRS or None
        The CRS given for inputs that declare none (``--crs``).
    datum_shift : DatumShift or None
        Parameters moving Xian 1980 / Beijing 1954 / New Beijing inputs to CGCS2000.
    legacy_datums : frozenset of str
        The legacy datums the run's inputs (sites, layers, coverage) are in, as
        :func:`~landcheck.crs.datum.legacy_datum` names them: an input read later
        (road lines) in another is refused with the datum shift.
    encoding : str or None
        Attribute encoding given for the input files.
    facts : tuple of ProjectFacts
        Each site's project facts (:mod:`landcheck.facts`), in site order.
    given_facts : mapping
        The facts given for the run (``facts=``, the CLI flags), checked; they
        apply to the sites of :meth:`with_sites` too.
    """

    profile: Profile
    sources: Mapping[str, Source]
    coverage: Source
    crs: CRS
    crs_reason: str
    sites: gpd.GeoDataFrame
    measuring: SiteMeasuring
    records: tuple[InputRecord, ...]
    notes: tuple[str, ...] = ()
    assume_crs: CRS | None = None
    datum_shift: DatumShift | None = None
    legacy_datums: frozenset[str] = frozenset()
    encoding: str | None = None
    facts: tuple[ProjectFacts, ...] = ()
    given_facts: Mapping[str, Any] = field(default_factory=dict)
    _reads: _Reads = field(default_factory=_Reads, repr=False)

    @property
    def method(self) -> AreaMethod:
        """The area method that drives thresholds and findings."""
        return self.profile.analysis.area_method

    def measuring_of(self, geometries: Any) -> SiteMeasuring:
        """The CRS each polygon's planar area is measured in, were the polygons sites of the run.

        A selection tool measures what it makes (patches, pieces, proposals) as their
        evaluation by :meth:`with_sites` measures them: in the analysis CRS while they
        lie in its zone, else each in the zone it lies in (:mod:`landcheck.crs.measuring`).

        Parameters
        ----------
        geometries : array-like of shapely geometries
            Polygons in the analysis CRS, taken together as one batch.
        """
        geoms = np.asarray(geometries, dtype=object)
        frame = gpd.GeoDataFrame(geometry=geoms, crs=self.crs)
        declared = self.crs.geodetic_crs if _beyond_analysis_crs(frame, self.crs) else self.crs
        return site_measuring(self.crs, geoms, [declared] * len(geoms))

    def with_sites(self, sites: gpd.GeoDataFrame) -> Run:
        """The same run with other sites: polygons in the analysis CRS, one row per site.

        The frame goes through the steps the sites of :func:`prepare` went
        through (ids from ``site_id``, project classes, corridors, repair,
        areas, measuring CRS); the profile, sources, analysis CRS and the
        layers read so far are the run's.

        Parameters
        ----------
        sites : GeoDataFrame
            ``site_id`` and the site fields a site file may have
            (``project_class``, ``name``, ``linear``…), in the analysis CRS.

        Raises
        ------
        InputDataError
            No sites, blank or repeated ids.
        """
        if not isinstance(sites, gpd.GeoDataFrame):
            raise InputDataError(
                f"sites: expected a GeoDataFrame in the run's CRS, got {type(sites).__name__} "
                f"{shown(sites)}"
            )
        sites = _readable_in(sites, self.crs)
        with collecting() as notes:
            frame, measuring, records, facts = _sites(
                sites,
                self.profile,
                self.crs,
                self.assume_crs,
                self.encoding,
                self.datum_shift,
                id_field="site_id",
                width=None,
                what="sites",
                facts=self.given_facts,
            )
        return replace(
            self,
            sites=frame,
            facts=tuple(facts),
            measuring=measuring,
            records=(*records, *(r for r in self.records if r.role == "standards_table")),
            notes=tuple(notes.messages),
        )

    def read_layer(
        self,
        spec: LayerSpec,
        near: gpd.GeoSeries,
        margin: float,
        source: Source = None,
        *,
        keep: bool = True,
        per_site: bool = False,
    ) -> LayerFeatures:
        """A layer's features within ``margin`` metres of ``near``, read once per run.

        Parameters
        ----------
        spec : LayerSpec
            The layer (its key, fields and kind).
        near : GeoSeries
            Geometries in the analysis CRS.
        margin : float
            Metres (≥ 1).
        source : LayerSource or GeoDataFrame, optional
            Where the features are (default: the run's source of ``spec.key``).
        keep : bool
            Keep a new read for the run's later evaluations (default); False
            for an evaluation that is the run's last, so the features are
            freed once measured. A read kept earlier is used either way.
        per_site : bool
            Lines or points of a layer of areas near ``near`` are listed by the
            positions in ``near`` they are near (``LayerFeatures.without_area``), not
            refused (:func:`landcheck.inputs.normalise_layer`).

        Raises
        ------
        DataSourceError, InputDataError
            As :func:`landcheck.inputs.load_layer` raises them; a read that
            failed is tried again next time.
        """
        if source is None:
            source = self.sources[spec.key]
        geoms = _usable(near.values)
        with deferred():
            found = self._reads.find(spec.key, geoms, margin)
            kept = found is not None or keep
            if found is None:
                with collecting() as notes:
                    frame, record = read_layer_near(
                        spec,
                        source,
                        near,
                        self.crs,
                        margin=margin,
                        datum_shift=self.datum_shift,
                        assume_crs=self.assume_crs,
                    )
                found = _Read(geoms, frame, _copy(record), tuple(notes.messages))
                if keep:
                    self._reads.keep(spec.key, margin, found)
            else:
                frame, record = found.serve(geoms, margin, self.crs)
            for message in found.notes:
                warn(message)
            return normalise_layer(
                frame,
                spec,
                source,
                record,
                near,
                self.crs,
                margin=margin,
                known_valid=found.valid if kept else None,  # a read not kept is normalised once
                per_site=per_site,
            )


def prepare(
    sites: str | os.PathLike[str] | gpd.GeoDataFrame | list[Any],
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    id_field: str | None = None,
    crs: Any = None,
    area_method: str | None = None,
    width: float | None = None,
    encoding: str | None = None,
    datum_shift: DatumShift | str | None = None,
    coverage: LayerInput = None,
    what: str = "sites",
    facts: Mapping[str, Any] | None = None,
    standards_table: str | os.PathLike[str] | None = None,
) -> Run:
    """Prepare a run: read the sites, resolve the layers, choose the analysis CRS.

    Everything of :func:`landcheck.check` that comes before the layers are
    read: the run it returns is evaluated by :func:`landcheck.evaluate`, as
    many times as wanted (with its own sites, or with others of the same
    area: :meth:`Run.with_sites`).

    Parameters
    ----------
    sites : path, ``"PATH:LAYER"``, GeoDataFrame, or a list of them
        The sites (or an area of interest, candidates… for the selection tools).
    profile, layers, id_field, crs, area_method, width, encoding, datum_shift, coverage, facts
        As for :func:`landcheck.check`.
    standards_table : path, optional
        As for :func:`landcheck.check`: read here, into the profile's
        ``land_use_standard`` rules, its record among :attr:`Run.records`.
    what : str
        What the polygons are, for messages (``"area of interest"``…).

    Returns
    -------
    Run

    Raises
    ------
    DataSourceError, AnalysisCRSError, InputDataError, ProfileError
        As :func:`landcheck.check` raises them.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]},
    ...     geometry=[box(35_500_000, 2_700_000, 35_501_000, 2_700_500)], crs=4523)
    >>> run = prepare(site, area_method="planar")
    >>> crs_label(run.crs), run.crs_reason
    ('EPSG:4523', "auto: the sites' projected CRS EPSG:4523")
    >>> run.sites[["site_id", "planar_m2"]].to_dict("records")
    [{'site_id': 'S1', 'planar_m2': 500000.0}]
    """
    _check_sites_argument(sites)
    with collecting() as notes, connections_kept():
        resolved, given = declare_layers(resolve_profile(profile), layers)
        resolved, table_records = attach_standards_table(resolved, standards_table)
        given_project = given_facts(facts, resolved)
        changes: dict[str, Any] = {}
        if crs is not None:
            changes["crs"] = crs.to_wkt() if isinstance(crs, CRS) else str(crs)
        if area_method is not None:
            changes["area_method"] = area_method
        if changes:
            resolved = resolved.with_analysis(**changes)
        assume_crs = None
        if resolved.analysis.crs.lower() != "auto":
            assume_crs = parse_crs(resolved.analysis.crs, what="--crs")
        requested, legacy_note = _analysis_request(assume_crs)
        shift = None if datum_shift is None else DatumShift.parse(datum_shift)
        raw, records, as_declared = read_site_inputs(
            sites,
            assume_crs,
            encoding,
            shift,
            id_field=id_field,
            what=what,
            area_tolerance=resolved.analysis.declared_area_tolerance,
        )
        if raw.empty:
            named = ", ".join(r.path or f"the {what} GeoDataFrame" for r in records)
            verb = "has" if len(records) == 1 else "have"
            raise InputDataError(
                f"no {what}: {named} {verb} no features; check the file and layer "
                "(landcheck inspect FILE lists a file's layers and their feature counts)"
            )
        sources = layer_sources(resolved, given, encoding)
        area = coverage_source(resolved, coverage, encoding)
        declared = [c for c in map(known_crs, sources.values()) if c is not None]
        datums = _legacy_datums(records, [*declared, known_crs(area)])
        refuse_mixed_datums(datums, shift)
        _warn_unused_shift(shift, datums, assume_crs)
        analysis_crs, reason = choose_analysis_crs(
            requested,
            sites_crs=geometry_values(raw).crs,
            sites_lonlat_bounds=lambda: lonlat_bounds(raw),
            layer_crss=[cgcs2000_counterpart(c) or c for c in declared],
        )
        if legacy_note is not None:
            reason = legacy_note
            warn(legacy_note)
        frame, measuring, site_facts = _in_analysis_crs(
            raw, as_declared, records, resolved, analysis_crs, id_field, width, what, given_project
        )
    return Run(
        profile=resolved,
        sources=sources,
        coverage=area,
        crs=analysis_crs,
        crs_reason=reason,
        sites=frame,
        measuring=measuring,
        records=(*records, *table_records),
        notes=tuple(notes.messages),
        assume_crs=assume_crs,
        datum_shift=shift,
        legacy_datums=datums,
        encoding=encoding,
        facts=tuple(site_facts),
        given_facts=given_project,
    )


def _legacy_datums(records: list[InputRecord], crss: list[CRS | None]) -> frozenset[str]:
    """The legacy datums of the inputs: the sites shifted from one, the sources declaring one.

    A site source's datum is the one its record says it was shifted from (a boundary
    TXT's or a file's; a CRS without an EPSG code has no label to be rebuilt from).
    """
    shifted = {r.extra["datum_shift"]["datum"] for r in records if "datum_shift" in r.extra}
    declared = {legacy_datum(c) for c in crss if c is not None}
    return frozenset((shifted | declared) - {None})


def _warn_unused_shift(
    shift: DatumShift | None, datums: frozenset[str], assume_crs: CRS | None
) -> None:
    """Say that a datum shift was given for a run whose inputs are in no legacy datum.

    Not when ``--crs`` is in one: a layer that declares no CRS is taken to be in it.
    """
    if shift is None or datums or (assume_crs is not None and legacy_datum(assume_crs)):
        return
    warn(
        f"a datum shift was given ({shift.describe()}), but none of the sites, layers and "
        "coverage is in Xian 1980, Beijing 1954 or New Beijing: the parameters were not applied "
        "to them"
    )


def _analysis_request(assume_crs: CRS | None) -> tuple[CRS | str, str | None]:
    """What to ask :func:`choose_analysis_crs` for, and the reason when it is not ``--crs``.

    A ``--crs`` in Xian 1980 / Beijing 1954 / New Beijing stays the CRS of inputs that declare
    none (they are shifted from it), but is not the analysis CRS: PROJ moves data
    into a legacy datum only by its ballpark null shift, so geometry labelled with
    it would lie tens of metres from the inputs' own coordinates. Its CGCS2000
    counterpart (same zone and easting convention) is the analysis CRS instead.

    Raises
    ------
    AnalysisCRSError
        A projected legacy ``--crs`` with no CGCS2000 counterpart landcheck knows.
    """
    if assume_crs is None:
        return "auto", None
    datum = legacy_datum(assume_crs)
    if datum is None or not assume_crs.is_projected:
        return assume_crs, None
    given = crs_label(assume_crs)
    counterpart = cgcs2000_counterpart(assume_crs)
    if counterpart is None:
        raise AnalysisCRSError(
            f"the analysis CRS {given} ({assume_crs.name}) is in {datum}, which PROJ reaches "
            "only by its ballpark null shift (tens of metres off); give --crs a CGCS2000 "
            "Gauss-Kruger CRS (inputs in the legacy datum are shifted with --datum-shift)"
        )
    label = crs_label(counterpart)
    return counterpart, (
        f"given: {given} ({datum}), analysed in its CGCS2000 counterpart {label}: PROJ moves "
        f"data into {datum} only by its ballpark null shift (tens of metres off), so the "
        f"run's geometry and outputs are in {label}; {given} is the CRS of the inputs that "
        "declare none (shifted to CGCS2000 with --datum-shift)"
    )


def _readable_in(sites: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """Sites in the analysis CRS as a reader takes them: in degrees where they lie beyond it.

    A batch's analysis CRS is one Gauss-Kruger zone; its sites given in degrees may lie
    zones away, each measured in its own. Given back in that zone's coordinates (what is
    kept of them after an avoidance), they would be refused as outside its area of use,
    so they go in as the batch's first sites came, in the datum's degrees.
    """
    if not _beyond_analysis_crs(sites, crs):
        return sites
    return sites.to_crs(crs.geodetic_crs)


def _beyond_analysis_crs(sites: gpd.GeoDataFrame, crs: CRS) -> bool:
    """Whether sites given in the analysis CRS lie beyond its area of use."""
    if sites.crs is None or not same_crs(sites.crs, crs):
        return False
    return diagnose_coordinates(crs, frame_bounds(sites)) is not None


def _sites(
    sites: Any,
    profile: Profile,
    crs: CRS,
    assume_crs: CRS | None,
    encoding: str | None,
    datum_shift: DatumShift | None,
    *,
    id_field: str | None,
    width: float | None,
    what: str,
    facts: Mapping[str, Any] | None = None,
) -> tuple[gpd.GeoDataFrame, SiteMeasuring, list[InputRecord], list[ProjectFacts]]:
    """Sites read and prepared in a chosen analysis CRS (for :meth:`Run.with_sites`)."""
    raw, records, as_declared = read_site_inputs(
        sites,
        assume_crs,
        encoding,
        datum_shift,
        id_field=id_field,
        what=what,
        area_tolerance=profile.analysis.declared_area_tolerance,
    )
    if raw.empty:
        raise InputDataError(f"no {what}: the {what} GeoDataFrame has no features")
    frame, measuring, site_facts = _in_analysis_crs(
        raw, as_declared, records, profile, crs, id_field, width, what, facts
    )
    return frame, measuring, records, site_facts


def _in_analysis_crs(
    raw: gpd.GeoDataFrame,
    as_declared: list[gpd.GeoSeries],
    records: list[InputRecord],
    profile: Profile,
    crs: CRS,
    id_field: str | None,
    width: float | None,
    what: str,
    facts: Mapping[str, Any] | None = None,
) -> tuple[gpd.GeoDataFrame, SiteMeasuring, list[ProjectFacts]]:
    """The sites as read, prepared in the analysis CRS, each measured in its own zone."""
    prepared = prepare_sites(raw, crs, profile, id_field=id_field, width=width, facts=facts)
    measuring = site_measuring(
        crs,
        geometry_values(prepared.frame),
        [declared for series in as_declared for declared in [series.crs] * len(series)],
    )
    frame = measured_in_own_crs(prepared.frame, measuring, as_declared)
    _warn_zones(frame, measuring)
    records[0].geometry = prepared.geometry_report.to_dict()
    note = prepared.geometry_report.describe(what)
    if note:
        warn(note)
    return frame, measuring, prepared.facts


def _warn_zones(sites: gpd.GeoDataFrame, measuring: SiteMeasuring) -> None:
    """One sentence when some sites' planar areas are measured outside the analysis CRS."""
    if measuring.uniform:
        return
    ids = sites["site_id"].astype(str).to_numpy()
    parts = []
    for label, crs in measuring.others.items():
        mine = ids[measuring.labels == label]
        parts.append(f"{label} ({crs.name}): {name_some(mine)}")
    analysis = crs_label(measuring.analysis)
    if zone_system(measuring.analysis) is None:
        why = (
            f"the analysis CRS {analysis} ({measuring.analysis.name}) makes lengths where the "
            f"sites are more than {SCALE_TOLERANCE:.1%} longer or shorter than on the ground, "
            "so each site's planar areas (site, overlaps, classes) and distances are measured "
            "in its own zone"
        )
    else:
        why = (
            "sites lie in different map zones, so each site's planar areas (site, overlaps, "
            f"classes) are measured in its own zone, not in the analysis CRS {analysis}"
        )
    warn(f"{why}: " + "; ".join(parts))


def _check_sites_argument(sites: Any) -> None:
    """Refuse a ``sites`` argument that is neither a source nor a list of sources."""
    many = sites if isinstance(sites, (list, tuple)) else [sites]
    for item in many:
        if not isinstance(item, (str, os.PathLike, gpd.GeoDataFrame)):
            raise InputDataError(
                "sites: expected a path, 'PATH:LAYER', a GeoDataFrame or a list of them, "
                f"got {type(item).__name__} {shown(item)}"
            )
