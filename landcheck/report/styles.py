"""QGIS styles and the QGIS project stored in landcheck.gpkg.

QGIS reads a layer's default style from the GeoPackage table ``layer_styles``
(the columns QGIS itself creates: f_table_catalog, f_table_schema,
f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault,
description, owner, ui, update_time) and lists projects stored in the table
``qgis_projects`` (name, metadata, content: the hex text of a zipped .qgs).
This module builds the QML of each layer and that project; :mod:`.gpkg`
writes them.

Styles: ``sites`` as red outlines (the 红线) labelled with the site id;
``overlaps`` by layer key, in the map colours, with the land-use, planning
and administrative pieces listed but switched off so the control lines read
first; ``findings`` by status; the context layers (``context_<KEY>``, the
features read near the sites) in their layer's colours, land use by level-1
class with its 三大类 and planning zones by conformity, as the HTML maps colour
them. Every field gets a readable alias in the report language; a field holding the
run's area method's figure names the method, as the report tables head it.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pyproj import CRS

from landcheck.crs import crs_label
from landcheck.labels import CATEGORY_EN, CONFORMITY, LEVEL1_EN, label, status_label
from landcheck.profile import POINT_KINDS, STATUSES
from landcheck.report.palette import (
    CONFORMITY_COLORS,
    LEVEL1_COLORS,
    SITE_COLOR,
    STATUS_COLORS,
    layer_color,
)
from landcheck.result import CheckResult
from landcheck.text import xml_text

__all__ = [
    "CONTEXT_GROUP",
    "CONTEXT_PREFIX",
    "FIELD_ALIASES",
    "METHOD_FIELDS",
    "PROJECT_NAME",
    "LayerInfo",
    "context_classes",
    "context_key",
    "context_names",
    "context_title",
    "layer_qml",
    "method_alias",
    "project_metadata",
    "project_qgs",
    "project_qgz",
    "style_body",
    "style_rows",
]

PROJECT_NAME = "landcheck"
"""Name of the project stored in the GeoPackage."""

_QGIS_VERSION = "3.22.0-Białowieża"
_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
_OFF_KINDS = ("land_use", "planning_zone", "admin")

CONTEXT_PREFIX = "context_"
"""Prefix of the GeoPackage layers of features read near the sites: ``context_farmland``."""

CONTEXT_GROUP = ("周边要素", "Around the sites")
"""The stored project's group of context layers (Chinese, English)."""

_CONTEXT_OFF_KINDS = ("planning_zone", "admin")
"""Context layers listed but switched off: they would cover the land-use parcels."""

FIELD_ALIASES: dict[str, tuple[str, str]] = {
    "site_id": ("用地编号", "site id"),
    "name": ("项目名称", "site name"),
    "project_class": ("项目类型", "project class"),
    "linear": ("线性工程", "linear project"),
    "status": ("审查结论", "status"),
    "area_planar_m2": ("平面面积（平方米）", "planar area (m²)"),
    "area_ellipsoidal_m2": ("椭球面积（平方米）", "ellipsoidal area (m²)"),
    "area_ha": ("面积（公顷）", "area (ha)"),
    "area_mu": ("面积（亩）", "area (mu)"),
    "layer": ("图层", "layer key"),
    "layer_title": ("图层名称", "layer"),
    "feature_id": ("要素编号", "feature id"),
    "class_code": ("地类/分区代码", "class code"),
    "class_name": ("地类/分区名称", "class name"),
    "counted_planar_m2": ("计入平面面积（平方米）", "counted planar area (m²)"),
    "counted_ellipsoidal_m2": ("计入椭球面积（平方米）", "counted ellipsoidal area (m²)"),
    "deduction": ("扣除系数", "deduction coefficient"),
    "check": ("审查事项", "check"),
    "outcome": ("结果代码", "outcome"),
    "area_m2": ("涉及面积（平方米）", "area (m²)"),
    "message_zh": ("审查意见（中文）", "finding (Chinese)"),
    "message_en": ("审查意见（英文）", "finding (English)"),
    "basis": ("依据", "legal basis"),
    "documents": ("须提交材料", "documents required"),
    "level1": ("一级地类代码", "level-1 class code"),
    "level1_name": ("一级地类", "level-1 class"),
    "category": ("三大类", "land category (三大类)"),
    "conformity": ("规划符合性", "plan conformity"),
}
"""Field → alias (Chinese, English) shown in QGIS (:data:`METHOD_FIELDS` with the method named)."""

