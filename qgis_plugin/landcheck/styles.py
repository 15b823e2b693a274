"""Styles for the layers landcheck's selection tools write without one.

landcheck.gpkg (``check``) carries its own QGIS styles in ``layer_styles``; the
GeoPackages of ``select compare`` and ``select avoid`` do not, so their layers
get these: the same status and layer colours as landcheck's reports
(``landcheck/report/labels.py`` and ``palette.py``).
"""

from __future__ import annotations

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsFillSymbol,
    QgsPalLayerSettings,
    QgsRendererCategory,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)

__all__ = ["STATUS_COLORS", "apply_style", "load_stored_style"]

STATUS_COLORS = {
    "prohibited": "#c0392b",
    "unknown": "#7f5aa2",
    "conditional": "#d68910",
    "info": "#2e86c1",
    "not_involved": "#229954",
}
"""Status → colour, as in landcheck's reports."""

SITE_COLOR = "#e3001b"
"""The site outline: the project's red line (红线)."""

KIND_COLORS = {
    "permanent_farmland": ("#f1c40f", "#9a7d0a"),
    "eco_redline": ("#27ae60", "#145a32"),
    "urban_boundary": ("#a569bd", "#6c3483"),
    "land_use": ("#f7f48b", "#7b7d7d"),
    "planning_zone": ("#82e0aa", "#7b7d7d"),
    "admin": ("#d5d8dc", "#34495e"),
}
"""Layer kind → (fill, edge)."""


def _fill(color: str, edge: str, alpha: int = 150, **more: str) -> QgsFillSymbol:
    return QgsFillSymbol.createSimple(
        {
            "color": f"{_rgb(color)},{alpha}",
            "outline_color": edge,
            "outline_width": "0.4",
            **more,
        }
    )


def _rgb(color: str) -> str:
    """``#rrggbb`` → ``r,g,b``."""
    return ",".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))


def _by_status(layer: QgsVectorLayer, field: str) -> None:
    categories = [
        QgsRendererCategory(status, _fill(color, color), status)
        for status, color in STATUS_COLORS.items()
    ]
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, categories))


def _label(layer: QgsVectorLayer, expression: str) -> None:
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = True
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def load_stored_style(layer: QgsVectorLayer) -> bool:
    """Load the default style stored with the layer's data; False if there is none.

    landcheck.gpkg stores one per layer in ``layer_styles``; Processing opens
    result layers without it.
    """
    _, found = layer.loadDefaultStyle()
    return bool(found)


def apply_style(layer: QgsVectorLayer, name: str, kinds: dict[str, str]) -> bool:
    """Style a layer of comparison.gpkg or avoidance.gpkg by its name; False if unknown.

    ``kinds`` maps a profile layer key to its kind (for ``context_<key>`` layers).
    """
    if name == "alternatives":
        _by_status(layer, "status")
        _label(layer, 'concat("rank", \'. \', "site_id")')
    elif name == "kept":
        _by_status(layer, "status_after")
        _label(layer, '"site_id"')
    elif name == "lost":
        symbol = _fill(STATUS_COLORS["prohibited"], STATUS_COLORS["prohibited"], 110)
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    elif name == "dropped":
        symbol = _fill("#95a5a6", "#7f8c8d", 120)
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    elif name == "original":
        symbol = _fill(SITE_COLOR, SITE_COLOR, 0, outline_style="dash", outline_width="0.6")
        layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    elif name.startswith("context_"):
        fill, edge = KIND_COLORS.get(kinds.get(name.removeprefix("context_"), ""), ("#e67e22",) * 2)
        layer.setRenderer(QgsSingleSymbolRenderer(_fill(fill, edge, 90)))
    else:
        return False
    layer.triggerRepaint()
    return True
