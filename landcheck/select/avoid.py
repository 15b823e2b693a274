"""Avoidance (避让): trim a site so that it no longer touches the hard constraints.

:func:`avoid` cuts from each site the hard constraints (grown by their
buffers) exactly as :func:`landcheck.buildable` cuts them from an area of
interest, optionally removes what is left narrower than a minimum width or
in pieces smaller than a minimum area, and reports the area kept and lost,
per constraint and per dropped piece. It warns when what is left falls apart
into several pieces. Both the original and the trimmed sites are
pre-examined on the same run (:func:`landcheck.evaluate`), so the statuses
before and after are the real ones. :func:`landcheck.report.selection.write_avoidance` writes
the trimmed boundary as GeoPackage layers and a boundary TXT for
resubmission.

A site is trimmed only where a hard layer describes the land (:mod:`landcheck.coverage`):
what it keeps beyond the county the layer covers, or outside the land-use survey, is not
known to avoid that layer. Such a site is said (``undescribed_ha``, ``undescribed_by``,
a warning) and is not ready for resubmission (``ready``): the TXT leaves it out. Neither is
any site when a hard layer could not be checked at all (no source, unreadable:
``unchecked``): no site is known to avoid it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from landcheck._version import __version__
from landcheck.crs import crs_label
from landcheck.evaluation import evaluate
from landcheck.inputs import LayerInput
from landcheck.messages import collecting, warn
from landcheck.polygonal import polygonal_part
from landcheck.profile import Profile
from landcheck.result import CheckResult
from landcheck.run import Run, prepare
from landcheck.select._common import (
    PolygonInput,
    Undescribed,
    area_by_method,
    check_limits,
    made_areas,
    require_true_lengths,
    undescribed,
    undescribed_words,
)
from landcheck.select._display import (
    finish,
    html_block,
    json_safe,
    label,
    legend,
    new_axes,
    plot_layer,
)
from landcheck.select.buildable import carve
from landcheck.select.constraints import Constraint, hard_constraints, load_constraints
from landcheck.units import AreaMethod

__all__ = ["AVOIDANCE_SCHEMA", "AvoidanceResult", "avoid"]

AVOIDANCE_SCHEMA = "landcheck/avoidance@1"


def _areas(run: Run, geoms: list[Any], sites: Any) -> tuple[np.ndarray, ...]:
    """Planar (each in its site's measuring CRS), ellipsoidal and by-method areas of pieces."""
    areas = made_areas(run, np.asarray(geoms, dtype=object), sites)
    return areas["planar_m2"], areas["ellipsoidal_m2"], areas["ha"]


@dataclass
class AvoidanceResult:
    """Sites trimmed to avoid the hard constraints (the result of :func:`avoid`).

    Attributes
    ----------
    kept : GeoDataFrame
        One row per site: ``site_id``, ``name``, ``project_class``,
        ``site_ha``, ``kept_planar_m2``, ``kept_ellipsoidal_m2``, ``kept_ha``,
        ``lost_ha`` (= site − kept), ``constraints_ha`` (taken by the
        constraints), ``dropped_ha`` (too narrow or small), ``kept_share``,
        ``parts``, ``fragmented``, ``status_before``, ``status_after``,
        ``undescribed_ha`` (the land kept that some hard layer does not describe,
        so not known to avoid it; boundary-precision slivers are 0),
        ``undescribed_by`` (those layers, comma-separated), ``ready`` (land is
        kept, every hard layer was checked and describes it: written for
        resubmission) and the trimmed geometry (empty when nothing is left).
    lost : GeoDataFrame
        What each constraint takes from each site (``site_id``, ``key``,
        ``kind``, ``buffer_m``, areas); pieces of different constraints may
        overlap.
    dropped : GeoDataFrame
        Pieces outside every constraint but dropped (``site_id``, ``reason``,
        areas).
    sites : GeoDataFrame
        The original sites.
    constraints : tuple of Constraint
    unchecked : list of str
        Constraints that could not be used: the trimmed sites are NOT known
        to avoid them, and none is ``ready``.
    parameters : dict
    before, after : CheckResult
        The pre-examination of the original and of the trimmed sites
        (``after`` is None when nothing is left of any site).
    analysis_crs : CRS
    created : datetime
    warnings : list of str
    """

    kept: gpd.GeoDataFrame
    lost: gpd.GeoDataFrame
    dropped: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    constraints: tuple[Constraint, ...]
    unchecked: list[str]
    parameters: dict[str, Any]
    before: CheckResult
    after: CheckResult | None
    analysis_crs: CRS
    created: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """The per-site table without geometry."""
        return pd.DataFrame(self.kept.drop(columns="geometry"))

    @property
    def resubmission(self) -> gpd.GeoDataFrame:
        """The sites ready for resubmission: ``site_id``, ``name``, ``measuring_crs``, geometry.

        A site is ready when it keeps land, every hard layer was checked and describes that
        land (``ready``): one that keeps land a layer does not describe, or that a layer could
        not be checked against, is not known to avoid it. The
        geometry is in the analysis CRS; ``measuring_crs`` is the CRS the
        site's planar areas (``kept_planar_m2``) are measured in, its own zone,
        in which the boundary TXT writes it.
        """
        usable = self.kept[self.kept["ready"].to_numpy(dtype=bool)]
        out = usable[["site_id", "name", "geometry"]].reset_index(drop=True)
        out.insert(2, "measuring_crs", [self.before.measuring_crs(sid) for sid in out.site_id])
        return out

    def unready_reason(self) -> str:
        """Why no site is ready for resubmission, in words (what ``txt_skipped`` says).

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> kept = pd.DataFrame({"site_id": ["S1", "S2"], "parts": [1, 0],
        ...                      "undescribed_by": ["farmland", ""]})
        >>> AvoidanceResult.unready_reason(SimpleNamespace(kept=kept, unchecked=["eco_redline"]))
        'no site is ready for resubmission: the hard layer(s) eco_redline could not be \
checked, so no site is known to avoid them; site(s) S1 keep land farmland does not describe; \
site(s) S2 have no land left'
        >>> AvoidanceResult.unready_reason(SimpleNamespace(kept=kept[1:], unchecked=[]))
        'no site has land left to write'
        """
        kept = self.kept
        has_land = kept["parts"].to_numpy() > 0
        reasons = []
        if self.unchecked:
            reasons.append(
                f"the hard layer(s) {', '.join(self.unchecked)} could not be checked, so no "
                "site is known to avoid them"
            )
        blank = kept[has_land & (kept["undescribed_by"] != "").to_numpy()]
        for layers, rows in blank.groupby("undescribed_by", sort=False):
            ids = ", ".join(map(str, rows["site_id"]))
            reasons.append(f"site(s) {ids} keep land {layers} does not describe")
        if not reasons:
            return "no site has land left to write"
        empty = kept.loc[~has_land, "site_id"]
        if len(empty):
            reasons.append(f"site(s) {', '.join(map(str, empty))} have no land left")
        return "no site is ready for resubmission: " + "; ".join(reasons)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (schema ``landcheck/avoidance@1``)."""
        return json_safe(
            {
                "schema": AVOIDANCE_SCHEMA,
                "landcheck_version": __version__,
                "created": self.created.isoformat(timespec="seconds"),
                "analysis_crs": crs_label(self.analysis_crs),
                "area_method": self.before.area_method,
                "parameters": self.parameters,
                "constraints": [c.to_dict() for c in self.constraints],
                "unchecked": list(self.unchecked),
                "sites": self.table.to_dict("records"),
                "lost": pd.DataFrame(self.lost.drop(columns="geometry")).to_dict("records"),
                "dropped": pd.DataFrame(self.dropped.drop(columns="geometry")).to_dict("records"),
                "warnings": list(self.warnings),
            }
        )

    def _repr_html_(self) -> str:
        facts = [("constraints avoided", "; ".join(c.describe() for c in self.constraints))]
        if self.unchecked:
            facts.append(("NOT checked against", ", ".join(self.unchecked)))
        columns = [
            "site_id",
            "name",
            "site_ha",
            "kept_ha",
            "lost_ha",
            "constraints_ha",
            "dropped_ha",
            "kept_share",
            "parts",
            "status_before",
            "status_after",
            "undescribed_ha",
            "ready",
        ]
        return html_block("Avoidance (避让)", facts, self.table[columns], warnings=self.warnings)

    def __repr__(self) -> str:
        kept = self.kept["kept_ha"].sum()
        lost = self.kept["lost_ha"].sum()
        return (
            f"<AvoidanceResult {len(self.kept)} site(s): {kept:,.4f} ha kept, {lost:,.4f} ha lost>"
        )

    def plot(self, ax: Any = None, *, labels: bool = True, site_id: str | None = None) -> Any:
        """Map: the original outline, the land kept, lost to constraints and dropped.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw (default: a new figure).
        labels : bool
            Label each site with the area kept.
        site_id : str, optional
            Draw only this site.

        Returns
        -------
        matplotlib.axes.Axes
        """
        if site_id is not None:
            if site_id not in set(self.kept["site_id"]):
                raise KeyError(f"no site {site_id!r}; sites: {', '.join(self.kept['site_id'])}")
            pick = lambda f: f[f["site_id"] == site_id]  # noqa: E731
            view = AvoidanceResult(
                **{
                    **self.__dict__,
                    "kept": pick(self.kept),
                    "lost": pick(self.lost),
                    "dropped": pick(self.dropped),
                    "sites": pick(self.sites),
                }
            )
            return view.plot(ax, labels=labels)
        ax = new_axes(ax)
        lost = {"facecolor": "#e74c3c", "edgecolor": "#922b21", "alpha": 0.5}
        dropped = {"facecolor": "#bfc9ca", "edgecolor": "#7f8c8d", "alpha": 0.8}
        kept = {"facecolor": "#58d68d", "edgecolor": "#1d8348", "alpha": 0.7}
        plot_layer(ax, self.lost, **lost)
        plot_layer(ax, self.dropped, **dropped)
        plot_layer(ax, self.kept, **kept)
        self.sites.boundary.plot(ax=ax, color="black", linewidth=1.2, linestyle="--")
        if labels:
            for row in self.kept.itertuples(index=False):
                if not row.geometry.is_empty:
                    label(
                        ax, row.geometry, f"{row.site_id}: {row.kept_ha:.4f} ha kept", above=False
                    )
        legend(
            ax,
            [
                ("kept", kept),
                ("lost to constraints", lost),
                ("dropped", dropped),
                (
                    "original boundary",
                    {"facecolor": "none", "edgecolor": "black", "linestyle": "--"},
                ),
            ],
        )
        if len(self.kept) == 1:
            row = self.kept.iloc[0]
            finish(
                ax,
                f"Avoidance of {row['site_id']}: {row['kept_ha']:.4f} of "
                f"{row['site_ha']:.4f} ha kept",
            )
        else:
            finish(ax, "Avoidance: the sites trimmed to keep out of the hard constraints")
        return ax


def avoid(
    site: PolygonInput,
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    buffers: float | Mapping[str, float] | None = None,
    outside_urban: bool = False,
    constraints: tuple[str, ...] | list[str] = (),
    min_width_m: float = 0.0,
    min_area_m2: float | None = None,
    buffer_join: str = "round",
    id_field: str | None = None,
    crs: Any = None,
    area_method: str | None = None,
    width: float | None = None,
    coverage: LayerInput = None,
    encoding: str | None = None,
    datum_shift: Any = None,
    standards_table: str | os.PathLike[str] | None = None,
) -> AvoidanceResult:
    """Trim sites so that they no longer touch the hard constraints.

    Parameters
    ----------
    site : path, ``"PATH:LAYER"``, GeoDataFrame or list of them
        The site(s) to trim (each is trimmed on its own).
    profile, layers, id_field, crs, area_method, width, encoding, datum_shift
        As for :func:`landcheck.check`.
    coverage : path, ``"PATH:LAYER"`` or GeoDataFrame, optional
        Polygons of the area the layers describe, as for :func:`landcheck.check`: a
        site keeping land outside it (without it, outside the land-use survey, else
        outside a hard layer's extent) is not ready for resubmission.
    standards_table : path, optional
        The land-use standard's index table (CSV), as for :func:`landcheck.check`;
        the profile's by default.
    buffers, outside_urban, constraints, buffer_join
        Which constraints and how far to keep from them, as for
        :func:`landcheck.buildable`.
    min_width_m : float
        Drop what is left narrower than this (metres).
    min_area_m2 : float, optional
        Drop pieces smaller than this (default: the profile's sliver area, 1 m²).

    Returns
    -------
    AvoidanceResult

    Examples
    --------
    A 100 m square half on farmland keeps the other half:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> x, y = 35_500_000, 2_700_000
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]}, geometry=[box(x, y, x + 100, y + 100)],
    ...                         crs=4523)
    >>> farmland = gpd.GeoDataFrame({"BSM": ["F1"]}, crs=4523,
    ...                             geometry=[box(x + 50, y - 50, x + 200, y + 150)])
    >>> result = avoid(site, layers={"farmland": farmland}, area_method="planar")
    >>> float(result.kept["kept_planar_m2"].iloc[0]), result.kept["status_before"].iloc[0]
    (5000.0, 'prohibited')
    """
    check_limits(min_width_m=min_width_m, min_area_m2=min_area_m2)
    with collecting() as notes:
        created = datetime.now(timezone.utc)
        run = prepare(
            site,
            profile=profile,
            layers=layers,
            id_field=id_field,
            crs=crs,
            area_method=area_method,
            width=width,
            encoding=encoding,
            datum_shift=datum_shift,
            coverage=coverage,
            standards_table=standards_table,
            what="site",
        )
        require_true_lengths(run)
        hard = hard_constraints(
            run.profile, buffers=buffers, outside_urban=outside_urban, extra=constraints
        )
        min_area = (
            run.profile.analysis.sliver_area_m2 if min_area_m2 is None else float(min_area_m2)
        )
        frame = run.sites
        loaded = load_constraints(run, hard, frame.geometry, join=buffer_join)
        blank = undescribed(
            run,
            [item.constraint.key for item in loaded if item.available],
            shapely.union_all(frame.geometry.values),
        )
        method, crs_ = run.method, run.crs
        kept_geoms, rows, lost_rows, lost_geoms, dropped_rows, dropped_geoms = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        lost_sites, dropped_sites = [], []
        for position, row in enumerate(frame.itertuples(index=False)):
            geom = row.geometry
            if geom.is_empty:
                carved_patches, carved_removed, excluded = np.array([], dtype=object), [], []
            else:
                carved = carve(
                    geom,
                    loaded,
                    crs_,
                    area_by_method(run, position),
                    min_width_m=min_width_m,
                    min_area_m2=min_area,
                )
                carved_patches, carved_removed, excluded = (
                    carved.patches,
                    carved.removed,
                    carved.excluded,
                )
            for item, part in excluded:
                if part.is_empty:
                    continue
                c = item.constraint
                lost_rows.append(
                    {
                        "site_id": row.site_id,
                        "key": c.key,
                        "kind": c.kind,
                        "buffer_m": c.buffer_m,
                        "outside": c.outside,
                    }
                )
                lost_geoms.append(part)
                lost_sites.append(position)
            for part, reason in carved_removed:
                dropped_rows.append({"site_id": row.site_id, "reason": reason})
                dropped_geoms.append(part)
                dropped_sites.append(position)
            kept = (
                shapely.multipolygons(list(carved_patches))
                if len(carved_patches) > 1
                else carved_patches[0]
                if len(carved_patches)
                else shapely.Polygon()
            )
            kept_geoms.append(kept)
            rows.append(
                {
                    "site_id": row.site_id,
                    "name": row.name,
                    "project_class": row.project_class,
                    "linear": bool(row.linear),
                    "parts": len(carved_patches),
                }
            )
        table = pd.DataFrame(rows, columns=["site_id", "name", "project_class", "linear", "parts"])
        site_planar = frame["planar_m2"].to_numpy(dtype=float)
        site_ellipsoidal = frame["ellipsoidal_m2"].to_numpy(dtype=float)
        site_driving = site_planar if method is AreaMethod.PLANAR else site_ellipsoidal
        # planar in each site's measuring CRS, as its own area is: in the analysis CRS a site
        # of another zone kept 1.000153 ha of its 1 ha (and so are its lost and dropped pieces)
        planar, ellipsoidal, kept_ha = _areas(run, kept_geoms, np.arange(len(kept_geoms)))
        table["site_ha"] = site_driving / 10_000.0
        table["kept_planar_m2"] = planar
        table["kept_ellipsoidal_m2"] = ellipsoidal
        table["kept_ha"] = kept_ha
        table["lost_ha"] = np.maximum(table["site_ha"] - table["kept_ha"], 0.0)
        lost = _pieces(
            run,
            lost_rows,
            lost_geoms,
            lost_sites,
            ["site_id", "key", "kind", "buffer_m", "outside"],
        )
        dropped = _pieces(run, dropped_rows, dropped_geoms, dropped_sites, ["site_id", "reason"])
        table["dropped_ha"] = (
            table["site_id"].map(dropped.groupby("site_id")["ha"].sum()).fillna(0.0)
        )
        table["constraints_ha"] = np.maximum(table["lost_ha"] - table["dropped_ha"], 0.0)
        table["kept_share"] = np.divide(
            kept_ha,
            table["site_ha"].to_numpy(),
            out=np.zeros(len(table)),
            where=table["site_ha"].to_numpy() > 0,
        )
        table["fragmented"] = table["parts"] > 1
        _warn_fragments(table, kept_geoms, run)
        hectares, layers, reasons = _undescribed_kept(kept_geoms, blank, run)
        table["undescribed_ha"], table["undescribed_by"] = hectares, layers
        unchecked = [item.constraint.key for item in loaded if not item.available]
        table["ready"] = (table["parts"] > 0) & (table["undescribed_by"] == "") & (not unchecked)
        _warn_undescribed(table, reasons)
        _warn_unchecked(table, unchecked)
        before = evaluate(run)
        table["status_before"] = before.statuses.reindex(table["site_id"]).to_numpy()
        after = _recheck(table, kept_geoms, run)
        table["status_after"] = (
            after.statuses.reindex(table["site_id"]).fillna("").to_numpy()
            if after is not None
            else ""
        )
        kept_frame = gpd.GeoDataFrame(table, geometry=kept_geoms, crs=crs_)
        original = gpd.GeoDataFrame(
            {
                "site_id": frame["site_id"].to_numpy(),
                "name": frame["name"].to_numpy(),
                "ha": site_driving / 10_000.0,
            },
            geometry=frame.geometry.values,
            crs=crs_,
        )
        return AvoidanceResult(
            kept=kept_frame,
            lost=lost,
            dropped=dropped,
            sites=original,
            constraints=hard,
            unchecked=unchecked,
            parameters={
                "buffers": {c.key: c.buffer_m for c in hard},
                "buffer_join": buffer_join,
                "outside_urban": outside_urban,
                "min_width_m": float(min_width_m),
                "min_area_m2": min_area,
                "coverage": None
                if coverage is None
                else (
                    "<GeoDataFrame>" if isinstance(coverage, gpd.GeoDataFrame) else str(coverage)
                ),
            },
            before=before,
            after=after,
            analysis_crs=crs_,
            created=created,
            warnings=list(dict.fromkeys([*run.notes, *notes.messages, *before.warnings])),
        )


def _pieces(
    run: Run, rows: list[dict[str, Any]], geoms: list[Any], sites: list[int], columns: list[str]
) -> gpd.GeoDataFrame:
    planar, ellipsoidal, ha = _areas(run, geoms, sites)
    frame = pd.DataFrame(rows, columns=columns)
    frame["planar_m2"], frame["ellipsoidal_m2"], frame["ha"] = planar, ellipsoidal, ha
    return gpd.GeoDataFrame(frame, geometry=list(geoms), crs=run.crs)


def _undescribed_kept(
    kept: list[Any], blank: list[Undescribed], run: Run
) -> tuple[np.ndarray, list[str], list[str]]:
    """Per site, the land kept that some hard layer does not describe: ha, layers, in words.

    A site's part that the profile calls a sliver (boundary precision) is none.
    """
    hectares = np.zeros(len(kept))
    layers = [""] * len(kept)
    reasons = [""] * len(kept)
    sliver = run.profile.analysis.is_sliver
    for position, geom in enumerate(kept):
        parts = [shapely.intersection(geom, item.geometry) for item in blank]
        parts = [polygonal_part([p])[0] for p in parts]
        whole = polygonal_part([shapely.union_all(parts)])[0] if parts else shapely.Polygon()
        if whole.is_empty:
            continue
        planar, _, ha = _areas(run, [whole], [position])
        if sliver(float(planar[0]), _mean_width(whole)):
            continue
        hectares[position] = float(ha[0])
        found = [item for item, p in zip(blank, parts, strict=True) if not p.is_empty]
        layers[position] = ", ".join(dict.fromkeys(k for item in found for k in item.keys))
        reasons[position] = "; ".join(undescribed_words(item) for item in found)
    return hectares, layers, reasons


def _mean_width(geometry: shapely.Geometry) -> float:
    """Largest 2·area/perimeter among a geometry's polygons."""
    parts = np.asarray(shapely.get_parts(geometry), dtype=object)
    return float(np.max(2.0 * shapely.area(parts) / shapely.length(parts)))


