"""Profiles: which layers a review uses, the analysis options and the rules.

A profile is YAML (schema ``landcheck/profile@1``). This module says what a
profile is (:class:`Profile` and its parts) and checks its schema:
:meth:`Profile.from_dict` raises one :class:`~landcheck.errors.ProfileError`
listing every problem at once. Whether each rule fits its evaluator is the
rules' to say (:func:`landcheck.rules.validate_rule`): the loaders of
:mod:`landcheck.io.profiles` (the built-in profiles, YAML files, mappings)
pass it to :meth:`Profile.from_dict`, so its problems are listed with the
schema's, and a run checks the rules of the profile it is given. This module
never imports the rules.

Its parts (texts, basis, outcomes, layer and rule specs, analysis options,
the schema's vocabularies) are records of :mod:`landcheck.profile_parts`,
importable from here too.

A rule's ``check:`` key names its evaluator; the key keeps that name in the
YAML, where profiles in use have it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from landcheck.classify import BUILTIN_TABLES
from landcheck.classify.choices import category_choice_problems
from landcheck.classify.systems import AUTO
from landcheck.errors import ProfileError, key_name, shown, unknown_keys
from landcheck.profile_parts import (
    ANALYSIS_BOUNDS,
    FIELD_ROLES,
    LAYER_KINDS,
    NO_TEXT,
    POINT_KINDS,
    PROFILE_SCHEMA,
    STAGES,
    STATUSES,
    AnalysisOptions,
    Basis,
    CoverageSpec,
    LayerSpec,
    Outcome,
    RuleSpec,
    Text,
)
from landcheck.projects import (
    MARKS,
    ProjectList,
    ProjectType,
    parse_legacy_classes,
    parse_lists,
    parse_project_types,
)
from landcheck.units import AreaMethod

__all__ = [
    "ANALYSIS_BOUNDS",
    "FIELD_ROLES",
    "LAYER_KINDS",
    "NO_TEXT",
    "POINT_KINDS",
    "STAGES",
    "STATUSES",
    "AnalysisOptions",
    "Basis",
    "CoverageSpec",
    "LayerSpec",
    "Outcome",
    "Profile",
    "RuleCheck",
    "RuleSpec",
    "Text",
    "rule_location",
]

_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_TOP_KEYS = {
    "schema",
    "name",
    "version",
    "title",
    "analysis",
    "project_classes",
    "legacy_classes",
    "project_types",
    "lists",
    "layers",
    "documents",
    "rules",
    "coverage",
}


_OWN_LAYER_FIELDS: Mapping[str, tuple[str, ...]] = {"id": ("BSM", "ID")}
"""A user's own layer's feature ids: its 标识码 (BSM) or an ID field, as survey layers name them."""


@dataclass(frozen=True)
class Profile:
    """A validated profile.

    Load one with :mod:`landcheck.io.profiles` (schema and rules checked), or
    build one with :meth:`from_dict` (schema checked; a run checks the rules).

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> profile = load_profile("china-preexam")
    >>> [rule.id for rule in profile.rules][:3]
    ['permanent_farmland', 'eco_redline', 'urban_boundary']
    >>> profile.resolve_project_class("交通类项目"), profile.analysis.area_method.value
    ('transport', 'ellipsoidal')
    >>> stricter = profile.with_analysis(area_method="planar")
    >>> stricter.analysis.area_method.value, profile.analysis.area_method.value
    ('planar', 'ellipsoidal')
    """

    name: str
    version: str
    title: Text
    analysis: AnalysisOptions
    project_classes: Mapping[str, Text]
    layers: Mapping[str, LayerSpec]
    rules: tuple[RuleSpec, ...]
    documents: tuple[Text, ...] = ()
    origin: str = ""
    coverage: CoverageSpec | None = None
    project_types: Mapping[str, ProjectType] = field(default_factory=dict)
    lists: Mapping[str, ProjectList] = field(default_factory=dict)
    legacy_classes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, data: Any, *, origin: str = "<dict>", check_rule: RuleCheck | None = None
    ) -> Profile:
        """Validate profile data against the schema and build a :class:`Profile`.

        What a rule's evaluator needs (its outcomes, template values and
        parameters) is the rules' to check: the loaders of
        :mod:`landcheck.io.profiles` pass :func:`landcheck.rules.validate_rule`
        as ``check_rule``, and every run checks the rules of its profile.

        Parameters
        ----------
        data : mapping
            The profile, as YAML gives it.
        origin : str
            Where it comes from, for the message.
        check_rule : callable, optional
            ``check_rule(rule, layer_kind, project_classes, *, types, lists,
            layers)`` → the problems of one rule, listed with the schema's
            under the rule's location.

        Raises
        ------
        ProfileError
            Listing every problem found, each naming its key.
        """
        return _ProfileParser(origin, check_rule).parse(data)

    def with_sources(self, sources: Mapping[str, str | None]) -> Profile:
        """Return a copy with layer sources set or replaced (``{key: "PATH[:LAYER]"}``).

        Unknown keys become ``generic`` layers without rules.
        """
        layers = dict(self.layers)
        for key, source in sources.items():
            if key in layers:
                layers[key] = replace(layers[key], source=source)
            else:
                layers[key] = LayerSpec(
                    key=key,
                    kind="generic",
                    title=Text(key, key),
                    source=source,
                    fields=_OWN_LAYER_FIELDS,
                )
        return replace(self, layers=layers)

    def with_analysis(self, **changes: Any) -> Profile:
        """Return a copy with analysis options changed (``crs``, ``area_method``…)."""
        if "area_method" in changes:
            changes["area_method"] = AreaMethod.parse(changes["area_method"])
        return replace(self, analysis=replace(self.analysis, **changes))

    def class_title(self, key: str) -> Text:
        """Title of a project class (the key itself when unknown)."""
        return self.project_classes.get(
            key, Text(key or "未注明类型的项目", key or "project of no stated class")
        )

    def resolve_project_class(self, value: Any) -> str | None:
        """Map a site's project class (key, English or Chinese name) to a class key.

        Chinese names match the full title, the part before its bracket, or
        that part without the trailing 类项目/项目 (so 交通、交通类项目 and
        工业项目 all work). Unknown values give None.
        """
        if value is None:
            return None
        text = str(value).strip()
        if not text or text.lower() in ("nan", "none", "<na>"):
            return None
        for key, title in self.project_classes.items():
            if text.lower() in (key.lower(), title.en.lower()) or text in _short_names(title.zh):
                return key
        return None


RuleCheck = Callable[..., list[str]]
"""``check_rule(rule, layer_kind, project_classes, *, types, lists, layers)`` → the problems
of one rule; ``types``, ``lists`` and ``layers`` are the profile's project types, legal lists
and layers, which parameters may name."""


def rule_location(index: int, rule_id: str) -> str:
    """Where a rule's problems are reported: ``rules[3] (eco_redline)``.

    Examples
    --------
    >>> rule_location(3, "eco_redline")
    'rules[3] (eco_redline)'
    """
    return f"rules[{index}] ({key_name(rule_id)})"


def _is_number(value: Any) -> bool:
    """A real, finite number (not a bool, NaN or infinity)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text_number_hint(value: Any) -> str:
    """Why a number came out of YAML as text (``1e9`` and ``"5"`` are texts in YAML 1.1)."""
    if not isinstance(value, str):
        return ""
    try:
        float(value)
    except ValueError:
        return ""
    return " (a text: write the number without quotes, with a decimal point, e.g. 1.0e+9)"


