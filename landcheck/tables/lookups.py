"""What the table builders read from a result: layers by kind, areas by method, pieces, names.

Hectares and 亩 of an area in m² too. Pure functions over a
:class:`~landcheck.result.CheckResult`, shared by the modules of
:mod:`landcheck.tables`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from landcheck.labels import label, status_label
from landcheck.result import CheckResult
from landcheck.rules import worst_status
from landcheck.rules.core import AROUND_THE_SITE
from landcheck.tables.table import DECIMALS, Column, as_text
from landcheck.units import M2_PER_HA, M2_PER_MU, rest_shown, round_alone

__all__ = [
    "VISIBLE_M2",
    "area_columns",
    "class_name",
    "first_layer",
    "ha_and_mu",
    "layer_conclusions",
    "layer_pieces",
    "layer_title",
    "layers_of_kind",
    "m2_values",
    "method_area_columns",
    "method_m2",
    "rest_alone",
    "show_as",
    "shown_alone",
    "site_areas",
]

VISIBLE_M2 = 0.005
"""Remainders smaller than this (m²) are float noise, not a table row."""


def ha_and_mu(m2: float) -> dict[str, float]:
    """Hectares and 亩 of an area in m² (NaN stays NaN)."""
    return {"ha": m2 / M2_PER_HA, "mu": m2 / M2_PER_MU}


_SHOWN_UNITS = (
    ("ha", M2_PER_HA, DECIMALS["ha"]),
    ("mu", M2_PER_MU, DECIMALS["mu"]),
    ("m2", 1.0, DECIMALS["m2"]),
)
"""The area columns a table shows, each with its square metres per unit and its decimals."""


def shown_alone(m2: float) -> dict[str, float]:
    """An area's ``ha``, ``mu`` and ``m2`` as shown rounded on its own (a table's ``fixed``).

    How the layers table and the summary show a layer's overlap, so that a
    table listing it as a part of the site shows the same figures.
    """
    return {key: round_alone(m2 / per, decimals) for key, per, decimals in _SHOWN_UNITS}


def rest_alone(whole_m2: float, part_m2: float) -> dict[str, float]:
    """The rest of a whole beyond a part, as shown: :func:`~landcheck.units.rest_shown` per unit."""
    return {
        key: rest_shown(whole_m2 / per, part_m2 / per, decimals)
        for key, per, decimals in _SHOWN_UNITS
    }


def show_as(fixed: dict[str, dict[int, float]], row: int, shown: Mapping[str, float]) -> None:
    """Show ``row`` with the values ``shown`` (per column) instead of rounding it (a ``fixed``)."""
    for column, value in shown.items():
        fixed[column][row] = value


def area_columns(zh: str = "面积", en: str = "area") -> list[Column]:
    """The hectare and 亩 columns of an area, headed ``zh`` / ``en``."""
    return [Column("ha", zh, en, "ha"), Column("mu", zh, en, "mu")]


def method_area_columns(result: CheckResult, zh: str = "面积", en: str = "area") -> list[Column]:
    """The hectare, 亩 and m² columns of an area by the run's method, headed with the method.

    ``面积`` in ``zh`` becomes the method's name (``椭球面积``, ``平面面积``) and ``en``
    is preceded by it, as the tables listing both areas head them apart.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> run = SimpleNamespace(area_method="ellipsoidal")
    >>> [c.header("zh") for c in method_area_columns(run, "叠加面积", "overlap")]
    ['叠加椭球面积（公顷）', '叠加椭球面积（亩）', '叠加椭球面积（平方米）']
    >>> method_area_columns(run)[2].header("en")
    'ellipsoidal area (m²)'
    """
    method = result.area_method
    zh_name = zh.replace("面积", label(method, "zh"))
    en_name = f"{method} {en}"
    return [Column(key, zh_name, en_name, key) for key in ("ha", "mu", "m2")]


def method_m2(result: CheckResult, planar: float, ellipsoidal: float) -> float:
    """The one of two areas the run's area method drives."""
    return ellipsoidal if result.area_method == "ellipsoidal" else planar


def layers_of_kind(result: CheckResult, kind: str) -> list[str]:
    """The keys of the profile's layers of one kind, in profile order."""
    return [key for key, spec in result.profile.layers.items() if spec.kind == kind]


