"""Rules: evaluators that turn a site's overlaps into findings.

A profile rule names an *evaluator* (``check:``) from :data:`EVALUATORS`, the
layer it reads, parameters, its legal basis, and the *outcomes* the evaluator
may choose, each with a status, a bilingual message template and the
documents it requires. Evaluators hold the logic; the wording and the law
stay in the profile as data.

Every rule also has three built-in outcomes a profile may override:
``unknown`` (the layer has no usable source: fail closed, never
``not_involved``), ``incomplete`` (a class layer does not cover the whole
site, or has codes its table does not know) and ``outside`` (part of the site
lies outside the area the layers describe, :mod:`landcheck.coverage`, and the
evaluator's outcome rests on the absence of features there; outcomes in an
evaluator's ``evidence`` — a conflict found inside the described area — stand).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from landcheck.errors import shown
from landcheck.measure import SiteLayer
from landcheck.profile import (
    STATUSES,
    AnalysisOptions,
    Basis,
    Outcome,
    Profile,
    RuleSpec,
    Text,
)
from landcheck.units import M2_PER_HA, M2_PER_MU, Area, AreaMethod

__all__ = [
    "EVALUATORS",
    "Decision",
    "Evaluator",
    "Finding",
    "RuleInput",
    "SiteInfo",
    "evaluate_site",
    "search_distance",
    "validate_rule",
    "worst_status",
]


@dataclass(frozen=True)
class SiteInfo:
    """What rules know about a site itself."""

    site_id: str
    name: str
    project_class: str | None
    linear: bool
    area: Area
    attributes: Mapping[str, Any] = field(default_factory=dict)
    """The site's own fields as read (project facts such as 总投资 for the land-use standard)."""


@dataclass(frozen=True)
class RuleInput:
    """Everything an evaluator may read."""

    site: SiteInfo
    layer: SiteLayer
    layers: Mapping[str, SiteLayer]
    params: Mapping[str, Any]
    options: AnalysisOptions
    profile: Profile

    def is_sliver(self, area_m2: float, width_m: float | None = None) -> bool:
        """True when an overlap is a boundary-precision sliver, not a conflict."""
        if area_m2 < self.options.sliver_area_m2:
            return True
        return width_m is not None and 0.0 < width_m < self.options.sliver_width_m

    def in_classes(self, param: str) -> bool:
        """True when the site's project class is listed in a parameter."""
        return self.site.project_class in (self.params.get(param) or ())


