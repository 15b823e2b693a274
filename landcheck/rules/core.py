"""Rules: the machinery that turns a site's overlaps into findings.

A profile rule names an *evaluator* (``check:``) from
:data:`landcheck.rules.registry.EVALUATORS`, the
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
from dataclasses import dataclass, field, replace
from typing import Any

from landcheck.errors import ProfileError, shown
from landcheck.facts import ProjectFacts
from landcheck.measure import SiteLayer
from landcheck.profile import (
    STATUSES,
    AnalysisOptions,
    Basis,
    Outcome,
    Profile,
    RuleSpec,
    Text,
    rule_location,
)
from landcheck.projects import ListMatch, ProjectList, match_list
from landcheck.units import M2_PER_HA, Area

__all__ = [
    "Decision",
    "Evaluator",
    "Finding",
    "ProjectTotals",
    "RuleInput",
    "SiteInfo",
    "evaluate_site",
    "search_distance",
    "validate_profile",
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
    facts: ProjectFacts = field(default_factory=ProjectFacts)
    project: ProjectTotals | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    """The site's own fields as read (figures such as 总投资 for the land-use standard)."""


@dataclass(frozen=True)
class ProjectTotals:
    """Land of a whole project (its sites summed), for the 征收 authority (LAL art. 46).

    Attributes
    ----------
    project_id : str
        The project (the site id for a site of its own).
    site_ids : tuple of str
        The sites summed.
    farmland_m2 : float
        Permanent basic farmland taken (any ownership: 国务院 approves its 征收).
    cultivated_m2, other_m2 : float
        Collective 耕地 outside permanent farmland, and other collective land.
    complete : bool
        False when a site's land-use or farmland layer was unusable (the sums are then
        lower bounds).
    """

    project_id: str
    site_ids: tuple[str, ...]
    farmland_m2: float = 0.0
    cultivated_m2: float = 0.0
    other_m2: float = 0.0
    complete: bool = True


@dataclass(frozen=True)
class RuleInput:
    """Everything an evaluator may read."""

    site: SiteInfo
    layer: SiteLayer
    layers: Mapping[str, SiteLayer]
    params: Mapping[str, Any]
    options: AnalysisOptions
    profile: Profile
    stage: str = "preexam"

    def is_sliver(self, area_m2: float, width_m: float | None = None) -> bool:
        """True when an overlap is a boundary-precision sliver, not a conflict."""
        if area_m2 < self.options.sliver_area_m2:
            return True
        return width_m is not None and 0.0 < width_m < self.options.sliver_width_m

    def in_types(self, param: str) -> bool:
        """True when the site's project type is listed in a parameter."""
        return self.site.facts.project_type in (self.params.get(param) or ())

    def project_list(self, param: str) -> ProjectList:
        """The profile list a parameter names."""
        return self.profile.lists[self.params[param]]

    def on_list(self, param: str) -> ListMatch:
        """Where the site's project stands on the list a parameter names."""
        return match_list(self.project_list(param), self.site.facts)

    def layer_of_kind(self, kind: str) -> SiteLayer | None:
        """The site's view of the first layer of a kind (None when the profile has none)."""
        return next((v for v in self.layers.values() if v.kind == kind), None)


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
        ``"types"`` (list of project-type keys), ``"list"`` (a key of the
        profile's ``lists``), ``"words"`` (a list of texts), ``"layer"`` (a
        layer key), ``"distance"`` (metres, a number > 0) or ``"number"`` (a
        number ≥ 0). Parameters of kind ``list`` are required.
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
    basis_marks: tuple[str, ...] = ()
    documents_later: tuple[Text, ...] = ()

    @property
    def citations(self) -> list[Basis]:
        """The legal basis with the date of each text and how it was read (V/P/U)."""
        marks = self.basis_marks or ("",) * len(self.basis)
        return [Basis(b, d, m) for b, d, m in zip(self.basis, self.basis_dates, marks, strict=True)]

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
            "documents_later": [d.zh for d in self.documents_later],
            "documents_later_en": [d.en for d in self.documents_later],
            "basis_marks": [c.mark for c in self.citations],
        }


COMMON_NUMBERS = ("area_m2", "area_ha", "area_mu", "share_pct", "site_area_ha")
COMMON_TEXTS = (
    "site_id",
    "site_name",
    "project_class",
    "a_project_class",
    "project_type",
    "a_project_type",
    "layer",
    "reason",
)
"""Texts every template may use; ``a_project_class`` is the class title with its English
article ("an industrial project", "another project"); in Chinese it is the title itself.
``project_type`` is the name of the site's project type (its class's when it has none)."""

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


