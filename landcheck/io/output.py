"""Atomic output: every folder and file landcheck writes appears whole, or not at all.

Every writer of landcheck (the report folder, the selection folders, the
sample and demo folders, ``convert``) goes through this module:

- Before any work, :func:`check_folder` / :func:`check_files` refuse an
  output that is (or holds, or lies in) an input of the run, the current
  folder, the home folder or ``/``; an existing output without
  ``overwrite``; a folder landcheck did not write; a missing or read-only
  parent folder (probed with a real write); and a disk with less than
  :data:`MIN_FREE_BYTES` free.
- :func:`atomic_folder` / :func:`atomic_files` hand out a hidden staging
  folder beside the target (``.landcheck-tmp-<host>-<pid>-<random>``). When
  everything is written, it is moved into place by one rename, and the
  target must not exist at that moment: a folder is reserved with
  ``mkdir`` (and the staging folder renamed onto that empty reservation), a
  file is hard-linked (or reserved with ``O_EXCL``). So an output that
  appeared during the run is never replaced, and of two runs writing the
  same target exactly one wins; the other fails and leaves everything as
  it was.
- A folder landcheck writes carries a marker file, :data:`MARKER`, listing
  its entries. ``overwrite=True`` replaces only such a folder, and only when
  it holds nothing but those entries (sub-folders must be landcheck folders
  too). The old folder is moved aside (``.landcheck-old-…``) and deleted
  only once the new one is in place; if placing fails, it is put back.
- Folders and files get the permissions the user's umask gives
  (``mkdtemp`` alone would leave folders at 0700).
- A failed write removes the staging folder; an ``OSError`` (permission,
  full disk) becomes an :class:`~landcheck.errors.OutputError` naming the
  output. Staging and set-aside folders of a landcheck process that no
  longer runs on this machine (killed: its pid is in the name) are removed
  by the next check of an output in the same folder, and a set-aside
  output whose place is still empty is put back; both are logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone

from landcheck._version import __version__
from landcheck.errors import LandcheckError, OutputError, OutputExistsError
from landcheck.io.schemes import is_postgis_source

__all__ = [
    "MARKER",
    "MIN_FREE_BYTES",
    "atomic_files",
    "atomic_folder",
    "check_files",
    "check_folder",
    "input_paths",
    "user_umask",
]

logger = logging.getLogger(__name__)

MARKER = ".landcheck"
"""Name of the marker file in every folder landcheck writes (JSON: schema, kind, entries)."""

MARKER_SCHEMA = "landcheck/output@1"

MIN_FREE_BYTES = 32 * 1024 * 1024
"""Free space required before writing (32 MiB). A report's size is not known before the check
(the demo's report takes 3 MB, its sample data 13 MB); a disk that fills up during the writing
still leaves nothing behind and says so."""

_TEMPORARY = ".landcheck-tmp-"
_RETIRED = ".landcheck-old-"
_OURS = re.compile(r"^\.landcheck-(tmp|old)-([0-9a-f]{8})-([1-9][0-9]*)-")
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qpj")
_CHOOSE = "choose another folder with -o"
_CHOOSE_FILE = "choose another output file"


# --------------------------------------------------------------------------- paths


def _within(inner: str, outer: str) -> bool:
    """True when ``inner`` is ``outer`` or lies inside it (both resolved)."""
    return inner == outer or inner.startswith(outer.rstrip(os.sep) + os.sep)


def _resolved(path: str) -> list[str]:
    """``path`` with its folders resolved, and fully resolved (a symlink and what it names)."""
    absolute = os.path.abspath(path)
    located = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    real = os.path.realpath(absolute)
    return [located] if located == real else [located, real]


def input_paths(sources: Iterable[object]) -> list[str]:
    """The existing files and folders behind a run's inputs, resolved.

    Parameters
    ----------
    sources : iterable
        Paths or ``PATH:LAYER`` sources (anything else, such as an in-memory
        frame, a PostGIS URL or a built-in profile name, names no file and is
        skipped).

    Returns
    -------
    list of str
        Absolute paths with symlinks resolved (a symlink gives both itself and
        its target); a shapefile brings its sibling files (.dbf, .prj…).

    Examples
    --------
    >>> import os, tempfile
    >>> folder = os.path.realpath(tempfile.mkdtemp())
    >>> for name in ("roads.shp", "roads.dbf", "other.dbf"):
    ...     open(os.path.join(folder, name), "w").close()
    >>> [os.path.basename(p) for p in input_paths([os.path.join(folder, "roads.shp:roads")])]
    ['roads.shp', 'roads.dbf']
    >>> input_paths(["china-preexam", None, "postgresql://gis@db/plan:public.farmland"])
    []
    """
    found: list[str] = []
    for source in sources:
        if not isinstance(source, str | os.PathLike) or is_postgis_source(source):
            continue  # a frame, or a database table (postgresql://…): no file
        text = os.fspath(source)
        candidates = [text, text.rpartition(":")[0]] if ":" in text else [text]
        for candidate in candidates:
            if not candidate or not os.path.lexists(candidate):
                continue
            for path in _resolved(candidate):
                found.append(path)
                stem, extension = os.path.splitext(path)
                if extension.lower() == ".shp":
                    found += _shapefile_siblings(stem)
            break
    return list(dict.fromkeys(found))


def _shapefile_siblings(stem: str) -> list[str]:
    folder, base = os.path.split(stem)
    with contextlib.suppress(OSError):
        return [
            os.path.join(folder, name)
            for name in sorted(os.listdir(folder))
            if os.path.splitext(name)[0] == base
            and os.path.splitext(name)[1].lower() in _SHAPEFILE_PARTS[1:]
        ]
    return []


def _guard(shown: str, inputs: Iterable[object], hint: str = _CHOOSE) -> None:
    """Refuse an output that is, holds or lies in an input, or is cwd, home or ``/``."""
    for real in _resolved(shown):
        if os.path.dirname(real) == real:
            raise OutputError(
                f"{shown!r} is the root folder {real}: landcheck never writes there; {hint}"
            )
        places = (
            (os.getcwd(), "the current folder"),
            (os.path.realpath(os.path.expanduser("~")), "your home folder"),
        )
        for place, what in places:
            if _within(place, real):
                relation = "is" if place == real else "holds"
                raise OutputError(
                    f"{shown!r} {relation} {what} ({place}): landcheck never replaces it; {hint}"
                )
        for path in input_paths(inputs):
            if _within(path, real):
                relation = "is" if path == real else "holds"
                raise OutputError(
                    f"{shown!r} {relation} the input {path}: landcheck never writes over its "
                    f"inputs; {hint}"
                )
            if os.path.isdir(path) and _within(real, path):
                raise OutputError(
                    f"{shown!r} lies inside the input folder {path}: landcheck never writes "
                    f"into its inputs; {hint}"
                )


def _location(path: str | os.PathLike[str]) -> tuple[str, str, str]:
    """``(shown, parent, name)``: the path as given, its resolved parent folder, its name."""
    shown = os.fspath(path)
    if not shown.strip():
        raise OutputError(f"the output path is empty ({shown!r}); give one with -o")
    absolute = os.path.abspath(shown)
    return shown, os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute)


# --------------------------------------------------------------------------- pre-flight


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (one we may not signal runs too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _host() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:8]


def _temporary(parent: str, prefix: str) -> str:
    """A new hidden folder in ``parent`` named after this host and process."""
    return tempfile.mkdtemp(prefix=f"{prefix}{_host()}-{os.getpid()}-", dir=parent)


def _remove_stale(parent: str) -> None:
    """Clean up after landcheck processes of this host that were killed while writing here.

    Only folders named by landcheck's pattern, of this host (by host name) and of a
    process id that no longer runs, are touched.
    """
    try:
        found = [(e, match) for e in os.scandir(parent) if (match := _OURS.match(e.name))]
    except OSError:
        return
    for entry, match in found:
        kind, host, pid = match.groups()
        if host != _host() or _alive(int(pid)) or not entry.is_dir(follow_symlinks=False):
            continue
        if kind == "old":
            for name in _put_back(entry.path, parent):
                logger.warning(
                    "put back %s, set aside by an interrupted landcheck run (process %s)",
                    os.path.join(parent, name),
                    pid,
                )
        shutil.rmtree(entry.path, ignore_errors=True)
        logger.warning(
            "removed %s, left by an interrupted landcheck run (process %s)", entry.path, pid
        )


def _probe(parent: str, shown: str, hint: str) -> None:
    """Refuse a parent folder that is missing or cannot be written (tried for real)."""
    if os.path.lexists(parent) and not os.path.isdir(parent):
        raise OutputError(f"cannot write {shown!r}: {parent} is a file, not a folder; {hint}")
    if not os.path.isdir(parent):
        raise OutputError(
            f"cannot write {shown!r}: the folder {parent} does not exist; create it first, or "
            f"{hint}"
        )
    try:
        os.rmdir(_temporary(parent, _TEMPORARY))
    except OSError as ex:
        raise OutputError(
            f"cannot write {shown!r}: the folder {parent} cannot be written ({ex.strerror}); {hint}"
        ) from ex


def _require_space(parent: str, shown: str, need: int | None, hint: str) -> None:
    need = MIN_FREE_BYTES if need is None else need
    try:
        free = shutil.disk_usage(parent).free
    except OSError:
        return
    if free < need:
        raise OutputError(
            f"cannot write {shown!r}: only {free / 2**20:.1f} MiB free in {parent} and landcheck "
            f"needs at least {need / 2**20:.0f} MiB; free some space, or {hint}"
        )


def _read_marker(folder: str) -> dict | None:
    path = os.path.join(folder, MARKER)
    if os.path.islink(path) or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != MARKER_SCHEMA:
        return None
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return None
    return data


def _require_landcheck_folder(folder: str, shown: str) -> None:
    """Refuse to replace a folder landcheck did not write, or one holding anything else."""
    marker = _read_marker(folder)
    if marker is None:
        raise OutputExistsError(
            f"{shown!r} was not written by landcheck (it has no {MARKER} marker), and "
            f"--overwrite replaces only folders landcheck wrote: move it away yourself, or "
            f"{_CHOOSE}"
        )
    present = set(os.listdir(folder)) - {MARKER}
    extra = sorted(present - set(marker["entries"]))
    if extra:
        names = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        raise OutputExistsError(
            f"{shown!r} holds files landcheck did not write ({names}), and --overwrite never "
            f"deletes them: move them out, or {_CHOOSE}"
        )
    for name in sorted(present):
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            _require_landcheck_folder(path, os.path.join(shown, name))


def _require_replaceable(shown: str, parent: str, name: str, overwrite: bool) -> None:
    """Refuse an existing folder at the target unless it may be replaced."""
    target = os.path.join(parent, name)
    if not os.path.lexists(target):
        return
    if os.path.islink(target):
        raise OutputExistsError(
            f"{shown!r} is a symbolic link (to {os.path.realpath(target)}); landcheck does not "
            f"write through links: {_CHOOSE}"
        )
    if not os.path.isdir(target):
        raise OutputExistsError(f"{shown!r} exists and is not a folder; {_CHOOSE}")
    if not overwrite:
        raise OutputExistsError(
            f"the folder {shown!r} already exists; pass --overwrite (overwrite=True) to replace "
            f"it (only a folder landcheck wrote is replaced), or {_CHOOSE}"
        )
    _require_landcheck_folder(target, shown)


def check_folder(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[object] = (),
    free_bytes: int | None = None,
) -> None:
    """Check, before any work, that an output folder can be written.

    Parameters
    ----------
    path : path
        The output folder.
    overwrite : bool
        Whether an existing folder may be replaced (only one landcheck wrote).
    inputs : iterable
        The run's inputs (paths or ``PATH:LAYER``); see :func:`input_paths`.
    free_bytes : int, optional
        Free space required in the parent folder (default :data:`MIN_FREE_BYTES`).

    Raises
    ------
    OutputExistsError
        The folder exists and may not be replaced.
    OutputError
        The path is empty, unsafe (an input, the current or home folder,
        ``/``), or its parent folder is missing, read-only or full.

    Examples
    --------
    >>> check_folder("/")
    Traceback (most recent call last):
    ...
    landcheck.errors.OutputError: '/' is the root folder /: landcheck never writes there; ...
    """
    shown, parent, name = _location(path)
    _guard(shown, inputs)
    _require_replaceable(shown, parent, name, overwrite)
    _probe(parent, shown, _CHOOSE)
    _remove_stale(parent)
    _require_space(parent, shown, free_bytes, _CHOOSE)


def check_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    overwrite: bool = False,
    inputs: Iterable[object] = (),
    free_bytes: int | None = None,
) -> None:
    """Check, before any work, that output files (of one folder) can be written.

    ``paths`` are every file one output occupies (a shapefile's .shp, .dbf…):
    without ``overwrite`` none may exist; with it, existing ones are
    replaced. Otherwise as :func:`check_folder`.

    Raises
    ------
    OutputExistsError, OutputError
        As :func:`check_folder` (a folder in the way is never replaced).
    """
    located = [_location(p) for p in paths]
    parents = {parent for _, parent, _ in located}
    if len(parents) != 1:
        raise ValueError(f"the output files must share one folder, got {sorted(parents)}")
    for shown, parent, name in located:
        _guard(shown, inputs, _CHOOSE_FILE)
        target = os.path.join(parent, name)
        if os.path.islink(target) or (os.path.lexists(target) and not os.path.isfile(target)):
            raise OutputExistsError(
                f"{shown!r} exists and is not a plain file; landcheck does not replace it: "
                f"{_CHOOSE_FILE}"
            )
        if os.path.lexists(target) and not overwrite:
            raise OutputExistsError(
                f"{shown!r} exists; use --overwrite (overwrite=True) to replace it, or "
                f"{_CHOOSE_FILE}"
            )
    shown, parent, _ = located[0]
    _probe(parent, shown, _CHOOSE_FILE)
    _remove_stale(parent)
    _require_space(parent, shown, free_bytes, _CHOOSE_FILE)


# --------------------------------------------------------------------------- writing


def user_umask() -> int:
    """The process's umask, read without changing it where the system allows.

    Examples
    --------
    >>> 0 <= user_umask() <= 0o777
    True
    """
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _apply_umask(root: str) -> None:
    """Give ``root`` and everything in it the permissions of a fresh file or folder."""
    mask = user_umask()
    os.chmod(root, 0o777 & ~mask)
    for folder, folders, files in os.walk(root):
        for name in folders:
            os.chmod(os.path.join(folder, name), 0o777 & ~mask, follow_symlinks=False)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o666 & ~mask)


def _write_marker(staging: str, kind: str) -> None:
    """Write the marker listing the folder's entries, and one in each folder inside it.

    A folder inside that has its marker already (written by its own
    :func:`atomic_folder`, as the demo's sample and report) keeps it.
    """
    entries = sorted(name for name in os.listdir(staging) if name != MARKER)
    for name in entries:
        inner = os.path.join(staging, name)
        if os.path.isdir(inner) and not os.path.islink(inner) and _read_marker(inner) is None:
            _write_marker(inner, kind)
    data = {
        "schema": MARKER_SCHEMA,
        "kind": kind,
        "written_by": f"landcheck {__version__}",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "entries": entries,
    }
    with open(os.path.join(staging, MARKER), "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def _appeared(shown: str) -> OutputExistsError:
    return OutputExistsError(
        f"{shown!r} appeared while landcheck was writing it (another run?); it was left as it "
        "is and this run's output was not kept: write it again elsewhere"
    )


def _place_folder(source: str, target: str, shown: str) -> None:
    """Rename ``source`` to ``target``, which must not exist (reserved by ``mkdir``)."""
    try:
        os.mkdir(target, 0o700)
    except FileExistsError:
        raise _appeared(shown) from None
    try:
        os.rename(source, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.rmdir(target)  # only the empty reservation: rmdir refuses anything else
        raise


def _place_file(source: str, target: str, shown: str) -> tuple[int, int]:
    """Move ``source`` to ``target``, which must not exist (hard link, else ``O_EXCL``).

    Returns the placed file's (device, inode).
    """
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        raise _appeared(shown) from None
    except OSError:  # a file system without hard links
        try:
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise _appeared(shown) from None
        os.replace(source, target)
    placed = os.stat(target, follow_symlinks=False)
    return placed.st_dev, placed.st_ino


def _put_back(retired: str, parent: str) -> list[str]:
    """Move set-aside outputs back where they were, when their place is still empty."""
    restored = []
    for name in sorted(os.listdir(retired)):
        source, target = os.path.join(retired, name), os.path.join(parent, name)
        if os.path.lexists(target):
            continue
        with contextlib.suppress(OSError):
            if os.path.isdir(source) and not os.path.islink(source):
                _place_folder(source, target, target)
            else:
                _place_file(source, target, target)
            restored.append(name)
    return restored


def _failure(ex: BaseException, shown: str, parent: str) -> BaseException:
    """The error to raise for a failed write: an OSError or a full disk named plainly."""
    if isinstance(ex, LandcheckError) or not isinstance(ex, Exception):
        return ex
    if isinstance(ex, OSError):
        return OutputError(f"cannot write {shown!r}: {ex.strerror or ex}; nothing was written")
    with contextlib.suppress(OSError):
        free = shutil.disk_usage(parent).free
        if free < 1024 * 1024:
            return OutputError(
                f"cannot write {shown!r}: the disk holding {parent} is full ({free // 1024} KiB "
                f"free; {type(ex).__name__}: {ex}); nothing was written"
            )
    return ex


@contextlib.contextmanager
def atomic_folder(
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    inputs: Iterable[object] = (),
    kind: str = "output",
) -> Iterator[str]:
    """Write a folder atomically: yield a staging folder, put it in place when the block ends.

    Parameters
    ----------
    path : path
        The folder to create.
    overwrite : bool
        Replace an existing folder landcheck wrote (only after the new one is complete).
    inputs : iterable
        The run's inputs, never written over (see :func:`check_folder`).
    kind : str
        What the folder holds (``"report"``, ``"sample"``…), recorded in its marker.

    Yields
    ------
    str
        The staging folder to write into.

    Raises
    ------
    OutputExistsError
        The folder exists (or appeared during the run) and may not be replaced.
    OutputError
        As :func:`check_folder`, or the writing failed (the message says why).

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "out")
    >>> with atomic_folder(target, kind="example") as staging:
    ...     with open(os.path.join(staging, "a.txt"), "w") as handle:
    ...         _ = handle.write("a")
    >>> sorted(os.listdir(target))
    ['.landcheck', 'a.txt']
    """
    inputs = list(inputs)
    check_folder(path, overwrite=overwrite, inputs=inputs)
    shown, parent, name = _location(path)
    target = os.path.join(parent, name)
    staging = _temporary(parent, _TEMPORARY)
    try:
        yield staging
        _write_marker(staging, kind)
        _apply_umask(staging)
        retired = None
        if os.path.lexists(target):  # there at the start (overwrite) or appeared meanwhile
            if not overwrite:
                raise _appeared(shown)
            _guard(shown, inputs)
            _require_replaceable(shown, parent, name, overwrite)
            retired = _temporary(parent, _RETIRED)
            os.rename(target, os.path.join(retired, name))
        try:
            _place_folder(staging, target, shown)
        except BaseException:
            if retired is not None:
                _put_back(retired, parent)
                shutil.rmtree(retired, ignore_errors=True)
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException as ex:
        shutil.rmtree(staging, ignore_errors=True)
        failure = _failure(ex, shown, parent)
        if failure is ex:
            raise
        raise failure from ex


@contextlib.contextmanager
def atomic_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    overwrite: bool = False,
    inputs: Iterable[object] = (),
) -> Iterator[str]:
    """Write files of one folder atomically: yield a staging folder, then move them in place.

    Files written into the staging folder under the names of ``paths`` are
    moved to ``paths`` when the block ends, none of which may exist then
    (unless ``overwrite``: existing ones are set aside and deleted once the
    new files are in place). On any failure nothing is left behind and
    every old file stays.

    Parameters
    ----------
    paths : sequence of path
        Every file the output occupies, in one folder (a shapefile's parts).
    overwrite : bool
        Replace existing files.
    inputs : iterable
        The run's inputs, never written over.

    Yields
    ------
    str
        The staging folder.

    Raises
    ------
    OutputExistsError, OutputError
        As :func:`check_files`, or a file appeared during the run, or the
        writing failed.

    Examples
    --------
    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with atomic_files([target]) as staging:
    ...     with open(os.path.join(staging, "a.txt"), "w") as handle:
    ...         _ = handle.write("a")
    >>> from pathlib import Path
    >>> Path(target).read_text()
    'a'
    """
    inputs = list(inputs)
    check_files(paths, overwrite=overwrite, inputs=inputs)
    located = [_location(p) for p in paths]
    shown, parent, _ = located[0]
    staging = _temporary(parent, _TEMPORARY)
    try:
        yield staging
        _apply_umask(staging)
        names = sorted(os.listdir(staging))
        retired = None
        placed: dict[str, tuple[int, int]] = {}
        try:
            old = [name for _, _, name in located if os.path.lexists(os.path.join(parent, name))]
            if old:
                if not overwrite:
                    raise _appeared(shown)
                for item_shown, _, _ in located:
                    _guard(item_shown, inputs, _CHOOSE_FILE)
                retired = _temporary(parent, _RETIRED)
                for name in old:
                    os.rename(os.path.join(parent, name), os.path.join(retired, name))
            for name in names:
                target = os.path.join(parent, name)
                placed[name] = _place_file(os.path.join(staging, name), target, shown)
        except BaseException:
            for name, identity in placed.items():
                target = os.path.join(parent, name)
                with contextlib.suppress(OSError):
                    now = os.stat(target, follow_symlinks=False)
                    if (now.st_dev, now.st_ino) == identity:  # still ours
                        os.unlink(target)
            if retired is not None:
                _put_back(retired, parent)
                shutil.rmtree(retired, ignore_errors=True)
            raise
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException as ex:
        failure = _failure(ex, shown, parent)
        if failure is ex:
            raise
        raise failure from ex
    finally:
        shutil.rmtree(staging, ignore_errors=True)