@dataclass(frozen=True)
class Decision:
    """An evaluator's choice: the outcome, the area it is about, template values."""

    outcome: str
    area: Area
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluator:
    """A named piece of rule logic.

    Attributes
    ----------
    name : str
        The name profiles use in ``check:``.
    kinds : tuple of str
        Layer kinds it can read.
    outcomes : tuple of str
        Outcomes the profile must define.
    numbers, texts : tuple of str
        Template values it supplies beyond the common ones.
    params : dict
        Parameter name → ``"classes"`` (list of project-class keys),
        ``"distance"`` (metres, a number > 0) or ``"number"`` (a number ≥ 0).
    func : callable
        ``RuleInput → Decision``.
    evidence : tuple of str
        Outcomes that rest on features found (a conflict), which stand even
        when part of the site lies outside the area the layers describe; any
        other outcome then becomes ``outside`` (unknown).
    """

    name: str
    kinds: tuple[str, ...]
    outcomes: tuple[str, ...]
    func: Callable[[RuleInput], Decision]
    numbers: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One finding: a rule's verdict for one site."""

    site_id: str
    check: str
    layer: str
    status: str
    area: Area
    message: Text
    basis: tuple[Text, ...]
    basis_dates: tuple[str, ...]
    documents: tuple[Text, ...]
    outcome: str
    title: Text

    @property
    def citations(self) -> list[Basis]:
        """The legal basis with the date of each text."""
        return [Basis(b, d) for b, d in zip(self.basis, self.basis_dates, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        """Return the findings.json form of this finding."""
        return {
            "check": self.check,
            "layer": self.layer,
            "status": self.status,
            "outcome": self.outcome,
            "area_m2": float(self.area.m2),
            "area_planar_m2": float(self.area.planar_m2),
            "area_ellipsoidal_m2": float(self.area.ellipsoidal_m2),
            "title": self.title.to_dict(),
            "message": self.message.to_dict(),
            "basis": [b.cite("zh") for b in self.citations],
            "basis_en": [b.cite("en") for b in self.citations],
            "documents": [d.zh for d in self.documents],
            "documents_en": [d.en for d in self.documents],
        }


COMMON_NUMBERS = ("area_m2", "area_ha", "area_mu", "share_pct", "site_area_ha")
COMMON_TEXTS = ("site_id", "site_name", "project_class", "a_project_class", "layer", "reason")
"""Texts every template may use; ``a_project_class`` is the class title with its English
article ("an industrial project", "another project"); in Chinese it is the title itself."""

_VOWEL_SOUNDS = ("a", "e", "i", "o", "u", "hour", "honest", "honour")
_CONSONANT_SOUNDS = ("eu", "one", "uni", "use", "usu")


def _with_article(title: Text) -> Text:
    """A project-class title with the indefinite article it takes in English.

    Examples
    --------
    >>> for en in ("industrial project", "other project", "mining project",
    ...            "urban renewal project", "European-funded project"):
    ...     print(_with_article(Text("工业项目", en)).en)
    an industrial project
    another project
    a mining project
    an urban renewal project
    a European-funded project
    """
    en = title.en.strip()
    lowered = en.lower()
    if lowered.startswith("other "):
        return Text(title.zh, "an" + en)
    vowel = lowered.startswith(_VOWEL_SOUNDS) and not lowered.startswith(_CONSONANT_SOUNDS)
    return Text(title.zh, f"{'an' if vowel else 'a'} {en}")


_DEFAULT_OUTCOMES = {
    "unknown": Outcome(
        "unknown",
        Text(
            "{layer}图层未能使用（{reason}），无法判断本项；请提供该图层后重新审查。",
            "The {layer} layer could not be used ({reason}), so this check could not be "
            "made; supply the layer and run the check again.",
        ),
    ),
    "incomplete": Outcome(
        "unknown",
        Text(
            "{layer}图层未能完整覆盖项目用地或含未知代码（{reason}），无法完整判断本项。",
            "The {layer} layer does not fully describe the site ({reason}), so this check "
            "could not be completed.",
        ),
    ),
    "outside": Outcome(
        "unknown",
        Text(
            "项目用地有{area_ha:.4f}公顷位于图层所描述的范围之外（{reason}），{layer}图层对该部分"
            "未作描述，无法判断本项；请提供覆盖该范围的数据后重新审查。",
            "{area_ha:.4f} ha of the site lie outside the area the layers describe ({reason}); "
            "the {layer} layer says nothing there, so this check could not be made. Supply "
            "data that covers the site and run the check again.",
        ),
    ),
}


def worst_status(statuses: list[str] | tuple[str, ...]) -> str:
    """Return the worst status (prohibited > unknown > conditional > info > not_involved).

    Examples
    --------
    >>> worst_status(["info", "conditional", "not_involved"])
    'conditional'
    >>> worst_status([])
    'not_involved'
    """
    ranks = [STATUSES.index(s) for s in statuses]
    return STATUSES[min(ranks)] if ranks else "not_involved"


def _outside_gap(inp: RuleInput) -> Text | None:
    """Why the layers do not describe the whole site (not a boundary-precision strip), or None."""
    layer = inp.layer
    if layer.described_by is None or layer.outside.m2 <= 0.0:
        return None
    if inp.is_sliver(layer.outside.m2, layer.outside_width_m):
        return None
    return Text(
        f"{layer.outside.m2:,.2f} 平方米位于{layer.described_by.zh}之外",
        f"{layer.outside.m2:,.2f} m² outside {layer.described_by.en}",
    )


def _ha(area: float) -> float:
    return area / M2_PER_HA


def _involvement(inp: RuleInput, area: Area, width: float | None) -> str | None:
    """Shared start of overlap rules: not involved, a sliver, or None (involved)."""
    if area.m2 <= 0.0:
        return "not_involved"
    if inp.is_sliver(area.m2, width):
        return "sliver"
    return None


def _permanent_farmland(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    outcome = _involvement(inp, area, inp.layer.max_width_m)
    if outcome is None:
        outcome = "state_council" if inp.in_classes("allowed_classes") else "relocate"
    return Decision(outcome, area)


def _eco_redline(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    outcome = _involvement(inp, area, inp.layer.max_width_m)
    if outcome is None:
        if inp.site.linear and inp.in_classes("linear_classes"):
            outcome = "linear_infrastructure"
        elif inp.in_classes("major_classes"):
            outcome = "major_project"
        else:
            outcome = "prohibited"
    return Decision(outcome, area)


def _urban_boundary(inp: RuleInput) -> Decision:
    inside, outside = inp.layer.overlap, inp.layer.uncovered
    values = {
        "inside_ha": _ha(inside.m2),
        "outside_ha": _ha(outside.m2),
        "outside_mu": outside.m2 / M2_PER_MU,
        "outside_m2": outside.m2,
    }
    if outside.m2 <= 0.0:
        outcome = "inside"
    elif inside.m2 > 0.0 and inp.is_sliver(outside.m2, inp.layer.uncovered_width_m):
        outcome = "sliver"
    elif inp.in_classes("single_site_classes"):
        outcome = "single_site"
    else:
        outcome = "not_permitted"
    return Decision(outcome, outside, values)


def _land_use_gap(inp: RuleInput) -> str | None:
    """Why a class layer cannot fully describe the site, or None."""
    layer = inp.layer
    reasons = []
    if layer.uncovered.m2 > 0.0 and not inp.is_sliver(layer.uncovered.m2, layer.uncovered_width_m):
        reasons.append(f"{layer.uncovered.m2:.2f} m² of the site not covered / 未覆盖")
    if layer.unresolved_codes:
        reasons.append("unknown codes / 未知代码 " + ", ".join(layer.unresolved_codes))
    return "; ".join(reasons) or None


def _cultivated_land(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    gap = _land_use_gap(inp)
    if gap:
        return Decision("incomplete", inp.layer.uncovered, {"reason": gap})
    layer = inp.layer
    cultivated = layer.classes_where("level1", ("01",), method)
    values = {
        f"{name}_ha": _ha(layer.classes_where("table_code", (code,), method).m2)
        for name, code in (("paddy", "0101"), ("irrigated", "0102"), ("dry", "0103"))
    }
    values["tiankan_ha"] = _ha(layer.classes_where("level1", ("01",), method, ridges=True).m2)
    width = layer.width_where("level1", ("01",))
    outcome = _involvement(inp, cultivated, width) or "compensate"
    return Decision(outcome, cultivated, values)


_APPROVERS = {
    "state_council": Text("国务院", "the State Council"),
    "single_site": Text(
        "国务院或者国务院授权的省、自治区、直辖市人民政府",
        "the State Council or the provincial government it authorises",
    ),
    "batch": Text(
        "原批准国土空间规划的机关或者其授权的机关（按批次）",
        "the authority that approved the plan, or the one it authorises (in batches)",
    ),
    "unknown": Text(
        "国务院（如涉及永久基本农田）或省级人民政府（永久基本农田图层缺失，审批机关待定）",
        "the State Council (if permanent farmland is involved) or the province "
        "(farmland layer missing: approver undetermined)",
    ),
}


def _approver(inp: RuleInput) -> Text:
    """Who approves the conversion (Land Administration Law art. 44)."""
    kinds = {layer.kind: layer for layer in inp.layers.values()}
    farmland = kinds.get("permanent_farmland")
    if farmland is None or not farmland.available:
        return _APPROVERS["unknown"]
    if farmland.overlap.m2 >= inp.options.sliver_area_m2:
        return _APPROVERS["state_council"]
    boundary = kinds.get("urban_boundary")
    if (
        boundary is not None
        and boundary.available
        and boundary.overlap.m2 >= inp.site.area.m2 - inp.options.sliver_area_m2
    ):
        return _APPROVERS["batch"]
    return _APPROVERS["single_site"]


def _agricultural_conversion(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    gap = _land_use_gap(inp)
    if gap:
        return Decision("incomplete", inp.layer.uncovered, {"reason": gap})
    agricultural = inp.layer.classes_where("category", ("农用地",), method)
    construction = inp.layer.classes_where("category", ("建设用地",), method)
    unused = inp.layer.classes_where("category", ("未利用地",), method)
    values = {
        "construction_ha": _ha(construction.m2),
        "unused_ha": _ha(unused.m2),
        "approver": _approver(inp),
    }
    outcome = _involvement(inp, agricultural, inp.layer.width_where("category", ("农用地",)))
    if outcome == "not_involved" and unused.m2 > 0.0:
        return Decision("unused_only", unused, values)
    return Decision(outcome or "conversion", agricultural, values)


def _zone_list(layer: SiteLayer, mask: np.ndarray, lang: str, method: AreaMethod) -> str:
    rows = layer.class_rows
    sep = "、" if lang == "zh" else ", "
    unit = "公顷" if lang == "zh" else "ha"
    names = rows.column("name_en" if lang == "en" and rows.has("name_en") else "name")[mask]
    areas = rows.column(f"{method.value}_m2")[mask]
    return sep.join(
        f"{name}（{_ha(a):.4f} {unit}）" if lang == "zh" else f"{name} ({_ha(a):.4f} {unit})"
        for name, a in zip(names, areas, strict=True)
    )


def _planning_conformity(inp: RuleInput) -> Decision:
    method = inp.site.area.method
    layer = inp.layer
    if layer.unresolved_codes:
        return Decision(
            "unclassified", layer.uncovered, {"codes": ", ".join(layer.unresolved_codes)}
        )
    gap = _land_use_gap(inp)
    if gap:
        return Decision("incomplete", layer.uncovered, {"reason": gap})
    conforming = layer.class_rows.column("conformity") == "conforms"
    nonconforming = layer.class_area(~conforming, method)
    width = layer.width_where("conformity", ("needs_adjustment", "conflict"))
    outcome = _involvement(inp, nonconforming, width)
    mask = conforming if outcome == "not_involved" else ~conforming
    zones = Text(_zone_list(layer, mask, "zh", method), _zone_list(layer, mask, "en", method))
    if outcome == "not_involved":
        return Decision("conforms", layer.overlap, {"zones": zones})
    return Decision(outcome or "adjust", nonconforming, {"zones": zones})


def _proximity(inp: RuleInput) -> Decision:
    layer = inp.layer
    buffer_m = float(inp.params.get("distance_m", 0.0))
    values = {
        "buffer_m": buffer_m,
        "distance_m": layer.nearest_m if layer.nearest_m is not None else float("nan"),
        "nearest_id": layer.nearest_id or "",
    }
    if layer.overlap.m2 > 0.0 and not inp.is_sliver(layer.overlap.m2, layer.max_width_m):
        return Decision("overlaps", layer.overlap, values)
    if layer.nearest_m is not None and layer.nearest_m <= buffer_m:
        return Decision("near", layer.overlap, values)
    return Decision("clear", layer.overlap, values)


def _generic_overlap(inp: RuleInput) -> Decision:
    area = inp.layer.overlap
    return Decision(_involvement(inp, area, inp.layer.max_width_m) or "involved", area)


EVALUATORS: dict[str, Evaluator] = {
    e.name: e
    for e in (
        Evaluator(
            "permanent_farmland",
            ("permanent_farmland",),
            ("not_involved", "sliver", "state_council", "relocate"),
            _permanent_farmland,
            params={"allowed_classes": "classes"},
            evidence=("state_council", "relocate"),
        ),
        Evaluator(
            "eco_redline",
            ("eco_redline",),
            ("not_involved", "sliver", "linear_infrastructure", "major_project", "prohibited"),
            _eco_redline,
            params={"linear_classes": "classes", "major_classes": "classes"},
            evidence=("linear_infrastructure", "major_project", "prohibited"),
        ),
        Evaluator(
            "urban_boundary",
            ("urban_boundary",),
            ("inside", "sliver", "single_site", "not_permitted"),
            _urban_boundary,
            numbers=("inside_ha", "outside_ha", "outside_mu", "outside_m2"),
            params={"single_site_classes": "classes"},
        ),
        Evaluator(
            "cultivated_land",
            ("land_use",),
            ("not_involved", "sliver", "compensate"),
            _cultivated_land,
            numbers=("paddy_ha", "irrigated_ha", "dry_ha", "tiankan_ha"),
            evidence=("compensate",),
        ),
        Evaluator(
            "agricultural_conversion",
            ("land_use",),
            ("not_involved", "unused_only", "sliver", "conversion"),
            _agricultural_conversion,
            numbers=("construction_ha", "unused_ha"),
            texts=("approver",),
            evidence=("conversion", "unused_only"),
        ),
        Evaluator(
            "planning_conformity",
            ("planning_zone",),
            ("conforms", "sliver", "adjust", "unclassified"),
            _planning_conformity,
            texts=("zones", "codes"),
            evidence=("adjust",),
        ),
        Evaluator(
            "proximity",
            (
                "permanent_farmland",
                "eco_redline",
                "urban_boundary",
                "planning_zone",
                "land_use",
                "generic",
            ),
            ("overlaps", "near", "clear"),
            _proximity,
            numbers=("buffer_m", "distance_m"),
            texts=("nearest_id",),
            params={"distance_m": "distance"},
            evidence=("overlaps", "near"),
        ),
        Evaluator(
            "overlap",
            (
                "permanent_farmland",
                "eco_redline",
                "urban_boundary",
                "planning_zone",
                "land_use",
                "admin",
                "generic",
            ),
            ("not_involved", "sliver", "involved"),
            _generic_overlap,
            evidence=("involved",),
        ),
    )
}
"""Registry of evaluators by name (the ``check:`` of a profile rule)."""


MAX_FORMAT_WIDTH = 50
"""Largest width or precision a message template may ask for (``{area_ha:.4f}``)."""

MAX_DISTANCE_M = 10_000.0
"""Largest distance a rule parameter may give, in metres (the layer is read that far
around every site)."""

_FORMAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?",
    re.DOTALL,
)


def _template_fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f]


def _format_spec_problem(template: str) -> str | None:
    """Say what is wrong with a template's format specs, or return None.

    Each spec must be a plain one (``.2f``, ``>8.4f``) whose width and
    precision are at most :data:`MAX_FORMAT_WIDTH`.
    """
    for _, name, spec, _ in string.Formatter().parse(template):
        if not spec:
            continue
        match = _FORMAT_SPEC.fullmatch(spec)
        if match is None:
            return (
                f"format spec {shown(spec)} of {{{name}}} is not a plain spec such as .2f or >8.4f"
            )
        sizes = [int(match[g]) for g in ("width", "precision") if match[g]]
        if any(size > MAX_FORMAT_WIDTH for size in sizes):
            return (
                f"format spec {shown(spec)} of {{{name}}}: width and precision must be at "
                f"most {MAX_FORMAT_WIDTH}"
            )
    return None


def validate_rule(rule: RuleSpec, kind: str | None, classes: Mapping[str, Text]) -> list[str]:
    """Return every problem of one rule (empty when it is valid)."""
    problems = []
    evaluator = EVALUATORS.get(rule.check)
    if evaluator is None:
        return [
            f"check: {shown(rule.check)} is not an evaluator; use one of {', '.join(EVALUATORS)}"
        ]
    if kind is not None and kind not in evaluator.kinds:
        problems.append(
            f"check {rule.check!r} reads layers of kind {', '.join(evaluator.kinds)}, but layer "
            f"{rule.layer!r} is of kind {kind!r}"
        )
    for name in evaluator.outcomes:
        if name not in rule.outcomes:
            problems.append(f"outcomes.{name}: required by check {rule.check!r}")
    allowed = set(evaluator.outcomes) | set(_DEFAULT_OUTCOMES)
    for name in rule.outcomes:
        if name not in allowed:
            problems.append(
                f"outcomes.{name}: check {rule.check!r} never chooses it; outcomes: "
                + ", ".join(sorted(allowed))
            )
    numbers = set(COMMON_NUMBERS) | set(evaluator.numbers)
    texts = set(COMMON_TEXTS) | set(evaluator.texts)
    sample = {**dict.fromkeys(numbers, 1.0), **dict.fromkeys(texts, "x")}
    for name, outcome in rule.outcomes.items():
        for lang in ("zh", "en"):
            template = outcome.message.get(lang)
            try:
                unknown = [f for f in _template_fields(template) if f not in sample]
                spec_problem = _format_spec_problem(template)
            except ValueError as ex:  # unbalanced braces
                problems.append(f"outcomes.{name}.{lang}: bad template ({ex})")
                continue
            if unknown:
                problems.append(
                    f"outcomes.{name}.{lang}: unknown value(s) "
                    f"{', '.join(f if len(f) <= 40 else f[:37] + '...' for f in unknown)}; "
                    f"available: {', '.join(sorted(sample))}"
                )
                continue
            if spec_problem is not None:
                problems.append(f"outcomes.{name}.{lang}: {spec_problem}")
                continue
            try:
                template.format(**sample)
            except (ValueError, IndexError, KeyError) as ex:
                problems.append(f"outcomes.{name}.{lang}: bad template ({ex})")
    for name, kind_of_param in evaluator.params.items():
        if kind_of_param == "distance" and name not in rule.params:
            problems.append(f"params.{name}: required by check {rule.check!r} (metres)")
    for name, value in rule.params.items():
        expected = evaluator.params.get(name)
        if expected is None:
            valid = ", ".join(evaluator.params) or "none"
            problems.append(
                f"params.{name}: check {rule.check!r} takes no such parameter ({valid})"
            )
        elif expected == "distance":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or not 0 < value <= MAX_DISTANCE_M
            ):
                problems.append(
                    f"params.{name}: expected a distance in metres, more than 0 and at most "
                    f"{MAX_DISTANCE_M:,.0f}, got {shown(value)}"
                )
        elif expected == "number":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                problems.append(
                    f"params.{name}: expected a number of at least 0, got {shown(value)}"
                )
        elif expected == "classes":
            if not isinstance(value, list):
                problems.append(f"params.{name}: expected a list of project classes")
                continue
            unknown = [v for v in value if not isinstance(v, str) or v not in classes]
            if unknown:
                problems.append(
                    f"params.{name}: unknown project class(es) {', '.join(map(shown, unknown))}; "
                    f"defined: {', '.join(classes)}"
                )
    return problems


def _render(template: str, values: Mapping[str, Any], lang: str) -> str:
    local = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in values.items()}
    return template.format(**local)


def evaluate_rule(rule: RuleSpec, inp: RuleInput, layer_title: Text) -> Finding:
    """Evaluate one rule for one site and render its finding."""
    if not inp.layer.available:
        decision = Decision("unknown", inp.site.area, {"reason": inp.layer.reason})
    else:
        evaluator = EVALUATORS[rule.check]
        decision = evaluator.func(inp)
        gap = _outside_gap(inp)
        if gap is not None and decision.outcome not in evaluator.evidence:
            decision = Decision("outside", inp.layer.outside, {"reason": gap})
    outcome = rule.outcomes.get(decision.outcome) or _DEFAULT_OUTCOMES[decision.outcome]
    site = inp.site
    area = decision.area
    values: dict[str, Any] = {
        "area_m2": area.m2,
        "area_ha": area.ha,
        "area_mu": area.mu,
        "share_pct": 100.0 * area.m2 / site.area.m2 if site.area.m2 > 0 else 0.0,
        "site_area_ha": site.area.ha,
        "site_id": site.site_id,
        "site_name": site.name,
        "project_class": inp.profile.class_title(site.project_class or ""),
        "a_project_class": _with_article(inp.profile.class_title(site.project_class or "")),
        "layer": layer_title,
        "reason": "",
        **decision.values,
    }
    message = Text(
        _render(outcome.message.zh, values, "zh"), _render(outcome.message.en, values, "en")
    )
    return Finding(
        site_id=site.site_id,
        check=rule.id,
        layer=rule.layer,
        status=outcome.status,
        area=area,
        message=message,
        basis=tuple(b.text for b in rule.basis),
        basis_dates=tuple(b.date for b in rule.basis),
        documents=outcome.documents,
        outcome=decision.outcome,
        title=rule.title,
    )


def evaluate_site(
    profile: Profile, site: SiteInfo, layers: Mapping[str, SiteLayer]
) -> list[Finding]:
    """Evaluate every rule of a profile for one site.

    Parameters
    ----------
    profile : Profile
        The rules and options.
    site : SiteInfo
        The site.
    layers : mapping of str to SiteLayer
        The site's view of every layer, by key.

    Returns
    -------
    list of Finding
        One finding per rule, in profile order.

    Examples
    --------
    >>> from landcheck.measure import unavailable_layer
    >>> from landcheck.profile import load_profile
    >>> profile = load_profile()
    >>> area = Area(10_000.0, 9_998.0)
    >>> site = SiteInfo("S1", "厂区", "industrial", False, area)
    >>> views = {key: unavailable_layer(key, spec.kind, "not supplied", area)
    ...          for key, spec in profile.layers.items()}
    >>> {f.status for f in evaluate_site(profile, site, views)}
    {'unknown'}
    """
    findings = []
    for rule in profile.rules:
        layer = layers[rule.layer]
        inp = RuleInput(
            site=site,
            layer=layer,
            layers=layers,
            params=rule.params,
            options=profile.analysis,
            profile=profile,
        )
        findings.append(evaluate_rule(rule, inp, profile.layers[rule.layer].title))
    return findings


def search_distance(profile: Profile, layer: str) -> float:
    """How far around the sites a layer's features must be read (proximity rules).

    Examples
    --------
    >>> from landcheck.profile import load_profile
    >>> search_distance(load_profile(), "eco_redline")
    100.0
    """
    distances = [
        float(rule.params.get("distance_m", 0.0))
        for rule in profile.rules
        if rule.layer == layer and "distance_m" in rule.params
    ]
    return max(distances, default=0.0)


def _register_review() -> None:
    """Add the review checks (forest, wetland, protected areas…) of :mod:`landcheck.review`."""
    from landcheck.review import REVIEW_EVALUATORS  # it imports this module's types

    EVALUATORS.update(REVIEW_EVALUATORS)


_register_review()
