"""The per-site files of a batch's report: their folder, their names, and their writing.

Beyond a few dozen sites, report.html and report.docx are each an index of the
batch, and every site has its own page (``sites/<name>.html``) and its own
Word document (``sites/<name>.docx``), named alike by :func:`site_file_names`.
:func:`write_in_jobs` writes them a few sites a job in forked worker
processes (:func:`landcheck.forked.run_jobs`), the index beside them.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import partial

from landcheck import forked
from landcheck.forked import run_jobs

__all__ = [
    "NAME_BYTES",
    "NAME_CHARS",
    "SITES_A_JOB",
    "SITES_FOLDER",
    "forks_workers",
    "site_file_names",
    "sites_folder",
    "write_in_jobs",
]

SITES_FOLDER = "sites"
"""The folder of the per-site files, beside the index (report.html, report.docx)."""

NAME_CHARS = 80
"""Longest site file name, in characters, before its ``~N`` and extension."""

NAME_BYTES = 200
"""Longest site file name, in UTF-8 bytes, before its ``~N`` and extension.

File systems limit a name to 255 bytes (ext4, XFS, Btrfs, APFS; NTFS to 255
UTF-16 units, never more than the UTF-8 bytes): 80 letters of CJK Extension B
(4 bytes each) made 320 bytes and the report failed ("File name too long").
200 bytes leave room for ``~N`` and ``.html``/``.docx`` and some margin."""

NAME_TAIL = 20
"""Characters kept from the end of a site id cut to :data:`NAME_CHARS`."""

SITES_A_JOB = 4
"""Sites' files a worker writes per job: few, so the progress advances evenly."""

_UNSAFE = re.compile(r"[^\w.-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}


def site_file_names(site_ids: Sequence[str]) -> list[str]:
    """File stems for the sites' files: readable, unique, safe on any file system.

    Letters and digits of any script, ``-`` and ``.`` are kept (after NFKC
    normalisation); anything else becomes ``_``. Dots and underscores
    at either end go, so no name is hidden or ``..``; Windows' reserved device
    names get a ``_`` in front; a long name keeps its beginning and its last
    :data:`NAME_TAIL` characters, joined by ``__``, in :data:`NAME_CHARS`
    characters and :data:`NAME_BYTES` UTF-8 bytes (ids of one batch often
    differ only at the end: 某镇…地块编号00017); an
    empty result becomes ``site``. Names equal after this (ignoring case, as
    Windows and macOS do) get ``~2``, ``~3``… in site order.

    Examples
    --------
    >>> site_file_names(["S1", "../x", "CON", "s1", "工业园 A", "", "a/b"])
    ['S1', 'x', '_CON', 's1~2', '工业园_A', 'site', 'a_b']
    >>> long = ["A" * 70 + "B" * 25 + "00001", "A" * 70 + "B" * 25 + "00002"]
    >>> [(len(name), name[54:]) for name in site_file_names(long)]
    [(80, 'AAAA__BBBBBBBBBBBBBBB00001'), (80, 'AAAA__BBBBBBBBBBBBBBB00002')]
    >>> [(len(name), len(name.encode())) for name in site_file_names(["𠀀" * 100])]
    [(51, 198)]
    """
    names: list[str] = []
    taken: set[str] = set()
    last: dict[str, int] = {}  # a stem's last number given: the next one is tried first
    for site_id in site_ids:
        text = unicodedata.normalize("NFKC", str(site_id))
        stem = _shortened(_UNSAFE.sub("_", text).strip("._")).strip("._") or "site"
        if stem.split(".")[0].upper() in _RESERVED:
            stem = "_" + stem
        key = stem.casefold()
        number = last.get(key, 0)
        name = stem if not number else f"{stem}~{number}"
        while name.casefold() in taken:
            number = max(number, 1) + 1
            name = f"{stem}~{number}"
        last[key] = number
        taken.add(name.casefold())
        names.append(name)
    return names


def _shortened(stem: str) -> str:
    """``stem`` cut to :data:`NAME_CHARS` characters and :data:`NAME_BYTES` bytes.

    A longer stem keeps its beginning and its last :data:`NAME_TAIL`
    characters, joined by ``__``; the beginning is cut between characters,
    never inside one.
    """
    if len(stem) <= NAME_CHARS and len(stem.encode("utf-8")) <= NAME_BYTES:
        return stem
    tail = stem[-NAME_TAIL:].lstrip("._")
    room = NAME_BYTES - 2 - len(tail.encode("utf-8"))
    head = stem[: NAME_CHARS - NAME_TAIL - 2].encode("utf-8")[:room].decode("utf-8", "ignore")
    return f"{head.rstrip('._')}__{tail}"


def sites_folder(directory: str) -> str:
    """The report folder's :data:`SITES_FOLDER`, made if it is not there yet.

    report.html and report.docx both write into it, side by side in forked
    processes: whichever comes first makes it.
    """
    folder = os.path.join(directory, SITES_FOLDER)
    os.makedirs(folder, exist_ok=True)
    return folder


def write_in_jobs(
    total: int,
    write: Callable[[range], None],
    *,
    first: Callable[[], None],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run ``first``, then ``write`` for every :data:`SITES_A_JOB` sites, in forked workers.

    Parameters
    ----------
    total : int
        The sites.
    write : callable
        ``write(positions)`` writes the files of the sites at those positions
        (a range of at most :data:`SITES_A_JOB`).
    first : callable
        The first job (the index, a shared file), run while another worker
        starts on the sites.
    progress : callable, optional
        ``progress(done, total)`` after each site, in site order, as the
        jobs' results come back.
    """
    starts = _job_starts(total)

    def written(number: int, _: None) -> None:
        if number and progress is not None:
            start = starts[number - 1]
            for position in range(start, min(start + SITES_A_JOB, total)):
                progress(position + 1, total)

    jobs = [first, *(partial(write, range(s, min(s + SITES_A_JOB, total))) for s in starts)]
    run_jobs(jobs, done=written)


def _job_starts(total: int) -> range:
    """The first site of each of :func:`write_in_jobs`' jobs after ``first``."""
    return range(0, total, SITES_A_JOB)


def forks_workers(total: int) -> bool:
    """Whether :func:`write_in_jobs` writes ``total`` sites' files in forked workers, not here.

    What only forked workers gain from (a cache built before they fork, that
    each would otherwise build for itself) is worth building only then.
    """
    return bool(forked.worker_count(1 + len(_job_starts(total))))