METHOD_FIELDS = frozenset({"area_ha", "area_mu", "area_m2"})
"""Fields holding the figure of the run's area method (the sites' 公顷 and 亩, a finding's area):
their aliases name it, beside the sites' 平面面积 and 椭球面积 (:func:`method_alias`). So do a
sites layer's ``<KEY>_m2``, each layer's overlap."""


@dataclass(frozen=True)
class LayerInfo:
    """One GeoPackage layer as the QGIS project lists it."""

    name: str
    title: str
    spatial: bool
    style: str = ""
    extent: tuple[float, float, float, float] | None = None
    group: str | None = None
    """The layer-tree group it is listed in (None: at the top level)."""


def _attr(value: str) -> str:
    """``value`` as a quoted XML attribute value, what XML cannot hold as U+FFFD.

    A control character (a profile's layer title holding U+001B) made the
    styles and the project not well-formed: QGIS could not open them.
    """
    return quoteattr(xml_text(value))


def _escaped(value: str) -> str:
    """``value`` as XML text, what XML cannot hold as U+FFFD (see :func:`_attr`)."""
    return escape(xml_text(value))


def _rgba(color: str, alpha: int = 255) -> str:
    color = color.lstrip("#")
    return ",".join(str(int(color[i : i + 2], 16)) for i in (0, 2, 4)) + f",{alpha}"


def _option(name: str, value: str) -> str:
    return f'<Option type="QString" name={_attr(name)} value={_attr(value)}/>'


def _simple_fill(
    fill: str,
    outline: str,
    *,
    style: str = "solid",
    width: float = 0.26,
    outline_style: str = "solid",
) -> str:
    options = "".join(
        _option(k, v)
        for k, v in (
            ("color", fill),
            ("style", style),
            ("outline_color", outline),
            ("outline_style", outline_style),
            ("outline_width", f"{width:g}"),
            ("outline_width_unit", "MM"),
            ("joinstyle", "miter"),
            ("offset", "0,0"),
            ("offset_unit", "MM"),
        )
    )
    return (
        f'<layer class="SimpleFill" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{options}</Option></layer>'
    )


def _symbol(name: str, layers: Sequence[str], alpha: float = 1.0) -> str:
    return (
        f'<symbol type="fill" name={_attr(name)} alpha="{alpha:g}" clip_to_extent="1" '
        f'force_rhr="0">{"".join(layers)}</symbol>'
    )


_BRUSHES = {"///": "f_diagonal", "\\\\\\": "b_diagonal", "..": "dense6", "xx": "diagonal_x"}


def _layer_symbol(name: str, style: Mapping[str, str], fill_alpha: int = 150) -> str:
    layers = [_simple_fill(_rgba(style["color"], fill_alpha), _rgba(style["edge"]), width=0.3)]
    brush = _BRUSHES.get(style.get("hatch", ""))
    if brush:
        layers.append(
            _simple_fill(
                _rgba(style["edge"], 200),
                _rgba(style["edge"], 0),
                style=brush,
                width=0,
                outline_style="no",
            )
        )
    return _symbol(name, layers)


def _point_symbol(name: str, style: Mapping[str, str]) -> str:
    """A point layer's marker: a triangle in the layer's colour, outlined in its edge colour."""
    options = "".join(
        _option(k, v)
        for k, v in (
            ("name", "triangle"),
            ("color", _rgba(style["color"], 230)),
            ("outline_color", _rgba(style["edge"])),
            ("outline_style", "solid"),
            ("outline_width", "0.4"),
            ("outline_width_unit", "MM"),
            ("size", "3.2"),
            ("size_unit", "MM"),
            ("angle", "0"),
            ("offset", "0,0"),
            ("offset_unit", "MM"),
        )
    )
    return (
        f'<symbol type="marker" name={_attr(name)} alpha="1" clip_to_extent="1" '
        f'force_rhr="0"><layer class="SimpleMarker" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{options}</Option></layer></symbol>'
    )


