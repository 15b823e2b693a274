"""Search: propose candidate sites of a required area inside the buildable land.

:func:`search` carves the buildable land out of an area of interest (as
:func:`landcheck.buildable` does, with the minimum width, and dropping
patches smaller than the required area), then places compact rectangles of
the required area inside it:

- shapes: a square, then rectangles of aspect 1.5, 2, … up to
  ``max_aspect``, each kept only when its short side is at least
  ``min_width_m``;
- orientations: every ``angle_step`` degrees (0–90° for squares, 0–180° for
  rectangles), plus each patch's own orientation (that of its minimum
  rotated rectangle);
- positions: a grid ``step_m`` apart (default: a third of the square's side)
  over each patch; a rectangle is a candidate when the patch covers it. The grid's
  positions are counted before any rectangle is made: at most :data:`MAX_PLACEMENTS`
  are tried (the default step is widened, a step given is refused).

Rectangles are sized so that their area by the run's area method, measured
as a check of them measures it, is the required area: each patch's planar
size is scaled by that patch's own ratio of that area to the analysis CRS's
planar area (the ellipsoidal area; or the planar area in the zone a patch
lies in, when it lies beyond the analysis zone), then each rectangle to the
area exactly where it stands. When more than ``max_candidates`` rectangles fit, an evenly
spaced subset of them (in generation order, so spread over patches,
orientations and positions) is kept. Every candidate is pre-examined on the
area's run (:func:`landcheck.evaluate`) and ranked by the comparison rule
(:mod:`landcheck.select.ranking`); proposals are then taken best first,
skipping any that overlaps one already taken (or comes within ``spacing_m``
of it), until ``count`` are found.
The proposals are finally evaluated on the same run (from the layers already
read for the candidates) and compared with
:func:`~landcheck.select.compare.rank_sites` exactly as :func:`landcheck.compare`
would compare them. Everything is
deterministic: same inputs, same proposals.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
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
from landcheck.errors import InputDataError
from landcheck.evaluation import evaluate
from landcheck.inputs import LayerInput
from landcheck.messages import collecting, warn
from landcheck.profile import Profile
from landcheck.result import CheckResult
from landcheck.run import Run, prepare
from landcheck.select._common import (
    PolygonInput,
    aoi_union,
    area_by_method,
    check_limits,
    check_one_type,
    driving_areas,
    made_area,
    made_areas,
    project_class_key,
    require_true_lengths,
    sites_frame,
    undescribed,
    undescribed_frame,
    warn_undescribed_area,
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
from landcheck.select.buildable import SMALLER_THAN, Carved, carve
from landcheck.select.compare import ComparisonResult, context_layers, draw_context, rank_sites
from landcheck.select.constraints import Constraint, hard_constraints, load_constraints
from landcheck.select.metrics import beyond_described, first_layer_of_kind
from landcheck.select.ranking import RankingRule
from landcheck.select.shapes import grid_positions, place_rectangles
from landcheck.units import M2_PER_HA, AreaMethod

__all__ = ["SEARCH_SCHEMA", "SearchResult", "search"]

SEARCH_SCHEMA = "landcheck/search@1"

_OVERLAP_TOLERANCE_M2 = 1e-3
"""Proposals may touch along an edge; sharing more than this area counts as overlap."""

MAX_PLACEMENTS = 250_000
"""At most this many grid positions are tried (their count is known before any is made).