def outside_gap(inp: RuleInput) -> Text | None:
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


def to_ha(area: float) -> float:
    """Square metres in hectares."""
    return area / M2_PER_HA


def involvement(inp: RuleInput, area: Area, width: float | None) -> str | None:
    """Shared start of overlap rules: not involved, a sliver, or None (involved)."""
    if area.m2 <= 0.0:
        return "not_involved"
    if inp.is_sliver(area.m2, width):
        return "sliver"
    return None


def land_use_gap(inp: RuleInput) -> str | None:
    """Why a class layer cannot fully describe the site, or None."""
    layer = inp.layer
    reasons = []
    if layer.uncovered.m2 > 0.0 and not inp.is_sliver(layer.uncovered.m2, layer.uncovered_width_m):
        reasons.append(f"{layer.uncovered.m2:.2f} m² of the site not covered / 未覆盖")
    if layer.unresolved_codes:
        reasons.append("unknown codes / 未知代码 " + ", ".join(layer.unresolved_codes))
    return "; ".join(reasons) or None


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


def validate_profile(profile: Profile) -> None:
    """Refuse a profile whose rules do not fit their evaluators, listing every problem.

    The schema of a profile is :mod:`landcheck.profile`'s to check; whether
    each rule names an evaluator, reads a layer of a kind it can read, defines
    the outcomes it chooses, and uses only the template values and parameters
    it supplies is checked here (:func:`validate_rule`). Loading a profile
    (:mod:`landcheck.io.profiles`) does both at once; a run checks its profile.

    Raises
    ------
    ProfileError
        Listing every problem, each under its rule (``rules[2] (urban_boundary): …``).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from landcheck.io.profiles import load_profile
    >>> profile = load_profile()
    >>> validate_profile(profile)
    >>> broken = replace(profile.rules[0], check="overlap_area")
    >>> validate_profile(replace(profile, rules=(broken, *profile.rules[1:])))
    Traceback (most recent call last):
    ...
    landcheck.errors.ProfileError: profile 'china-preexam' has 1 problem:
      - rules[0] (permanent_farmland): check: 'overlap_area' is not an evaluator; use one of ...
    """
    problems = []
    for index, rule in enumerate(profile.rules):
        layer = profile.layers.get(rule.layer)
        kind = layer.kind if layer is not None else None
        where = rule_location(index, rule.id)
        found = validate_rule(
            rule,
            kind,
            profile.project_classes,
            types=profile.project_types,
            lists=profile.lists,
            layers=profile.layers,
        )
        problems.extend(f"{where}: {p}" for p in found)
    if problems:
        raise ProfileError(profile.origin or profile.name, problems)


def validate_rule(
    rule: RuleSpec,
    kind: str | None,
    classes: Mapping[str, Text],
    *,
    types: Mapping[str, Any] | None = None,
    lists: Mapping[str, Any] | None = None,
    layers: Mapping[str, Any] | None = None,
) -> list[str]:
    """Return every problem of one rule (empty when it is valid).

    ``types``, ``lists`` and ``layers`` are the profile's project types, legal
    lists and layers, which parameters of those kinds must name.
    """
    from landcheck.rules.registry import EVALUATORS

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
        if kind_of_param == "list" and name not in rule.params:
            problems.append(
                f"params.{name}: required by check {rule.check!r} (a key of lists: "
                f"{', '.join(lists or {}) or 'none defined'})"
            )
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
        else:
            problems.extend(_named_param(name, expected, value, types, lists, layers))
    return problems


def _named_param(
    name: str,
    expected: str,
    value: Any,
    types: Mapping[str, Any] | None,
    lists: Mapping[str, Any] | None,
    layers: Mapping[str, Any] | None,
) -> list[str]:
    """Problems of a parameter naming project types, a list, texts or a layer."""
    if expected == "list":
        if not isinstance(value, str) or value not in (lists or {}):
            return [
                f"params.{name}: {shown(value)} is not a key of lists "
                f"({', '.join(lists or {}) or 'none defined'})"
            ]
        return []
    if expected == "layer":
        if not isinstance(value, str) or value not in (layers or {}):
            return [f"params.{name}: {shown(value)} is not a layer of this profile"]
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [f"params.{name}: expected a list of texts"]
    if expected == "types":
        unknown = [v for v in value if v not in (types or {})]
        if unknown:
            return [
                f"params.{name}: unknown project type(s) {', '.join(map(shown, unknown))}; "
                "define them under project_types"
            ]
    return []


