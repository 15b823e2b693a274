"""Convert sites between the boundary coordinate TXT and vector formats.

``convert(IN, OUT)`` reads any site source :func:`landcheck.io.sites.read_sites`
reads — a vector file (``PATH[:LAYER]``), a boundary TXT, a DXF drawing, or a
report folder / its ``landcheck.gpkg`` (the ``sites`` layer) — and writes the
format OUT's extension names:

=============  ===================================================================
extension      written as
=============  ===================================================================
``.txt``       boundary coordinate TXT in a CGCS2000 Gauss-Kruger CRS (UTF-8 or GBK);
               a site beyond its zone goes to a file of its own zone beside it
``.gpkg``      GeoPackage layer (``sites`` by default), UTF-8, multi-polygons
``.shp``       shapefile with ``.cpg`` (UTF-8 or GBK), field names fitted to 10 bytes
               (项目类型 → XMLX, project_class → proj_class: ``check`` reads them back)
``.geojson``   GeoJSON in the data's CRS (GDAL writes the ``crs`` member)
``.kml``       KML, WGS 84 longitude/latitude
=============  ===================================================================

The output is written in a hidden staging folder beside it and moved into
place when complete (:func:`landcheck.io.output.atomic_files`), so a failed
conversion leaves nothing behind; an existing output is replaced only with
``overwrite=True``, never when it is the input. Inputs are only read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS

from landcheck.crs import (
    CGCS2000_GEOGRAPHIC,
    crs_label,
    gk_crs,
    gk_zone_of_crs,
    legacy_datum,
    parse_crs,
    zone_for_longitude,
)
from landcheck.crs.datum import DatumShift, apply_datum_shift
from landcheck.crs.measuring import site_measuring
from landcheck.errors import AnalysisCRSError, DataSourceError, InputDataError
from landcheck.facts import FACT_FIELDS
from landcheck.io.boundary_txt import read_boundary_txt
from landcheck.io.boundary_txt.writer import gk_sites
from landcheck.io.boundary_txt.zones import (
    txt_frame,
    write_zone_files,
    zone_file_names,
    zone_files_note,
)
from landcheck.io.output import atomic_files, check_files
from landcheck.io.paths import gdal_path
from landcheck.io.shapefile import sidecar
from landcheck.io.sites import frame_bounds, read_sites
from landcheck.io.vector import LayerSource, list_layers
from landcheck.messages import collecting, warn
from landcheck.review.standard_facts import FACT_FIELDS as STANDARD_FACT_FIELDS

__all__ = ["OUTPUT_FORMATS", "ConvertResult", "convert"]

OUTPUT_FORMATS = {
    ".txt": "boundary TXT",
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
}
"""Output extension → format (GDAL driver name for vector formats)."""

_REPORT_GPKG = "landcheck.gpkg"
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj")


def _fact_short_names() -> dict[str, str]:
    """Each fact's field names too long for a DBF → the first of its names that fits.

    The project facts and the land-use standard's figures: ``project_type`` cut to
    ``project_ty`` was no fact to ``check`` any more (a military site on farmland,
    ``conditional`` before the conversion, was ``prohibited`` after it), nor
    ``footprint_m2`` cut to ``footprint_`` (five sample sites' standard checks went
    ``unknown``).

    >>> short = _fact_short_names()
    >>> short["project_type"], short["approval_level"], short["项目编号"]
    ('proj_type', 'SPJB', 'project_id')
    >>> short["footprint_m2"], short["industry_code"], short["project_grade"]
    ('JZJDMJ', 'HYDM', 'GCDJ')
    """
    out = {}
    for names in (*FACT_FIELDS.values(), *STANDARD_FACT_FIELDS.values()):
        fitting = next(n for n in names if len(n.encode("utf-8")) <= 10)
        out.update({n: fitting for n in names if len(n.encode("utf-8")) > 10})
    return out


_SHORT_NAMES = {
    **_fact_short_names(),
    "declared_ha": "decl_ha",
    "computed_ha": "comp_ha",
    "point_count": "n_points",
    "project_class": "proj_class",
    "项目类型": "XMLX",
    "项目类别": "XMLX",
    "项目名称": "XMMC",
    "项目代码": "XMDM",
    "地块编号": "DKBH",
    "地块名称": "DKMC",
    "地块用途": "DKYT",
    "地类编码": "DLBM",
    "地类名称": "DLMC",
    "线性工程": "XXGC",
}
"""Shapefile names (at most 10 bytes) for fields that do not fit: landcheck's own columns
get readable ones, and Chinese field names (12 bytes in UTF-8) their standard pinyin codes,
which ``landcheck check`` reads as it reads the Chinese names (项目类型 → XMLX); a project
fact's field the name ``check`` reads it under (:func:`_fact_short_names`)."""