Every rectangle that fits was made before ``max_candidates`` of them were kept: 1,848,030
sites of 0.01 ha in 71 ha took 66 s and 1.1 GB, and sites of 0.0001 ha ran out of memory
(``GEOSException: std::bad_alloc`` at 7.6 GB). A quarter of a million rectangles is about
110 MB; the default grid is widened to stay within it, a grid given is refused.
"""


@dataclass
class SearchResult:
    """Proposed sites (the result of :func:`search`).

    Attributes
    ----------
    proposals : GeoDataFrame
        The proposals, best first: the comparison table's columns plus
        ``patch_id``, ``angle_deg``, ``width_m``, ``length_m`` (metres of each
        proposal's zone).
    comparison : ComparisonResult or None
        The proposals compared as :func:`landcheck.compare` compares sites
        (None when nothing fits).
    patches : GeoDataFrame
        The buildable patches large enough for the required area.
    undescribed : GeoDataFrame
        Land outside every constraint that some hard layers do not describe, so not known
        to be free of them: no site is proposed there. One row per described area
        (``layers``, ``described_by``, ``described_by_zh``, ``reason``, ``reason_zh``, areas), as
        :attr:`landcheck.select.buildable.BuildableResult.undescribed`.
    aoi : GeoDataFrame
    rule : RankingRule
    parameters : dict
    stats : dict
        ``placements_tried`` (the grid's positions), ``rectangles_fit`` (before thinning),
        ``candidates`` (pre-examined).
    constraints : tuple of Constraint
    unchecked : list of str
    analysis_crs : CRS
    created : datetime
    warnings : list of str
    """

    proposals: gpd.GeoDataFrame
    comparison: ComparisonResult | None
    patches: gpd.GeoDataFrame
    undescribed: gpd.GeoDataFrame
    aoi: gpd.GeoDataFrame
    rule: RankingRule
    parameters: dict[str, Any]
    stats: dict[str, int]
    constraints: tuple[Constraint, ...]
    unchecked: list[str]
    analysis_crs: CRS
    created: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def table(self) -> pd.DataFrame:
        """The proposals without geometry."""
        return pd.DataFrame(self.proposals.drop(columns="geometry"))

    def explain(self, lang: str = "en") -> str:
        """The ranking rule, why each proposal ranks where it does, and the land not searched.

        The land the hard layers do not describe, where no site is proposed, closes it: a
        line per described area, with its hectares.
        """
        if self.comparison is None:
            nothing = "（没有符合条件的方案）" if lang == "zh" else "(no proposal fits)"
            text = f"{self.rule.describe(lang)}\n{nothing}"
        else:
            text = self.comparison.explain(lang)
        return "\n".join([text, *self.undescribed_lines(lang)])

    def undescribed_lines(self, lang: str = "en") -> list[str]:
        """Per described area, the hectares of the area of interest it leaves out, in words.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> rows = pd.DataFrame({"ha": [200.0], "reason": ["not described by farmland (…)"],
        ...                      "reason_zh": ["图层 farmland 未描述（…）"]})
        >>> SearchResult.undescribed_lines(SimpleNamespace(undescribed=rows))
        ['200.0000 ha not described by farmland (…): no site proposed there.']
        >>> SearchResult.undescribed_lines(SimpleNamespace(undescribed=rows), "zh")
        ['200.0000 公顷图层 farmland 未描述（…）：未在其中选址。']
        """
        rows = self.undescribed.itertuples(index=False)
        if lang == "zh":
            return [f"{row.ha:,.4f} 公顷{row.reason_zh}：未在其中选址。" for row in rows]
        return [f"{row.ha:,.4f} ha {row.reason}: no site proposed there." for row in rows]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (schema ``landcheck/search@1``)."""
        return json_safe(
            {
                "schema": SEARCH_SCHEMA,
                "landcheck_version": __version__,
                "created": self.created.isoformat(timespec="seconds"),
                "analysis_crs": crs_label(self.analysis_crs),
                "parameters": self.parameters,
                "stats": self.stats,
                "rule": self.rule.to_dict(),
                "constraints": [c.to_dict() for c in self.constraints],
                "unchecked": list(self.unchecked),
                "undescribed": pd.DataFrame(self.undescribed.drop(columns="geometry")).to_dict(
                    "records"
                ),
                "proposals": self.table.to_dict("records"),
                "warnings": list(self.warnings),
            }
        )

    def _repr_html_(self) -> str:
        facts = [
            ("required area", f"{self.parameters['area_ha']:g} ha"),
            ("proposals", f"{len(self.proposals)} of {self.parameters['count']} asked"),
            ("candidates pre-examined", f"{self.stats['candidates']:,}"),
            *(
                (row.reason, f"{row.ha:,.4f} ha, no site proposed there")
                for row in self.undescribed.itertuples(index=False)
            ),
        ]
        if self.unchecked:
            facts.append(("NOT checked against", ", ".join(self.unchecked)))
        columns = [
            c
            for c in (
                "rank",
                "site_id",
                "status",
                "area_ha",
                "score",
                "nearest_hard_m",
                "cultivated_ha",
                "conversion_ha",
                "urban",
                "angle_deg",
                "width_m",
                "length_m",
            )
            if c in self.proposals.columns
        ]
        return html_block(
            "Site search (选址搜索)",
            facts,
            self.table[columns],
            notes=[self.rule.describe("en")],
            warnings=self.warnings,
        )

    def __repr__(self) -> str:
        return (
            f"<SearchResult {len(self.proposals)} proposal(s) of {self.parameters['area_ha']:g} ha>"
        )

    def plot(self, ax: Any = None, *, labels: bool = True) -> Any:
        """Map: the area of interest, the land not described, the patches, the proposals by rank.

        Returns
        -------
        matplotlib.axes.Axes
        """
        ax = new_axes(ax)
        entries = []
        if self.comparison is not None:
            entries = draw_context(
                ax, self.comparison.context, self.constraints, self.comparison.check.profile
            )
        usable = {"facecolor": "#d6eaf8", "edgecolor": "#5dade2", "alpha": 0.8}
        proposed = {"facecolor": "#e67e22", "edgecolor": "black", "alpha": 0.85}
        blank = {"facecolor": "#fcf3cf", "edgecolor": "#b7950b", "alpha": 0.8}
        plot_layer(ax, self.undescribed, **blank)
        plot_layer(ax, self.patches, **usable)
        plot_layer(ax, self.proposals, **proposed)
        self.aoi.boundary.plot(ax=ax, color="black", linewidth=1.2)
        if labels:
            for row in self.proposals.itertuples(index=False):
                label(ax, row.geometry, f"{row.rank}. {row.site_id} ({row.status})")
        if not self.undescribed.empty:
            entries.append(("not described by the layers", blank))
        legend(ax, [*entries, ("buildable land", usable), ("proposed sites", proposed)])
        minx, miny, maxx, maxy = self.aoi.total_bounds
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        finish(ax, f"Proposed sites of {self.parameters['area_ha']:g} ha (1 = best)")
        return ax


def _aspects(max_aspect: float) -> list[float]:
    values = list(np.arange(1.0, max_aspect + 1e-9, 0.5))
    if max_aspect - values[-1] > 1e-9:
        values.append(max_aspect)
    return [float(v) for v in values]


def _patch_angle(patch: shapely.Geometry) -> float:
    """Orientation of a patch's minimum rotated rectangle's long side (degrees, 0–180).

    Found near the origin: at Gauss-Kruger coordinates (eastings of 3.5 × 10⁷ m) GEOS's
    rectangle is off by up to 0.012° (8.5 cm over 400 m), and a site that fits with 5 cm
    to spare was "no site fits".
    """
    x0, y0, _, _ = patch.bounds
    rect = shapely.oriented_envelope(shapely.transform(patch, lambda xy: xy - (x0, y0)))
    coords = np.asarray(rect.exterior.coords) if rect.geom_type == "Polygon" else None
    if coords is None or len(coords) < 4:
        return 0.0
    edges = np.diff(coords[:3], axis=0)
    longest = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    return float(np.degrees(np.arctan2(longest[1], longest[0])) % 180.0)


def _thin(count: int, limit: int) -> np.ndarray:
    if count <= limit:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, limit)).astype(int))


