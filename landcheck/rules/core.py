"""Rules: what an evaluator is given and returns, and the helpers evaluators share.

Applying the rules (checking a profile's rules against their evaluators,
rendering outcomes into findings, one site's findings) is
:mod:`landcheck.rules.apply`; the evaluators are gathered in
:mod:`landcheck.rules.registry`, so the families import this module and
nothing here imports them.


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

import dataclasses
import functools
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from landcheck.coverage import BandGap
from landcheck.facts import ProjectFacts
from landcheck.measure import SiteLayer
from landcheck.profile import (
    STATUSES,
    AnalysisOptions,
    Basis,
    Profile,
    Text,
)
from landcheck.projects import (
    EVIDENCE_FACTS,
    PLAN_LEVELS,
    ListMatch,
    ProjectList,
    ProjectType,
    match_list,
)
from landcheck.text import shown_reordering
from landcheck.units import M2_PER_HA, Area

__all__ = [
    "NOTHING_M2",
    "Decision",
    "Evaluator",
    "Finding",
    "ProjectTotals",
    "Reach",
    "RuleInput",
    "SiteInfo",
    "cited_basis",
    "declarable",
    "in_types",
    "involvement",
    "land_use_gap",
    "layer_state",
    "list_match",
    "message_names",
    "outside_gap",
    "project_kind",
    "reach_by",
    "reach_key",
    "render",
    "render_message",
    "render_values",
    "template_names",
    "to_ha",
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


@dataclass(frozen=True, slots=True)
class ProjectTotals:
    """A whole project's land (its sites summed): for the 征收 authority and the 预审 examiner.

    Attributes
    ----------
    project_id : str
        The project (the site id for a site of its own).
    site_ids : tuple of str
        The sites summed.
    farmland_m2 : float
        Permanent basic farmland taken (any ownership: 国务院 approves its 征收), slivers
        left out.
    redline_m2 : float
        Ecological protection redline taken, slivers left out (the ministry examines a
        project that takes either: 预审管理办法 art. 5).
    ownership_known : bool
        Whether any site's land-use layer gives ownership (QSXZ): without, the 征收 sums
        below are not known (the rule says it cannot tell).
    cultivated_m2, other_m2 : float
        Collective 耕地, and other collective land, of the sites not wholly on approved
        land (approved ground on the others included). Where no farmland is taken they
        are the land outside it; where some is, they include whatever part of them lies
        in it (the two layers' totals do not tell which of the farmland is 耕地).
    overlap_m2 : float
        Ground the project's sites share (their areas less that of their union, in m² by
        the run's area method, measured as the sites' areas are):
        summed, it would be counted twice.
    summed_overlap_m2 : float
        Ground shared by the sites the 征收 sums count (those not wholly on approved
        land): what of the sums may be counted twice.
    unowned_m2 : float
        Land whose ownership code (QSXZ) is neither state nor collective: it may be
        either, and the ranges below count it both ways.
    cultivated_range, other_range : tuple of float
        The least and the most collective 耕地, and other collective land, newly
        expropriated (m²): what ``cultivated_m2`` and ``other_m2`` may come to once the
        approved ground of sites partly on approved land is left out (the survey's
        classes are not split by it: it may lie on any of them) and land of unknown
        ownership is counted as state land (the least) or collective land (the most).
    approved_m2 : float
        Ground of the sites partly on approved construction land that lies on it (its
        征收 came with that approval): the least it may be, when approved-land layers
        overlap each other.
    approved_collective_m2 : float
        The most of that ground that may lie on collective land (耕地 or other), site by
        site: together the two ranges' lows cannot all be reached when this is less
        than their sum.
    farmland_collective : tuple of float
        The least and the most permanent farmland (any area: 国务院) on collective land
        newly expropriated (m²): the farmland and ownership layers are not intersected,
        so what of a site's farmland lies on its collective land is known only between
        the farmland less the site's other ground and the farmland or the collective
        land (and land of unknown ownership), whichever is less.
    gaps : tuple of (str, str, str)
        What kept the sums from being complete: ``(what, layer key, site id)`` with
        ``what`` one of ``unusable`` (the layer could not be used; a key of ``""``: the
        profile has no farmland layer), ``no_ownership`` (the land-use layer has no
        ownership field), ``beyond`` (part of the site lies outside the area the
        farmland layer describes) and ``undescribed`` (the land-use layer does not
        cover the whole site, or gives codes its table does not know). The farmland
        layer's (``unusable``, ``beyond``) are a site's only when some of its ground may
        be collective: farmland on state land is not expropriated.
    farmland_sites : tuple of str
        The sites that take permanent farmland (more than a sliver), whatever their ownership.
    unchecked : tuple of (str, str)
        ``(layer kind, site id)`` for each site whose permanent farmland or redline
        (``permanent_farmland``, ``eco_redline``) was not fully checked: no such layer, a
        layer not usable, or part of the site beyond the area it describes. Whether the
        project takes either, so whether the ministry examines it, is then not known.
    approved_sites : frozenset of str
        The sites wholly on construction land already approved by law: no new land, no
        conversion, no 征收 of their own.
    approved_unknown : tuple of (str, str, str)
        ``(what, layer key, site id)`` for each other site whose approved-land layer does
        not tell whether it takes new construction land: ``unusable`` (a layer could not
        be used) or ``beyond`` (more than a sliver of it lies outside the area the layer
        describes). Whether the project uses approved land alone (自然资规〔2019〕2号 §一)
        is then not known.
    conversion : tuple of (str, str, str)
        ``(planning layer key, site id, state)`` of a project of several sites: each site
        whose agricultural land lies outside that layer's planned construction land
        (``single_site``: the project is sited on its own, 实施条例 art. 24) or may lie
        there (``zones``: the planning zones cannot tell; ``land_use``: the survey does not
        describe the site). Sites not listed take no agricultural land outside it.
    array_sites : frozenset of str
        The sites of a PV array's project type (自然资办发〔2023〕12号 [P]: no construction
        land): left out of every sum and list above, as the array is neither converted nor
        expropriated nor pre-examined.
    chapter_land : tuple of (str, str, str)
        ``(layer kind, site id, state)`` for each site that takes 耕地 (``land_use``),
        permanent farmland (``permanent_farmland``) or the redline (``eco_redline``), state
        ``taken``, or whose layer of the kind does not fully tell (``unseen``): whether the
        project's one 节约集约用地论证分析专章 takes the 节地评价 (the 2022 notice [P]).
    area : Area or None
        The project's area: its sites' areas summed, less the ground they share
        (``overlap_m2``); None when not measured.
    """

    project_id: str
    site_ids: tuple[str, ...]
    farmland_m2: float = 0.0
    redline_m2: float = 0.0
    ownership_known: bool = True
    cultivated_m2: float = 0.0
    other_m2: float = 0.0
    overlap_m2: float = 0.0
    summed_overlap_m2: float = 0.0
    unowned_m2: float = 0.0
    gaps: tuple[tuple[str, str, str], ...] = ()
    cultivated_range: tuple[float, float] = (0.0, 0.0)
    other_range: tuple[float, float] = (0.0, 0.0)
    approved_m2: float = 0.0
    approved_collective_m2: float = 0.0
    farmland_collective: tuple[float, float] = (0.0, 0.0)
    farmland_sites: tuple[str, ...] = ()
    unchecked: tuple[tuple[str, str], ...] = ()
    approved_sites: frozenset[str] = frozenset()
    approved_unknown: tuple[tuple[str, str, str], ...] = ()
    conversion: tuple[tuple[str, str, str], ...] = ()
    array_sites: frozenset[str] = frozenset()
    chapter_land: tuple[tuple[str, str, str], ...] = ()
    area: Area | None = None


def in_types(facts: ProjectFacts, params: Mapping[str, Any], param: str) -> bool:
    """True when a project's type is listed in a rule's parameter (a ``types`` one).

    What :meth:`RuleInput.in_types` asks of a site, and an evaluator's ``reach`` of
    the facts alone.
    """
    return facts.project_type in (params.get(param) or ())


def list_match(
    facts: ProjectFacts, params: Mapping[str, Any], profile: Profile, param: str
) -> ListMatch:
    """Where a project stands on the profile list a rule's parameter names (:func:`match_list`)."""
    return match_list(profile.lists[params[param]], facts)


