"""CheckResult: the outcome of a pre-examination, as tables and as findings.json.

Every number in the result is traceable: site areas come from the site
geometry, layer overlaps from the pieces in :attr:`CheckResult.pieces` (each
with the feature id it came from), class areas from those pieces' codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from landcheck._version import __version__
from landcheck.coverage import Coverage
from landcheck.crs import crs_label
from landcheck.errors import InputDataError
from landcheck.facts import ProjectFacts
from landcheck.io.records import InputRecord
from landcheck.measure import ListedRows, Rows, SiteLayer
from landcheck.profile import STATUSES, Profile, RuleSpec, Text
from landcheck.rollup import CATEGORIES, CULTIVATED, CULTIVATED_KINDS, SUMMARY_LINES, summary_sums
from landcheck.rules import Finding, worst_status
from landcheck.rules.apply import unreachable_outcomes
from landcheck.rules.core import cited_basis, reach_key
from landcheck.units import Area, AreaMethod, area_dict

__all__ = ["FINDINGS_SCHEMA", "CheckResult", "PossibleDocument"]

FINDINGS_SCHEMA = "landcheck/findings@1"


@dataclass(frozen=True)
class PossibleDocument:
    """A document checks that could not be made may need (:meth:`CheckResult.documents_possible`).

    Attributes
    ----------
    document : Text
        The document, as the profile names it.
    checks : tuple of Text
        The titles of the unknown checks whose other outcomes ask for it.
    later : bool
        Whether it would be needed only later, at 报批 (at the pre-examination stage).
    """

    document: Text
    checks: tuple[Text, ...]
    later: bool


def _optional(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def _features_list(rows: ListedRows, position: int) -> list[dict[str, Any]]:
    """A site's per-feature pieces of one layer, as findings.json lists them."""
    start, stop = rows.span(position)
    if start == stop:
        return []
    return [
        {"id": str(feature), "planar_m2": float(planar), "ellipsoidal_m2": float(ellipsoidal)}
        for feature, planar, ellipsoidal in zip(
            rows.column("feature_id")[start:stop],
            rows.column("planar_m2")[start:stop],
            rows.column("ellipsoidal_m2")[start:stop],
            strict=True,
        )
    ]


def _admin_dict(rows: ListedRows, position: int) -> dict[str, dict[str, Any]]:
    """A site's administrative units of one layer: code → name and areas."""
    start, stop = rows.span(position)
    if start == stop:
        return {}
    return {
        str(code): {"name": str(name), "planar_m2": float(planar), "ellipsoidal_m2": float(ell)}
        for code, name, planar, ell in zip(
            rows.column("admin_code")[start:stop],
            rows.column("name")[start:stop],
            rows.column("planar_m2")[start:stop],
            rows.column("ellipsoidal_m2")[start:stop],
            strict=True,
        )
    }


def _land_use_summary(view: SiteLayer, method: AreaMethod) -> dict[str, Any]:
    """A land-use layer's categories, cultivated land by kind and field ridges in a site."""
    sums = summary_sums(view.class_table, view.ridge_code, view.position)
    lines = dict(zip(SUMMARY_LINES, zip(sums[::2], sums[1::2], strict=True), strict=True))

    def area(line: tuple[str, str]) -> dict[str, float]:
        return area_dict(*lines[line], method)

    ridges = lines[("ridges", "")]
    return {
        "categories": {name: area(("category", name)) for name in CATEGORIES},
        "cultivated": {
            "total": area(("cultivated", CULTIVATED)),
            **{code: area(("kind", code)) for code in CULTIVATED_KINDS},
        },
        "tiankan": {"planar_m2": ridges[0], "ellipsoidal_m2": ridges[1]},
    }


class _Listed:
    """The tables' rows of a run of sites as lists (:class:`~landcheck.measure.ListedRows`).

    One per run of findings.json's site entries; a table's lists are read the
    first time a site of the run asks for them.
    """

    __slots__ = ("_made", "positions")

    def __init__(self, positions: range) -> None:
        self.positions = positions
        self._made: dict[int, ListedRows] = {}

    def __call__(self, table: Rows | None) -> ListedRows:
        """``table``'s rows of the run (no table: no rows, the same empty lists for every run)."""
        if table is None:  # a layer not checked (most of a profile's, often): nothing to read
            return _NO_ROWS
        listed = self._made.get(id(table))  # the result holds the tables while the run is made
        if listed is None:
            listed = self._made[id(table)] = ListedRows(table, self.positions)
        return listed