def search(
    area_of_interest: PolygonInput,
    area_ha: float,
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    count: int = 5,
    min_width_m: float = 0.0,
    max_aspect: float = 2.0,
    angle_step: float = 15.0,
    step_m: float | None = None,
    buffers: float | Mapping[str, float] | None = None,
    outside_urban: bool = False,
    constraints: tuple[str, ...] | list[str] = (),
    buffer_join: str = "round",
    weights: Mapping[str, float] | None = None,
    search_m: float = 1000.0,
    spacing_m: float = 0.0,
    max_candidates: int = 400,
    project_class: str | None = None,
    facts: Mapping[str, Any] | None = None,
    coverage: LayerInput = None,
    crs: Any = None,
    area_method: str | None = None,
    encoding: str | None = None,
    datum_shift: Any = None,
    standards_table: str | os.PathLike[str] | None = None,
) -> SearchResult:
    """Propose up to ``count`` sites of ``area_ha`` hectares in the buildable land.

    Parameters
    ----------
    area_of_interest : path, ``"PATH:LAYER"``, GeoDataFrame or list of them
        Where to search.
    area_ha : float
        The required area (hectares, by the run's area method).
    profile, layers, crs, area_method, encoding, datum_shift
        As for :func:`landcheck.check`.
    standards_table : path, optional
        The land-use standard's index table (CSV), as for :func:`landcheck.check`;
        the profile's by default.
    count : int
        How many non-overlapping proposals to return at most.
    min_width_m : float
        Minimum width of the land used and of the proposals' short side.
    max_aspect : float
        Longest proposal shape, as length / width (1 = squares only).
    angle_step : float
        Orientation sweep step (degrees).
    step_m : float, optional
        Placement grid spacing (default: a third of the square's side, widened when it would
        try more than :data:`MAX_PLACEMENTS` positions; a step given that would is refused).
    buffers, outside_urban, constraints, buffer_join
        The hard constraints and their buffers, as for :func:`landcheck.buildable`.
    weights, search_m
        The ranking rule, as for :func:`landcheck.compare`.
    spacing_m : float
        Keep proposals at least this far apart (metres of the zone of either; 0: they
        may touch).
    max_candidates : int
        At most this many rectangles are pre-examined.
    project_class : str, optional
        The project's type or old class, as for :func:`landcheck.buildable`, so that each
        candidate's status is the one a site of that project would get (it decides, for
        instance, whether land outside the urban boundary is prohibited or conditional).
    facts : mapping, optional
        Project facts of every candidate, as for :func:`landcheck.buildable`
        (``project_type``, ``plan_level``, ``plan_ref``…).
    coverage : path, ``"PATH:LAYER"`` or GeoDataFrame, optional
        Polygons of the area the layers describe, as for :func:`landcheck.buildable`:
        land of the area of interest a hard layer does not describe is not searched, and
        is reported apart (``undescribed``).

    Returns
    -------
    SearchResult

    Examples
    --------
    A 2 ha square in a 300 m square whose west half is redline:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> x, y = 35_500_000, 2_700_000
    >>> aoi = gpd.GeoDataFrame(geometry=[box(x, y, x + 300, y + 300)], crs=4523)
    >>> redline = gpd.GeoDataFrame({"BSM": ["R1"]}, geometry=[box(x, y, x + 150, y + 300)],
    ...                            crs=4523)
    >>> result = search(aoi, 2.0, layers={"eco_redline": redline}, count=1,
    ...                 area_method="planar", max_aspect=1.0, coverage=aoi)
    >>> round(float(result.proposals["area_ha"].iloc[0]), 6)
    2.0
    >>> bool(result.proposals.geometry.iloc[0].intersects(redline.geometry.iloc[0].buffer(-1e-6)))
    False

    Without the coverage polygon, the redline layer describes its own extent alone: the east
    half is not known to be free of it, and is not searched.

    >>> result = search(aoi, 2.0, layers={"eco_redline": redline}, count=1,
    ...                 area_method="planar", max_aspect=1.0)
    >>> len(result.proposals), float(result.undescribed["planar_m2"].iloc[0])
    (0, 45000.0)
    """
    if not area_ha > 0 or not np.isfinite(area_ha):
        raise InputDataError(f"the required area must be > 0 ha, got {area_ha!r}")
    if int(count) < 1:
        raise InputDataError(f"count must be at least 1, got {count!r}")
    if not max_aspect >= 1.0:
        raise InputDataError(f"max_aspect must be ≥ 1 (length / width), got {max_aspect!r}")
    if not 0 < angle_step <= 90:
        raise InputDataError(f"angle_step must be in (0, 90] degrees, got {angle_step!r}")
    if step_m is not None and not step_m > 0:
        raise InputDataError(f"step_m must be > 0 metres, got {step_m!r}")
    check_limits(min_width_m=min_width_m, spacing_m=spacing_m, search_m=search_m)
    if int(max_candidates) < 1:
        raise InputDataError(f"max_candidates must be at least 1, got {max_candidates!r}")
    check_one_type(project_class, facts)
    with collecting() as notes:
        created = datetime.now(timezone.utc)
        run = prepare(
            area_of_interest,
            profile=profile,
            layers=layers,
            crs=crs,
            area_method=area_method,
            encoding=encoding,
            datum_shift=datum_shift,
            coverage=coverage,
            facts=facts,
            standards_table=standards_table,
            what="area of interest",
        )
        require_true_lengths(run)
        hard = hard_constraints(
            run.profile, buffers=buffers, outside_urban=outside_urban, extra=constraints
        )
        rule = RankingRule.build(hard, weights, search_m=search_m)
        klass = project_class_key(run, project_class)
        required_m2 = float(area_ha) * M2_PER_HA
        aoi = aoi_union(run)
        near = gpd.GeoSeries([aoi], crs=run.crs)
        loaded = load_constraints(run, hard, near, join=buffer_join, search_m=search_m)
        scale = made_area(run, aoi).m2 / float(aoi.area)
        planar_needed = required_m2 / scale
        shapes = [
            (float(np.sqrt(planar_needed / a)), float(np.sqrt(planar_needed * a)), a)
            for a in _aspects(float(max_aspect))
        ]
        shapes = [s for s in shapes if s[0] >= min_width_m]
        if not shapes:
            side = np.sqrt(planar_needed)
            raise InputDataError(
                f"a site of {area_ha:g} ha is at most {side:.1f} m wide, less than the minimum "
                f"width {min_width_m:g} m; lower the minimum width or raise the area"
            )
        blank = undescribed(run, [i.constraint.key for i in loaded if i.available], aoi)
        carved = carve(
            aoi,
            loaded,
            run.crs,
            area_by_method(run),
            min_width_m=min_width_m,
            min_area_m2=required_m2,
            undescribed=[item.geometry for item in blank],
        )
        blank_frame = undescribed_frame(run, blank, carved.undescribed)
        warn_undescribed_area(blank_frame)
        step = float(step_m) if step_m is not None else shapes[0][0] / 3.0
        # each patch's rectangles sized by its own ratio (1 where the analysis CRS measures it)
        patch_areas = made_areas(run, carved.patches)
        driving = "planar_m2" if run.method is AreaMethod.PLANAR else "ellipsoidal_m2"
        local = patch_areas[driving] / shapely.area(carved.patches)
        sizes = np.sqrt(scale / local)
        step, tries = _grid_step(
            carved.patches, sizes, shapes, angle_step, step, step_m is not None, area_ha
        )
        rects, info = _place(carved.patches, sizes, shapes, angle_step, step)
        fit = len(rects)
        chosen = _thin(fit, int(max_candidates))
        rects, info = rects[chosen], info.iloc[chosen].reset_index(drop=True)
        if len(rects) and (
            run.method is AreaMethod.ELLIPSOIDAL or not run.measuring_of(rects).uniform
        ):
            before = len(rects)
            rects, info = _exact_area(rects, info, carved.patches, required_m2, run)
            fit -= before - len(rects)  # too small where they stand: they do not fit
        own = run.measuring_of(rects).scale if len(rects) else np.ones(0)
        info = _in_own_zone(info, own)
        info.insert(0, "site_id", [f"C{i + 1:05d}" for i in range(len(rects))])
        patches = gpd.GeoDataFrame(
            {
                "patch_id": [f"P{i + 1:03d}" for i in range(len(carved.patches))],
                "planar_m2": patch_areas["planar_m2"],
            },
            geometry=list(carved.patches),
            crs=run.crs,
        )
        parameters = {
            "area_ha": float(area_ha),
            "count": int(count),
            "min_width_m": float(min_width_m),
            "max_aspect": float(max_aspect),
            "angle_step": float(angle_step),
            "step_m": step,
            "buffers": {c.key: c.buffer_m for c in hard},
            "buffer_join": buffer_join,
            "outside_urban": outside_urban,
            "max_candidates": int(max_candidates),
            "spacing_m": float(spacing_m),
            "project_class": klass,
            "facts": dict(run.given_facts),
            "coverage": None
            if coverage is None
            else ("<GeoDataFrame>" if isinstance(coverage, gpd.GeoDataFrame) else str(coverage)),
            "search_m": float(search_m),
        }
        unchecked = [item.constraint.key for item in loaded if not item.available]
        stats = {
            "placements_tried": int(tries),
            "rectangles_fit": int(fit),
            "candidates": len(rects),
        }
        aoi_frame = gpd.GeoDataFrame({"name": ["area of interest"]}, geometry=[aoi], crs=run.crs)
        if not len(rects):
            warn(
                f"no site of {area_ha:g} ha fits in the buildable land of the area of interest "
                f"(largest patch {_largest_ha(_wide_enough(carved), run):.4f} ha with the minimum "
                "width "
                f"{min_width_m:g} m); enlarge the area, lower the buffers or the area"
            )
            empty = gpd.GeoDataFrame({"rank": [], "site_id": []}, geometry=[], crs=run.crs)
            return SearchResult(
                empty,
                None,
                patches,
                blank_frame,
                aoi_frame,
                rule,
                parameters,
                stats,
                hard,
                unchecked,
                run.crs,
                created,
                list(dict.fromkeys([*run.notes, *notes.messages])),
            )
        if fit > len(rects):
            warn(
                f"{fit:,} placements fit; {len(rects):,} evenly spaced ones were pre-examined "
                "(raise max_candidates or step_m to change this)"
            )
        candidates = sites_frame(run, info["site_id"].tolist(), rects, klass)
        screened = evaluate(run, candidates)
        table, _ = rank_sites(screened, loaded, hard, rule, _scale(run, screened))
        picked = _pick(table["site_id"].tolist(), candidates, int(count), float(spacing_m), own)
        if len(picked) < count:
            warn(_too_few(len(picked), area_ha, len(rects), fit))
        info = info.set_index("site_id")
        proposals_in = sites_frame(
            run,
            [f"A{i + 1}" for i in range(len(picked))],
            candidates.set_index("site_id").geometry.loc[picked].values,
            klass,
        )
        final = evaluate(run, proposals_in)
        ranked, ranked_sites = rank_sites(final, loaded, hard, rule, _scale(run, final))
        _warn_undescribed(final, ranked["site_id"].tolist(), hard)
        origin = dict(zip(proposals_in["site_id"], picked, strict=True))
        details = info.loc[[origin[s] for s in ranked["site_id"]]].reset_index(drop=True)
        proposals = ranked_sites.reset_index(drop=True)
        for column in ("patch_id", "angle_deg", "width_m", "length_m"):
            proposals[column] = details[column].to_numpy()
        proposals["candidate"] = [origin[s] for s in proposals["site_id"]]
        comparison = ComparisonResult(
            table=ranked,
            sites=ranked_sites,
            rule=rule,
            check=final,
            constraints=hard,
            context=context_layers(run, loaded, near, search_m),
            analysis_crs=run.crs,
            created=created,
            warnings=list(final.warnings),
        )
        return SearchResult(
            proposals,
            comparison,
            patches,
            blank_frame,
            aoi_frame,
            rule,
            parameters,
            stats,
            hard,
            unchecked,
            run.crs,
            created,
            list(dict.fromkeys([*run.notes, *notes.messages, *final.warnings])),
        )