def _categorized(field: str, categories: Sequence[tuple[str, str, str, bool]]) -> str:
    """``categories``: (value, label, symbol XML with name=index, rendered)."""
    items = "".join(
        f'<category symbol="{i}" value={_attr(value)} label={_attr(text)} '
        f'render="{"true" if shown else "false"}" type="string"/>'
        for i, (value, text, _, shown) in enumerate(categories)
    )
    symbols = "".join(symbol for _, _, symbol, _ in categories)
    return (
        f'<renderer-v2 type="categorizedSymbol" attr={_attr(field)} symbollevels="0" '
        f'enableorderby="0" forceraster="0" referencescale="-1">'
        f"<categories>{items}</categories><symbols>{symbols}</symbols>"
        f"<rotation/><sizescale/></renderer-v2>"
    )


def _labeling(field: str, color: str) -> str:
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={_attr(field)} isExpression="0" fontSize="10" '
        f'fontSizeUnit="Point" textColor={_attr(_rgba(color))} textOpacity="1" '
        'fontWeight="50" fontItalic="0" namedStyle="Regular" multilineHeight="1" '
        'blendMode="0" previewBkgrdColor="255,255,255,255" allowHtml="0">'
        '<text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" '
        'bufferColor="255,255,255,255" bufferOpacity="0.9" bufferJoinStyle="128" '
        'bufferNoFill="1" bufferBlendMode="0"/>'
        "</text-style>"
        '<text-format wrapChar="" autoWrapLength="0" multilineAlign="3" placeDirectionSymbol="0" '
        'addDirectionSymbol="0" formatNumbers="0" decimals="3" plussign="0"/>'
        '<placement placement="1" placementFlags="10" priority="5" dist="0" distUnits="MM" '
        'offsetType="0" quadOffset="4" fitInPolygonOnly="0" centroidWhole="0" '
        'centroidInside="1"/>'
        '<rendering obstacle="1" obstacleType="1" fontLimitPixelSize="0" scaleVisibility="0" '
        'displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0" drawLabels="1" '
        'limitNumLabels="0" maxNumLabels="2000" minFeatureSize="0" zIndex="0"/>'
        "</settings></labeling>"
    )


def method_alias(zh: str, en: str, method: str) -> tuple[str, str]:
    """An area's alias named with the run's area method, as the report tables head it.

    ``面积`` in ``zh`` becomes the method's name (``椭球面积``, ``平面面积``) and ``en``
    is preceded by it (:func:`landcheck.tables.lookups.method_area_columns`).

    Examples
    --------
    >>> method_alias("面积（公顷）", "area (ha)", "ellipsoidal")
    ('椭球面积（公顷）', 'ellipsoidal area (ha)')
    >>> method_alias("叠加面积（平方米）", "overlap (m²)", "planar")
    ('叠加平面面积（平方米）', 'planar overlap (m²)')
    """
    return zh.replace("面积", label(method, "zh")), f"{method} {en}"


def _alias(field: str, method: str) -> tuple[str, str] | None:
    """A field's alias (Chinese, English), its area named with ``method``; None: no alias."""
    pair = FIELD_ALIASES.get(field)
    if pair is not None:
        return method_alias(*pair, method) if field in METHOD_FIELDS else pair
    if field.startswith("status_"):
        return f"结论：{field[7:]}", f"status: {field[7:]}"
    if field.endswith("_m2"):  # the sites layer's overlap of a layer
        zh, en = method_alias("叠加面积（平方米）", "overlap (m²)", method)
        return f"{field[:-3]} {zh}", f"{field[:-3]} {en}"
    return None


