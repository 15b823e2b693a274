"""Loading the layers landcheck wrote into the current project, styled and grouped.

Processing opens result layers itself once the algorithm has finished
(``context.addLayerToLoadOnCompletion``), but without their stored style; a
post-processor then loads the style (landcheck.gpkg's ``layer_styles``, or the
plugin's own for the selection GeoPackages, see :mod:`.styles`) and puts the
layer in one group per output folder, in the order the GeoPackage lists them.
In ``qgis_process`` there is no project: the layers are only named in the results.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from qgis.core import (
    QgsLayerTreeGroup,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsProject,
    QgsVectorLayer,
)

__all__ = ["feature_layers", "load_on_completion"]

_RANK = "landcheck/rank"
"""Layer-tree property: the layer's position in its GeoPackage."""

_ALIVE: list[QgsProcessingLayerPostProcessorInterface] = []
"""Post-processors stay referenced until used: Processing holds only a pointer."""


def feature_layers(gpkg: str) -> list[str]:
    """The spatial layers of a GeoPackage, in the order they were written."""
    uri = Path(gpkg).resolve().as_uri() + "?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as db:
        rows = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid"
        ).fetchall()
    return [row[0] for row in rows]


class _StyleAndGroup(QgsProcessingLayerPostProcessorInterface):
    """Styles a loaded result layer and moves it into its group, at its rank."""

    def __init__(self, group: str, rank: int, style: Callable[[QgsVectorLayer], None]) -> None:
        super().__init__()
        self.group = group
        self.rank = rank
        self.style = style

    def postProcessLayer(  # the name QGIS calls
        self, layer: QgsVectorLayer, context: QgsProcessingContext, feedback: QgsProcessingFeedback
    ) -> None:
        """Style ``layer`` and place it; called once Processing has added it to the project."""
        self.style(layer)
        project = context.project() or QgsProject.instance()
        root = project.layerTreeRoot()
        node = root.findLayer(layer.id())
        if node is not None:
            group = root.findGroup(self.group) or root.insertGroup(0, self.group)
            _insert(group, node, self.rank)
        if self in _ALIVE:
            _ALIVE.remove(self)


def _insert(group: QgsLayerTreeGroup, node, rank: int) -> None:
    """Move ``node`` into ``group`` before the layers ranked after it."""
    position = sum(1 for child in group.children() if int(child.customProperty(_RANK, -1)) < rank)
    clone = node.clone()
    clone.setCustomProperty(_RANK, rank)
    group.insertChildNode(position, clone)
    parent = node.parent()
    if parent is not None:
        parent.removeChildNode(node)


def load_on_completion(
    context: QgsProcessingContext,
    gpkg: str,
    names: list[str],
    group: str,
    style: Callable[[QgsVectorLayer, str], None],
) -> dict[str, str]:
    """Have Processing load ``names`` of ``gpkg`` when the algorithm ends; return name → URI.

    ``style(layer, name)`` styles each layer once loaded; the layers go into
    the group ``group`` (created at the top of the layer tree), in the order given.
    """
    uris = {}
    for rank, name in enumerate(names):
        uri = f"{gpkg}|layername={name}"
        uris[name] = uri
        details = QgsProcessingContext.LayerDetails(name, context.project(), name)
        context.addLayerToLoadOnCompletion(uri, details)
        processor = _StyleAndGroup(group, rank, lambda layer, name=name: style(layer, name))
        _ALIVE.append(processor)
        context.layerToLoadOnCompletionDetails(uri).setPostProcessor(processor)
    del _ALIVE[:-200]  # runs whose layers were never loaded (qgis_process) are let go
    return uris