def _warn_undescribed(result: CheckResult, order: list[str], hard: tuple[Constraint, ...]) -> None:
    """Say which proposals lie beyond the area a hard layer or the urban boundary describes.

    The land the hard layers do not describe is not searched; the urban boundary's, and a
    constraint's that covers its own area (planning zones), may be. What such proposals take
    of those layers is not known (NaN), so their score is not known and they rank after every
    candidate of their status on described land.
    """
    keys = [c.key for c in hard if not c.outside]
    urban = first_layer_of_kind(result.profile, "urban_boundary")
    keys += [urban] if urban and urban not in keys else []
    options = result.profile.analysis
    beyond = {
        sid: [k for k in keys if beyond_described(result.layer(sid, k), options)] for sid in order
    }
    named = [f"{sid} ({', '.join(ks)})" for sid, ks in beyond.items() if ks]
    if named:
        warn(
            f"proposal(s) {'; '.join(named)} lie partly beyond the area those layers describe: "
            "what they take of them is not known, so their score is not known and they rank "
            "after every candidate of their status on described land; give the layers' data "
            "there, or search within it"
        )


def _too_few(picked: int, area_ha: float, examined: int, fit: int) -> str:
    """The warning of a search that found fewer proposals than asked: what is true of it.

    When every placement that fits was pre-examined, no more non-overlapping ones fit on
    the grid. When they were thinned, only those examined were looked at: "only 352 fit"
    was said of 400 placements among 1,848,030 that fit, where about 7,000 would.

    Examples
    --------
    >>> _too_few(2, 2.0, 12, 12)
    'only 2 non-overlapping site(s) of 2 ha fit'
    >>> _too_few(352, 0.01, 400, 1_848_030).split(" of 1,848,030")[0]
    'only 352 non-overlapping site(s) of 0.01 ha were found among the 400 placements pre-examined'
    """
    if examined >= fit:
        return f"only {picked} non-overlapping site(s) of {area_ha:g} ha fit"
    return (
        f"only {picked} non-overlapping site(s) of {area_ha:g} ha were found among the "
        f"{examined:,} placements pre-examined of {fit:,} that fit; more may fit: raise "
        "max_candidates (--max-candidates) to examine more"
    )


