"""Attribute encodings: detect GBK / UTF-8 shapefiles without a .cpg, choose what to tell GDAL.

Chinese shapefiles are often written in GBK (CP936) with no ``.cpg`` beside
the ``.dbf`` (or inside the same ``.zip``). GDAL then falls back to the DBF's
language-driver byte or to ISO-8859-1 and returns garbled text (pyogrio#380).
landcheck reads the DBF's bytes itself — field names and the text fields of the first records — and
tries UTF-8, then GBK, then GB18030, preferring the decoding that gives
Chinese characters.

:func:`choose_encoding` is the one place that decides the encoding passed to
pyogrio for a source; :mod:`landcheck.io.vector` calls it for every read.
"""

from __future__ import annotations

import codecs
import os
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, BinaryIO

from landcheck.errors import DataSourceError
from landcheck.io.paths import absolute_path
from landcheck.io.shapefile import sidecar, zipped_shapefiles

__all__ = [
    "EncodingChoice",
    "choose_encoding",
    "detect_shapefile_encoding",
    "guess_encoding",
]

_CANDIDATES = ("utf-8", "gbk", "gb18030")
_MAX_RECORDS = 20_000
_MAX_BYTES = 16 * 1024 * 1024
"""Detection reads at most this many records / bytes of a DBF."""

_UTF8_ONLY = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".geojsonl": "GeoJSON",
    ".json": "GeoJSON",
    ".fgb": "FlatGeobuf",
    ".kml": "KML",
    ".kmz": "KML",
    ".gdb": "FileGDB",
    ".parquet": "GeoParquet",
}
"""Formats whose text is UTF-8 by definition: a forced encoding would only garble it."""

# DBF language-driver ids (byte 29) GDAL maps to a code page; 0 means "none".
_LDID_CODEPAGES = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x4D: "cp936",
    0x4E: "cp949",
    0x4F: "cp950",
    0x57: "cp1252",
    0x58: "cp1252",
    0x59: "cp1252",
    0x7A: "cp936",
}


@dataclass(frozen=True)
class EncodingChoice:
    """The attribute encoding used for a source, and how it was chosen.

    Attributes
    ----------
    encoding : str or None
        What to pass to pyogrio (None: let GDAL decide from the file).
    source : str
        ``"given"`` (``--encoding``), ``"cpg"`` (the .cpg file), ``"detected"``
        (from the DBF bytes), ``"ascii"`` (no non-ASCII text: any encoding
        reads it), ``"ldid"`` (the DBF's language-driver byte), ``"format"``
        (a format whose text is always UTF-8), ``"driver"`` (anything else:
        GDAL's own handling).
    note : str
        One sentence for records and ``landcheck inspect``.
    """

    encoding: str | None
    source: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        """``{"encoding": …, "encoding_source": …}`` for an InputRecord's extra."""
        out: dict[str, Any] = {"encoding": self.encoding, "encoding_source": self.source}
        if self.source in ("detected", "format", "ldid", "cpg") or "ignored" in self.note:
            out["encoding_note"] = self.note
        return out


def _cjk_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are CJK ideographs or punctuation."""
    wide = [ch for ch in text if ord(ch) >= 0x80]
    if not wide:
        return 0.0
    cjk = sum(
        1
        for ch in wide
        if 0x4E00 <= ord(ch) <= 0x9FFF
        or 0x3400 <= ord(ch) <= 0x4DBF
        or 0x3000 <= ord(ch) <= 0x303F
        or 0xFF00 <= ord(ch) <= 0xFFEF
        or 0x20000 <= ord(ch) <= 0x2FFFF
    )
    return cjk / len(wide)


def _decode_one(sample: bytes, encoding: str) -> str | None:
    """Decode a sample; a character cut at the field's end (≤ 3 bytes) is dropped."""
    for cut in range(min(3, len(sample) - 1) + 1):
        try:
            return (sample[: len(sample) - cut] if cut else sample).decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _decode_all(samples: list[bytes], encoding: str) -> str | None:
    """Decode every sample, or None when one does not decode to sensible text."""
    parts = []
    for sample in samples:
        text = _decode_one(sample, encoding)
        if text is None or any(
            unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\t\r\n"
            for ch in text
        ):
            return None
        parts.append(text)
    return "".join(parts)


_MIN_CJK_SHARE = 0.5
"""GBK / GB18030 text must be mostly Chinese characters to be taken for Chinese."""