def _coverage(raw: Any, problems: list[str]) -> CoverageSpec | None:
    """The optional ``coverage:`` section: ``{source: PATH[:LAYER], title: …}``."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        problems.append("coverage: expected a mapping with 'source' (PATH or PATH:LAYER)")
        return None
    problems.extend(unknown_keys(raw, {"source", "title"}, "coverage"))
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(
            "coverage.source: required, the polygons of the area the layers describe "
            "(PATH or PATH:LAYER, e.g. the county boundary)"
        )
        return None
    title = CoverageSpec(source).title
    if "title" in raw:
        title = _text(raw["title"], "coverage.title", problems)
    return CoverageSpec(source.strip(), title)


def _short_names(zh: str) -> set[str]:
    head = zh.split("（")[0]
    names = {zh, head}
    for suffix in ("类项目", "项目"):
        if head.endswith(suffix) and len(head) > len(suffix):
            names.add(head[: -len(suffix)])
    return names


def _text(value: Any, where: str, problems: list[str]) -> Text:
    if isinstance(value, str):
        return Text(value, value)
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str):
        en = value.get("en")
        if not isinstance(en, str):
            problems.append(f"{where}: needs an English text under 'en'")
            en = value["zh"]
        return Text(value["zh"], en)
    problems.append(f"{where}: expected a text or {{zh: …, en: …}}, got {shown(value)}")
    return Text("", "")


def _surrogates(data: Mapping) -> list[str]:
    """:func:`~landcheck.text.nested_surrogates` of a profile's data, at once when it has none.

    A text holding a surrogate cannot be encoded as UTF-8, so data whose JSON
    text encodes holds none; only other data (or data JSON cannot write) is
    walked value by value (a built-in profile has two thousand of them).
    """
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        # imported here: landcheck.text imports pandas, which the command's start leaves
        # until its inputs are being hashed (it reaches this module before)
        from landcheck.text import nested_surrogates

        return nested_surrogates(data)
    return []


class _ProfileParser:
    """Collects every problem in a profile, then raises once."""

    def __init__(self, origin: str, check_rule: RuleCheck | None = None):
        self.origin = origin
        self.check_rule = check_rule
        self.problems: list[str] = []

    def parse(self, data: Any) -> Profile:
        if not isinstance(data, Mapping):
            raise ProfileError(self.origin, ["the profile must be a mapping (YAML key: value)"])
        surrogates = _surrogates(data)
        if surrogates:
            raise ProfileError(self.origin, surrogates)
        for key in sorted(set(data) - _TOP_KEYS, key=str):
            self.problems.append(
                f"unknown top-level key {shown(key)}; allowed keys: {', '.join(sorted(_TOP_KEYS))}"
            )
        schema = data.get("schema", PROFILE_SCHEMA)
        if schema != PROFILE_SCHEMA:
            self.problems.append(f"schema: expected {PROFILE_SCHEMA!r}, got {shown(schema)}")
        name = self._required_str(data, "name")
        version = data.get("version")
        if version is None or version == "":
            version = self._missing("version")
        elif isinstance(version, (Mapping, list, bool)):
            self.problems.append(
                f"version: expected a text such as '2026-11', got {shown(version)}"
            )
            version = ""
        else:
            version = str(version)
        title = _text(data.get("title", name), "title", self.problems)
        analysis = self._analysis(data.get("analysis"))
        classes = {
            str(k): _text(v, f"project_classes.{key_name(k)}", self.problems)
            for k, v in self._mapping(data.get("project_classes"), "project_classes").items()
        }
        project_types = parse_project_types(data.get("project_types"), self.problems)
        legacy = parse_legacy_classes(
            data.get("legacy_classes"), classes, project_types, self.problems
        )
        lists = parse_lists(data.get("lists"), project_types, self.problems)
        layers = self._layers(data.get("layers"))
        documents = tuple(
            _text(d, f"documents[{i}]", self.problems)
            for i, d in enumerate(self._list(data.get("documents"), "documents"))
        )
        rules = []
        seen: set[str] = set()
        listed = self._list(data.get("rules"), "rules")
        if not listed and isinstance(data.get("rules"), list | None):  # nothing would be checked
            self.problems.append(
                "rules: no rule is given, so no site would be checked; list the rules (copy "
                "them from `landcheck profile show`)"
            )
        for i, raw in enumerate(listed):
            context = {"types": project_types, "lists": lists, "layers": layers}
            rule = self._rule(raw, i, layers, classes, context)
            if rule is None:
                continue
            if rule.id in seen:
                self.problems.append(f"rules[{i}]: id {shown(rule.id)} is used twice")
            seen.add(rule.id)
            rules.append(rule)
        coverage = _coverage(data.get("coverage"), self.problems)
        if self.problems:
            raise ProfileError(self.origin, self.problems)
        return Profile(
            name=name,
            version=version,
            title=title,
            analysis=analysis,
            project_classes=classes,
            layers=layers,
            rules=tuple(rules),
            documents=documents,
            origin=self.origin,
            coverage=coverage,
            project_types=project_types,
            lists=lists,
            legacy_classes=legacy,
        )

    def _missing(self, key: str) -> str:
        self.problems.append(f"{key}: required")
        return ""

    def _required_str(self, data: Mapping[str, Any], key: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value:
            return self._missing(key)
        return value

    def _mapping(self, value: Any, where: str) -> Mapping[Any, Any]:
        """``value`` when it is a mapping (None: empty); else the problem is noted."""
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.problems.append(f"{where}: expected a mapping (key: value), got {shown(value)}")
            return {}
        return value

    def _list(self, value: Any, where: str) -> list[Any]:
        """``value`` when it is a list (None: empty); else the problem is noted."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{where}: expected a list, got {shown(value)}")
            return []
        return value

    def _analysis(self, raw: Any) -> AnalysisOptions:
        raw = self._mapping(raw, "analysis")
        allowed = {"crs", "area_method", "sliver", "declared_area_tolerance"}
        self.problems.extend(unknown_keys(raw, allowed, "analysis"))
        options = AnalysisOptions()
        method = options.area_method
        try:
            method = AreaMethod.parse(raw.get("area_method", method))
        except ValueError as ex:
            self.problems.append(f"analysis.area_method: {ex}")
        sliver = self._mapping(raw.get("sliver"), "analysis.sliver")
        self.problems.extend(unknown_keys(sliver, {"area_m2", "width_m"}, "analysis.sliver"))
        defaults = {
            "sliver.area_m2": options.sliver_area_m2,
            "sliver.width_m": options.sliver_width_m,
            "declared_area_tolerance": options.declared_area_tolerance,
        }
        given = {
            "sliver.area_m2": sliver.get("area_m2"),
            "sliver.width_m": sliver.get("width_m"),
            "declared_area_tolerance": raw.get("declared_area_tolerance"),
        }
        numbers = {}
        for key, value in given.items():
            low, high = ANALYSIS_BOUNDS[key]
            numbers[key] = defaults[key]
            if value is None:
                continue
            if not _is_number(value):
                self.problems.append(
                    f"analysis.{key}: expected a finite number from {low:g} to {high:g}, "
                    f"got {shown(value)}{_text_number_hint(value)}"
                )
            elif not low <= value <= high:
                self.problems.append(
                    f"analysis.{key}: must be from {low:g} to {high:g}, got {shown(value)}"
                )
            else:
                numbers[key] = float(value)
        return AnalysisOptions(
            crs=str(raw.get("crs", "auto")),
            area_method=method,
            sliver_area_m2=numbers["sliver.area_m2"],
            sliver_width_m=numbers["sliver.width_m"],
            declared_area_tolerance=numbers["declared_area_tolerance"],
        )

    def _layers(self, raw: Any) -> dict[str, LayerSpec]:
        if not isinstance(raw, Mapping) or not raw:
            self.problems.append("layers: expected a mapping of layer keys to layer definitions")
            return {}
        layers = {}
        for key, spec in raw.items():
            where = f"layers.{key_name(key)}"
            if not isinstance(spec, Mapping):
                self.problems.append(f"{where}: expected a mapping with at least 'kind'")
                continue
            allowed = {"kind", "title", "source", "fields", "classification", "category_choices"}
            self.problems.extend(unknown_keys(spec, allowed, where))
            kind = spec.get("kind")
            if kind not in LAYER_KINDS:
                self.problems.append(
                    f"{where}.kind: {shown(kind)} is not a layer kind; "
                    f"use one of {', '.join(LAYER_KINDS)}"
                )
            fields = {}
            for role, names in self._mapping(spec.get("fields"), f"{where}.fields").items():
                if role not in FIELD_ROLES:
                    self.problems.append(
                        f"{where}.fields.{key_name(role)}: unknown role; "
                        f"roles: {', '.join(FIELD_ROLES)}"
                    )
                    continue
                names = [names] if isinstance(names, str) else names
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    self.problems.append(f"{where}.fields.{role}: expected a field name or a list")
                    continue
                fields[role] = tuple(names)
            table = self._classification(spec.get("classification"), kind, where)
            choices, problems = category_choice_problems(table, spec.get("category_choices"), where)
            self.problems.extend(problems)
            if kind in ("land_use", "planning_zone") and "code" not in fields:
                self.problems.append(
                    f"{where}.fields.code: a {kind} layer needs a class code field"
                )
            source = spec.get("source")
            if source is not None and not isinstance(source, str):
                self.problems.append(
                    f"{where}.source: expected PATH or PATH:LAYER, got {shown(source)}"
                )
                source = None
            layers[str(key)] = LayerSpec(
                key=str(key),
                kind=str(kind),
                title=_text(spec.get("title", key), f"{where}.title", self.problems),
                source=None if source is None else str(source),
                fields=fields,
                classification=table,
                category_choices=choices,
            )
        return layers

    def _stage(self, document: Any, where: str) -> str:
        """A document's ``stage:`` (``preexam`` unless it says ``approval``)."""
        if not isinstance(document, Mapping):
            return "preexam"
        for extra in sorted(set(document) - {"zh", "en", "stage"}, key=str):
            self.problems.append(f"{where}.{key_name(extra)}: unknown key; allowed: en, stage, zh")
        stage = document.get("stage", "preexam")
        if stage not in STAGES:
            self.problems.append(
                f"{where}.stage: {shown(stage)} is not a stage; use {' or '.join(STAGES)}"
            )
            return "preexam"
        return str(stage)

    def _classification(self, table: Any, kind: Any, where: str) -> str | None:
        """A layer's ``classification:``: a built-in table, or ``auto`` for a land-use system."""
        if table is None:
            return None
        if table == AUTO and kind != "planning_zone":
            return AUTO
        if isinstance(table, str) and table in BUILTIN_TABLES:
            return table
        self.problems.append(
            f"{where}.classification: unknown table {shown(table)}; built-in tables: "
            + ", ".join(sorted(BUILTIN_TABLES))
            + ("" if kind == "planning_zone" else f", or {AUTO} (detect the land-use system)")
        )
        return None

    def _rule(
        self,
        raw: Any,
        i: int,
        layers: Mapping[str, LayerSpec],
        classes: Mapping[str, Text],
        context: Mapping[str, Any],
    ) -> RuleSpec | None:
        """One rule: its schema checked here, its evaluator's needs by ``check_rule``.

        ``context`` holds the profile's project types, lists and layers.
        """
        where = f"rules[{i}]"
        if not isinstance(raw, Mapping):
            self.problems.append(f"{where}: expected a mapping")
            return None
        allowed = {"id", "check", "layer", "title", "params", "basis", "outcomes"}
        self.problems.extend(unknown_keys(raw, allowed, where))
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            self.problems.append(f"{where}.id: required")
            rule_id = f"rule{i}"
        where = rule_location(i, rule_id)
        layer = raw.get("layer")
        if not isinstance(layer, str) or layer not in layers:
            self.problems.append(
                f"{where}.layer: {shown(layer)} is not a layer of this profile; layers: "
                + ", ".join(layers)
            )
            layer = str(layer) if isinstance(layer, (str, int)) else ""
        basis = []
        raw_basis = self._list(raw.get("basis"), f"{where}.basis")
        if not raw_basis:
            self.problems.append(
                f"{where}.basis: a rule needs at least one legal basis with a date"
            )
        for j, item in enumerate(raw_basis):
            if not isinstance(item, Mapping):
                self.problems.append(f"{where}.basis[{j}]: expected {{zh, en, date}}")
                continue
            for extra in sorted(set(item) - {"zh", "en", "date", "mark"}, key=str):
                self.problems.append(
                    f"{where}.basis[{j}].{key_name(extra)}: unknown key "
                    "(quote texts that contain commas)"
                )
            date = str(item.get("date", ""))
            if not _DATE.match(date):
                self.problems.append(
                    f"{where}.basis[{j}].date: expected YYYY-MM-DD or YYYY-MM, got {shown(date)}"
                )
            mark = item.get("mark", "")
            if mark not in ("", *MARKS):
                self.problems.append(
                    f"{where}.basis[{j}].mark: {shown(mark)} is not a mark; use V (read in full), "
                    "P (secondary source) or U (not verified)"
                )
                mark = ""
            text = _text(
                {"zh": item.get("zh"), "en": item.get("en")}, f"{where}.basis[{j}]", self.problems
            )
            basis.append(Basis(text, date, str(mark)))
        outcomes = {}
        for name, spec in self._mapping(raw.get("outcomes"), f"{where}.outcomes").items():
            owhere = f"{where}.outcomes.{key_name(name)}"
            if not isinstance(spec, Mapping):
                self.problems.append(f"{owhere}: expected a mapping with status, zh, en")
                continue
            status = spec.get("status")
            if status not in STATUSES:
                self.problems.append(
                    f"{owhere}.status: {shown(status)} is not a status; "
                    f"use one of {', '.join(STATUSES)}"
                )
            raw_docs = self._list(spec.get("documents"), f"{owhere}.documents")
            docs = tuple(
                _text(
                    {"zh": d.get("zh"), "en": d.get("en")} if isinstance(d, Mapping) else d,
                    f"{owhere}.documents[{k}]",
                    self.problems,
                )
                for k, d in enumerate(raw_docs)
            )
            stages = tuple(
                self._stage(d, f"{owhere}.documents[{k}]") for k, d in enumerate(raw_docs)
            )
            message = _text({"zh": spec.get("zh"), "en": spec.get("en")}, owhere, self.problems)
            approval = spec.get("approval")
            at_approval = (
                None if approval is None else _text(approval, f"{owhere}.approval", self.problems)
            )
            outcomes[str(name)] = Outcome(str(status), message, docs, stages, at_approval)
        check = raw.get("check", "")
        check = check if isinstance(check, str) else shown(check)  # never an evaluator name
        rule = RuleSpec(
            id=rule_id,
            check=check,
            layer=str(layer),
            title=_text(raw.get("title", rule_id), f"{where}.title", self.problems),
            params=dict(self._mapping(raw.get("params"), f"{where}.params")),
            basis=tuple(basis),
            outcomes=outcomes,
        )
        if self.check_rule is not None:
            kind = layers[layer].kind if layer in layers else None
            problems = self.check_rule(rule, kind, classes, **context)
            self.problems.extend(f"{where}: {p}" for p in problems)
        return rule
