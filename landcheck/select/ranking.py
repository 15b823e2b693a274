"""The ranking rule of site comparison (比选), as data.

Alternatives are ranked by, in order:

1. **status**, best first: ``not_involved``, ``info``, ``conditional``,
   ``unknown``, ``prohibited`` (the site's overall pre-examination status);
2. a **weighted score**, lower first: the sum of weight × hectares over the
   hard-constraint conflicts (permanent basic farmland, ecological redline,
   any extra constraint layer), the paddy, cultivated land and agricultural
   land to convert it takes, and its area outside the urban development
   boundary. A term whose hectares are not known for a site (NaN: its layer
   could not be checked, or does not fully describe the site) makes the
   site's score not known: such sites rank after every site of their status
   whose score is known, and their reason says which terms are not known. A
   term not known for any site (a layer not given at all) is left out, so it
   reorders nothing;
3. the **distance to the nearest hard constraint**, larger first (every
   distance beyond the search distance counts as the search distance). A
   distance the layers do not describe the ground for (part of the ground within
   it around the site lies beyond the area a hard layer describes:
   ``nearest_hard_unknown``, :func:`~landcheck.select.metrics.undescribed_distances`)
   is not known: such sites rank after every site of their status and score whose
   distance is known;
4. the **site id**, so that ties are broken the same way every time.

Scores are compared at 10⁻⁶ and distances at 0.01 m, so floating-point
noise never decides an order. The weights are configurable; the defaults
(:data:`DEFAULT_WEIGHTS`) put conflicts with permanent farmland and the
redline, which a reviewer would refuse outright, ten times above land to
convert, and paddy (counted in cultivated land too) above other cultivated
land, which must be compensated (占补平衡).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landcheck.errors import InputDataError
from landcheck.labels import status_label
from landcheck.profile import STATUSES
from landcheck.select.constraints import Constraint

__all__ = [
    "CONCEPTS",
    "DEFAULT_WEIGHTS",
    "STATUS_ORDER",
    "RankingRule",
    "distance_unknown",
    "rank_table",
    "reasons",
]

STATUS_ORDER = tuple(reversed(STATUSES))
"""Statuses best first: not_involved, info, conditional, unknown, prohibited."""

CONCEPTS = {
    "permanent_farmland": ("permanent basic farmland taken", "占用永久基本农田"),
    "eco_redline": ("ecological redline taken", "占用生态保护红线"),
    "paddy": (
        "paddy taken, at most (cultivated land coded 01 alone counted as paddy)",
        "占用水田（至多，仅编码至一级 01 的耕地按水田计）",
    ),
    "cultivated": ("cultivated land taken (net of field ridges)", "占用耕地（扣除田坎）"),
    "conversion": ("agricultural land to convert", "农用地转用"),
    "outside_urban": ("area outside the urban development boundary", "城镇开发边界外面积"),
}
"""Weight names that are not layer keys: name → (English, Chinese) description."""

DEFAULT_WEIGHTS = {
    "permanent_farmland": 10.0,
    "eco_redline": 10.0,
    "paddy": 3.0,
    "cultivated": 2.0,
    "conversion": 1.0,
    "outside_urban": 1.0,
}
"""Default weights per hectare. Layer kinds name the hard layers; a layer key overrides its kind."""

_CONCEPT_COLUMNS = {"paddy": "paddy_at_most_ha"}
"""The metrics column a concept's weight multiplies, where it is not ``<name>_ha``: paddy is
the most a site may take (land coded 0101, and 耕地 whose kind its code does not give), so
that a site whose survey does not say does not rank as one that takes none."""

EXTRA_LAYER_WEIGHT = 10.0
"""Default weight of an extra (user-named) hard-constraint layer."""

SCORE_TOLERANCE = 1e-6
"""Scores closer than this tie (floating-point noise never decides)."""

DISTANCE_TOLERANCE_M = 0.01
"""Distances closer than this (metres) tie."""


@dataclass(frozen=True)
class Term:
    """One term of the weighted score: a table column and its weight."""

    name: str
    column: str
    weight: float
    en: str
    zh: str


@dataclass(frozen=True)
class RankingRule:
    """How alternatives are ranked; see the module notes.

    Attributes
    ----------
    terms : tuple of Term
        The weighted score's terms (column in hectares, weight per hectare).
    search_m : float
        Distances beyond this count as this.
    """

    terms: tuple[Term, ...]
    search_m: float = 1000.0
    weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        constraints: Iterable[Constraint],
        weights: Mapping[str, float] | None = None,
        *,
        search_m: float = 1000.0,
    ) -> RankingRule:
        """Build the rule for a set of hard constraints and optional weights.

        Parameters
        ----------
        constraints : iterable of Constraint
            The hard constraints (those excluding the *outside* of a layer are
            covered by ``outside_urban``).
        weights : mapping, optional
            Name → weight per hectare, over :data:`DEFAULT_WEIGHTS`. Names are
            those of :data:`CONCEPTS` or hard-constraint layer keys (a key
            overrides its kind's weight).
        search_m : float
            The distance search radius (metres).

        Raises
        ------
        InputDataError
            An unknown weight name or a negative or non-finite weight.

        Examples
        --------
        >>> from landcheck.profile import Text
        >>> c = [Constraint("farmland", "permanent_farmland", Text("永久基本农田", "farmland"))]
        >>> rule = RankingRule.build(c, {"conversion": 0})
        >>> [(t.column, t.weight) for t in rule.terms][:3]
        [('farmland_ha', 10.0), ('paddy_at_most_ha', 3.0), ('cultivated_ha', 2.0)]
        >>> "conversion_ha" in [t.column for t in rule.terms]
        False
        """
        inside = [c for c in constraints if not c.outside]
        given = dict(weights or {})
        allowed = set(CONCEPTS) | {c.key for c in inside}
        unknown = sorted(set(given) - allowed)
        if unknown:
            raise InputDataError(
                f"unknown weight(s) {', '.join(unknown)}; weights are named: "
                + ", ".join(sorted(allowed))
            )
        for name, value in given.items():
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("nan")
            if not np.isfinite(number) or number < 0:
                raise InputDataError(f"weight {name!r} must be a number ≥ 0, got {value!r}")
            given[name] = number
        merged = {**DEFAULT_WEIGHTS, **given}
        terms = []
        for c in inside:
            default = merged.get(c.kind, EXTRA_LAYER_WEIGHT)
            weight = given.get(c.key, default)
            terms.append(
                Term(
                    c.key,
                    f"{c.key}_ha",
                    weight,
                    f"{c.title.en} taken ({c.key})",
                    f"占用{c.title.zh}（{c.key}）",
                )
            )
        for name in ("paddy", "cultivated", "conversion", "outside_urban"):
            en, zh = CONCEPTS[name]
            terms.append(Term(name, _CONCEPT_COLUMNS.get(name, f"{name}_ha"), merged[name], en, zh))
        used = {t.name: t.weight for t in terms}
        return cls(tuple(t for t in terms if t.weight > 0), float(search_m), used)

    def compared_terms(self, table: pd.DataFrame) -> tuple[Term, ...]:
        """The terms that compare the rows: those with a column known for at least one row.

        A column missing, or NaN in every row (its layer not given), would weigh the same
        unknown for every row: it is left out, and reorders nothing.
        """
        return tuple(
            t
            for t in self.terms
            if t.column in table.columns and table[t.column].astype(float).notna().any()
        )

    def unknown_terms(self, table: pd.DataFrame) -> pd.Series:
        """Per row, the columns of :meth:`compared_terms` not known for it, comma-separated.

        Examples
        --------
        >>> rule = RankingRule((Term("cultivated", "cultivated_ha", 2.0, "", ""),))
        >>> rule.unknown_terms(pd.DataFrame({"cultivated_ha": [4.0, None]})).tolist()
        ['', 'cultivated_ha']
        >>> rule.unknown_terms(pd.DataFrame({"cultivated_ha": [None, None]})).tolist()
        ['', '']
        """
        compared = self.compared_terms(table)
        missing = [table[t.column].astype(float).isna().to_numpy() for t in compared]
        return pd.Series(
            [
                ", ".join(t.column for t, nan in zip(compared, missing, strict=True) if nan[i])
                for i in range(len(table))
            ],
            index=table.index,
            dtype=object,
        )

    def score(self, table: pd.DataFrame) -> pd.Series:
        """Weighted score of each row: NaN where a compared term is not known.

        Terms not known for any row (and columns the table lacks) are left out
        (:meth:`compared_terms`).
        """
        total = pd.Series(0.0, index=table.index)
        for term in self.compared_terms(table):
            total = total + term.weight * table[term.column].astype(float)
        return total

    def score_detail(self, row: Mapping[str, Any]) -> str:
        """The non-zero terms of one row's score, e.g. ``2×0.3000 cultivated_ha``.

        A term not known for the row reads ``2×? cultivated_ha`` (also one known for no
        row, which the score leaves out: :meth:`compared_terms`).
        """
        parts = []
        for term in self.terms:
            value = row.get(term.column)
            if term.column in row and pd.isna(value):
                parts.append(f"{term.weight:g}×? {term.column}")
            elif value is not None and not pd.isna(value) and float(value) != 0.0:
                parts.append(f"{term.weight:g}×{float(value):.4f} {term.column}")
        return " + ".join(parts) or "0"

    def describe(self, lang: str = "en") -> str:
        """The rule in words, for the output."""
        formula = (
            " + ".join(
                f"{t.weight:g} × {t.zh}（公顷）" if lang == "zh" else f"{t.weight:g} × {t.en} (ha)"
                for t in self.terms
            )
            or "0"
        )
        if lang == "zh":
            return (
                "排序规则，依次比较：（1）总体审查结论，由好到差："
                + " > ".join(status_label(s, "zh") for s in STATUS_ORDER)
                + f"；（2）加权得分，越低越好：{formula}（水田同时计入耕地）"
                "；某项面积对某用地未知（图层无法核查或未完整覆盖该用地）时，其得分未知，"
                "排在同一结论中得分已知的用地之后；对所有用地均未知的项不参与比较；"
                f"（3）距最近刚性约束图层的距离，越远越好"
                f"（超过 {self.search_m:g} 米按 {self.search_m:g} 米计）；"
                "用地周边该距离内有超出刚性约束图层描述范围的土地时，其距离未知，"
                "排在距离已知的用地之后；"
                "（4）用地编号，确保并列时排序唯一。"
            )
        return (
            "Ranked by, in order: (1) overall status, best first: "
            + ", ".join(STATUS_ORDER)
            + f"; (2) weighted score, lower first: {formula} (paddy is counted in cultivated "
            "land too); a site for which a term is not known (its layer could not be checked or "
            "does not fully describe the site) has a score not known, and ranks after every "
            "site of its status whose score is known; a term known for no site is left out; "
            "(3) distance to the nearest hard constraint, larger first (beyond "
            f"{self.search_m:g} m every distance counts as {self.search_m:g} m); a distance "
            "within which part of the ground around the site lies beyond the area a hard "
            "layer describes is not known, and ranks after the known ones; (4) site id, "
            "so ties always break the same way."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: weights, criteria and the rule in words."""
        return {
            "criteria": ["status", "score", "nearest_hard_m", "site_id"],
            "status_order": list(STATUS_ORDER),
            "weights": {t.column: t.weight for t in self.terms},
            "search_m": self.search_m,
            "text": {"en": self.describe("en"), "zh": self.describe("zh")},
        }


def _within(values: np.ndarray, tolerance: float) -> np.ndarray:
    """Each value's rank, values within ``tolerance`` of the next smaller one sharing it.

    Rounding to a grid would part two values either side of a grid line however close
    (1.0000004999604 and 1.0000005000258 at six decimals): here they tie.

    Examples
    --------
    >>> _within(np.array([1.0000005000258, 3.0, 1.0000004999604]), 1e-6).tolist()
    [0, 1, 0]
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    steps = np.concatenate([[0], (~(np.diff(ordered) <= tolerance)).astype(np.int64)])  # NaN apart
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.cumsum(steps)
    return ranks


def distance_unknown(table: pd.DataFrame) -> np.ndarray:
    """Per row, whether its distance to the nearest hard constraint is not known.

    Said by a non-empty ``nearest_hard_unknown`` (the layers whose described area ends
    within it); a table without that column knows every distance.

    Examples
    --------
    >>> distance_unknown(pd.DataFrame({"nearest_hard_unknown": ["", "farmland", None]})).tolist()
    [False, True, False]
    """
    if "nearest_hard_unknown" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return np.array([_said(v) for v in table["nearest_hard_unknown"]], dtype=bool)


def _said(value: Any) -> bool:
    """Whether a ``nearest_hard_unknown`` value names layers (not empty, None or NaN)."""
    return isinstance(value, str) and value != ""


def _keys(table: pd.DataFrame, rule: RankingRule) -> pd.DataFrame:
    distance = table["nearest_hard_m"].astype(float).fillna(rule.search_m).clip(upper=rule.search_m)
    unknown = table["score"].isna().to_numpy()
    far = distance_unknown(table)
    # scores not known tie with each other (after the known ones: score_unknown), and so do
    # distances (after the known ones: distance_unknown)
    score = np.where(unknown, 0.0, table["score"].to_numpy(dtype=float))
    distance = np.where(far, 0.0, distance.to_numpy(dtype=float))
    return pd.DataFrame(
        {
            "status_rank": table["status"]
            .map({s: i for i, s in enumerate(STATUS_ORDER)})
            .astype(int),
            "score_unknown": unknown.astype(int),
            "score_key": _within(score, SCORE_TOLERANCE),
            "distance_unknown": far.astype(int),
            "distance_key": -_within(distance, DISTANCE_TOLERANCE_M),
            "id_key": table["site_id"].astype(str),
        },
        index=table.index,
    )


def reasons(table: pd.DataFrame, rule: RankingRule, lang: str = "en") -> list[str]:
    """Why each row of a ranked table (best first) ranks ahead of the next one, in ``lang``.

    The ``reason`` column of :func:`rank_table` is the English one; ``"zh"`` gives
    the same reasons in Chinese (statuses in words, the terms by their Chinese
    names), for :meth:`~landcheck.select.compare.ComparisonResult.explain`.
    """
    keys = _keys(table, rule)
    rows = [table.iloc[i] for i in range(len(table))]
    said = [
        _why(rows[i], rows[i + 1], keys.iloc[i], keys.iloc[i + 1], rule, lang)
        for i in range(len(rows) - 1)
    ]
    if rows:
        said.append(_last(rows[-1], len(rows), rule, lang))
    return said


def _why(
    row: pd.Series,
    nxt: pd.Series,
    keys_row: pd.Series,
    keys_next: pd.Series,
    rule: RankingRule,
    lang: str,
) -> str:
    """Why ``row`` ranks ahead of ``nxt``: the first criterion their keys differ on."""
    zh = lang == "zh"
    other = nxt["site_id"]
    ahead = f"优于 {other}：" if zh else f"ahead of {other}: "
    if keys_row["status_rank"] != keys_next["status_rank"]:
        mine, theirs = _status(row["status"], lang), _status(nxt["status"], lang)
        if zh:
            return f"{ahead}总体审查结论“{mine}”优于“{theirs}”"
        return f"{ahead}status {mine} is better than {theirs}"
    if keys_row["score_unknown"] != keys_next["score_unknown"]:
        lacks, score = _not_known(nxt, rule, lang), f"{row['score']:.4f}"
        if zh:
            return f"{ahead}审查结论相同，得分 {score} 已知，{other} 的得分未知（{lacks}）"
        return f"{ahead}same status, score {score} is known and {other}'s is not ({lacks})"
    if keys_row["score_key"] != keys_next["score_key"]:
        mine, theirs = _apart(row["score"], nxt["score"], 4)
        if zh:
            return f"{ahead}审查结论相同，得分 {mine} 低于 {theirs}"
        return f"{ahead}same status, score {mine} is lower than {theirs}"
    same = _same(row, other, rule, lang)
    if keys_row["distance_unknown"] != keys_next["distance_unknown"]:
        mine, lacks = f"{_distance(row, rule):.2f}", _far_not_known(nxt, lang)
        if zh:
            return f"{ahead}{same}，距最近刚性约束 {mine} 米已知，{other} 的未知（{lacks}）"
        return (
            f"{ahead}{same}, nearest hard constraint {mine} m is known and {other}'s is not "
            f"({lacks})"
        )
    if keys_row["distance_key"] != keys_next["distance_key"]:
        mine, theirs = _apart(_distance(row, rule), _distance(nxt, rule), 2)
        if zh:
            return f"{ahead}{same}，距最近刚性约束 {mine} 米，远于 {theirs} 米"
        return f"{ahead}{same}, nearest hard constraint {mine} m is farther than {theirs} m"
    if keys_row["distance_unknown"] and zh:
        return f"{ahead}{same}；二者距最近刚性约束均未知，按用地编号排序"
    if keys_row["distance_unknown"]:
        return (
            f"{ahead}{same}; the nearest hard constraint is known for neither, the site id decides"
        )
    if keys_row["score_unknown"] and zh:
        return f"{ahead}{same}；距离相同，按用地编号排序"
    if keys_row["score_unknown"]:
        return f"{ahead}{same}; tied on distance, the site id decides"
    if zh:
        return f"{ahead}审查结论、得分和距离均相同，按用地编号排序"
    return f"{ahead}tied on status, score and distance; the site id decides"


def _same(row: pd.Series, other: str, rule: RankingRule, lang: str) -> str:
    """What a row shares with the next one when the distance or the id decides."""
    if not row["score_unknown"]:
        return "审查结论和得分相同" if lang == "zh" else "same status and score"
    lacks = _not_known(row, rule, lang)
    if lang == "zh":
        return f"审查结论相同，{lacks}，与 {other} 相同"
    return f"same status, {lacks}, as {other}'s is"


def _status(status: str, lang: str) -> str:
    """A status as the reasons write it: its code in English, its word in Chinese."""
    return status_label(status, "zh") if lang == "zh" else status


def _not_known(row: pd.Series, rule: RankingRule, lang: str) -> str:
    """``score not known: cultivated_ha, conversion_ha``: the terms a row's score lacks.

    In Chinese the terms by their names, each with its column:
    ``得分未知：占用耕地（扣除田坎）（cultivated_ha）``.
    """
    if lang != "zh":
        return f"score not known: {row['score_unknown']}"
    names = {t.column: t.zh for t in rule.terms}
    columns = str(row["score_unknown"]).split(", ")
    return "得分未知：" + "、".join(f"{names.get(c, c)}（{c}）" for c in columns)


def _far_not_known(row: pd.Series, lang: str) -> str:
    """``distance not known: …``: the layers whose described area ends within it."""
    keys = str(row.get("nearest_hard_unknown"))
    if lang == "zh":
        return f"距离未知：周边部分土地超出 {keys.replace(', ', '、')} 描述的范围"
    return f"distance not known: part of the ground within it lies beyond the data of {keys}"


def _last(row: pd.Series, count: int, rule: RankingRule, lang: str) -> str:
    """The reason of the last row: it has no next one (but may lack a score or a distance)."""
    if lang == "zh":
        said = ["排在最后" if count > 1 else "唯一的备选用地"]
    else:
        said = ["last" if count > 1 else "only alternative"]
    if row["score_unknown"]:
        said.append(_not_known(row, rule, lang))
    if _said(row.get("nearest_hard_unknown")):
        said.append(_far_not_known(row, lang))
    return ("；" if lang == "zh" else "; ").join(said)


def _distance(row: pd.Series, rule: RankingRule) -> float:
    """A row's nearest hard constraint as ranked: none within the search is the search."""
    value = float(row["nearest_hard_m"])
    return rule.search_m if np.isnan(value) else min(value, rule.search_m)


def _apart(first: float, second: float, decimals: int) -> tuple[str, str]:
    """Two numbers written with enough decimals to differ (never "1.0000 is lower than 1.0000").

    Examples
    --------
    >>> _apart(1.00004, 1.00012, 4), _apart(1.000002, 1.000004, 4)
    (('1.0000', '1.0001'), ('1.000002', '1.000004'))
    """
    for places in range(decimals, decimals + 6):
        mine, theirs = f"{first:.{places}f}", f"{second:.{places}f}"
        if mine != theirs:
            return mine, theirs
    return mine, theirs


def rank_table(metrics: pd.DataFrame, rule: RankingRule) -> pd.DataFrame:
    """Score and rank alternatives; return them sorted by rank with the reasons.

    Parameters
    ----------
    metrics : pandas.DataFrame
        One row per alternative with ``site_id``, ``status``,
        ``nearest_hard_m`` and the rule's hectare columns.
    rule : RankingRule

    Returns
    -------
    pandas.DataFrame
        The rows sorted best first, with ``rank`` (1 = best), ``score`` (NaN when
        not known), ``score_unknown`` (the columns of the terms not known for the
        row, comma-separated; empty when its score is known), ``score_detail`` and
        ``reason`` (why each ranks ahead of the next).

    Examples
    --------
    >>> rule = RankingRule(terms=(), search_m=100.0)
    >>> table = pd.DataFrame({"site_id": ["A", "B", "C"],
    ...                       "status": ["prohibited", "conditional", "conditional"],
    ...                       "nearest_hard_m": [0.0, 20.0, None]})
    >>> rank_table(table, rule)[["rank", "site_id"]].to_dict("list")
    {'rank': [1, 2, 3], 'site_id': ['C', 'B', 'A']}
    """
    table = metrics.copy()
    unknown = sorted(set(table["status"]) - set(STATUS_ORDER))
    if unknown:
        raise InputDataError(f"unknown status(es) {', '.join(unknown)} in the ranking table")
    table["score_unknown"] = rule.unknown_terms(table)
    table["score"] = rule.score(table)
    table["score_detail"] = [rule.score_detail(r) for r in table.to_dict("records")]
    keys = _keys(table, rule)
    criteria = [
        "status_rank",
        "score_unknown",
        "score_key",
        "distance_unknown",
        "distance_key",
        "id_key",
    ]
    order = keys.sort_values(criteria, kind="stable").index
    table = table.loc[order]
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["reason"] = reasons(table, rule)
    return table.reset_index(drop=True)