def guess_encoding(samples: Iterable[bytes]) -> str | None:
    """Guess the encoding of some byte strings: ``"utf-8"``, ``"gbk"``, ``"gb18030"`` or None.

    None means the samples are plain ASCII (every encoding reads them) or no
    candidate decodes them all. Among the candidates that decode every
    sample (GBK and GB18030 only when most of the text is Chinese), the one
    giving the most Chinese characters wins; UTF-8 wins ties.

    Examples
    --------
    >>> guess_encoding(["水田".encode("gbk"), b"0101"])
    'gbk'
    >>> guess_encoding(["水田".encode("utf-8")])
    'utf-8'
    >>> guess_encoding([b"0101", b"DLMC"]) is None
    True
    """
    wide = [bytes(s) for s in samples if any(b >= 0x80 for b in bytes(s))]
    if not wide:
        return None
    best, best_share = None, -1.0
    for candidate in _CANDIDATES:
        text = _decode_all(wide, candidate)
        if text is None:
            continue
        share = _cjk_share(text)
        if candidate != "utf-8" and share < _MIN_CJK_SHARE:
            continue
        if share > best_share + 1e-9:
            best, best_share = candidate, share
        if candidate == "gbk" and best == "gbk":
            break  # GB18030 extends GBK: it would decode the same text
    return best