def project_kind(facts: ProjectFacts, profile: Profile) -> ProjectType | None:
    """A project's type as the profile defines it (with its group), or None when not declared."""
    return profile.project_types.get(facts.project_type or "")


def declarable(facts: ProjectFacts) -> tuple[ProjectFacts, ...]:
    """A project's facts as declared, and as they would be once it declared what it has not.

    The facts themselves, then the same facts with each evidence fact not given
    (:data:`~landcheck.projects.EVIDENCE_FACTS`) given, ``linear`` set where the site did
    not set it itself (it came from the geometry or the type), and the plan level, where
    none is declared, at each level in turn. A project's place on a list only gains from
    more evidence (:func:`~landcheck.projects.match_list`): what the facts decide of a list
    is decided alike for these and for every way between. The project type is left as it
    is: with none declared, an evaluator's ``reach`` leaves every outcome open; one read
    from an old project class is, in the declared ways, declared (``legacy_class`` None).

    Examples
    --------
    >>> facts = ProjectFacts(project_type="expressway", plan_ref="国家公路网规划")
    >>> [(f.plan_level, bool(f.central_ref), f.linear) for f in declarable(facts)][:3]
    [(None, False, False), ('national', True, True), ('provincial', True, True)]
    >>> {f.plan_ref for f in declarable(facts)}
    {'国家公路网规划'}
    >>> len(declarable(facts)), len(declarable(ProjectFacts(plan_level="county")))
    (6, 2)
    """
    given: dict[str, Any] = {name: "…" for name in EVIDENCE_FACTS if not getattr(facts, name)}
    if facts.origins.get("linear") not in ("attribute", "given"):
        given["linear"] = True
    levels = PLAN_LEVELS if facts.plan_level is None else (facts.plan_level,)
    return (
        facts,
        *(
            dataclasses.replace(facts, plan_level=level, legacy_class=None, **given)
            for level in levels
        ),
    )