def _wide_enough(carved: Carved) -> np.ndarray:
    """The patches of the minimum width: those kept, and those removed for their area only.

    The message of a search that found nothing gave the largest of the kept ones, none of
    which is smaller than the site: "largest patch 0.0000 ha" beside a patch of 30 ha.
    """
    small = [part for part, why in carved.removed if why.startswith(SMALLER_THAN)]
    return np.asarray([*carved.patches, *small], dtype=object)


def _largest_ha(patches: np.ndarray, run: Run) -> float:
    if not len(patches):
        return 0.0
    return float(np.max(driving_areas(run, patches))) / M2_PER_HA


def _scale(run: Run, result: Any) -> np.ndarray:
    """Per site of a check on the run, its measuring CRS's lengths over the analysis CRS's."""
    return run.measuring_of(result.sites.geometry.values).scale


def _layouts(
    patches: np.ndarray,
    sizes: np.ndarray,
    shapes: list[tuple[float, float, float]],
    angle_step: float,
) -> Iterator[tuple[int, shapely.Geometry, float, float, list[float]]]:
    """Per patch and shape: the patch's position, the patch, the shape's sides there, its angles.

    The angles: every ``angle_step`` degrees (0–90° for squares, 0–180° for rectangles) and
    the patch's own orientation.
    """
    for index, patch in enumerate(patches):
        own = _patch_angle(patch)
        for shape_width, shape_length, aspect in shapes:
            period = 90.0 if aspect == 1.0 else 180.0
            sweep = np.arange(0.0, period - 1e-9, angle_step)
            angles = sorted({round(float(a), 6) for a in [*sweep, own % period]})
            yield index, patch, shape_width * sizes[index], shape_length * sizes[index], angles