def _render(template: str, values: Mapping[str, Any], lang: str) -> str:
    local = {k: (v.get(lang) if isinstance(v, Text) else v) for k, v in values.items()}
    return template.format(**local)


def evaluate_rule(rule: RuleSpec, inp: RuleInput, layer_title: Text) -> Finding:
    """Evaluate one rule for one site and render its finding."""
    from landcheck.rules.registry import EVALUATORS

    if not inp.layer.available:
        decision = Decision("unknown", inp.site.area, {"reason": inp.layer.reason})
    else:
        evaluator = EVALUATORS[rule.check]
        decision = evaluator.func(inp)
        gap = outside_gap(inp)
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
        "project_type": _type_title(inp),
        "a_project_type": _with_article(_type_title(inp)),
        "layer": layer_title,
        "reason": "",
        **decision.values,
    }
    message = Text(
        _render(outcome.message.zh, values, "zh"), _render(outcome.message.en, values, "en")
    )
    now, later = outcome.documents_at(inp.stage)
    return Finding(
        site_id=site.site_id,
        check=rule.id,
        layer=rule.layer,
        status=outcome.status,
        area=area,
        message=message,
        basis=tuple(b.text for b in rule.basis),
        basis_dates=tuple(b.date for b in rule.basis),
        documents=now,
        outcome=decision.outcome,
        title=rule.title,
        basis_marks=tuple(b.mark for b in rule.basis),
        documents_later=later,
    )


def _type_title(inp: RuleInput) -> Text:
    """The name of the site's project type; its class's title when it has no type."""
    kind = inp.profile.project_types.get(inp.site.facts.project_type or "")
    if kind is not None:
        return Text(kind.zh, kind.en)
    return inp.profile.class_title(inp.site.project_class or "")


def _once_per_site(findings: list[Finding]) -> list[Finding]:
    """Ask for each document once per site: at the first finding that needs it."""
    seen: set[Text] = set()
    out = []
    for finding in findings:
        now = tuple(d for d in finding.documents if d not in seen)
        seen.update(now)
        later = tuple(d for d in finding.documents_later if d not in seen)
        seen.update(later)
        out.append(replace(finding, documents=now, documents_later=later))
    return out


def evaluate_site(
    profile: Profile, site: SiteInfo, layers: Mapping[str, SiteLayer], stage: str = "preexam"
) -> list[Finding]:
    """Evaluate every rule of a profile for one site.

    A document several findings ask for (the one 节约集约用地论证分析专章 of a
    PBF, redline or 耕地 case) is listed once, under the first of them.

    Parameters
    ----------
    profile : Profile
        The rules and options.
    site : SiteInfo
        The site.
    layers : mapping of str to SiteLayer
        The site's view of every layer, by key.
    stage : str
        ``preexam`` (用地预审: documents of 报批 listed as later) or ``approval``.

    Returns
    -------
    list of Finding
        One finding per rule, in profile order.

    Examples
    --------
    >>> from landcheck.measure import unavailable_layer
    >>> from landcheck.io.profiles import load_profile
    >>> profile = load_profile()
    >>> area = Area(10_000.0, 9_998.0)
    >>> site = SiteInfo("S1", "厂区", "industrial", False, area)
    >>> views = {key: unavailable_layer(key, spec.kind, "not supplied", area)
    ...          for key, spec in profile.layers.items()}
    >>> statuses = {f.check: f.status for f in evaluate_site(profile, site, views)}
    >>> statuses["permanent_farmland"], statuses["preexam_needed"]
    ('unknown', 'not_involved')
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
            stage=stage,
        )
        findings.append(evaluate_rule(rule, inp, profile.layers[rule.layer].title))
    return _once_per_site(findings)


def search_distance(profile: Profile, layer: str) -> float:
    """How far around the sites a layer's features must be read (proximity rules).

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> search_distance(load_profile(), "eco_redline")
    100.0
    """
    distances = [
        float(rule.params.get("distance_m", 0.0))
        for rule in profile.rules
        if rule.layer == layer and "distance_m" in rule.params
    ]
    return max(distances, default=0.0)