def _aliases(fields: Sequence[str], lang: str, method: str) -> str:
    items = []
    for index, field in enumerate(fields):
        pair = _alias(field, method)
        if pair is None:
            continue
        name = pair[1] if lang == "en" else pair[0]
        items.append(f'<alias field={_attr(field)} index="{index}" name={_attr(name)}/>')
    return f"<aliases>{''.join(items)}</aliases>"


def context_title(result: CheckResult, key: str) -> tuple[str, str]:
    """Title of a context layer (Chinese, English): its layer's title, marked as around."""
    spec = result.profile.layers.get(key)
    zh, en = (spec.title.zh, spec.title.en) if spec is not None else (key, key)
    return f"周边{zh}", f"{en} (around the sites)"


def context_names(keys: Iterable[str]) -> dict[str, str]:
    """Layer key → the name of its context layer, ``context_<KEY>``: distinct ignoring case.

    SQLite compares table names ignoring case: of keys equal but for case (a
    profile's ``forest`` and ``Forest``), the first keeps ``context_<KEY>`` and
    each next one gets ``context_<KEY>_2`` (the first number no other name takes).

    Examples
    --------
    >>> context_names(["farmland", "forest", "Forest"])
    {'farmland': 'context_farmland', 'forest': 'context_forest', 'Forest': 'context_Forest_2'}
    """
    plain = {key: f"{CONTEXT_PREFIX}{key}" for key in keys}
    reserved = {name.casefold() for name in plain.values()}
    taken: set[str] = set()
    names = {}
    for key, name in plain.items():
        chosen, number = name, 1
        while chosen.casefold() in taken or (chosen != name and chosen.casefold() in reserved):
            number += 1
            chosen = f"{name}_{number}"
        taken.add(chosen.casefold())
        names[key] = chosen
    return names


def context_key(result: CheckResult, layer: str) -> str | None:
    """The layer key of a context layer (:func:`context_names`), None for any other layer."""
    found = {name: key for key, name in context_names(result.profile.layers).items()}
    if layer in found:
        return found[layer]
    return layer[len(CONTEXT_PREFIX) :] if layer.startswith(CONTEXT_PREFIX) else None


def _context_kind(result: CheckResult, layer: str) -> str | None:
    """The layer kind of a ``context_<KEY>`` layer (None for any other layer)."""
    key = context_key(result, layer)
    if key is None:
        return None
    spec = result.profile.layers.get(key)
    return spec.kind if spec is not None else "generic"


def _class_fill(name: str, color: str, *, unknown: bool = False) -> str:
    """A class's fill, half transparent over grey edges; unknown classes cross-hatched."""
    layers = [_simple_fill(_rgba(color, 140), _rgba("#7b7d7d"), width=0.2)]
    if unknown:
        layers.append(
            _simple_fill(
                _rgba("#7b7d7d", 200), _rgba("#7b7d7d", 0), style="diagonal_x", outline_style="no"
            )
        )
    return _symbol(name, layers)


def _land_use_classes(
    values: Sequence[tuple[str, str, str]], lang: str
) -> list[tuple[str, str, str, bool]]:
    """Categories of a land-use context layer: one per level-1 class and 三大类.

    ``values``: the layer's distinct (level1, level1_name, category). A level-1 class
    may span two 三大类 (10 交通运输用地: 1006 农村道路 is 农用地, the rest 建设用地), so
    the category value is ``level1|category``, coloured by the level-1 class.
    """
    categories = []
    for level1, name, category in sorted(set(values)):
        if not level1:
            text = label("unclassified", lang)
        elif lang == "en":
            group = CATEGORY_EN.get(category, category)
            text = f"{level1} {LEVEL1_EN.get(level1, name)}" + (f" ({group})" if group else "")
        else:
            text = f"{level1} {name}" + (f"（{category}）" if category else "")
        symbol = _class_fill(
            str(len(categories)), LEVEL1_COLORS.get(level1, "#ffffff"), unknown=not level1
        )
        categories.append((f"{level1}|{category}", text, symbol, True))
    return categories


