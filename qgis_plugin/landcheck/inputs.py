"""Vector layers of the QGIS project as the file paths landcheck reads.

landcheck reads files (``PATH`` or ``PATH:LAYER``), not QGIS layers. A layer
that is a whole file as QGIS shows it is passed by its path. Any other layer
is first written to a temporary GeoPackage, and the feedback says why: a
memory, database or web layer; a layer with a filter (subset string); only the
selected features; a feature limit; a CRS set in QGIS that the file does not
declare (a shapefile without .prj); a source addressed by index, not by name.
"""

from __future__ import annotations

import os

from qgis.core import (
    QgsFeatureSink,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeatureSourceDefinition,
    QgsProcessingFeedback,
    QgsProcessingUtils,
    QgsProviderRegistry,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

__all__ = ["export_reason", "layer_path", "source_argument"]


def export_reason(layer: QgsVectorLayer, selected_only: bool, feature_limit: int) -> str | None:
    """Why ``layer`` cannot be passed to landcheck by its path (None: it can)."""
    if selected_only:
        return "only its selected features are used"
    if feature_limit is not None and feature_limit >= 0:
        return f"only its first {feature_limit} feature(s) are used"
    if layer.providerType() != "ogr":
        return f"it is a {layer.providerType()} layer, not a file"
    if layer.subsetString():
        return f"it has a filter ({layer.subsetString()})"
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    path = parts.get("path") or ""
    if not os.path.exists(path):
        return "its source is not a file on this computer"
    if parts.get("layerId") is not None and not parts.get("layerName"):
        return "its source names a layer by number, not by name"
    file_crs = layer.dataProvider().crs()
    if layer.crs().isValid() and layer.crs() != file_crs:
        declared = (file_crs.authid() or file_crs.description()) if file_crs.isValid() else None
        declared = declared or "no CRS"
        return f"its CRS {layer.crs().authid()} was set in QGIS (the file declares {declared})"
    return None


def layer_path(layer: QgsVectorLayer) -> str:
    """``PATH`` or ``PATH:LAYER`` of a file-backed OGR layer."""
    parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
    name = parts.get("layerName")
    return f"{parts['path']}:{name}" if name else parts["path"]


def _export(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict,
    name: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    key: str,
) -> str:
    """Write the parameter's features (selection, filter and limit applied) to a GeoPackage."""
    source = algorithm.parameterAsSource(parameters, name, context)
    path = QgsProcessingUtils.generateTempFilename(f"{key}.gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = key
    options.fileEncoding = "UTF-8"
    if any(field.name().lower() == "fid" for field in source.fields()):
        options.layerOptions = ["FID=landcheck_fid"]  # keep the layer's own fid values
    writer = QgsVectorFileWriter.create(
        path,
        source.fields(),
        source.wkbType(),
        source.sourceCrs(),
        context.transformContext(),
        options,
    )
    if writer.hasError() != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(
            f"{key}: cannot write the temporary GeoPackage {path}: {writer.errorMessage()}"
        )
    for feature in source.getFeatures():
        if feedback.isCanceled():
            break
        if not writer.addFeature(feature, QgsFeatureSink.FastInsert):
            raise QgsProcessingException(
                f"{key}: cannot write feature {feature.id()} to {path}: {writer.errorMessage()}"
            )
    del writer  # closes the file
    return f"{path}:{key}"


def source_argument(
    algorithm: QgsProcessingAlgorithm,
    parameters: dict,
    name: str,
    context: QgsProcessingContext,
    feedback: QgsProcessingFeedback,
    key: str,
) -> str | None:
    """The ``PATH[:LAYER]`` landcheck reads for a feature-source parameter (None: not given).

    Raises
    ------
    QgsProcessingException
        The parameter names something that is not a vector layer.
    """
    value = parameters.get(name)
    if value is None or value == "":
        return None
    selected, limit, reference = False, -1, value
    if isinstance(value, QgsProcessingFeatureSourceDefinition):
        selected = value.selectedFeaturesOnly
        limit = getattr(value, "featureLimit", -1)
        reference = value.source.staticValue()
    layer = algorithm.parameterAsVectorLayer({name: reference}, name, context)
    if layer is None:
        raise QgsProcessingException(f"{key}: {reference!r} is not a vector layer QGIS can open")
    reason = export_reason(layer, selected, limit)
    if reason is None:
        return layer_path(layer)
    path = _export(algorithm, parameters, name, context, feedback, key)
    feedback.pushInfo(
        f"{key}: the layer {layer.name()!r} was written to a temporary GeoPackage for "
        f"landcheck because {reason}: {path}"
    )
    return path
