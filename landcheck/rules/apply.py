"""Applying the rules: a profile's rules checked against their evaluators, outcomes to findings.

:func:`validate_rule` and :func:`validate_profile` check that each rule fits
its evaluator (outcomes, template values and their formats, parameters);
:func:`evaluate_rule` renders an evaluator's decision into a
:class:`~landcheck.rules.core.Finding`, with the built-in ``unknown``,
``incomplete`` and ``outside`` outcomes; :func:`evaluate_site` gives a site's
findings and :meth:`ProfileRules.evaluate_all` a batch's (from :data:`FORKED_FROM`
sites on, shared with a forked process); :func:`search_distance`
how far a layer is read around the sites.
"""

from __future__ import annotations

import functools
import math
import pickle
import re
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from landcheck import forked
from landcheck.bothends import Arrival, Ends, share
from landcheck.errors import ProfileError, shown
from landcheck.facts import ProjectFacts
from landcheck.frozen import maker
from landcheck.measure import SiteLayer
from landcheck.messages import collecting, warn
from landcheck.profile import (
    Basis,
    Outcome,
    Profile,
    RuleSpec,
    Text,
    rule_location,
)
from landcheck.review.index_table import IndexTable
from landcheck.rules.core import (
    Decision,
    Evaluator,
    Finding,
    RuleInput,
    SiteInfo,
    message_names,
    outside_gap,
)
from landcheck.rules.registry import EVALUATORS
from landcheck.units import Area, new_area

_new_finding = maker(Finding)

__all__ = [
    "COMMON_NUMBERS",
    "COMMON_TEXTS",
    "FORKED_FROM",
    "ProfileRules",
    "evaluate_rule",
    "evaluate_site",
    "search_distance",
    "unreachable_outcomes",
    "validate_profile",
    "validate_rule",
]

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
    "approved_land": Outcome(
        "info",
        Text(
            "项目用地全部位于依法批准的建设用地范围内（{area_ha:.4f} 公顷），本项已随该用地的批准"
            "办理，无需另行办理；请核对批准文件。",
            "The site lies wholly on construction land already approved by law ({area_ha:.4f} "
            "ha): this was dealt with when that land was approved and needs nothing more; check "
            "the approval documents.",
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
    "band_outside": Outcome(
        "unknown",
        Text(
            "项目用地周边 {buffer_m:.0f} 米（本配置自设的提示距离）范围内有 {area_m2:,.2f} 平方米"
            "位于{described}之外，该范围未作描述，无法判断周边是否有{layer}；请提供覆盖该范围的"
            "数据后重新审查。",
            "{area_m2:,.2f} m² of the ground within {buffer_m:.0f} m of the site (this "
            "profile's own notice distance) lie outside {described}: nothing describes it, so "
            "whether there is {layer} near the site cannot be told. Supply data that covers "
            "that ground and run the check again.",
        ),
    ),
}

_SITE_FREE = frozenset({"layer", "reason"})
"""Template values no site has its own of: the layer's title and why it could not be used."""


MAX_FORMAT_WIDTH = 50
"""Largest width or precision a message template may ask for (``{area_ha:.4f}``)."""

MAX_DISTANCE_M = 10_000.0
"""Largest distance a rule parameter may give, in metres (the layer is read that far
around every site)."""

_FORMAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?",
    re.DOTALL,
)


def _template_problem(template: str, sample: Mapping[str, Any]) -> str | None:
    """What is wrong with a message template given the values it may name (None: nothing)."""
    try:
        parts = _template_parts(template)
        unknown = [f for f, _, _ in parts if f and f not in sample]
        spec_problem = _format_spec_problem(parts)
    except ValueError as ex:  # unbalanced braces
        return f"bad template ({ex})"
    if unknown:
        return (
            f"unknown value(s) "
            f"{', '.join(f if len(f) <= 40 else f[:37] + '...' for f in unknown)}; "
            f"available: {', '.join(sorted(sample))}"
        )
    if spec_problem is not None:
        return spec_problem
    try:
        template.format(**sample)
    except (ValueError, IndexError, KeyError) as ex:
        return f"bad template ({ex})"
    return None


