"""The project taxonomy and the legal lists of a profile (its ``project_types:`` and ``lists:``).

Three different lists decide three different things (docs/rules.md): which
projects may occupy permanent basic farmland (自然资规〔2018〕3号), which are
国家重大项目 for the ecological redline, and which activities the redline
permits (自然资发〔2022〕142号). Each item names the project types it covers,
the plan levels it accepts and the facts a site must declare as evidence
(:mod:`landcheck.facts`); a site is on a list only when all of them hold.
A project type read from an old project class is a coarse stand-in, not a
declared type: it puts a project on no item (the item asks for the type).

This module parses and checks the two sections (schema only); the rules use
them through :func:`match_list`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landcheck.errors import key_name, shown, unknown_keys

__all__ = [
    "ANY_TYPE",
    "APPROVAL_LEVELS",
    "EVIDENCE_FACTS",
    "GROUPS",
    "LAND_SUPPLY",
    "MARKS",
    "PLAN_LEVELS",
    "ListItem",
    "ListMatch",
    "ProjectList",
    "ProjectType",
    "match_list",
    "parse_legacy_classes",
    "parse_lists",
    "parse_project_types",
]

MARKS = ("V", "P", "U")
"""How a basis was read: V in a full text, P from a secondary source, U not verified."""

PLAN_LEVELS = ("national", "provincial", "municipal", "county", "none")
"""Levels of the plan that lists a project (``none``: in no plan)."""

APPROVAL_LEVELS = ("national", "provincial", "municipal", "county")
"""Levels that approve, 核准 or 备案 a project (a site's ``approval_level``)."""

LAND_SUPPLY = ("allocation", "transfer")
"""划拨 (allocation) or 出让 (transfer): how the land is supplied (a site's ``land_supply``)."""

GROUPS = (
    "transport",
    "energy",
    "water",
    "telecom",
    "military",
    "industry",
    "commerce",
    "housing",
    "public",
    "mining",
    "ecology",
    "other",
)
"""Coarse groups of project types (for reports and the urban-boundary rule)."""

EVIDENCE_FACTS = ("plan_ref", "confirmation_ref", "central_ref", "poverty_area_ref")
"""Facts a list item may require as evidence: the plan that lists the project, the
国务院投资主管部门's confirmation, the 党中央/国务院 document that names it, the document
that shows a road connects a 深度贫困地区 (the list of those areas, or the plan that says so)."""

ANY_TYPE = "*"
"""A list item's ``types: ['*']`` covers every project type (items decided by evidence only)."""


@dataclass(frozen=True)
class ProjectType:
    """One project type of the taxonomy.

    Attributes
    ----------
    key : str
        The key sites and flags use (``county_road``).
    zh, en : str
        Names.
    aliases : tuple of str
        Other names a site may give (compared case-insensitively).
    group : str
        One of :data:`GROUPS`.
    linear : bool
        Default of the ``linear`` fact for this type.
    """

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    group: str = "other"
    linear: bool = False


@dataclass(frozen=True)
class ListItem:
    """One item of a legal list.

    Attributes
    ----------
    id : str
        The item's number in its document ("1", "6").
    zh, en : str
        What it covers.
    types : tuple of str
        Project types it covers (:data:`ANY_TYPE` for all).
    plan_levels : tuple of str
        Plan levels it accepts (empty: any, including none).
    evidence : tuple of str
        Facts that must be declared (:data:`EVIDENCE_FACTS`).
    hint_zh, hint_en : str
        What to declare to be on it ("declare the national plan that lists it").
    mark : str
        How the item was read (:data:`MARKS`).
    linear : bool
        The item covers linear projects only (线性基础设施): the site's ``linear``
        fact must be true, whatever its type (a 500 kV substation is not a line).
    existing_land : bool
        The item covers work on existing construction land only (修缮…不扩大现有
        建设用地和耕地规模): the rule that reads the list tests the site's land use.
    """

    id: str
    zh: str
    en: str
    types: tuple[str, ...]
    plan_levels: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    hint_zh: str = ""
    hint_en: str = ""
    mark: str = "U"
    linear: bool = False
    existing_land: bool = False


@dataclass(frozen=True)
class ProjectList:
    """A legal list: its title, the document it comes from, and its items."""

    key: str
    zh: str
    en: str
    source_zh: str
    source_en: str
    date: str
    mark: str
    items: tuple[ListItem, ...] = field(default_factory=tuple)
    _matches: dict[tuple[Any, ...], ListMatch] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Where projects stand on the list, by what decides it (:func:`match_list`)."""
    _evidence: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    """The facts any item asks as evidence."""

    def __post_init__(self) -> None:
        names = sorted({name for item in self.items for name in item.evidence})
        object.__setattr__(self, "_evidence", tuple(names))


@dataclass(frozen=True)
class ListMatch:
    """Where a project stands on a list.

    Attributes
    ----------
    item : ListItem or None
        The item it is on (all conditions declared), else None.
    candidate : ListItem or None
        When not on the list: the first item whose types name the project's
        but whose plan level, evidence or linearity is missing (its hint says
        what to declare), one whose plan levels take the level declared before
        one they do not; else the first item for any type that lacks its
        evidence; None when no item covers the type (or none is declared).
    missing : tuple of str
        What the candidate lacks (``plan_level``, ``plan_ref``…; ``project_type``
        when the type was read from an old project class).
    """

    item: ListItem | None
    candidate: ListItem | None = None
    missing: tuple[str, ...] = ()

    @property
    def on_list(self) -> bool:
        """True when the project is on the list with its evidence."""
        return self.item is not None


def match_list(project_list: ProjectList, facts: Any) -> ListMatch:
    """Find the item of a list a project is on, or what it lacks to be on one.

    Parameters
    ----------
    project_list : ProjectList
        The list.
    facts : ProjectFacts
        The site's facts (:class:`landcheck.facts.ProjectFacts`).

    Examples
    --------
    >>> item = ListItem("1", "国家级规划明确的公路", "highways in a national plan",
    ...                 types=("national_highway",), plan_levels=("national",),
    ...                 evidence=("plan_ref",))
    >>> roads = ProjectList("pbf", "清单", "list", "3号", "No. 3", "2018-07-30", "P", (item,))
    >>> from landcheck.facts import ProjectFacts
    >>> match_list(roads, ProjectFacts(project_type="national_highway")).missing
    ('plan_level', 'plan_ref')
    >>> match_list(roads, ProjectFacts(project_type="national_highway", plan_level="national",
    ...                                plan_ref="国家公路网规划")).on_list
    True

    A type read from an old project class is no declared type:

    >>> match_list(roads, ProjectFacts(project_type="national_highway", plan_level="national",
    ...                                plan_ref="国家公路网规划", legacy_class="transport")).missing
    ('project_type',)
    """
    decides = (
        facts.project_type,
        facts.legacy_class is not None,
        facts.plan_level,
        bool(facts.linear),
        *[bool(getattr(facts, name, "")) for name in project_list._evidence],
    )
    match = project_list._matches.get(decides)  # a batch's sites share a few kinds of project
    if match is None:
        match = project_list._matches[decides] = _match(project_list.items, facts)
    return match


def _match(items: tuple[ListItem, ...], facts: Any) -> ListMatch:
    """:func:`match_list` worked out: the first item the project is on, else the first lacking.

    An item for any type covers a declared type only: without one, whether the
    project is of a kind no list admits (a PV array on farmland) is not known. A
    type read from an old project class (``legacy_class``) stands for a coarse kind
    without evidence (rules-2026 §A: eligibility is declared, never assumed from a
    class name): every item it would be on lacks the ``project_type`` declared.
    Of the items naming the type, one that takes the plan level declared is the
    candidate before one that does not (a provincial plan is not made national by
    declaring more).
    """
    named: list[tuple[bool, ListItem, tuple[str, ...]]] = []
    anyone: tuple[ListItem, tuple[str, ...]] | None = None
    for item in items:
        for_any = ANY_TYPE in item.types
        if not facts.project_type or (not for_any and facts.project_type not in item.types):
            continue
        lacking = _lacking(item, facts)
        if not lacking:
            return ListMatch(item)
        if for_any and anyone is None:
            anyone = item, tuple(lacking)
        elif not for_any:
            other_level = facts.plan_level is not None and "plan_level" in lacking
            named.append((other_level, item, tuple(lacking)))
    if named:
        _, item, missing = min(named, key=lambda entry: entry[0])
        return ListMatch(None, item, missing)
    candidate, missing = anyone or (None, ())
    return ListMatch(None, candidate, missing)


def _lacking(item: ListItem, facts: Any) -> list[str]:
    """What a project of a type the item covers lacks to be on it (empty: it is on it)."""
    lacking = ["project_type"] if getattr(facts, "legacy_class", None) is not None else []
    if item.plan_levels and facts.plan_level not in item.plan_levels:
        lacking.append("plan_level")
    if item.linear and not facts.linear:
        lacking.append("linear")
    lacking.extend(name for name in item.evidence if not getattr(facts, name, ""))
    return lacking


def _words(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: expected a list of texts, got {shown(value)}")
        return ()
    return tuple(value)


def _bilingual(value: Any, where: str, problems: list[str]) -> tuple[str, str]:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str):
        en = value.get("en")
        if not isinstance(en, str):
            problems.append(f"{where}: needs an English name under 'en'")
            en = value["zh"]
        return value["zh"], en
    problems.append(f"{where}: expected {{zh: …, en: …}}, got {shown(value)}")
    return "", ""


def _mark(value: Any, where: str, problems: list[str]) -> str:
    if value is None:
        return "U"
    if value not in MARKS:
        problems.append(
            f"{where}.mark: {shown(value)} is not a mark; use V (read in full), P (secondary "
            "source) or U (not verified)"
        )
        return "U"
    return str(value)


def parse_project_types(raw: Any, problems: list[str]) -> dict[str, ProjectType]:
    """Parse ``project_types:`` (key → ``{zh, en, aliases, group, linear}``), noting problems."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"project_types: expected a mapping of type keys, got {shown(raw)}")
        return {}
    types: dict[str, ProjectType] = {}
    names: dict[str, str] = {}
    allowed = {"zh", "en", "aliases", "group", "linear"}
    for key, spec in raw.items():
        where = f"project_types.{key_name(key)}"
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: expected a mapping with zh, en, group")
            continue
        problems.extend(unknown_keys(spec, allowed, where))
        zh, en = _bilingual(spec, where, problems)
        group = spec.get("group", "other")
        if group not in GROUPS:
            problems.append(
                f"{where}.group: {shown(group)} is not a group; use one of " + ", ".join(GROUPS)
            )
            group = "other"
        linear = spec.get("linear", False)
        if not isinstance(linear, bool):
            problems.append(f"{where}.linear: expected true or false, got {shown(linear)}")
            linear = False
        aliases = _words(spec.get("aliases"), f"{where}.aliases", problems)
        item = ProjectType(str(key), zh, en, aliases, str(group), linear)
        for name in (item.key, zh, en, *aliases):
            folded = name.strip().lower()
            if folded and names.get(folded, item.key) != item.key:
                problems.append(
                    f"{where}: name {shown(name)} is also a name of type {names[folded]!r}"
                )
            names.setdefault(folded, item.key)
        types[item.key] = item
    return types


def parse_legacy_classes(
    raw: Any, classes: Mapping[str, Any], types: Mapping[str, ProjectType], problems: list[str]
) -> dict[str, str]:
    """Parse ``legacy_classes:`` (project class → the coarse project type it stands for)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"legacy_classes: expected a mapping class → type, got {shown(raw)}")
        return {}
    mapping = {}
    for key, value in raw.items():
        where = f"legacy_classes.{key_name(key)}"
        if key not in classes:
            problems.append(f"{where}: not a key of project_classes ({', '.join(classes)})")
        if not isinstance(value, str) or value not in types:
            problems.append(f"{where}: {shown(value)} is not a key of project_types")
            continue
        mapping[str(key)] = value
    return mapping


def _item(raw: Any, where: str, types: Mapping[str, ProjectType], problems: list[str]) -> ListItem:
    allowed = {"id", "zh", "en", "types", "plan_levels", "evidence", "hint", "mark"}
    allowed |= {"linear", "existing_land"}
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected a mapping with id, zh, en, types")
        return ListItem("", "", "", ())
    problems.extend(unknown_keys(raw, allowed, where))
    zh, en = _bilingual(raw, where, problems)
    item_types = _words(raw.get("types"), f"{where}.types", problems)
    if not item_types:
        problems.append(f"{where}.types: required (project type keys, or '*' for all)")
    unknown = [t for t in item_types if t != ANY_TYPE and t not in types]
    if unknown:
        problems.append(
            f"{where}.types: unknown project type(s) {', '.join(map(shown, unknown))}; "
            "define them under project_types"
        )
    levels = _words(raw.get("plan_levels"), f"{where}.plan_levels", problems)
    bad = [v for v in levels if v not in PLAN_LEVELS]
    if bad:
        problems.append(
            f"{where}.plan_levels: {', '.join(map(shown, bad))} not a plan level; use "
            + ", ".join(PLAN_LEVELS)
        )
    evidence = _words(raw.get("evidence"), f"{where}.evidence", problems)
    bad = [v for v in evidence if v not in EVIDENCE_FACTS]
    if bad:
        problems.append(
            f"{where}.evidence: {', '.join(map(shown, bad))} not an evidence fact; use "
            + ", ".join(EVIDENCE_FACTS)
        )
    hint_zh, hint_en = ("", "")
    if raw.get("hint") is not None:
        hint_zh, hint_en = _bilingual(raw.get("hint"), f"{where}.hint", problems)
    linear, existing_land = (
        _flag(raw, name, where, problems) for name in ("linear", "existing_land")
    )
    return ListItem(
        id=str(raw.get("id", "")),
        zh=zh,
        en=en,
        types=item_types,
        plan_levels=levels,
        evidence=evidence,
        hint_zh=hint_zh,
        hint_en=hint_en,
        mark=_mark(raw.get("mark"), where, problems),
        linear=linear,
        existing_land=existing_land,
    )


def _flag(raw: Mapping[str, Any], name: str, where: str, problems: list[str]) -> bool:
    """A true-or-false key of a list item (false when absent), noting a value of another kind."""
    value = raw.get(name, False)
    if not isinstance(value, bool):
        problems.append(f"{where}.{name}: expected true or false, got {shown(value)}")
        return False
    return value


def parse_lists(
    raw: Any, types: Mapping[str, ProjectType], problems: list[str]
) -> dict[str, ProjectList]:
    """Parse ``lists:`` (key → ``{zh, en, source: {zh, en, date, mark}, items: […]}``)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(f"lists: expected a mapping of list keys, got {shown(raw)}")
        return {}
    lists = {}
    allowed = {"zh", "en", "source", "items"}
    for key, spec in raw.items():
        where = f"lists.{key_name(key)}"
        if not isinstance(spec, Mapping):
            problems.append(f"{where}: expected a mapping with zh, en, source, items")
            continue
        problems.extend(unknown_keys(spec, allowed, where))
        zh, en = _bilingual(spec, where, problems)
        source = spec.get("source")
        source_zh, source_en = _bilingual(source, f"{where}.source", problems)
        date = str(source.get("date", "")) if isinstance(source, Mapping) else ""
        mark = _mark(
            source.get("mark") if isinstance(source, Mapping) else None, f"{where}.source", problems
        )
        raw_items = spec.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            problems.append(f"{where}.items: expected a list of items")
            raw_items = []
        items = tuple(
            _item(item, f"{where}.items[{i}]", types, problems) for i, item in enumerate(raw_items)
        )
        lists[str(key)] = ProjectList(str(key), zh, en, source_zh, source_en, date, mark, items)
    return lists