def _positions(
    patches: np.ndarray,
    sizes: np.ndarray,
    shapes: list[tuple[float, float, float]],
    angle_step: float,
    step: float,
) -> int:
    """How many placements :func:`_place` would try on a grid ``step`` apart (none is made)."""
    return sum(
        grid_positions(patch, width, length, angles, step)
        for _, patch, width, length, angles in _layouts(patches, sizes, shapes, angle_step)
    )


def _grid_step(
    patches: np.ndarray,
    sizes: np.ndarray,
    shapes: list[tuple[float, float, float]],
    angle_step: float,
    step: float,
    given: bool,
    area_ha: float,
) -> tuple[float, int]:
    """The grid step to place on, and how many placements it tries (at most MAX_PLACEMENTS).

    A step that would try more than :data:`MAX_PLACEMENTS` is refused when ``given``; the
    default one (a third of the square's side) is widened until it tries no more, and a
    warning says so. The count is that of the grid, made before any rectangle is.
    """
    tries = _positions(patches, sizes, shapes, angle_step, step)
    if tries <= MAX_PLACEMENTS:
        return step, tries
    wide, wide_tries = step, tries
    while wide_tries > MAX_PLACEMENTS:  # positions go as 1 / step²; a few rounds at most
        wide *= max(1.01, float(np.sqrt(wide_tries / MAX_PLACEMENTS)) * 1.01)
        wide_tries = _positions(patches, sizes, shapes, angle_step, wide)
    if given:
        raise InputDataError(
            f"a grid of {step:g} m would try {tries:,} placements of the {area_ha:g} ha site "
            f"in the buildable land, more than the {MAX_PLACEMENTS:,} a search tries; give "
            f"step_m (--step) of {wide:.3g} m or more ({wide_tries:,} placements), or a larger "
            "angle_step, a lower max_aspect or a smaller area of interest"
        )
    warn(
        f"a grid of {step:.3g} m (a third of the site's side) would try {tries:,} placements of "
        f"the {area_ha:g} ha site; the grid was widened to {wide:.3g} m ({wide_tries:,} "
        f"placements, at most {MAX_PLACEMENTS:,}); give step_m (--step) to choose"
    )
    return wide, wide_tries