def _dbf_samples(handle: BinaryIO, dbf: str) -> tuple[list[bytes], int]:
    """Field names and text values of the first records of a DBF, and its language-driver byte.

    ``handle`` is the DBF opened for reading at its start (a file, or a zip member).
    """
    header = handle.read(32)
    if len(header) < 32:
        raise DataSourceError(f"{dbf!r} is not a dBASE file (too short); check the shapefile")
    records, header_size, record_size = struct.unpack("<IHH", header[4:12])
    ldid = header[29]
    descriptors = handle.read(max(0, header_size - 32))
    samples: list[bytes] = []
    fields: list[tuple[int, int]] = []  # (offset in record, width) of character fields
    offset = 1  # the deletion flag
    for start in range(0, len(descriptors) - 31, 32):
        block = descriptors[start : start + 32]
        if block[0] == 0x0D:
            break
        samples.append(block[:11].split(b"\0", 1)[0])
        width = block[16]
        if chr(block[11]) == "C":
            width += block[17] * 256  # character fields may use byte 17 for long widths
            fields.append((offset, width))
        offset += width
    if not fields or record_size <= 0:
        return samples, ldid
    count = min(records, _MAX_RECORDS, max(1, _MAX_BYTES // record_size))
    data = handle.read(count * record_size)  # the records start right after the header
    for start in range(0, len(data) - record_size + 1, record_size):
        record = data[start : start + record_size]
        for field_offset, width in fields:
            value = record[field_offset : field_offset + width].rstrip(b" \0")
            if value:
                samples.append(value)
    return samples, ldid


def _findings(samples: list[bytes], ldid: int) -> tuple[str | None, bool, int]:
    wide = any(any(b >= 0x80 for b in s) for s in samples)
    return guess_encoding(samples), wide, ldid


@lru_cache(maxsize=128)
def _detect_cached(dbf: str, size: int, mtime_ns: int) -> tuple[str | None, bool, int]:
    with open(dbf, "rb") as handle:
        return _findings(*_dbf_samples(handle, dbf))


@lru_cache(maxsize=128)
def _detect_zipped_cached(
    path: str, member: str, size: int, mtime_ns: int
) -> tuple[str | None, bool, int]:
    label = f"{path}/{member}"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            return _findings(*_dbf_samples(handle, label))
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as ex:
        raise DataSourceError(f"cannot read {label!r} to detect its encoding: {ex}") from ex


def _detect_zipped(path: str, member: str) -> tuple[str | None, bool, int]:
    try:
        stat = os.stat(path)
        return _detect_zipped_cached(absolute_path(path), member, stat.st_size, stat.st_mtime_ns)
    except OSError as ex:
        raise DataSourceError(f"cannot read {path!r} to detect its encoding: {ex}") from ex


def _detect(path: str) -> tuple[str | None, bool, int] | None:
    dbf = path if path.lower().endswith(".dbf") else sidecar(path, ".dbf")
    if dbf is None:
        return None
    try:
        stat = os.stat(dbf)
        return _detect_cached(absolute_path(dbf), stat.st_size, stat.st_mtime_ns)
    except OSError as ex:
        raise DataSourceError(f"cannot read {dbf!r} to detect its encoding: {ex}") from ex


def detect_shapefile_encoding(path: str | os.PathLike[str]) -> str | None:
    """Detect the encoding of a shapefile's attributes from its .dbf bytes.

    Parameters
    ----------
    path : str or path-like
        The ``.shp`` (or ``.dbf``).

    Returns
    -------
    str or None
        ``"utf-8"``, ``"gbk"`` or ``"gb18030"``; None when the text is plain
        ASCII, there is no .dbf, or no candidate decodes it. A .cpg is not
        consulted: this looks at the bytes only.
    """
    found = _detect(os.fspath(path))
    return None if found is None else found[0]


def _is_dbase_family(path: str) -> bool:
    return path.lower().endswith((".shp", ".dbf"))


Findings = tuple[str | None, bool, int]
"""What the DBF bytes tell: the guessed encoding, whether any text is non-ASCII, the LDID."""


def _choose_for_dbf(
    name: str,
    given: str | None,
    cpg: str | None,
    findings: Callable[[], Findings | None],
    where: str,
) -> EncodingChoice:
    """The choice for one shapefile: ``given``, else its .cpg, else its DBF bytes."""
    if given is not None:
        note = f"{given} (--encoding)"
        if cpg is not None:
            note += " overrides the .cpg"
        return EncodingChoice(given, "given", note)
    if cpg is not None:
        return EncodingChoice(None, "cpg", f"declared by {os.path.basename(cpg)}{where}")
    found = findings()
    if found is None:
        return EncodingChoice(None, "driver", "no .dbf beside the file")
    encoding, wide, ldid = found
    if encoding is not None:
        return EncodingChoice(
            encoding, "detected", f"{encoding}, detected from the .dbf bytes{where} (no .cpg)"
        )
    if not wide:
        return EncodingChoice(None, "ascii", "plain ASCII text (no .cpg needed)")
    if ldid in _LDID_CODEPAGES:
        return EncodingChoice(
            None,
            "ldid",
            f"{_LDID_CODEPAGES[ldid]}, declared by the .dbf language-driver byte (no .cpg)",
        )
    raise DataSourceError(
        f"cannot tell the attribute encoding of {name!r}: it has no .cpg, its .dbf declares no "
        "code page, and its text is neither UTF-8 nor GBK/GB18030. Give the encoding with "
        "--encoding (e.g. big5, cp1252), or add a .cpg file naming it"
    )


_TELLING = ("driver", "ascii", "cpg", "ldid", "given", "detected")
"""How much a choice says about the text, least first (for a zip of several shapefiles)."""


def _choose_zipped(name: str, given: str | None, layer: str | None) -> EncodingChoice:
    """The choice for a zip: that of the layer's shapefile, else the most telling one."""
    shapefiles = [p for p in zipped_shapefiles(name, layer).values() if ".dbf" in p]
    if not shapefiles:
        if given is not None:
            return EncodingChoice(given, "given", f"{given} (--encoding)")
        return EncodingChoice(None, "driver", "as the driver reads it")
    choices = [
        _choose_for_dbf(
            f"{name}/{parts['.dbf']}",
            given,
            parts.get(".cpg"),
            lambda parts=parts: _detect_zipped(name, parts[".dbf"]),
            " in the zip",
        )
        for parts in shapefiles
    ]
    return max(choices, key=lambda choice: _TELLING.index(choice.source))


def choose_encoding(
    path: str | os.PathLike[str], given: str | None = None, layer: str | None = None
) -> EncodingChoice:
    """Decide the attribute encoding to read a source with.

    - A shapefile (``.shp``/``.dbf``): ``given`` wins (it may correct a wrong
      .cpg); else a .cpg lets GDAL decide; else the DBF bytes are examined.
      Text that is neither UTF-8 nor GBK/GB18030 in a DBF that declares no
      code page is refused rather than read garbled.
    - A zipped shapefile (``.zip``): the same, from the .cpg and .dbf inside
      the zip, of the shapefile named ``layer`` (without a layer, the most
      telling one: detected text before a .cpg before plain ASCII).
    - A format whose text is UTF-8 by definition (GeoPackage, GeoJSON, KML,
      FileGDB, FlatGeobuf): ``given`` is ignored, with a note.
    - Anything else: ``given`` is passed on, or GDAL decides.

    Parameters
    ----------
    path : str or path-like
        The file.
    given : str, optional
        The encoding asked for (``--encoding``).
    layer : str, optional
        The layer to read (for a zip of several shapefiles).

    Raises
    ------
    DataSourceError
        A shapefile without .cpg whose text cannot be decoded as UTF-8, GBK
        or GB18030 and whose DBF declares no code page.
    """
    name = os.fspath(path)
    extension = os.path.splitext(name.rstrip("/\\"))[1].lower()
    if given is not None:
        try:
            codecs.lookup(given)
        except LookupError as ex:
            raise DataSourceError(
                f"unknown encoding {given!r} (--encoding); use e.g. gbk, gb18030, utf-8, big5"
            ) from ex
    if extension in _UTF8_ONLY:
        if given is not None and codecs.lookup(given).name != "utf-8":
            return EncodingChoice(
                None,
                "format",
                f"--encoding {given} ignored: {_UTF8_ONLY[extension]} text is always UTF-8",
            )
        return EncodingChoice(None, "format", f"{_UTF8_ONLY[extension]} text is UTF-8")
    if extension == ".zip":
        return _choose_zipped(name, given, layer)
    if not _is_dbase_family(name):
        if given is not None:
            return EncodingChoice(given, "given", f"{given} (--encoding)")
        return EncodingChoice(None, "driver", "as the driver reads it")
    return _choose_for_dbf(name, given, sidecar(name, ".cpg"), lambda: _detect(name), "")
