"""Output folders of the site-selection tools (the only selection code that writes).

Each writer creates one folder atomically, like :func:`landcheck.report.write_report`
(:func:`landcheck.io.output.atomic_folder`): files go into a hidden staging
folder beside the target, which is put in place only when every file is
written; an existing folder is refused unless ``overwrite=True`` and it is
a folder landcheck wrote, and a folder that is or holds an input is never
replaced. Every folder holds a GeoPackage (UTF-8, explicit CRS,
MultiPolygon layers, long field names), a CSV table (UTF-8 with BOM, so
spreadsheet programs read the Chinese text), the JSON form of the result and
a PNG map; the avoidance and search folders add a boundary coordinate TXT
(CGCS2000 Gauss-Kruger, each site in the zone it is measured in) of the
trimmed sites or the proposals.

======================  =====================================================
writer                  files
======================  =====================================================
:func:`write_buildable`   buildable.gpkg (patches, excluded, removed,
                          undescribed, aoi), buildable.csv, buildable.json,
                          buildable.png
:func:`write_comparison`  comparison.gpkg (alternatives, context_<layer>),
                          comparison.csv, comparison.json, comparison.png,
                          findings.json (the alternatives' pre-examination)
:func:`write_avoidance`   avoidance.gpkg (kept, lost, dropped, original),
                          avoidance.csv, avoidance.json, avoidance.png,
                          avoided_boundary.txt (and one per further zone,
                          avoided_boundary_EPSG<code>.txt)
:func:`write_search`      search.gpkg (proposals, patches, undescribed, aoi),
                          search.csv, search.json, search.png, proposals.txt
======================  =====================================================
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import pyogrio

from landcheck.errors import InputDataError
from landcheck.io.boundary_txt.zones import write_zone_files, zone_files_note
from landcheck.io.output import atomic_folder
from landcheck.io.paths import gdal_path
from landcheck.report.folder import run_inputs
from landcheck.report.json import write_json
from landcheck.report.styles import context_names
from landcheck.result import CheckResult
from landcheck.text import spreadsheet_text

if TYPE_CHECKING:
    from landcheck.select.avoid import AvoidanceResult
    from landcheck.select.buildable import BuildableResult
    from landcheck.select.compare import ComparisonResult
    from landcheck.select.search import SearchResult

__all__ = ["write_avoidance", "write_buildable", "write_comparison", "write_search"]

logger = logging.getLogger(__name__)


def _atomic_folder(
    result: object,
    directory: str | os.PathLike[str],
    overwrite: bool,
    inputs: Iterable[str | os.PathLike[str]],
    kind: str,
    fill: Callable[[str], list[str]],
) -> dict[str, str]:
    """Create ``directory`` with the files ``fill(staging)`` writes; all or nothing.

    The inputs the result's pre-examinations recorded, and ``inputs``, are
    never replaced (see :func:`landcheck.io.output.atomic_folder`).
    """
    directory = os.fspath(directory)
    checks = (
        getattr(result, "check", None),  # buildable, comparison
        getattr(result, "before", None),  # avoidance
        getattr(getattr(result, "comparison", None), "check", None),  # search
    )
    recorded = [p for c in checks if isinstance(c, CheckResult) for p in run_inputs(c)]
    protected = [*recorded, *inputs]
    with atomic_folder(directory, overwrite=overwrite, inputs=protected, kind=kind) as staging:
        names = fill(staging)
    return {name: os.path.join(directory, name) for name in names}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns as strings (nulls kept), so GDAL and CSV see one type per field."""
    out = frame.copy()
    for column in out.columns:
        if column == getattr(out, "_geometry_column_name", None):
            continue
        if out[column].dtype == object:
            out[column] = out[column].astype("string")
    return out


def _write_gpkg(path: str, layers: dict[str, pd.DataFrame]) -> None:
    with gdal_path(path, "the output") as given:
        for name, frame in layers.items():
            spatial = isinstance(frame, gpd.GeoDataFrame)
            pyogrio.write_dataframe(
                _plain(frame),
                given,
                layer=name,
                driver="GPKG",
                encoding="UTF-8",
                promote_to_multi=True if spatial else None,
                geometry_type="MultiPolygon" if spatial else None,
                append=False,
            )


def _write_json(path: str, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
        handle.write("\n")


def _write_csv(path: str, table: pd.DataFrame) -> None:
    r"""The table as CSV for spreadsheet programs: UTF-8 with BOM, texts never read as formulas.

    A text that would start a formula (a site id ``=HYPERLINK(…)``) is written with a
    leading apostrophe (:func:`landcheck.text.spreadsheet_text`); numbers are left as they are.
    Records end with CRLF (RFC 4180), so the csv module quotes every text holding a carriage
    return or a line feed, the line breaks Python's csv reader, Excel and LibreOffice end a
    record at: each record is one row (a bare ``\r`` written unquoted ended it, and the text
    after it, ``=1+1``, began a row of its own as a formula). Inside a quoted text, what
    follows a line break is part of the cell, never a formula.
    """
    plain = _plain(table)
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.StringDtype):
            plain[column] = plain[column].map(spreadsheet_text, na_action="ignore")
    plain.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_map(path: str, plot: Callable[..., Any]) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9.0, 9.0))
    plot(ax=figure.add_subplot())
    with warnings.catch_warnings():
        # a label in a script the fonts lack draws as boxes; not worth a warning per file
        warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
        figure.savefig(path, dpi=120, bbox_inches="tight")