def reach_key(facts: ProjectFacts) -> tuple[Any, ...]:
    """What an evaluator's ``reach`` may read of a project's facts, as a key.

    All of them but which project it is (``project_id``) and the wording of its evidence
    (whether each is given counts, as for :func:`~landcheck.projects.match_list`): a
    ``reach`` decides by the kind of project, so projects of equal keys reach the same
    outcomes of every rule, and what they reach is worked out once for them all.

    Examples
    --------
    >>> road = ProjectFacts(project_type="expressway", plan_ref="国家公路网规划", project_id="P1")
    >>> reach_key(road) == reach_key(ProjectFacts(project_type="expressway", plan_ref="G15"))
    True
    >>> reach_key(road) == reach_key(ProjectFacts(project_type="expressway"))
    False
    """
    return (
        facts.project_type,
        facts.plan_level,
        facts.approval_level,
        facts.land_supply,
        facts.linear,
        facts.origins.get("linear"),
        facts.legacy_class,
        *(bool(getattr(facts, name)) for name in EVIDENCE_FACTS),
    )


@dataclass(slots=True)
class RuleInput:
    """Everything an evaluator may read.

    One is made for each rule and site (200,000 in a batch of 10,000 sites) and
    read by that rule's evaluator alone: slotted, and not frozen (a frozen
    dataclass's constructor sets each field through ``object.__setattr__``:
    0.14 s of the 1.8 s the sites' pass took for 10,000 sites).
    """

    site: SiteInfo
    layer: SiteLayer
    layers: Mapping[str, SiteLayer]
    params: Mapping[str, Any]
    options: AnalysisOptions
    profile: Profile
    stage: str = "preexam"

    def is_sliver(self, area_m2: float, width_m: float | None = None) -> bool:
        """True when an overlap is a boundary-precision sliver, not a conflict."""
        return self.options.is_sliver(area_m2, width_m)

    def is_material(self, area_m2: float, width_m: float | None = None) -> bool:
        """True when an area counts: more than nothing and not a boundary-precision sliver."""
        return area_m2 > 0.0 and not self.is_sliver(area_m2, width_m)

    def project_area(self) -> tuple[Area, ProjectTotals | None]:
        """The area of the site's project, and the project when it has other sites.

        A project of several sites (one ``project_id``) is measured as a whole: its
        sites summed, less the ground they share. A site standing alone, or whose
        project was not measured, gives its own area and None.
        """
        project = self.site.project
        if project is None or project.area is None or len(project.site_ids) < 2:
            return self.site.area, None
        return project.area, project

    def in_types(self, param: str) -> bool:
        """True when the site's project type is listed in a parameter (:func:`in_types`)."""
        return in_types(self.site.facts, self.params, param)

    def project_list(self, param: str) -> ProjectList:
        """The profile list a parameter names."""
        return self.profile.lists[self.params[param]]

    def on_list(self, param: str) -> ListMatch:
        """Where the site's project stands on the list a parameter names (:func:`list_match`)."""
        return list_match(self.site.facts, self.params, self.profile, param)

    def layers_of_kind(self, kind: str) -> list[SiteLayer]:
        """The site's views of every layer of a kind (a profile may split one into files)."""
        return [v for v in self.layers.values() if v.kind == kind]