_NO_ROWS = ListedRows(Rows({}, None), range(0))
"""The rows of a layer that has no tables (one not available), listed."""


def _attributes_list(rows: ListedRows, position: int) -> list[dict[str, Any]]:
    """A site's areas of one layer by review attribute (grade, zone…), as findings.json lists them.

    One entry per row: the attributes as text and the areas (``…_m2``) as
    numbers, in the table's column order; the widths are left out.
    """
    start, stop = rows.span(position)
    if start == stop:
        return []
    names = [name for name in rows.table.columns if name != "max_width_m"]
    values = [(name, name.endswith("_m2"), rows.column(name)) for name in names]
    return [
        {name: (float(column[i]) if area else str(column[i])) for name, area, column in values}
        for i in range(start, stop)
    ]


_LISTED_SITES = 256
"""Sites whose rows :meth:`CheckResult.site_dicts` reads as lists at a time: a few MB of them."""

_CLASS_LABELS = ("category", "level1", "level1_name", "conformity")

_CLASS_COLUMNS = (
    "code",
    "name",
    "planar_m2",
    "ellipsoidal_m2",
    "survey_m2",
    *_CLASS_LABELS,
    "tiankan_planar_m2",
    "tiankan_ellipsoidal_m2",
)
"""The columns of a class table findings.json reads (the land-use survey's has twenty)."""


def _classes_dict(rows: ListedRows, position: int) -> dict[str, Any]:
    """A site's classes of one layer: code → name, areas, code-table labels, field ridges.

    Read straight from the table's columns (:class:`landcheck.measure.ListedRows`):
    a DataFrame per site and layer cost most of the time of writing a batch's findings.
    """
    start, stop = rows.span(position)
    if start == stop:
        return {}
    present = rows.table.columns
    values = {name: rows.column(name)[start:stop] for name in _CLASS_COLUMNS if name in present}
    survey = values.get("survey_m2")
    labels = [(column, values[column]) for column in _CLASS_LABELS if column in values]
    ridges = (
        (values["tiankan_planar_m2"], values.get("tiankan_ellipsoidal_m2"))
        if "tiankan_planar_m2" in values
        else None
    )
    classes: dict[str, Any] = {}
    for i, code in enumerate(values["code"]):
        entry: dict[str, Any] = {
            "name": str(values["name"][i]),
            "planar_m2": float(values["planar_m2"][i]),
            "ellipsoidal_m2": float(values["ellipsoidal_m2"][i]),
        }
        if survey is not None:
            value = _optional(survey[i])
            if value is not None:
                entry["survey_m2"] = value
        for column, column_values in labels:
            text = str(column_values[i])
            if text:
                entry[column] = text
        if ridges is not None and float(ridges[0][i]) > 0:
            entry["tiankan_planar_m2"] = float(ridges[0][i])
            entry["tiankan_ellipsoidal_m2"] = float(ridges[1][i])  # type: ignore[index]
        classes[str(code)] = entry
    return classes


