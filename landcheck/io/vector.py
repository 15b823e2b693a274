"""Vector sources: ``PATH`` or ``PATH:LAYER``, their layers, info and reads.

The common ground of :mod:`landcheck.io.sites` (site files) and
:mod:`landcheck.io.filtered` (constraint layers read near the sites). pyogrio
errors become :class:`~landcheck.errors.DataSourceError` with the fix in the
message.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pyarrow
import pyogrio
import shapely
from pyogrio.errors import DataLayerError
from pyogrio.errors import DataSourceError as OGRDataSourceError
from pyproj import CRS

from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.io import geoparquet, gpkg_meta
from landcheck.io.encoding import choose_encoding
from landcheck.io.gdal_options import fine_arcs, rings_by_place
from landcheck.io.paths import gdal_path
from landcheck.io.records import FileVersion, file_version
from landcheck.io.shapefile import unreadable_parts
from landcheck.io.wkb import refusing_unreadable
from landcheck.text import refuse_text

__all__ = [
    "LayerSource",
    "declared_crs",
    "implausible_crs_error",
    "layer_crs",
    "layer_fields",
    "layer_summary",
    "list_layers",
    "no_crs_error",
    "read_batches",
    "read_bounds",
    "read_frame",
    "read_layer_info",
    "require_exists",
    "resolve_layer",
    "split_source",
    "text_not_utf8",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LayerSource:
    """A vector source: a path and, for multi-layer files, a layer name.

    Parameters
    ----------
    path : str
        File or directory (FileGDB) path.
    layer : str, optional
        Layer name inside the file; required when the file has several.
    encoding : str, optional
        Attribute encoding to force (e.g. ``"gbk"`` for shapefiles without .cpg).
    """

    path: str
    layer: str | None = None
    encoding: str | None = None

    @classmethod
    def parse(cls, text: str | os.PathLike[str], *, encoding: str | None = None) -> LayerSource:
        """Parse ``PATH`` or ``PATH:LAYER``; see :func:`split_source`.

        A path holding a lone surrogate (a file name in GBK on a UTF-8 system)
        is refused (:func:`landcheck.text.refuse_text`): nothing could write it.
        """
        refuse_text(os.fspath(text), "the input")
        path, layer = split_source(text)
        return cls(path, layer, encoding)

    def __str__(self) -> str:
        return f"{self.path}:{self.layer}" if self.layer else self.path


def split_source(text: str | os.PathLike[str]) -> tuple[str, str | None]:
    r"""Split ``PATH:LAYER`` into path and layer name.

    A string that names an existing file is taken whole (so ``C:\\data.gpkg``
    and names containing colons work); otherwise the text is split at the last
    colon when the part before it exists.

    Examples
    --------
    >>> split_source("no/such/file.gpkg")
    ('no/such/file.gpkg', None)
    """
    text = os.fspath(text)
    if os.path.exists(text) or ":" not in text:
        return text, None
    path, _, layer = text.rpartition(":")
    if path and os.path.exists(path):
        return path, layer or None
    return text, None


def require_exists(path: str, what: str) -> None:
    """Raise :class:`DataSourceError` naming ``what`` unless ``path`` is a file or a folder.

    A FIFO or a device (``/dev/zero``) would be read forever, or until memory runs out;
    a PostGIS URL where a file is expected is named without its password.
    """
    if not os.path.exists(path):
        from landcheck.io.postgis.url import redact  # it reads this module's LayerSource

        raise DataSourceError(
            f"{what}: no such file {redact(path)!r}; check the path (a layer inside a file is "
            "written PATH:LAYER)"
        )
    mode = os.stat(path).st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise DataSourceError(
            f"{what}: {path!r} is not a regular file (a pipe, a device or a socket); give the "
            "data file itself"
        )
    if _pending_wal(path):
        raise DataSourceError(
            f"{what}: {path!r} has changes not yet written into it (its -wal file: it is open, "
            "or was left open, in QGIS or another program), which GDAL would write into it when "
            "reading it, changing the file; save and close it there (or copy it), then run again"
        )


def _pending_wal(path: str) -> bool:
    """Whether a SQLite file (a GeoPackage) has a write-ahead log holding changes beside it.

    GDAL writes them into the file when it closes it, and removes the log: an input changed
    by a check (its SHA-256 then differs from the one recorded).
    """
    if not path.lower().endswith((".gpkg", ".sqlite", ".db")):
        return False
    try:
        return os.path.getsize(path + "-wal") > 0
    except OSError:
        return False


_ONE_LAYER_DRIVERS = frozenset({"GeoJSON", "GeoJSONSeq"})
"""Drivers whose files hold one layer by definition (not TopoJSON's, which may hold several)."""


def _one_layer(version: FileVersion) -> bool:
    """Whether the file is GeoJSON: one layer, listed and described by a single GDAL open.

    GDAL parses a GeoJSON file whole each time it opens it (2.8 s for 325 MB): its
    listing and its layer's info come from one ``read_info``, not one open each.
    """
    return version[0].lower().endswith((".geojson", ".json", ".geojsonl", ".geojsons")) and (
        _info_of(version, 0, None).get("driver") in _ONE_LAYER_DRIVERS
    )


@lru_cache(maxsize=256)
def _layers_of(version: FileVersion) -> tuple[tuple[str, str | None], ...]:
    if _one_layer(version):
        info = _info_of(version, 0, None)
        kind = info["geometry_type"]
        return ((str(info["layer_name"]), None if kind is None else str(kind)),)
    with gdal_path(version[0]) as path:
        layers = pyogrio.list_layers(path)
    return tuple((str(n), None if t is None else str(t)) for n, t in layers)


@lru_cache(maxsize=512)
def _info_of(version: FileVersion, layer: str | int | None, encoding: str | None) -> dict[str, Any]:
    with gdal_path(version[0]) as path:
        return pyogrio.read_info(path, layer=layer, encoding=encoding, force_total_bounds=True)


def list_layers(path: str) -> list[tuple[str, str | None]]:
    """Return ``(name, geometry type)`` of each layer in a vector file.

    Answers are cached per file version (:class:`~landcheck.io.records.FileVersion`): a
    check asks about each layer several times, and GDAL opens the file each time.

    Raises
    ------
    DataSourceError
        The file does not exist, cannot be read (permission denied, also a
        shapefile's ``.dbf`` or ``.shx``), or is not vector data.
    """
    require_exists(path, "cannot list layers")
    blocked = unreadable_parts(path)
    if blocked:
        raise DataSourceError(
            f"cannot read {', '.join(map(repr, blocked))}: permission denied; get read access "
            f"to {'it' if len(blocked) == 1 else 'them'}, or give a copy you can read"
        )
    if geoparquet.is_geoparquet(path):
        info = geoparquet.layer_info(path)
        return [(info["layer_name"], info["geometry_type"])]
    try:
        return list(_layers_of(file_version(path)))
    except OGRDataSourceError as ex:
        raise DataSourceError(
            f"cannot open {path!r} as vector data: {ex}. Give a file GDAL reads "
            "(GeoPackage, shapefile, GeoJSON, KML, FileGDB…)"
        ) from ex


def resolve_layer(source: LayerSource, what: str) -> str | None:
    """Return the layer to read: the one named, or the file's only (spatial) layer."""
    if source.layer is not None and gpkg_meta.has_layer(source.path, source.layer):
        return source.layer
    layers = list_layers(source.path)
    names = [name for name, _ in layers]
    if source.layer is not None:
        if source.layer not in names:
            raise DataSourceError(
                f"{what}: {source.path!r} has no layer {source.layer!r}; its layers are: "
                + ", ".join(names)
            )
        return source.layer
    if len(names) > 1:
        spatial = [name for name, geom_type in layers if geom_type]
        if len(spatial) == 1:
            return spatial[0]
        raise InputDataError(
            f"{what}: {source.path!r} has {len(names)} layers ({', '.join(names)}); "
            f"say which one with PATH:LAYER, e.g. {source.path}:{names[0]}"
        )
    return names[0] if names else None


def read_layer_info(source: LayerSource, layer: str | None) -> dict[str, Any]:
    """Return pyogrio's layer info (crs, fields, feature count, driver, encoding).

    Cached per file version, like :func:`list_layers`; the caller gets its own copy.
    GeoParquet is described by :mod:`landcheck.io.geoparquet`.
    """
    if geoparquet.is_geoparquet(source.path):
        return {**geoparquet.layer_info(source.path), "encoding_source": "format"}
    choice = choose_encoding(source.path, source.encoding, layer)
    try:
        version = file_version(source.path)
        asked = 0 if _one_layer(version) else layer  # its only layer, as listed
        info = dict(_info_of(version, asked, choice.encoding))
    except (OGRDataSourceError, DataLayerError) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex
    except UnicodeDecodeError as ex:  # a field name GDAL cut inside a character
        raise DataSourceError(
            f"cannot decode the field names of {source} as "
            f"{choice.encoding or 'the declared encoding'}: {ex}. A shapefile's field name "
            "holds 10 bytes, 3 Chinese characters in UTF-8, and a longer one is cut inside a "
            "character when written: rename the field to at most 3 Chinese characters, or save "
            "the layer as a GeoPackage"
        ) from ex
    if choice.encoding is not None:
        info["encoding"] = choice.encoding
    info["encoding_source"] = choice.source
    return info


def layer_summary(source: LayerSource, layer: str | None) -> dict[str, Any]:
    """A layer's ``crs``, ``fields``, ``features``, ``total_bounds``, ``driver`` and encoding.

    The keys of :func:`read_layer_info` that a check uses, with the same
    values; a GeoPackage layer is described with sqlite3 when it can be
    (:mod:`landcheck.io.gpkg_meta`: no GDAL open), anything else by GDAL.
    """
    found = None if layer is None else gpkg_meta.layer_summary(source.path, layer)
    if found is None:
        return read_layer_info(source, layer)
    choice = choose_encoding(source.path, source.encoding, layer)
    if choice.encoding is not None:
        found["encoding"] = choice.encoding
    found["encoding_source"] = choice.source
    return found


@lru_cache(maxsize=64)
def _crs_of(text: str) -> CRS:
    """A CRS from pyogrio's text (``EPSG:n`` or WKT), made once per text."""
    return CRS.from_user_input(text)


def declared_crs(info: dict[str, Any]) -> CRS | None:
    """The CRS a layer's info (:func:`layer_summary`, :func:`read_layer_info`) declares, or None."""
    return _crs_of(info["crs"]) if info.get("crs") else None


def layer_crs(source: LayerSource, what: str = "layer") -> CRS | None:
    """Return the CRS a layer declares, or None when it declares none."""
    require_exists(source.path, what)
    return declared_crs(layer_summary(source, resolve_layer(source, what)))


def layer_fields(source: LayerSource, what: str = "layer") -> list[str]:
    """Return the attribute field names of a layer."""
    require_exists(source.path, what)
    info = layer_summary(source, resolve_layer(source, what))
    return [str(f) for f in info["fields"]]


_STRAIGHT_TYPES = frozenset(
    f"{kind}{dims}"
    for kind in ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
    for dims in ("", " Z", " M", " ZM")
)
"""The geometry types a GeoPackage layer declares when it holds no arcs."""


_ARCS_CHORDED = frozenset({"OpenFileGDB", "FileGDB", "DXF"})
"""Drivers that hand their arcs over as chords, leaving no sign of them: read with
:func:`~landcheck.io.gdal_options.fine_arcs` (a DXF's bulges, arcs and circles; a File
Geodatabase's true curves, which its polygons hold while declaring ``MultiPolygon``)."""


def _may_hold_arcs(info: dict[str, Any]) -> bool:
    """Whether a layer may hold circular arcs, which :func:`read_frame` then reads through Arrow.

    Read feature by feature, GDAL turns every arc into chords of 4° of arc, and
    the frame cannot tell (a 100 m half-disc came out 12.8 m², 0.08 %, too
    small); through Arrow the arcs stay in the WKB, and
    :func:`~landcheck.io.wkb.refusing_unreadable` says how to convert them. A
    GeoPackage layer may hold arcs when it declares a curved or a generic type
    (``CURVEPOLYGON``, ``MULTISURFACE``, ``GEOMETRY``). A File Geodatabase's
    polygons with true curves declare ``MultiPolygon``, and are read feature by
    feature still, every way alike: GDAL's Arrow reads by feature id filter
    every feature of it (23 s where they took 0.6 s). Its arcs come as fine
    chords (:data:`_ARCS_CHORDED`; docs/inputs.md).

    Examples
    --------
    >>> [_may_hold_arcs({"driver": "GPKG", "geometry_type": t}) for t in ("Polygon", "Unknown")]
    [False, True]
    >>> _may_hold_arcs({"driver": "OpenFileGDB", "geometry_type": "MultiPolygon"})
    False
    """
    return info.get("driver") == "GPKG" and info.get("geometry_type") not in _STRAIGHT_TYPES


def read_frame(source: LayerSource, layer: str | None, **kwargs: Any) -> gpd.GeoDataFrame:
    """Read a layer with pyogrio, turning its errors into landcheck errors.

    The attribute encoding is chosen by :func:`landcheck.io.encoding.choose_encoding`:
    ``source.encoding`` when given, else detected for a shapefile without .cpg
    (loose, or the layer's inside a .zip). GeoParquet is read by
    :func:`landcheck.io.geoparquet.read_frame` (the GDAL of pyogrio's wheels has
    no Parquet driver). Circular arcs: a layer that may hold them is read through
    Arrow (:func:`_may_hold_arcs`), whose WKB keeps them, and they are refused
    (:func:`~landcheck.io.wkb.refusing_unreadable`); a driver that turns them into
    chords itself is told to make the chords fine
    (:func:`~landcheck.io.gdal_options.fine_arcs`).
    """
    if geoparquet.is_geoparquet(source.path):
        with refusing_unreadable(str(source)):
            return geoparquet.read_frame(source.path, **kwargs)
    if not kwargs.get("use_arrow"):  # GDAL may hand arcs over as chords: keep them, or fine
        info = read_layer_info(source, layer)
        if "use_arrow" not in kwargs and _may_hold_arcs(info):
            kwargs["use_arrow"] = True
        elif info.get("driver") in _ARCS_CHORDED:
            fine_arcs()
    encoding = choose_encoding(source.path, source.encoding, layer).encoding
    rings_by_place()
    try:
        # NaN vertices: named when the layer is normalised
        with (
            np.errstate(invalid="ignore"),
            gdal_path(source.path) as path,
            refusing_unreadable(str(source)),
        ):
            # a geometry GEOS cannot build is None, as the other readers leave it (named later)
            return pyogrio.read_dataframe(
                path, layer=layer, encoding=encoding, on_invalid="ignore", **kwargs
            )
    except (OGRDataSourceError, DataLayerError) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex
    except UnicodeDecodeError as ex:
        raise DataSourceError(
            f"cannot decode the attributes of {source} as "
            f"{encoding or 'the declared encoding'}: {ex}. Give the right encoding "
            "with --encoding (for Chinese shapefiles usually gbk)"
        ) from ex


def read_bounds(
    source: LayerSource, layer: str | None, bbox: tuple[float, float, float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The ids and boxes (rows ``xmin, ymin, xmax, ymax``) of the layer's features in ``bbox``.

    One GDAL read of the geometries alone, through the layer's index where it has
    one; a feature without a geometry is left out.
    """
    try:
        # NaN vertices: named when the layer is normalised
        with np.errstate(invalid="ignore"), gdal_path(source.path) as path:
            fids, bounds = pyogrio.read_bounds(path, layer=layer, bbox=bbox)
    except (OGRDataSourceError, DataLayerError) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex
    return np.asarray(fids, dtype=np.int64), np.asarray(bounds, dtype=float).T


def read_batches(
    source: LayerSource, layer: str | None, columns: list[str] | None, size: int
) -> Iterator[gpd.GeoDataFrame]:
    """The layer's features, ``size`` at a time, read in one pass of GDAL's Arrow stream.

    Each batch is the frame ``read_frame(..., fid_as_index=True, use_arrow=True)``
    would give for its rows: the fields by ``Table.to_pandas``, the geometry from
    its WKB in the layer's CRS, indexed by feature id. The text must be UTF-8
    (Arrow decodes nothing else): the caller streams only formats whose text is.

    Examples
    --------
    >>> import tempfile, shapely
    >>> frame = gpd.GeoDataFrame(
    ...     {"BSM": ["F1", "F2", "F3"]}, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)],
    ...     crs=4523,
    ... )
    >>> path = os.path.join(tempfile.mkdtemp(), "f.geojson")
    >>> pyogrio.write_dataframe(frame, path)
    >>> [b["BSM"].tolist() for b in read_batches(LayerSource(path), None, ["BSM"], 2)]
    [['F1', 'F2'], ['F3']]
    """
    rings_by_place()
    try:
        with (
            gdal_path(source.path) as path,
            pyogrio.open_arrow(
                path,
                layer=layer,
                columns=columns,
                return_fids=True,
                batch_size=size,
                use_pyarrow=True,
            ) as (meta, reader),
        ):
            for batch in reader:
                _refuse_text_not_utf8(source, layer, batch, meta["fid_column"])
                with refusing_unreadable(str(source)):
                    frame = _batch_frame(batch, meta)
                yield frame
    except (OGRDataSourceError, DataLayerError, pyarrow.ArrowException) as ex:
        raise DataSourceError(f"cannot read {source}: {ex}") from ex
    except OSError as ex:  # the stream failing midway (a file cut short): pyarrow's OSError
        if isinstance(ex, DataSourceError):
            raise
        raise DataSourceError(f"cannot read {source}: {ex}") from ex


def text_not_utf8(
    path: str, layer: str | None, fid: Any, field: str, raw: bytes, stored_by: str
) -> InputDataError:
    """The error for a feature's text that is not UTF-8 in a format that stores UTF-8.

    ``stored_by`` names who stores text as UTF-8 ("a GeoPackage", "its format").
    """
    where = path if layer is None else f"{path} (layer {layer!r})"
    shown = f"{raw[:16].hex(' ')}{' …' if len(raw) > 16 else ''}"
    return InputDataError(
        f"{where}: feature {fid}, field {field!r} holds text that is not UTF-8 (bytes {shown}); "
        f"{stored_by} stores text as UTF-8, so the program that wrote it used another encoding. "
        "Export the layer again with UTF-8 text (QGIS: Export → Save Features As, encoding "
        "UTF-8; or ogr2ogr) and run again"
    )


def _refuse_text_not_utf8(source: LayerSource, layer: str | None, batch: Any, fid: str) -> None:
    """Raise :class:`InputDataError` naming the first feature and field whose text is not UTF-8.

    GDAL hands the bytes through Arrow unchecked, and pandas decodes them only when a value
    is read: unchecked, the check would fail later, far from the file, without naming it.
    """
    try:
        batch.validate(full=True)
        return
    except pyarrow.ArrowInvalid as ex:
        error = ex
    for field in batch.schema:
        if not pyarrow.types.is_string(field.type) and not pyarrow.types.is_large_string(
            field.type
        ):
            continue
        raw = batch.column(field.name).cast(pyarrow.binary()).to_pylist()
        for position, value in enumerate(raw):
            if value is None:
                continue
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                feature = batch.column(fid)[position].as_py()
                raise text_not_utf8(
                    source.path, layer, feature, field.name, value, "its format"
                ) from error
    raise DataSourceError(f"cannot read {source}: {error}") from error


def _batch_frame(batch: Any, meta: dict[str, Any]) -> gpd.GeoDataFrame:
    """One Arrow record batch of :func:`read_batches` as a GeoDataFrame indexed by fid."""
    geometry_name = meta["geometry_name"] or "wkb_geometry"
    fields = batch.drop_columns([geometry_name]).to_pandas()
    fields = fields.set_index(meta["fid_column"])
    fields.index.name = "fid"
    wkb = batch.column(geometry_name).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):  # NaN vertices: named when the layer is normalised
        geometry = gpd.GeoSeries(shapely.from_wkb(wkb), index=fields.index, crs=meta["crs"])
    return gpd.GeoDataFrame(fields, geometry=geometry, crs=meta["crs"])


def no_crs_error(source: LayerSource, what: str) -> AnalysisCRSError:
    """The error for an input that declares no CRS, saying how to give one."""
    return AnalysisCRSError(
        f"{what} {source} declares no coordinate reference system (a shapefile without "
        ".prj?). Give it with --crs (e.g. --crs EPSG:4523 for CGCS2000 / 3-degree "
        "Gauss-Kruger zone 35), or add the .prj"
    )


def implausible_crs_error(
    source: LayerSource, what: str, verdict: str, driver: str | None
) -> AnalysisCRSError:
    """The error for a declared CRS that does not fit the coordinates."""
    hint = ""
    if driver == "GeoJSON":
        hint = " (GeoJSON is read as WGS 84 longitude/latitude whatever its coordinates)"
    return AnalysisCRSError(
        f"{what} {source}: {verdict}{hint}. Fix the file's CRS (its .prj or metadata), or "
        "give the right CRS with --crs"
    )