def _write_avoidance_map(path: str, result: AvoidanceResult, most: int = 12) -> None:
    """One panel per site (sites far apart would be specks on one map), up to ``most``."""
    ids = result.kept["site_id"].tolist()[:most]
    if len(ids) <= 1:
        _write_map(path, result.plot)
        return
    from matplotlib.figure import Figure

    columns = min(3, len(ids))
    rows = -(-len(ids) // columns)
    figure = Figure(figsize=(5.0 * columns, 5.0 * rows))
    for i, sid in enumerate(ids):
        result.plot(ax=figure.add_subplot(rows, columns, i + 1), site_id=sid)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing", category=UserWarning)
        figure.savefig(path, dpi=100, bbox_inches="tight")


def _write_txt(
    staging: str,
    filename: str,
    sites: gpd.GeoDataFrame,
    encoding: str,
    empty: str = "no site has land left to write",
) -> tuple[list[str], str | None, str | None]:
    """Write the sites as boundary TXTs, a file per zone; the names, why not, and a note.

    Each site is written in the zone its planar areas are measured in (its
    ``measuring_crs`` column; the analysis CRS without one): ``filename`` for
    the analysis CRS's zone (or the first site's), ``<stem>_EPSG<code>.txt``
    for each other zone (:func:`landcheck.io.boundary_txt.zones.write_zone_files`); the
    note says which sites went where. The TXTs are files of the folder: a CRS
    that is not CGCS2000 Gauss-Kruger, a site's id or name holding an ASCII
    comma or a line break (the format's separators), or a letter ``encoding``
    lacks skips them, not the folder. No site at all writes none, and ``empty`` says why.
    """
    if sites.empty:
        return [], empty, None
    measuring = sites["measuring_crs"].tolist() if "measuring_crs" in sites else None
    plain = sites.drop(columns="measuring_crs", errors="ignore")
    try:
        files = write_zone_files(plain, staging, filename, measuring, encoding=encoding)
    except InputDataError as ex:  # AnalysisCRSError and GeometryError are ones too
        return [], str(ex), None
    return [f.name for f in files], None, zone_files_note(files, sites.crs)


def _submission(result: SearchResult) -> gpd.GeoDataFrame:
    """The proposals to write as a TXT: ``site_id``, ``measuring_crs`` and geometry.

    ``measuring_crs`` is the CRS each proposal's planar areas are measured in, from the
    proposals' pre-examination (the comparison's check), so that each is written in its zone.
    """
    proposals = result.proposals
    if not len(proposals) or result.comparison is None:
        return proposals
    check = result.comparison.check
    out = proposals[["site_id", "geometry"]].copy()
    out.insert(1, "measuring_crs", [check.measuring_crs(str(s)) for s in out["site_id"]])
    return out


def write_buildable(
    result: BuildableResult,
    directory: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> dict[str, str]:
    """Write the buildable-land folder; return file name → path.

    ``inputs`` (the run's input files) are never replaced; see
    :func:`landcheck.io.output.atomic_folder`.

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced (no ``overwrite``, or not
        a folder landcheck wrote).
    OutputError
        The folder is unsafe (an input, the current folder…) or cannot be written.
    """

    def fill(staging: str) -> list[str]:
        _write_gpkg(
            os.path.join(staging, "buildable.gpkg"),
            {
                "patches": result.patches,
                "excluded": result.excluded,
                "removed": result.removed,
                "undescribed": result.undescribed,
                "aoi": result.aoi,
            },
        )
        _write_csv(os.path.join(staging, "buildable.csv"), result.table)
        _write_json(os.path.join(staging, "buildable.json"), result.to_dict())
        _write_map(os.path.join(staging, "buildable.png"), result.plot)
        return ["buildable.gpkg", "buildable.csv", "buildable.json", "buildable.png"]

    return _atomic_folder(result, directory, overwrite, inputs, "buildable", fill)


def write_comparison(
    result: ComparisonResult,
    directory: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> dict[str, str]:
    """Write the comparison folder; return file name → path.

    ``inputs`` (the run's input files) are never replaced; see
    :func:`landcheck.io.output.atomic_folder`.

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced (no ``overwrite``, or not
        a folder landcheck wrote).
    OutputError
        The folder is unsafe (an input, the current folder…) or cannot be written.
    """

    def fill(staging: str) -> list[str]:
        layers: dict[str, pd.DataFrame] = {"alternatives": result.sites}
        names = context_names(result.context)  # distinct ignoring case, as SQLite's
        for key, frame in result.context.items():
            layers[names[key]] = frame
        _write_gpkg(os.path.join(staging, "comparison.gpkg"), layers)
        _write_csv(os.path.join(staging, "comparison.csv"), result.table)
        _write_json(os.path.join(staging, "comparison.json"), result.to_dict())
        _write_map(os.path.join(staging, "comparison.png"), result.plot)
        write_json(result.check, staging)
        return [
            "comparison.gpkg",
            "comparison.csv",
            "comparison.json",
            "comparison.png",
            "findings.json",
        ]

    return _atomic_folder(result, directory, overwrite, inputs, "comparison", fill)


def write_avoidance(
    result: AvoidanceResult,
    directory: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    txt_encoding: str = "utf-8",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> dict[str, str]:
    """Write the avoidance folder, with the trimmed boundary as a TXT; return file name → path.

    The TXT (``avoided_boundary.txt``) holds every site ready for resubmission
    (:attr:`~landcheck.select.avoid.AvoidanceResult.resubmission`), each
    in the zone its planar areas are measured in: the sites of the analysis
    CRS's zone (or of the first site's), and ``avoided_boundary_EPSG<code>.txt``
    those of each further zone, with a warning in ``avoidance.json`` saying
    which went where. When a site is measured in no CGCS2000 Gauss-Kruger
    zone, or its id or name holds what the TXT cannot (an ASCII comma, a line
    break, braces at either end, a letter ``txt_encoding`` lacks), no TXT is
    written and ``avoidance.json`` says why (``txt_skipped``), as it does when no site is
    ready (:meth:`~landcheck.select.avoid.AvoidanceResult.unready_reason`: a hard layer not
    checked, land kept that a layer does not describe, no land left).

    ``inputs`` (the run's input files) are never replaced; see
    :func:`landcheck.io.output.atomic_folder`.

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced (no ``overwrite``, or not
        a folder landcheck wrote).
    OutputError
        The folder is unsafe (an input, the current folder…) or cannot be written.
    """

    def fill(staging: str) -> list[str]:
        names, skipped, note = _write_txt(
            staging,
            "avoided_boundary.txt",
            result.resubmission,
            txt_encoding,
            empty=result.unready_reason(),
        )
        _write_gpkg(
            os.path.join(staging, "avoidance.gpkg"),
            {
                "kept": result.kept,
                "lost": result.lost,
                "dropped": result.dropped,
                "original": result.sites,
            },
        )
        _write_csv(os.path.join(staging, "avoidance.csv"), result.table)
        data = result.to_dict()
        if skipped is not None:
            data["txt_skipped"] = skipped
        if note is not None:
            data["warnings"].append(note)
            logger.warning(note)
        _write_json(os.path.join(staging, "avoidance.json"), data)
        _write_avoidance_map(os.path.join(staging, "avoidance.png"), result)
        return ["avoidance.gpkg", "avoidance.csv", "avoidance.json", "avoidance.png", *names]

    return _atomic_folder(result, directory, overwrite, inputs, "avoidance", fill)


def write_search(
    result: SearchResult,
    directory: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    txt_encoding: str = "utf-8",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> dict[str, str]:
    """Write the search folder, with the proposals as a boundary TXT; return file name → path.

    Each proposal is written in the zone its planar areas are measured in (its
    ``measuring_crs`` in the proposals' pre-examination), as
    :func:`write_avoidance` writes the trimmed sites: ``proposals.txt`` for
    the analysis CRS's zone (or the first proposal's), and
    ``proposals_EPSG<code>.txt`` for each further zone, with a warning in
    ``search.json`` saying which went where. When the proposals cannot be
    written as a boundary TXT (a proposal measured in no CGCS2000
    Gauss-Kruger zone), no TXT is written and ``search.json`` says why
    (``txt_skipped``).

    ``inputs`` (the run's input files) are never replaced; see
    :func:`landcheck.io.output.atomic_folder`.

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced (no ``overwrite``, or not
        a folder landcheck wrote).
    OutputError
        The folder is unsafe (an input, the current folder…) or cannot be written.
    """

    def fill(staging: str) -> list[str]:
        proposals = result.proposals
        names, skipped, note = _write_txt(
            staging, "proposals.txt", _submission(result), txt_encoding
        )
        _write_gpkg(
            os.path.join(staging, "search.gpkg"),
            {
                "proposals": proposals,
                "patches": result.patches,
                "undescribed": result.undescribed,
                "aoi": result.aoi,
            },
        )
        _write_csv(os.path.join(staging, "search.csv"), result.table)
        data = result.to_dict()
        if skipped is not None:
            data["txt_skipped"] = skipped
        if note is not None:
            data["warnings"].append(note)
            logger.warning(note)
        _write_json(os.path.join(staging, "search.json"), data)
        _write_map(os.path.join(staging, "search.png"), result.plot)
        return ["search.gpkg", "search.csv", "search.json", "search.png", *names]

    return _atomic_folder(result, directory, overwrite, inputs, "search", fill)