@dataclass
class CheckResult:
    """The result of :func:`landcheck.check`.

    Attributes
    ----------
    profile : Profile
        The profile used (with the layer sources of this run).
    analysis_crs : CRS
        The projected CRS every area was computed in.
    crs_reason : str
        Why that CRS was chosen.
    created : datetime
        When the run started (UTC).
    sites : GeoDataFrame
        The prepared sites in the analysis CRS.
    site_layers : list of dict
        Per site (in order), the :class:`~landcheck.measure.SiteLayer` of each layer.
    findings : list of list of Finding
        Per site (in order), one finding per rule.
    pieces : dict of GeoDataFrame
        Per layer key, the overlay pieces (``site`` is the site's position).
    inputs : list of InputRecord
        Provenance of every input.
    warnings : list of str
        Things that did not stop the run but a reviewer should know.
    context : dict of GeoDataFrame
        Per layer key, the features read near the sites (``_id``, ``_code``,
        ``_name`` and geometry, in the analysis CRS), for maps.
    coverage : Coverage or None
        What describes each layer's land (:mod:`landcheck.coverage`).
    facts : list of ProjectFacts
        Per site (in order), its project facts and where each came from.
    stage : str
        ``preexam`` or ``approval``: which documents are needed now.
    geometry_kept : bool
        False when the check was asked not to keep geometry
        (``keep_geometry=False``): ``pieces`` then have no outlines and
        ``context`` is empty, so only findings.json can be written from it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"], "project_type": ["grid_500kv"],
    ...     "plan_level": ["national"], "plan_ref": ["全国电力发展规划"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_200, 2_700_100)])
    >>> farmland = gpd.GeoDataFrame({"BSM": ["F1"]}, crs=4523,
    ...     geometry=[box(35_420_100, 2_700_000, 35_420_300, 2_700_100)])
    >>> result = check(site, layers={"farmland": farmland}, area_method="planar")
    >>> result.layer_area("S1", "farmland").ha, result.layer("S1", "farmland").share
    (1.0, 0.5)
    >>> [(f.check, f.status) for f in result.site_findings("S1")][0]
    ('permanent_farmland', 'conditional')
    >>> sorted(result.tables)
    ['classes', 'findings', 'inputs', 'layers', 'pieces', 'sites']
    """

    profile: Profile
    analysis_crs: CRS
    crs_reason: str
    created: datetime
    sites: gpd.GeoDataFrame
    site_layers: list[dict[str, SiteLayer]]
    findings: list[list[Finding]]
    pieces: Mapping[str, gpd.GeoDataFrame]
    inputs: list[InputRecord]
    warnings: list[str] = field(default_factory=list)
    context: Mapping[str, gpd.GeoDataFrame] = field(default_factory=dict)
    coverage: Coverage | None = None
    facts: list[ProjectFacts] = field(default_factory=list)
    stage: str = "preexam"
    geometry_kept: bool = True

    # ------------------------------------------------------------------ lookups
    @cached_property
    def _positions(self) -> dict[str, int]:
        return {sid: i for i, sid in enumerate(self.sites["site_id"])}

    def _position(self, site_id: str) -> int:
        try:
            return self._positions[str(site_id)]
        except KeyError:
            known = ", ".join(list(self._positions)[:10])
            raise KeyError(f"no site {site_id!r}; sites: {known}") from None

    @property
    def site_ids(self) -> list[str]:
        """Site ids in input order."""
        return list(self._positions)

    def status(self, site_id: str) -> str:
        """A site's overall status: its worst finding's."""
        return worst_status([f.status for f in self.findings[self._position(site_id)]])

    def site_findings(self, site_id: str) -> list[Finding]:
        """The findings of one site, in profile order."""
        return self.findings[self._position(site_id)]

    def documents(self, site_id: str) -> list[Text]:
        """Every document a site's applicant must prepare, in order, without repeats.

        At the pre-examination stage the profile's baseline materials (the 预审
        application's own) first, then those the findings require; at the approval
        stage only those the findings require. A site that needs no 预审 (wholly on
        approved construction land) and no site selection (its land transferred, 出让)
        is asked for no baseline either.
        """
        return self._documents_of(self.site_findings(site_id), self._position(site_id))[0]

    def documents_later(self, site_id: str) -> list[Text]:
        """Documents the findings need at a later stage (报批), in order, without repeats.

        Empty at the approval stage, when every document is needed now.
        """
        return self._documents_of(self.site_findings(site_id), self._position(site_id))[1]

    def _documents_of(
        self, findings: list[Finding], position: int
    ) -> tuple[list[Text], list[Text]]:
        """:meth:`documents` and :meth:`documents_later` of a site's findings."""
        baseline = self.stage == "preexam" and not self._nothing_to_apply_for(findings, position)
        documents = list(self.profile.documents) if baseline else []
        seen = {d.zh for d in documents}
        for finding in findings:
            for document in finding.documents:
                if document.zh not in seen:
                    seen.add(document.zh)
                    documents.append(document)
        later: list[Text] = []
        for finding in findings:
            for document in finding.documents_later:
                if document.zh not in seen:
                    seen.add(document.zh)
                    later.append(document)
        return documents, later

    def _nothing_to_apply_for(self, findings: list[Finding], position: int) -> bool:
        """Whether a site needs neither 预审 nor site selection, so no 预审 application.

        自然资规〔2019〕2号 §一: land already approved for construction needs no 预审;
        allocated (划拨) land, or land whose supply is not declared, still needs the
        site-selection part of the 用地预审与选址意见书, whose application is the baseline.
        """
        spared = any(f.check == "preexam_needed" and f.outcome == "not_required" for f in findings)
        supply = self.facts[position].land_supply if self.facts else None
        return spared and supply == "transfer"

    def documents_possible(self, site_id: str) -> list[PossibleDocument]:
        """Documents the site's checks that could not be made may need, apart from the rest.

        For each finding of status ``unknown``, the documents its rule's other
        outcomes ask for at this stage, in profile order: what the applicant may
        have to prepare once the check can be made. Outcomes the site's declared
        facts can never come to are left out (:func:`~landcheck.rules.apply.unreachable_outcomes`:
        a PV array is never asked for the farmland 补划方案, an expressway never moved
        inside the urban boundary); with no project type declared, none is. A document
        the site is already asked for (:meth:`documents`, :meth:`documents_later`) is
        left out; one several checks may need is listed once, naming them all, and
        as needed now if any of them would need it now. findings.json does not
        hold this list: it is derived for the reports.
        """
        position = self._position(site_id)
        findings = self.site_findings(site_id)
        now, later = self._documents_of(findings, position)
        asked = {d.zh for d in (*now, *later)}
        facts = self.facts[position] if self.facts else ProjectFacts()
        kind = reach_key(facts)
        possible: dict[str, PossibleDocument] = {}
        for finding in findings:
            if finding.status != "unknown":
                continue
            for document, is_later in self._other_documents(finding, facts, kind):
                if document.zh in asked:
                    continue
                known = possible.get(document.zh)
                if known is None:
                    possible[document.zh] = PossibleDocument(document, (finding.title,), is_later)
                elif finding.title not in known.checks:
                    checks = (*known.checks, finding.title)
                    possible[document.zh] = PossibleDocument(
                        known.document, checks, known.later and is_later
                    )
        return sorted(possible.values(), key=lambda d: d.later)

    def _other_documents(
        self, finding: Finding, facts: ProjectFacts, kind: tuple[Any, ...]
    ) -> list[tuple[Text, bool]]:
        """:func:`_other_outcomes_documents` of a finding's rule for a project of ``facts``.

        Made once per rule, outcome and set of outcomes the facts cannot come to; that set
        once per rule and kind of project (``kind``: :func:`~landcheck.rules.core.reach_key`
        of the facts).
        """
        rule = self._rules.get(finding.check)
        if rule is None:
            return []
        reach = (rule.id, kind)
        unreachable = self._unreachable_made.get(reach)
        if unreachable is None:
            unreachable = unreachable_outcomes(rule, facts, self.profile)
            self._unreachable_made[reach] = unreachable
        key = (finding.check, finding.outcome, unreachable)
        found = self._other_documents_made.get(key)
        if found is None:
            found = _other_outcomes_documents(rule, finding.outcome, self.stage, unreachable)
            self._other_documents_made[key] = found
        return found

    @cached_property
    def _unreachable_made(self) -> dict[tuple[str, tuple[Any, ...]], frozenset[str]]:
        """:func:`unreachable_outcomes` made, by rule and :func:`reach_key` of the facts."""
        return {}

    @cached_property
    def _rules(self) -> dict[str, RuleSpec]:
        """The profile's rules by id."""
        return {rule.id: rule for rule in self.profile.rules}

    @cached_property
    def _other_documents_made(
        self,
    ) -> dict[tuple[str, str, frozenset[str]], list[tuple[Text, bool]]]:
        """What :meth:`_other_documents` has made, by rule, outcome and outcomes left out."""
        return {}

    def layer(self, site_id: str, key: str) -> SiteLayer:
        """One site's view of one layer (overlap, classes, uncovered…)."""
        return self.site_layers[self._position(site_id)][key]

    def layer_area(self, site_id: str, key: str) -> Area:
        """The dissolved overlap of a site with a layer."""
        return self.layer(site_id, key).overlap

    @property
    def area_method(self) -> str:
        """The area method driving findings (``"ellipsoidal"`` or ``"planar"``)."""
        return self.profile.analysis.area_method.value

    # ------------------------------------------------------------------ tables
    @cached_property
    def statuses(self) -> pd.Series:
        """Overall status per site id."""
        return pd.Series(
            [worst_status([f.status for f in fs]) for fs in self.findings],
            index=pd.Index(self.sites["site_id"], name="site_id"),
            name="status",
        )

    def measuring_crs(self, site_id: str) -> str:
        """The CRS a site's planar areas are measured in (its own zone; ``EPSG:4528``)."""
        return str(self._measuring_labels[self._position(site_id)])

    @cached_property
    def _measuring_labels(self) -> list[str]:
        if "measuring_crs" in self.sites:
            return self.sites["measuring_crs"].astype(str).tolist()
        return [crs_label(self.analysis_crs)] * len(self.sites)

    @cached_property
    def summary(self) -> gpd.GeoDataFrame:
        """One row per site: ids, name, class, areas, measuring CRS, status, and geometry."""
        method = self.profile.analysis.area_method
        frame = self.sites[
            [
                "site_id",
                "name",
                "project_class",
                "linear",
                "planar_m2",
                "ellipsoidal_m2",
                "geometry",
            ]
        ].copy()
        frame["measuring_crs"] = self._measuring_labels
        frame["ha"] = [
            Area(p, e, method).ha
            for p, e in zip(frame.planar_m2, frame.ellipsoidal_m2, strict=True)
        ]
        frame["mu"] = [
            Area(p, e, method).mu
            for p, e in zip(frame.planar_m2, frame.ellipsoidal_m2, strict=True)
        ]
        frame["status"] = self.statuses.to_numpy()
        columns = [
            "site_id",
            "name",
            "project_class",
            "linear",
            "status",
            "planar_m2",
            "ellipsoidal_m2",
            "ha",
            "mu",
            "measuring_crs",
            "geometry",
        ]
        return frame[columns]

    @cached_property
    def layer_table(self) -> pd.DataFrame:
        """One row per (site, layer): overlap areas, share, availability.

        Built a column at a time.
        """
        owners = [
            (sid, key)
            for sid, views in zip(self.sites["site_id"], self.site_layers, strict=True)
            for key in views
        ]
        if not owners:
            return pd.DataFrame()
        views = [view for views in self.site_layers for view in views.values()]
        overlaps = [view.overlap for view in views]
        return pd.DataFrame(
            {
                "site_id": [sid for sid, _ in owners],
                "layer": [key for _, key in owners],
                **_fields(views, "kind", "available"),
                **_fields(overlaps, "planar_m2", "ellipsoidal_m2", "ha", "mu"),
                "share": [view.share for view in views],
                "uncovered_m2": [view.uncovered.m2 for view in views],
            }
        )

    @cached_property
    def class_table(self) -> pd.DataFrame:
        """One row per (site, layer, class code) for class layers.

        Rows by site, then layer (profile order), then class as each site's rows
        are kept; built per layer from its numpy rows (:class:`landcheck.measure.Rows`)
        in one constructor, not one frame per site and layer.
        """
        site_ids = self.sites["site_id"].to_numpy()
        parts: dict[str, tuple[Rows, list[int]]] = {}  # layer → its rows and sites listed
        for position, views in enumerate(self.site_layers):
            for key, view in views.items():
                rows = view.class_rows
                if not len(rows) or rows.rows is None or not rows.rows.columns:
                    continue
                # a layer's views all read its one table (LayerMeasure's)
                parts.setdefault(key, (rows.rows, []))[1].append(position)
        if not parts:
            return pd.DataFrame()
        # a site's layers in the order its views list them (the profile's, the same for all)
        listed = {key: rank for rank, key in enumerate(self.site_layers[0])}
        frames, order_sites, order_ranks = [], [], []
        for key, (table, positions) in parts.items():
            spans = np.array([table.span(p) for p in positions]).reshape(-1, 2)
            lengths = spans[:, 1] - spans[:, 0]
            # each site's rows start..stop, all at once
            taken = np.arange(lengths.sum()) + np.repeat(
                spans[:, 0] - lengths.cumsum() + lengths, lengths
            )
            sites = np.repeat(positions, lengths)
            data = {name: values[taken] for name, values in table.columns.items()}
            index = table.index
            ordered = {index: data.pop(index)} if index else {}
            frames.append(
                pd.DataFrame({"site_id": site_ids[sites], "layer": key, **ordered, **data})
            )
            order_sites.append(sites)
            order_ranks.append(np.full(len(sites), listed[key]))
        # columns in the order a site-by-site concatenation meets them: layers by the first
        # site that has rows of them
        first = sorted(
            range(len(frames)), key=lambda i: (int(order_sites[i][0]), int(order_ranks[i][0]))
        )
        whole = pd.concat([frames[i] for i in first], ignore_index=True)
        sites = np.concatenate([order_sites[i] for i in first])
        layer_ranks = np.concatenate([order_ranks[i] for i in first])
        order = np.lexsort((layer_ranks, sites))  # stable: a site's rows keep their order
        return whole.take(order).reset_index(drop=True)

    @cached_property
    def finding_table(self) -> pd.DataFrame:
        """One row per finding.

        Built a column at a time; the findings of a rule share its citations and
        documents, joined once each (:func:`~landcheck.rules.core.cited_basis`).
        ``documents`` lists those needed now, then those of 报批 (``documents_later``)
        marked "（后续报批时提交）", as the reports' 须提交材料 do.
        """
        from landcheck.tables.findings import LATER  # the tables import this module

        findings = [f for fs in self.findings for f in fs]
        if not findings:
            return pd.DataFrame()
        messages = [f.message for f in findings]  # rendered when read: once
        listed = {(f.documents, f.documents_later) for f in findings}
        documents = {
            (now, later): "；".join([*(t.zh for t in now), *(t.zh + LATER["zh"] for t in later)])
            for now, later in listed
        }
        return pd.DataFrame(
            {
                **_fields(findings, "site_id", "check", "layer", "status", "outcome"),
                "area_m2": [f.area.m2 for f in findings],
                "message_zh": [m.zh for m in messages],
                "message_en": [m.en for m in messages],
                "basis": [
                    "；".join(cited_basis(f.basis, f.basis_dates, f.basis_marks)[0])
                    for f in findings
                ],
                "documents": [documents[f.documents, f.documents_later] for f in findings],
            }
        )

    @cached_property
    def piece_table(self) -> gpd.GeoDataFrame:
        """Every overlay piece of every layer, with site id, layer key and feature attributes."""
        ids = self.sites["site_id"].to_numpy()
        frames = []
        for key, pieces in self.pieces.items():
            if pieces is None or pieces.empty:
                continue
            part = pd.DataFrame(
                {
                    "site_id": ids[pieces["site"].to_numpy()],
                    "layer": key,
                    "feature_id": pieces["_id"].astype(str).to_numpy()
                    if "_id" in pieces
                    else pieces["feature"].astype(str).to_numpy(),
                    "code": pieces["_code"].to_numpy() if "_code" in pieces else "",
                    "name": pieces["_name"].to_numpy() if "_name" in pieces else "",
                    "planar_m2": pieces["planar_m2"].to_numpy(),
                    "ellipsoidal_m2": pieces["ellipsoidal_m2"].to_numpy(),
                    "counted_planar_m2": pieces["counted_planar_m2"].to_numpy(),
                    "counted_ellipsoidal_m2": pieces["counted_ellipsoidal_m2"].to_numpy(),
                    "deduction": pieces["_deduction"].to_numpy() if "_deduction" in pieces else 0.0,
                }
            )
            frames.append(
                gpd.GeoDataFrame(part, geometry=pieces.geometry.values, crs=self.analysis_crs)
            )
        if not frames:
            return gpd.GeoDataFrame(
                {
                    c: []
                    for c in (
                        "site_id",
                        "layer",
                        "feature_id",
                        "code",
                        "name",
                        "planar_m2",
                        "ellipsoidal_m2",
                        "counted_planar_m2",
                        "counted_ellipsoidal_m2",
                        "deduction",
                    )
                },
                geometry=[],
                crs=self.analysis_crs,
            )
        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=self.analysis_crs)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables: sites, layers, classes, findings, pieces, inputs."""
        return {
            "sites": self.summary,
            "layers": self.layer_table,
            "classes": self.class_table,
            "findings": self.finding_table,
            "pieces": self.piece_table,
            "inputs": pd.DataFrame([r.to_dict() for r in self.inputs]),
        }

    # ------------------------------------------------------------------ JSON
    def _layer_dict(self, view: SiteLayer, method: Any, listed: _Listed) -> dict[str, Any]:
        spec = self.profile.layers[view.key]
        position = view.position
        classes, admin, features = map(listed, view.tables or (None, None, None))
        out: dict[str, Any] = {
            "kind": view.kind,
            "title": spec.title.to_dict(),
            "available": view.available,
            "overlap": view.overlap.to_dict(),
            "share": float(view.share),
            "features": _features_list(features, position),
        }
        if not view.available:
            out["reason"] = view.reason
        if view.described_by is not None:
            out["described_by"] = view.described_by.to_dict()
            out["outside"] = {
                "planar_m2": float(view.outside.planar_m2),
                "ellipsoidal_m2": float(view.outside.ellipsoidal_m2),
            }
        out["band_outside"] = _bands_list(view)
        if view.classification is not None:
            out["classification"] = view.classification
        if view.has_classes or view.kind in ("land_use", "planning_zone"):
            out["classes"] = _classes_dict(classes, position)
            out["uncovered"] = {
                "planar_m2": float(view.uncovered.planar_m2),
                "ellipsoidal_m2": float(view.uncovered.ellipsoidal_m2),
            }
        if view.kind == "land_use" and view.available:
            out.update(_land_use_summary(view, method))
        units = _admin_dict(admin, position)
        if units:
            out["admin"] = units
        if view.unresolved_codes:
            out["unresolved_codes"] = list(view.unresolved_codes)
        if view.search_m > 0:
            out["nearest"] = {
                "distance_m": view.nearest_m,
                "feature_id": view.nearest_id,
                "search_m": view.search_m,
            }
        attributes = _attributes_list(listed(view.attribute_table), position)
        if attributes:  # review layers: areas by grade, zone, level…
            out["attributes"] = attributes
        return out

    @cached_property
    def _site_columns(self) -> dict[str, list[Any]]:
        """The sites' columns findings.json reads, as lists (no pandas row per site)."""
        columns = ("site_id", "name", "project_class", "linear", "planar_m2", "ellipsoidal_m2")
        return {column: self.sites[column].tolist() for column in columns}

    def _site_dict(
        self, position: int, finding_entry: Callable[[Finding], Any], listed: _Listed
    ) -> dict[str, Any]:
        column = self._site_columns
        site_id = str(column["site_id"][position])
        method = self.profile.analysis.area_method
        findings = self.findings[position]
        documents, later = self._documents_of(findings, position)
        return {
            "site_id": site_id,
            "name": str(column["name"][position]),
            "project_class": column["project_class"][position],
            "linear": bool(column["linear"][position]),
            "area": area_dict(
                float(column["planar_m2"][position]),
                float(column["ellipsoidal_m2"][position]),
                method,
            ),
            "measuring_crs": self._measuring_labels[position],
            "status": worst_status([f.status for f in findings]),
            "layers": {
                key: self._layer_dict(view, method, listed)
                for key, view in self.site_layers[position].items()
            },
            "findings": [finding_entry(f) for f in findings],
            "documents": [d.zh for d in documents],
            "documents_en": [d.en for d in documents],
            "documents_later": [d.zh for d in later],
            "documents_later_en": [d.en for d in later],
            **({"facts": self.facts[position].to_dict()} if self.facts else {}),
        }

    def run_dict(self) -> dict[str, Any]:
        """findings.json without its ``sites``: the run's facts, inputs, warnings and summary.

        :meth:`to_dict` is this dict followed by ``sites`` (:meth:`site_dicts`);
        :func:`landcheck.report.json.write_json` writes the two apart, a site at a
        time, so a batch's findings are never all in memory at once.
        """
        counts = self.statuses.value_counts()
        return {
            "schema": FINDINGS_SCHEMA,
            "landcheck_version": __version__,
            "created": self.created.isoformat(timespec="seconds"),
            "profile": {
                "name": self.profile.name,
                "version": self.profile.version,
                "origin": self.profile.origin,
            },
            "analysis_crs": crs_label(self.analysis_crs),
            "analysis_crs_reason": self.crs_reason,
            "area_method": self.area_method,
            "stage": self.stage,
            "sliver": {
                "area_m2": self.profile.analysis.sliver_area_m2,
                "width_m": self.profile.analysis.sliver_width_m,
            },
            "inputs": [r.to_dict() for r in self.inputs],
            **({"coverage": self.coverage.to_dict()} if self.coverage is not None else {}),
            "warnings": list(self.warnings),
            "summary": {s: int(counts.get(s, 0)) for s in STATUSES},
        }

    def site_dicts(
        self,
        *,
        finding_entry: Callable[[Finding], Any] = Finding.to_dict,
        positions: range | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The ``sites`` entries of findings.json, one site at a time, in order.

        ``finding_entry(finding)`` gives the entry of a finding (default:
        :meth:`Finding.to_dict`); findings.json's writer gives its text instead.
        ``positions``: the entries of the sites at these positions only
        (default: every site's).
        """
        positions = range(len(self.sites)) if positions is None else positions
        for start in range(0, len(positions), _LISTED_SITES):
            run = positions[start : start + _LISTED_SITES]
            listed = _Listed(run)
            for position in run:
                yield self._site_dict(position, finding_entry, listed)

    def to_dict(self) -> dict[str, Any]:
        """Return findings.json (schema ``landcheck/findings@1``) as a dict."""
        return {**self.run_dict(), "sites": list(self.site_dicts())}

    def to_report(
        self,
        directory: str,
        *,
        formats: str | list[str] | None = None,
        overwrite: bool = False,
        lang: str = "zh",
    ) -> dict[str, str]:
        """Write the report folder; see :func:`landcheck.report.write_report`.

        Raises
        ------
        InputDataError
            A format other than findings.json and the boundary TXT asked of a
            result checked without its geometry (``keep_geometry=False``).
        """
        from landcheck.report import write_report
        from landcheck.report.formats import WITHOUT_GEOMETRY, parse_formats

        if not self.geometry_kept:
            drawn = [name for name in parse_formats(formats) if name not in WITHOUT_GEOMETRY]
            if drawn:
                self._require_geometry(f"writing {', '.join(drawn)}")
        return write_report(self, directory, formats=formats, overwrite=overwrite, lang=lang)

    def _require_geometry(self, what: str) -> None:
        """Refuse ``what`` when the check did not keep the geometry it needs."""
        if not self.geometry_kept:
            raise InputDataError(
                f"{what} needs the overlaps' geometry, which this result does not hold (it was "
                "checked with keep_geometry=False); check again with keep_geometry=True, or "
                "write findings.json and the boundary TXT only (formats='json,txt')"
            )

    def __repr__(self) -> str:
        counts = self.statuses.value_counts()
        parts = ", ".join(f"{s}: {int(counts[s])}" for s in STATUSES if s in counts)
        return (
            f"<CheckResult {len(self.sites)} site(s) against {len(self.profile.layers)} layer(s) "
            f"in {crs_label(self.analysis_crs)}, {self.area_method} areas; {parts}>"
        )

    # ------------------------------------------------------------------ notebooks
    def _repr_html_(self) -> str:
        """Jupyter's view: run facts, status counts and one line per site."""
        from landcheck.report.notebook import summary_html

        return summary_html(self)

    def plot(self, site_id: str, *, lang: str = "zh", panels: Any = None) -> Any:
        """Draw a site's map, as in report.html (a matplotlib Figure).

        See :func:`landcheck.report.maps.site_map` for the panels.
        """
        from landcheck.report.maps import site_map

        self._require_geometry("a site map")
        return site_map(self, site_id, lang=lang, panels=panels)

    def explore(self, site_id: str | None = None, **kwargs: Any) -> Any:
        """An interactive map of the sites and overlaps (folium; ``pip install landcheck[maps]``).

        See :func:`landcheck.report.notebook.explore`.
        """
        from landcheck.report.notebook import explore

        self._require_geometry("an interactive map")
        return explore(self, site_id, **kwargs)


def _other_outcomes_documents(
    rule: RuleSpec, chosen: str, stage: str, unreachable: frozenset[str]
) -> list[tuple[Text, bool]]:
    """The documents of a rule's outcomes other than ``chosen`` at ``stage``, each once.

    Outcomes in ``unreachable`` (those the site's facts cannot come to) are left out.
    Each with whether it comes later (at 报批); one an outcome needs now is needed now.
    """
    documents: dict[str, tuple[Text, bool]] = {}
    for name, outcome in rule.outcomes.items():
        if name == chosen or name in unreachable:
            continue
        now, later = outcome.documents_at(stage)
        for document in now:
            documents[document.zh] = (document, False)
        for document in later:
            documents.setdefault(document.zh, (document, True))
    return list(documents.values())


def _bands_list(view: SiteLayer) -> list[dict[str, float]] | None:
    """findings.json's ``band_outside`` of a layer: per proximity distance, the band beyond.

    For each distance of the proximity rules reading the layer, the part of the
    ground within it around the site (the site left out) beyond the described
    area, with its largest mean width; None when no band was measured (no
    proximity rule reads the layer, it could not be used, or coverage does not
    apply to its kind).
    """
    if view.band_outside is None:
        return None
    return [
        {
            "distance_m": float(distance),
            "planar_m2": float(gap.area.planar_m2),
            "ellipsoidal_m2": float(gap.area.ellipsoidal_m2),
            "width_m": float(gap.width_m),
        }
        for distance, gap in sorted(view.band_outside.items())
    ]


def _fields(items: list[Any], *names: str) -> dict[str, list[Any]]:
    """Each named attribute of ``items`` as a column: name → the items' values, in order."""
    return {name: [getattr(item, name) for item in items] for name in names}
