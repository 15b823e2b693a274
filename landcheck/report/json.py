"""findings.json (schema ``landcheck/findings@1``).

The file is written a site at a time: the run's facts first
(:meth:`CheckResult.run_dict`), then each site's entry
(:meth:`CheckResult.site_dicts`) as it is built, so a batch of ten thousand
sites never holds its whole findings in memory, as a dict or as text. The text
is encoded by orjson, indented by two spaces, with NaN and infinities as null:
byte for byte ``orjson.dumps(result.to_dict(), option=OPT_INDENT_2)``, and read
back by any JSON parser it is exactly the dict ``json.dumps`` would write.
A batch of :data:`SPLIT_FROM` sites or more is written by two processes, the
last sites' entries by a forked one (:func:`write_json`): the same bytes.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from landcheck import forked
from landcheck.bothends import Ends, share
from landcheck.gcpause import collector_paused
from landcheck.result import CheckResult
from landcheck.rules import Finding
from landcheck.rules.core import cited_basis

if TYPE_CHECKING:
    from landcheck.report.options import ReportOptions

__all__ = ["FILENAME", "dumps", "iter_json", "write_json"]

FILENAME = "findings.json"

_INDENT = 2

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY
"""Two-space indent (``json.dumps(indent=2)``'s layout); numpy scalars as their numbers."""


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


_BREAKS = [b"\n" + b"  " * depth for depth in range(64)]


def _encode(value: Any, depth: int = 0) -> bytes:
    r"""``value`` as findings.json writes it with its first line at ``depth``.

    Encoded inside ``depth`` lists, so orjson indents it as deep as it lies in
    the file; the lists' brackets are then cut off (a slice, where indenting
    the text again meant rewriting every line of it).

    orjson writes NaN and infinities as null and raises ``TypeError`` (its
    ``JSONEncodeError``) on what JSON cannot hold; texts already encoded are
    :class:`orjson.Fragment` and placed as they are, so they must be written at
    the depth they are placed at.

    Examples
    --------
    >>> _encode({"a": [1]}, 1)
    b'{\n    "a": [\n      1\n    ]\n  }'
    """
    if not depth:
        return orjson.dumps(value, option=_OPTIONS)
    for _ in range(depth):
        value = [value]
    return orjson.dumps(value, option=_OPTIONS)[_OPENING[depth] : -_CLOSING[depth]]


_OPENING = [sum(2 * level + 2 for level in range(depth)) + 2 * depth for depth in range(64)]
"""Length of what comes before a value encoded inside ``depth`` lists: ``[`` lines, indent."""

_CLOSING = [sum(2 * level + 2 for level in range(depth)) for depth in range(64)]
"""Length of what comes after it: a line break, indent and ``]`` for each list."""

_SITE_DEPTH = 2
"""Depth of a site's entry in findings.json: file, sites, site."""

_ENTRY_DEPTH = _SITE_DEPTH + 2
"""Depth of a finding in findings.json: its site's, then findings, finding."""

_SHARED_TEXTS = 4096
"""Most texts an :class:`_Entries` keeps of each kind (a batch needs a few hundred of its rules';
of its messages, the ones met again, a few thousand)."""


def _members(value: dict[str, Any], depth: int) -> bytes:
    """A dict's members as :func:`_encode` writes them at ``depth``, without the braces."""
    return _encode(value, depth)[1 : -len(_BREAKS[depth]) - 1]


def _number(value: Any) -> bytes:
    """A number as :func:`_encode` writes ``float(value)``."""
    return orjson.dumps(float(value))


class _Entries:
    """The text of a result's findings, sharing what the findings of one rule share.

    A rule's findings differ from site to site in their areas and messages only:
    the check, status and outcome, the title, the legal basis and the documents
    are encoded once and joined into each finding's text, and a message once for
    the same templates and values. The texts are :func:`_encode`'s at their depth
    in findings.json, byte for byte. One object serves one writing (it holds what
    it met by identity).
    """

    def __init__(self) -> None:
        depth = _ENTRY_DEPTH
        self._inner = _BREAKS[depth + 1]
        deeper = _BREAKS[depth + 2]
        self._message = self._inner + b'"message": {' + deeper + b'"zh": '
        self._message_en = b"," + deeper + b'"en": '
        self._message_close = self._inner + b"}"
        self._planar = b"," + self._inner + b'"area_planar_m2": '
        self._ellipsoidal = b"," + self._inner + b'"area_ellipsoidal_m2": '
        self._fixed: dict[tuple[Any, ...], tuple[Finding, bytes, bytes, bytes]] = {}
        self._messages: dict[tuple[int, ...], tuple[Any, tuple[Any, ...], bytes]] = {}

    def finding(self, finding: Finding) -> orjson.Fragment:
        """The finding's entry: ``_encode(finding.to_dict(), _ENTRY_DEPTH)``."""
        f = finding
        key = (
            f.check,
            f.layer,
            f.status,
            f.outcome,
            id(f.title),
            id(f.basis),
            id(f.basis_dates),
            id(f.basis_marks),
            id(f.documents),
            id(f.documents_later),
        )
        fixed = self._fixed.get(key)
        if fixed is None:
            fixed = self._fixed_texts(f)  # holds the finding: the ids stay its objects'
            self._keep(self._fixed, key, fixed)
        # by the identity of the templates and of each value: a layer's title and reason, a
        # shared zero, repeat from site to site (two findings in three of a batch's)
        said = (id(f.templates), *map(id, f.values))
        message = self._messages.get(said)
        if message is None:
            text = f.message
            message = (  # holds the templates and values: the ids stay their objects'
                f.templates,
                f.values,
                b"".join(
                    (
                        self._message,
                        orjson.dumps(text.zh),
                        self._message_en,
                        orjson.dumps(text.en),
                        self._message_close,
                    )
                ),
            )
            if len(self._messages) >= _SHARED_TEXTS:
                self._messages.clear()  # the one-off ones (areas) go; what repeats is back at once
            self._messages[said] = message
        area = f.area
        return orjson.Fragment(
            b"".join(
                (
                    fixed[1],
                    _number(area.m2),
                    self._planar,
                    _number(area.planar_m2),
                    self._ellipsoidal,
                    _number(area.ellipsoidal_m2),
                    fixed[2],
                    message[2],
                    fixed[3],
                )
            )
        )

    def _fixed_texts(self, f: Finding) -> tuple[Finding, bytes, bytes, bytes]:
        """The text of a finding around its areas and message, which its rule's share."""
        depth, inner = _ENTRY_DEPTH, self._inner
        head = {"check": f.check, "layer": f.layer, "status": f.status, "outcome": f.outcome}
        zh, en, marks = cited_basis(f.basis, f.basis_dates, f.basis_marks)
        now, later = f.documents, f.documents_later
        tail = {
            "basis": list(zh),
            "basis_en": list(en),
            "documents": [d.zh for d in now],
            "documents_en": [d.en for d in now],
            "documents_later": [d.zh for d in later],
            "documents_later_en": [d.en for d in later],
            "basis_marks": list(marks),
        }
        return (
            f,
            b"{" + _members(head, depth) + b"," + inner + b'"area_m2": ',
            b"," + _members({"title": f.title.to_dict()}, depth) + b",",
            b"," + _members(tail, depth) + _BREAKS[depth] + b"}",
        )

    @staticmethod
    def _keep(texts: dict[Any, Any], key: Any, text: Any) -> None:
        if len(texts) < _SHARED_TEXTS:
            texts[key] = text


def iter_json(
    result: CheckResult, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[bytes]:
    """Yield findings.json's UTF-8 text in pieces: the run's facts, then one piece per site.

    The pieces joined are ``orjson.dumps(result.to_dict(), option=OPT_INDENT_2)``:
    two-space indent, characters beyond ASCII kept, NaN and infinities written as
    null. ``progress(done, total)`` is called before the first site and after each.
    """
    total = len(result.sites)
    if not total:
        yield _facts(result) + b',\n  "sites": []\n}'
        return
    yield _facts(result) + _SITES_OPEN
    if progress is not None:
        progress(0, total)
    for done, piece in enumerate(_site_pieces(result, range(total)), start=1):
        yield piece
        if progress is not None:
            progress(done, total)
    yield _SITES_CLOSE


_SITES_OPEN = b',\n  "sites": [\n'
_SITES_CLOSE = b"\n  ]\n}"


def _facts(result: CheckResult) -> bytes:
    """findings.json's run facts, the object left open for its ``sites``."""
    return _encode(result.run_dict())[: -len(b"\n}")]


def _site_pieces(
    result: CheckResult, positions: range, entries: _Entries | None = None
) -> Iterator[bytes]:
    """The text of the sites' entries at ``positions``, each after the separator it follows.

    ``entries`` makes the findings' text (default: a new :class:`_Entries`).
    """
    indent = _BREAKS[_SITE_DEPTH][1:]
    entries = entries if entries is not None else _Entries()
    sites = result.site_dicts(finding_entry=entries.finding, positions=positions)
    for position, site in zip(positions, sites, strict=True):
        yield (indent if position == 0 else b",\n" + indent) + _encode(site, _SITE_DEPTH)


def dumps(result: CheckResult, *, indent: int | None = 2) -> str:
    """Return findings.json as text (UTF-8 characters kept, not escaped).

    With the default two-space indent, the text of the file; another indent
    gives ``json.dumps`` of :meth:`CheckResult.to_dict` (NaN written as null).

    Examples
    --------
    >>> import json
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> from landcheck import check
    >>> site = gpd.GeoDataFrame({"site_id": ["S1"], "name": ["厂区"]}, crs=4523,
    ...     geometry=[box(35_420_000, 2_700_000, 35_420_100, 2_700_100)])
    >>> data = json.loads(dumps(check(site, layers={"farmland": site.assign(BSM="F1")})))
    >>> data["schema"], data["sites"][0]["name"], data["sites"][0]["status"]
    ('landcheck/findings@1', '厂区', 'prohibited')
    """
    if indent == _INDENT:
        with collector_paused():
            return b"".join(iter_json(result)).decode("utf-8")
    return json.dumps(_finite(result.to_dict()), ensure_ascii=False, indent=indent)


SPLIT_FROM = 1_000
"""From this many sites on, findings.json's last sites are written by a forked process (at
1,000 sites it saved 0.07 s of the command; at 500, nothing measurable)."""

_RUN = 64
"""Sites a run of the split writing: about 20 ms of entries at 10,000 sites."""


def write_json(
    result: CheckResult,
    directory: str,
    options: ReportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """Write findings.json into ``directory``, a site at a time, and return its path.

    ``progress(done, total)`` (else the options' ``write:json`` stage) hears of each site.
    From :data:`SPLIT_FROM` sites on, with a second core, a forked process
    writes the entries of the last sites while this one writes the first ones
    (:func:`_write_split`): the same bytes.
    """
    if progress is None and options is not None:
        progress = options.step("json")
    path = os.path.join(directory, FILENAME)
    # the sites' entries are made and dropped a site at a time: the collector, walking
    # everything the result holds, would cost more than the entries
    with open(path, "wb") as handle, collector_paused():
        if len(result.sites) >= SPLIT_FROM and forked.worker_count(2):
            _write_split(result, handle, directory, progress)
        else:
            for piece in iter_json(result, progress=progress):
                handle.write(piece)
        handle.write(b"\n")
    return path


def _write_split(
    result: CheckResult,
    handle: BinaryIO,
    directory: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    """findings.json's text into ``handle``, the last sites' entries written by a forked process.

    The sites are shared out in runs from both ends (:mod:`landcheck.bothends`):
    this process writes the first ones into ``handle`` as it goes, the forked one
    the last ones into an unnamed temporary file beside findings.json (it leaves
    no name behind, even if the run is killed); they are copied in after them.
    This process writes the first run before the fork: what the entries read of
    the whole batch is then built once, for both.
    Runs a forked process that died took and never wrote are written here.
    """
    total = len(result.sites)
    entries = _Entries()  # each process's own: the forked one's fills in its copy

    def write_own(positions: range) -> None:
        for piece in _site_pieces(result, positions, entries):
            handle.write(piece)
        handle.flush()  # the first run is written before the fork: none of it may be in its buffer

    def write_rest(positions: range) -> bytes:
        return b"".join(_site_pieces(result, positions, entries))

    handle.write(_facts(result) + _SITES_OPEN)  # before forking: the inputs' hashes are awaited
    handle.flush()  # nothing of this process's buffer may be in the forked one's
    gaps = False
    with Ends(total, _RUN, directory) as ends:
        arrived = share(ends, write_own, write_rest, progress=progress)
        for positions, arrival in ends.rest(arrived):
            if arrival is None:
                write_own(positions)
                gaps = True
            else:
                ends.copy_into(arrival, handle)
    if gaps and progress is not None:  # what the forked process left, written here
        progress(total, total)
    handle.write(_SITES_CLOSE)