def first_layer(result: CheckResult, kind: str) -> str | None:
    """The first layer of a kind (the one its table reports), or None."""
    keys = layers_of_kind(result, kind)
    return keys[0] if keys else None


def layer_title(result: CheckResult, key: str, lang: str) -> str:
    """A layer's title in the profile (its key when the profile lacks it)."""
    spec = result.profile.layers.get(key)
    return spec.title.get(lang) if spec is not None else key


def layer_conclusions(result: CheckResult, site_id: str, lang: str) -> dict[str, str]:
    """Each layer a site's findings read → its conclusion (审查结论) in words.

    The worst status of the findings about the site's own land. A finding about
    the ground around the site (:data:`~landcheck.rules.core.AROUND_THE_SITE`: a
    proximity band not all described) that is worse is named apart, so that a
    site taking none of the layer never reads as if taking it could not be told:
    "不涉及；周边无法判定" / "not involved; around the site: unknown" (only
    "周边无法判定" for a layer no other finding reads). A layer no finding
    reads is absent. One pass over the site's findings for all its layers.
    """
    on_site: dict[str, list[str]] = {}
    around: dict[str, list[str]] = {}
    for finding in result.site_findings(site_id):
        read = around if finding.outcome in AROUND_THE_SITE else on_site
        read.setdefault(finding.layer, []).append(finding.status)
        on_site.setdefault(finding.layer, [])  # in the order the findings read the layers
    return {
        key: _conclusion(statuses, around.get(key, []), lang) for key, statuses in on_site.items()
    }


def _conclusion(on_site: list[str], around: list[str], lang: str) -> str:
    """One layer's conclusion from its findings' statuses on the site and around it."""
    site = worst_status(on_site) if on_site else None
    near = worst_status(around) if around else None
    if near is None or (site is not None and worst_status([site, near]) == site):
        return status_label(site, lang) if site is not None else ""
    said = status_label(near, lang)
    around_text = f"周边{said}" if lang == "zh" else f"around the site: {said}"
    if site is None:
        return around_text
    return f"{status_label(site, lang)}{'；' if lang == 'zh' else '; '}{around_text}"


def site_areas(result: CheckResult) -> list[tuple[float, float]]:
    """The planar and ellipsoidal areas of each site, in m², in site order."""
    sites = result.sites
    return list(
        zip(
            sites["planar_m2"].astype(float).tolist(),
            sites["ellipsoidal_m2"].astype(float).tolist(),
            strict=True,
        )
    )


def layer_pieces(result: CheckResult, key: str) -> pd.DataFrame:
    """The counted pieces of a layer: site id, feature id, code, name, admin and areas."""
    pieces = result.pieces.get(key)
    columns = ["site_id", "feature_id", "code", "name", "admin", "planar_m2", "ellipsoidal_m2"]
    if pieces is None or len(pieces) == 0:
        return pd.DataFrame(columns=columns)
    ids = result.sites["site_id"].to_numpy()

    def column(name: str) -> Any:
        return pieces[name].astype("string").fillna("").to_numpy() if name in pieces else ""

    frame = pd.DataFrame(
        {
            "site_id": ids[pieces["site"].to_numpy()],
            "feature_id": (
                column("_id") if "_id" in pieces else pieces["feature"].astype(str).to_numpy()
            ),
            "code": column("_code"),
            "name": column("_name"),
            "admin": column("_admin"),
            "planar_m2": pieces["counted_planar_m2"].to_numpy(dtype=float),
            "ellipsoidal_m2": pieces["counted_ellipsoidal_m2"].to_numpy(dtype=float),
        }
    )
    return frame[columns]


def class_name(row: Mapping[str, Any], code: str, lang: str) -> str:
    """A class's name: the code table's English one where asked and known, else the data's.

    ``row`` is the class's row (a Series, or a dict of its ``name``, ``name_en`` and
    ``table_code``).
    """
    if lang == "en":
        name_en = as_text(row.get("name_en"))
        if name_en and str(row.get("table_code", "")) == code:
            return name_en
    return as_text(row.get("name")) or code


def m2_values(result: CheckResult, planar: float, ellipsoidal: float) -> dict[str, float]:
    """Hectares and 亩 by the run's method, and both areas in m², as table values."""
    m2 = method_m2(result, planar, ellipsoidal)
    return {**ha_and_mu(m2), "planar_m2": planar, "ellipsoidal_m2": ellipsoidal}