def _template_parts(template: str) -> list[tuple[str, str, str]]:
    """``(field, spec, conversion)`` of each replacement field (``""``: positional), parsed once.

    Raises ValueError for a template that is not one (unbalanced braces).
    """
    parsed = string.Formatter().parse(template)
    return [(f, spec, conv) for _, f, spec, conv in parsed if f is not None]


def _format_spec_problem(parts: list[tuple[str, str, str]]) -> str | None:
    """Say what is wrong with a template's format specs (its :func:`_template_parts`), or None.

    Each spec must be a plain one (``.2f``, ``>8.4f``) whose width and
    precision are at most :data:`MAX_FORMAT_WIDTH`.
    """
    for name, spec, _ in parts:
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
        if name not in rule.outcomes and name not in evaluator.fallbacks:
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
    # a layer not available: only the evaluator's values for ``unknown`` are known
    unknown = {
        **dict.fromkeys(COMMON_NUMBERS, 1.0),
        **dict.fromkeys((*COMMON_TEXTS, *evaluator.unknown_texts), "x"),
    }
    for name, outcome in rule.outcomes.items():
        messages = {"": outcome.message}
        if outcome.approval_message is not None:
            messages["approval."] = outcome.approval_message
        for prefix, message in messages.items():
            for lang in ("zh", "en"):
                problem = _template_problem(
                    message.get(lang), unknown if name == "unknown" else sample
                )
                if problem is not None:
                    problems.append(f"outcomes.{name}.{prefix}{lang}: {problem}")
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
    if expected == "table":
        if isinstance(value, IndexTable) or (isinstance(value, str) and value.strip()):
            return []
        return [f"params.{name}: expected the path of a CSV file, got {shown(value)}"]
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


@functools.lru_cache(maxsize=1024)
def _basis_parts(basis: tuple[Basis, ...]) -> tuple[tuple[Text, ...], ...]:
    """A rule's basis as the texts, dates and marks a finding holds, made once per rule.

    Every finding of the rule shares these tuples instead of holding copies.
    """
    return tuple(b.text for b in basis), tuple(b.date for b in basis), tuple(b.mark for b in basis)


@functools.lru_cache(maxsize=1024)
def _documents_at(outcome: Outcome, stage: str) -> tuple[tuple[Text, ...], tuple[Text, ...]]:
    """:meth:`Outcome.documents_at`, made once per outcome and stage and shared."""
    return outcome.documents_at(stage)


def _kind_values(profile: Profile, project_class: str, project_type: str) -> dict[str, Text]:
    """The template values of a project class and type: their titles, with their articles."""
    class_title = profile.class_title(project_class)
    kind = profile.project_types.get(project_type)
    type_title = Text(kind.zh, kind.en) if kind is not None else class_title
    return {
        "project_class": class_title,
        "a_project_class": _with_article(class_title),
        "project_type": type_title,
        "a_project_type": _with_article(type_title),
    }


def _site_kind(site: SiteInfo) -> tuple[str, str]:
    """The site's project class and type, as :func:`_kind_values` is asked for them."""
    return site.project_class or "", site.facts.project_type or ""


def _site_values(site: SiteInfo, kind_values: Mapping[str, Text]) -> dict[str, Any]:
    """The template values of a site that every rule shares (computed once per site)."""
    return {
        "site_area_ha": site.area.ha,
        "site_id": site.site_id,
        "site_name": site.name,
        **kind_values,
    }


_Decided = tuple[str, Area, tuple[Any, ...]]
"""A rule's decision for a site: its outcome, area and templates' values."""

_Documents = tuple[tuple[Text, ...], tuple[Text, ...]]
"""The documents a finding asks for now and later (报批)."""

