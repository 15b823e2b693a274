"""Colours shared by the maps, the HTML report and the QGIS styles (no plotting imports)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from landcheck.result import CheckResult

__all__ = [
    "CONFORMITY_COLORS",
    "LAYER_STYLES",
    "LEVEL1_COLORS",
    "SITE_COLOR",
    "STATUS_COLORS",
    "layer_color",
]

SITE_COLOR = "#e3001b"
"""The site outline: the project's red line (红线)."""

STATUS_COLORS = {
    "prohibited": "#c0392b",
    "unknown": "#7f5aa2",
    "conditional": "#d68910",
    "info": "#2e86c1",
    "not_involved": "#229954",
}
"""Status → colour, shared by HTML badges, maps and QGIS styles."""

LAYER_STYLES: dict[str, dict[str, str]] = {
    "permanent_farmland": {"color": "#f1c40f", "edge": "#9a7d0a", "hatch": "///"},
    "eco_redline": {"color": "#27ae60", "edge": "#145a32", "hatch": "\\\\\\"},
    "urban_boundary": {"color": "#a569bd", "edge": "#6c3483", "hatch": ""},
    "land_use": {"color": "#f7f48b", "edge": "#7b7d7d", "hatch": ""},
    "planning_zone": {"color": "#82e0aa", "edge": "#7b7d7d", "hatch": ""},
    "admin": {"color": "#d5d8dc", "edge": "#34495e", "hatch": ""},
}
"""Fill, edge and hatch per layer kind."""

_GENERIC_COLORS = ("#e67e22", "#2e86c1", "#c0392b", "#16a085", "#7f8c8d", "#d35400")

LEVEL1_COLORS = {
    "00": "#66c2a4",
    "01": "#f7f48b",
    "02": "#f4b183",
    "03": "#4daf4a",
    "04": "#b8e186",
    "05": "#e41a1c",
    "06": "#a65628",
    "07": "#fb9a99",
    "08": "#f781bf",
    "09": "#984ea3",
    "10": "#bdbdbd",
    "11": "#6baed6",
    "12": "#e0d9c8",
}
"""Fill per 三调 level-1 class."""

CONFORMITY_COLORS = {
    "conforms": "#82e0aa",
    "needs_adjustment": "#f8c471",
    "conflict": "#f1948a",
    "unknown": "#aeb6bf",
    "": "#d5d8dc",
}
"""Fill per planning-zone conformity."""


def layer_color(result: CheckResult, key: str) -> dict[str, str]:
    """Fill, edge and hatch of a layer: by its kind, a colour each for generic layers."""
    spec = result.profile.layers.get(key)
    kind = spec.kind if spec is not None else "generic"
    if kind in LAYER_STYLES:
        return LAYER_STYLES[kind]
    generic = [k for k, s in result.profile.layers.items() if s.kind not in LAYER_STYLES]
    index = generic.index(key) if key in generic else 0
    color = _GENERIC_COLORS[index % len(_GENERIC_COLORS)]
    return {"color": color, "edge": color, "hatch": ".."}