@dataclass(frozen=True)
class Decision:
    """An evaluator's choice: the outcome, the area it is about, template values."""

    outcome: str
    area: Area
    values: Mapping[str, Any] = field(default_factory=dict)


Reach = Callable[[ProjectFacts, Mapping[str, Any], Profile], frozenset[str] | None]
"""An evaluator's ``reach``: declared facts, the rule's parameters, the profile → outcomes."""


def reach_by(decide: Callable[..., str | Iterable[str]], *always: str) -> Reach:
    """An evaluator's ``reach`` made from the predicate it decides by.

    ``decide(facts, params, profile)`` gives the outcome (or outcomes) of those the facts
    decide that a project of these facts comes to, where its layers lead there: the
    function the evaluator itself calls. ``always`` names the outcomes its layers alone
    decide (``not_involved``, ``sliver``…). A project of no declared type may come to any
    outcome (None); any other to ``always`` and to what ``decide`` gives for its facts as
    declared and as they may yet be declared (:func:`declarable`). ``decide`` reads no more
    of the facts than :func:`reach_key` holds.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> def decide(facts, params, profile):
    ...     return "never" if facts.project_type == "pv_array" else "relocate"
    >>> reach = reach_by(decide, "not_involved")
    >>> sorted(reach(ProjectFacts(project_type="pv_array"), {}, load_profile()))
    ['never', 'not_involved']
    >>> reach(ProjectFacts(), {}, load_profile()) is None
    True
    """
    return functools.partial(_reached, decide, always)


