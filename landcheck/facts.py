"""Project facts: what the law asks about a project, declared per site.

A site carries a :class:`ProjectFacts`: its project type (a key of the
profile's ``project_types:`` taxonomy), the level of the plan that lists it
and that plan's reference, the approval level, the land supply (划拨 or 出让),
whether it is linear, the project it belongs to (sites of one project are
summed for the 征收 authority), and the evidence some list items require.

Facts come from, in this order of precedence:

1. the site's own attributes (English or Chinese field names, :data:`FACT_FIELDS`);
2. values given for the run (``--project-type`` … on the command line,
   ``facts={…}`` in :func:`landcheck.check`), for every site that does not
   declare the fact itself;
3. an old ``project_class`` value, mapped to a coarse project type through the
   profile's ``legacy_classes:``: it puts the project on no list item by itself
   (:func:`landcheck.projects.match_list`), and a warning says so;
4. defaults: ``linear`` from the geometry (a line site) or the type.

Each fact's origin is recorded (:attr:`ProjectFacts.origins`) and written to
findings.json under the site (``facts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from landcheck.errors import InputDataError, shown
from landcheck.messages import warn
from landcheck.projects import APPROVAL_LEVELS, LAND_SUPPLY, PLAN_LEVELS

__all__ = [
    "APPROVAL_LEVELS",
    "FACT_FIELDS",
    "FACT_NAMES",
    "LAND_SUPPLY",
    "ProjectFacts",
    "exact_text",
    "find_column",
    "given_facts",
    "is_blank",
    "resolve_type",
    "site_facts",
]

_LEVEL_NAMES = {
    "national": ("national", "国家级", "国家", "国家级规划", "中央"),
    "provincial": ("provincial", "省级", "省", "省级规划"),
    "municipal": ("municipal", "市级", "市", "地市级", "州级", "市州级"),
    "county": ("county", "县级", "县", "县区级"),
    "none": ("none", "无", "未列入", "无规划"),
}
_SUPPLY_NAMES = {
    "allocation": ("allocation", "划拨", "hb"),
    "transfer": ("transfer", "出让", "cr"),
}

FACT_FIELDS: dict[str, tuple[str, ...]] = {
    "project_type": ("project_type", "proj_type", "项目类型", "XMLX"),
    "plan_level": ("plan_level", "规划级别", "GHJB"),
    "plan_ref": ("plan_ref", "规划依据", "GHYJ"),
    "approval_level": ("approval_level", "审批级别", "SPJB"),
    "land_supply": ("land_supply", "供地方式", "GDFS"),
    "project_id": ("project_id", "项目编号", "XMBH", "XMDM", "项目代码"),
    "confirmation_ref": ("confirmation_ref", "确认文件", "QRWJ"),
    "central_ref": ("central_ref", "中央支持文件", "ZYWJ"),
    "poverty_area_ref": ("poverty_area_ref", "深度贫困地区依据", "PKWJ"),
}
"""Site fields each fact is read from (first present wins, case-insensitive). ``XMDM`` and
项目代码 are the national investment project code: read as the project when the site ids
come from another field (a field that names the sites does not also group them)."""

FACT_NAMES = ("project_type", *tuple(FACT_FIELDS)[1:], "linear")
"""Every fact, in the order findings.json lists them."""


@dataclass(frozen=True)
class ProjectFacts:
    """The facts of one site's project.

    Attributes
    ----------
    project_type : str or None
        Key of the profile's ``project_types``; None when not declared.
    plan_level : str or None
        One of :data:`landcheck.projects.PLAN_LEVELS`.
    plan_ref : str
        The plan or document that lists the project (evidence; free text).
    approval_level : str or None
        One of :data:`APPROVAL_LEVELS`.
    land_supply : str or None
        One of :data:`LAND_SUPPLY`.
    project_id : str
        The project the site belongs to; empty: the site is its own project.
    confirmation_ref, central_ref : str
        The 国务院投资主管部门's confirmation, the 党中央/国务院 document.
    poverty_area_ref : str
        The document that shows the project (a road) connects a 深度贫困地区.
    linear : bool
        A linear project (road, line, pipeline…).
    legacy_class : str or None
        The old ``project_class`` the type was mapped from, if it was.
    origins : mapping
        Fact → where it came from: ``attribute:FIELD``, ``given``,
        ``legacy_class``, ``geometry`` or ``type``.
    """

    project_type: str | None = None
    plan_level: str | None = None
    plan_ref: str = ""
    approval_level: str | None = None
    land_supply: str | None = None
    project_id: str = ""
    confirmation_ref: str = ""
    central_ref: str = ""
    poverty_area_ref: str = ""
    linear: bool = False
    legacy_class: str | None = None
    origins: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The findings.json form: every fact, the legacy class, and where each came from."""
        out: dict[str, Any] = {name: getattr(self, name) for name in FACT_NAMES}
        out["legacy_class"] = self.legacy_class
        out["origins"] = dict(self.origins)
        return out