_LAND_USE_CLASS = 'concat("level1", \'|\', "category")'
"""The expression a land-use context layer is classified by: level-1 class and 三大类."""


def _conformity_classes(lang: str) -> list[tuple[str, str, str, bool]]:
    categories = []
    for value, color in CONFORMITY_COLORS.items():
        words = CONFORMITY.get(value, ("", ""))
        text = (words[1] if lang == "en" else words[0]) or label("unclassified", lang)
        symbol = _class_fill(str(len(categories)), color, unknown=value == "conflict")
        categories.append((value, text, symbol, True))
    return categories


def context_classes(frame: Any) -> list[tuple[str, str, str]]:
    """The distinct (level1, level1_name, category) of a land-use context layer ([] otherwise)."""
    columns = ("level1", "level1_name", "category")
    if not all(c in getattr(frame, "columns", ()) for c in columns):
        return []
    values = frame[list(columns)].astype("string").fillna("").astype(str)
    return sorted(set(values.itertuples(index=False, name=None)))


def _context_body(
    result: CheckResult, layer: str, fields: Sequence[str], lang: str, classes: Sequence[tuple]
) -> str:
    """Renderer and aliases of a context layer."""
    key = context_key(result, layer) or ""
    kind = _context_kind(result, layer)
    if kind == "land_use" and "level1" in fields:
        renderer = _categorized(_LAND_USE_CLASS, _land_use_classes(classes, lang))
    elif kind == "planning_zone" and "conformity" in fields:
        renderer = _categorized("conformity", _conformity_classes(lang))
    elif kind in POINT_KINDS:  # hazard points: a marker, a fill would draw nothing
        renderer = (
            '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
            f'forceraster="0" referencescale="-1"><symbols>'
            f"{_point_symbol('0', layer_color(result, key))}</symbols>"
            "<rotation/><sizescale/></renderer-v2>"
        )
    else:
        # lighter than the pieces inside the sites, so the land use shows through
        symbol = _layer_symbol("0", layer_color(result, key), fill_alpha=70)
        renderer = (
            '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
            f'forceraster="0" referencescale="-1"><symbols>{symbol}</symbols>'
            "<rotation/><sizescale/></renderer-v2>"
        )
    return renderer + _aliases(fields, lang, result.area_method)


def style_body(
    result: CheckResult,
    layer: str,
    fields: Sequence[str],
    *,
    lang: str = "zh",
    classes: Sequence[tuple[str, str, str]] = (),
) -> str:
    """The children of a layer's style (renderer, labels, aliases), as in a .qgs ``maplayer``.

    ``classes`` are the distinct (level1, level1_name, category) of a land-use
    context layer, one legend entry each.
    """
    if context_key(result, layer) is not None:
        return _context_body(result, layer, fields, lang, classes)
    aliases = _aliases(fields, lang, result.area_method)
    if layer == "sites":
        symbol = _symbol(
            "0", [_simple_fill(_rgba(SITE_COLOR, 0), _rgba(SITE_COLOR), style="no", width=0.8)]
        )
        renderer = (
            '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
            f'forceraster="0" referencescale="-1"><symbols>{symbol}</symbols>'
            "<rotation/><sizescale/></renderer-v2>"
        )
        return renderer + _labeling("site_id", SITE_COLOR) + aliases
    if layer == "overlaps":
        categories = []
        for key, spec in result.profile.layers.items():
            symbol = _layer_symbol(str(len(categories)), layer_color(result, key))
            categories.append((key, spec.title.get(lang), symbol, spec.kind not in _OFF_KINDS))
        return _categorized("layer", categories) + aliases
    if layer == "findings":
        categories = []
        for status in STATUSES:
            color = STATUS_COLORS[status]
            symbol = _symbol(
                str(len(categories)),
                [
                    _simple_fill(_rgba(color, 70), _rgba(color), width=0.5),
                ],
            )
            categories.append((status, status_label(status, lang), symbol, True))
        return _categorized("status", categories) + aliases
    return aliases


