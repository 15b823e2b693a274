"""Illegal land (违法用地): the site on parcels flagged as illegally used (卫片执法图斑).

自然资规〔2019〕2号 §一 [V] spares a project on construction land already approved by law its
用地预审; land occupied illegally is not such land, so it is new construction land, and the
document says nothing more of it. That a 报批 taking illegally occupied land must first show
the violation dealt with (查处到位), stating how in a 违法用地查处情况说明, is the practice of
卫片执法 and the 国土变更调查 [P]: no article is cited for it. The layer's own status
(``status`` role: 查处状态, 是否查处到位) decides only where it plainly says the violation was
dealt with (:data:`DEALT_WITH`); a blank, 未查处, 正在查处 or any other value is taken as not
dealt with. Parcels are named with their overlap, largest first (:func:`parcel_list`). An
overlap that is a sliver (area and width, as every review check) is a suspected boundary
error, never "not involved".
"""

from __future__ import annotations

import numpy as np

from landcheck.measure import SiteLayer
from landcheck.profile import Text
from landcheck.review.common import area_list, areas_by, involvement, matches, total, width_of
from landcheck.rules.core import Decision, Evaluator, RuleInput
from landcheck.units import M2_PER_HA, AreaMethod, largest_remainder_round

__all__ = [
    "DEALT_WITH",
    "EVALUATORS",
    "ILLEGAL_LAND",
    "LISTED_PARCELS",
    "dealt_with",
    "parcel_list",
]

DEALT_WITH = ("已查处到位", "查处到位", "已查处", "是")
"""How a parcel's status says its violation was dealt with (是: a 是否查处到位 field's yes)."""

LISTED_PARCELS = 10
"""Parcels a message names at most (the largest overlaps); the others are counted."""


def dealt_with(status: str) -> bool:
    """Whether a parcel's status says the violation was dealt with; anything else is not.

    Examples
    --------
    >>> [dealt_with(s) for s in ("已查处", " 查处到位 ", "是", "未查处", "正在查处", "", "否")]
    [True, True, True, False, False, False, False]
    """
    return matches(status, DEALT_WITH)


def _parcel_areas(layer: SiteLayer, method: AreaMethod) -> dict[str, float]:
    """The site's overlap with each parcel (m², by ``method``), by parcel id, in row order."""
    rows = layer.feature_rows
    if not len(rows):
        return {}
    ids = rows.column("feature_id").tolist()
    areas = rows.column("planar_m2" if method is AreaMethod.PLANAR else "ellipsoidal_m2")
    out: dict[str, float] = {}
    for parcel, m2 in zip(ids, np.asarray(areas, dtype=float).tolist(), strict=True):
        out[str(parcel)] = out.get(str(parcel), 0.0) + m2
    return out


def parcel_list(areas: dict[str, float]) -> Text:
    """``JCBH01 0.2500 公顷、JCBH02 0.1000 公顷`` and its English form, largest first.

    At most :data:`LISTED_PARCELS` are named, rounded to add up to their sum as shown;
    the rest are counted. A parcel without an id reads ``（未注明编号）``.

    Examples
    --------
    >>> text = parcel_list({"W2": 1_000.0, "W1": 2_500.0, "": 500.0})
    >>> text.zh
    'W1 0.2500 公顷、W2 0.1000 公顷、（未注明编号） 0.0500 公顷'
    >>> many = parcel_list({f"W{i:02d}": 100.0 * (20 - i) for i in range(12)})
    >>> many.zh.endswith("W09 0.1100 公顷等共 12 个图斑"), many.en.endswith("and 2 other parcels")
    (True, True)
    """
    ordered = sorted(areas.items(), key=lambda item: -item[1])
    named = ordered[:LISTED_PARCELS]
    hectares = [m2 / M2_PER_HA for _, m2 in named]
    if len(hectares) > 1:
        hectares = largest_remainder_round(hectares, 4, sum(hectares))
    pairs = list(zip((parcel for parcel, _ in named), hectares, strict=True))
    zh = "、".join(f"{parcel or '（未注明编号）'} {ha:.4f} 公顷" for parcel, ha in pairs)
    en = ", ".join(f"{parcel or '(no id)'} {ha:.4f} ha" for parcel, ha in pairs)
    rest = len(ordered) - len(named)
    if rest:
        return Text(f"{zh}等共 {len(ordered)} 个图斑", f"{en} and {rest} other parcels")
    return Text(zh or "无", en or "none")


def _illegal_land(inp: RuleInput) -> Decision:
    overlap = inp.layer.overlap
    statuses = areas_by(inp, "status")
    open_keys = [s for s in statuses if not dealt_with(s)]
    done_keys = [s for s in statuses if dealt_with(s)]
    open_area, done = total(statuses, open_keys, overlap), total(statuses, done_keys, overlap)
    values = {
        "parcels": parcel_list(_parcel_areas(inp.layer, inp.site.area.method)),
        "statuses": area_list(statuses, blank=Text("未注明", "not stated")),
        "open_ha": open_area.m2 / M2_PER_HA,
        "dealt_ha": done.m2 / M2_PER_HA,
    }
    outcome = involvement(inp, overlap, inp.layer.max_width_m)
    if outcome is not None:
        return Decision(outcome, overlap, values)
    # only what the layer plainly says was dealt with is; a sliver of the rest changes nothing
    open_material = inp.is_material(open_area.m2, width_of(inp, "status", open_keys))
    if not open_material and inp.is_material(done.m2, width_of(inp, "status", done_keys)):
        return Decision("dealt_with", overlap, values)
    return Decision("flagged", overlap, values)


ILLEGAL_LAND = Evaluator(
    "illegal_land",
    ("illegal_land",),
    ("not_involved", "sliver", "flagged", "dealt_with"),
    _illegal_land,
    numbers=("open_ha", "dealt_ha"),
    texts=("parcels", "statuses"),
    evidence=("flagged", "dealt_with"),
)

EVALUATORS = (ILLEGAL_LAND,)
"""The illegal-land family (:data:`landcheck.rules.registry.FAMILIES`)."""