_FIELD_NAMES = {f.name for f in fields(ProjectFacts)}


def is_blank(value: Any) -> bool:
    """Whether a field value states nothing (None, NaN, empty or 'nan'/'none' text).

    Examples
    --------
    >>> is_blank(float("nan")), is_blank(" "), is_blank("<NA>"), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    try:
        if pd.isna(value):
            return True
    except (TypeError, ValueError):
        pass
    return str(value).strip().lower() in ("", "nan", "none", "<na>")


def _choice(value: Any, names: Mapping[str, tuple[str, ...]]) -> str | None:
    text = str(value).strip().lower()
    for key, words in names.items():
        if text in (w.lower() for w in words):
            return key
    return None


def resolve_type(value: Any, profile: Any) -> str | None:
    """The project type key a value names (key, Chinese or English name, alias), or None.

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> profile = load_profile()
    >>> resolve_type("省级高速公路", profile), resolve_type("PV array", profile)
    ('provincial_expressway', 'pv_array')
    """
    text = str(value).strip().lower()
    for key, item in profile.project_types.items():
        if text in (n.strip().lower() for n in (key, item.zh, item.en, *item.aliases)):
            return key
    return None


def _valid_types(profile: Any) -> str:
    return ", ".join(profile.project_types)


def _parse(name: str, value: Any, profile: Any, where: str) -> tuple[Any, str | None]:
    """A fact's value from its text: ``(value, legacy_class)``; raises InputDataError."""
    if name == "project_type":
        key = resolve_type(value, profile)
        if key is not None:
            return key, None
        legacy = profile.resolve_project_class(value)
        if legacy is not None and legacy in profile.legacy_classes:
            return profile.legacy_classes[legacy], legacy
        if not profile.project_types:
            raise InputDataError(
                f"{where}: {shown(value)} is not a project type: the profile defines none "
                "(project_types); remove the field or use a profile that defines them"
            )
        raise InputDataError(
            f"{where}: {shown(value)} is not a project type; use one of "
            f"{_valid_types(profile)} (or their Chinese names; `landcheck profile show` "
            "lists them)"
        )
    if name == "plan_level":
        level = _choice(value, _LEVEL_NAMES)
        if level is None:
            raise InputDataError(
                f"{where}: {shown(value)} is not a plan level; use one of {', '.join(PLAN_LEVELS)} "
                "(国家级, 省级, 市级, 县级, 无)"
            )
        return level, None
    if name == "approval_level":
        level = _choice(value, {k: v for k, v in _LEVEL_NAMES.items() if k != "none"})
        if level is None:
            raise InputDataError(
                f"{where}: {shown(value)} is not an approval level; use one of "
                f"{', '.join(APPROVAL_LEVELS)} (国家级, 省级, 市级, 县级)"
            )
        return level, None
    if name == "land_supply":
        supply = _choice(value, _SUPPLY_NAMES)
        if supply is None:
            raise InputDataError(
                f"{where}: {shown(value)} is not a land supply; use allocation (划拨) or "
                "transfer (出让)"
            )
        return supply, None
    if name == "linear":
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "y", "t", "是", "线性"):
            return True, None
        if text in ("0", "false", "no", "n", "f", "否", "非线性"):
            return False, None
        raise InputDataError(f"{where}: {shown(value)} is not true or false (是/否)")
    return exact_text(value, where), None


def exact_text(value: Any, where: str) -> str:
    """A text fact (a project id, a reference) as written: a whole number without ``.0``.

    A number field with a blank is held as floats, where 1001 reads 1001.0 and
    330100202400000001 and 330100202400000002 read as one number (a float holds
    integers exactly only up to 2^53; a 32-bit float up to 2^24): two projects
    would be summed as one. A float that is a whole number within that reach is
    the integer written; any other float is refused.

    Parameters
    ----------
    value : object
        The field's value (not blank).
    where : str
        The site and field, for the message.

    Returns
    -------
    str
        The value's text, stripped.

    Raises
    ------
    InputDataError
        A float that is not a whole number, or one beyond the integers it holds exactly.

    Examples
    --------
    >>> exact_text(1001.0, "site S1, field 'XMBH'"), exact_text(np.int64(2**60), "")
    ('1001', '1152921504606846976')
    """
    if not isinstance(value, float | np.floating):
        return str(value).strip()
    digits = np.finfo(type(value)).nmant + 1
    if not float(value).is_integer():
        why = "not a whole number"
    elif abs(value) >= 2.0**digits:
        why = (
            f"beyond 2^{digits}, where a {np.dtype(type(value)).itemsize * 8}-bit float holds "
            "no exact integer (neighbouring ids read as one number)"
        )
    else:
        return str(int(value))
    raise InputDataError(
        f"{where}: {shown(float(value))} is a floating-point number, {why}, so it may not be "
        "the id written; store the field as text in the site file (or give the value as a string)"
    )