def _reached(
    decide: Callable[..., str | Iterable[str]],
    always: tuple[str, ...],
    facts: ProjectFacts,
    params: Mapping[str, Any],
    profile: Profile,
) -> frozenset[str] | None:
    """:func:`reach_by`'s ``reach``: a module's functions, so an evaluator still pickles."""
    if facts.project_type is None:
        return None
    reached = set(always)
    for each in declarable(facts):
        decided = decide(each, params, profile)
        reached.update((decided,) if isinstance(decided, str) else decided)
    return frozenset(reached)


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
        layer key), ``"distance"`` (metres, a number > 0), ``"number"`` (a
        number ≥ 0) or ``"table"`` (an index table: a CSV path, read by
        :mod:`landcheck.io.standards_table` before the run). Parameters of
        kind ``list`` are required.
    func : callable
        ``RuleInput → Decision``.
    evidence : tuple of str
        Outcomes that rest on features found (a conflict), which stand even
        when part of the site lies outside the area the layers describe; any
        other outcome then becomes ``outside`` (unknown).
    fallbacks : dict
        Outcome → the outcome a profile's rule uses in its place when it does not
        define it (outcomes added after profiles were written: a profile of an
        earlier version still loads, and words them as before); a fallback the rule
        does not define either is followed to its own.
    unknown_texts : tuple of str
        Of ``texts``, those it gives the built-in ``unknown`` outcome too (a rule's
        ``unknown`` message may name them): it is then asked when its layer is not
        available, and returns ``unknown`` with them and ``reason``.
    reach : callable or None
        ``(facts, params, profile) → frozenset of outcomes or None``: the outcomes a
        project of these declared facts (:class:`~landcheck.facts.ProjectFacts`) can
        come to under the rule's parameters, whatever its layers show; None when any
        may (no project type declared). Made from the predicates ``func`` decides by,
        so the two cannot part, and reading no more of the facts than
        :func:`reach_key` holds. None (the default): the facts rule out no outcome.
    """

    name: str
    kinds: tuple[str, ...]
    outcomes: tuple[str, ...]
    func: Callable[[RuleInput], Decision]
    numbers: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    fallbacks: Mapping[str, str] = field(default_factory=dict)
    unknown_texts: tuple[str, ...] = ()
    reach: Reach | None = None

    def reachable(
        self, facts: ProjectFacts, params: Mapping[str, Any], profile: Profile
    ) -> frozenset[str] | None:
        """The outcomes a project of these facts can come to (``reach``), None for any.

        Only the evaluator's own ``outcomes`` are the facts' to rule out: the built-in
        ones (``unknown``, ``incomplete``, ``outside``…) do not depend on them.
        """
        return None if self.reach is None else self.reach(facts, params, profile)


@functools.lru_cache(maxsize=4096)
def template_names(template: str) -> tuple[str, ...]:
    """The names a (validated) template uses, each once, parsed once per template."""
    return tuple(dict.fromkeys(f for _, f, _, _ in string.Formatter().parse(template) if f))


def message_names(templates: Text) -> tuple[str, ...]:
    """The names either language of a message template uses, each once."""
    return _names_of(templates.zh, templates.en)


@functools.lru_cache(maxsize=1024)
def _names_of(zh: str, en: str) -> tuple[str, ...]:
    """:func:`message_names` cached by the two texts (a string keeps its hash; a Text does not)."""
    return tuple(dict.fromkeys((*template_names(zh), *template_names(en))))


def render(template: str, values: Mapping[str, Any], lang: str) -> str:
    """Fill a template in one language; only the values it names are looked up."""
    local = {}
    for name in template_names(template):
        value = values[name]
        local[name] = value.get(lang) if isinstance(value, Text) else value
    return template.format(**local)


@functools.lru_cache(maxsize=4096)
def _by_place(template: str, names: tuple[str, ...]) -> str | None:
    """``template`` with each field naming its value's place in ``names`` (``{0:.4f}``).

    None when a field is not one of ``names`` or its spec holds a field of its own:
    such a template is filled by name (:func:`render`).
    """
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        if name not in names or "{" in spec:
            return None
        place = str(names.index(name))
        parts.append(
            f"{{{place}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
        )
    return "".join(parts)


def render_values(template: str, names: tuple[str, ...], values: Sequence[Any], lang: str) -> str:
    """:func:`render` of the values named ``names``, in that order, without a dict of them.

    A character of the inputs that would reorder the line (a site id's U+202E) is
    shown as its escape (:func:`~landcheck.text.shown_reordering`), not obeyed.

    What a finding holds (:attr:`Finding.values` in :func:`message_names` order);
    200,000 messages a batch are rendered for findings.json and the reports.

    Examples
    --------
    >>> names, values = ("layer", "area_ha"), (Text("耕地", "farmland"), 1.5)
    >>> render_values("{area_ha:.2f} ha of {layer} {{sic}}", names, values, "en")
    '1.50 ha of farmland {sic}'
    """
    by_place = _by_place(template, names)
    if by_place is None:
        return shown_reordering(render(template, dict(zip(names, values, strict=True)), lang))
    texts = [v.get(lang) if isinstance(v, Text) else v for v in values]
    return shown_reordering(by_place.format(*texts))


def render_message(templates: Text, values: Sequence[Any]) -> Text:
    """A finding's message in both languages (:func:`render_values` of each, in one pass).

    A character of the inputs that would reorder the line (a site id's U+202E) is
    shown as its escape (:func:`~landcheck.text.shown_reordering`), not obeyed.

    Examples
    --------
    >>> render_message(Text("{layer}{area_ha:.1f}公顷", "{area_ha:.1f} ha of {layer}"),
    ...                (Text("耕地", "farmland"), 2.0))
    Text(zh='耕地2.0公顷', en='2.0 ha of farmland')
    """
    names = message_names(templates)
    zh, en = _by_place(templates.zh, names), _by_place(templates.en, names)
    if zh is None or en is None:
        return Text(
            render_values(templates.zh, names, values, "zh"),
            render_values(templates.en, names, values, "en"),
        )
    zh_values, en_values = [], []
    for value in values:
        if isinstance(value, Text):
            zh_values.append(value.zh)
            en_values.append(value.en)
        else:
            zh_values.append(value)
            en_values.append(value)
    return Text(shown_reordering(zh.format(*zh_values)), shown_reordering(en.format(*en_values)))


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding: a rule's verdict for one site.

    The message is kept as its outcome's templates (``templates``, shared by
    every finding of that outcome) and the values they name, in the order of
    :func:`message_names` (``values``), and rendered when it is read
    (:attr:`message`): a batch of 10,000 sites holds 200,000 findings, whose
    rendered texts in two languages were most of what a result held.
    """

    site_id: str
    check: str
    layer: str
    status: str
    area: Area
    templates: Text
    values: tuple[Any, ...]
    basis: tuple[Text, ...]
    basis_dates: tuple[str, ...]
    documents: tuple[Text, ...]
    outcome: str
    title: Text
    basis_marks: tuple[str, ...] = ()
    documents_later: tuple[Text, ...] = ()

    @property
    def message(self) -> Text:
        """The message, in Chinese and English, rendered from the templates and values."""
        return render_message(self.templates, self.values)

    @property
    def citations(self) -> list[Basis]:
        """The legal basis with the date of each text and how it was read (V/P/U)."""
        return _citations(self.basis, self.basis_dates, self.basis_marks)

    def to_dict(self) -> dict[str, Any]:
        """Return the findings.json form of this finding."""
        zh, en, marks = cited_basis(self.basis, self.basis_dates, self.basis_marks)
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
            "basis": list(zh),
            "basis_en": list(en),
            "documents": [d.zh for d in self.documents],
            "documents_en": [d.en for d in self.documents],
            "documents_later": [d.zh for d in self.documents_later],
            "documents_later_en": [d.en for d in self.documents_later],
            "basis_marks": list(marks),
        }


def _citations(
    basis: tuple[Text, ...], dates: tuple[str, ...], marks: tuple[str, ...]
) -> list[Basis]:
    """Basis texts with their dates and marks (none given: unmarked)."""
    marks = marks or ("",) * len(basis)
    return [Basis(b, d, m) for b, d, m in zip(basis, dates, marks, strict=True)]


@functools.lru_cache(maxsize=1024)
def cited_basis(
    basis: tuple[Text, ...], dates: tuple[str, ...], marks: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A rule's citations in Chinese and English and their marks, made once per rule.

    The findings of a rule share its basis (:func:`landcheck.rules.apply._basis_parts`);
    a batch's findings.json cites it for each of them.
    """
    cited = _citations(basis, dates, marks)
    return (
        tuple(c.cite("zh") for c in cited),
        tuple(c.cite("en") for c in cited),
        tuple(c.mark for c in cited),
    )


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


AROUND_THE_SITE = frozenset({"band_outside"})
"""Outcomes whose area is ground around the site, not the site's: the reports' tables show
no area of the site for them (findings.json keeps the figure)."""


def undescribed(view: SiteLayer, is_sliver: Callable[..., bool]) -> bool:
    """Whether a class layer leaves more than a sliver of the site uncovered, or has unknown codes.

    Its class areas are then not the site's (:func:`land_use_gap` says why, in words).
    """
    uncovered = view.uncovered.m2
    return bool(view.unresolved_codes) or (
        uncovered > 0.0 and not is_sliver(uncovered, view.uncovered_width_m)
    )


def band_gap(inp: RuleInput, distance_m: float) -> BandGap | None:
    """The part of the band within ``distance_m`` of the site beyond the described area.

    None when all of it is described, or what is not is a sliver: "none within the
    distance" then stands (:func:`landcheck.coverage.layer_bands` measures the bands).
    """
    bands = inp.layer.band_outside
    gap = bands.get(distance_m) if bands is not None else None
    if gap is None or not inp.is_material(gap.area.m2, gap.width_m):
        return None
    return gap


NOTHING_M2 = 0.005
"""A rest of a site (outside planned land, outside the urban boundary) under this (m²) is
nothing: the features' areas summed fall short of the site's by rounding (1e-7 m² for a zone
drawn as adjoining features, a few thousandths of a m² for coordinates stored on a FileGDB's
grid), and it would be said as "0.00 平方米"."""


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


def layer_state(inp: RuleInput, kind: str) -> str:
    """Whether the site takes the land of the layers of ``kind``: ``taken``, ``clear``, ``unseen``.

    Not known (``unseen``) without a usable layer of the kind, or where more than a sliver of
    the site lies beyond what one describes (the land may lie there): what decides the
    conversion's approver (permanent farmland) and where the 节地评价 goes (the 专章).
    """
    views = inp.layers_of_kind(kind)
    usable = [view for view in views if view.available]
    if any(inp.is_material(view.overlap.m2, view.max_width_m) for view in usable):
        return "taken"
    if not views or len(usable) < len(views):
        return "unseen"
    if any(inp.is_material(view.outside.m2, view.outside_width_m) for view in views):
        return "unseen"
    return "clear"


def land_use_gap(inp: RuleInput) -> Text | None:
    """Why a class layer cannot fully describe the site, in each language, or None."""
    layer = inp.layer
    zh, en = [], []
    if inp.is_material(layer.uncovered.m2, layer.uncovered_width_m):
        zh.append(f"项目用地有 {layer.uncovered.m2:.2f} 平方米未被覆盖")
        en.append(f"{layer.uncovered.m2:.2f} m² of the site not covered")
    codes = ", ".join(code for code in layer.unresolved_codes if code)
    if codes:
        zh.append(f"未知代码 {codes}")
        en.append(f"unknown codes {codes}")
    if "" in layer.unresolved_codes:
        count = layer.blank_code_parcels
        blank = layer.classes_where("code", ("",), inp.site.area.method).m2
        zh.append(f"{count} 个图斑无地类编码（{blank:.2f} 平方米）")
        en.append(f"{count} parcels with no class code ({blank:.2f} m²)")
    return Text("；".join(zh), "; ".join(en)) if zh else None