@dataclass
class ConvertResult:
    """What :func:`convert` wrote.

    Attributes
    ----------
    output : str
        The file written.
    format : str
        ``"boundary TXT"`` or the GDAL driver.
    features : int
        Sites (TXT) or features written.
    crs : str
        The output's CRS.
    source : str
        What was read (``PATH`` or ``PATH:LAYER``).
    warnings : list of str
        Everything repaired, assumed or changed on the way.
    files : list of str
        Every file written, ``output`` first: a TXT of sites in several zones
        has a file per further zone (``<stem>_EPSG<code>.txt``).
    """

    output: str
    format: str
    features: int
    crs: str
    source: str
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _resolve_input(path: str, encoding: str | None) -> LayerSource:
    """The source to read: a report folder or a report GeoPackage means its ``sites`` layer."""
    if os.path.isdir(path) and os.path.isfile(os.path.join(path, _REPORT_GPKG)):
        warn(f"read the sites of the report folder {path} ({_REPORT_GPKG}, layer 'sites')")
        return LayerSource(os.path.join(path, _REPORT_GPKG), "sites", encoding)
    source = LayerSource.parse(path, encoding=encoding)
    if (
        source.layer is None
        and source.path.lower().endswith(".gpkg")
        and os.path.isfile(source.path)
    ):
        names = [name for name, _ in list_layers(source.path)]
        if len(names) > 1 and "sites" in names:
            warn(f"read layer 'sites' of {source.path} (of {', '.join(names)})")
            return LayerSource(source.path, "sites", encoding)
    return source


def _outputs_of(path: str, extension: str) -> list[str]:
    """The files an output occupies (a shapefile has several, those there in any case too).

    ``OLD.SHP`` was no ``OLD.shp``: written beside it without ``--overwrite``, and GDAL then
    read the new data through the old name.
    """
    if extension != ".shp":
        return [path]
    stem = path[: -len(extension)]
    present = (sidecar(path, part) for part in _SHAPEFILE_PARTS)
    return list(
        dict.fromkeys([*(stem + part for part in _SHAPEFILE_PARTS), *filter(None, present)])
    )


def _changes_datum(crs: CRS | None, extension: str, target_crs: CRS | None) -> bool:
    """Whether writing data in ``crs`` to this output moves it to another datum.

    A boundary TXT and KML are always CGCS2000 (WGS 84 for KML); other formats keep
    the data's datum unless ``--to-crs`` names a CRS in another one.
    """
    if extension in (".txt", ".kml"):
        return True
    return (
        target_crs is not None and crs is not None and legacy_datum(target_crs) != legacy_datum(crs)
    )


