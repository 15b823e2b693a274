"""Candidate comparison (比选): alternative sites of one project, side by side, ranked.

:func:`compare` prepares one run of the alternatives and evaluates it
(:func:`landcheck.evaluate`, so statuses and areas are the real ones), adds
the distance to the nearest hard constraint, and ranks them by the
:class:`~landcheck.select.ranking.RankingRule` (status, weighted score,
distance, id), which the result states in words.
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
from pyproj import CRS

from landcheck._version import __version__
from landcheck.crs import crs_label
from landcheck.errors import DataSourceError, InputDataError
from landcheck.evaluation import evaluate
from landcheck.inputs import LayerInput
from landcheck.labels import status_label
from landcheck.messages import collecting
from landcheck.profile import Profile
from landcheck.result import CheckResult
from landcheck.run import Run, prepare
from landcheck.select._common import PolygonInput, check_limits, require_true_lengths
from landcheck.select._display import (
    LAYER_STYLE,
    STATUS_COLOURS,
    finish,
    html_block,
    json_safe,
    label,
    legend,
    new_axes,
    plot_layer,
)
from landcheck.select.constraints import (
    Constraint,
    LoadedConstraint,
    hard_constraints,
    load_constraints,
)
from landcheck.select.metrics import (
    first_layer_of_kind,
    nearest_hard,
    site_metrics,
    undescribed_distances,
)
from landcheck.select.ranking import RankingRule, distance_unknown, rank_table, reasons

__all__ = [
    "COMPARISON_SCHEMA",
    "ComparisonResult",
    "compare",
    "context_layers",
    "draw_context",
    "rank_sites",
]

COMPARISON_SCHEMA = "landcheck/comparison@1"

_TABLE_COLUMNS = [
    "rank",
    "site_id",
    "name",
    "status",
    "area_ha",
    "score",
    "nearest_hard_m",
    "nearest_hard_layer",
    "urban",
]


@dataclass
class ComparisonResult:
    """The ranked comparison of alternative sites (the result of :func:`compare`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per alternative, best first: ``rank``, ``site_id``, ``name``,
        ``status``, ``area_ha``, the hard-constraint overlaps ``<key>_ha``,
        ``paddy_ha``, ``cultivated_ha``, ``conversion_ha``, ``construction_ha``,
        ``unused_ha``, ``inside_urban_ha``, ``outside_urban_ha``, ``urban``,
        ``nearest_hard_m`` (NaN beyond ``rule.search_m``, or when not known),
        ``nearest_hard_layer``, ``nearest_hard_id``, ``nearest_hard_unknown``
        (the hard layers whose described area ends within that distance around
        the site, so that it is not known; empty when known), ``score`` (NaN when a
        term of it is not known), ``score_unknown`` (those terms' columns),
        ``score_detail``, ``main_finding`` and ``reason`` (why it ranks
        ahead of the next one).
    sites : GeoDataFrame
        The alternatives in rank order, with the table's columns.
    rule : RankingRule
        The ranking rule (:meth:`RankingRule.describe` states it).
    check : CheckResult
        The pre-examination of the alternatives (findings, class tables…).
    constraints : tuple of Constraint
        The hard constraints distances were measured to.
    context : dict of GeoDataFrame
        Layer key → features near the alternatives, for the map.
    analysis_crs : CRS
    created : datetime
    warnings : list of str
    """

    table: pd.DataFrame
    sites: gpd.GeoDataFrame
    rule: RankingRule
    check: CheckResult
    constraints: tuple[Constraint, ...]
    context: dict[str, gpd.GeoDataFrame]
    analysis_crs: CRS
    created: datetime
    warnings: list[str] = field(default_factory=list)

    @property
    def best(self) -> str:
        """The id of the best-ranked alternative."""
        return str(self.table["site_id"].iloc[0])

    @property
    def order(self) -> list[str]:
        """Site ids, best first."""
        return self.table["site_id"].astype(str).tolist()

    def explain(self, lang: str = "en") -> str:
        """The rule in words, then one line per alternative with why it ranks where it does.

        ``lang`` ``"zh"`` writes it all in Chinese: statuses in words, the reasons
        (:func:`~landcheck.select.ranking.reasons`) too; column names such as
        ``cultivated_ha`` stay as the codes the table and JSON use.
        """
        said = self.table["reason"] if lang != "zh" else reasons(self.table, self.rule, lang)
        lines = [self.rule.describe(lang)]
        far = distance_unknown(self.table)
        for row, reason, unknown in zip(self.table.itertuples(index=False), said, far, strict=True):
            lines.append(self._line(row, reason, bool(unknown), lang))
        return "\n".join(lines)

    def _line(self, row: Any, reason: str, far: bool, lang: str) -> str:
        """One alternative's line of :meth:`explain` (``far``: its distance is not known)."""
        beyond = f"> {self.rule.search_m:g}"
        distance = beyond if pd.isna(row.nearest_hard_m) else f"{row.nearest_hard_m:.1f}"
        score = None if pd.isna(row.score) else f"{row.score:.4f}"
        named = " ".join(str(part) for part in (row.site_id, row.name) if _given(part))
        if lang == "zh":
            near = "距最近刚性约束未知" if far else f"距最近刚性约束 {distance} 米"
            return (
                f"{row.rank}. {named}：{status_label(row.status, 'zh')}，"
                f"{'得分 ' + score if score else '得分未知'}（{row.score_detail}），"
                f"{near}；{reason}"
            )
        near = (
            "nearest hard constraint not known" if far else f"nearest hard constraint {distance} m"
        )
        return (
            f"{row.rank}. {named}: {row.status}, score {score or 'not known'} "
            f"({row.score_detail}), {near}; {reason}"
        )

    @property
    def display_table(self) -> pd.DataFrame:
        """The table's main columns, for printing."""
        hard = [f"{c.key}_ha" for c in self.constraints if not c.outside]
        columns = [
            *_TABLE_COLUMNS[:5],
            *hard,
            "paddy_ha",
            "cultivated_ha",
            "conversion_ha",
            "outside_urban_ha",
            *_TABLE_COLUMNS[5:],
        ]
        return self.table[[c for c in columns if c in self.table.columns]]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (schema ``landcheck/comparison@1``)."""
        return json_safe(
            {
                "schema": COMPARISON_SCHEMA,
                "landcheck_version": __version__,
                "created": self.created.isoformat(timespec="seconds"),
                "profile": {"name": self.check.profile.name, "version": self.check.profile.version},
                "analysis_crs": crs_label(self.analysis_crs),
                "area_method": self.check.area_method,
                "rule": self.rule.to_dict(),
                "constraints": [c.to_dict() for c in self.constraints],
                "ranking": self.table.to_dict("records"),
                "warnings": list(self.warnings),
            }
        )

    def _repr_html_(self) -> str:
        return html_block(
            f"Comparison of {len(self.table)} alternative sites (比选)",
            [
                ("best", f"{self.best}"),
                ("CRS", crs_label(self.analysis_crs)),
                ("areas", f"{self.check.area_method}, ha"),
            ],
            self.display_table,
            notes=[self.rule.describe("en")],
            warnings=self.warnings,
        )

    def __repr__(self) -> str:
        return (
            f"<ComparisonResult {len(self.table)} alternatives; best {self.best}; "
            f"order {' > '.join(self.order)}>"
        )

    def plot(self, ax: Any = None, *, labels: bool = True) -> Any:
        """Map of all alternatives, coloured by rank, over the constraint layers.

        Returns
        -------
        matplotlib.axes.Axes
        """
        ax = new_axes(ax)
        entries = draw_context(ax, self.context, self.constraints, self.check.profile)
        self.sites.plot(
            ax=ax,
            color=[STATUS_COLOURS[s] for s in self.sites["status"]],
            edgecolor="black",
            linewidth=1.0,
            alpha=0.85,
        )
        if labels:
            for row in self.sites.itertuples(index=False):
                label(ax, row.geometry, f"{row.rank}. {row.site_id} ({row.status})")
        statuses = list(dict.fromkeys(self.sites["status"]))
        legend(
            ax,
            [
                *entries,
                *((s, {"facecolor": STATUS_COLOURS[s], "edgecolor": "black"}) for s in statuses),
            ],
        )
        minx, miny, maxx, maxy = self.sites.total_bounds
        pad = max(maxx - minx, maxy - miny) * 0.15 + 50.0
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
        finish(ax, "Alternatives ranked (1 = best)")
        return ax


def _given(value: Any) -> bool:
    """Whether a site's id or name is there to write (not None, NaN or blank)."""
    return (
        value is not None
        and not (isinstance(value, float) and np.isnan(value))
        and bool(str(value).strip())
    )


def draw_context(
    ax: Any,
    context: Mapping[str, gpd.GeoDataFrame],
    constraints: tuple[Constraint, ...],
    profile: Profile,
) -> list[tuple[str, dict]]:
    """Draw the context layers; return their legend entries."""
    entries = []
    for key, frame in context.items():
        kind = profile.layers[key].kind if key in profile.layers else "generic"
        style = LAYER_STYLE.get(kind, LAYER_STYLE["generic"])
        plot_layer(ax, frame, **style)
        if frame is not None and not frame.empty:
            entries.append((profile.layers[key].title.en if key in profile.layers else key, style))
    return entries


def context_layers(
    run: Run, loaded: list[LoadedConstraint], near: gpd.GeoSeries, margin: float
) -> dict[str, gpd.GeoDataFrame]:
    """Features to draw around the work: hard constraints and the urban boundary."""
    out: dict[str, gpd.GeoDataFrame] = {}
    for item in loaded:
        if item.available and item.features is not None:
            out[item.constraint.key] = item.features[["_id", "geometry"]]
    urban = first_layer_of_kind(run.profile, "urban_boundary")
    if urban and urban not in out and run.sources.get(urban) is not None:
        try:
            with collecting():  # read for the map only: its notes are the check's to give
                layer = run.read_layer(run.profile.layers[urban], near, margin)
            out[urban] = layer.features[["_id", "geometry"]]
        except (DataSourceError, InputDataError):
            pass  # only a map layer; the check reports the problem
    return out


def rank_sites(
    result: CheckResult,
    loaded: list[LoadedConstraint],
    constraints: tuple[Constraint, ...],
    rule: RankingRule,
    scale: np.ndarray | None = None,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Rank the sites of a check result; return the table and the ranked sites.

    ``scale`` is, per site, its measuring CRS's lengths over the analysis CRS's
    (:attr:`~landcheck.crs.measuring.SiteMeasuring.scale`): distances are given in
    the metres of each site's own zone.
    """
    geoms = np.asarray(result.sites.geometry.values, dtype=object)
    distances = nearest_hard(geoms, loaded, rule.search_m, scale)
    measured = [i.constraint.key for i in loaded if i.available and not i.constraint.outside]
    distances = undescribed_distances(
        geoms,
        distances,
        result.coverage,
        measured,
        rule.search_m,
        result.profile.analysis,
        scale,
    )
    metrics = site_metrics(result, constraints, distances)
    table = rank_table(metrics, rule)
    geometry = result.sites.set_index("site_id").geometry.reindex(table["site_id"]).values
    sites = gpd.GeoDataFrame(table.copy(), geometry=geometry, crs=result.analysis_crs)
    return table, sites


def compare(
    candidates: PolygonInput,
    *,
    profile: str | os.PathLike[str] | Profile = "china-preexam",
    layers: Mapping[str, LayerInput] | None = None,
    weights: Mapping[str, float] | None = None,
    constraints: tuple[str, ...] | list[str] = (),
    search_m: float = 1000.0,
    id_field: str | None = None,
    crs: Any = None,
    area_method: str | None = None,
    width: float | None = None,
    encoding: str | None = None,
    datum_shift: Any = None,
    standards_table: str | os.PathLike[str] | None = None,
) -> ComparisonResult:
    """Compare alternative sites of one project and rank them (比选).

    Parameters
    ----------
    candidates : path, ``"PATH:LAYER"``, GeoDataFrame or list of them
        The alternatives, one feature each (ids from ``id_field`` or the usual
        fields, as for :func:`landcheck.check`).
    profile, layers, id_field, crs, area_method, width, encoding, datum_shift
        As for :func:`landcheck.check`.
    standards_table : path, optional
        The land-use standard's index table (CSV), as for :func:`landcheck.check`;
        the profile's by default.
    weights : mapping, optional
        Weights per hectare over
        :data:`~landcheck.select.ranking.DEFAULT_WEIGHTS`, by concept
        (``permanent_farmland``, ``eco_redline``, ``paddy``, ``cultivated``,
        ``conversion``, ``outside_urban``) or hard-constraint layer key.
    constraints : sequence of str
        Extra layer keys to treat as hard constraints (user layers).
    search_m : float
        How far to look for the nearest hard constraint (metres).

    Returns
    -------
    ComparisonResult

    Examples
    --------
    Two 100 m squares, one half on farmland: the clean one ranks first. Without a
    land-use survey or a coverage polygon the farmland layer describes its extent: two
    1 m squares 1.1 km and 1.6 km away make it hold both sites (and the 350 m from B to F1).

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> x, y = 35_500_000, 2_700_000
    >>> sites = gpd.GeoDataFrame({"site_id": ["A", "B"]}, crs=4523,
    ...     geometry=[box(x, y, x + 100, y + 100), box(x + 500, y, x + 600, y + 100)])
    >>> farmland = gpd.GeoDataFrame({"BSM": ["F1", "F2", "F3"]}, crs=4523,
    ...     geometry=[box(x + 50, y, x + 150, y + 100), box(x - 1100, y - 1100, x - 1099,
    ...     y - 1099), box(x + 1700, y + 1100, x + 1701, y + 1101)])
    >>> result = compare(sites, layers={"farmland": farmland}, area_method="planar")
    >>> result.order, result.table["farmland_ha"].tolist()
    (['B', 'A'], [0.0, 0.5])
    >>> result.table["nearest_hard_m"].tolist()
    [350.0, 0.0]

    A site beyond the layer's extent takes farmland not known: its score is not known
    and it ranks after B, whose distance is known.

    >>> far = gpd.GeoDataFrame({"site_id": ["B", "C"]}, crs=4523,
    ...     geometry=[box(x + 500, y, x + 600, y + 100), box(x + 3000, y, x + 3100, y + 100)])
    >>> result = compare(far, layers={"farmland": farmland}, area_method="planar")
    >>> result.order, result.table["farmland_ha"].tolist()
    (['B', 'C'], [0.0, nan])
    >>> result.table["nearest_hard_unknown"].tolist()
    ['', 'farmland']
    """
    check_limits(search_m=search_m)
    with collecting() as notes:
        created = datetime.now(timezone.utc)
        run = prepare(
            candidates,
            profile=profile,
            layers=layers,
            id_field=id_field,
            crs=crs,
            area_method=area_method,
            width=width,
            encoding=encoding,
            datum_shift=datum_shift,
            standards_table=standards_table,
            what="candidate sites",
        )
        require_true_lengths(run)
        hard = hard_constraints(run.profile, extra=constraints)
        rule = RankingRule.build(hard, weights, search_m=search_m)
        result = evaluate(run)
        near = result.sites.geometry
        loaded = load_constraints(run, hard, near, search_m=search_m)
        table, sites = rank_sites(result, loaded, hard, rule, run.measuring.scale)
        context = context_layers(run, loaded, near, search_m)
        return ComparisonResult(
            table=table,
            sites=sites,
            rule=rule,
            check=result,
            constraints=hard,
            context=context,
            analysis_crs=run.crs,
            created=created,
            warnings=list(dict.fromkeys([*result.warnings, *notes.messages])),
        )
