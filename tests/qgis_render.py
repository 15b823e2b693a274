"""Render the project stored in a landcheck.gpkg with headless PyQGIS, at a given extent.

Run by tests/test_report_gpkg_context.py with Debian's ``python3`` (which has ``qgis``),
never imported by it::

    python3 tests/qgis_render.py GPKG XMIN YMIN XMAX YMAX IMAGE.png RESULT.json

Opens the project ``landcheck`` stored in GPKG as a QGIS user does (Project ▸ Open From ▸
GeoPackage), renders the layers switched on in its layer tree at the extent into IMAGE.png
(800 × 800 px), and writes RESULT.json: each layer of the tree (name, group, checked,
valid, renderer, features in the extent) and the pixels each visible layer paints when
rendered alone, so a test can tell that the site, its pieces and the constraint features
around it are drawn. Only the standard library is imported at module level (pytest collects
this file's doctests in the landcheck environment, which has no QGIS).
"""

from __future__ import annotations

import json
import os
import sys


def _painted(settings, layers, image_class, job_class) -> int:
    """Pixels not fully transparent when ``layers`` are rendered alone."""
    settings.setLayers(layers)
    job = job_class(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage().convertToFormat(image_class.Format_ARGB32)
    size = image.width() * image.height()
    data = image.constBits()
    data.setsize(size * 4)
    alpha = bytes(data)[3::4]
    return size - alpha.count(0)


def main(gpkg: str, box: list[float], image_path: str, result_path: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsFeatureRequest,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor, QImage

    app = QgsApplication([], False)
    app.initQgis()
    try:
        project = QgsProject.instance()
        opened = project.read(f"geopackage:{gpkg}?projectName=landcheck")
        extent = QgsRectangle(*box)
        root = project.layerTreeRoot()
        layers = []
        for node in root.findLayers():
            layer = node.layer()
            parent = node.parent()
            request = QgsFeatureRequest().setFilterRect(extent)
            spatial = layer.isValid() and layer.isSpatial()
            layers.append(
                {
                    "name": layer.name(),
                    "source": layer.source(),
                    "group": parent.name() if parent is not root else None,
                    "checked": node.isVisible(),
                    "valid": layer.isValid(),
                    "renderer": layer.renderer().type() if spatial else None,
                    "in_extent": sum(1 for _ in layer.getFeatures(request)) if spatial else 0,
                }
            )
        visible = [
            n.layer()
            for n in root.findLayers()
            if n.isVisible() and n.layer().isValid() and n.layer().isSpatial()
        ]
        settings = QgsMapSettings()
        settings.setDestinationCrs(project.crs())
        settings.setOutputSize(QSize(800, 800))
        settings.setExtent(extent)
        settings.setBackgroundColor(QColor(0, 0, 0, 0))
        painted = {
            layer.name(): _painted(settings, [layer], QImage, QgsMapRendererSequentialJob)
            for layer in visible
        }
        settings.setBackgroundColor(QColor(255, 255, 255))
        settings.setLayers(visible)
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        saved = job.renderedImage().save(image_path, "PNG")
        with open(result_path, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "opened": opened,
                    "crs": project.crs().authid(),
                    "layers": layers,
                    "painted": painted,
                    "saved": saved,
                },
                handle,
                ensure_ascii=False,
            )
    finally:
        app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1], [float(v) for v in sys.argv[2:6]], sys.argv[6], sys.argv[7])