def _as_cgcs2000(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """WGS 84 data taken as CGCS2000 (they agree at the decimetre level), said out loud."""
    geodetic = frame.crs.geodetic_crs
    cgcs2000 = CRS.from_epsg(CGCS2000_GEOGRAPHIC)
    if geodetic is None or geodetic.datum.name == cgcs2000.datum.name:
        return frame
    datum = geodetic.datum.name.upper()
    if "WGS" not in datum and "WORLD GEODETIC" not in datum:
        raise InputDataError(
            f"the input is in {crs_label(frame.crs)} ({geodetic.datum.name}); a boundary TXT "
            "is CGCS2000: convert the data to CGCS2000 first"
        )
    lonlat = frame.to_crs(4326) if not frame.crs.equals(CRS.from_epsg(4326)) else frame
    warn(
        "WGS 84 coordinates taken as CGCS2000 (the two agree at the decimetre level). If they "
        "come from a Chinese web map (Gaode/AMap, Tencent: GCJ-02; Baidu: BD-09) they are "
        "shifted by 100–700 m: get the boundary from the survey instead"
    )
    return lonlat.set_crs(CGCS2000_GEOGRAPHIC, allow_override=True)


def _txt_target(frame: gpd.GeoDataFrame, to_crs: CRS | None) -> Any:
    """The CGCS2000 Gauss-Kruger CRS to write a TXT in."""
    if to_crs is not None:
        return to_crs
    if gk_zone_of_crs(frame.crs) is not None:
        return None
    west, _, east, _ = frame.to_crs(CGCS2000_GEOGRAPHIC).total_bounds
    lon = (west + east) / 2.0
    zone = zone_for_longitude(lon, 3)
    target = gk_crs(zone)
    warn(
        f"written in {crs_label(target)} (CGCS2000 3-degree Gauss-Kruger zone {zone.number}, "
        f"from the sites' centre at {lon:.4f}°E); give --to-crs to choose another zone"
    )
    return target


def _txt_zones(sites: gpd.GeoDataFrame, to_crs: CRS | None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """The sites in the CRS to write the TXT in, and per site the CRS of the zone it goes to.

    A boundary TXT holds one zone, and a plot's 地块面积 is its planar area there. A site
    stays in the output CRS's zone while it lies within its reach (the zone and a quarter
    zone beyond its edge), else it goes to the zone of that family it lies in, as
    ``landcheck check`` measures a site of a file (:func:`landcheck.crs.measuring.site_measuring`):
    a 1 ha site of zone 36 stored in a zone-35 GeoPackage was written into the zone-35 TXT as
    1.0015 ha.
    """
    home, _, _ = gk_sites(sites, _txt_target(sites, to_crs))
    measuring = site_measuring(home.crs, np.asarray(home.geometry.values, dtype=object))
    return home, measuring.labels.tolist()


def _shapefile_columns(frame: gpd.GeoDataFrame, encoding: str) -> gpd.GeoDataFrame:
    """Fit field names into the DBF's 10 bytes, keeping them unique."""
    renames: dict[str, str] = {}
    taken: set[str] = set()
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        name = str(column)
        if len(name.encode(encoding)) > 10:
            name = _SHORT_NAMES.get(name, name)
            while len(name.encode(encoding)) > 10:
                name = name[:-1]
        base, suffix = name, 1
        while name.lower() in taken:
            suffix += 1
            tail = f"_{suffix}"
            name = base
            while len((name + tail).encode(encoding)) > 10:
                name = name[:-1]
            name += tail
        taken.add(name.lower())
        if name != column:
            renames[str(column)] = name
    if renames:
        warn(
            "shapefile field names hold at most 10 bytes: renamed "
            + ", ".join(f"{old} → {new}" for old, new in renames.items())
        )
    return frame.rename(columns=renames)


def _refuse_ballpark(source: CRS | None, target: CRS | None) -> None:
    """Refuse writing into a legacy datum (Xian 1980, Beijing 1954) from another one.

    PROJ reaches it from CGCS2000 only by a 'ballpark' null shift, metres off: ``--to-crs
    EPSG:2359`` wrote such coordinates without a word, and ignored ``--datum-shift``.
    """
    if target is None or legacy_datum(target) is None:
        return
    if source is not None and legacy_datum(source) == legacy_datum(target):
        return
    raise AnalysisCRSError(
        f"--to-crs {crs_label(target)} is in {legacy_datum(target)}, which PROJ reaches from "
        f"{crs_label(source) if source is not None else 'the input'} only by a 'ballpark' null "
        "shift (metres off); landcheck writes CGCS2000 or the input's own datum: transform the "
        "output with your surveying authority's parameters"
    )


def _vector_frame(
    frame: gpd.GeoDataFrame,
    extension: str,
    to_crs: CRS | None,
    encoding: str,
) -> gpd.GeoDataFrame:
    out = frame.copy()
    if to_crs is not None and not out.crs.equals(to_crs):
        out = out.to_crs(to_crs)
    if extension == ".kml":
        if legacy_datum(out.crs) is None and not out.crs.equals(CRS.from_epsg(4326)):
            warn(
                "written as WGS 84 longitude/latitude (KML's only CRS) from "
                f"{crs_label(out.crs)}; CGCS2000 and WGS 84 agree at the decimetre level (PROJ "
                "applies no shift between them)"
            )
        out = out.to_crs(4326)
        if "Name" not in out.columns:
            fields = txt_frame(out)
            out.insert(
                0, "Name", [n or i for n, i in zip(fields.name, fields.site_id, strict=True)]
            )
    kinds = {
        {
            "Polygon": "polygon",
            "MultiPolygon": "polygon",
            "LineString": "line",
            "MultiLineString": "line",
            "Point": "point",
            "MultiPoint": "point",
        }.get(str(t), str(t))
        for t in out.geometry.geom_type.dropna().unique()
    }
    if len(kinds) > 1 and extension in (".shp", ".gpkg"):
        raise InputDataError(
            f"the input mixes {' and '.join(sorted(kinds))} geometries; a "
            f"{OUTPUT_FORMATS[extension]} layer holds one geometry type: split the input first"
        )
    for column in out.columns:
        if column != out.geometry.name and pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].astype("string")
    if extension == ".shp":
        _refuse_what_a_dbf_loses(out, encoding)
        out = _shapefile_columns(out, encoding)
    return out


_DBF_TEXT_BYTES = 254
"""Bytes a shapefile's text field holds (dBASE): GDAL cuts a longer value there."""


def _refuse_what_a_dbf_loses(frame: gpd.GeoDataFrame, encoding: str) -> None:
    """Refuse text a shapefile would not keep whole (GDAL dropped or cut it, and said nothing).

    Characters the encoding lacks (in a value or a field's name), or a value over
    :data:`_DBF_TEXT_BYTES` bytes.
    """
    for column in frame.columns.drop(frame.geometry.name):
        try:
            str(column).encode(encoding)
        except UnicodeEncodeError:
            raise InputDataError(
                f"the field name {str(column)!r} holds characters {encoding} cannot write; give "
                "--out-encoding utf-8 (or gb18030), rename the field, or write a GeoPackage"
            ) from None
        values = frame[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        for row, value in zip(frame.index, values, strict=True):
            if not isinstance(value, str):
                continue
            try:
                size = len(value.encode(encoding))
            except UnicodeEncodeError:
                raise InputDataError(
                    f"feature {row}: {column} {value!r} holds characters {encoding} cannot "
                    "write; give --out-encoding utf-8 (or gb18030), or write a GeoPackage"
                ) from None
            if size > _DBF_TEXT_BYTES:
                raise InputDataError(
                    f"feature {row}: {column} holds {size} bytes in {encoding}, more than the "
                    f"{_DBF_TEXT_BYTES} a shapefile's field keeps; write a GeoPackage (.gpkg) "
                    "to keep it whole"
                )


def _write_vector(
    frame: gpd.GeoDataFrame, path: str, extension: str, layer: str, encoding: str
) -> None:
    """Write ``frame`` to ``path`` (a file in the staging folder) with GDAL."""
    options: dict[str, Any] = {}
    if extension == ".shp":
        options["encoding"] = encoding
    elif extension in (".gpkg", ".geojson", ".json"):
        options["encoding"] = "UTF-8"
    try:
        with gdal_path(path, "the output") as given:
            pyogrio.write_dataframe(
                frame,
                given,
                layer=layer,
                driver=OUTPUT_FORMATS[extension],
                promote_to_multi=True if extension in (".gpkg", ".shp") else None,
                **options,
            )
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
    ) as ex:
        raise DataSourceError(f"cannot write {os.path.basename(path)!r}: {ex}") from ex


def convert(
    source: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    crs: Any = None,
    to_crs: Any = None,
    encoding: str | None = None,
    output_encoding: str | None = None,
    datum_shift: DatumShift | str | None = None,
    id_field: str | None = None,
    name_field: str | None = None,
    zone_prefix: bool = True,
    layer_name: str = "sites",
    overwrite: bool = False,
) -> ConvertResult:
    """Convert sites from one format to another; the output's extension names the format.

    Parameters
    ----------
    source : str or path-like
        ``PATH[:LAYER]`` of a vector file, a boundary TXT, a DXF, or a report
        folder (its ``landcheck.gpkg`` ``sites`` layer). A GeoPackage with
        several layers, one of them ``sites``, is read from that one.
    output : str or path-like
        ``.txt``, ``.gpkg``, ``.shp``, ``.geojson``/``.json`` or ``.kml``.
    crs : CRS-like, optional
        The CRS of an input that declares none (a DXF, a shapefile without
        .prj); also replaces a declared CRS that does not fit the coordinates.
    to_crs : CRS-like, optional
        Reproject vector output into this CRS; for a TXT, the CGCS2000
        Gauss-Kruger CRS to write in (default: the input's own when it is
        one, else the 3-degree zone of the sites' centre).
    encoding : str, optional
        The input's attribute (or TXT text) encoding; detected by default.
    output_encoding : str, optional
        TXT: ``"utf-8"`` (default) or ``"gbk"``/``"gb18030"``; shapefile:
        ``"UTF-8"`` (default) or ``"GBK"`` (a .cpg names it).
    datum_shift : DatumShift or str, optional
        7 Helmert parameters moving Xian 1980 / Beijing 1954 / New Beijing input to
        CGCS2000. Without them such input keeps its CRS in vector output and
        is refused for TXT and KML output (both need a modern datum).
    id_field, name_field : str, optional
        TXT output: the fields holding 地块编号 and 地块名称 (default: the
        usual names, as ``landcheck check`` finds them).
    zone_prefix : bool
        TXT output: write Y with the zone prefix (the default).
    layer_name : str
        Layer name for GeoPackage and KML output.
    overwrite : bool
        Replace an existing output.

    Returns
    -------
    ConvertResult

    Raises
    ------
    OutputExistsError
        The output exists and ``overwrite`` is False (or it appeared during
        the conversion).
    OutputError
        The output is the input, or its folder is missing, read-only or full.
    InputDataError, AnalysisCRSError, BoundaryTxtError, GeometryError
        The input cannot be read or written as asked (the message says why).
    DataSourceError
        A file cannot be read or written.

    Examples
    --------
    >>> import os, tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> folder = tempfile.mkdtemp()
    >>> gpd.GeoDataFrame({"site_id": ["S1"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)]
    ... ).to_file(os.path.join(folder, "sites.gpkg"))
    >>> done = convert(os.path.join(folder, "sites.gpkg"), os.path.join(folder, "sites.txt"))
    >>> from pathlib import Path
    >>> Path(folder, "sites.txt").read_text(encoding="utf-8").splitlines()[-1]
    'J1,1,2700000.000,35420100.000'
    """
    out = os.fspath(output)
    extension = os.path.splitext(out)[1].lower()
    if extension not in OUTPUT_FORMATS:
        raise InputDataError(
            f"cannot tell the output format from {out!r}; end it in "
            + ", ".join(sorted(OUTPUT_FORMATS))
        )
    with collecting() as notes:
        src = _resolve_input(os.fspath(source), encoding)
        outputs = _outputs_of(out, extension)
        inputs = [os.fspath(source), src.path]
        check_files(outputs, overwrite=overwrite, inputs=inputs)
        shift = None if datum_shift is None else DatumShift.parse(datum_shift)
        assume = None if crs is None else parse_crs(crs, what="--crs")
        target_crs = None if to_crs is None else parse_crs(to_crs, what="--to-crs")
        metadata: dict[str, str] = {}
        if src.path.lower().endswith(".txt"):
            txt = read_boundary_txt(src.path, encoding=src.encoding, datum_shift=shift)
            frame, read_crs = txt.sites, crs_label(txt.crs)
            for note in txt.warnings:
                warn(note)
            metadata = {k: v for k, v in txt.metadata.items() if not k.startswith("landcheck.")}
        else:
            frame, record = read_sites(src, assume_crs=assume)
            read_crs = record.crs or ""
            if shift is not None or _changes_datum(frame.crs, extension, target_crs):
                frame, note = apply_datum_shift(frame, shift, f"{src} (read as {read_crs})")
                if note is not None:
                    warn(
                        f"coordinates transformed from {note['source_crs']} to "
                        f"{note['target_crs']} by {note['method']}"
                    )
            if record.extra.get("crs_assumed"):
                warn(f"the input declares no CRS; taken to be {crs_label(assume)} (--crs)")
            if record.extra.get("crs_replaced"):
                warn(f"{record.extra['crs_replaced']}; taken to be {crs_label(assume)}")
            if record.extra.get("encoding_source") == "detected":
                warn(f"attribute encoding {record.extra['encoding']} detected (no .cpg)")
        if not len(frame):
            raise InputDataError(f"{src} holds no features to convert")
        if np.isnan(frame_bounds(frame)[0]):
            raise InputDataError(f"{src} holds no geometry to convert")
        _refuse_ballpark(frame.crs, target_crs)
        if extension == ".txt":
            sites = _as_cgcs2000(txt_frame(frame, id_field, name_field))
            sites, measuring = _txt_zones(sites, target_crs)
            names = zone_file_names(sites, os.path.basename(out), measuring)
            outputs = [out, *(os.path.join(os.path.dirname(out), name) for name in names[1:])]
            with atomic_files(outputs, overwrite=overwrite, inputs=inputs) as staging:
                files = write_zone_files(
                    sites,
                    staging,
                    names[0],
                    measuring,
                    encoding=output_encoding or "utf-8",
                    zone_prefix=zone_prefix,
                    metadata=metadata,
                )
            note = zone_files_note(files, sites.crs, what="the output CRS")
            if note is not None:
                warn(note)
            written_crs, count, written = files[0].crs, len(sites), outputs
        else:
            shp_encoding = (output_encoding or "UTF-8").upper()
            vectors = _vector_frame(frame, extension, target_crs, shp_encoding)
            with atomic_files(outputs, overwrite=overwrite, inputs=inputs) as staging:
                _write_vector(
                    vectors,
                    os.path.join(staging, os.path.basename(out)),
                    extension,
                    layer_name,
                    shp_encoding,
                )
            written_crs, count, written = vectors.crs, len(vectors), [out]
        return ConvertResult(
            output=out,
            format=OUTPUT_FORMATS[extension],
            features=count,
            crs=crs_label(written_crs),
            source=str(src),
            warnings=notes.summary(),
            files=written,
        )