def given_facts(values: Mapping[str, Any] | None, profile: Any) -> dict[str, Any]:
    """Check facts given for a whole run (CLI flags, ``facts=``) and return them parsed.

    Raises
    ------
    InputDataError
        An unknown fact or a value that is not one (naming the valid ones).

    Examples
    --------
    >>> from landcheck.io.profiles import load_profile
    >>> given_facts({"project_type": "县道", "plan_level": "县级"}, load_profile())
    {'project_type': 'county_road', 'plan_level': 'county'}
    >>> given_facts({"plan_level": "city"}, load_profile())
    Traceback (most recent call last):
    ...
    landcheck.errors.InputDataError: facts.plan_level: 'city' is not a plan level; use one of ...
    """
    out: dict[str, Any] = {}
    for name, value in (values or {}).items():
        if name not in FACT_NAMES:
            raise InputDataError(
                f"facts: {shown(name)} is not a project fact; facts: {', '.join(FACT_NAMES)}"
            )
        if is_blank(value):
            continue
        parsed, legacy = _parse(name, value, profile, f"facts.{name}")
        if legacy is not None:
            raise InputDataError(
                f"facts.project_type: {shown(value)} is a project class, not a project type; "
                f"use one of {_valid_types(profile)}"
            )
        out[name] = parsed
    return out