def _warn_undescribed(table: pd.DataFrame, reasons: list[str]) -> None:
    """Say which sites keep land a hard layer does not describe: not ready for resubmission."""
    for row, reason in zip(table.itertuples(index=False), reasons, strict=True):
        if reason:
            warn(
                f"site {row.site_id}: {row.undescribed_ha:.4f} ha of the {row.kept_ha:.4f} ha "
                f"kept is {reason}, so it is not known to avoid them (finding none of their "
                "features there proves nothing): the site is not "
                "ready for resubmission and is left out of the boundary TXT; give layers that "
                "describe it, or the polygon of the area they describe (coverage= / --coverage)"
            )


def _warn_unchecked(table: pd.DataFrame, unchecked: list[str]) -> None:
    """Say that no site keeping land is ready while a hard layer could not be checked."""
    kept = table.loc[table["parts"] > 0, "site_id"]
    if unchecked and len(kept):
        warn(
            f"the hard layer(s) {', '.join(unchecked)} could not be checked, so no site is "
            f"known to avoid them: site(s) {', '.join(map(str, kept))} are not ready for "
            "resubmission and are left out of the boundary TXT; give the layer(s) (--layer "
            "KEY=PATH, layers={KEY: ...})"
        )


def _warn_fragments(table: pd.DataFrame, kept: list[Any], run: Run) -> None:
    """Say which sites are left with nothing, or in pieces."""
    for position, (row, geom) in enumerate(zip(table.itertuples(index=False), kept, strict=True)):
        if row.parts == 0:
            warn(
                f"site {row.site_id}: nothing is left after avoiding the constraints; the site "
                "must be moved"
            )
        elif row.parts > 1:
            parts = np.asarray(shapely.get_parts(geom), dtype=object)
            _, _, ha = _areas(run, list(parts), np.full(len(parts), position))
            largest = float(ha.max())
            warn(
                f"site {row.site_id}: what is left is fragmented into {row.parts} pieces "
                f"(largest {largest:.4f} ha, {largest / row.kept_ha:.0%} of the {row.kept_ha:.4f} "
                "ha kept); check that the pieces still serve the project, or drop the small "
                "ones with a minimum area or width"
            )