def layer_qml(
    result: CheckResult,
    layer: str,
    fields: Sequence[str],
    *,
    lang: str = "zh",
    classes: Sequence[tuple[str, str, str]] = (),
) -> str:
    """The QML document of one GeoPackage layer's default style.

    Parameters
    ----------
    result : CheckResult
        The result the GeoPackage holds (for layer titles and colours).
    layer : str
        ``sites``, ``overlaps``, ``findings`` (or an attribute table).
    fields : sequence of str
        The layer's field names, in order (for aliases).
    lang : {"zh", "en"}
        Language of legend labels and field aliases.
    classes : sequence of (str, str, str)
        A land-use context layer's distinct (level1, level1_name, category).
    """
    labels = ' labelsEnabled="1"' if layer == "sites" else ' labelsEnabled="0"'
    body = style_body(result, layer, fields, lang=lang, classes=classes)
    return (
        f"{_DOCTYPE}\n"
        f'<qgis version="{_QGIS_VERSION}" styleCategories="Symbology|Labeling|Fields"{labels}>'
        f"{body}</qgis>\n"
    )


def _spatialrefsys(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return (
        '<spatialrefsys nativeFormat="Wkt">'
        f"<wkt>{_escaped(crs.to_wkt())}</wkt>"
        f"<srid>{epsg or 0}</srid>"
        f"<authid>{_escaped(crs_label(crs))}</authid>"
        f"<description>{_escaped(crs.name)}</description>"
        f"<geographicflag>{'true' if crs.is_geographic else 'false'}</geographicflag>"
        "</spatialrefsys>"
    )


def _extent(bounds: tuple[float, float, float, float] | None) -> str:
    if bounds is None:
        return ""
    xmin, ymin, xmax, ymax = bounds
    return (
        f"<extent><xmin>{xmin!r}</xmin><ymin>{ymin!r}</ymin>"
        f"<xmax>{xmax!r}</xmax><ymax>{ymax!r}</ymax></extent>"
    )


def project_qgs(
    result: CheckResult,
    layers: Sequence[LayerInfo],
    *,
    gpkg: str,
    title: str,
    hidden: Sequence[str] = ("findings",),
) -> str:
    """The QGIS project (.qgs XML) that opens the GeoPackage's layers in order.

    Layer sources are relative (``./<gpkg>|layername=…``), so the project
    works wherever the report folder is copied, stored in the GeoPackage or
    saved beside it. Layers in ``hidden`` are listed but switched off (the
    findings repeat each site's outline once per check), and so are the
    planning-zone and administrative context layers (they would cover the
    land-use parcels). Layers with a ``group`` are listed in that group, after
    the others; the map opens on the extent of the others (the results).
    """
    crs = _spatialrefsys(result.analysis_crs)
    ids = {
        layer.name: f"{layer.name}_{uuid.uuid5(uuid.NAMESPACE_URL, layer.name).hex}"
        for layer in layers
    }
    tree: list[str] = []
    groups: dict[str, list[str]] = {}
    maps = []
    for layer in layers:
        source = f"./{gpkg}|layername={layer.name}"
        off = layer.name in hidden or _context_kind(result, layer.name) in _CONTEXT_OFF_KINDS
        checked = "Qt::Unchecked" if off else "Qt::Checked"
        node = (
            f"<layer-tree-layer id={_attr(ids[layer.name])} name={_attr(layer.title)} "
            f'source={_attr(source)} providerKey="ogr" checked="{checked}" expanded="1">'
            "<customproperties/></layer-tree-layer>"
        )
        if layer.group is None:
            tree.append(node)
        else:
            groups.setdefault(layer.group, []).append(node)
        geometry = (
            'geometry="Polygon" wkbType="MultiPolygon"'
            if layer.spatial
            else 'geometry="No geometry" wkbType="NoGeometry"'
        )
        labels = "1" if layer.name == "sites" else "0"
        maps.append(
            f'<maplayer type="vector" {geometry} labelsEnabled="{labels}" readOnly="0" '
            'hasScaleBasedVisibilityFlag="0" minScale="100000000" maxScale="0">'
            f"{_extent(layer.extent) if layer.spatial else ''}"
            f"<id>{_escaped(ids[layer.name])}</id>"
            f"<datasource>{_escaped(source)}</datasource>"
            f"<layername>{_escaped(layer.title)}</layername>"
            f"<srs>{crs if layer.spatial else ''}</srs>"
            '<provider encoding="UTF-8">ogr</provider>'
            f"{layer.style}</maplayer>"
        )
    at = next((i for i, layer in enumerate(layers) if layer.group is not None), len(tree))
    tree[at:at] = [
        f'<layer-tree-group name={_attr(name)} checked="Qt::Checked" expanded="1">'
        f"<customproperties/>{''.join(nodes)}</layer-tree-group>"
        for name, nodes in groups.items()
    ]
    spatial = [
        layer.extent for layer in layers if layer.spatial and layer.extent and layer.group is None
    ]
    canvas = ""
    if spatial:
        xmin = min(e[0] for e in spatial)
        ymin = min(e[1] for e in spatial)
        xmax = max(e[2] for e in spatial)
        ymax = max(e[3] for e in spatial)
        pad = max(xmax - xmin, ymax - ymin, 10.0) * 0.05
        canvas = (
            '<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>meters</units>'
            f"{_extent((xmin - pad, ymin - pad, xmax + pad, ymax + pad))}"
            f"<rotation>0</rotation><destinationsrs>{crs}</destinationsrs>"
            "<rendermaptile>0</rendermaptile></mapcanvas>"
        )
    order = "".join(f"<layer id={_attr(ids[layer.name])}/>" for layer in layers)
    return (
        f"{_DOCTYPE}\n"
        f'<qgis projectname={_attr(title)} version="{_QGIS_VERSION}" saveUser="landcheck">'
        '<homePath path=""/>'
        f"<title>{_escaped(title)}</title>"
        f"<projectCrs>{crs}</projectCrs>"
        f"<layer-tree-group><customproperties/>{''.join(tree)}</layer-tree-group>"
        f"{canvas}"
        f"<projectlayers>{''.join(maps)}</projectlayers>"
        f"<layerorder>{order}</layerorder>"
        '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
        '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>'
        '<Measurement><DistanceUnits type="QString">meters</DistanceUnits>'
        '<AreaUnits type="QString">m2</AreaUnits></Measurement></properties>'
        "</qgis>\n"
    )


def project_qgz(qgs: str, name: str = PROJECT_NAME) -> bytes:
    """Zip a .qgs document as QGIS stores projects (a .qgz archive)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.qgs", qgs.encode("utf-8"))
    return buffer.getvalue()


def project_metadata(when: datetime | None = None) -> str:
    """The ``metadata`` JSON QGIS keeps with a stored project."""
    moment = (when or datetime.now(timezone.utc)).astimezone().replace(microsecond=0)
    stamp = moment.replace(tzinfo=None).isoformat()
    return f'{{"last_modified_time": "{stamp}", "last_modified_user": "landcheck" }}'


def style_rows(
    result: CheckResult,
    layers: Mapping[str, Any],
    *,
    lang: str = "zh",
    geometry_column: str = "geom",
    when: datetime | None = None,
) -> list[dict[str, Any]]:
    """The ``layer_styles`` rows: one default style per spatial layer."""
    moment = (when or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    rows = []
    for name, frame in layers.items():
        if not hasattr(frame, "geometry"):
            continue
        fields = [c for c in frame.columns if c != frame.geometry.name]
        qml = layer_qml(result, name, fields, lang=lang, classes=context_classes(frame))
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": name,
                "f_geometry_column": geometry_column,
                "styleName": name,
                "styleQML": qml,
                "styleSLD": "",
                "useAsDefault": True,
                "description": f"landcheck default style for {name}",
                "owner": "landcheck",
                "ui": "",
                "update_time": moment,
            }
        )
    return rows
