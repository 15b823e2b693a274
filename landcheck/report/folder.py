"""The report folder, written atomically: all of it, or nothing.

Files are written into a hidden staging folder beside the target, which is
renamed into place only when every writer has succeeded
(:func:`landcheck.io.output.atomic_folder`). An existing folder is replaced
only with ``overwrite=True``, only when landcheck wrote it, and only after
the new one is complete; a folder that is or holds an input of the run is
never replaced. A failed run never leaves a partial report behind.

For a batch (:data:`SIDE_BY_SIDE_SITES` sites or more) the writers run side by
side: HTML (or else the last format asked for) in the calling process, which
has its own workers for the site pages, every other writer in a forked process
of its own (:func:`landcheck.forked.beside`), their progress relayed to
the caller's bars. Those that need none of the reviewer's tables start at once;
those that lay them out start once the calling process has built them, and
share them. Every process is waited for (or ended, on an error, Ctrl+C or
SIGTERM) before the staging folder is placed or removed; the workers a forked
writer started are killed as it ends (:func:`landcheck.forked.start_worker`).
The files are the same as written one after the other.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable, Iterable
from functools import partial

from landcheck import forked
from landcheck.io.output import atomic_folder
from landcheck.packed import PackedFrames
from landcheck.report.formats import FORMATS, WITHOUT_GEOMETRY, parse_formats
from landcheck.report.gpkg import write_gpkg
from landcheck.report.json import write_json
from landcheck.report.options import ReportOptions
from landcheck.result import CheckResult

__all__ = [
    "FORMATS",
    "SIDE_BY_SIDE_SITES",
    "TABLE_WRITERS",
    "WRITERS",
    "parse_formats",
    "run_inputs",
    "write_report",
]


Writer = Callable[[CheckResult, str, ReportOptions], str | list[str]]
"""``(result, directory, options)`` → the path of the file written, or the paths of the files
(the format's own first: the boundary TXT adds a file per further zone)."""


def _lazy(module: str, name: str) -> Writer:
    """A writer imported on first use (the HTML maps need matplotlib; JSON does not)."""

    def writer(result: CheckResult, directory: str, options: ReportOptions) -> str | list[str]:
        function: Writer = getattr(importlib.import_module(module), name)
        return function(result, directory, options)

    writer.__name__ = name
    writer.__qualname__ = name
    return writer


WRITERS: dict[str, Writer] = {
    "json": write_json,
    "html": _lazy("landcheck.report.html", "write_html"),
    "xlsx": _lazy("landcheck.report.xlsx", "write_xlsx"),
    "gpkg": write_gpkg,
    "txt": _lazy("landcheck.report.txt", "write_txt"),
    "docx": _lazy("landcheck.report.docx", "write_docx"),
}
"""Format name → writer ``(result, directory, options) -> path`` (or paths: :data:`Writer`):
one for each of :data:`landcheck.report.formats.NAMES`, in their order."""

TABLE_WRITERS = frozenset({"html", "xlsx", "docx"})
"""The writers that lay out the reviewer's tables (:meth:`ReportOptions.tables`, built once)."""

SIDE_BY_SIDE_SITES = 50
"""From this many sites the writers of a folder run side by side in forked processes; for
fewer, one after the other (they take less time than starting a process)."""


def run_inputs(result: CheckResult) -> list[str]:
    """The files a run read (sites, layers, a profile file): an output never replaces them."""
    paths = [record.path for record in result.inputs if record.path]
    origin = result.profile.origin
    if origin and os.path.isfile(origin):
        paths.append(origin)
    return paths


def write_report(
    result: CheckResult,
    directory: str | os.PathLike[str],
    *,
    formats: str | Iterable[str] | None = None,
    overwrite: bool = False,
    lang: str = "zh",
    inputs: Iterable[str | os.PathLike[str]] = (),
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, str]:
    """Write the report folder.

    Parameters
    ----------
    result : CheckResult
        What to report.
    directory : path
        The report folder to create.
    formats : str or iterable of str, optional
        Subset of :data:`FORMATS` (default: all).
    overwrite : bool
        Replace an existing folder landcheck wrote (only once the new one is
        complete). A folder without landcheck's marker, or holding files
        landcheck did not write, is never replaced.
    lang : {"zh", "en"}
        Language of the human-readable reports.
    inputs : iterable of path, optional
        More files the folder must not replace or hold, besides those the
        result records as read (:func:`run_inputs`).
    progress : callable, optional
        ``progress(stage, done, total)``: each writer reports as it goes, under
        its own stage (``write:json``, ``write:html``…; :class:`ReportOptions`).

    Returns
    -------
    dict
        Format → path of the file written; a format that writes more files
        (``txt``: a file per further zone) adds one entry per further file,
        keyed ``"<format>:<file name>"`` (``"txt:sites_EPSG4524.txt"``). The
        values are every file written.

    Raises
    ------
    OutputExistsError
        The folder exists (or appeared during the writing) and may not be
        replaced.
    OutputError
        The folder is, holds or lies in an input, the current or home folder
        or ``/``; or it cannot be written (the message says why).

    Examples
    --------
    >>> import os, tempfile
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)])
    >>> result = check(site, layers={"farmland": site.assign(BSM="F1")})
    >>> folder = os.path.join(tempfile.mkdtemp(), "report")
    >>> sorted(write_report(result, folder, formats="json,gpkg"))
    ['gpkg', 'json']
    >>> write_report(result, folder)
    Traceback (most recent call last):
    ...
    landcheck.errors.OutputExistsError: the folder ... already exists; pass --overwrite ...
    """
    directory = os.fspath(directory)
    chosen = parse_formats(formats)
    protected = [*run_inputs(result), *inputs]
    if set(chosen) - WITHOUT_GEOMETRY:
        _geometry_rebuilt(result)
    with atomic_folder(directory, overwrite=overwrite, inputs=protected, kind="report") as staging:
        if len(chosen) > 1 and len(result.site_ids) >= SIDE_BY_SIDE_SITES:
            written = _side_by_side(result, staging, chosen, lang, progress)
        else:
            options = ReportOptions(lang=lang, progress=progress)
            written = {name: _write(name, result, staging, options) for name in chosen}
    return _listed(directory, chosen, written)


def _listed(directory: str, chosen: list[str], written: dict[str, list[str]]) -> dict[str, str]:
    """Format → path of its file, then ``"<format>:<name>"`` → path of each further file."""
    listed: dict[str, str] = {}
    for name in chosen:
        first, *more = written[name]
        listed[name] = os.path.join(directory, first)
        listed.update((f"{name}:{other}", os.path.join(directory, other)) for other in more)
    return listed


def _geometry_rebuilt(result: CheckResult) -> None:
    """The result's packed outlines rebuilt here, once (:mod:`landcheck.packed`).

    The writers and the site pages' workers are forked processes: each would
    otherwise rebuild the layers it draws from their WKB for itself.
    """
    for frames in (result.pieces, result.context):
        if isinstance(frames, PackedFrames):
            frames.unpack()


def _write(name: str, result: CheckResult, directory: str, options: ReportOptions) -> list[str]:
    """Write one format into ``directory``; the names of the files written, its own first."""
    paths = WRITERS[name](result, directory, options)
    return [os.path.basename(path) for path in ([paths] if isinstance(paths, str) else paths)]


def _inputs_hashed(result: CheckResult) -> None:
    """Each input file's SHA-256 found here, before the writers that record it fork.

    The command starts hashing its inputs when it starts (a province's
    GeoPackage takes seconds): waited for here, the digest is in every forked
    writer's memory, instead of each of them reading the file again.
    """
    for record in result.inputs:
        _ = record.sha256


def _side_by_side(
    result: CheckResult,
    directory: str,
    chosen: list[str],
    lang: str,
    progress: Callable[[str, int, int], None] | None,
) -> dict[str, list[str]]:
    """Write the formats side by side (see the module's notes); format → names of its files."""
    main = "html" if "html" in chosen else chosen[-1]
    others = [name for name in chosen if name != main]
    _inputs_hashed(result)
    late = [name for name in others if name in TABLE_WRITERS and main in TABLE_WRITERS]
    with contextlib.ExitStack() as stack:
        relay = stack.enter_context(forked.Relay(progress)) if progress is not None else None
        options = ReportOptions(lang=lang, progress=relay)

        def start(name: str) -> Callable[[], list[str]]:
            job = partial(_write, name, result, directory, options)
            return stack.enter_context(forked.beside(job, relay))

        awaited = {name: start(name) for name in others if name not in late}
        if late:
            options.tables(result)  # here, once: the writers forked next share them
        awaited.update((name, start(name)) for name in late)
        written = {main: _write(main, result, directory, options)}
        written.update((name, await_written()) for name, await_written in awaited.items())
    return written