def find_column(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` among ``columns``, as ``columns`` spell it.

    Names compare without case, and with spaces around them left out and spaces
    inside taken as underscores (``"Project Type "`` is ``project_type``): a
    spreadsheet's header is typed by hand.

    Examples
    --------
    >>> find_column(["XMLX", "Name"], ("project_type", "xmlx"))
    'XMLX'
    >>> find_column(["项目类型 ", "Plan level"], ("plan_level",))
    'Plan level'
    """
    lowered: dict[str, str] = {}
    for column in columns:
        lowered.setdefault(_field_key(column), column)
    for name in candidates:
        if _field_key(name) in lowered:
            return lowered[_field_key(name)]
    return None


def _field_key(name: str) -> str:
    """A field name as :func:`find_column` compares it."""
    return "_".join(name.split()).lower()


def site_facts(
    frame: pd.DataFrame,
    profile: Any,
    *,
    ids: list[str],
    classes: list[str | None],
    from_lines: list[bool],
    linear_field: list[bool | None],
    id_column: str | None = None,
    given: Mapping[str, Any] | None = None,
) -> list[ProjectFacts]:
    """Each site's facts, from its attributes, the given values and its legacy class.

    Sites that give an old project class instead of a project type are named in
    one warning (:func:`~landcheck.messages.warn`).

    Parameters
    ----------
    frame : DataFrame
        The site attributes as read.
    profile : Profile
        For the taxonomy and the legacy-class mapping.
    ids : list of str
        Site ids (for messages).
    classes : list of str or None
        Each site's legacy project class (resolved), if any.
    from_lines : list of bool
        True for sites drawn as lines (linear by their geometry).
    linear_field : list of bool or None
        The site's own linear flag, None when it has none.
    id_column : str, optional
        The field the site ids come from (never read as the project id).
    given : mapping, optional
        Facts for every site that does not declare them (:func:`given_facts`).

    Returns
    -------
    list of ProjectFacts
        One per site, in order.

    Raises
    ------
    InputDataError
        A site value that is not a valid one, naming the site, the field and the valid values.
    """
    given = given or {}
    columns = [str(c) for c in frame.columns]
    found = {
        name: find_column([c for c in columns if c != id_column], candidates)
        for name, candidates in FACT_FIELDS.items()
    }
    legacy_sites: list[str] = []
    out = []
    for row, site_id in enumerate(ids):
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        legacy = None
        for name, column in found.items():
            if column is None:
                continue
            raw = frame[column].iloc[row]
            if is_blank(raw):
                continue
            value, from_class = _parse(name, raw, profile, f"site {site_id}, field {column!r}")
            values[name] = value
            origins[name] = f"attribute:{column}"
            if from_class is not None:
                legacy = from_class
                origins[name] = f"legacy_class:{column}"
        for name, value in given.items():
            if name not in values and name != "linear":
                values[name] = value
                origins[name] = "given"
        klass = classes[row]
        if "project_type" not in values and klass is not None and klass in profile.legacy_classes:
            values["project_type"] = profile.legacy_classes[klass]
            origins["project_type"] = "legacy_class"
            legacy = klass
        if legacy is not None:
            legacy_sites.append(site_id)
        linear = _linear(row, values, origins, given, from_lines, linear_field, profile)
        out.append(
            ProjectFacts(
                **{k: v for k, v in values.items() if k in _FIELD_NAMES},
                linear=linear,
                legacy_class=legacy,
                origins=origins,
            )
        )
    _say_where_a_project_disagrees(ids, out, _parts_of_one_project(profile))
    if legacy_sites:
        shown_ids = ", ".join(legacy_sites[:5]) + (", …" if len(legacy_sites) > 5 else "")
        warn(
            f"site(s) {shown_ids} give an old project class, not a project type: read as the "
            "coarse type it stands for, which puts a site on no item of the legal lists (a "
            "class name is no evidence), so those lists give the strictest outcome; declare "
            "project_type and the evidence its item asks for (plan_level, plan_ref …; "
            "docs/rules.md, 'Project facts')"
        )
    return out


_PROJECT_WIDE = (
    "project_type",
    "plan_level",
    "plan_ref",
    "approval_level",
    "land_supply",
    "confirmation_ref",
    "central_ref",
    "poverty_area_ref",
)
"""Facts of a project rather than of a site: its sites should give one value."""


def _parts_of_one_project(profile: Any) -> tuple[frozenset[str], ...]:
    """Sets of project types that are parts of one project, judged apart: a PV project's.

    自然资办发〔2023〕12号 (2023-03-20) [P] treats a PV project's 光伏方阵 and its 升压站
    and 管理用房 apart, and the ``pv_siting`` rule judges each site by its type
    (``array_types``, ``facility_types``): one project's sites give either.
    """
    return tuple(
        frozenset(rule.params.get("array_types") or ())
        | frozenset(rule.params.get("facility_types") or ())
        for rule in profile.rules
        if rule.check == "pv_siting"
    )


def _say_where_a_project_disagrees(
    ids: list[str], facts: list[ProjectFacts], parts: tuple[frozenset[str], ...]
) -> None:
    """Warn of each project whose sites give different values of a project-wide fact.

    Each site is judged on its own facts, so a railway's site and a hotel's under
    one project id get one a conditional and the other a prohibition, while the
    征收 totals sum them as one project: the reviewer must hear of it. Types that
    are all among one of ``parts`` (:func:`_parts_of_one_project`) agree.
    """
    members: dict[str, list[int]] = {}
    for position, site in enumerate(facts):
        if site.project_id:
            members.setdefault(site.project_id, []).append(position)
    for project, positions in members.items():
        differing = [
            name
            for name in _PROJECT_WIDE
            if _differ(name, {getattr(facts[p], name) for p in positions}, parts)
        ]
        if differing:
            sites = ", ".join(ids[p] for p in positions[:5]) + (", …" if len(positions) > 5 else "")
            warn(
                f"project {project}: its sites ({sites}) give different "
                f"{', '.join(differing)}; each site is judged on its own, but a project is "
                "examined and approved as one: make its sites' facts agree"
            )


def _differ(name: str, values: set[Any], parts: tuple[frozenset[str], ...]) -> bool:
    """Whether a project's sites disagree on a fact, given the values they give."""
    if len(values) < 2:
        return False
    return name != "project_type" or not any(values <= part for part in parts)


def _linear(
    row: int,
    values: Mapping[str, Any],
    origins: dict[str, str],
    given: Mapping[str, Any],
    from_lines: list[bool],
    linear_field: list[bool | None],
    profile: Any,
) -> bool:
    """A site's linear fact: its field, a line geometry, the given value, else its type's."""
    if linear_field[row] is not None:
        origins["linear"] = "attribute"
        return bool(linear_field[row]) or from_lines[row]
    if from_lines[row]:
        origins["linear"] = "geometry"
        return True
    if "linear" in given:
        origins["linear"] = "given"
        return bool(given["linear"])
    kind = profile.project_types.get(values.get("project_type") or "")
    if kind is not None:
        origins["linear"] = "type"
        return kind.linear
    return False