_PREPARED = (
    "site_id",
    "name",
    "project_class",
    "linear",
    "planar_m2",
    "ellipsoidal_m2",
    "measuring_crs",
)
"""Columns a checked site frame has before the site's own fields (and ``measuring_crs``)."""


def _recheck(table: pd.DataFrame, kept: list[Any], run: Run) -> CheckResult | None:
    """What is kept of each site, evaluated on the run (None when nothing is kept).

    The kept parts carry the sites' own fields, so their project facts are read as given.
    """
    usable = np.asarray([not g.is_empty for g in kept], dtype=bool)
    if not usable.any():
        return None
    columns = ["site_id", "name", "project_class", "linear"]
    checked = run.sites
    own = [c for c in checked.columns if c not in (*_PREPARED, checked.geometry.name)]
    fields = table.loc[usable, columns].reset_index(drop=True)
    if own:
        by_id = pd.DataFrame(checked[["site_id", *own]]).set_index("site_id")
        fields = fields.join(by_id, on="site_id")
    frame = gpd.GeoDataFrame(
        fields, geometry=[g for g, u in zip(kept, usable, strict=True) if u], crs=run.crs
    )
    frame["project_class"] = (
        frame["project_class"].astype(object).where(frame["project_class"].notna(), "")
    )
    frame["linear"] = frame["linear"].map({True: "1", False: "0"})
    return evaluate(run, frame)