_Shared = tuple[Any, ...]
"""What a rule's findings of one outcome share: all of a :class:`Finding` but its site, area and
values, in the order of its fields around them (:func:`_shared`)."""


class _RuleParts:
    """What one rule's findings share in a batch, looked up once.

    Its evaluator, its layer's title, its basis, and each outcome met with its
    template names and its documents at the stage.
    """

    __slots__ = (
        "asked_unavailable",
        "basis",
        "evaluator",
        "layer_title",
        "outcomes",
        "rule",
        "stage",
        "unknown",
        "unknown_by_reason",
    )

    def __init__(self, rule: RuleSpec, layer_title: Text, stage: str) -> None:
        self.rule, self.layer_title, self.stage = rule, layer_title, stage
        evaluator = self.evaluator = EVALUATORS[rule.check]
        self.asked_unavailable = _has_unknown_twin(evaluator) or bool(evaluator.unknown_texts)
        self.basis = _basis_parts(rule.basis)
        self.outcomes: dict[str, tuple[Any, ...]] = {}
        self.unknown: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.unknown_by_reason: dict[str, tuple[Any, ...]] = {}

    def unknown_values(
        self, reason: str, site: SiteInfo, site_values: Mapping[str, Any]
    ) -> tuple[Any, ...]:
        """The values of the site's ``unknown`` finding when the rule's layer is not available.

        The built-in template names the layer and the reason alone: every site the
        reason applies to has the same values, made once. A profile's template that
        names a site's own value is filled for each site, its texts shared
        (:meth:`same_unknown`).
        """
        values = self.unknown_by_reason.get(reason)
        if values is not None:
            return values
        names = self.outcome("unknown")[1]
        values = tuple(
            [
                reason
                if name == "reason"
                else _value(name, self.layer_title, site_values, site.area, site)
                for name in names
            ]
        )
        if _SITE_FREE.issuperset(names):
            self.unknown_by_reason[reason] = values
            return values
        return self.same_unknown(values)

    def same_unknown(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        """The values of an ``unknown`` finding, one tuple for all equal ones.

        A layer not supplied makes every site's finding of the rule unknown with the
        same values (the layer's title, the reason): 90,000 equal tuples in a
        10,000-site batch checked against 6 of a profile's 15 layers. Only texts
        are shared: equal numbers may print differently (``1`` and ``1.0``,
        ``True``, ``-0.0``), and a site's own field may be any of them.
        """
        if all(type(value) is str or type(value) is Text for value in values):
            return self.unknown.setdefault(values, values)
        return values

    def outcome(self, name: str) -> tuple[Any, ...]:
        """The outcome ``name``: itself, its template names, its documents now and later."""
        found = self.outcomes.get(name)
        if found is None:
            # a fallback may itself be an outcome added later, with its own fallback
            fallback, outcome = name, self.rule.outcomes.get(name)
            while outcome is None and fallback in self.evaluator.fallbacks:
                fallback = self.evaluator.fallbacks[fallback]
                outcome = self.rule.outcomes.get(fallback)
            outcome = outcome or _DEFAULT_OUTCOMES[fallback]
            names = message_names(outcome.message_at(self.stage))
            found = self.outcomes[name] = (outcome, names, *_documents_at(outcome, self.stage))
        return found


class ProfileRules:
    """A profile's rules made ready to evaluate site after site at one stage.

    What every site's findings of a rule share (evaluator, titles, basis,
    outcomes and their documents) is looked up once, not once per site; so are
    the titles of each project class and type the sites have.

    Parameters
    ----------
    profile : Profile
        The rules and options.
    stage : str
        ``preexam`` (用地预审: documents of 报批 listed as later) or ``approval``.
    """

    def __init__(self, profile: Profile, stage: str = "preexam") -> None:
        self.profile, self.stage = profile, stage
        self._parts = [
            _RuleParts(rule, profile.layers[rule.layer].title, stage) for rule in profile.rules
        ]
        self._kinds: dict[tuple[str, str], dict[str, Text]] = {}
        self._shared: dict[tuple[str, ...], list[_Shared]] = {}

    def _kind_values(self, site: SiteInfo) -> dict[str, Text]:
        """:func:`_kind_values` of the site's class and type, made once per batch."""
        kind = _site_kind(site)
        values = self._kinds.get(kind)
        if values is None:
            values = self._kinds[kind] = _kind_values(self.profile, *kind)
        return values

    def evaluate(self, site: SiteInfo, layers: Mapping[str, SiteLayer]) -> list[Finding]:
        """Every rule's finding for one site (:func:`evaluate_site`)."""
        return self._findings(site.site_id, self._decisions(site, layers))

    def _decisions(self, site: SiteInfo, layers: Mapping[str, SiteLayer]) -> list[_Decided]:
        """Every rule's outcome, area and template values for one site, in rule order."""
        profile, stage = self.profile, self.stage
        site_values = _site_values(site, self._kind_values(site))
        decided = []
        for parts in self._parts:
            rule = parts.rule
            layer = layers[rule.layer]
            if layer.available or parts.asked_unavailable:
                inp = RuleInput(site, layer, layers, rule.params, profile.analysis, profile, stage)
            else:  # the evaluator is not asked: nothing is known of the layer
                inp = None
            decided.append(_decide(parts, site, layer, inp, site_values))
        return decided

    def _findings(self, site_id: str, decided: list[_Decided]) -> list[Finding]:
        """A site's findings from each rule's outcome, area and values, in rule order.

        A document several findings ask for is listed once, under the first of
        them (:func:`_asked_once`); which documents each finding keeps depends only
        on the outcomes chosen, so it is worked out once per combination of outcomes
        a batch meets, with the rest each outcome's findings share (:func:`_shared`).
        """
        chosen = tuple(outcome for outcome, _, _ in decided)
        shared = self._shared.get(chosen)
        if shared is None:
            asked = [p.outcome(name)[2:] for p, name in zip(self._parts, chosen, strict=True)]
            shared = self._shared[chosen] = [
                _shared(parts, name, now, later)
                for parts, name, (now, later) in zip(
                    self._parts, chosen, _asked_once(asked), strict=True
                )
            ]
        return [
            _assembled(site_id, fields, area, values)
            for fields, (_, area, values) in zip(shared, decided, strict=True)
        ]

    def evaluate_all(
        self,
        sites: Sequence[SiteInfo],
        layers: Sequence[Mapping[str, SiteLayer]],
        progress: Callable[[int, int], None] | None = None,
        *,
        workers: int | None = None,
    ) -> list[list[Finding]]:
        """Every site's findings (:meth:`evaluate`), in order; a big batch's on two cores.

        From :data:`FORKED_FROM` sites on, with a second core, the sites are
        shared out in runs from both ends (:mod:`landcheck.bothends`): this
        process evaluates the first ones, a forked process the last ones, until
        they meet. For each of its runs the forked process sends back each
        rule's decision (outcome, area and template values), and the findings are
        made here, between this process's own runs, from its own rule parts: the
        same findings (tested). What it says is said here, after what this
        process said. Should that process die (killed, out of memory), or a
        value of its findings not pickle, the runs it took and did not send are
        evaluated here. ``progress(done, total)`` hears of every
        :data:`_PROGRESS_EVERY` sites (every run when split) and of the last.
        ``workers`` caps the processes (1: all in this one; default: one a core).
        """
        total = len(sites)
        report = progress or (lambda done, total: None)
        if total < FORKED_FROM or not forked.worker_count(2, workers):
            return self._evaluate_range(sites, layers, range(total), report)
        findings: list[list[Finding]] = []
        made_again: dict[int, tuple[list[list[Finding]], list[str]]] = {}

        def evaluate_own(positions: range) -> None:
            findings.extend(self.evaluate(sites[p], layers[p]) for p in positions)

        def evaluate_rest(positions: range) -> bytes:
            with collecting() as notes:
                decided = [  # the decisions alone: their findings are made there
                    _as_sent(
                        self._decisions(sites[p], layers[p]), _known_areas(sites[p], layers[p])
                    )
                    for p in positions
                ]
            try:
                return pickle.dumps((decided, notes.messages), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # its values do not pickle: the run is evaluated here
                raise forked.NotPicklable(f"findings made in a forked process: {error}") from None

        def arrived(arrival: Arrival) -> None:
            decided, messages = pickle.loads(ends.payload(arrival))
            site_findings = [
                self._made_again(
                    sites[position], site, _known_areas(sites[position], layers[position])
                )
                for position, site in zip(arrival.positions, decided, strict=True)
            ]
            made_again[arrival.positions.start] = (site_findings, messages)

        said: list[str] = []
        with Ends(total, _RUN) as ends:
            arrivals = share(ends, evaluate_own, evaluate_rest, progress=report, arrived=arrived)
            for positions, arrival in ends.rest(arrivals):
                if arrival is None:  # taken by the forked process, never sent: evaluated here
                    with collecting() as notes:
                        findings.extend(self.evaluate(sites[p], layers[p]) for p in positions)
                    said.extend(notes.messages)
                else:
                    site_findings, messages = made_again[positions.start]
                    findings.extend(site_findings)
                    said.extend(messages)
        for message in said:
            warn(message)
        report(total, total)
        return findings

    def _evaluate_range(
        self,
        sites: Sequence[SiteInfo],
        layers: Sequence[Mapping[str, SiteLayer]],
        positions: range,
        progress: Callable[[int, int], None],
    ) -> list[list[Finding]]:
        """The findings of the sites at ``positions``; ``progress(done, count)`` now and then."""
        findings = []
        for done, position in enumerate(positions):
            if done % _PROGRESS_EVERY == 0:
                progress(done, len(positions))
            findings.append(self.evaluate(sites[position], layers[position]))
        progress(len(positions), len(positions))
        return findings

    def _made_again(
        self, site: SiteInfo, sent: list[tuple[Any, ...]], known: list[Area]
    ) -> list[Finding]:
        """A site's findings from its decisions as a forked process sent them (:func:`_as_sent`).

        ``known`` are the site's :func:`_known_areas` here, which the areas sent by
        position stand for.
        """
        return self._findings(
            site.site_id,
            [
                (outcome, known[area] if type(area) is int else new_area(*area), values)
                for outcome, area, values in sent
            ],
        )


FORKED_FROM = 1_000
"""From this many sites on, :meth:`ProfileRules.evaluate_all` shares the sites with a forked
process (a second core being free once the layers are measured): at 1,000 sites it saved
0.06 s of `check()`; at 500, nothing measurable."""

_RUN = 128
"""Sites a run when the rules are shared with a forked process: about 20 ms of rules at
10,000 sites."""

_PROGRESS_EVERY = 200
"""Sites between two reports of :meth:`ProfileRules.evaluate_all`'s progress."""


def _known_areas(site: SiteInfo, layers: Mapping[str, SiteLayer]) -> list[Area]:
    """The areas most decisions of a site take as they are: the site's, and each view's.

    A rule's area is mostly one of these very objects (the site's for a layer not
    checked, a view's overlap or uncovered rest…); a forked process sends such an
    area as its position in this list, and the finding made again here holds the
    object the view holds, as in one process (a 10,000-site batch made 83,000
    copies of them, 9 MB).
    """
    known = [site.area]
    for view in layers.values():
        known += (view.overlap, view.uncovered, view.outside)
    return known


def _as_sent(decided: list[_Decided], known: list[Area]) -> list[tuple[Any, ...]]:
    """A site's decisions as they are sent: each outcome, area and values.

    An area among ``known`` (:func:`_known_areas`) is sent as its position
    there, any other as its parts.
    """
    position = {id(area): number for number, area in enumerate(known)}
    sent = []
    for outcome, area, values in decided:
        number = position.get(id(area))
        if number is None:
            number = (area.planar_m2, area.ellipsoidal_m2, area.method)
        sent.append((outcome, number, values))
    return sent


def evaluate_rule(rule: RuleSpec, inp: RuleInput, layer_title: Text) -> Finding:
    """Evaluate one rule for one site and render its finding."""
    parts = _RuleParts(rule, layer_title, inp.stage)
    site_values = _site_values(inp.site, _kind_values(inp.profile, *_site_kind(inp.site)))
    asked = inp if inp.layer.available or parts.asked_unavailable else None
    chosen, area, values = _decide(parts, inp.site, inp.layer, asked, site_values)
    return _assembled(
        inp.site.site_id, _shared(parts, chosen, *parts.outcome(chosen)[2:]), area, values
    )


def _decide(
    parts: _RuleParts,
    site: SiteInfo,
    layer: SiteLayer,
    inp: RuleInput | None,
    site_values: Mapping[str, Any],
) -> _Decided:
    """A rule's outcome for a site, its area and its templates' values.

    The evaluator decides from ``inp``; without it (the layer is not available)
    the outcome is ``unknown``. An evaluator with its own twin of ``unknown``
    (:func:`_has_unknown_twin`) is asked when its layer is not available too, and
    chooses the twin or ``unknown`` from the site alone; so is one that gives
    ``unknown`` values of its own (``Evaluator.unknown_texts``), with ``reason``.
    """
    if inp is None:
        return "unknown", site.area, parts.unknown_values(layer.reason, site, site_values)
    evaluator = parts.evaluator
    decision = evaluator.func(inp)
    if decision.outcome == "unknown" and not decision.values:  # asked without its layer
        return "unknown", site.area, parts.unknown_values(layer.reason, site, site_values)
    gap = outside_gap(inp) if layer.available else None
    if gap is not None and decision.outcome not in evaluator.evidence:
        decision = Decision("outside", layer.outside, {"reason": gap})
    chosen, area, decided = decision.outcome, decision.area, decision.values
    names = parts.outcome(chosen)[1]
    title = parts.layer_title
    values = tuple(
        [
            decided[name] if name in decided else _value(name, title, site_values, area, site)
            for name in names
        ]
    )
    if chosen == "unknown":  # its own values without its layer: most sites' are equal
        values = parts.same_unknown(values)
    return chosen, area, values


def _has_unknown_twin(evaluator: Evaluator) -> bool:
    """Whether an evaluator has its own twin of the built-in ``unknown`` (``unknown_large``).

    Such an evaluator is asked when its layer is not available too: what it knows of the
    site alone (the heritage check: the project's size) may ask for documents whatever the
    layer would show. It returns the twin, with ``reason`` among its values, or ``unknown``.
    """
    return any(name.startswith("unknown_") for name in evaluator.fallbacks)


def _shared(
    parts: _RuleParts, chosen: str, now: tuple[Text, ...], later: tuple[Text, ...]
) -> _Shared:
    """The fields of a rule's findings of outcome ``chosen`` that are not the site's own.

    ``now`` and ``later`` are the documents the findings ask for at this stage and
    later (报批).
    """
    outcome = parts.outcome(chosen)[0]
    rule = parts.rule
    texts, dates, marks = parts.basis
    return (
        rule.id,
        rule.layer,
        outcome.status,
        outcome.message_at(parts.stage),
        texts,
        dates,
        now,
        chosen,
        rule.title,
        marks,
        later,
    )


def _assembled(site_id: str, shared: _Shared, area: Area, values: tuple[Any, ...]) -> Finding:
    """The finding of a rule for a site: what its outcome's findings share, its area and values."""
    check, layer, status, templates, texts, dates, now, outcome, title, marks, later = shared
    return _new_finding(  # by position, in the order of its fields: 200,000 of them a batch
        site_id,
        check,
        layer,
        status,
        area,
        templates,
        values,
        texts,
        dates,
        now,
        outcome,
        title,
        marks,
        later,
    )


def _value(
    name: str,
    layer_title: Text,
    site_values: Mapping[str, Any],
    area: Area,
    site: SiteInfo,
) -> Any:
    """A template value the decision does not give: the layer, the site's, the area."""
    if name == "layer":
        return layer_title
    if name == "reason":
        return ""
    if name in site_values:
        return site_values[name]
    if name == "area_m2":
        return area.m2
    if name == "area_ha":
        return area.ha
    if name == "area_mu":
        return area.mu
    if name == "share_pct":
        site_m2 = site.area.m2
        return 100.0 * area.m2 / site_m2 if site_m2 > 0 else 0.0
    raise KeyError(name)  # a name the rule's evaluator was to give and did not


def _asked_once(documents: Sequence[_Documents]) -> list[_Documents]:
    """Each finding's documents, now and later, without those an earlier finding asks for.

    A document is known by its Chinese name, as the site's list
    (:meth:`~landcheck.result.CheckResult.documents`) knows it: one name, one document.
    A pair nothing is taken from is returned as it was given (the same tuples).
    """
    seen: set[str] = set()
    out = []
    for now, later in documents:
        if not now and not later:
            out.append((now, later))
            continue
        kept_now = _unseen(now, seen)
        kept_later = _unseen(later, seen)
        out.append(
            (
                now if len(kept_now) == len(now) else kept_now,
                later if len(kept_later) == len(later) else kept_later,
            )
        )
    return out


def _unseen(documents: tuple[Text, ...], seen: set[str]) -> tuple[Text, ...]:
    """The documents whose Chinese name is not in ``seen`` (each once), added to it."""
    kept = []
    for document in documents:
        if document.zh not in seen:
            seen.add(document.zh)
            kept.append(document)
    return tuple(kept)


def evaluate_site(
    profile: Profile,
    site: SiteInfo,
    layers: Mapping[str, SiteLayer],
    stage: str = "preexam",
    *,
    rules: ProfileRules | None = None,
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
    rules : ProfileRules, optional
        The profile's rules made ready for the stage once for a batch of sites
        (default: made for this site).

    Returns
    -------
    list of Finding
        One finding per rule, in profile order.

    Examples
    --------
    >>> from landcheck.measure import unavailable_layer
    >>> from landcheck.units import Area, new_area
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
    return (rules or ProfileRules(profile, stage)).evaluate(site, layers)


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


def unreachable_outcomes(rule: RuleSpec, facts: ProjectFacts, profile: Profile) -> frozenset[str]:
    """The outcomes of a rule a project of these declared facts can never come to.

    Those of the evaluator's outcomes the rule defines that its ``reach`` leaves out
    (:meth:`~landcheck.rules.core.Evaluator.reachable`), named as the rule words them: an
    outcome reached that the rule words as another (``fallbacks``) keeps that other.
    Empty for an evaluator without ``reach`` or a project whose type is not declared;
    never a built-in outcome (``unknown``, ``outside``…).

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> profile = load_profile()
    >>> rule = next(r for r in profile.rules if r.id == "permanent_farmland")
    >>> sorted(unreachable_outcomes(rule, ProjectFacts(project_type="pv_array"), profile))
    ['relocate', 'state_council']
    >>> unreachable_outcomes(rule, ProjectFacts(), profile)
    frozenset()
    """
    evaluator = EVALUATORS.get(rule.check)
    reached = None if evaluator is None else evaluator.reachable(facts, rule.params, profile)
    if evaluator is None or reached is None:
        return frozenset()
    worded = {
        name if name in rule.outcomes else evaluator.fallbacks.get(name, name) for name in reached
    }
    return frozenset(
        name for name in evaluator.outcomes if name in rule.outcomes and name not in worded
    )