def _place(
    patches: np.ndarray,
    sizes: np.ndarray,
    shapes: list[tuple[float, float, float]],
    angle_step: float,
    step: float,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Every shape at every orientation and grid position that fits in a patch.

    ``sizes`` scales the shapes' sides in each patch (:func:`search`'s local ratio).
    """
    found, rows = [], []
    for index, patch, width, length, angles in _layouts(patches, sizes, shapes, angle_step):
        rects, angles_used = place_rectangles(patch, width, length, angles, step)
        if not len(rects):
            continue
        found.append(rects)
        rows.append(
            pd.DataFrame(
                {
                    "patch_id": f"P{index + 1:03d}",
                    "angle_deg": angles_used,
                    "width_m": width,
                    "length_m": length,
                }
            )
        )
    if not found:
        return np.array([], dtype=object), pd.DataFrame(
            columns=["patch_id", "angle_deg", "width_m", "length_m"]
        )
    return np.concatenate(found), pd.concat(rows, ignore_index=True)


def _exact_area(
    rects: np.ndarray, info: pd.DataFrame, patches: np.ndarray, required_m2: float, run: Run
) -> tuple[np.ndarray, pd.DataFrame]:
    """Scale each rectangle about its centre so its area by the run's method is the required one.

    The Gauss-Kruger scale changes across an area (about 10⁻⁵ over a few km, 10⁻³
    between zones a patch and the analysis CRS measure in), so a size taken from
    its patch is off by that much at a given place. A
    rectangle is scaled about its centre, or, when that takes it out of its
    patch (it lies against the patch's edge), about one of its corners; one
    that fits no way keeps its first size when that is within 10⁻⁴ of the area,
    and is no candidate when it is further short (over a zone 2° wide the whole
    area's ratio is 10⁻³ off at its edge: a "4 ha" proposal held 3.996 ha).
    """
    factor = np.sqrt(required_m2 / driving_areas(run, rects))
    owner = info["patch_id"].str[1:].astype(int).to_numpy() - 1
    anchors = [shapely.centroid(rects)]
    corners = shapely.get_coordinates(shapely.get_exterior_ring(rects)).reshape(len(rects), 5, 2)
    anchors += [shapely.points(corners[:, k]) for k in range(4)]
    out = rects.copy()
    fits = np.zeros(len(rects), dtype=bool)
    for anchor in anchors:
        todo = np.flatnonzero(~fits)
        if not len(todo):
            break
        x0, y0 = shapely.get_x(anchor[todo]), shapely.get_y(anchor[todo])
        scaled = np.array(
            [
                shapely.transform(
                    rects[i],
                    lambda xy, f=factor[i], a=a, b=b: np.column_stack(
                        [a + (xy[:, 0] - a) * f, b + (xy[:, 1] - b) * f]
                    ),
                )
                for i, a, b in zip(todo, x0, y0, strict=True)
            ],
            dtype=object,
        )
        ok = (factor[todo] <= 1.0) | shapely.covers(patches[owner[todo]], scaled)
        out[todo[ok]] = scaled[ok]
        fits[todo[ok]] = True
    info = info.copy()
    applied = np.where(fits, factor, 1.0)
    info["width_m"] = info["width_m"].to_numpy() * applied
    info["length_m"] = info["length_m"].to_numpy() * applied
    kept = fits | (1.0 - 1.0 / factor**2 <= _AREA_TOLERANCE)
    return out[kept], info[kept].reset_index(drop=True)


_AREA_TOLERANCE = 1e-4
"""How far a proposal's area may fall short of the one asked (relative) when it cannot grow."""


def _in_own_zone(info: pd.DataFrame, scale: np.ndarray) -> pd.DataFrame:
    """The candidates' ``width_m`` and ``length_m`` in metres of each one's zone, not the plane's.

    ``scale`` is each candidate's measuring CRS's lengths over the analysis CRS's: a 1 ha
    square at 105°E is 100.114 m a side in the plane of 102°E's zone, 100 m in its own.
    """
    info = info.copy()
    info["width_m"] = info["width_m"].to_numpy(dtype=float) * scale
    info["length_m"] = info["length_m"].to_numpy(dtype=float) * scale
    return info


def _pick(
    order: list[str],
    candidates: gpd.GeoDataFrame,
    count: int,
    spacing_m: float = 0.0,
    scale: np.ndarray | None = None,
) -> list[str]:
    """Take candidates in rank order, skipping those too close to one already taken.

    Too close: sharing more than a square millimetre with it, or coming within
    ``spacing_m`` of it, in metres of the zone of either (``scale``, per candidate
    in the frame's order, its measuring CRS's lengths over the analysis CRS's; the
    smaller of the two is taken, so the spacing holds in both zones).
    """
    frame = candidates.set_index("site_id")
    geoms = frame.geometry.loc[order].to_numpy()
    own = np.ones(len(order))
    if scale is not None:
        own = pd.Series(np.asarray(scale, dtype=float), index=frame.index).loc[order].to_numpy()
    free = np.ones(len(order), dtype=bool)
    picked: list[str] = []
    for i in range(len(order)):
        if not free[i]:
            continue
        picked.append(order[i])
        if len(picked) == count:
            break
        rest = np.flatnonzero(free)
        shared = shapely.area(shapely.intersection(geoms[rest], geoms[i]))
        blocked = shared > _OVERLAP_TOLERANCE_M2
        if spacing_m > 0:
            metres = shapely.distance(geoms[rest], geoms[i]) * np.minimum(own[rest], own[i])
            blocked |= metres < spacing_m
        free[rest[blocked]] = False
        free[i] = False
    return picked
